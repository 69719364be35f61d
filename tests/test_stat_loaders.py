"""Statistical loaders (Filosofi, Filosofi 2019 above the commune, Comparateur, populations, LOVAC, RPLS,
rents, baromètre, reference figures): hand-written fixtures, malformed variants of them, and the real mirror
files."""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import ModuleType

import numpy as np
import openpyxl
import pandas as pd
import pytest

from geo import territories
from loaders import (
    barometre,
    catalogue,
    comparateur,
    decoupage,
    fetch,
    filosofi,
    filosofi_supra,
    lovac,
    loyers,
    populations,
    readers,
    reference_figures,
    rpls,
)
from loaders.errors import SourceError
from tests.conftest import FIXTURES

STATS = FIXTURES / "stats"
FEW = (1, 10)
#: Rows of the Logement d'abord indicator in the baromètre fixtures, by level.
BAROMETRE_DETAIL_ROWS = {"departement": 12, "region": 5, "france": 3}
BAROMETRE_SYNTHESE_ROWS = {"departement": 2, "region": 2, "france": 1}


@dataclass(frozen=True)
class Case:
    """A parser, its valid fixture, and edits that break it: (old, new) text replacements."""

    dataset_id: str
    parse: Callable[[Path], pd.DataFrame]
    fixture: str
    renamed: tuple[str, str]
    junk: tuple[str, str]
    bad_code: tuple[str, str]
    encoding: str = "utf-8"
    #: Module whose exact row count `ROWS` is set to the fixture's number of rows during the test.
    exact_rows: tuple[ModuleType, int] | None = None

    def expect_fixture_rows(self, monkeypatch: pytest.MonkeyPatch) -> None:
        if self.exact_rows is not None:
            module, rows = self.exact_rows
            monkeypatch.setattr(module, "ROWS", rows)


CASES = {
    "filosofi": Case(
        filosofi.DATASET_ID,
        partial(filosofi.parse, rows=FEW),
        "filosofi.csv",
        ("TP6021", "TP60_21"),
        (";19500;", ";19 5OO;"),
        ("59350;", "5935;"),
    ),
    "comparateur": Case(
        comparateur.DATASET_ID,
        partial(comparateur.parse, rows=FEW, member=None),
        "comparateur.CSV",
        ("P18_LOGVAC", "P18_LOGVACANTS"),
        (";12604.12;", ";12604,12;"),
        ("60054;", "6O054;"),
    ),
    "populations": Case(
        populations.DATASET_ID,
        partial(populations.parse, rows=FEW),
        "populations_communes.csv",
        ("PMUN", "POP_MUN"),
        (";238246;", ";238246 hab;"),
        (";59350;", ";62350;"),
    ),
    "populations_departements": Case(
        populations.DATASET_ID,
        partial(populations.parse_departements, rows=FEW),
        "populations_departements.csv",
        ("Département", "Departement"),
        (";2615635;", ";2615635 hab;"),
        (";59;Nord", ";20;Nord"),
    ),
    "lovac": Case(
        lovac.DATASET_ID,
        partial(lovac.parse, rows=FEW),
        "lovac.csv",
        ("pp_vacant_plus_2ans_22", "pp_vacant_plus2ans_22"),
        ("20 433", "20 4x3"),
        (" 07 ;", " 07B ;"),
        encoding="cp1252",
    ),
    "barometre_departement": Case(
        barometre.DATASET_ID,
        partial(barometre.parse_detail, level="departement", rows=12),
        "barometre-detail-departemental.csv",
        ("code_departement", "departement"),
        ("2913.0", "2913.0 personnes"),
        (",976,Mayotte,2020", ",985,Mayotte,2020"),
    ),
    "barometre_region": Case(
        barometre.DATASET_ID,
        partial(barometre.parse_detail, level="region", rows=5),
        "barometre-detail-regional.csv",
        ("libelle_region", "nom_region"),
        ("6882.0", "6882.0.0"),
        (",02,Martinique", ",05,Martinique"),
    ),
    "barometre_synthese": Case(
        barometre.DATASET_ID,
        partial(barometre.parse_synthese_file, level="region", rows=2),
        "barometre-synthese-regional.csv",
        ("pourcentage_cible", "part_cible"),
        ("7150.0", "sept mille"),
        (",32,Hauts", ",33,Hauts"),
    ),
    "reference_figures": Case(
        reference_figures.DATASET_ID,
        partial(reference_figures.parse_figures, rows=FEW),
        "reference_figures.csv",
        ("label_fr", "label"),
        (",5710,", ",5710 places,"),
        ("drees_places_chrs_hdf_2021", "DREES places"),
    ),
    "accelerated_territories": Case(
        reference_figures.DATASET_ID,
        partial(reference_figures.parse_accelerated, rows=FEW),
        "accelerated_territories.csv",
        ("territory_code", "siren"),
        (",2,territoire", ",deux,territoire"),
        (",248000531,", ",24800053,"),
    ),
    # UTF-8 with BOM: "utf-8-sig" reads the fixture without its BOM and writes edited copies with it.
    "filosofi_supra_epci": Case(
        filosofi_supra.DATASET_ID,
        partial(filosofi_supra.parse, code_pattern=filosofi_supra.FILES["FILO2019_DISP_EPCI.csv"][2], rows=6),
        "FILO2019_DISP_EPCI.csv",
        ("PPLOGT19", "PPLOG19"),
        (";20940;28660;", ";20 940;28660;"),
        ("245900410;", "24590041;"),
        encoding="utf-8-sig",
    ),
    "filosofi_supra_departement": Case(
        filosofi_supra.DATASET_ID,
        partial(filosofi_supra.parse, code_pattern=readers.DEPARTEMENT_CODE, rows=4),
        "FILO2019_DISP_DEP.csv",
        ("Q219", "Q2_19"),
        (";19880;25680;", ";19880 €;25680;"),
        ("\n02;Aisne", "\n20;Aisne"),
        encoding="utf-8-sig",
    ),
    "rpls_extract": Case(
        rpls.EXTRACT_DATASET_ID,
        rpls.parse_extract,
        "lgt_soc_2024_extracted.csv",
        ("tx_mob", "tx_mobilite"),
        (",33192,", ",33 192,"),
        (",59350,", ",5935,"),
        exact_rows=(rpls, 9),
    ),
    "loyers_appartements": Case(
        loyers.DATASET_ID,
        partial(loyers.parse, kind="appartement"),
        "indicateurs-loyers-appartements.csv",
        ("loypredm2", "loypred_m2"),
        (";13,85735561;", ";13,86 €;"),
        (";59350;Lille", ";593500;Lille"),
        exact_rows=(loyers, 9),
    ),
    "loyers_maisons": Case(
        loyers.DATASET_ID,
        partial(loyers.parse, kind="maison"),
        "indicateurs-loyers-maisons.csv",
        ("TYPPRED", "TYPE_PRED"),
        (";11,06196297;", ";11,06196297 €/m²;"),
        (";2B033;", ";2C033;"),
        exact_rows=(loyers, 9),
    ),
}


