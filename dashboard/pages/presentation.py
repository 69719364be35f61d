"""Committee presentation mode (/presentation): the page of `dashboard.presentation` (layout and callbacks)."""

from __future__ import annotations

from typing import Any

import dash
from dash import html

from dashboard.core import routes
from dashboard.presentation.layout import TITLE, page

dash.register_page(
    __name__, path=routes.PRESENTATION, name="Présentation", title=f"{TITLE} — Résidences sociales", order=30
)


def layout(**query: Any) -> html.Div:
    return page(**query)
