"""The values table under the map: one page of rows, filtered by name, sorted by rank or name, and the
texts around it (caption, pager, sort state of the headers). Pure functions of a `MapView`."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.core.catalogue import normalise
from dashboard.core.formatting import MISSING_LABEL, format_number, format_value, ordinal, value_decimals
from dashboard.core.levels import LEVEL_NOUNS
from dashboard.core.values import LevelValues, coverage_detail
from dashboard.map.classification import Classification
from dashboard.map.legend import class_labels
from dashboard.map.palette import MISSING_COLOUR
from dashboard.map.view import MapView

SORT_RANK = "rang"
SORT_NAME = "nom"
TABLE_PAGE_SIZE = 100
#: The table's order when the page opens, and after a change of indicator or level.
DEFAULT_SORT = {"column": SORT_RANK, "descending": False}


@dataclass(frozen=True)
class TableRow:
    """One territory's row, as written."""

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
    """One page of the table, with how many rows there are and how they are sorted."""

    rows: tuple[TableRow, ...]
    total: int
    matching: int
    page: int
    pages: int
    sort: str
    descending: bool


def sorted_matching(frame: pd.DataFrame, search: str, sort: str, descending: bool) -> pd.DataFrame:
    """The rows whose name holds `search` (accents and case ignored), by name or by rank (missing last)."""
    needle = normalise(search.strip())
    if needle:
        frame = frame[[needle in normalise(name) for name in frame["name"]]]
    if sort == SORT_NAME:
        frame = frame.assign(_key=[normalise(name) for name in frame["name"]])
        return frame.sort_values("_key", ascending=not descending, kind="stable")
    missing = frame["value"].isna()
    known = frame[~missing].sort_values(["rank", "name"], ascending=[not descending, True], kind="stable")
    return pd.concat([known, frame[missing].sort_values("name", kind="stable")])


def table_row(row: Any, values: LevelValues, labels: Sequence[str], colours: Sequence[str]) -> TableRow:
    """One territory's row: rank, value, class and the notes on its value."""
    notes = []
    if math.isfinite(row.value):
        if values.approximation:
            notes.append("approximation")
        detail = coverage_detail(row.value, row.coverage)
        if detail:
            notes.append(detail)
    return TableRow(
        code=row.code,
        name=row.name,
        rank=ordinal(int(row.rank)) if math.isfinite(row.value) else "–",
        value=format_value(row.value, values.entry),
        class_index=int(row.cls),
        class_label=labels[row.cls] if row.cls >= 0 else MISSING_LABEL,
        colour=colours[row.cls] if row.cls >= 0 else MISSING_COLOUR,
        note=" ; ".join(notes),
    )


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
    frame_sorted = sorted_matching(frame, search, sort, descending)
    matching = len(frame_sorted)
    pages = max(1, math.ceil(matching / page_size))
    page = min(max(page, 0), pages - 1)
    shown = frame_sorted.iloc[page * page_size : (page + 1) * page_size]
    rows = tuple(table_row(row, values, labels, colours) for row in shown.itertuples(index=False))
    return TableView(rows, len(frame), matching, page, pages, sort, descending)


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


def table_caption(view: MapView, table: TableView, search: str) -> str:
    """What the table lists, how many, the filter and the order."""
    if view.values is None:
        return view.unavailable_message or ""
    noun = LEVEL_NOUNS[view.level][1]
    caption = f"{view.heading} : {format_number(table.total)} {noun}"
    if search.strip():
        caption += f", dont {format_number(table.matching)} correspondant à « {search.strip()} »"
    order = "par nom" if table.sort == SORT_NAME else "par rang (1er = valeur la plus élevée)"
    return caption + f", triés {order}{' décroissant' if table.descending else ''}."


def pager_text(table: TableView) -> str:
    """« Page 2 sur 38 », or nothing when there is one page."""
    if table.pages <= 1:
        return ""
    return f"Page {table.page + 1} sur {table.pages}"


def sort_state(table: TableView) -> dict[str, str]:
    """aria-sort of the rank and name column headers."""
    direction = "descending" if table.descending else "ascending"
    if table.sort == SORT_NAME:
        return {SORT_RANK: "none", SORT_NAME: direction}
    return {SORT_RANK: direction, SORT_NAME: "none"}


def table_props(view: MapView, sort: Mapping[str, Any], page: int, search: str) -> dict[str, Any]:
    """Everything the page shows of the table, by name: the rows (compact data, drawn by carte.js),
    caption, pager text, whether the page buttons are disabled or hidden, the sort and page kept in the
    page, the aria-sort of the two sortable headers and the source line. The layout builds the table
    from it, the callback returns it as its outputs."""
    if view.values is None:
        return {
            "data": {"rows": [], "classes": [], "missing": MISSING_LABEL},
            "caption": view.unavailable_message or "",
            "pager": "",
            "previous_disabled": True,
            "next_disabled": True,
            "previous_hidden": True,
            "next_hidden": True,
            "sort": sort,
            "page": 0,
            "rank_sort": "none",
            "name_sort": "none",
            "source": "",
        }
    table = table_view(view.values, view.classification, view.colours, sort["column"], sort["descending"], page, search)
    aria = sort_state(table)
    return {
        "data": table_data(table, view.classification, view.colours, value_decimals(view.entry)),
        "caption": table_caption(view, table, search),
        "pager": pager_text(table),
        "previous_disabled": table.page <= 0,
        "next_disabled": table.page >= table.pages - 1,
        "previous_hidden": table.pages <= 1,
        "next_hidden": table.pages <= 1,
        "sort": sort,
        "page": table.page,
        "rank_sort": aria[SORT_RANK],
        "name_sort": aria[SORT_NAME],
        "source": view.values.source_line,
    }
