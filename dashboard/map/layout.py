"""Layout of the map explorer (the home page), built from the state the address asks for: the controls in
a narrow column (indicator, level, settings, territory), the map beside them at the height of the window
with its legend and the selected territory's panel over it, then the values table.

The whole view (indicator, level, classes, layers, selected territory) comes from the query string and
is written back to it, so an address restores the view; a bad parameter gives a notice, not an error.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.content import ids as content_ids
from dashboard.core import catalogue, routes
from dashboard.core.catalogue import map_levels
from dashboard.core.levels import FAMILY_HEBERGEMENT, FAMILY_RESIDENCE
from dashboard.core.perimeter import of_region, perimeter, perimeter_adjective
from dashboard.core.store import BUILD_COMMAND, Store, current_store
from dashboard.map import components
from dashboard.map import ids as map_ids
from dashboard.map.classification import MAX_CLASSES, MIN_CLASSES, SCHEMES, SCHEMES_PLAIN
from dashboard.map.figure import EXPLORER_ASPECT, graph_config, map_figure, territory_zoom
from dashboard.map.geometry import geometry_urls, topojson_url
from dashboard.map.need_index import map_view_for, score_query
from dashboard.map.palette import PALETTE_LABELS, REFERENCES, reference_label
from dashboard.map.panel import close_button, panel_component, territory_options, territory_summary
from dashboard.map.state import MapState, choices_from_store, parse_state, serialise_state
from dashboard.map.table import DEFAULT_SORT, table_props
from dashboard.map.view import MapView
from dashboard.needs.projects import write_projects
from dashboard.ui.components import explained_option, fold_button, ignored_parameters, requires_store
from dashboard.ui.permalink import permalink_field


def lead(store: Store | None) -> str:
    """The home page's lead: the levels the map compares (the régions too for a France build)."""
    france = isinstance(store, Store) and perimeter(store).is_france
    levels = (
        "les communes, les départements ou les régions de France"
        if france
        else "les communes ou les départements de la région"
    )
    return (
        f"Choisissez un indicateur pour comparer les intercommunalités (EPCI), {levels}, et repérez les résidences "
        "sociales existantes. Chaque valeur est aussi donnée dans le tableau sous la carte, avec sa source et son "
        "millésime."
    )


def fieldset(legend: str, control: Any, className: str = "map-field") -> html.Fieldset:
    """A control under its legend."""
    return html.Fieldset([html.Legend(legend), control], className=className)


def radio_field(
    legend: str,
    component_id: str,
    options: list[dict[str, Any]],
    value: Any,
    inline: bool,
    className: str = "map-field",
) -> html.Fieldset:
    """A fieldset of radio buttons, in a row (`inline`) or a list."""
    layout = {"inline": True, "className": "radio-inline"} if inline else {"className": "radio-list"}
    return fieldset(legend, dcc.RadioItems(id=component_id, options=options, value=value, **layout), className)


def indicator_field(store: Store, state: MapState, view: MapView) -> html.Div:
    """The indicator picker, its definition and the list of indicators missing from open data."""
    return html.Div(
        [
            html.Label("Indicateur", htmlFor=map_ids.MAP_INDICATOR),
            dcc.Dropdown(
                id=map_ids.MAP_INDICATOR,
                options=components.indicator_options(store),
                value=state.indicator,
                clearable=False,
                maxHeight=460,
                search_order="original",
                labels={
                    "search": "Rechercher un indicateur",
                    "no_options_found": "Aucun indicateur ne correspond",
                    "clear_search": "Effacer la recherche",
                },
            ),
            html.Div(components.indicator_help(view), id=map_ids.MAP_INDICATOR_HELP, className="map-help"),
            components.unavailable_list(store),
        ],
        className="map-field map-indicator",
    )


def toolbar(store: Store, state: MapState, view: MapView) -> html.Div:
    """The main choices, at the top of the controls column: the indicator, the level and the territory."""
    level = radio_field(
        "Niveau",
        map_ids.MAP_LEVEL,
        [{"label": label, "value": level} for level, label in map_levels(store).items()],
        state.level,
        inline=True,
        className="map-field map-level",
    )
    return html.Div(
        [indicator_field(store, state, view), level, territory_field(store, state)], className="map-toolbar"
    )


