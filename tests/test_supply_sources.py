"""Supply in places (`loaders.places`): averages per family, their spread, places per territory.

Hand-made figures, with the real DREES and FINESS figures of the Hauts-de-France as a worked example."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from loaders import places
from loaders.places import Average, Family

A = Family("a", "Famille A", ("a1", "a2"), "figure_a")
B = Family("b", "Famille B", ("b1",), "figure_b")
C = Family("c", "Famille C", ("c1",), "figure_c")


def _figures(**values: float) -> pd.DataFrame:
    """Reference figures as `reference_figures.load_figures()` gives them (only the columns places reads)."""
    return pd.DataFrame(
        {
            "id": list(values),
            "value": list(values.values()),
            "label_fr": [f"Places {figure_id}" for figure_id in values],
            "publication": "DREES, ES-DS 2021",
            "reference_date": "2021-12-31",
        }
    )


def _average(family: Family, places_count: float, establishments: float) -> Average:
    return Average(family, places_count, establishments, "label", "publication", "2021-12-31")


def test_averages_sum_the_establishments_of_each_family_and_skip_families_without_a_figure():
    figures = _figures(figure_a=300, figure_b=120)
    counts = {"a1": 4.0, "a2": 6.0, "b1": 3.0, "c1": 9.0, "other": 50.0}
    result = places.averages((A, B, C), figures, counts)
    assert [item.family.key for item in result] == ["a", "b"]  # no figure for C
    first, second = result
    assert (first.places, first.establishments, first.per_establishment) == (300.0, 10.0, 30.0)
    assert (second.places, second.establishments, second.per_establishment) == (120.0, 3.0, 40.0)
    assert first.figure_label == "Places figure_a"
    assert first.publication == "DREES, ES-DS 2021" and first.reference_date == "2021-12-31"


def test_a_family_without_establishments_has_no_average():
    (item,) = places.averages((B,), _figures(figure_b=120), {"a1": 4.0})
    assert item.establishments == 0 and item.per_establishment is None
    assert places.averages((A, B), _figures(), {"a1": 1.0}) == []


def test_average_record_names_types_and_inputs():
    (item,) = places.averages((A,), _figures(figure_a=300), {"a1": 4.0, "a2": 6.0})
    record = item.as_record({"a1": "Type A1"})
    assert record == {
        "key": "a",
        "label": "Famille A",
        "types": ["a1", "a2"],
        "type_labels": ["Type A1", "a2"],
        "figure_id": "figure_a",
        "figure_label": "Places figure_a",
        "publication": "DREES, ES-DS 2021",
        "reference_date": "2021-12-31",
        "places": 300.0,
        "establishments": 10.0,
        "per_establishment": 30.0,
    }


def test_relative_spread_is_the_weighted_sd_of_family_averages_over_their_weighted_mean():
    # Averages 10 (1 establishment) and 30 (4 establishments): weighted mean (10 + 120) / 5 = 26,
    # weighted variance (1 × 16² + 4 × 4²) / 5 = 64, standard deviation 8, spread 8 / 26.
    spread = places.relative_spread([_average(A, 10, 1), _average(B, 120, 4)])
    assert spread == pytest.approx(8 / 26)
    # Same weights: averages 10 and 30, mean 20, standard deviation 10.
    assert places.relative_spread([_average(A, 100, 10), _average(B, 300, 10)]) == pytest.approx(0.5)
    # Equal averages: no spread.
    assert places.relative_spread([_average(A, 40, 2), _average(B, 100, 5)]) == 0


def test_relative_spread_needs_two_families_with_an_average():
    assert places.relative_spread([]) is None
    assert places.relative_spread([_average(A, 10, 1)]) is None
    assert places.relative_spread([_average(A, 10, 1), _average(B, 50, 0)]) is None
    # A family without establishments is left out, not counted as 0.
    spread = places.relative_spread([_average(A, 10, 1), _average(B, 120, 4), _average(C, 50, 0)])
    assert spread == pytest.approx(8 / 26)


def test_relative_spread_of_the_hauts_de_france_residence_families():
    # DREES places at the end of 2021 ÷ FINESS establishments (pensions de famille and résidences accueil,
    # FJT, généralistes and FTM), computed by hand.
    families = [(2281, 105), (2882, 57), (3539, 76)]
    sizes = [count / establishments for count, establishments in families]
    total = sum(establishments for _, establishments in families)
    mean = sum(count for count, _ in families) / total
    squares = [establishments * (size - mean) ** 2 for (_, establishments), size in zip(families, sizes, strict=True)]
    variance = sum(squares) / total
    expected = math.sqrt(variance) / mean
    assert expected == pytest.approx(0.3629, abs=1e-4)
    averages = [_average(family, *figures) for family, figures in zip((A, B, C), families, strict=True)]
    assert places.relative_spread(averages) == pytest.approx(expected)


def _counts() -> pd.DataFrame:
    """Establishments per territory, wide (index: level, code; columns: types)."""
    index = pd.MultiIndex.from_tuples(
        [("commune", "59350"), ("commune", "80021"), ("epci", "200093201"), ("region", "32")], names=["level", "code"]
    )
    return pd.DataFrame({"a1": [1, 0, 2, 5], "a2": [1, 2, 1, 5], "b1": [0, 1, 1, 3]}, index=index, dtype="float64")


def test_places_by_territory_multiplies_establishments_by_the_family_average():
    averages = [_average(A, 300, 10), _average(B, 120, 3)]  # 30 and 40 places per establishment
    frame = places.places_by_territory(_counts(), averages, "places_total")
    assert list(frame.columns) == ["places_a", "places_b", "places_total"]
    assert frame.loc[("commune", "59350")].tolist() == [60.0, 0.0, 60.0]
    assert frame.loc[("commune", "80021")].tolist() == [60.0, 40.0, 100.0]
    assert frame.loc[("epci", "200093201")].tolist() == [90.0, 40.0, 130.0]
    # Every establishment of the région counts the regional average: the région gets the DREES figures back.
    assert frame.loc[("region", "32")].tolist() == [300.0, 120.0, 420.0]


def test_places_by_territory_is_missing_where_a_family_has_no_average():
    averages = [_average(A, 300, 10), _average(B, 120, 0)]
    frame = places.places_by_territory(_counts(), averages, "places_total")
    assert frame["places_a"].notna().all()
    assert frame["places_b"].isna().all()  # never 0
    assert frame["places_total"].isna().all()  # a partial total would look complete


def test_places_by_territory_uses_the_types_present_and_is_missing_when_none_is():
    counts = _counts().drop(columns=["a2"])
    frame = places.places_by_territory(counts, [_average(A, 300, 10)], "places_total")
    assert frame["places_a"].tolist() == [30.0, 0.0, 60.0, 150.0]  # a1 only
    frame = places.places_by_territory(counts.drop(columns=["a1"]), [_average(A, 300, 10)], "places_total")
    assert frame["places_a"].isna().all()


def test_places_by_territory_without_families_has_a_missing_total():
    frame = places.places_by_territory(_counts(), [], "places_total")
    assert list(frame.columns) == ["places_total"]
    assert frame["places_total"].isna().all()


def test_families_are_declared_once_with_distinct_types_and_figures():
    families = (*places.RESIDENCE_FAMILIES, *places.SHELTER_FAMILIES)
    types = [kind for family in families for kind in family.types]
    assert len(types) == len(set(types))
    assert len({family.figure_id for family in families}) == len(families)
    assert [places.variable(family) for family in places.RESIDENCE_FAMILIES] == [
        "places_pension_famille",
        "places_fjt",
        "places_residence_generaliste",
    ]
    assert "cada" not in types  # asylum seekers' centres are not counted as shelters waiting for housing
    assert all(family.figure_id.endswith("_hdf_2021") for family in families)
