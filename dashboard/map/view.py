"""One view of the map explorer: an indicator at a level with its classes and palette, assembled from
the pure functions of the map folder (values, classification, palette, legend, figure).

No Dash callback, no request, no mutable global: the layout (`dashboard.map.layout`) renders what
`map_view` returns and `dashboard.map.callbacks` only wires it to the controls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dashboard.core.catalogue import indicator_levels
from dashboard.core.levels import LEVEL_BY
from dashboard.core.store import Store
from dashboard.core.values import LevelValues, entry_of, level_unavailable_message, level_values
from dashboard.map.classification import DEFAULT_CLASSES, SCHEME_QUANTILES, Classification, classify
from dashboard.map.figure import choropleth_values, empty_choropleth_values
from dashboard.map.legend import Legend, build_legend
from dashboard.map.palette import (
    PALETTE_DEFAULT,
    REFERENCE_AUTO,
    REFERENCE_REGION,
    diverging_colours,
    palette_reference,
    reference_applies,
    sequential_colours,
)


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


def unavailable_view(store: Store, indicator: str, level: str, entry: Mapping[str, Any], levels: list[str]) -> MapView:
    """The view of an indicator that has no value at this level: all grey, and where it exists."""
    return MapView(
        indicator=indicator,
        level=level,
        entry=entry,
        values=None,
        classification=None,
        colours=(),
        legend=None,
        trace_values=empty_choropleth_values(store, level, "Indicateur non calculé à ce niveau"),
        unavailable_message=level_unavailable_message(entry, level, levels),
        suggested_level=levels[0] if levels else None,
    )


def map_view(
    store: Store,
    indicator: str,
    level: str,
    scheme: str = SCHEME_QUANTILES,
    k: int = DEFAULT_CLASSES,
    reference: str = REFERENCE_AUTO,
    computed: LevelValues | None = None,
    palette: str = PALETTE_DEFAULT,
) -> MapView:
    """`computed`: values that are not in the store (the needs score), mapped at their level only;
    `palette`: a key of `dashboard.map.palette.PALETTES`."""
    entry = entry_of(store, indicator)
    levels = indicator_levels(store, indicator)
    if computed is not None:  # needs score (dashboard.needs.model): exists at its own level only
        entry, levels = computed.entry, [computed.level]
    if level not in levels:
        return unavailable_view(store, indicator, level, entry, levels)
    values = computed if computed is not None else level_values(store, indicator, level)
    classification = classify(values.values, scheme, k)
    centre = palette_reference(values, reference)
    if centre is None:
        colours = sequential_colours(classification.k, palette)
    else:
        colours = diverging_colours(classification, centre, int(entry.get("direction") or 0), palette)
    ignored = reference == REFERENCE_REGION and not reference_applies(entry)
    return MapView(
        indicator=indicator,
        level=level,
        entry=entry,
        values=values,
        classification=classification,
        colours=tuple(colours),
        legend=build_legend(values, classification, colours, centre, ignored, palette),
        trace_values=choropleth_values(values, classification, colours),
        unavailable_message=None,
        suggested_level=None,
    )
