"""Colours of the map: class palettes (sequential, or diverging around a reference; blues by default,
viridis and cividis to choose) and the symbols of the establishment layers. ColorBrewer, viridis and
Okabe–Ito colours, safe for colour-blind readers; the layers also differ by shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dashboard.core.levels import FAMILY_RESIDENCE
from dashboard.core.values import LevelValues
from dashboard.map.classification import MAX_CLASSES, Classification

REFERENCE_AUTO = "auto"
REFERENCE_REGION = "region"
REFERENCES = {
    REFERENCE_AUTO: "Valeurs (palette séquentielle)",
    REFERENCE_REGION: "Écart à la valeur {adjective} (palette divergente)",
}


def reference_label(key: str, adjective: str) -> str:
    """The label of a colour reference, with the perimeter's adjective (« régionale », « nationale »)."""
    return REFERENCES[key].format(adjective=adjective)


#: ColorBrewer "Blues" (sequential, colour-blind safe), by number of classes.
SEQUENTIAL = {
    1: ["#6baed6"],
    2: ["#bdd7e7", "#3182bd"],
    3: ["#deebf7", "#9ecae1", "#3182bd"],
    4: ["#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"],
    5: ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"],
    6: ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"],
    7: ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"],
}
#: The two halves of ColorBrewer "RdBu" (diverging, colour-blind safe), nearest to the reference first.
DIVERGING_WARM = {
    1: ["#ef8a62"],
    2: ["#f4a582", "#ca0020"],
    3: ["#fddbc7", "#ef8a62", "#b2182b"],
    4: ["#fddbc7", "#f4a582", "#d6604d", "#b2182b"],
    5: ["#fddbc7", "#f4a582", "#d6604d", "#b2182b", "#67001f"],
    6: ["#fddbc7", "#f4a582", "#e07b62", "#d6604d", "#b2182b", "#67001f"],
    7: ["#fddbc7", "#f4a582", "#e07b62", "#d6604d", "#c13a3a", "#b2182b", "#67001f"],
}
DIVERGING_COOL = {
    1: ["#67a9cf"],
    2: ["#92c5de", "#0571b0"],
    3: ["#d1e5f0", "#67a9cf", "#2166ac"],
    4: ["#d1e5f0", "#92c5de", "#4393c3", "#2166ac"],
    5: ["#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061"],
    6: ["#d1e5f0", "#92c5de", "#67a9cf", "#4393c3", "#2166ac", "#053061"],
    7: ["#d1e5f0", "#92c5de", "#67a9cf", "#4393c3", "#3182bd", "#2166ac", "#053061"],
}
#: Viridis and cividis (sequential, readable with every colour vision and in grey), light to dark.
VIRIDIS = {
    1: ["#22908c"],
    2: ["#fde725", "#440154"],
    3: ["#fde725", "#22908c", "#440154"],
    4: ["#fde725", "#35b779", "#31688e", "#440154"],
    5: ["#fde725", "#60c860", "#22908c", "#3b518a", "#440154"],
    6: ["#fde725", "#7cd14f", "#28a883", "#2a788e", "#404286", "#440154"],
    7: ["#fde725", "#92d641", "#35b779", "#22908c", "#31688e", "#433880", "#440154"],
}
CIVIDIS = {
    1: ["#7d7c76"],
    2: ["#fee838", "#00224e"],
    3: ["#fee838", "#7d7c76", "#00224e"],
    4: ["#fee838", "#a59c74", "#575d6d", "#00224e"],
    5: ["#fee838", "#bcad6c", "#7d7c76", "#424e6c", "#00224e"],
    6: ["#fee838", "#c9b865", "#958f76", "#666971", "#33456d", "#00224e"],
    7: ["#fee838", "#d2c05f", "#a59c74", "#7d7c76", "#575d6d", "#273f6e", "#00224e"],
}
#: The two halves of ColorBrewer "PuOr" (diverging, colour-blind safe: orange and purple), nearest first.
DIVERGING_ORANGE = {
    1: ["#e08214"],
    2: ["#fdb863", "#b35806"],
    3: ["#fee0b6", "#e08214", "#7f3b08"],
    4: ["#fee0b6", "#fdb863", "#e08214", "#b35806"],
    5: ["#fee0b6", "#fdb863", "#e08214", "#b35806", "#7f3b08"],
    6: ["#fee0b6", "#fdb863", "#f0a33e", "#e08214", "#b35806", "#7f3b08"],
    7: ["#fee0b6", "#fdb863", "#f0a33e", "#e08214", "#ca6d0d", "#b35806", "#7f3b08"],
}
DIVERGING_PURPLE = {
    1: ["#8073ac"],
    2: ["#b2abd2", "#542788"],
    3: ["#d8daeb", "#8073ac", "#2d004b"],
    4: ["#d8daeb", "#b2abd2", "#8073ac", "#542788"],
    5: ["#d8daeb", "#b2abd2", "#8073ac", "#542788", "#2d004b"],
    6: ["#d8daeb", "#b2abd2", "#998fbf", "#8073ac", "#542788", "#2d004b"],
    7: ["#d8daeb", "#b2abd2", "#998fbf", "#8073ac", "#6a4d9a", "#542788", "#2d004b"],
}
DIVERGING_NEUTRAL = "#f7f7f7"


