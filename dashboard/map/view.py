"""Map explorer: values per level, classification, palettes, legend, choropleth figure and table rows.

Pure functions of (store, parameters): no Dash callback, no request, no mutable global. The page
(`dashboard.pages.home`) renders what they return and `dashboard.map.callbacks` only wires them.

The figure is a plotly `geo` subplot with no basemap (`visible=False`) and no tile server; its polygons
come from GeoJSON served by the app (`geojson` is a URL, fetched once per level and cached by the
browser), so changing the indicator or the classes only sends values and colours (`choropleth_values`,
applied with a Dash `Patch`). Trace order, fixed: 0 territories, 1 département borders, 2 selected
territory outline, 3… one trace of establishments per residence type.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.core.catalogue import (
    indicator_entries,
    indicator_levels,
    label_with_unit,
    level_noun,
    normalise,
    rows_of,
)
from dashboard.core.formatting import (
    MISSING_LABEL,
    format_number,
    format_percent,
    format_value,
    ordinal,
    value_decimals,
)
from dashboard.core.levels import (
    EPCI_KINDS,
    FAMILY_HEBERGEMENT,
    FAMILY_RESIDENCE,
    LEVEL_BY,
    LEVEL_COMMUNE,
    LEVEL_DEPARTEMENT,
    LEVEL_EPCI,
    LEVEL_REGION,
)
from dashboard.core.perimeter import perimeter
from dashboard.core.store import Store

# --- Levels, schemes, palettes ------------------------------------------------------------------

SCHEME_QUANTILES = "quantiles"
SCHEME_JENKS = "seuils-naturels"
SCHEME_EQUAL = "intervalles-egaux"
SCHEMES = {
    SCHEME_QUANTILES: "Quantiles (autant de territoires par classe)",
    SCHEME_JENKS: "Seuils naturels (Jenks)",
    SCHEME_EQUAL: "Intervalles égaux",
}
MIN_CLASSES, MAX_CLASSES, DEFAULT_CLASSES = 3, 7, 5
#: Natural breaks are exact up to this many distinct values, else computed on as many order statistics.
JENKS_MAX_VALUES = 800

REFERENCE_AUTO = "auto"
REFERENCE_REGION = "region"
REFERENCES = {
    REFERENCE_AUTO: "Valeurs (palette séquentielle)",
    REFERENCE_REGION: "Écart à la valeur régionale (palette divergente)",
}

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
DIVERGING_NEUTRAL = "#f7f7f7"
#: Reserved fill of the territories without a value: map.css hatches exactly this colour.
MISSING_COLOUR = "#e6e6e6"
TRANSPARENT = "rgba(0,0,0,0)"
BORDER_COLOUR = "#1e1e1e"
SELECTION_COLOUR = "#000091"
FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

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

TRACE_TERRITORIES, TRACE_DEPARTEMENTS, TRACE_SELECTION, FIRST_RESIDENCE_TRACE = 0, 1, 2, 3
MAP_HEIGHT = 680

#: Where the polygons come from, per level (dataset ids of the catalogue).
GEOMETRY_DATASETS = {
    LEVEL_COMMUNE: "france-geojson-communes-hdf-2018",
    LEVEL_EPCI: "etalab-contours-administratifs-2024-1000m",
    LEVEL_DEPARTEMENT: "etalab-contours-administratifs-2024-1000m",
}
#: Figures shown in the side panel of a selected territory, when they exist at its level.
PANEL_INDICATORS = (
    "population",
    "taux_pauvrete",
    "revenu_median",
    "taux_chomage",
    "taux_vacance",
    "nb_residence_sociale",
    "residence_sociale_pour_10000",
    "nb_hebergement",
)


# --- Number formatting (French): dashboard.core.formatting ------------------------------------------


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


# --- Values ---------------------------------------------------------------------------


def level_unavailable_message(entry: Mapping[str, Any], level: str, levels: Sequence[str]) -> str:
    """Why the map is empty at this level, and where the indicator exists."""
    message = f"L'indicateur « {entry['label']} » n'est pas calculé {LEVEL_BY[level]}."
    if levels:
        where = " ou ".join(LEVEL_BY[other] for other in levels)
        message += f" Il existe {where} : changez de niveau pour l'afficher."
    if entry.get("note"):
        message += f" {entry['note']}"
    return message


@dataclass(frozen=True)
class LevelValues:
    """One indicator's values on the features of one level (arrays in the GeoJSON's feature order)."""

    level: str
    entry: Mapping[str, Any]
    codes: list[str]
    names: list[str]
    values: np.ndarray
    coverage: np.ndarray
    ranks: np.ndarray
    source: str
    vintage: str
    region_value: float | None
    region_coverage: float | None

    @property
    def approximation(self) -> bool:
        """Values above the commune level that are approximations (not what the source publishes)."""
        return bool(self.entry.get("approximation")) and self.level != LEVEL_COMMUNE

    @property
    def available(self) -> int:
        return int(np.isfinite(self.values).sum())

    @property
    def source_line(self) -> str:
        return source_line(self.source, self.vintage)


def source_line(source: str, vintage: str) -> str:
    """« Source : publisher, title (vintage) »; several sources joined by « ; » are « Sources »."""
    label = "Sources" if ";" in source else "Source"
    return f"{label} : {source} ({vintage})" if vintage else f"{label} : {source}"


def _first(series: pd.Series) -> str:
    present = series.dropna()
    return str(present.mode().iloc[0]) if len(present) else ""


def ranks_of(values: np.ndarray) -> np.ndarray:
    """Rank of each value in descending order (1 = highest, ties share the best rank; 0 when missing)."""
    ranks = pd.Series(values).rank(ascending=False, method="min")
    return ranks.fillna(0).astype(int).to_numpy()


def level_values(store: Store, indicator: str, level: str) -> LevelValues:
    """An indicator's values on the map features of a level (NaN where the store has no value)."""
    entry = indicator_entries(store).get(indicator, {"id": indicator, "label": indicator, "unit": ""})
    features = store.display[level].features
    rows = rows_of(store, indicator, level)
    codes = features["code"].tolist()
    values = rows["value"].reindex(codes).to_numpy(dtype=float)
    coverage = rows["coverage"].reindex(codes).to_numpy(dtype=float)
    region = rows_of(store, indicator, LEVEL_REGION)
    region_code = perimeter(store).code
    region_row = region.loc[region_code] if region_code in region.index else None
    region_value = region_coverage = None
    if region_row is not None and pd.notna(region_row["value"]):
        region_value = float(region_row["value"])
    if region_row is not None and pd.notna(region_row["coverage"]):
        region_coverage = float(region_row["coverage"])
    return LevelValues(
        level=level,
        entry=entry,
        codes=codes,
        names=features["name"].astype(str).tolist(),
        values=values,
        coverage=coverage,
        ranks=ranks_of(values),
        source=_first(rows["source"]) or _first(region["source"]),
        vintage=_first(rows["vintage"]) or _first(region["vintage"]),
        region_value=region_value,
        region_coverage=region_coverage,
    )