def _variant(tmp_path: Path, case: Case, edit: Callable[[str], bytes]) -> Path:
    """Write an edited copy of the fixture under the same file name."""
    text = (STATS / case.fixture).read_bytes().decode(case.encoding)
    path = tmp_path / case.fixture
    path.write_bytes(edit(text))
    return path


def _replace(case: Case, old: str, new: str) -> Callable[[str], bytes]:
    def edit(text: str) -> bytes:
        assert old in text, f"{old!r} absent from {case.fixture}"
        return text.replace(old, new, 1).encode(case.encoding)

    return edit


def _truncate(case: Case) -> Callable[[str], bytes]:
    def edit(text: str) -> bytes:
        head, last = text.rstrip("\r\n").rsplit("\n", 1)
        return f"{head}\n{last[: len(last) // 2]}".encode(case.encoding)

    return edit


def _malformations(case: Case) -> dict[str, tuple[Callable[[str], bytes], str]]:
    """Edit and the expected reason, by kind of malformation."""
    return {
        "truncated": (_truncate(case), "incomplète"),
        "utf16": (lambda text: text.encode("utf-16"), "encodage"),
        "cp1252_byte": (lambda text: text.replace("\n", "\u00e9\n", 1).encode("cp1252"), "encodage"),
        "renamed_column": (_replace(case, *case.renamed), "colonne"),
        "junk_number": (_replace(case, *case.junk), "non numériques"),
        "unknown_code": (_replace(case, *case.bad_code), "non conformes"),
    }


MALFORMED = [
    pytest.param(name, kind, id=f"{name}-{kind}")
    for name, case in CASES.items()
    for kind in ("truncated", "utf16", "cp1252_byte", "renamed_column", "junk_number", "unknown_code")
    if not (case.encoding == "cp1252" and kind == "cp1252_byte")  # a cp1252 byte is LOVAC's own encoding
]


@pytest.mark.parametrize("name", CASES)
def test_valid_fixture_parses(name, monkeypatch):
    case = CASES[name]
    case.expect_fixture_rows(monkeypatch)
    assert len(case.parse(STATS / case.fixture)) > 0


@pytest.mark.parametrize(("name", "kind"), MALFORMED)
def test_malformed_fixture_raises_source_error_naming_dataset_and_file(tmp_path, name, kind, monkeypatch):
    case = CASES[name]
    case.expect_fixture_rows(monkeypatch)
    edit, reason = _malformations(case)[kind]
    path = _variant(tmp_path, case, edit)
    with pytest.raises(SourceError) as caught:
        case.parse(path)
    message = str(caught.value)
    assert case.dataset_id in message
    assert case.fixture in message
    assert reason in message


def test_filosofi_fixture_secret_is_nan_and_decimal_comma_is_read():
    frame = filosofi.parse(STATS / "filosofi.csv", rows=FEW).set_index("code")
    assert list(frame.columns) == list(filosofi.COLUMNS)
    assert (frame.dtypes == "float64").all()
    assert frame.loc["59350", "TP6021"] == 25.3
    assert frame.loc["59350", "RD21"] == 4.3
    assert frame.loc["02001", "MED21"] == 21150
    assert np.isnan(frame.loc["02001", "TP6021"])  # "s"
    assert frame.loc["2A004"].isna().all()  # "nd"


def test_filosofi_refuses_an_implausible_row_count():
    with pytest.raises(SourceError, match="communes lus"):
        filosofi.parse(STATS / "filosofi.csv")


def test_comparateur_fixture_blank_is_nan():
    frame = comparateur.parse(STATS / "comparateur.CSV", rows=FEW, member=None).set_index("code")
    assert frame.loc["59350", "P18_LOGVAC"] == 12604.12
    assert frame.loc["60054", "SUPERF"] == 12.4
    assert np.isnan(frame.loc["02001", "TP6019"])
    assert frame.loc["59350", "TP6019"] == 25


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def test_comparateur_reads_its_member_of_the_national_zip_and_names_what_is_wrong(tmp_path):
    content = (STATS / "comparateur.CSV").read_bytes()
    national = _zip(tmp_path / "national.zip", {"meta_base_cc_comparateur.CSV": b"x;y\n", comparateur.MEMBER: content})
    from_zip = comparateur.parse(national, rows=FEW)
    pd.testing.assert_frame_equal(from_zip, comparateur.parse(STATS / "comparateur.CSV", rows=FEW, member=None))
    without_member = _zip(tmp_path / "without.zip", {"meta_base_cc_comparateur.CSV": b"x;y\n"})
    with pytest.raises(SourceError, match=rf"{comparateur.MEMBER} absent de l'archive") as caught:
        comparateur.parse(without_member, rows=FEW)
    assert comparateur.DATASET_ID in str(caught.value) and "without.zip" in str(caught.value)
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(national.read_bytes()[:200])
    with pytest.raises(SourceError, match="archive zip illisible"):
        comparateur.parse(truncated, rows=FEW)


