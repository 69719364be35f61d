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
        for column in columns:
            data = members.assign(value=values.communes[column])  # aligned on the codes: absent means missing
            known = data["value"].notna()
            total = data.groupby("_key")["value"].sum(min_count=1)
            known_population = (data["population"] * known).groupby(data["_key"]).sum()
            if column in values.groups:
                for cover, value in values.groups[["communes", column]].to_numpy():
                    key = _single_key(members, cover)
                    if key is None or pd.isna(value):
                        continue
                    total[key] = np.nansum([total[key], value])
                    known_population[key] += members.loc[list(cover), "population"].sum()
            frames.append(_long(level, column, total, known_population / population))
    return pd.concat(frames, ignore_index=True)


def weighted_mean_to_levels(
    values: pd.Series,
    weights: pd.Series,
    communes: pd.DataFrame,
    name: str,
    levels: Iterable[str] = ("epci", "departement", "region"),
) -> pd.DataFrame:
    """Approximate a non-additive commune figure above commune level by its weighted mean.

    Only communes where both the value and the weight are known (and the weight positive) contribute;
    coverage is the population share of those communes.
    """
    frames = []
    for level in levels:
        data = _level_members(communes, level).set_index("code").assign(value=values, weight=weights)
        usable = data["value"].notna() & (data["weight"] > 0)
        numerator = (data["value"] * data["weight"]).where(usable).groupby(data["_key"]).sum()
        denominator = data["weight"].where(usable).groupby(data["_key"]).sum()
        population = data.groupby("_key")["population"].sum()
        known_population = (data["population"] * usable).groupby(data["_key"]).sum()
        frames.append(_long(level, name, numerator / denominator, known_population / population))
    return pd.concat(frames, ignore_index=True)


def _single_key(members: pd.DataFrame, cover: tuple[str, ...]) -> str | None:
    """The one territory containing all communes of a group row, if there is one."""
    keys = set(members["_key"].reindex(list(cover)))
    return keys.pop() if len(keys) == 1 and not pd.isna(next(iter(keys))) else None


def _long(level: str, variable: str, value: pd.Series, coverage: pd.Series) -> pd.DataFrame:
    """One level's values and coverage (both indexed by territory code) as long rows."""
    frame = pd.DataFrame({"value": value, "coverage": coverage}, dtype="float64")
    return pd.DataFrame(
        {
            "level": level,
            "code": frame.index.astype(str),
            "variable": variable,
            "value": frame["value"].to_numpy(),
            "coverage": frame["coverage"].to_numpy(),
        }
    )
