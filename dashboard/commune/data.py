"""What the commune fiche shows, as pure functions of the store: identity, every commune-level indicator with
its EPCI, département, région and France values, and the establishments in and nearest to the commune."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from dashboard.core import catalogue
from dashboard.core.levels import (
    FAMILY_RESIDENCE,
    FRANCE_CODE,
    LEVEL_COMMUNE,
    LEVEL_DEPARTEMENT,
    LEVEL_EPCI,
    LEVEL_FRANCE,
    LEVEL_REGION,
)
from dashboard.core.perimeter import own_region, perimeter
from dashboard.core.store import Store
from dashboard.needs.analysis import Value, lookup

#: How many résidences sociales outside the commune the fiche lists, nearest first.
NEAREST_COUNT = 5
#: Lambert-93: distances in metres across the région (EPSG:2154, the French official projection).
METRIC_CRS = "EPSG:2154"
#: Columns of the establishment tables, in the order shown.
ESTABLISHMENT_COLUMNS = ("finess", "name", "type_label", "family", "commune_code", "commune_name", "opening_date")


@dataclass(frozen=True)
class CommuneIdentity:
    """Who the commune is: names and codes of the commune, its EPCI and its département, its population."""

    code: str
    name: str
    epci_code: str | None
    epci_name: str | None
    departement_code: str
    departement_name: str
    population: float | None


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator of the fiche: the commune's value, then its EPCI's, département's, région's and France's."""

    indicator: str
    entry: Mapping[str, Any]
    values: tuple[Value, ...]
    #: The commune's value is missing because the publisher withholds it (secret statistique).
    withheld: bool


def commune_identity(store: Store, code: str) -> CommuneIdentity | None:
    """The commune of code `code` (Insee), or None when the map has no such commune."""
    if LEVEL_COMMUNE not in store.display:
        return None
    row = catalogue.territory_row(store, LEVEL_COMMUNE, code)
    if row is None:
        return None
    epci_code = row.get("epci_code") if isinstance(row.get("epci_code"), str) else None
    epci = catalogue.territory_row(store, LEVEL_EPCI, epci_code) if epci_code and LEVEL_EPCI in store.display else None
    departement_code = str(row.get("departement_code") or "")
    departements = dict(perimeter(store).departements)
    population = row.get("population")
    return CommuneIdentity(
        code=code,
        name=str(row["name"]),
        epci_code=epci_code if epci is not None else None,
        epci_name=str(epci["name"]) if epci is not None else None,
        departement_code=departement_code,
        departement_name=departements.get(departement_code, departement_code),
        population=float(population) if pd.notna(population) else None,
    )


def comparison_codes(store: Store, identity: CommuneIdentity) -> tuple[tuple[str, str | None], ...]:
    """(level, code) of the commune and of what it is compared with, in the columns' order."""
    return (
        (LEVEL_COMMUNE, identity.code),
        (LEVEL_EPCI, identity.epci_code),
        (LEVEL_DEPARTEMENT, identity.departement_code),
        (LEVEL_REGION, own_region(store, LEVEL_COMMUNE, identity.code)[0]),
        (LEVEL_FRANCE, FRANCE_CODE),
    )


def indicator_lines(store: Store, identity: CommuneIdentity) -> list[IndicatorLine]:
    """Every available indicator published at the commune level, in catalogue order, with its comparisons."""
    scopes = comparison_codes(store, identity)
    lines = []
    for indicator, entry in catalogue.indicator_entries(store).items():
        if not entry.get("available", True) or LEVEL_COMMUNE not in catalogue.indicator_levels(store, indicator):
            continue
        values = tuple(
            lookup(store, indicator, level, code) if code else Value(None, None, None, "") for level, code in scopes
        )
        withheld = values[0].value is None and bool(entry.get("withheld_small_areas"))
        lines.append(IndicatorLine(indicator, entry, values, withheld))
    return lines


def establishments_in(store: Store, code: str) -> pd.DataFrame:
    """The establishments (résidences sociales first, then hébergement) located in the commune."""
    residences = store.residences
    here = residences[residences["commune_code"] == code]
    ordered = here.assign(_other=here["family"] != FAMILY_RESIDENCE).sort_values(["_other", "type_label", "name"])
    return pd.DataFrame(ordered[list(ESTABLISHMENT_COLUMNS)]).reset_index(drop=True)


def commune_centre(store: Store, code: str) -> gpd.GeoSeries:
    """A point inside the commune's contour (its representative point), in metres (Lambert-93)."""
    territories = store.territories
    commune = territories[(territories["level"] == LEVEL_COMMUNE) & (territories["code"] == code)]
    return gpd.GeoSeries(commune.geometry, crs=territories.crs).to_crs(METRIC_CRS).representative_point()


def nearest_residences(store: Store, code: str, count: int = NEAREST_COUNT) -> pd.DataFrame:
    """The `count` résidences sociales outside the commune nearest to it, with `distance_km` as the crow flies
    from a point inside the commune (empty when the commune or the establishments have no position)."""
    residences = store.residences
    others = residences[(residences["family"] == FAMILY_RESIDENCE) & (residences["commune_code"] != code)]
    others = others[others.geometry.notna() & ~others.geometry.is_empty]
    centre = commune_centre(store, code)
    if centre.empty or others.empty:
        return pd.DataFrame(columns=[*ESTABLISHMENT_COLUMNS, "distance_km"])
    points = gpd.GeoSeries(others.geometry, crs=residences.crs or "EPSG:4326").to_crs(METRIC_CRS)
    distances = points.distance(centre.iloc[0]) / 1000
    nearest = others.assign(distance_km=distances).nsmallest(count, "distance_km")
    return pd.DataFrame(nearest[[*ESTABLISHMENT_COLUMNS, "distance_km"]]).reset_index(drop=True)


def establishment_sources(store: Store) -> list[str]:
    """The citation(s) of the establishments' register."""
    residences = store.residences
    return sorted(set(residences["source"].dropna())) if "source" in residences else []
