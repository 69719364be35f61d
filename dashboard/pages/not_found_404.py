"""French 404 page (Dash pages uses the module named not_found_404 for unknown paths).

Loading an unknown address serves the app with the HTTP status 404 (`dashboard.app.init_site_routes`);
its router then shows this page, as it does for an unknown address reached inside the app.
"""

import dash
from dash import dcc, html

from dashboard.core import routes
from dashboard.ui import ids as ui_ids

dash.register_page(
    __name__, path=routes.NOT_FOUND, name="Page introuvable", title="Page introuvable — Résidences sociales"
)


def layout(**_query: str) -> html.Section:
    return html.Section(
        [
            html.P("Erreur 404", className="eyebrow"),
            html.H1("Page introuvable", id=ui_ids.NOT_FOUND_TITLE),
            html.P("L'adresse demandée ne correspond à aucune page de ce tableau de bord."),
            html.P(dcc.Link("Retourner à l'accueil", href=routes.HOME)),
        ],
        className="not-found",
    )
