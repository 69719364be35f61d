"""Ranking page (/classement): where places in résidences sociales are missing, EPCI by EPCI.

Two axes (a need index built from demand-side indicators, and the existing supply in places), the priority
that combines them (shortfall in places against the supply expected given the need), the gap to a reference
rate, and the robustness of each rank. Weights, reference, order and filters live in the URL.

Builders: `dashboard.ranking.view` (values) and `dashboard.ranking.layout` (layout); callbacks:
`dashboard.ranking.callbacks`.
"""

from __future__ import annotations

import dash

from dashboard.core import routes
from dashboard.core.perimeter import of_region
from dashboard.ranking.layout import page

dash.register_page(
    __name__,
    path=routes.RANKING,
    name="Classement",
    title="Où manque-t-il des places ? Classement des EPCI — Résidences sociales",
    description=lambda: f"Besoin, offre en places et priorité (estimations) des EPCI {of_region()}.",
    order=5,
)

layout = page
