"""Economic-model calculator (/calculateur): annual public cost of a place, compared with the solutions
it can avoid; the state lives in the query string."""

from __future__ import annotations

import dash
from dash import html

from dashboard.calculator import layout as calculator_layout
from dashboard.core import routes

dash.register_page(
    __name__,
    path=routes.CALCULATOR,
    name="Calculateur",
    title="Calculateur du modèle économique — Résidences sociales",
    description="Coût public annuel estimé d'une place en résidence sociale, comparé au CHRS, à l'hôtel et à l'IML.",
    order=20,
)


def layout(**query: str | list[str]) -> html.Div:
    return calculator_layout.layout(query)
