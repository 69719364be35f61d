"""ngeofr-maps, COG 2025: generalised polygons (EPCI, département, région) and label points
(commune and EPCI centroids) of metropolitan France, in Lambert-93 (EPSG:2154).

Metropolitan France only: the 23 overseas EPCIs are absent. Names often lack the type prefix
(e.g. "GrandSoissons Agglomération"): take names from decoupage-administratif.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandera.pandas as pa

from loaders import decoupage, readers, vectors
from loaders.fetch import fetch

DATASET_ID = "ngeofr-maps-cog2025"
EPSG = 2154
POLYGONS = ("Polygon", "MultiPolygon")
POINTS = ("Point",)

#: file → (code property, name property, code format, geometry kinds, exact rows).
#: Documented counts (mirror and checksummed download alike): 34,746 commune centroids, 1,232 EPCIs, 96 départements,
#: 13 régions.
LAYERS = {
    "com-fra-2025-centroid-gen.parquet": ("com_insee", "com_nom", readers.COMMUNE_CODE, POINTS, (34_746, 34_746)),
    "epci-fra-2025-centroid-gen.parquet": ("epci_siren", "epci_nom", decoupage.SIREN_CODE, POINTS, (1_232, 1_232)),
    "epci-fra-2025-surface-gen.parquet": ("epci_siren", "epci_nom", decoupage.SIREN_CODE, POLYGONS, (1_232, 1_232)),
    "dep-fra-2025-surface-gen.parquet": ("dep_insee", "dep_nom", readers.DEPARTEMENT_CODE, POLYGONS, (96, 96)),
    "reg-fra-2025-surface-gen.parquet": ("reg_insee", "reg_nom", readers.REGION_CODE, POLYGONS, (13, 13)),
}


def parse(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    """One layer as a GeoDataFrame: code, name (str), geometry (EPSG:2154).

    `layer` is the file name in `LAYERS` (default: the name of `path`).
    """
    code_column, name_column, code_format, kinds, rows = LAYERS[layer or Path(path).name]
    raw = vectors.read_vector(DATASET_ID, path, required=(code_column, name_column), epsg=EPSG)
    vectors.check_geometry_types(DATASET_ID, path, raw, kinds)
    frame = gpd.GeoDataFrame(
        {"code": raw[code_column].astype("str"), "name": raw[name_column].astype("str")},
        geometry=raw.geometry,
        crs=raw.crs,
    )
    schema = pa.DataFrameSchema(
        {
            "code": pa.Column(str, pa.Check.str_matches(code_format), unique=True),
            "name": pa.Column(str, pa.Check.str_length(min_value=1)),
        },
        strict=True,
        ordered=True,
    )
    readers.validate(DATASET_ID, path, frame.drop(columns="geometry"), schema)
    readers.check_count(DATASET_ID, path, len(frame), *rows, "entités")
    return vectors.polygonal_valid(frame) if kinds == POLYGONS else frame


def _load(filename: str) -> gpd.GeoDataFrame:
    return parse(fetch(DATASET_ID, filename))


def load_commune_centroids() -> gpd.GeoDataFrame:
    """Commune label points (current communes of metropolitan France)."""
    return _load("com-fra-2025-centroid-gen.parquet")


def load_epci_centroids() -> gpd.GeoDataFrame:
    """EPCI label points."""
    return _load("epci-fra-2025-centroid-gen.parquet")


def load_epci_surfaces() -> gpd.GeoDataFrame:
    """EPCI polygons."""
    return _load("epci-fra-2025-surface-gen.parquet")


def load_departements() -> gpd.GeoDataFrame:
    """Département polygons."""
    return _load("dep-fra-2025-surface-gen.parquet")


def load_regions() -> gpd.GeoDataFrame:
    """Région polygons."""
    return _load("reg-fra-2025-surface-gen.parquet")