def layer_fields(store: Store, state: MapState) -> list[Any]:
    """The establishment layers: résidences sociales, then hébergement (folded unless one is shown)."""
    hebergement = [kind for kind in state.layers if kind in store.catalogue["residence_types"].get("hebergement", [])]
    return [
        fieldset(
            "Résidences sociales (points)",
            dcc.Checklist(
                id=map_ids.MAP_LAYERS_RESIDENCE,
                options=components.layer_options(store, FAMILY_RESIDENCE),
                value=[kind for kind in state.layers if kind not in hebergement],
                className="layer-list",
            ),
        ),
        html.Details(
            [
                html.Summary("Hébergement social et médico-social (points)"),
                dcc.Checklist(
                    id=map_ids.MAP_LAYERS_HEBERGEMENT,
                    options=components.layer_options(store, FAMILY_HEBERGEMENT),
                    value=hebergement,
                    className="layer-list",
                ),
            ],
            open=bool(hebergement),
            className="map-field map-details",
        ),
    ]


def territory_field(store: Store, state: MapState) -> html.Div:
    """The territory picker (searchable; the selected territory's key figures go to the panel)."""
    return html.Div(
        [
            html.Label("Territoire", htmlFor=map_ids.MAP_TERRITORY),
            dcc.Dropdown(
                id=map_ids.MAP_TERRITORY,
                options=territory_options(store, state.level, None, state.territory),
                value=state.territory,
                placeholder="Rechercher un territoire…",
                clearable=True,
                labels={
                    "search": "Rechercher un territoire",
                    "no_options_found": "Aucun territoire ne correspond",
                    "clear_search": "Effacer la recherche",
                    "clear_selection": "Retirer la sélection",
                },
            ),
        ],
        className="map-field",
    )


def controls(store: Store, state: MapState) -> html.Div:
    """The map's settings: classification, number of classes, colours and layers."""
    return html.Div(
        [
            html.H2("Réglages de la carte", className="visually-hidden"),
            radio_field(
                "Classement",
                map_ids.MAP_SCHEME,
                [
                    {"label": explained_option(label, SCHEMES_PLAIN[key]), "value": key}
                    for key, label in SCHEMES.items()
                ],
                state.scheme,
                inline=False,
            ),
            radio_field(
                "Nombre de classes",
                map_ids.MAP_CLASSES,
                [{"label": str(number), "value": number} for number in range(MIN_CLASSES, MAX_CLASSES + 1)],
                state.classes,
                inline=True,
            ),
            radio_field(
                "Couleurs",
                map_ids.MAP_REFERENCE,
                [{"label": reference_label(key, perimeter_adjective()), "value": key} for key in REFERENCES],
                state.reference,
                inline=False,
            ),
            radio_field(
                "Palette",
                map_ids.MAP_PALETTE,
                [{"label": label, "value": key} for key, label in PALETTE_LABELS.items()],
                state.palette,
                inline=False,
            ),
            *layer_fields(store, state),
        ],
        className="map-controls",
    )


def level_notice(view: MapView) -> html.Div:
    """Why the map is empty at this level, with a button to the level where the indicator exists."""
    props = components.level_notice_props(view)
    return html.Div(
        [
            html.P(props["notice_text"], id=map_ids.MAP_LEVEL_NOTICE_TEXT),
            html.Button(
                props["suggest_text"],
                id=map_ids.MAP_LEVEL_SUGGEST,
                value=props["suggest_value"],
                hidden=props["suggest_hidden"],
                className="button",
                type="button",
            ),
        ],
        id=map_ids.MAP_LEVEL_NOTICE,
        hidden=props["notice_hidden"],
        className="map-level-notice",
        role="status",
    )


