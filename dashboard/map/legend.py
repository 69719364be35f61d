"""The map's legend, built once per view: class colours, labels and counts, notes and source line.

`Legend` is the one description of the legend: the page's HTML (`dashboard.map.components`), the
slides and the exported images draw it as it is, without recomputing any text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dashboard.core.catalogue import level_noun
from dashboard.core.formatting import MISSING_LABEL, format_number, format_percent, format_value, value_decimals
from dashboard.core.levels import FEMININE_LEVELS
from dashboard.core.perimeter import of_perimeter, perimeter_adjective
from dashboard.core.values import FULL_COVERAGE, LevelValues
from dashboard.map.classification import JENKS_MAX_VALUES, Classification
from dashboard.map.palette import MISSING_COLOUR, PALETTE_DEFAULT, PALETTES


@dataclass(frozen=True)
class LegendEntry:
    """One class (or the territories without value): its colour, bounds and how many territories."""

    colour: str
    label: str
    count: int
    #: The count with its noun: « 1 EPCI », « 12 communes ».
    count_label: str
    missing: bool = False


@dataclass(frozen=True)
class Legend:
    """The indicator's label and unit, one entry per class then the missing values, notes, source line."""

    title: str
    unit: str
    entries: tuple[LegendEntry, ...]
    notes: tuple[str, ...]
    source: str


def count_label(level: str, count: int) -> str:
    """« 1 EPCI », « 12 communes »: a number of territories of a level."""
    return f"{format_number(count)} {level_noun(level, count)}"


def format_bound(value: float, decimals: int) -> str:
    """A class bound with `decimals`; zero is written 0 (not 0,00)."""
    return "0" if value == 0 else format_number(value, decimals)


def bound_decimals(bounds: Sequence[float], start: int) -> int:
    """The fewest decimals (from `start`, at most start + 3) that keep consecutive bounds distinct."""
    distinct = sorted(set(bounds))
    for decimals in range(start, start + 4):
        texts = [format_number(bound, decimals) for bound in distinct]
        if len(set(texts)) == len(texts):
            return decimals
    return start + 3


def class_labels(classification: Classification, decimals: int) -> list[str]:
    """« de 1,2 à 3,4 », « plus de 3,4 à 5,6 »… or the value itself for one-value classes."""
    if not classification.bounds:
        return []
    bounds = [classification.minimum, *classification.bounds]
    places = bound_decimals(bounds, decimals)
    if all(float(bound).is_integer() for bound in bounds):
        places = 0  # whole numbers (counts, or equal intervals on round values): 10, not 10,0

    def text(value: float) -> str:
        return format_bound(value, places)

    if classification.distinct:
        return [text(bound) for bound in classification.bounds]
    labels = []
    for i, upper in enumerate(classification.bounds):
        if i == 0:
            low = classification.minimum
            labels.append(text(upper) if low == upper else f"de {text(low)} à {text(upper)}")
        else:
            labels.append(f"plus de {text(classification.bounds[i - 1])} à {text(upper)}")
    return labels


def coverage_note(values: LevelValues) -> str | None:
    """« Ces valeurs couvrent 44 % de la population de la région » (« de France ») when coverage is partial."""
    share = values.region_coverage
    if share is None or share >= FULL_COVERAGE:
        return None
    return (
        f"Couverture : les communes dont la valeur est connue regroupent {format_percent(share)} de la "
        f"population {of_perimeter()} (secret statistique ou donnée absente pour les autres)."
    )


def legend_entries(
    values: LevelValues, classification: Classification, colours: Sequence[str]
) -> tuple[LegendEntry, ...]:
    """One entry per class, then one for the territories without value (if any)."""
    labels = class_labels(classification, value_decimals(values.entry))
    entries = [
        LegendEntry(colour, label, count, count_label(values.level, count))
        for colour, label, count in zip(colours, labels, classification.counts, strict=True)
    ]
    missing = classification.missing
    if missing:
        entries.append(LegendEntry(MISSING_COLOUR, MISSING_LABEL, missing, count_label(values.level, missing), True))
    return tuple(entries)


def classes_note(classification: Classification) -> str | None:
    """Why there are fewer classes than asked for, if there are."""
    k = classification.k
    if not k or k >= classification.requested:
        return None
    if classification.distinct:
        plural = "s" if k > 1 else ""
        return f"{k} valeur{plural} distincte{plural} seulement : une classe par valeur."
    return f"{k} classes seulement : plusieurs seuils étaient égaux."


def legend_notes(
    values: LevelValues,
    classification: Classification,
    reference: float | None,
    reference_ignored: bool,
    palette: str = PALETTE_DEFAULT,
) -> tuple[str, ...]:
    """Classes, palette, approximation and coverage notes, then how many territories have a value."""
    notes = [classes_note(classification)]
    if classification.sampled:
        notes.append(f"Seuils naturels calculés sur {format_number(JENKS_MAX_VALUES)} valeurs représentatives.")
    if reference is not None:
        notes.append(reference_note(values, reference, palette))
    elif reference_ignored:
        notes.append(f"Écart à la valeur {perimeter_adjective()} sans objet pour un effectif : palette séquentielle.")
    if values.approximation:
        notes.append(f"Ces valeurs sont des approximations. {values.entry.get('method_label', '')}".strip())
    notes.append(coverage_note(values))
    notes.append(values.entry.get("incomplete_note", ""))  # the need index: EPCIs without all its indicators
    filled = "renseigné" + ("e" if values.level in FEMININE_LEVELS else "") + ("s" if values.available > 1 else "")
    notes.append(f"{count_label(values.level, values.available)} sur {format_number(len(values.codes))} {filled}.")
    return tuple(note for note in notes if note)


def build_legend(
    values: LevelValues,
    classification: Classification,
    colours: Sequence[str],
    reference: float | None,
    reference_ignored: bool = False,
    palette: str = PALETTE_DEFAULT,
) -> Legend:
    """The legend of a view; `reference`: the centre of a diverging palette, `reference_ignored`: a
    comparison with the région was asked for a count (it does not apply)."""
    return Legend(
        title=values.entry.get("label", ""),
        unit=values.entry.get("unit") or "",
        entries=legend_entries(values, classification, colours),
        notes=legend_notes(values, classification, reference, reference_ignored, palette),
        source=values.source_line,
    )


def reference_note(values: LevelValues, reference: float, palette: str = PALETTE_DEFAULT) -> str:
    """How the diverging palette reads: its centre, and which side (named by its colour) is the side of
    more need."""
    warm_name, cool_name = PALETTES[palette].warm_name, PALETTES[palette].cool_name
    direction = int(values.entry.get("direction") or 0)
    if values.entry.get("method") == "taux_annuel" and reference == 0:
        centre = "de zéro (population stable)"
    else:
        centre = f"de la valeur {perimeter_adjective()} ({format_value(reference, values.entry)})"
    if direction > 0:
        warm = "au-dessus"
    elif direction < 0:
        warm = "en dessous"
    else:
        return f"Palette divergente : {warm_name} en dessous {centre}, {cool_name} au-dessus."
    cool = "en dessous" if warm == "au-dessus" else "au-dessus"
    return f"Palette divergente autour {centre} : {warm_name} {warm} (besoin plus marqué), {cool_name} {cool}."
