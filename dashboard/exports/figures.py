"""Image exports as pure figures: a self-contained plotly figure (GeoJSON inlined, every text written in
it: title, legend, source and dates) of a map, ranking or comparison slide, for an image size.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import plotly.graph_objects as go

from dashboard.core import formatting
from dashboard.core.perimeter import app_title
from dashboard.core.store import Store
from dashboard.exports.frame import ACCENT, MARGIN, MUTED, REGION_COLOUR, TEXT, Frame, text, wrap
from dashboard.exports.map_overlay import MapOverlay, overlay_legend, point_traces
from dashboard.map.figure import BORDER_COLOUR
from dashboard.presentation.export_links import SIZE_PRINT, SIZE_PROJECTOR
from dashboard.presentation.figures import map_slide_figure, short_note
from dashboard.presentation.slides import Slide
from dashboard.presentation.specs import KIND_COMPARISON, KIND_MAP, KIND_RANKING
from dashboard.ui.components import format_date
from dashboard.ui.responses import escape
from dashboard.ui.theme import FONT_FAMILY

A4_PORTRAIT_PRINTABLE_PX = 703  # (210 - 2 × 12) mm at 96 px per inch


@dataclass(frozen=True)
class ImageSize:
    key: str
    width: int  # layout size, in CSS px
    height: int
    scale: int  # PNG pixels per layout px
    label: str

    @property
    def pixels(self) -> tuple[int, int]:
        return self.width * self.scale, self.height * self.scale


SIZES = {
    SIZE_PROJECTOR: ImageSize(SIZE_PROJECTOR, 1920, 1080, 1, "vidéoprojecteur, 1920 × 1080 pixels"),
    SIZE_PRINT: ImageSize(SIZE_PRINT, 1754, 1240, 2, "impression A4 paysage à 300 dpi, 3508 × 2480 pixels"),
}
#: Export links of a slide in the editor: (format, size, label).


def footer_lines(slide: Slide, built_at: datetime, exported_at: datetime) -> list[str]:
    return [
        slide.source_line,
        f"{slide.vintage_line} · Données construites le {format_date(built_at)} · "
        f"Image produite le {format_date(exported_at)} · {app_title(slide.region)}",
    ]


def frame_texts(
    figure: go.Figure, frame: Frame, slide: Slide, built_at: datetime, exported_at: datetime
) -> tuple[float, float]:
    """Title, subtitle and footer (source, vintage, dates); returns the body's top and bottom in px."""
    k = frame.k
    width = frame.width - 2 * MARGIN * k
    title_size, subtitle_size, footer_size = 44 * k, 24 * k, 22 * k
    title_lines = wrap(slide.title, width, title_size)[:2]
    title = "<b>" + "<br>".join(map(escape, title_lines)) + "</b>"
    text(figure, frame, title, MARGIN * k, 32 * k, title_size, color=ACCENT)
    top = 32 * k + len(title_lines) * title_size * 1.25 + 8 * k
    subtitle_lines = wrap(slide.subtitle, width, subtitle_size)[:2]
    text(figure, frame, "<br>".join(map(escape, subtitle_lines)), MARGIN * k, top, subtitle_size, color=MUTED)
    top += len(subtitle_lines) * subtitle_size * 1.3 + 24 * k
    lines = [line for text in footer_lines(slide, built_at, exported_at) for line in wrap(text, width, footer_size)]
    footer_height = len(lines) * footer_size * 1.35 + 28 * k
    text(
        figure,
        frame,
        "<br>".join(map(escape, lines)),
        MARGIN * k,
        frame.height - 24 * k,
        footer_size,
        yanchor="bottom",
        color=MUTED,
    )
    figure.add_shape(
        type="line",
        xref="paper",
        yref="paper",
        x0=frame.x(MARGIN * k),
        x1=frame.x(frame.width - MARGIN * k),
        y0=frame.y(frame.height - footer_height),
        y1=frame.y(frame.height - footer_height),
        line={"color": "#999999", "width": max(1, 1.5 * k)},
    )
    return top, frame.height - footer_height - 16 * k


def _base_layout(figure: go.Figure, frame: Frame) -> None:
    figure.update_layout(
        width=frame.width,
        height=frame.height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0, "autoexpand": False},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        showlegend=False,
        separators=",\u202f",
        font={"family": FONT_FAMILY, "color": TEXT, "size": 20 * frame.k},
    )