# --- Classification -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Classification:
    """Classes of a set of values: class i holds the values in (bounds[i-1], bounds[i]], class 0 from minimum.

    `index` gives each value's class (-1 when missing). `distinct` means one class per distinct value
    (there were no more distinct values than classes asked for).
    """

    scheme: str
    requested: int
    minimum: float | None
    bounds: tuple[float, ...]
    counts: tuple[int, ...]
    missing: int
    index: np.ndarray
    distinct: bool
    sampled: bool = False

    @property
    def k(self) -> int:
        return len(self.bounds)


def natural_breaks(values: np.ndarray, k: int, weights: np.ndarray | None = None) -> list[float]:
    """Fisher–Jenks optimal breaks (minimum within-class sum of squares) of sorted distinct `values`.

    Exact dynamic programme, vectorised over split points; `weights` are the multiplicities.
    Returns the upper bound of each class (the last one is the maximum).
    """
    x = np.asarray(values, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    n = len(x)
    k = min(k, n)
    cw = np.concatenate([[0.0], np.cumsum(w)])
    cs = np.concatenate([[0.0], np.cumsum(w * x)])
    cq = np.concatenate([[0.0], np.cumsum(w * x * x)])
    starts = np.arange(n)[:, None]  # a class covering x[m:i+1] starts at m
    ends = np.arange(n)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = cw[ends + 1] - cw[starts]
        ssd = (cq[ends + 1] - cq[starts]) - (cs[ends + 1] - cs[starts]) ** 2 / weight
    ssd = np.where(starts <= ends, np.maximum(ssd, 0.0), np.inf)
    cost = ssd[0].copy()  # cost[i]: best cost of x[0..i] in j classes
    choices = []
    for _ in range(1, k):
        previous = np.concatenate([[np.inf], cost[:-1]])  # previous[m]: x[0..m-1] in j-1 classes
        total = previous[:, None] + ssd
        best = np.argmin(total, axis=0)
        cost = total[best, np.arange(n)]
        choices.append(best)
    bounds = [x[-1]]
    end = n - 1
    for best in reversed(choices):
        start = int(best[end])
        bounds.append(x[start - 1])
        end = start - 1
    return sorted(bounds)


def _scheme_bounds(values: np.ndarray, scheme: str, k: int) -> tuple[list[float], bool]:
    with warnings.catch_warnings():  # mapclassify warns that numba (optional) is absent
        warnings.simplefilter("ignore")
        # Imported on first use: it pulls in scipy.stats (~0.8 s), which would slow the app's start.
        import mapclassify

        if scheme == SCHEME_QUANTILES:
            return list(mapclassify.Quantiles(values, k=k).bins), False
        if scheme == SCHEME_EQUAL:
            return list(mapclassify.EqualInterval(values, k=k).bins), False
    distinct, counts = np.unique(values, return_counts=True)
    if len(distinct) <= JENKS_MAX_VALUES:
        return natural_breaks(distinct, k, counts), False
    sample = np.quantile(values, np.linspace(0, 1, JENKS_MAX_VALUES), method="inverted_cdf")
    distinct, counts = np.unique(sample, return_counts=True)
    bounds = natural_breaks(distinct, k, counts)
    bounds[-1] = float(values.max())
    return bounds, True


def classify(values: Iterable[float], scheme: str = SCHEME_QUANTILES, k: int = DEFAULT_CLASSES) -> Classification:
    """Classes of `values` (NaN = missing) by quantiles, natural breaks or equal intervals.

    With no more distinct values than `k`, each distinct value is its own class; duplicate bounds
    (ties in quantiles) are merged, so there may be fewer classes than asked for.
    """
    array = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=float)
    present = np.isfinite(array)
    known = array[present]
    index = np.full(len(array), -1, dtype=int)
    if len(known) == 0:
        return Classification(scheme, k, None, (), (), len(array), index, distinct=False)
    distinct_values = np.unique(known)
    sampled = False
    if len(distinct_values) <= k:
        bounds = [float(value) for value in distinct_values]
        distinct = True
    else:
        raw, sampled = _scheme_bounds(known, scheme, k)
        bounds = sorted({float(bound) for bound in raw if bound >= distinct_values[0]})
        bounds[-1] = max(bounds[-1], float(distinct_values[-1]))
        distinct = False
    index[present] = np.searchsorted(np.asarray(bounds), known, side="left")
    counts = np.bincount(index[present], minlength=len(bounds))
    # A class left empty by the scheme (possible with equal intervals) stays, with a count of 0.
    return Classification(
        scheme=scheme,
        requested=k,
        minimum=float(distinct_values[0]),
        bounds=tuple(bounds),
        counts=tuple(int(count) for count in counts),
        missing=int((~present).sum()),
        index=index,
        distinct=distinct,
        sampled=sampled,
    )


