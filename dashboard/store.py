"""Read-only data store: the files written by `python -m loaders build`, loaded once per worker."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
from flask import current_app

BUILD_COMMAND = "python -m loaders build"
TERRITORIES_FILE = "territories.parquet"
INDICATORS_FILE = "indicators.parquet"
RESIDENCES_FILE = "residences.parquet"
COVERAGE_FILE = "coverage.json"
CATALOGUE_FILE = "catalogue.json"
PROCESSED_FILES = (TERRITORIES_FILE, INDICATORS_FILE, RESIDENCES_FILE, COVERAGE_FILE, CATALOGUE_FILE)

REQUIRED_COLUMNS = {
    TERRITORIES_FILE: ("level", "code", "name", "geometry"),
    INDICATORS_FILE: ("level", "code", "indicator", "value", "source", "vintage", "coverage"),
    RESIDENCES_FILE: ("type", "family", "source"),
}
REQUIRED_KEYS = {COVERAGE_FILE: ("built_at",), CATALOGUE_FILE: ("datasets", "residence_types")}
LEVEL_COMMUNE = "commune"
LEVEL_EPCI = "epci"
FAMILY_RESIDENCE = "residence_sociale"
CONFIG_KEY = "STORE"


class StoreError(RuntimeError):
    """The processed data cannot be used; the message is meant for the person running the app."""


class StoreMissing(StoreError):
    """The processed data has not been built."""


@dataclass(frozen=True)
class Store:
    """Everything the pages display, as built by the loaders. Treat every frame as read-only."""

    territories: gpd.GeoDataFrame
    indicators: pd.DataFrame
    residences: pd.DataFrame
    coverage: dict[str, Any]
    catalogue: dict[str, Any]
    built_at: datetime

    def count_territories(self, level: str) -> int:
        """Territories of a level inside the région (members of straddling EPCIs excluded)."""
        of_level = self.territories["level"] == level
        if "in_region" in self.territories:
            of_level &= self.territories["in_region"].fillna(True).astype(bool)
        return int(of_level.sum())

    def residences_by_type(self, family: str) -> pd.Series:
        """Establishments of one family per type label, in the catalogue's type order (0 when none)."""
        typology = self.catalogue["residence_types"]
        of_family = self.residences.loc[self.residences["family"] == family, "type"]
        return of_family.value_counts().reindex(typology[family], fill_value=0).rename(index=typology["labels"])

    def residence_citations(self, family: str) -> list[str]:
        """Source lines of the establishments of one family."""
        return sorted(self.residences.loc[self.residences["family"] == family, "source"].unique())

    def dataset(self, dataset_id: str) -> dict[str, Any]:
        """The catalogue entry of one source dataset."""
        for entry in self.catalogue["datasets"]:
            if entry["id"] == dataset_id:
                return entry
        raise KeyError(f"dataset {dataset_id!r} is not in {CATALOGUE_FILE}")


def _read_table(path: Path) -> pd.DataFrame:
    """A parquet file as a GeoDataFrame when it is GeoParquet, else as a DataFrame."""
    metadata = pq.read_schema(path).metadata or {}
    return gpd.read_parquet(path) if b"geo" in metadata else pd.read_parquet(path)


def _read_json(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _check_columns(name: str, frame: pd.DataFrame) -> None:
    missing = [column for column in REQUIRED_COLUMNS[name] if column not in frame.columns]
    if missing:
        raise StoreError(
            f"Le fichier {name} ne contient pas les colonnes attendues ({', '.join(missing)}) : "
            f"reconstruisez les données avec « {BUILD_COMMAND} »."
        )


def _check_keys(name: str, content: dict[str, Any]) -> None:
    missing = [key for key in REQUIRED_KEYS[name] if key not in content]
    if missing:
        raise StoreError(
            f"Le fichier {name} ne contient pas les entrées attendues ({', '.join(missing)}) : "
            f"reconstruisez les données avec « {BUILD_COMMAND} »."
        )


def load_store(data_dir: Path) -> Store:
    """Load `<data_dir>/processed/`; raise StoreMissing when it has not been built, StoreError when unusable."""
    processed = Path(data_dir) / "processed"
    missing = [name for name in PROCESSED_FILES if not (processed / name).is_file()]
    if missing:
        raise StoreMissing(
            f"Les données ne sont pas construites : {', '.join(missing)} absent(s) de {processed}. "
            f"Lancez « {BUILD_COMMAND} » depuis la racine du projet, puis redémarrez l'application."
        )
    try:
        frames = {name: _read_table(processed / name) for name in REQUIRED_COLUMNS}
        coverage = _read_json(processed / COVERAGE_FILE)
        catalogue = _read_json(processed / CATALOGUE_FILE)
        for name, frame in frames.items():
            _check_columns(name, frame)
        for name, content in ((COVERAGE_FILE, coverage), (CATALOGUE_FILE, catalogue)):
            _check_keys(name, content)
        built_at = datetime.fromisoformat(coverage["built_at"])
    except (OSError, ValueError) as error:
        raise StoreError(
            f"Les données de {processed} sont illisibles ({error}) : reconstruisez-les avec « {BUILD_COMMAND} »."
        ) from error
    return Store(
        territories=frames[TERRITORIES_FILE],
        indicators=frames[INDICATORS_FILE],
        residences=frames[RESIDENCES_FILE],
        coverage=coverage,
        catalogue=catalogue,
        built_at=built_at,
    )


def current_store() -> Store | StoreError:
    """The store of the running app, or the error that prevented loading it."""
    return current_app.config[CONFIG_KEY]