def test_populations_by_commune_sums_the_arrondissements_of_a_commune_absent_from_the_file():
    arrondissements = pd.DataFrame({"code": ["75101", "75102", "69381"], "commune_code": ["75056", "75056", "69123"]})
    frame = pd.DataFrame(
        {
            "code": ["75101", "75102", "69123", "69381", "59350"],
            "PMUN": [10, 20, 500, 40, 7],
            "PCAP": [1, 2, 5, 4, 0],
            "PTOT": [11, 22, 505, 44, 7],
        }
    )
    communes = populations.by_commune(frame, arrondissements).set_index("code")
    assert communes.to_dict("index") == {
        "75056": {"PMUN": 30, "PCAP": 3, "PTOT": 33},
        "69123": {"PMUN": 500, "PCAP": 5, "PTOT": 505},  # the commune's own row: its arrondissement is not added
        "69381": {"PMUN": 40, "PCAP": 4, "PTOT": 44},
        "59350": {"PMUN": 7, "PCAP": 0, "PTOT": 7},
    }


def test_populations_fixture_columns_and_types():
    communes = populations.parse(STATS / "populations_communes.csv", rows=FEW)
    assert list(communes.columns) == ["code", "departement_code", "region_code", "name", "PMUN", "PCAP", "PTOT"]
    assert (communes[["PMUN", "PCAP", "PTOT"]].dtypes == "int64").all()
    assert communes.set_index("code").loc["2A004", "departement_code"] == "2A"
    departements = populations.parse_departements(STATS / "populations_departements.csv", rows=FEW)
    assert departements.set_index("code").loc["971", "region_code"] == "01"


@pytest.mark.parametrize(
    ("parse", "fixture", "what"),
    [
        (populations.parse, "populations_communes.csv", "communes"),
        (populations.parse_departements, "populations_departements.csv", "départements"),
    ],
)
def test_populations_refuse_one_row_more_or_less_than_expected(parse, fixture, what):
    rows = len(parse(STATS / fixture, rows=FEW))
    assert len(parse(STATS / fixture, rows=(rows, rows))) == rows
    for expected in (rows - 1, rows + 1):
        with pytest.raises(SourceError, match=rf"{rows} {what} lus, attendu {expected} \("):
            parse(STATS / fixture, rows=(expected, expected))
    with pytest.raises(SourceError, match=rf"{rows} {what} lus, attendu (34900|100) \("):  # the mirror's count
        parse(STATS / fixture)


@pytest.mark.parametrize(
    ("counts", "rows"),
    [(filosofi.ROWS, 34_909), (comparateur.ROWS, 35_010), (populations.COMMUNE_ROWS, 34_900)],
)
def test_national_commune_files_expect_their_exact_count_from_the_mirror_and_the_official_zip(counts, rows):
    assert counts.bounds(from_mirror=True) == counts.bounds(from_mirror=False) == (rows, rows)


def test_a_national_file_is_counted_whole_and_filtered_to_the_departements_asked_for():
    whole = filosofi.parse(STATS / "filosofi.csv", rows=FEW)
    kept = filosofi.parse(STATS / "filosofi.csv", rows=FEW, departements={"59", "2A"})
    assert set(kept["code"]) == {code for code in whole["code"] if code[:2] in {"59", "2A"}} and len(kept) < len(whole)
    assert kept.attrs[readers.ROWS_IN_FILE] == whole.attrs[readers.ROWS_IN_FILE] == len(whole)
    communes = populations.parse(STATS / "populations_communes.csv", rows=FEW, departements={"971"})
    assert set(communes["departement_code"]) <= {"971"}


def test_in_departements_reads_three_characters_overseas():
    codes = pd.Series(["97105", "97411", "59350", "2A004", "75101"])
    assert list(readers.in_departements(codes, {"971", "2A"})) == [True, False, False, True, False]
    assert readers.in_departements(codes, None).all()


#: Loaders whose official download is another file than the mirror's (newest issue): module, loader, fixture,
#: attribute of the expected rows, counts of the PROVENANCE (mirror, official file).
LIVE_LOADERS = {
    "populations_departements": (
        populations,
        populations.load_departements,
        "populations_departements.csv",
        "DEPARTEMENT_ROWS",
        (100, 100),
    ),
    "lovac": (lovac, lovac.load, "lovac.csv", "ROWS", (101, 101)),
}


@pytest.mark.parametrize("name", LIVE_LOADERS)
def test_loaders_expect_the_exact_mirror_count_and_a_3_percent_band_for_the_official_file(name, tmp_path, monkeypatch):
    module, load, fixture, attribute, (mirror_rows, live_rows) = LIVE_LOADERS[name]
    counts = getattr(module, attribute)
    assert (counts.mirror, counts.live) == (mirror_rows, live_rows)
    monkeypatch.setattr(module, "fetch", lambda dataset_id, filename: STATS / fixture)
    monkeypatch.setenv("OPENDATA_MIRROR", str(tmp_path))
    with pytest.raises(SourceError, match=rf"lus, attendu {mirror_rows} \("):
        load()
    monkeypatch.delenv("OPENDATA_MIRROR")
    low, high = counts.bounds(from_mirror=False)
    assert low < live_rows < high and high - low <= 0.06 * live_rows + 2
    with pytest.raises(SourceError, match=rf"lus, attendu entre {low} et {high} \("):
        load()
    rows = len(pd.read_csv(STATS / fixture, sep=";", dtype=str, encoding="cp1252" if name == "lovac" else "utf-8"))
    monkeypatch.setattr(module, attribute, readers.RowCount(mirror=rows, live=rows))
    assert len(load()) >= rows  # LOVAC: one row per département and year
    monkeypatch.setenv("OPENDATA_MIRROR", str(tmp_path))
    assert len(load()) >= rows


def test_populations_refuses_inconsistent_totals(tmp_path):
    case = CASES["populations"]
    path = _variant(tmp_path, case, _replace(case, ";518;8;526", ";518;8;600"))
    with pytest.raises(SourceError, match="PTOT"):
        case.parse(path)


def test_lovac_fixture_is_long_with_thousands_and_accents():
    frame = lovac.parse(STATS / "lovac.csv", rows=FEW)
    assert sorted(frame["year"].unique()) == list(range(2020, 2026))
    assert len(frame) == 4 * 6
    aisne = frame[frame["departement_code"] == "02"].set_index("year")
    assert aisne.loc[2025, "pp_vacant"] == 20433
    assert np.isnan(aisne.loc[2025, "pp_total"])
    assert aisne.loc[2024, "pp_total"] == 230105
    assert "Ardèche" in set(frame["departement_name"])


