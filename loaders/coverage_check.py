"""Compare the coverage of a new build with the previous store's: a build that covers less fails.

Two measures, both read from what the store already holds (so a store written by an older version is compared
too): for each dataset, the rows joined to a territory (`rows_joined` of `coverage.json`); for each indicator
and level of `indicators.parquet`, the number of territories with a value and the mean coverage (share of the
population covered, a missing coverage counting 0). Any of them falling is a drop, unless the person running
the build accepts it (`python -m loaders build --accept-coverage-drop`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

#: Differences of mean coverage below this are rounding noise, not a drop.
COVERAGE_TOLERANCE = 1e-6
#: Drops named in the one-line failure message (all of them are in the exception's `drops`).
SHOWN_DROPS = 4


@dataclass(frozen=True)
class Summary:
    """Coverage figures of one build."""

    region_code: str
    #: dataset id → rows joined to a territory.
    datasets: dict[str, int]
    #: (indicator, level) → (territories with a value, mean coverage).
    indicators: dict[tuple[str, str], tuple[int, float]]


@dataclass(frozen=True)
class Drop:
    """One figure lower than in the previous build."""

    subject: str
    measure: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.subject} : {self.measure} {self.before} → {self.after}"


class CoverageDropError(Exception):
    """The new build covers less than the previous one; the previous store is kept."""

    def __init__(self, drops: list[Drop]) -> None:
        self.drops = drops
        shown = " ; ".join(str(drop) for drop in drops[:SHOWN_DROPS])
        more = f" ; et {len(drops) - SHOWN_DROPS} autre(s)" if len(drops) > SHOWN_DROPS else ""
        super().__init__(
            f"couverture en baisse par rapport à la construction précédente ({shown}{more}) ; "
            "si la baisse est voulue, relancer avec --accept-coverage-drop"
        )


def summarise(region_code: str, datasets: dict[str, dict], table: pd.DataFrame) -> Summary:
    """Summary of a build: `datasets` as in coverage.json, `table` as indicators.parquet."""
    groups = table.assign(coverage=table["coverage"].fillna(0.0)).groupby(["indicator", "level"])
    with_value = groups["value"].count()
    mean_coverage = groups["coverage"].mean()
    return Summary(
        region_code=str(region_code),
        datasets={dataset_id: int(figures.get("rows_joined", 0)) for dataset_id, figures in datasets.items()},
        indicators={key: (int(with_value[key]), float(mean_coverage[key])) for key in with_value.index},
    )


def read_store(store: Path) -> Summary | None:
    """Summary of the store at `store`; None when there is none or it cannot be read (nothing to compare)."""
    try:
        coverage = json.loads((Path(store) / "coverage.json").read_text(encoding="utf-8"))
        table = pd.read_parquet(Path(store) / "indicators.parquet", columns=["level", "indicator", "value", "coverage"])
        return summarise(coverage["region_code"], coverage["datasets"], table)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def compare(before: Summary | None, after: Summary) -> list[Drop]:
    """Every figure of `after` lower than in `before` (nothing when there is no comparable previous build)."""
    if before is None or before.region_code != after.region_code:
        return []
    drops = []
    for dataset_id, joined in sorted(before.datasets.items()):
        now = after.datasets.get(dataset_id, 0)
        if now < joined:
            drops.append(
                Drop(f"jeu de données {dataset_id}", "lignes rapportées aux territoires", _count(joined), _count(now))
            )
    for (indicator, level), (count, mean) in sorted(before.indicators.items()):
        now_count, now_mean = after.indicators.get((indicator, level), (0, 0.0))
        subject = f"indicateur {indicator} ({level})"
        if now_count < count:
            drops.append(Drop(subject, "territoires avec une valeur", _count(count), _count(now_count)))
        if now_mean < mean - COVERAGE_TOLERANCE:
            drops.append(Drop(subject, "couverture moyenne", _share(mean), _share(now_mean)))
    return drops


def _count(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _share(value: float) -> str:
    return f"{value * 100:.2f}".replace(".", ",") + " %"
