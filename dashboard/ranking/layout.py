"""The ranking page's layout (/classement): its controls (weights, reference, order, filters), permalink and
actions, charts and table, filled from `dashboard.ranking.view.view`; callbacks: `dashboard.ranking.callbacks`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from dash import dcc, html

from dashboard.core import catalogue, routes
from dashboard.core.formatting import typo
from dashboard.core.levels import LEVEL_DEPARTEMENT
from dashboard.core.perimeter import in_perimeter, of_perimeter, perimeter
from dashboard.core.store import Store
from dashboard.map import ids as map_ids
from dashboard.needs import figures
from dashboard.needs import model as needs
from dashboard.needs import state as needs_state
from dashboard.needs.analysis import needs_inputs, reference, supply_of
from dashboard.needs.state import NeedsState
from dashboard.needs.views import PLACES_UNAVAILABLE
from dashboard.presentation import ids as presentation_ids
from dashboard.presentation.buttons import add_link
from dashboard.presentation.specs import KIND_RANKING
from dashboard.ranking import ids as ranking_ids
from dashboard.ranking.view import columns_meaning, view
from dashboard.ui.components import explained_option, fold_button, ignored_parameters, requires_store
from dashboard.ui.graph_frame import graph_frame
from dashboard.ui.permalink import permalink_field
from dashboard.ui.plain_rows import ROWS_ATTRIBUTE

HEADING = "Où manque-t-il des places en résidences sociales ?"


#: Below the slider of a candidate without values in the build.
NOT_BUILT = "Aucune valeur dans cette construction : sans effet sur l'indice."


def weight_controls(entries: Mapping[str, Mapping], state: NeedsState, built: Collection[str]) -> list[Any]:
    """One slider per candidate indicator, grouped by theme, with its direction and reason; the slider of a
    candidate without values in the build (`built`: the indicators with values) is disabled and says so."""
    blocks = []
    for group, title in needs.GROUPS.items():
        members = [candidate for candidate in needs.CANDIDATES if candidate.group == group]
        rows = []
        for candidate in members:
            entry = entries.get(candidate.indicator, {})
            direction = int(entry.get("direction") or 0)
            rows.append(
                html.Div(
                    [
                        html.Label(
                            [
                                str(entry.get("label", candidate.indicator)),
                                " (valeur du département)" if candidate.inherited else "",
                                html.Span(
                                    " ↑ besoin" if direction > 0 else " ↓ besoin",
                                    className="weight-direction",
                                    title="Sens : une valeur plus élevée signale plus de besoin"
                                    if direction > 0
                                    else "Sens : une valeur plus élevée signale moins de besoin",
                                ),
                            ],
                            id=f"{ranking_ids.RANK_WEIGHT_LABEL_PREFIX}{candidate.indicator}",
                            className="weight-label",
                        ),
                        html.Div(
                            dcc.Slider(
                                id={"type": ranking_ids.RANK_WEIGHT, "indicator": candidate.indicator},
                                min=0,
                                max=needs.WEIGHT_MAX,
                                step=0.25,
                                marks={0: "0", 1: "1", 2: "2", 3: "3"},
                                value=state.weight(candidate.indicator),
                                updatemode="mouseup",
                                disabled=candidate.indicator not in built,
                                className="weight-slider",
                            ),
                            role="group",
                            **{"aria-labelledby": f"{ranking_ids.RANK_WEIGHT_LABEL_PREFIX}{candidate.indicator}"},
                        ),
                        html.P(typo(candidate.reason), className="weight-reason"),
                        None if candidate.indicator in built else html.P(typo(NOT_BUILT), className="weight-reason"),
                    ],
                    className="weight-row",
                )
            )
        blocks.append(html.Fieldset([html.Legend(title), *rows], className="weight-group"))
    return blocks


def index_controls(store: Store, state: NeedsState) -> list[Any]:
    """The need index's settings: one weight per indicator, partial values, normalisation, reset."""
    entries = catalogue.indicator_entries(store)
    unavailable = [entry for entry in entries.values() if not entry.get("available", True)]
    return [
        html.H2("Indice de besoin : indicateurs et poids"),
        html.P(
            typo(
                "Seulement des indicateurs de la demande ; l'offre existante est un axe à part. Poids 0 : "
                "indicateur non retenu."
            ),
            className="map-hint",
        ),
        *weight_controls(entries, state, set(catalogue.available_indicators(store))),
        dcc.Checklist(
            id=ranking_ids.RANK_PARTIAL,
            options=[
                {
                    "label": typo(
                        "Inclure les valeurs approchées qui couvrent moins de 80 % de la population de l'EPCI"
                    ),
                    "value": "incluses",
                }
            ],
            value=["incluses"] if state.include_partial else [],
            className="layer-list",
        ),
        html.Details(
            [
                html.Summary("Indicateurs non disponibles en données ouvertes"),
                html.Ul(
                    [
                        html.Li(f"{entry['label']} — {entry.get('official_source') or 'source non publiée'}")
                        for entry in unavailable
                    ]
                ),
            ],
            className="map-details",
        ),
        field(
            "Normalisation",
            dcc.RadioItems(
                id=ranking_ids.RANK_NORMALISATION,
                options=[
                    {"label": explained_option(label, needs.NORMALISATIONS_PLAIN[key]), "value": key}
                    for key, label in (
                        ("rang", f"Rang {in_perimeter()} (par défaut)"),
                        ("z_robuste", "Écart robuste à la médiane"),
                    )
                ],
                value=state.normalisation,
                className="radio-list",
            ),
        ),
        html.Button("Rétablir les réglages par défaut", id=ranking_ids.RANK_RESET, className="button", type="button"),
    ]


