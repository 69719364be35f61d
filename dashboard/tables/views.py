"""Filtered views of the tables page and their downloads: CSV, XLSX, GeoJSON and GeoPackage.

Pure functions of the store and of a `TableState` (no Dash, no Flask): the page shows `territory_view` /
`residence_view`, and the download route writes the same view with the writers below, so a file is exactly
what the page shows. Conventions of every file:

- one column per indicator, its unit in the header; a missing value stays empty (never 0);
- the source and vintage of each indicator travel with the data: in the CSV header of its column
  (« Taux de pauvreté (%) [source : Insee, Filosofi 2021 ; millésime : Filosofi 2021] »), in the
  « Sources » sheet of the XLSX, in the `metadata` member of the GeoJSON and the `sources` table of the
  GeoPackage;
- approximations are flagged in the header (« approximation ») and explained in the sources, and an
  indicator whose values cover only part of the population gets a coverage column
  (`couverture_<indicator>`, in % of the population);
- text cells starting with =, +, -, @, a tab or a carriage return are prefixed with an apostrophe in CSV
  and XLSX (formula injection); numbers stay numbers.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
import xlsxwriter

from dashboard.core.perimeter import APP_NAME, perimeter
from dashboard.core.store import Store
from dashboard.tables.state import (
    BASE_COLUMNS,
    COVERAGE_PREFIX,
    LEVEL_COMMUNE,
    LEVEL_PLURAL,
    LEVELS,
    RESIDENCE_COLUMNS,
    TAB_RESIDENCES,
    Sort,
    TableChoices,
    TableState,
)

TERRITORIES_DATASET = "decoupage-administratif-6.0.0"
# Contours written in the GeoJSON and GeoPackage files, per level (datasets of the catalogue).
GEOMETRY_DATASETS = {
    "commune": "france-geojson-communes-hdf-2018",
    "epci": "etalab-contours-administratifs-2024-1000m",
    "departement": "etalab-contours-administratifs-2024-1000m",
}
APPROXIMATION = "approximation"
COUNT_METHODS = frozenset({"somme"})
INTEGER_UNITS = frozenset({"€ par an"})
DECIMALS = 2
COORDINATE_COLUMNS = ("longitude", "latitude")
COVERAGE_DECIMALS = 1
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

FORMAT_CSV_EXCEL = "csv-excel"
FORMAT_CSV = "csv"
FORMAT_XLSX = "xlsx"
FORMAT_GEOJSON = "geojson"
FORMAT_GPKG = "gpkg"


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: str
    extension: str
    mimetype: str
    suffix: str = ""


FORMATS = {
    FORMAT_CSV_EXCEL: ExportFormat(FORMAT_CSV_EXCEL, "CSV pour Excel (;)", "csv", "text/csv; charset=utf-8", "_excel"),
    FORMAT_CSV: ExportFormat(FORMAT_CSV, "CSV standard (,)", "csv", "text/csv; charset=utf-8"),
    FORMAT_XLSX: ExportFormat(
        FORMAT_XLSX, "Excel (XLSX)", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    FORMAT_GEOJSON: ExportFormat(FORMAT_GEOJSON, "GeoJSON", "geojson", "application/geo+json"),
    FORMAT_GPKG: ExportFormat(FORMAT_GPKG, "GeoPackage", "gpkg", "application/geopackage+sqlite3"),
}


# --- Catalogue -------------------------------------------------------------------------------------------


def indicator_specs(store: Store) -> dict[str, dict[str, Any]]:
    """Catalogue entries of the indicators present in the data, in catalogue order."""
    present = set(store.indicators["indicator"].unique())
    return {
        entry["id"]: entry
        for entry in store.catalogue.get("indicators", [])
        if entry.get("available", True) and entry["id"] in present
    }


def level_indicators(store: Store, levels: Sequence[str] = LEVELS) -> dict[str, tuple[str, ...]]:
    """Indicators with at least one value at each level (by default those of the tables page), catalogue order."""
    specs = indicator_specs(store)
    frame = store.indicators
    with_values = frame.loc[frame["value"].notna(), ["level", "indicator"]].drop_duplicates()
    by_level = with_values.groupby("level")["indicator"].agg(set).to_dict()
    return {level: tuple(i for i in specs if i in by_level.get(level, set())) for level in levels}


def _territories(store: Store, level: str) -> gpd.GeoDataFrame:
    """Territories of a level inside the région (members of straddling EPCIs excluded), by code."""
    frame = store.territories
    of_level = frame["level"] == level
    if "in_region" in frame:
        of_level &= frame["in_region"].fillna(True).astype(bool)
    return frame.loc[of_level].sort_values("code", kind="stable")


def table_choices(store: Store) -> TableChoices:
    """The valid values of the page parameters, from the store."""
    types = store.catalogue.get("residence_types", {})
    return TableChoices(
        indicators=level_indicators(store),
        departements=tuple(_territories(store, "departement")["code"]),
        epcis=tuple(_territories(store, "epci")["code"]),
        residence_types=tuple(types.get("residence_sociale", [])) + tuple(types.get("hebergement", [])),
    )


def territory_names(store: Store, level: str) -> dict[str, str]:
    territories = _territories(store, level)
    return dict(zip(territories["code"], territories["name"], strict=True))


def is_approximation(spec: dict[str, Any], level: str) -> bool:
    """Approximated indicators are published per commune and approximated above."""
    return bool(spec.get(APPROXIMATION)) and level != LEVEL_COMMUNE


def unit_header(label: str, unit: str | None, approximation: bool = False) -> str:
    """'Taux de pauvreté (%, approximation)'; a unit that repeats the label ('Ménages (ménages)') is left out."""
    if unit and unit.casefold() == label.casefold():
        unit = None
    details = [part for part in (unit, APPROXIMATION if approximation else None) if part]
    return f"{label} ({', '.join(details)})" if details else label


# --- Views -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a view: its id (GeoJSON property, grid field), French label, unit and role."""

    id: str
    label: str
    unit: str | None = None
    kind: str = "text"  # "text", "integer" or "decimal"
    decimals: int = 0
    indicator: str | None = None
    role: str = "base"  # "base", "indicator" or "coverage"
    theme: str | None = None
    approximation: bool = False
    source: str | None = None
    vintage: str | None = None
    definition: str | None = None

    @property
    def header(self) -> str:
        """Label with its unit (and « approximation »): header of the grid and of the XLSX."""
        return unit_header(self.label, self.unit, self.approximation)

    @property
    def csv_header(self) -> str:
        """The header plus source and vintage for indicator columns (CSV has no other place for them)."""
        if self.role != "indicator":
            return self.header
        return f"{self.header} [source : {self.source} ; millésime : {self.vintage}]"

    @property
    def numeric(self) -> bool:
        return self.kind != "text"


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


