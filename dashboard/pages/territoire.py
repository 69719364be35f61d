"""Territory page (/territoire/<siren>): an EPCI's name and the table of its indicators.

A minimal page reached from the map's side panel; the full territory page is a later issue.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from dashboard import ids, maps
from dashboard.components import requires_store, sources_line
from dashboard.store import Store, current_store

TITLE_SUFFIX = "Résidences sociales"
TERRITORIES_DATASET = "decoupage-administratif-6.0.0"


def title(siren: str | None = None, **_: Any) -> str:
    store = current_store()
    if isinstance(store, Store) and siren and maps.LEVEL_EPCI in store.display:
        row = maps.territory_row(store, maps.LEVEL_EPCI, siren)
        if row is not None:
            return f"{row['name']} — {TITLE_SUFFIX}"
    return f"Territoire — {TITLE_SUFFIX}"


dash.register_page(__name__, path_template="/territoire/<siren>", name="Territoire", title=title, nav=False)


def indicator_rows(store: Store, siren: str) -> list[html.Tr]:
    entries = maps.indicator_entries(store)
    themes = store.catalogue.get("themes", {})
    rows = []
    for key in maps.available_indicators(store):
        if maps.LEVEL_EPCI not in maps.indicator_levels(store, key):
            continue
        figure = maps.indicator_figure(store, key, maps.LEVEL_EPCI, siren)
        if figure is None:
            continue
        theme = entries[key].get("theme", "")
        rows.append(
            html.Tr(
                [
                    html.Td(themes.get(theme, theme)),
                    html.Th(
                        dcc.Link(figure.label, href=f"/?indicateur={key}&niveau=epci&territoire={siren}"),
                        scope="row",
                    ),
                    html.Td(figure.value, className="cell-number"),
                    html.Td(figure.detail),
                    html.Td(figure.source, className="figure-source"),
                ]
            )
        )
    return rows


def residence_counts(store: Store, siren: str) -> html.Section | None:
    residences = store.residences
    if "epci_code" not in residences:
        return None
    typology = store.catalogue["residence_types"]
    of_epci = residences[residences["epci_code"] == siren]
    counts = of_epci["type"].value_counts()
    items = [
        html.Li(
            [
                html.Span(typology["labels"].get(kind, kind), className="count-label"),
                html.Span(str(int(counts.get(kind, 0))), className="count"),
            ]
        )
        for kind in typology.get(maps.FAMILY_RESIDENCE, [])
    ]
    citations = sorted(set(of_epci["source"].dropna())) or sorted(set(residences["source"].dropna()))
    return html.Section(
        [
            html.H2("Résidences sociales recensées"),
            html.Ul(items, className="count-list"),
            html.P(sources_line(citations), className="figure-source"),
        ],
        className="panel",
    )


@requires_store
def content(store: Store, siren: str | None) -> html.Div:
    row = maps.territory_row(store, maps.LEVEL_EPCI, siren) if siren and maps.LEVEL_EPCI in store.display else None
    if row is None:
        return html.Div(
            [
                html.H1("Territoire introuvable", id=ids.TERRITORY_TITLE),
                html.Div(
                    [
                        html.P(f"Aucun EPCI de la région ne porte le numéro SIREN « {siren or ''} »."),
                        html.P(dcc.Link("Retourner à la carte des territoires", href="/")),
                    ],
                    id=ids.TERRITORY_NOTICE,
                    className="notice notice-warning",
                    role="status",
                ),
            ]
        )
    summary = maps.territory_summary(store, maps.LEVEL_EPCI, siren, None)
    members = store.display[maps.LEVEL_COMMUNE].features
    member_count = int((members["epci_code"] == siren).sum()) if "epci_code" in members else 0
    dataset = next((item for item in store.catalogue["datasets"] if item["id"] == TERRITORIES_DATASET), None)
    return html.Div(
        [
            html.P("Fiche du territoire", className="eyebrow"),
            html.H1(summary.name, id=ids.TERRITORY_TITLE),
            html.P(
                f"{summary.kind} — SIREN {siren} — {member_count} communes dans la région — "
                f"population municipale : {summary.population} habitants",
                className="lead-small",
            ),
            html.P(sources_line([dataset["citation"]]), className="figure-source") if dataset else None,
            html.P(
                dcc.Link("Voir ce territoire sur la carte", href=f"/?niveau=epci&territoire={siren}"),
            ),
            html.Section(
                [
                    html.H2("Indicateurs"),
                    html.Div(
                        html.Table(
                            [
                                html.Caption(
                                    f"Indicateurs de {summary.name} ; rang parmi les EPCI de la région "
                                    "(1er = valeur la plus élevée)."
                                ),
                                html.Thead(
                                    html.Tr(
                                        [
                                            html.Th("Thème", scope="col"),
                                            html.Th("Indicateur", scope="col"),
                                            html.Th("Valeur", scope="col", className="cell-number"),
                                            html.Th("Rang et remarques", scope="col"),
                                            html.Th("Source (millésime)", scope="col"),
                                        ]
                                    )
                                ),
                                html.Tbody(indicator_rows(store, siren)),
                            ],
                            className="data-table",
                        ),
                        className="table-scroll",
                    ),
                ],
                id=ids.TERRITORY_TABLE,
            ),
            residence_counts(store, siren),
        ]
    )


def layout(siren: str | None = None, **_query: Any) -> html.Div:
    return html.Div(content(siren=siren), className="territory-page")
