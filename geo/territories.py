"""Territories of a région and their map shapes (pure functions on frames).

EPCIs are kept whole: an EPCI with at least one commune in the région is in scope with all
its member communes, those outside the région flagged `in_region = False` (in Hauts-de-France,
the Seine-Maritime members of 200069722 and 247600588). Départements and the région hold
their own communes only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import geopandas as gpd
import pandas as pd
import shapely

#: Projected CRS for simplification tolerances and areas (Lambert-93, metres).
METRIC_CRS = 2154
WEB_CRS = 4326


class AdminFrames(Protocol):
    """What `select_scope` needs from the administrative reference (loaders.decoupage)."""

    communes: pd.DataFrame
    epci: pd.DataFrame
    epci_members: pd.DataFrame
    departements: pd.DataFrame
    regions: pd.DataFrame


#: `--region france`: every région the sources cover, compared with France and with each territory's own région.
FRANCE = "france"


@dataclass(frozen=True)
class RegionScope:
    """The région whose territories the product covers, or all of France (`FRANCE`): its 18 régions (two-digit
    codes; the collectivités d'outre-mer have three) but those in `excluded` (a DROM that no source covers)."""

    region_code: str = "32"
    excluded: tuple[str, ...] = ()

    @property
    def is_france(self) -> bool:
        return self.region_code == FRANCE

    def regions(self, regions: pd.DataFrame) -> pd.DataFrame:
        """The rows of `regions` (code, name) in the scope, in code order."""
        if self.is_france:
            chosen = (regions["code"].str.len() == 2) & ~regions["code"].isin(self.excluded)
        else:
            chosen = regions["code"] == self.region_code
        return regions[chosen].sort_values("code", ignore_index=True)


@dataclass(frozen=True)
class Territories:
    """The territories of a scope.

    - communes: code, name, departement_code, region_code, epci_code (str), population
      (Int64), postal_codes (list), in_region (bool); région communes and the outside members
      of its EPCIs;
    - epci: code, name, kind, departement_code (str), straddles_region (bool), n_communes,
      n_communes_in_region (int64), population, population_in_region (Int64);
    - departements: code, name, region_code; region: code, name (one row).
    """

    communes: pd.DataFrame
    epci: pd.DataFrame
    departements: pd.DataFrame
    region: pd.DataFrame


def select_scope(admin: AdminFrames, scope: RegionScope = RegionScope()) -> Territories:
    """Communes, EPCIs (kept whole), départements and région of `scope`.

    EPCI `population` is the sum of its members' population municipale (all members, the
    communes' millésime, not the older EPCI figure of epci.json). `departement_code` is the
    département of the région holding most of the EPCI's in-région population, so that every
    EPCI of the scope falls in one of the région's départements: for the two EPCIs straddling
    Normandy this is 80 (Somme), although most of their population and their seat are in 76.
    For France, `region` holds every région of the scope and no EPCI straddles its border.
    """
    region = scope.regions(admin.regions)
    if region.empty:
        raise ValueError(f"région {scope.region_code} absente du référentiel administratif")
    communes = admin.communes.merge(
        admin.epci_members.rename(columns={"commune_code": "code"}), on="code", how="left", validate="one_to_one"
    )
    communes["in_region"] = communes["region_code"].isin(region["code"])
    epci_codes = set(communes.loc[communes["in_region"], "epci_code"].dropna())
    communes = communes[communes["in_region"] | communes["epci_code"].isin(epci_codes)]
    communes = communes[
        ["code", "name", "departement_code", "region_code", "epci_code", "population", "postal_codes", "in_region"]
    ].sort_values("code", ignore_index=True)

    members = communes[communes["epci_code"].notna()].assign(
        population_in_region=lambda frame: frame["population"].where(frame["in_region"], 0)
    )
    totals = members.groupby("epci_code").agg(
        n_communes=("code", "size"),
        n_communes_in_region=("in_region", "sum"),
        population=("population", "sum"),
        population_in_region=("population_in_region", "sum"),
    )
    main_departement = (
        members[members["in_region"]]
        .groupby(["epci_code", "departement_code"], as_index=False)["population"]
        .sum()
        .sort_values(["epci_code", "population", "departement_code"], ascending=[True, False, True])
        .drop_duplicates("epci_code")
        .set_index("epci_code")["departement_code"]
    )
    epci = admin.epci[admin.epci["code"].isin(epci_codes)][["code", "name", "kind"]].set_index("code")
    epci = epci.assign(departement_code=main_departement).join(totals)
    epci["straddles_region"] = epci["n_communes"] > epci["n_communes_in_region"]
    epci["n_communes_in_region"] = epci["n_communes_in_region"].astype("int64")
    epci = epci.reset_index()[
        [
            "code",
            "name",
            "kind",
            "departement_code",
            "straddles_region",
            "n_communes",
            "n_communes_in_region",
            "population",
            "population_in_region",
        ]
    ].sort_values("code", ignore_index=True)

    departements = admin.departements[admin.departements["region_code"].isin(region["code"])]
    return Territories(
        communes=communes,
        epci=epci,
        departements=departements.sort_values("code", ignore_index=True),
        region=region,
    )


def dissolve_communes(
    polygons: gpd.GeoDataFrame, former_codes: pd.DataFrame, current_codes: Iterable[str]
) -> tuple[gpd.GeoDataFrame, dict]:
    """One polygon per current commune from older commune polygons (`code` column).

    Old codes are mapped through `former_codes` (former_code → current_code), current codes to
    themselves. Returns a GeoDataFrame `code`, geometry (input CRS) and a report (JSON-ready):
    polygons_read, communes_with_polygon, merged (current code → old codes, where several
    polygons were dissolved), codes_unmapped (old codes matching no wanted current commune),
    communes_without_polygon (wanted current communes that got none).
    """
    wanted = set(current_codes)
    targets = dict(zip(former_codes["former_code"], former_codes["current_code"], strict=True))
    current = polygons["code"].map(lambda code: code if code in wanted else targets.get(code))
    known = current.isin(wanted)
    kept = polygons[known].assign(code=current[known])
    group_size = kept.groupby("code")["code"].transform("size")
    merged = (
        kept[group_size > 1]
        .groupby("code")["geometry"]
        .agg(lambda parts: shapely.union_all(parts.to_numpy()))
        .reset_index()
    )
    dissolved = gpd.GeoDataFrame(
        pd.concat([kept.loc[group_size == 1, ["code", "geometry"]], merged], ignore_index=True),
        geometry="geometry",
        crs=polygons.crs,
    ).sort_values("code", ignore_index=True)
    merged_from = polygons.loc[group_size.index[group_size > 1]]
    report = {
        "polygons_read": len(polygons),
        "communes_with_polygon": len(dissolved),
        "merged": {code: sorted(old) for code, old in merged_from.groupby(current[merged_from.index])["code"]},
        "codes_unmapped": sorted(polygons["code"][~known]),
        "communes_without_polygon": sorted(wanted - set(dissolved["code"])),
    }
    return dissolved, report


def attach_contours(
    territories: Territories,
    commune_polygons: gpd.GeoDataFrame,
    epci_shapes: gpd.GeoDataFrame,
    departement_shapes: gpd.GeoDataFrame,
    region_shapes: gpd.GeoDataFrame,
) -> tuple[dict[str, gpd.GeoDataFrame], dict]:
    """Give the scope's territories their polygons (layers with `code`, geometry; names and
    attributes always from `territories`, never from a layer).

    Returns GeoDataFrames keyed "commune", "epci", "departement", "region" (the columns of the
    matching `Territories` frame plus geometry, in the layers' CRS), and a report (JSON-ready):
    <level>_without_contour (codes kept with no geometry; in Hauts-de-France the Seine-Maritime
    members of the two straddling EPCIs have no commune polygon) and epci_renamed (code →
    [layer name, reference name], where the layer carries an older name).
    """
    shapes = {
        "commune": _with_geometry(territories.communes, commune_polygons),
        "epci": _with_geometry(territories.epci, epci_shapes),
        "departement": _with_geometry(territories.departements, departement_shapes),
        "region": _with_geometry(territories.region, region_shapes),
    }
    layer_names = epci_shapes.set_index("code")["name"]
    report = {f"{level}_without_contour": _without_geometry(frame) for level, frame in shapes.items()}
    report["epci_renamed"] = {
        code: [str(layer_names[code]), name]
        for code, name in zip(territories.epci["code"], territories.epci["name"], strict=True)
        if code in layer_names.index and layer_names[code] != name
    }
    return shapes, report


def _with_geometry(frame: pd.DataFrame, shapes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geometry = frame["code"].map(shapes.set_index("code")[shapes.geometry.name])
    return gpd.GeoDataFrame(frame.copy(), geometry=gpd.GeoSeries(geometry, index=frame.index), crs=shapes.crs)


def _without_geometry(frame: gpd.GeoDataFrame) -> list[str]:
    return sorted(frame["code"][frame.geometry.isna()])


#: Columns of the store frame; a level lacks the attributes that do not apply to it.
STORE_COLUMNS = (
    "level",
    "code",
    "name",
    "kind",
    "region_code",
    "departement_code",
    "epci_code",
    "in_region",
    "straddles_region",
    "population",
)


def to_store_frame(territories: Territories, shapes: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """All territories of the scope in one GeoDataFrame (EPSG:4326), one row per territory:
    level ("region", "departement", "epci", "commune"), code, name, kind (EPCI type),
    region_code, departement_code, epci_code (str), in_region, straddles_region (boolean),
    population (Int64: communes' sum for the région and départements, whole EPCIs), geometry
    (None where the territory has no polygon)."""
    in_region = territories.communes[territories.communes["in_region"]]
    populations = {
        "region": in_region.groupby("region_code")["population"].sum(),
        "departement": in_region.groupby("departement_code")["population"].sum(),
    }
    frames = []
    for level, frame in shapes.items():
        frame = frame.to_crs(WEB_CRS).assign(level=level)
        if level == "region":
            frame = frame.assign(region_code=frame["code"])
        if level in populations:
            frame = frame.assign(population=frame["code"].map(populations[level]), in_region=True)
        if level == "epci":
            region_of = territories.departements.set_index("code")["region_code"]
            frame = frame.assign(region_code=frame["departement_code"].map(region_of), in_region=True)
        frames.append(frame.reindex(columns=[*STORE_COLUMNS, frame.geometry.name]))
    store = pd.concat(frames, ignore_index=True)
    store = store.astype(
        {column: "str" for column in ("level", "code", "name", "kind", "region_code", "departement_code", "epci_code")}
        | {"in_region": "boolean", "straddles_region": "boolean", "population": "Int64"}
    )
    return gpd.GeoDataFrame(store, geometry="geometry", crs=WEB_CRS)


def with_labels(store: gpd.GeoDataFrame, labels: pd.DataFrame) -> gpd.GeoDataFrame:
    """The store frame with, on commune rows, `seat` ("prefecture", "sous-prefecture" or missing) and the
    label point `label_lon`, `label_lat` (WGS84) of `labels` (code, seat, label_lon, label_lat)."""
    codes = store["code"].where(store["level"] == "commune")
    indexed = labels.set_index("code")
    return store.assign(
        seat=codes.map(indexed["seat"]).astype("str"),
        label_lon=codes.map(indexed["label_lon"]).astype("float64"),
        label_lat=codes.map(indexed["label_lat"]).astype("float64"),
    )


def simplify_coverage(gdf: gpd.GeoDataFrame, tolerance: float, decimals: int = 4) -> gpd.GeoDataFrame:
    """Simplify polygons for display, keeping shared borders identical.

    Coverage simplification (Visvalingam–Whyatt on shared edges, `tolerance` in metres,
    roughly the square root of the area of the triangles removed) in Lambert-93, then back to
    WGS84 with coordinates snapped to a 10^-`decimals` degree grid (4 decimals ≈ 10 m).
    Rows without geometry are kept as they are.
    """
    present = gdf.geometry.notna() & ~gdf.geometry.is_empty
    metric = gdf.geometry[present].to_crs(METRIC_CRS)
    simplified = gpd.GeoSeries(
        shapely.coverage_simplify(metric.to_numpy(), tolerance), index=metric.index, crs=METRIC_CRS
    ).to_crs(WEB_CRS)
    result = gdf.to_crs(WEB_CRS)
    result.loc[present, result.geometry.name] = shapely.set_precision(simplified.to_numpy(), 10.0**-decimals)
    return result


def geojson_bytes(gdf: gpd.GeoDataFrame) -> int:
    """Size of the compact GeoJSON (no ids, no spaces) a browser would receive."""
    return len(gdf.to_json(drop_id=True, separators=(",", ":")).encode())