def _indicator_kind(spec: dict[str, Any], values: pd.Series) -> tuple[str, int]:
    """Counts, euros and indicators published as whole numbers at this level are integers."""
    present = values.dropna()
    whole = bool(len(present)) and bool((present == present.round(0)).all())
    if spec.get("method") in COUNT_METHODS or spec.get("unit") in INTEGER_UNITS or whole:
        return "integer", 0
    return "decimal", DECIMALS


def _wide(store: Store, level: str, indicators: Sequence[str], codes: pd.Index) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and coverage of the indicators at a level, one row per code of `codes`."""
    long = store.indicators
    rows = long.loc[(long["level"] == level) & long["indicator"].isin(list(indicators))]
    values = rows.pivot(index="code", columns="indicator", values="value")
    coverage = rows.pivot(index="code", columns="indicator", values="coverage")
    values = values.reindex(index=codes, columns=list(indicators))
    coverage = coverage.reindex(index=codes, columns=list(indicators))
    return values, coverage


def indicator_citations(store: Store, level: str) -> dict[str, tuple[str, str]]:
    """(source, vintage) of each indicator at a level, as written in the indicators table."""
    long = store.indicators
    rows = long.loc[long["level"] == level, ["indicator", "source", "vintage"]].drop_duplicates("indicator")
    return {row.indicator: (row.source, row.vintage) for row in rows.itertuples(index=False)}


def partially_covered(store: Store, level: str, indicators: Sequence[str]) -> set[str]:
    """Indicators with a value that covers only part of the population somewhere at this level."""
    long = store.indicators
    rows = long.loc[(long["level"] == level) & long["indicator"].isin(list(indicators)) & long["value"].notna()]
    return set(rows.loc[rows["coverage"] < 1, "indicator"].unique())


def _as_kind(series: pd.Series, kind: str, decimals: int) -> pd.Series:
    if kind == "integer":
        return series.round(0).astype("Int64")
    return series.round(decimals).astype("float64")


def _sorted(frame: pd.DataFrame, sort: Sort | None) -> pd.DataFrame:
    """Sort like AG Grid does: stable, missing values first in ascending order and last in descending."""
    if sort is None or sort.column not in frame.columns:
        return frame
    return frame.sort_values(
        sort.column, ascending=not sort.descending, na_position="last" if sort.descending else "first", kind="stable"
    )


def _dataset_rows(store: Store, dataset_ids: Sequence[str]) -> list[dict[str, Any]]:
    rows = []
    for dataset_id in dataset_ids:
        try:
            rows.append(store.dataset(dataset_id))
        except KeyError:
            continue
    return rows


def _join(values: Sequence[str]) -> str:
    return " ; ".join(value for value in dict.fromkeys(values) if value)


def _source_row(column: str, what: str, datasets: list[dict[str, Any]], **extra: str) -> dict[str, str]:
    return {
        "Colonne": column,
        "Donnée": what,
        "Unité": extra.get("unit", ""),
        "Définition": extra.get("definition", ""),
        "Méthode": extra.get("method", ""),
        "Source": extra.get("source") or _join([dataset.get("citation", "") for dataset in datasets]),
        "Millésime": extra.get("vintage") or _join([dataset.get("vintage", "") for dataset in datasets]),
        "Jeu de données": _join([dataset.get("title", "") for dataset in datasets]),
        "Producteur": _join([dataset.get("publisher", "") for dataset in datasets]),
        "Licence": _join([dataset.get("licence", "") for dataset in datasets]),
        "Adresse": _join([dataset.get("page_url", "") for dataset in datasets]),
        "Couverture": extra.get("coverage", ""),
    }


def format_int(value: float) -> str:
    return f"{round(value):,}".replace(",", "\u202f")


def format_percent(value: float) -> str:
    return f"{value:.0f}\u202f%"


def _coverage_text(view_frame: pd.DataFrame, column: Column, coverage: Column | None) -> str:
    present = int(view_frame[column.id].notna().sum())
    text = f"valeurs renseignées : {format_int(present)} sur {format_int(len(view_frame))} lignes"
    if coverage is not None and present:
        shares = view_frame.loc[view_frame[column.id].notna(), coverage.id]
        text += (
            f" ; part de la population couverte : de {format_percent(shares.min())} à "
            f"{format_percent(shares.max())} (colonne « {coverage.header} »)"
        )
    return text


def _epci_label(code: str, names: dict[str, str]) -> str:
    return f"{names.get(code, code)} ({code})"


def _departement_label(code: str, names: dict[str, str]) -> str:
    return f"{code} {names[code]}" if code in names else code


def _threshold_text(threshold: Any, header: str) -> str:
    def number(value: float) -> str:
        text = f"{value:,.10g}" if abs(value) >= 1000 else f"{value:.10g}"
        return text.replace(",", "\u202f").replace(".", ",")

    if threshold.minimum is not None and threshold.maximum is not None:
        return f"{header} entre {number(threshold.minimum)} et {number(threshold.maximum)}"
    if threshold.minimum is not None:
        return f"{header} ≥ {number(threshold.minimum)}"
    return f"{header} ≤ {number(threshold.maximum)}"


def _all_of(region: str) -> str:
    """« tous (Hauts-de-France) », or « tous » when the store does not name its région."""
    return f"tous ({region})" if region else "tous"


def _common_filters(store: Store, state: TableState, *, epci_filter: bool) -> list[tuple[str, str]]:
    departement_names = territory_names(store, "departement")
    epci_names = territory_names(store, "epci")
    filters = [
        (
            "Départements",
            ", ".join(_departement_label(code, departement_names) for code in state.departements)
            or _all_of(perimeter(store).name),
        )
    ]
    if epci_filter:
        filters.append(("EPCI", ", ".join(_epci_label(code, epci_names) for code in state.epcis) or "tous"))
    return filters


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column of a store frame (all missing when an older or partial build lacks it)."""
    if column not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="str")
    return frame[column].astype("str")


