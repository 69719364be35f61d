"""The whole of France (`python -m loaders build --region france`): every région the sources cover, built from the
national files of the mirror, compared with France and with each territory's own région, served by the same app."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboard.app import create_app
from dashboard.comparison.data import columns
from dashboard.comparison.state import choices_from_store, parse_state
from dashboard.content.sources import perimeter_sentence
from dashboard.core.catalogue import map_levels
from dashboard.core.perimeter import own_region, own_regions, perimeter
from dashboard.core.store import Store, load_store
from dashboard.map.figure import map_bounds
from dashboard.needs import analysis as needs_store
from dashboard.needs import model as needs
from dashboard.settings import Settings
from dashboard.trends.compare import Place, compare_openings
from tests.conftest import FRANCE_GROUP

pytestmark = [pytest.mark.build, pytest.mark.xdist_group(FRANCE_GROUP)]

ARRAS = "200033579"
LYON_METROPOLE = "200046977"
LYON = "69123"


@pytest.fixture(scope="module")
def store(france_data_dir: Path) -> Store:
    return load_store(france_data_dir)


def indicator_values(store: Store, level: str, codes: set[str]) -> pd.Series:
    rows = store.indicators
    kept = rows[(rows["level"] == level) & rows["code"].isin(codes)]
    return kept.set_index(["indicator", "code"])["value"].dropna()


def test_france_holds_every_region_but_mayotte_and_says_why(store: Store):
    france = perimeter(store)
    assert (france.level, france.code, france.name) == ("france", "FR", "France")
    assert (france.in_name, france.of_name) == ("en France", "de France")
    assert len(france.regions) == 17 and "06" not in dict(france.regions)
    assert store.coverage["regions_hors_perimetre"]["06"]["nom"] == "Mayotte"
    levels = store.territories["level"].value_counts()
    assert (levels["region"], levels["departement"], levels["epci"]) == (17, 100, 1_250)
    assert 34_800 < levels["commune"] < 34_900
    # France's population is its régions' sum, and no commune lies outside the perimeter.
    rows = store.indicators
    france_population = rows.loc[(rows["level"] == "france") & (rows["indicator"] == "population"), "value"]
    regions = store.territories[store.territories["level"] == "region"]
    assert float(france_population.iloc[0]) == float(regions["population"].sum()) == 68_094_280
    assert store.territories["in_region"].all()


def test_the_hdf_have_the_same_figures_as_in_the_regional_build(store: Store, built_data_dir: Path):
    regional = load_store(built_data_dir)
    codes = set(regional.territories.loc[regional.territories["level"] == "epci", "code"])
    for level, kept in (("epci", codes), ("region", {"32"})):
        national, own = indicator_values(store, level, kept), indicator_values(regional, level, kept)
        joined = pd.concat([national.rename("national"), own.rename("regional")], axis=1)
        assert joined["national"].notna().sum() > (4_000 if level == "epci" else 50)
        # Only the places (DREES figures of the HdF alone) are not estimated for France.
        only_regional = joined[joined["national"].isna()].index.get_level_values("indicator")
        assert only_regional.str.startswith(("places_", "offre_", "score_", "ecart_")).all(), set(only_regional)
        both = joined.dropna()
        assert ((both["national"] - both["regional"]).abs() <= 1e-9 * both["regional"].abs().clip(lower=1)).all()


def test_each_territory_is_compared_with_its_own_region(store: Store):
    assert own_region(store, "commune", LYON) == ("84", "Auvergne-Rhône-Alpes")
    assert own_region(store, "epci", ARRAS) == ("32", "Hauts-de-France")
    assert own_regions(store, [("epci", ARRAS), ("commune", LYON), ("epci", LYON_METROPOLE)]) == [
        ("32", "Hauts-de-France"),
        ("84", "Auvergne-Rhône-Alpes"),
    ]


def test_the_map_offers_the_regions_and_frames_metropolitan_france(store: Store):
    assert list(map_levels(store)) == ["epci", "commune", "departement", "region"]
    (west, east), (south, north) = map_bounds(store)
    assert -6 < west < -4 and 8 < east < 11 and 41 < south < 42.5 and 51 < north < 52  # Corsica in, the DROM out


def test_the_1250_epcis_are_ranked_by_their_need_without_places(store: Store):
    analysis = needs_store.analyse(store, needs_store.Parameters(weights=needs.default_weights()), draws=1)
    assert analysis.ranked == 1_250 and analysis.parameters.order == needs.NEED_ORDER
    assert analysis.table["gap_places"].isna().all()
    assert not store.indicators["indicator"].str.startswith("places_").any()


def test_the_app_serves_france_with_its_regions(france_data_dir: Path):
    client = create_app(Settings(data_dir=france_data_dir)).server.test_client()
    home = client.get("/").get_data(as_text=True)
    assert "<title>Résidences sociales — France" in home
    fiche = client.get(f"/territoire/{LYON_METROPOLE}")
    assert fiche.status_code == 200
    answer = client.get("/api/v1/indicators?level=region&indicator=population&code=84").get_json()
    assert answer["donnees"][0]["valeur"] == 8_205_557
    assert answer["meta"]["perimetre"] == {"niveau": "france", "code": "FR", "nom": "France"}


def test_the_sources_page_says_which_perimeter_was_built(store: Store, built_data_dir: Path):
    france = perimeter_sentence(store)
    assert "la France entière (17 régions, 100 départements)" in france and "hors périmètre : Mayotte" in france
    regional = perimeter_sentence(load_store(built_data_dir))
    assert regional == "Périmètre de cette construction : Hauts-de-France (région 32, 5 départements)."


def test_a_region_is_compared_with_other_regions(store: Store, built_data_dir: Path):
    choices = choices_from_store(store)
    state, notices = parse_state({"territoires": f"R32,R84,{ARRAS}"}, choices)
    assert notices == []
    shown = [(column.level, column.code) for column in columns(store, choices, state)]
    # Région 32 is not the Gers (département 32): the picker and the address write it « R32 ».
    assert shown == [("region", "32"), ("region", "84"), ("epci", ARRAS), ("france", "FR")]
    assert not any(value.startswith("R") for value in choices_from_store(load_store(built_data_dir)).territories)


def test_a_regions_openings_count_its_own_residences(store: Store):
    lines = compare_openings(store, [Place("Hauts-de-France", "region", "32"), Place("Bretagne", "region", "53")]).lines
    residences = store.residences[store.residences["family"] == "residence_sociale"]
    for line, code in zip(lines, ("32", "53"), strict=True):
        population = float(store.territories.set_index(["level", "code"]).at[("region", code), "population"])
        own = int((residences["region_code"] == code).sum())
        dated = line.values[-1] * population / 10_000  # the last point counts every dated residence of the région
        assert 0 < dated <= own < len(residences) / 5, (code, dated, own)
