"""Read-only data store: the files written by `python -m loaders build`, loaded once per worker."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import shapely
from dash.exceptions import PreventUpdate
from flask import current_app

BUILD_COMMAND = "python -m loaders build"
TERRITORIES_FILE = "territories.parquet"
INDICATORS_FILE = "indicators.parquet"
RESIDENCES_FILE = "residences.parquet"
SERIES_FILE = "series.parquet"
COVERAGE_FILE = "coverage.json"
CATALOGUE_FILE = "catalogue.json"
PROCESSED_FILES = (TERRITORIES_FILE, INDICATORS_FILE, RESIDENCES_FILE, SERIES_FILE, COVERAGE_FILE, CATALOGUE_FILE)

REQUIRED_COLUMNS = {
    TERRITORIES_FILE: ("level", "code", "name", "geometry"),
    INDICATORS_FILE: ("level", "code", "indicator", "value", "source", "vintage", "coverage"),
    RESIDENCES_FILE: ("type", "family", "source"),
    SERIES_FILE: ("series", "level", "code", "year", "value", "coverage", "months"),
}
REQUIRED_KEYS = {COVERAGE_FILE: ("built_at",), CATALOGUE_FILE: ("datasets", "residence_types")}
CONFIG_KEY = "STORE"


def inside_region(territories: pd.DataFrame) -> pd.Series:
    """Which territories lie inside the région: all but the communes of straddling EPCIs located in another
    région (`in_region` false); every territory when the build does not say."""
    if "in_region" not in territories:
        return pd.Series(True, index=territories.index)
    return territories["in_region"].fillna(True).astype(bool)


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
    #: Dated series of the trend charts (series, level, code, year, value, coverage, months).
    series: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(REQUIRED_COLUMNS[SERIES_FILE])))
    #: Map display geometry per level (see DisplayGeometry), derived once in load_store.
    display: Mapping[str, DisplayGeometry] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False
    )
    #: Rows of `indicators` per (indicator, level), indexed by code, derived once in load_store.
    indicator_rows: Mapping[tuple[str, str], pd.DataFrame] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False
    )
    #: Values derived from this store on first use (`derived`); the store itself never changes.
    _derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def derived(self, key: str, compute: Callable[[Store], Any]) -> Any:
        """`compute(self)`, computed once per loaded store (a pure function of the store: a repeated
        computation by two threads gives the same value)."""
        if key not in self._derived:
            self._derived[key] = compute(self)
        return self._derived[key]

    def count_territories(self, level: str) -> int:
        """Territories of a level inside the région (members of straddling EPCIs excluded)."""
        return int(((self.territories["level"] == level) & inside_region(self.territories)).sum())

    def outside_region(self, family: str) -> pd.Series:
        """Whether each establishment of one family lies in a commune outside the région (a member of an EPCI
        that straddles two régions): counted in that EPCI's figures, not in the région's."""
        of_family = self.residences[self.residences["family"] == family]
        if "commune_code" not in of_family:
            return pd.Series(False, index=of_family.index)
        communes = self.territories[self.territories["level"] == "commune"]
        return of_family["commune_code"].isin(communes.loc[~inside_region(communes), "code"])

    def residence_counts(self, family: str) -> pd.Series:
        """Establishments of one family in the région per type key, in the catalogue's type order (0 when
        none): the one count of the about, understanding and sources pages, equal to the région's figure."""
        typology = self.catalogue["residence_types"]
        of_family = self.residences.loc[self.residences["family"] == family, "type"]
        in_region = of_family[~self.outside_region(family)]
        return in_region.value_counts().reindex(typology[family], fill_value=0)

    def residences_by_type(self, family: str) -> pd.Series:
        """`residence_counts` per type label."""
        return self.residence_counts(family).rename(index=self.catalogue["residence_types"]["labels"])

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
    # Resolved once: a rebuild switching the `processed` link meanwhile cannot mix two builds.
    processed = (Path(data_dir) / "processed").resolve()
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
        series=frames[SERIES_FILE],
        coverage=coverage,
        catalogue=catalogue,
        built_at=built_at,
        display=display_geometries(frames[TERRITORIES_FILE]),
        indicator_rows=indicator_rows(frames[INDICATORS_FILE]),
    )


# --- Map display geometry (map explorer): derived once at load, read-only -------------------------

DISPLAY_LEVELS = ("commune", "epci", "departement", "region")
DISPLAY_COLUMNS = ("code", "name", "kind", "departement_code", "epci_code", "population")
DISPLAY_DECIMALS = 5


@dataclass(frozen=True)
class DisplayGeometry:
    """One level's territories inside the région that have a polygon, serialised once as GeoJSON.

    `features` lists them in the GeoJSON's feature order (feature id = territory code); `token` is a
    hash of the GeoJSON, for cache-busting URLs.
    """

    level: str
    features: pd.DataFrame
    geojson: bytes
    geojson_gzip: bytes
    token: str

    @property
    def codes(self) -> list[str]:
        return self.features["code"].tolist()


def _feature_collection(codes: list[str], geometries: Any) -> bytes:
    rounded = shapely.transform(geometries, lambda xy: xy.round(DISPLAY_DECIMALS))
    features = [
        f'{{"type":"Feature","id":{json.dumps(code)},"properties":{{}},"geometry":{geometry}}}'
        for code, geometry in zip(codes, shapely.to_geojson(rounded), strict=True)
    ]
    return ('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}").encode()


def display_geometries(territories: gpd.GeoDataFrame) -> Mapping[str, DisplayGeometry]:
    """GeoJSON per level for the map (territories outside the région or without polygon left out)."""
    result = {}
    present = territories.geometry.notna() & ~territories.geometry.is_empty & inside_region(territories)
    for level in DISPLAY_LEVELS:
        frame = territories[present & (territories["level"] == level)]
        features = frame.reindex(columns=list(DISPLAY_COLUMNS)).reset_index(drop=True)
        geojson = _feature_collection(features["code"].tolist(), frame.geometry.to_numpy())
        result[level] = DisplayGeometry(
            level=level,
            features=features,
            geojson=geojson,
            geojson_gzip=gzip.compress(geojson, compresslevel=6, mtime=0),
            token=hashlib.sha256(geojson).hexdigest()[:12],
        )
    return MappingProxyType(result)


def indicator_rows(indicators: pd.DataFrame) -> Mapping[tuple[str, str], pd.DataFrame]:
    """The indicators table split per (indicator, level), each part indexed by territory code."""
    groups = {
        (str(indicator), str(level)): rows.drop_duplicates("code").set_index("code")
        for (indicator, level), rows in indicators.groupby(["indicator", "level"], sort=False)
    }
    return MappingProxyType(groups)


def current_store() -> Store | StoreError:
    """The store of the running app, or the error that prevented loading it."""
    return current_app.config[CONFIG_KEY]


def store_for_callback() -> Store:
    """The store, inside a Dash callback: without built data the callback changes nothing (the page
    already says how to build the data)."""
    store = current_store()
    if isinstance(store, StoreError):
        raise PreventUpdate
    return store