def territory_view(store: Store, state: TableState) -> View:
    """The territories table of a state: base columns, indicators, coverage; filtered and sorted."""
    level = state.level
    specs = indicator_specs(store)
    indicators = [indicator for indicator in state.indicators if indicator in specs]
    territories = _territories(store, level)
    codes = pd.Index(territories["code"], name="code")

    frame = pd.DataFrame(index=territories.index)
    frame["code"] = _text(territories, "code")
    frame["nom"] = _text(territories, "name")
    if level == "commune":
        frame["departement"] = _text(territories, "departement_code")
        frame["code_epci"] = _text(territories, "epci_code")
        frame["epci"] = frame["code_epci"].map(territory_names(store, "epci")).astype("str")
    elif level == "epci":
        frame["nature"] = _text(territories, "kind")
        frame["departement"] = _text(territories, "departement_code")
    columns = [Column(column_id, label) for column_id, label in BASE_COLUMNS[level]]

    values, coverage = _wide(store, level, indicators, codes)
    partial = partially_covered(store, level, indicators)
    citations = indicator_citations(store, level)
    coverage_columns: list[Column] = []
    for indicator in indicators:
        spec = specs[indicator]
        kind, decimals = _indicator_kind(spec, values[indicator])
        source, vintage = citations.get(indicator, ("", spec.get("vintage", "")))
        column = Column(
            indicator,
            spec["label"],
            spec.get("unit"),
            kind,
            decimals,
            indicator=indicator,
            role="indicator",
            theme=spec.get("theme_label") or spec.get("theme"),
            approximation=is_approximation(spec, level),
            source=source,
            vintage=vintage,
            definition=spec.get("definition", ""),
        )
        columns.append(column)
        frame[indicator] = _as_kind(pd.Series(values[indicator].to_numpy(), index=frame.index), kind, decimals)
        if indicator in partial or column.approximation:
            coverage_id = f"{COVERAGE_PREFIX}{indicator}"
            coverage_columns.append(
                Column(
                    coverage_id,
                    f"{spec['label']} : couverture",
                    "% de la population",
                    "decimal",
                    COVERAGE_DECIMALS,
                    indicator=indicator,
                    role="coverage",
                    theme=column.theme,
                )
            )
            columns.append(coverage_columns[-1])
            frame[coverage_id] = (
                pd.Series(coverage[indicator].to_numpy(), index=frame.index).mul(100).round(COVERAGE_DECIMALS)
            )
    frame = frame[[column.id for column in columns]]
    total = len(frame)

    keep = pd.Series(True, index=frame.index)
    if state.departements:
        if level == "departement":
            keep &= frame["code"].isin(state.departements)
        else:
            keep &= frame["departement"].isin(state.departements)
    if state.epcis and state.uses_epci_filter:
        keep &= frame["code_epci" if level == "commune" else "code"].isin(state.epcis)
    for threshold in state.thresholds:
        if threshold.indicator not in frame:
            continue
        series = frame[threshold.indicator].astype("float64")
        if threshold.minimum is not None:
            keep &= (series >= threshold.minimum).fillna(False)
        if threshold.maximum is not None:
            keep &= (series <= threshold.maximum).fillna(False)
    frame = _sorted(frame.loc[keep], state.sort)
    geometry = gpd.GeoSeries(territories.geometry, crs=territories.crs).loc[frame.index]

    sources = [
        _source_row(
            ", ".join(column.header for column in columns if column.role == "base"),
            f"Codes, noms et rattachements : {LEVEL_PLURAL[level]}",
            _dataset_rows(store, [TERRITORIES_DATASET]),
        ),
    ]
    coverage_by_indicator = {column.indicator: column for column in coverage_columns}
    for column in columns:
        if column.role != "indicator":
            continue
        spec = specs[column.id]
        method = spec.get("method_label", "")
        if column.approximation:
            method = f"APPROXIMATION. {method}"
        sources.append(
            _source_row(
                column.header,
                column.label,
                _dataset_rows(store, spec.get("datasets", [])),
                unit=column.unit or "",
                definition=column.definition or "",
                method=method,
                source=column.source or "",
                vintage=column.vintage or "",
                coverage=_coverage_text(frame, column, coverage_by_indicator.get(column.id)),
            )
        )
    sources.append(
        _source_row(
            "géométrie (GeoJSON, GeoPackage)",
            f"Contours : {LEVEL_PLURAL[level]}",
            _dataset_rows(store, [GEOMETRY_DATASETS[level]]),
        )
    )

    filters = [("Tableau", f"Territoires : {LEVEL_PLURAL[level]}")]
    filters += _common_filters(store, state, epci_filter=state.uses_epci_filter)
    headers = {column.id: column.header for column in columns}
    filters.append(
        ("Seuils", " ; ".join(_threshold_text(t, headers[t.indicator]) for t in state.thresholds) or "aucun")
    )
    filters.append(("Indicateurs", " ; ".join(column.header for column in columns if column.role == "indicator")))
    filters.append(("Tri", _sort_text(state.sort, headers, "par code")))
    filters.append(("Lignes", f"{format_int(len(frame))} sur {format_int(total)} {LEVEL_PLURAL[level]}"))
    return View(
        kind="territoires",
        level=level,
        frame=frame.reset_index(drop=True),
        columns=tuple(columns),
        geometry=geometry.reset_index(drop=True),
        sources=tuple(sources),
        filters=tuple(filters),
        total=total,
        layer=f"territoires_{level}",
    )


