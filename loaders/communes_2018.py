"""Commune polygons of France, COG 2018 (france-geojson, IGN Admin Express 2018), one file per département, in
WGS84 (EPSG:4326); a build reads the files of the départements of its communes (the région's, and those of the
other members of straddling EPCIs).

Codes are COG 2018 codes (in Hauts-de-France, 26 of the 3,808 communes have since merged). Bring them to current
codes with `geo.territories.dissolve_communes`. Names are 2018 names.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pandera.pandas as pa

from loaders import catalogue, readers, vectors
from loaders.errors import SourceError
from loaders.fetch import fetch

DATASET_ID = "france-geojson-communes-2018-france"
EPSG = 4326

SCHEMA = pa.DataFrameSchema(
    {
        "code": pa.Column(str, pa.Check.str_matches(readers.COMMUNE_CODE), unique=True),
        "name": pa.Column(str, pa.Check.str_length(min_value=1)),
    },
    strict=True,
    ordered=True,
)


def parse_file(path: Path) -> gpd.GeoDataFrame:
    """One département file (`communes-<dep>-<name>.geojson`): code, name (str), geometry."""
    departement = Path(path).name.split("-")[1]
    raw = vectors.read_vector(DATASET_ID, path, required=("code", "nom"), epsg=EPSG)
    vectors.check_geometry_types(DATASET_ID, path, raw, ("Polygon", "MultiPolygon"))
    frame = gpd.GeoDataFrame(
        {"code": raw["code"].astype("str"), "name": raw["nom"].astype("str")}, geometry=raw.geometry, crs=raw.crs
    )
    readers.validate(DATASET_ID, path, frame.drop(columns="geometry"), SCHEMA)
    elsewhere = frame["code"][~frame["code"].str.startswith(departement)]
    if len(elsewhere):
        raise SourceError(DATASET_ID, path, f"communes hors du département {departement} : {', '.join(elsewhere[:5])}")
    return vectors.polygonal_valid(frame)


def parse(paths: Iterable[Path], *, rows: tuple[int, int]) -> gpd.GeoDataFrame:
    """All files as one GeoDataFrame: code (COG 2018), name (str), geometry (EPSG:4326)."""
    paths = [Path(path) for path in paths]
    if not paths:
        raise SourceError(DATASET_ID, None, "aucun fichier de communes")
    frame = gpd.GeoDataFrame(pd.concat([parse_file(path) for path in paths], ignore_index=True), crs=EPSG)
    where = paths[0].parent
    duplicated = sorted(set(frame["code"][frame["code"].duplicated()]))
    if duplicated:
        raise SourceError(
            DATASET_ID, where, f"communes présentes dans plusieurs fichiers : {', '.join(duplicated[:5])}"
        )
    readers.check_count(DATASET_ID, where, len(frame), *rows, "communes")
    return frame


def load(departements: Iterable[str]) -> gpd.GeoDataFrame:
    """Fetch and parse the files of `departements`, each holding the number of communes its manifest gives
    (`catalogue.commune_polygon_files`: 804 in the Aisne, 35,357 in the 101 files)."""
    wanted = set(departements)
    files = [row for row in catalogue.commune_polygon_files() if row["departement"] in wanted]
    unknown = sorted(wanted - {row["departement"] for row in files})
    if unknown:
        raise SourceError(DATASET_ID, None, f"aucun fichier de communes pour le(s) département(s) {', '.join(unknown)}")
    expected = sum(int(row["communes"]) for row in files)
    names = [catalogue.commune_polygon_filename(row["departement"], row["name"]) for row in files]
    return parse([fetch(DATASET_ID, name) for name in names], rows=(expected, expected))
