"""Needs analysis value by value: the pure functions of dashboard/needs.py on small arrays, and
dashboard/needs_store.py on a tiny handmade store of four EPCIs, so that a small bug in either fails a test
(tests/benchmarks/bench_mutation.py). tests/dashboard/test_arguments.py reuses the tiny store."""

from __future__ import annotations

import math
import warnings
from datetime import UTC, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from dashboard.core.formatting import typo
from dashboard.core.perimeter import perimeter
from dashboard.core.store import Store, display_geometries, indicator_rows
from dashboard.needs import analysis as needs_store
from dashboard.needs import model as needs
from dashboard.needs import state as needs_state
from dashboard.needs.analysis import Parameters, Value
from dashboard.needs.model import Component

# --- needs.py: weights and components ---------------------------------------------------------------------


def test_default_weights_are_the_candidates_weights_in_order():
    weights = needs.default_weights()
    assert len(weights) == len(needs.CANDIDATES) == 14
    assert weights[:3] == (("part_minima_sociaux_2019", 1.5), ("niveau_vie_d1_2019", 1.0), ("taux_chomage", 0.5))
    assert dict(weights) == {candidate.indicator: candidate.weight for candidate in needs.CANDIDATES}
    assert needs.default_weight("loyer_appartement") == 1.0
    assert needs.default_weight("inconnu") == 0.0
    assert needs.CANDIDATE_BY_ID["lda_atteinte_cible"].inherited
    assert not needs.CANDIDATE_BY_ID["taux_chomage"].inherited


def test_components_keep_positive_weights_with_a_direction_in_candidate_order():
    weights = {"loyer_appartement": 2, "taux_chomage": 0, "niveau_vie_d1_2019": 1, "taux_vacance": 1, "x": 5}
    weights["evolution_population"] = 1  # no direction in the catalogue: left out
    directions = {"loyer_appartement": 1.0, "taux_chomage": 1, "niveau_vie_d1_2019": -1, "taux_vacance": 0}
    chosen = needs.components(weights, directions)
    assert chosen == (Component("niveau_vie_d1_2019", 1.0, -1), Component("loyer_appartement", 2.0, 1))
    assert [type(component.weight) for component in chosen] == [float, float]
    assert [type(component.direction) for component in chosen] == [int, int]
    assert needs.components({"taux_chomage": -1}, {"taux_chomage": 1}) == ()


# --- needs.py: normalisation and index ----------------------------------------------------------------------


def test_rank_normalisation_shares_ties_and_keeps_missing_values():
    values = pd.Series([1.0, 2.0, np.nan, 2.0, 3.0], index=list("abcde"))
    result = needs.normalise(values)
    assert result.drop("c").tolist() == [0.0, 0.5, 0.5, 1.0]
    assert math.isnan(result["c"]) and list(result.index) == list("abcde")
    assert needs.normalise(pd.Series([3.0, 1.0])).tolist() == [1.0, 0.0]
    single = needs.normalise(pd.Series([7.0, np.nan]))
    assert single.iloc[0] == 0.5 and math.isnan(single.iloc[1])
    assert needs.normalise(pd.Series([np.nan, np.nan])).isna().all()


def test_robust_z_divides_by_the_scaled_median_absolute_deviation():
    result = needs.normalise(pd.Series([1.0, 2.0, 3.0, 4.0, 100.0, np.nan]), "z_robuste")
    # median 3, median absolute deviation 1: z = (v − 3) / 1.4826, bounded to ±3, then z / 6 + 0.5.
    assert result.iloc[:5].tolist() == pytest.approx(
        [0.5 - 2 / 1.4826 / 6, 0.5 - 1 / 1.4826 / 6, 0.5, 0.5 + 1 / 1.4826 / 6, 1.0]
    )
    assert math.isnan(result.iloc[5])
    assert needs.normalise(pd.Series([-50.0, 0.0, 0.0, 1.0]), "z_robuste").iloc[0] == 0.0
    flat = needs.normalise(pd.Series([2.0, 2.0, 2.0, 5.0, np.nan]), "z_robuste")
    assert flat.iloc[:4].tolist() == [0.5] * 4 and math.isnan(flat.iloc[4])
    assert needs.normalise(pd.Series([np.nan, np.nan]), "z_robuste").isna().all()
    with pytest.raises(ValueError, match="normalisation inconnue : autre"):
        needs.normalise(pd.Series([1.0, 2.0]), "autre")


def test_oriented_flips_components_where_a_higher_value_means_less_need():
    values = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [10.0, 30.0, 20.0]}, index=["x", "y", "z"])
    result = needs.oriented(values, [Component("b", 1.0, -1), Component("a", 1.0, 1)])
    assert list(result.columns) == ["b", "a"] and list(result.index) == ["x", "y", "z"]
    assert result["a"].tolist() == [0.0, 0.5, 1.0]
    assert result["b"].tolist() == [1.0, 0.0, 0.5]
    robust = needs.oriented(values, [Component("a", 1.0, 1)], "z_robuste")
    assert robust["a"].tolist() == pytest.approx([0.5 - 1 / 1.4826 / 6, 0.5, 0.5 + 1 / 1.4826 / 6])


def test_need_index_is_a_weighted_mean_of_the_known_components():
    values = pd.DataFrame(
        {"a": [1.0, 2.0, 3.0, np.nan], "b": [3.0, 1.0, 2.0, np.nan]},
        index=["w", "x", "y", "z"],
    )
    index = needs.need_index(values, (Component("a", 1.0, 1), Component("b", 3.0, 1)), "rang")
    # a: 0, 0.5, 1 ; b: 1, 0, 0.5 ; weights 1 and 3.
    assert index.value.tolist()[:3] == pytest.approx([75.0, 12.5, 62.5])
    assert math.isnan(index.value["z"])  # nothing known: missing, never 0
    assert index.contributions.loc["w"].tolist() == pytest.approx([0.0, 75.0])
    assert index.contributions.loc["y"].tolist() == pytest.approx([25.0, 37.5])
    assert index.contributions.loc["z"].isna().all()
    assert index.missing.tolist() == [0, 0, 0, 2]
    assert index.oriented.loc["x"].tolist() == [0.5, 0.0]
    robust = needs.need_index(values, (Component("a", 1.0, 1),), "z_robuste")
    assert robust.value.tolist()[:3] == pytest.approx([50 - 100 / 1.4826 / 6, 50.0, 50 + 100 / 1.4826 / 6])
    nothing = needs.need_index(values, ())
    assert list(nothing.value.index) == ["w", "x", "y", "z"] and nothing.value.isna().all()
    one = needs.need_index(values.assign(a=[1.0, np.nan, 3.0, 4.0]), (Component("a", 1.0, 1), Component("b", 3.0, 1)))
    assert one.value["x"] == 0.0 and one.missing["x"] == 1  # b alone, with all the weight
    assert one.value["z"] == 100.0


