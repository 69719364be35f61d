"""Sources page, the notes: typology of the establishments, calculation methods, reference figures and
known limits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import html

from dashboard.content import ids as content_ids
from dashboard.content import references
from dashboard.content.sources_catalogue import indicator_links
from dashboard.core import catalogue as roles
from dashboard.core import routes
from dashboard.core.formatting import format_count, typo
from dashboard.core.levels import FAMILY_HEBERGEMENT, FAMILY_RESIDENCE
from dashboard.core.perimeter import of_perimeter
from dashboard.core.store import Store

#: Datasets whose vintage the limits recall, by role, with what they are.
DATED_SOURCES = ((roles.ROLE_CENSUS, "Recensement"), (roles.ROLE_ESTABLISHMENTS, "Répertoire FINESS"))


def _table(caption: str | None, headers: list[html.Th], rows: list[html.Tr]) -> html.Div:
    children = [html.Caption(caption)] if caption else []
    return html.Div(
        html.Table(
            [*children, html.Thead(html.Tr(headers)), html.Tbody(rows)],
            className="data-table",
        ),
        className="table-scroll",
    )


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
        for family in (FAMILY_RESIDENCE, FAMILY_HEBERGEMENT)
        for kind in typology.get(family, [])
    ]
    citations = sorted(store.residences["source"].unique()) if "source" in store.residences else []
    headers = [
        html.Th("Famille", scope="col"),
        html.Th("Type", scope="col"),
        html.Th("Code", scope="col"),
        html.Th("Établissements", scope="col", className="number"),
    ]
    return html.Section(
        [
            html.H2("Typologie des établissements"),
            html.P(typology["rule"]) if typology.get("rule") else None,
            _table(
                f"Types d'établissements retenus et nombre d'établissements dans les EPCI {of_perimeter()}",
                headers,
                rows,
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
    headers = [
        html.Th("Chiffre", scope="col"),
        html.Th("Valeur", scope="col", className="number"),
        html.Th("Territoire", scope="col"),
        html.Th("Date", scope="col"),
        html.Th("Source", scope="col"),
        html.Th("Statut", scope="col"),
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
            _table(None, headers, rows),
        ],
        id=content_ids.SOURCES_REFERENCE_FIGURES,
    )


# --- Known limits ----------------------------------------------------------------------------


def _unavailable_items(indicators: list[Mapping[str, Any]]) -> list[html.Li]:
    return [
        html.Li(
            [
                html.A(item["label"], href=f"#{routes.indicator_anchor(item['id'])}"),
                typo(" : aucun fichier ouvert ne le donne à l'échelle utile"),
                typo(" ; il est publié par : ") + f"{item['official_source']}." if item.get("official_source") else ".",
            ]
        )
        for item in indicators
        if not item.get("available", True)
    ]


def _dated_source_items(store: Store) -> list[html.Li]:
    items = []
    for role, what in DATED_SOURCES:
        dataset = roles.dataset_for(store, role)
        if dataset is not None:
            items.append(
                html.Li(
                    [
                        html.A(what, href=f"#{routes.dataset_anchor(dataset['id'])}"),
                        typo(" : millésime ") + str(dataset.get("vintage", "")),
                        ", faute de fichier plus récent hors ligne.",
                    ]
                )
            )
    return items


def _approximation_item(indicators: list[Mapping[str, Any]]) -> html.Li | None:
    approximated = [item for item in indicators if item.get("approximation")]
    return (
        html.Li(
            [
                "Valeurs approchées au-dessus de la commune : ",
                *indicator_links(approximated),
                typo(" (moyennes pondérées des communes publiées, pas des valeurs officielles)."),
            ]
        )
        if approximated
        else None
    )


def _to_confirm_item(reference_figures: list[Mapping[str, Any]]) -> html.Li | None:
    count = sum(1 for record in reference_figures if record.get("to_be_confirmed"))
    return (
        html.Li(
            [
                typo(f"{format_count(count)} chiffres de référence sont des ordres de grandeur à confirmer : "),
                html.A("voir la liste", href=f"#{content_ids.SOURCES_REFERENCE_FIGURES}"),
                ".",
            ]
        )
        if count
        else None
    )


def limits_section(store: Store) -> html.Section:
    indicators = store.catalogue.get("indicators", [])
    dalo = html.Li(
        typo(
            "Recours DALO (droit au logement opposable) : aucun fichier ouvert ne les donne par territoire ; "
            "le tableau de bord n'en calcule aucun indicateur."
        )
    )
    items = [
        *_unavailable_items(indicators),
        dalo,
        *_dated_source_items(store),
        _approximation_item(indicators),
        _to_confirm_item(store.catalogue.get("reference_figures") or []),
    ]
    return html.Section(
        [
            html.H2("Limites connues"),
            html.P(typo("Ce que les données ouvertes ne donnent pas, et que le tableau de bord n'estime pas :")),
            html.Ul([item for item in items if item is not None], className="limits"),
        ],
        id=content_ids.SOURCES_LIMITS,
    )