# --- Palettes ---------------------------------------------------------------------------------------


def sequential_colours(k: int) -> list[str]:
    return list(SEQUENTIAL[max(1, min(k, MAX_CLASSES))]) if k else []


def diverging_colours(classification: Classification, reference: float, direction: int = 0) -> list[str]:
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
    warm_below = direction <= 0
    below_side = DIVERGING_WARM if warm_below else DIVERGING_COOL
    above_side = DIVERGING_COOL if warm_below else DIVERGING_WARM
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


# --- Legend -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegendEntry:
    colour: str
    label: str
    count: int
    missing: bool = False


@dataclass(frozen=True)
class Legend:
    title: str
    unit: str
    entries: tuple[LegendEntry, ...]
    notes: tuple[str, ...]
    source: str


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
    """« Ces valeurs couvrent 44 % de la population de la région » when coverage is partial."""
    share = values.region_coverage
    if share is None or share >= 0.9995:
        return None
    return (
        f"Couverture : les communes dont la valeur est connue regroupent {format_percent(share)} de la "
        "population de la région (secret statistique ou donnée absente pour les autres)."
    )


def build_legend(
    values: LevelValues,
    classification: Classification,
    colours: Sequence[str],
    reference: float | None,
    reference_ignored: bool = False,
) -> Legend:
    entry = values.entry
    labels = class_labels(classification, value_decimals(entry))
    entries = [
        LegendEntry(colour, label, count)
        for colour, label, count in zip(colours, labels, classification.counts, strict=True)
    ]
    if classification.missing:
        entries.append(LegendEntry(MISSING_COLOUR, MISSING_LABEL, classification.missing, missing=True))
    notes = []
    n = len(values.codes)
    if classification.distinct and classification.k < classification.requested and classification.k:
        notes.append(
            f"{classification.k} valeur{'s' if classification.k > 1 else ''} distincte"
            f"{'s' if classification.k > 1 else ''} seulement : une classe par valeur."
        )
    elif classification.k < classification.requested and classification.k:
        notes.append(f"{classification.k} classes seulement : plusieurs seuils étaient égaux.")
    if classification.sampled:
        notes.append(f"Seuils naturels calculés sur {format_number(JENKS_MAX_VALUES)} valeurs représentatives.")
    if reference is not None:
        notes.append(reference_note(values, reference))
    elif reference_ignored:
        notes.append("Écart à la valeur régionale sans objet pour un effectif : palette séquentielle.")
    if values.approximation:
        notes.append(f"Ces valeurs sont des approximations. {entry.get('method_label', '')}".strip())
    note = coverage_note(values)
    if note:
        notes.append(note)
    notes.append(
        f"{format_number(values.available)} {level_noun(values.level, values.available)} sur {format_number(n)} renseigné{'s' if values.available > 1 else ''}."
    )
    return Legend(
        title=entry.get("label", ""),
        unit=entry.get("unit") or "",
        entries=tuple(entries),
        notes=tuple(notes),
        source=values.source_line,
    )


