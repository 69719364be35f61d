"""Table rows the browser writes from data (`assets/tableaux.js`), not as Dash components.

Every Dash component costs the renderer a wrapper, a store subscription and a path: a fiche with its tables
was 1,800 components, laid out in one task of about 600 ms during which the page could answer nothing.
A table body made by `plain_body` carries its rows in its `data-rows` attribute, as plain elements
(`{"t": tag, "a": attributes, "c": children}`); the script writes them as soon as React inserts the body, in
the same frame. Rows are built as before, with `dash.html` components and `dcc.Link`; a link keeps its
navigation inside the app (`data-link`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from dash import dcc, html

ROWS_ATTRIBUTE = "data-rows"
LINK_ATTRIBUTE = "data-link"
#: React prop names that differ from the HTML attribute.
HTML_NAMES = {
    "className": "class",
    "colSpan": "colspan",
    "rowSpan": "rowspan",
    "htmlFor": "for",
    "tabIndex": "tabindex",
}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def css_text(style: dict[str, Any]) -> str:
    """A React style dict as CSS text (`backgroundColor` → `background-color`; custom properties kept)."""
    return "; ".join(
        f"{name if name.startswith('--') else _CAMEL.sub('-', name).lower()}: {value}" for name, value in style.items()
    )


def _attributes(component: Any) -> dict[str, str]:
    attributes = {}
    for prop, value in component.to_plotly_json()["props"].items():
        if prop == "children" or value is None:
            continue
        if prop == "style":
            attributes["style"] = css_text(value)
        else:
            attributes[HTML_NAMES.get(prop, prop)] = str(value)
    return attributes


def plain_node(node: Any) -> Any:
    """A row, cell or text as plain data; a component that is not plain HTML (a graph…) is refused."""
    if node is None or isinstance(node, str):
        return node
    if isinstance(node, int | float):
        return str(node)
    if isinstance(node, list | tuple):
        return [plain for plain in (plain_node(child) for child in node) if plain is not None]
    children = plain_node(getattr(node, "children", None))
    if isinstance(node, dcc.Link):
        attributes = _attributes(node)
        if attributes.pop("refresh", "False") == "False":
            attributes[LINK_ATTRIBUTE] = "app"
        return {"t": "a", "a": attributes, "c": children}
    if getattr(node, "_namespace", None) != "dash_html_components":
        raise TypeError(f"{type(node).__name__} ne peut pas être écrit dans une ligne de tableau simple.")
    return {"t": node._type.lower(), "a": _attributes(node), "c": children}


def rows_data(rows: list) -> str:
    """The value of `data-rows` for `rows` (html.Tr): also what a callback sends to change a body's rows."""
    return json.dumps(plain_node(rows), ensure_ascii=False, separators=(",", ":"))


def plain_body(rows: list, **props: Any) -> html.Tbody:
    """A table body whose `rows` (html.Tr) the browser writes from data (see the module's docstring)."""
    return html.Tbody(**props, **{ROWS_ATTRIBUTE: rows_data(rows)})
