"""Starting margins of a figure close to those plotly's automargin settles on.

With automargin, plotly draws a chart, measures its tick labels, titles and legend, and draws it again with the
margins they need: on a fiche, most of the time its charts kept the page from answering. A figure whose margins
already leave that room is drawn once. Automargin stays on: a label longer than estimated still gets its room,
at the cost of the second drawing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

#: Average width of a character of the app's sans-serif font, in font sizes (measured on the charts' labels).
CHAR_WIDTH_EM = 0.58
#: Height of a line of tick labels, in font sizes.
LINE_HEIGHT_EM = 1.45
#: A horizontal legend: height of a row and of its padding, room of an entry's symbol (pixels), and the width
#: it is assumed to have (a chart in a column of a fiche; a narrower chart gets its room by a second drawing).
LEGEND_ROW = 19
LEGEND_PADDING = 27
LEGEND_SYMBOL = 44
LEGEND_WIDTH = 500


def text_width(text: str, font_size: float) -> int:
    """Estimated width in pixels of `text` on one line."""
    return math.ceil(len(text) * font_size * CHAR_WIDTH_EM)


def labels_width(labels: Iterable[str], font_size: float) -> int:
    """Width of the longest of `labels` (each line of a label with `<br>` counted apart)."""
    return max((text_width(line, font_size) for label in labels for line in label.split("<br>")), default=0)


def lines_height(labels: Iterable[str], font_size: float) -> int:
    """Height of the tallest of `labels` (`<br>` starts a line)."""
    lines = max((label.count("<br>") + 1 for label in labels), default=1)
    return math.ceil(lines * font_size * LINE_HEIGHT_EM)


def legend_height(names: Iterable[str], font_size: float, width: int = LEGEND_WIDTH) -> int:
    """Height of a horizontal legend of `names` in `width` pixels: one row if they all fit, else plotly's grid of
    columns as wide as the widest entry."""
    entries = [text_width(name, font_size) + LEGEND_SYMBOL for name in names]
    rows = 1 if sum(entries) <= width else math.ceil(len(entries) / max(1, width // max(entries)))
    return rows * LEGEND_ROW + LEGEND_PADDING