def reference_note(values: LevelValues, reference: float) -> str:
    direction = int(values.entry.get("direction") or 0)
    if values.entry.get("method") == "taux_annuel" and reference == 0:
        centre = "de zéro (population stable)"
    else:
        centre = f"de la valeur régionale ({format_value(reference, values.entry)})"
    if direction > 0:
        warm = "au-dessus"
    elif direction < 0:
        warm = "en dessous"
    else:
        return f"Palette divergente : rouge en dessous {centre}, bleu au-dessus."
    cool = "en dessous" if warm == "au-dessus" else "au-dessus"
    return f"Palette divergente autour {centre} : rouge {warm} (besoin plus marqué), bleu {cool}."


# --- Choropleth -----------------------------------------------------------------------------------


def discrete_colorscale(colours: Sequence[str]) -> list[list[Any]]:
    """A stepped colorscale: z = i (0 = missing, i = class i - 1) gets colours[i] with zmin=-0.5."""
    count = len(colours)
    scale: list[list[Any]] = []
    for i, colour in enumerate(colours):
        scale += [[i / count, colour], [(i + 1) / count, colour]]
    return scale


def has_partial_coverage(values: LevelValues) -> bool:
    known = np.isfinite(values.values) & np.isfinite(values.coverage)
    return bool((values.coverage[known] < 0.9995).any())


def hover_template(values: LevelValues) -> str:
    """Hover of a territory: name, value, rank in the région, coverage, approximation, source line.

    Everything common to all territories is in the template; customdata carries the number, the rank
    and (only when coverage is partial somewhere) the coverage note.
    """
    approximation = " (approximation)" if values.approximation else ""
    coverage = "%{customdata[2]}" if has_partial_coverage(values) else ""
    return (
        "<b>%{text}</b><br>"
        f"{label_with_unit(values.entry)} : <b>%{{customdata[0]}}</b>{approximation}<br>"
        f"Rang dans la région (sur {format_number(values.available)}) : %{{customdata[1]}}"
        f"{coverage}<br><span style='font-size:11px'>{values.source_line}</span><extra></extra>"
    )


def feature_customdata(values: LevelValues) -> list[list[str]]:
    """Per feature: the number (unit in the template), its rank, and the coverage note when needed."""
    decimals = value_decimals(values.entry)
    partial = has_partial_coverage(values)
    rows = []
    for value, rank, share in zip(values.values, values.ranks, values.coverage, strict=True):
        if not math.isfinite(value):
            row = [MISSING_LABEL, "–"]
        else:
            row = [format_number(value, decimals), "1er" if rank == 1 else f"{rank:,}e".replace(",", " ")]
        if partial:
            covered = math.isfinite(value) and math.isfinite(share) and share < 0.9995
            row.append(f"<br>couvre {format_percent(share)} de la population" if covered else "")
        rows.append(row)
    return rows


