"""« Ajouter à la présentation » links of other pages, and the map page's links to the view shown (kept
current by `dashboard.presentation.callbacks.update_map_actions`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from dash import html

from dashboard.core import routes
from dashboard.core.store import Store
from dashboard.map import state as map_state
from dashboard.presentation import export_links
from dashboard.presentation import ids as presentation_ids
from dashboard.presentation.buttons import add_link
from dashboard.presentation.request import add_href
from dashboard.presentation.specs import KIND_MAP, map_spec


def map_links(store: Store, query: str | None) -> tuple[str, str]:
    """Links of the map page's view: add it to the deck in progress, and its PNG with legend and source."""
    state, _ = map_state.parse_state(dict(parse_qsl((query or "").lstrip("?"))), map_state.choices_from_store(store))
    spec = map_spec(state)
    if spec is None:
        return routes.PRESENTATION, routes.PRESENTATION
    return add_href(spec), export_links.image_href(spec, "png", export_links.SIZE_PROJECTOR)


def map_actions(store: Store, query: str | None) -> list[Any]:
    """The two links, for the map page's `map_ids.MAP_PRESENTATION_ACTIONS`."""
    add, image = map_links(store, query)
    return [
        add_link(add, presentation_ids.PRES_ADD_FROM_MAP, KIND_MAP),
        html.A(
            "Image de la carte (PNG 1920 × 1080, légende et source incluses)",
            href=image,
            id=presentation_ids.PRES_EXPORT_FROM_MAP,
            className="deck-map-image",
            download="",
        ),
    ]
