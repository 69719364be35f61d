"""Filtered views of the tables page: the territories table and the establishments list.

Pure functions of the store and of a `TableState` (no Dash, no Flask): the page shows `territory_view` /
`residence_view`, and the download route writes the same view (see `dashboard.tables.formats`), so a file
is exactly what the page shows. One column per indicator, its unit in the header; a missing value stays
empty (never 0); approximations are flagged in the header (« approximation ») and an indicator whose values
cover only part of the population gets a coverage column (`couverture_<indicator>`, in % of the population).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from dashboard.core.store import Store
from dashboard.tables import provenance
from dashboard.tables.columns import Column
from dashboard.tables.indicators import (
    indicator_citations,
    indicator_specs,
    is_approximation,
    partially_covered,
    territories_in_region,
    territory_names,
)
from dashboard.tables.state import (
    BASE_COLUMNS,
    COVERAGE_PREFIX,
    RESIDENCE_COLUMNS,
    TAB_RESIDENCES,
    Sort,
    TableState,
)

COUNT_METHODS = frozenset({"somme"})
INTEGER_UNITS = frozenset({"€ par an"})
DECIMALS = 2
COORDINATE_COLUMNS = ("longitude", "latitude")
#: Dates, as ISO text (AAAA-MM-JJ) in the frame, the grid, CSV and GeoJSON; dates in XLSX and GeoPackage.
DATE_COLUMNS = ("ouverture",)
COVERAGE_DECIMALS = 1


@dataclass(frozen=True)
class View:
    """A filtered, sorted table: `frame` has one column per `Column` id; `geometry` is aligned on its index."""

    kind: str  # "territoires" or "residences"
    level: str | None
    frame: pd.DataFrame
    columns: tuple[Column, ...]
    geometry: gpd.GeoSeries
    sources: tuple[dict[str, str], ...] = ()
    filters: tuple[tuple[str, str], ...] = ()
    total: int = 0  # rows before the filters
    layer: str = "territoires"

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def column(self, column_id: str) -> Column:
        return next(column for column in self.columns if column.id == column_id)


def indicator_kind(spec: dict[str, Any], values: pd.Series) -> tuple[str, int]:
    """Counts and euros are integers; every other indicator is a decimal at every level (one field type in a
    GIS whatever the level), shown without decimals where the level publishes whole numbers."""
    if spec.get("method") in COUNT_METHODS or spec.get("unit") in INTEGER_UNITS:
        return "integer", 0
    present = values.dropna()
    whole = bool(len(present)) and bool((present == present.round(0)).all())
    return "decimal", 0 if whole else DECIMALS


def _wide(store: Store, level: str, indicators: Sequence[str], codes: pd.Index) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and coverage of the indicators at a level, one row per code of `codes`."""
    long = store.indicators
    rows = long.loc[(long["level"] == level) & long["indicator"].isin(list(indicators))]
    values = rows.pivot(index="code", columns="indicator", values="value")
    coverage = rows.pivot(index="code", columns="indicator", values="coverage")
    values = values.reindex(index=codes, columns=list(indicators))
    coverage = coverage.reindex(index=codes, columns=list(indicators))
    return values, coverage


def as_kind(series: pd.Series, kind: str, decimals: int) -> pd.Series:
    """Values rounded to the column's kind: nullable integers, or floats with `decimals` decimals."""
    if kind == "integer":
        return series.round(0).astype("Int64")
    return series.round(decimals).astype("float64")


def sorted_like_grid(frame: pd.DataFrame, sort: Sort | None) -> pd.DataFrame:
    """Sort like AG Grid does: stable, missing values first in ascending order and last in descending."""
    if sort is None or sort.column not in frame.columns:
        return frame
    return frame.sort_values(
        sort.column, ascending=not sort.descending, na_position="last" if sort.descending else "first", kind="stable"
    )