def map_graph(store: Store, state: MapState, view: MapView) -> dcc.Loading:
    """The map itself, with a loading veil while a new level's polygons arrive."""
    figure = map_figure(
        store, view.level, geometry_urls(store), view.trace_values, list(state.layers), state.territory, EXPLORER_ASPECT
    )
    zoom = territory_zoom(store, view.level, state.territory, EXPLORER_ASPECT) if state.territory else None
    if zoom:  # an address with a territory opens on it
        figure.update_layout(geo_center=zoom["center"], geo_projection_scale=zoom["scale"])
    return dcc.Loading(
        dcc.Graph(
            id=map_ids.MAP_GRAPH,
            figure=figure,
            config=graph_config(topojson_url()),
            responsive=True,
            className="map-graph",
        ),
        id=map_ids.MAP_LOADING,
        delay_show=250,
        overlay_style={"visibility": "visible", "opacity": 0.55},
        target_components={map_ids.MAP_GRAPH: "figure"},
        type="circle",
        color="#000091",
        parent_className="map-loading",
    )


def map_area(store: Store, state: MapState, view: MapView) -> html.Section:
    """The heading, the map with its legend and territory panel over it, its source line, how to use it,
    its permalink and the presentation links."""
    return html.Section(
        [
            html.H2(view.heading, id=map_ids.MAP_HEADING, className="map-heading"),
            html.Div(
                [map_graph(store, state, view), level_notice(view), *map_overlays(store, state, view)],
                className="map-frame",
                role="figure",
                **{"aria-labelledby": map_ids.MAP_HEADING, "aria-describedby": map_ids.MAP_SOURCE},
            ),
            html.P(components.map_source(store, view), id=map_ids.MAP_SOURCE, className="figure-source"),
            html.P(table_link(), className="map-table-link"),
            html.P(
                "Survolez un territoire pour lire sa valeur, cliquez pour afficher ses chiffres clés. "
                "Boutons en haut à droite de la carte : zoom, retour à la vue de la région et téléchargement "
                "de l'image.",
                className="map-hint",
            ),
            permalink_field("Lien vers cette vue", map_ids.MAP_PERMALINK, map_ids.MAP_COPY, map_ids.MAP_COPY_STATUS),
            # « Ajouter à la présentation » and the map's PNG (issue 7): links kept current by the presentation.
            html.P(id=map_ids.MAP_PRESENTATION_ACTIONS, className="deck-map-actions"),
        ],
        className="map-main",
        **{"aria-labelledby": map_ids.MAP_HEADING},
    )


def table_link() -> html.A:
    """« Voir ces valeurs en tableau »: to the values table, which takes the focus (a11y.js, `data-focus`)."""
    return html.A(
        "Voir ces valeurs en tableau",
        id=map_ids.MAP_TABLE_LINK,
        href=f"#{map_ids.MAP_TABLE_GRID}",
        **{"data-focus": map_ids.MAP_TABLE_GRID},
    )


def map_overlays(store: Store, state: MapState, view: MapView) -> list[html.Section]:
    """The legend (bottom left of the map) and the selected territory's panel (top right, shown once a
    territory is selected; its « × » sits beside the name)."""
    summary = territory_summary(store, state.level, state.territory, state.indicator) if state.territory else None
    return [
        html.Section(
            components.legend_component(view),
            id=map_ids.MAP_LEGEND,
            className="panel map-legend",
            **{"aria-live": "polite"},
        ),
        html.Section(
            [
                close_button(hidden=summary is None),
                html.Div(panel_component(store, summary), id=map_ids.MAP_PANEL, **{"aria-live": "polite"}),
                html.Div(id=map_ids.MAP_PANEL_PROJECT, className="map-panel-project"),
            ],
            className="panel map-panel",
        ),
    ]


