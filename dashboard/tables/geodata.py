"""Geographic files of a view for a GIS: GeoJSON (RFC 7946) and GeoPackage, both in WGS 84.

One geometry type per layer (MultiPolygon for territories, Point for establishments), outer rings
counter-clockwise (RFC 7946 §3.1.6), the same field types at every level, dates as dates in the GeoPackage
(ISO text in GeoJSON, which has no date type). The GeoPackage is version 1.2, which GDAL 3.6 / QGIS 3.28 read
without warning. The columns, sources and filters travel with the data: in the `metadata` member of the
GeoJSON, in the `colonnes`, `sources` and `filtres` tables of the GeoPackage.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyogrio
import shapely

from dashboard.tables.files import ExportContext, field_name, records
from dashboard.tables.views import View

#: GeoPackage version written: 1.4 (GDAL's default since 3.9) makes GDAL 3.6 and QGIS 3.28 warn.
GPKG_VERSION = "1.2"


def rfc7946_geometries(geometry: gpd.GeoSeries) -> np.ndarray:
    """One geometry type: counter-clockwise outer rings (clockwise holes), every polygon a MultiPolygon; in a
    layer of points (establishments), a geometry that is no point is left empty (its position is unknown)."""
    values = shapely.orient_polygons(np.asarray(geometry.to_numpy(), dtype=object), exterior_cw=False)
    types = shapely.get_type_id(values)
    if (types == shapely.GeometryType.POINT).any():
        values[types != shapely.GeometryType.POINT] = None
        return values
    single = types == shapely.GeometryType.POLYGON
    values[single] = [shapely.MultiPolygon([polygon]) for polygon in values[single]]
    return values


def gpkg_column(series: pd.Series, kind: str) -> pd.Series:
    """A column typed for the GeoPackage: nullable integers, dates (DATE fields), others unchanged."""
    if kind == "integer":
        return series.astype("Int64")
    if kind == "date":
        days = pd.to_datetime(series, errors="coerce", format="%Y-%m-%d").dt.date
        return pd.Series(pd.array(days.where(days.notna(), None), dtype=pd.ArrowDtype(pa.date32())), index=series.index)
    return series


def metadata(view: View, context: ExportContext) -> dict[str, Any]:
    """Columns, sources and filters of a view, for the GeoJSON `metadata` member."""
    return {
        "titre": context.title,
        "colonnes": [
            {
                "id": column.id,
                "libelle": column.header,
                "unite": column.unit,
                "source": column.source,
                "millesime": column.vintage,
                "approximation": column.approximation,
            }
            for column in view.columns
        ],
        "sources": list(view.sources),
        "filtres": {key: value for key, value in context.filter_rows(view)},
    }


def to_geojson(view: View, context: ExportContext) -> bytes:
    """GeoJSON FeatureCollection (RFC 7946, WGS 84) of the view, with a `metadata` foreign member."""
    geometries = shapely.to_geojson(rfc7946_geometries(view.geometry), indent=None)
    features = []
    for properties, geometry in zip(records(view.frame), geometries.tolist(), strict=True):
        features.append(
            '{"type":"Feature","properties":'
            + json.dumps(properties, ensure_ascii=False)
            + ',"geometry":'
            + (geometry if geometry is not None else "null")
            + "}"
        )
    head = {"type": "FeatureCollection", "name": view.layer, "metadata": metadata(view, context)}
    text = json.dumps(head, ensure_ascii=False)[:-1] + ',"features":[' + ",".join(features) + "]}"
    return text.encode("utf-8")


def to_gpkg(view: View, context: ExportContext) -> bytes:
    """GeoPackage: the view as a layer (EPSG:4326), plus the `sources` and `filtres` attribute tables."""
    layer = gpd.GeoDataFrame(
        {column.id: gpkg_column(view.frame[column.id], column.kind) for column in view.columns},
        geometry=rfc7946_geometries(view.geometry),
        crs="EPSG:4326",
    )
    sources = pd.DataFrame(list(view.sources))
    sources.columns = [field_name(column) for column in sources.columns]
    filters = pd.DataFrame(context.filter_rows(view), columns=["filtre", "valeur"])
    headers = pd.DataFrame(
        {
            "colonne": [column.id for column in view.columns],
            "libelle": [column.header for column in view.columns],
            "source": [column.source or "" for column in view.columns],
            "millesime": [column.vintage or "" for column in view.columns],
        }
    )
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "export.gpkg"
        pyogrio.write_dataframe(
            layer,
            path,
            layer=view.layer,
            driver="GPKG",
            use_arrow=True,  # Arrow dates become DATE fields
            dataset_options={"VERSION": GPKG_VERSION},
            geometry_type=_layer_type(layer),
        )
        for name, table in (("colonnes", headers), ("sources", sources), ("filtres", filters)):
            pyogrio.write_dataframe(table, path, layer=name, driver="GPKG", append=False)
        return path.read_bytes()


def _layer_type(layer: gpd.GeoDataFrame) -> str:
    """The one geometry type of a layer: MultiPolygon (territories) or Point (establishments)."""
    return "MultiPolygon" if "MultiPolygon" in set(layer.geom_type.dropna()) else "Point"
