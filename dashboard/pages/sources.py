"""Sources page (/sources): the catalogue's datasets and indicators, methods and limits."""

from __future__ import annotations

import dash
from dash import html

from dashboard.content import sources
from dashboard.core import routes

dash.register_page(
    __name__,
    path=routes.SOURCES,
    name="Sources",
    title="Sources — Résidences sociales",
    description="Jeux de données, indicateurs, méthodes et limites du tableau de bord.",
    order=40,
)


def layout(**_query: str) -> html.Div:
    return sources.layout()