def choropleth_values(values: LevelValues, classification: Classification, colours: Sequence[str]) -> dict[str, Any]:
    """The properties of the territories trace that depend on the indicator and the classes.

    The callback applies exactly these with a `Patch`; `map_figure` puts them in the full figure.
    """
    scale = [MISSING_COLOUR, *colours]
    return {
        "z": (classification.index + 1).tolist(),
        "zmin": -0.5,
        "zmax": len(scale) - 0.5,
        "colorscale": discrete_colorscale(scale),
        "customdata": feature_customdata(values),
        "hovertemplate": hover_template(values),
    }


def empty_choropleth_values(store: Store, level: str, message: str) -> dict[str, Any]:
    """All features « donnée non disponible » (the indicator does not exist at this level)."""
    count = len(store.display[level].features)
    return {
        "z": [0] * count,
        "zmin": -0.5,
        "zmax": 0.5,
        "colorscale": discrete_colorscale([MISSING_COLOUR]),
        "customdata": [[MISSING_LABEL, "–", ""]] * count,
        "hovertemplate": f"<b>%{{text}}</b><br>{message}<extra></extra>",
    }


def residence_traces(store: Store, layers: Iterable[str]) -> list[go.Scattergeo]:
    """One point trace per establishment type (résidences sociales, then hébergement), visible if in `layers`."""
    typology = store.catalogue["residence_types"]
    shown = set(layers)
    residences = store.residences
    traces = []
    for family in (FAMILY_RESIDENCE, FAMILY_HEBERGEMENT):
        for position, kind in enumerate(typology.get(family, [])):
            if family == FAMILY_RESIDENCE:
                symbol, colour = RESIDENCE_STYLES.get(kind, ("circle", "#000000"))
                size, line = 11, {"width": 1, "color": BORDER_COLOUR}
            else:
                symbol, colour = HEBERGEMENT_SYMBOLS[position % len(HEBERGEMENT_SYMBOLS)], HEBERGEMENT_COLOUR
                size, line = 8, {"width": 1, "color": "#ffffff"}
            of_type = residences[residences["type"] == kind] if "type" in residences else residences.iloc[:0]
            if "geometry" in of_type and len(of_type):
                located = of_type[of_type.geometry.notna() & ~of_type.geometry.is_empty]
                lon, lat = located.geometry.x.round(5).tolist(), located.geometry.y.round(5).tolist()
            else:
                located, lon, lat = of_type.iloc[:0], [], []
            label = typology["labels"].get(kind, kind)
            customdata = [
                [str(row.get("name", "")), str(row.get("commune_name", "")), str(row.get("finess", ""))]
                for row in located.to_dict("records")
            ]
            source = _first(located["source"]) if "source" in located and len(located) else ""
            traces.append(
                go.Scattergeo(
                    lon=lon,
                    lat=lat,
                    mode="markers",
                    name=label,
                    customdata=customdata,
                    marker={"symbol": symbol, "color": colour, "size": size, "line": line, "opacity": 0.95},
                    hovertemplate=(
                        f"<b>%{{customdata[0]}}</b><br>{label}<br>Commune : %{{customdata[1]}}<br>"
                        f"N° FINESS : %{{customdata[2]}}<br><span style='font-size:11px'>Source : {source}</span>"
                        "<extra></extra>"
                    ),
                    visible=kind in shown,
                    showlegend=False,
                )
            )
    return traces


def layer_types(store: Store) -> list[str]:
    """Establishment types in trace order (résidences sociales first)."""
    typology = store.catalogue["residence_types"]
    return [*typology.get(FAMILY_RESIDENCE, []), *typology.get(FAMILY_HEBERGEMENT, [])]


def layer_visibility(store: Store, layers: Iterable[str]) -> dict[int, bool]:
    """Trace index → visible, for every establishment layer."""
    shown = set(layers)
    return {FIRST_RESIDENCE_TRACE + i: kind in shown for i, kind in enumerate(layer_types(store))}


def selection_locations(store: Store, level: str, code: str | None) -> list[str]:
    return [code] if code and code in set(store.display[level].codes) else []


def map_bounds(store: Store, padding: float = 0.03) -> tuple[list[float], list[float]] | None:
    """Longitude and latitude ranges of the région (with `padding`), which set the map frame's shape."""
    territories = store.territories
    region = territories[territories["level"] == LEVEL_REGION]
    if region.empty or region.geometry.isna().all():
        region = territories[territories["level"] == LEVEL_DEPARTEMENT]
    if region.empty:
        return None
    west, south, east, north = (float(value) for value in region.total_bounds)
    if not all(math.isfinite(value) for value in (west, south, east, north)):
        return None
    dx, dy = (east - west) * padding, (north - south) * padding
    return [west - dx, east + dx], [south - dy, north + dy]


