"""Layout pieces shared by every page: header, footer, key figures, source lines, messages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.core.store import BUILD_COMMAND, StoreError, current_store

APP_NAME = "Résidences sociales"
REGION_NAME = "Hauts-de-France"
SOURCES_PATH = "/sources"


def format_count(value: int) -> str:
    """French thousands separator (narrow no-break space): 12 345."""
    return f"{value:,}".replace(",", "\u202f")


def format_date(value: datetime) -> str:
    return value.strftime("%d/%m/%Y")


def sources_line(citations: list[str]) -> str:
    """'Source : publisher, title (vintage)', several joined by ' ; '."""
    return f"{'Source' if len(citations) == 1 else 'Sources'} : {' ; '.join(citations)}"


def header(pages: list[dict[str, Any]]) -> html.Header:
    """Site header: name of the tool and one link per navigable page."""
    links = [dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"], active="exact")) for page in pages]
    return html.Header(
        html.Div(
            [
                dcc.Link(
                    [
                        html.Span(APP_NAME, className="brand-name"),
                        html.Span(REGION_NAME, className="brand-region"),
                    ],
                    href="/",
                    className="brand",
                ),
                html.Nav(dbc.Nav(links, className="site-nav"), id=ids.NAV, **{"aria-label": "Navigation principale"}),
            ],
            className="container header-inner",
        ),
        id=ids.HEADER,
        className="site-header",
    )


def footer(built_at: datetime | None) -> html.Footer:
    """Site footer: the sources page and when the data was built."""
    build = f"Données construites le {format_date(built_at)}." if built_at else "Données non construites."
    return html.Footer(
        html.Div(
            [
                html.P(
                    [
                        "Tableau de bord construit uniquement à partir de données publiques ouvertes. ",
                        dcc.Link("Sources, millésimes et licences", href=SOURCES_PATH, id=ids.FOOTER_SOURCES_LINK),
                        " · ",
                        dcc.Link("API en lecture seule", href="/api", id=ids.FOOTER_API_LINK),
                        ".",
                    ]
                ),
                html.P(build, className="footer-build"),
            ],
            className="container",
        ),
        id=ids.FOOTER,
        className="site-footer",
    )


def data_missing(error: StoreError) -> html.Section:
    """What a page shows instead of its content when the data is not built."""
    return html.Section(
        [
            html.H2("Données non construites"),
            html.P(str(error)),
            html.P("Commande à lancer depuis la racine du projet :"),
            html.Pre(html.Code(BUILD_COMMAND)),
        ],
        id=ids.DATA_MISSING,
        className="notice notice-warning",
        role="alert",
    )


def requires_store(render: Callable[..., Any]) -> Callable[..., Any]:
    """Page layout decorator: call `render(store, **kwargs)`, or explain how to build the data."""

    @wraps(render)
    def layout(**kwargs: Any) -> Any:
        store = current_store()
        if isinstance(store, StoreError):
            return data_missing(store)
        return render(store, **kwargs)

    return layout


def key_figure(value: int, label: str, source: str, figure_id: str | None = None) -> html.Div:
    """One headline number with what it counts and where it comes from."""
    props = {"id": figure_id} if figure_id else {}
    return html.Div(
        [
            html.P(format_count(value), className="key-figure-value"),
            html.P(label, className="key-figure-label"),
            html.P(source, className="key-figure-source"),
        ],
        className="key-figure",
        **props,
    )