# --- needs.py: supply, shortfall and gap --------------------------------------------------------------------


def test_population_mean_ignores_missing_values_on_the_last_axis():
    assert needs.population_mean(np.array([1.0, np.nan, 3.0]), np.array([1.0, 2.0, 3.0])) == pytest.approx(2.5)
    rows = needs.population_mean(np.array([[1.0, 2.0, 4.0], [np.nan, 6.0, np.nan]]), np.array([1.0, 1.0, 2.0]))
    assert rows.tolist() == pytest.approx([2.75, 6.0])
    assert math.isnan(needs.population_mean(np.array([np.nan, np.nan]), np.array([1.0, 1.0])))


NEED = np.array([50.0, 100.0])
POPULATION = np.array([10_000.0, 10_000.0])
SUPPLY = np.array([[1.0, 0.0], [2.0, 2.0]])
REFERENCE = np.array([6.0, 3.0])


def test_shortfall_follows_the_need_and_the_size_of_establishments():
    # Mean need 75: the first territory expects 2/3 of the reference, the second 4/3.
    close = np.testing.assert_allclose
    close(needs.shortfall(NEED, POPULATION, SUPPLY, REFERENCE), [[3.0, 2.0], [6.0, 2.0]])
    assert needs.shortfall(NEED, POPULATION, SUPPLY, REFERENCE, 1.0, False).dtype == np.float64
    close(needs.shortfall(NEED, POPULATION, SUPPLY, REFERENCE, np.array([2.0, 1.0])), [[6.0, 2.0], [12.0, 2.0]])
    typed = needs.shortfall(NEED, POPULATION, SUPPLY, REFERENCE, np.array([2.0, 1.0]), reference_scales=False)
    close(typed, [[2.0, 2.0], [4.0, 2.0]])
    close(needs.shortfall(NEED, POPULATION, SUPPLY, REFERENCE, 2.0), [[6.0, 4.0], [12.0, 4.0]])
    draws = needs.shortfall(np.array([NEED, [100.0, 100.0]]), POPULATION, SUPPLY, REFERENCE, np.ones((2, 2)))
    assert draws.shape == (2, 2, 2)
    close(draws[1], [[5.0, 3.0], [4.0, 1.0]])


def test_gap_to_the_reference_rate():
    close = np.testing.assert_allclose
    close(needs.gap(SUPPLY, POPULATION, REFERENCE), [[5.0, 3.0], [4.0, 1.0]])
    assert needs.gap(SUPPLY, POPULATION, REFERENCE, 1.0, False).dtype == np.float64
    close(needs.gap(SUPPLY, POPULATION, REFERENCE, np.array([2.0, 0.5])), [[10.0, 1.5], [8.0, 0.5]])
    close(needs.gap(SUPPLY, POPULATION, REFERENCE, np.array([2.0, 0.5]), False), [[4.0, 3.0], [2.0, 2.0]])
    several = needs.gap(SUPPLY, POPULATION, REFERENCE, np.array([[1.0, 1.0], [2.0, 2.0]]))
    assert several.shape == (2, 2, 2)
    close(several[1], [[10.0, 6.0], [8.0, 2.0]])


def test_size_range_and_rounding():
    assert needs.size_range(0.0) == (1.0, 1.0)
    assert needs.size_range(1.5) == (0.0, 2.5)
    assert needs.size_range(0.25) == (0.75, 1.25)
    assert [needs.round_places(value) for value in (7.5, 12.4, -2.6, 1e6 + 3)] == [10.0, 10.0, -5.0, 1_000_005.0]
    assert math.isnan(needs.round_places(float("inf")))
    assert type(needs.round_places(12)) is float


# --- needs.py: ranks and robustness -----------------------------------------------------------------------


def test_metric_of_each_order():
    need = np.array([[10.0, 20.0]])
    places = np.array([[5.0, -5.0]])
    population = np.array([10_000.0, 20_000.0])
    supply_rate = np.array([3.0, 1.0])
    assert needs._metric("places", need, places, population, supply_rate).tolist() == [[5.0, -5.0]]
    assert needs._metric("pour_10000", need, places, population, supply_rate).tolist() == [[5.0, -2.5]]
    assert needs._metric("besoin", need, places, population, supply_rate).tolist() == [[10.0, 20.0]]
    assert needs._metric("offre", need, places, population, supply_rate).tolist() == [[-3.0, -1.0]]


def test_ranks_are_per_draw_ties_share_the_best_rank_and_missing_stay_missing():
    ranks = needs._ranks(np.array([[2.4, 2.2, 2.4 + 1e-12, np.nan], [0.0, 1.0, 2.0, 3.0]]))
    assert ranks[0, :3].tolist() == [1.0, 3.0, 1.0] and math.isnan(ranks[0, 3])
    assert ranks[1].tolist() == [4.0, 3.0, 2.0, 1.0]


def scenario(spread: float | None = 0.3, reference_scales: bool = True) -> needs.Scenario:
    rng = np.random.default_rng(11)
    oriented = rng.uniform(size=(12, 3))
    oriented[2, 1] = np.nan
    oriented[5] = np.nan  # nothing known: never ranked
    coverage = np.ones_like(oriented)
    coverage[0, 0], coverage[3, 2], coverage[4, 1], coverage[6, 0], coverage[7, 2] = 0.4, 0.0, np.nan, 1.7, -0.5
    return needs.Scenario(
        oriented=oriented,
        coverage=coverage,
        weights=np.array([1.0, 0.5, 2.0]),
        population=rng.uniform(5_000, 100_000, size=12),
        supply=rng.uniform(0, 60, size=(12, 2)),
        reference=np.array([5.0, 10.0]),
        reference_scales=reference_scales,
        spread=spread,
    )