def reference_controls(store: Store, state: NeedsState) -> list[Any]:
    """The reference rate of the expected supply: national, regional or a typed target."""
    supply = supply_of(store)
    references = {key: reference(store, supply, key) for key in ("france", "region")}
    return [
        html.H2("Référence de l'offre"),
        field(
            "Taux de référence (places en résidences sociales pour 10 000 habitants)",
            dcc.RadioItems(
                id=ranking_ids.RANK_REFERENCE,
                options=[
                    {
                        "label": typo(references["france"].label.capitalize() + " (par défaut)"),
                        "value": "france",
                    },
                    *(
                        []
                        if perimeter(store).is_france
                        else [{"label": typo(references["region"].label.capitalize()), "value": "region"}]
                    ),
                    {"label": "Objectif saisi ci-dessous", "value": "cible"},
                ],
                value=state.reference,
                className="radio-list",
            ),
            html.Label("Objectif (places pour 10 000 habitants)", htmlFor=ranking_ids.RANK_TARGET),
            dcc.Input(
                id=ranking_ids.RANK_TARGET,
                type="number",
                min=0,
                max=needs_state.MAX_TARGET,
                step=0.5,
                value=state.target,
                debounce=True,
                className="number-input",
            ),
            dcc.Link("Voir le calcul des places", href=routes.METHOD, className="map-definition-link"),
        ),
    ]


def order_controls(state: NeedsState) -> list[Any]:
    """What the ranking sorts by."""
    return [
        html.H2("Ordre du classement"),
        field(
            "Classer par",
            dcc.RadioItems(
                id=ranking_ids.RANK_ORDER,
                options=[
                    {"label": label + (" (par défaut)" if key == "places" else ""), "value": key}
                    for key, label in needs.ORDERS.items()
                ],
                value=state.order,
                className="radio-list",
            ),
        ),
    ]


def field(legend: str, *controls: Any) -> html.Fieldset:
    """A group of the controls' column: its legend, then its controls."""
    return html.Fieldset([html.Legend(legend), *controls], className="map-field")


