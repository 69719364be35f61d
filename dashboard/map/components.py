"""Dash components of the map explorer, built from what the map's pure functions compute (no callback)."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.core import catalogue, formatting, routes
from dashboard.core.catalogue import ROLE_TERRITORIES, citation_for, dataset_id_for, geometry_role
from dashboard.core.levels import LEVEL_COMMUNE, LEVEL_DEPARTEMENT, LEVEL_EPCI, LEVEL_NOUNS
from dashboard.core.store import Store
from dashboard.map import ids as map_ids
from dashboard.map.palette import layer_style
from dashboard.map.panel import KeyFigure, TerritorySummary
from dashboard.map.view import MapView
from dashboard.needs import analysis as needs_store
from dashboard.ui.components import sources_line

GROUP_PREFIX = "__theme__"


def group_heading(title: str, value: str) -> dict[str, Any]:
    """A disabled option naming the theme of the options below it."""
    return {"label": html.Span(title, className="dropdown-group"), "value": value, "disabled": True, "search": title}


def indicator_option(store: Store, entry: dict[str, Any], available: set[str], theme: str) -> dict[str, Any]:
    """An indicator of the picker: « (par département) » when it exists only there, disabled with its
    official source when it is missing from open data."""
    label = entry["label"]
    if entry["id"] in available:
        levels = catalogue.indicator_levels(store, entry["id"])
        if levels and LEVEL_EPCI not in levels and LEVEL_COMMUNE not in levels:
            label = f"{label} (par département)"
        return {"label": label, "value": entry["id"], "search": f"{label} {theme}"}
    source = entry.get("official_source") or "source non publiée"
    return {
        "label": html.Span(
            [label, html.Small(f" — non disponible en données ouvertes : {source}")], className="option-unavailable"
        ),
        "value": entry["id"],
        "disabled": True,
        "search": f"{label} {theme}",
    }


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
        group_heading("Analyse des besoins", GROUP_PREFIX + "besoins"),
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
        options.append(group_heading(title, GROUP_PREFIX + theme))
        options += [indicator_option(store, entry, available, title) for entry in members]
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


def indicator_help(view: MapView) -> list[Any]:
    """The indicator's definition and note, and the links to its method (and to the index's weights)."""
    entry = view.entry
    parts: list[Any] = []
    if entry.get("definition"):
        parts.append(html.P(entry["definition"], className="map-definition"))
    if entry.get("note"):
        parts.append(html.P(entry["note"], className="map-definition"))
    parts.append(
        dcc.Link(
            "Définition, méthode et source",
            href=routes.indicator_source_path(view.indicator),
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
    """A legend colour (hatched by the CSS for the territories without value)."""
    return html.Span(
        className="legend-swatch legend-swatch-missing" if missing else "legend-swatch",
        style=None if missing else {"backgroundColor": colour},
        **{"aria-hidden": "true"},
    )


def legend_component(view: MapView) -> list[Any]:
    """Class colours, bounds and counts, notes (approximation, coverage) and the source line."""
    if view.legend is None:
        return [
            html.H2("Légende", className="panel-title"),
            html.P(view.unavailable_message or "", className="legend-note"),
        ]
    legend = view.legend
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
                        html.Span(entry.count_label, className="legend-count"),
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


def level_notice_props(view: MapView) -> dict[str, Any]:
    """The notice of an indicator absent at the level, and its button to the level where it exists."""
    suggested = view.suggested_level
    return {
        "notice_hidden": view.unavailable_message is None,
        "notice_text": view.unavailable_message or "",
        "suggest_text": f"Afficher par {LEVEL_NOUNS[suggested][0]}" if suggested else "",
        "suggest_value": suggested or "",
        "suggest_hidden": suggested is None,
    }


def map_source(store: Store, view: MapView) -> str:
    """Source line under the map: values, polygons and establishments."""
    parts = []
    if view.values is not None:
        parts.append(view.values.source_line)
    dataset_ids = {dataset_id_for(store, geometry_role(level)) for level in (view.level, LEVEL_DEPARTEMENT)}
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
    """An establishment type in the layer list: its map symbol, its name and how many there are."""
    symbol, colour = layer_style(kind, family, position)
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
    """The checklist options of one family of establishments, in the catalogue order."""
    typology = store.catalogue.get("residence_types", {})
    counts = store.residences["type"].value_counts() if "type" in store.residences else {}
    return [
        {
            "label": layer_label(kind, typology["labels"].get(kind, kind), family, position, int(counts.get(kind, 0))),
            "value": kind,
        }
        for position, kind in enumerate(typology.get(family, []))
    ]


def key_figure_item(figure: KeyFigure) -> html.Div:
    """One figure of the territory panel: label, value, detail and source."""
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


def fiche_link(summary: TerritorySummary) -> dcc.Link | None:
    """The link to the page of the territory's EPCI (the territory itself, or a commune's EPCI)."""
    if not summary.fiche_code:
        return None
    if summary.level == LEVEL_EPCI:
        text = "Ouvrir la fiche du territoire"
    else:
        text = f"Ouvrir la fiche de l'EPCI : {summary.fiche_name}"
    return dcc.Link(text, href=routes.territory_path(summary.fiche_code), className="button-link panel-fiche")


def commune_link(summary: TerritorySummary) -> dcc.Link | None:
    """At the commune level, the link to the commune's own fiche (/commune/<code Insee>)."""
    if summary.level != LEVEL_COMMUNE:
        return None
    return dcc.Link(
        "Ouvrir la fiche de la commune", href=routes.commune_path(summary.code), className="button-link panel-fiche"
    )


def panel_component(store: Store, summary: TerritorySummary | None) -> list[Any]:
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
    citation = citation_for(store, ROLE_TERRITORIES)
    territory_source = sources_line([citation]) if citation else ""
    return [
        html.H2(summary.name, className="panel-title"),
        html.P(
            [summary.kind, " — ", f"population municipale : {summary.population} habitants"], className="panel-kind"
        ),
        html.P(territory_source, className="figure-source") if territory_source else None,
        commune_link(summary),
        fiche_link(summary),
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
