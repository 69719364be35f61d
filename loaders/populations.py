"""Insee legal populations, millésime 2023 (in force in 2026, COG 2025), by commune and
by département, read from the national files and filtered by the build. PMUN (population municipale) is the
figure to sum and to divide by; PTOT double counts people across communes. Paris, Lyon and Marseille are
listed by municipal arrondissement only (`by_commune` sums them)."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from geo import cog
from loaders import readers
from loaders.fetch import fetch, mirror_root

DATASET_ID = "insee-populations-legales-com-2023-france"
COMMUNES_FILE = "donnees_communes.csv"
DEPARTEMENTS_FILE = "donnees_departements.csv"
#: 34,900 communes and municipal arrondissements (Mayotte absent), mirror and official zip alike.
COMMUNE_ROWS = readers.RowCount(mirror=34_900)
#: Mainland and overseas départements (Mayotte is absent from the file): 100 rows, mirror and official zip.
DEPARTEMENT_ROWS = readers.RowCount(mirror=100, live=100)

_COUNT = pa.Column("int64", pa.Check.ge(0))


def _within_departement(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(
        [code.startswith(dep) for code, dep in zip(frame["code"], frame["departement_code"], strict=True)],
        index=frame.index,
    )


COMMUNES_SCHEMA = pa.DataFrameSchema(
    {
        "code": pa.Column(str, pa.Check.str_matches(readers.COMMUNE_CODE), unique=True),
        "departement_code": pa.Column(str, pa.Check.str_matches(readers.DEPARTEMENT_CODE)),
        "region_code": pa.Column(str, pa.Check.str_matches(readers.REGION_CODE)),
        "name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "PMUN": _COUNT,
        "PCAP": _COUNT,
        "PTOT": _COUNT,
    },
    checks=[
        pa.Check(_within_departement, error="code commune hors de son département"),
        pa.Check(lambda frame: frame["PTOT"] == frame["PMUN"] + frame["PCAP"], error="PTOT différent de PMUN + PCAP"),
    ],
    strict=True,
    ordered=True,
)

DEPARTEMENTS_SCHEMA = pa.DataFrameSchema(
    {
        "code": pa.Column(str, pa.Check.str_matches(readers.DEPARTEMENT_CODE), unique=True),
        "region_code": pa.Column(str, pa.Check.str_matches(readers.REGION_CODE)),
        "name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "PMUN": _COUNT,
        "PTOT": _COUNT,
    },
    checks=pa.Check(lambda frame: frame["PTOT"] >= frame["PMUN"], error="PTOT inférieur à PMUN"),
    strict=True,
    ordered=True,
)


def parse(
    path: Path,
    *,
    rows: tuple[int, int] = COMMUNE_ROWS.bounds(from_mirror=True),
    departements: Collection[str] | None = None,
) -> pd.DataFrame:
    """Communes: code, departement_code, region_code, name (str); PMUN, PCAP, PTOT (int64); the whole file's rows
    are counted, those of `departements` (all when None) kept and checked."""
    raw = readers.read_csv(
        DATASET_ID, path, sep=";", required=("REG", "DEP", "COM", "Commune", "PMUN", "PCAP", "PTOT"), required_only=True
    )
    raw, in_file = readers.national_rows(DATASET_ID, path, raw, "COM", rows, departements)
    frame = pd.DataFrame(
        {
            "code": raw["COM"],
            "departement_code": raw["DEP"],
            "region_code": raw["REG"],
            "name": raw["Commune"],
            **{column: readers.to_integer(DATASET_ID, path, raw[column]) for column in ("PMUN", "PCAP", "PTOT")},
        }
    )
    frame.attrs[readers.ROWS_IN_FILE] = in_file
    return readers.validate(DATASET_ID, path, frame, COMMUNES_SCHEMA)


def parse_departements(
    path: Path, *, rows: tuple[int, int] = DEPARTEMENT_ROWS.bounds(from_mirror=True)
) -> pd.DataFrame:
    """Départements: code, region_code, name (str); PMUN, PTOT (int64)."""
    raw = readers.read_csv(DATASET_ID, path, sep=";", required=("REG", "DEP", "Département", "PMUN", "PTOT"))
    frame = pd.DataFrame(
        {
            "code": raw["DEP"],
            "region_code": raw["REG"],
            "name": raw["Département"],
            **{column: readers.to_integer(DATASET_ID, path, raw[column]) for column in ("PMUN", "PTOT")},
        }
    )
    readers.check_count(DATASET_ID, path, len(frame), *rows, "départements")
    return readers.validate(DATASET_ID, path, frame, DEPARTEMENTS_SCHEMA)


def by_commune(frame: pd.DataFrame, arrondissements: pd.DataFrame) -> pd.DataFrame:
    """Populations (code, PMUN, PCAP, PTOT) per commune: the municipal arrondissements of a commune absent from
    `frame` are summed into it (`arrondissements`: code, commune_code, from the administrative reference)."""
    targets = cog.arrondissement_targets(frame["code"], arrondissements)
    codes = frame["code"].map(lambda code: targets[code][0] if code in targets else code)
    counts = frame[["PMUN", "PCAP", "PTOT"]]
    return counts.groupby(codes.rename("code"), sort=False).sum().reset_index()


def load(departements: Collection[str] | None = None) -> pd.DataFrame:
    """The communes and municipal arrondissements of `departements` (all of France but Mayotte when None)."""
    return parse(
        fetch(DATASET_ID, COMMUNES_FILE), rows=COMMUNE_ROWS.bounds(mirror_root() is not None), departements=departements
    )


def load_departements() -> pd.DataFrame:
    """Every département of France (except Mayotte, absent from the file)."""
    return parse_departements(
        fetch(DATASET_ID, DEPARTEMENTS_FILE), rows=DEPARTEMENT_ROWS.bounds(mirror_root() is not None)
    )
