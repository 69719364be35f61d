"""The plotly figure of the map: territories (a choropleth), département borders, the selected
territory's outline, one point trace per establishment type and the names of the main towns; and the
dcc.Graph config.

The figure is a plotly `geo` subplot with no basemap (`visible=False`) and no tile server; its polygons
come from GeoJSON served by the app (`geojson` is a URL, fetched once per level and cached by the
browser), so changing the indicator or the classes only sends values and colours (`choropleth_values`,
applied with a Dash `Patch`). Trace order, fixed: 0 territories, 1 département borders, 2 selected
territory outline, 3… one trace of establishments per residence type, last the town names
(`dashboard.map.labels`). The figure has no fixed height: it fills its container (the page sizes it).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import plotly.graph_objects as go
import shapely
from shapely.geometry.base import BaseGeometry

from dashboard.core.catalogue import label_with_unit
from dashboard.core.formatting import MISSING_LABEL, format_number, format_numbers, ordinal, value_decimals
from dashboard.core.levels import (
    FAMILY_HEBERGEMENT,
    FAMILY_RESIDENCE,
    LEVEL_COMMUNE,
    LEVEL_DEPARTEMENT,
    LEVEL_REGION,
)
from dashboard.core.perimeter import in_perimeter, perimeter
from dashboard.core.store import Store
from dashboard.core.values import FULL_COVERAGE, LevelValues, coverage_detail, most_common
from dashboard.map.classification import Classification
from dashboard.map.labels import labels_trace, town_labels
from dashboard.map.palette import MISSING_COLOUR, layer_style
from dashboard.ui.theme import FONT_FAMILY

TRANSPARENT = "rgba(0,0,0,0)"
BORDER_COLOUR = "#1e1e1e"
SELECTION_COLOUR = "#000091"
TRACE_TERRITORIES, TRACE_DEPARTEMENTS, TRACE_SELECTION, FIRST_RESIDENCE_TRACE = 0, 1, 2, 3
#: Width / height of the explorer's map frame: wide enough to fill the page beside its controls.
EXPLORER_ASPECT = 1.8
#: Zoom to a territory: the share of the map it takes at most, and the largest zoom factor.
ZOOM_FILL = 0.35
ZOOM_MAX = 6.0
#: Share of the explorer's frame the legend covers in its bottom left corner at 1440×900 (width, height;
#: `.map-legend` in carte.css): the frame is grown so that the région stays out of it.
LEGEND_SHARE = (0.27, 0.68)
#: Room left between the legend and the région, as a share of the frame's width; tries before giving up.
LEGEND_MARGIN = 0.01
LEGEND_PASSES = 4


def discrete_colorscale(colours: Sequence[str]) -> list[list[Any]]:
    """A stepped colorscale: z = i (0 = missing, i = class i - 1) gets colours[i] with zmin=-0.5."""
    count = len(colours)
    scale: list[list[Any]] = []
    for i, colour in enumerate(colours):
        scale += [[i / count, colour], [(i + 1) / count, colour]]
    return scale


def hover_template(values: LevelValues) -> str:
    """Hover of a territory: name, value, rank in the région, coverage, approximation, source line.

    Everything common to all territories is in the template; customdata carries the number, the rank
    and (only when coverage is partial somewhere) the coverage note.
    """
    approximation = " (approximation)" if values.approximation else ""
    coverage = "%{customdata[2]}" if values.partial_coverage else ""
    return (
        "<b>%{text}</b><br>"
        f"{label_with_unit(values.entry)} : <b>%{{customdata[0]}}</b>{approximation}<br>"
        f"Rang {in_perimeter()} (sur {format_number(values.available)}) : %{{customdata[1]}}"
        f"{coverage}<br><span style='font-size:11px'>{values.source_line}</span><extra></extra>"
    )


def feature_customdata(values: LevelValues) -> np.ndarray:
    """Per feature (one row each): the number (unit in the template), its rank, and the coverage note when
    needed. A text array: formatted a column at a time, and serialised without walking 35,000 nested lists."""
    known = np.isfinite(values.values)
    numbers = np.full(len(known), MISSING_LABEL, dtype=object)
    numbers[known] = format_numbers(values.values[known].tolist(), value_decimals(values.entry))
    ranks = np.full(len(known), "–", dtype=object)
    ranks[known] = [ordinal(rank) for rank in values.ranks[known].tolist()]
    columns = [numbers, ranks]
    if values.partial_coverage:
        notes = np.full(len(known), "", dtype=object)
        partial = known & np.isfinite(values.coverage) & (values.coverage < FULL_COVERAGE)
        notes[partial] = [
            f"<br>{coverage_detail(value, share)}"
            for value, share in zip(values.values[partial].tolist(), values.coverage[partial].tolist(), strict=True)
        ]
        columns.append(notes)
    return np.column_stack(columns).astype(str)


def choropleth_values(values: LevelValues, classification: Classification, colours: Sequence[str]) -> dict[str, Any]:
    """The properties of the territories trace that depend on the indicator and the classes.

    The callback applies exactly these with a `Patch`; `map_figure` puts them in the full figure.
    """
    scale = [MISSING_COLOUR, *colours]
    return {
        "z": classification.index + 1,
        "zmin": -0.5,
        "zmax": len(scale) - 0.5,
        "colorscale": discrete_colorscale(scale),
        "customdata": feature_customdata(values),
        "hovertemplate": hover_template(values),
    }


def empty_choropleth_values(store: Store, level: str, message: str) -> dict[str, Any]:
    """All features « donnée non disponible » (the indicator does not exist at this level)."""
    count = len(store.display[level].features)
    return {
        "z": [0] * count,
        "zmin": -0.5,
        "zmax": 0.5,
        "colorscale": discrete_colorscale([MISSING_COLOUR]),
        "customdata": [[MISSING_LABEL, "–", ""]] * count,
        "hovertemplate": f"<b>%{{text}}</b><br>{message}<extra></extra>",
    }


def located_establishments(store: Store, kind: str) -> Any:
    """The establishments of one type that have a position."""
    residences = store.residences
    of_type = residences[residences["type"] == kind] if "type" in residences else residences.iloc[:0]
    if "geometry" not in of_type or not len(of_type):
        return of_type.iloc[:0]
    points = of_type.geometry.to_numpy()
    return of_type[~(shapely.is_missing(points) | shapely.is_empty(points))]


def establishment_trace(store: Store, kind: str, family: str, position: int, visible: bool) -> go.Scattergeo:
    """The points of one establishment type, with name, commune, FINESS number and source on hover."""
    symbol, colour = layer_style(kind, family, position)
    if family == FAMILY_RESIDENCE:
        size, line = 11, {"width": 1, "color": BORDER_COLOUR}
    else:
        size, line = 8, {"width": 1, "color": "#ffffff"}
    located = located_establishments(store, kind)
    lon = located.geometry.x.round(5).tolist() if len(located) else []
    lat = located.geometry.y.round(5).tolist() if len(located) else []
    label = store.catalogue["residence_types"]["labels"].get(kind, kind)
    customdata = [
        [str(row.get("name", "")), str(row.get("commune_name", "")), str(row.get("finess", ""))]
        for row in located.to_dict("records")
    ]
    source = most_common(located["source"]) if "source" in located and len(located) else ""
    return go.Scattergeo(
        lon=lon,
        lat=lat,
        mode="markers",
        name=label,
        customdata=customdata,
        marker={"symbol": symbol, "color": colour, "size": size, "line": line, "opacity": 0.95},
        hovertemplate=(
            f"<b>%{{customdata[0]}}</b><br>{label}<br>Commune : %{{customdata[1]}}<br>"
            f"N° FINESS : %{{customdata[2]}}<br><span style='font-size:11px'>Source : {source}</span>"
            "<extra></extra>"
        ),
        visible=visible,
        showlegend=False,
    )


def residence_traces(store: Store, layers: Iterable[str]) -> list[go.Scattergeo]:
    """One point trace per establishment type (résidences sociales, then hébergement), visible if in `layers`."""
    typology = store.catalogue["residence_types"]
    shown = set(layers)
    return [
        establishment_trace(store, kind, family, position, kind in shown)
        for family in (FAMILY_RESIDENCE, FAMILY_HEBERGEMENT)
        for position, kind in enumerate(typology.get(family, []))
    ]


def layer_types(store: Store) -> list[str]:
    """Establishment types in trace order (résidences sociales first)."""
    typology = store.catalogue["residence_types"]
    return [*typology.get(FAMILY_RESIDENCE, []), *typology.get(FAMILY_HEBERGEMENT, [])]


def layer_visibility(store: Store, layers: Iterable[str]) -> dict[int, bool]:
    """Trace index → visible, for every establishment layer."""
    shown = set(layers)
    return {FIRST_RESIDENCE_TRACE + i: kind in shown for i, kind in enumerate(layer_types(store))}


def selection_locations(store: Store, level: str, code: str | None) -> list[str]:
    """The selected territory's code, when it is a territory of the level (else nothing to outline)."""
    return [code] if code and code in set(store.display[level].codes) else []