def _sort_text(sort: Sort | None, headers: dict[str, str], default: str) -> str:
    if sort is None or sort.column not in headers:
        return default
    return f"{headers[sort.column]}, {'décroissant' if sort.descending else 'croissant'}"


def residence_view(store: Store, state: TableState) -> View:
    """The list of establishments (résidences sociales and hébergement) of a state, filtered and sorted."""
    residences = store.residences
    frame = pd.DataFrame(index=residences.index)
    epci_names = territory_names(store, "epci")

    def text(column: str) -> pd.Series:
        return _text(residences, column)

    frame["finess"] = text("finess")
    frame["nom"] = text("name")
    frame["type"] = text("type_label")
    frame["famille"] = text("family_label")
    frame["code_commune"] = text("commune_code")
    frame["commune"] = text("commune_name")
    frame["code_epci"] = text("epci_code")
    frame["epci"] = frame["code_epci"].map(epci_names).astype("str")
    frame["departement"] = text("departement_code")
    frame["ouverture"] = text("opening_date")
    geometry = residences.geometry if isinstance(residences, gpd.GeoDataFrame) else gpd.GeoSeries(index=frame.index)
    points = geometry.where(geometry.geom_type == "Point")
    frame["longitude"] = points.x.round(6)
    frame["latitude"] = points.y.round(6)
    columns = [
        Column(column_id, label, "degrés, WGS 84", "decimal", 6)
        if column_id in COORDINATE_COLUMNS
        else Column(column_id, label)
        for column_id, label in RESIDENCE_COLUMNS
    ]
    frame = frame.sort_values(["departement", "commune", "nom"], kind="stable")
    total = len(frame)

    keep = pd.Series(True, index=frame.index)
    if state.departements:
        keep &= frame["departement"].isin(state.departements)
    if state.epcis:
        keep &= frame["code_epci"].isin(state.epcis)
    if state.residence_types and "type" in residences:
        keep &= residences.loc[frame.index, "type"].isin(state.residence_types)
    frame = _sorted(frame.loc[keep], state.residence_sort)
    geometry = gpd.GeoSeries(geometry, crs=getattr(geometry, "crs", None)).loc[frame.index]

    citations = sorted(residences["source"].dropna().unique()) if "source" in residences else []
    finess = [d for d in store.catalogue.get("datasets", []) if d.get("citation") in citations and "finess" in d["id"]]
    finess = [d for d in finess if d["id"].endswith("france-housing")] or finess
    types = store.catalogue.get("residence_types", {})
    sources = (
        _source_row(
            ", ".join(column.header for column in columns),
            "Établissements de logement accompagné et d'hébergement",
            finess,
            definition=types.get("rule", ""),
            source=_join(citations),
            coverage=f"{format_int(len(frame))} établissements sur {format_int(total)}",
        ),
        _source_row("EPCI", "Noms des EPCI", _dataset_rows(store, [TERRITORIES_DATASET])),
    )
    labels = types.get("labels", {})
    headers = {column.id: column.header for column in columns}
    filters = [("Tableau", "Établissements (résidences sociales et hébergement)")]
    filters += _common_filters(store, state, epci_filter=True)
    filters.append(
        ("Types d'établissement", ", ".join(labels.get(code, code) for code in state.residence_types) or "tous")
    )
    filters.append(("Tri", _sort_text(state.residence_sort, headers, "par département, commune et nom")))
    filters.append(("Lignes", f"{format_int(len(frame))} sur {format_int(total)} établissements"))
    return View(
        kind=TAB_RESIDENCES,
        level=None,
        frame=frame.reset_index(drop=True),
        columns=tuple(columns),
        geometry=geometry.reset_index(drop=True),
        sources=sources,
        filters=tuple(filters),
        total=total,
        layer="etablissements",
    )


