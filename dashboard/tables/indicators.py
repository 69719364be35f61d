"""What the tables page can show, read from the store: indicators per level, territories, parameter choices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd

from dashboard.core.catalogue import FEATURED_TABLES, featured
from dashboard.core.store import Store, inside_region
from dashboard.tables.state import LEVEL_COMMUNE, LEVELS, TableChoices

APPROXIMATION = "approximation"


def indicator_specs(store: Store) -> dict[str, dict[str, Any]]:
    """Catalogue entries of the indicators present in the data, in catalogue order (read-only: once per store)."""
    return store.derived("indicator_specs", _indicator_specs)


def _indicator_specs(store: Store) -> dict[str, dict[str, Any]]:
    present = set(store.indicators["indicator"].unique())
    return {
        entry["id"]: entry
        for entry in store.catalogue.get("indicators", [])
        if entry.get("available", True) and entry["id"] in present
    }


def level_indicators(store: Store, levels: Sequence[str] = LEVELS) -> dict[str, tuple[str, ...]]:
    """Indicators with at least one value at each level (by default those of the tables page), catalogue order."""
    specs = indicator_specs(store)
    by_level = store.derived("indicators_by_level", _indicators_by_level)
    return {level: tuple(i for i in specs if i in by_level.get(level, set())) for level in levels}


def _indicators_by_level(store: Store) -> dict[str, set[str]]:
    """Level → indicators with at least one value there (a scan of the whole table: once per store)."""
    frame = store.indicators
    with_values = frame.loc[frame["value"].notna(), ["level", "indicator"]].drop_duplicates()
    return with_values.groupby("level")["indicator"].agg(set).to_dict()


def territories_in_region(store: Store, level: str) -> gpd.GeoDataFrame:
    """Territories of a level inside the région (members of straddling EPCIs excluded), by code; once per store
    (read-only)."""

    def select(current: Store) -> gpd.GeoDataFrame:
        frame = current.territories
        return frame.loc[(frame["level"] == level) & inside_region(frame)].sort_values("code", kind="stable")

    return store.derived(f"territories_in_region:{level}", select)


def table_choices(store: Store) -> TableChoices:
    """The valid values of the page parameters, from the store."""
    types = store.catalogue.get("residence_types", {})
    return TableChoices(
        indicators=level_indicators(store),
        departements=tuple(territories_in_region(store, "departement")["code"]),
        epcis=tuple(territories_in_region(store, "epci")["code"]),
        residence_types=tuple(types.get("residence_sociale", [])) + tuple(types.get("hebergement", [])),
        featured=featured(store, FEATURED_TABLES),
    )


def territory_names(store: Store, level: str) -> dict[str, str]:
    """Name of each territory of a level inside the région, by code."""
    territories = territories_in_region(store, level)
    return dict(zip(territories["code"], territories["name"], strict=True))


def is_approximation(spec: dict[str, Any], level: str) -> bool:
    """Approximated indicators are published per commune and approximated above."""
    return bool(spec.get(APPROXIMATION)) and level != LEVEL_COMMUNE


def unit_header(label: str, unit: str | None, approximation: bool = False) -> str:
    """'Taux de pauvreté (%, approximation)'; a unit that repeats the label ('Ménages (ménages)') is left out."""
    if unit and unit.casefold() == label.casefold():
        unit = None
    details = [part for part in (unit, APPROXIMATION if approximation else None) if part]
    return f"{label} ({', '.join(details)})" if details else label


def indicator_citations(store: Store, level: str) -> dict[str, tuple[str, str]]:
    """(source, vintage) of each indicator at a level, as written in the indicators table (once per store)."""

    def read(current: Store) -> dict[str, tuple[str, str]]:
        long = current.indicators
        rows = long.loc[long["level"] == level, ["indicator", "source", "vintage"]].drop_duplicates("indicator")
        return {row.indicator: (row.source, row.vintage) for row in rows.itertuples(index=False)}

    return store.derived(f"indicator_citations:{level}", read)


def partially_covered(store: Store, level: str, indicators: Sequence[str]) -> set[str]:
    """Indicators with a value that covers only part of the population somewhere at this level."""

    def read(current: Store) -> frozenset[str]:
        long = current.indicators
        rows = long.loc[(long["level"] == level) & long["value"].notna() & (long["coverage"] < 1)]
        return frozenset(rows["indicator"].unique())

    return set(store.derived(f"partially_covered:{level}", read)) & set(indicators)
