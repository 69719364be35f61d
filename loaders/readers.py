"""Strict readers shared by the loaders: every failure becomes a `SourceError` naming the
dataset and the file (wrong encoding, truncated file, missing column, bad code…)."""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from loaders.errors import SourceError

#: Markers INSEE and others use for suppressed (secret) or unavailable values.
MISSING_MARKERS = frozenset({"", "s", "nd", "nc", "NA", "n.d."})

#: Official code formats (Insee COG): commune (arrondissements municipaux included),
#: département (mainland, Corsica, overseas) and région (overseas régions are 01–06).
COMMUNE_CODE = r"^(\d{5}|2[AB]\d{3})$"
DEPARTEMENT_CODE = r"^(0[1-9]|1\d|[3-8]\d|9[0-5]|2[1-9AB]|97[1-46])$"
REGION_CODE = r"^(0[1-46]|11|24|27|28|32|44|52|53|75|76|84|93|94)$"

#: Thousands separators stripped with the one a file declares: no-break space and narrow no-break space.
NO_BREAK_SPACES = ("\u00a0", "\u202f")
#: Relative margin of a row count when a file is read from its live official address (another vintage).
LIVE_TOLERANCE = 0.03


def read_bytes(dataset_id: str, path: Path, member: str | None = None) -> bytes:
    """The file's bytes, or those of `member` inside the zip archive at `path`."""
    try:
        if member is None:
            return Path(path).read_bytes()
        with zipfile.ZipFile(path) as archive:
            return archive.read(member)
    except OSError as exc:
        raise SourceError(dataset_id, path, f"lecture impossible ({exc.strerror or exc})") from exc
    except zipfile.BadZipFile as exc:
        raise SourceError(dataset_id, path, f"archive zip illisible ({exc})") from exc
    except KeyError as exc:
        raise SourceError(dataset_id, path, f"{member} absent de l'archive") from exc


def decode(dataset_id: str, path: Path, encodings: Iterable[str] = ("utf-8",), member: str | None = None) -> str:
    """Read a text file (or a zip archive's `member`), trying each encoding strictly in turn."""
    raw = read_bytes(dataset_id, path, member)
    tried = list(encodings)
    for encoding in tried:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:  # NUL bytes: UTF-16/32 read as an 8-bit encoding
            text = text.removeprefix("\ufeff")
            if not text.strip():  # nothing but a BOM, spaces or line breaks
                raise SourceError(dataset_id, path, "fichier vide")
            return text
    raise SourceError(dataset_id, path, f"encodage inattendu : illisible en {' / '.join(tried)}")


def read_csv(
    dataset_id: str,
    path: Path,
    *,
    required: Iterable[str],
    sep: str = ",",
    encodings: Iterable[str] = ("utf-8",),
    strip: bool = False,
    member: str | None = None,
    required_only: bool = False,
) -> pd.DataFrame:
    """Read a delimited file (or a zip archive's `member`) as strings, checking that every record has the header's
    fields and its columns; with `required_only`, the other columns are not kept (a wide national file)."""
    text = decode(dataset_id, path, encodings, member)
    problem = _first_bad_line(text, sep)
    if problem is not None:
        raise SourceError(dataset_id, path, problem)
    required = list(required)
    header = [column.strip() for column in next(csv.reader(io.StringIO(text), delimiter=sep), [])]
    missing = [column for column in required if column not in header]
    if missing:
        raise SourceError(
            dataset_id,
            path,
            f"colonne(s) manquante(s) : {', '.join(missing)} (colonnes lues : {', '.join(header[:12])}…)",
        )
    kept = [header.index(column) for column in required] if required_only else None
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, usecols=kept)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise SourceError(dataset_id, path, f"CSV illisible ({exc})") from exc
    frame.columns = [str(column).strip() for column in frame.columns]
    if strip:
        frame = frame.apply(lambda column: column.str.strip())
    return frame


def _first_bad_line(text: str, sep: str) -> str | None:
    """What is wrong with the first record whose number of fields differs from the header's, if any.

    pandas pads short records with empty strings (`keep_default_na=False`) and would read records that all
    have one field too many as an index column: neither can be told from the frame."""
    records = csv.reader(io.StringIO(text), delimiter=sep)
    width = len(next(records, []))
    for record in records:
        if not record:
            continue
        if len(record) < width:
            return f"ligne {records.line_num} incomplète : fichier tronqué ou mal formé"
        if len(record) > width:
            return f"ligne {records.line_num} : {len(record)} champs au lieu de {width} (colonnes décalées)"
    return None


#: `DataFrame.attrs` key of a parsed file's number of rows, when the frame keeps some of them only.
ROWS_IN_FILE = "rows_in_file"


