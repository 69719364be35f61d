"""The commune fiche's layout: identity, figures compared with the EPCI, département, région and France, the
establishments in the commune and the résidences sociales nearest to it (or « commune introuvable »)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard.commune import ids as commune_ids
from dashboard.commune.data import (
    CommuneIdentity,
    IndicatorLine,
    commune_identity,
    establishment_sources,
    establishments_in,
    indicator_lines,
    nearest_residences,
)
from dashboard.commune.redirects import PARAM_FORMER, current_code
from dashboard.comparison.state import compare_href
from dashboard.core import catalogue, routes
from dashboard.core.formatting import format_count, format_number, typo
from dashboard.core.levels import FAMILY_RESIDENCE, LEVEL_COMMUNE
from dashboard.core.perimeter import APP_NAME, of_perimeter, own_region
from dashboard.core.store import Store, current_store
from dashboard.map import state as map_state
from dashboard.needs.views import table, value_cell
from dashboard.territory.page import not_found_page
from dashboard.trends.sections import commune_trends
from dashboard.ui.components import requires_store, sources_line

WITHHELD_LABEL = "secret statistique"


def path_code(value: Any) -> str | None:
    """The Insee code of the path (Dash merges a repeated query parameter into a list: no code then)."""
    return value if isinstance(value, str) else None


def page_title(code_insee: Any = None, **_: Any) -> str:
    """« <commune> (<code>) — Résidences sociales », or « Commune introuvable — … »."""
    code = path_code(code_insee)
    store = current_store()
    identity = commune_identity(store, code) if isinstance(store, Store) and code else None
    return f"{identity.name} ({identity.code}) — {APP_NAME}" if identity else f"Commune introuvable — {APP_NAME}"


def map_href(store: Store, code: str) -> str:
    """The map at the commune level with this commune selected."""
    choices = map_state.choices_from_store(store)
    state = replace(map_state.default_state(choices), level=LEVEL_COMMUNE, territory=code)
    return routes.HOME + map_state.serialise_state(state)


def not_found(code: str | None) -> html.Div:
    """« Commune introuvable », with the search of the EPCIs and communes and the commune map."""
    return not_found_page(
        "Commune introuvable",
        commune_ids.COMMUNE_TITLE,
        html.P(
            typo(f"Aucune commune {of_perimeter()} ne porte le code Insee « {(code or '')[:12]} »."),
            id=commune_ids.COMMUNE_NOTICE,
        ),
        [
            "Ou choisissez une commune sur la ",
            dcc.Link("carte des communes", href=f"{routes.HOME}?{map_state.PARAM_LEVEL}={LEVEL_COMMUNE}"),
            " : son panneau ouvre sa fiche.",
        ],
    )


def identity_section(store: Store, identity: CommuneIdentity) -> html.Div:
    """The commune's name, codes, EPCI (linked to its fiche), département and population, with their sources."""
    epci = (
        dcc.Link(identity.epci_name, href=routes.territory_path(identity.epci_code))
        if identity.epci_code and identity.epci_name
        else "rattachée à un EPCI hors de la région"
    )
    facts = [
        ("Code Insee", identity.code),
        ("EPCI", epci),
        ("Département", f"{identity.departement_name} ({identity.departement_code})"),
        ("Population municipale", f"{format_count(identity.population)} habitants" if identity.population else "–"),
    ]
    citations = [catalogue.citation_for(store, catalogue.ROLE_TERRITORIES)]
    return html.Div(
        [
            html.P("Fiche de la commune", className="eyebrow"),
            html.H1(identity.name, id=commune_ids.COMMUNE_TITLE),
            html.P(
                [
                    dcc.Link("Voir sur la carte", href=map_href(store, identity.code)),
                    dcc.Link("Fiche de l'EPCI", href=routes.territory_path(identity.epci_code))
                    if identity.epci_code
                    else None,
                    dcc.Link("Comparer avec…", href=compare_href(identity.code)),
                ],
                className="fiche-actions",
            ),
            html.Dl(
                [part for label, value in facts for part in (html.Dt(label), html.Dd(value))],
                className="facts fiche-identity",
            ),
            html.P(sources_line([text for text in citations if text]), className="figure-source"),
        ],
        id=commune_ids.COMMUNE_IDENTITY,
        className="fiche-header",
    )


def indicator_row(line: IndicatorLine) -> html.Tr:
    """One indicator: label, unit and source, then the commune's value and its comparisons."""
    entry = line.entry
    first = [WITHHELD_LABEL] if line.withheld else value_cell(line.values[0], entry)
    cells = [first] + [value_cell(value, entry, detail=False) for value in line.values[1:]]
    notes = " (approximation)" if entry.get("approximation") else (" (estimation)" if entry.get("estimate") else "")
    return html.Tr(
        [
            html.Th(
                [
                    dcc.Link(catalogue.label_with_unit(entry), href=routes.indicator_source_path(line.indicator)),
                    notes,
                    html.Span(sources_line([line.values[0].source]), className="cell-detail")
                    if line.values[0].source
                    else None,
                ],
                scope="row",
            ),
            *[html.Td(cell, className="cell-number") for cell in cells],
        ]
    )


