"""Harmonisation of old commune codes and aggregation to higher levels (synthetic data)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geo.aggregate import sum_to_levels, weighted_mean_to_levels
from geo.cog import Harmonised, code_targets, harmonise

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


def test_a_file_without_a_row_of_the_scope_leaves_every_commune_missing():
    """Filosofi 2021 has no Guadeloupe row: the build of that région gets missing values, never 0."""
    empty = pd.DataFrame({"code": pd.Series([], dtype=str), "n": pd.Series([], dtype=float), "m": []})
    for frame in (empty, pd.DataFrame({"code": ["99999"], "n": [1.0], "m": [2.0]})):
        result = harmonised(frame, additive=["n"], intensive=["m"])
        assert list(result.communes.index) == CURRENT and result.communes[["n", "m"]].isna().all().all()
        assert result.report["rows_in_scope"] == 0


def test_arrondissement_targets_only_where_the_commune_has_no_row():
    from geo.cog import arrondissement_targets

    arrondissements = pd.DataFrame({"code": ["75101", "75102", "69381"], "commune_code": ["75056", "75056", "69123"]})
    assert arrondissement_targets(["75101", "75102", "69123", "69381"], arrondissements) == {
        "75101": ("75056",),
        "75102": ("75056",),
    }


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


# Aggregation (geo/aggregate.py) on a région with a straddling EPCI: B2 is outside the région (Seine-Maritime)
# but a member of E2; C1 has no inhabitant.

STRADDLING = pd.DataFrame(
    {
        "code": ["A1", "A2", "B1", "B2", "C1"],
        "epci_code": ["E1", "E1", "E2", "E2", "E3"],
        "departement_code": ["59", "59", "62", "76", "62"],
        "region_code": ["32", "32", "32", "28", "32"],
        "population": [100, 300, 200, 400, 0],
        "in_region": [True, True, True, False, True],
    }
)
NAN = float("nan")


def harmonised_values(values: dict[str, float], groups: list[tuple[tuple[str, ...], float]] = ()) -> Harmonised:
    communes = pd.DataFrame({"n": pd.Series(values, dtype="float64")}).rename_axis("code")
    frame = pd.DataFrame({"communes": [cover for cover, _ in groups], "n": [value for _, value in groups]})
    return Harmonised(communes=communes, groups=frame if groups else pd.DataFrame({"communes": []}))


def summed(values: Harmonised, **options) -> pd.DataFrame:
    return sum_to_levels(values, STRADDLING, ["n"], **options).set_index(["level", "code"])


def test_sum_to_levels_gives_every_level_and_the_documented_columns():
    long = sum_to_levels(harmonised_values({"A1": 1.0}), STRADDLING, ["n"])
    assert list(long.columns) == ["level", "code", "variable", "value", "coverage"]
    assert long["level"].unique().tolist() == ["commune", "epci", "departement", "region"]
    assert set(long["variable"]) == {"n"} and long["value"].dtype == "float64" and long["coverage"].dtype == "float64"
    assert long.groupby("level").size().to_dict() == {"commune": 5, "epci": 3, "departement": 2, "region": 1}


def test_epcis_are_kept_whole_while_departements_and_the_region_count_their_own_communes_only():
    long = summed(harmonised_values({"A1": 1.0, "A2": 2.0, "B1": 4.0, "B2": 8.0, "C1": 16.0}))
    assert long.loc[("commune", "B2"), "value"] == 8.0
    assert long.loc[("epci", "E1"), "value"] == 3.0
    assert long.loc[("epci", "E2"), "value"] == 12.0  # with its commune outside the région
    assert long.loc[("departement", "62"), "value"] == 20.0
    assert ("departement", "76") not in long.index and ("region", "28") not in long.index
    assert long.loc[("region", "32"), "value"] == 23.0  # B2 left out
    assert (long["coverage"].dropna() == 1.0).all()


def test_missing_commune_values_lower_the_population_coverage_and_an_empty_sum_stays_missing():
    long = summed(harmonised_values({"A1": 1.0, "A2": NAN, "B1": 4.0, "B2": NAN, "C1": NAN}))
    assert long.loc[("epci", "E1"), "value"] == 1.0
    assert long.loc[("epci", "E1"), "coverage"] == pytest.approx(100 / 400)
    assert long.loc[("epci", "E2"), "coverage"] == pytest.approx(200 / 600)
    assert long.loc[("region", "32"), "value"] == 5.0
    assert long.loc[("region", "32"), "coverage"] == pytest.approx(300 / 600)  # B2's 400 not in the région
    assert math.isnan(long.loc[("commune", "A2"), "value"]) and long.loc[("commune", "A2"), "coverage"] == 0
    assert math.isnan(long.loc[("epci", "E3"), "value"])  # never 0
    assert math.isnan(long.loc[("epci", "E3"), "coverage"])  # no inhabitant: no share to give


def test_a_commune_absent_from_the_values_counts_as_missing():
    long = summed(harmonised_values({"A1": 1.0}), levels=["epci"])
    assert long.loc[("epci", "E1"), "value"] == 1.0 and long.loc[("epci", "E1"), "coverage"] == 0.25
    assert math.isnan(long.loc[("epci", "E2"), "value"]) and long.loc[("epci", "E2"), "coverage"] == 0


def test_a_group_counts_in_the_one_territory_holding_all_its_communes():
    values = harmonised_values(
        {"A1": NAN, "A2": NAN, "B1": 4.0, "B2": 8.0, "C1": NAN},
        [(("A1", "A2"), 10.0), (("A2", "B1"), 100.0), (("B2",), 1000.0), (("B1", "C1"), NAN)],
    )
    long = summed(values)
    # (A1, A2): both in E1, 59 and 32, never one commune.
    assert math.isnan(long.loc[("commune", "A1"), "value"])
    assert long.loc[("epci", "E1"), "value"] == 10.0 and long.loc[("epci", "E1"), "coverage"] == 1.0
    assert long.loc[("departement", "59"), "value"] == 10.0
    # (A2, B1) spans two EPCIs and two départements: only the région counts it.
    assert long.loc[("epci", "E2"), "value"] == 1012.0  # B1 + B2 + the (B2) group
    assert long.loc[("departement", "62"), "value"] == 4.0
    assert long.loc[("region", "32"), "value"] == 4.0 + 10.0 + 100.0
    # (B2): a commune outside the région, counted in its commune and its EPCI only.
    assert long.loc[("commune", "B2"), "value"] == 1008.0
    # A group without a value adds nothing, not even coverage.
    assert math.isnan(long.loc[("epci", "E3"), "value"])


def test_a_group_s_population_counts_once_in_the_coverage():
    values = harmonised_values({"A1": NAN, "A2": NAN, "B1": 1.0}, [(("A1",), 5.0)])
    long = summed(values, levels=["epci", "region"])
    assert long.loc[("epci", "E1"), "value"] == 5.0
    assert long.loc[("epci", "E1"), "coverage"] == pytest.approx(100 / 400)
    assert long.loc[("region", "32"), "coverage"] == pytest.approx(300 / 600)


def test_several_columns_are_summed_each_with_its_own_coverage():
    communes = pd.DataFrame({"n": [1.0, NAN], "m": [2.0, 3.0]}, index=pd.Index(["A1", "A2"], name="code"))
    long = sum_to_levels(Harmonised(communes, pd.DataFrame({"communes": []})), STRADDLING, ["n", "m"], ["epci"])
    by = long.set_index(["variable", "code"])
    assert by.loc[("n", "E1"), "value"] == 1.0 and by.loc[("n", "E1"), "coverage"] == 0.25
    assert by.loc[("m", "E1"), "value"] == 5.0 and by.loc[("m", "E1"), "coverage"] == 1.0


def test_weighted_mean_skips_missing_values_and_missing_or_negative_weights():
    values = pd.Series({"A1": 10.0, "A2": 20.0, "B1": 30.0, "B2": 40.0, "C1": 50.0})
    weights = pd.Series({"A1": 1.0, "A2": 3.0, "B1": -2.0, "B2": 2.0, "C1": NAN})
    long = weighted_mean_to_levels(values, weights, STRADDLING, "m")
    assert list(long.index) == list(range(len(long)))
    long = long.set_index(["level", "code"])
    assert (long["variable"] == "m").all()
    assert long.index.get_level_values("level").unique().tolist() == ["epci", "departement", "region"]
    assert long.loc[("epci", "E1"), "value"] == pytest.approx((10 * 1 + 20 * 3) / 4)
    assert long.loc[("epci", "E1"), "coverage"] == 1.0
    assert long.loc[("epci", "E2"), "value"] == 40.0  # B1's negative weight: left out; B2 counted in its EPCI
    assert long.loc[("epci", "E2"), "coverage"] == pytest.approx(400 / 600)
    assert math.isnan(long.loc[("epci", "E3"), "value"])  # C1 has no weight
    assert math.isnan(long.loc[("departement", "62"), "value"]) and long.loc[("departement", "62"), "coverage"] == 0
    assert long.loc[("region", "32"), "value"] == pytest.approx(17.5)  # B2 is not in the région
    assert long.loc[("region", "32"), "coverage"] == pytest.approx(400 / 600)


def test_weighted_mean_leaves_out_a_zero_weight_and_the_weight_of_a_missing_value():
    values = pd.Series({"A1": 10.0, "A2": 20.0, "B1": NAN, "B2": 40.0})
    weights = pd.Series({"A1": 0.0, "A2": 3.0, "B1": 5.0, "B2": 1.0})
    long = weighted_mean_to_levels(values, weights, STRADDLING, "m", levels=["epci"]).set_index("code")
    assert long.loc["E1", "value"] == 20.0 and long.loc["E1", "coverage"] == pytest.approx(300 / 400)
    assert long.loc["E2", "value"] == 40.0 and long.loc["E2", "coverage"] == pytest.approx(400 / 600)


def test_long_frames_have_a_fresh_index_and_float_columns_even_for_integer_counts():
    communes = pd.DataFrame({"n": pd.Series([1, 2, 4, 8, 16], index=STRADDLING["code"].to_numpy(), dtype="int64")})
    long = sum_to_levels(Harmonised(communes, pd.DataFrame({"communes": []})), STRADDLING, ["n"])
    assert long["value"].dtype == "float64" and long["coverage"].dtype == "float64"
    assert list(long.index) == list(range(len(long)))
    assert long.set_index(["level", "code"]).loc[("region", "32"), "value"] == 23.0
    weighted = weighted_mean_to_levels(
        pd.Series({"A1": 3}, dtype="int64"), pd.Series({"A1": 2}, dtype="int64"), STRADDLING, "m", levels=["epci"]
    )
    assert weighted["value"].dtype == "float64" and weighted["value"].tolist()[0] == 3.0


def test_weighted_mean_levels_can_be_chosen_and_values_outside_the_communes_are_ignored():
    values = pd.Series({"A1": 10.0, "A2": NAN, "ZZ": 1000.0})
    weights = pd.Series({"A1": 2.0, "A2": 5.0, "ZZ": 1.0})
    long = weighted_mean_to_levels(values, weights, STRADDLING, "m", levels=["commune", "epci"])
    by = long.set_index(["level", "code"])
    assert by.loc[("commune", "A1"), "value"] == 10.0 and math.isnan(by.loc[("commune", "A2"), "value"])
    assert by.loc[("epci", "E1"), "value"] == 10.0 and by.loc[("epci", "E1"), "coverage"] == 0.25
    assert ("commune", "ZZ") not in by.index
    assert list(long.columns) == ["level", "code", "variable", "value", "coverage"]
