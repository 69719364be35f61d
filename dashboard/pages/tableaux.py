"""Tables page: filtered tables of indicators and establishments, their downloads and permalink.

The URL (parsed by dashboard.tables.state) is the state of the page; callbacks only wire the controls to
the pure functions of dashboard.tables.views, and keep the address bar, the permalink and the download links
(`/telecharger/<format>?<query>`, served by dashboard.api.blueprint) in step with what is shown.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import dash
import dash_ag_grid as dag
from dash import ALL, Input, Output, State, callback, clientside_callback, dcc, html, no_update

from dashboard.core import routes
from dashboard.core.store import Store, current_store
from dashboard.tables import ids as tables_ids
from dashboard.tables import views as exports
from dashboard.tables.state import (
    LEVEL_LABELS,
    LEVEL_PLURAL,
    LEVELS,
    MAX_THRESHOLDS,
    TAB_RESIDENCES,
    TAB_TERRITORIES,
    TableChoices,
    TableState,
    from_controls,
    parse_number,
    parse_query,
    sort_from_column_state,
    to_query,
)
from dashboard.ui.components import format_count, requires_store

dash.register_page(
    __name__, path=routes.TABLES, name="Tableaux", title="Tableaux et téléchargements — Résidences sociales", order=5
)

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
DOWNLOAD_FORMATS = (
    exports.FORMAT_CSV_EXCEL,
    exports.FORMAT_CSV,
    exports.FORMAT_XLSX,
    exports.FORMAT_GEOJSON,
    exports.FORMAT_GPKG,
)
DROPDOWN_LABELS = {
    "select_all": "Tout sélectionner",
    "deselect_all": "Tout désélectionner",
    "selected_count": "{num_selected} sélectionné(s)",
    "search": "Rechercher",
    "clear_search": "Effacer la recherche",
    "clear_selection": "Effacer la sélection",
    "no_options_found": "Aucun résultat",
}
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
    f"« {exports.MISSING_LABEL} » : valeur non disponible (secret statistique, commune absente de la source, "
    "donnée non publiée à ce niveau) ; elle reste vide dans les fichiers. Cliquez sur l'en-tête d'une colonne "
    "pour trier ; le tri est repris dans les fichiers et le lien."
)

# Replace the address bar without reloading the page (dcc.Location would re-render the page).
clientside_callback(
    """
    function(query) {
        if (query === undefined || query === null) { return window.dash_clientside.no_update; }
        const target = window.location.pathname + (query ? "?" + query : "");
        if (target !== window.location.pathname + window.location.search) {
            window.history.replaceState(window.history.state, "", target);
        }
        return query;
    }
    """,
    Output(tables_ids.TABLE_URL_SYNC, "data"),
    Input(tables_ids.TABLE_QUERY, "data"),
    prevent_initial_call=True,
)


# --- Layout pieces (plain functions of the store and the state) ----------------------------------------


def _themes(store: Store) -> list[tuple[str, str]]:
    """(theme id, label) of the themes of the catalogue that have indicators in the data."""
    specs = exports.indicator_specs(store)
    themes = store.catalogue.get("themes", {})
    used = list(dict.fromkeys(spec.get("theme") for spec in specs.values()))
    return [(theme, themes.get(theme, theme)) for theme in used if theme]


def _indicator_options(store: Store, choices: TableChoices, level: str, theme: str) -> list[dict[str, Any]]:
    specs = exports.indicator_specs(store)
    return [
        {"label": exports.unit_header(specs[i]["label"], specs[i].get("unit")), "value": i}
        for i in choices.available(level)
        if specs[i].get("theme") == theme
    ]


def _split_by_theme(store: Store, indicators: tuple[str, ...], themes: list[tuple[str, str]]) -> list[list[str]]:
    specs = exports.indicator_specs(store)
    return [[i for i in indicators if specs[i].get("theme") == theme] for theme, _label in themes]


def _threshold_options(store: Store, indicators: tuple[str, ...]) -> list[dict[str, Any]]:
    specs = exports.indicator_specs(store)
    return [{"label": exports.unit_header(specs[i]["label"], specs[i].get("unit")), "value": i} for i in indicators]


def _epci_options(store: Store, departements: list[str] | tuple[str, ...]) -> list[dict[str, Any]]:
    epcis = store.territories.loc[store.territories["level"] == "epci"]
    if "in_region" in epcis:
        epcis = epcis.loc[epcis["in_region"].fillna(True).astype(bool)]
    if departements and "departement_code" in epcis:
        epcis = epcis.loc[epcis["departement_code"].isin(list(departements))]
    epcis = epcis.sort_values("name")
    return [
        {"label": f"{name} ({code})", "value": code} for code, name in zip(epcis["code"], epcis["name"], strict=True)
    ]


def _departement_options(store: Store) -> list[dict[str, Any]]:
    names = exports.territory_names(store, "departement")
    return [{"label": f"{code} — {name}", "value": code} for code, name in names.items()]


def _type_options(store: Store, family: str) -> list[dict[str, Any]]:
    types = store.catalogue.get("residence_types", {})
    labels = types.get("labels", {})
    return [{"label": labels.get(code, code), "value": code} for code in types.get(family, [])]


def _families(store: Store) -> list[tuple[str, str]]:
    families = store.catalogue.get("residence_types", {}).get("families", {})
    return list(families.items())


def download_links(state: TableState, tab: str) -> list[html.Li]:
    """One link per format to the download route, with the query of the view."""
    query = to_query(replace(state, tab=tab))
    items = []
    for key in DOWNLOAD_FORMATS:
        export_format = exports.FORMATS[key]
        items.append(
            html.Li(
                html.A(
                    export_format.label,
                    href=f"{routes.DOWNLOAD}/{key}?{query}",
                    id={"type": tables_ids.TABLE_DOWNLOAD, "tab": tab, "format": key},
                    className="download-link",
                    rel="nofollow",
                )
            )
        )
    return items


def count_text(view: exports.View) -> str:
    unit = LEVEL_PLURAL[view.level] if view.level else "établissements"
    shown = format_count(len(view.frame))
    if len(view.frame) == view.total:
        return f"{shown} {unit}"
    return f"{shown} {unit} sur {format_count(view.total)}"


def sources_block(view: exports.View) -> list[Any]:
    """The source and vintage of each column shown, approximations and coverage flagged."""
    items = []
    for column in view.columns:
        if column.role != "indicator":
            continue
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
        items.append(html.Li(text))
    base = next((row for row in view.sources if row["Colonne"] and "Codes" in row["Donnée"]), None)
    if base is not None:
        items.insert(
            0, html.Li([html.Strong("Territoires"), f" — Source : {base['Source']} (millésime {base['Millésime']})."])
        )
    return [html.H3("Sources des colonnes"), html.Ul(items, className="source-list"), html.P(MISSING_NOTE)]


def residence_sources(view: exports.View) -> list[Any]:
    row = view.sources[0] if view.sources else {}
    return [
        html.P(f"Source : {row.get('Source', '')}.", className="key-figure-source"),
        html.P(row.get("Définition", ""), className="note"),
    ]


def grid_style(rows: int) -> dict[str, str]:
    """Grid height: up to GRID_MAX_HEIGHT_PX, shorter when few rows are shown."""
    height = min(GRID_MAX_HEIGHT_PX, GRID_HEADER_PX + GRID_ROW_PX * max(rows, 3))
    return {"height": f"{height}px", "width": "100%"}


def _grid(grid_id: str, view: exports.View, sort: Any, row_id: str) -> dag.AgGrid:
    return dag.AgGrid(
        id=grid_id,
        columnDefs=exports.grid_column_defs(view, sort),
        rowData=exports.grid_rows(view),
        defaultColDef={"sortable": True, "resizable": True, "filter": False, "suppressHeaderMenuButton": True},
        dashGridOptions=GRID_OPTIONS,
        getRowId=f"params.data.{row_id}",
        style=grid_style(len(view.frame)),
        className="data-grid",
    )


def _labelled(label: str, control: Any, control_id: str, hint: str | None = None) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=control_id, className="control-label"),
            html.P(hint, className="control-hint") if hint else None,
            control,
        ],
        className="control",
    )


def _threshold_row(store: Store, state: TableState, index: int) -> html.Div:
    threshold = state.thresholds[index] if index < len(state.thresholds) else None

    def bound(value: float | None) -> str:
        return "" if value is None else f"{value:g}".replace(".", ",")

    number = index + 1

    def labelled(text: str, control: Any, class_name: str) -> html.Label:
        return html.Label(
            [html.Span(f"Seuil {number} : {text}", className="visually-hidden"), control], className=class_name
        )

    def bound_input(kind: str, text: str, placeholder: str, value: float | None) -> html.Label:
        """A threshold bound, typed as text so that a decimal comma is accepted."""
        field = dcc.Input(
            id={"type": kind, "index": index},
            type="text",
            inputMode="decimal",
            value=bound(value),
            placeholder=placeholder,
            debounce=True,
        )
        return labelled(text, field, "threshold-bound")

    return html.Div(
        [
            labelled(
                "indicateur",
                dcc.Dropdown(
                    id={"type": tables_ids.TABLE_THRESHOLD_INDICATOR, "index": index},
                    options=_threshold_options(store, state.indicators),
                    value=threshold.indicator if threshold else None,
                    placeholder="Indicateur",
                    clearable=True,
                    labels=DROPDOWN_LABELS,
                ),
                "threshold-indicator",
            ),
            bound_input(
                tables_ids.TABLE_THRESHOLD_MIN, "valeur minimale", "min", threshold.minimum if threshold else None
            ),
            bound_input(
                tables_ids.TABLE_THRESHOLD_MAX, "valeur maximale", "max", threshold.maximum if threshold else None
            ),
        ],
        className="threshold-row",
    )


def territories_tab(store: Store, choices: TableChoices, state: TableState, view: exports.View) -> list[Any]:
    themes = _themes(store)
    selected = _split_by_theme(store, state.indicators, themes)
    indicator_groups = [
        html.Fieldset(
            [
                html.Legend(label),
                dcc.Checklist(
                    id={"type": tables_ids.TABLE_INDICATORS, "theme": theme},
                    options=_indicator_options(store, choices, state.level, theme),
                    value=values,
                    className="indicator-checklist",
                ),
            ],
            className="indicator-group",
        )
        for (theme, label), values in zip(themes, selected, strict=True)
    ]
    return [
        html.Div(
            [
                html.Fieldset(
                    [
                        html.Legend("Niveau"),
                        dcc.RadioItems(
                            id=tables_ids.TABLE_LEVEL,
                            options=[{"label": LEVEL_LABELS[level], "value": level} for level in LEVELS],
                            value=state.level,
                            inline=True,
                            className="level-choice",
                        ),
                    ],
                    className="control",
                ),
                html.Fieldset(
                    [
                        html.Legend("Seuils (bornes incluses ; un territoire sans valeur est exclu)"),
                        *[_threshold_row(store, state, index) for index in range(MAX_THRESHOLDS)],
                        html.P(id=tables_ids.TABLE_THRESHOLD_NOTICE, className="control-hint", role="status"),
                    ],
                    className="control thresholds",
                ),
            ],
            className="table-controls",
        ),
        html.Details(
            [
                html.Summary(
                    [
                        "Indicateurs affichés (par thème, avec leur unité) : ",
                        html.Span(_indicator_summary(len(state.indicators)), id=tables_ids.TABLE_INDICATOR_SUMMARY),
                    ]
                ),
                html.Div(indicator_groups, className="indicator-groups"),
            ],
            className="indicator-picker",
        ),
        _result_bar(tables_ids.TABLE_COUNT, count_text(view), download_links(state, TAB_TERRITORIES)),
        _grid(tables_ids.TABLE_GRID, view, state.sort, "code"),
        html.Div(sources_block(view), id=tables_ids.TABLE_SOURCES, className="table-sources"),
    ]


def _indicator_summary(count: int) -> str:
    return f"{count} sélectionné{'s' if count > 1 else ''}"


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


def residences_tab(store: Store, state: TableState, view: exports.View) -> list[Any]:
    selected = set(state.residence_types)
    groups = [
        html.Fieldset(
            [
                html.Legend(label),
                dcc.Checklist(
                    id={"type": tables_ids.TABLE_RESIDENCE_TYPES, "family": family},
                    options=_type_options(store, family),
                    value=[option["value"] for option in _type_options(store, family) if option["value"] in selected],
                    className="indicator-checklist",
                ),
            ],
            className="indicator-group",
        )
        for family, label in _families(store)
    ]
    return [
        html.P("Types d'établissement (aucune case cochée : tous les types).", className="control-hint"),
        html.Div(groups, className="indicator-groups"),
        _result_bar(tables_ids.TABLE_RESIDENCE_COUNT, count_text(view), download_links(state, TAB_RESIDENCES)),
        _grid(tables_ids.TABLE_RESIDENCE_GRID, view, state.residence_sort, "finess"),
        html.Div(residence_sources(view), id=tables_ids.TABLE_RESIDENCE_SOURCES),
    ]


@requires_store
def tables(store: Store, **query: Any) -> html.Div:
    choices = exports.table_choices(store)
    state, notices = parse_query(query, choices)
    territories = exports.territory_view(store, state)
    residences = exports.residence_view(store, state)
    query_string = to_query(state)
    return html.Div(
        [
            html.Div(
                [html.P("Certains paramètres de l'adresse ont été ignorés :"), html.Ul([html.Li(n) for n in notices])]
                if notices
                else None,
                id=tables_ids.TABLE_NOTICES,
                className="notice notice-warning" if notices else None,
                role="status",
            ),
            html.Section(
                [
                    html.H2("Périmètre", className="visually-hidden"),
                    html.Div(
                        [
                            _labelled(
                                "Départements",
                                dcc.Dropdown(
                                    id=tables_ids.TABLE_DEPARTEMENTS,
                                    options=_departement_options(store),
                                    value=list(state.departements),
                                    multi=True,
                                    placeholder="Toute la région",
                                    labels=DROPDOWN_LABELS,
                                ),
                                tables_ids.TABLE_DEPARTEMENTS,
                            ),
                            _labelled(
                                "EPCI",
                                dcc.Dropdown(
                                    id=tables_ids.TABLE_EPCIS,
                                    options=_epci_options(store, state.departements),
                                    value=list(state.epcis),
                                    multi=True,
                                    placeholder="Tous les EPCI",
                                    labels=DROPDOWN_LABELS,
                                ),
                                tables_ids.TABLE_EPCIS,
                                "Filtre les communes et les EPCI (sans effet au niveau départemental).",
                            ),
                        ],
                        className="perimeter",
                    ),
                ],
                className="panel",
            ),
            dcc.Tabs(
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
            ),
            html.P(FILES_NOTE, className="note files-note"),
            html.P(
                [
                    html.A(
                        "Lien permanent vers cette vue",
                        href=f"{routes.TABLES}?{query_string}",
                        id=tables_ids.TABLE_PERMALINK,
                    ),
                    " · Les mêmes données sont disponibles par l'",
                    dcc.Link("API en lecture seule", href=routes.API_DOC),
                    " (JSON ou CSV).",
                ],
                className="permalink",
            ),
            dcc.Store(id=tables_ids.TABLE_QUERY, data=query_string),
            dcc.Store(id=tables_ids.TABLE_URL_SYNC),
            dcc.Store(id=tables_ids.TABLE_SORT, data=state.sort.to_param() if state.sort else None),
            dcc.Store(
                id=tables_ids.TABLE_RESIDENCE_SORT,
                data=state.residence_sort.to_param() if state.residence_sort else None,
            ),
        ]
    )


def layout(**query: Any) -> html.Div:
    return html.Div(
        [
            html.H1("Tableaux et téléchargements", id=tables_ids.TABLE_TITLE),
            html.P(INTRO, className="intro"),
            tables(**query),
        ],
        className="tables-page",
    )


# --- Callbacks (wiring only) ------------------------------------------------------------------------------


def _store_and_choices() -> tuple[Store, TableChoices]:
    store = current_store()
    if not isinstance(store, Store):
        raise dash.exceptions.PreventUpdate
    return store, exports.table_choices(store)


def _flatten(lists: list[list[str] | None]) -> list[str]:
    return [value for values in lists or [] for value in values or []]


def _state(
    choices: TableChoices,
    tab: str | None,
    level: str | None,
    indicator_lists: list[list[str] | None],
    departements: list[str] | None,
    epcis: list[str] | None,
    threshold_indicators: list[str | None],
    minimums: list[str | None],
    maximums: list[str | None],
    type_lists: list[list[str] | None],
    sort: str | None,
    residence_sort: str | None,
) -> TableState:
    return from_controls(
        choices,
        tab=tab,
        level=level,
        indicators=_flatten(indicator_lists),
        departements=departements,
        epcis=epcis,
        thresholds=list(zip(threshold_indicators, minimums, maximums, strict=True)),
        residence_types=_flatten(type_lists),
        sort=sort,
        residence_sort=residence_sort,
    )


CONTROLS = [
    Input(tables_ids.TABLE_TABS, "value"),
    Input(tables_ids.TABLE_LEVEL, "value"),
    Input({"type": tables_ids.TABLE_INDICATORS, "theme": ALL}, "value"),
    Input(tables_ids.TABLE_DEPARTEMENTS, "value"),
    Input(tables_ids.TABLE_EPCIS, "value"),
    Input({"type": tables_ids.TABLE_THRESHOLD_INDICATOR, "index": ALL}, "value"),
    Input({"type": tables_ids.TABLE_THRESHOLD_MIN, "index": ALL}, "value"),
    Input({"type": tables_ids.TABLE_THRESHOLD_MAX, "index": ALL}, "value"),
    Input({"type": tables_ids.TABLE_RESIDENCE_TYPES, "family": ALL}, "value"),
]


@callback(
    Output({"type": tables_ids.TABLE_INDICATORS, "theme": ALL}, "options"),
    Output({"type": tables_ids.TABLE_INDICATORS, "theme": ALL}, "value"),
    Input(tables_ids.TABLE_LEVEL, "value"),
    State({"type": tables_ids.TABLE_INDICATORS, "theme": ALL}, "value"),
    prevent_initial_call=True,
)
def indicators_for_level(level: str, indicator_lists: list[list[str] | None]) -> tuple[list, list]:
    store, choices = _store_and_choices()
    state = from_controls(
        choices, tab=None, level=level, indicators=_flatten(indicator_lists), departements=(), epcis=()
    )
    themes = _themes(store)
    options = [_indicator_options(store, choices, state.level, theme) for theme, _label in themes]
    return options, _split_by_theme(store, state.indicators, themes)


@callback(
    Output({"type": tables_ids.TABLE_THRESHOLD_INDICATOR, "index": ALL}, "options"),
    Output({"type": tables_ids.TABLE_THRESHOLD_INDICATOR, "index": ALL}, "value"),
    Input({"type": tables_ids.TABLE_INDICATORS, "theme": ALL}, "value"),
    State({"type": tables_ids.TABLE_THRESHOLD_INDICATOR, "index": ALL}, "value"),
    prevent_initial_call=True,
)
def threshold_choices(indicator_lists: list[list[str] | None], current: list[str | None]) -> tuple[list, list]:
    store, _choices = _store_and_choices()
    indicators = tuple(_flatten(indicator_lists))
    options = _threshold_options(store, indicators)
    return [options] * len(current), [value if value in indicators else None for value in current]


@callback(
    Output(tables_ids.TABLE_EPCIS, "options"),
    Output(tables_ids.TABLE_EPCIS, "value"),
    Input(tables_ids.TABLE_DEPARTEMENTS, "value"),
    State(tables_ids.TABLE_EPCIS, "value"),
    prevent_initial_call=True,
)
def epcis_for_departements(departements: list[str] | None, epcis: list[str] | None) -> tuple[list, list]:
    store, _choices = _store_and_choices()
    options = _epci_options(store, departements or [])
    allowed = {option["value"] for option in options}
    return options, [code for code in epcis or [] if code in allowed]


@callback(
    Output(tables_ids.TABLE_GRID, "columnDefs"),
    Output(tables_ids.TABLE_GRID, "rowData"),
    Output(tables_ids.TABLE_GRID, "style"),
    Output(tables_ids.TABLE_COUNT, "children"),
    Output(tables_ids.TABLE_SOURCES, "children"),
    Output(tables_ids.TABLE_INDICATOR_SUMMARY, "children"),
    Output(tables_ids.TABLE_THRESHOLD_NOTICE, "children"),
    Input(tables_ids.TABLE_LEVEL, "value"),
    Input({"type": tables_ids.TABLE_INDICATORS, "theme": ALL}, "value"),
    Input(tables_ids.TABLE_DEPARTEMENTS, "value"),
    Input(tables_ids.TABLE_EPCIS, "value"),
    Input({"type": tables_ids.TABLE_THRESHOLD_INDICATOR, "index": ALL}, "value"),
    Input({"type": tables_ids.TABLE_THRESHOLD_MIN, "index": ALL}, "value"),
    Input({"type": tables_ids.TABLE_THRESHOLD_MAX, "index": ALL}, "value"),
    State(tables_ids.TABLE_SORT, "data"),
    prevent_initial_call=True,
)
def update_territories(level, indicator_lists, departements, epcis, threshold_indicators, minimums, maximums, sort):
    store, choices = _store_and_choices()
    state = _state(
        choices, TAB_TERRITORIES, level, indicator_lists, departements, epcis,
        threshold_indicators, minimums, maximums, [], sort, None,
    )  # fmt: skip
    view = exports.territory_view(store, state)
    bad = [text for text in [*minimums, *maximums] if text not in (None, "") and parse_number(text) is None]
    notice = f"Seuil ignoré : « {bad[0]} » n'est pas un nombre." if bad else ""
    return (
        exports.grid_column_defs(view, state.sort),
        exports.grid_rows(view),
        grid_style(len(view.frame)),
        count_text(view),
        sources_block(view),
        _indicator_summary(len(state.indicators)),
        notice,
    )


@callback(
    Output(tables_ids.TABLE_RESIDENCE_GRID, "rowData"),
    Output(tables_ids.TABLE_RESIDENCE_GRID, "style"),
    Output(tables_ids.TABLE_RESIDENCE_COUNT, "children"),
    Input(tables_ids.TABLE_DEPARTEMENTS, "value"),
    Input(tables_ids.TABLE_EPCIS, "value"),
    Input({"type": tables_ids.TABLE_RESIDENCE_TYPES, "family": ALL}, "value"),
    State(tables_ids.TABLE_RESIDENCE_SORT, "data"),
    prevent_initial_call=True,
)
def update_residences(departements, epcis, type_lists, residence_sort):
    store, choices = _store_and_choices()
    state = _state(choices, TAB_RESIDENCES, None, [], departements, epcis, [], [], [], type_lists, None, residence_sort)
    view = exports.residence_view(store, state)
    return exports.grid_rows(view), grid_style(len(view.frame)), count_text(view)


def _sort_sync(column_state: list[dict] | None, current: str | None) -> str | None:
    sort = sort_from_column_state(column_state)
    value = sort.to_param() if sort else None
    return no_update if value == current else value


@callback(
    Output(tables_ids.TABLE_SORT, "data"),
    Input(tables_ids.TABLE_GRID, "columnState"),
    State(tables_ids.TABLE_SORT, "data"),
    prevent_initial_call=True,
)
def sync_sort(column_state, current):
    return _sort_sync(column_state, current)


@callback(
    Output(tables_ids.TABLE_RESIDENCE_SORT, "data"),
    Input(tables_ids.TABLE_RESIDENCE_GRID, "columnState"),
    State(tables_ids.TABLE_RESIDENCE_SORT, "data"),
    prevent_initial_call=True,
)
def sync_residence_sort(column_state, current):
    return _sort_sync(column_state, current)


@callback(
    Output({"type": tables_ids.TABLE_DOWNLOAD, "tab": ALL, "format": ALL}, "href"),
    Output(tables_ids.TABLE_PERMALINK, "href"),
    Output(tables_ids.TABLE_QUERY, "data"),
    *CONTROLS,
    Input(tables_ids.TABLE_SORT, "data"),
    Input(tables_ids.TABLE_RESIDENCE_SORT, "data"),
    State({"type": tables_ids.TABLE_DOWNLOAD, "tab": ALL, "format": ALL}, "id"),
    prevent_initial_call=True,
)
def update_links(tab, level, indicator_lists, departements, epcis, threshold_indicators, minimums, maximums,
                 type_lists, sort, residence_sort, link_ids):  # fmt: skip
    _store, choices = _store_and_choices()
    state = _state(
        choices, tab, level, indicator_lists, departements, epcis,
        threshold_indicators, minimums, maximums, type_lists, sort, residence_sort,
    )  # fmt: skip
    queries = {t: to_query(replace(state, tab=t)) for t in (TAB_TERRITORIES, TAB_RESIDENCES)}
    hrefs = [f"{routes.DOWNLOAD}/{link['format']}?{queries[link['tab']]}" for link in link_ids]
    query = to_query(state)
    return hrefs, f"{routes.TABLES}?{query}", query
