"""The fiche's map: the EPCI's communes (inline GeoJSON: small) and its establishments as points, no basemap."""

from __future__ import annotations

import json
import math
import textwrap
from typing import Any

import geopandas as gpd
import shapely

from dashboard.core.levels import FAMILY_HEBERGEMENT, FAMILY_RESIDENCE
from dashboard.core.store import DISPLAY_DECIMALS, Store
from dashboard.map.figure import BORDER_COLOUR
from dashboard.map.palette import HEBERGEMENT_COLOUR, HEBERGEMENT_SYMBOLS, RESIDENCE_STYLES
from dashboard.ui.theme import FONT_FAMILY

FICHE_MAP_HEIGHT = 420
#: The legend under the map: two columns of entries, long names wrapped, every entry shown (never a scroll
#: box): its rows are added to the figure's height, below the map, so it covers neither the map nor the caption.
LEGEND_COLUMNS = 2
LEGEND_WRAP = 30
LEGEND_LINE_PX = 15
LEGEND_ROW_GAP_PX = 6
COMMUNE_FILL = "#eef0fb"
COMMUNE_BORDER = "#6b6b8f"


def communes_of(store: Store, siren: str) -> gpd.GeoDataFrame:
    """The EPCI's communes that have a geometry."""
    territories = store.territories
    return territories[
        (territories["level"] == "commune")
        & (territories["epci_code"] == siren)
        & territories.geometry.notna()
        & ~territories.geometry.is_empty
    ]


def communes_trace(communes: gpd.GeoDataFrame) -> dict[str, Any]:
    """The communes as a plain choropleth (one colour), their outlines rounded like the map's."""
    rounded = shapely.transform(communes.geometry.to_numpy(), lambda xy: xy.round(DISPLAY_DECIMALS))
    features = ",".join(
        f'{{"type":"Feature","id":"{code}","properties":{{}},"geometry":{geometry}}}'
        for code, geometry in zip(communes["code"], shapely.to_geojson(rounded), strict=True)
    )
    return {
        "type": "choropleth",
        "geojson": json.loads(f'{{"type":"FeatureCollection","features":[{features}]}}'),
        "locations": communes["code"].tolist(),
        "featureidkey": "id",
        "z": [0] * len(communes),
        "colorscale": [[0, COMMUNE_FILL], [1, COMMUNE_FILL]],
        "showscale": False,
        "text": communes["name"].astype(str).tolist(),
        "marker": {"line": {"width": 0.8, "color": COMMUNE_BORDER}},
        "hovertemplate": "<b>%{text}</b><extra></extra>",
        "name": "communes",
        "showlegend": False,
    }


def marker_style(family: str, kind: str, position: int) -> dict[str, Any]:
    """The map's symbol and colour of an establishment type (résidences by type, shelters by position)."""
    if family == FAMILY_RESIDENCE:
        symbol, colour = RESIDENCE_STYLES.get(kind, ("circle", "#000000"))
        return {"symbol": symbol, "color": colour, "size": 13, "line": {"width": 1, "color": BORDER_COLOUR}}
    symbol = HEBERGEMENT_SYMBOLS[position % len(HEBERGEMENT_SYMBOLS)]
    return {"symbol": symbol, "color": HEBERGEMENT_COLOUR, "size": 9, "line": {"width": 1, "color": "#ffffff"}}


def establishment_traces(store: Store, siren: str) -> list[dict[str, Any]]:
    """One trace of points per establishment type present in the EPCI, in the typology's order."""
    typology = store.catalogue["residence_types"]
    residences = store.residences
    points = residences[residences["epci_code"] == siren] if "epci_code" in residences else residences.iloc[:0]
    traces = []
    for family in (FAMILY_RESIDENCE, FAMILY_HEBERGEMENT):
        for position, kind in enumerate(typology.get(family, [])):
            of_type = points[(points["type"] == kind) & points.geometry.notna()] if len(points) else points
            if of_type.empty:
                continue
            label = typology["labels"].get(kind, kind)
            traces.append(
                {
                    "type": "scattergeo",
                    "lon": of_type.geometry.x.round(5).tolist(),
                    "lat": of_type.geometry.y.round(5).tolist(),
                    "mode": "markers",
                    "name": label,
                    "text": of_type["name"].astype(str).tolist(),
                    "customdata": of_type["commune_name"].astype(str).tolist(),
                    "marker": marker_style(family, kind, position),
                    "hovertemplate": f"<b>%{{text}}</b><br>{label}<br>%{{customdata}}<extra></extra>",
                }
            )
    return traces


def legend_name(label: str) -> str:
    """A legend entry's name, wrapped to fit one of the legend's columns at print width."""
    return "<br>".join(textwrap.wrap(label, LEGEND_WRAP)) or label


def legend_height(names: list[str]) -> int:
    """Pixels of a legend of `names` in LEGEND_COLUMNS columns (a row is as tall as its longest name)."""
    rows = [names[start : start + LEGEND_COLUMNS] for start in range(0, len(names), LEGEND_COLUMNS)]
    lines = sum(max(name.count("<br>") + 1 for name in row) for row in rows)
    return math.ceil(lines * LEGEND_LINE_PX + len(rows) * LEGEND_ROW_GAP_PX + 12) if rows else 0


def fiche_map_figure(store: Store, siren: str) -> dict[str, Any] | None:
    """The figure dict of the fiche's map, or None when the EPCI has no commune outline."""
    communes = communes_of(store, siren)
    if communes.empty:
        return None
    points = establishment_traces(store, siren)
    for trace in points:
        trace["name"] = legend_name(trace["name"])
    legend_px = legend_height([trace["name"] for trace in points])
    data = [communes_trace(communes), *points]
    layout = {
        "geo": {"visible": False, "fitbounds": "locations", "projection": {"type": "mercator"}, "bgcolor": "#ffffff"},
        "margin": {"l": 0, "r": 0, "t": 0, "b": legend_px},
        "height": FICHE_MAP_HEIGHT + legend_px,
        "legend": {
            "orientation": "h",
            "yanchor": "top",
            "y": -0.01,
            "x": 0,
            "font": {"size": 12},
            "entrywidth": 1 / LEGEND_COLUMNS,
            "entrywidthmode": "fraction",
            "maxheight": FICHE_MAP_HEIGHT + legend_px,
        },
        "showlegend": bool(points),
        "font": {"family": FONT_FAMILY},
        "dragmode": False,
        "paper_bgcolor": "#ffffff",
    }
    return {"data": data, "layout": layout}