def expected_draws(s: needs.Scenario, order: str, count: int, seed: int) -> np.ndarray:
    """needs.draws written out draw by draw, territory by territory, as its docstring states it."""
    generator = np.random.default_rng(seed)
    n, k = s.oriented.shape
    families = s.supply.shape[1]
    weight_factors = generator.uniform(0.5, 1.5, size=(count, k))
    noise = generator.uniform(0, 1, size=(count, n, k))
    low, high = (max(0.0, 1 - s.spread), 1 + s.spread) if s.spread else (1.0, 1.0)
    sizes = generator.uniform(low, high, size=(count, families))
    ranks = np.full((count, n), np.nan)
    for draw in range(count):
        weights = s.weights * (1.0 if draw == 0 else weight_factors[draw])
        size = np.ones(families) if draw == 0 else sizes[draw]
        need = np.full(n, np.nan)
        for i in range(n):
            total = weight_sum = 0.0
            for j in range(k):
                value = s.oriented[i, j]
                if np.isnan(value):
                    continue
                share = 1.0 if np.isnan(s.coverage[i, j]) else min(max(s.coverage[i, j], 0.0), 1.0)
                if draw:
                    value = share * value + (1 - share) * noise[draw, i, j]
                total += weights[j] * value
                weight_sum += weights[j]
            if weight_sum:
                need[i] = total / weight_sum * 100
        known = ~np.isnan(need)
        mean_need = (need[known] * s.population[known]).sum() / s.population[known].sum()
        reference = s.reference * size if s.reference_scales else s.reference
        missing = (
            reference[None, :] * (need / mean_need)[:, None] * s.population[:, None] / 10_000 - s.supply * size
        ).sum(axis=1)
        supply_rate = s.supply.sum(axis=1) / s.population * 10_000
        metric = {
            "places": missing,
            "pour_10000": missing / s.population * 10_000,
            "besoin": need,
            "offre": -supply_rate,
        }[order]
        ranks[draw] = pd.Series(np.round(metric, 9)).rank(ascending=False, method="min").to_numpy()
    return ranks


@pytest.mark.parametrize("order", list(needs.ORDERS))
def test_draws_vary_weights_uncovered_shares_and_sizes_as_documented(order):
    for spread, scales in ((0.3, True), (0.5, False), (1.4, True), (None, False)):
        s = scenario(spread, scales)
        got = needs.draws(s, order, 40, seed=5)
        assert got.shape == (40, 12)
        np.testing.assert_array_equal(got, expected_draws(s, order, 40, 5))
    assert needs.draws(scenario(), order, 3).shape == (3, 12)
    np.testing.assert_array_equal(needs.draws(scenario(), order, 3), expected_draws(scenario(), order, 3, needs.SEED))


def test_supply_order_separates_close_rates():
    # 14,01 and 14,03 places per 10 000 inhabitants: the lower supply comes first, no tie.
    s = needs.Scenario(
        oriented=np.array([[0.5], [0.5]]),
        coverage=np.ones((2, 1)),
        weights=np.array([1.0]),
        population=np.array([10_000.0, 10_000.0]),
        supply=np.array([[14.01], [14.03]]),
        reference=np.array([10.0]),
        reference_scales=True,
        spread=None,
    )
    assert needs.draws(s, "offre", 1)[0].tolist() == [1.0, 2.0]


def test_draws_default_to_500_draws_of_the_default_seed():
    ranked = needs.draws(scenario(), "places")
    assert ranked.shape == (needs.DRAWS, 12) == (500, 12)
    np.testing.assert_array_equal(ranked, expected_draws(scenario(), "places", 500, 2024))


def test_rank_summary():
    ranked = np.array(
        [
            [1.0, 4.0, np.nan, 2.0],
            [2.0, 3.0, 1.0, np.nan],
            [1.0, 1.0, 2.0, 3.0],
            [3.0, 2.0, 3.0, 1.0],
            [1.0, 4.0, np.nan, 2.0],
        ]
    )
    summary = needs.rank_summary(ranked, top=2)
    assert list(summary.columns) == ["rank", "rank_low", "rank_high", "rank_min", "rank_max", "top_share"]
    assert summary["rank"].tolist()[:2] == [1.0, 4.0] and math.isnan(summary["rank"][2])
    assert summary["rank_low"].tolist() == pytest.approx([1.0, 1.2, 1.1, 1.15])
    assert summary["rank_high"].tolist() == pytest.approx([2.8, 4.0, 2.9, 2.85])
    assert summary["rank_min"].tolist() == [1.0, 1.0, 1.0, 1.0]
    assert summary["rank_max"].tolist() == [3.0, 4.0, 3.0, 3.0]
    assert summary["top_share"].tolist()[:2] == [0.8, 0.4]
    assert math.isnan(summary["top_share"][2])  # unranked with the chosen parameters
    assert summary["top_share"][3] == 0.75  # among the draws that rank it
    assert needs.rank_summary(np.array([[10.0], [10.0], [11.0]]))["top_share"].tolist() == pytest.approx([2 / 3])
    alone = needs.rank_summary(np.array([[np.nan, 1.0], [np.nan, np.nan]]))["top_share"]
    assert math.isnan(alone[0]) and alone[1] == 1.0  # one draw ranks it, in the top: 100 %


def test_missing_values_raise_no_floating_point_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isnan(needs.population_mean(np.array([np.nan, np.nan]), np.array([1.0, 1.0])))
        assert math.isnan(needs.population_mean(np.array([1.0, 2.0]), np.array([0.0, 0.0])))
        needs.draws(scenario(), "pour_10000", 5)
        needs.rank_summary(np.array([[np.nan, 1.0], [np.nan, 2.0]]))


def test_robust_top_and_weights_text():
    assert needs.robust_top(3.0, top=3) and not needs.robust_top(3.5, top=3)
    assert needs.robust_top(1.0) and not needs.robust_top(float("inf"))
    weights = (("a", 1.0), ("b", 0.0), ("c", 1.5), ("d", -1.0), ("e", 0.25))
    assert needs.weights_text(weights) == "a:1,c:1.5,e:0.25"
    assert needs.weights_text(()) == ""


# --- needs_store.py on a tiny store ---------------------------------------------------------------------------

EPCI = ["200000001", "200000002", "200000003", "200000004"]
BUILT_AT = datetime(2026, 3, 14, 8, 0, tzinfo=UTC)
FAMILIES = [
    {
        "key": "pension_famille",
        "label": "Pensions de famille",
        "type_labels": ["Pension de famille"],
        "figure_label": "Places en pensions de famille",
        "publication": "DREES 2021",
        "reference_date": "2021-12-31",
        "places": 200.0,
        "establishments": 10.0,
        "per_establishment": 20.0,
    },
    {
        "key": "fjt",
        "label": "Foyers de jeunes travailleurs",
        "type_labels": ["Foyer de jeunes travailleurs"],
        "figure_label": "Places en FJT",
        "publication": "DREES 2021",
        "reference_date": "2021-12-31",
        "places": 500.0,
        "establishments": 10.0,
        "per_establishment": 50.0,
    },
]
SHELTERS = [{"key": "chrs", "label": "CHRS", "places": 300, "establishments": 6, "per_establishment": 50}]


