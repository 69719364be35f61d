"""Sources and methods page, generated from the catalogue and the build report of the processed store.

Every dataset and every indicator has an anchor, so « Source » lines elsewhere can link to them:
/sources#jeu-<dataset id> and /sources#indicateur-<indicator id>, with any character outside
[A-Za-z0-9_-] of the id replaced by '-' (see `routes.dataset_anchor` and `routes.indicator_anchor`).
The scroll to the address's anchor is in `content.callbacks`.
"""

from __future__ import annotations

from dash import dcc, html

from dashboard.content import ids as content_ids
from dashboard.content.sources_catalogue import datasets_section, indicators_section
from dashboard.content.sources_notes import limits_section, methods_section, reference_figures_section, typology_section
from dashboard.core import routes
from dashboard.core.formatting import typo
from dashboard.core.perimeter import perimeter
from dashboard.core.store import Store, StoreError, current_store
from dashboard.needs.method import method_section as needs_method_section
from dashboard.ui.components import requires_store

TOC = (
    (content_ids.SOURCES_DATASETS, "Jeux de données"),
    (content_ids.SOURCES_INDICATORS, "Indicateurs"),
    (content_ids.SOURCES_TYPOLOGY, "Typologie des établissements"),
    (content_ids.SOURCES_METHODS, "Méthodes de calcul"),
    (routes.METHOD_ANCHOR, "Besoin, offre et priorité"),
    (content_ids.SOURCES_REFERENCE_FIGURES, "Chiffres de référence"),
    (content_ids.SOURCES_LIMITS, "Limites connues"),
)
#: The sections, in page order; each is a function of the store.
SECTIONS = (
    datasets_section,
    indicators_section,
    typology_section,
    methods_section,
    needs_method_section,
    reference_figures_section,
    limits_section,
)


@requires_store
def catalogue_view(store: Store) -> html.Div:
    return html.Div([section(store) for section in SECTIONS], id=content_ids.SOURCES_LIST)


def perimeter_sentence(store: Store) -> str:
    """« Périmètre de cette construction : Hauts-de-France (région 32, 5 départements). », or France's, with the
    régions the build left out and why."""
    built = perimeter(store)
    if not built.is_france:
        return f"Périmètre de cette construction : {built.name} (région {built.code}, {len(built.departements)} départements)."
    left_out = store.coverage.get("regions_hors_perimetre") or {}
    reasons = [f"{region['nom']} : {region['raison']}" for region in left_out.values()]
    outside = f" ; hors périmètre : {' ; '.join(reasons)}" if reasons else ""
    return (
        f"Périmètre de cette construction : la France entière ({len(built.regions)} régions, "
        f"{len(built.departements)} départements){outside}."
    )


def perimeter_intro() -> html.P | None:
    """The perimeter sentence, when the data is built (else the catalogue below says how to build it)."""
    store = current_store()
    if isinstance(store, StoreError):
        return None
    return html.P(typo(perimeter_sentence(store)), id=content_ids.SOURCES_PERIMETER, className="intro")


def layout() -> html.Div:
    """The whole page: title, table of contents and the sections (or how to build the data)."""
    return html.Div(
        [
            html.H1("Sources des données", id=content_ids.SOURCES_TITLE),
            html.P(
                "Tous les chiffres de ce tableau de bord proviennent de données publiques ouvertes, citées avec "
                "leur producteur et leur millésime. Les limites connues de chaque source sont indiquées.",
                className="intro",
            ),
            perimeter_intro(),
            html.Nav(
                html.Ul([html.Li(html.A(label, href=f"#{anchor}")) for anchor, label in TOC], className="toc"),
                id=content_ids.SOURCES_TOC,
                **{"aria-label": "Sommaire de la page"},
            ),
            dcc.Store(id=content_ids.SOURCES_SCROLL),
            catalogue_view(),
        ],
        className="sources-page",
    )
