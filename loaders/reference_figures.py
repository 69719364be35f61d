"""Hand-collected reference figures (DREES places, unit costs, policy figures) and the
Hauts-de-France territories of accelerated Logement d'abord implementation.

These are context and defaults, not data to map. Figures whose `publication` says "to be
confirmed" are orders of magnitude and must be shown as such (`to_be_confirmed`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from loaders import readers
from loaders.fetch import fetch

DATASET_ID = "reference-figures"
FIGURES_FILE = "reference_figures.csv"
ACCELERATED_FILE = "accelerated_territories.csv"
#: Exact counts of the mirror's tables (they exist nowhere else): 20 figures, 5 territories.
FIGURE_ROWS = (20, 20)
ACCELERATED_ROWS = (5, 5)

FIGURE_COLUMNS = ("id", "label_fr", "value", "unit", "geography", "reference_date", "publisher", "publication", "note")
_FILLED = pa.Check.str_length(min_value=1)
_TERRITORY_CODES = {"epci": r"^\d{9}$", "departement": readers.DEPARTEMENT_CODE}

FIGURES_SCHEMA = pa.DataFrameSchema(
    {
        "id": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]+$"), unique=True),
        "label_fr": pa.Column(str, _FILLED),
        "value": pa.Column("float64"),
        "unit": pa.Column(str, _FILLED),
        "geography": pa.Column(str, _FILLED),
        "reference_date": pa.Column(str, pa.Check.str_matches(r"^\d{4}(-\d{2}(-\d{2})?)?$")),
        "publisher": pa.Column(str, _FILLED),
        "publication": pa.Column(str, _FILLED),
        "note": pa.Column(str),
        "to_be_confirmed": pa.Column(bool),
    },
    strict=True,
    ordered=True,
)


def _code_matches_level(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(
        [
            level in _TERRITORY_CODES and re.match(_TERRITORY_CODES[level], code) is not None
            for level, code in zip(frame["territory_level"], frame["territory_code"], strict=True)
        ],
        index=frame.index,
    )


ACCELERATED_SCHEMA = pa.DataFrameSchema(
    {
        "territory_name": pa.Column(str, _FILLED),
        "territory_level": pa.Column(str, pa.Check.isin(list(_TERRITORY_CODES))),
        "territory_code": pa.Column(str, unique=True),
        "wave": pa.Column("int64", pa.Check.ge(1)),
    },
    checks=pa.Check(_code_matches_level, error="code incompatible avec le niveau (SIREN à 9 chiffres, département)"),
    strict=True,
    ordered=True,
)


def parse_figures(path: Path, *, rows: tuple[int, int] = FIGURE_ROWS) -> pd.DataFrame:
    """Figures: `FIGURE_COLUMNS` (str, except value: float64) and to_be_confirmed (bool)."""
    raw = readers.read_csv(DATASET_ID, path, required=FIGURE_COLUMNS)
    readers.check_count(DATASET_ID, path, len(raw), *rows, "chiffres")
    frame = raw[list(FIGURE_COLUMNS)].assign(
        value=readers.to_number(DATASET_ID, path, raw["value"]),
        to_be_confirmed=raw["publication"].str.contains("to be confirmed", case=False, regex=False).astype(bool),
    )
    return readers.validate(DATASET_ID, path, frame, FIGURES_SCHEMA)


def parse_accelerated(path: Path, *, rows: tuple[int, int] = ACCELERATED_ROWS) -> pd.DataFrame:
    """Territories: territory_name, territory_level ('epci' | 'departement'), territory_code
    (SIREN or département code), wave (int64)."""
    raw = readers.read_csv(DATASET_ID, path, required=("territory_name", "territory_level", "territory_code", "wave"))
    readers.check_count(DATASET_ID, path, len(raw), *rows, "territoires")
    frame = raw[["territory_name", "territory_level", "territory_code"]].assign(
        wave=readers.to_integer(DATASET_ID, path, raw["wave"])
    )
    return readers.validate(DATASET_ID, path, frame, ACCELERATED_SCHEMA)


def load_figures() -> pd.DataFrame:
    return parse_figures(fetch(DATASET_ID, FIGURES_FILE))


def load_accelerated() -> pd.DataFrame:
    return parse_accelerated(fetch(DATASET_ID, ACCELERATED_FILE))