def filter_controls(store: Store, state: NeedsState) -> list[Any]:
    """Which EPCIs are shown: départements, kinds, population band (ranks stay over the whole région)."""
    departements = store.display[LEVEL_DEPARTEMENT].features
    codes_names = zip(departements["code"], departements["name"], strict=True)
    bands = [{"label": label, "value": key} for key, (label, _, _) in needs_state.BANDS.items()]
    return [
        html.H2("Filtres"),
        field(
            "Départements",
            dcc.Checklist(
                id=ranking_ids.RANK_DEPARTEMENTS,
                options=[{"label": f"{name} ({code})", "value": code} for code, name in codes_names],
                value=list(state.departements),
                className="layer-list",
            ),
        ),
        field(
            "Nature de l'EPCI",
            dcc.Checklist(
                id=ranking_ids.RANK_KINDS,
                options=[{"label": label, "value": key} for key, label in needs_state.KINDS.items()],
                value=list(state.kinds),
                className="layer-list",
            ),
        ),
        field(
            "Population",
            dcc.RadioItems(
                id=ranking_ids.RANK_BAND,
                options=[{"label": "Toutes tailles", "value": ""}, *bands],
                value=state.band or "",
                className="radio-list",
            ),
        ),
    ]


def controls(store: Store, state: NeedsState) -> html.Div:
    """Every control of the page, set to `state`."""
    return html.Div(
        [
            *index_controls(store, state),
            *reference_controls(store, state),
            *order_controls(state),
            *filter_controls(store, state),
        ],
        id=ranking_ids.RANK_SETTINGS,
        className="rank-controls map-controls",
    )


def permalink(map_href: str, add_href: str) -> html.Div:
    """« Lien vers ce classement », then the actions: add the ranking to the deck, see the index on the map."""
    return permalink_field(
        "Lien vers ce classement",
        ranking_ids.RANK_PERMALINK,
        ranking_ids.RANK_COPY,
        ranking_ids.RANK_COPY_STATUS,
        "",
        html.P(
            [
                add_link(
                    add_href,
                    presentation_ids.PRES_ADD_FROM_RANKING,
                    KIND_RANKING,
                    "Ajouter ce classement à la présentation",
                ),
                dcc.Link(
                    "Voir l'indice de besoin sur la carte",
                    href=map_href,
                    id=ranking_ids.RANK_MAP_LINK,
                    className="map-definition-link",
                ),
            ],
            className="rank-actions",
        ),
    )


def chart_section(
    title: str, graph_id: str, figure: dict[str, Any], caption: str, hidden: bool = False
) -> html.Section:
    """A chart with its title and its caption (the caption's id is the graph's + « -legende »); `hidden` when the
    build has nothing to draw (the need × supply chart without places)."""
    return html.Section(
        [
            html.H2(title),
            html.P(caption, id=f"{graph_id}-legende", className="map-hint"),
            graph_frame(dcc.Graph(id=graph_id, figure=figure, config=figures.graph_config(), className="rank-chart")),
        ],
        hidden=hidden,
    )


def notices_block(notices: list[str]) -> html.Div | None:
    """The parameters ignored (same block as the map's)."""
    return ignored_parameters(notices, map_ids.MAP_NOTICES, "map-notices")


def table_section(shown: Mapping[str, Any], with_places: bool) -> html.Section:
    """The ranking table, its count, its reading note (on places: none without them) and its sources."""
    return html.Section(
        [
            html.H2("Tableau du classement"),
            html.P(shown["count"], id=ranking_ids.RANK_COUNT, role="status"),
            html.P(
                typo(
                    "Manque au regard du besoin = offre attendue (référence ajustée à "
                    "l'indice de besoin) − offre existante ; écart = référence − offre "
                    "existante. Places estimées, arrondies à 5 ; + = places manquantes."
                ),
                id=ranking_ids.RANK_GAP_NOTE,
                className="map-hint",
                hidden=not with_places,
            ),
            html.Div(
                html.Table(
                    [
                        html.Caption(
                            "EPCI classés par priorité (estimation) ; rang 1 = plus de "
                            "places manquantes au regard du besoin. Cliquez sur un nom "
                            "pour ouvrir sa fiche."
                            if with_places
                            else "EPCI classés par indice de besoin (estimation) ; rang 1 = besoin le plus marqué. "
                            "Cliquez sur un nom pour ouvrir sa fiche."
                        ),
                        html.Thead(shown["header"], id=f"{ranking_ids.RANK_TABLE}-entete"),
                        html.Tbody(id=ranking_ids.RANK_TABLE, **{ROWS_ATTRIBUTE: shown["rows"]}),
                    ],
                    className="data-table rank-table",
                ),
                className="table-scroll rank-table-frame",
            ),
            html.P(shown["sources"], id=ranking_ids.RANK_SOURCES, className="figure-source"),
            html.Details(
                [
                    html.Summary("Lire le tableau : que veut dire chaque colonne ?"),
                    html.Dl(
                        [
                            part
                            for header, text in columns_meaning()
                            for part in (html.Dt(typo(header)), html.Dd(typo(text)))
                        ],
                        className="glossary-list",
                    ),
                ],
                id=ranking_ids.RANK_GLOSSARY,
                className="map-details",
            ),
            html.P(
                [
                    typo("Indice, offre, priorité et écarts sont des estimations : "),
                    dcc.Link("méthode, indicateurs et limites", href=routes.METHOD),
                    ".",
                ],
                className="figure-source",
            ),
        ]
    )


