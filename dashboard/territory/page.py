"""Territory fiche page (/territoire/<siren>): its header, map section and body, the « territoire introuvable »
page with its search by name, and the page's title. Sections: `dashboard.territory.sections`.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.comparison.state import compare_href
from dashboard.core import catalogue, routes
from dashboard.core.catalogue import citation_for, geometry_role, territory_row
from dashboard.core.formatting import typo
from dashboard.core.levels import LEVEL_COMMUNE, LEVEL_DEPARTEMENT, LEVEL_EPCI
from dashboard.core.perimeter import of_perimeter
from dashboard.core.store import Store, current_store
from dashboard.map import ids as map_ids
from dashboard.map.figure import graph_config
from dashboard.map.geometry import topojson_url
from dashboard.needs import state as needs_state
from dashboard.needs import views as needs_views
from dashboard.needs.fiche import FicheData, fiche_data, map_href
from dashboard.needs.projects import project_choices
from dashboard.presentation import ids as presentation_ids
from dashboard.presentation.buttons import add_link
from dashboard.presentation.export_links import fiche_pdf_href
from dashboard.presentation.request import add_href
from dashboard.presentation.specs import KIND_TERRITORY, SlideSpec
from dashboard.scenario import ids as scenario_ids
from dashboard.scenario.layout import scenario_block
from dashboard.territory import ids as territory_ids
from dashboard.territory import sections
from dashboard.territory.map_figure import fiche_map_figure
from dashboard.trends.sections import epci_trends
from dashboard.ui.components import ignored_parameters, requires_store
from dashboard.ui.graph_frame import graph_frame

TITLE_SUFFIX = "Résidences sociales"
SEARCH_LIMIT = 12


def path_siren(value: Any) -> str | None:
    """The SIREN of the path. Dash merges query parameters into the path variables, so a
    repeated parameter of the same name arrives as a list: only a plain string is a SIREN."""
    return value if isinstance(value, str) else None


def page_title(code_siren: Any = None, **_: Any) -> str:
    """« <EPCI name> — Résidences sociales », or « Territoire introuvable — … »."""
    siren = path_siren(code_siren)
    store = current_store()
    if isinstance(store, Store) and siren and LEVEL_EPCI in store.display:
        row = territory_row(store, LEVEL_EPCI, siren)
        if row is not None:
            return f"{row['name']} — {TITLE_SUFFIX}"
    return f"Territoire introuvable — {TITLE_SUFFIX}"


def _matches(store: Store, level: str, needle: str, digits: bool) -> list[tuple[str, str]]:
    """(name, code) of the territories of `level` whose name contains `needle` (or whose code starts with it)."""
    if level not in store.display:
        return []
    features = store.display[level].features
    pairs = zip(features["name"].astype(str), features["code"].astype(str), strict=True)
    found = [
        (name, code)
        for name, code in pairs
        if (code.startswith(needle) if digits else needle in catalogue.normalise(name))
    ]
    return sorted(
        found,
        key=lambda item: (
            catalogue.normalise(item[0]) != needle,  # « Lens » before « Courcelles-lès-Lens »
            not catalogue.normalise(item[0]).startswith(needle),
            catalogue.normalise(item[0]),
        ),
    )


def search_results(store: Store, text: str | None) -> list[Any]:
    """Links to the fiches of the EPCIs, then of the communes, whose name contains `text` (accents and case
    ignored) or whose code (SIREN, Insee) starts with it."""
    needle = catalogue.normalise((text or "").strip())
    if not needle:
        return []
    digits = needle.isdigit()
    links = [
        (f"{name} ({code})", routes.territory_path(code)) for name, code in _matches(store, LEVEL_EPCI, needle, digits)
    ] + [
        (f"{name} (commune, {code})", routes.commune_path(code))
        for name, code in _matches(store, LEVEL_COMMUNE, needle, digits)
    ]
    if not links:
        return [html.P(typo(f"Aucun EPCI ni aucune commune ne correspond à « {text.strip()[:40]} »."))]
    return [
        html.Ul([html.Li(dcc.Link(label, href=href)) for label, href in links[:SEARCH_LIMIT]]),
        html.P(f"{len(links) - SEARCH_LIMIT} autres résultats : précisez la recherche.")
        if len(links) > SEARCH_LIMIT
        else None,
    ]


def search_block(text: str = "", results: list[Any] | None = None) -> list[Any]:
    """The search of the EPCIs and communes by name or code, with its results (announced as they change);
    `text` and `results`: what the page was opened with."""
    return [
        html.Label("Rechercher un EPCI ou une commune (nom ou code)", htmlFor=territory_ids.FICHE_SEARCH),
        dcc.Input(
            id=territory_ids.FICHE_SEARCH,
            type="search",
            debounce=0.3,
            autoComplete="off",
            placeholder="Par exemple : Amiens, Flandre, Thiérache, 80021…",
            className="fiche-search-input",
            value=text,
        ),
        html.Div(results or [], id=territory_ids.FICHE_SEARCH_RESULTS, role="status", **{"aria-live": "polite"}),
    ]


@requires_store
def search_page(store: Store, text: Any) -> html.Div:
    """/recherche?q=…: the EPCIs and communes whose name or code matches, and the same search to refine it."""
    text = text if isinstance(text, str) else ""
    return html.Div(
        [
            html.H1("Rechercher une commune ou un EPCI", id=territory_ids.SEARCH_TITLE),
            html.P(
                typo(
                    "Tapez le nom ou le code d'une commune (code Insee) ou d'une intercommunalité (SIREN) : chaque "
                    "résultat ouvre sa fiche, avec ses indicateurs, ses sources et ses comparaisons."
                ),
                className="intro",
            ),
            html.Div(search_block(text[:80], search_results(store, text[:80])), className="search-page-block"),
        ],
        className="search-page",
    )


def not_found_page(title: str, title_id: str, notice: html.P, elsewhere: list[Any]) -> html.Div:
    """A fiche's « introuvable » page (404): why, the search of the EPCIs and communes, where else to look."""
    return html.Div(
        [
            html.P("Erreur 404", className="eyebrow"),
            html.H1(title, id=title_id),
            html.Div(
                [notice, *search_block(), html.P(elsewhere)],
                className="notice notice-warning fiche-not-found",
            ),
        ],
        className="not-found",
    )