def entry(indicator: str, label: str, unit: str, direction: int, **extra) -> dict:
    return {"id": indicator, "label": label, "unit": unit, "direction": direction, "available": True, **extra}


ENTRIES = [
    entry("part_minima_sociaux_2019", "Part des minima sociaux", "%", 1),
    entry("niveau_vie_d1_2019", "1er décile du niveau de vie", "€ par an", -1),
    entry("taux_pauvrete", "Taux de pauvreté", "%", 1),
    entry("loyer_appartement", "Loyer d'annonce des appartements", "€ par m²", 1),
    entry("lda_atteinte_cible", "Atteinte de l'objectif Logement d'abord", "%", -1),
    entry("places_residence_sociale_pour_10000", "Résidences sociales : places pour 10 000 habitants", "places", -1),
    entry("places_hebergement_pour_10000", "Hébergement : places pour 10 000 habitants", "places", 1),
    entry("nb_residence_sociale", "Résidences sociales", "établissements", 0),
]


def needs_rows() -> pd.DataFrame:
    rows = []

    def add(indicator, level, values, source="Insee, Filosofi 2019", vintage="2019", coverage=None, detail=None):
        for position, (code, value) in enumerate(values.items()):
            share = None if coverage is None else coverage[position]
            note = None if detail is None else detail[position]
            rows.append(
                {"level": level, "code": code, "indicator": indicator, "value": value, "source": source,
                 "vintage": vintage, "coverage": share, "detail": note}
            )  # fmt: skip

    add("part_minima_sociaux_2019", "epci", dict(zip(EPCI, [5.0, 3.0, np.nan, 4.0], strict=True)),
        coverage=[1.0, 1.0, None, 0.9], detail=[None, "", None, "périmètre 2019"])  # fmt: skip
    add(
        "part_minima_sociaux_2019",
        "departement",
        {"02": 4.0, "59": 3.8, "80": 0.0},
        "Insee, Filosofi 2019 (départements)",
    )
    add("part_minima_sociaux_2019", "region", {"32": 3.6})
    add("niveau_vie_d1_2019", "epci", dict(zip(EPCI, [11000.0, 12500.0, 13000.0, 10500.0], strict=True)),
        coverage=[1.0, 1.0, 1.0, 0.6])  # fmt: skip
    add("taux_pauvrete", "epci", dict(zip(EPCI, [20.0, 15.0, 12.0, 25.0], strict=True)), "Insee, Filosofi 2021",
        "2021", coverage=[0.79, 0.8, 1.0, 0.3])  # fmt: skip
    add("lda_atteinte_cible", "departement", {"02": 50.0, "59": 80.0, "80": np.nan}, "Dihal, baromètre",
        "fin novembre 2022")  # fmt: skip
    rents = ("DHUP/ANIL, carte des loyers", "2018")
    add("loyer_appartement", "epci", dict(zip(EPCI, [10.2, 10.0, np.nan, 12.0], strict=True)), *rents)
    add("loyer_appartement", "departement", {"02": 10.0, "59": 9.0, "80": 12.3}, *rents)
    add("loyer_appartement", "region", {"32": 11.0}, *rents)
    rates = {"pension_famille": (4.0, 3.0, 1.0), "fjt": (6.0, 5.0, 2.0)}
    for key, (france, region, _) in rates.items():
        add(f"places_{key}_pour_10000", "france", {"FR": france}, "DREES × FINESS", "2021")
        add(f"places_{key}_pour_10000", "region", {"32": region}, "DREES × FINESS", "2021")
    add("places_pension_famille", "epci", dict(zip(EPCI, [0.0, 20.0, 40.0, 20.0], strict=True)), "DREES", "2021")
    add("places_fjt", "epci", dict(zip(EPCI, [0.0, 50.0, 0.0, 100.0], strict=True)), "DREES", "2021")
    add("places_residence_sociale_pour_10000", "france", {"FR": 10.0}, "DREES × FINESS (France)", "2021")
    add("places_residence_sociale_pour_10000", "epci", dict(zip(EPCI, [0.0, 14.0, 20.0, 10.0], strict=True)),
        "DREES × FINESS (estimation)", "2021")  # fmt: skip
    add("places_residence_sociale_pour_10000", "departement", {"02": 5.0, "59": 14.5, "80": 10.0},
        "DREES × FINESS (estimation)", "2021")  # fmt: skip
    add("places_residence_sociale_pour_10000", "region", {"32": 12.0}, "DREES × FINESS (estimation)", "2021")
    shelters = ("DREES × FINESS (estimation)", "2021")
    add("places_hebergement_pour_10000", "epci", dict(zip(EPCI, [8.0, 5.2, 5.0, np.nan], strict=True)), *shelters)
    add("places_hebergement_pour_10000", "departement", {"02": 4.0, "59": 5.0, "80": 6.0}, *shelters)
    add("places_hebergement_pour_10000", "region", {"32": 5.0}, *shelters)
    add("nb_residence_sociale", "epci", dict(zip(EPCI, [0.0, 2.0, 1.0, 3.0], strict=True)), "FINESS", "08/01/2021")
    return pd.DataFrame(rows)