def results(shown: Mapping[str, Any], with_places: bool) -> dcc.Loading:
    """Summary, permalink and actions, need × supply chart, table, contributions chart (dimmed while updating)."""
    return dcc.Loading(
        html.Div(
            [
                html.Section(
                    shown["summary"],
                    id=ranking_ids.RANK_SUMMARY,
                    className="panel rank-summary",
                    **{"aria-live": "polite"},
                ),
                permalink(shown["map_href"], shown["add_href"]),
                chart_section(
                    "Besoin et offre",
                    ranking_ids.RANK_NEED_SUPPLY,
                    shown["need_supply"],
                    shown["need_supply_caption"],
                    hidden=not with_places,
                ),
                table_section(shown, with_places),
                chart_section(
                    "Ce qui fait l'indice de besoin des premiers",
                    ranking_ids.RANK_CHART,
                    shown["contributions"],
                    shown["contributions_caption"],
                ),
            ],
            className="rank-main",
        ),
        delay_show=300,
        overlay_style={"visibility": "visible", "opacity": 0.6},
    )


@requires_store
def content(store: Store, query: Mapping[str, Any]) -> html.Div:
    """The page for the state the query asks for, with a notice per parameter ignored."""
    departements = list(store.display[LEVEL_DEPARTEMENT].codes)
    state, notices = needs_state.parse_needs(query, departements, strict=True)
    with_places = needs_inputs(store).supply.available
    shown = view(store, state)
    return html.Div(
        [
            html.Div(notices_block(notices), id=ranking_ids.RANK_NOTICES),
            None
            if with_places
            else html.P(
                typo(
                    f"{PLACES_UNAVAILABLE} : seul l'indice de besoin est calculé, et les EPCI sont classés par leur "
                    "indice de besoin."
                ),
                className="notice notice-info",
            ),
            html.Div(
                [
                    fold_button(
                        "Réglages du classement : poids, référence, ordre, filtres",
                        ranking_ids.RANK_SETTINGS_BUTTON,
                        ranking_ids.RANK_SETTINGS,
                        "rank-settings-button",
                    ),
                    controls(store, state),
                    results(shown, with_places),
                ],
                className="rank-layout",
            ),
            dcc.Store(id=ranking_ids.RANK_QUERY, data=shown["query"]),
        ]
    )


def page(**query: Any) -> html.Div:
    """The whole page: title, lead, then the content (or how to build the data)."""
    return html.Div(
        [
            html.H1(HEADING, id=ranking_ids.RANK_TITLE),
            html.P(
                typo(
                    f"Classement des EPCI {of_perimeter()} (estimation). L'indice de besoin réunit des indicateurs de la "
                    "demande (précarité, tension sur le parc social, marché du logement, personnes hébergées) ; "
                    "l'offre existante est comptée à part, en places. La priorité est le nombre de places qui "
                    "manquent par rapport à l'offre qu'aurait le territoire au taux de référence ajusté à son "
                    "besoin. Chaque rang est recalculé sous 500 variations des réglages."
                ),
                className="map-lead",
            ),
            content(query=query),
        ],
        className="rank-page",
    )