def figures_section(store: Store, identity: CommuneIdentity) -> html.Section:
    """Every commune-level indicator beside the EPCI, the département, the région and France."""
    lines = indicator_lines(store, identity)
    head = [
        "Indicateur (unité ; source, millésime)",
        identity.name,
        identity.epci_name or "EPCI",
        identity.departement_name,
        own_region(store, LEVEL_COMMUNE, identity.code)[1] or "Région",
        "France",
    ]
    return html.Section(
        [
            html.H2("Chiffres de la commune"),
            html.P(
                typo(
                    f"Les {len(lines)} indicateurs publiés à l'échelle de la commune, comparés à son EPCI, à son "
                    "département, à sa région et à la France. « secret statistique » : l'Insee ne publie pas cette "
                    "valeur pour les petites communes ; « donnée non disponible » : la valeur n'existe pas à ce niveau."
                ),
                className="section-lead",
            ),
            html.Div(
                table(None, head, [indicator_row(line) for line in lines], numeric=(1, 2, 3, 4, 5)),
                id=commune_ids.COMMUNE_TABLE,
            ),
        ],
        id=commune_ids.COMMUNE_FIGURES,
    )


def _opening(value: Any) -> str:
    date = pd.to_datetime(value, errors="coerce")
    return "–" if pd.isna(date) else date.strftime("%d/%m/%Y")


def establishments_section(store: Store, identity: CommuneIdentity) -> html.Section:
    """The establishments located in the commune (résidences sociales first)."""
    frame = establishments_in(store, identity.code)
    rows = [
        html.Tr([html.Td(item["name"]), html.Td(item["type_label"]), html.Td(_opening(item["opening_date"]))])
        for item in frame.to_dict("records")
    ]
    residences = int((frame["family"] == FAMILY_RESIDENCE).sum())
    summary = (
        f"{format_count(len(frame))} établissement{'s' if len(frame) > 1 else ''} recensé{'s' if len(frame) > 1 else ''} "
        f"dans la commune, dont {format_count(residences)} résidence{'s' if residences > 1 else ''} sociale{'s' if residences > 1 else ''}."
        if len(frame)
        else "Aucune résidence sociale ni structure d'hébergement recensée dans la commune."
    )
    return html.Section(
        [
            html.H2("Établissements dans la commune"),
            html.P(typo(summary)),
            table(None, ["Nom", "Type", "Ouverture"], rows) if rows else None,
            html.P(sources_line(establishment_sources(store)), className="figure-source"),
        ],
        id=commune_ids.COMMUNE_RESIDENCES,
    )


def nearest_section(store: Store, identity: CommuneIdentity) -> html.Section:
    """The résidences sociales outside the commune nearest to it, with their distance."""
    frame = nearest_residences(store, identity.code)
    rows = [
        html.Tr(
            [
                html.Td(item["name"]),
                html.Td(item["type_label"]),
                html.Td(dcc.Link(item["commune_name"], href=routes.commune_path(item["commune_code"]))),
                html.Td(f"{format_number(item['distance_km'], 1)} km", className="cell-number"),
            ]
        )
        for item in frame.to_dict("records")
    ]
    return html.Section(
        [
            html.H2("Résidences sociales les plus proches"),
            html.P(
                typo(
                    "Hors de la commune, distance à vol d'oiseau depuis un point situé dans la commune, arrondie à "
                    "100 m."
                ),
                className="section-lead",
            ),
            table(None, ["Nom", "Type", "Commune", "Distance"], rows, numeric=(3,))
            if rows
            else html.P("Aucune résidence sociale localisée dans les données."),
            html.P(sources_line(establishment_sources(store)), className="figure-source"),
        ],
        id=commune_ids.COMMUNE_NEAREST,
    )


def former_notice(store: Store, identity: CommuneIdentity, former: Any) -> html.P | None:
    """« Le code 80xxx était celui d'une ancienne commune… » when the visitor came from a former code."""
    if not isinstance(former, str) or current_code(store, former) != identity.code:
        return None
    return html.P(
        typo(
            f"Le code Insee « {former} » est celui d'une ancienne commune, fusionnée depuis dans {identity.name} : "
            "voici la fiche de la commune actuelle."
        ),
        id=commune_ids.COMMUNE_NOTICE,
        className="notice notice-info",
        role="status",
    )


@requires_store
def content(store: Store, code: str | None, former: Any = None) -> html.Div:
    """The fiche of the commune `code`, or « commune introuvable »."""
    identity = commune_identity(store, code) if code else None
    if identity is None:
        return not_found(code)
    return html.Div(
        [
            former_notice(store, identity, former),
            identity_section(store, identity),
            figures_section(store, identity),
            commune_trends(store, identity.code, identity.name, (identity.departement_code, identity.departement_name)),
            establishments_section(store, identity),
            nearest_section(store, identity),
        ]
    )


def page(code_insee: Any = None, **query: Any) -> html.Div:
    """The whole page."""
    former = query.get(PARAM_FORMER)
    return html.Div(content(code=path_code(code_insee), former=former), className="territory-page commune-page")


def known_commune(code_insee: Any = None, **_: Any) -> bool:
    """Whether /commune/<code_insee> is a commune of the store (else: its not-found page, with a 404 status)."""
    store = current_store()
    code = path_code(code_insee)
    return isinstance(store, Store) and bool(code) and commune_identity(store, code) is not None
