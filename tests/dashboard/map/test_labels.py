"""Town names on the map (selection and priority, the browser's collision rule), the zoom to a territory,
the wide frame, and the build's label points and chefs-lieux."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from dashboard.core.levels import LEVEL_COMMUNE, LEVEL_EPCI
from dashboard.core.store import Store, load_store
from dashboard.map.figure import (
    EXPLORER_ASPECT,
    LEGEND_SHARE,
    ZOOM_MAX,
    clear_of_legend,
    frame_bounds,
    latitude_of,
    map_bounds,
    mercator_y,
    territory_zoom,
    widened,
)
from dashboard.map.labels import PREFECTURE, SOUS_PREFECTURE, labels_trace, select_towns, town_labels
from loaders import decoupage

DECLUTTER_JS = Path(__file__).resolve().parents[3] / "dashboard" / "assets" / "carte-etiquettes.js"
ARRAS_CU = "200033579"


@pytest.fixture(scope="module")
def store(built_data_dir: Path) -> Store:
    return load_store(built_data_dir)


def communes(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["code", "name", "seat", "population", "label_lon", "label_lat"])


def test_towns_are_chefs_lieux_then_large_communes_by_population():
    frame = communes(
        ("1", "Grande", None, 90_000, 3.0, 50.0),
        ("2", "Préfecture", PREFECTURE, 40_000, 2.0, 49.0),
        ("3", "Petite sous-préfecture", SOUS_PREFECTURE, 2_000, 2.5, 49.5),
        ("4", "Village", None, 19_999, 2.1, 49.1),
        ("5", "Juste au-dessus", None, 20_001, 2.2, 49.2),
        ("6", "Sans point", PREFECTURE, 50_000, None, None),
        ("7", "Grande sous-préfecture", SOUS_PREFECTURE, 30_000, 2.6, 49.6),
    )
    towns = select_towns(frame)
    assert [town.name for town in towns] == [
        "Préfecture",
        "Grande sous-préfecture",
        "Petite sous-préfecture",
        "Grande",
        "Juste au-dessus",
    ]
    assert [town.rank for town in towns] == [0, 1, 1, 2, 2]


def test_no_label_columns_no_town():
    assert select_towns(pd.DataFrame({"code": ["1"], "name": ["A"], "population": [1]})) == []


def test_labels_trace_is_text_only_and_skipped_by_hover():
    towns = select_towns(
        communes(("2", "Laon", PREFECTURE, 24_000, 3.6, 49.5), ("5", "Creil", None, 36_000, 2.4, 49.2))
    )
    trace = labels_trace(towns).to_plotly_json()
    assert trace["mode"] == "text" and trace["hoverinfo"] == "skip"
    assert list(trace["text"]) == ["Laon", "Creil"]
    assert trace["textfont"]["size"][0] > trace["textfont"]["size"][1]  # the préfecture is larger


def test_real_towns_of_the_region(store: Store):
    towns = town_labels(store)
    names = [town.name for town in towns]
    assert names[:2] == ["Lille", "Amiens"]  # préfectures first, by population
    assert sum(town.rank == 0 for town in towns) == 5
    assert sum(town.rank == 1 for town in towns) == 21
    assert {"Dunkerque", "Vervins", "Roubaix", "Tourcoing", "Creil"} <= set(names)
    assert all(town.population > 20_000 for town in towns if town.rank == 2)
    (west, east), (south, north) = map_bounds(store)
    assert all(west < town.lon < east and south < town.lat < north for town in towns)


def declutter(boxes: list) -> list[bool]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = f"const d = require({json.dumps(str(DECLUTTER_JS))}); console.log(JSON.stringify(d.declutter({json.dumps(boxes)}, 2)));"
    return json.loads(subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout)


def box(left: float, top: float, width: float = 40, height: float = 12) -> dict:
    return {"left": left, "top": top, "right": left + width, "bottom": top + height}


def test_a_name_overlapping_a_name_of_higher_priority_is_hidden():
    # 0 kept; 1 overlaps 0: hidden; 2 overlaps only the hidden 1: kept; 3 is not drawn; 4 is 1 px from 0: hidden
    # (margin 2 px); 5 is far from all: kept.
    boxes = [box(0, 0), box(30, 5), box(62, 8), None, box(0, 13), box(200, 200)]
    assert declutter(boxes) == [True, False, True, False, False, True]


def test_widened_frame_has_the_requested_aspect(store: Store):
    (west, east), (south, north) = widened(map_bounds(store), EXPLORER_ASPECT)
    aspect = math.radians(east - west) / (mercator_y(north) - mercator_y(south))
    assert aspect == pytest.approx(EXPLORER_ASPECT)
    region_lon, region_lat = map_bounds(store)
    assert west < region_lon[0] and east > region_lon[1] and [south, north] == region_lat


def frame_aspect(bounds: tuple[list[float], list[float]]) -> float:
    (west, east), (south, north) = bounds
    return math.radians(east - west) / (mercator_y(north) - mercator_y(south))


def test_the_frame_keeps_the_region_out_of_the_legend_corner(store: Store):
    # The Hauts-de-France leave the corner clear: their frame is the widened extent.
    assert frame_bounds(store, EXPLORER_ASPECT) == widened(map_bounds(store), EXPLORER_ASPECT)
    # A région as wide as its frame (Auvergne-Rhône-Alpes): the frame grows westwards, then back to its aspect.
    region = shapely.box(2.0, 44.0, 7.2, 46.8)
    start = widened(([1.9, 7.3], [43.9, 46.9]), EXPLORER_ASPECT)
    (west, east), (south, north) = framed = clear_of_legend(start, region, EXPLORER_ASPECT)
    assert west < start[0][0] and east == start[0][1] and frame_aspect(framed) == pytest.approx(EXPLORER_ASPECT)
    legend_right = west + LEGEND_SHARE[0] * (east - west)
    legend_top = latitude_of(mercator_y(south) + LEGEND_SHARE[1] * (mercator_y(north) - mercator_y(south)))
    assert region.intersection(shapely.box(west, south, legend_right, legend_top)).is_empty
    assert clear_of_legend(framed, region, EXPLORER_ASPECT) == framed


def test_zoom_to_a_territory_centres_it(store: Store):
    zoom = territory_zoom(store, LEVEL_EPCI, ARRAS_CU, EXPLORER_ASPECT)
    territories = store.territories
    west, south, east, north = territories.loc[territories["code"] == ARRAS_CU].geometry.iloc[0].bounds
    assert west < zoom["center"]["lon"] < east and south < zoom["center"]["lat"] < north
    assert 2 < zoom["scale"] <= ZOOM_MAX
    commune = territory_zoom(store, LEVEL_COMMUNE, "62041", EXPLORER_ASPECT)
    assert commune["scale"] > zoom["scale"]  # a commune is smaller than its EPCI
    assert territory_zoom(store, LEVEL_EPCI, "000000000", EXPLORER_ASPECT) is None
    assert frame_bounds(store, None) == map_bounds(store)


def test_build_writes_label_points_and_chefs_lieux(built_data_dir: Path):
    territories = gpd.read_parquet(built_data_dir / "processed" / "territories.parquet")
    region = territories[(territories["level"] == LEVEL_COMMUNE) & territories["in_region"].fillna(True)]
    assert region["label_lon"].notna().all() and region["label_lat"].notna().all()
    assert region["seat"].value_counts().to_dict() == {SOUS_PREFECTURE: 21, PREFECTURE: 5}
    prefectures = set(region.loc[region["seat"] == PREFECTURE, "name"])
    assert prefectures == {"Laon", "Lille", "Beauvais", "Arras", "Amiens"}
    points = gpd.GeoSeries(
        gpd.points_from_xy(region["label_lon"], region["label_lat"]), index=region.index, crs=region.crs
    )
    inside = region.geometry.contains(points)
    assert inside.mean() > 0.95  # IGN label points fall inside the (simplified) commune shapes
    assert territories.loc[territories["level"] != LEVEL_COMMUNE, "label_lon"].isna().all()


def test_seats_of_the_reference(mirror: Path):
    seats = decoupage.load_seats()
    assert seats["code"].is_unique
    assert (seats["seat"] == PREFECTURE).sum() == 108  # 109 départements and collectivities, Paris counted once
    assert seats.set_index("code").loc["80021", "seat"] == PREFECTURE
    assert seats.set_index("code").loc["80001", "seat"] == SOUS_PREFECTURE
