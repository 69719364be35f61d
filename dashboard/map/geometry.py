"""The map's polygons as served by the app: one GeoJSON per level at a URL that changes with the data
(so the browser caches it forever), and the local (empty) topojson folder plotly asks for."""

from __future__ import annotations

import dash
from flask import Blueprint, Flask, Response, abort, request

from dashboard.core import routes
from dashboard.core.store import Store, StoreError, current_store

TOPOJSON_ASSET = "topojson/"
CACHE_FOREVER = "public, max-age=31536000, immutable"


def geometry_blueprint() -> Blueprint:
    """GET /carte/geometrie/<level>-<token>.json: the level's GeoJSON, gzipped when the browser accepts it."""
    blueprint = Blueprint("map_geometry", __name__)

    @blueprint.get(f"{routes.GEOMETRY}/<level>-<token>.json")
    def geometry(level: str, token: str) -> Response:
        store = current_store()
        if isinstance(store, StoreError) or level not in store.display or store.display[level].token != token:
            abort(404)
        display = store.display[level]
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            response = Response(display.geojson_gzip, mimetype="application/json")
            response.headers["Content-Encoding"] = "gzip"
        else:
            response = Response(display.geojson, mimetype="application/json")
        response.headers["Vary"] = "Accept-Encoding"
        response.headers["Cache-Control"] = CACHE_FOREVER
        return response

    return blueprint


def init_map_routes(server: Flask) -> None:
    """Register the GeoJSON route on the Flask server (called by create_app)."""
    server.register_blueprint(geometry_blueprint())


def geometry_urls(store: Store) -> dict[str, str]:
    """URL of each level's GeoJSON (the token changes with the data, so it can be cached forever)."""
    return {
        level: dash.get_relative_path(f"{routes.GEOMETRY}/{level}-{display.token}.json")
        for level, display in store.display.items()
    }


def topojson_url() -> str:
    """The local topojson folder plotly is pointed to (it stays empty: nothing is fetched elsewhere)."""
    return dash.get_asset_url(TOPOJSON_ASSET)
