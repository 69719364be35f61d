"""Tables page (/tableaux): filtered tables of indicators and establishments, their downloads and permalink.

The layout is built by dashboard.tables.layout; its callbacks (dashboard.tables.callbacks) are registered by create_app.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import html

from dashboard.core import routes
from dashboard.tables.layout import page

dash.register_page(
    __name__, path=routes.TABLES, name="Tableaux", title="Tableaux et téléchargements — Résidences sociales", order=5
)


def layout(**query: Any) -> html.Div:
    return page(**query)
