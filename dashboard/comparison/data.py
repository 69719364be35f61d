"""The comparison's table as data: for each chosen indicator, its value for each territory, the région and
France, with source and coverage (`needs.analysis.lookup`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dashboard.comparison.state import CompareChoices, CompareState, territory_code
from dashboard.core import catalogue
from dashboard.core.levels import FRANCE_CODE, LEVEL_FRANCE, LEVEL_NOUNS, LEVEL_REGION
from dashboard.core.perimeter import own_regions
from dashboard.core.store import Store
from dashboard.needs.analysis import Value, lookup

FRANCE = (LEVEL_FRANCE, FRANCE_CODE)


@dataclass(frozen=True)
class Column:
    """A column of the comparison: its heading, and the (level, code) its values are read at."""

    heading: str
    level: str
    code: str


@dataclass(frozen=True)
class ComparisonLine:
    indicator: str
    entry: Mapping[str, Any]
    values: tuple[Value, ...]  # one per column


def columns(store: Store, choices: CompareChoices, state: CompareState) -> list[Column]:
    """The chosen territories (named with their level), then their région(s) not chosen already
    (`own_regions`), and France."""
    chosen = []
    for value in state.territories:
        level, name = choices.territories[value]
        chosen.append(Column(f"{name} ({LEVEL_NOUNS[level][0]})", level, territory_code(value, level)))
    regions = own_regions(store, [(column.level, column.code) for column in chosen])
    return [*chosen, *(Column(name, LEVEL_REGION, code) for code, name in regions), Column("France", *FRANCE)]


def comparison_lines(store: Store, shown: list[Column], indicators: tuple[str, ...]) -> list[ComparisonLine]:
    """One line per indicator, its value in each column (missing stays missing)."""
    entries = catalogue.indicator_entries(store)
    return [
        ComparisonLine(indicator, entries[indicator], tuple(lookup(store, indicator, c.level, c.code) for c in shown))
        for indicator in indicators
        if indicator in entries
    ]
