"""The comparison page's layout: the territory and indicator pickers, the table, the permalink and the link
to add the comparison to the presentation."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.comparison import ids as compare_ids
from dashboard.comparison.data import columns, comparison_lines
from dashboard.comparison.state import (
    LEVELS,
    MAX_INDICATORS,
    MAX_TERRITORIES,
    MIN_TERRITORIES,
    CompareChoices,
    CompareState,
    choices_from_store,
    parse_state,
    serialise_state,
    territory_code,
)
from dashboard.core import catalogue, routes
from dashboard.core.formatting import typo
from dashboard.core.levels import LEVEL_EPCI, LEVEL_NOUNS
from dashboard.core.perimeter import perimeter
from dashboard.core.store import Store
from dashboard.needs.views import table, value_cell
from dashboard.presentation.buttons import add_link
from dashboard.presentation.request import add_href
from dashboard.presentation.specs import KIND_COMPARISON, SlideSpec
from dashboard.trends.compare import Place
from dashboard.trends.sections import comparison_section
from dashboard.ui.components import DROPDOWN_LABELS, ignored_parameters, requires_store, sources_line
from dashboard.ui.permalink import permalink_field

TITLE = "Comparer des territoires"


#: Up to this many territories (a région: 4,000), the picker gets them all and searches in the browser; beyond
#: (France: 36,000, 2 MB), it gets `MAX_OPTIONS` per search from the server.
CLIENT_SEARCH_MAX = 6_000
MAX_OPTIONS = 60


def _all_options(store: Store) -> tuple[list[dict[str, str]], list[str]]:
    """Every département, EPCI and commune, named with its level and code, by level then name, and each label
    normalised for the search (once per store)."""
    choices = choices_from_store(store)
    order = {level: index for index, level in enumerate(LEVELS)}
    items = sorted(choices.territories.items(), key=lambda item: (order[item[1][0]], catalogue.normalise(item[1][1])))
    options = [
        {"label": f"{name} ({LEVEL_NOUNS[level][0]}, {territory_code(value, level)})", "value": value}
        for value, (level, name) in items
    ]
    return options, [catalogue.normalise(option["label"]) for option in options]


def searched_on_server(store: Store) -> bool:
    """Whether the territory picker is too long to be sent whole (`CLIENT_SEARCH_MAX`)."""
    return len(choices_from_store(store).territories) > CLIENT_SEARCH_MAX


def territory_options(store: Store, search: str | None, selected: list[str] | None) -> list[dict[str, str]]:
    """Every territory when the list is short enough (`searched_on_server`); else the chosen territories, then
    those whose name or code holds `search` (accents and case ignored; the first ones by level and name when
    nothing is typed), `MAX_OPTIONS` at most."""
    options, keys = store.derived("comparison_options", _all_options)
    if not searched_on_server(store):
        return options
    chosen = set(selected or [])
    needle = catalogue.normalise((search or "").strip())
    matching = [
        option for option, key in zip(options, keys, strict=True) if needle in key and option["value"] not in chosen
    ]
    return [option for option in options if option["value"] in chosen] + matching[:MAX_OPTIONS]


def indicator_options(store: Store, choices: CompareChoices) -> list[dict[str, str]]:
    entries = catalogue.indicator_entries(store)
    return [{"label": catalogue.label_with_unit(entries[key]), "value": key} for key in choices.indicators]


def line_row(line: Any) -> html.Tr:
    """One indicator: its label, unit and source, then a value (with its coverage when partial) per column."""
    return html.Tr(
        [
            html.Th(
                [
                    dcc.Link(catalogue.label_with_unit(line.entry), href=routes.indicator_source_path(line.indicator)),
                    " (approximation)" if line.entry.get("approximation") else "",
                    html.Span(
                        sources_line(sorted({value.source for value in line.values if value.source})),
                        className="cell-detail",
                    ),
                ],
                scope="row",
            ),
            *[html.Td(value_cell(value, line.entry, detail=False), className="cell-number") for value in line.values],
        ]
    )


def comparison_table(store: Store, choices: CompareChoices, state: CompareState) -> html.Div:
    """The table, or what is missing to draw it."""
    if len(state.territories) < MIN_TERRITORIES:
        return html.P(
            typo(f"Choisissez de {MIN_TERRITORIES} à {MAX_TERRITORIES} territoires dans la liste ci-dessus."),
            className="notice notice-info",
        )
    shown = columns(store, choices, state)
    lines = comparison_lines(store, shown, state.indicators)
    head = ["Indicateur (unité ; source, millésime)", *[column.heading for column in shown]]
    return html.Div(
        [
            table(None, head, [line_row(line) for line in lines], numeric=tuple(range(1, len(head)))),
            html.P(
                typo(
                    "« donnée non disponible » : l'indicateur n'est pas publié à ce niveau ou pour ce territoire. "
                    "Une valeur approchée à partir des communes est suivie de la part de la population qu'elle couvre."
                ),
                className="figure-source",
            ),
        ]
    )


def comparison_trends(store: Store, choices: CompareChoices, state: CompareState) -> html.Section | None:
    """The trends of the chosen territories (none until 2 are chosen)."""
    if len(state.territories) < MIN_TERRITORIES:
        return None
    shown = columns(store, choices, state)[: len(state.territories)]
    return comparison_section(store, [Place(column.heading, column.level, column.code) for column in shown])


def add_to_deck(choices: CompareChoices, state: CompareState) -> tuple[str, bool]:
    """(href, hidden) of « Ajouter à la présentation »: the presentation compares EPCIs only."""
    epcis = all(choices.territories[code][0] == LEVEL_EPCI for code in state.territories)
    if not epcis or len(state.territories) < MIN_TERRITORIES or not state.indicators:
        return routes.PRESENTATION, True
    spec = SlideSpec(KIND_COMPARISON, codes=state.territories, indicators=state.indicators[:4])
    return add_href(spec), False


@requires_store
def page(store: Store, query: dict[str, Any]) -> html.Div:
    choices = choices_from_store(store)
    state, notices = parse_state(query, choices)
    href, hidden = add_to_deck(choices, state)
    return html.Div(
        [
            html.H1(TITLE, id=compare_ids.COMPARE_TITLE),
            html.P(
                typo(
                    f"Mettez côte à côte de {MIN_TERRITORIES} à {MAX_TERRITORIES} territoires de n'importe quel niveau "
                    f"(communes, EPCI, départements{', régions' if perimeter(store).is_france else ''}) "
                    "avec leur région et la France, sur les indicateurs de votre choix "
                    f"({MAX_INDICATORS} au plus). Chaque valeur porte sa source et, si elle ne couvre qu'une partie "
                    "de la population, sa couverture."
                ),
                className="intro",
            ),
            ignored_parameters(notices, compare_ids.COMPARE_NOTICES),
            html.Div(
                [
                    html.Label("Territoires (de 2 à 4)", htmlFor=compare_ids.COMPARE_TERRITORIES),
                    dcc.Dropdown(
                        id=compare_ids.COMPARE_TERRITORIES,
                        options=territory_options(store, None, list(state.territories)),
                        value=list(state.territories),
                        multi=True,
                        labels=DROPDOWN_LABELS,
                        placeholder="Nom ou code d'une commune, d'un EPCI ou d'un département…",
                    ),
                    html.Label("Indicateurs", htmlFor=compare_ids.COMPARE_INDICATORS),
                    dcc.Dropdown(
                        id=compare_ids.COMPARE_INDICATORS,
                        options=indicator_options(store, choices),
                        value=list(state.indicators),
                        multi=True,
                        labels=DROPDOWN_LABELS,
                        placeholder="Choisissez les indicateurs…",
                    ),
                ],
                className="map-controls compare-controls",
            ),
            dcc.Loading(html.Div(comparison_table(store, choices, state), id=compare_ids.COMPARE_TABLE)),
            html.Div(comparison_trends(store, choices, state), id=compare_ids.COMPARE_TRENDS),
            permalink_field(
                "Lien vers cette comparaison",
                compare_ids.COMPARE_PERMALINK,
                compare_ids.COMPARE_COPY,
                compare_ids.COMPARE_COPY_STATUS,
                "",
                html.P(
                    add_link(href, compare_ids.COMPARE_ADD, KIND_COMPARISON),
                    id=f"{compare_ids.COMPARE_ADD}-bloc",
                    hidden=hidden,
                ),
            ),
            dcc.Store(id=compare_ids.COMPARE_QUERY, data=serialise_state(state)),
        ]
    )
