"""Needs score, robustness, supply gap and argument sentences (pure functions)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dashboard.needs import (
    Component,
    Figure,
    argument,
    normalise,
    places_per_residence,
    rank_intervals,
    ranks,
    robust_top,
    score,
    supply_gap,
)

WIDE = pd.DataFrame(
    {
        "poverty": [10.0, 20.0, 30.0, np.nan],
        "supply": [3.0, 2.0, 1.0, 0.0],
    },
    index=["A", "B", "C", "D"],
)
COMPONENTS = (Component("poverty", 1.0, 1), Component("supply", 1.0, -1))


def test_rank_normalisation_is_between_0_and_1_and_keeps_missing():
    result = normalise(WIDE["poverty"])
    assert result.tolist()[:3] == [0.0, 0.5, 1.0]
    assert math.isnan(result["D"])
    assert normalise(pd.Series([5.0, 5.0])).tolist() == [0.5, 0.5]
    assert normalise(pd.Series([7.0, np.nan])).tolist()[0] == 0.5


def test_robust_z_is_bounded_and_centred_on_the_median():
    values = pd.Series([1.0, 2.0, 3.0, 100.0])
    result = normalise(values, "z_robuste")
    assert result.between(0, 1).all()
    assert result.iloc[3] == 1.0
    with pytest.raises(ValueError):
        normalise(values, "inconnue")


def test_score_orients_components_and_skips_missing_ones():
    total, contributions, missing = score(WIDE, COMPONENTS)
    # C: poverty highest (1.0); supply second lowest of four (1 - 1/3) → (1 + 2/3) / 2
    assert total["C"] == pytest.approx(250 / 3)
    assert total["A"] == pytest.approx(0)
    # D has no poverty figure: scored on supply alone (lowest supply → 1.0), flagged
    assert total["D"] == pytest.approx(100)
    assert missing.to_dict() == {"A": 0, "B": 0, "C": 0, "D": 1}
    assert contributions.sum(axis=1).to_numpy() == pytest.approx(total.to_numpy())
    assert ranks(total).to_dict() == {"A": 4, "B": 3, "C": 2, "D": 1}


def test_weights_change_the_ranking():
    heavy_poverty = (Component("poverty", 5.0, 1), Component("supply", 1.0, -1))
    wide = pd.DataFrame({"poverty": [30.0, 10.0], "supply": [3.0, 0.0]}, index=["X", "Y"])
    assert ranks(score(wide, COMPONENTS)[0]).to_dict() == {"X": 1, "Y": 1}
    assert ranks(score(wide, heavy_poverty)[0]).to_dict() == {"X": 1, "Y": 2}


def test_rank_intervals_are_deterministic_and_contain_the_chosen_rank():
    rng = np.random.default_rng(0)
    wide = pd.DataFrame(rng.normal(size=(20, 3)), columns=["a", "b", "c"], index=[f"T{i}" for i in range(20)])
    components = (Component("a", 1, 1), Component("b", 1, -1), Component("c", 2, 1))
    first = rank_intervals(wide, components, draws=200, seed=7)
    second = rank_intervals(wide, components, draws=200, seed=7)
    pd.testing.assert_frame_equal(first, second)
    assert (first["rank_min"] <= first["rank_low"]).all() and (first["rank_high"] <= first["rank_max"]).all()
    assert ((first["rank_min"] <= first["rank"]) | (first["rank"] <= first["rank_max"])).all()
    dominant = wide.assign(a=[100.0] + [0.0] * 19, b=[-100.0] + [0.0] * 19, c=[100.0] + [0.0] * 19)
    intervals = rank_intervals(dominant, components, draws=100)
    assert robust_top(intervals, 1)["T0"]


def test_supply_gap_in_residences_and_places():
    frame = supply_gap(pd.Series({"A": 1.0, "B": 5.0}), pd.Series({"A": 50_000.0, "B": 20_000.0}), 0.5, 40)
    assert frame.loc["A", "expected"] == pytest.approx(2.5)
    assert frame.loc["A", "gap_residences"] == pytest.approx(1.5)
    assert frame.loc["A", "gap_places"] == pytest.approx(60)
    assert frame.loc["B", "gap_residences"] == pytest.approx(-4)
    assert frame.loc["B", "rate_per_10000"] == pytest.approx(2.5)
    assert supply_gap(pd.Series([1.0]), pd.Series([1.0]), 0.4)["gap_places"].isna().all()
    for bad in (-1, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            supply_gap(pd.Series([1.0]), pd.Series([1.0]), bad)
    with pytest.raises(ValueError):
        supply_gap(pd.Series([1.0]), pd.Series([1.0]), 0.4, 0)


def test_places_per_residence_uses_only_types_with_both_figures():
    assert places_per_residence({"pf": 2281, "fjt": 2882}, {"pf": 105, "fjt": 57, "ftm": 16}) == pytest.approx(
        (2281 + 2882) / (105 + 57)
    )
    with pytest.raises(ValueError):
        places_per_residence({"x": 10}, {"y": 1})


def test_argument_sentences_carry_figure_and_source_and_need_data():
    local = Figure("le taux de pauvreté", 21.3, "%", "Insee, Filosofi 2021")
    region = Figure("la moyenne régionale", 18.0, "%", "Insee, Filosofi 2021")
    sentence = argument(local, region, "la moyenne régionale")
    assert sentence == ("Le taux de pauvreté (21,3 %, Insee, Filosofi 2021) dépasse la moyenne régionale (18,0 %).")
    lower = argument(Figure("le taux", 10.0, "%", "S"), region, "la moyenne régionale")
    assert "reste en deçà de" in lower
    assert argument(Figure("le taux", None, "%", "S"), region, "la moyenne régionale") is None
    assert argument(Figure("le taux", float("nan"), "%", "S"), region, "la moyenne régionale") is None
    assert argument(Figure("le taux", 18.1, "%", "S"), region, "la moyenne régionale") is None
    approx = argument(Figure("le taux", 25.0, "%", "S", approximation=True), region, "la moyenne régionale")
    assert "approximation" in approx
