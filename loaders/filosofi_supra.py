"""Insee Filosofi 2019, official income figures above the commune: EPCI, département, région,
France métropolitaine (`FILO2019_DISP_*`).

These are the values INSEE computes for each territory (no re-aggregation of commune medians).
The EPCIs are those of the file's geography, before 1 January 2020: mapping them to today's EPCIs is
declared here (`FORMER_SIRENS`, `PERIMETER_CHANGES`) and checked by the build.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from loaders import readers
from loaders.fetch import fetch

DATASET_ID = "insee-filosofi-2019-disp-supra"

#: File → (level, exact row count of the 2019 publication, code format).
FILES = {
    "FILO2019_DISP_EPCI.csv": ("epci", 1_240, r"^\d{9}$"),
    "FILO2019_DISP_DEP.csv": ("departement", 98, readers.DEPARTEMENT_CODE),
    "FILO2019_DISP_REG.csv": ("region", 15, readers.REGION_CODE),
    "FILO2019_DISP_METROPOLE.csv": ("france", 1, r"^1$"),
}
#: Code of France métropolitaine in the METROPOLE file, and the code the store uses for France.
METROPOLE_CODE = "1"
FRANCE_CODE = "FR"

#: Kept columns and their INSEE meaning.
COLUMNS = {
    "NBMEN19": "Nombre de ménages fiscaux",
    "NBPERS19": "Nombre de personnes des ménages fiscaux",
    "Q219": "Médiane du niveau de vie (€)",
    "D119": "1er décile du niveau de vie (€)",
    "D919": "9e décile du niveau de vie (€)",
    "PPMINI19": "Part des minima sociaux dans le revenu disponible (%)",
    "PPLOGT19": "Part des prestations logement dans le revenu disponible (%)",
    "PPSOC19": "Part des prestations sociales dans le revenu disponible (%)",
}
_SHARES = ("PPMINI19", "PPLOGT19", "PPSOC19")


@dataclass(frozen=True)
class PerimeterChange:
    """A current EPCI whose perimeter differs from the one of the 2019 figures."""

    siren: str
    change: str


#: Current EPCI SIREN → SIREN of the 2019 row whose published values it takes. The Métropole européenne de
#: Lille took its current SIREN when the CC de la Haute-Deûle (245901061) joined it on 1 January 2020; the
#: two 2019 rows are never recombined (medians and deciles are not additive).
FORMER_SIRENS = {"200093201": "245900410"}

#: Perimeter changes between the 2019 geography of the file and the 2025 composition of the EPCIs
#: (INSEE geography of the file compared with the 2025 members; mirror PROVENANCE of this dataset).
PERIMETER_CHANGES = (
    PerimeterChange(
        "200093201",
        "valeurs de la MEL dans son périmètre de 2019 (SIREN 245900410, 90 communes), avant l'entrée de la CC de "
        "la Haute-Deûle (5 communes) en 2020",
    ),
    PerimeterChange("200067973", "périmètre de 2019 : 40 communes (41 en 2025)"),
    PerimeterChange("246000376", "périmètre de 2019 : 19 communes (18 en 2025)"),
    PerimeterChange("246000582", "périmètre de 2019 : 20 communes (21 en 2025)"),
)


#: Largest relative gap between an EPCI's published 2019 fiscal households and those of its current communes for
#: its perimeter to count as unchanged (0.55 % at most in the Hauts-de-France, where every change is declared).
PERIMETER_TOLERANCE = 0.02
DETECTED_CHANGE = "périmètre de 2019 différent du périmètre actuel (écart de ménages détecté à la construction)"


def perimeter_changes(ratio: pd.Series) -> dict[str, str]:
    """What differs in each changed EPCI (index of `ratio`: SIREN; value: 2019 fiscal households published ÷
    those of its current communes): the declared `PERIMETER_CHANGES`, then the EPCIs whose ratio is off by more
    than `PERIMETER_TOLERANCE`."""
    declared = {change.siren: change.change for change in PERIMETER_CHANGES if change.siren in ratio.index}
    off = ratio[(ratio - 1).abs() > PERIMETER_TOLERANCE].index
    return declared | {siren: DETECTED_CHANGE for siren in off if siren not in declared}


def _schema(code_pattern: str) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "code": pa.Column(str, pa.Check.str_matches(code_pattern), unique=True),
            "name": pa.Column(str, pa.Check.str_length(min_value=1)),
            **{
                column: pa.Column(
                    "float64", pa.Check.in_range(0, 100) if column in _SHARES else pa.Check.gt(0), nullable=False
                )
                for column in COLUMNS
            },
        },
        strict=True,
        ordered=True,
    )


def parse(path: Path, *, code_pattern: str, rows: int) -> pd.DataFrame:
    """One file: `code`, `name` and the float64 columns of `COLUMNS` (every value published)."""
    raw = readers.read_csv(DATASET_ID, path, sep=";", required=("CODGEO", "LIBGEO", *COLUMNS))
    readers.check_count(DATASET_ID, path, len(raw), rows, rows, "territoires")
    frame = pd.DataFrame(
        {
            "code": raw["CODGEO"],
            "name": raw["LIBGEO"],
            **{column: readers.to_number(DATASET_ID, path, raw[column], decimal=",") for column in COLUMNS},
        }
    )
    return readers.validate(DATASET_ID, path, frame, _schema(code_pattern))


def load() -> pd.DataFrame:
    """Every territory of the four files, with its `level`; France métropolitaine under the code « FR »."""
    frames = []
    for filename, (level, rows, pattern) in FILES.items():
        frame = parse(fetch(DATASET_ID, filename), code_pattern=pattern, rows=rows)
        if level == "france":
            frame = frame.assign(code=FRANCE_CODE)
        frames.append(frame.assign(level=level))
    return pd.concat(frames, ignore_index=True)


def epci_rows(published: pd.DataFrame, current_sirens: list[str]) -> tuple[pd.DataFrame, dict]:
    """The 2019 row of each current EPCI (same SIREN, or its former SIREN), re-keyed on the current SIREN.

    Returns the rows (index: current SIREN) and a report: how each EPCI was matched, which have none.
    """
    epci = published[published["level"] == "epci"].set_index("code")
    source = {siren: FORMER_SIRENS.get(siren, siren) for siren in current_sirens}
    matched = {siren: former for siren, former in source.items() if former in epci.index}
    rows = epci.loc[list(matched.values())].set_axis(list(matched), axis=0)
    report = {
        "meme_siren": sum(1 for siren, former in matched.items() if siren == former),
        "ancien_siren": {siren: former for siren, former in matched.items() if siren != former},
        "sans_ligne": sorted(set(current_sirens) - set(matched)),
    }
    return rows, report
