"""FINESS loaders (FHIR conversion, official CSV, nomenclature) and the housing typology."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from loaders import finess_csv, finess_fhir, finess_nomenclature
from loaders.errors import SourceError
from loaders.finess_common import (
    ESTABLISHMENTS,
    FAMILY_LABELS,
    HEBERGEMENT_TYPES,
    HOUSING,
    RESIDENCE_TYPES,
    TYPE_LABELS,
    classify,
    keep_housing,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "finess"
CSV_FIXTURE = FIXTURES / "etablissements-utf8.csv"
FHIR_FIXTURE = FIXTURES / "fhir-etablissements.ndjson"
FEW = (1, 20)
HDF_DEPARTEMENTS = ["02", "59", "60", "62", "80"]


def parse_csv(path: Path) -> pd.DataFrame:
    return finess_csv.parse(path, expected_establishments=FEW)


def parse_fhir(path: Path, dataset_id: str = finess_fhir.FRANCE_HOUSING_DATASET_ID) -> pd.DataFrame:
    return finess_fhir.parse(path, dataset_id, expected_organizations=FEW)


def assert_source_error(error: pytest.ExceptionInfo, dataset_id: str, path: Path, fragment: str) -> None:
    message = str(error.value)
    assert dataset_id in message
    assert path.name in message
    assert fragment in message


# --- typology -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "expected"),
    [
        ("259", "RS ADOMA LILLE", ("generaliste", "residence_sociale")),
        ("258", "PF ROMANETTE ESPOIR 02 LAON", ("pension_de_famille", "residence_sociale")),
        ("258", "PF RA ESCALES ARRAS", ("residence_accueil", "residence_sociale")),
        ("258", "PF RA  LE CHEVAL BLEU BULLY-LESMINES", ("residence_accueil", "residence_sociale")),
        ("258", "PF RAMBOUILLET", ("pension_de_famille", "residence_sociale")),
        ("258", "PF RESIDENCE POUR TOUS CALAIS", ("pension_de_famille", "residence_sociale")),
        ("258", None, ("pension_de_famille", "residence_sociale")),
        ("259", "PF RA MAL CLASSEE", ("generaliste", "residence_sociale")),
        ("257", "FJT", ("fjt", "residence_sociale")),
        ("256", "FTM", ("ftm", "residence_sociale")),
        ("214", "CHRS", ("chrs", "hebergement")),
        ("219", "CAO", ("autre_centre_accueil", "hebergement")),
        ("443", "CADA", ("cada", "hebergement")),
        ("442", "CPH", ("cph", "hebergement")),
        ("216", "RHVS", ("rhvs", "hebergement")),
        ("180", "LHSS", ("lhss", "hebergement")),
        ("213", "LAM", ("lam", "hebergement")),
        ("165", "ACT", ("act", "hebergement")),
        ("224", "PMI", None),
        ("218", "AIRE D'ACCUEIL", None),
        ("271", "MAISON D'ACCUEIL HOSPITALIERE", None),
        ("500", "EHPAD", None),
    ],
)
def test_classify(code, name, expected):
    assert classify(code, name) == expected


def test_labels_cover_every_type_in_order():
    assert tuple(TYPE_LABELS) == RESIDENCE_TYPES + HEBERGEMENT_TYPES
    assert set(FAMILY_LABELS) == {"residence_sociale", "hebergement"}
    assert TYPE_LABELS["ftm"] == "Résidence issue de FTM / FTM"


def test_keep_housing_reports_dropped_categories():
    frame = parse_csv(CSV_FIXTURE)
    housing, dropped = keep_housing(frame)
    HOUSING.validate(housing)
    assert dict(zip(housing["finess"], housing["type"], strict=True)) == {
        "599999001": "chrs",
        "809999001": "pension_de_famille",
        "629999001": "residence_accueil",
        "029999001": "fjt",
        "609999001": "lhss",
        "970499001": "act",
    }
    assert dropped.to_dict() == {"355": 1, "189": 1}
    assert len(housing) + dropped.sum() == len(frame)
    assert housing.attrs["extraction_date"] == "2021-01-08"


# --- official CSV: fixtures -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["etablissements-utf8.csv", "etablissements-cp1252.csv"])
def test_csv_fixture(name):
    frame = parse_csv(FIXTURES / name)
    assert list(frame.columns) == list(ESTABLISHMENTS.columns)
    assert frame.attrs == {
        "extraction_date": "2021-01-08",
        "unknown_record_types": {"autretype": 1},
        "unknown_projections": {},
        "without_position": 3,
    }
    rows = frame.set_index("finess")
    assert rows.loc["010000024", "category_label"] == "Centre Hospitalier (C.H.)"
    assert rows.loc["029999001", "name"] == 'FJT "LE TEST" FICTIF LAON'
    assert rows.loc["970210126", ["departement_code", "commune_code", "postal_code", "city"]].tolist() == [
        "972",
        "97207",
        "97224",
        "DUCOS",
    ]
    assert rows.loc["970499001", ["departement_code", "commune_code"]].tolist() == ["974", "97411"]
    assert rows.loc["599999001", ["departement_code", "commune_code"]].tolist() == ["59", "59350"]
    assert rows.loc["010000024", "opening_date"] == "1979-02-13"
    assert pd.isna(rows.loc["809999001", "opening_date"])  # 31-field line, placeholder 1901-01-01
    assert rows.loc[["029999001", "609999001", "970210126"], "lon"].isna().all()  # 0;0, empty, no line


def test_csv_encodings_give_the_same_frame():
    pd.testing.assert_frame_equal(
        parse_csv(FIXTURES / "etablissements-utf8.csv"), parse_csv(FIXTURES / "etablissements-cp1252.csv")
    )


def test_csv_projections():
    rows = parse_csv(CSV_FIXTURE).set_index("finess")
    lon, lat = rows.loc["010000024", ["lon", "lat"]]  # X 870215.7, Y 6571590.5 in Lambert-93, Viriat (Ain)
    assert 4.7 < lon < 6.2
    assert 45.6 < lat < 46.6
    assert rows.loc["599999001", ["lon", "lat"]].tolist() == pytest.approx([3.063, 50.630], abs=1e-5)
    assert rows.loc["970499001", ["lon", "lat"]].tolist() == pytest.approx([55.45, -20.88], abs=1e-5)


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("etablissements-tronque.csv", "ligne 17 : geolocalisation à 3 champs"),
        ("etablissements-premiere-ligne.csv", "première ligne inattendue"),
        ("etablissements-champs.csv", "ligne 4 : structureet à 30 champs"),
    ],
)
def test_csv_malformed_fixtures(name, fragment):
    with pytest.raises(SourceError) as error:
        parse_csv(FIXTURES / name)
    assert_source_error(error, finess_csv.DATASET_ID, FIXTURES / name, fragment)


def write_variant(tmp_path: Path, old: str, new: str) -> Path:
    text = CSV_FIXTURE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "etablissements.csv"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("structureet;599999001;", "structureet;5999X9001;", "numéro FINESS invalide dans structureet : ligne 4"),
        ("geolocalisation;599999001;", "geolocalisation;599999009;", "geolocalisation sans structureet"),
        ("geolocalisation;599999001;", "geolocalisation;809999001;", "en double dans geolocalisation"),
        (";350;59;NORD;", ";350;9Z;NORD;", "département/commune inconnus ('9Z', '350')"),
        ("geolocalisation;", "autretype;", "aucune ligne geolocalisation"),
        (";704465.1;", ";704465,1;", "valeurs non numériques"),
        ("59000 LILLE", "LILLE", "postal_code"),
        (";PF RA FICTIVE", ';"PF RA FICTIVE', "CSV mal formé"),
    ],
)
def test_csv_invalid_content(tmp_path, old, new, fragment):
    path = write_variant(tmp_path, old, new)
    with pytest.raises(SourceError) as error:
        parse_csv(path)
    assert_source_error(error, finess_csv.DATASET_ID, path, fragment)


def test_csv_undecodable_text(tmp_path):
    path = tmp_path / "etablissements.csv"
    path.write_bytes(CSV_FIXTURE.read_bytes().replace("é".encode(), b"\x81"))
    with pytest.raises(SourceError) as error:
        parse_csv(path)
    assert_source_error(error, finess_csv.DATASET_ID, path, "encodage inattendu")


def test_csv_rejects_an_implausibly_small_national_file():
    with pytest.raises(SourceError) as error:
        finess_csv.parse(CSV_FIXTURE)
    assert_source_error(error, finess_csv.DATASET_ID, CSV_FIXTURE, "8 établissements (structureet) lus")


def test_csv_unknown_projection_is_counted(tmp_path):
    path = write_variant(tmp_path, "V2.2,UTM_S40", "V2.2,UTM_S99")
    frame = parse_csv(path)
    assert frame.attrs["unknown_projections"] == {"UTM_S99": 1}
    assert pd.isna(frame.set_index("finess").loc["970499001", "lon"])


# --- FHIR: fixtures -------------------------------------------------------------------------------


def test_fhir_fixture():
    frame = parse_fhir(FHIR_FIXTURE)
    assert list(frame.columns) == list(ESTABLISHMENTS.columns)
    assert frame.attrs == {
        "extraction_date": "2021-01-08",
        "organizations_without_location": 1,
        "overseas_positions_dropped": 1,
    }
    rows = frame.set_index("finess")
    assert rows.loc["970499001", "departement_code"] == "974"
    assert rows.loc[["970499001", "029999001"], "lat"].isna().all()
    assert rows.loc["599999001", ["lon", "lat"]].tolist() == [3.063, 50.630]
    assert rows.loc[["029999001", "809999001"], "opening_date"].isna().all()  # 1904-04-04, 1901-01-01
    assert rows.loc["809999001", "city"] == "AMIENS CEDEX"
    assert frame["commune_code"].isna().all()


def test_fhir_truncated_last_line(tmp_path):
    path = tmp_path / "extrait.ndjson"
    path.write_text(FHIR_FIXTURE.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    with pytest.raises(SourceError) as error:
        parse_fhir(path)
    assert_source_error(error, finess_fhir.FRANCE_HOUSING_DATASET_ID, path, "ligne 9 : JSON invalide ou tronqué")


def test_fhir_location_without_organization(tmp_path):
    lines = FHIR_FIXTURE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "extrait.ndjson"
    path.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as error:
        parse_fhir(path)
    assert_source_error(
        error, finess_fhir.FRANCE_HOUSING_DATASET_ID, path, "Organization absente : 599999000-599999001"
    )


def test_fhir_missing_category(tmp_path):
    path = tmp_path / "extrait.ndjson"
    path.write_text(FHIR_FIXTURE.read_text(encoding="utf-8").replace("valuesets/CAT_ETAB", "valuesets/X", 1))
    with pytest.raises(SourceError) as error:
        parse_fhir(path)
    assert_source_error(
        error, finess_fhir.FRANCE_HOUSING_DATASET_ID, path, "Organization 599999000-599999001 : champ manquant"
    )


def test_fhir_rejects_a_filtered_or_wrong_extract():
    with pytest.raises(SourceError) as error:
        finess_fhir.parse(FHIR_FIXTURE, finess_fhir.FRANCE_HOUSING_DATASET_ID)
    assert_source_error(
        error, finess_fhir.FRANCE_HOUSING_DATASET_ID, FHIR_FIXTURE, "5 établissements (Organization) lus"
    )
    with pytest.raises(SourceError) as error:
        parse_fhir(FHIR_FIXTURE, finess_fhir.HDF_DATASET_ID)
    assert_source_error(error, finess_fhir.HDF_DATASET_ID, FHIR_FIXTURE, "hors du filtre de l'extrait : 974")


# --- real mirror ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hdf(mirror):
    return finess_fhir.load_hdf()


@pytest.fixture(scope="module")
def france(mirror):
    return finess_fhir.load_france_housing()


def test_mirror_hdf(hdf):
    assert len(hdf) == 8584
    assert hdf.attrs["organizations_without_location"] == 0
    assert hdf["departement_code"].value_counts().to_dict() == {
        "59": 3886,
        "62": 1936,
        "60": 1057,
        "80": 912,
        "02": 793,
    }
    assert hdf["lon"].between(1.385, 4.205).all()
    assert hdf["lat"].between(48.88, 51.075).all()
    housing, dropped = keep_housing(hdf)
    assert housing.groupby("category_code").size().to_dict() == {
        "259": 60, "258": 105, "257": 57, "256": 16, "214": 105, "219": 145,
        "443": 22, "442": 7, "216": 1, "180": 14, "213": 1, "165": 12,
    }  # fmt: skip
    assert dropped.sum() == 8584 - 545
    assert dropped["271"] == 2
    pensions = housing[housing["category_code"] == "258"]
    assert pensions["departement_code"].value_counts().to_dict() == {"59": 49, "62": 22, "02": 16, "80": 10, "60": 8}
    assert sorted(housing.loc[housing["type"] == "residence_accueil", "finess"]) == [
        "590056313", "600015135", "620026823", "620028902", "620034108",
        "620034124", "620034132", "800020885", "800020893",
    ]  # fmt: skip


def test_mirror_france_housing(france):
    assert len(france) == 6134
    assert france.attrs["overseas_positions_dropped"] == 78
    assert france.attrs["organizations_without_location"] == 7
    assert france["lon"].isna().sum() == 78 + 7
    counts = france.groupby("category_code").size().to_dict()
    assert counts == {
        "259": 1090, "258": 896, "257": 638, "256": 211, "214": 866, "219": 1282, "443": 380, "442": 140,
        "216": 19, "180": 145, "213": 25, "165": 195, "218": 195, "271": 49, "324": 3,
    }  # fmt: skip
    overseas = france[france["departement_code"].str.startswith("97")]
    assert overseas.groupby("category_code").size().to_dict() == {
        "258": 10, "257": 6, "214": 24, "219": 19, "180": 5, "213": 2, "165": 10, "271": 2,
    }  # fmt: skip
    assert set(overseas["departement_code"]) == {"971", "972", "973", "974"}


def test_mirror_files_agree_on_hauts_de_france(hdf, france):
    from_hdf, _ = keep_housing(hdf)
    from_france, _ = keep_housing(france[france["departement_code"].isin(HDF_DEPARTEMENTS)])
    pd.testing.assert_frame_equal(
        from_hdf.sort_values("finess").reset_index(drop=True), from_france.sort_values("finess").reset_index(drop=True)
    )


def test_mirror_nomenclature(mirror, hdf):
    categories, aggregates = finess_nomenclature.load()
    assert (len(categories), len(aggregates)) == (163, 57)
    logement = aggregates.set_index("aggregate_code").loc["4607"]
    assert logement[["category_codes", "count_france", "count_hdf"]].tolist() == ["258 259", 1986, 165]
    assert categories.set_index("category_code").loc["224", "aggregate_code"] == "2202"
    counted = hdf.groupby("category_code").size()
    published = categories.set_index("category_code")["count_hdf"]
    assert counted.to_dict() == published[published > 0].to_dict()


def test_nomenclature_inconsistent_aggregates(mirror, tmp_path):
    folder = mirror / "finess" / finess_nomenclature.DATASET_ID
    categories = tmp_path / finess_nomenclature.CATEGORIES_FILE
    aggregates = tmp_path / finess_nomenclature.AGGREGATES_FILE
    shutil.copy(folder / finess_nomenclature.CATEGORIES_FILE, categories)
    text = (folder / finess_nomenclature.AGGREGATES_FILE).read_text(encoding="utf-8")
    aggregates.write_text(text.replace(",258 259,1986,165", ",258 259,1986,166"), encoding="utf-8")
    with pytest.raises(SourceError) as error:
        finess_nomenclature.parse(categories, aggregates)
    assert_source_error(error, finess_nomenclature.DATASET_ID, aggregates, "incohérents avec les catégories : 4607")
    categories.write_text(categories.read_text(encoding="utf-8").replace("categetab,", "code,", 1), encoding="utf-8")
    with pytest.raises(SourceError) as error:
        finess_nomenclature.parse(categories, aggregates)
    assert_source_error(error, finess_nomenclature.DATASET_ID, categories, "colonne(s) manquante(s) : categetab")
