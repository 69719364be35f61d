"""Etalab administrative contours 2024, simplified at 1,000 m: EPCI, département and région
polygons in WGS84 (EPSG:4326), for web maps.

The EPCI layer is the 2024 edition: its SIREN set equals the 2025 one and no Hauts-de-France
perimeter changed, but three HdF names are 2024 names, so take names from
decoupage-administratif. A few geometries are invalid (self-intersections from the
simplification): they are repaired here, keeping polygonal parts only.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandera.pandas as pa

from loaders import decoupage, readers, vectors
from loaders.fetch import fetch

DATASET_ID = "etalab-contours-administratifs-2024-1000m"
EPCI_FILE = "epci-1000m.geojson"
DEPARTEMENTS_FILE = "departements-1000m.geojson"
REGIONS_FILE = "regions-1000m.geojson"
EPSG = 4326
#: Exact counts of the 2024 edition (mirror and official files are the same bytes, checksummed): 1,255 EPCIs;
#: 109 départements and 26 régions (overseas collectivities included).
EPCI_ROWS = (1_255, 1_255)
DEPARTEMENT_ROWS = (109, 109)
REGION_ROWS = (26, 26)

_TERRITORY_CODE = {
    "epci": decoupage.SIREN_CODE,
    "departements": decoupage.DEPARTEMENT_OR_COLLECTIVITE,
    "regions": decoupage.REGION_OR_COLLECTIVITE,
}


def _schema(level: str) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "code": pa.Column(str, pa.Check.str_matches(_TERRITORY_CODE[level]), unique=True),
            "name": pa.Column(str, pa.Check.str_length(min_value=1)),
        },
        strict=True,
        ordered=True,
    )


def parse(path: Path, level: str, rows: tuple[int, int]) -> gpd.GeoDataFrame:
    """One layer as a GeoDataFrame: code, name (str), geometry (valid (Multi)Polygon, EPSG:4326).

    `level` is "epci", "departements" or "regions" (selects the code format).
    """
    raw = vectors.read_vector(DATASET_ID, path, required=("code", "nom"), epsg=EPSG)
    vectors.check_geometry_types(DATASET_ID, path, raw, ("Polygon", "MultiPolygon"))
    frame = gpd.GeoDataFrame(
        {"code": raw["code"].astype("str"), "name": raw["nom"].astype("str")}, geometry=raw.geometry, crs=raw.crs
    )
    readers.validate(DATASET_ID, path, frame.drop(columns="geometry"), _schema(level))
    readers.check_count(DATASET_ID, path, len(frame), *rows, "contours")
    return vectors.polygonal_valid(frame)


def load_epci() -> gpd.GeoDataFrame:
    """EPCI polygons (code = SIREN; names are 2024 names)."""
    return parse(fetch(DATASET_ID, EPCI_FILE), "epci", EPCI_ROWS)


def load_departements() -> gpd.GeoDataFrame:
    """Département polygons."""
    return parse(fetch(DATASET_ID, DEPARTEMENTS_FILE), "departements", DEPARTEMENT_ROWS)


def load_regions() -> gpd.GeoDataFrame:
    """Région polygons."""
    return parse(fetch(DATASET_ID, REGIONS_FILE), "regions", REGION_ROWS)