@dataclass(frozen=True)
class Palette:
    """Colours of the classes: a sequential ramp (light to dark) and the two sides of a diverging one
    (`warm`: the side of more need, `cool`: the other), each by number of classes, and the names of
    the two sides' colours (the legend says which is which)."""

    label: str
    sequential: Mapping[int, list[str]]
    warm: Mapping[int, list[str]]
    cool: Mapping[int, list[str]]
    warm_name: str = "rouge"
    cool_name: str = "bleu"


PALETTE_DEFAULT = "bleus"
#: The palettes offered on the map (URL `palette=`); the map, its legend, table and image follow the choice.
PALETTES = {
    PALETTE_DEFAULT: Palette("Bleus (écarts : rouge et bleu)", SEQUENTIAL, DIVERGING_WARM, DIVERGING_COOL),
    "viridis": Palette(
        "Viridis, lisible par tous (écarts : orange et violet)",
        VIRIDIS,
        DIVERGING_ORANGE,
        DIVERGING_PURPLE,
        "orange",
        "violet",
    ),
    "cividis": Palette(
        "Cividis, lisible par tous (écarts : orange et violet)",
        CIVIDIS,
        DIVERGING_ORANGE,
        DIVERGING_PURPLE,
        "orange",
        "violet",
    ),
}
PALETTE_LABELS = {key: palette.label for key, palette in PALETTES.items()}

#: Reserved fill of the territories without a value: map.css hatches exactly this colour.
MISSING_COLOUR = "#e6e6e6"

#: Establishment layers: symbol and colour per type (Okabe–Ito colours for the résidences sociales,
#: dark grey with distinct symbols for the hébergement family).
RESIDENCE_STYLES = {
    "generaliste": ("circle", "#D55E00"),
    "pension_de_famille": ("square", "#E69F00"),
    "residence_accueil": ("diamond", "#CC79A7"),
    "fjt": ("triangle-up", "#009E73"),
    "ftm": ("triangle-down", "#F0E442"),
}
HEBERGEMENT_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "triangle-down", "pentagon", "hexagon", "star")
HEBERGEMENT_COLOUR = "#4d4d4d"


def layer_style(kind: str, family: str, position: int) -> tuple[str, str]:
    """(symbol, colour) of an establishment type: its own for a résidence sociale, else the
    `position`-th symbol in dark grey."""
    if family == FAMILY_RESIDENCE:
        return RESIDENCE_STYLES.get(kind, ("circle", "#000000"))
    return HEBERGEMENT_SYMBOLS[position % len(HEBERGEMENT_SYMBOLS)], HEBERGEMENT_COLOUR


def sequential_colours(k: int, palette: str = PALETTE_DEFAULT) -> list[str]:
    """The sequential ramp of `palette` for `k` classes (light to dark)."""
    return list(PALETTES[palette].sequential[max(1, min(k, MAX_CLASSES))]) if k else []


def diverging_colours(
    classification: Classification, reference: float, direction: int = 0, palette: str = PALETTE_DEFAULT
) -> list[str]:
    """One colour per class around `reference`: warm on the side of more need (above the reference when
    direction is 1, below when -1 or 0), cool on the other side, neutral for a class holding the reference.

    Class 0 is [minimum, bounds[0]], class i is (bounds[i-1], bounds[i]]; a one-value class is its value.
    """
    below, above = [], []
    for i, upper in enumerate(classification.bounds):
        if classification.distinct:
            low_side, high_side = upper < reference, upper > reference
        elif i == 0:
            low_side, high_side = upper < reference, classification.minimum > reference
        else:
            low_side, high_side = upper < reference, classification.bounds[i - 1] >= reference
        if low_side:
            below.append(i)
        elif high_side:
            above.append(i)
    warm, cool = PALETTES[palette].warm, PALETTES[palette].cool
    below_side, above_side = (warm, cool) if direction <= 0 else (cool, warm)
    colours = [DIVERGING_NEUTRAL] * classification.k
    for step, i in enumerate(reversed(below)):  # nearest to the reference first
        colours[i] = below_side[len(below)][step]
    for step, i in enumerate(above):
        colours[i] = above_side[len(above)][step]
    return colours


def reference_applies(entry: Mapping[str, Any]) -> bool:
    """A comparison with the région's value makes sense for rates, not for counts."""
    rate = entry.get("method") in {"ratio", "taux_annuel"} or bool(entry.get("approximation"))
    return rate or (entry.get("unit") or "").startswith("%") or "pour 10 000" in (entry.get("unit") or "")


def palette_reference(values: LevelValues, reference: str) -> float | None:
    """The value a diverging palette is centred on, or None for a sequential palette."""
    if reference == REFERENCE_REGION and reference_applies(values.entry) and values.region_value is not None:
        return values.region_value
    if values.entry.get("method") == "taux_annuel":
        return 0.0
    return None