def text_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column of a store frame (all missing when an older or partial build lacks it)."""
    if column not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="str")
    return frame[column].astype("str")


def _territory_base(store: Store, level: str, territories: gpd.GeoDataFrame) -> pd.DataFrame:
    """Codes, names and attachments of the territories of a level (the base columns)."""
    frame = pd.DataFrame(index=territories.index)
    frame[f"nom_{level}"] = text_column(territories, "name")
    frame[f"code_{level}"] = text_column(territories, "code")
    if level == "commune":
        frame["code_departement"] = text_column(territories, "departement_code")
        frame["code_epci"] = text_column(territories, "epci_code")
        frame["nom_epci"] = frame["code_epci"].map(territory_names(store, "epci")).astype("str")
    elif level == "epci":
        frame["nature"] = text_column(territories, "kind")
        frame["code_departement"] = text_column(territories, "departement_code")
    return frame


def _indicator_column(spec: dict[str, Any], indicator: str, level: str, kind: tuple[str, int], citation: Any) -> Column:
    source, vintage = citation or ("", spec.get("vintage", ""))
    return Column(
        indicator,
        spec["label"],
        spec.get("unit"),
        kind[0],
        kind[1],
        indicator=indicator,
        role="indicator",
        theme=spec.get("theme_label") or spec.get("theme"),
        approximation=is_approximation(spec, level),
        source=source,
        vintage=vintage,
        definition=spec.get("definition", ""),
    )


def _coverage_column(spec: dict[str, Any], column: Column) -> Column:
    return Column(
        f"{COVERAGE_PREFIX}{column.id}",
        f"{spec['label']} : couverture",
        "% de la population",
        "decimal",
        COVERAGE_DECIMALS,
        indicator=column.id,
        role="coverage",
        theme=column.theme,
    )


def _add_indicators(
    store: Store, level: str, indicators: Sequence[str], frame: pd.DataFrame, codes: pd.Index
) -> list[Column]:
    """Add the indicator columns (and their coverage when partial or approximated) to `frame`."""
    specs = indicator_specs(store)
    values, coverage = _wide(store, level, indicators, codes)
    partial = partially_covered(store, level, indicators)
    citations = indicator_citations(store, level)
    columns: list[Column] = []
    for indicator in indicators:
        spec = specs[indicator]
        kind = indicator_kind(spec, values[indicator])
        column = _indicator_column(spec, indicator, level, kind, citations.get(indicator))
        columns.append(column)
        frame[indicator] = as_kind(pd.Series(values[indicator].to_numpy(), index=frame.index), *kind)
        if indicator in partial or column.approximation:
            columns.append(_coverage_column(spec, column))
            shares = pd.Series(coverage[indicator].to_numpy(), index=frame.index)
            frame[columns[-1].id] = shares.mul(100).round(COVERAGE_DECIMALS)
    return columns


def _territory_rows(frame: pd.DataFrame, state: TableState) -> pd.Series:
    """The rows of the territories table kept by the state's perimeter and thresholds."""
    keep = pd.Series(True, index=frame.index)
    if state.departements:
        keep &= frame["code_departement"].isin(state.departements)
    if state.epcis and state.uses_epci_filter:
        keep &= frame["code_epci"].isin(state.epcis)
    for threshold in state.thresholds:
        if threshold.indicator not in frame:
            continue
        series = frame[threshold.indicator].astype("float64")
        if threshold.minimum is not None:
            keep &= (series >= threshold.minimum).fillna(False)
        if threshold.maximum is not None:
            keep &= (series <= threshold.maximum).fillna(False)
    return keep


