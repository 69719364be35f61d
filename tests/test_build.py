"""The real build from the open-data mirror: figures checked against the sources, a failed build that
leaves the previous store intact, the coverage check against the previous build, and the command line."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from loaders import (
    catalogue,
    coverage_check,
    filosofi,
    filosofi_supra,
    finess_common,
    finess_fhir,
    indicators,
    loyers,
    places,
    rpls,
)
from loaders.__main__ import format_report, main, verdict
from loaders.build import build, indicators_without_value
from loaders.coverage_check import CoverageDropError, Drop, Summary
from loaders.errors import SourceError
from loaders.store import STORE_FILES

HDF_DEPARTEMENTS = ["02", "59", "60", "62", "80"]


@pytest.fixture(scope="module")
def store(built_data_dir: Path) -> Path:
    return built_data_dir / "processed"


@pytest.fixture(scope="module")
def territories(store: Path) -> gpd.GeoDataFrame:
    return gpd.read_parquet(store / "territories.parquet")


@pytest.fixture(scope="module")
def table(store: Path) -> pd.DataFrame:
    return pd.read_parquet(store / "indicators.parquet")


@pytest.fixture(scope="module")
def residences(store: Path) -> gpd.GeoDataFrame:
    return gpd.read_parquet(store / "residences.parquet")


def values(table: pd.DataFrame, indicator: str, level: str) -> pd.Series:
    rows = table[(table["indicator"] == indicator) & (table["level"] == level)]
    return rows.set_index("code")["value"]


def test_store_has_every_file_and_the_documented_columns(store: Path, territories, table, residences):
    assert sorted(path.name for path in store.iterdir()) == sorted(STORE_FILES)
    assert {"level", "code", "name", "epci_code", "departement_code", "region_code", "geometry"} <= set(territories)
    assert list(table.columns) == ["level", "code", "indicator", "value", "source", "vintage", "coverage", "detail"]
    assert {"finess", "name", "type", "family", "commune_code", "epci_code", "source", "geometry"} <= set(residences)
    assert territories.crs.to_epsg() == 4326 and residences.crs.to_epsg() == 4326


def test_territory_counts_of_hauts_de_france(territories):
    counts = territories["level"].value_counts()
    assert counts["epci"] == 92
    assert counts["departement"] == 5
    assert counts["region"] == 1
    communes = territories[territories["level"] == "commune"]
    assert communes["in_region"].sum() == 3782
    assert sorted(communes.loc[~communes["in_region"], "departement_code"].unique()) == ["76"]
    epci = territories[territories["level"] == "epci"].set_index("code")
    assert epci["kind"].value_counts().to_dict() == {"CC": 64, "CA": 25, "CU": 2, "METRO": 1}
    assert sorted(epci.index[epci["straddles_region"].astype(bool)]) == ["200069722", "247600588"]
    assert epci.loc["245901152", "name"] == "CA Coeur d'Ostrevent"  # 2025 name, not the 2024 contour's


def test_every_epci_has_a_valid_contour(territories):
    epci = territories[territories["level"] == "epci"]
    assert epci.geometry.notna().all() and epci.geometry.is_valid.all() and not epci.geometry.is_empty.any()


def test_commune_populations_sum_to_their_epci(table, territories):
    communes = territories[territories["level"] == "commune"].set_index("code")
    population = values(table, "population", "commune")
    by_epci = population.groupby(communes["epci_code"].reindex(population.index)).sum()
    epci_population = values(table, "population", "epci")
    pd.testing.assert_series_equal(by_epci.sort_index(), epci_population.sort_index(), check_names=False)
    assert values(table, "population", "region")["32"] == 5_992_194
    assert values(table, "population", "departement")["59"] == 2_615_635


def test_residence_counts_by_type_and_departement_equal_the_source(residences, mirror):
    source = finess_fhir.load_hdf()
    expected = finess_common.keep_housing(source)[0].groupby(["departement_code", "type"]).size()
    in_region = residences[residences["departement_code"].isin(HDF_DEPARTEMENTS)]
    actual = in_region.groupby(["departement_code", "type"]).size()
    pd.testing.assert_series_equal(actual.sort_index(), expected.sort_index())
    assert len(residences) - len(in_region) == 1  # one pension de famille of Seine-Maritime in a straddling EPCI


def test_residence_indicators_recount_the_points(table, residences):
    for kind in finess_common.RESIDENCE_TYPES:
        by_epci = values(table, f"nb_{kind}", "epci")
        points = residences[residences["type"] == kind].groupby("epci_code").size()
        assert by_epci.sum() == len(residences[residences["type"] == kind])
        assert (by_epci.reindex(points.index) == points).all()
    assert values(table, "nb_residence_sociale", "region")["32"] == 238
    # FINESS category 258 (896 in France) = pensions de famille + résidences accueil ("PF RA")
    france = (
        values(table, "nb_pension_de_famille", "france")["FR"] + values(table, "nb_residence_accueil", "france")["FR"]
    )
    assert france == 896


def test_ratios_are_recomputed_from_sums_never_averaged(table):
    vacant = table.pivot_table(index=["level", "code"], columns="indicator", values="value")
    region = vacant.loc[("region", "32")]
    assert region["taux_vacance"] == pytest.approx(7.8466, abs=1e-3)
    per_10000 = region["nb_residence_sociale"] / region["population"] * 10_000
    assert region["residence_sociale_pour_10000"] == pytest.approx(per_10000)


def test_suppressed_values_stay_missing_and_coverage_is_reported(table):
    poverty = table[(table["indicator"] == "taux_pauvrete")]
    communes = poverty[poverty["level"] == "commune"]
    assert communes["value"].isna().sum() > 3000  # secret statistique: missing, never 0
    assert (communes["value"].dropna() > 0).all()
    region = poverty[poverty["level"] == "region"].iloc[0]
    assert region["coverage"] == pytest.approx(0.6985, abs=1e-3)


def test_merged_and_recoded_communes_are_mapped_not_dropped(store: Path, table):
    coverage = json.loads((store / "coverage.json").read_text())["datasets"]
    census = coverage["insee-comparateur-territoires-com-ed2021-france"]
    assert census["unmatched"] == []
    assert census["detail"]["codes_remapped"]["62461"] == ["62447"]
    assert census["detail"]["communes_not_attributable"] == ["60054", "60694"]
    households = values(table, "menages", "commune")
    assert pd.isna(households["60054"]) and pd.isna(households["60694"])
    assert households["62447"] > 0


def test_departement_only_sources_reach_departement_region_and_france(table):
    relogements = table[table["indicator"] == "lda_relogements"].set_index(["level", "code"])["value"]
    assert relogements[("region", "32")] == 6882
    assert relogements[("departement", "59")] == 3342
    assert relogements[("france", "FR")] == 60733
    assert "commune" not in set(table.loc[table["indicator"] == "vacance_privee", "level"])


def test_every_row_carries_source_and_vintage(table):
    assert table["source"].str.len().gt(0).all()
    assert table["vintage"].str.len().gt(0).all()
    available = {indicator.id for indicator in indicators.INDICATORS if indicator.available}
    assert set(table["indicator"]) == available


def test_catalogue_declares_every_mirror_folder(mirror: Path):
    folders = {path.parent.relative_to(mirror).as_posix() for path in mirror.glob("**/PROVENANCE.md")}
    declared = {dataset.mirror_path for dataset in catalogue.DATASETS if dataset.in_mirror}
    assert folders == declared


def test_report_prints_a_french_table_and_each_dataset_s_details(store: Path, capsys):
    assert main(["report", "--store", str(store)]) == 0
    printed = capsys.readouterr().out
    coverage = json.loads((store / "coverage.json").read_text())
    assert printed.rstrip("\n") == format_report(coverage)
    header = next(line for line in printed.splitlines() if line.startswith("jeu de données"))
    assert header.split() == ["jeu", "de", "données", "lignes", "lues", "gardées", "rapportées", "non", "appariées"]
    # The national file's rows, those of the scope (Seine-Maritime members of straddling EPCIs included).
    assert re.search(r"^insee-filosofi-com-2021-geo2024-france +34909 +3837 +3837 +0$", printed, re.MULTILINE)
    assert re.search(r"^ngeofr-maps-cog2025 +34746 +3782 +3782 +0$", printed, re.MULTILINE)  # town label points
    assert "Jeux de données lus : 14 ; anomalies (codes ou points non appariés) : 0" in printed
    assert "\ninsee-comparateur-territoires-com-ed2021-france :\n" in printed
    assert '  communes non attribuables (code scindé) : ["60054", "60694"]' in printed
    assert "rows_outside_scope" not in printed and "codes_remapped" not in printed


def test_indicators_without_any_value_in_the_region_are_reported_and_counted_in_the_verdict(store: Path):
    coverage = json.loads((store / "coverage.json").read_text())
    assert coverage["indicateurs_sans_valeur"] == []  # every source covers the Hauts-de-France
    table = pd.DataFrame(
        {
            "indicator": ["population", "taux_pauvrete", "taux_pauvrete", "places_fjt"],
            "level": ["commune", "commune", "france", "epci"],
            "value": [10.0, float("nan"), 14.5, float("nan")],
        }
    )
    missing = indicators_without_value(table)
    assert "population" not in missing and {"taux_pauvrete", "places_fjt"} <= set(missing)  # France's alone: none
    assert missing == [item.id for item in indicators.INDICATORS if item.available and item.id in missing]
    coverage["indicateurs_sans_valeur"] = ["taux_pauvrete", "places_fjt"]
    assert ", 2 indicateur(s) sans valeur dans le périmètre ; " in verdict(coverage)
    assert "sans aucune valeur dans le périmètre (source qui ne le couvre pas) :\n  taux_pauvrete, places_fjt" in (
        format_report(coverage)
    )


def test_report_without_a_build_says_how_to_make_one(tmp_path: Path, capsys):
    assert main(["report", "--store", str(tmp_path / "processed")]) == 1
    assert "python -m loaders build" in capsys.readouterr().err


def test_verdict_is_one_french_line_counting_datasets_and_anomalies(store: Path):
    coverage = json.loads((store / "coverage.json").read_text())
    line = verdict(coverage)
    assert "\n" not in line
    assert re.fullmatch(
        r"Construction réussie en \d+ s : 14 jeux de données, 0 anomalie ; détails : python -m loaders report", line
    )
    coverage["datasets"]["insee-filosofi-com-2021-geo2024-france"]["unmatched"] = ["99999", "99998"]
    coverage["baisses_de_couverture_acceptees"] = ["indicateur taux_pauvrete (commune) : …"]
    assert ", 2 anomalies, 1 baisse(s) de couverture acceptée(s) ; " in verdict(coverage)


# New supply and income sources: official Filosofi 2019 above the commune, RPLS 2024, rents 2018, places.


@pytest.fixture(scope="module")
def coverage(store: Path) -> dict:
    return json.loads((store / "coverage.json").read_text())["datasets"]


@pytest.fixture(scope="module")
def supply_places(store: Path) -> dict:
    return json.loads((store / "catalogue.json").read_text())["supply_places"]


def rows(table: pd.DataFrame, indicator: str, level: str) -> pd.DataFrame:
    return table[(table["indicator"] == indicator) & (table["level"] == level)].set_index("code")


def test_official_2019_income_of_the_mel_is_its_former_siren_row_flagged_as_partial(table):
    for indicator, value in (
        ("niveau_vie_median_2019", 20_940),
        ("niveau_vie_d1_2019", 10_550),
        ("part_minima_sociaux_2019", 3.6),
        ("part_prestations_logement_2019", 1.8),
        ("niveau_vie_d9_2019", 38_960),
    ):
        mel = rows(table, indicator, "epci").loc["200093201"]
        assert mel["value"] == value
        # 2019 households of the MEL without the CC de la Haute-Deûle ÷ households of its 95 communes today
        assert mel["coverage"] == pytest.approx(0.979, abs=1e-3)
        assert "245900410" in mel["detail"]


def test_official_2019_income_is_published_at_every_level_above_the_commune(table):
    median = rows(table, "niveau_vie_median_2019", "epci")
    assert len(median) == 92 and median["value"].notna().all()
    assert median.loc["246200364", "value"] == 17_980  # CA de Lens - Liévin, same SIREN in 2019
    assert (median["coverage"] > 0.99).sum() == 91 and (median["coverage"] <= 1).all()
    changed = {change.siren for change in filosofi_supra.PERIMETER_CHANGES}
    assert set(median.index[median["detail"].notna()]) == changed
    departements = rows(table, "niveau_vie_median_2019", "departement")["value"]
    assert departements.to_dict() == {"02": 19_880, "59": 20_290, "60": 22_250, "62": 19_560, "80": 20_540}
    assert rows(table, "niveau_vie_median_2019", "region").loc["32", "value"] == 20_360
    france = rows(table, "niveau_vie_median_2019", "france").loc["FR"]
    assert france["value"] == 21_930 and france["detail"] == "France métropolitaine"
    assert "commune" not in set(table.loc[table["indicator"] == "niveau_vie_median_2019", "level"])


def test_the_9th_decile_2019_is_read_from_its_catalogue_entry_alone(table):
    """`niveau_vie_d9_2019` is one catalogue entry (`source_column="D919"`): no build code names it."""
    departements = rows(table, "niveau_vie_d9_2019", "departement")["value"]
    assert departements.to_dict() == {"02": 33_100, "59": 35_980, "60": 37_480, "62": 32_550, "80": 34_660}
    assert rows(table, "niveau_vie_d9_2019", "france")["value"].tolist() == [39_600]
    epci = rows(table, "niveau_vie_d9_2019", "epci")
    assert len(epci) == 92 and epci["value"].notna().all()
    assert set(epci["vintage"]) == {"Filosofi 2019"} and set(epci["source"]) == {
        "Insee, Filosofi 2019 (EPCI, départements, régions)"
    }


def test_social_housing_counts_sum_the_rpls_communes(table, territories):
    dwellings = values(table, "logements_sociaux", "commune")
    communes = territories[territories["level"] == "commune"].set_index("code")
    assert dwellings.notna().all()  # a commune absent from the RPLS has no social dwelling: 0, not missing
    assert dwellings["02002"] == 0
    assert dwellings["59350"] == 33_192
    assert dwellings["62447"] == 268 + 49 + 48 + 10  # Hesdin and the three communes merged into it since 2024
    assert dwellings["80155"] == 3  # Yaucourt-Bussus (80830), merged since 2024
    in_region = communes["in_region"].reindex(dwellings.index).astype(bool)
    assert dwellings[in_region].sum() == 596_208
    assert values(table, "logements_sociaux", "region")["32"] == 596_208
    assert values(table, "logements_sociaux", "departement").to_dict() == {
        "02": 41_217,
        "59": 281_165,
        "60": 69_622,
        "62": 161_781,
        "80": 42_423,
    }
    assert values(table, "logements_sociaux", "france")["FR"] == 5_366_986
    assert values(table, "logements_sociaux", "epci").sum() == dwellings.sum()


def test_social_housing_rates_are_the_published_ones_by_commune_and_stock_weighted_above(table, territories):
    assert values(table, "taux_logement_social", "commune")["59350"] == pytest.approx(26.34)
    assert values(table, "taux_logement_social", "commune")["02002"] == 0
    assert values(table, "taux_rotation_logement_social", "commune")["59350"] == pytest.approx(7.7658)
    assert values(table, "taux_vacance_logement_social", "commune")["59350"] == pytest.approx(1.1747)
    dwellings = values(table, "logements_sociaux", "commune")
    communes = territories[territories["level"] == "commune"].set_index("code")
    in_region = communes["in_region"].reindex(dwellings.index).astype(bool)
    for indicator in ("taux_rotation_logement_social", "taux_vacance_logement_social"):
        rate = values(table, indicator, "commune").reindex(dwellings.index)
        assert rate[dwellings == 0].isna().all()
        weighted = (rate * dwellings)[in_region].sum() / dwellings[in_region].sum()
        assert values(table, indicator, "region")["32"] == pytest.approx(weighted)
    density = values(table, "taux_logement_social", "region")["32"]
    assert 20 < density < 26  # 596,208 social dwellings for about 2.5 million main residences


def test_rents_by_commune_say_their_estimation_level(table, territories):
    apartments = rows(table, "loyer_appartement", "commune")
    communes = territories[territories["level"] == "commune"]
    assert len(apartments) == len(communes) and apartments["value"].notna().all()
    lille = apartments.loc["59350"]
    assert lille["value"] == pytest.approx(13.86, abs=0.005)
    assert lille["detail"].startswith(loyers.PREDICTION_LEVELS["commune"])
    assert "10,7 à 17,9 €" in lille["detail"]
    assert apartments.loc["62447", "detail"].startswith(loyers.PREDICTION_LEVELS["epci"])
    assert apartments.loc["60694", "detail"].startswith(loyers.PREDICTION_LEVELS["maille"])
    assert apartments["detail"].notna().all()
    houses = rows(table, "loyer_maison", "commune")
    assert houses.loc["59350", "value"] == pytest.approx(11.06, abs=0.005)
    assert houses.loc["62447", "detail"].startswith(loyers.PREDICTION_LEVELS["commune"])


def test_rents_above_the_commune_are_population_weighted_means(table, territories):
    rents = values(table, "loyer_appartement", "commune")
    population = values(table, "population", "commune").reindex(rents.index)
    communes = territories[territories["level"] == "commune"].set_index("code").reindex(rents.index)
    weighted = (rents * population).groupby(communes["epci_code"]).sum() / population.groupby(
        communes["epci_code"]
    ).sum()
    epci = rows(table, "loyer_appartement", "epci")
    pd.testing.assert_series_equal(epci["value"].sort_index(), weighted.sort_index(), check_names=False)
    in_region = communes["in_region"].astype(bool)
    region = (rents * population)[in_region].sum() / population[in_region].sum()
    assert values(table, "loyer_appartement", "region")["32"] == pytest.approx(region)
    # The share of the population whose rent comes from its own commune's adverts.
    own = rows(table, "loyer_appartement", "commune")["detail"].str.startswith(loyers.PREDICTION_LEVELS["commune"])
    members = communes.index[communes["epci_code"] == "200093201"]
    share = population[members][own[members]].sum() / population[members].sum()
    assert epci.loc["200093201", "detail"].split()[0] == f"{share:.0%}".removesuffix("%")


def test_estimated_places_give_back_the_drees_figures_of_the_region(table):
    region = table[table["level"] == "region"].set_index("indicator")["value"]
    # Every establishment counts the regional average: DREES places, rounded to 5.
    assert region["places_pension_famille"] == 2_280  # 2,281 DREES places
    assert region["places_fjt"] == 2_880  # 2,882
    assert region["places_residence_generaliste"] == 3_540  # 3,539
    assert region["places_residence_sociale"] == 8_700  # 8,702
    assert region["places_hebergement"] == 10_655  # CHRS 5,710 + other shelters 4,943
    # Rates are computed before rounding.
    assert region["places_pension_famille_pour_10000"] == pytest.approx(2_281 / 5_992_194 * 10_000)
    counts = table[table["indicator"].str.startswith("places_") & ~table["indicator"].str.endswith("_pour_10000")]
    assert len(counts) > 0 and counts["value"].notna().all()
    assert (counts["value"] % 5 == 0).all()


def test_estimated_places_of_each_epci_are_its_establishments_times_the_family_average(table):
    for indicator, kinds, average in (
        ("places_fjt", ["fjt"], 2_882 / 57),
        ("places_pension_famille", ["pension_de_famille", "residence_accueil"], 2_281 / 105),
        ("places_residence_generaliste", ["generaliste", "ftm"], 3_539 / 76),
    ):
        establishments = sum(values(table, f"nb_{kind}", "epci") for kind in kinds)
        expected = (establishments * average / 5).round() * 5
        estimated = values(table, indicator, "epci")
        pd.testing.assert_series_equal(estimated.sort_index(), expected.sort_index(), check_names=False)


def test_catalogue_gives_the_places_per_establishment_of_each_family(supply_places, table):
    residences = {item["key"]: item for item in supply_places["residences"]}
    assert list(residences) == ["pension_famille", "fjt", "residence_generaliste"]
    region = table[table["level"] == "region"].set_index("indicator")["value"]
    for key, count, establishments in (
        ("pension_famille", 2_281, 105),
        ("fjt", 2_882, 57),
        ("residence_generaliste", 3_539, 76),
    ):
        family = residences[key]
        assert (family["places"], family["establishments"]) == (count, establishments)
        assert family["per_establishment"] == pytest.approx(count / establishments)
        assert establishments == sum(region[f"nb_{kind}"] for kind in family["types"])
        assert family["reference_date"] == "2021-12-31"
    assert residences["pension_famille"]["per_establishment"] == pytest.approx(21.72, abs=0.01)
    assert supply_places["relative_spread"] == pytest.approx(0.363, abs=1e-3)
    averages = [
        places.Average(family, item["places"], item["establishments"], "", "", "")
        for family, item in zip(places.RESIDENCE_FAMILIES, residences.values(), strict=True)
    ]
    assert supply_places["relative_spread"] == pytest.approx(places.relative_spread(averages))
    shelters = {item["key"]: (item["places"], item["establishments"]) for item in supply_places["hebergement"]}
    assert shelters == {"chrs": (5_710, 105), "hebergement_urgence": (4_943, 145)}


def test_coverage_of_the_official_2019_income_files(coverage):
    supra = coverage[filosofi_supra.DATASET_ID]
    assert supra["rows_read"] == 1_240 + 98 + 15 + 1
    assert supra["rows_joined"] == 92 and supra["rows_kept"] == 92 + 5 + 1 + 1
    assert supra["unmatched"] == []
    assert supra["detail"]["epci_meme_siren"] == 91
    assert supra["detail"]["epci_ancien_siren"] == {"200093201": "245900410"}
    changes = supra["detail"]["perimetres_modifies_depuis_2019"]
    assert sorted(changes) == ["200067973", "200093201", "246000376", "246000582"]
    assert "245900410" in changes["200093201"]
    assert supra["detail"]["ecart_max_menages_perimetres_inchanges"] < 0.01


def test_coverage_of_the_rpls_extract(coverage):
    extract = coverage[rpls.EXTRACT_DATASET_ID]
    assert rpls.WORKBOOK_DATASET_ID not in coverage  # read only without a mirror
    assert extract["rows_read"] == 16_859
    # Arrondissements of Paris, Lyon and Marseille are unknown to the COG of communes but outside the scope.
    assert extract["unmatched"] == []
    assert extract["detail"]["logements_sociaux_region"] == 596_208
    assert extract["detail"]["logements_sociaux_france"] == 5_366_986
    assert extract["detail"]["codes_fusionnes"] == {
        "62461": ["62447"],
        "62549": ["62447"],
        "62743": ["62447"],
        "80830": ["80155"],
    }
    with_stock = extract["detail"]["communes_avec_logements_sociaux"]
    assert with_stock + extract["detail"]["communes_sans_logement_social"] == 3_831


def test_coverage_of_the_rents_and_of_the_places(coverage):
    rents = coverage[loyers.DATASET_ID]
    assert rents["rows_read"] == 2 * 35_441
    assert rents["unmatched"] == []
    for kind in ("appartement", "maison"):
        assert rents["detail"][kind]["communes"] == 3_831
        assert sum(rents["detail"][kind]["niveau_d_estimation"].values()) == 3_831
    assert {"62461", "62549", "62743", "80830"} <= set(rents["detail"]["anciens_codes_non_utilises"])
    estimated = coverage["places-estimees"]
    assert estimated["unmatched"] == []
    assert estimated["detail"]["places_par_etablissement"]["pension_famille"] == 21.7
    assert estimated["detail"]["dispersion_relative"] == pytest.approx(0.363, abs=1e-3)


#: The mirror's Hauts-de-France extracts and the national file the build reads in their place.
REGIONAL_EXTRACTS = {
    "france-geojson-communes-hdf-2018": "france-geojson-communes-2018-france",
    "insee-populations-legales-com-2023": "insee-populations-legales-com-2023-france",
    "insee-filosofi-com-2021-geo2024": "insee-filosofi-com-2021-geo2024-france",
    "insee-comparateur-territoires-com-ed2021": "insee-comparateur-territoires-com-ed2021-france",
    "finess-fhir-20210108-hdf": "finess-fhir-20210108-france-housing",
}


def test_the_build_reads_the_national_files_and_not_the_regional_extracts(coverage, mirror: Path):
    national = catalogue.NATIONAL_DATASETS
    assert {dataset.id for dataset in national} < set(REGIONAL_EXTRACTS.values())
    for dataset in national:
        assert dataset.id.endswith("-france") and dataset.in_mirror
        assert (mirror / dataset.mirror_path / "PROVENANCE.md").is_file()
    rows_read = {dataset_id: figures["rows_read"] for dataset_id, figures in coverage.items()}
    assert {key: rows_read[key] for key in REGIONAL_EXTRACTS.values()} == {
        # The files of the région's five départements and of the Seine-Maritime (members of straddling EPCIs).
        "france-geojson-communes-2018-france": 4_519,
        "insee-populations-legales-com-2023-france": 34_900,
        "insee-filosofi-com-2021-geo2024-france": 34_909,
        "insee-comparateur-territoires-com-ed2021-france": 35_010,
        "finess-fhir-20210108-france-housing": 6_134,
    }
    polygons = coverage["france-geojson-communes-2018-france"]
    assert polygons["detail"]["communes_without_polygon"] == [] and polygons["unmatched"] == []
    assert polygons["detail"]["polygones_hors_perimetre"] == 4_519 - 3_857
    for extract, read in REGIONAL_EXTRACTS.items():
        assert extract not in coverage
        assert f"le fichier national {read}" in catalogue.get(extract).notes


def _mirror_with_a_copy_of(mirror: Path, copy: Path, folder: Path) -> None:
    """Recreate `mirror` at `copy`: `folder` (a dataset folder of the mirror) copied, everything else symlinked.

    Only the damaged dataset is written to, so the rest of the mirror (about 130 MB) is not copied."""
    copy.mkdir()
    for entry in mirror.iterdir():
        if entry == folder:
            shutil.copytree(entry, copy / entry.name)
            (copy / entry.name).chmod(0o755)  # the mirror is read-only
        elif entry in folder.parents:
            _mirror_with_a_copy_of(entry, copy / entry.name, folder)
        else:
            (copy / entry.name).symlink_to(entry)


#: Header edits of the "rename-column" damage, by file.
RENAMED_COLUMNS = {
    "base_cc_comparateur.CSV": (b"P18_LOGVAC", b"P18_LOGVACANTS"),
    "FILO2019_DISP_EPCI.csv": (b";Q219;", b";Q2_19;"),
}


def _rename_in_archive(archive: Path) -> None:
    """The "rename-column" damage applied to the header of every member of a zip archive that `RENAMED_COLUMNS`
    names."""
    with zipfile.ZipFile(archive) as source:
        members = {name: source.read(name) for name in source.namelist()}
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as damaged:
        for name, content in members.items():
            if name in RENAMED_COLUMNS:
                old, new = RENAMED_COLUMNS[name]
                assert old in content.splitlines()[0]
                content = content.replace(old, new, 1)
            damaged.writestr(name, content)


@pytest.mark.parametrize(
    ("damage", "dataset", "file", "reason"),
    [
        ("truncate", "insee-filosofi-com-2021-geo2024-france", "cc_filosofi_2021_COM.csv", "incomplète"),
        # The first 60 % of the lines, cut at a line boundary (20,945 of 34,909 rows): the région's départements
        # are all there, only the national file's count can tell.
        ("keep-60-percent-of-lines", "insee-filosofi-com-2021-geo2024-france", "cc_filosofi_2021_COM.csv", "34909"),
        ("remove", "cerema-lovac-dep-2020-2025", "lovac_opendata_dep.csv", "absent du miroir"),
        ("utf16", "insee-populations-legales-com-2023-france", "donnees_communes.csv", "encodage"),
        (
            "rename-column",
            "insee-comparateur-territoires-com-ed2021-france",
            "base_cc_comparateur_csv.zip",
            "P18_LOGVAC",
        ),
        ("remove", "france-geojson-communes-2018-france", "communes-80-somme.geojson", "absent du miroir"),
        # Whole lines kept: only the exact row count of the national sheet can tell.
        ("keep-60-percent-of-lines", "sdes-rpls-2024-commune-extract", "lgt_soc_2024_extracted.csv", "16859"),
        ("remove", "anil-dhup-carte-loyers-2018-com", "indicateurs-loyers-maisons.csv", "absent du miroir"),
        ("rename-column", "insee-filosofi-2019-disp-supra", "FILO2019_DISP_EPCI.csv", "Q219"),
    ],
)
def test_a_damaged_source_fails_the_build_and_keeps_the_previous_store(
    damage, dataset, file, reason, store: Path, mirror: Path, tmp_path: Path, monkeypatch, capsys
):
    mirror_copy = tmp_path / "mirror"
    folder = mirror / catalogue.get(dataset).mirror_path
    _mirror_with_a_copy_of(mirror, mirror_copy, folder)
    target = mirror_copy / catalogue.get(dataset).mirror_path / file
    assert not target.is_symlink() and (mirror_copy / "README.md").is_symlink()
    target.chmod(0o644)
    text = target.read_bytes()
    if damage == "truncate":
        target.write_bytes(text[: len(text) // 2])
    elif damage == "keep-60-percent-of-lines":
        lines = text.splitlines(keepends=True)
        target.write_bytes(b"".join(lines[: len(lines) * 6 // 10]))
    elif damage == "remove":
        target.unlink()
    elif damage == "utf16":
        target.write_bytes(text.decode("utf-8").encode("utf-16"))
    elif target.suffix == ".zip":
        _rename_in_archive(target)
    else:
        old, new = RENAMED_COLUMNS[file]
        assert old in text.splitlines()[0]
        target.write_bytes(text.replace(old, new, 1))
    previous = tmp_path / "processed"
    shutil.copytree(store, previous)
    before = {name: (previous / name).read_bytes() for name in STORE_FILES}
    monkeypatch.setenv("OPENDATA_MIRROR", str(mirror_copy))

    with pytest.raises(SourceError) as error:
        build(previous, progress=False)
    assert dataset in str(error.value) and file in str(error.value)
    assert reason in str(error.value)
    assert {name: (previous / name).read_bytes() for name in STORE_FILES} == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mirror", "processed"]

    assert main(["build", "--output", str(previous), "--quiet"]) == 1
    printed = capsys.readouterr()
    assert printed.out == ""
    [line] = printed.err.splitlines()
    assert line.startswith("ÉCHEC de la construction : [") and dataset in line and file in line
    assert line.endswith(" ; le magasin précédent est conservé intact")
    assert {name: (previous / name).read_bytes() for name in STORE_FILES} == before


# Coverage compared with the previous build: a build that covers less fails unless the drop is accepted.


def _summary(datasets=None, indicators=None, region="32") -> Summary:
    return Summary(
        region_code=region,
        datasets={"a": 10, "b": 5} if datasets is None else datasets,
        indicators={("taux", "epci"): (92, 0.9), ("taux", "commune"): (465, 0.12)}
        if indicators is None
        else indicators,
    )


def test_coverage_check_finds_nothing_without_a_comparable_previous_build():
    assert coverage_check.compare(None, _summary()) == []
    assert coverage_check.compare(_summary(region="11"), _summary(datasets={}, indicators={})) == []
    assert coverage_check.compare(_summary(), _summary()) == []
    more = _summary(
        datasets={"a": 11, "b": 5, "c": 1},
        indicators={("taux", "epci"): (92, 0.95), ("taux", "commune"): (470, 0.12), ("x", "region"): (1, 1.0)},
    )
    assert coverage_check.compare(_summary(), more) == []


def test_coverage_check_names_each_drop_with_its_figures_before_and_after():
    after = _summary(
        datasets={"a": 9},
        indicators={("taux", "epci"): (92, 0.9 - 2e-6), ("taux", "commune"): (465, 0.12 - 1e-7)},
    )
    assert [str(drop) for drop in coverage_check.compare(_summary(), after)] == [
        "jeu de données a : lignes rapportées aux territoires 10 → 9",
        "jeu de données b : lignes rapportées aux territoires 5 → 0",
        "indicateur taux (epci) : couverture moyenne 90,00 % → 90,00 %",
    ]
    lost = _summary(indicators={("taux", "commune"): (279, 0.05)})
    assert [str(drop) for drop in coverage_check.compare(_summary(), lost)] == [
        "indicateur taux (commune) : territoires avec une valeur 465 → 279",
        "indicateur taux (commune) : couverture moyenne 12,00 % → 5,00 %",
        "indicateur taux (epci) : territoires avec une valeur 92 → 0",
        "indicateur taux (epci) : couverture moyenne 90,00 % → 0,00 %",
    ]


def test_coverage_summary_counts_values_and_averages_coverage_missing_as_zero():
    table = pd.DataFrame(
        {
            "level": ["epci", "epci", "epci", "region"],
            "indicator": ["taux", "taux", "taux", "taux"],
            "value": [1.0, None, 3.0, 2.0],
            "coverage": [1.0, None, 0.5, 0.8],
        }
    )
    summary = coverage_check.summarise(32, {"a": {"rows_joined": 7}, "b": {}}, table)
    assert summary.region_code == "32"
    assert summary.datasets == {"a": 7, "b": 0}
    assert summary.indicators == {("taux", "epci"): (2, 0.5), ("taux", "region"): (1, 0.8)}


def test_coverage_drop_error_is_one_readable_sentence():
    drops = [Drop(f"indicateur i{number} (epci)", "territoires avec une valeur", "92", "91") for number in range(6)]
    message = str(CoverageDropError(drops))
    assert message.startswith("couverture en baisse par rapport à la construction précédente (indicateur i0 (epci)")
    assert "i3" in message and "i4" not in message and "et 2 autre(s)" in message
    assert message.endswith("relancer avec --accept-coverage-drop")


def test_coverage_of_a_missing_or_unreadable_store_is_not_compared(store: Path, tmp_path: Path):
    assert coverage_check.read_store(tmp_path / "absent") is None
    broken = tmp_path / "broken"
    shutil.copytree(store, broken)
    (broken / "indicators.parquet").write_bytes(b"PAR1 not really parquet")
    assert coverage_check.read_store(broken) is None
    summary = coverage_check.read_store(store)
    assert summary is not None and summary.region_code == "32"
    assert summary.datasets["insee-filosofi-com-2021-geo2024-france"] == 3837
    assert summary.indicators[("niveau_vie_median_2019", "epci")] == (92, pytest.approx(0.9995, abs=1e-3))


def _hide_poverty_rates(path: Path, count: int) -> int:
    """Publish `count` more poverty rates of the région as secret (« s »), keeping every line: only coverage can
    tell."""
    lines = path.read_bytes().decode("utf-8").split("\n")
    column = lines[0].split(";").index("TP6021")
    hidden = 0
    for number, line in enumerate(lines[1:], start=1):
        fields = line.split(";")
        in_region = fields[0][:2] in HDF_DEPARTEMENTS
        if in_region and hidden < count and len(fields) > column and fields[column] not in ("s", "nd", ""):
            fields[column] = "s"
            lines[number] = ";".join(fields)
            hidden += 1
    path.write_bytes("\n".join(lines).encode("utf-8"))
    return hidden


def test_a_coverage_drop_fails_the_build_unless_it_is_accepted(
    store: Path, table, mirror: Path, tmp_path: Path, monkeypatch, capsys
):
    mirror_copy = tmp_path / "mirror"
    folder = mirror / catalogue.get(filosofi.DATASET_ID).mirror_path
    _mirror_with_a_copy_of(mirror, mirror_copy, folder)
    target = mirror_copy / catalogue.get(filosofi.DATASET_ID).mirror_path / filosofi.FILENAME
    target.chmod(0o644)
    assert _hide_poverty_rates(target, 150) == 150
    data = tmp_path / "data"
    previous = data / "processed"
    shutil.copytree(store, previous)  # a real folder, as written by the previous version of the build
    before = {name: (previous / name).read_bytes() for name in STORE_FILES}
    monkeypatch.setenv("OPENDATA_MIRROR", str(mirror_copy))
    with_value = int(values(table, "taux_pauvrete", "commune").notna().sum())

    with pytest.raises(CoverageDropError) as error:
        build(previous, progress=False)
    message = str(error.value)
    found = re.search(
        rf"indicateur taux_pauvrete \(commune\) : territoires avec une valeur {with_value} → (\d+)", message
    )
    assert found and int(found[1]) < with_value
    assert any(
        str(drop).startswith("indicateur taux_pauvrete (epci) : couverture moyenne") for drop in error.value.drops
    )
    assert {name: (previous / name).read_bytes() for name in STORE_FILES} == before
    assert sorted(path.name for path in data.iterdir()) == ["processed"]

    assert main(["build", "--output", str(previous), "--quiet"]) == 1
    printed = capsys.readouterr()
    [line] = printed.err.splitlines()
    assert line.startswith("ÉCHEC de la construction : couverture en baisse par rapport à la construction précédente")
    assert "--accept-coverage-drop" in line and line.endswith("le magasin précédent est conservé intact")
    assert {name: (previous / name).read_bytes() for name in STORE_FILES} == before

    assert main(["build", "--output", str(previous), "--quiet", "--accept-coverage-drop"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("Baisse de couverture acceptée : indicateur taux_pauvrete (commune)") for line in lines)
    assert re.fullmatch(
        r"Construction réussie en \d+ s : 14 jeux de données, 0 anomalie, \d+ baisse\(s\) de couverture "
        r"acceptée\(s\) ; détails : python -m loaders report",
        lines[-1],
    )
    assert previous.is_symlink()  # the old real folder became the previous build
    coverage = json.loads((previous / "coverage.json").read_text())
    assert any("taux_pauvrete (commune)" in drop for drop in coverage["baisses_de_couverture_acceptees"])
    [kept] = [path for path in (data / "builds").iterdir() if path.name.endswith("-ancien")]
    assert {name: (kept / name).read_bytes() for name in STORE_FILES} == before

    # Compared with the accepted build, the same sources no longer drop: a plain build succeeds.
    assert main(["build", "--output", str(previous), "--quiet"]) == 0
    assert capsys.readouterr().out.startswith("Construction réussie en ")


# --- Dated series of the trends (loaders/series.py) -----------------------------------------------------------


@pytest.fixture(scope="module")
def dated_series(store: Path) -> pd.DataFrame:
    return pd.read_parquet(store / "series.parquet")


def test_dated_series_have_one_row_per_territory_and_declared_year(dated_series, territories, store: Path):
    from loaders import series

    counts = dated_series.groupby(["series", "level"]).size().to_dict()
    communes = int((territories["level"] == "commune").sum())
    for declared in series.SERIES:
        years = len(declared.years)
        assert counts[(declared.id, "departement")] == 5 * years
        assert counts[(declared.id, "region")] == years
    assert counts[("population", "commune")] == communes * 3 and counts[("population", "epci")] == 92 * 3
    assert counts[("lda_relogements", "france")] == 6 and ("population", "france") not in counts
    declared = {entry["id"]: entry for entry in json.loads((store / "catalogue.json").read_text())["series"]}
    assert declared["population"]["datasets"] == {
        "2013": "insee-comparateur-territoires-com-ed2021-france",
        "2018": "insee-comparateur-territoires-com-ed2021-france",
        "2023": "insee-populations-legales-com-2023-france",
    }
    assert declared["lovac_parc_prive"]["unpublished"] == [2025]


def test_dated_series_equal_the_sources(dated_series):
    def value(series: str, level: str, code: str, year: int) -> float:
        rows = dated_series[
            (dated_series["series"] == series)
            & (dated_series["level"] == level)
            & (dated_series["code"] == code)
            & (dated_series["year"] == year)
        ]
        return rows["value"].iloc[0]

    # Barometer PROVENANCE (Somme, région 32, France), 2022 is January–November.
    assert [value("lda_relogements", "departement", "80", year) for year in range(2017, 2023)] == [
        378, 473, 497, 526, 869, 783,
    ]  # fmt: skip
    assert value("lda_relogements", "region", "32", 2022) == 5_741
    assert value("lda_relogements", "france", "FR", 2021) == 60_733
    months = dated_series[dated_series["series"] == "lda_relogements"].groupby("year")["months"].unique()
    assert list(months[2022]) == [11] and list(months[2021]) == [12]
    # LOVAC PROVENANCE: 2025 vacancy, 2024 stock; the 2025 stock is not published and stays missing.
    assert value("lovac_vacants", "departement", "59", 2025) == 67_672
    assert value("lovac_vacants_plus_2ans", "departement", "02", 2025) == 12_136
    assert value("lovac_parc_prive", "departement", "62", 2024) == 587_299
    assert pd.isna(value("lovac_parc_prive", "region", "32", 2025))
    assert value("lovac_vacants", "region", "32", 2025) == 20_433 + 67_672 + 19_643 + 36_878 + 20_323


def test_population_series_say_their_coverage_and_keep_missing_communes_missing(dated_series, table):
    population = dated_series[dated_series["series"] == "population"].set_index(["level", "code", "year"])
    # A straddling EPCI: the national census file covers its Seine-Maritime communes too.
    assert population.loc[("epci", "200069722", 2013), "coverage"] == 1.0
    assert population.loc[("epci", "200069722", 2023), "coverage"] == 1.0
    assert population.loc[("commune", "76035", 2013), "value"] == 2_289
    # 60054 (COG 2021) covers two current communes: neither has a census value of its own.
    assert pd.isna(population.loc[("commune", "60054", 2013), "value"])
    assert pd.isna(population.loc[("commune", "60054", 2013), "coverage"])
    # 2023 is the legal population of the indicators table; 2018 the numerator of the census growth.
    legal = values(table, "population", "epci")
    assert population.loc[("epci", "248000531", 2023), "value"] == legal["248000531"]


def test_a_series_missing_a_territory_fails_naming_its_dataset_and_file(dated_series):
    from loaders import series

    expected = {
        "commune": dated_series.loc[dated_series["level"] == "commune", "code"].unique(),
        "epci": dated_series.loc[dated_series["level"] == "epci", "code"].unique(),
        "departement": HDF_DEPARTEMENTS,
        "region": ["32"],
        "france": ["FR"],
    }
    assert series.validate(dated_series, expected) is dated_series
    damaged = dated_series.drop(
        dated_series.index[(dated_series["series"] == "lovac_vacants") & (dated_series["code"] == "80")][:1]
    )
    with pytest.raises(SourceError) as error:
        series.validate(damaged, expected)
    assert error.value.dataset_id == "cerema-lovac-dep-2020-2025" and error.value.file == "lovac_opendata_dep.csv"
    assert "manquants : 80" in str(error.value)
    zero = dated_series.assign(value=dated_series["value"].where(dated_series["series"] != "lda_relogements", -1.0))
    with pytest.raises(SourceError, match="barometre-logement-dabord-dihal"):
        series.validate(zero, expected)
