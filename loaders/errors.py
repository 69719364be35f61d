"""Errors raised while fetching, parsing or validating a source."""

from __future__ import annotations

from pathlib import Path


class SourceError(Exception):
    """A source file is missing, unreadable or does not match its documented layout.

    The message always names the dataset and the file so that the person running the
    build knows what to fix.
    """

    def __init__(self, dataset_id: str, file: str | Path | None, reason: str) -> None:
        self.dataset_id = dataset_id
        self.file = str(file) if file is not None else None
        self.reason = reason
        where = f" — fichier {self.file}" if self.file else ""
        super().__init__(f"[{dataset_id}]{where} : {reason}")
