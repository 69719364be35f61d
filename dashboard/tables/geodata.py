"""Geographic files of a view for a GIS: GeoJSON (RFC 7946) and GeoPackage, both in WGS 84.

The columns, sources and filters travel with the data: in the `metadata` member of the GeoJSON, in the
`colonnes`, `sources` and `filtres` tables of the GeoPackage.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from dashboard.tables.files import ExportContext, field_name, records
from dashboard.tables.views import View


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
    geometries = shapely.to_geojson(view.geometry.to_numpy(), indent=None)
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
    layer = gpd.GeoDataFrame(view.frame.copy(), geometry=view.geometry.to_numpy(), crs="EPSG:4326")
    for column in view.columns:
        if column.kind == "integer":
            layer[column.id] = layer[column.id].astype("Int64")
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
        polygons = bool(layer.geom_type.isin(["Polygon", "MultiPolygon"]).any())
        pyogrio.write_dataframe(layer, path, layer=view.layer, driver="GPKG", promote_to_multi=polygons)
        for name, table in (("colonnes", headers), ("sources", sources), ("filtres", filters)):
            pyogrio.write_dataframe(table, path, layer=name, driver="GPKG", append=False)
        return path.read_bytes()
