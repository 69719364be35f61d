"""Dash components of the map explorer, built from what the map's pure functions compute (no callback)."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.core import catalogue, formatting, routes
from dashboard.core.catalogue import ROLE_LABEL_POINTS, dataset_id_for, geometry_role
from dashboard.core.levels import LEVEL_COMMUNE, LEVEL_DEPARTEMENT, LEVEL_EPCI, LEVEL_NOUNS
from dashboard.core.store import Store
from dashboard.map.palette import layer_style
from dashboard.map.view import MapView
from dashboard.needs import analysis as needs_store

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
    if entry.get("components"):  # an estimate: how it is computed, folded
        parts.append(
            html.Details(
                [html.Summary("Comment cette estimation est calculée"), html.P(entry["components"])],
                className="map-definition map-definition-details",
            )
        )
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
        html.P(legend_source(legend.source), className="figure-source"),
    ]


#: Longest source line the on-screen legend prints whole: a longer one (an estimate's many sources) would hide
#: the map; the legend then points to the same line, printed in full just under the map.
LEGEND_SOURCE_MAX_CHARS = 240


def legend_source(source: str) -> str:
    """The legend's source line, or where to read it when it is too long to float over the map."""
    if len(source) <= LEGEND_SOURCE_MAX_CHARS:
        return source
    return "Sources et millésimes : sous la carte."


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
    roles = [geometry_role(view.level), geometry_role(LEVEL_DEPARTEMENT), ROLE_LABEL_POINTS]  # + town names
    dataset_ids = {dataset_id_for(store, role) for role in roles}
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
