"""Home page: the map explorer of the région's territories (EPCI by default), its legend and its table.

The whole view (indicator, level, classes, layers, selected territory) comes from the query string and
is written back to it, so an address restores the view; a bad parameter gives a notice, not an error.
The former home content (introduction, key figures) is on /a-propos.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from dashboard.content import ids as content_ids
from dashboard.core import catalogue, routes
from dashboard.core.levels import FAMILY_HEBERGEMENT, FAMILY_RESIDENCE, LEVEL_NOUNS, LEVELS
from dashboard.core.perimeter import of_region
from dashboard.core.store import Store, current_store
from dashboard.map import callbacks as callbacks_map
from dashboard.map import components as map_components
from dashboard.map import ids as map_ids
from dashboard.map import view as maps
from dashboard.map.state import MapState, choices_from_store, parse_state, serialise_state
from dashboard.needs import state as needs_state
from dashboard.presentation import ids as presentation_ids
from dashboard.ui.components import requires_store

dash.register_page(__name__, path=routes.HOME, name="Accueil", order=0)

LEAD = (
    "Choisissez un indicateur pour comparer les intercommunalités (EPCI), les communes ou les "
    "départements de la région, et repérez les résidences sociales existantes. Chaque valeur est aussi "
    "donnée dans le tableau sous la carte, avec sa source et son millésime."
)


def fieldset(legend: str, control: Any, className: str = "map-field") -> html.Fieldset:
    return html.Fieldset([html.Legend(legend), control], className=className)


def toolbar(store: Store, state: MapState, view: maps.MapView) -> html.Div:
    """The two main choices, above the map: the indicator and the level."""
    return html.Div(
        [
            html.Div(
                [
                    html.Label("Indicateur", htmlFor=map_ids.MAP_INDICATOR),
                    dcc.Dropdown(
                        id=map_ids.MAP_INDICATOR,
                        options=map_components.indicator_options(store),
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
                    html.Div(map_components.indicator_help(view), id=map_ids.MAP_INDICATOR_HELP, className="map-help"),
                    map_components.unavailable_list(store),
                ],
                className="map-field map-indicator",
            ),
            fieldset(
                "Niveau",
                dcc.RadioItems(
                    id=map_ids.MAP_LEVEL,
                    options=[{"label": label, "value": level} for level, label in LEVELS.items()],
                    value=state.level,
                    inline=True,
                    className="radio-inline",
                ),
                className="map-field map-level",
            ),
        ],
        className="map-toolbar",
    )


def controls(store: Store, state: MapState) -> html.Div:
    hebergement = [kind for kind in state.layers if kind in store.catalogue["residence_types"].get("hebergement", [])]
    return html.Div(
        [
            html.H2("Réglages de la carte", className="visually-hidden"),
            fieldset(
                "Classement",
                dcc.RadioItems(
                    id=map_ids.MAP_SCHEME,
                    options=[{"label": label, "value": key} for key, label in maps.SCHEMES.items()],
                    value=state.scheme,
                    className="radio-list",
                ),
            ),
            fieldset(
                "Nombre de classes",
                dcc.RadioItems(
                    id=map_ids.MAP_CLASSES,
                    options=[
                        {"label": str(number), "value": number}
                        for number in range(maps.MIN_CLASSES, maps.MAX_CLASSES + 1)
                    ],
                    value=state.classes,
                    inline=True,
                    className="radio-inline",
                ),
            ),
            fieldset(
                "Couleurs",
                dcc.RadioItems(
                    id=map_ids.MAP_REFERENCE,
                    options=[{"label": label, "value": key} for key, label in maps.REFERENCES.items()],
                    value=state.reference,
                    className="radio-list",
                ),
            ),
            fieldset(
                "Résidences sociales (points)",
                dcc.Checklist(
                    id=map_ids.MAP_LAYERS_RESIDENCE,
                    options=map_components.layer_options(store, FAMILY_RESIDENCE),
                    value=[kind for kind in state.layers if kind not in hebergement],
                    className="layer-list",
                ),
            ),
            html.Details(
                [
                    html.Summary("Hébergement social et médico-social (points)"),
                    dcc.Checklist(
                        id=map_ids.MAP_LAYERS_HEBERGEMENT,
                        options=map_components.layer_options(store, FAMILY_HEBERGEMENT),
                        value=hebergement,
                        className="layer-list",
                    ),
                ],
                open=bool(hebergement),
                className="map-field map-details",
            ),
            html.Div(
                [
                    html.Label("Territoire", htmlFor=map_ids.MAP_TERRITORY),
                    dcc.Dropdown(
                        id=map_ids.MAP_TERRITORY,
                        options=maps.territory_options(store, state.level, None, state.territory),
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
            ),
        ],
        className="map-controls",
    )


def permalink() -> html.Div:
    return html.Div(
        [
            html.Label("Lien vers cette vue", htmlFor=map_ids.MAP_PERMALINK),
            html.Div(
                [
                    dcc.Input(
                        id=map_ids.MAP_PERMALINK, type="text", readOnly=True, value="", className="permalink-input"
                    ),
                    html.Button("Copier le lien", id=map_ids.MAP_COPY, className="button", type="button"),
                ],
                className="permalink-row",
            ),
            html.P(id=map_ids.MAP_COPY_STATUS, role="status", className="copy-status"),
        ],
        className="permalink",
    )


def map_area(store: Store, state: MapState, view: maps.MapView) -> html.Section:
    figure = callbacks_map.figure_for(store, view, list(state.layers), state.territory)
    suggested = view.suggested_level
    return html.Section(
        [
            html.H2(view.heading, id=map_ids.MAP_HEADING, className="map-heading"),
            html.Div(
                [
                    dcc.Loading(
                        dcc.Graph(
                            id=map_ids.MAP_GRAPH,
                            figure=figure,
                            config=maps.graph_config(callbacks_map.topojson_url()),
                            style={"height": f"{maps.MAP_HEIGHT}px"},
                        ),
                        id=map_ids.MAP_LOADING,
                        delay_show=250,
                        overlay_style={"visibility": "visible", "opacity": 0.55},
                        target_components={map_ids.MAP_GRAPH: "figure"},
                        type="circle",
                        color="#000091",
                    ),
                    html.Div(
                        [
                            html.P(view.unavailable_message or "", id=map_ids.MAP_LEVEL_NOTICE_TEXT),
                            html.Button(
                                f"Afficher par {LEVEL_NOUNS[suggested][0]}" if suggested else "",
                                id=map_ids.MAP_LEVEL_SUGGEST,
                                value=suggested or "",
                                hidden=suggested is None,
                                className="button",
                                type="button",
                            ),
                        ],
                        id=map_ids.MAP_LEVEL_NOTICE,
                        hidden=view.unavailable_message is None,
                        className="map-level-notice",
                        role="status",
                    ),
                ],
                className="map-frame",
            ),
            html.P(map_components.map_source(store, view), id=map_ids.MAP_SOURCE, className="figure-source"),
            html.P(
                "Survolez un territoire pour lire sa valeur, cliquez pour afficher ses chiffres clés. "
                "Boutons en haut à droite de la carte : zoom et téléchargement de l'image.",
                className="map-hint",
            ),
            permalink(),
            # « Ajouter à la présentation » and the map's PNG (issue 7): links kept current by pages/presentation.py.
            html.P(id=presentation_ids.PRES_MAP_ACTIONS, className="deck-map-actions"),
        ],
        className="map-main",
        **{"aria-labelledby": map_ids.MAP_HEADING},
    )


def table_section(store: Store, view: maps.MapView) -> html.Section:
    sort = {"column": maps.SORT_RANK, "descending": False}
    (
        data,
        caption,
        pager,
        previous_disabled,
        next_disabled,
        previous_hidden,
        next_hidden,
        _,
        page,
        aria_rank,
        aria_name,
        source,
    ) = callbacks_map.table_outputs(store, view, sort, 0, "")
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
                        html.Caption(caption, id=map_ids.MAP_TABLE_CAPTION),
                        html.Thead(
                            html.Tr(
                                [
                                    html.Th(
                                        html.Button("Rang", id=map_ids.MAP_TABLE_SORT_RANK, className="sort-button"),
                                        id=map_ids.MAP_TABLE_TH_RANK,
                                        scope="col",
                                        **{"aria-sort": aria_rank},
                                    ),
                                    html.Th(
                                        html.Button(
                                            "Territoire", id=map_ids.MAP_TABLE_SORT_NAME, className="sort-button"
                                        ),
                                        id=map_ids.MAP_TABLE_TH_NAME,
                                        scope="col",
                                        **{"aria-sort": aria_name},
                                    ),
                                    html.Th("Valeur", scope="col", className="cell-number"),
                                    html.Th("Classe (couleur de la carte)", scope="col"),
                                    html.Th("Remarque", scope="col"),
                                ]
                            )
                        ),
                        html.Tbody(id=map_ids.MAP_TABLE_BODY),
                    ],
                    className="data-table",
                ),
                className="table-scroll",
            ),
            html.Div(
                [
                    html.Button(
                        "Page précédente",
                        id=map_ids.MAP_TABLE_PREVIOUS,
                        disabled=previous_disabled,
                        hidden=previous_hidden,
                        className="button",
                    ),
                    html.Span(pager, id=map_ids.MAP_TABLE_PAGER, role="status"),
                    html.Button(
                        "Page suivante",
                        id=map_ids.MAP_TABLE_NEXT,
                        disabled=next_disabled,
                        hidden=next_hidden,
                        className="button",
                    ),
                ],
                className="pager",
            ),
            html.P(source, id=map_ids.MAP_TABLE_SOURCE, className="figure-source"),
            dcc.Store(id=map_ids.MAP_TABLE_DATA, data=data),
            dcc.Store(id=map_ids.MAP_TABLE_SORT, data=sort),
            dcc.Store(id=map_ids.MAP_TABLE_PAGE, data=page),
        ],
        id=map_ids.MAP_TABLE,
        className="map-table-section",
    )


@requires_store
def explorer(store: Store, query: dict[str, Any]) -> html.Div:
    choices = choices_from_store(store)
    if not choices.indicators:
        return html.Div(
            [
                html.H2("Aucun indicateur à cartographier"),
                html.P(
                    "Le catalogue des données construites ne contient aucun indicateur disponible : "
                    "reconstruisez les données avec « python -m loaders build »."
                ),
            ],
            id=map_ids.MAP_NOTICES,
            className="notice notice-warning",
            role="alert",
        )
    state, notices = parse_state(query, choices)
    view = callbacks_map.map_view_for(store, state)
    summary = maps.territory_summary(store, state.level, state.territory, state.indicator) if state.territory else None
    return html.Div(
        [
            map_components.notices_component(notices),
            toolbar(store, state, view),
            html.Div(
                [
                    controls(store, state),
                    map_area(store, state, view),
                    html.Div(
                        [
                            html.Section(
                                map_components.legend_component(view),
                                id=map_ids.MAP_LEGEND,
                                className="panel map-legend",
                                **{"aria-live": "polite"},
                            ),
                            html.Section(
                                [
                                    map_components.close_button(hidden=summary is None),
                                    html.Div(
                                        map_components.panel_component(store, summary),
                                        id=map_ids.MAP_PANEL,
                                        **{"aria-live": "polite"},
                                    ),
                                ],
                                className="panel map-panel",
                            ),
                        ],
                        className="map-side",
                    ),
                ],
                className="map-explorer",
            ),
            table_section(store, view),
            dcc.Store(id=map_ids.MAP_DRAWN_LEVEL, data=state.level),
            dcc.Store(id=map_ids.MAP_QUERY, data=serialise_state(state)),
            # Weights of the needs score (issue 5), read by the map callbacks when the score is shown.
            dcc.Store(
                id=map_ids.MAP_SCORE, data=needs_state.serialise_needs(state.score, only=needs_state.INDEX_PARAMS)
            ),
        ]
    )


def placeholders() -> html.Div:
    """A hidden component for every id of the explorer, when it cannot be shown (no data, no indicator).

    Dash checks that each callback's components exist in the page layouts, with the right type: without
    them, the browser would log an error for every map callback.
    """
    typed = {
        map_ids.MAP_GRAPH: dcc.Graph,
        map_ids.MAP_INDICATOR: dcc.Dropdown,
        map_ids.MAP_TERRITORY: dcc.Dropdown,
        map_ids.MAP_LEVEL: dcc.RadioItems,
        map_ids.MAP_SCHEME: dcc.RadioItems,
        map_ids.MAP_CLASSES: dcc.RadioItems,
        map_ids.MAP_REFERENCE: dcc.RadioItems,
        map_ids.MAP_LAYERS_RESIDENCE: dcc.Checklist,
        map_ids.MAP_LAYERS_HEBERGEMENT: dcc.Checklist,
        map_ids.MAP_DRAWN_LEVEL: dcc.Store,
        map_ids.MAP_QUERY: dcc.Store,
        map_ids.MAP_SCORE: dcc.Store,
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
    every_id = sorted({value for name, value in vars(map_ids).items() if name.startswith("MAP_")})
    return html.Div([typed.get(component_id, html.Div)(id=component_id) for component_id in every_id], hidden=True)


def layout(**query: Any) -> html.Div:
    store = current_store()
    ready = isinstance(store, Store) and bool(catalogue.available_indicators(store))
    return html.Div(
        [
            html.H1(f"Carte des territoires {of_region()}", id=content_ids.HOME_TITLE),
            html.P(
                [LEAD, " ", dcc.Link("À propos de l'outil et chiffres clés", href=routes.ABOUT), "."],
                id=content_ids.HOME_INTRO,
                className="map-lead",
            ),
            explorer(query=query),
            None if ready else placeholders(),
        ],
        className="map-page",
    )
