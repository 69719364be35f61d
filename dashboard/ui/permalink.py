"""« Lien vers cette vue »: a read-only address field, a « Copier le lien » button and its status line.

One component and one pair of browser-side callbacks for every page that offers its address (map,
ranking, presentation): the page names the three ids, and, when the address changes with the page's
controls, the store holding the current query string (its value is then written into the field and
into the browser's address bar by `carte.syncUrl`).
"""

from __future__ import annotations

from typing import Any

from dash import ClientsideFunction, Input, Output, State, clientside_callback, dcc, html


def permalink_field(label: str, input_id: str, copy_id: str, status_id: str, value: str = "", *extra: Any) -> html.Div:
    """The label, the field holding the address, the copy button, its status (announced), then `extra`."""
    return html.Div(
        [
            html.Label(label, htmlFor=input_id),
            html.Div(
                [
                    dcc.Input(id=input_id, type="text", readOnly=True, value=value, className="permalink-input"),
                    html.Button("Copier le lien", id=copy_id, className="button", type="button"),
                ],
                className="permalink-row",
            ),
            html.P(id=status_id, role="status", className="copy-status"),
            *extra,
        ],
        className="permalink",
    )


def register_permalink(
    input_id: str, copy_id: str, status_id: str, query_id: str | None = None, namespace: str = "carte"
) -> None:
    """The browser-side callbacks of a `permalink_field`: copy on click and, with `query_id` (a dcc.Store
    of the query string), keep the field and the address bar in step with the page."""
    if query_id is not None:
        clientside_callback(
            ClientsideFunction(namespace="carte", function_name="syncUrl"),
            Output(input_id, "value"),
            Input(query_id, "data"),
        )
    clientside_callback(
        ClientsideFunction(namespace=namespace, function_name="copyLink"),
        Output(status_id, "children"),
        Input(copy_id, "n_clicks"),
        State(input_id, "id"),
        prevent_initial_call=True,
    )
