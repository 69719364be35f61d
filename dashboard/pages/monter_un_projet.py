"""« Monter un projet » (/comprendre/monter-un-projet); `?territoire=<code>` puts a territory on top."""

from __future__ import annotations

import dash
from dash import html

from dashboard.content import project_page
from dashboard.core import routes

# Not in the header navigation: reached from « Comprendre » and from the territory fiches.
dash.register_page(
    __name__,
    path=routes.PROJECT,
    name="Monter un projet",
    title="Monter un projet de résidence sociale — Résidences sociales",
    description="Les acteurs, les étapes et les financements d'un projet de résidence sociale.",
    order=11,
    nav=False,
)


def layout(**query: str | list[str]) -> html.Div:
    return project_page.layout(query)
