"""Needs score, robustness, supply gap and argument sentences (pure functions)."""

from __future__ import annotations

import math
from pathlib import Path
from urllib.parse import parse_qsl

import numpy as np
import pandas as pd
import pytest

from dashboard import needs, needs_state
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
from dashboard.store import Store, load_store

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
    assert ((first["rank_min"] <= first["rank"]) & (first["rank"] <= first["rank_max"])).all()
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
    assert (
        sentence
        == "Le taux de pauvreté (21,3\u202f%, Insee, Filosofi 2021) dépasse la moyenne régionale (18,0\u202f%)."
    )
    lower = argument(Figure("le taux", 10.0, "%", "S"), region, "la moyenne régionale")
    assert "reste en deçà de" in lower
    assert argument(Figure("le taux", None, "%", "S"), region, "la moyenne régionale") is None
    assert argument(Figure("le taux", float("nan"), "%", "S"), region, "la moyenne régionale") is None
    assert argument(Figure("le taux", 18.1, "%", "S"), region, "la moyenne régionale") is None
    approx = argument(Figure("le taux", 25.0, "%", "S", approximation=True), region, "la moyenne régionale")
    assert "approximation" in approx


# --- Extensions (issue 5): missing data, inheritance, URL state, store-level figures -------------------


def test_a_missing_value_is_never_scored_as_zero():
    wide = pd.DataFrame({"poverty": [np.nan, 0.0, 10.0], "supply": [1.0, 1.0, 1.0]}, index=["M", "Z", "T"])
    components = (Component("poverty", 1.0, 1), Component("supply", 1.0, -1))
    total, contributions, missing = score(wide, components)
    # Z has the lowest poverty (0.0): it is ranked on it; M has none and is scored on supply alone.
    assert total["M"] == pytest.approx(50.0) and total["Z"] == pytest.approx(25.0)
    assert math.isnan(contributions.loc["M", "poverty"]) and missing["M"] == 1
    assert score(wide.assign(poverty=np.nan, supply=np.nan), components)[0].isna().all()


def test_rank_intervals_hold_the_chosen_weights_and_depend_on_the_seed():
    rng = np.random.default_rng(3)
    wide = pd.DataFrame(rng.normal(size=(30, 3)), columns=["a", "b", "c"], index=[f"T{i}" for i in range(30)])
    components = (Component("a", 1, 1), Component("b", 2, -1), Component("c", 0.5, 1))
    intervals = rank_intervals(wide, components, draws=300, seed=1)
    assert ((intervals["rank_min"] <= intervals["rank"]) & (intervals["rank"] <= intervals["rank_max"])).all()
    assert not rank_intervals(wide, components, draws=300, seed=2).equals(intervals)
    # No perturbation at all: every interval collapses onto the chosen rank.
    fixed = rank_intervals(wide, components, draws=50, spread=(1.0, 1.0))
    assert (fixed["rank_min"] == fixed["rank"]).all() and (fixed["rank_max"] == fixed["rank"]).all()


def test_inherit_gives_each_epci_its_departement_value():
    parents = pd.Series({"e1": "62", "e2": "59", "e3": None, "e4": "80"})
    inherited = needs.inherit({"62": 52.0, "59": 0.0}, parents)
    assert inherited["e1"] == 52.0 and inherited["e2"] == 0.0
    assert math.isnan(inherited["e3"]) and math.isnan(inherited["e4"])


def test_components_from_weights_keep_positive_weights_and_candidate_directions():
    components = needs.components_from_weights(
        {"taux_pauvrete": 2.0, "residence_sociale_pour_10000": 1.0, "taux_vacance": 0}
    )
    assert components == (Component("taux_pauvrete", 2.0, 1), Component("residence_sociale_pour_10000", 1.0, -1))
    assert {c.indicator for c in needs.components_from_weights(needs.DEFAULT_WEIGHTS)} == set(needs.DEFAULT_WEIGHTS)


def test_robustness_words():
    assert needs.robustness(3, 9, 1, 92).startswith("cas solide")
    assert needs.robustness(3, 30, 2, 92) == "dans les 10 premiers selon les poids"
    assert needs.robustness(40, 42, 39, 92) == "rang stable"
    assert needs.robustness(40, 70, 20, 92) == "rang sensible aux poids"
    assert needs.robustness(float("nan"), float("nan"), float("nan"), 92).startswith("non classé")


def test_argument_agrees_units_and_decimals():
    local = Figure("le niveau de vie médian", 19097.0, "€ par an", "Insee, Filosofi 2021", True, 0)
    sentence = argument(local, Figure("", 21555.0, "€ par an", "", decimals=0), "la moyenne régionale")
    assert sentence == (
        "Le niveau de vie médian (19\u202f097 € par an, Insee, Filosofi 2021, approximation) reste en deçà de la "
        "moyenne régionale (21\u202f555 € par an)."
    )
    assert argument(local, Figure("", 0.0, "€", ""), "la moyenne") is None  # no relative difference to 0


def test_format_weight():
    assert [needs.format_weight(w) for w in (1.0, 0.5, 1.25, 3.0)] == ["1", "0,5", "1,25", "3"]


# --- URL state ---------------------------------------------------------------------------------------


