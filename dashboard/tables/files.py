"""What every downloaded file shares: its context (date, build, address), safe text cells, JSON-ready rows.

Text cells starting with =, +, -, @, a tab or a carriage return are prefixed with an apostrophe in CSV
and XLSX (formula injection); numbers stay numbers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from dashboard.core.perimeter import APP_NAME
from dashboard.tables.views import View

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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


def safe_frame(view: View) -> pd.DataFrame:
    """The view's frame with every text cell neutralised (numbers untouched)."""
    frame = view.frame.copy()
    for column in view.columns:
        if not column.numeric:
            frame[column.id] = frame[column.id].map(neutralise, na_action="ignore")
    return frame


def json_value(value: Any) -> Any:
    """A cell as JSON: missing values as None, numpy scalars as Python numbers."""
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
        {column: json_value(value) for column, value in zip(columns, row, strict=True)}
        for row in zip(*arrays, strict=True)
    ]


def field_name(label: str) -> str:
    """ASCII snake-case name of a label: « Jeu de données » → « jeu_de_donnees »."""
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_label.lower()).strip("_")


def slug(text: str) -> str:
    """ASCII kebab-case name of a label: « Hébergement et logement » → « hebergement-et-logement »."""
    return field_name(text).replace("_", "-")
