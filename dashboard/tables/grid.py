"""The AG Grid of a view (dash-ag-grid): column definitions grouped by theme, French numbers, rows."""

from __future__ import annotations

from typing import Any

from dashboard.tables.columns import Column
from dashboard.tables.files import records, slug
from dashboard.tables.state import Sort
from dashboard.tables.views import View

MISSING_LABEL = "n.d."
# French number display in the grid: narrow no-break space between thousands, decimal comma.
GRID_NUMBER_FORMAT = (
    "params.value == null ? '" + MISSING_LABEL + "' : d3.formatLocale({decimal: ',', thousands: '\u202f', "
    "grouping: [3], currency: ['', '']}).format(',.%df')(params.value)"
)
TEXT_WIDTHS = {
    "nom_etablissement": 260,
    "nom_commune": 200,
    "nom_epci": 240,
    "nom_departement": 200,
    "type": 210,
    "famille": 210,
    "ouverture": 130,
}


def _grid_leaf(column: Column, sort: Sort | None, pinned: bool = False) -> dict[str, Any]:
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
    if pinned:
        leaf["pinned"] = "left"  # the first column (the name): pinned, it stays first, as in the files
    return leaf


def grid_column_defs(view: View, sort: Sort | None) -> list[dict[str, Any]]:
    """Column definitions: base columns, then indicators (and coverage) grouped by theme."""
    defs: list[dict[str, Any]] = []
    group: dict[str, Any] | None = None
    for position, column in enumerate(view.columns):
        leaf = _grid_leaf(column, sort, pinned=position == 0)
        if column.theme is None:
            defs.append(leaf)
            group = None
            continue
        if group is None or group["headerName"] != column.theme:
            # Consecutive columns of a theme share a header group; the order of the file is kept.
            group = {"headerName": column.theme, "groupId": f"theme-{len(defs)}-{slug(column.theme)}", "children": []}
            defs.append(group)
        group["children"].append(leaf)
    return defs


def grid_rows(view: View) -> list[dict[str, Any]]:
    return records(view.frame)
