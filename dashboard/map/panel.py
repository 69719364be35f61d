"""The side panel of a selected territory: its key figures (value, rank in the région, notes, source)
and the EPCI whose page to link; and the options of the territory picker."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.core.catalogue import (
    FEATURED_MAP_PANEL,
    featured,
    indicator_entries,
    indicator_levels,
    normalise,
    rows_of,
    territory_row,
)
from dashboard.core.formatting import MISSING_LABEL, format_number, format_value, ordinal
from dashboard.core.levels import EPCI_KINDS, LEVEL_COMMUNE, LEVEL_EPCI
from dashboard.core.store import Store
from dashboard.core.values import coverage_detail, level_values


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
        details.append(f"{ordinal(int(values.ranks[position]))} sur {format_number(values.available)} dans la région")
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
    features = store.display[level].features
    options = [
        {"label": f"{name} ({code})", "value": code}
        for name, code in zip(features["name"].astype(str), features["code"], strict=True)
    ]
    options.sort(key=lambda option: normalise(option["label"]))
    needle = normalise((search or "").strip())
    matching = [option for option in options if needle in normalise(option["label"])][:limit]
    current = [option for option in options if option["value"] == selected and option not in matching]
    return current + matching
