"""Cerema / DGALN LOVAC: private-sector vacant dwellings by département, 1 January 2020–2025.

The publisher's file is wide (`pp_vacant_25`, `pp_total_24`…), cp1252, with every field
padded with spaces and thousands separated by spaces. It becomes a long frame, one row per
département and year. The 2025 issue has no `pp_total_25`: that value is NaN.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from loaders import readers
from loaders.errors import SourceError
from loaders.fetch import fetch, mirror_root

DATASET_ID = "cerema-lovac-dep-2020-2025"
FILENAME = "lovac_opendata_dep.csv"
#: 101 départements in the 2025 issue (mirror); the newest data.gouv.fr resource may be a later issue.
ROWS = readers.RowCount(mirror=101, live=101)
MEASURES = ("pp_total", "pp_vacant", "pp_vacant_plus_2ans")
REQUIRED_MEASURES = ("pp_vacant", "pp_vacant_plus_2ans")

_MEASURE_COLUMN = re.compile(r"(pp_total|pp_vacant|pp_vacant_plus_2ans)_(\d{2})")
_COUNT = pa.Column("float64", pa.Check.ge(0), nullable=True)

SCHEMA = pa.DataFrameSchema(
    {
        "departement_code": pa.Column(str, pa.Check.str_matches(readers.DEPARTEMENT_CODE)),
        "departement_name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "year": pa.Column("int64", pa.Check.in_range(2015, 2035)),
        "pp_total": _COUNT,
        "pp_vacant": pa.Column("float64", pa.Check.ge(0)),
        "pp_vacant_plus_2ans": pa.Column("float64", pa.Check.ge(0)),
    },
    checks=[
        pa.Check(
            lambda frame: frame["pp_vacant_plus_2ans"] <= frame["pp_vacant"],
            error="vacance de plus de 2 ans supérieure à la vacance totale",
        ),
        pa.Check(
            lambda frame: frame["pp_total"].isna() | (frame["pp_vacant"] <= frame["pp_total"]),
            error="logements vacants plus nombreux que le parc privé",
        ),
    ],
    unique=["departement_code", "year"],
    strict=True,
    ordered=True,
)


def _measure_columns(path: Path, columns: pd.Index) -> dict[tuple[str, int], str]:
    """Map (measure, year) to the publisher's column, refusing unknown or incomplete layouts."""
    found = {}
    for column in columns.drop(["DEP", "LIB_DEP"]):
        match = _MEASURE_COLUMN.fullmatch(column)
        if match is None:
            raise SourceError(DATASET_ID, path, f"colonne inattendue : {column!r}")
        found[match[1], 2000 + int(match[2])] = column
    years = sorted({year for _, year in found})
    missing = [
        f"{measure}_{year % 100:02d}" for year in years for measure in REQUIRED_MEASURES if (measure, year) not in found
    ]
    if not years or missing:
        raise SourceError(DATASET_ID, path, f"colonne(s) manquante(s) : {', '.join(missing) or 'pp_vacant_AA'}")
    if years != list(range(years[0], years[-1] + 1)):
        raise SourceError(DATASET_ID, path, f"années non consécutives : {years}")
    return found


def parse(path: Path, *, rows: tuple[int, int] = ROWS.bounds(from_mirror=True)) -> pd.DataFrame:
    """Long frame: departement_code, departement_name (str), year (int64), pp_total, pp_vacant,
    pp_vacant_plus_2ans (float64; pp_total NaN for a year without that column)."""
    raw = readers.read_csv(
        DATASET_ID, path, sep=";", encodings=("utf-8", "cp1252"), required=("DEP", "LIB_DEP"), strip=True
    )
    readers.check_count(DATASET_ID, path, len(raw), *rows, "départements")
    columns = _measure_columns(path, raw.columns)
    values = {key: readers.to_number(DATASET_ID, path, raw[column], thousands=" ") for key, column in columns.items()}
    nothing = pd.Series(np.nan, index=raw.index, dtype="float64")
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "departement_code": raw["DEP"],
                    "departement_name": raw["LIB_DEP"],
                    "year": year,
                    **{measure: values.get((measure, year), nothing) for measure in MEASURES},
                }
            )
            for year in sorted({year for _, year in columns})
        ],
        ignore_index=True,
    ).astype({"year": "int64"})
    frame = frame.sort_values(["departement_code", "year"], ignore_index=True)
    return readers.validate(DATASET_ID, path, frame, SCHEMA)


def load() -> pd.DataFrame:
    """Every département and year of the file."""
    return parse(fetch(DATASET_ID, FILENAME), rows=ROWS.bounds(mirror_root() is not None))
