"""FINESS establishments from the official historical CSV extract (`etalab-cs1100507-stock-*.csv`).

Layout (finess/INDEX.md): no header; line 1 `finess;etalab;<n>;<YYYY-MM-DD>` (the extraction date);
then `structureet` lines (32 `;`-separated fields, 31 if the trailing `;` is missing) and `geolocalisation`
lines (6 fields) joined on the FINESS ET number. Other record types are counted in
`frame.attrs["unknown_record_types"]`. Text is UTF-8 or cp1252; values may be RFC-4180 quoted.

Commune INSEE code = département field + commune field, except overseas where the département field is
9A–9F (prefix "97": 9B + 207 → 97207) or 9J (prefix "98": 613 → 98613); the INSEE département is then the
first three digits of the commune code. Coordinates are projected to WGS84 by the last item of
`sourcecoordet`; empty or 0 coordinates are missing.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer

from loaders.errors import SourceError
from loaders.fetch import fetch
from loaders.finess_common import ESTABLISHMENTS, FINESS_PATTERN, clean_opening_date
from loaders.readers import RowCount, check_count, decode, to_number, validate

DATASET_ID = "finess-extraction-etablissements"
FILENAME = "etablissements.csv"
#: Establishments (structureet lines) of the national file, read only from its live address: the historical
#: extract was frozen in May 2026, whose twin without geolocation has 103,023 lines (finess/INDEX.md of the
#: mirror), i.e. 103,022 establishments; accepted within ±3 %.
ESTABLISHMENTS_ROWS = RowCount(mirror=103_022, live=103_022)
NATIONAL_ESTABLISHMENTS = ESTABLISHMENTS_ROWS.bounds(from_mirror=False)

STRUCTURE_FIELDS = 32
GEOLOCATION_FIELDS = 6
FIRST_LINE = re.compile(r"finess;[^;]*;[^;]*;(\d{4}-\d{2}-\d{2})\s*;?")
#: structureet field index → column.
STRUCTURE_COLUMNS = {
    1: "finess",
    2: "finess_ej",
    3: "name",
    12: "commune",
    13: "departement",
    15: "ligneacheminement",
    18: "category_code",
    19: "category_label",
    20: "aggregate_code",
    28: "opening_date",
}
GEOLOCATION_COLUMNS = {1: "finess", 2: "x", 3: "y", 4: "sourcecoordet"}
DEPARTEMENT_FIELD = r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|9[A-FJ])$"
OVERSEAS_COMMUNE_PREFIX = {"9A": "97", "9B": "97", "9C": "97", "9D": "97", "9E": "97", "9F": "97", "9J": "98"}
#: Last item of `sourcecoordet` → CRS of the coordinates.
PROJECTIONS = {
    "LAMBERT_93": "EPSG:2154",
    "UTM_N20": "EPSG:5490",  # Guadeloupe, Martinique (RGAF09)
    "UTM_N21": "EPSG:4467",  # Saint-Pierre-et-Miquelon (RGSPM06)
    "UTM_N22": "EPSG:2972",  # Guyane (RGFG95)
    "UTM_S38": "EPSG:4471",  # Mayotte (RGM04)
    "UTM_S40": "EPSG:2975",  # La Réunion (RGR92)
}


def _fail(path: Path, reason: str) -> SourceError:
    return SourceError(DATASET_ID, path, reason)


def _read_records(path: Path, text: str) -> tuple[str, list[list[str]], list[list[str]], Counter]:
    """Split the file into the extraction date, structureet rows and geolocalisation rows (each
    prefixed with its line number), counting unknown record types."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    first = lines.split("\n", 1)[0]
    match = FIRST_LINE.fullmatch(first.strip())
    if match is None:
        raise _fail(path, f"première ligne inattendue « {first[:60]} » (attendu finess;etalab;<n>;<AAAA-MM-JJ>)")
    structures, geolocations, unknown = [], [], Counter()
    reader = csv.reader(io.StringIO(lines), delimiter=";", quotechar='"', strict=True)
    try:
        next(reader)
        for fields in reader:
            kind, number = fields[0] if fields else "", str(reader.line_num)
            if kind == "structureet":
                if len(fields) not in (STRUCTURE_FIELDS - 1, STRUCTURE_FIELDS):
                    raise _fail(path, f"ligne {number} : structureet à {len(fields)} champs au lieu de 32")
                structures.append([number, *fields])
            elif kind == "geolocalisation":
                if len(fields) != GEOLOCATION_FIELDS:
                    raise _fail(path, f"ligne {number} : geolocalisation à {len(fields)} champs au lieu de 6")
                geolocations.append([number, *fields])
            elif any(field.strip() for field in fields):
                unknown[kind] += 1
    except csv.Error as exc:
        raise _fail(path, f"ligne {reader.line_num} : CSV mal formé ({exc}), fichier tronqué ?") from exc
    return match.group(1), structures, geolocations, unknown


