"""Needs analysis v2: need index, expected supply, priority, gap, robustness (pure functions), URL state, and
the analysis on the real build of the open-data mirror."""

from __future__ import annotations

import math
import re
from pathlib import Path
from urllib.parse import parse_qsl

import numpy as np
import pandas as pd
import pytest

from dashboard.core.store import Store, load_store
from dashboard.needs import model as needs
from dashboard.needs import state as needs_state
from dashboard.needs import views as needs_views
from dashboard.needs.analysis import Parameters, analyse, lookup, needs_inputs
from dashboard.needs.model import Component, need_index, normalise

VALUES = pd.DataFrame(
    {"poverty": [10.0, 20.0, 30.0, np.nan], "rents": [3.0, 2.0, 1.0, 0.0]},
    index=["A", "B", "C", "D"],
)
COMPONENTS = (Component("poverty", 1.0, 1), Component("rents", 1.0, -1))


# --- Pure functions ---------------------------------------------------------------------------------------


def test_rank_normalisation_is_between_0_and_1_and_keeps_missing():
    result = normalise(VALUES["poverty"])
    assert result.tolist()[:3] == [0.0, 0.5, 1.0]
    assert math.isnan(result["D"])
    assert normalise(pd.Series([5.0, 5.0])).tolist() == [0.5, 0.5]


def test_robust_z_is_bounded_and_centred_on_the_median():
    result = normalise(pd.Series([1.0, 2.0, 3.0, 100.0]), "z_robuste")
    assert result.between(0, 1).all() and result.iloc[3] == 1.0
    with pytest.raises(ValueError):
        normalise(pd.Series([1.0]), "inconnue")


def test_need_index_orients_components_and_skips_missing_ones():
    index = need_index(VALUES, COMPONENTS)
    # C: poverty highest (1.0), rents second lowest of four (1 - 1/3) → (1 + 2/3) / 2
    assert index.value["C"] == pytest.approx(250 / 3)
    assert index.value["A"] == pytest.approx(0)
    assert index.value["D"] == pytest.approx(100)  # no poverty figure: rents alone, flagged, never 0
    assert index.missing.to_dict() == {"A": 0, "B": 0, "C": 0, "D": 1}
    assert index.contributions.sum(axis=1).to_numpy() == pytest.approx(index.value.to_numpy())


def test_components_take_their_direction_from_the_catalogue_only():
    assert not hasattr(needs.CANDIDATES[0], "direction")
    weights = {"part_minima_sociaux_2019": 1.0, "niveau_vie_d1_2019": 2.0, "loyer_maison": 1.0}
    chosen = needs.components(weights, {"part_minima_sociaux_2019": 1, "niveau_vie_d1_2019": -1})
    assert chosen == (Component("part_minima_sociaux_2019", 1.0, 1), Component("niveau_vie_d1_2019", 2.0, -1))


def test_expected_supply_rises_with_need_and_keeps_the_region_total():
    need = np.array([80.0, 40.0, 60.0])
    population = np.array([10_000.0, 30_000.0, 60_000.0])
    supply = np.array([[0.0, 10.0], [5.0, 5.0], [40.0, 20.0]])
    reference = np.array([4.0, 6.0])  # places per 10,000 per family
    missing = needs.shortfall(need, population, supply, reference)
    expected = missing + supply
    assert expected.sum() == pytest.approx(reference.sum() * population.sum() / 10_000)
    per_inhabitant = expected.sum(axis=1) / population
    assert per_inhabitant[0] > per_inhabitant[2] > per_inhabitant[1]  # follows the need
    gap = needs.gap(supply, population, reference)
    assert gap.sum() == pytest.approx(missing.sum())  # same regional total, other distribution


def test_size_factor_scales_estimated_references_but_not_a_typed_target():
    population = np.array([10_000.0])
    supply = np.array([[20.0]])
    reference = np.array([30.0])
    assert needs.gap(supply, population, reference, 1.5)[0, 0] == pytest.approx(15.0)
    assert needs.gap(supply, population, reference, 1.5, reference_scales=False)[0, 0] == pytest.approx(0.0)
    assert needs.size_range(0.36) == pytest.approx((0.64, 1.36)) and needs.size_range(None) == (1.0, 1.0)


def test_places_are_rounded_to_five():
    assert [needs.round_places(value) for value in (1.3 * 39.2, 2.4, 2.6, -12.4 * 39.2, 0.0)] == [50, 0, 5, -485, 0]
    assert math.isnan(needs.round_places(float("nan")))


