"""Catalogue access and levels: what the store's catalogue declares and where its indicators have values.

An indicator's catalogue entry (label, unit, direction, source…) and the
rows of an indicator at a level; every feature reads them from here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

import pandas as pd

from dashboard.core.levels import LEVEL_NOUNS, LEVELS, NATIONAL_LEVELS
from dashboard.core.perimeter import perimeter
from dashboard.core.store import Store


def indicator_entries(store: Store) -> dict[str, dict[str, Any]]:
    """Catalogue indicators by id, in catalogue order."""
    return {entry["id"]: entry for entry in store.catalogue.get("indicators", [])}


def rows_of(store: Store, indicator: str, level: str) -> pd.DataFrame:
    """The store's rows of one indicator at one level, indexed by territory code (maybe empty)."""
    if store.indicator_rows:
        rows = store.indicator_rows.get((indicator, level))
        return rows if rows is not None else store.indicators.iloc[:0].set_index("code")
    table = store.indicators
    selected = table[(table["indicator"] == indicator) & (table["level"] == level)]
    return selected.drop_duplicates("code").set_index("code")


def _indicator_level_pairs(store: Store) -> set[tuple[str, str]]:
    if store.indicator_rows:
        return set(store.indicator_rows)
    pairs = store.indicators[["indicator", "level"]].drop_duplicates()
    return set(zip(pairs["indicator"], pairs["level"], strict=True))


def available_indicators(store: Store) -> list[str]:
    """Indicators that have values in the store (available in open data and computed)."""
    present = {indicator for indicator, _ in _indicator_level_pairs(store)}
    return [key for key, entry in indicator_entries(store).items() if entry.get("available") and key in present]


def map_levels(store: Store) -> dict[str, str]:
    """The levels of the map's switch (level → label): the régions too for a France build."""
    levels = NATIONAL_LEVELS if perimeter(store).is_france else LEVELS
    return {level: label for level, label in levels.items() if level in store.display}


def indicator_levels(store: Store, indicator: str) -> list[str]:
    """Map levels at which an indicator has values, in the order of the level switch (`map_levels`)."""
    pairs = _indicator_level_pairs(store)
    return [level for level in map_levels(store) if (indicator, level) in pairs]


def level_noun(level: str, count: int) -> str:
    singular, plural = LEVEL_NOUNS[level]
    return singular if count == 1 else plural


def territory_row(store: Store, level: str, code: str) -> dict[str, Any] | None:
    """The display row (name, kind, département, EPCI, population) of a territory of the map."""
    features = store.display[level].features
    match = features[features["code"] == code]
    return None if match.empty else match.iloc[0].to_dict()


def label_with_unit(entry: Mapping[str, Any]) -> str:
    """« Taux de pauvreté (%) »: the unit goes with the label, so per-territory strings stay short."""
    unit = entry.get("unit") or ""
    return f"{entry.get('label', '')} ({unit})" if unit else str(entry.get("label", ""))


def normalise(text: str) -> str:
    """Lower case without accents, for the name filter."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# --- Datasets by role: the build writes which dataset plays each role (`dataset_roles` of catalogue.json),
# so that no module of the app names a versioned dataset id. ---------------------------------------------

ROLE_TERRITORIES = "territories"
ROLE_CENSUS = "census"
ROLE_ESTABLISHMENTS = "establishments"
ROLE_REFERENCE_FIGURES = "reference_figures"
ROLE_INCOME_2019 = "income_2019"
ROLE_LABEL_POINTS = "label_points"


def geometry_role(level: str) -> str:
    """The role of the dataset holding the contours of a level."""
    return f"geometry_{level}"


def dataset_for(store: Store, role: str) -> dict[str, Any] | None:
    """The catalogue entry of the dataset the build declares for `role`, or None."""
    dataset_id = (store.catalogue.get("dataset_roles") or {}).get(role)
    return next((entry for entry in store.catalogue.get("datasets", []) if entry["id"] == dataset_id), None)


def dataset_id_for(store: Store, role: str) -> str | None:
    """The id of the dataset playing `role`, or None."""
    dataset = dataset_for(store, role)
    return dataset["id"] if dataset else None


def citation_for(store: Store, role: str) -> str | None:
    """The citation of the dataset playing `role`, or None."""
    dataset = dataset_for(store, role)
    return dataset["citation"] if dataset else None


# --- Featured indicators: what each view shows by default (`featured` of catalogue.json, declared once in
# loaders/indicators.py). ----------------------------------------------------------------------------------

FEATURED_MAP = "carte"
FEATURED_MAP_PANEL = "panneau_carte"
FEATURED_TABLES = "tableaux"
FEATURED_FICHE = "fiche"
FEATURED_COMPARISON = "comparaison"
FEATURED_SLIDE_MAP = "diapositive_carte"
FEATURED_SLIDE_COMPARISON = "diapositive_comparaison"


def featured(store: Store, view: str) -> tuple[str, ...]:
    """The indicators `view` shows by default, in display order (none when the build declares none)."""
    return tuple((store.catalogue.get("featured") or {}).get(view, ()))


def former_commune_codes(store: Store) -> dict[str, str]:
    """Former Insee code → current commune (mergers), as the build read them from the administrative reference."""
    return dict(store.catalogue.get("former_commune_codes") or {})