def tiny_needs_store(
    *, supply: dict | None = None, region_code: str | None = "32", indicators: pd.DataFrame | None = None
) -> Store:
    """Four EPCIs of 10 000, 50 000, 20 000 and 120 000 inhabitants (the last one straddles the région)."""
    territories = gpd.GeoDataFrame(
        {
            "level": ["epci"] * 4 + ["departement"] * 3 + ["region"],
            "code": [*EPCI, "02", "59", "80", "32"],
            "name": ["CC Une", "CA Deux", "CC Trois", "CU Quatre", "Aisne", "Nord", "Somme", "Hauts-de-France"],
            "kind": ["CC", "CA", "CC", "CU", None, None, None, None],
            "departement_code": ["02", "59", "59", "80", None, None, None, None],
            "population": [10_000, 50_000, 20_000, 120_000, 500_000, 2_600_000, 570_000, 6_000_000],
            "straddles_region": [False, False, None, True, None, None, None, None],
        },
        geometry=[box(i, 0, i + 1, 1) for i in range(4)] + [box(0, 0, 1, 1), box(1, 0, 3, 1), box(3, 0, 4, 1)]
        + [box(0, 0, 4, 1)],
        crs="EPSG:4326",
    )  # fmt: skip
    indicators = needs_rows() if indicators is None else indicators
    computed = {"region": "Hauts-de-France", "residences": FAMILIES, "hebergement": SHELTERS, "relative_spread": 0.2}
    catalogue = {
        "datasets": [],
        "indicators": ENTRIES,
        "residence_types": {},
        "supply_places": computed if supply is None else supply,
    }
    coverage = {} if region_code is None else {"region_code": region_code}
    return Store(
        territories,
        indicators,
        pd.DataFrame({"type": [], "family": [], "source": []}),
        coverage,
        catalogue,
        BUILT_AT,
        display=display_geometries(territories),
        indicator_rows=indicator_rows(indicators),
    )


NEEDS_STORE = tiny_needs_store()
MINIMA_2019 = "part_minima_sociaux_2019"


def test_values_carry_their_coverage_detail_and_source():
    assert needs_store.lookup(NEEDS_STORE, "part_minima_sociaux_2019", "epci", "200000004") == Value(
        4.0, 0.9, "périmètre 2019", "Insee, Filosofi 2019"
    )
    assert needs_store.lookup(NEEDS_STORE, "part_minima_sociaux_2019", "epci", "200000002") == Value(
        3.0, 1.0, None, "Insee, Filosofi 2019"
    )
    assert needs_store.lookup(NEEDS_STORE, "part_minima_sociaux_2019", "epci", "200000003") == Value(
        None, None, None, "Insee, Filosofi 2019"
    )
    assert needs_store.lookup(NEEDS_STORE, "part_minima_sociaux_2019", "epci", "999999999") == Value(
        None, None, None, "Insee, Filosofi 2019"
    )
    assert needs_store.value_of(NEEDS_STORE, "niveau_vie_d1_2019", "epci", "200000002") == 12500.0
    # A reference value cites the source of its own level.
    assert needs_store.lookup(NEEDS_STORE, "part_minima_sociaux_2019", "departement", "02") == Value(
        4.0, None, None, "Insee, Filosofi 2019 (départements)"
    )
    assert needs_store.value_of(NEEDS_STORE, "niveau_vie_d1_2019", "epci", "999999999") is None
    assert Value(1.0, 0.994, None, "").partial and not Value(1.0, 0.995, None, "").partial
    assert not Value(1.0, None, None, "").partial


def test_sources_say_their_vintage_once():
    assert needs_store.source_of(NEEDS_STORE, "taux_pauvrete") == "Insee, Filosofi 2021"
    assert needs_store.source_of(NEEDS_STORE, "nb_residence_sociale") == "FINESS (08/01/2021)"
    # Published by département only: the département rows give the source.
    assert needs_store.source_of(NEEDS_STORE, "lda_atteinte_cible") == "Dihal, baromètre (fin novembre 2022)"
    assert needs_store.source_of(NEEDS_STORE, "places_pension_famille_pour_10000") == "DREES × FINESS (2021)"
    assert needs_store.source_of(NEEDS_STORE, "places_fjt_pour_10000", "france") == "DREES × FINESS (2021)"
    assert needs_store.source_of(NEEDS_STORE, "inconnu") == ""
    assert needs_store._says_vintage("Insee, RP 2013–2018", "2013–2018")
    assert needs_store._says_vintage("FINESS, extraction du 08/01/2021", "08/01/2021")
    assert not needs_store._says_vintage("Insee, RP 2018", "2013–2018")
    assert not needs_store._says_vintage("Insee", "récent")
    assert needs_store._first_text([None, "", 3, "a", "b"]) == "a" and needs_store._first_text([None]) == ""


def test_region_code_comes_from_the_coverage_report():
    assert perimeter(NEEDS_STORE).code == "32"
    assert perimeter(tiny_needs_store(region_code="11")).code == "11"
    assert perimeter(tiny_needs_store(region_code=None)).code == "32"  # the région row of the store


def test_supply_families_are_read_from_the_catalogue():
    supply = needs_store.supply_of(NEEDS_STORE)
    assert supply.keys == ["pension_famille", "fjt"] and supply.available
    assert supply.spread == 0.2 and supply.region_name == "Hauts-de-France"
    first = supply.families[0]
    assert first == needs_store.SupplyFamily(
        "pension_famille",
        "Pensions de famille",
        ("Pension de famille",),
        "Places en pensions de famille",
        "DREES 2021",
        "2021-12-31",
        200.0,
        10.0,
        20.0,
    )
    assert (first.places_indicator, first.rate_indicator) == (
        "places_pension_famille",
        "places_pension_famille_pour_10000",
    )
    shelter = supply.shelters[0]
    assert (shelter.type_labels, shelter.figure_label, shelter.publication, shelter.reference_date) == ((), "", "", "")
    assert shelter.per_establishment == 50.0 and type(shelter.places) is float
    unknown = needs_store.supply_of(tiny_needs_store(supply={"residences": [{**FAMILIES[0], "per_establishment": 0}]}))
    assert unknown.families[0].per_establishment is None and not unknown.available
    assert unknown.spread is None and unknown.region_name == "" and unknown.shelters == ()
    assert not needs_store.supply_of(tiny_needs_store(supply={})).available


