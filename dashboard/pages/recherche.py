"""Search of the communes and EPCIs by name or code (/recherche?q=…), the target of the header's search field.
Builders: `dashboard.territory.page` (search_page); live results: `dashboard.territory.callbacks`."""

from __future__ import annotations

from typing import Any

import dash

from dashboard.core import routes
from dashboard.territory.page import search_page

dash.register_page(
    __name__, path=routes.SEARCH, name="Recherche", title="Rechercher un territoire — Résidences sociales", nav=False
)


def layout(**query: Any) -> Any:
    """The search page for the query's `q`."""
    return search_page(text=query.get(routes.SEARCH_PARAM))