def scenario(coverage: float = 1.0) -> needs.Scenario:
    rng = np.random.default_rng(3)
    oriented = rng.uniform(size=(30, 3))
    return needs.Scenario(
        oriented=oriented,
        coverage=np.full(oriented.shape, coverage),
        weights=np.array([1.0, 0.5, 2.0]),
        population=rng.uniform(5_000, 100_000, size=30),
        supply=rng.uniform(0, 100, size=(30, 2)),
        reference=np.array([5.0, 10.0]),
        reference_scales=True,
        spread=0.3,
    )


def test_draws_are_reproducible_and_the_first_keeps_the_chosen_parameters():
    first = needs.draws(scenario(), "places", 200, seed=7)
    assert (first == needs.draws(scenario(), "places", 200, seed=7)).all()
    assert not (first == needs.draws(scenario(), "places", 200, seed=8)).all()
    chosen = needs.draws(scenario(), "places", 1, seed=99)[0]
    assert (first[0] == chosen).all()
    summary = needs.rank_summary(first)
    assert (summary["rank_low"] <= summary["rank_high"]).all()
    assert ((summary["rank_min"] <= summary["rank"]) & (summary["rank"] <= summary["rank_max"])).all()
    assert summary["top_share"].between(0, 1).all()


def test_partial_coverage_widens_the_rank_intervals():
    def width(coverage: float) -> float:
        summary = needs.rank_summary(needs.draws(scenario(coverage), "besoin", 300))
        return float((summary["rank_high"] - summary["rank_low"]).mean())

    assert width(0.3) > width(1.0)


def test_in_the_top_10_only_when_the_95th_percentile_is():
    assert needs.robust_top(10.0) and not needs.robust_top(11.0) and not needs.robust_top(float("nan"))


# --- URL state ---------------------------------------------------------------------------------------------


def test_needs_state_round_trip():
    state = needs_state.NeedsState(
        weights=tuple((c.indicator, 2.0 if c.indicator == "loyer_appartement" else 0.0) for c in needs.CANDIDATES),
        normalisation="z_robuste",
        include_partial=True,
        reference="cible",
        target=18.5,
        order="pour_10000",
        departements=("59", "62"),
        kinds=("CA",),
        band="20000-50000",
    )
    text = needs_state.serialise_needs(state)
    assert text == (
        "?poids=loyer_appartement:2&normalisation=z_robuste&approximations=incluses&reference=cible&cible=18.5"
        "&ordre=pour_10000&dep=59,62&nature=CA&taille=20000-50000"
    )
    parsed, notices = needs_state.parse_needs(dict(parse_qsl(text[1:])), ["02", "59", "60", "62", "80"])
    assert parsed == state and notices == []


@pytest.mark.parametrize("target", ["-3", "1e9", "abc", "nan", "inf", "201"])
def test_absurd_targets_fall_back_to_the_national_rate_with_a_notice(target):
    state, notices = needs_state.parse_needs({"reference": "cible", "cible": target})
    assert state.reference == "france" and state.target is None
    assert any("Objectif" in notice for notice in notices) and any("taux national" in notice for notice in notices)


def test_bad_needs_parameters_fall_back_with_notices():
    state, notices = needs_state.parse_needs(
        {
            "poids": "inconnu:1,loyer_appartement:abc,taux_chomage:5,niveau_vie_d1_2019:-1",
            "normalisation": "x",
            "reference": "lune",
            "ordre": "alphabetique",
            "approximations": "parfois",
            "dep": "99,62",
            "nature": "XX",
            "taille": "enorme",
        },
        ["62"],
    )
    assert state.weight("loyer_appartement") == needs.default_weight("loyer_appartement")
    assert state.weight("taux_chomage") == needs.default_weight("taux_chomage")
    assert state.weight("taux_vacance") == 0.0  # left out of the address: not in the index
    assert (state.normalisation, state.reference, state.order, state.include_partial) == (
        "rang",
        "france",
        "places",
        False,
    )
    assert state.departements == ("62",) and state.kinds == () and state.band is None
    assert len(notices) == 11
    zero, notices = needs_state.parse_needs({"poids": "loyer_appartement:0"})
    assert zero == needs_state.default_state() and "poids par défaut" in notices[0]


def test_the_former_name_of_the_reference_is_still_read():
    state, notices = needs_state.parse_needs({"comparaison": "region"})
    assert state.reference == "region" and notices == []