def map_figure(
    store: Store,
    level: str,
    geometry_url: Mapping[str, str],
    trace_values: Mapping[str, Any],
    layers: Iterable[str] = (),
    selected: str | None = None,
) -> go.Figure:
    """The full map of a level: territories, département borders, selection outline, establishments.

    `geometry_url` maps a level to the URL of its GeoJSON (`dashboard.map.callbacks.geometry_url`), so
    the figure itself carries no polygon. Only the level changes this figure's geometry.
    """
    display = store.display[level]
    territories = go.Choropleth(
        geojson=geometry_url[level],
        locations=display.codes,
        featureidkey="id",
        text=display.features["name"].astype(str).tolist(),
        showscale=False,
        marker={"line": {"width": 0.25 if level == LEVEL_COMMUNE else 0.8, "color": "#ffffff"}},
        hoverlabel={"bgcolor": "#ffffff", "bordercolor": BORDER_COLOUR},
        name="territoires",
        **trace_values,
    )
    departements = store.display[LEVEL_DEPARTEMENT]
    borders = go.Choropleth(
        geojson=geometry_url[LEVEL_DEPARTEMENT],
        locations=departements.codes,
        featureidkey="id",
        z=[0] * len(departements.codes),
        colorscale=[[0, TRANSPARENT], [1, TRANSPARENT]],
        showscale=False,
        marker={"line": {"width": 1.6, "color": BORDER_COLOUR}},
        hoverinfo="skip",
        name="départements",
    )
    selection = go.Choropleth(
        geojson=geometry_url[level],
        locations=selection_locations(store, level, selected),
        featureidkey="id",
        z=[0],
        colorscale=[[0, TRANSPARENT], [1, TRANSPARENT]],
        showscale=False,
        marker={"line": {"width": 3.5, "color": SELECTION_COLOUR}},
        hoverinfo="skip",
        name="sélection",
    )
    figure = go.Figure(data=[territories, borders, selection, *residence_traces(store, layers)])
    geo: dict[str, Any] = {"visible": False, "projection": {"type": "mercator"}, "bgcolor": "rgba(0,0,0,0)"}
    bounds = map_bounds(store)
    if bounds:  # the frame takes the région's shape; the map fills it
        geo["lonaxis"], geo["lataxis"] = {"range": bounds[0]}, {"range": bounds[1]}
    else:
        geo["fitbounds"] = "locations"
    figure.update_layout(
        geo=geo,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=MAP_HEIGHT,
        showlegend=False,
        paper_bgcolor="#ffffff",
        hoverlabel={"font": {"family": FONT_FAMILY, "size": 13}, "align": "left"},
        font={"family": FONT_FAMILY},
        uirevision=level,
        dragmode="pan",
    )
    return figure


def graph_config(topojson_url: str) -> dict[str, Any]:
    """dcc.Graph config: no plotly logo, French tooltips, a local (empty) topojson so nothing leaves the app."""
    return {
        "displaylogo": False,
        "topojsonURL": topojson_url,
        "scrollZoom": False,
        "modeBarButtons": [["zoomInGeo", "zoomOutGeo", "resetGeo", "toImage"]],
        "toImageButtonOptions": {"format": "png", "filename": "carte-residences-sociales", "scale": 2},
        "locale": "fr-carte",
        "locales": {
            "fr-carte": {
                "dictionary": {
                    "Zoom in": "Zoomer",
                    "Zoom out": "Dézoomer",
                    "Reset": "Recentrer la carte",
                    "Download plot as a PNG": "Télécharger la carte (PNG)",
                    "Download plot": "Télécharger la carte",
                    "Taking snapshot - this may take a few seconds": "Capture en cours…",
                    "Snapshot succeeded": "Capture enregistrée",
                },
                "format": {"decimal": ",", "thousands": "\u202f"},
            }
        },
    }


# --- Table --------------------------------------------------------------------------------------------

SORT_RANK = "rang"
SORT_NAME = "nom"
SORT_COLUMNS = (SORT_RANK, SORT_NAME)
TABLE_PAGE_SIZE = 100


@dataclass(frozen=True)
class TableRow:
    code: str
    name: str
    rank: str
    value: str
    class_index: int
    class_label: str
    colour: str
    note: str