def map_export(
    store: Store,
    slide: Slide,
    frame: Frame,
    geometry: Mapping[str, Any],
    box: tuple[float, float],
    overlay: MapOverlay | None = None,
) -> go.Figure:
    """The map on the left two thirds, the legend (colours, bounds, counts, the overlay's layers and selected
    territory, notes) on the right, between `box` (top, bottom) in px."""
    k = frame.k
    top, bottom = box
    overlay = overlay or MapOverlay()
    figure = map_slide_figure(store, slide, geometry, overlay.selected)
    points = point_traces(store, overlay, frame)
    figure.add_traces(points)
    legend_left = frame.width * 0.66
    figure.update_geos(
        domain={"x": [frame.x(MARGIN * k), frame.x(legend_left - 24 * k)], "y": [frame.y(bottom), frame.y(top)]}
    )
    legend = slide.view.legend
    y = map_legend(figure, frame, legend, legend_left, top) if legend is not None else top
    y = overlay_legend(figure, frame, points, overlay, legend_left, y + 12 * k)
    if legend is None:
        return figure
    note_size = 16 * k
    y += 12 * k
    width = frame.width - MARGIN * k - legend_left
    for note in slide.notes:
        lines = wrap(short_note(note), width, note_size)
        if y + len(lines) * note_size * 1.35 > bottom:
            break
        text(figure, frame, "<br>".join(map(escape, lines)), legend_left, y, note_size, color=MUTED)
        y += len(lines) * note_size * 1.35 + 10 * k
    return figure


def map_legend(figure: go.Figure, frame: Frame, legend: Any, legend_left: float, top: float) -> float:
    """The map's legend, from `top` at `left`: its unit, one swatch per class (hatched for missing values)
    with its label and count; returns where the notes below it start."""
    k = frame.k
    size = 22 * k
    text(figure, frame, f"<b>{escape(legend.unit or legend.title)}</b>", legend_left, top, size)
    y = top + size * 1.8
    swatch_w, swatch_h = 44 * k, 28 * k
    for entry in legend.entries:
        swatch = {
            "xref": "paper",
            "yref": "paper",
            "x0": frame.x(legend_left),
            "x1": frame.x(legend_left + swatch_w),
            "y0": frame.y(y + swatch_h),
            "y1": frame.y(y),
        }
        figure.add_shape(
            type="rect", fillcolor=entry.colour, line={"color": BORDER_COLOUR, "width": max(1, k)}, **swatch
        )
        if entry.missing:  # the map hatches missing values; the image marks the swatch the same way
            figure.add_shape(type="line", line={"color": "#8c8c8c", "width": max(1, 2 * k)}, **swatch)
        text(
            figure,
            frame,
            f"{escape(entry.label)}  <span style='color:{MUTED}'>({escape(entry.count_label)})</span>",
            legend_left + swatch_w + 14 * k,
            y + swatch_h / 2,
            size,
            yanchor="middle",
        )
        y += swatch_h + 14 * k
    return y


def _notes(figure: go.Figure, frame: Frame, notes: Sequence[str], bottom: float) -> float:
    """Notes written upwards from `bottom`; returns the top of the first one."""
    size = 16 * frame.k
    lines = [line for note in notes for line in wrap(note, frame.width - 2 * MARGIN * frame.k, size)]
    if not lines:
        return bottom
    text(figure, frame, "<br>".join(map(escape, lines)), MARGIN * frame.k, bottom, size, yanchor="bottom", color=MUTED)
    return bottom - len(lines) * size * 1.35 - 16 * frame.k


def ranking_export(slide: Slide, frame: Frame, top: float, bottom: float) -> go.Figure:
    """Horizontal bars of the places missing given the need, rank 1 at the top, with the rank interval."""
    k = frame.k
    rows = slide.ranking
    figure = go.Figure(
        go.Bar(
            orientation="h",
            x=[max(row.shortfall, 0.0) for row in rows],
            y=[f"{formatting.ordinal(row.rank)}  {row.name}{' *' if row.missing else ''}" for row in rows],
            text=[
                f"{row.shortfall_text} places   (besoin {row.need_text}, offre {row.supply_text} ; rang {row.interval}"
                f"{' ✓' if row.solid else ''})"
                for row in rows
            ],
            textposition="outside",
            cliponaxis=False,
            marker={"color": ACCENT},
            textfont={"size": 20 * k, "color": TEXT},
        )
    )
    chart_bottom = _notes(figure, frame, slide.notes, bottom)
    figure.update_layout(
        bargap=0.3,
        xaxis={
            "domain": [0.34, 0.84],
            "range": [0, max((max(row.shortfall, 0.0) for row in rows), default=1.0) * 1.05 or 1.0],
            "title": {"text": "Places manquantes au regard du besoin (estimation)", "font": {"size": 18 * k}},
            "tickfont": {"size": 18 * k},
            "gridcolor": "#dddddd",
            "anchor": "y",
        },
        yaxis={
            "domain": [frame.y(chart_bottom - 70 * k), frame.y(top)],
            "autorange": "reversed",
            "tickfont": {"size": min(22, 360 / max(len(rows), 1)) * k + 4 * k},
            "ticksuffix": "  ",
        },
    )
    return figure