def table_head(props: dict[str, Any]) -> html.Thead:
    """The column headers; rank and name sort the table (their buttons) and say how (aria-sort)."""
    return html.Thead(
        html.Tr(
            [
                html.Th(
                    html.Button("Rang", id=map_ids.MAP_TABLE_SORT_RANK, className="sort-button"),
                    id=map_ids.MAP_TABLE_TH_RANK,
                    scope="col",
                    **{"aria-sort": props["rank_sort"]},
                ),
                html.Th(
                    html.Button("Territoire", id=map_ids.MAP_TABLE_SORT_NAME, className="sort-button"),
                    id=map_ids.MAP_TABLE_TH_NAME,
                    scope="col",
                    **{"aria-sort": props["name_sort"]},
                ),
                html.Th("Valeur", scope="col", className="cell-number"),
                html.Th("Classe (couleur de la carte)", scope="col"),
                html.Th("Remarque", scope="col"),
            ]
        )
    )


def table_pager(props: dict[str, Any]) -> html.Div:
    """Previous and next page buttons around the page number (hidden when there is one page)."""
    return html.Div(
        [
            html.Button(
                "Page précédente",
                id=map_ids.MAP_TABLE_PREVIOUS,
                disabled=props["previous_disabled"],
                hidden=props["previous_hidden"],
                className="button",
            ),
            html.Span(props["pager"], id=map_ids.MAP_TABLE_PAGER, role="status"),
            html.Button(
                "Page suivante",
                id=map_ids.MAP_TABLE_NEXT,
                disabled=props["next_disabled"],
                hidden=props["next_hidden"],
                className="button",
            ),
        ],
        className="pager",
    )


def table_section(view: MapView) -> html.Section:
    """The map's values, territory by territory: filter, sortable table (rows drawn by carte.js), pager."""
    props = table_props(view, DEFAULT_SORT, 0, "")
    return html.Section(
        [
            html.H2("Tableau des valeurs"),
            html.P(
                "Les valeurs de la carte, territoire par territoire. Triez par rang ou par nom avec les boutons "
                "des en-têtes ; filtrez par nom.",
                className="map-hint",
            ),
            html.Div(
                [
                    html.Label("Filtrer par nom", htmlFor=map_ids.MAP_TABLE_FILTER),
                    dcc.Input(id=map_ids.MAP_TABLE_FILTER, type="search", value="", debounce=0.4, autoComplete="off"),
                ],
                className="table-filter",
            ),
            html.Div(
                html.Table(
                    [
                        html.Caption(props["caption"], id=map_ids.MAP_TABLE_CAPTION),
                        table_head(props),
                        html.Tbody(id=map_ids.MAP_TABLE_BODY),
                    ],
                    id=map_ids.MAP_TABLE_GRID,
                    className="data-table",
                    tabIndex="-1",
                ),
                className="table-scroll",
            ),
            table_pager(props),
            html.P(props["source"], id=map_ids.MAP_TABLE_SOURCE, className="figure-source"),
            dcc.Store(id=map_ids.MAP_TABLE_DATA, data=props["data"]),
            dcc.Store(id=map_ids.MAP_TABLE_SORT, data=props["sort"]),
            dcc.Store(id=map_ids.MAP_TABLE_PAGE, data=props["page"]),
        ],
        id=map_ids.MAP_TABLE,
        className="map-table-section",
    )


def no_indicator() -> html.Div:
    """What the page says when the built data has no indicator to map."""
    return html.Div(
        [
            html.H2("Aucun indicateur à cartographier"),
            html.P(
                "Le catalogue des données construites ne contient aucun indicateur disponible : "
                f"reconstruisez les données avec « {BUILD_COMMAND} »."
            ),
        ],
        id=map_ids.MAP_NOTICES,
        className="notice notice-warning",
        role="alert",
    )