def test_inputs_of_the_analysis():
    inputs = needs_store.read_inputs(NEEDS_STORE)
    assert list(inputs.territories.index) == EPCI
    assert inputs.territories.to_dict("list") == {
        "name": ["CC Une", "CA Deux", "CC Trois", "CU Quatre"],
        "kind": ["CC", "CA", "CC", "CU"],
        "departement_code": ["02", "59", "59", "80"],
        "population": [10_000, 50_000, 20_000, 120_000],
        "straddles": [False, False, False, True],
    }
    assert inputs.territories["straddles"].dtype == bool
    assert list(inputs.values.columns) == [candidate.indicator for candidate in needs.CANDIDATES]
    assert inputs.values["part_minima_sociaux_2019"].tolist()[:2] == [5.0, 3.0]
    assert inputs.values["taux_chomage"].isna().all()  # absent from the store
    # Inherited from the département, with full coverage; unknown where the département has no value.
    assert inputs.values["lda_atteinte_cible"].tolist()[:3] == [50.0, 80.0, 80.0]
    assert math.isnan(inputs.values["lda_atteinte_cible"].iloc[3])
    assert inputs.coverage["lda_atteinte_cible"].tolist() == [1.0] * 4
    assert inputs.coverage["part_minima_sociaux_2019"].tolist() == [1.0, 1.0, 1.0, 0.9]  # unknown coverage: full
    assert inputs.coverage["niveau_vie_d1_2019"].tolist() == [1.0, 1.0, 1.0, 0.6]
    assert inputs.directions["niveau_vie_d1_2019"] == -1 and inputs.directions["taux_chomage"] == 0
    assert inputs.sources["lda_atteinte_cible"] == "Dihal, baromètre (fin novembre 2022)"
    assert inputs.supply_places.to_dict("list") == {
        "pension_famille": [0.0, 20.0, 40.0, 20.0],
        "fjt": [0.0, 50.0, 0.0, 100.0],
    }
    assert inputs.departement_names == {"02": "Aisne", "59": "Nord", "80": "Somme"}
    assert inputs.label("taux_pauvrete") == "Taux de pauvreté" and inputs.label("inconnu") == "inconnu"
    assert needs_store.needs_inputs(NEEDS_STORE) is needs_store.needs_inputs(NEEDS_STORE)  # read once per store


def test_territories_straddle_nothing_when_the_build_does_not_say():
    store = tiny_needs_store()
    territories = store.territories.drop(columns="straddles_region")
    older = Store(territories, store.indicators, store.residences, {}, store.catalogue, BUILT_AT, display=store.display)
    assert needs_store.read_inputs(older).territories["straddles"].tolist() == [False] * 4


def test_inheritance_maps_each_territory_to_its_parent():
    parents = pd.Series(["59", None, "99", "02"], index=list("abcd"))
    inherited = needs_store._inherit({"59": 1.5, "02": 2.0}, parents)
    assert inherited.index.tolist() == list("abcd") and inherited.dtype == float
    assert inherited.tolist()[::3] == [1.5, 2.0] and inherited.iloc[1:3].isna().all()


def test_references_national_regional_and_typed():
    supply = needs_store.supply_of(NEEDS_STORE)
    france = needs_store.reference(NEEDS_STORE, supply, "france")
    assert france == needs_store.Reference(
        "france",
        {"pension_famille": 4.0, "fjt": 6.0},
        "taux national (10,0 places pour 10 000 habitants)",
        "DREES × FINESS (France) (2021)",
        True,
    )
    assert france.total == 10.0 and france.available
    region = needs_store.reference(NEEDS_STORE, supply, "region")
    assert region == needs_store.Reference(
        "region",
        {"pension_famille": 3.0, "fjt": 5.0},
        "taux régional (8,0 places pour 10 000 habitants)",
        "DREES × FINESS (France) (2021)",
        True,
    )
    target = needs_store.reference(NEEDS_STORE, supply, "cible", 20.0)
    assert target.per_family == {"pension_famille": 8.0, "fjt": 12.0}
    assert (
        target.label
        == "objectif saisi (20,0 places pour 10 000 habitants, réparti entre familles comme l'offre nationale)"
    )
    assert (target.key, target.source, target.scales) == ("cible", "DREES × FINESS (France) (2021)", False)
    zero = needs_store.reference(NEEDS_STORE, supply, "cible", 0.0)
    assert zero.per_family == {"pension_famille": 0.0, "fjt": 0.0} and zero.label == "objectif saisi (0 place)"
    for bad in (None, float("nan"), float("inf"), -1.0):
        assert needs_store.reference(NEEDS_STORE, supply, "cible", bad).key == "france"
    assert needs_store.reference(NEEDS_STORE, supply, "autre").key == "france"


def test_a_typed_target_needs_the_national_rates():
    store = tiny_needs_store()
    national_rates = (store.indicators["level"] == "france") & store.indicators["indicator"].str.endswith("_pour_10000")
    without = Store(
        store.territories, store.indicators[~national_rates], store.residences, {}, store.catalogue, BUILT_AT
    )
    supply = needs_store.supply_of(without)
    unsplit = needs_store.reference(without, supply, "cible", 12.0)
    assert unsplit == needs_store.Reference(
        "cible", {}, "objectif saisi (non réparti : taux national indisponible)", "", False
    )
    assert unsplit.total is None and not unsplit.available
    national = needs_store.reference(without, supply, "france")
    assert national.total is None and national.label == "taux national (non disponible)"
    zero = store.indicators.assign(value=store.indicators["value"].where(~national_rates, 0.0))
    nothing = Store(store.territories, zero, store.residences, {}, store.catalogue, BUILT_AT)
    assert needs_store.reference(nothing, supply, "cible", 12.0).per_family == {}
    assert needs_store.Reference("x", {}, "", "", True).total is None
    assert needs_store.rate_text(None) == "non disponible" and needs_store.rate_text(float("nan")) == "non disponible"
    assert needs_store.rate_text(16.54) == "16,5 places pour 10 000 habitants"


def test_partial_values_are_masked_unless_included():
    inputs = needs_store.read_inputs(NEEDS_STORE)
    chosen = (Component("niveau_vie_d1_2019", 1.0, -1), Component("taux_pauvrete", 1.0, 1))
    masked = needs_store.masked_values(inputs, chosen, False)
    assert list(masked.columns) == ["niveau_vie_d1_2019", "taux_pauvrete"]
    assert masked.to_dict("list") == {
        "niveau_vie_d1_2019": [False, False, False, True],
        "taux_pauvrete": [True, False, False, True],  # 0.8 is enough, 0.79 is not
    }
    assert not needs_store.masked_values(inputs, chosen, True).to_numpy().any()
    # A missing value is not « partial »: there is nothing to mask.
    only = needs_store.masked_values(inputs, (Component("part_minima_sociaux_2019", 1.0, 1),), False)
    assert not only.to_numpy().any()


WEIGHTS = (("part_minima_sociaux_2019", 1.0), ("niveau_vie_d1_2019", 2.0), ("taux_pauvrete", 1.0))


