"""The needs analysis's charts (plain Plotly figure dicts): need × supply with its quadrants, and the
contributions of the need index; their colours, captions and Dash graph options.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from dashboard.core import formatting
from dashboard.core.formatting import typo
from dashboard.core.perimeter import of_perimeter
from dashboard.needs import model as needs
from dashboard.needs.analysis import Analysis
from dashboard.needs.arguments import signed_places
from dashboard.ui.margins import labels_width, legend_height
from dashboard.ui.theme import FONT_FAMILY, FONT_SIZE, LEGEND_FONT_SIZE

COMPONENT_COLOURS = ("#000091", "#6a6af4", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#D55E00", "#0072B2")
COMPONENT_COLOURS += ("#999999", "#F0E442", "#882255", "#44AA99", "#117733", "#AA4499")
PRIORITY_COLOUR = "#000091"
OTHER_COLOUR = "#9a9ab8"
HIGHLIGHT_COLOUR = "#D55E00"
GRID_COLOUR = "#e5e5e5"
#: Margins of the need × supply chart (pixels): left, the need index's ticks (0 to 100) and its axis title;
#: bottom, the supply axis's ticks and title and the legend's row (dashboard.ui.margins).
NEED_SUPPLY_MARGIN = {"l": 62, "r": 10, "t": 10, "b": 108}
#: Room beside the names of the contributions chart for the axis's ticks, and the chart's width on /classement
#: at a desktop size, where its legend sits above it (pixels; dashboard.ui.margins).
NAME_TICK_ROOM = 16
CONTRIBUTIONS_WIDTH = 880
QUADRANTS = {
    "priorite": "Besoin au-dessus de la moyenne, offre sous la référence : priorité",
    "besoin_offre": "Besoin au-dessus de la moyenne, offre au-dessus de la référence",
    "faible_faible": "Besoin sous la moyenne, offre sous la référence",
    "faible_offre": "Besoin sous la moyenne, offre au-dessus de la référence",
}
#: The same positions in two words (tables where the full label would not fit).
QUADRANTS_SHORT = {
    "priorite": "priorité",
    "besoin_offre": "besoin et offre élevés",
    "faible_faible": "besoin et offre faibles",
    "faible_offre": "offre élevée, besoin faible",
}


def graph_config() -> dict[str, Any]:
    """Dash graph options: PNG export only, French locale."""
    return {
        "displaylogo": False,
        "modeBarButtons": [["toImage"]],
        "locale": "fr-carte",
        "toImageButtonOptions": {"format": "png", "scale": 2},
    }


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


OTHERS = "Autres EPCI"
THIS_TERRITORY = "Ce territoire"
#: Quadrant labels' corners on the need × supply chart: key, x, y (paper), anchors.
CORNERS = (
    ("priorite", 0.01, 0.99, "left", "top"),
    ("besoin_offre", 0.99, 0.99, "right", "top"),
    ("faible_faible", 0.12, 0.01, "left", "bottom"),
    ("faible_offre", 0.99, 0.01, "right", "bottom"),
)
DASHED = {"color": "#3a3a3a", "width": 1, "dash": "dash"}


def point_trace(part: pd.DataFrame, size: pd.Series, name: str, colour: str) -> dict[str, Any]:
    """One group of EPCIs as points; the top ones marked with their rank, the highlighted one with its name."""
    show_text = name != OTHERS
    texts = (
        part["name"].astype(str)
        if name == THIS_TERRITORY
        else part["rank"].map(lambda rank: formatting.format_number(rank) if np.isfinite(rank) else "")
    )
    return {
        "type": "scatter",
        "mode": "markers+text" if show_text else "markers",
        "name": name,
        "x": part["supply_rate"].round(2).tolist(),
        "y": part["need"].round(1).tolist(),
        "text": texts.tolist() if show_text else None,
        "textposition": "middle right",
        "textfont": {"size": 12, "color": colour},
        "customdata": np.column_stack([part["name"].astype(str), part["shortfall_places"].map(signed_places)]).tolist(),
        "marker": {
            "size": size.loc[part.index].round(1).tolist(),
            "color": colour,
            "opacity": 0.85 if show_text else 0.55,
            "line": {"width": 1, "color": "#ffffff"},
        },
        "hovertemplate": "<b>%{customdata[0]}</b><br>Indice de besoin : %{y:.0f} sur 100<br>"
        "Offre : %{x:.1f} places pour 10 000 hab.<br>Manque au regard du besoin : %{customdata[1]} places"
        "<extra></extra>",
    }


def point_traces(frame: pd.DataFrame, labelled: Sequence[str], highlight: str | None) -> list[dict[str, Any]]:
    """The other EPCIs, the `labelled` top ones and the highlighted one, each group a trace (empty ones left out)."""
    size = np.clip(np.sqrt(frame["population"].astype(float)) / 40, 6, 30)
    groups = (
        (OTHERS, [code for code in frame.index if code not in labelled and code != highlight], OTHER_COLOUR),
        (
            f"{len(labelled)} premiers du classement (numéro = rang)",
            [code for code in labelled if code != highlight],
            PRIORITY_COLOUR,
        ),
        (THIS_TERRITORY, [highlight] if highlight in frame.index else [], HIGHLIGHT_COLOUR),
    )
    return [point_trace(frame.loc[codes], size, name, colour) for name, codes, colour in groups if codes]


def quadrant_shapes(analysis: Analysis, x_max: float, y_range: list[float]) -> list[dict[str, Any]]:
    """The mean-need line and, with a reference, the reference line and the shaded priority quadrant."""
    reference, mean = analysis.reference.total, analysis.mean_need
    shapes = [{"type": "line", "x0": 0, "x1": x_max, "y0": mean, "y1": mean, "line": DASHED}]
    if reference is None:
        return shapes
    priority = {
        "type": "rect",
        "x0": 0,
        "x1": reference,
        "y0": mean,
        "y1": y_range[1],
        "fillcolor": "#fdf1e6",
        "line": {"width": 0},
        "layer": "below",
    }
    line = {"type": "line", "x0": reference, "x1": reference, "y0": y_range[0], "y1": y_range[1], "line": DASHED}
    return [priority, *shapes, line]


def quadrant_annotations(analysis: Analysis) -> list[dict[str, Any]]:
    """The name of each quadrant in its corner (none without a reference)."""
    if analysis.reference.total is None:
        return []
    return [
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
        for key, x, y, xanchor, yanchor in CORNERS
    ]


def need_supply_figure(
    analysis: Analysis, labelled: Sequence[str] = (), highlight: str | None = None, height: int = 460
) -> dict[str, Any]:
    """Need index (y) against supply in places per 10,000 (x), one point per EPCI, quadrants at the
    population-weighted mean need and at the reference rate. The `labelled` EPCI are marked with their rank,
    the highlighted one with its name. A plain figure dict."""
    frame = analysis.table.join(analysis.inputs.territories[["name", "population"]])
    frame = frame[np.isfinite(frame["need"]) & np.isfinite(frame["supply_rate"])]
    labelled = [code for code in labelled if code in frame.index]
    x_max = supply_axis_end(analysis)
    y_values = frame["need"] if len(frame) else pd.Series([0, 100])
    y_range = [max(0.0, float(y_values.min()) - 5), min(100.0, float(y_values.max()) + 6)]
    layout = {
        "height": height,
        "margin": NEED_SUPPLY_MARGIN,
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
        "shapes": quadrant_shapes(analysis, x_max, y_range),
        "annotations": quadrant_annotations(analysis),
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0, "font": {"size": LEGEND_FONT_SIZE}},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "font": {"family": FONT_FAMILY, "size": FONT_SIZE},
        "separators": ", ",
    }
    return {"data": point_traces(frame, labelled, highlight), "layout": layout}


def supply_axis_end(analysis: Analysis) -> float:
    """End of the supply axis: an outlier would squeeze every other EPCI against the axis (named in the caption)."""
    supply = analysis.table["supply_rate"].dropna()
    usual = float(supply.quantile(0.95)) if len(supply) else 0.0
    return max(usual * 1.3, (analysis.reference.total or 0) * 2, 10.0)


def need_supply_caption(analysis: Analysis) -> str:
    """What the need × supply chart shows, and the EPCIs beyond its supply axis."""
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
        f"horizontale : indice de besoin moyen {of_perimeter()} pondéré par la population "
        f"({formatting.format_number(analysis.mean_need, 0)}). En haut à gauche, les territoires au besoin au-dessus "
        f"de la moyenne et à l'offre sous la référence. Offre et indice sont des estimations.{beyond}"
    )


def component_colours(chosen: Sequence[needs.Component]) -> dict[str, str]:
    """Each chosen indicator's colour, fixed by its place among the candidates."""
    order = [candidate.indicator for candidate in needs.CANDIDATES]
    return {c.indicator: COMPONENT_COLOURS[order.index(c.indicator) % len(COMPONENT_COLOURS)] for c in chosen}


