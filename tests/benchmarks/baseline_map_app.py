"""The simplest map a Dash app can serve, as a yardstick for bench_map.py: one dropdown, one graph, one
callback that returns the whole figure with its GeoJSON inline (no URL, no Patch, no other component).

    DATA_DIR=data gunicorn tests.benchmarks.baseline_map_app:server
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html
from flask import send_from_directory

from dashboard.core import catalogue
from dashboard.core.store import load_store
from dashboard.map.view import map_view

REPO_ROOT = Path(__file__).resolve().parents[2]
STORE = load_store(Path(os.environ.get("DATA_DIR", REPO_ROOT / "data")))
GEOJSON = {level: json.loads(display.geojson) for level, display in STORE.display.items()}
LEVEL = os.environ.get("BASELINE_LEVEL", "epci")
INDICATORS = [key for key in catalogue.available_indicators(STORE) if LEVEL in catalogue.indicator_levels(STORE, key)]


def figure(indicator: str) -> go.Figure:
    view = map_view(STORE, indicator, LEVEL)
    display = STORE.display[LEVEL]
    trace = go.Choropleth(geojson=GEOJSON[LEVEL], locations=display.codes, featureidkey="id", **view.trace_values)
    result = go.Figure(trace)
    result.update_layout(geo={"visible": False, "fitbounds": "locations"}, height=680, margin=dict(l=0, r=0, t=0, b=0))
    return result


app = Dash(__name__, serve_locally=True)
app.layout = html.Div(
    [
        dcc.Dropdown(id="indicateur", options=INDICATORS, value=INDICATORS[0], clearable=False),
        # plotly's world outline from this server, as the app does (no CDN).
        dcc.Graph(id="carte", config={"topojsonURL": "/topojson/"}),
    ]
)


@app.server.get("/topojson/<name>")
def topojson(name: str):
    return send_from_directory(REPO_ROOT / "dashboard" / "assets" / "topojson", name)


@app.callback(Output("carte", "figure"), Input("indicateur", "value"))
def draw(indicator: str) -> go.Figure:
    return figure(indicator)


server = app.server