def not_found(siren: str | None) -> html.Div:
    """« Territoire introuvable », with a search of the EPCIs and communes."""
    return not_found_page(
        "Territoire introuvable",
        territory_ids.TERRITORY_TITLE,
        html.P(
            typo(f"Aucun EPCI {of_perimeter()} ne porte le numéro SIREN « {siren or ''} »."),
            id=territory_ids.TERRITORY_NOTICE,
        ),
        [
            dcc.Link("Voir le classement des EPCI", href=routes.RANKING),
            " · ",
            dcc.Link("Retourner à la carte des territoires", href=routes.HOME),
        ],
    )


def header(data: FicheData) -> html.Div:
    """The EPCI's name and the fiche's actions (project, print, map, ranking, deck, PDF)."""
    ident = data.identity
    return html.Div(
        [
            html.P("Fiche du territoire", className="eyebrow"),
            html.H1(ident.name, id=territory_ids.TERRITORY_TITLE),
            html.P(
                [
                    dcc.Link(
                        "Monter un projet ici",
                        href=f"{routes.PROJECT}?territoire={ident.code}",
                        id=territory_ids.FICHE_PROJECT_LINK,
                        className="button-link",
                    ),
                    html.Button("Imprimer la fiche", id=territory_ids.FICHE_PRINT, className="button", type="button"),
                    dcc.Link("Voir sur la carte", href=map_href(ident.code, data.state)),
                    dcc.Link("Classement des EPCI", href=f"{routes.RANKING}{needs_state.serialise_needs(data.state)}"),
                    dcc.Link("Comparer avec…", href=compare_href(ident.code)),
                ],
                className="fiche-actions",
            ),
            # « Ajouter à la présentation » and the fiche as a PDF (issue 7, dashboard/exports_media.py).
            fiche_actions(ident.code),
        ],
        className="fiche-header",
    )


