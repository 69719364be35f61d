"""Layout pieces shared by every page: header, footer, key figures, source lines, messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import wraps
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core import routes
from dashboard.core.formatting import typo
from dashboard.core.perimeter import APP_NAME
from dashboard.core.store import BUILD_COMMAND, StoreError, current_store
from dashboard.ui import ids as ui_ids


def format_count(value: int) -> str:
    """French thousands separator (narrow no-break space): 12 345."""
    return f"{value:,}".replace(",", "\u202f")


def format_date(value: datetime) -> str:
    return value.strftime("%d/%m/%Y")


def sources_line(citations: list[str]) -> str:
    """'Source : publisher, title (vintage)', several joined by ' ; '."""
    return f"{'Source' if len(citations) == 1 else 'Sources'} : {' ; '.join(citations)}"


#: French texts of Dash's dropdowns (counts, search, clearing), for every dcc.Dropdown of the app.
DROPDOWN_LABELS = {
    "select_all": "Tout sélectionner",
    "deselect_all": "Tout désélectionner",
    "selected_count": "{num_selected} sélectionné(s)",
    "search": "Rechercher",
    "clear_search": "Effacer la recherche",
    "clear_selection": "Effacer la sélection",
    "no_options_found": "Aucun résultat",
}


def header(pages: list[dict[str, Any]], region: str) -> html.Header:
    """Site header: name of the tool, its région (from the data) and one link per navigable page."""
    links = [dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"], active="exact")) for page in pages]
    return html.Header(
        [
            html.Div(
                [
                    dcc.Link(
                        [
                            html.Span(APP_NAME, className="brand-name"),
                            html.Span(region, className="brand-region"),
                        ],
                        href="/",
                        className="brand",
                    ),
                    menu_button(),
                    header_search(),
                ],
                className="container header-inner",
            ),
            html.Div(
                html.Nav(
                    dbc.Nav(links, className="site-nav"), id=ui_ids.NAV, **{"aria-label": "Navigation principale"}
                ),
                className="container header-nav",
            ),
        ],
        id=ui_ids.HEADER,
        className="site-header",
    )


def menu_button() -> html.Button:
    """« Menu », shown below 768 px only: folds and unfolds the navigation (ecrans.js keeps aria-expanded)."""
    return html.Button(
        [html.Span(className="menu-icon", **{"aria-hidden": "true"}), "Menu"],
        id=ui_ids.MENU_BUTTON,
        type="button",
        className="menu-button disclosure-button",
        **{"aria-expanded": "false", "aria-controls": ui_ids.NAV},
    )


def fold_button(label: str, button_id: str, folded_id: str, class_name: str) -> html.Button:
    """A button that folds the block `folded_id` on small screens (ecrans.js keeps aria-expanded; ecrans.css
    shows the button and hides the block while folded, below the width named by `class_name`)."""
    return html.Button(
        label,
        id=button_id,
        type="button",
        className=f"button button-secondary disclosure-button fold-button {class_name}",
        **{"aria-expanded": "false", "aria-controls": folded_id},
    )


def header_search() -> html.Form:
    """« Rechercher une commune ou un EPCI », on every page: a plain form (works before the scripts load)."""
    return html.Form(
        [
            html.Label("Commune ou EPCI", htmlFor=ui_ids.HEADER_SEARCH, className="visually-hidden"),
            dcc.Input(
                id=ui_ids.HEADER_SEARCH,
                name=routes.SEARCH_PARAM,
                type="search",
                placeholder="Commune ou EPCI…",
                autoComplete="off",
                className="header-search-input",
            ),
            html.Button("Rechercher", type="submit", className="button button-small"),
        ],
        action=routes.SEARCH,
        method="get",
        role="search",
        className="header-search",
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
                        dcc.Link("Sources, millésimes et licences", href=routes.SOURCES, id=ui_ids.FOOTER_SOURCES_LINK),
                        " · ",
                        # A static page served by Flask, not by Dash's router: a plain link loads it.
                        html.A("API en lecture seule", href=routes.API_DOC, id=ui_ids.FOOTER_API_LINK),
                        " · ",
                        dcc.Link("Réutiliser les données", href=routes.REUSE, id=ui_ids.FOOTER_REUSE_LINK),
                        ".",
                    ]
                ),
                html.P(build, className="footer-build"),
            ],
            className="container",
        ),
        id=ui_ids.FOOTER,
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
        id=ui_ids.DATA_MISSING,
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


def ignored_parameters(notices: Sequence[str], component_id: str, class_name: str = "") -> html.Div | None:
    """« Certains paramètres de l'adresse ont été ignorés », one item per notice of `UrlState.parse`."""
    if not notices:
        return None
    return html.Div(
        [
            html.H2("Certains paramètres de l'adresse ont été ignorés", className="notice-title"),
            html.Ul([html.Li(notice) for notice in notices]),
        ],
        id=component_id,
        className=f"notice notice-warning {class_name}".strip(),
        role="status",
    )


def explained_option(label: str, explanation: str) -> html.Span:
    """A choice's label with its plain-French explanation on a line below (radio and check lists)."""
    return html.Span([label, html.Span(typo(explanation), className="option-help")])