def map_bounds(store: Store, padding: float = 0.03) -> tuple[list[float], list[float]] | None:
    """Longitude and latitude ranges of the région (with `padding`), which set the map frame's shape."""
    region = framed_territories(store)
    if region.empty:
        return None
    west, south, east, north = (float(value) for value in region.total_bounds)
    if not all(math.isfinite(value) for value in (west, south, east, north)):
        return None
    dx, dy = (east - west) * padding, (north - south) * padding
    return [west - dx, east + dx], [south - dy, north + dy]


def mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def latitude_of(y: float) -> float:
    """The latitude of a Mercator ordinate (inverse of `mercator_y`)."""
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def widened(bounds: tuple[list[float], list[float]], aspect: float) -> tuple[list[float], list[float]]:
    """`bounds` (longitudes, latitudes) grown around their centre so that the Mercator frame they draw is
    `aspect` times as wide as it is tall (never shrunk): the map then fills a wide container."""
    (west, east), (south, north) = bounds
    width = math.radians(east - west)
    height = mercator_y(north) - mercator_y(south)
    if width < aspect * height:
        half = math.degrees(aspect * height) / 2
        middle = (west + east) / 2
        return [middle - half, middle + half], [south, north]
    centre, half = (mercator_y(north) + mercator_y(south)) / 2, width / aspect / 2
    return [west, east], [latitude_of(centre - half), latitude_of(centre + half)]


