"""Dash builders shared by /classement, the fiche and /sources for the needs analysis: the need × supply
chart with its quadrants, the contributions of the need index, the gap by family, the places computation
and the method section. No callback here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from dash import html

from dashboard.content import typo
from dashboard.core import formatting, routes
from dashboard.core.store import Store
from dashboard.map import view as maps
from dashboard.needs import model as needs
from dashboard.needs.analysis import (
    LEVEL_EPCI,
    SCORE_INDICATOR,
    SCORE_LABEL,
    SCORE_UNIT,
    Analysis,
    NeedsInputs,
    Parameters,
    Supply,
    masked_values,
    needs_inputs,
)
from dashboard.needs.arguments import places_text
from dashboard.needs.state import INDEX_PARAMS, NeedsState, format_weight, serialise_needs

COMPONENT_COLOURS = ("#000091", "#6a6af4", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#D55E00", "#0072B2")
COMPONENT_COLOURS += ("#999999", "#F0E442", "#882255", "#44AA99", "#117733", "#AA4499")
PRIORITY_COLOUR = "#000091"
OTHER_COLOUR = "#9a9ab8"
HIGHLIGHT_COLOUR = "#D55E00"
GRID_COLOUR = "#e5e5e5"
QUADRANTS = {
    "priorite": "Besoin au-dessus de la moyenne, offre sous la référence : priorité",
    "besoin_offre": "Besoin au-dessus de la moyenne, offre au-dessus de la référence",
    "faible_faible": "Besoin sous la moyenne, offre sous la référence",
    "faible_offre": "Besoin sous la moyenne, offre au-dessus de la référence",
}


def graph_config() -> dict[str, Any]:
    return {
        "displaylogo": False,
        "modeBarButtons": [["toImage"]],
        "locale": "fr-carte",
        "toImageButtonOptions": {"format": "png", "scale": 2},
    }


def table(caption: str | None, head: Sequence[str], rows: list, numeric: Sequence[int] = ()) -> html.Div:
    header = html.Tr(
        [html.Th(label, scope="col", className="cell-number" if i in numeric else None) for i, label in enumerate(head)]
    )
    return html.Div(
        html.Table(
            [html.Caption(caption) if caption else None, html.Thead(header), html.Tbody(rows)],
            className="data-table",
        ),
        className="table-scroll",
    )


def number(value: float | None, decimals: int = 1) -> str:
    return formatting.format_number(value, decimals) if value is not None and np.isfinite(value) else "–"


def signed_places(value: float) -> str:
    """« +85 », « −40 », « 0 » (rounded to 5 places)."""
    if not np.isfinite(value):
        return "–"
    rounded = needs.round_places(value)
    text = formatting.format_number(abs(rounded))
    return f"+{text}" if rounded > 0 else (f"−{text}" if rounded < 0 else "0")


def quadrant(analysis: Analysis, code: str) -> str | None:
    """The quadrant of the need × supply chart a territory falls in."""
    row = analysis.table.loc[code]
    reference = analysis.reference.total
    if not np.isfinite(row["need"]) or reference is None or not np.isfinite(row["supply_rate"]):
        return None
    high_need = row["need"] > analysis.mean_need
    low_supply = row["supply_rate"] < reference
    if high_need:
        return "priorite" if low_supply else "besoin_offre"
    return "faible_faible" if low_supply else "faible_offre"


# --- Figures ------------------------------------------------------------------------------------------------


def need_supply_figure(
    analysis: Analysis, labelled: Sequence[str] = (), highlight: str | None = None, height: int = 460
) -> dict[str, Any]:
    """Need index (y) against supply in places per 10,000 (x), one point per EPCI, quadrants at the
    population-weighted mean need and at the reference rate. The `labelled` EPCI are marked with their rank,
    the highlighted one with its name. A plain figure dict."""
    frame = analysis.table.join(analysis.inputs.territories[["name", "population"]])
    frame = frame[np.isfinite(frame["need"]) & np.isfinite(frame["supply_rate"])]
    size = np.clip(np.sqrt(frame["population"].astype(float)) / 40, 6, 30)
    labelled = [code for code in labelled if code in frame.index]
    reference = analysis.reference.total
    groups = (
        ("Autres EPCI", [code for code in frame.index if code not in labelled and code != highlight], OTHER_COLOUR),
        (
            f"{len(labelled)} premiers du classement (numéro = rang)",
            [code for code in labelled if code != highlight],
            PRIORITY_COLOUR,
        ),
        ("Ce territoire", [highlight] if highlight in frame.index else [], HIGHLIGHT_COLOUR),
    )
    data = []
    for name, codes, colour in groups:
        if not codes:
            continue
        part = frame.loc[codes]
        show_text = name != "Autres EPCI"
        texts = (
            part["name"].astype(str)
            if name == "Ce territoire"
            else part["rank"].map(lambda rank: formatting.format_number(rank) if np.isfinite(rank) else "")
        )
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text" if show_text else "markers",
                "name": name,
                "x": part["supply_rate"].round(2).tolist(),
                "y": part["need"].round(1).tolist(),
                "text": texts.tolist() if show_text else None,
                "textposition": "middle right",
                "textfont": {"size": 12, "color": colour},
                "customdata": np.column_stack(
                    [part["name"].astype(str), part["shortfall_places"].map(signed_places)]
                ).tolist(),
                "marker": {
                    "size": size.loc[codes].round(1).tolist(),
                    "color": colour,
                    "opacity": 0.85 if show_text else 0.55,
                    "line": {"width": 1, "color": "#ffffff"},
                },
                "hovertemplate": "<b>%{customdata[0]}</b><br>Indice de besoin : %{y:.0f} sur 100<br>"
                "Offre : %{x:.1f} places pour 10 000 hab.<br>Manque au regard du besoin : %{customdata[1]} places"
                "<extra></extra>",
            }
        )
    x_max = supply_axis_end(analysis)
    y_values = frame["need"] if len(frame) else pd.Series([0, 100])
    y_range = [max(0.0, float(y_values.min()) - 5), min(100.0, float(y_values.max()) + 6)]
    shapes = [
        {
            "type": "line",
            "x0": 0,
            "x1": x_max,
            "y0": analysis.mean_need,
            "y1": analysis.mean_need,
            "line": {"color": "#3a3a3a", "width": 1, "dash": "dash"},
        }
    ]
    if reference is not None:
        shapes.append(
            {
                "type": "line",
                "x0": reference,
                "x1": reference,
                "y0": y_range[0],
                "y1": y_range[1],
                "line": {"color": "#3a3a3a", "width": 1, "dash": "dash"},
            }
        )
        shapes.insert(
            0,
            {
                "type": "rect",
                "x0": 0,
                "x1": reference,
                "y0": analysis.mean_need,
                "y1": y_range[1],
                "fillcolor": "#fdf1e6",
                "line": {"width": 0},
                "layer": "below",
            },
        )
    corners = (
        ("priorite", 0.01, 0.99, "left", "top"),
        ("besoin_offre", 0.99, 0.99, "right", "top"),
        ("faible_faible", 0.12, 0.01, "left", "bottom"),
        ("faible_offre", 0.99, 0.01, "right", "bottom"),
    )
    annotations = [
        {
            "xref": "paper",
            "yref": "paper",
            "x": x,
            "y": y,
            "xanchor": xanchor,
            "yanchor": yanchor,
            "text": QUADRANTS[key].replace(", ", ",<br>").replace(" : ", " :<br>"),
            "showarrow": False,
            "align": xanchor,
            "font": {"size": 11, "color": "#6b4200" if key == "priorite" else "#555555"},
        }
        for key, x, y, xanchor, yanchor in corners
        if reference is not None
    ]
    layout = {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 70},
        "xaxis": {
            "title": {"text": "Offre de résidences sociales (places estimées pour 10 000 habitants)", "standoff": 8},
            "range": [-0.5, x_max],
            "gridcolor": GRID_COLOUR,
            "zeroline": False,
        },
        "yaxis": {
            "title": {"text": "Indice de besoin (sur 100)"},
            "range": y_range,
            "gridcolor": GRID_COLOUR,
            "automargin": True,
        },
        "shapes": shapes,
        "annotations": annotations,
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0, "font": {"size": 12}},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "font": {"family": maps.FONT_FAMILY, "size": 13},
        "separators": ", ",
    }
    return {"data": data, "layout": layout}


def supply_axis_end(analysis: Analysis) -> float:
    """End of the supply axis: an outlier would squeeze every other EPCI against the axis (named in the caption)."""
    supply = analysis.table["supply_rate"].dropna()
    usual = float(supply.quantile(0.95)) if len(supply) else 0.0
    return max(usual * 1.3, (analysis.reference.total or 0) * 2, 10.0)


def need_supply_caption(analysis: Analysis) -> str:
    reference = analysis.reference
    end = supply_axis_end(analysis)
    table = analysis.table.join(analysis.inputs.territories["name"])
    outside = table[table["supply_rate"] > end]
    beyond = (
        " Hors du cadre, à droite : "
        + " ; ".join(
            f"{row['name']} ({formatting.format_number(row['supply_rate'], 1)} places pour 10 000 habitants, indice "
            f"{formatting.format_number(row['need'], 0)})"
            for _, row in outside.iterrows()
        )
        + "."
        if len(outside)
        else ""
    )
    return typo(
        f"Chaque point est un EPCI (taille selon la population). Ligne verticale : {reference.label} ; ligne "
        f"horizontale : indice de besoin moyen de la région pondéré par la population "
        f"({formatting.format_number(analysis.mean_need, 0)}). En haut à gauche, les territoires au besoin au-dessus "
        f"de la moyenne et à l'offre sous la référence. Offre et indice sont des estimations.{beyond}"
    )


def swatch(colour: str) -> html.Span:
    return html.Span(className="component-swatch", style={"backgroundColor": colour}, **{"aria-hidden": "true"})


def component_colours(chosen: Sequence[needs.Component]) -> dict[str, str]:
    order = [candidate.indicator for candidate in needs.CANDIDATES]
    return {c.indicator: COMPONENT_COLOURS[order.index(c.indicator) % len(COMPONENT_COLOURS)] for c in chosen}


def contribution_figure(
    analysis: Analysis, codes: Sequence[str], height: int | None = None, legend: bool = True
) -> dict[str, Any]:
    """Stacked horizontal bars: each EPCI's need index split into the contributions of its indicators (without
    `legend`, the page names the colours beside the chart)."""
    colours = component_colours(analysis.components)
    names = analysis.inputs.territories["name"].reindex(codes).astype(str).tolist()
    data = []
    for component in analysis.components:
        values = analysis.index.contributions[component.indicator].reindex(codes).round(1)
        label = analysis.inputs.label(component.indicator)
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": names,
                "x": [None if not np.isfinite(value) else float(value) for value in values],
                "name": label,
                "marker": {"color": colours[component.indicator]},
                "hovertemplate": "%{y}<br>" + label + " : %{x:.1f} points<extra></extra>",
            }
        )
    layout = {
        "barmode": "stack",
        "height": height or max(260, 26 * len(codes) + 200),
        "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
        "xaxis": {"title": {"text": "Indice de besoin (points sur 100)"}, "range": [0, 100], "gridcolor": GRID_COLOUR},
        "yaxis": {"autorange": "reversed", "automargin": True},
        "showlegend": legend,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "font": {"size": 12}},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "font": {"family": maps.FONT_FAMILY, "size": 13},
        "separators": ", ",
    }
    return {"data": data, "layout": layout}


# --- Tables -------------------------------------------------------------------------------------------------


def places_computation_table(supply: Supply) -> html.Div:
    """DREES places ÷ FINESS establishments of the same types, per family, and the spread."""
    rows = [
        html.Tr(
            [
                html.Th(family.label, scope="row"),
                html.Td(typo(f"{family.figure_label} (fin 2021)")),
                html.Td(formatting.format_number(family.places), className="cell-number"),
                html.Td(", ".join(family.type_labels)),
                html.Td(formatting.format_number(family.establishments), className="cell-number"),
                html.Td(number(family.per_establishment), className="cell-number"),
            ]
        )
        for family in supply.families
    ]
    return table(
        f"Places par établissement (estimation) : places publiées par la DREES pour la région ÷ établissements "
        f"recensés dans FINESS, mêmes types ({supply.region_name})",
        ["Famille", "Chiffre DREES", "Places", "Types FINESS", "Établissements", "Places par établissement"],
        rows,
        numeric=(2, 4, 5),
    )


def spread_text(supply: Supply) -> str:
    if not supply.spread:
        return "Fourchette non calculable (moins de deux familles avec des places publiées)."
    return typo(
        f"Dispersion des tailles : les moyennes par famille vont de "
        f"{number(min(f.per_establishment for f in supply.families))} à "
        f"{number(max(f.per_establishment for f in supply.families))} places par établissement ; leur écart type "
        f"pondéré vaut {formatting.format_percent(supply.spread)} de la moyenne. Faute de capacités publiées par "
        f"établissement, chaque fourchette refait le calcul avec des tailles d'établissement multipliées par "
        f"{number(1 - supply.spread, 2)} et {number(1 + supply.spread, 2)}."
    )


def approximate_places(places: float) -> str:
    """« ≈ 2 055 » (rounded to 5), « 0 » when there is no establishment."""
    if not np.isfinite(places):
        return "–"
    return "0" if places == 0 else f"≈ {formatting.format_number(needs.round_places(places))}"


def gap_with_range(gap: float, low: float, high: float) -> list:
    """« +10 » and, below it, « +5 à +15 »."""
    return [signed_places(gap), html.Span(f"{signed_places(low)} à {signed_places(high)}", className="cell-detail")]


def family_gap_table(analysis: Analysis, code: str) -> html.Div:
    """Per family: establishments, estimated places, per 10,000, reference, gap (rounded to 5) and its range."""
    population = float(analysis.inputs.territories.at[code, "population"])
    rows = []
    for family in analysis.inputs.supply.families:
        places = float(analysis.inputs.supply_places.at[code, family.key])
        count = places / family.per_establishment if family.per_establishment else float("nan")
        gap = analysis.family_gaps.get(family.key)
        rows.append(
            html.Tr(
                [
                    html.Th(family.label, scope="row"),
                    html.Td(number(count, 0), className="cell-number"),
                    html.Td(approximate_places(places), className="cell-number"),
                    html.Td(number(places / population * 10_000), className="cell-number"),
                    html.Td(
                        number(analysis.reference.per_family.get(family.key, float("nan"))), className="cell-number"
                    ),
                    html.Td(
                        gap_with_range(gap.at[code, "gap"], gap.at[code, "low"], gap.at[code, "high"])
                        if gap is not None
                        else "–",
                        className="cell-number",
                    ),
                ]
            )
        )
    row = analysis.table.loc[code]
    rows.append(
        html.Tr(
            [
                html.Th("Ensemble", scope="row"),
                html.Td(""),
                html.Td(approximate_places(row["supply_places"]), className="cell-number"),
                html.Td(number(row["supply_rate"]), className="cell-number"),
                html.Td(number(analysis.reference.total), className="cell-number"),
                html.Td(gap_with_range(row["gap_places"], row["gap_low"], row["gap_high"]), className="cell-number"),
            ],
            className="row-total",
        )
    )
    return table(
        typo(
            f"Offre en places et écart au {analysis.reference.label} par famille (estimations ; écarts arrondis à "
            f"5 places, + = places manquantes, − = offre au-dessus de la référence ; fourchette en dessous)"
        ),
        [
            "Famille",
            "Établissements",
            "Places estimées",
            "Pour 10 000 hab.",
            "Référence pour 10 000 hab.",
            "Écart (places)",
        ],
        rows,
        numeric=(1, 2, 3, 4, 5),
    )


def top_explanation(analysis: Analysis, code: str) -> str | None:
    """Why a territory of the top 10 is there although it is not in the priority quadrant (or None)."""
    row = analysis.table.loc[code]
    if not (np.isfinite(row["rank"]) and row["rank"] <= needs.TOP):
        return None
    name = analysis.reference.label.split(" (")[0]
    expected = formatting.format_number(row["expected_rate"], 1)
    need = f"{formatting.format_number(row['need'], 0)}, moyenne régionale {formatting.format_number(analysis.mean_need, 0)}"
    if needs.round_places(row["gap_places"]) < 0:
        return typo(
            f"Au {name}, son offre dépasse la référence ({places_text(row['gap_places'])} de plus) ; mais son indice "
            f"de besoin ({need}) porte l'offre attendue à {expected} places pour 10 000 habitants."
        )
    if row["need"] <= analysis.mean_need:
        population = formatting.format_number(analysis.inputs.territories.at[code, "population"])
        return typo(
            f"Besoin sous la moyenne ({need}), mais {formatting.format_number(row['supply_rate'], 1)} place(s) pour "
            f"10 000 habitants pour {population} habitants : même ajustée à ce besoin, l'offre attendue "
            f"({expected} pour 10 000) laisse {places_text(row['shortfall_places'])} manquantes."
        )
    return None


def robustness_cell(row: Mapping[str, float], count: int) -> str:
    """Short reading of the rank interval for a table cell."""
    if not np.isfinite(row["rank"]):
        return "non classé"
    share = row.get("top_share")
    if share and share > 0:
        return f"top {needs.TOP} : {formatting.format_percent(share)} des tirages"
    if row["rank_high"] - row["rank_low"] <= max(3, count // 20):
        return "rang stable"
    return "rang sensible aux réglages"


def gap_cell(row: Mapping[str, float]) -> html.Span:
    """« +220 (140 à 300) »."""
    if not np.isfinite(row["gap_places"]):
        return html.Span("–")
    return html.Span(
        [
            signed_places(row["gap_places"]),
            html.Span(
                f" {signed_places(row['gap_low'])} à {signed_places(row['gap_high'])}",
                className="cell-detail",
            ),
        ]
    )


# --- The need index on the map ------------------------------------------------------------------------------


def index_entry(inputs: NeedsInputs, parameters: Parameters) -> dict:
    """A catalogue-like entry for the need index pseudo-indicator (map explorer, slides)."""
    chosen = needs.components(dict(parameters.weights), inputs.directions)
    used = [f"{inputs.label(c.indicator)} ({format_weight(c.weight)})" for c in chosen]
    state = NeedsState(weights=parameters.weights, normalisation=parameters.normalisation)
    return {
        "id": SCORE_INDICATOR,
        "label": SCORE_LABEL,
        "unit": SCORE_UNIT,
        "direction": 1,
        "method": "score",
        "theme": "besoins",
        "definition": (
            "Estimation : moyenne pondérée d'indicateurs de la demande, rangés entre 0 et 1 parmi les EPCI de la "
            "région et orientés dans le sens du besoin (100 = besoin le plus marqué). L'offre existante n'y entre "
            "pas. Indicateurs (poids) : " + ", ".join(used) + "."
        ),
        "note": "Calculé par EPCI seulement, avec les poids de l'adresse ; une valeur manquante ou couvrant moins de "
        "80 % de la population est écartée (voir la fiche du territoire). Réglages sur la page Classement.",
        "levels": [LEVEL_EPCI],
        "settings_href": routes.RANKING + f"{serialise_needs(state, only=INDEX_PARAMS)}",
    }


def index_level_values(store: Store, parameters: Parameters) -> maps.LevelValues:
    """The need index as map values (maps.LevelValues) of the EPCI level, in the GeoJSON's feature order."""
    inputs = needs_inputs(store)
    chosen = needs.components(dict(parameters.weights), inputs.directions)
    if chosen:
        masked = masked_values(inputs, chosen, parameters.include_partial)
        keys = [component.indicator for component in chosen]
        values = inputs.values.copy()
        values[keys] = values[keys].mask(masked)
        index = needs.need_index(values, chosen, parameters.normalisation).value
    else:
        index = pd.Series(np.nan, index=inputs.values.index)
    sources = sorted({inputs.sources[c.indicator] for c in chosen if inputs.sources.get(c.indicator)})
    values_array = index.to_numpy(dtype=float)
    return maps.LevelValues(
        level=LEVEL_EPCI,
        entry=index_entry(inputs, parameters),
        codes=list(inputs.territories.index),
        names=inputs.territories["name"].astype(str).tolist(),
        values=values_array,
        coverage=np.ones(len(values_array)),
        ranks=maps.ranks_of(values_array),
        source="estimation à partir de " + " ; ".join(sources) if sources else "estimation",
        vintage="",
        region_value=None,
        region_coverage=None,
    )
