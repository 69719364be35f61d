"""Dash components of the map explorer, built from what `dashboard.map.view` computes (no callback here)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import dcc, html

from dashboard.core import catalogue, formatting, routes
from dashboard.core.levels import FAMILY_RESIDENCE, LEVEL_COMMUNE, LEVEL_DEPARTEMENT, LEVEL_EPCI, LEVEL_NOUNS
from dashboard.core.store import Store
from dashboard.map import ids as map_ids
from dashboard.map import view as maps
from dashboard.needs import analysis as needs_store
from dashboard.ui.components import sources_line

GROUP_PREFIX = "__theme__"


def indicator_options(store: Store) -> list[dict[str, Any]]:
    """The indicator picker: one disabled heading per theme, then its indicators.

    Indicators missing from open data are listed disabled with their official source; those that exist
    only above the EPCI level say so.
    """
    entries = catalogue.indicator_entries(store)
    available = set(catalogue.available_indicators(store))
    themes = store.catalogue.get("themes", {})
    order = list(themes) + sorted({entry.get("theme", "") for entry in entries.values()} - set(themes))
    # The needs score (issue 5): computed from the weights of the address, by EPCI only.
    options: list[dict[str, Any]] = [
        {
            "label": html.Span("Analyse des besoins", className="dropdown-group"),
            "value": GROUP_PREFIX + "besoins",
            "disabled": True,
            "search": "Analyse des besoins",
        },
        {
            "label": "Indice de besoin (estimation, par EPCI)",
            "value": needs_store.SCORE_INDICATOR,
            "search": f"{needs_store.SCORE_LABEL} besoins classement",
        },
    ]
    for theme in order:
        members = [entry for entry in entries.values() if entry.get("theme", "") == theme]
        if not members:
            continue
        title = themes.get(theme, theme or "Autres")
        options.append(
            {
                "label": html.Span(title, className="dropdown-group"),
                "value": GROUP_PREFIX + theme,
                "disabled": True,
                "search": title,
            }
        )
        for entry in members:
            label = entry["label"]
            if entry["id"] in available:
                levels = catalogue.indicator_levels(store, entry["id"])
                if levels and LEVEL_EPCI not in levels and LEVEL_COMMUNE not in levels:
                    label = f"{label} (par département)"
                options.append({"label": label, "value": entry["id"], "search": f"{label} {title}"})
            else:
                source = entry.get("official_source") or "source non publiée"
                options.append(
                    {
                        "label": html.Span(
                            [label, html.Small(f" — non disponible en données ouvertes : {source}")],
                            className="option-unavailable",
                        ),
                        "value": entry["id"],
                        "disabled": True,
                        "search": f"{label} {title}",
                    }
                )
    return options


def unavailable_list(store: Store) -> html.Details | None:
    """The indicators known but missing from open data, with their official source."""
    missing = [entry for entry in catalogue.indicator_entries(store).values() if not entry.get("available")]
    if not missing:
        return None
    return html.Details(
        [
            html.Summary(f"{len(missing)} indicateurs non disponibles en données ouvertes"),
            html.Ul(
                [
                    html.Li(
                        [
                            html.Strong(entry["label"]),
                            f" — non disponible en données ouvertes : {entry.get('official_source') or 'source non publiée'}",
                        ]
                    )
                    for entry in missing
                ]
            ),
        ],
        className="map-unavailable",
    )


def indicator_help(view: maps.MapView) -> list[Any]:
    entry = view.entry
    parts: list[Any] = []
    if entry.get("definition"):
        parts.append(html.P(entry["definition"], className="map-definition"))
    if entry.get("note"):
        parts.append(html.P(entry["note"], className="map-definition"))
    parts.append(
        dcc.Link(
            "Définition, méthode et source",
            href=f"{routes.SOURCES}#{routes.INDICATOR_ANCHOR_PREFIX}{view.indicator}",
            className="map-definition-link",
        )
    )
    if entry.get("settings_href"):  # needs score: its weights are set on the ranking page
        parts += [
            " · ",
            dcc.Link("Régler les poids de l'indice", href=entry["settings_href"], className="map-definition-link"),
        ]
    return parts


def swatch(colour: str, missing: bool = False) -> html.Span:
    return html.Span(
        className="legend-swatch legend-swatch-missing" if missing else "legend-swatch",
        style=None if missing else {"backgroundColor": colour},
        **{"aria-hidden": "true"},
    )


def legend_component(view: maps.MapView) -> list[Any]:
    """Class colours, bounds and counts, notes (approximation, coverage) and the source line."""
    if view.legend is None:
        return [
            html.H2("Légende", className="panel-title"),
            html.P(view.unavailable_message or "", className="legend-note"),
        ]
    legend = view.legend
    count_noun = LEVEL_NOUNS[view.level]
    unit = f" ({legend.unit})" if legend.unit else ""
    return [
        html.H2("Légende", className="panel-title"),
        html.P([legend.title, html.Span(unit, className="legend-unit")], className="legend-title"),
        html.Ul(
            [
                html.Li(
                    [
                        swatch(entry.colour, entry.missing),
                        html.Span(entry.label, className="legend-label"),
                        html.Span(
                            f"{formatting.format_number(entry.count)} {count_noun[0] if entry.count == 1 else count_noun[1]}",
                            className="legend-count",
                        ),
                    ],
                    className="legend-entry",
                    **{"data-colour": entry.colour},
                )
                for entry in legend.entries
            ],
            className="legend-list",
        ),
        *[html.P(note, className="legend-note") for note in legend.notes],
        html.P(legend.source, className="figure-source"),
    ]


def map_source(store: Store, view: maps.MapView) -> str:
    """Source line under the map: values, polygons and establishments."""
    parts = []
    if view.values is not None:
        parts.append(view.values.source_line)
    dataset_ids = {maps.GEOMETRY_DATASETS[view.level], maps.GEOMETRY_DATASETS[LEVEL_DEPARTEMENT]}
    citations = sorted(
        dataset["citation"] for dataset in store.catalogue.get("datasets", []) if dataset["id"] in dataset_ids
    )
    if citations:
        parts.append(f"Fonds de carte : {' ; '.join(citations)}")
    establishments = sorted(set(store.residences["source"].dropna())) if "source" in store.residences else []
    if establishments:
        parts.append(f"Établissements : {' ; '.join(establishments)}")
    return ". ".join(parts) + "."


def layer_label(kind: str, label: str, family: str, position: int, count: int) -> html.Span:
    if family == FAMILY_RESIDENCE:
        symbol, colour = maps.RESIDENCE_STYLES.get(kind, ("circle", "#000000"))
    else:
        symbol = maps.HEBERGEMENT_SYMBOLS[position % len(maps.HEBERGEMENT_SYMBOLS)]
        colour = maps.HEBERGEMENT_COLOUR
    return html.Span(
        [
            html.Span(
                className=f"layer-symbol layer-symbol-{symbol}",
                style={"backgroundColor": colour},
                **{"aria-hidden": "true"},
            ),
            html.Span(label),
            html.Span(f" ({formatting.format_number(count)})", className="layer-count"),
        ],
        className="layer-label",
    )


def layer_options(store: Store, family: str) -> list[dict[str, Any]]:
    typology = store.catalogue.get("residence_types", {})
    counts = store.residences["type"].value_counts() if "type" in store.residences else {}
    return [
        {
            "label": layer_label(kind, typology["labels"].get(kind, kind), family, position, int(counts.get(kind, 0))),
            "value": kind,
        }
        for position, kind in enumerate(typology.get(family, []))
    ]


def key_figure_item(figure: maps.KeyFigure) -> html.Div:
    return html.Div(
        [
            html.Dt(figure.label),
            html.Dd(
                [
                    html.Span(figure.value, className="panel-value"),
                    html.Span(figure.detail, className="panel-detail") if figure.detail else None,
                    html.Span(figure.source, className="figure-source"),
                ]
            ),
        ],
        className="panel-figure",
    )


def panel_component(store: Store, summary: maps.TerritorySummary | None) -> list[Any]:
    """The side panel: a selected territory's key figures and the link to its page, or how to select one."""
    if summary is None:
        return [
            html.H2("Territoire", className="panel-title"),
            html.P(
                "Cliquez sur un territoire de la carte, ou choisissez-le dans la liste « Territoire », pour "
                "afficher ses chiffres clés.",
                className="panel-hint",
            ),
        ]
    territory_source = ""
    dataset = next(
        (item for item in store.catalogue.get("datasets", []) if item["id"] == "decoupage-administratif-6.0.0"),
        None,
    )
    if dataset:
        territory_source = sources_line([dataset["citation"]])
    fiche = None
    if summary.fiche_code:
        text = (
            "Ouvrir la fiche du territoire"
            if summary.level == LEVEL_EPCI
            else f"Ouvrir la fiche de l'EPCI : {summary.fiche_name}"
        )
        fiche = dcc.Link(
            text, href=f"{routes.TERRITORY_PREFIX}/{summary.fiche_code}", className="button-link panel-fiche"
        )
    return [
        html.H2(summary.name, className="panel-title"),
        html.P(
            [summary.kind, " — ", f"population municipale : {summary.population} habitants"], className="panel-kind"
        ),
        html.P(territory_source, className="figure-source") if territory_source else None,
        fiche,
        html.Dl([key_figure_item(figure) for figure in summary.figures], className="panel-figures"),
    ]


