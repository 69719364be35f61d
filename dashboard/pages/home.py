"""Home page: the map explorer of the région's territories (EPCI by default), its legend and its table.

The layout is built by `dashboard.map.layout`; its callbacks (`dashboard.map.callbacks`) are registered by
`dashboard.app.create_app`. The former home content (introduction, key figures) is on /a-propos.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import html

from dashboard.core import routes
from dashboard.map import layout as map_layout

dash.register_page(__name__, path=routes.HOME, name="Accueil", order=0)


def layout(**query: Any) -> html.Div:
    return map_layout.page(query)
