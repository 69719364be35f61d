"""The « Ajouter à la présentation » button that other pages (map, ranking, fiche) place: presentation.js
prepends the deck in progress to its address."""

from __future__ import annotations

from dash import html


def add_link(href: str, link_id: str, kind: str, label: str = "Ajouter à la présentation") -> html.A:
    """An « Ajouter à la présentation » button (presentation.js prepends the deck in progress to `href`);
    `kind` is the kind of slide it adds."""
    return html.A(
        label,
        href=href,
        id=link_id,
        className="button button-secondary",
        **{"data-deck-add": kind},
    )