def view_of(store: Store, state: TableState) -> View:
    return residence_view(store, state) if state.tab == TAB_RESIDENCES else territory_view(store, state)


# --- Writers ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportContext:
    """What a file says about itself besides the data: when, from which build, and the view's address."""

    exported_at: datetime
    permalink: str
    built_at: datetime | None = None
    title: str = APP_NAME  # « Résidences sociales — <région> » (Perimeter.title)
    extra: dict[str, str] = field(default_factory=dict)

    def filter_rows(self, view: View) -> list[tuple[str, str]]:
        rows = list(view.filters)
        rows.append(("Date d'export", self.exported_at.strftime("%d/%m/%Y %H:%M")))
        if self.built_at is not None:
            rows.append(("Données construites le", self.built_at.strftime("%d/%m/%Y")))
        rows.append(("Lien vers cette vue", self.permalink))
        return rows


def neutralise(value: Any) -> Any:
    """Prefix with an apostrophe a text that a spreadsheet would read as a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def _text_columns(view: View) -> list[str]:
    return [column.id for column in view.columns if not column.numeric]


def safe_frame(view: View) -> pd.DataFrame:
    """The view's frame with every text cell neutralised (numbers untouched)."""
    frame = view.frame.copy()
    for column in _text_columns(view):
        frame[column] = frame[column].map(neutralise, na_action="ignore")
    return frame


