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


def map_links(store: Store, query: str | None) -> tuple[str, dict[str, str]]:
    """Links of the map page's view: add it to the deck in progress, and the view as a file per format
    (legend, layers, selected territory and source in it)."""
    state, _ = map_state.parse_state(dict(parse_qsl((query or "").lstrip("?"))), map_state.choices_from_store(store))
    spec = map_spec(state)
    if spec is None:
        return routes.PRESENTATION, {}
    view = map_state.serialise_state(state)
    return add_href(spec), {fmt: export_links.map_image_href(view, fmt) for fmt, _ in export_links.MAP_IMAGE_LINKS}


def map_actions(store: Store, query: str | None) -> list[Any]:
    """The links, for the map page's `map_ids.MAP_PRESENTATION_ACTIONS`: « Ajouter à la présentation », then
    « Carte en image : PNG · SVG · PDF » (the PNG link keeps its id)."""
    add, files = map_links(store, query)
    links = [
        html.A(
            label,
            href=files[fmt],
            **({"id": presentation_ids.PRES_EXPORT_FROM_MAP} if fmt == "png" else {}),
            className="deck-map-image",
            download="",
            title=f"La carte affichée en {fmt.upper()} : légende, établissements, territoire sélectionné et source",
        )
        for fmt, label in export_links.MAP_IMAGE_LINKS
        if fmt in files
    ]
    separated = [part for index, link in enumerate(links) for part in ([" · "] if index else []) + [link]]
    return [
        add_link(add, presentation_ids.PRES_ADD_FROM_MAP, KIND_MAP),
        html.Span(["Carte en image : ", *separated], className="deck-map-images") if links else None,
    ]