def test_analyse_one_indicator_by_hand():
    analysis = needs_store.analyse(NEEDS_STORE, Parameters(weights=(("part_minima_sociaux_2019", 1.0),)), draws=1)
    table = analysis.table
    # Ranks of 5, 3, (missing), 4 among the known values: 1, 0, –, 0.5.
    assert table["need"].tolist()[:2] == [100.0, 0.0] and math.isnan(table["need"].iloc[2])
    assert table["need"].iloc[3] == 50.0
    mean_need = (100 * 10_000 + 0 * 50_000 + 50 * 120_000) / 180_000
    assert analysis.mean_need == pytest.approx(mean_need)
    assert table["n_missing"].tolist() == [0, 0, 1, 0] and table["n_masked"].tolist() == [0, 0, 0, 0]
    assert table["supply_places"].tolist() == [0.0, 70.0, 40.0, 120.0]
    assert table["supply_rate"].tolist() == pytest.approx([0.0, 14.0, 20.0, 10.0])
    # National rate 10 per 10 000 (4 + 6): expected places = 10 × need ÷ mean need × population ÷ 10 000.
    expected = [10 * 100 / mean_need, 0.0, np.nan, 10 * 50 / mean_need * 12]
    assert table["expected_places"].tolist() == pytest.approx(expected, nan_ok=True)
    assert table["shortfall_places"].tolist() == pytest.approx(
        [expected[0], -70.0, np.nan, expected[3] - 120], nan_ok=True
    )
    assert table["expected_rate"].tolist() == pytest.approx(
        [e / p * 10_000 for e, p in zip(expected, (1e4, 5e4, 2e4, 12e4), strict=True)], nan_ok=True
    )
    assert table["shortfall_rate"].iloc[1] == pytest.approx(-14.0)
    # The gap to the national rate itself: 10 per 10 000 minus the supply, sizes 1 ± 0.2 for the range.
    assert table["gap_places"].tolist() == pytest.approx([10.0, -20.0, -20.0, 0.0])
    assert table["gap_low"].tolist() == pytest.approx([8.0, -24.0, -24.0, 0.0])
    assert table["gap_high"].tolist() == pytest.approx([12.0, -16.0, -16.0, 0.0])
    assert analysis.total_gap == pytest.approx((-30.0, -36.0, -24.0))
    fjt = analysis.family_gaps["fjt"]
    assert list(fjt.columns) == ["gap", "low", "high"] and list(fjt.index) == EPCI
    np.testing.assert_allclose(
        fjt.to_numpy().T, [[6.0, -20.0, 12.0, -28.0], [4.8, -24.0, 9.6, -33.6], [7.2, -16.0, 14.4, -22.4]]
    )
    assert list(analysis.family_gaps) == ["pension_famille", "fjt"]
    # Shortfalls: 25.7, −70, –, 34.3 places.
    assert table["rank"].tolist()[:2] == [2.0, 3.0] and math.isnan(table["rank"].iloc[2])
    assert table["rank"].iloc[3] == 1.0
    assert table["priority_rank"].equals(table["rank"])
    assert analysis.ranked == 3 and analysis.draws == 1
    assert analysis.order(EPCI) == ["200000004", "200000001", "200000002", "200000003"]
    assert analysis.order(["200000003", "200000002"]) == ["200000002", "200000003"]
    assert analysis.components == (Component("part_minima_sociaux_2019", 1.0, 1),)
    assert analysis.reference.key == "france" and analysis.parameters.order == "places"


def test_analyse_masks_partial_values_and_orders_by_need():
    weights = (("niveau_vie_d1_2019", 1.0), ("taux_pauvrete", 1.0))
    analysis = needs_store.analyse(NEEDS_STORE, Parameters(weights=weights, order="besoin"), draws=30, seed=3)
    table = analysis.table
    assert table["n_masked"].tolist() == [1, 0, 0, 2]
    assert table["n_missing"].tolist() == [1, 0, 0, 2]
    assert math.isnan(table["need"].iloc[3])  # both values cover too little of its population
    # niveau de vie 11 000, 12 500, 13 000 (lower = more need): 1, 0.5, 0 ; pauvreté 15 and 12: 1, 0.
    assert table["need"].tolist()[:3] == pytest.approx([100.0, 75.0, 0.0])
    assert table["rank"].tolist()[:3] == [1.0, 2.0, 3.0]
    by_places = needs_store.analyse(NEEDS_STORE, Parameters(weights=weights), draws=1)
    assert table["priority_rank"].tolist()[:3] == by_places.table["rank"].tolist()[:3]
    assert table["rank_low"].notna().tolist() == [True, True, True, False]
    included = needs_store.analyse(NEEDS_STORE, Parameters(weights=weights, include_partial=True), draws=1)
    assert included.table["n_masked"].tolist() == [0, 0, 0, 0]
    assert included.table["need"].notna().all()
    robust = needs_store.analyse(NEEDS_STORE, Parameters(weights=weights, normalisation="z_robuste"), draws=1)
    assert robust.index.value.iloc[0] != analysis.index.value.iloc[0]
    with pytest.raises(ValueError, match=r"^aucun indicateur du besoin n'a de poids positif$"):
        needs_store.analyse(NEEDS_STORE, Parameters(weights=(("taux_chomage", 1.0),)))


def test_analyse_with_the_regional_rate_and_a_typed_target():
    weights = (("part_minima_sociaux_2019", 1.0),)
    region = needs_store.analyse(NEEDS_STORE, Parameters(weights=weights, reference="region"), draws=1)
    assert region.table["gap_places"].tolist() == pytest.approx([8.0, -30.0, -24.0, -24.0])
    target = needs_store.analyse(NEEDS_STORE, Parameters(weights=weights, reference="cible", target=20.0), draws=1)
    # A typed target does not move with the size of establishments: the range is the supply's alone.
    assert target.table["gap_places"].tolist() == pytest.approx([20.0, 30.0, 0.0, 120.0])
    assert target.table["gap_low"].tolist() == pytest.approx([20.0, 16.0, -8.0, 96.0])
    assert target.table["gap_high"].tolist() == pytest.approx([20.0, 44.0, 8.0, 144.0])
    # Expected supply: 20 per 10 000 × need ÷ mean need, in the same places whatever their size.
    mean_need = (100 * 10_000 + 50 * 120_000) / 180_000
    assert target.table["shortfall_places"].tolist() == pytest.approx(
        [20 * 100 / mean_need, -70.0, np.nan, 20 * 50 / mean_need * 12 - 120], nan_ok=True
    )