def map_section(store: Store, data: FicheData) -> html.Section:
    """The map of the EPCI's communes and establishments, with its sources."""
    figure = fiche_map_figure(store, data.identity.code)
    geometry = [citation for citation in [citation_for(store, geometry_role(LEVEL_COMMUNE))] if citation]
    finess = sorted(set(data.establishments["source"].dropna())) if len(data.establishments) else []
    return html.Section(
        [
            html.H2("Carte du territoire"),
            graph_frame(
                dcc.Graph(
                    id=territory_ids.FICHE_MAP,
                    figure=figure,
                    config=graph_config(topojson_url()) | {"scrollZoom": False},
                    className="fiche-map",
                )
            )
            if figure is not None
            else html.P("Contours des communes non disponibles."),
            html.P(
                "Communes de l'EPCI et établissements recensés (la liste complète est donnée plus bas). "
                + (f"Fonds de carte : {'; '.join(geometry)}. " if geometry else "")
                + (f"Établissements : {'; '.join(finess)}." if finess else ""),
                className="figure-source",
            ),
        ],
        className="fiche-map-section",
    )


@requires_store
def content(store: Store, siren: str | None, query: dict[str, Any]) -> html.Div:
    """The fiche of `siren` with the analysis parameters of `query`, or the « introuvable » page."""
    departements = list(store.display[LEVEL_DEPARTEMENT].codes) if LEVEL_DEPARTEMENT in store.display else []
    state, notices = needs_state.parse_needs(
        query, departements, only=needs_state.SCENARIO_PARAMS, strict=True, projects=project_choices(store)
    )
    data = fiche_data(store, siren, state) if siren else None
    if data is None:
        return not_found(siren)
    return html.Div(
        [
            ignored_parameters(notices, map_ids.MAP_NOTICES, "map-notices"),
            header(data),
            html.Div(
                [sections.identity_section(data), map_section(store, data)],
                className="fiche-top",
            ),
            sections.priority_section(data),
            scenario_section(store, data),
            sections.arguments_section(data),
            sections.lda_section(store, data),
            sections.need_section(data),
            sections.supply_section(store, data),
            sections.figures_section(store, data),
            epci_trends(
                store,
                data.identity.code,
                data.identity.name,
                (data.identity.departement_code, data.identity.departement_name),
            ),
            sections.establishments_section(store, data),
            html.P(
                typo(
                    "Indice de besoin, offre en places, priorité et écarts sont des estimations calculées à partir de "
                    "données publiques ouvertes, avec les paramètres de l'adresse de cette page ; la méthode est "
                    "décrite sur la page Sources."
                ),
                className="figure-source fiche-footnote",
            ),
        ]
    )


def scenario_section(store: Store, data: FicheData) -> html.Section:
    """« Projet envisagé »: planned residences in the EPCI and their effect on its gap and rank (a notice when the
    build has no places to add them to)."""
    block = (
        scenario_block(store, data.identity.code, data.state, scenario_ids.SCOPE_FICHE)
        if data.analysis.inputs.supply.available
        else html.P(
            typo(f"{needs_views.PLACES_UNAVAILABLE} : un projet ne peut pas y être ajouté."), className="notice"
        )
    )
    return html.Section(
        [html.H2("Projet envisagé : et si une résidence ouvrait ici ?", id=territory_ids.FICHE_SCENARIO), block],
        className="fiche-section fiche-scenario",
        **{"aria-labelledby": territory_ids.FICHE_SCENARIO},
    )


def page(code_siren: Any = None, **query: Any) -> html.Div:
    """The whole page: the fiche (or « introuvable ») and the print button's hidden output."""
    return html.Div(
        [
            content(siren=path_siren(code_siren), query=query),
            html.Div(id=f"{territory_ids.FICHE_PRINT}-sortie", hidden=True),
        ],
        className="territory-page fiche-page",
    )


def fiche_actions(siren: str) -> html.P:
    """The territory page's links: add the territory to the deck in progress, download its fiche as a PDF."""
    return html.P(
        [
            add_link(
                add_href(SlideSpec(KIND_TERRITORY, codes=(siren,))),
                presentation_ids.PRES_ADD_FROM_FICHE,
                KIND_TERRITORY,
            ),
            html.A(
                "Télécharger la fiche en PDF",
                href=fiche_pdf_href(siren),
                id=territory_ids.EXPORT_FICHE_PDF,
                className="button button-secondary",
                download="",
            ),
        ],
        className="deck-fiche-actions no-print",
    )
