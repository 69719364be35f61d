"""Catalogue access: featured indicators and datasets by role, read from the build's catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.core import catalogue
from dashboard.core.store import Store, load_store
from loaders import indicators


@pytest.fixture(scope="module")
def store(built_data_dir: Path) -> Store:
    return load_store(built_data_dir)


def test_featured_indicators_come_from_the_one_declaration(store: Store) -> None:
    assert catalogue.featured(store, catalogue.FEATURED_FICHE) == indicators.FEATURED["fiche"]
    assert catalogue.featured(store, catalogue.FEATURED_MAP) == ("residence_sociale_pour_10000",)
    assert catalogue.featured(store, "vue-inconnue") == ()


def test_datasets_are_found_by_role_never_by_a_versioned_id(store: Store) -> None:
    territories = catalogue.dataset_for(store, catalogue.ROLE_TERRITORIES)
    assert territories is not None and territories["citation"] == catalogue.citation_for(
        store, catalogue.ROLE_TERRITORIES
    )
    assert catalogue.dataset_id_for(store, catalogue.geometry_role("epci")) in {
        entry["id"] for entry in store.catalogue["datasets"]
    }
    assert catalogue.dataset_for(store, "role-inconnu") is None
