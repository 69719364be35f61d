"""About page: what the tool is for, and the key figures of the data it is built on.

This was the home page before the map explorer took its place.
"""

from __future__ import annotations

from dash import dcc, html

from dashboard.content import ids as content_ids
from dashboard.core import catalogue as roles
from dashboard.core import routes
from dashboard.core.formatting import format_count, typo
from dashboard.core.levels import FAMILY_RESIDENCE, LEVEL_COMMUNE, LEVEL_EPCI
from dashboard.core.perimeter import in_region, of_perimeter, of_region
from dashboard.core.store import Store
from dashboard.ui.components import key_figure, requires_store, sources_line

INTRO = (
    "Les résidences sociales proposent des logements meublés, avec des espaces collectifs et un "
    "accompagnement adapté, à des ménages qui peinent à accéder à un logement ordinaire : travailleurs "
    "précaires, jeunes, saisonniers, familles monoparentales, bénéficiaires de minima sociaux… Elles "
    "regroupent plusieurs catégories de logement accompagné : résidences généralistes, pensions de "
    "famille, résidences accueil, foyers de jeunes travailleurs et résidences issues des foyers de "
    "travailleurs migrants. Cet outil rassemble des données publiques ouvertes, par EPCI et par commune, "
    "pour aider élus, services de l'État et acteurs du logement accompagné à repérer les territoires {of_region} "
    "où développer de nouvelles résidences sociales, dans l'esprit du plan Logement d'abord."
)


def residence_types(store: Store, source: str) -> html.Section:
    """Number of résidences sociales per type, with the source of the register."""
    return html.Section(
        [
            html.H3("Résidences sociales par catégorie"),
            html.Ul(
                [
                    html.Li(
                        [
                            html.Span(label, className="count-label"),
                            html.Span(format_count(count), className="count"),
                        ]
                    )
                    for label, count in store.residences_by_type(FAMILY_RESIDENCE).items()
                ],
                className="count-list",
            ),
            html.P(source, className="key-figure-source"),
        ],
        id=content_ids.HOME_RESIDENCE_TYPES,
        className="panel",
    )


def outside_region_note(count: int) -> list[html.P]:
    """Why an EPCI's figures may count more residences than the région's: its communes in another région."""
    if not count:
        return []
    one = count == 1
    residences = "résidence sociale située" if one else "résidences sociales situées"
    text = (
        f"{format_count(count)} autre{'' if one else 's'} {residences} hors de la région, dans une commune d'un EPCI "
        f"à cheval sur deux régions : la fiche et le classement de cet EPCI {'la' if one else 'les'} comptent, comme "
        "tout son territoire."
    )
    return [html.P(typo(text), className="key-figure-source")]


@requires_store
def key_figures(store: Store) -> html.Div:
    territories_source = sources_line([roles.citation_for(store, roles.ROLE_TERRITORIES)])
    residences_source = sources_line(store.residence_citations(FAMILY_RESIDENCE))
    residences_count = int(store.residence_counts(FAMILY_RESIDENCE).sum())
    return html.Div(
        [
            html.Div(
                [
                    key_figure(store.count_territories(LEVEL_EPCI), "EPCI (intercommunalités)", territories_source),
                    key_figure(
                        store.count_territories(LEVEL_COMMUNE), f"communes {of_perimeter()}", territories_source
                    ),
                    key_figure(residences_count, f"résidences sociales {in_region()}", residences_source),
                ],
                className="key-figures",
            ),
            *outside_region_note(int(store.outside_region(FAMILY_RESIDENCE).sum())),
            residence_types(store, residences_source),
        ]
    )


def layout() -> html.Div:
    """The whole page: purpose, then the key figures (or how to build the data)."""
    return html.Div(
        [
            html.H1(f"Résidences sociales {in_region()}", id=content_ids.ABOUT_TITLE),
            html.P("Où développer l'offre de logement accompagné ?", className="lead"),
            html.P(INTRO.format(of_region=of_region()), className="intro"),
            html.Section([html.H2("Chiffres clés"), key_figures()], id=content_ids.HOME_KEY_FIGURES),
            html.P(dcc.Link("Explorer la carte des territoires", href=routes.HOME, className="button-link")),
        ]
    )
