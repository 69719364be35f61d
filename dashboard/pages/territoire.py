"""Territory fiche (/territoire/<siren>): an EPCI's identity, map, priority (need × supply), arguments,
Logement d'abord status, need index, supply and gap by family, key figures and establishments, printable on
A4 (assets/print.css).

The parameters of the needs analysis come from the query string (same as /classement); an unknown SIREN
gives a « territoire introuvable » page with a search by name. Builders: `dashboard.territory.page`;
callbacks: `dashboard.territory.callbacks`.
"""

from __future__ import annotations

import dash

from dashboard.core import routes
from dashboard.territory.page import page, page_title

dash.register_page(__name__, path_template=routes.TERRITORY_TEMPLATE, name="Territoire", title=page_title, nav=False)

layout = page
