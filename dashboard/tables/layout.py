"""Layout of the tables page (/tableaux): plain functions of the store and the state, so that the page
module only calls `page(**query)` and the callbacks rebuild the same pieces."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import dash_ag_grid as dag
from dash import dcc, html

from dashboard.core import routes
from dashboard.core.formatting import format_count
from dashboard.core.store import Store
from dashboard.tables import controls
from dashboard.tables import ids as tables_ids
from dashboard.tables.formats import FORMATS
from dashboard.tables.grid import MISSING_LABEL, grid_column_defs, grid_rows
from dashboard.tables.indicators import table_choices
from dashboard.tables.state import (
    LEVEL_PLURAL,
    TAB_RESIDENCES,
    TAB_TERRITORIES,
    TableChoices,
    TableState,
    parse_query,
    to_query,
)
from dashboard.tables.views import View, residence_view, territory_view
from dashboard.ui.components import ignored_parameters, requires_store
from dashboard.ui.graph_frame import reserved

INTRO = (
    "Choisissez un niveau (communes, EPCI ou départements), les indicateurs et les filtres : le tableau, "
    "son adresse et les fichiers à télécharger suivent exactement la même vue. Les établissements "
    "(résidences sociales et hébergement recensés dans FINESS) sont dans le second onglet."
)
FILES_NOTE = (
    "Les fichiers contiennent exactement les lignes et les colonnes affichées, dans le même ordre. "
    "Une valeur manquante reste vide (jamais 0). CSV : l'unité figure dans l'en-tête de chaque colonne, "
    "suivie de sa source et de son millésime entre crochets ; les codes commençant par 0 sont conservés "
    "comme texte dans le fichier, mais Excel les convertit en nombres à l'ouverture directe d'un CSV : "
    "préférez le fichier XLSX, qui ajoute les onglets « Sources » (jeu de données, producteur, millésime, "
    "licence, adresse, couverture) et « Filtres » (filtres, date d'export, lien vers cette vue). "
    "Les valeurs approchées au-dessus de la commune sont marquées « approximation » et suivies d'une "
    "colonne de couverture (part de la population couverte). GeoJSON et GeoPackage : contours des "
    "territoires ou points des établissements (WGS 84) avec les mêmes colonnes, pour un SIG."
)
GRID_LOCALE = {
    "noRowsToShow": "Aucune ligne ne correspond aux filtres",
    "loadingOoo": "Chargement…",
    "ariaSortAscending": "tri croissant",
    "ariaSortDescending": "tri décroissant",
    "ariaSortNone": "sans tri",
}
GRID_OPTIONS = {
    "suppressMovableColumns": True,
    "suppressMultiSort": True,
    "enableCellTextSelection": True,
    "ensureDomOrder": True,
    "animateRows": False,
    "tooltipShowDelay": 300,
    "localeText": GRID_LOCALE,
    "theme": {
        "function": (
            "themeQuartz.withParams({accentColor: '#000091', headerBackgroundColor: '#f6f6f6', "
            "fontFamily: 'inherit', fontSize: 14, spacing: 6, wrapperBorderRadius: 0})"
        )
    },
}
GRID_MAX_HEIGHT_PX = 560
GRID_HEADER_PX = 130
GRID_ROW_PX = 37
MISSING_NOTE = (
    f"« {MISSING_LABEL} » : valeur non disponible (secret statistique, commune absente de la source, "
    "donnée non publiée à ce niveau) ; elle reste vide dans les fichiers. Cliquez sur l'en-tête d'une colonne "
    "pour trier ; le tri est repris dans les fichiers et le lien."
)


def download_href(format_key: str, query: str) -> str:
    """The download route of a format for the view of `query`."""
    return f"{routes.DOWNLOAD}/{format_key}?{query}"


def download_links(state: TableState, tab: str) -> list[html.Li]:
    """One link per format of the registry to the download route, with the query of the view."""
    query = to_query(replace(state, tab=tab))
    return [
        html.Li(
            html.A(
                export_format.label,
                href=download_href(key, query),
                id={"type": tables_ids.TABLE_DOWNLOAD, "tab": tab, "format": key},
                className="download-link",
                rel="nofollow",
            )
        )
        for key, export_format in FORMATS.items()
    ]


def count_text(view: View) -> str:
    unit = LEVEL_PLURAL[view.level] if view.level else "établissements"
    shown = format_count(len(view.frame))
    if len(view.frame) == view.total:
        return f"{shown} {unit}"
    return f"{shown} {unit} sur {format_count(view.total)}"


def _column_source(view: View, column: Any) -> html.Li:
    text = [html.Strong(column.header), f" — Source : {column.source} (millésime {column.vintage})."]
    if column.approximation:
        text.append(
            html.Span(
                " Approximation au-dessus de la commune : la colonne « couverture » donne la part de la "
                "population couverte.",
                className="approximation",
            )
        )
    elif any(c.role == "coverage" and c.indicator == column.id for c in view.columns):
        text.append(" Valeurs partielles pour certains territoires : voir la colonne « couverture ».")
    return html.Li(text)


def sources_block(view: View) -> list[Any]:
    """The source and vintage of each column shown, approximations and coverage flagged."""
    items = [_column_source(view, column) for column in view.columns if column.role == "indicator"]
    base = next((row for row in view.sources if row["Colonne"] and "Codes" in row["Donnée"]), None)
    if base is not None:
        items.insert(
            0, html.Li([html.Strong("Territoires"), f" — Source : {base['Source']} (millésime {base['Millésime']})."])
        )
    return [html.H3("Sources des colonnes"), html.Ul(items, className="source-list"), html.P(MISSING_NOTE)]


def residence_sources(view: View) -> list[Any]:
    row = view.sources[0] if view.sources else {}
    return [
        html.P(f"Source : {row.get('Source', '')}.", className="key-figure-source"),
        html.P(row.get("Définition", ""), className="note"),
    ]


def grid_style(rows: int) -> dict[str, str]:
    """Grid height: up to GRID_MAX_HEIGHT_PX, shorter when few rows are shown."""
    height = min(GRID_MAX_HEIGHT_PX, GRID_HEADER_PX + GRID_ROW_PX * max(rows, 3))
    return {"height": f"{height}px", "width": "100%"}


#: Row id of the territories grid, whatever its level (code_commune, code_epci or code_departement).
ROW_ID = "code_commune || params.data.code_epci || params.data.code_departement"


def _grid(grid_id: str, view: View, sort: Any, row_id: str) -> html.Div:
    style = grid_style(len(view.frame))
    grid = dag.AgGrid(
        id=grid_id,
        columnDefs=grid_column_defs(view, sort),
        rowData=grid_rows(view),
        defaultColDef={"sortable": True, "resizable": True, "filter": False, "suppressHeaderMenuButton": True},
        dashGridOptions=GRID_OPTIONS,
        getRowId=f"params.data.{row_id}",
        style=style,
        className="data-grid",
    )
    return reserved(grid, style["height"])


def _result_bar(count_id: str, count: str, links: list[html.Li]) -> html.Div:
    return html.Div(
        [
            html.P(html.Span(count, id=count_id), className="row-count", **{"aria-live": "polite"}),
            html.Div(
                [
                    html.Span("Télécharger cette vue :", className="download-label"),
                    html.Ul(links, className="downloads"),
                ],
                className="download-bar",
            ),
        ],
        className="result-bar",
    )


def territories_tab(store: Store, choices: TableChoices, state: TableState, view: View) -> list[Any]:
    return [
        controls.level_and_thresholds(store, state),
        controls.indicator_picker(store, choices, state),
        _result_bar(tables_ids.TABLE_COUNT, count_text(view), download_links(state, TAB_TERRITORIES)),
        _grid(tables_ids.TABLE_GRID, view, state.sort, ROW_ID),
        html.Div(sources_block(view), id=tables_ids.TABLE_SOURCES, className="table-sources"),
    ]


def residences_tab(store: Store, state: TableState, view: View) -> list[Any]:
    return [
        html.P("Types d'établissement (aucune case cochée : tous les types).", className="control-hint"),
        controls.type_groups(store, state),
        _result_bar(tables_ids.TABLE_RESIDENCE_COUNT, count_text(view), download_links(state, TAB_RESIDENCES)),
        _grid(tables_ids.TABLE_RESIDENCE_GRID, view, state.residence_sort, "finess"),
        html.Div(residence_sources(view), id=tables_ids.TABLE_RESIDENCE_SOURCES),
    ]


def _tabs(store: Store, choices: TableChoices, state: TableState) -> dcc.Tabs:
    territories = territory_view(store, state)
    residences = residence_view(store, state)
    return dcc.Tabs(
        id=tables_ids.TABLE_TABS,
        value=state.tab,
        children=[
            dcc.Tab(
                html.Div(territories_tab(store, choices, state, territories), className="tab-body"),
                label="Territoires et indicateurs",
                value=TAB_TERRITORIES,
            ),
            dcc.Tab(
                html.Div(residences_tab(store, state, residences), className="tab-body"),
                label="Établissements",
                value=TAB_RESIDENCES,
            ),
        ],
        className="table-tabs",
    )


def _permalink(query_string: str) -> html.P:
    return html.P(
        [
            html.A(
                "Lien permanent vers cette vue", href=f"{routes.TABLES}?{query_string}", id=tables_ids.TABLE_PERMALINK
            ),
            " · Les mêmes données sont disponibles par l'",
            html.A("API en lecture seule", href=routes.API_DOC),
            " (JSON ou CSV).",
        ],
        className="permalink",
    )


@requires_store
def tables(store: Store, **query: Any) -> html.Div:
    """The page's body for a query string: notices, perimeter, both tabs, files note, permalink, stores."""
    choices = table_choices(store)
    state, notices = parse_query(query, choices)
    query_string = to_query(state)
    return html.Div(
        [
            ignored_parameters(notices, tables_ids.TABLE_NOTICES),
            controls.perimeter_controls(store, state),
            _tabs(store, choices, state),
            html.P(FILES_NOTE, className="note files-note"),
            _permalink(query_string),
            dcc.Store(id=tables_ids.TABLE_QUERY, data=query_string),
            dcc.Store(id=tables_ids.TABLE_URL_SYNC),
            dcc.Store(id=tables_ids.TABLE_SORT, data=state.sort.to_param() if state.sort else None),
            dcc.Store(
                id=tables_ids.TABLE_RESIDENCE_SORT,
                data=state.residence_sort.to_param() if state.residence_sort else None,
            ),
        ]
    )


def page(**query: Any) -> html.Div:
    """The whole tables page."""
    return html.Div(
        [
            html.H1("Tableaux et téléchargements", id=tables_ids.TABLE_TITLE),
            html.P(INTRO, className="intro"),
            tables(**query),
        ],
        className="tables-page",
    )
