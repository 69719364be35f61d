"""The comparison page (/comparer): its address, its table of values with sources, its links."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.comparison import data, layout
from dashboard.comparison.state import (
    MAX_TERRITORIES,
    CompareState,
    choices_from_store,
    compare_href,
    parse_state,
    serialise_state,
)
from dashboard.core import routes
from dashboard.core.store import Store, load_store

AMIENS_COMMUNE, AMIENS_EPCI, SOMME, LENS = "80021", "248000531", "80", "246200364"


@pytest.fixture(scope="module")
def store(built_data_dir: Path) -> Store:
    return load_store(built_data_dir)


@pytest.fixture(scope="module")
def choices(store: Store):
    return choices_from_store(store)


def test_territories_of_any_level_are_read_from_the_address(choices) -> None:
    state, notices = parse_state({"territoires": f"{AMIENS_COMMUNE},{AMIENS_EPCI},{SOMME}"}, choices)
    assert state.territories == (AMIENS_COMMUNE, AMIENS_EPCI, SOMME) and notices == []
    assert state.indicators == choices.defaults and "population" in state.indicators


def test_bad_values_are_ignored_with_a_french_notice(choices) -> None:
    state, notices = parse_state(
        {"territoires": f"{AMIENS_EPCI},99999,{LENS},59350,62041,80001", "indicateurs": "population,inconnu"}, choices
    )
    assert state.territories == (AMIENS_EPCI, LENS, "59350", "62041")
    assert state.indicators == ("population",)
    assert any("99999" in notice for notice in notices)
    assert any(f"{MAX_TERRITORIES} territoires au plus" in notice for notice in notices)
    assert any("inconnu" in notice for notice in notices)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_valid_comparison_survives_the_round_trip(choices, data) -> None:
    codes = sorted(choices.territories)
    territories = data.draw(st.lists(st.sampled_from(codes), min_size=2, max_size=MAX_TERRITORIES, unique=True))
    picked = data.draw(st.sets(st.sampled_from(choices.indicators), min_size=1, max_size=6))
    state = CompareState(tuple(territories), tuple(key for key in choices.indicators if key in picked))
    query = dict(pair.split("=", 1) for pair in serialise_state(state)[1:].split("&"))
    assert parse_state(query, choices) == (state, [])


def test_the_table_has_each_territory_the_region_and_france_with_sources(store: Store, choices) -> None:
    state = CompareState((AMIENS_COMMUNE, AMIENS_EPCI, SOMME), ("population", "taux_pauvrete"))
    shown = data.columns(store, choices, state)
    assert [column.heading for column in shown] == [
        "Amiens (commune)",
        "CA Amiens Métropole (EPCI)",
        "Somme (département)",
        "Hauts-de-France",
        "France",
    ]
    population, poverty = data.comparison_lines(store, shown, state.indicators)
    commune, epci, departement, region, france = (value.value for value in population.values)
    assert commune < epci < departement < region < france
    assert all(value.source for value in population.values[:4])
    assert poverty.values[1].coverage is not None and poverty.values[1].coverage < 1  # an approximation says so


def test_links_to_the_comparison_and_to_the_presentation(choices) -> None:
    assert compare_href(AMIENS_EPCI) == f"{routes.COMPARE}?territoires={AMIENS_EPCI}"
    href, hidden = layout.add_to_deck(choices, CompareState((AMIENS_EPCI, LENS), ("population",)))
    assert not hidden and "comparaison" in href
    assert layout.add_to_deck(choices, CompareState((AMIENS_EPCI, SOMME), ("population",)))[1]  # EPCIs only
