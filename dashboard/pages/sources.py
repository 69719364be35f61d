"""Sources page: every dataset the build used, with publisher, vintage, licence and caveats."""

from __future__ import annotations

from typing import Any

import dash
from dash import html

from dashboard import ids
from dashboard.components import SOURCES_PATH, format_date, requires_store
from dashboard.store import Store

dash.register_page(__name__, path=SOURCES_PATH, name="Sources", title="Sources — Résidences sociales", order=90)


def dataset_entry(dataset: dict[str, Any]) -> html.Li:
    caveats = dataset.get("caveats") or []
    return html.Li(
        [
            html.H3(html.A(dataset["title"], href=dataset["page_url"], target="_blank", rel="noopener")),
            html.Dl(
                [
                    html.Dt("Producteur"),
                    html.Dd(dataset["publisher"]),
                    html.Dt("Millésime"),
                    html.Dd(dataset["vintage"]),
                    html.Dt("Licence"),
                    html.Dd(dataset["licence"]),
                ],
                className="facts",
            ),
            html.Ul([html.Li(caveat) for caveat in caveats], className="caveats") if caveats else None,
        ],
        className="panel",
    )


@requires_store
def dataset_list(store: Store) -> html.Div:
    return html.Div(
        [
            html.P(f"Données construites le {format_date(store.built_at)} à partir des jeux de données suivants."),
            html.Ul([dataset_entry(dataset) for dataset in store.catalogue["datasets"]], className="dataset-list"),
        ],
        id=ids.SOURCES_LIST,
    )


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            html.H1("Sources des données", id=ids.SOURCES_TITLE),
            html.P(
                "Tous les chiffres de ce tableau de bord proviennent de données publiques ouvertes, citées avec "
                "leur producteur et leur millésime. Les limites connues de chaque source sont indiquées.",
                className="intro",
            ),
            dataset_list(),
        ]
    )
