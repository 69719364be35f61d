"""Supply in places, estimated: FINESS publishes establishments, not capacities.

Each establishment counts for the average number of places of its family in the région: the places DREES
publishes for the région (ES-DS survey, end of 2021) divided by the FINESS establishments of the same
types. The families, the DREES figure each one takes and the spread of the averages are declared and
computed here once; the build writes the computation into the catalogue so that every page shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Family:
    """Establishment types whose places one DREES regional figure counts."""

    key: str
    label: str
    types: tuple[str, ...]
    figure_id: str


#: Résidences sociales, by the families the needs analysis compares (supply).
RESIDENCE_FAMILIES = (
    Family(
        "pension_famille",
        "Pensions de famille et résidences accueil",
        ("pension_de_famille", "residence_accueil"),
        "drees_places_pensions_famille_hdf_2021",
    ),
    Family("fjt", "Foyers de jeunes travailleurs", ("fjt",), "drees_places_fjt_hdf_2021"),
    Family(
        "residence_generaliste",
        "Résidences sociales généralistes et issues de FTM",
        ("generaliste", "ftm"),
        "drees_places_autres_rs_hdf_2021",
    ),
)
#: Shelters whose residents wait for housing (insertion, emergency and stabilisation), for the need side.
#: CADA (asylum seekers) are left out: their residents' access to housing depends on their asylum decision.
SHELTER_FAMILIES = (
    Family("chrs", "Centres d'hébergement et de réinsertion sociale (CHRS)", ("chrs",), "drees_places_chrs_hdf_2021"),
    Family(
        "hebergement_urgence",
        "Autres centres d'hébergement (urgence, stabilisation)",
        ("autre_centre_accueil",),
        "drees_places_autres_hebergement_hdf_2021",
    ),
)
#: Base variables of the store: places of each family, and the two totals.
RESIDENCE_TOTAL = "places_residence_sociale"
SHELTER_TOTAL = "places_hebergement"


def variable(family: Family) -> str:
    return f"places_{family.key}"


@dataclass(frozen=True)
class Average:
    """Places per establishment of one family, with its inputs."""

    family: Family
    places: float
    establishments: float
    figure_label: str
    publication: str
    reference_date: str

    @property
    def per_establishment(self) -> float | None:
        return self.places / self.establishments if self.establishments > 0 else None

    def as_record(self, type_labels: Mapping[str, str]) -> dict:
        return {
            "key": self.family.key,
            "label": self.family.label,
            "types": list(self.family.types),
            "type_labels": [type_labels.get(kind, kind) for kind in self.family.types],
            "figure_id": self.family.figure_id,
            "figure_label": self.figure_label,
            "publication": self.publication,
            "reference_date": self.reference_date,
            "places": self.places,
            "establishments": self.establishments,
            "per_establishment": self.per_establishment,
        }


def averages(families: tuple[Family, ...], figures: pd.DataFrame, counts: Mapping[str, float]) -> list[Average]:
    """Each family's DREES places and FINESS establishments in the région (families without a figure left out)."""
    by_id = figures.set_index("id") if len(figures) else pd.DataFrame()
    result = []
    for family in families:
        if family.figure_id not in by_id.index:
            continue
        row = by_id.loc[family.figure_id]
        result.append(
            Average(
                family=family,
                places=float(row["value"]),
                establishments=float(sum(counts.get(kind, 0.0) for kind in family.types)),
                figure_label=str(row["label_fr"]),
                publication=str(row["publication"]),
                reference_date=str(row["reference_date"]),
            )
        )
    return result


def relative_spread(family_averages: list[Average]) -> float | None:
    """Spread of places per establishment between families: standard deviation of the family averages,
    weighted by their establishments, divided by the overall average (both over the région)."""
    usable = [item for item in family_averages if item.per_establishment is not None]
    if len(usable) < 2:
        return None
    sizes = np.array([item.per_establishment for item in usable])
    weights = np.array([item.establishments for item in usable])
    mean = float(np.average(sizes, weights=weights))
    return float(np.sqrt(np.average((sizes - mean) ** 2, weights=weights)) / mean)


def places_by_territory(counts: pd.DataFrame, family_averages: list[Average], total: str) -> pd.DataFrame:
    """Estimated places per territory: `counts` is wide (index: level, code; columns: establishment types).

    Returns one column per family (`places_<key>`) and the total, NaN where a family has no average.
    """
    columns = {}
    for item in family_averages:
        size = item.per_establishment
        present = [kind for kind in item.family.types if kind in counts]
        columns[variable(item.family)] = (
            counts[present].sum(axis=1) * size if size is not None and present else pd.Series(np.nan, counts.index)
        )
    frame = pd.DataFrame(columns, index=counts.index)
    frame[total] = frame.sum(axis=1, min_count=len(columns)) if columns else np.nan
    return frame