def clear_of_legend(
    bounds: tuple[list[float], list[float]], region: BaseGeometry, aspect: float
) -> tuple[list[float], list[float]]:
    """`bounds` (a frame of `aspect`) grown westwards until `region` stays out of the legend's corner
    (`LEGEND_SHARE` of the frame, bottom left), then widened back to `aspect`: a frame the région already
    leaves clear is returned as it is."""
    for _ in range(LEGEND_PASSES):
        (west, east), (south, north) = bounds
        bottom = mercator_y(south)
        top = latitude_of(bottom + LEGEND_SHARE[1] * (mercator_y(north) - bottom))
        band = region.intersection(shapely.box(west, south, east, top))
        if band.is_empty:
            return bounds
        westmost = band.bounds[0]
        if westmost >= west + LEGEND_SHARE[0] * (east - west):
            return bounds
        # The legend's right edge at the région's westmost point: west + share × (east − west) = westmost.
        west = (westmost - LEGEND_SHARE[0] * east) / (1 - LEGEND_SHARE[0]) - LEGEND_MARGIN * (east - west)
        bounds = widened(([west, east], [south, north]), aspect)
    return bounds


def frame_bounds(store: Store, aspect: float | None) -> tuple[list[float], list[float]] | None:
    """The map's frame: the région's extent, widened to `aspect` (width / height) when given, with its
    legend's corner kept clear of the région (`clear_of_legend`); computed once per store and aspect."""

    def frame(store: Store) -> tuple[list[float], list[float]] | None:
        bounds = map_bounds(store)
        if not bounds or not aspect:
            return bounds
        return clear_of_legend(widened(bounds, aspect), region_shape(store), aspect)

    return store.derived(f"frame_bounds:{aspect}", frame)


def framed_territories(store: Store) -> gpd.GeoDataFrame:
    """The polygons the default frame shows: the région (its départements when the store has no région shape);
    for France, metropolitan France (`Perimeter.framed_regions`)."""
    territories = store.territories
    codes = perimeter(store).framed_regions
    framed = territories["region_code"].isin(codes) if codes and "region_code" in territories else True
    for level in (LEVEL_REGION, LEVEL_DEPARTEMENT):
        shapes = territories[(territories["level"] == level) & territories.geometry.notna() & framed]
        if len(shapes):
            return shapes
    return territories.iloc[0:0]


def region_shape(store: Store) -> BaseGeometry:
    """The union of the framed polygons (`framed_territories`)."""
    shapes = framed_territories(store)
    return shapely.union_all(shapes.geometry.to_numpy()) if len(shapes) else shapely.Polygon()


def outline(geojson: str, locations: list[str], z: list[int], line: dict[str, Any], name: str) -> go.Choropleth:
    """A transparent trace that only draws the borders of some polygons (départements, the selection)."""
    return go.Choropleth(
        geojson=geojson,
        locations=locations,
        featureidkey="id",
        z=z,
        colorscale=[[0, TRANSPARENT], [1, TRANSPARENT]],
        showscale=False,
        marker={"line": line},
        hoverinfo="skip",
        name=name,
    )


