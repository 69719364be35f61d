"""The panel of a selected territory, over the map: its key figures (value, rank in the région, notes,
source) and the links to its fiches (`territory_summary` computes, `panel_component` builds); and the
options of the territory picker.

`panel_component` is the one builder of the panel's content: a block added to the panel (e.g. a planned
residence) is one more entry of its list."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard.core import routes
from dashboard.core.catalogue import (
    FEATURED_MAP_PANEL,
    ROLE_TERRITORIES,
    citation_for,
    featured,
    indicator_entries,
    indicator_levels,
    normalise,
    rows_of,
    territory_row,
)
from dashboard.core.formatting import MISSING_LABEL, format_number, format_value, ordinal
from dashboard.core.levels import EPCI_KINDS, LEVEL_COMMUNE, LEVEL_EPCI
from dashboard.core.perimeter import in_perimeter
from dashboard.core.store import Store
from dashboard.core.values import coverage_detail, level_values
from dashboard.map import ids as map_ids
from dashboard.ui.components import sources_line


@dataclass(frozen=True)
class KeyFigure:
    """One figure of the panel, as written: label, value, detail (rank, notes) and source line."""

    label: str
    value: str
    detail: str
    source: str


@dataclass(frozen=True)
class TerritorySummary:
    """What the panel shows of a territory, and the EPCI whose page it links to."""

    level: str
    code: str
    name: str
    kind: str
    population: str
    figures: tuple[KeyFigure, ...]
    fiche_code: str | None
    fiche_name: str | None


def value_detail(store: Store, indicator: str, level: str, code: str) -> str | None:
    """What a value covers or how it was estimated, when the store says it (its `detail` column)."""
    rows = rows_of(store, indicator, level)
    described = rows.at[code, "detail"] if "detail" in rows and code in rows.index else None
    return described if isinstance(described, str) and described else None


def indicator_figure(store: Store, indicator: str, level: str, code: str) -> KeyFigure | None:
    """One indicator of one territory: value, rank in the région, notes and source line."""
    entry = indicator_entries(store).get(indicator)
    if entry is None:
        return None
    values = level_values(store, indicator, level)
    try:
        position = values.codes.index(code)
    except ValueError:
        return None
    value = values.values[position]
    details = []
    if math.isfinite(value):
        details.append(f"{ordinal(int(values.ranks[position]))} sur {format_number(values.available)} {in_perimeter()}")
        if values.approximation:
            details.append("approximation")
        details += [coverage_detail(value, values.coverage[position]), value_detail(store, indicator, level, code)]
    text = " ; ".join(detail for detail in details if detail)
    return KeyFigure(entry["label"], format_value(value, entry), text, values.source_line)


def fiche_of(store: Store, level: str, code: str, row: dict[str, Any]) -> tuple[str | None, str | None]:
    """(SIREN, name) of the EPCI whose page a territory links to: itself, or a commune's EPCI."""
    if level == LEVEL_EPCI:
        return code, str(row["name"])
    if level == LEVEL_COMMUNE and isinstance(row.get("epci_code"), str):
        epci = territory_row(store, LEVEL_EPCI, row["epci_code"])
        if epci is not None:
            return row["epci_code"], str(epci["name"])
    return None, None


def territory_summary(store: Store, level: str, code: str, indicator: str | None) -> TerritorySummary | None:
    """Key figures of a territory of the map, with the EPCI whose page (/territoire/<siren>) to link."""
    row = territory_row(store, level, code)
    if row is None:
        return None
    shown = [indicator] if indicator else []
    shown += [key for key in featured(store, FEATURED_MAP_PANEL) if key not in shown]
    figures = [indicator_figure(store, key, level, code) for key in shown if level in indicator_levels(store, key)]
    kinds = {LEVEL_EPCI: EPCI_KINDS.get(str(row.get("kind")), "EPCI"), LEVEL_COMMUNE: f"Commune ({code})"}
    fiche_code, fiche_name = fiche_of(store, level, code, row)
    population = row.get("population")
    return TerritorySummary(
        level=level,
        code=code,
        name=str(row["name"]),
        kind=kinds.get(level, f"Département ({code})"),
        population=format_number(int(population)) if pd.notna(population) else MISSING_LABEL,
        figures=tuple(figure for figure in figures if figure is not None),
        fiche_code=fiche_code,
        fiche_name=fiche_name,
    )