def test_needs_state_round_trip():
    state = needs_state.NeedsState(
        weights=tuple((c.indicator, 2.0 if c.indicator == "taux_pauvrete" else 0.0) for c in needs.CANDIDATES),
        normalisation="z_robuste",
        comparison="cible",
        target=0.8,
        places=30.0,
        departements=("59", "62"),
        kinds=("CA",),
        band="20000-50000",
    )
    text = needs_state.serialise_needs(state)
    assert text == (
        "?poids=taux_pauvrete:2&normalisation=z_robuste&comparaison=cible&cible=0.8&places=30&dep=59,62"
        "&nature=CA&taille=20000-50000"
    )
    parsed, notices = needs_state.parse_needs(dict(parse_qsl(text[1:])), ["02", "59", "60", "62", "80"])
    assert parsed == state and notices == []


def test_bad_needs_parameters_fall_back_with_notices():
    state, notices = needs_state.parse_needs(
        {
            "poids": "inconnu:1,taux_pauvrete:abc,taux_chomage:5",
            "normalisation": "x",
            "comparaison": "cible",
            "places": "-3",
            "dep": "99,62",
            "nature": "XX",
            "taille": "enorme",
        },
        ["62"],
    )
    assert state.weight("taux_pauvrete") == 1.0  # default weight of an invalid value
    assert state.weight("taux_chomage") == 1.0
    assert state.weight("taux_vacance") == 0.0  # left out of the address: not in the score
    assert state.normalisation == "rang" and state.comparison == "region" and state.places is None
    assert state.departements == ("62",) and state.kinds == () and state.band is None
    assert len(notices) == 9
    zero, notices = needs_state.parse_needs({"poids": "taux_pauvrete:0"})
    assert zero == needs_state.default_state() and "poids par défaut" in notices[0]


def test_state_from_controls_reads_sliders_like_the_address():
    state, notices = needs_state.state_from_controls(
        {"taux_pauvrete": 1.5, "taux_chomage": None}, "rang", "france", None, "", ["80"], ["CC"], "", ["80"]
    )
    assert state.weight_map["taux_pauvrete"] == 1.5 and state.weight("taux_chomage") == 0.0
    assert state.comparison == "france" and state.departements == ("80",) and state.kinds == ("CC",)
    assert notices == []
    state, notices = needs_state.state_from_controls(
        {"taux_pauvrete": 1}, "rang", "cible", None, None, [], [], None, []
    )
    assert state.comparison == "region" and notices


# --- On the real build -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(built_data_dir: Path) -> Store:
    return load_store(built_data_dir)


def test_default_places_per_residence_is_drees_places_over_finess_counts(store: Store):
    computation = needs.default_places(store)
    places = {row.label: row for row in computation.rows}
    assert sum(row.places for row in computation.rows) == 2281 + 3539 + 2882
    counts = {
        kind: needs.value_of(store, f"nb_{kind}", "region", "32")
        for kind in ("pension_de_famille", "residence_accueil", "generaliste", "fjt")
    }
    assert computation.value == pytest.approx(8702 / sum(counts.values()))
    family = next(row for row in places.values() if "pensions de famille" in row.label)
    assert family.count == counts["pension_de_famille"] + counts["residence_accueil"]
    assert computation.excluded == ("Résidence issue de FTM / FTM",)


def test_reference_rates_and_gap_on_the_real_build(store: Store):
    region, france = needs.reference_rate(store, "region"), needs.reference_rate(store, "france")
    assert region.value == pytest.approx(238 / 5_992_194 * 10_000)
    assert france.value is not None and france.value != region.value
    assert needs.reference_rate(store, "cible", 1.0).value == 1.0
    assert needs.reference_rate(store, "cible", None).value is None
    inputs = needs.needs_inputs(store)
    gap = needs.gap_table(store, inputs, region.value, 40.0)
    lens = gap.loc["246200364"]
    assert lens["existing"] == 6
    assert lens["gap_residences"] == pytest.approx(242_013 * region.value / 10_000 - 6)
    assert lens["gap_places"] == pytest.approx(lens["gap_residences"] * 40)
    assert needs.gap_table(store, inputs, None, 40.0)["gap_residences"].isna().all()


def test_needs_inputs_flag_missing_poverty_and_inherit_the_barometre(store: Store):
    inputs = needs.needs_inputs(store)
    assert len(inputs.values) == 92
    assert inputs.values["taux_pauvrete"].isna().sum() == 8  # secret statistique, kept missing
    pas_de_calais = inputs.territories.index[inputs.territories["departement_code"] == "62"]
    assert (inputs.values.loc[pas_de_calais, "lda_atteinte_cible"] == 52.0).all()
    ranking = needs.ranking(inputs, needs.DEFAULT_COMPONENTS)
    assert ranking.scored == 92 and (ranking.table["n_missing"] > 0).sum() == 8
    assert ranking.table["rank"].min() == 1


def test_score_as_map_values(store: Store):
    values = needs.score_level_values(store, {"taux_pauvrete": 1.0}, "rang")
    assert values.level == "epci" and len(values.values) == 92
    assert np.isnan(values.values).sum() == 8  # no poverty rate → no score, never 0
    assert values.entry["label"] == "Score de besoin (estimation)"
    assert values.entry["settings_href"] == "/classement?poids=taux_pauvrete:1&normalisation=rang"
    assert values.source.startswith("estimation à partir de Insee, Filosofi 2021")