def _columns(rows: list[list[str]], columns: dict[int, str]) -> pd.DataFrame:
    """Selected fields of rows whose item 0 is the line number and item 1 the record type."""
    data = {"line": [row[0] for row in rows]}
    data |= {name: [row[index + 1].strip() for row in rows] for index, name in columns.items()}
    return pd.DataFrame(data, dtype="str")


def _check_finess(path: Path, frame: pd.DataFrame, kind: str) -> None:
    bad = ~frame["finess"].str.fullmatch(FINESS_PATTERN)
    if kind == "structureet":
        bad |= ~frame["finess_ej"].str.fullmatch(FINESS_PATTERN)
    if bad.any():
        examples = ", ".join(f"ligne {row.line} ({row.finess})" for row in frame[bad].head(3).itertuples())
        raise _fail(path, f"numéro FINESS invalide dans {kind} : {examples}")
    duplicated = frame["finess"].duplicated()
    if duplicated.any():
        raise _fail(path, f"numéro FINESS en double dans {kind} : {', '.join(frame.loc[duplicated, 'finess'][:3])}")


@cache
def _transformer(crs: str) -> Transformer:
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def _project(path: Path, geolocations: pd.DataFrame) -> tuple[pd.DataFrame, Counter]:
    """WGS84 lon/lat by FINESS number; also counts positions whose projection is unknown."""
    x = to_number(DATASET_ID, path, geolocations["x"])
    y = to_number(DATASET_ID, path, geolocations["y"])
    present = x.notna() & y.notna() & (x != 0) & (y != 0)
    projection = geolocations["sourcecoordet"].str.rsplit(",", n=1).str[-1].str.strip()
    lon = pd.Series(np.nan, index=geolocations.index)
    lat = pd.Series(np.nan, index=geolocations.index)
    for name in projection[present].unique():
        rows = present & (projection == name)
        if name in PROJECTIONS:
            lon[rows], lat[rows] = _transformer(PROJECTIONS[name]).transform(x[rows].to_numpy(), y[rows].to_numpy())
    unknown = Counter(projection[present & ~projection.isin(PROJECTIONS)])
    return pd.DataFrame({"finess": geolocations["finess"], "lon": lon, "lat": lat}), unknown


def _communes(path: Path, structures: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """INSEE commune and département codes from the departement and commune fields."""
    departement, commune = structures["departement"], structures["commune"]
    bad = ~departement.str.fullmatch(DEPARTEMENT_FIELD) | ~commune.str.fullmatch(r"[0-9]{3}|")
    if bad.any():
        row = structures[bad].iloc[0]
        raise _fail(path, f"ligne {row.line} : département/commune inconnus ({row.departement!r}, {row.commune!r})")
    prefix = departement.map(OVERSEAS_COMMUNE_PREFIX).fillna(departement)
    commune_code = (prefix + commune).where(commune != "")
    overseas = departement.isin(list(OVERSEAS_COMMUNE_PREFIX))
    departement_code = departement.where(~overseas, commune_code.str[:3])
    return commune_code, departement_code


def parse(path: Path, *, expected_establishments: tuple[int, int] = NATIONAL_ESTABLISHMENTS) -> pd.DataFrame:
    """Tidy establishments (see `finess_common`) of an official FINESS CSV extract."""
    text = decode(DATASET_ID, path, ("utf-8", "cp1252"))
    extraction_date, structure_rows, geolocation_rows, unknown_types = _read_records(path, text)
    check_count(DATASET_ID, path, len(structure_rows), *expected_establishments, "établissements (structureet)")
    if not geolocation_rows:
        raise _fail(path, "aucune ligne geolocalisation : fichier tronqué ou extrait sans géolocalisation")
    structures = _columns(structure_rows, STRUCTURE_COLUMNS)
    geolocations = _columns(geolocation_rows, GEOLOCATION_COLUMNS)
    _check_finess(path, structures, "structureet")
    _check_finess(path, geolocations, "geolocalisation")
    orphans = geolocations.loc[~geolocations["finess"].isin(structures["finess"]), "finess"]
    if not orphans.empty:
        raise _fail(path, f"geolocalisation sans structureet : {', '.join(orphans[:5])}")
    positions, unknown_projections = _project(path, geolocations)
    commune_code, departement_code = _communes(path, structures)
    frame = structures.assign(
        commune_code=commune_code,
        departement_code=departement_code,
        postal_code=structures["ligneacheminement"].str[:5],
        city=structures["ligneacheminement"].str[5:].str.strip(),
        opening_date=clean_opening_date(structures["opening_date"]),
    ).merge(positions, on="finess", how="left", validate="one_to_one")
    frame = validate(DATASET_ID, path, frame[list(ESTABLISHMENTS.columns)], ESTABLISHMENTS)
    frame.attrs = {
        "extraction_date": extraction_date,
        "unknown_record_types": dict(unknown_types),
        "unknown_projections": dict(unknown_projections),
        "without_position": int(frame["lon"].isna().sum()),
    }
    return frame


def load() -> pd.DataFrame:
    """Every establishment of the newest official extract."""
    return parse(fetch(DATASET_ID, FILENAME))