def close_button(hidden: bool) -> html.Button:
    """Always in the layout (its callback needs it); hidden when no territory is selected."""
    return html.Button(
        "×",
        id=map_ids.MAP_PANEL_CLOSE,
        className="panel-close",
        title="Fermer",
        hidden=hidden,
        type="button",
        **{"aria-label": "Fermer le panneau du territoire"},
    )


def table_caption(view: maps.MapView, table: maps.TableView, search: str) -> str:
    if view.values is None:
        return view.unavailable_message or ""
    noun = LEVEL_NOUNS[view.level][1]
    caption = f"{view.heading} : {formatting.format_number(table.total)} {noun}"
    if search.strip():
        caption += f", dont {formatting.format_number(table.matching)} correspondant à « {search.strip()} »"
    order = "par nom" if table.sort == maps.SORT_NAME else "par rang (1er = valeur la plus élevée)"
    return caption + f", triés {order}{' décroissant' if table.descending else ''}."


def pager_text(table: maps.TableView) -> str:
    if table.pages <= 1:
        return ""
    return f"Page {table.page + 1} sur {table.pages}"


def sort_state(table: maps.TableView) -> dict[str, str]:
    """aria-sort of the rank and name column headers."""
    direction = "descending" if table.descending else "ascending"
    if table.sort == maps.SORT_NAME:
        return {maps.SORT_RANK: "none", maps.SORT_NAME: direction}
    return {maps.SORT_RANK: direction, maps.SORT_NAME: "none"}


def notices_component(notices: Sequence[str]) -> html.Div | None:
    if not notices:
        return None
    return html.Div(
        [
            html.H2("Certains paramètres de l'adresse ont été ignorés", className="notice-title"),
            html.Ul([html.Li(notice) for notice in notices]),
        ],
        id=map_ids.MAP_NOTICES,
        className="notice notice-warning map-notices",
        role="status",
    )