def territory_options(
    store: Store, level: str, search: str | None, selected: str | None, limit: int = 100
) -> list[dict[str, str]]:
    """Options of the territory picker: names matching `search` (at most `limit`), the selected one first."""
    options, keys = store.derived(f"territory_options:{level}", lambda current: _level_options(current, level))
    needle = normalise((search or "").strip())
    matching = [option for option, key in zip(options, keys, strict=True) if needle in key][:limit]
    current = [option for option in options if option["value"] == selected and option not in matching]
    return current + matching


def _level_options(store: Store, level: str) -> tuple[list[dict[str, str]], list[str]]:
    """A level's options « name (code) » in name order, and each label normalised for the search (once per store:
    34,851 communes for France)."""
    features = store.display[level].features
    options = [
        {"label": f"{name} ({code})", "value": code}
        for name, code in zip(features["name"].astype(str), features["code"], strict=True)
    ]
    keys = [normalise(option["label"]) for option in options]
    order = sorted(range(len(options)), key=keys.__getitem__)
    return [options[index] for index in order], [keys[index] for index in order]


# --- The panel's components ---------------------------------------------------------------------------


def key_figure_item(figure: KeyFigure) -> html.Div:
    """One figure of the territory panel: label, value, detail and source."""
    return html.Div(
        [
            html.Dt(figure.label),
            html.Dd(
                [
                    html.Span(figure.value, className="panel-value"),
                    html.Span(figure.detail, className="panel-detail") if figure.detail else None,
                    html.Span(figure.source, className="figure-source"),
                ]
            ),
        ],
        className="panel-figure",
    )


def fiche_link(summary: TerritorySummary) -> dcc.Link | None:
    """The link to the page of the territory's EPCI (the territory itself, or a commune's EPCI)."""
    if not summary.fiche_code:
        return None
    if summary.level == LEVEL_EPCI:
        text = "Ouvrir la fiche du territoire"
    else:
        text = f"Ouvrir la fiche de l'EPCI : {summary.fiche_name}"
    return dcc.Link(text, href=routes.territory_path(summary.fiche_code), className="button-link panel-fiche")


def commune_link(summary: TerritorySummary) -> dcc.Link | None:
    """At the commune level, the link to the commune's own fiche (/commune/<code Insee>)."""
    if summary.level != LEVEL_COMMUNE:
        return None
    return dcc.Link(
        "Ouvrir la fiche de la commune", href=routes.commune_path(summary.code), className="button-link panel-fiche"
    )


def panel_component(store: Store, summary: TerritorySummary | None) -> list[Any]:
    """The side panel: a selected territory's key figures and the link to its page, or how to select one."""
    if summary is None:
        return [
            html.H2("Territoire", className="panel-title"),
            html.P(
                "Cliquez sur un territoire de la carte, ou choisissez-le dans la liste « Territoire », pour "
                "afficher ses chiffres clés.",
                className="panel-hint",
            ),
        ]
    citation = citation_for(store, ROLE_TERRITORIES)
    territory_source = sources_line([citation]) if citation else ""
    return [
        html.H2(summary.name, className="panel-title"),
        html.P(
            [summary.kind, " — ", f"population municipale : {summary.population} habitants"], className="panel-kind"
        ),
        html.P(territory_source, className="figure-source") if territory_source else None,
        commune_link(summary),
        fiche_link(summary),
        html.Dl([key_figure_item(figure) for figure in summary.figures], className="panel-figures"),
    ]


def close_button(hidden: bool) -> html.Button:
    """Always in the layout (its callback needs it); hidden when no territory is selected."""
    return html.Button(
        "×",
        id=map_ids.MAP_PANEL_CLOSE,
        className="panel-close",
        title="Fermer",
        hidden=hidden,
        type="button",
        **{"aria-label": "Fermer le panneau du territoire"},
    )
