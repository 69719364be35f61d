"""Callbacks of the content pages (registered when a page module imports this one)."""

from __future__ import annotations

import dash
from dash import Input, Output

from dashboard.content import ids as content_ids

# The sources page is rendered after the browser looked for the #anchor of the address: scroll to it then.
dash.clientside_callback(
    """
    function (titleId) {
        const target = decodeURIComponent(window.location.hash.slice(1));
        if (target) {
            window.setTimeout(function () {
                const element = document.getElementById(target);
                if (element) { element.scrollIntoView(); }
            }, 0);
        }
        return window.dash_clientside.no_update;
    }
    """,
    Output(content_ids.SOURCES_SCROLL, "data"),
    Input(content_ids.SOURCES_TITLE, "id"),
)
