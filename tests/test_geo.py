"""Geographic loaders and the territory layer: real mirror figures (PROVENANCE), malformed
inputs, and synthetic cases for point location."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from geo import spatial, territories
from loaders import communes_2018, contours, decoupage, ngeofr
from loaders.errors import SourceError

HDF_DEPARTEMENTS = ["02", "59", "60", "62", "80"]
STRADDLING = {"200069722", "247600588"}


# --- real mirror -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def admin(mirror):
    return decoupage.load()


@pytest.fixture(scope="module")
def scope(admin):
    return territories.select_scope(admin, territories.RegionScope("32"))


@pytest.fixture(scope="module")
def commune_polygons(mirror, admin, scope):
    return territories.dissolve_communes(
        communes_2018.load(scope.departements["code"]), admin.former_codes, scope.communes["code"]
    )


@pytest.fixture(scope="module")
def shapes(mirror, scope, commune_polygons):
    return territories.attach_contours(
        scope, commune_polygons[0], contours.load_epci(), contours.load_departements(), contours.load_regions()
    )


def test_decoupage_counts_and_codes(admin):
    assert len(admin.communes) == 34_969
    assert admin.communes["code"].is_unique
    assert admin.communes["population"].dtype == "Int64"
    assert len(admin.epci) == 1_255
    assert admin.epci["kind"].value_counts().to_dict() == {"CC": 989, "CA": 230, "METRO": 21, "CU": 14, "MET69": 1}
    assert admin.epci_members["commune_code"].isin(admin.communes["code"]).all()
    assert (len(admin.departements), len(admin.regions)) == (109, 26)
    assert admin.communes.set_index("code").loc["80021", "postal_codes"] == ["80000", "80080", "80090"]


def test_former_codes_prefer_current_chef_lieu(admin):
    former = admin.former_codes.set_index("former_code")["current_code"]
    assert len(former) == 4_240
    assert not former.index.isin(admin.communes["code"]).any()
    # anciensCodes lists 60455 under 60054, but La Neuville-Garnier is a delegated commune of 60694.
    assert former["60455"] == "60694"
    assert former["55273"] == "55386"


def test_scope_of_hauts_de_france(scope):
    communes, epci = scope.communes, scope.epci
    assert communes["in_region"].sum() == 3_782
    assert communes.loc[communes["in_region"], "population"].sum() == 5_992_194
    outside = communes[~communes["in_region"]]
    assert outside.groupby("epci_code").size().to_dict() == {"200069722": 34, "247600588": 15}
    assert set(outside["departement_code"]) == {"76"}
    assert len(epci) == 92
    assert epci["kind"].value_counts().to_dict() == {"CC": 64, "CA": 25, "CU": 2, "METRO": 1}
    assert set(epci.loc[epci["straddles_region"], "code"]) == STRADDLING
    assert set(epci["departement_code"]) == set(HDF_DEPARTEMENTS)
    assert epci.set_index("code").loc["200069722", ["n_communes", "n_communes_in_region"]].tolist() == [44, 10]
    assert epci["n_communes"].sum() == len(communes)
    assert epci["population"].sum() == communes["population"].sum()
    assert scope.departements["code"].tolist() == HDF_DEPARTEMENTS
    assert scope.region["name"].tolist() == ["Hauts-de-France"]


def test_dissolve_2018_polygons_to_current_communes(commune_polygons, scope):
    polygons, report = commune_polygons
    assert len(polygons) == 3_782
    assert set(polygons["code"]) == set(scope.communes.loc[scope.communes["in_region"], "code"])
    assert (report["polygons_read"], report["communes_with_polygon"]) == (3_808, 3_782)
    assert sum(len(old) for old in report["merged"].values()) - len(report["merged"]) == 3_808 - 3_782
    assert report["merged"]["60694"] == ["60455", "60694"]
    assert report["codes_unmapped"] == []
    assert set(report["communes_without_polygon"]) == set(scope.communes.loc[~scope.communes["in_region"], "code"])
    assert polygons.is_valid.all()


def test_contours_of_scope(shapes, scope):
    layers, report = shapes
    assert report["epci_without_contour"] == report["departement_without_contour"] == []
    assert report["region_without_contour"] == []
    assert len(report["commune_without_contour"]) == 49
    assert set(report["epci_renamed"]) == {"200035442", "200069722", "245901152"}
    assert layers["epci"].set_index("code").loc["245901152", "name"] == "CA Coeur d'Ostrevent"
    assert [len(layers[level]) for level in ("commune", "epci", "departement", "region")] == [3_831, 92, 5, 1]
    assert layers["epci"].crs.to_epsg() == 4326 and layers["epci"].is_valid.all()


def test_store_frame(shapes, scope):
    store = territories.to_store_frame(scope, shapes[0])
    assert store.crs.to_epsg() == 4326
    assert store["level"].value_counts().to_dict() == {"commune": 3_831, "epci": 92, "departement": 5, "region": 1}
    by_level = store.set_index(["level", "code"])
    assert by_level.loc[("region", "32"), "population"] == 5_992_194
    assert (
        by_level.loc[("departement", "80"), "population"]
        == scope.communes.query("in_region and departement_code == '80'")["population"].sum()
    )
    assert by_level.loc[("epci", "247600588"), "straddles_region"]
    assert by_level.loc[("commune", "76255"), "epci_code"] == "247600588"
    assert store.geometry.isna().sum() == 49


def test_etalab_layers_are_repaired(mirror):
    epci, departements, regions = contours.load_epci(), contours.load_departements(), contours.load_regions()
    assert (len(epci), len(departements), len(regions)) == (1_255, 109, 26)
    for layer in (epci, departements, regions):
        assert layer.is_valid.all()
        assert set(layer.geom_type) <= {"Polygon", "MultiPolygon"}


def test_ngeofr_layers(mirror, scope):
    centroids = ngeofr.load_commune_centroids()
    assert len(centroids) == 34_746 and centroids.crs.to_epsg() == 2154
    assert centroids["code"].str[:2].isin(HDF_DEPARTEMENTS).sum() == 3_782
    surfaces = ngeofr.load_epci_surfaces()
    assert len(surfaces) == len(ngeofr.load_epci_centroids()) == 1_232
    assert scope.epci["code"].isin(surfaces["code"]).all()
    assert (len(ngeofr.load_departements()), len(ngeofr.load_regions())) == (96, 13)


def _area_checks(polygons: gpd.GeoDataFrame) -> tuple[float, float]:
    metric = polygons.to_crs(territories.METRIC_CRS)
    return metric.area.sum(), shapely.union_all(metric.geometry.to_numpy()).area


def test_coverage_simplification_keeps_a_coverage(commune_polygons, shapes):
    polygons = commune_polygons[0]
    assert territories.simplify_coverage(shapes[0]["commune"], 300).geometry.isna().sum() == 49
    simplified = territories.simplify_coverage(polygons, 300)
    assert simplified["code"].tolist() == polygons["code"].tolist()
    assert simplified.is_valid.all() and not simplified.is_empty.any()
    assert shapely.coverage_is_valid(simplified.geometry.to_numpy())
    _, union_before = _area_checks(polygons)
    total_after, union_after = _area_checks(simplified)
    assert abs(union_after - union_before) / union_before < 0.01
    assert abs(total_after - union_after) / union_after < 0.001  # no overlaps, no gaps
    assert territories.geojson_bytes(simplified) < 1_500_000 < territories.geojson_bytes(polygons)
    epci = territories.simplify_coverage(shapes[0]["epci"][["code", "geometry"]], 200)
    assert epci.is_valid.all() and territories.geojson_bytes(epci) < 300_000


# --- synthetic: territories --------------------------------------------------------------


def test_dissolve_reports_unmapped_and_missing_codes():
    old = gpd.GeoDataFrame(
        {"code": ["10001", "10002", "10003", "99999"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1), box(5, 5, 6, 6)],
        crs=2154,
    )
    former = pd.DataFrame({"former_code": ["10002"], "current_code": ["10001"]})
    polygons, report = territories.dissolve_communes(old, former, ["10001", "10003", "10004"])
    assert polygons["code"].tolist() == ["10001", "10003"]
    assert polygons.geometry.iloc[0].equals(box(0, 0, 2, 1))
    assert report["merged"] == {"10001": ["10001", "10002"]}
    assert report["codes_unmapped"] == ["99999"]
    assert report["communes_without_polygon"] == ["10004"]


def test_simplification_keeps_shared_border_identical():
    wiggle = [(0, 0), *((x * 10, (x % 2) * 3) for x in range(1, 100)), (1000, 0)]
    lower = shapely.Polygon([(0, -500), (1000, -500), *reversed(wiggle)])
    upper = shapely.Polygon([*wiggle, (1000, 500), (0, 500)])
    frame = gpd.GeoDataFrame({"code": ["a", "b"]}, geometry=[lower, upper], crs=2154).to_crs(4326)
    simplified = territories.simplify_coverage(frame, 50)
    shared = simplified.geometry.iloc[0].intersection(simplified.geometry.iloc[1])
    assert shared.geom_type in {"LineString", "MultiLineString"}
    assert simplified.geometry.iloc[0].intersection(simplified.geometry.iloc[1]).area == 0
    assert shapely.get_num_coordinates(simplified.geometry.iloc[0]) < shapely.get_num_coordinates(lower)


# --- synthetic: locate_points ------------------------------------------------------------


@pytest.fixture
def grid():
    communes = gpd.GeoDataFrame(
        {"code": ["10001", "10002"], "epci_code": ["200000001", "200000001"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs=4326,
    )
    epci = gpd.GeoDataFrame({"code": ["200000001"]}, geometry=[box(0, 0, 3, 1)], crs=4326)
    table = pd.DataFrame(
        {
            "code": ["10001", "10002", "10003"],
            "name": ["Saint-Omer", "Arques", "Blendecques"],
            "epci_code": ["200000001", "200000001", "200000002"],
            "postal_codes": [["62500"], ["62510"], ["62575"]],
        }
    )
    return communes, epci, table


def _points(rows):
    ids, geometries, postal_codes, cities = zip(*rows, strict=True)
    return gpd.GeoDataFrame(
        {"finess": ids, "postal_code": postal_codes, "city": cities}, geometry=list(geometries), crs=4326
    )


def test_point_on_shared_border_is_assigned_once(grid):
    located, report = spatial.locate_points(_points([("a", Point(1, 0.5), "", "")]), *grid[:2])
    assert len(located) == 1
    assert located[["commune_code", "epci_code", "located_by"]].iloc[0].tolist() == ["10001", "200000001", "commune"]
    assert report["on_border"] == 1 and report["by_commune_polygon"] == 1


def test_points_in_epci_only_and_nowhere(grid):
    points = _points([("in-epci", Point(2.5, 0.5), "", ""), ("far", Point(9, 9), "", "")])
    located, report = spatial.locate_points(points, *grid[:2])
    assert located["commune_code"].isna().all()
    assert located["epci_code"].tolist()[0] == "200000001" and pd.isna(located["epci_code"].iloc[1])
    assert (report["by_epci_polygon"], report["nowhere"]) == (1, ["far"])


def test_fallback_on_declared_code_then_postal_code(grid):
    points = _points(
        [
            ("no-position", None, "62500", "ST OMER CEDEX"),
            ("outside", Point(9, 9), "62510", "ARQUES"),
            ("wrong-name", None, "62510", "LONGUENESSE"),
            ("contradicts-epci", Point(2.5, 0.5), "62575", "BLENDECQUES"),
            ("declared", None, "", ""),
        ]
    ).assign(commune_code=[None, None, None, None, "10002"])
    located, report = spatial.locate_points(points, *grid[:2], communes=grid[2])
    assert located["commune_code"].tolist()[:2] == ["10001", "10002"]
    assert located["located_by"].tolist()[:2] == ["postal_code", "postal_code"]
    assert pd.isna(located["commune_code"].iloc[3]) and located["epci_code"].iloc[3] == "200000001"
    assert located.iloc[4][["commune_code", "epci_code", "located_by"]].tolist() == [
        "10002",
        "200000001",
        "declared_code",
    ]
    assert located["declared_commune_code"].iloc[4] == "10002"
    assert (report["by_postal_code"], report["by_declared_code"], report["by_epci_polygon"]) == (2, 1, 1)
    assert report["nowhere"] == ["wrong-name"]


def test_locate_frame_with_lon_lat(grid):
    frame = pd.DataFrame({"finess": ["a", "b"], "lon": [0.5, None], "lat": [0.5, None]})
    located, report = spatial.locate_points(frame, *grid[:2])
    assert isinstance(located, gpd.GeoDataFrame)
    assert located["commune_code"].iloc[0] == "10001" and report["nowhere"] == ["b"]


def test_locate_refuses_to_overwrite_columns(grid):
    points = _points([("a", Point(0.5, 0.5), "", "")]).assign(epci_code="x")
    with pytest.raises(ValueError, match="epci_code"):
        spatial.locate_points(points, *grid[:2])


def test_place_names_are_normalised():
    assert spatial.normalise_place_name("Saint-Omer") == spatial.normalise_place_name("ST OMER CEDEX 9")
    assert spatial.normalise_place_name("Château-Thierry") == "CHATEAU THIERRY"


# --- malformed inputs ----------------------------------------------------------------------


def _decoupage_paths(fixtures, **replaced):
    folder = fixtures / "geo"
    names = {"communes": "communes.json", "epci": "epci.json", "departements": "departements.json"}
    names |= {"regions": "regions.json"} | replaced
    return [folder / names[key] for key in ("communes", "epci", "departements", "regions")]


TINY = {
    "communes": (1, 10),
    "epci": (1, 10),
    "departements": (1, 10),
    "regions": (1, 10),
    "municipal_arrondissements": (0, 10),
}


def test_decoupage_fixture_parses(fixtures):
    reference = decoupage.parse(*_decoupage_paths(fixtures), expected_rows=TINY)
    assert reference.communes["code"].tolist() == ["80001", "80002", "76001"]
    assert reference.former_codes.to_dict("records") == [
        {"former_code": "80003", "current_code": "80002"},
        {"former_code": "80004", "current_code": "80001"},
    ]
    scope = territories.select_scope(reference)
    assert scope.epci.set_index("code")["departement_code"].to_dict() == {"200000001": "80", "200000002": "80"}
    assert scope.epci.set_index("code").loc["200000001", "straddles_region"]


@pytest.mark.parametrize(
    ("replaced", "bad_file", "reason"),
    [
        ({"communes": "communes-missing-field.json"}, "communes-missing-field.json", "region"),
        ({"regions": "regions-truncated.json"}, "regions-truncated.json", "tronqué"),
        ({"epci": "epci-unknown-member.json"}, "epci-unknown-member.json", "80999"),
    ],
)
def test_decoupage_malformed(fixtures, replaced, bad_file, reason):
    with pytest.raises(SourceError, match=reason) as error:
        decoupage.parse(*_decoupage_paths(fixtures, **replaced), expected_rows=TINY)
    assert decoupage.DATASET_ID in str(error.value) and bad_file in str(error.value)


def test_decoupage_home_region_commune_outside_any_epci(fixtures, tmp_path):
    epci = json.loads((fixtures / "geo" / "epci.json").read_text())[:1]
    (tmp_path / "epci.json").write_text(json.dumps(epci))
    with pytest.raises(SourceError, match=r"dans aucun EPCI.*80002"):
        decoupage.parse(*_decoupage_paths(fixtures, epci=str(tmp_path / "epci.json")), expected_rows=TINY)


def test_decoupage_implausible_count(fixtures):
    with pytest.raises(SourceError, match=r"communes\.json.*3 communes lus"):
        decoupage.parse(*_decoupage_paths(fixtures))


@pytest.mark.parametrize(
    ("name", "reason"),
    [("regions-1000m-truncated.geojson", "tronqué"), ("regions-1000m-no-code.geojson", "manquante.*code")],
)
def test_contours_malformed(fixtures, name, reason):
    with pytest.raises(SourceError, match=reason) as error:
        contours.parse(fixtures / "geo" / name, "regions", (1, 30))
    assert contours.DATASET_ID in str(error.value) and name in str(error.value)


def test_contours_invalid_polygon_is_repaired(fixtures):
    layer = contours.parse(fixtures / "geo" / "regions-1000m-bowtie.geojson", "regions", (1, 30))
    assert layer.is_valid.all() and layer.geom_type.tolist() == ["MultiPolygon"]


def test_ngeofr_truncated_parquet(mirror, tmp_path):
    source = mirror / "geo" / ngeofr.DATASET_ID / "reg-fra-2025-surface-gen.parquet"
    truncated = tmp_path / "reg-fra-2025-surface-gen.parquet"
    truncated.write_bytes(source.read_bytes()[:5_000])
    with pytest.raises(SourceError, match="illisible ou tronqué") as error:
        ngeofr.parse(truncated)
    assert ngeofr.DATASET_ID in str(error.value) and truncated.name in str(error.value)


def test_ngeofr_wrong_crs(tmp_path):
    layer = gpd.GeoDataFrame(
        {"reg_insee": ["32"], "reg_nom": ["Hauts-de-France"]}, geometry=[box(0, 0, 1, 1)], crs=4326
    )
    path = tmp_path / "reg-fra-2025-surface-gen.parquet"
    layer.to_parquet(path)
    with pytest.raises(SourceError, match="EPSG:2154"):
        ngeofr.parse(path)


def test_communes_2018_code_outside_its_departement(fixtures):
    path = fixtures / "geo" / "communes-80-somme.geojson"
    with pytest.raises(SourceError, match=r"hors du département 80.*62001") as error:
        communes_2018.parse([path], rows=(1, 10))
    assert communes_2018.DATASET_ID in str(error.value) and path.name in str(error.value)
