"""The indicator catalogue and `indicators.compute` (`loaders/indicators.py`), on small hand-made base tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from loaders import catalogue, filosofi_supra, indicators
from loaders.finess_common import TYPE_LABELS

CITATIONS = {dataset: f"«{dataset}»" for indicator in indicators.INDICATORS for dataset in indicator.datasets}
VINTAGES = {"finess": "FINESS 08/01/2021"}
COLUMNS = ["level", "code", "indicator", "value", "source", "vintage", "coverage", "detail"]


def base(*rows: tuple) -> pd.DataFrame:
    """Base rows (level, code, variable, value, coverage[, detail])."""
    records = [
        dict(zip(("level", "code", "variable", "value", "coverage", "detail"), row, strict=False)) for row in rows
    ]
    frame = pd.DataFrame(records)
    if "detail" not in frame:
        frame["detail"] = None
    return frame


def compute(*rows: tuple) -> pd.DataFrame:
    return indicators.compute(base(*rows), CITATIONS, VINTAGES)


def cell(table: pd.DataFrame, indicator: str, level: str, code: str) -> pd.Series:
    rows = table[(table["indicator"] == indicator) & (table["level"] == level) & (table["code"] == code)]
    assert len(rows) == 1, f"{indicator} {level} {code}: {len(rows)} lignes"
    return rows.iloc[0]


def value(table: pd.DataFrame, indicator: str, level: str, code: str) -> float:
    return float(cell(table, indicator, level, code)["value"])


# --- compute: counts, ratios, rates --------------------------------------------------------------------------


def test_the_table_has_the_store_columns_and_only_indicators_with_data():
    table = compute(("epci", "E1", "population", 1000.0, 1.0))
    assert list(table.columns) == COLUMNS
    assert set(table["indicator"]) == {"population"}  # ratios over the population have no numerator here
    assert str(table["detail"].dtype) == "string"


def test_counts_are_passed_through_with_their_coverage_and_detail():
    table = compute(
        ("commune", "59350", "population", 238_246.0, 1.0),
        ("epci", "E1", "population", 1_000.0, 0.75, "sans deux communes"),
        ("france", "FR", "population", 68_094_280.0, 1.0),
        ("france", "FR", "households", 30_000_000.0, 1.0),
    )
    assert value(table, "population", "commune", "59350") == 238_246
    epci = cell(table, "population", "epci", "E1")
    assert (epci["value"], epci["coverage"], epci["detail"]) == (1_000, 0.75, "sans deux communes")
    assert value(table, "population", "france", "FR") == 68_094_280  # population is published for France
    assert table[table["indicator"] == "menages"].empty  # households: not at the France level


def test_a_ratio_is_recomputed_from_the_sums_and_scaled():
    table = compute(("epci", "E1", "vacant", 12.0, 1.0), ("epci", "E1", "dwellings", 240.0, 1.0))
    assert value(table, "taux_vacance", "epci", "E1") == pytest.approx(5.0)
    row = cell(table, "taux_vacance", "epci", "E1")
    assert pd.isna(row["detail"])
    assert row["source"] == "«insee-comparateur-territoires-com-ed2021-france»" and row["vintage"] == "RP 2018"


@pytest.mark.parametrize(("numerator", "denominator", "expected"), [(0.9, 0.6, 0.6), (0.5, 1.0, 0.5), (1.0, 1.0, 1.0)])
def test_a_ratio_covers_the_smaller_of_its_numerator_s_and_denominator_s_coverage(numerator, denominator, expected):
    table = compute(
        ("region", "32", "unemployed", 30.0, numerator),
        ("region", "32", "active", 300.0, denominator),
    )
    row = cell(table, "taux_chomage", "region", "32")
    assert row["value"] == pytest.approx(10.0) and row["coverage"] == pytest.approx(expected)


@pytest.mark.parametrize("denominator", [0.0, -5.0, math.nan])
def test_a_ratio_over_nothing_is_missing_never_infinite(denominator):
    table = compute(("epci", "E1", "vacant", 12.0, 1.0), ("epci", "E1", "dwellings", denominator, 1.0))
    assert math.isnan(value(table, "taux_vacance", "epci", "E1"))


def test_a_ratio_without_a_denominator_row_is_missing():
    table = compute(
        ("epci", "E1", "vacant", 12.0, 0.8),
        ("epci", "E2", "vacant", 6.0, 1.0),
        ("epci", "E2", "dwellings", 60.0, 0.5),
    )
    assert math.isnan(value(table, "taux_vacance", "epci", "E1"))
    assert value(table, "taux_vacance", "epci", "E2") == pytest.approx(10.0)
    assert cell(table, "taux_vacance", "epci", "E2")["coverage"] == pytest.approx(0.5)
    assert set(table.loc[table["indicator"] == "taux_vacance", "code"]) == {"E1", "E2"}


def test_an_annual_growth_rate_is_the_mean_rate_over_the_period():
    table = compute(("commune", "59350", "pop_2018", 110.0, 1.0), ("commune", "59350", "pop_2013", 100.0, 1.0))
    expected = (1.1 ** (1 / 5) - 1) * 100
    assert value(table, "evolution_population", "commune", "59350") == pytest.approx(expected)
    assert expected == pytest.approx(1.924, abs=1e-3)


def test_a_stock_weighted_rate_divides_the_weighted_sum_by_the_stock_without_scaling():
    table = compute(
        ("epci", "E1", "rpls_rotation_ponderee", 800.0, 1.0),
        ("epci", "E1", "rpls_logements", 100.0, 1.0),
        ("epci", "E2", "rpls_rotation_ponderee", 0.0, 1.0),
        ("epci", "E2", "rpls_logements", 0.0, 1.0),
    )
    assert value(table, "taux_rotation_logement_social", "epci", "E1") == pytest.approx(8.0)
    assert math.isnan(value(table, "taux_rotation_logement_social", "epci", "E2"))  # no social dwelling


def test_values_outside_an_indicator_s_levels_are_dropped():
    table = compute(
        ("commune", "59350", "pp_vacant_2024", 5.0, 1.0),
        ("commune", "59350", "pp_total_2024", 50.0, 1.0),
        ("departement", "59", "pp_vacant_2024", 5.0, 1.0),
        ("departement", "59", "pp_total_2024", 50.0, 1.0),
    )
    assert set(table.loc[table["indicator"] == "vacance_privee", "level"]) == {"departement"}
    assert value(table, "vacance_privee", "departement", "59") == pytest.approx(10.0)


def test_infinite_values_become_missing():
    table = compute(("epci", "E1", "population", math.inf, 1.0), ("epci", "E2", "population", -math.inf, 1.0))
    assert table["value"].isna().all()


# --- compute: precomputed values, estimates ------------------------------------------------------------------


def test_approximations_and_published_values_are_read_under_the_indicator_s_own_id():
    table = compute(
        ("commune", "59350", "taux_pauvrete", 24.0, 1.0),
        ("epci", "E1", "taux_pauvrete", 18.5, 0.7),
        ("epci", "E1", "niveau_vie_median_2019", 20_940.0, 0.979, "périmètre de 2019"),
        ("commune", "59350", "niveau_vie_median_2019", 21_000.0, 1.0),
        ("france", "FR", "niveau_vie_median_2019", 21_930.0, 1.0, "France métropolitaine"),
    )
    poverty = cell(table, "taux_pauvrete", "epci", "E1")
    assert (poverty["value"], poverty["coverage"]) == (18.5, 0.7)
    assert value(table, "taux_pauvrete", "commune", "59350") == 24.0
    median = cell(table, "niveau_vie_median_2019", "epci", "E1")
    assert (median["value"], median["coverage"], median["detail"]) == (20_940, 0.979, "périmètre de 2019")
    assert cell(table, "niveau_vie_median_2019", "france", "FR")["detail"] == "France métropolitaine"
    published = table[table["indicator"] == "niveau_vie_median_2019"]
    assert "commune" not in set(published["level"])  # official 2019 figures exist above the commune only
    assert cell(table, "niveau_vie_median_2019", "epci", "E1")["source"] == "«insee-filosofi-2019-disp-supra»"


def test_estimated_places_are_rounded_to_5_but_their_rates_use_the_unrounded_places():
    table = compute(
        ("region", "32", "places_residence_sociale", 8_702.0, 1.0),
        ("epci", "E1", "places_residence_sociale", 46.6, 1.0),
        ("epci", "E2", "places_residence_sociale", 2.4, 1.0),
        ("epci", "E3", "places_residence_sociale", math.nan, 1.0),
        ("region", "32", "population", 5_992_194.0, 1.0),
    )
    assert value(table, "places_residence_sociale", "region", "32") == 8_700
    assert value(table, "places_residence_sociale", "epci", "E1") == 45
    assert value(table, "places_residence_sociale", "epci", "E2") == 0
    assert math.isnan(value(table, "places_residence_sociale", "epci", "E3"))
    rate = value(table, "places_residence_sociale_pour_10000", "region", "32")
    assert rate == pytest.approx(8_702 / 5_992_194 * 10_000)
    assert rate != pytest.approx(8_700 / 5_992_194 * 10_000, rel=1e-6)


def test_sources_and_vintages_of_every_dataset_with_build_time_placeholders_filled():
    table = compute(
        ("epci", "E1", "n_fjt", 2.0, 1.0),
        ("epci", "E1", "population", 10_000.0, 1.0),
        ("epci", "E1", "rpls_logements_densite", 20.0, 1.0),
        ("epci", "E1", "rpls_residences_principales", 100.0, 1.0),
    )
    fjt = cell(table, "fjt_pour_10000", "epci", "E1")
    assert fjt["value"] == pytest.approx(2.0)
    assert fjt["source"] == "«finess-fhir-20210108-france-housing» ; «insee-populations-legales-com-2023-france»"
    assert fjt["vintage"] == "FINESS 08/01/2021 ; population 2023"
    assert cell(table, "nb_fjt", "epci", "E1")["vintage"] == "FINESS 08/01/2021"
    density = cell(table, "taux_logement_social", "epci", "E1")
    assert density["value"] == pytest.approx(20.0)
    assert density["source"] == "«sdes-rpls-2024-commune-extract» ; «insee-comparateur-territoires-com-ed2021-france»"


def test_a_base_without_detail_column_is_accepted():
    frame = base(("epci", "E1", "population", 10.0, 1.0)).drop(columns="detail")
    table = indicators.compute(frame, CITATIONS, VINTAGES)
    assert pd.isna(cell(table, "population", "epci", "E1")["detail"])


def test_unavailable_indicators_are_never_computed():
    unavailable = [indicator.id for indicator in indicators.INDICATORS if not indicator.available]
    assert {"demande_logement_social", "appels_115", "places_par_etablissement"} <= set(unavailable)
    rows = [("epci", "E1", name, 1.0, 1.0) for name in unavailable]
    assert compute(*rows, ("epci", "E1", "population", 1.0, 1.0))["indicator"].tolist() == ["population"]


# --- the catalogue -------------------------------------------------------------------------------------------


def test_each_indicator_is_declared_once_and_completely():
    ids = [indicator.id for indicator in indicators.INDICATORS]
    assert len(ids) == len(set(ids))
    declared = {dataset.id for dataset in catalogue.DATASETS}
    for indicator in indicators.INDICATORS:
        assert indicator.theme in indicators.THEMES and indicator.method in indicators.METHODS, indicator.id
        assert indicator.direction in (-1, 0, 1), indicator.id
        assert set(indicator.levels) <= set(indicators.WITH_FRANCE), indicator.id
        if not indicator.available:
            assert indicator.official_source and not indicator.datasets, indicator.id
            continue
        assert indicator.datasets and set(indicator.datasets) <= declared, indicator.id
        if indicator.method in indicators.PRECOMPUTED_METHODS:
            assert indicator.numerator is None and indicator.denominator is None, indicator.id
        else:
            assert indicator.numerator, indicator.id
        if indicator.method in ("ratio", "taux_annuel", "moyenne_ponderee"):
            assert indicator.denominator, indicator.id
        if indicator.method == "taux_annuel":
            assert indicator.period_years > 0


def test_published_columns_are_read_from_the_catalogue_entries():
    """A value published as is needs one catalogue entry: its `source_column` is what the build reads."""
    assert indicators.published_columns(filosofi_supra.DATASET_ID) == {
        "Q219": "niveau_vie_median_2019",
        "D119": "niveau_vie_d1_2019",
        "PPMINI19": "part_minima_sociaux_2019",
        "PPLOGT19": "part_prestations_logement_2019",
        "D919": "niveau_vie_d9_2019",
    }
    assert indicators.published_columns("no-such-dataset") == {}
    for indicator in indicators.INDICATORS:
        if indicator.source_column:
            assert indicator.method == "publie" and indicator.datasets == indicators.FILOSOFI_SUPRA, indicator.id
            assert indicator.source_column in filosofi_supra.COLUMNS, indicator.id


def test_the_9th_decile_2019_is_a_context_indicator_of_the_official_levels():
    d9 = indicators.get("niveau_vie_d9_2019")
    assert (d9.source_column, d9.direction, d9.unit, d9.vintage) == ("D919", 0, "€ par an", "Filosofi 2019")
    assert d9.levels == indicators.SUPRA_LEVELS and d9.label.startswith("9e décile du niveau de vie")
    assert d9.as_record(VINTAGES)["source_column"] == "D919"


def test_establishment_indicators_count_every_type_and_rate_the_residence_types():
    for kind, label in TYPE_LABELS.items():
        count = indicators.get(f"nb_{kind}")
        assert (count.numerator, count.denominator, count.unit) == (f"n_{kind}", None, "établissements")
        assert count.label == f"{label} : nombre" and count.levels == indicators.WITH_FRANCE
    assert indicators.get("nb_residence_sociale").label == "Résidences sociales : nombre d'établissements"
    rate = indicators.get("fjt_pour_10000")
    assert (rate.numerator, rate.denominator, rate.scale, rate.direction) == ("n_fjt", "population", 10_000, -1)
    assert rate.label == f"{TYPE_LABELS['fjt']} pour 10 000 habitants"
    assert rate.unit == "établissements pour 10 000 hab." and rate.method == "ratio"
    assert indicators.get("hebergement_pour_10000").direction == 0
    assert indicators.get("residence_sociale_pour_10000").direction == -1
    with pytest.raises(KeyError):
        indicators.get("chrs_pour_10000")  # shelters are counted, not rated one by one


def test_places_come_in_pairs_a_rounded_count_and_a_rate():
    for key in ("places_pension_famille", "places_fjt", "places_residence_generaliste", "places_residence_sociale"):
        count, rate = indicators.get(key), indicators.get(f"{key}_pour_10000")
        assert (count.rounding, count.denominator, count.direction, count.unit) == (5, None, 0, "places")
        assert (rate.rounding, rate.denominator, rate.scale, rate.direction) == (None, "population", 10_000, -1)
        assert count.numerator == rate.numerator == key and count.method == rate.method == "estimation_places"
        assert count.label.endswith(" : places (estimation)") and count.definition.endswith(" Arrondi à 5 places.")
        assert rate.definition.endswith(" Rapporté à la population municipale 2023.")
    assert indicators.get("places_hebergement_pour_10000").direction == 1
    assert "Foyer de jeunes travailleurs" in indicators.get("places_fjt").definition


def test_as_record_fills_the_vintage_and_labels_of_an_indicator():
    record = indicators.get("nb_fjt").as_record(VINTAGES)
    assert record["vintage"] == "FINESS 08/01/2021"
    assert record["theme_label"] == "Hébergement et logement accompagné"
    assert record["method_label"] == indicators.METHODS["somme"]
    assert (record["approximation"], record["estimate"]) == (False, False)
    assert indicators.get("taux_pauvrete").as_record(VINTAGES)["approximation"] is True
    assert indicators.get("taux_rotation_logement_social").as_record(VINTAGES)["approximation"] is True
    assert indicators.get("places_fjt").as_record(VINTAGES)["estimate"] is True
    assert indicators.get("places_fjt").as_record(VINTAGES)["approximation"] is False
    assert set(record) >= {"id", "label", "definition", "unit", "numerator", "denominator", "levels", "rounding"}


def test_get_refuses_an_unknown_indicator():
    assert indicators.get("population").unit == "habitants"
    with pytest.raises(KeyError):
        indicators.get("inconnu")


def test_compute_on_a_realistic_mix_matches_a_hand_computation():
    rows = []
    for code, population, n_fjt in (("E1", 50_000.0, 2.0), ("E2", 20_000.0, 0.0)):
        rows += [("epci", code, "population", population, 1.0), ("epci", code, "n_fjt", n_fjt, 1.0)]
    table = compute(*rows)
    rates = table[table["indicator"] == "fjt_pour_10000"].set_index("code")["value"]
    np.testing.assert_allclose(rates[["E1", "E2"]].to_numpy(), [0.4, 0.0])


def test_compute_returns_a_fresh_index():
    table = compute(
        ("epci", "E1", "population", 1.0, 1.0),
        ("epci", "E2", "population", 2.0, 1.0),
        ("epci", "E1", "households", 3.0, 1.0),
    )
    assert list(table.index) == [0, 1, 2] and table["indicator"].tolist() == ["population", "population", "menages"]


def test_values_of_a_ratio_are_missing_over_a_zero_denominator_and_computed_over_a_small_one():
    by_variable = {
        name: frame.set_index(["level", "code"])
        for name, frame in base(
            ("epci", "E1", "vacant", 1.0, 1.0),
            ("epci", "E2", "vacant", 1.0, 1.0),
            ("epci", "E1", "dwellings", 0.0, 1.0),
            ("epci", "E2", "dwellings", 0.5, 1.0),
        ).groupby("variable")
    }
    values = indicators._values(indicators.get("taux_vacance"), by_variable)["value"]
    assert math.isnan(values[("epci", "E1")])  # not infinite, even before `compute` cleans the table
    assert values[("epci", "E2")] == pytest.approx(200.0)


# The builders of the generated indicators (establishments, places), called here: the catalogue is built with them
# at import time.


def test_an_establishment_count_is_declared_from_its_key():
    assert indicators._establishment_count("fjt", "FJT : nombre", "Définition.") == indicators.Indicator(
        id="nb_fjt",
        label="FJT : nombre",
        definition="Définition.",
        unit="établissements",
        theme="hebergement",
        direction=0,
        method="somme",
        datasets=indicators.FINESS,
        vintage="{finess}",
        levels=indicators.WITH_FRANCE,
        numerator="n_fjt",
    )


def test_an_establishment_rate_is_declared_from_its_key():
    assert indicators._establishment_rate("fjt", "FJT", "Définition.", -1) == indicators.Indicator(
        id="fjt_pour_10000",
        label="FJT pour 10 000 habitants",
        definition="Définition.",
        unit="établissements pour 10 000 hab.",
        theme="hebergement",
        direction=-1,
        method="ratio",
        datasets=indicators.FINESS + indicators.POPULATION,
        vintage="{finess} ; population 2023",
        levels=indicators.WITH_FRANCE,
        numerator="n_fjt",
        denominator="population",
        scale=10_000,
    )


def test_places_pairs_are_declared_from_their_key():
    common = {
        "theme": "hebergement",
        "method": "estimation_places",
        "datasets": indicators.FINESS + indicators.DREES_PLACES + indicators.POPULATION,
        "vintage": "{finess} ; places DREES fin 2021 ; population 2023",
        "levels": indicators.WITH_FRANCE,
        "numerator": "places_x",
    }
    assert indicators._places_pair("places_x", "X", "Déf.", 1) == [
        indicators.Indicator(
            id="places_x",
            label="X : places (estimation)",
            definition="Déf. Arrondi à 5 places.",
            unit="places",
            direction=0,
            rounding=5,
            **common,
        ),
        indicators.Indicator(
            id="places_x_pour_10000",
            label="X : places pour 10 000 habitants (estimation)",
            definition="Déf. Rapporté à la population municipale 2023.",
            unit="places pour 10 000 hab.",
            direction=1,
            denominator="population",
            scale=10_000,
            **common,
        ),
    ]


def test_a_family_definition_names_its_types_and_the_computation():
    family = indicators.RESIDENCE_FAMILIES[0]
    assert indicators._family_definition(family) == (
        "Places estimées (Pension de famille, Résidence accueil) : établissements FINESS × nombre moyen de places "
        "par établissement de la famille dans la région (places DREES fin 2021 ÷ établissements FINESS). Pour la "
        "France : établissements FINESS de toute la France × les mêmes moyennes régionales (hypothèse)."
    )


def test_the_generated_indicators_are_those_of_the_catalogue_in_order():
    residences = indicators._residence_indicators()
    places = indicators._places_indicators()
    ids = {indicator.id for indicator in (*residences, *places)}
    assert [indicator for indicator in indicators.INDICATORS if indicator.id in ids] == residences + places
    assert [indicator.id for indicator in residences][:4] == [
        "nb_residence_sociale",
        "residence_sociale_pour_10000",
        "nb_generaliste",
        "generaliste_pour_10000",
    ]
    assert residences[0].definition == (
        "Établissements FINESS classés « résidences sociales » (voir la règle de typologie)."
    )
    assert residences[1].definition.startswith("Nombre d'établissements « résidences sociales » pour 10 000 ")
    assert [indicator.id for indicator in places] == [
        "places_pension_famille",
        "places_pension_famille_pour_10000",
        "places_fjt",
        "places_fjt_pour_10000",
        "places_residence_generaliste",
        "places_residence_generaliste_pour_10000",
        "places_residence_sociale",
        "places_residence_sociale_pour_10000",
        "places_hebergement",
        "places_hebergement_pour_10000",
    ]
    assert len(residences) == 2 * 2 + 5 * 2 + 8  # two families (count, rate), five rated types, eight shelters
    assert places[-2].label == "Hébergement d'insertion et d'urgence : places (estimation)"
    assert places[-4].definition.startswith("Somme des places estimées des trois familles : pensions de famille")


def test_every_featured_indicator_is_declared_once_in_the_catalogue():
    """The views' default indicators (map, panel, tables, fiche, slides) are one declaration of catalogue ids."""
    declared = {indicator.id for indicator in indicators.INDICATORS}
    assert set(indicators.FEATURED) == {
        "carte",
        "panneau_carte",
        "tableaux",
        "fiche",
        "comparaison",
        "diapositive_carte",
        "diapositive_comparaison",
    }
    for view, featured in indicators.FEATURED.items():
        assert featured and len(set(featured)) == len(featured), view
        assert set(featured) <= declared, (view, set(featured) - declared)
    assert len(indicators.FEATURED["carte"]) == len(indicators.FEATURED["diapositive_carte"]) == 1
