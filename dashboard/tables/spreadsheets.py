"""Spreadsheet files of a view: CSV (two flavours) and XLSX with its « Sources » and « Filtres » sheets.

The source and vintage of each indicator travel with the data: in the CSV header of its column
(« Taux de pauvreté (%) [source : Insee, Filosofi 2021 ; millésime : Filosofi 2021] »), in the
« Sources » sheet of the XLSX.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from dashboard.tables.columns import Column
from dashboard.tables.files import ExportContext, neutralise, safe_frame
from dashboard.tables.views import View


def to_csv(view: View, *, excel: bool = False) -> bytes:
    """CSV of the view. For Excel: ';', decimal comma, UTF-8 with BOM; else ',', decimal point, UTF-8.

    Lines end with CRLF (RFC 4180), so a text holding a line break is quoted and reads back whole.
    """
    frame = safe_frame(view)
    frame.columns = [column.csv_header for column in view.columns]
    if excel:
        text = frame.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
        return "\ufeff".encode() + text.encode("utf-8")
    return frame.to_csv(index=False, sep=",", decimal=".", lineterminator="\r\n").encode("utf-8")


def csv_for_excel(view: View, _context: ExportContext) -> bytes:
    """Writer of the « CSV pour Excel » format."""
    return to_csv(view, excel=True)


def csv_standard(view: View, _context: ExportContext) -> bytes:
    """Writer of the « CSV standard » format."""
    return to_csv(view)


#: Excel's day 0 (its serial dates count days from here).
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
DATE_FORMAT = "dd/mm/yyyy"


def number_format(column: Column) -> str:
    if column.kind == "date":
        return DATE_FORMAT
    if column.kind == "integer":
        return "#,##0"
    return "#,##0." + "0" * column.decimals if column.decimals else "#,##0"


def write_table(workbook: Any, sheet: Any, header: list[str], rows: list[list[str]], widths: list[int]) -> None:
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
        if column.numeric or column.kind == "date":
            numbers = _serial_dates(series) if column.kind == "date" else series.astype("float64").to_numpy()
            cells = [
                "" if number != number else f'<c r="{letter}{row}"{style}><v>{number!r}</v></c>'
                for row, number in zip(rows, numbers.tolist(), strict=True)
            ]
            if column.kind in ("integer", "date"):
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


def _serial_dates(series: pd.Series) -> np.ndarray:
    """ISO dates as Excel serial numbers (days since 1899-12-30); NaN when missing or unreadable."""
    dates = pd.to_datetime(series, errors="coerce", format="%Y-%m-%d")
    return ((dates - EXCEL_EPOCH).dt.days).astype("float64").to_numpy()


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
        data.set_column(col, col, 14 if column.numeric else (34 if column.id.startswith("nom_") else 12))
        data.write_string(0, col, column.header, header_format)
        # Template cell (a number, so the shared strings hold only real texts): it carries the style.
        typed = column.numeric or column.kind == "date"
        cell_format = workbook.add_format({"num_format": number_format(column)}) if typed else text_format
        data.write_number(1, col, 0, cell_format)
    data.freeze_panes(1, 2)
    data.autofilter(0, 0, max(len(view.frame), 1), len(view.columns) - 1)

    sources = workbook.add_worksheet("Sources")
    if view.sources:
        header = list(view.sources[0])
        widths = [32, 30, 14, 50, 50, 36, 22, 40, 30, 30, 40, 50]
        write_table(workbook, sources, header, [list(row.values()) for row in view.sources], widths)

    filters = workbook.add_worksheet("Filtres")
    write_table(workbook, filters, ["Filtre", "Valeur"], [list(row) for row in context.filter_rows(view)], [26, 100])
    workbook.close()
    return _fill_data_sheet(buffer.getvalue(), view, safe_frame(view))