def test_state_from_controls_reads_sliders_like_the_address():
    controls = needs_state.Controls(
        weights={"loyer_appartement": 1.5, "taux_chomage": None, "niveau_vie_d1_2019": "1"},
        normalisation="rang",
        include_partial=["incluses"],
        reference="region",
        target="",
        order="besoin",
        departements=["80"],
        kinds=["CC"],
        band="",
    )
    state, notices = needs_state.state_from_controls(controls, ["80"])
    assert state.weight("loyer_appartement") == 1.5 and state.weight("taux_chomage") == 0.0
    assert state.weight("niveau_vie_d1_2019") == 0.0  # not a number from the slider: ignored
    assert state.include_partial and state.reference == "region" and state.order == "besoin"
    assert state.departements == ("80",) and state.kinds == ("CC",) and notices == []


# --- On the real build -------------------------------------------------------------------------------------

LENS = "246200364"
MEL = "200093201"
CREIL = "200068047"
PICARDIE_VERTE = "246000848"
STRADDLING = ("200069722", "247600588")


@pytest.fixture(scope="module")
def store(built_data_dir: Path) -> Store:
    return load_store(built_data_dir)


@pytest.fixture(scope="module")
def default(store: Store):
    return analyse(store, needs_state.default_state().parameters)


def test_official_income_figures_are_used_for_the_epci(store: Store):
    inputs = needs_inputs(store)
    assert inputs.values.at[MEL, "niveau_vie_median_2019"] == 20_940  # published under the former SIREN
    assert inputs.directions["niveau_vie_d1_2019"] == -1 and inputs.directions["part_minima_sociaux_2019"] == 1
    assert inputs.values[["part_minima_sociaux_2019", "niveau_vie_d1_2019"]].notna().all().all()
    mel = lookup(store, "niveau_vie_median_2019", "epci", MEL)
    assert mel.partial and "245900410" in mel.detail


def test_the_catalogue_is_the_only_place_for_directions(store: Store):
    entries = {entry["id"]: entry for entry in store.catalogue["indicators"]}
    for candidate in needs.CANDIDATES:
        assert entries[candidate.indicator]["direction"] in (-1, 1), candidate.indicator
    assert entries["hebergement_pour_10000"]["direction"] == 0
    assert "hebergement_pour_10000" not in needs.CANDIDATE_BY_ID  # establishments: context, not need


def test_default_top_10_pairs_high_need_with_low_supply(default):
    table = default.table
    top = table.sort_values("rank").head(needs.TOP)
    assert default.ranked == 92 and CREIL not in top.index
    assert table.at[CREIL, "gap_places"] < 0  # the largest supply of the région is not a priority
    reference = default.reference.total
    for code, row in top.iterrows():
        in_quadrant = row["need"] > default.mean_need and row["supply_rate"] < reference
        assert in_quadrant or needs_views.top_explanation(default, code), code
    assert (top["supply_rate"] < reference).sum() >= 9
    assert top["need"].median() > table["need"].median()
    assert LENS in top.index


def test_gaps_to_the_national_rate_do_not_sum_to_zero_but_regional_ones_do(store: Store, default):
    central, low, high = default.total_gap
    assert central > 500 and low < central < high
    regional = analyse(store, Parameters(weights=needs.default_weights(), reference="region"), draws=1)
    region_places, region_population = 2281 + 2882 + 3539, 5_992_194
    assert regional.reference.total * region_population / 10_000 == pytest.approx(region_places, rel=1e-6)
    # The EPCIs are kept whole: the two straddling Normandy go beyond the région, otherwise the gaps compensate.
    epci_population = regional.inputs.territories["population"].sum()
    beyond = regional.reference.total * (epci_population - region_population) / 10_000
    beyond -= regional.table["supply_places"].sum() - region_places
    assert regional.table["gap_places"].sum() == pytest.approx(beyond)
    assert abs(beyond) < 100


def test_a_typed_target_is_split_like_the_national_supply(store: Store):
    analysis = analyse(store, Parameters(weights=needs.default_weights(), reference="cible", target=20.0), draws=1)
    assert analysis.reference.total == pytest.approx(20.0)
    france = analyse(store, Parameters(weights=needs.default_weights()), draws=1).reference.per_family
    shares = {key: value / sum(france.values()) for key, value in france.items()}
    assert {key: value / 20.0 for key, value in analysis.reference.per_family.items()} == pytest.approx(shares)