def test_lovac_also_reads_a_utf8_issue(tmp_path):
    case = CASES["lovac"]
    path = _variant(tmp_path, case, lambda text: text.encode("utf-8"))
    assert "Ardèche" in set(lovac.parse(path, rows=FEW)["departement_name"])


def test_lovac_refuses_a_year_without_its_vacancy_columns(tmp_path):
    case = CASES["lovac"]
    path = _variant(tmp_path, case, lambda text: text.replace("pp_vacant_22", "pp_total_19", 1).encode("cp1252"))
    with pytest.raises(SourceError, match="pp_vacant_19"):
        case.parse(path)


def _fixture_detail() -> pd.DataFrame:
    paths = (STATS / f"barometre-detail-{scope}.csv" for scope in barometre._SCOPES.values())
    return barometre.parse(*paths, rows=BAROMETRE_DETAIL_ROWS)


def test_barometre_fixture_marks_no_data_zeros_as_missing():
    detail = _fixture_detail()
    assert set(detail["level"]) == {"departement", "region", "france"}
    value = detail.set_index(["level", "code", "date"])["value"].sort_index()
    assert np.isnan(value["departement", "59", pd.Timestamp("2018-01-31")])
    assert np.isnan(value["region", "32", pd.Timestamp("2018-01-31")])
    assert value["departement", "02", pd.Timestamp("2019-01-31")] == 0  # a genuine zero
    assert value["departement", "976"].isna().all()  # Mayotte: never collected
    assert value["france", "FR", pd.Timestamp("2021-12-31")] == 60733
    assert detail.set_index(["level", "code"]).loc[("region", "02"), "name"] == "Martinique"


def test_barometre_fixture_keeps_only_the_logement_d_abord_indicator():
    detail = _fixture_detail()
    assert not ((detail["code"] == "59") & (detail["date"] == pd.Timestamp("2020-04-30"))).any()


def test_barometre_yearly_totals_take_the_latest_month():
    totals = barometre.yearly_totals(_fixture_detail()).set_index(["level", "code", "year"])
    assert totals.loc[("departement", "59", 2018)].to_dict() == {"value": 2913, "months": 12}
    assert totals.loc[("departement", "59", 2022)].to_dict() == {"value": 2688, "months": 11}
    assert ("departement", "976", 2020) not in totals.index


def test_barometre_synthese_fixture():
    synthese = barometre.parse_synthese(
        *(STATS / f"barometre-synthese-{scope}.csv" for scope in barometre._SCOPES.values()),
        rows=BAROMETRE_SYNTHESE_ROWS,
    ).set_index(["level", "code"])
    assert synthese.loc[("region", "32"), "cible"] == 7150
    assert synthese.loc[("departement", "59"), "valeur_initiale"] == 2702
    assert synthese.loc[("france", "FR"), "date_valeur_actuelle"] == pd.Timestamp("2022-11-30")
    assert np.isnan(synthese.loc[("region", "06"), "valeur_actuelle"])
    assert pd.isna(synthese.loc[("region", "06"), "date_cible"])


def test_barometre_refuses_a_date_that_is_not_a_month_end(tmp_path):
    case = CASES["barometre_region"]
    path = _variant(tmp_path, case, _replace(case, "2021-12-31,6882", "2021-12-15,6882"))
    with pytest.raises(SourceError, match="fins de mois"):
        case.parse(path)


def test_barometre_refuses_a_file_without_the_indicator(tmp_path):
    case = CASES["barometre_departement"]
    path = _variant(
        tmp_path, case, lambda text: text.replace("logement-sans-domicile-hebergement-urgence", "autre").encode()
    )
    with pytest.raises(SourceError, match="absent"):
        case.parse(path)


def test_reference_figures_fixture_flags_figures_to_be_confirmed():
    figures = reference_figures.parse_figures(STATS / "reference_figures.csv", rows=FEW).set_index("id")
    assert figures.loc["cout_place_chrs", "to_be_confirmed"]
    assert not figures.loc["drees_places_chrs_hdf_2021", "to_be_confirmed"]
    assert figures.loc["drees_taux_hebergement_hdf_2021", "value"] == 2.4
    territories = reference_figures.parse_accelerated(STATS / "accelerated_territories.csv", rows=FEW)
    assert list(territories.columns) == ["territory_name", "territory_level", "territory_code", "wave"]
    assert territories["wave"].dtype == "int64"


def test_reference_figures_refuse_a_siren_given_as_departement(tmp_path):
    case = CASES["accelerated_territories"]
    path = _variant(tmp_path, case, _replace(case, "epci,248000531", "departement,248000531"))
    with pytest.raises(SourceError, match="SIREN"):
        case.parse(path)


# Filosofi 2019 above the commune (INSEE FILO2019_DISP_* files: UTF-8 with BOM, CRLF, no line break at the end).


def test_filosofi_supra_fixture_reads_the_bom_header_and_decimal_commas(tmp_path):
    path = STATS / "FILO2019_DISP_EPCI.csv"
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8 + b"CODGEO;") and b"\r\n" in raw and not raw.endswith(b"\n")
    frame = filosofi_supra.parse(path, code_pattern=r"^\d{9}$", rows=6)
    assert list(frame.columns) == ["code", "name", *filosofi_supra.COLUMNS]
    assert (frame[list(filosofi_supra.COLUMNS)].dtypes == "float64").all()
    assert frame["code"].tolist()[:2] == ["200067973", "245900410"]  # no BOM left on the first code
    mel = frame.set_index("code").loc["245900410"]
    assert mel["name"] == "Métropole Européenne de Lille"
    assert mel[["NBMEN19", "NBPERS19", "Q219", "D119", "D919"]].tolist() == [466_329, 1_080_053, 20_940, 10_550, 38_960]
    assert mel[["PPMINI19", "PPLOGT19", "PPSOC19"]].tolist() == [3.6, 1.8, 8.1]
    # The same bytes without the BOM give the same frame.
    plain = tmp_path / path.name
    plain.write_bytes(raw.removeprefix(codecs.BOM_UTF8))
    pd.testing.assert_frame_equal(filosofi_supra.parse(plain, code_pattern=r"^\d{9}$", rows=6), frame)


