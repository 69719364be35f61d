"""A trend as a small Plotly figure (plain dict): one line per territory or measure over the years, French
number format, the unit on the y axis; missing values leave a gap, never a 0."""

from __future__ import annotations

from typing import Any

from dashboard.core.formatting import NNBSP, format_number
from dashboard.trends.data import Trend
from dashboard.ui.margins import labels_width, legend_height, lines_height
from dashboard.ui.theme import FONT_FAMILY, FONT_SIZE, LEGEND_FONT_SIZE

#: Colour-blind safe (Okabe–Ito), the first the app's blue.
COLOURS = ("#000091", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#0072B2", "#999999")
TARGET_COLOUR = "#3a3a3a"
GRID_COLOUR = "#e5e5e5"
HEIGHT = 300
#: Room for the unit's title beside the value ticks (pixels).
UNIT_TITLE_ROOM = 34


def tick_labels(trend: Trend) -> list[str]:
    """The years as the axis writes them: a partial year's months on a second line."""
    return [label.replace(" (", "<br>(") for label in trend.labels]


def _trace(trend: Trend, index: int) -> dict[str, Any]:
    line = trend.lines[index]
    number = f"%{{y:,.{trend.decimals}f}}"
    trace: dict[str, Any] = {
        "type": "scatter",
        "name": line.name,
        "x": tick_labels(trend),
        "y": [None if value is None else round(value, trend.decimals + 2) for value in line.values],
        "hovertemplate": f"%{{x}} : {number} {trend.unit}<extra>{line.name}</extra>",
    }
    if line.marker_only:
        trace |= {"mode": "markers", "marker": {"symbol": "diamond", "size": 11, "color": TARGET_COLOUR}}
    else:
        colour = COLOURS[index % len(COLOURS)]
        trace |= {
            "mode": "lines+markers",
            "line": {"color": colour, "width": 2, "shape": "hv" if trend.steps else "linear"},
            "marker": {"size": 4 if trend.steps else 7, "color": colour},
        }
    return trace


SMALL_COUNT = 10


def small_counts(trend: Trend) -> bool:
    """Whether every value is a count under SMALL_COUNT (then the axis ticks every unit)."""
    values = [value for line in trend.lines for value in line.values if value is not None]
    return bool(values) and max(values) <= SMALL_COUNT


def value_labels(trend: Trend) -> list[str]:
    """The largest and smallest values as the axis would write them (their width sets the left margin)."""
    values = [value for line in trend.lines for value in line.values if value is not None]
    return [format_number(value, trend.decimals) for value in (max(values), min(values))] if values else []


def trend_margins(trend: Trend) -> dict[str, int]:
    """Margins with room for the value ticks and the unit, the years (two lines for a partial one), the legend
    below when there are several lines, and the last year's label that passes the plot's right edge."""
    legend = legend_height([line.name for line in trend.lines], LEGEND_FONT_SIZE) if len(trend.lines) > 1 else 0
    return {
        "l": labels_width(value_labels(trend), FONT_SIZE) + UNIT_TITLE_ROOM,
        "r": 18,
        "t": 14,
        "b": lines_height(tick_labels(trend), FONT_SIZE) + 10 + legend,
    }


def trend_figure(trend: Trend) -> dict[str, Any]:
    """The trend's chart: years across (a category axis: the labels say a partial year), values up (unit in the
    axis title), legend below."""
    many_years = len(trend.years) > 12
    layout = {
        "height": HEIGHT,
        "margin": trend_margins(trend),
        "xaxis": {
            "type": "category",
            "gridcolor": GRID_COLOUR,
            "automargin": True,
            "nticks": 7 if many_years else None,  # legible on half an A4 page (fiche PDF)
            "tickangle": 0,
        },
        "yaxis": {
            "title": {"text": trend.unit},
            "gridcolor": GRID_COLOUR,
            "rangemode": "tozero" if trend.from_zero else "normal",
            # Counts as whole numbers; decimals chosen by plotly, which never writes two ticks alike (a fixed
            # precision turned 100.5 and 101 into « 101, 101 »).
            "tickformat": None if trend.decimals else ",d",
            # Whole counts (establishments): never a tick between two integers (« 1, 1, 2, 2 »).
            "dtick": None if trend.decimals or not small_counts(trend) else 1,
            "automargin": True,
        },
        "showlegend": len(trend.lines) > 1,
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "font": {"size": LEGEND_FONT_SIZE}},
        "hovermode": "x unified" if len(trend.lines) > 1 else "closest",
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "font": {"family": FONT_FAMILY, "size": FONT_SIZE},
        "separators": f",{NNBSP}",
    }
    for axis in ("xaxis", "yaxis"):
        layout[axis] = {key: value for key, value in layout[axis].items() if value is not None}
    return {"data": [_trace(trend, index) for index in range(len(trend.lines))], "layout": layout}