@dataclass(frozen=True)
class TableView:
    rows: tuple[TableRow, ...]
    total: int
    matching: int
    page: int
    pages: int
    sort: str
    descending: bool


def table_view(
    values: LevelValues,
    classification: Classification,
    colours: Sequence[str],
    sort: str = SORT_RANK,
    descending: bool = False,
    page: int = 0,
    search: str = "",
    page_size: int = TABLE_PAGE_SIZE,
) -> TableView:
    """The rows of the accessible table: one page, filtered by name, sorted by rank or name.

    Sorting by rank ascending lists the highest values first; missing values always come last.
    """
    labels = class_labels(classification, value_decimals(values.entry))
    frame = pd.DataFrame(
        {
            "code": values.codes,
            "name": values.names,
            "value": values.values,
            "rank": values.ranks,
            "cls": classification.index,
            "coverage": values.coverage,
        }
    )
    total = len(frame)
    needle = normalise(search.strip())
    if needle:
        frame = frame[[needle in normalise(name) for name in frame["name"]]]
    missing = frame["value"].isna()
    if sort == SORT_NAME:
        frame = frame.assign(_key=[normalise(name) for name in frame["name"]])
        frame = frame.sort_values("_key", ascending=not descending, kind="stable")
    else:
        known = frame[~missing].sort_values(["rank", "name"], ascending=[not descending, True], kind="stable")
        frame = pd.concat([known, frame[missing].sort_values("name", kind="stable")])
    matching = len(frame)
    pages = max(1, math.ceil(matching / page_size))
    page = min(max(page, 0), pages - 1)
    shown = frame.iloc[page * page_size : (page + 1) * page_size]
    rows = []
    for row in shown.itertuples(index=False):
        notes = []
        if math.isfinite(row.value):
            if values.approximation:
                notes.append("approximation")
            if math.isfinite(row.coverage) and row.coverage < 0.9995:
                notes.append(f"couvre {format_percent(row.coverage)} de la population")
        rows.append(
            TableRow(
                code=row.code,
                name=row.name,
                rank=ordinal(int(row.rank)) if math.isfinite(row.value) else "–",
                value=format_value(row.value, values.entry),
                class_index=int(row.cls),
                class_label=labels[row.cls] if row.cls >= 0 else MISSING_LABEL,
                colour=colours[row.cls] if row.cls >= 0 else MISSING_COLOUR,
                note=" ; ".join(notes),
            )
        )
    return TableView(tuple(rows), total, matching, page, pages, sort, descending)


def table_data(table: TableView, classification: Classification, colours: Sequence[str], decimals: int) -> dict:
    """The table page in a compact form for the browser (the class labels and colours sent once).

    `rows`: [rank, name, value, class index (-1 = missing), note]; `classes`: [label, colour].
    """
    labels = class_labels(classification, decimals)
    return {
        "rows": [[row.rank, row.name, row.value, row.class_index, row.note] for row in table.rows],
        "classes": [[label, colour] for label, colour in zip(labels, colours, strict=True)],
        "missing": MISSING_LABEL,
    }


# --- Selected territory -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    detail: str
    source: str


@dataclass(frozen=True)
class TerritorySummary:
    level: str
    code: str
    name: str
    kind: str
    population: str
    figures: tuple[KeyFigure, ...]
    fiche_code: str | None
    fiche_name: str | None


def territory_row(store: Store, level: str, code: str) -> dict[str, Any] | None:
    features = store.display[level].features
    match = features[features["code"] == code]
    return None if match.empty else match.iloc[0].to_dict()


def indicator_figure(store: Store, indicator: str, level: str, code: str) -> KeyFigure | None:
    """One indicator of one territory: value, rank in the région, notes and source line."""
    entries = indicator_entries(store)
    entry = entries.get(indicator)
    if entry is None:
        return None
    values = level_values(store, indicator, level)
    try:
        position = values.codes.index(code)
    except ValueError:
        return None
    value = values.values[position]
    details = []
    if math.isfinite(value):
        details.append(f"{ordinal(int(values.ranks[position]))} sur {format_number(values.available)} dans la région")
        if values.approximation:
            details.append("approximation")
        share = values.coverage[position]
        if math.isfinite(share) and share < 0.9995:
            details.append(f"couvre {format_percent(share)} de la population")
        rows = rows_of(store, indicator, level)
        described = rows.at[code, "detail"] if "detail" in rows and code in rows.index else None
        if isinstance(described, str) and described:  # what the value covers, how it was estimated
            details.append(described)
    return KeyFigure(entry["label"], format_value(value, entry), " ; ".join(details), values.source_line)


