"""API page (/api): how to query the read-only API (built by dashboard.api.documentation)."""

from __future__ import annotations

import dash
from dash import html

from dashboard.api.documentation import page
from dashboard.core import routes

dash.register_page(
    __name__, path=routes.API_DOC, name="API", title="API en lecture seule — Résidences sociales", order=95, nav=False
)


def layout(**_query: str) -> html.Div:
    return page()
