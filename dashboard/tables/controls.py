"""The controls of the tables page (plain functions of the store and the state): perimeter dropdowns,
level, thresholds, indicator and establishment-type checklists, and their options."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.core.formatting import format_weight
from dashboard.core.perimeter import perimeter_noun
from dashboard.core.store import Store
from dashboard.tables import ids as tables_ids
from dashboard.tables.indicators import indicator_specs, territories_in_region, territory_names, unit_header
from dashboard.tables.state import LEVEL_LABELS, LEVELS, MAX_THRESHOLDS, TableChoices, TableState
from dashboard.ui.components import DROPDOWN_LABELS

# --- Options ----------------------------------------------------------------------------------------------


def themes(store: Store) -> list[tuple[str, str]]:
    """(theme id, label) of the themes of the catalogue that have indicators in the data."""
    specs = indicator_specs(store)
    labels = store.catalogue.get("themes", {})
    used = list(dict.fromkeys(spec.get("theme") for spec in specs.values()))
    return [(theme, labels.get(theme, theme)) for theme in used if theme]


def indicator_options(store: Store, choices: TableChoices, level: str, theme: str) -> list[dict[str, Any]]:
    """The indicators of a theme available at a level, labelled with their unit."""
    specs = indicator_specs(store)
    return [
        {"label": unit_header(specs[i]["label"], specs[i].get("unit")), "value": i}
        for i in choices.available(level)
        if specs[i].get("theme") == theme
    ]


def split_by_theme(store: Store, indicators: tuple[str, ...], theme_list: list[tuple[str, str]]) -> list[list[str]]:
    """The chosen indicators, one list per theme of `theme_list`."""
    specs = indicator_specs(store)
    return [[i for i in indicators if specs[i].get("theme") == theme] for theme, _label in theme_list]


def threshold_options(store: Store, indicators: tuple[str, ...]) -> list[dict[str, Any]]:
    """The indicators a threshold can apply to: those shown."""
    specs = indicator_specs(store)
    return [{"label": unit_header(specs[i]["label"], specs[i].get("unit")), "value": i} for i in indicators]


def epci_options(store: Store, departements: list[str] | tuple[str, ...]) -> list[dict[str, Any]]:
    """The EPCI of the région (of the chosen départements, if any), by name."""
    epcis = territories_in_region(store, "epci")
    if departements and "departement_code" in epcis:
        epcis = epcis.loc[epcis["departement_code"].isin(list(departements))]
    epcis = epcis.sort_values("name")
    return [
        {"label": f"{name} ({code})", "value": code} for code, name in zip(epcis["code"], epcis["name"], strict=True)
    ]


def departement_options(store: Store) -> list[dict[str, Any]]:
    names = territory_names(store, "departement")
    return [{"label": f"{code} — {name}", "value": code} for code, name in names.items()]


def type_options(store: Store, family: str) -> list[dict[str, Any]]:
    types = store.catalogue.get("residence_types", {})
    labels = types.get("labels", {})
    return [{"label": labels.get(code, code), "value": code} for code in types.get(family, [])]


def families(store: Store) -> list[tuple[str, str]]:
    return list(store.catalogue.get("residence_types", {}).get("families", {}).items())


def indicator_summary(count: int) -> str:
    return f"{count} sélectionné{'s' if count > 1 else ''}"


# --- Controls ---------------------------------------------------------------------------------------------


def labelled(label: str, control: Any, control_id: str, hint: str | None = None) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=control_id, className="control-label"),
            html.P(hint, className="control-hint") if hint else None,
            control,
        ],
        className="control",
    )


def perimeter_controls(store: Store, state: TableState) -> html.Section:
    """The départements and EPCI dropdowns (shared by both tabs)."""
    departements = dcc.Dropdown(
        id=tables_ids.TABLE_DEPARTEMENTS,
        options=departement_options(store),
        value=list(state.departements),
        multi=True,
        placeholder=f"Toute {perimeter_noun()}",
        labels=DROPDOWN_LABELS,
    )
    epcis = dcc.Dropdown(
        id=tables_ids.TABLE_EPCIS,
        options=epci_options(store, state.departements),
        value=list(state.epcis),
        multi=True,
        placeholder="Tous les EPCI",
        labels=DROPDOWN_LABELS,
    )
    return html.Section(
        [
            html.H2("Périmètre", className="visually-hidden"),
            html.Div(
                [
                    labelled("Départements", departements, tables_ids.TABLE_DEPARTEMENTS),
                    labelled(
                        "EPCI",
                        epcis,
                        tables_ids.TABLE_EPCIS,
                        "Filtre les communes et les EPCI (sans effet au niveau départemental).",
                    ),
                ],
                className="perimeter",
            ),
        ],
        className="panel",
    )


def _bound_input(kind: str, index: int, text: str, placeholder: str, value: float | None) -> html.Label:
    """A threshold bound, typed as text so that a decimal comma is accepted."""
    field = dcc.Input(
        id={"type": kind, "index": index},
        type="text",
        inputMode="decimal",
        value="" if value is None else format_weight(value),
        placeholder=placeholder,
        debounce=True,
    )
    return _threshold_label(index, text, field, "threshold-bound")


def _threshold_label(index: int, text: str, control: Any, class_name: str) -> html.Label:
    hidden = html.Span(f"Seuil {index + 1} : {text}", className="visually-hidden")
    return html.Label([hidden, control], className=class_name)


def threshold_row(store: Store, state: TableState, index: int) -> html.Div:
    """Threshold `index`: its indicator, minimum and maximum."""
    threshold = state.thresholds[index] if index < len(state.thresholds) else None
    indicator = dcc.Dropdown(
        id={"type": tables_ids.TABLE_THRESHOLD_INDICATOR, "index": index},
        options=threshold_options(store, state.indicators),
        value=threshold.indicator if threshold else None,
        placeholder="Indicateur",
        clearable=True,
        labels=DROPDOWN_LABELS,
    )
    minimum = threshold.minimum if threshold else None
    maximum = threshold.maximum if threshold else None
    return html.Div(
        [
            _threshold_label(index, "indicateur", indicator, "threshold-indicator"),
            _bound_input(tables_ids.TABLE_THRESHOLD_MIN, index, "valeur minimale", "min", minimum),
            _bound_input(tables_ids.TABLE_THRESHOLD_MAX, index, "valeur maximale", "max", maximum),
        ],
        className="threshold-row",
    )


def level_and_thresholds(store: Store, state: TableState) -> html.Div:
    """The level radio items and the threshold rows."""
    level = dcc.RadioItems(
        id=tables_ids.TABLE_LEVEL,
        options=[{"label": LEVEL_LABELS[level], "value": level} for level in LEVELS],
        value=state.level,
        inline=True,
        className="level-choice",
    )
    return html.Div(
        [
            html.Fieldset([html.Legend("Niveau"), level], className="control"),
            html.Fieldset(
                [
                    html.Legend("Seuils (bornes incluses ; un territoire sans valeur est exclu)"),
                    *[threshold_row(store, state, index) for index in range(MAX_THRESHOLDS)],
                    html.P(id=tables_ids.TABLE_THRESHOLD_NOTICE, className="control-hint", role="status"),
                ],
                className="control thresholds",
            ),
        ],
        className="table-controls",
    )


def _checklist_group(label: str, checklist_id: dict[str, str], options: list[dict], value: list[str]) -> html.Fieldset:
    checklist = dcc.Checklist(id=checklist_id, options=options, value=value, className="indicator-checklist")
    return html.Fieldset([html.Legend(label), checklist], className="indicator-group")


def indicator_picker(store: Store, choices: TableChoices, state: TableState) -> html.Details:
    """The indicators shown, one checklist per theme, folded under their count."""
    theme_list = themes(store)
    selected = split_by_theme(store, state.indicators, theme_list)
    groups = [
        _checklist_group(
            label,
            {"type": tables_ids.TABLE_INDICATORS, "theme": theme},
            indicator_options(store, choices, state.level, theme),
            values,
        )
        for (theme, label), values in zip(theme_list, selected, strict=True)
    ]
    summary = html.Span(indicator_summary(len(state.indicators)), id=tables_ids.TABLE_INDICATOR_SUMMARY)
    return html.Details(
        [
            html.Summary(["Indicateurs affichés (par thème, avec leur unité) : ", summary]),
            html.Div(groups, className="indicator-groups"),
        ],
        className="indicator-picker",
    )


def type_groups(store: Store, state: TableState) -> html.Div:
    """The establishment types, one checklist per family."""
    selected = set(state.residence_types)
    groups = []
    for family, label in families(store):
        options = type_options(store, family)
        value = [option["value"] for option in options if option["value"] in selected]
        groups.append(
            _checklist_group(label, {"type": tables_ids.TABLE_RESIDENCE_TYPES, "family": family}, options, value)
        )
    return html.Div(groups, className="indicator-groups")
