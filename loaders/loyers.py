"""DHUP/ANIL « Carte des loyers » 2018: advertised private rents by commune (apartments, houses).

Rents are € per m², charges included, for a reference dwelling let in Q3 2018, estimated from adverts of
2015–2019 by UMR 1041 CESAER (AgroSup Dijon-INRAE) from SeLoger, leboncoin and pap.fr data. Each value says
the level it was estimated at (`commune`, `epci` or `maille`, a group of similar neighbouring communes).
Commune codes are COG 2017, written without their leading zero in the file (padded here).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from loaders import readers
from loaders.fetch import fetch

DATASET_ID = "anil-dhup-carte-loyers-2018-com"
#: File → kind of dwelling.
FILES = {"indicateurs-loyers-appartements.csv": "appartement", "indicateurs-loyers-maisons.csv": "maison"}
#: Communes of France (COG 2017) in each file.
ROWS = 35_441
PREDICTION_LEVELS = {
    "commune": "estimé à partir des annonces de la commune",
    "epci": "estimé à l'échelle de l'EPCI (trop peu d'annonces dans la commune)",
    "maille": "estimé sur un groupe de communes voisines semblables (trop peu d'annonces dans la commune)",
}
REQUIRED = ("INSEE", "LIBGEO", "TYPPRED", "loypredm2", "lwr.IPm2", "upr.IPm2", "R2adj", "NBobs_commune")

SCHEMA = pa.DataFrameSchema(
    {
        "code": pa.Column(str, pa.Check.str_matches(readers.COMMUNE_CODE)),
        "name": pa.Column(str),
        "kind": pa.Column(str, pa.Check.isin(list(FILES.values()))),
        "prediction_level": pa.Column(str, pa.Check.isin(list(PREDICTION_LEVELS))),
        "rent": pa.Column("float64", pa.Check.in_range(1, 100)),
        "rent_low": pa.Column("float64", pa.Check.gt(0)),
        "rent_high": pa.Column("float64", pa.Check.gt(0)),
        "r2_adjusted": pa.Column("float64", pa.Check.in_range(0, 1)),
        "adverts_in_commune": pa.Column("int64", pa.Check.ge(0)),
    },
    checks=[
        pa.Check(lambda frame: frame["rent_low"] <= frame["rent"], error="borne basse au-dessus du loyer"),
        pa.Check(lambda frame: frame["rent"] <= frame["rent_high"], error="borne haute au-dessous du loyer"),
        pa.Check(lambda frame: ~frame.duplicated(["code", "kind"]), error="commune en double"),
    ],
    strict=True,
    ordered=True,
)


def parse(path: Path, kind: str) -> pd.DataFrame:
    """One file: code (COG 2017, 5 characters), name, kind, prediction_level, rent and its 95 % prediction
    interval (€/m²), adjusted R² of the model, number of adverts in the commune."""
    raw = readers.read_csv(DATASET_ID, path, sep=";", required=REQUIRED)
    readers.check_count(DATASET_ID, path, len(raw), ROWS, ROWS, "communes")

    def number(column: str) -> pd.Series:
        return readers.to_number(DATASET_ID, path, raw[column], decimal=",")

    frame = pd.DataFrame(
        {
            "code": raw["INSEE"].str.strip().str.zfill(5),
            "name": raw["LIBGEO"],
            "kind": kind,
            "prediction_level": raw["TYPPRED"].str.strip(),
            "rent": number("loypredm2"),
            "rent_low": number("lwr.IPm2"),
            "rent_high": number("upr.IPm2"),
            "r2_adjusted": number("R2adj"),
            "adverts_in_commune": readers.to_integer(DATASET_ID, path, raw["NBobs_commune"]),
        }
    )
    return readers.validate(DATASET_ID, path, frame, SCHEMA)


def load() -> pd.DataFrame:
    """Both files, one row per commune and kind of dwelling."""
    return pd.concat([parse(fetch(DATASET_ID, filename), kind) for filename, kind in FILES.items()], ignore_index=True)