@pytest.mark.parametrize("rows", [5, 7, 1_240])
def test_filosofi_supra_refuses_a_wrong_row_count(rows):
    with pytest.raises(SourceError) as caught:
        filosofi_supra.parse(STATS / "FILO2019_DISP_EPCI.csv", code_pattern=r"^\d{9}$", rows=rows)
    message = str(caught.value)
    assert filosofi_supra.DATASET_ID in message and "FILO2019_DISP_EPCI.csv" in message
    assert f"6 territoires lus, attendu {rows} (" in message


@pytest.mark.parametrize("value", ["s", "", "103,6", "-3,6"], ids=["secret", "empty", "over-100", "negative"])
def test_filosofi_supra_refuses_a_missing_or_impossible_share(tmp_path, value):
    case = CASES["filosofi_supra_epci"]
    path = _variant(tmp_path, case, _replace(case, ";2,7;3,6;1,8;", f";2,7;{value};1,8;"))  # MEL's PPMINI19
    with pytest.raises(SourceError, match="non conformes") as caught:
        case.parse(path)
    assert "PPMINI19" in str(caught.value) and case.fixture in str(caught.value)


def test_filosofi_supra_refuses_a_duplicated_territory(tmp_path):
    case = CASES["filosofi_supra_epci"]
    path = _variant(tmp_path, case, _replace(case, "246000376;", "200067973;"))
    with pytest.raises(SourceError, match="non conformes"):
        case.parse(path)


@pytest.fixture
def filosofi_supra_fixtures(monkeypatch) -> pd.DataFrame:
    """filosofi_supra.load() on the four fixture files (their own row counts)."""

    def fixture_file(dataset_id: str, filename: str) -> Path:
        assert dataset_id == filosofi_supra.DATASET_ID
        return STATS / filename

    counts = {"FILO2019_DISP_EPCI.csv": 6, "FILO2019_DISP_DEP.csv": 4, "FILO2019_DISP_REG.csv": 3}
    files = {
        name: (level, counts.get(name, rows), pattern) for name, (level, rows, pattern) in filosofi_supra.FILES.items()
    }
    monkeypatch.setattr(filosofi_supra, "FILES", files)
    monkeypatch.setattr(filosofi_supra, "fetch", fixture_file)
    return filosofi_supra.load()


def test_filosofi_supra_load_tags_levels_and_codes_france_fr(filosofi_supra_fixtures):
    frame = filosofi_supra_fixtures
    assert frame["level"].value_counts().to_dict() == {"epci": 6, "departement": 4, "region": 3, "france": 1}
    published = frame.set_index(["level", "code"])
    assert published.loc[("france", "FR"), "name"] == "France métropolitaine"
    assert published.loc[("france", "FR"), "Q219"] == 21_930
    assert "1" not in set(frame["code"])
    # "02" is both the Aisne and Martinique: the level tells them apart.
    assert published.loc[("departement", "02"), "Q219"] == 19_880
    assert published.loc[("region", "02"), "name"] == "Martinique"
    assert published.loc[("region", "32"), "Q219"] == 20_360
    assert published.loc[("departement", "2A"), "name"] == "Corse-du-Sud"


def test_perimeter_changes_are_the_declared_ones_then_those_the_households_reveal():
    ratio = pd.Series(
        {"200093201": 0.95, "200067973": 1.0, "111111111": 1.0199, "222222222": 0.979, "333333333": 1.03},
    )
    changes = filosofi_supra.perimeter_changes(pd.concat([ratio, pd.Series({"444444444": float("nan")})]))
    declared = {change.siren: change.change for change in filosofi_supra.PERIMETER_CHANGES}
    assert changes == {
        "200093201": declared["200093201"],
        "200067973": declared["200067973"],  # declared, even when its households match
        "222222222": filosofi_supra.DETECTED_CHANGE,
        "333333333": filosofi_supra.DETECTED_CHANGE,
    }
    assert filosofi_supra.PERIMETER_TOLERANCE == 0.02


def test_filosofi_supra_epci_rows_rekey_the_former_mel_siren_without_recombining(filosofi_supra_fixtures):
    current = ["200093201", "200067973", "246000376", "246000582", "200041630"]
    rows, report = filosofi_supra.epci_rows(filosofi_supra_fixtures, current)
    assert report == {"meme_siren": 3, "ancien_siren": {"200093201": "245900410"}, "sans_ligne": ["200041630"]}
    assert rows.index.tolist() == ["200093201", "200067973", "246000376", "246000582"]
    mel = rows.loc["200093201"]
    assert mel["name"] == "Métropole Européenne de Lille"
    # MEL 2019 alone: the CC de la Haute-Deûle (245901061, 9,868 households) is not added to it.
    assert mel["NBMEN19"] == 466_329 and mel["Q219"] == 20_940
    assert "245900410" not in rows.index and "245901061" not in rows.index
    assert rows.loc["200067973", "Q219"] == 23_840


def test_filosofi_supra_declares_a_perimeter_change_for_every_former_siren():
    changed = {change.siren for change in filosofi_supra.PERIMETER_CHANGES}
    assert set(filosofi_supra.FORMER_SIRENS) <= changed
    assert len(changed) == len(filosofi_supra.PERIMETER_CHANGES)


# RPLS 2024: the mirror's derived extract and the official workbook it was cut from.


def _rpls_fixture_rows() -> list[list]:
    """The extract fixture's rows, typed as the workbook's cells (REG number, codes and names text)."""
    with (STATS / rpls.EXTRACT_FILE).open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    assert records[0] == list(rpls.COLUMNS)
    return [
        [int(reg), dep, code, name, float(density), int(count), float(vacancy), float(turnover)]
        for reg, dep, code, name, density, count, vacancy, turnover in records[1:]
    ]