def to_csv(view: View, flavour: str = FORMAT_CSV) -> bytes:
    """CSV of the view. `csv-excel`: ';', decimal comma, UTF-8 with BOM; `csv`: ',', decimal point, UTF-8.

    Lines end with CRLF (RFC 4180), so a text holding a line break is quoted and reads back whole.
    """
    frame = safe_frame(view)
    frame.columns = [column.csv_header for column in view.columns]
    if flavour == FORMAT_CSV_EXCEL:
        text = frame.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
        return "\ufeff".encode() + text.encode("utf-8")
    return frame.to_csv(index=False, sep=",", decimal=".", lineterminator="\r\n").encode("utf-8")


def number_format(column: Column) -> str:
    if column.kind == "integer":
        return "#,##0"
    return "#,##0." + "0" * column.decimals if column.decimals else "#,##0"


def _write_table(workbook: Any, sheet: Any, header: list[str], rows: list[list[str]], widths: list[int]) -> None:
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E3E3FD"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for col, (title, width) in enumerate(zip(header, widths, strict=True)):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, title, bold)
    for row_number, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            sheet.write_string(row_number, col, str(neutralise(value)), wrap)
    sheet.freeze_panes(1, 0)


DATA_SHEET = "Données"
DATA_SHEET_PATH = "xl/worksheets/sheet1.xml"
_TEMPLATE_ROW = re.compile(r'<row r="2"[^>]*>.*?</row>', re.DOTALL)
_CELL_TAG = re.compile(r"<c ([^>]*?)/?>")
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _xml_text(value: str) -> str:
    """Escape a text for an inline string; a carriage return becomes _x000D_ as Excel writes it."""
    text = _ILLEGAL_XML.sub("", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "_x000D_")


def _data_rows_xml(view: View, frame: pd.DataFrame, styles: list[str]) -> str:
    """The <row> elements of the data (row 2 onwards), built column by column (much faster than per cell)."""
    rows = [str(number) for number in range(2, len(frame) + 2)]
    cells_by_column = []
    for position, column in enumerate(view.columns):
        letter = _column_letter(position)
        style = f' s="{styles[position]}"' if styles[position] else ""
        series = frame[column.id]
        if column.numeric:
            numbers = series.astype("float64").to_numpy()
            cells = [
                "" if number != number else f'<c r="{letter}{row}"{style}><v>{number!r}</v></c>'
                for row, number in zip(rows, numbers.tolist(), strict=True)
            ]
            if column.kind == "integer":
                cells = [cell.replace(".0</v>", "</v>") for cell in cells]
        else:
            texts = series.to_numpy(dtype=object)
            cells = [
                ""
                if text is None or text is pd.NA or (isinstance(text, float) and text != text)
                else f'<c r="{letter}{row}"{style} t="inlineStr"><is><t xml:space="preserve">{_xml_text(str(text))}'
                "</t></is></c>"
                for row, text in zip(rows, texts.tolist(), strict=True)
            ]
        cells_by_column.append(cells)
    return "".join(
        f'<row r="{row}">' + "".join(cells) + "</row>"
        for row, cells in zip(rows, zip(*cells_by_column, strict=True), strict=True)
    )


