"""SDES RPLS at 1 January 2024 by commune: social-housing stock, density, vacancy and turnover.

The mirror holds a DERIVED EXTRACT of the official workbook (8 columns of its `COMMUNES` sheet, written by
a third party's notebook); without a mirror the build reads the official workbook and applies the same
transformation. Codes are kept as published (COG 2024); a commune absent from the sheet has no social
dwelling in the RPLS.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from loaders import readers
from loaders.errors import SourceError
from loaders.fetch import fetch, mirror_root

EXTRACT_DATASET_ID = "sdes-rpls-2024-commune-extract"
EXTRACT_FILE = "lgt_soc_2024_extracted.csv"
WORKBOOK_DATASET_ID = "sdes-rpls-2024-communes-officiel"
WORKBOOK_FILE = "resultats_rpls_2024.xlsx"
#: What the extract's notebook did to the official workbook.
WORKBOOK_SHEET = "COMMUNES"
WORKBOOK_HEADER_ROWS = 5
#: Communes (and municipal arrondissements) listed in the 2024 results: one row each.
ROWS = 16_859
COLUMNS = ("REG", "DEP", "DEPCOM_ARM", "LIBCOM", "densite", "nb_ls", "tx_vac", "tx_mob")

SCHEMA = pa.DataFrameSchema(
    {
        "code": pa.Column(str, pa.Check.str_matches(readers.COMMUNE_CODE), unique=True),
        "departement_code": pa.Column(str, pa.Check.str_matches(readers.DEPARTEMENT_CODE)),
        "name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "social_dwellings": pa.Column("int64", pa.Check.ge(0)),
        "density": pa.Column("float64", pa.Check.in_range(0, 100)),
        "vacancy_rate": pa.Column("float64", pa.Check.in_range(0, 100)),
        "turnover_rate": pa.Column("float64", pa.Check.in_range(0, 100)),
    },
    strict=True,
    ordered=True,
)


def tidy(dataset_id: str, path: Path, raw: pd.DataFrame) -> pd.DataFrame:
    """The 8 columns as text → tidy frame: code, departement_code, name, social_dwellings (int),
    density (per 100 main residences), vacancy_rate and turnover_rate (%)."""
    readers.check_count(dataset_id, path, len(raw), ROWS, ROWS, "communes")
    frame = pd.DataFrame(
        {
            "code": raw["DEPCOM_ARM"].str.strip(),
            "departement_code": raw["DEP"].str.strip(),
            "name": raw["LIBCOM"],
            "social_dwellings": readers.to_integer(dataset_id, path, raw["nb_ls"]),
            "density": readers.to_number(dataset_id, path, raw["densite"]),
            "vacancy_rate": readers.to_number(dataset_id, path, raw["tx_vac"]),
            "turnover_rate": readers.to_number(dataset_id, path, raw["tx_mob"]),
        }
    )
    return readers.validate(dataset_id, path, frame, SCHEMA)


def parse_extract(path: Path) -> pd.DataFrame:
    """The mirror's derived extract (comma-separated, decimal point, UTF-8)."""
    return tidy(EXTRACT_DATASET_ID, path, readers.read_csv(EXTRACT_DATASET_ID, path, required=COLUMNS))


def parse_workbook(path: Path) -> pd.DataFrame:
    """The official workbook: sheet COMMUNES after its 5 title rows, as the extract's notebook read it."""
    try:
        raw = pd.read_excel(path, sheet_name=WORKBOOK_SHEET, skiprows=WORKBOOK_HEADER_ROWS, dtype=str)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:  # BadZipFile: truncated download
        raise SourceError(
            WORKBOOK_DATASET_ID, path, f"classeur illisible ou sans feuille {WORKBOOK_SHEET} ({exc})"
        ) from exc
    missing = [column for column in COLUMNS if column not in raw.columns]
    if missing:
        raise SourceError(WORKBOOK_DATASET_ID, path, f"colonne(s) manquante(s) : {', '.join(missing)}")
    raw = raw[list(COLUMNS)].fillna("")
    return tidy(WORKBOOK_DATASET_ID, path, raw)


def load() -> tuple[str, pd.DataFrame]:
    """(dataset id actually read, tidy frame): the mirror's extract, else the official workbook."""
    if mirror_root() is not None:
        return EXTRACT_DATASET_ID, parse_extract(fetch(EXTRACT_DATASET_ID, EXTRACT_FILE))
    return WORKBOOK_DATASET_ID, parse_workbook(fetch(WORKBOOK_DATASET_ID, WORKBOOK_FILE))
