"""« Réutiliser les données » (/reutiliser-les-donnees): the API and the files for scripts, R and QGIS."""

from __future__ import annotations

import dash
from dash import html

from dashboard.content import reuse_page
from dashboard.core import routes

dash.register_page(
    __name__,
    path=routes.REUSE,
    name="Réutiliser les données",
    title="Réutiliser les données — Résidences sociales",
    order=96,
    nav=False,
)


def layout(**_query: str) -> html.Div:
    return reuse_page.layout()
