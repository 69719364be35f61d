"""Locate points (establishments) in communes and EPCIs (pure functions on frames)."""

from __future__ import annotations

import re
import unicodedata

import geopandas as gpd
import pandas as pd

COMMUNE_POLYGON = "commune"
DECLARED_CODE = "declared_code"
POSTAL_CODE = "postal_code"
EPCI_POLYGON = "epci"
#: Input column holding the source's own commune code, if any; kept as DECLARED_COLUMN.
SOURCE_COMMUNE_COLUMN = "commune_code"
DECLARED_COLUMN = "declared_commune_code"


def locate_points(
    points: pd.DataFrame,
    commune_shapes: gpd.GeoDataFrame,
    epci_shapes: gpd.GeoDataFrame,
    *,
    communes: pd.DataFrame | None = None,
    id_column: str = "finess",
    postal_code_column: str = "postal_code",
    city_column: str = "city",
) -> tuple[gpd.GeoDataFrame, dict]:
    """Add `commune_code`, `epci_code` and `located_by` to each point.

    `points` is a GeoDataFrame, or a frame with WGS84 `lon`/`lat` (missing = no position).
    `commune_shapes` has `code`, `epci_code` and polygons; `epci_shapes` has `code` and
    polygons. In order:
    1. "commune": inside a commune polygon; the point takes that commune's EPCI. A point on a
       border shared by several polygons goes to the smallest code, once.
    2. "epci": in no commune polygon but inside an EPCI polygon: EPCI kept, commune missing.
    3. If `communes` is given (`code`, `name`, `postal_codes` list, optionally `epci_code`,
       else taken from `commune_shapes`), points still without a commune are matched, first on the
       source's own `commune_code` ("declared_code", kept in the output as
       `declared_commune_code`), then on postal code and normalised city name, both matching
       one commune only ("postal_code"). A match contradicting the EPCI polygon is refused.
    Returns the points (GeoDataFrame, input CRS) and a JSON-ready report: by_commune_polygon,
    by_epci_polygon, by_declared_code, by_postal_code, on_border (counts) and nowhere (ids).
    """
    clashes = [column for column in ("epci_code", "located_by", DECLARED_COLUMN) if column in points.columns]
    if clashes:
        raise ValueError(f"colonnes déjà présentes dans les points, à renommer d'abord : {', '.join(clashes)}")
    located = _as_points(points).rename(columns={SOURCE_COMMUNE_COLUMN: DECLARED_COLUMN})
    commune_hits, on_border = _first_hit(located, commune_shapes[["code", "epci_code", commune_shapes.geometry.name]])
    located["commune_code"] = commune_hits["code"].reindex(located.index).astype("str")
    located["epci_code"] = commune_hits["epci_code"].reindex(located.index).astype("str")
    located["located_by"] = pd.Series(pd.NA, index=located.index, dtype="str")
    located.loc[located["commune_code"].notna(), "located_by"] = COMMUNE_POLYGON

    no_commune = located["commune_code"].isna()
    epci_hits = _first_hit(located[no_commune], epci_shapes[["code", epci_shapes.geometry.name]])[0]["code"]
    located.loc[epci_hits.index, "epci_code"] = epci_hits
    located.loc[epci_hits.index, "located_by"] = EPCI_POLYGON

    if communes is not None:
        _match_communes(located, communes, commune_shapes, postal_code_column, city_column)

    counts = located["located_by"].value_counts()
    report = {
        f"by_{name}": int(counts.get(method, 0))
        for name, method in (
            ("commune_polygon", COMMUNE_POLYGON),
            ("epci_polygon", EPCI_POLYGON),
            ("declared_code", DECLARED_CODE),
            ("postal_code", POSTAL_CODE),
        )
    }
    report["on_border"] = on_border
    report["nowhere"] = sorted(located.loc[located["located_by"].isna(), id_column].astype(str))
    return located, report


def _match_communes(
    located: gpd.GeoDataFrame,
    communes: pd.DataFrame,
    commune_shapes: gpd.GeoDataFrame,
    postal_code_column: str,
    city_column: str,
) -> None:
    """Fill `located` in place for points without a commune: declared code, then postal code."""
    epci_of = (communes if "epci_code" in communes.columns else commune_shapes).set_index("code")["epci_code"]
    matchers = [(POSTAL_CODE, _match_postal_code(located, communes, postal_code_column, city_column))]
    if DECLARED_COLUMN in located.columns:
        declared = located[DECLARED_COLUMN]
        matchers.insert(0, (DECLARED_CODE, declared[declared.isin(communes["code"])]))
    for method, found in matchers:
        matches = found[located.loc[found.index, "commune_code"].isna()]
        epci = matches.map(epci_of)
        polygon_epci = located.loc[matches.index, "epci_code"]
        accepted = (polygon_epci.isna() | (polygon_epci == epci)).to_numpy()
        rows = matches.index[accepted]
        located.loc[rows, "commune_code"] = matches[accepted]
        located.loc[rows, "epci_code"] = epci[accepted]
        located.loc[rows, "located_by"] = method


def _as_points(points: pd.DataFrame) -> gpd.GeoDataFrame:
    if isinstance(points, gpd.GeoDataFrame):
        return points.copy()
    geometry = gpd.points_from_xy(points["lon"], points["lat"], crs="EPSG:4326")
    return gpd.GeoDataFrame(points.copy(), geometry=geometry)


def _first_hit(points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame) -> tuple[pd.DataFrame, int]:
    """For each point touching at least one polygon, the polygon with the smallest code
    (indexed like `points`), and how many points touch several polygons."""
    polygons = polygons[polygons.geometry.notna() & ~polygons.geometry.is_empty]
    placed = points[points.geometry.notna() & ~points.geometry.is_empty]
    placed = placed[[placed.geometry.name]].to_crs(polygons.crs)
    hits = gpd.sjoin(placed, polygons, how="inner", predicate="intersects").drop(
        columns=[placed.geometry.name, "index_right"]
    )
    hits = hits.rename_axis("_point").sort_values(["_point", "code"])
    repeated = hits.index.duplicated()
    return hits[~repeated].rename_axis(points.index.name), int(hits.index[repeated].nunique())


def normalise_place_name(name: str) -> str:
    """Upper-case ASCII words, "CEDEX …" dropped, ST/STE spelled out: "Saint-Omer",
    "ST OMER CEDEX" and "St-Omer" all give "SAINT OMER"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    text = re.sub(r"\bCEDEX\b.*$", "", text)
    words = re.sub(r"[^A-Z0-9]+", " ", text).split()
    return " ".join({"ST": "SAINT", "STE": "SAINTE"}.get(word, word) for word in words)


def _match_postal_code(
    points: pd.DataFrame, communes: pd.DataFrame, postal_code_column: str, city_column: str
) -> pd.Series:
    """Code of the one commune matching each point's postal code and normalised city."""
    keys = communes[["code", "name", "postal_codes"]].explode("postal_codes").dropna(subset="postal_codes")
    keys = keys.assign(_key=keys["postal_codes"].astype(str) + " " + keys["name"].map(normalise_place_name))
    keys = keys.drop_duplicates(["_key", "code"])
    keys = keys[~keys["_key"].duplicated(keep=False)].set_index("_key")["code"]
    wanted = (
        points[postal_code_column].fillna("").astype(str).str.strip()
        + " "
        + points[city_column].fillna("").astype(str).map(normalise_place_name)
    )
    found = wanted[wanted.isin(keys.index)]
    return pd.Series(keys.loc[found.to_numpy()].to_numpy(), index=found.index, dtype="str")
