"""Commune fiche (/commune/<code Insee>): every commune-level figure with its comparisons, the establishments
in the commune and the nearest résidences sociales. Builders: `dashboard.commune.page`."""

from __future__ import annotations

import dash

from dashboard.commune.page import page, page_title
from dashboard.core import routes

dash.register_page(__name__, path_template=routes.COMMUNE_TEMPLATE, name="Commune", title=page_title, nav=False)

layout = page