def in_departements(codes: pd.Series, departements: Collection[str] | None) -> pd.Series:
    """Which commune codes belong to `departements` (every code when None): the code's first two characters, or
    three overseas (971…976)."""
    if departements is None:
        return pd.Series(True, index=codes.index)
    prefixes = codes.str[:2].where(~codes.str.startswith("97"), codes.str[:3])
    return prefixes.isin(set(departements))


def national_rows(
    dataset_id: str,
    path: Path,
    raw: pd.DataFrame,
    code_column: str,
    rows: tuple[int, int],
    departements: Collection[str] | None,
) -> tuple[pd.DataFrame, int]:
    """The rows of a national commune file: all counted (`rows`: the documented count), those whose `code_column`
    is in `departements` kept (all when None). Returns the kept rows and the file's number of rows."""
    check_count(dataset_id, path, len(raw), *rows, "communes")
    return raw[in_departements(raw[code_column], departements)], len(raw)


def read_json(dataset_id: str, path: Path):
    """Parse a JSON document."""
    text = decode(dataset_id, path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            dataset_id, path, f"JSON invalide ou tronqué (ligne {exc.lineno}, colonne {exc.colno})"
        ) from exc


def iter_ndjson(dataset_id: str, path: Path) -> Iterator[dict]:
    """Yield the objects of a newline-delimited JSON file."""
    text = decode(dataset_id, path)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except json.JSONDecodeError as exc:
            raise SourceError(dataset_id, path, f"ligne {number} : JSON invalide ou tronqué ({exc.msg})") from exc


def to_number(
    dataset_id: str,
    path: Path,
    column: pd.Series,
    *,
    decimal: str = ".",
    thousands: str | None = None,
) -> pd.Series:
    """Convert a text column to floats; secret/unavailable markers become missing (never 0).

    With `thousands`, no-break spaces are thousands separators too. With a decimal comma, a point is refused
    (a thousands separator or another file's decimal mark); infinite values are refused."""
    values = column.astype(str).str.strip()
    if thousands:
        for separator in (thousands, *NO_BREAK_SPACES):
            values = values.str.replace(separator, "")  # literal replacement (pandas' default)
    wrong_mark = values.str.contains(r"\.") if decimal != "." else False
    values = values.str.replace(decimal, ".")
    missing = values.isin(MISSING_MARKERS)
    numbers = pd.to_numeric(values.where(~missing), errors="coerce")
    bad = (numbers.isna() | wrong_mark | np.isinf(numbers)) & ~missing
    if bad.any():
        examples = ", ".join(sorted(set(column[bad].astype(str)))[:5])
        raise SourceError(dataset_id, path, f"valeurs non numériques dans {column.name} : {examples}")
    return pd.Series(numbers, dtype="float64")


def to_integer(dataset_id: str, path: Path, column: pd.Series, *, thousands: str | None = None) -> pd.Series:
    """Convert a text column of counts to int64, refusing missing or fractional values."""
    numbers = to_number(dataset_id, path, column, thousands=thousands)
    bad = numbers.isna() | (numbers % 1 != 0)
    if bad.any():
        examples = ", ".join(sorted(set(column[bad].astype(str)))[:5])
        raise SourceError(dataset_id, path, f"entiers attendus dans {column.name} : {examples or 'valeur vide'}")
    return numbers.astype("int64")


@dataclass(frozen=True)
class RowCount:
    """Rows a file must hold: exactly `mirror` for the mirror's copy (the count its PROVENANCE gives).

    `live` is the documented count of the file the official address serves, when it is another file (the
    national file of a regional extract) or may be another vintage (the newest resource): it is then accepted
    within ±`LIVE_TOLERANCE`. Without `live`, the official download is the very same file: exact count too."""

    mirror: int
    live: int | None = None

    def bounds(self, from_mirror: bool) -> tuple[int, int]:
        """(minimum, maximum) for a file read from the mirror or downloaded."""
        if from_mirror or self.live is None:
            return self.mirror, self.mirror
        margin = math.ceil(self.live * LIVE_TOLERANCE)
        return self.live - margin, self.live + margin


def check_count(dataset_id: str, path: Path, count: int, minimum: int, maximum: int, what: str) -> None:
    """Refuse a row count outside [minimum, maximum] (a filtered, truncated or wrong file)."""
    if minimum <= count <= maximum:
        return
    expected = f"attendu {minimum}" if minimum == maximum else f"attendu entre {minimum} et {maximum}"
    raise SourceError(
        dataset_id, path, f"{count} {what} lus, {expected} (fichier tronqué, filtré ou d'un autre millésime)"
    )


def validate(dataset_id: str, path: Path, frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Validate a tidy frame against a pandera schema, reporting failures readably."""
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        summary = "; ".join(
            f"{row.column}: {row.check} (ex. {row.failure_case!r})"
            for row in cases.drop_duplicates(["column", "check"]).head(5).itertuples()
        )
        raise SourceError(dataset_id, path, f"données non conformes : {summary}") from exc
