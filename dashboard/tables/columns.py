"""A column of a table view: id, French label, unit, kind and, for an indicator, its source and vintage."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.tables.indicators import unit_header


@dataclass(frozen=True)
class Column:
    """One column of a view: its id (GeoJSON property, grid field), French label, unit and role."""

    id: str
    label: str
    unit: str | None = None
    kind: str = "text"  # "text", "integer", "decimal" or "date" (ISO text in the frame)
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
        return self.kind in ("integer", "decimal")
