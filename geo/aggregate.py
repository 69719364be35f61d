"""Aggregate commune values to EPCI, département and région.

Counts are summed (never averaged); ratios are recomputed later from summed numerators and
denominators. Each aggregate carries `coverage`: the share of the territory's population
living in communes whose value is known, so that a partial sum is never mistaken for a
complete one. Non-additive figures (medians, rates) get an explicitly labelled
approximation: their mean weighted by a count (e.g. people in fiscal households).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from geo.cog import Harmonised

#: Level name → column of the commune table holding the territory code at that level.
LEVEL_KEYS = {"commune": "code", "epci": "epci_code", "departement": "departement_code", "region": "region_code"}


def _level_members(communes: pd.DataFrame, level: str) -> pd.DataFrame:
    """Communes counted in a level: EPCIs are kept whole, départements and région are not."""
    members = communes if level in ("commune", "epci") else communes[communes["in_region"]]
    return members.assign(_key=members[LEVEL_KEYS[level]])


def sum_to_levels(
    values: Harmonised,
    communes: pd.DataFrame,
    columns: Iterable[str],
    levels: Iterable[str] = tuple(LEVEL_KEYS),
) -> pd.DataFrame:
    """Sum additive columns from communes to each level.

    `communes` has `code`, `epci_code`, `departement_code`, `region_code`, `population` and
    `in_region`. Returns a long frame: level, code, variable, value, coverage.
    """
    frames = []
    for level in levels:
        members = _level_members(communes, level).set_index("code")
        population = members.groupby("_key")["population"].sum()
        group_keys = (
            values.groups["communes"].map(lambda cover, members=members: _single_key(members, cover))
            if len(values.groups)
            else pd.Series(dtype=object)
        )
        for column in columns:
            commune_values = values.communes[column].reindex(members.index)
            known = commune_values.notna()
            total = commune_values.groupby(members["_key"]).sum(min_count=1)
            known_population = members["population"].where(known, 0).groupby(members["_key"]).sum()
            for cover, key, value in zip(
                values.groups.get("communes", []), group_keys, values.groups.get(column, []), strict=True
            ):
                if key is None or pd.isna(value):
                    continue
                total[key] = np.nansum([total.get(key, np.nan), value])
                known_population[key] += members.loc[list(cover), "population"].sum()
            frames.append(_long(level, column, total.reindex(population.index), known_population / population))
    return pd.concat(frames, ignore_index=True)


def weighted_mean_to_levels(
    values: pd.Series,
    weights: pd.Series,
    communes: pd.DataFrame,
    name: str,
    levels: Iterable[str] = ("epci", "departement", "region"),
) -> pd.DataFrame:
    """Approximate a non-additive commune figure above commune level by its weighted mean.

    Only communes where both the value and the weight are known contribute; coverage is the
    population share of those communes.
    """
    frames = []
    for level in levels:
        members = _level_members(communes, level).set_index("code")
        value = values.reindex(members.index)
        weight = weights.reindex(members.index)
        usable = value.notna() & weight.notna() & (weight > 0)
        numerator = (value * weight).where(usable).groupby(members["_key"]).sum(min_count=1)
        denominator = weight.where(usable).groupby(members["_key"]).sum(min_count=1)
        population = members.groupby("_key")["population"].sum()
        known_population = members["population"].where(usable, 0).groupby(members["_key"]).sum()
        frames.append(_long(level, name, numerator / denominator, known_population / population))
    return pd.concat(frames, ignore_index=True)


def _single_key(members: pd.DataFrame, cover: tuple[str, ...]) -> str | None:
    """The one territory containing all communes of a group row, if there is one."""
    keys = set(members["_key"].reindex(list(cover)))
    return keys.pop() if len(keys) == 1 and not pd.isna(next(iter(keys))) else None


def _long(level: str, variable: str, value: pd.Series, coverage: pd.Series) -> pd.DataFrame:
    value = value.astype("float64")
    return pd.DataFrame(
        {
            "level": level,
            "code": value.index.astype(str),
            "variable": variable,
            "value": value.to_numpy(),
            "coverage": coverage.reindex(value.index).astype("float64").to_numpy(),
        }
    )