def test_partial_values_stay_out_of_the_index_unless_asked(store: Store, default):
    for code in STRADDLING:  # the national census file covers their Normandy communes too
        assert default.table.at[code, "n_masked"] == 0
    weights = tuple((key, 1.0 if key == "taux_pauvrete" else value) for key, value in needs.default_weights())
    masked = analyse(store, Parameters(weights=weights), draws=1)
    partial = (masked.inputs.coverage["taux_pauvrete"] < needs.MIN_COVERAGE) & masked.inputs.values[
        "taux_pauvrete"
    ].notna()
    assert partial.sum() > 40 and masked.masked.loc[partial, "taux_pauvrete"].all()
    assert bool(masked.masked.at[PICARDIE_VERTE, "taux_pauvrete"])
    included = analyse(store, Parameters(weights=weights, include_partial=True), draws=1)
    assert not included.masked.to_numpy().any()
    assert included.table.at[PICARDIE_VERTE, "need"] != masked.table.at[PICARDIE_VERTE, "need"]


def test_robustness_says_top_10_only_when_it_holds(default):
    table = default.table
    for _, row in table[table["rank"] <= needs.TOP].iterrows():
        cell = needs_views.robustness_cell(row, default.ranked)
        assert cell.startswith(f"top {needs.TOP} :")
        if not needs.robust_top(row["rank_high"]):
            assert row["top_share"] < 0.95
    near = table[(table["rank"] > needs.TOP) & (table["top_share"] > 0)]
    assert all(row["rank_high"] > needs.TOP for _, row in near.iterrows())


def test_every_order_ranks_every_epci(store: Store):
    for order in needs.ORDERS:
        analysis = analyse(store, Parameters(weights=needs.default_weights(), order=order), draws=20)
        assert analysis.ranked == 92, order
        assert analysis.table["priority_rank"].notna().all()
    supply = analyse(store, Parameters(weights=needs.default_weights(), order="offre"), draws=1)
    first = supply.order(supply.table.index)[0]
    assert supply.table.at[first, "supply_places"] == 0


def test_gaps_per_family_add_up_and_ranges_contain_them(default):
    families = sum(gaps["gap"] for gaps in default.family_gaps.values())
    assert families.to_numpy() == pytest.approx(default.table["gap_places"].to_numpy())
    table = default.table
    assert ((table["gap_low"] <= table["gap_places"] + 1e-9) & (table["gap_places"] <= table["gap_high"] + 1e-9)).all()


def test_sentences_carry_source_coverage_and_honest_precision(store: Store):
    from dashboard.needs.fiche import fiche_data

    for code in (LENS, MEL, PICARDIE_VERTE, *STRADDLING):
        data = fiche_data(store, code, needs_state.default_state())
        texts = [argument.text for argument in data.arguments]
        assert texts
        for text in texts:
            for amount in re.findall(r"environ (\d[\d\u202f]*) place", text):
                assert int(amount.replace("\u202f", "")) % 5 == 0, text
            assert not re.search(r"\d,\d+ (résidence|place)s?\b(?! pour)", text), text
            assert "−0" not in text and "-0 " not in text
        subjects = [text.split(" (")[0] for text in texts]
        assert len(subjects) == len(set(subjects))  # one sentence per figure
    straddling = fiche_data(store, STRADDLING[0], needs_state.default_state())
    assert not any("du territoire seulement" in argument.text for argument in straddling.arguments)


def test_a_figure_under_half_coverage_says_so(store: Store):
    from dashboard.needs.fiche import fiche_data

    weights = tuple((key, 1.0 if key == "taux_pauvrete" else value) for key, value in needs.default_weights())
    state = needs_state.NeedsState(weights=weights)
    data = fiche_data(store, PICARDIE_VERTE, state)
    poverty = [argument.text for argument in data.arguments if argument.text.startswith("Taux de pauvreté")]
    assert poverty and "moins de la moitié" in poverty[0] and "couvre 9" in poverty[0]


def test_the_index_as_map_values(store: Store):
    parameters = Parameters(weights=(("loyer_appartement", 1.0),))
    values = needs_views.index_level_values(store, parameters)
    assert values.level == "epci" and len(values.values) == 92 and np.isfinite(values.values).all()
    assert values.entry["label"] == "Indice de besoin (estimation)"
    assert values.entry["settings_href"] == "/classement?poids=loyer_appartement:1&normalisation=rang"
    assert values.source.startswith("estimation à partir de DHUP/ANIL")
