"""About page (/a-propos): what the tool is for, and the key figures of its data."""

from __future__ import annotations

import dash
from dash import html

from dashboard.content import about_page
from dashboard.core import routes

dash.register_page(
    __name__, path=routes.ABOUT, name="À propos", title="À propos — Résidences sociales", order=85, nav=False
)


def layout(**_query: str) -> html.Div:
    return about_page.layout()