def test_priority_rank_is_the_places_rank_whatever_the_order():
    weights = (("part_minima_sociaux_2019", 1.0),)
    by_need = needs_store.analyse(NEEDS_STORE, Parameters(weights=weights, order="besoin"), draws=1)
    assert by_need.table["rank"].tolist()[:2] == [1.0, 3.0] and by_need.table["rank"].iloc[3] == 2.0
    assert by_need.table["priority_rank"].tolist()[:2] == [2.0, 3.0] and by_need.table["priority_rank"].iloc[3] == 1.0


def test_a_candidate_without_values_in_the_build_stays_out_of_the_index_and_its_slider_says_so():
    """The shelter places of a région without DREES figures: not a missing value for every EPCI."""
    from dashboard.ranking import layout

    shelters = "places_hebergement_pour_10000"
    rows = needs_rows()
    store = tiny_needs_store(indicators=rows[rows["indicator"] != shelters])
    alone = needs_store.analyse(store, Parameters(weights=((MINIMA_2019, 1.0),)), draws=1)
    analysis = needs_store.analyse(store, Parameters(weights=((MINIMA_2019, 1.0), (shelters, 1.0))), draws=1)
    assert [component.indicator for component in analysis.components] == [MINIMA_2019]
    pd.testing.assert_series_equal(analysis.table["n_missing"], alone.table["n_missing"])
    pd.testing.assert_series_equal(analysis.table["need"], alone.table["need"])
    with_shelters = needs_store.analyse(NEEDS_STORE, Parameters(weights=((MINIMA_2019, 1.0), (shelters, 1.0))), draws=1)
    assert [component.indicator for component in with_shelters.components] == [MINIMA_2019, shelters]
    entries = {entry["id"]: entry for entry in ENTRIES}
    built = set(needs_store.catalogue.available_indicators(store))
    sliders = {}
    for block in layout.weight_controls(entries, needs_state.default_state(), built):
        for row in block.children[1:]:
            slider = row.children[1].children
            note = row.children[-1]
            sliders[slider.id["indicator"]] = (
                slider.disabled,
                note is not None and note.children == typo(layout.NOT_BUILT),
            )
    assert sliders[shelters] == (True, True) and sliders[MINIMA_2019] == (False, False)


def test_without_places_the_epcis_are_ranked_by_their_need_and_have_no_priority_rank():
    """A région whose DREES places are not in the sources (every région but the Hauts-de-France today)."""
    weights = (("part_minima_sociaux_2019", 1.0),)
    store = tiny_needs_store(
        supply={"region": "Bretagne", "residences": [], "hebergement": [], "relative_spread": None}
    )
    by_need = needs_store.analyse(NEEDS_STORE, Parameters(weights=weights, order="besoin"), draws=1)
    for order in needs.ORDERS:
        analysis = needs_store.analyse(store, Parameters(weights=weights, order=order), draws=1)
        assert analysis.parameters.order == needs.NEED_ORDER
        pd.testing.assert_series_equal(analysis.table["rank"], by_need.table["rank"])
        assert analysis.table["priority_rank"].isna().all()
        assert analysis.table["gap_places"].isna().all() and math.isnan(analysis.total_gap[0])


@pytest.mark.parametrize(
    ("parameters", "reference", "scales"),
    [
        (Parameters(weights=WEIGHTS, order="besoin"), [4.0, 6.0], True),
        (Parameters(weights=WEIGHTS, reference="cible", target=20.0), [8.0, 12.0], False),
    ],
)
def test_robustness_draws_of_the_analysed_scenario(monkeypatch, parameters, reference, scales):
    calls = []
    draws = needs.draws

    def recorded(scenario, order, count=needs.DRAWS, seed=needs.SEED):
        calls.append((scenario, order, count, seed))
        return draws(scenario, order, count, seed)

    monkeypatch.setattr(needs, "draws", recorded)
    analysis = needs_store.analyse(NEEDS_STORE, parameters, draws=25, seed=9)
    scenario, order, count, seed = calls[0]
    assert (order, count, seed) == (parameters.order, 25, 9)
    assert [call[1] for call in calls[1:]] == ([] if parameters.order == "places" else ["places"])
    # The build's spread of the places per establishment, the reference and whether it scales with them.
    assert (scenario.spread, scenario.reference_scales) == (0.2, scales)
    np.testing.assert_array_equal(scenario.reference, reference)
    np.testing.assert_array_equal(scenario.weights, [1.0, 2.0, 1.0])
    np.testing.assert_array_equal(scenario.population, [10_000.0, 50_000.0, 20_000.0, 120_000.0])
    np.testing.assert_array_equal(scenario.supply, [[0.0, 0.0], [20.0, 50.0], [40.0, 0.0], [20.0, 100.0]])
    np.testing.assert_array_equal(scenario.oriented, analysis.index.oriented.to_numpy())
    # A partial value left out has no coverage (it is missing); the others keep theirs.
    nan = np.nan
    expected = [[1.0, 1.0, nan], [1.0, 1.0, 0.8], [1.0, 1.0, 1.0], [0.9, nan, nan]]
    np.testing.assert_array_equal(scenario.coverage, expected)
    assert np.isnan(scenario.oriented[[0, 3, 3], [2, 1, 2]]).all()
    summary = needs.rank_summary(draws(scenario, order, 25, 9))
    columns = ["rank", "rank_low", "rank_high", "rank_min", "rank_max", "top_share"]
    np.testing.assert_array_equal(analysis.table[columns].to_numpy(), summary[columns].to_numpy())
    assert (analysis.table["rank_high"] > analysis.table["rank_low"]).any()  # the draws do move ranks


def test_analyse_without_supply_figures_leaves_the_places_missing():
    store = tiny_needs_store(supply={"residences": [{**FAMILIES[0], "per_establishment": None}]})
    analysis = needs_store.analyse(store, Parameters(weights=(("part_minima_sociaux_2019", 1.0),)), draws=1)
    for column in ("shortfall_places", "expected_places", "gap_places", "gap_low", "gap_high", "shortfall_rate"):
        assert analysis.table[column].isna().all(), column
    assert analysis.family_gaps == {} and all(math.isnan(value) for value in analysis.total_gap)
    assert len(analysis.total_gap) == 3 and analysis.table["gap_places"].dtype == np.float64
    assert analysis.table["need"].notna().sum() == 3
    empty = needs_store.analyse(
        tiny_needs_store(supply={}), Parameters(weights=(("part_minima_sociaux_2019", 1.0),)), draws=1
    )
    assert empty.table["supply_places"].isna().all() and empty.inputs.supply_places.shape == (4, 0)