def comparison_export(slide: Slide, frame: Frame, top: float, bottom: float) -> go.Figure:
    """One panel of horizontal bars per indicator, the territories on the rows, the région as a dashed line."""
    k = frame.k
    figure = go.Figure()
    chart_bottom = _notes(figure, frame, slide.notes, bottom) - 44 * k  # room for the région labels
    count = len(slide.comparison)
    left, right, gap = 0.27, 0.98, 0.035
    width = (right - left - gap * (count - 1)) / count
    title_size = 21 * k
    titles = [
        wrap(
            row.label + (f" ({row.unit})" if row.unit else "") + (" — approximation" if row.note else ""),
            width * frame.width,
            title_size,
        )[:3]
        for row in slide.comparison
    ]
    bars_top = top + max(len(lines) for lines in titles) * title_size * 1.3 + 20 * k
    y_domain = [frame.y(chart_bottom), frame.y(bars_top)]
    for index, (row, title) in enumerate(zip(slide.comparison, titles, strict=True)):
        x0 = left + index * (width + gap)
        _comparison_bars(figure, frame, slide, row, index, (x0, x0 + width), y_domain)
        text(figure, frame, "<b>" + "<br>".join(map(escape, title)) + "</b>", x0 * frame.width, top, title_size)
        if row.region_value is not None:
            _region_line(figure, frame, slide, row, index, y_domain)
    return figure


def _comparison_bars(
    figure: go.Figure,
    frame: Frame,
    slide: Slide,
    row: Any,
    index: int,
    x_domain: tuple[float, float],
    y_domain: list[float],
) -> None:
    """The bars of one indicator, on axes x<n>, y<n> (n = index + 1, none for the first)."""
    k = frame.k
    suffix = "" if index == 0 else str(index + 1)
    figure.add_trace(
        go.Bar(
            orientation="h",
            x=[value if value is not None else 0 for value in row.values],
            y=list(slide.territories),
            text=list(row.texts),
            textposition="auto",
            marker={"color": ACCENT},
            textfont={"size": 20 * k},
            insidetextfont={"color": "#ffffff"},
            outsidetextfont={"color": TEXT},
            cliponaxis=False,
            xaxis=f"x{suffix}",
            yaxis=f"y{suffix}",
        )
    )
    known = [value for value in [*row.values, row.region_value] if value is not None]
    upper = max(known) * 1.12 if known and max(known) > 0 else 1
    figure.update_layout(
        {
            f"xaxis{suffix}": {
                "domain": list(x_domain),
                "range": [0, upper],
                "anchor": f"y{suffix}",
                "showticklabels": False,
                "showgrid": False,
                "zeroline": True,
                "zerolinecolor": "#161616",
            },
            f"yaxis{suffix}": {
                "domain": y_domain,
                "anchor": f"x{suffix}",
                "autorange": "reversed",
                "showticklabels": index == 0,
                "tickfont": {"size": 21 * k},
                "ticksuffix": "  ",
            },
        }
    )


def _region_line(figure: go.Figure, frame: Frame, slide: Slide, row: Any, index: int, y_domain: list[float]) -> None:
    """The région's value of one indicator as a dashed line across its bars, labelled below them."""
    k = frame.k
    suffix = "" if index == 0 else str(index + 1)
    figure.add_shape(
        type="line",
        xref=f"x{suffix}",
        yref="paper",
        x0=row.region_value,
        x1=row.region_value,
        y0=y_domain[0],
        y1=y_domain[1],
        line={"color": REGION_COLOUR, "width": 3 * k, "dash": "dash"},
    )
    figure.add_annotation(
        text=escape(f"{slide.region} : {row.region_text}"),
        x=row.region_value,
        xref=f"x{suffix}",
        y=y_domain[0],
        yref="paper",
        yanchor="top",
        xanchor="center",
        yshift=-6 * k,
        showarrow=False,
        font={"size": 18 * k, "color": REGION_COLOUR, "family": FONT_FAMILY},
    )


def export_figure(
    store: Store,
    slide: Slide,
    size: ImageSize,
    exported_at: datetime,
    geometry: Mapping[str, Any] | None = None,
    overlay: MapOverlay | None = None,
) -> go.Figure:
    """A self-contained figure of a map, ranking or comparison slide, everything written in the image (a map
    with the `overlay` of the map page: its establishment layers and selected territory)."""
    frame = Frame(size.width, size.height)
    probe = go.Figure()
    top, bottom = frame_texts(probe, frame, slide, store.built_at, exported_at)
    kind = slide.spec.kind
    if kind == KIND_MAP:
        figure = map_export(store, slide, frame, geometry or inline_geometry(store), (top, bottom), overlay)
    elif kind == KIND_RANKING:
        figure = ranking_export(slide, frame, top, bottom)
    elif kind == KIND_COMPARISON:
        figure = comparison_export(slide, frame, top, bottom)
    else:
        raise ValueError(f"no image export for {kind!r} slides")
    for annotation in probe.layout.annotations:
        figure.add_annotation(annotation)
    for shape in probe.layout.shapes:
        figure.add_shape(shape)
    _base_layout(figure, frame)
    return figure


def inline_geometry(store: Store) -> dict[str, Any]:
    """Every level's GeoJSON as objects, for a figure rendered with no network."""
    return {level: json.loads(display.geojson) for level, display in store.display.items()}


def figure_texts(figure: go.Figure) -> str:
    """Every text written in a figure (annotations, tick labels given as categories, bar texts), for tests."""
    parts = [annotation.text or "" for annotation in figure.layout.annotations]
    for trace in figure.data:
        for name in ("text", "y"):
            values = getattr(trace, name, None)
            if values is not None and not isinstance(values, str):
                parts += [str(value) for value in values]
    return "\n".join(parts)
