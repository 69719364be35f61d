"""Insee Comparateur de territoires, communal base (census 2018, Filosofi 2019, COG 2021).

Read from the national zip (the data member) and filtered by the build. Codes are kept as published (COG 2021;
Paris, Lyon and Marseille both as communes and by municipal arrondissement); mapping them to current communes
is the build's job (`60054` of 2021 covers the current 60054 and 60694). Blank fields are secret or
unavailable and become NaN, never 0. Census counts are weighted estimates with decimals.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from loaders import readers
from loaders.fetch import fetch, mirror_root

DATASET_ID = "insee-comparateur-territoires-com-ed2021-france"
FILENAME = "base_cc_comparateur_csv.zip"
MEMBER = "base_cc_comparateur.CSV"
#: 35,010 rows in the national file of the 2021 edition, mirror and checksummed download alike.
ROWS = readers.RowCount(mirror=35_010)

#: Kept columns and their Insee labels (LIB_VAR_LONG of the meta file).
COLUMNS = {
    "P18_POP": "Population en 2018",
    "P13_POP": "Population en 2013",
    "P18_MEN": "Nombre de ménages en 2018",
    "P18_LOG": "Nombre de logements en 2018",
    "P18_RP": "Nombre de résidences principales en 2018",
    "P18_RSECOCC": "Nombre de résidences secondaires et logements occasionnels en 2018",
    "P18_LOGVAC": "Nombre de logements vacants en 2018",
    "P18_RP_PROP": "Nombre de résidences principales occupées par propriétaires en 2018",
    "P18_POP1564": "Nombre de personnes de 15 à 64 ans en 2018",
    "P18_ACT1564": "Nombre de personnes actives de 15 à 64 ans en 2018",
    "P18_CHOM1564": "Nombre de chômeurs de 15 à 64 ans en 2018",
    "NBMENFISC19": "Nombre de ménages fiscaux en 2019",
    "MED19": "Médiane du niveau de vie en 2019 (€)",
    "TP6019": "Taux de pauvreté en 2019 (%)",
    "SUPERF": "Superficie (en km²)",
}

SCHEMA = pa.DataFrameSchema(
    {
        "code": pa.Column(str, pa.Check.str_matches(readers.COMMUNE_CODE), unique=True),
        **{
            column: pa.Column(
                "float64", pa.Check.in_range(0, 100) if column == "TP6019" else pa.Check.ge(0), nullable=True
            )
            for column in COLUMNS
        },
    },
    strict=True,
    ordered=True,
)


def parse(
    path: Path,
    *,
    rows: tuple[int, int] = ROWS.bounds(from_mirror=True),
    member: str | None = MEMBER,
    departements: Collection[str] | None = None,
) -> pd.DataFrame:
    """Commune frame: `code` (COG 2021, as published) and the float64 columns of `COLUMNS`, from the archive's
    `member` (or from `path` itself when `member` is None); the whole file's rows are counted, those of
    `departements` (all when None) kept and checked."""
    raw = readers.read_csv(DATASET_ID, path, sep=";", required=("CODGEO", *COLUMNS), member=member, required_only=True)
    raw, in_file = readers.national_rows(DATASET_ID, path, raw, "CODGEO", rows, departements)
    frame = pd.DataFrame(
        {"code": raw["CODGEO"], **{column: readers.to_number(DATASET_ID, path, raw[column]) for column in COLUMNS}}
    )
    frame.attrs[readers.ROWS_IN_FILE] = in_file
    return readers.validate(DATASET_ID, path, frame, SCHEMA)


def load(departements: Collection[str] | None = None) -> pd.DataFrame:
    """The rows of `departements` (every row when None) of the national file."""
    return parse(fetch(DATASET_ID, FILENAME), rows=ROWS.bounds(mirror_root() is not None), departements=departements)
