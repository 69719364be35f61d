"""FINESS category → aggregate nomenclature of the extract of 2021-01-08, with establishment counts.

`categories`: one row per category present in the extract (category_code, category_label, aggregate_code,
aggregate_label, count_france, count_hdf). `aggregates`: one row per aggregate (aggregate_code,
aggregate_label, category_codes as published, space-separated, count_france, count_hdf). Both files must
agree: each aggregate lists exactly its categories and its counts are their sums.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from loaders.errors import SourceError
from loaders.fetch import fetch
from loaders.readers import check_count, read_csv, to_number, validate

DATASET_ID = "finess-categories-nomenclature-2021"
CATEGORIES_FILE = "finess-categories-20210108.csv"
AGGREGATES_FILE = "finess-aggregates-20210108.csv"
#: Exact counts of the tables (mirror only): 163 categories, 57 aggregates.
CATEGORY_ROWS = (163, 163)
AGGREGATE_ROWS = (57, 57)

COUNTS = {"etablissements_france": "count_france", "etablissements_hdf": "count_hdf"}
CATEGORY_COLUMNS = {
    "categetab": "category_code",
    "libcategetab": "category_label",
    "categagretab": "aggregate_code",
    "libcategagretab": "aggregate_label",
} | COUNTS
AGGREGATE_COLUMNS = {
    "categagretab": "aggregate_code",
    "libcategagretab": "aggregate_label",
    "categories": "category_codes",
} | COUNTS

_COUNT = pa.Column("int64", pa.Check.ge(0))
_CODE4 = pa.Column(str, pa.Check.str_matches(r"^[0-9]{4}$"))
_LABEL = pa.Column(str, pa.Check.str_length(min_value=1))
CATEGORIES = pa.DataFrameSchema(
    {
        "category_code": pa.Column(str, pa.Check.str_matches(r"^[0-9]{3}$"), unique=True),
        "category_label": _LABEL,
        "aggregate_code": _CODE4,
        "aggregate_label": _LABEL,
        "count_france": _COUNT,
        "count_hdf": _COUNT,
    },
    checks=pa.Check(lambda frame: frame["count_hdf"] <= frame["count_france"], error="plus en HdF qu'en France"),
    strict=True,
    ordered=True,
)
AGGREGATES = pa.DataFrameSchema(
    {
        "aggregate_code": pa.Column(str, pa.Check.str_matches(r"^[0-9]{4}$"), unique=True),
        "aggregate_label": _LABEL,
        "category_codes": pa.Column(str, pa.Check.str_matches(r"^[0-9]{3}( [0-9]{3})*$")),
        "count_france": _COUNT,
        "count_hdf": _COUNT,
    },
    strict=True,
    ordered=True,
)


def _read(path: Path, columns: dict[str, str], schema: pa.DataFrameSchema) -> pd.DataFrame:
    frame = read_csv(DATASET_ID, path, required=columns, strip=True)[list(columns)].rename(columns=columns)
    for column in COUNTS.values():
        counts = to_number(DATASET_ID, path, frame[column])
        if counts.isna().any() or (counts % 1 != 0).any():
            raise SourceError(DATASET_ID, path, f"{column} : effectif manquant ou non entier")
        frame[column] = counts.astype("int64")
    return validate(DATASET_ID, path, frame, schema)


def parse(categories_path: Path, aggregates_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The categories and aggregates frames, checked against each other."""
    categories = _read(categories_path, CATEGORY_COLUMNS, CATEGORIES)
    aggregates = _read(aggregates_path, AGGREGATE_COLUMNS, AGGREGATES)
    check_count(DATASET_ID, categories_path, len(categories), *CATEGORY_ROWS, "catégories")
    check_count(DATASET_ID, aggregates_path, len(aggregates), *AGGREGATE_ROWS, "agrégats")
    members = categories.groupby("aggregate_code").agg(
        aggregate_label=("aggregate_label", "first"),
        category_codes=("category_code", lambda codes: " ".join(sorted(codes))),
        count_france=("count_france", "sum"),
        count_hdf=("count_hdf", "sum"),
    )
    published = aggregates.set_index("aggregate_code")[list(members.columns)]
    published = published.assign(category_codes=published["category_codes"].str.split().map(sorted).str.join(" "))
    codes = published.index.union(members.index)
    differing = codes[(published.reindex(codes) != members.reindex(codes)).any(axis=1)]
    if len(differing):
        raise SourceError(
            DATASET_ID, aggregates_path, f"agrégats incohérents avec les catégories : {', '.join(differing[:5])}"
        )
    return categories, aggregates


def load() -> tuple[pd.DataFrame, pd.DataFrame]:
    return parse(fetch(DATASET_ID, CATEGORIES_FILE), fetch(DATASET_ID, AGGREGATES_FILE))
