"""Sources page, the catalogue part: one entry per dataset (with its coverage at the last build) and one
per indicator (formula, levels, direction, sources), each with its anchor (`routes.dataset_anchor`,
`routes.indicator_anchor`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from dash import html

from dashboard.content import ids as content_ids
from dashboard.core import routes
from dashboard.core.formatting import format_count, format_date, format_datetime, typo
from dashboard.core.levels import LEVEL_NOUNS
from dashboard.core.store import Store

LEVEL_LABELS = {**{level: nouns[0] for level, nouns in LEVEL_NOUNS.items()}, "france": "France"}
DIRECTION_LABELS = {
    1: "Une valeur élevée signale un besoin plus important de résidences sociales.",
    -1: "Une valeur élevée signale un besoin moins important (ou une offre déjà présente).",
    0: "Indicateur de contexte : il ne signale pas à lui seul un besoin.",
}
OTHER_THEME = "Autres indicateurs"


def facts(pairs: Iterable[tuple[str, Any]]) -> html.Dl:
    """A definition list of the pairs whose value is not empty."""
    children = []
    for term, value in pairs:
        if value in (None, "", []):
            continue
        children += [html.Dt(term), html.Dd(value)]
    return html.Dl(children, className="facts")


def joined(items: list) -> list:
    """The items separated by « , »."""
    return [part for position, item in enumerate(items) for part in ((", ", item) if position else (item,))]


def indicator_links(indicators: Iterable[Mapping[str, Any]]) -> list:
    """Links to the indicators' entries, separated by « , »."""
    return joined([html.A(item["label"], href=f"#{routes.indicator_anchor(item['id'])}") for item in indicators])


# --- Datasets --------------------------------------------------------------------------------


def _detail_value(value: Any) -> str:
    if isinstance(value, list):
        return f"{len(value)} : {', '.join(map(str, value))}" if value else "aucun"
    if isinstance(value, dict):
        return "; ".join(f"{key} → {_detail_value(item)}" for key, item in value.items()) or "aucun"
    return format_count(value) if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _coverage_figures(report: Mapping[str, Any]) -> html.Dl:
    figures = [
        ("Lignes lues", report.get("rows_read")),
        ("Lignes gardées", report.get("rows_kept")),
        ("Rapportées à un territoire", report.get("rows_joined")),
        ("Codes non appariés", len(report.get("unmatched") or [])),
    ]
    return html.Dl(
        [
            item
            for term, value in figures
            if value is not None
            for item in (html.Dt(term), html.Dd(format_count(int(value)), className="number"))
        ],
        className="facts coverage-figures",
    )


def _coverage_details(report: Mapping[str, Any]) -> list[html.Details]:
    details = []
    unmatched = list(report.get("unmatched") or [])
    if unmatched:
        details.append(
            html.Details(
                [
                    html.Summary(f"Voir les {format_count(len(unmatched))} codes non appariés"),
                    html.P(", ".join(map(str, unmatched)), className="code-list"),
                ]
            )
        )
    detail = report.get("detail") or {}
    if detail:
        details.append(
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
    return details


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
    return html.Div(
        [html.P(build), _coverage_figures(report), *_coverage_details(report)],
        className="coverage",
    )


def _dataset_facts(dataset: Mapping[str, Any]) -> html.Dl:
    caveats = dataset.get("caveats") or []
    urls = list(dict.fromkeys(dataset.get("urls") or []))
    return facts(
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
            ("Limites", html.Ul([html.Li(caveat) for caveat in caveats], className="caveats") if caveats else None),
        ]
    )


def dataset_entry(
    dataset: Mapping[str, Any],
    report: Mapping[str, Any] | None,
    built_at: datetime,
    indicators: list[Mapping[str, Any]],
) -> html.Li:
    """One dataset: its facts, its coverage at the last build, the indicators computed with it."""
    title = dataset.get("title") or dataset["id"]
    page_url = dataset.get("page_url")
    heading = html.A(title, href=page_url, target="_blank", rel="noopener") if page_url else title
    used_by = (
        html.P(
            ["Indicateurs calculés avec ce jeu : ", *indicator_links(indicators), "."],
            className="dataset-indicators",
        )
        if indicators
        else None
    )
    return html.Li(
        [
            html.H3(heading),
            html.P(["Identifiant : ", html.Code(dataset["id"])], className="dataset-id"),
            _dataset_facts(dataset),
            coverage_block(report, built_at, dataset.get("in_mirror")),
            used_by,
        ],
        id=routes.dataset_anchor(dataset["id"]),
        className="panel",
    )


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


def _availability(indicator: Mapping[str, Any]) -> str:
    if indicator.get("available", True):
        return "Disponible."
    official = indicator.get("official_source")
    return typo("Non disponible en données ouvertes utilisables") + (
        typo(" ; source officielle : ") + f"{official}." if official else "."
    )


def _indicator_facts(indicator: Mapping[str, Any], datasets: Mapping[str, Mapping[str, Any]]) -> html.Dl:
    sources = joined(
        [
            html.A(datasets[key].get("citation") or key, href=f"#{routes.dataset_anchor(key)}")
            if key in datasets
            else html.Code(key)
            for key in indicator.get("datasets") or []
        ]
    )
    period = indicator.get("period_years") or 0
    return facts(
        [
            ("Unité", indicator.get("unit")),
            ("Formule", formula(indicator)),
            ("Période", f"{period} ans" if period else None),
            ("Méthode", indicator.get("method_label")),
            ("Sens de lecture", DIRECTION_LABELS.get(indicator.get("direction"))),
            ("Niveaux", ", ".join(LEVEL_LABELS.get(level, level) for level in indicator.get("levels") or [])),
            ("Millésime", indicator.get("vintage")),
            ("Sources", sources or None),
            ("Disponibilité", _availability(indicator)),
            ("Note", indicator.get("note")),
        ]
    )


def indicator_entry(indicator: Mapping[str, Any], datasets: Mapping[str, Mapping[str, Any]]) -> html.Li:
    """One indicator: its definition and how it is computed, read and sourced."""
    available = indicator.get("available", True)
    return html.Li(
        [
            html.H4(indicator["label"]),
            html.P(["Identifiant : ", html.Code(indicator["id"])], className="dataset-id"),
            html.P(indicator.get("definition") or ""),
            _indicator_facts(indicator, datasets),
        ],
        id=routes.indicator_anchor(indicator["id"]),
        className="indicator" + ("" if available else " indicator-unavailable"),
    )


def _theme_blocks(catalogue: Mapping[str, Any]) -> list[html.Div]:
    themes = dict(catalogue.get("themes") or {})
    datasets = {dataset["id"]: dataset for dataset in catalogue["datasets"]}
    groups: dict[str, list] = {key: [] for key in themes}
    for indicator in catalogue.get("indicators", []):
        groups.setdefault(indicator.get("theme") if indicator.get("theme") in themes else "", []).append(indicator)
    return [
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


def indicators_section(store: Store) -> html.Section:
    count = len(store.catalogue.get("indicators", []))
    return html.Section(
        [
            html.H2("Indicateurs"),
            html.P(
                typo(
                    f"{format_count(count)} indicateurs sont déclarés. Chacun dit ce qu'il mesure, comment "
                    "il est calculé, à quels niveaux, et dans quel sens le lire. Ceux qu'aucun fichier ouvert ne "
                    "fournit sont signalés avec la source officielle qui les publie. Dans les formules, Σ désigne la "
                    "somme sur les communes du territoire."
                )
            ),
            *_theme_blocks(store.catalogue),
        ],
        id=content_ids.SOURCES_INDICATORS,
    )
