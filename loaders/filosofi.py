"""Insee Filosofi 2021: income, standard of living and poverty by commune (COG 2024).

Read from the national file and filtered by the build. Codes are kept as published (COG 2024; Paris, Lyon and
Marseille both as communes and by municipal arrondissement); mapping them to current communes, and counting
those three once, is the build's job (`geo.cog.arrondissement_targets`). Secret (`s`) and
unavailable (`nd`) values become NaN, never 0.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from loaders import readers
from loaders.fetch import fetch, mirror_root

DATASET_ID = "insee-filosofi-com-2021-geo2024-france"
FILENAME = "cc_filosofi_2021_COM.csv"
#: 34,909 rows (no Guadeloupe, Guyane or Mayotte), mirror and official zip alike.
ROWS = readers.RowCount(mirror=34_909)

#: Kept columns and their Insee labels.
COLUMNS = {
    "NBMENFISC21": "Nombre de ménages fiscaux",
    "NBPERSMENFISC21": "Nombre de personnes dans les ménages fiscaux",
    "MED21": "Médiane du niveau de vie (€)",
    "TP6021": "Taux de pauvreté au seuil de 60 % (%)",
    "PIMP21": "Part des ménages fiscaux imposés (%)",
    "D121": "1er décile du niveau de vie (€)",
    "D921": "9e décile du niveau de vie (€)",
    "RD21": "Rapport interdécile (9e décile / 1er décile)",
    "PPMINI21": "Part des minima sociaux dans le revenu disponible (%)",
    "PPLOGT21": "Part des prestations logement dans le revenu disponible (%)",
    "PPSOC21": "Part de l'ensemble des prestations sociales dans le revenu disponible (%)",
    "TP60TOL221": "Taux de pauvreté des ménages locataires (%)",
}

_SHARES = ("TP6021", "PIMP21", "PPMINI21", "PPLOGT21", "PPSOC21", "TP60TOL221")


def _column(column: str) -> pa.Column:
    bounds = pa.Check.in_range(0, 100) if column in _SHARES else pa.Check.ge(0)
    return pa.Column("float64", bounds, nullable=True)


SCHEMA = pa.DataFrameSchema(
    {
        "code": pa.Column(str, pa.Check.str_matches(readers.COMMUNE_CODE), unique=True),
        **{column: _column(column) for column in COLUMNS},
    },
    strict=True,
    ordered=True,
)


def parse(
    path: Path, *, rows: tuple[int, int] = ROWS.bounds(from_mirror=True), departements: Collection[str] | None = None
) -> pd.DataFrame:
    """Commune frame: `code` (COG 2024, as published) and the float64 columns of `COLUMNS`; the whole file's rows
    are counted, those of `departements` (all when None) kept and checked."""
    raw = readers.read_csv(DATASET_ID, path, sep=";", required=("CODGEO", *COLUMNS), required_only=True)
    raw, in_file = readers.national_rows(DATASET_ID, path, raw, "CODGEO", rows, departements)
    frame = pd.DataFrame(
        {
            "code": raw["CODGEO"],
            **{column: readers.to_number(DATASET_ID, path, raw[column], decimal=",") for column in COLUMNS},
        }
    )
    frame.attrs[readers.ROWS_IN_FILE] = in_file
    return readers.validate(DATASET_ID, path, frame, SCHEMA)


def load(departements: Collection[str] | None = None) -> pd.DataFrame:
    """The rows of `departements` (every row when None) of the national file."""
    return parse(fetch(DATASET_ID, FILENAME), rows=ROWS.bounds(mirror_root() is not None), departements=departements)