def contribution_figure(
    analysis: Analysis, codes: Sequence[str], height: int | None = None, legend: bool = True
) -> dict[str, Any]:
    """Stacked horizontal bars: each EPCI's need index split into the contributions of its indicators (without
    `legend`, the page names the colours beside the chart)."""
    colours = component_colours(analysis.components)
    names = analysis.inputs.territories["name"].reindex(codes).astype(str).tolist()
    labels = [analysis.inputs.label(component.indicator) for component in analysis.components]
    left = labels_width(names, FONT_SIZE) + NAME_TICK_ROOM
    data = []
    for component, label in zip(analysis.components, labels, strict=True):
        values = analysis.index.contributions[component.indicator].reindex(codes).round(1)
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
        "margin": {
            "l": left,
            "r": 10,
            "t": legend_height(labels, LEGEND_FONT_SIZE, CONTRIBUTIONS_WIDTH - left) if legend else 10,
            "b": 40,
        },
        "xaxis": {"title": {"text": "Indice de besoin (points sur 100)"}, "range": [0, 100], "gridcolor": GRID_COLOUR},
        "yaxis": {"autorange": "reversed", "automargin": True},
        "showlegend": legend,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "font": {"size": LEGEND_FONT_SIZE}},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "font": {"family": FONT_FAMILY, "size": FONT_SIZE},
        "separators": ", ",
    }
    return {"data": data, "layout": layout}
