"""Statistical loaders (Filosofi, Comparateur, populations, LOVAC, baromètre, reference
figures): hand-written fixtures, malformed variants of them, and the real mirror files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from loaders import barometre, comparateur, filosofi, lovac, populations, reference_figures
from loaders.errors import SourceError
from tests.conftest import FIXTURES

STATS = FIXTURES / "stats"
FEW = (1, 10)


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
        partial(comparateur.parse, rows=FEW),
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
        partial(barometre.parse_detail, level="departement"),
        "barometre-detail-departemental.csv",
        ("code_departement", "departement"),
        ("2913.0", "2913.0 personnes"),
        (",976,Mayotte,2020", ",985,Mayotte,2020"),
    ),
    "barometre_region": Case(
        barometre.DATASET_ID,
        partial(barometre.parse_detail, level="region"),
        "barometre-detail-regional.csv",
        ("libelle_region", "nom_region"),
        ("6882.0", "6882.0.0"),
        (",02,Martinique", ",05,Martinique"),
    ),
    "barometre_synthese": Case(
        barometre.DATASET_ID,
        partial(barometre.parse_synthese_file, level="region"),
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
def test_valid_fixture_parses(name):
    case = CASES[name]
    assert len(case.parse(STATS / case.fixture)) > 0


@pytest.mark.parametrize(("name", "kind"), MALFORMED)
def test_malformed_fixture_raises_source_error_naming_dataset_and_file(tmp_path, name, kind):
    case = CASES[name]
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
    frame = comparateur.parse(STATS / "comparateur.CSV", rows=FEW).set_index("code")
    assert frame.loc["59350", "P18_LOGVAC"] == 12604.12
    assert frame.loc["60054", "SUPERF"] == 12.4
    assert np.isnan(frame.loc["02001", "TP6019"])
    assert frame.loc["59350", "TP6019"] == 25


def test_populations_fixture_columns_and_types():
    communes = populations.parse(STATS / "populations_communes.csv", rows=FEW)
    assert list(communes.columns) == ["code", "departement_code", "region_code", "name", "PMUN", "PCAP", "PTOT"]
    assert (communes[["PMUN", "PCAP", "PTOT"]].dtypes == "int64").all()
    assert communes.set_index("code").loc["2A004", "departement_code"] == "2A"
    departements = populations.parse_departements(STATS / "populations_departements.csv", rows=FEW)
    assert departements.set_index("code").loc["971", "region_code"] == "01"


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
    return barometre.parse(*(STATS / f"barometre-detail-{scope}.csv" for scope in barometre._SCOPES.values()))


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
        *(STATS / f"barometre-synthese-{scope}.csv" for scope in barometre._SCOPES.values())
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


# Real mirror files: the figures documented in each PROVENANCE.md.


def test_real_filosofi(mirror):
    frame = filosofi.load()
    assert len(frame) == 3788
    assert frame["code"].str.fullmatch(r"\d{5}").all()
    assert frame["TP6021"].notna().sum() == 465  # 12.3 % of the 3,782 current communes
    assert 3_490 <= frame["MED21"].notna().sum() <= 3_520  # 92.6 %
    assert np.isnan(frame.set_index("code").loc["02001", "TP6021"])  # published "s"


def test_real_comparateur(mirror):
    frame = comparateur.load()
    assert len(frame) == 3789
    assert frame[["P18_POP", "P18_MEN", "P18_LOG", "P18_RP", "P18_LOGVAC", "P18_RP_PROP"]].notna().all().all()
    assert "60054" in set(frame["code"]) and "60694" not in set(frame["code"])


def test_real_populations(mirror):
    communes = populations.load()
    assert len(communes) == 3782
    assert communes["PMUN"].sum() == 5_992_194
    assert communes["PTOT"].sum() == 6_081_819
    departements = populations.load_departements().set_index("code")
    assert len(departements) == 100  # Mayotte is not in the file
    assert departements.loc["59", "PMUN"] == 2_615_635
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
