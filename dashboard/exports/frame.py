"""The frame of an image export: pixel ↔ paper coordinates, colours, margins, wrapped text written as plotly
annotations (pure functions, shared by the export figures)."""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from dashboard.ui.theme import FONT_FAMILY

TEXT = "#161616"
MUTED = "#3a3a3a"
ACCENT = "#000091"
REGION_COLOUR = "#b34000"
MARGIN = 48


def slug(text: str, limit: int = 60) -> str:
    """ASCII file-name part: « Taux de pauvreté par EPCI » → « taux-de-pauvrete-par-epci »."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(char.lower() if char.isalnum() else " " for char in ascii_text).split()
    return "-".join(words)[:limit].strip("-") or "export"


def wrap(text: str, width_px: float, font_px: float) -> list[str]:
    """Lines of `text` that fit in `width_px` at `font_px` (average glyph ≈ 0.53 em)."""
    chars = max(20, int(width_px / (font_px * 0.53)))
    return textwrap.wrap(text, chars, break_long_words=False) or [""]


@dataclass(frozen=True)
class Frame:
    """Pixel ↔ paper coordinates of an export of `width` × `height` (y measured from the top)."""

    width: int
    height: int

    @property
    def k(self) -> float:
        """Font scale: 1 at 1920 px wide."""
        return self.width / 1920

    def x(self, px: float) -> float:
        return px / self.width

    def y(self, px_from_top: float) -> float:
        return 1 - px_from_top / self.height


def text(figure: go.Figure, frame: Frame, content: str, left: float, top: float, size: float, **style: Any) -> None:
    figure.add_annotation(
        text=content,
        x=frame.x(left),
        y=frame.y(top),
        xref="paper",
        yref="paper",
        xanchor=style.pop("xanchor", "left"),
        yanchor=style.pop("yanchor", "top"),
        showarrow=False,
        align=style.pop("align", "left"),
        font={"size": size, "color": style.pop("color", TEXT), "family": FONT_FAMILY},
        **style,
    )