def territory_view(store: Store, state: TableState) -> View:
    """The territories table of a state: base columns, indicators, coverage; filtered and sorted."""
    level = state.level
    specs = indicator_specs(store)
    indicators = [indicator for indicator in state.indicators if indicator in specs]
    territories = territories_in_region(store, level)
    frame = _territory_base(store, level, territories)
    columns = [Column(column_id, label) for column_id, label in BASE_COLUMNS[level]]
    columns += _add_indicators(store, level, indicators, frame, pd.Index(territories["code"], name="code"))
    frame = frame[[column.id for column in columns]]
    total = len(frame)
    frame = sorted_like_grid(frame.loc[_territory_rows(frame, state)], state.sort)
    geometry = gpd.GeoSeries(territories.geometry, crs=territories.crs).loc[frame.index]
    return View(
        kind="territoires",
        level=level,
        frame=frame.reset_index(drop=True),
        columns=tuple(columns),
        geometry=geometry.reset_index(drop=True),
        sources=tuple(provenance.territory_sources(store, level, columns, frame)),
        filters=tuple(provenance.territory_filters(store, state, columns, len(frame), total)),
        total=total,
        layer=f"territoires_{level}",
    )


def _residence_frame(store: Store) -> tuple[pd.DataFrame, gpd.GeoSeries]:
    """Every establishment, one column per RESIDENCE_COLUMNS id, and its geometry."""
    residences = store.residences
    frame = pd.DataFrame(index=residences.index)
    for column_id, store_column in (
        ("nom_etablissement", "name"),
        ("finess", "finess"),
        ("type", "type_label"),
        ("famille", "family_label"),
        ("code_commune", "commune_code"),
        ("nom_commune", "commune_name"),
        ("code_epci", "epci_code"),
    ):
        frame[column_id] = text_column(residences, store_column)
    frame["nom_epci"] = frame["code_epci"].map(territory_names(store, "epci")).astype("str")
    frame["code_departement"] = text_column(residences, "departement_code")
    frame["ouverture"] = text_column(residences, "opening_date")
    geometry = residences.geometry if isinstance(residences, gpd.GeoDataFrame) else gpd.GeoSeries(index=frame.index)
    points = geometry.where(geometry.geom_type == "Point")
    frame["longitude"] = points.x.round(6)
    frame["latitude"] = points.y.round(6)
    return frame, geometry


def _residence_rows(store: Store, frame: pd.DataFrame, state: TableState) -> pd.Series:
    keep = pd.Series(True, index=frame.index)
    if state.departements:
        keep &= frame["code_departement"].isin(state.departements)
    if state.epcis:
        keep &= frame["code_epci"].isin(state.epcis)
    if state.residence_types and "type" in store.residences:
        keep &= store.residences.loc[frame.index, "type"].isin(state.residence_types)
    return keep


def residence_view(store: Store, state: TableState) -> View:
    """The list of establishments (résidences sociales and hébergement) of a state, filtered and sorted."""
    frame, geometry = _residence_frame(store)
    columns = [
        Column(column_id, label, "degrés, WGS 84", "decimal", 6)
        if column_id in COORDINATE_COLUMNS
        else Column(column_id, label, kind="date" if column_id in DATE_COLUMNS else "text")
        for column_id, label in RESIDENCE_COLUMNS
    ]
    frame = frame.sort_values(["code_departement", "nom_commune", "nom_etablissement"], kind="stable")
    total = len(frame)
    frame = sorted_like_grid(frame.loc[_residence_rows(store, frame, state)], state.residence_sort)
    geometry = gpd.GeoSeries(geometry, crs=getattr(geometry, "crs", None)).loc[frame.index]
    return View(
        kind=TAB_RESIDENCES,
        level=None,
        frame=frame.reset_index(drop=True),
        columns=tuple(columns),
        geometry=geometry.reset_index(drop=True),
        sources=provenance.residence_sources(store, columns, len(frame), total),
        filters=tuple(provenance.residence_filters(store, state, columns, len(frame), total)),
        total=total,
        layer="etablissements",
    )


def view_of(store: Store, state: TableState) -> View:
    """The view of the state's tab."""
    return residence_view(store, state) if state.tab == TAB_RESIDENCES else territory_view(store, state)