def _write_workbook(
    path: Path, *, sheet: str = "COMMUNES", title_rows: int = 5, header: tuple[str, ...] = rpls.COLUMNS
) -> Path:
    """A workbook laid out like the SDES one: title rows, then the header and one row per commune."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "SOMMAIRE"
    workbook.active.append(["Le parc locatif social au 1er janvier 2024"])
    worksheet = workbook.create_sheet(sheet)
    titles = [
        ["Le parc locatif social au 1er janvier 2024 : résultats par commune"],
        [],
        ["Source : SDES, RPLS au 1er janvier 2024"],
        ["Champ : France entière, logements sociaux au sens de l'article L.302-5 du CCH"],
        ["Unités : nombre, %"],
    ]
    for row in titles[:title_rows]:
        worksheet.append(row)
    worksheet.append(list(header))
    for row in _rpls_fixture_rows():
        worksheet.append(row)
    workbook.save(path)
    return path


def test_rpls_extract_fixture_is_tidy(monkeypatch):
    monkeypatch.setattr(rpls, "ROWS", 9)
    frame = rpls.parse_extract(STATS / rpls.EXTRACT_FILE)
    assert list(frame.columns) == [
        "code",
        "departement_code",
        "name",
        "social_dwellings",
        "density",
        "vacancy_rate",
        "turnover_rate",
    ]
    assert frame["social_dwellings"].dtype == "int64"
    assert (frame[["density", "vacancy_rate", "turnover_rate"]].dtypes == "float64").all()
    by_code = frame.set_index("code")
    assert by_code.loc["59350"].tolist() == ["59", "Lille", 33_192, 26.34, 1.1747, 7.7658]
    assert by_code.loc["2A004", "departement_code"] == "2A"
    assert by_code.loc["75101", "name"] == "Paris"  # municipal arrondissement, kept as published
    assert by_code.loc["97616", "departement_code"] == "976"
    assert by_code.loc["60054", ["vacancy_rate", "turnover_rate"]].tolist() == [0.0, 0.0]


def test_rpls_refuses_a_wrong_row_count(monkeypatch):
    path = STATS / rpls.EXTRACT_FILE
    with pytest.raises(SourceError) as caught:
        rpls.parse_extract(path)  # ROWS = 16,859, the national sheet
    message = str(caught.value)
    assert rpls.EXTRACT_DATASET_ID in message and rpls.EXTRACT_FILE in message
    assert "9 communes lus, attendu 16859 (" in message
    monkeypatch.setattr(rpls, "ROWS", 10)
    with pytest.raises(SourceError, match="9 communes lus"):
        rpls.parse_extract(path)


@pytest.mark.parametrize(
    ("old", "new"),
    [(",80021,", ",59350,"), (",26.34,", ",126.34,"), (",1.1747,", ",-1.1747,"), (",33192,", ",33192.5,")],
    ids=["duplicated-commune", "density-over-100", "negative-vacancy", "fractional-count"],
)
def test_rpls_refuses_impossible_values(tmp_path, monkeypatch, old, new):
    case = CASES["rpls_extract"]
    case.expect_fixture_rows(monkeypatch)
    path = _variant(tmp_path, case, _replace(case, old, new))
    with pytest.raises(SourceError) as caught:
        case.parse(path)
    assert case.dataset_id in str(caught.value) and case.fixture in str(caught.value)


def test_rpls_workbook_gives_the_same_tidy_frame_as_the_extract(tmp_path, monkeypatch):
    monkeypatch.setattr(rpls, "ROWS", 9)
    workbook = _write_workbook(tmp_path / rpls.WORKBOOK_FILE)
    pd.testing.assert_frame_equal(rpls.parse_workbook(workbook), rpls.parse_extract(STATS / rpls.EXTRACT_FILE))


@pytest.mark.parametrize(
    ("layout", "reason"),
    [
        ({"sheet": "COMMUNES_2024"}, "sans feuille COMMUNES"),
        ({"title_rows": 4}, "colonne(s) manquante(s)"),
        ({"header": (*rpls.COLUMNS[:-1], "tx_mobilite")}, "colonne(s) manquante(s) : tx_mob"),
    ],
    ids=["no-communes-sheet", "four-title-rows", "renamed-column"],
)
def test_rpls_workbook_with_another_layout_raises_source_error(tmp_path, monkeypatch, layout, reason):
    monkeypatch.setattr(rpls, "ROWS", 9)
    workbook = _write_workbook(tmp_path / rpls.WORKBOOK_FILE, **layout)
    with pytest.raises(SourceError) as caught:
        rpls.parse_workbook(workbook)
    message = str(caught.value)
    assert rpls.WORKBOOK_DATASET_ID in message and rpls.WORKBOOK_FILE in message
    assert reason in message


@pytest.mark.parametrize("damage", ["truncated", "csv-renamed-xlsx"])
def test_rpls_unreadable_workbook_raises_source_error(tmp_path, monkeypatch, damage):
    monkeypatch.setattr(rpls, "ROWS", 9)
    path = _write_workbook(tmp_path / rpls.WORKBOOK_FILE)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if damage == "truncated" else (STATS / rpls.EXTRACT_FILE).read_bytes())
    with pytest.raises(SourceError, match="classeur illisible") as caught:
        rpls.parse_workbook(path)
    assert rpls.WORKBOOK_DATASET_ID in str(caught.value) and rpls.WORKBOOK_FILE in str(caught.value)


def test_rpls_load_reads_the_extract_from_a_mirror_and_the_workbook_without(tmp_path, monkeypatch):
    monkeypatch.setattr(rpls, "ROWS", 9)
    workbook = _write_workbook(tmp_path / rpls.WORKBOOK_FILE)
    files = {
        (rpls.EXTRACT_DATASET_ID, rpls.EXTRACT_FILE): STATS / rpls.EXTRACT_FILE,
        (rpls.WORKBOOK_DATASET_ID, rpls.WORKBOOK_FILE): workbook,
    }
    monkeypatch.setattr(rpls, "fetch", lambda dataset_id, filename: files[dataset_id, filename])
    monkeypatch.setenv("OPENDATA_MIRROR", str(tmp_path))
    dataset_id, from_mirror = rpls.load()
    assert dataset_id == rpls.EXTRACT_DATASET_ID
    monkeypatch.delenv("OPENDATA_MIRROR")
    dataset_id, official = rpls.load()
    assert dataset_id == rpls.WORKBOOK_DATASET_ID
    pd.testing.assert_frame_equal(official, from_mirror)
    assert not catalogue.get(rpls.WORKBOOK_DATASET_ID).in_mirror


# DHUP/ANIL rents 2018 (';', decimal comma, CRLF, INSEE codes without their leading zero).


def test_loyers_fixture_pads_codes_and_keeps_the_estimation_level(monkeypatch):
    monkeypatch.setattr(loyers, "ROWS", 9)
    apartments = loyers.parse(STATS / "indicateurs-loyers-appartements.csv", "appartement")
    assert list(apartments.columns) == [
        "code",
        "name",
        "kind",
        "prediction_level",
        "rent",
        "rent_low",
        "rent_high",
        "r2_adjusted",
        "adverts_in_commune",
    ]
    assert apartments["code"].tolist() == [
        "01001",  # "1001" in the file
        "2A004",
        "2B033",
        "59350",
        "60694",
        "62447",
        "62461",
        "80021",
        "97424",
    ]
    assert set(apartments["kind"]) == {"appartement"}
    assert apartments["adverts_in_commune"].dtype == "int64"
    lille = apartments.set_index("code").loc["59350"]
    assert lille["prediction_level"] == "commune"
    assert lille[["rent", "rent_low", "rent_high", "r2_adjusted"]].tolist() == [
        13.85735561,
        10.74516964,
        17.87094209,
        0.807499897,
    ]
    assert lille["adverts_in_commune"] == 109_497
    levels = apartments.set_index("code")["prediction_level"]
    assert levels[["62447", "60694", "01001"]].tolist() == ["epci", "maille", "maille"]
    houses = loyers.parse(STATS / "indicateurs-loyers-maisons.csv", "maison").set_index("code")
    assert houses.loc["62447", ["prediction_level", "rent"]].tolist() == ["commune", 6.254580276]
    assert houses.loc["01001", "adverts_in_commune"] == 13


def test_loyers_refuses_a_wrong_row_count(monkeypatch):
    path = STATS / "indicateurs-loyers-appartements.csv"
    with pytest.raises(SourceError) as caught:
        loyers.parse(path, "appartement")  # ROWS = 35,441 communes
    assert "9 communes lus, attendu 35441 (" in str(caught.value)
    assert loyers.DATASET_ID in str(caught.value) and path.name in str(caught.value)
    monkeypatch.setattr(loyers, "ROWS", 8)
    with pytest.raises(SourceError, match="9 communes lus"):
        loyers.parse(path, "appartement")


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (";epci;8,878655695;", ";departement;8,878655695;", "prediction_level"),
        (";13,85735561;10,74516964;", ";13,85735561;14,74516964;", "borne basse"),
        (";13,85735561;10,74516964;17,87094209;", ";13,85735561;10,74516964;12,87094209;", "borne haute"),
        (";62461;Huby", ";62447;Huby", "commune en double"),
        (";0,807499897;", ";1,807499897;", "r2_adjusted"),
    ],
    ids=["unknown-level", "low-bound-above", "high-bound-below", "duplicated-commune", "r2-over-1"],
)
def test_loyers_refuses_inconsistent_rows(tmp_path, monkeypatch, old, new, reason):
    case = CASES["loyers_appartements"]
    case.expect_fixture_rows(monkeypatch)
    path = _variant(tmp_path, case, _replace(case, old, new))
    with pytest.raises(SourceError, match="non conformes") as caught:
        case.parse(path)
    assert reason in str(caught.value) and case.fixture in str(caught.value)


# Real mirror files: the figures documented in each PROVENANCE.md.


HDF_DEPARTEMENTS = {"02", "59", "60", "62", "80"}


def test_real_filosofi(mirror):
    france = filosofi.load()
    assert len(france) == 34_909
    assert france["TP6021"].notna().sum() == 4_397 and france["MED21"].notna().sum() == 31_304
    assert {"75056", "75101", "69123", "69381", "13055", "13201"} <= set(france["code"])  # communes and arrondissements
    frame = filosofi.load(HDF_DEPARTEMENTS)
    assert len(frame) == 3788 and frame.attrs[readers.ROWS_IN_FILE] == 34_909
    assert frame["code"].str.fullmatch(r"\d{5}").all()
    assert frame["TP6021"].notna().sum() == 465  # 12.3 % of the 3,782 current communes
    assert 3_490 <= frame["MED21"].notna().sum() <= 3_520  # 92.6 %
    assert np.isnan(frame.set_index("code").loc["02001", "TP6021"])  # published "s"


def test_real_comparateur(mirror):
    france = comparateur.load()
    assert len(france) == 35_010
    assert {"75056", "75101", "69123", "69381", "13055", "13201"} <= set(france["code"])  # communes and arrondissements
    frame = comparateur.load(HDF_DEPARTEMENTS)
    assert len(frame) == 3789
    assert frame[["P18_POP", "P18_MEN", "P18_LOG", "P18_RP", "P18_LOGVAC", "P18_RP_PROP"]].notna().all().all()
    assert "60054" in set(frame["code"]) and "60694" not in set(frame["code"])


def test_real_populations(mirror):
    france = populations.load()
    assert len(france) == 34_900 and france["PMUN"].sum() == 68_094_280
    communes = populations.load(HDF_DEPARTEMENTS)
    assert len(communes) == 3782
    assert communes["PMUN"].sum() == 5_992_194
    assert communes["PTOT"].sum() == 6_081_819
    paris = populations.by_commune(france, decoupage.load().municipal_arrondissements).set_index("code")
    assert "75101" not in paris.index and paris["PMUN"].sum() == 68_094_280
    assert paris.loc["75056", "PMUN"] == france.loc[france["code"].str.startswith("751"), "PMUN"].sum()
    departements = populations.load_departements().set_index("code")
    assert len(departements) == 100  # Mayotte is not in the file
    assert departements.loc["59", "PMUN"] == 2_615_635
    assert departements.loc["75", "PMUN"] == paris.loc["75056", "PMUN"]
    assert departements.loc["971", "region_code"] == "01"


def test_real_lovac(mirror):
    frame = lovac.load().set_index(["departement_code", "year"])
    assert frame.index.get_level_values(0).nunique() == 101
    assert frame.loc[("02", 2025), "pp_vacant"] == 20_433
    assert frame.loc[("59", 2024), "pp_total"] == 1_006_355
    assert frame.loc[("59", 2025), "pp_vacant_plus_2ans"] == 35_956
    assert frame.xs(2025, level="year")["pp_total"].isna().all()
    assert frame.xs(2024, level="year")["pp_total"].notna().all()


def test_real_barometre(mirror):
    detail = barometre.load_detail()
    assert detail.groupby("level")["code"].nunique().to_dict() == {"departement": 101, "france": 1, "region": 18}
    totals = barometre.yearly_totals(detail).set_index(["level", "code", "year"])
    hdf = totals.loc[("region", "32")]
    assert hdf["value"].to_dict() == {2017: 4679, 2018: 5249, 2019: 6468, 2020: 6114, 2021: 6882, 2022: 5741}
    assert hdf.loc[2022, "months"] == 11
    assert totals.loc[("departement", "59", 2021), "value"] == 3342
    assert totals.loc[("france", "FR", 2021), "value"] == 60733
    value = detail.set_index(["level", "code", "date"])["value"].sort_index()
    assert np.isnan(value["region", "32", pd.Timestamp("2018-01-31")])
    assert value["region", "32", pd.Timestamp("2018-05-31")] == 1822
    assert value["departement", "976"].isna().all() and value["region", "06"].isna().all()
    synthese = barometre.load_synthese().set_index(["level", "code"])
    assert synthese.loc[("region", "32"), "cible"] == 7150
    assert synthese.loc[("region", "32"), "pourcentage_cible"] == 43
    assert synthese.loc[("france", "FR"), "cible"] == 64903


def test_real_reference_figures(mirror):
    figures = reference_figures.load_figures().set_index("id")
    assert figures.loc["drees_places_chrs_hdf_2021", "value"] == 5710
    assert figures.loc["cout_place_chrs", "to_be_confirmed"]
    assert not figures.loc["drees_places_pensions_famille_hdf_2021", "to_be_confirmed"]
    territories = reference_figures.load_accelerated()
    assert len(territories) == 5
    assert set(territories.loc[territories["territory_level"] == "epci", "territory_code"]) >= {"200093201"}


def test_real_filosofi_supra(mirror):
    frame = filosofi_supra.load()
    assert frame["level"].value_counts().to_dict() == {"epci": 1_240, "departement": 98, "region": 15, "france": 1}
    published = frame.set_index(["level", "code"])
    assert published.index.is_unique
    assert published.loc[("epci", "245900410"), "Q219"] == 20_940  # MEL, under its former SIREN
    assert ("epci", "200093201") not in published.index
    medians = {code: published.loc[("departement", code), "Q219"] for code in ("02", "59", "60", "62", "80")}
    assert medians == {"02": 19_880, "59": 20_290, "60": 22_250, "62": 19_560, "80": 20_540}
    assert published.loc[("region", "32"), "Q219"] == 20_360
    assert published.loc[("france", "FR"), ["name", "Q219"]].tolist() == ["France métropolitaine", 21_930]
    assert frame.loc[frame["level"] == "france", "code"].tolist() == ["FR"]

    admin = decoupage.load()
    scope = territories.select_scope(admin, territories.RegionScope("32"))
    current = list(scope.epci["code"])
    assert len(current) == 92
    rows, report = filosofi_supra.epci_rows(frame, current)
    assert report == {"meme_siren": 91, "ancien_siren": {"200093201": "245900410"}, "sans_ligne": []}
    assert sorted(rows.index) == sorted(current)
    assert rows.loc["200093201", "Q219"] == 20_940
    assert rows.loc["246200364", "Q219"] == 17_980  # CA de Lens - Liévin (PROVENANCE example)


def test_real_rpls(mirror):
    dataset_id, frame = rpls.load()
    assert dataset_id == rpls.EXTRACT_DATASET_ID
    assert len(frame) == 16_859 == rpls.ROWS
    assert frame["social_dwellings"].sum() == 5_366_986
    hdf = frame[frame["departement_code"].isin(["02", "59", "60", "62", "80"])]
    assert len(hdf) == 1_748
    assert hdf.groupby("departement_code")["social_dwellings"].sum().to_dict() == {
        "02": 41_217,
        "59": 281_165,
        "60": 69_622,
        "62": 161_781,
        "80": 42_423,
    }
    by_code = frame.set_index("code")
    assert by_code.loc["59350", ["social_dwellings", "density", "vacancy_rate", "turnover_rate"]].tolist() == [
        33_192,
        26.34,
        1.1747,
        7.7658,
    ]
    assert by_code.loc["80021", ["social_dwellings", "density"]].tolist() == [23_691, 34.82]  # Amiens
    assert by_code.loc["60057", ["social_dwellings", "density"]].tolist() == [10_013, 38.72]  # Beauvais
    # Paris, Lyon and Marseille by municipal arrondissement only (never also as a whole commune).
    codes = set(frame["code"])
    assert sum(code.startswith("751") for code in codes) == 20
    assert sum(code.startswith("6938") for code in codes) == 9
    assert sum(code.startswith("132") for code in codes) == 16
    assert not {"75056", "69123", "13055"} & codes


def test_real_loyers(mirror):
    frame = loyers.load()
    assert frame.groupby("kind").size().to_dict() == {"appartement": 35_441, "maison": 35_441}
    assert not frame.duplicated(["code", "kind"]).any()
    assert frame["code"].str.len().eq(5).all()
    levels = frame.groupby(["kind", "prediction_level"]).size()
    assert levels["appartement"].to_dict() == {"commune": 3_959, "epci": 8_769, "maille": 22_713}
    rents = frame.set_index(["code", "kind"])
    assert rents.loc[("59350", "appartement"), "rent"] == pytest.approx(13.857, abs=1e-3)
    assert rents.loc[("59350", "appartement"), "prediction_level"] == "commune"
    assert rents.loc[("59350", "maison"), "rent"] == pytest.approx(11.062, abs=1e-3)
    assert rents.loc[("01001", "appartement"), "name"] == "L'Abergement-Clémenciat"  # "1001" in the file
    assert rents.loc[("2A004", "appartement"), "name"] == "Ajaccio"


@pytest.mark.parametrize(
    ("dataset_id", "filename"),
    [
        (rpls.EXTRACT_DATASET_ID, rpls.EXTRACT_FILE),
        (loyers.DATASET_ID, "indicateurs-loyers-appartements.csv"),
        (loyers.DATASET_ID, "indicateurs-loyers-maisons.csv"),
    ],
)
def test_real_files_match_the_declared_checksums(mirror, dataset_id, filename):
    declared = catalogue.get(dataset_id).file(filename).sha256
    assert declared and fetch.sha256_of(fetch.fetch(dataset_id, filename)) == declared
