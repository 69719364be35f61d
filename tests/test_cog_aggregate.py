"""Harmonisation of old commune codes and aggregation to higher levels (synthetic data)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geo.aggregate import sum_to_levels, weighted_mean_to_levels
from geo.cog import code_targets, harmonise

FORMER = pd.DataFrame({"former_code": ["10002", "10003"], "current_code": ["10001", "10001"]})
CURRENT = ["10001", "10004", "10005", "10006"]
COMMUNES = pd.DataFrame(
    {
        "code": CURRENT,
        "epci_code": ["E1", "E1", "E1", "E2"],
        "departement_code": ["10", "10", "10", "10"],
        "region_code": ["R", "R", "R", "R"],
        "population": [100, 50, 50, 200],
        "in_region": [True, True, True, True],
    }
)


def harmonised(frame: pd.DataFrame, **kwargs):
    targets = code_targets(FORMER, CURRENT, splits={"10004": ("10004", "10005")})
    return harmonise(frame, code_column="code", targets=targets, scope=CURRENT, **kwargs)


def test_merged_codes_are_summed_and_reported():
    frame = pd.DataFrame({"code": ["10001", "10002", "10003", "10006"], "n": [1.0, 2.0, 3.0, 4.0]})
    result = harmonised(frame, additive=["n"])
    assert result.communes.loc["10001", "n"] == 6.0
    assert result.communes.loc["10006", "n"] == 4.0
    assert result.report["codes_remapped"] == {"10002": ["10001"], "10003": ["10001"]}
    assert result.report["communes_from_merged_rows"] == ["10001"]


def test_unknown_codes_are_reported_not_dropped_silently():
    frame = pd.DataFrame({"code": ["10001", "99999"], "n": [1.0, 2.0]})
    result = harmonised(frame, additive=["n"])
    assert result.report["codes_unknown"] == ["99999"]
    assert result.report["rows_read"] == 2


def test_intensive_values_of_merged_communes_are_not_invented():
    frame = pd.DataFrame({"code": ["10001", "10002", "10006"], "n": [1.0, 2.0, 3.0], "median": [10.0, 20.0, 30.0]})
    result = harmonised(frame, additive=["n"], intensive=["median"])
    assert math.isnan(result.communes.loc["10001", "median"])
    assert result.communes.loc["10006", "median"] == 30.0


def test_split_codes_become_groups_counted_in_their_common_territory():
    frame = pd.DataFrame({"code": ["10001", "10004", "10006"], "n": [1.0, 10.0, 4.0]})
    result = harmonised(frame, additive=["n"])
    assert math.isnan(result.communes.loc["10004", "n"])
    assert math.isnan(result.communes.loc["10005", "n"])
    assert result.report["communes_not_attributable"] == ["10004", "10005"]
    long = sum_to_levels(result, COMMUNES, ["n"], levels=["commune", "epci", "region"]).set_index(["level", "code"])
    assert long.loc[("epci", "E1"), "value"] == 11.0
    assert long.loc[("epci", "E1"), "coverage"] == pytest.approx(1.0)
    assert long.loc[("region", "R"), "value"] == 15.0


def test_missing_values_reduce_coverage_and_are_never_zero():
    frame = pd.DataFrame({"code": ["10001", "10006"], "n": [1.0, float("nan")]})
    result = harmonised(frame, additive=["n"])
    long = sum_to_levels(result, COMMUNES, ["n"], levels=["epci"]).set_index("code")
    assert long.loc["E1", "value"] == 1.0
    assert long.loc["E1", "coverage"] == pytest.approx(0.5)
    assert math.isnan(long.loc["E2", "value"])
    assert long.loc["E2", "coverage"] == 0


def test_weighted_mean_uses_only_known_values():
    values = pd.Series({"10001": 10.0, "10004": float("nan"), "10005": 30.0, "10006": 20.0})
    weights = pd.Series({"10001": 1.0, "10004": 5.0, "10005": 3.0, "10006": 2.0})
    long = weighted_mean_to_levels(values, weights, COMMUNES, "m", levels=["epci"]).set_index("code")
    assert long.loc["E1", "value"] == pytest.approx((10 * 1 + 30 * 3) / 4)
    assert long.loc["E1", "coverage"] == pytest.approx(150 / 200)
