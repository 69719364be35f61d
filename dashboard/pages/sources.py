"""Sources and methods, generated from the catalogue and the build report of the processed store.

Every dataset and every indicator has an anchor, so « Source » lines elsewhere can link to them:
/sources#jeu-<dataset id> and /sources#indicateur-<indicator id>, with any character outside
[A-Za-z0-9_-] of the id replaced by '-' (see `routes.dataset_anchor` and `routes.indicator_anchor`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import dash
from dash import Input, Output, dcc, html

from dashboard.content import ids as content_ids
from dashboard.content import references, typo
from dashboard.core import routes
from dashboard.core.store import Store
from dashboard.needs.method import method_section as needs_method_section
from dashboard.ui.components import format_count, format_date, requires_store

dash.register_page(
    __name__,
    path=routes.SOURCES,
    name="Sources",
    title="Sources — Résidences sociales",
    description="Jeux de données, indicateurs, méthodes et limites du tableau de bord.",
    order=40,
)

LEVEL_LABELS = {
    "commune": "commune",
    "epci": "EPCI",
    "departement": "département",
    "region": "région",
    "france": "France",
}
DIRECTION_LABELS = {
    1: "Une valeur élevée signale un besoin plus important de résidences sociales.",
    -1: "Une valeur élevée signale un besoin moins important (ou une offre déjà présente).",
    0: "Indicateur de contexte : il ne signale pas à lui seul un besoin.",
}
OTHER_THEME = "Autres indicateurs"
CENSUS_DATASET = "insee-comparateur-territoires-com-ed2021"
FINESS_DATASET = "finess-fhir-20210108-hdf"


def format_datetime(value: datetime) -> str:
    return f"{format_date(value)} à {value.strftime('%H:%M')} ({value.tzname() or 'heure locale'})"


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _facts(pairs: Iterable[tuple[str, Any]]) -> html.Dl:
    children = []
    for term, value in pairs:
        if value in (None, "", []):
            continue
        children += [html.Dt(term), html.Dd(value)]
    return html.Dl(children, className="facts")


# --- Datasets --------------------------------------------------------------------------------


def _detail_value(value: Any) -> str:
    if isinstance(value, list):
        return f"{len(value)} : {', '.join(map(str, value))}" if value else "aucun"
    if isinstance(value, dict):
        return "; ".join(f"{key} → {_detail_value(item)}" for key, item in value.items()) or "aucun"
    return format_count(value) if isinstance(value, int) and not isinstance(value, bool) else str(value)


def coverage_block(report: Mapping[str, Any] | None, built_at: datetime, in_mirror: bool | None) -> html.Div:
    """Rows read, kept and joined at the last build, and the codes left unmatched."""
    build = f"Dernière construction des données : {format_datetime(built_at)}."
    if not report:
        reason = (
            "source officielle décrite pour référence, non lue par la construction hors ligne"
            if in_mirror is False
            else "pas de bilan de lecture enregistré pour ce jeu lors de la dernière construction"
        )
        return html.Div([html.P(build), html.P(typo(f"Couverture : {reason}."))], className="coverage")
    unmatched = list(report.get("unmatched") or [])
    figures = [
        ("Lignes lues", report.get("rows_read")),
        ("Lignes gardées", report.get("rows_kept")),
        ("Rapportées à un territoire", report.get("rows_joined")),
        ("Codes non appariés", len(unmatched)),
    ]
    children: list = [
        html.P(build),
        html.Dl(
            [
                item
                for term, value in figures
                if value is not None
                for item in (html.Dt(term), html.Dd(format_count(int(value)), className="number"))
            ],
            className="facts coverage-figures",
        ),
    ]
    if unmatched:
        children.append(
            html.Details(
                [
                    html.Summary(f"Voir les {format_count(len(unmatched))} codes non appariés"),
                    html.P(", ".join(map(str, unmatched)), className="code-list"),
                ]
            )
        )
    detail = report.get("detail") or {}
    if detail:
        children.append(
            html.Details(
                [
                    html.Summary("Détail technique de la lecture (rapport de construction)"),
                    html.Ul(
                        [html.Li([html.Code(key), f" : {_detail_value(value)}"]) for key, value in detail.items()],
                        className="code-list",
                    ),
                ]
            )
        )
    return html.Div(children, className="coverage")


def dataset_entry(
    dataset: Mapping[str, Any],
    report: Mapping[str, Any] | None,
    built_at: datetime,
    indicators: list[Mapping[str, Any]],
) -> html.Li:
    caveats = dataset.get("caveats") or []
    urls = _unique(dataset.get("urls") or [])
    title = dataset.get("title") or dataset["id"]
    page_url = dataset.get("page_url")
    heading = html.A(title, href=page_url, target="_blank", rel="noopener") if page_url else title
    return html.Li(
        [
            html.H3(heading),
            html.P(["Identifiant : ", html.Code(dataset["id"])], className="dataset-id"),
            _facts(
                [
                    ("Producteur", dataset.get("publisher")),
                    ("Millésime", dataset.get("vintage")),
                    ("Licence", dataset.get("licence")),
                    ("Format", dataset.get("format")),
                    ("Niveau", dataset.get("level")),
                    ("Citation", dataset.get("citation")),
                    (
                        "Fichiers officiels",
                        html.Ul([html.Li(html.A(url, href=url, rel="noopener")) for url in urls], className="url-list")
                        if urls
                        else None,
                    ),
                    ("Note", dataset.get("notes")),
                    (
                        "Limites",
                        html.Ul([html.Li(caveat) for caveat in caveats], className="caveats") if caveats else None,
                    ),
                ]
            ),
            coverage_block(report, built_at, dataset.get("in_mirror")),
            html.P(
                [
                    "Indicateurs calculés avec ce jeu : ",
                    *_join(
                        [html.A(item["label"], href=f"#{routes.indicator_anchor(item['id'])}") for item in indicators]
                    ),
                    ".",
                ],
                className="dataset-indicators",
            )
            if indicators
            else None,
        ],
        id=routes.dataset_anchor(dataset["id"]),
        className="panel",
    )


def _join(items: list) -> list:
    joined: list = []
    for position, item in enumerate(items):
        if position:
            joined.append(", ")
        joined.append(item)
    return joined


def datasets_section(store: Store) -> html.Section:
    catalogue = store.catalogue
    reports = store.coverage.get("datasets", {})
    indicators = catalogue.get("indicators", [])
    return html.Section(
        [
            html.H2("Jeux de données"),
            html.P(f"Données construites le {format_date(store.built_at)} à partir des jeux de données suivants."),
            html.Ul(
                [
                    dataset_entry(
                        dataset,
                        reports.get(dataset["id"]),
                        store.built_at,
                        [item for item in indicators if dataset["id"] in (item.get("datasets") or [])],
                    )
                    for dataset in catalogue["datasets"]
                ],
                className="dataset-list",
            ),
        ],
        id=content_ids.SOURCES_DATASETS,
    )


# --- Indicators ------------------------------------------------------------------------------


def _scale(scale: float | None) -> str | None:
    if scale in (None, 1, 1.0):
        return None
    return f"× {format_count(int(scale))}" if float(scale).is_integer() else f"× {scale}"


def formula(indicator: Mapping[str, Any]) -> html.Span | None:
    """The computation at each level, from the base variables (Σ = sum over the communes)."""
    numerator, denominator = indicator.get("numerator"), indicator.get("denominator")
    if not numerator:
        return None
    method = indicator.get("method")
    if method == "taux_annuel" and denominator:
        period = indicator.get("period_years") or 1
        return html.Span(
            ["((Σ ", html.Code(numerator), " ÷ Σ ", html.Code(denominator), f") ^ (1/{period}) − 1) × 100"]
        )
    parts: list = ["Σ ", html.Code(numerator)]
    if denominator:
        parts += [" ÷ Σ ", html.Code(denominator)]
    scale = _scale(indicator.get("scale"))
    if scale:
        parts.append(f" {scale}")
    return html.Span(parts)


def indicator_entry(indicator: Mapping[str, Any], datasets: Mapping[str, Mapping[str, Any]]) -> html.Li:
    available = indicator.get("available", True)
    used = indicator.get("datasets") or []
    sources = _join(
        [
            html.A(datasets[key].get("citation") or key, href=f"#{routes.dataset_anchor(key)}")
            if key in datasets
            else html.Code(key)
            for key in used
        ]
    )
    period = indicator.get("period_years") or 0
    availability = (
        "Disponible."
        if available
        else typo("Non disponible en données ouvertes utilisables")
        + (
            typo(" ; source officielle : ") + f"{indicator['official_source']}."
            if indicator.get("official_source")
            else "."
        )
    )
    return html.Li(
        [
            html.H4(indicator["label"]),
            html.P(["Identifiant : ", html.Code(indicator["id"])], className="dataset-id"),
            html.P(indicator.get("definition") or ""),
            _facts(
                [
                    ("Unité", indicator.get("unit")),
                    ("Formule", formula(indicator)),
                    ("Période", f"{period} ans" if period else None),
                    ("Méthode", indicator.get("method_label")),
                    ("Sens de lecture", DIRECTION_LABELS.get(indicator.get("direction"))),
                    ("Niveaux", ", ".join(LEVEL_LABELS.get(level, level) for level in indicator.get("levels") or [])),
                    ("Millésime", indicator.get("vintage")),
                    ("Sources", sources or None),
                    ("Disponibilité", availability),
                    ("Note", indicator.get("note")),
                ]
            ),
        ],
        id=routes.indicator_anchor(indicator["id"]),
        className="indicator" + ("" if available else " indicator-unavailable"),
    )


def indicators_section(store: Store) -> html.Section:
    catalogue = store.catalogue
    indicators = catalogue.get("indicators", [])
    themes = dict(catalogue.get("themes") or {})
    datasets = {dataset["id"]: dataset for dataset in catalogue["datasets"]}
    groups: dict[str, list] = {key: [] for key in themes}
    for indicator in indicators:
        groups.setdefault(indicator.get("theme") if indicator.get("theme") in themes else "", []).append(indicator)
    blocks = [
        html.Div(
            [
                html.H3(themes.get(theme, OTHER_THEME)),
                html.Ul([indicator_entry(item, datasets) for item in items], className="indicator-list"),
            ],
            className="theme-block",
        )
        for theme, items in groups.items()
        if items
    ]
    return html.Section(
        [
            html.H2("Indicateurs"),
            html.P(
                typo(
                    f"{format_count(len(indicators))} indicateurs sont déclarés. Chacun dit ce qu'il mesure, comment "
                    "il est calculé, à quels niveaux, et dans quel sens le lire. Ceux qu'aucun fichier ouvert ne "
                    "fournit sont signalés avec la source officielle qui les publie. Dans les formules, Σ désigne la "
                    "somme sur les communes du territoire."
                )
            ),
            *blocks,
        ],
        id=content_ids.SOURCES_INDICATORS,
    )


# --- Typology, methods, reference figures, limits --------------------------------------------


def typology_section(store: Store) -> html.Section:
    typology = store.catalogue["residence_types"]
    counts = store.residences["type"].value_counts()
    families = typology.get("families") or {}
    rows = [
        html.Tr(
            [
                html.Td(families.get(family, family)),
                html.Th(typology["labels"].get(kind, kind), scope="row"),
                html.Td(html.Code(kind)),
                html.Td(format_count(int(counts.get(kind, 0))), className="number"),
            ]
        )
        for family in ("residence_sociale", "hebergement")
        for kind in typology.get(family, [])
    ]
    citations = sorted(store.residences["source"].unique()) if "source" in store.residences else []
    return html.Section(
        [
            html.H2("Typologie des établissements"),
            html.P(typology["rule"]) if typology.get("rule") else None,
            html.Div(
                html.Table(
                    [
                        html.Caption(
                            "Types d'établissements retenus et nombre d'établissements dans les EPCI de la région"
                        ),
                        html.Thead(
                            html.Tr(
                                [
                                    html.Th("Famille", scope="col"),
                                    html.Th("Type", scope="col"),
                                    html.Th("Code", scope="col"),
                                    html.Th("Établissements", scope="col", className="number"),
                                ]
                            )
                        ),
                        html.Tbody(rows),
                    ],
                    className="data-table",
                ),
                className="table-scroll",
            ),
            html.P(f"Source : {' ; '.join(citations)}", className="figure-source") if citations else None,
        ],
        id=content_ids.SOURCES_TYPOLOGY,
    )


def methods_section(store: Store) -> html.Section:
    methods = store.catalogue.get("methods") or {}
    return html.Section(
        [
            html.H2("Méthodes de calcul"),
            html.P(
                typo(
                    "Chaque indicateur indique sa méthode : la plupart sont calculés à partir des communes, puis "
                    "rapportés aux EPCI, aux départements et à la région ; d'autres sont publiés tels quels par leur "
                    "source pour un niveau donné."
                )
            ),
            html.Dl(
                [item for key, label in methods.items() for item in (html.Dt(html.Code(key)), html.Dd(label))],
                className="facts",
            ),
            html.P(
                typo(
                    "La couverture d'une valeur est la part de la population du territoire dont les communes ont une "
                    "valeur publiée : une couverture inférieure à 1 signale des communes manquantes (secret "
                    "statistique, commune absente du fichier)."
                )
            ),
        ],
        id=content_ids.SOURCES_METHODS,
    )


def reference_figures_section(store: Store) -> html.Section | None:
    figures = store.catalogue.get("reference_figures") or []
    if not figures:
        return None
    rows = [
        html.Tr(
            [
                html.Th(record.get("label_fr") or record["id"], scope="row"),
                html.Td(references.value_fr(record), className="number"),
                html.Td(record.get("geography") or ""),
                html.Td(references.date_fr(record.get("reference_date") or "")),
                html.Td(references.citation(record), className="table-source"),
                html.Td("Ordre de grandeur à confirmer" if record.get("to_be_confirmed") else "Publié"),
            ],
            className="to-confirm" if record.get("to_be_confirmed") else None,
        )
        for record in figures
    ]
    return html.Section(
        [
            html.H2("Chiffres de référence"),
            html.P(
                typo(
                    "Chiffres publiés qu'aucun fichier ouvert ne fournit à un niveau utilisable, relevés à la main : "
                    "ils donnent le contexte et les valeurs par défaut du calculateur, et ne sont jamais cartographiés."
                )
            ),
            html.Div(
                html.Table(
                    [
                        html.Thead(
                            html.Tr(
                                [
                                    html.Th("Chiffre", scope="col"),
                                    html.Th("Valeur", scope="col", className="number"),
                                    html.Th("Territoire", scope="col"),
                                    html.Th("Date", scope="col"),
                                    html.Th("Source", scope="col"),
                                    html.Th("Statut", scope="col"),
                                ]
                            )
                        ),
                        html.Tbody(rows),
                    ],
                    className="data-table",
                ),
                className="table-scroll",
            ),
        ],
        id=content_ids.SOURCES_REFERENCE_FIGURES,
    )


def limits_section(store: Store) -> html.Section:
    catalogue = store.catalogue
    unavailable = [item for item in catalogue.get("indicators", []) if not item.get("available", True)]
    approximated = [item for item in catalogue.get("indicators", []) if item.get("approximation")]
    to_confirm = [record for record in catalogue.get("reference_figures") or [] if record.get("to_be_confirmed")]
    datasets = {dataset["id"]: dataset for dataset in catalogue["datasets"]}
    items: list = [
        html.Li(
            [
                html.A(item["label"], href=f"#{routes.indicator_anchor(item['id'])}"),
                typo(" : aucun fichier ouvert ne le donne à l'échelle utile"),
                typo(" ; il est publié par : ") + f"{item['official_source']}." if item.get("official_source") else ".",
            ]
        )
        for item in unavailable
    ]
    items.append(
        html.Li(
            typo(
                "Recours DALO (droit au logement opposable) : aucun fichier ouvert ne les donne par territoire ; "
                "le tableau de bord n'en calcule aucun indicateur."
            )
        )
    )
    for key, what in ((CENSUS_DATASET, "Recensement"), (FINESS_DATASET, "Répertoire FINESS")):
        if key in datasets:
            items.append(
                html.Li(
                    [
                        html.A(what, href=f"#{routes.dataset_anchor(key)}"),
                        typo(" : millésime ") + str(datasets[key].get("vintage", "")),
                        ", faute de fichier plus récent hors ligne.",
                    ]
                )
            )
    if approximated:
        items.append(
            html.Li(
                [
                    "Valeurs approchées au-dessus de la commune : ",
                    *_join(
                        [html.A(item["label"], href=f"#{routes.indicator_anchor(item['id'])}") for item in approximated]
                    ),
                    typo(" (moyennes pondérées des communes publiées, pas des valeurs officielles)."),
                ]
            )
        )
    if to_confirm:
        items.append(
            html.Li(
                [
                    typo(
                        f"{format_count(len(to_confirm))} chiffres de référence sont des ordres de grandeur à confirmer : "
                    ),
                    html.A("voir la liste", href=f"#{content_ids.SOURCES_REFERENCE_FIGURES}"),
                    ".",
                ]
            )
        )
    return html.Section(
        [
            html.H2("Limites connues"),
            html.P(typo("Ce que les données ouvertes ne donnent pas, et que le tableau de bord n'estime pas :")),
            html.Ul(items, className="limits"),
        ],
        id=content_ids.SOURCES_LIMITS,
    )


# --- Page ------------------------------------------------------------------------------------

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


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            html.H1("Sources des données", id=content_ids.SOURCES_TITLE),
            html.P(
                "Tous les chiffres de ce tableau de bord proviennent de données publiques ouvertes, citées avec "
                "leur producteur et leur millésime. Les limites connues de chaque source sont indiquées.",
                className="intro",
            ),
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


# The page is rendered after the browser looked for the #anchor of the address: scroll to it then.
dash.clientside_callback(
    """
    function (titleId) {
        const target = decodeURIComponent(window.location.hash.slice(1));
        if (target) {
            window.setTimeout(function () {
                const element = document.getElementById(target);
                if (element) { element.scrollIntoView(); }
            }, 0);
        }
        return window.dash_clientside.no_update;
    }
    """,
    Output(content_ids.SOURCES_SCROLL, "data"),
    Input(content_ids.SOURCES_TITLE, "id"),
)
