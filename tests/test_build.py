"""The real build from the open-data mirror: figures checked against the sources, and a
failed build that leaves the previous store intact."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from loaders import catalogue, finess_common, finess_fhir, indicators
from loaders.__main__ import format_report, main
from loaders.build import build
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
    assert list(table.columns) == ["level", "code", "indicator", "value", "source", "vintage", "coverage"]
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
    census = coverage["insee-comparateur-territoires-com-ed2021"]
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


def test_report_prints_a_table(store: Path, capsys):
    assert main(["report", "--store", str(store)]) == 0
    printed = capsys.readouterr().out
    assert "insee-filosofi-com-2021-geo2024" in printed and "non appariées" in printed
    coverage = json.loads((store / "coverage.json").read_text())
    assert format_report(coverage).count("\n") > len(coverage["datasets"])


@pytest.mark.parametrize(
    ("damage", "dataset", "file"),
    [
        ("truncate", "insee-filosofi-com-2021-geo2024", "cc_filosofi_2021_COM_hdf.csv"),
        ("remove", "cerema-lovac-dep-2020-2025", "lovac_opendata_dep.csv"),
        ("utf16", "insee-populations-legales-com-2023", "donnees_communes_hdf.csv"),
        ("rename-column", "insee-comparateur-territoires-com-ed2021", "base_cc_comparateur_hdf.CSV"),
    ],
)
def test_a_damaged_source_fails_the_build_and_keeps_the_previous_store(
    damage, dataset, file, store: Path, mirror: Path, tmp_path: Path, monkeypatch, capsys
):
    mirror_copy = tmp_path / "mirror"
    shutil.copytree(mirror, mirror_copy)
    target = mirror_copy / catalogue.get(dataset).mirror_path / file
    target.chmod(0o644)
    text = target.read_bytes()
    if damage == "truncate":
        target.write_bytes(text[: len(text) // 2])
    elif damage == "remove":
        target.unlink()
    elif damage == "utf16":
        target.write_bytes(text.decode("utf-8").encode("utf-16"))
    else:
        target.write_bytes(text.replace(b"P18_LOGVAC", b"P18_LOGVACANTS", 1))
    previous = tmp_path / "processed"
    shutil.copytree(store, previous)
    before = {name: (previous / name).read_bytes() for name in STORE_FILES}
    monkeypatch.setenv("OPENDATA_MIRROR", str(mirror_copy))

    with pytest.raises(SourceError) as error:
        build(previous, progress=False)
    assert dataset in str(error.value) and file in str(error.value)
    assert {name: (previous / name).read_bytes() for name in STORE_FILES} == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mirror", "processed"]

    assert main(["build", "--output", str(previous), "--quiet"]) == 1
    assert "conservé intact" in capsys.readouterr().err
