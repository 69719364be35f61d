"""Table rows written by the browser from data (dashboard.ui.plain_rows): what the data keeps of the rows."""

from __future__ import annotations

import json

import pytest
from dash import dcc, html

from dashboard.ui.plain_rows import LINK_ATTRIBUTE, ROWS_ATTRIBUTE, css_text, plain_body, plain_node, rows_data


def test_a_row_keeps_its_cells_attributes_and_texts() -> None:
    row = html.Tr(
        [
            html.Th("Lille", scope="row", className="cell-name"),
            html.Td(["12,5", None, html.Span("partiel", className="cell-detail")], colSpan=2),
            html.Td(3),
        ]
    )
    assert plain_node(row) == {
        "t": "tr",
        "a": {},
        "c": [
            {"t": "th", "a": {"scope": "row", "class": "cell-name"}, "c": "Lille"},
            {
                "t": "td",
                "a": {"colspan": "2"},
                "c": ["12,5", {"t": "span", "a": {"class": "cell-detail"}, "c": "partiel"}],
            },
            {"t": "td", "a": {}, "c": "3"},
        ],
    }


def test_aria_data_and_style_attributes_are_written_as_html() -> None:
    span = html.Span(style={"backgroundColor": "#000091", "--swatch": "red"}, **{"aria-hidden": "true", "data-x": "1"})
    assert plain_node(span)["a"] == {
        "style": "background-color: #000091; --swatch: red",
        "aria-hidden": "true",
        "data-x": "1",
    }
    assert css_text({"fontSize": "12px"}) == "font-size: 12px"


def test_an_app_link_stays_inside_the_app_unless_it_asks_for_a_reload() -> None:
    inside = plain_node(dcc.Link("CU d'Arras", href="/territoire/200033579", className="rank-link"))
    assert inside == {
        "t": "a",
        "a": {"href": "/territoire/200033579", "class": "rank-link", LINK_ATTRIBUTE: "app"},
        "c": "CU d'Arras",
    }
    assert LINK_ATTRIBUTE not in plain_node(dcc.Link("PDF", href="/export/fiche.pdf", refresh=True))["a"]


def test_a_component_that_is_not_plain_html_is_refused() -> None:
    with pytest.raises(TypeError, match="Graph"):
        plain_node(html.Tr(html.Td(dcc.Graph(figure={}))))


def test_the_body_carries_its_rows_as_json_and_a_callback_sends_the_same() -> None:
    rows = [html.Tr([html.Th("Amiens", scope="row"), html.Td("1 234")])]
    body = plain_body(rows, id="corps")
    assert body.id == "corps" and not body.children
    data = getattr(body, ROWS_ATTRIBUTE)
    assert data == rows_data(rows) and "Amiens" in data  # accents and quotes kept as they are
    assert json.loads(data)[0]["c"][1] == {"t": "td", "a": {}, "c": "1 234"}
