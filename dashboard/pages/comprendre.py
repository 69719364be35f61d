"""« Comprendre les résidences sociales » (/comprendre)."""

from __future__ import annotations

import dash
from dash import html

from dashboard.content import comprendre_page
from dashboard.core import routes

dash.register_page(
    __name__,
    path=routes.COMPRENDRE,
    name="Comprendre",
    title="Comprendre les résidences sociales — Résidences sociales",
    description="Ce qu'est une résidence sociale, ses cinq catégories, sa place dans le Logement d'abord.",
    order=10,
)


def layout(**_query: str) -> html.Div:
    return comprendre_page.layout()
