"""The commune fiche (/commune/<code Insee>): its figures and comparisons, establishments, nearest residences."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.commune import data, redirects
from dashboard.commune.page import former_notice
from dashboard.core import catalogue, routes
from dashboard.core.levels import FAMILY_RESIDENCE, LEVEL_COMMUNE
from dashboard.core.store import Store, load_store
from dashboard.settings import Settings

AMIENS = "80021"
ABBEVILLE = "80001"


@pytest.fixture(scope="module")
def store(built_data_dir: Path) -> Store:
    return load_store(built_data_dir)


def test_identity_names_the_commune_its_epci_and_departement(store: Store) -> None:
    identity = data.commune_identity(store, AMIENS)
    assert identity is not None
    assert (identity.name, identity.epci_code, identity.epci_name) == ("Amiens", "248000531", "CA Amiens Métropole")
    assert (identity.departement_code, identity.departement_name) == ("80", "Somme")
    assert identity.population and identity.population > 100_000
    assert data.commune_identity(store, "99999") is None


def test_every_commune_indicator_is_compared_with_epci_departement_region_and_france(store: Store) -> None:
    identity = data.commune_identity(store, AMIENS)
    lines = data.indicator_lines(store, identity)
    published = [
        key for key in catalogue.available_indicators(store) if LEVEL_COMMUNE in catalogue.indicator_levels(store, key)
    ]
    assert [line.indicator for line in lines] == published
    population = next(line for line in lines if line.indicator == "population")
    commune, epci, departement, region, france = (value.value for value in population.values)
    assert commune == identity.population and commune < epci < departement < region < france
    assert all(line.values[0].source for line in lines)  # every commune value says where it comes from


def test_a_value_insee_withholds_says_secret_statistique_not_zero(store: Store) -> None:
    small = store.display[LEVEL_COMMUNE].features.nsmallest(1, "population")["code"].iloc[0]
    lines = data.indicator_lines(store, data.commune_identity(store, small))
    poverty = next(line for line in lines if line.indicator == "taux_pauvrete")
    assert poverty.values[0].value is None and poverty.withheld
    assert not any(line.withheld for line in lines if not line.entry.get("withheld_small_areas"))


def test_establishments_in_the_commune_and_the_nearest_residences(store: Store) -> None:
    inside = data.establishments_in(store, AMIENS)
    assert len(inside) and set(inside["commune_code"]) == {AMIENS}
    assert inside["family"].iloc[0] == FAMILY_RESIDENCE  # résidences sociales first
    nearest = data.nearest_residences(store, ABBEVILLE)
    assert len(nearest) == data.NEAREST_COUNT and ABBEVILLE not in set(nearest["commune_code"])
    assert set(nearest["family"]) == {FAMILY_RESIDENCE}
    distances = nearest["distance_km"].tolist()
    assert distances == sorted(distances) and all(math.isfinite(d) and d > 0 for d in distances)
    assert 20 < distances[0] < 60  # Amiens is about 40 km from Abbeville as the crow flies


def test_the_page_and_its_not_found_status(built_data_dir: Path) -> None:
    client = create_app(Settings(data_dir=built_data_dir)).server.test_client()
    assert client.get(routes.commune_path(AMIENS)).status_code == 200
    missing = client.get(routes.commune_path("99999"))
    assert missing.status_code == 404 and "Commune introuvable" in missing.get_data(as_text=True)


def test_a_former_code_leads_to_its_current_commune_with_a_notice(store: Store, built_data_dir: Path) -> None:
    mapped = set(store.display[LEVEL_COMMUNE].codes)
    former = catalogue.former_commune_codes(store)
    assert len(former) > 100  # mergers into communes of the région's scope
    old, current = next((old, new) for old, new in former.items() if new in mapped)
    outside = next((old for old, new in former.items() if new not in mapped), None)
    assert outside is None or redirects.current_code(store, outside) is None  # no fiche: no redirect
    client = create_app(Settings(data_dir=built_data_dir)).server.test_client()
    response = client.get(routes.commune_path(old))
    assert response.status_code == 301
    assert response.headers["Location"] == f"{routes.commune_path(current)}?ancien={old}"
    assert client.get(response.headers["Location"]).status_code == 200
    identity = data.commune_identity(store, current)
    notice = former_notice(store, identity, old)
    assert notice is not None and old in notice.children and identity.name in notice.children
    assert former_notice(store, identity, "99999") is None  # a made-up « ancien » says nothing