def geo_layout(store: Store, aspect: float | None = None) -> dict[str, Any]:
    """The map frame: no basemap, Mercator, the région's extent (widened to `aspect`; else fitted to the
    polygons)."""
    geo: dict[str, Any] = {"visible": False, "projection": {"type": "mercator"}, "bgcolor": "rgba(0,0,0,0)"}
    bounds = frame_bounds(store, aspect)
    if bounds:  # the frame takes the région's shape; the map fills it
        geo["lonaxis"], geo["lataxis"] = {"range": bounds[0]}, {"range": bounds[1]}
    else:
        geo["fitbounds"] = "locations"
    return geo


def map_figure(
    store: Store,
    level: str,
    geometry_url: Mapping[str, str],
    trace_values: Mapping[str, Any],
    layers: Iterable[str] = (),
    selected: str | None = None,
    aspect: float | None = None,
) -> go.Figure:
    """The full map of a level: territories, département borders, selection outline, establishments,
    town names.

    `geometry_url` maps a level to the URL of its GeoJSON (`dashboard.map.geometry.geometry_urls`), so
    the figure itself carries no polygon. Only the level changes this figure's geometry. `aspect`: the
    frame's width / height (the explorer's wide map); by default the région's own shape.
    """
    display = store.display[level]
    territories = go.Choropleth(
        geojson=geometry_url[level],
        locations=display.codes,
        featureidkey="id",
        text=display.features["name"].astype(str).tolist(),
        showscale=False,
        marker={"line": {"width": 0.25 if level == LEVEL_COMMUNE else 0.8, "color": "#ffffff"}},
        hoverlabel={"bgcolor": "#ffffff", "bordercolor": BORDER_COLOUR},
        name="territoires",
        **trace_values,
    )
    departements = store.display[LEVEL_DEPARTEMENT].codes
    borders = outline(
        geometry_url[LEVEL_DEPARTEMENT],
        departements,
        [0] * len(departements),
        {"width": 1.6, "color": BORDER_COLOUR},
        "départements",
    )
    selection = outline(
        geometry_url[level],
        selection_locations(store, level, selected),
        [0],
        {"width": 3.5, "color": SELECTION_COLOUR},
        "sélection",
    )
    traces = [territories, borders, selection, *residence_traces(store, layers), labels_trace(town_labels(store))]
    figure = go.Figure(data=traces)
    figure.update_layout(
        geo=geo_layout(store, aspect),
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        autosize=True,
        showlegend=False,
        paper_bgcolor="#ffffff",
        hoverlabel={"font": {"family": FONT_FAMILY, "size": 13}, "align": "left"},
        font={"family": FONT_FAMILY},
        uirevision=level,
        dragmode="pan",
    )
    return figure


def territory_zoom(store: Store, level: str, code: str | None, aspect: float | None) -> dict[str, Any] | None:
    """Centre and zoom factor of the map (plotly geo `center`, `projection.scale`) that frame a territory
    within the map's frame (`frame_bounds`); None when the territory has no shape or the région no frame."""
    bounds = frame_bounds(store, aspect)
    territories = store.territories
    shape = territories.geometry[(territories["level"] == level) & (territories["code"] == code)]
    if bounds is None or shape.empty or shape.iloc[0] is None or shape.iloc[0].is_empty:
        return None
    west, south, east, north = shape.iloc[0].bounds
    (frame_west, frame_east), (frame_south, frame_north) = bounds
    spans = [(east - west) / (frame_east - frame_west), (north - south) / (frame_north - frame_south)]
    scale = min(ZOOM_MAX, max(1.0, ZOOM_FILL / max(max(spans), 1e-6)))
    return {
        "center": {"lon": round((west + east) / 2, 5), "lat": round((south + north) / 2, 5)},
        "scale": round(scale, 3),
    }


def graph_config(topojson_url: str) -> dict[str, Any]:
    """dcc.Graph config: no plotly logo, French tooltips, a local (empty) topojson so nothing leaves the app."""
    return {
        "displaylogo": False,
        "topojsonURL": topojson_url,
        "scrollZoom": False,
        "modeBarButtons": [["zoomInGeo", "zoomOutGeo", "resetGeo", "toImage"]],
        "toImageButtonOptions": {"format": "png", "filename": "carte-residences-sociales", "scale": 2},
        "locale": "fr-carte",
        "locales": {
            "fr-carte": {
                "dictionary": {
                    "Zoom in": "Zoomer",
                    "Zoom out": "Dézoomer",
                    "Reset": "Recentrer la carte",
                    "Download plot as a PNG": "Télécharger la carte (PNG)",
                    "Download plot": "Télécharger la carte",
                    "Taking snapshot - this may take a few seconds": "Capture en cours…",
                    "Snapshot succeeded": "Capture enregistrée",
                },
                "format": {"decimal": ",", "thousands": "\u202f"},
            }
        },
    }