def _fill_data_sheet(workbook_bytes: bytes, view: View, frame: pd.DataFrame) -> bytes:
    """Replace the template row 2 of the data sheet by all the rows, keeping xlsxwriter's styles and layout."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes))
    sheet = source.read(DATA_SHEET_PATH).decode("utf-8")
    template = _TEMPLATE_ROW.search(sheet)
    if template is None:
        raise ValueError("template row missing from the data sheet")
    styles = [dict(_ATTRIBUTE.findall(tag)).get("s", "") for tag in _CELL_TAG.findall(template.group(0))]
    if len(styles) != len(view.columns):
        raise ValueError("the template row must hold one cell per column")
    last = f"{_column_letter(len(view.columns) - 1)}{len(frame) + 1}"
    sheet = sheet[: template.start()] + _data_rows_xml(view, frame, styles) + sheet[template.end() :]
    sheet = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', sheet, count=1)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = sheet.encode("utf-8") if item.filename == DATA_SHEET_PATH else source.read(item.filename)
            target.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED)
    return output.getvalue()


def to_xlsx(view: View, context: ExportContext) -> bytes:
    """XLSX: « Données » (frozen header, number formats, units in headers), « Sources », « Filtres ».

    xlsxwriter writes the workbook with the header and one template row whose cells carry each column's
    format; the data rows are then written straight into the sheet XML with those styles (a full export
    of all communes × all indicators is ~150 000 cells: per-cell calls would take over a second).
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    workbook.set_properties(
        {
            "title": context.title,
            "comments": context.permalink,
            "created": context.exported_at,
        }
    )
    data = workbook.add_worksheet(DATA_SHEET)
    header_format = workbook.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E3E3FD", "bottom": 1}
    )
    text_format = workbook.add_format({})
    data.set_row(0, 60)
    for col, column in enumerate(view.columns):
        data.set_column(col, col, 14 if column.numeric else (34 if column.id in ("nom", "epci") else 12))
        data.write_string(0, col, column.header, header_format)
        # Template cell (a number, so the shared strings hold only real texts): it carries the style.
        cell_format = workbook.add_format({"num_format": number_format(column)}) if column.numeric else text_format
        data.write_number(1, col, 0, cell_format)
    data.freeze_panes(1, 2)
    data.autofilter(0, 0, max(len(view.frame), 1), len(view.columns) - 1)

    sources = workbook.add_worksheet("Sources")
    if view.sources:
        header = list(view.sources[0])
        widths = [32, 30, 14, 50, 50, 36, 22, 40, 30, 30, 40, 50]
        _write_table(workbook, sources, header, [list(row.values()) for row in view.sources], widths)

    filters = workbook.add_worksheet("Filtres")
    _write_table(workbook, filters, ["Filtre", "Valeur"], [list(row) for row in context.filter_rows(view)], [26, 100])
    workbook.close()
    return _fill_data_sheet(buffer.getvalue(), view, safe_frame(view))


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: missing values as None, numpy scalars as Python numbers."""
    columns = list(frame.columns)
    arrays = [frame[column].astype(object).to_numpy() for column in columns]
    return [
        {column: _json_value(value) for column, value in zip(columns, row, strict=True)}
        for row in zip(*arrays, strict=True)
    ]


def metadata(view: View, context: ExportContext) -> dict[str, Any]:
    """Columns, sources and filters of a view, for the GeoJSON `metadata` member."""
    return {
        "titre": context.title,
        "colonnes": [
            {
                "id": column.id,
                "libelle": column.header,
                "unite": column.unit,
                "source": column.source,
                "millesime": column.vintage,
                "approximation": column.approximation,
            }
            for column in view.columns
        ],
        "sources": list(view.sources),
        "filtres": {key: value for key, value in context.filter_rows(view)},
    }


def to_geojson(view: View, context: ExportContext) -> bytes:
    """GeoJSON FeatureCollection (RFC 7946, WGS 84) of the view, with a `metadata` foreign member."""
    geometries = shapely.to_geojson(view.geometry.to_numpy(), indent=None)
    features = []
    for properties, geometry in zip(records(view.frame), geometries.tolist(), strict=True):
        features.append(
            '{"type":"Feature","properties":'
            + json.dumps(properties, ensure_ascii=False)
            + ',"geometry":'
            + (geometry if geometry is not None else "null")
            + "}"
        )
    head = {"type": "FeatureCollection", "name": view.layer, "metadata": metadata(view, context)}
    text = json.dumps(head, ensure_ascii=False)[:-1] + ',"features":[' + ",".join(features) + "]}"
    return text.encode("utf-8")


def to_gpkg(view: View, context: ExportContext) -> bytes:
    """GeoPackage: the view as a layer (EPSG:4326), plus the `sources` and `filtres` attribute tables."""
    layer = gpd.GeoDataFrame(view.frame.copy(), geometry=view.geometry.to_numpy(), crs="EPSG:4326")
    for column in view.columns:
        if column.kind == "integer":
            layer[column.id] = layer[column.id].astype("Int64")
    sources = pd.DataFrame(list(view.sources))
    sources.columns = [_field_name(column) for column in sources.columns]
    filters = pd.DataFrame(context.filter_rows(view), columns=["filtre", "valeur"])
    headers = pd.DataFrame(
        {
            "colonne": [column.id for column in view.columns],
            "libelle": [column.header for column in view.columns],
            "source": [column.source or "" for column in view.columns],
            "millesime": [column.vintage or "" for column in view.columns],
        }
    )
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "export.gpkg"
        polygons = bool(layer.geom_type.isin(["Polygon", "MultiPolygon"]).any())
        pyogrio.write_dataframe(layer, path, layer=view.layer, driver="GPKG", promote_to_multi=polygons)
        for name, table in (("colonnes", headers), ("sources", sources), ("filtres", filters)):
            pyogrio.write_dataframe(table, path, layer=name, driver="GPKG", append=False)
        return path.read_bytes()


def _field_name(label: str) -> str:
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_label.lower()).strip("_")


def write(view: View, format_key: str, context: ExportContext) -> bytes:
    """The bytes of a download in one of FORMATS."""
    if format_key in (FORMAT_CSV, FORMAT_CSV_EXCEL):
        return to_csv(view, format_key)
    if format_key == FORMAT_XLSX:
        return to_xlsx(view, context)
    if format_key == FORMAT_GEOJSON:
        return to_geojson(view, context)
    if format_key == FORMAT_GPKG:
        return to_gpkg(view, context)
    raise KeyError(format_key)


# --- Grid (dash-ag-grid) ----------------------------------------------------------------------------------

MISSING_LABEL = "n.d."
# French number display in the grid: narrow no-break space between thousands, decimal comma.
GRID_NUMBER_FORMAT = (
    "params.value == null ? '" + MISSING_LABEL + "' : d3.formatLocale({decimal: ',', thousands: '\u202f', "
    "grouping: [3], currency: ['', '']}).format(',.%df')(params.value)"
)
TEXT_WIDTHS = {"nom": 260, "epci": 240, "type": 210, "famille": 210, "commune": 170, "ouverture": 130}


def _grid_leaf(column: Column, sort: Sort | None) -> dict[str, Any]:
    leaf: dict[str, Any] = {
        "field": column.id,
        "colId": column.id,
        "headerName": column.header,
        "sort": ("desc" if sort.descending else "asc") if sort is not None and sort.column == column.id else None,
        "wrapHeaderText": True,
        "autoHeaderHeight": True,
    }
    if column.numeric:
        leaf.update(
            type="rightAligned",
            cellDataType="number",
            width=150,
            valueFormatter={"function": GRID_NUMBER_FORMAT % column.decimals},
        )
    else:
        leaf.update(cellDataType="text", width=TEXT_WIDTHS.get(column.id, 130))
        if column.id in TEXT_WIDTHS:
            leaf["tooltipField"] = column.id  # long names are cut: the tooltip shows them whole
    if column.role == "indicator":
        tooltip = f"{column.definition} Source : {column.source} (millésime {column.vintage})."
        if column.approximation:
            tooltip += " Approximation : voir la colonne de couverture et l'onglet « Sources » du fichier XLSX."
        leaf["headerTooltip"] = tooltip.strip()
    elif column.role == "coverage":
        leaf["headerTooltip"] = "Part de la population du territoire couverte par les données de l'indicateur."
    if column.id == "nom":
        leaf["pinned"] = "left"
    return leaf


def grid_column_defs(view: View, sort: Sort | None) -> list[dict[str, Any]]:
    """Column definitions: base columns, then indicators (and coverage) grouped by theme."""
    defs: list[dict[str, Any]] = []
    group: dict[str, Any] | None = None
    for column in view.columns:
        leaf = _grid_leaf(column, sort)
        if column.theme is None:
            defs.append(leaf)
            group = None
            continue
        if group is None or group["headerName"] != column.theme:
            # Consecutive columns of a theme share a header group; the order of the file is kept.
            group = {"headerName": column.theme, "groupId": f"theme-{len(defs)}-{_slug(column.theme)}", "children": []}
            defs.append(group)
        group["children"].append(leaf)
    return defs


def grid_rows(view: View) -> list[dict[str, Any]]:
    return records(view.frame)


# --- File names ------------------------------------------------------------------------------------------


def _slug(text: str) -> str:
    return _field_name(text).replace("_", "-")


def filter_summary(state: TableState) -> str:
    """A short, file-name-safe summary of the filters: 'dep-59-62_epci-200041630_2-seuils' or 'hdf'."""
    parts = []
    if state.departements:
        parts.append(
            "dep-" + "-".join(state.departements) if len(state.departements) <= 3 else f"{len(state.departements)}-dep"
        )
    if state.epcis and (state.tab == TAB_RESIDENCES or state.uses_epci_filter):
        parts.append(f"epci-{state.epcis[0]}" if len(state.epcis) == 1 else f"{len(state.epcis)}-epci")
    if state.tab == TAB_RESIDENCES:
        if state.residence_types:
            types = state.residence_types
            parts.append(_slug(types[0]) if len(types) == 1 else f"{len(types)}-types")
    elif state.thresholds:
        parts.append(f"{len(state.thresholds)}-seuil" + ("s" if len(state.thresholds) > 1 else ""))
    return "_".join(parts) or "hdf"


def filename(state: TableState, format_key: str, day: date) -> str:
    """'territoires_epci_2026-03-15_dep-59-62.csv', 'etablissements_2026-03-15_hdf_excel.csv'…"""
    export_format = FORMATS[format_key]
    head = "etablissements" if state.tab == TAB_RESIDENCES else f"territoires_{state.level}"
    return f"{head}_{day.isoformat()}_{filter_summary(state)}{export_format.suffix}.{export_format.extension}"