@requires_store
def explorer(store: Store, query: dict[str, Any]) -> html.Div:
    """The explorer in the state the query asks for, with a notice for each parameter ignored."""
    choices = choices_from_store(store)
    if not choices.indicators:
        return no_indicator()
    state, notices = parse_state(query, choices)
    view = map_view_for(store, state)
    return html.Div(
        [
            ignored_parameters(notices, map_ids.MAP_NOTICES, "map-notices"),
            html.Div(
                [
                    fold_button(
                        "Indicateur et réglages de la carte",
                        map_ids.MAP_SETTINGS_BUTTON,
                        map_ids.MAP_SETTINGS,
                        "map-settings-button",
                    ),
                    html.Div(
                        [toolbar(store, state, view), controls(store, state)],
                        id=map_ids.MAP_SETTINGS,
                        className="map-aside",
                    ),
                    map_area(store, state, view),
                ],
                className="map-explorer",
            ),
            table_section(view),
            dcc.Store(id=map_ids.MAP_DRAWN_LEVEL, data=state.level),
            dcc.Store(id=map_ids.MAP_QUERY, data=serialise_state(state)),
            # Weights of the needs score (issue 5), read by the map callbacks when the score is shown.
            dcc.Store(id=map_ids.MAP_SCORE, data=score_query(state)),
            dcc.Store(id=map_ids.MAP_PROJECTS, data=write_projects(state.projects) or ""),
        ]
    )


#: The component type of each explorer id that a callback reads with a type-specific property.
PLACEHOLDER_TYPES = {
    map_ids.MAP_GRAPH: dcc.Graph,
    map_ids.MAP_INDICATOR: dcc.Dropdown,
    map_ids.MAP_TERRITORY: dcc.Dropdown,
    map_ids.MAP_LEVEL: dcc.RadioItems,
    map_ids.MAP_SCHEME: dcc.RadioItems,
    map_ids.MAP_CLASSES: dcc.RadioItems,
    map_ids.MAP_REFERENCE: dcc.RadioItems,
    map_ids.MAP_PALETTE: dcc.RadioItems,
    map_ids.MAP_LAYERS_RESIDENCE: dcc.Checklist,
    map_ids.MAP_LAYERS_HEBERGEMENT: dcc.Checklist,
    map_ids.MAP_DRAWN_LEVEL: dcc.Store,
    map_ids.MAP_QUERY: dcc.Store,
    map_ids.MAP_SCORE: dcc.Store,
    map_ids.MAP_PROJECTS: dcc.Store,
    map_ids.MAP_TABLE_DATA: dcc.Store,
    map_ids.MAP_TABLE_SORT: dcc.Store,
    map_ids.MAP_TABLE_PAGE: dcc.Store,
    map_ids.MAP_PERMALINK: dcc.Input,
    map_ids.MAP_TABLE_FILTER: dcc.Input,
    map_ids.MAP_LEVEL_SUGGEST: html.Button,
    map_ids.MAP_PANEL_CLOSE: html.Button,
    map_ids.MAP_COPY: html.Button,
    map_ids.MAP_TABLE_SORT_RANK: html.Button,
    map_ids.MAP_TABLE_SORT_NAME: html.Button,
    map_ids.MAP_TABLE_PREVIOUS: html.Button,
    map_ids.MAP_TABLE_NEXT: html.Button,
    map_ids.MAP_TABLE_TH_RANK: html.Th,
    map_ids.MAP_TABLE_TH_NAME: html.Th,
}


def placeholders() -> html.Div:
    """A hidden component for every id of the explorer, when it cannot be shown (no data, no indicator).

    Dash checks that each callback's components exist in the page layouts, with the right type: without
    them, the browser would log an error for every map callback.
    """
    every_id = sorted({value for name, value in vars(map_ids).items() if name.startswith("MAP_")})
    return html.Div(
        [PLACEHOLDER_TYPES.get(component_id, html.Div)(id=component_id) for component_id in every_id], hidden=True
    )


def page(query: dict[str, Any]) -> html.Div:
    """The home page: its title and lead, then the explorer (or why it cannot be shown)."""
    store = current_store()
    ready = isinstance(store, Store) and bool(catalogue.available_indicators(store))
    return html.Div(
        [
            html.H1(f"Carte des territoires {of_region()}", id=content_ids.HOME_TITLE),
            html.P(
                [lead(store), " ", dcc.Link("À propos de l'outil et chiffres clés", href=routes.ABOUT), "."],
                id=content_ids.HOME_INTRO,
                className="map-lead",
            ),
            explorer(query=query),
            None if ready else placeholders(),
        ],
        className="map-page",
    )
