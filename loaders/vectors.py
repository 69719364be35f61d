"""Strict readers for vector files (GeoJSON, GeoParquet): every failure becomes a `SourceError`
naming the dataset and the file (unreadable or truncated file, missing property, wrong CRS,
empty geometry…)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pyarrow
import pyogrio.errors

from loaders.errors import SourceError

_READ_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.CRSError,
    pyarrow.ArrowException,
    OSError,
    ValueError,
)


def read_vector(dataset_id: str, path: Path, *, required: Iterable[str], epsg: int) -> gpd.GeoDataFrame:
    """Read a GeoJSON or GeoParquet file, checking its properties, CRS and geometries."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(dataset_id, path, "fichier absent")
    if path.stat().st_size == 0:
        raise SourceError(dataset_id, path, "fichier vide")
    try:
        frame = gpd.read_parquet(path) if path.suffix == ".parquet" else gpd.read_file(path, engine="pyogrio")
    except _READ_ERRORS as exc:
        raise SourceError(dataset_id, path, f"fichier géographique illisible ou tronqué ({exc})") from exc
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise SourceError(
            dataset_id,
            path,
            f"propriété(s) manquante(s) : {', '.join(missing)} (lues : {', '.join(map(str, frame.columns))})",
        )
    if frame.crs is None or frame.crs.to_epsg() != epsg:
        raise SourceError(dataset_id, path, f"système de coordonnées {frame.crs} au lieu de EPSG:{epsg}")
    empty = frame.geometry.isna() | frame.geometry.is_empty
    if empty.any():
        raise SourceError(dataset_id, path, f"{int(empty.sum())} entité(s) sans géométrie")
    return frame


def check_geometry_types(dataset_id: str, path: Path, frame: gpd.GeoDataFrame, allowed: Iterable[str]) -> None:
    """Refuse geometries of another kind than expected (points in a polygon layer…)."""
    unexpected = sorted(set(frame.geom_type) - set(allowed))
    if unexpected:
        raise SourceError(dataset_id, path, f"géométries inattendues : {', '.join(unexpected)}")


def polygonal_valid(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Repair invalid polygons (self-intersections left by simplification), keeping polygonal
    parts only: no stray lines or points from collapsed rings."""
    invalid = ~frame.geometry.is_valid
    if not invalid.any():
        return frame
    repaired = frame.copy()
    repaired.loc[invalid, "geometry"] = frame.geometry[invalid].make_valid(method="structure", keep_collapsed=False)
    return repaired
