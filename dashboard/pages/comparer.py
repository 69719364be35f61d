"""Comparison of 2 to 4 territories (/comparer?territoires=<code>,<code>[,…]&indicateurs=…). Builders and
callbacks: `dashboard.comparison`."""

from __future__ import annotations

from typing import Any

import dash
from dash import html

from dashboard.comparison.layout import TITLE, page
from dashboard.core import routes
from dashboard.core.perimeter import APP_NAME

dash.register_page(__name__, path=routes.COMPARE, name="Comparer", title=f"{TITLE} — {APP_NAME}", order=7, nav=False)


def layout(**query: Any) -> html.Div:
    return page(query=query)
