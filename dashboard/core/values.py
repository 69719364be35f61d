"""One indicator's values on the map features of one level, with their ranks, coverage and source."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashboard.core.catalogue import indicator_entries, rows_of
from dashboard.core.formatting import format_percent
from dashboard.core.levels import LEVEL_BY, LEVEL_COMMUNE
from dashboard.core.perimeter import perimeter
from dashboard.core.store import Store

#: Below this share of the population, a value is said to cover part of it only.
FULL_COVERAGE = 0.9995


def level_unavailable_message(entry: Mapping[str, Any], level: str, levels: Sequence[str]) -> str:
    """Why the map is empty at this level, and where the indicator exists."""
    message = f"L'indicateur « {entry['label']} » n'est pas calculé {LEVEL_BY[level]}."
    if levels:
        where = " ou ".join(LEVEL_BY[other] for other in levels)
        message += f" Il existe {where} : changez de niveau pour l'afficher."
    if entry.get("note"):
        message += f" {entry['note']}"
    return message


@dataclass(frozen=True)
class LevelValues:
    """One indicator's values on the features of one level (arrays in the GeoJSON's feature order)."""

    level: str
    entry: Mapping[str, Any]
    codes: list[str]
    names: list[str]
    values: np.ndarray
    coverage: np.ndarray
    ranks: np.ndarray
    source: str
    vintage: str
    region_value: float | None
    region_coverage: float | None

    @property
    def approximation(self) -> bool:
        """Values above the commune level that are approximations (not what the source publishes)."""
        return bool(self.entry.get("approximation")) and self.level != LEVEL_COMMUNE

    @property
    def available(self) -> int:
        return int(np.isfinite(self.values).sum())

    @property
    def source_line(self) -> str:
        return source_line(self.source, self.vintage)

    @property
    def partial_coverage(self) -> bool:
        """Whether some known value covers part of its territory's population only."""
        known = np.isfinite(self.values) & np.isfinite(self.coverage)
        return bool((self.coverage[known] < FULL_COVERAGE).any())


def coverage_detail(value: float, share: float) -> str | None:
    """« couvre 44 % de la population » for a known value that covers part of the population only."""
    if math.isfinite(value) and math.isfinite(share) and share < FULL_COVERAGE:
        return f"couvre {format_percent(share)} de la population"
    return None


def source_line(source: str, vintage: str) -> str:
    """« Source : publisher, title (vintage) »; several sources joined by « ; » are « Sources »."""
    label = "Sources" if ";" in source else "Source"
    return f"{label} : {source} ({vintage})" if vintage else f"{label} : {source}"


def most_common(series: pd.Series) -> str:
    """The most frequent text of a column (e.g. its source line), or «  » when it is empty."""
    present = series.dropna()
    return str(present.mode().iloc[0]) if len(present) else ""


def ranks_of(values: np.ndarray) -> np.ndarray:
    """Rank of each value in descending order (1 = highest, ties share the best rank; 0 when missing)."""
    ranks = pd.Series(values).rank(ascending=False, method="min")
    return ranks.fillna(0).astype(int).to_numpy()


def entry_of(store: Store, indicator: str) -> Mapping[str, Any]:
    """The catalogue entry of an indicator (a bare one, named by its id, when the catalogue lacks it)."""
    return indicator_entries(store).get(indicator, {"id": indicator, "label": indicator, "unit": ""})


def feature_lists(store: Store, level: str) -> tuple[list[str], list[str]]:
    """The codes and names of a level's map features, in the GeoJSON's order (one copy per store)."""
    features = store.display[level].features
    return store.derived(
        f"feature_lists:{level}", lambda _: (features["code"].tolist(), features["name"].astype(str).tolist())
    )


def level_values(store: Store, indicator: str, level: str) -> LevelValues:
    """An indicator's values on the map features of a level (NaN where the store has no value); derived once per
    store, indicator and level (a switch back to an indicator reads it again without reindexing 35,000 rows)."""
    return store.derived(f"level_values:{level}:{indicator}", lambda current: _level_values(current, indicator, level))


def _level_values(store: Store, indicator: str, level: str) -> LevelValues:
    entry = entry_of(store, indicator)
    rows = rows_of(store, indicator, level)
    codes, names = feature_lists(store, level)
    values = rows["value"].reindex(codes).to_numpy(dtype=float)
    coverage = rows["coverage"].reindex(codes).to_numpy(dtype=float)
    ranks = ranks_of(values)
    for array in (values, coverage, ranks):
        array.flags.writeable = False  # shared by every request of the worker
    frame = perimeter(store)
    region = rows_of(store, indicator, frame.level)
    region_code = frame.code
    region_row = region.loc[region_code] if region_code in region.index else None
    region_value = region_coverage = None
    if region_row is not None and pd.notna(region_row["value"]):
        region_value = float(region_row["value"])
    if region_row is not None and pd.notna(region_row["coverage"]):
        region_coverage = float(region_row["coverage"])
    return LevelValues(
        level=level,
        entry=entry,
        codes=codes,
        names=names,
        values=values,
        coverage=coverage,
        ranks=ranks,
        source=most_common(rows["source"]) or most_common(region["source"]),
        vintage=most_common(rows["vintage"]) or most_common(region["vintage"]),
        region_value=region_value,
        region_coverage=region_coverage,
    )
