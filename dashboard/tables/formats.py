"""The one registry of the download formats of the tables page.

A format is one `FileFormat` entry: its id (in `/telecharger/<id>`), the label of its download link,
its file extension and MIME type, its writer and whether it carries the geometry. The page's download
links, the download route, `filename()` and the API documentation all read `FORMATS`: a new format is
one entry here plus its writer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from dashboard.tables import geodata, spreadsheets
from dashboard.tables.files import ExportContext, slug
from dashboard.tables.state import TAB_RESIDENCES, TableState
from dashboard.tables.views import View

FORMAT_CSV_EXCEL = "csv-excel"
FORMAT_CSV = "csv"
FORMAT_XLSX = "xlsx"
FORMAT_GEOJSON = "geojson"
FORMAT_GPKG = "gpkg"


@dataclass(frozen=True)
class FileFormat:
    """One download format: `label` is the text of its link; `suffix` ends the file name before the extension."""

    id: str
    label: str
    extension: str
    mimetype: str
    writer: Callable[[View, ExportContext], bytes]
    geometry: bool = False
    suffix: str = ""


#: In the order of the download links.
FORMATS = {
    entry.id: entry
    for entry in (
        FileFormat(
            FORMAT_CSV_EXCEL,
            "CSV pour Excel (;)",
            "csv",
            "text/csv; charset=utf-8",
            spreadsheets.csv_for_excel,
            suffix="_excel",
        ),
        FileFormat(FORMAT_CSV, "CSV standard (,)", "csv", "text/csv; charset=utf-8", spreadsheets.csv_standard),
        FileFormat(
            FORMAT_XLSX,
            "Excel (XLSX)",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            spreadsheets.to_xlsx,
        ),
        FileFormat(FORMAT_GEOJSON, "GeoJSON", "geojson", "application/geo+json", geodata.to_geojson, geometry=True),
        FileFormat(FORMAT_GPKG, "GeoPackage", "gpkg", "application/geopackage+sqlite3", geodata.to_gpkg, geometry=True),
    )
}


def write(view: View, format_key: str, context: ExportContext) -> bytes:
    """The bytes of a download in one of FORMATS (KeyError for an unknown format)."""
    return FORMATS[format_key].writer(view, context)


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
            parts.append(slug(types[0]) if len(types) == 1 else f"{len(types)}-types")
    elif state.thresholds:
        parts.append(f"{len(state.thresholds)}-seuil" + ("s" if len(state.thresholds) > 1 else ""))
    return "_".join(parts) or "hdf"


def filename(state: TableState, format_key: str, day: date) -> str:
    """'territoires_epci_2026-03-15_dep-59-62.csv', 'etablissements_2026-03-15_hdf_excel.csv'…"""
    export_format = FORMATS[format_key]
    head = "etablissements" if state.tab == TAB_RESIDENCES else f"territoires_{state.level}"
    return f"{head}_{day.isoformat()}_{filter_summary(state)}{export_format.suffix}.{export_format.extension}"