def territory_summary(store: Store, level: str, code: str, indicator: str | None) -> TerritorySummary | None:
    """Key figures of a territory of the map, with the EPCI whose page (/territoire/<siren>) to link."""
    row = territory_row(store, level, code)
    if row is None:
        return None
    shown = [indicator] if indicator else []
    shown += [key for key in PANEL_INDICATORS if key not in shown]
    figures = []
    for key in shown:
        if level not in indicator_levels(store, key):
            continue
        figure = indicator_figure(store, key, level, code)
        if figure is not None:
            figures.append(figure)
    kinds = {LEVEL_EPCI: EPCI_KINDS.get(str(row.get("kind")), "EPCI"), LEVEL_COMMUNE: f"Commune ({code})"}
    kind = kinds.get(level, f"Département ({code})")
    fiche_code = fiche_name = None
    if level == LEVEL_EPCI:
        fiche_code, fiche_name = code, str(row["name"])
    elif level == LEVEL_COMMUNE and isinstance(row.get("epci_code"), str):
        epci = territory_row(store, LEVEL_EPCI, row["epci_code"])
        if epci is not None:
            fiche_code, fiche_name = row["epci_code"], str(epci["name"])
    population = row.get("population")
    return TerritorySummary(
        level=level,
        code=code,
        name=str(row["name"]),
        kind=kind,
        population=format_number(int(population)) if pd.notna(population) else MISSING_LABEL,
        figures=tuple(figures),
        fiche_code=fiche_code,
        fiche_name=fiche_name,
    )


def territory_options(
    store: Store, level: str, search: str | None, selected: str | None, limit: int = 100
) -> list[dict[str, str]]:
    """Options of the territory picker: names matching `search` (at most `limit`), the selected one first."""
    features = store.display[level].features
    options = [
        {"label": f"{name} ({code})", "value": code}
        for name, code in zip(features["name"].astype(str), features["code"], strict=True)
    ]
    options.sort(key=lambda option: normalise(option["label"]))
    needle = normalise((search or "").strip())
    matching = [option for option in options if needle in normalise(option["label"])][:limit]
    current = [option for option in options if option["value"] == selected and option not in matching]
    return current + matching


# --- One view of the map --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapView:
    """Everything the page shows for (indicator, level, classes, reference): values, classes, legend,
    the territories trace's properties, or why the indicator cannot be mapped at this level."""

    indicator: str
    level: str
    entry: Mapping[str, Any]
    values: LevelValues | None
    classification: Classification | None
    colours: tuple[str, ...]
    legend: Legend | None
    trace_values: dict[str, Any]
    unavailable_message: str | None
    suggested_level: str | None

    @property
    def heading(self) -> str:
        return f"{self.entry.get('label', self.indicator)} {LEVEL_BY[self.level]}"


def map_view(
    store: Store,
    indicator: str,
    level: str,
    scheme: str = SCHEME_QUANTILES,
    k: int = DEFAULT_CLASSES,
    reference: str = REFERENCE_AUTO,
    computed: LevelValues | None = None,
) -> MapView:
    """`computed`: values that are not in the store (the needs score), mapped at their level only."""
    entry = indicator_entries(store).get(indicator, {"id": indicator, "label": indicator, "unit": ""})
    levels = indicator_levels(store, indicator)
    if computed is not None:  # needs score (dashboard.needs.model): exists at its own level only
        entry, levels = computed.entry, [computed.level]
    if level not in levels:
        message = level_unavailable_message(entry, level, levels)
        return MapView(
            indicator,
            level,
            entry,
            None,
            None,
            (),
            None,
            empty_choropleth_values(store, level, "Indicateur non calculé à ce niveau"),
            message,
            levels[0] if levels else None,
        )
    values = computed if computed is not None else level_values(store, indicator, level)
    classification = classify(values.values, scheme, k)
    centre = palette_reference(values, reference)
    if centre is None:
        colours = sequential_colours(classification.k)
    else:
        colours = diverging_colours(classification, centre, int(entry.get("direction") or 0))
    return MapView(
        indicator=indicator,
        level=level,
        entry=entry,
        values=values,
        classification=classification,
        colours=tuple(colours),
        legend=build_legend(
            values, classification, colours, centre, reference == REFERENCE_REGION and not reference_applies(entry)
        ),
        trace_values=choropleth_values(values, classification, colours),
        unavailable_message=None,
        suggested_level=None,
    )
