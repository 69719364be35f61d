"""Property: a valid deck written in the address reads back to the same slides, without a notice."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.core.store import load_store
from dashboard.map.classification import MAX_CLASSES, MIN_CLASSES, SCHEMES
from dashboard.map.palette import REFERENCES
from dashboard.needs import analysis as needs_store
from dashboard.needs import model as needs
from dashboard.presentation import parsing, request, specs

WEIGHT_VALUES = (0.5, 1.0, 1.5, 2.0, 3.0)


@pytest.fixture(scope="module")
def choices(built_data_dir: Path) -> specs.DeckChoices:
    return specs.choices_from_store(load_store(built_data_dir))


def weights() -> st.SearchStrategy[specs.Weights]:
    """Chosen need-index weights (in the candidates' order, never the defaults: those are written ())."""
    indicators = [candidate.indicator for candidate in needs.CANDIDATES]
    drawn = st.lists(st.sampled_from(WEIGHT_VALUES), min_size=len(indicators), max_size=len(indicators))
    mask = st.lists(st.booleans(), min_size=len(indicators), max_size=len(indicators))
    return st.tuples(drawn, mask).map(
        lambda pair: specs.chosen_weights(
            (indicator, weight if kept else 0.0) for indicator, weight, kept in zip(indicators, *pair, strict=True)
        )
    )


def map_slides(choices: specs.DeckChoices) -> st.SearchStrategy[specs.SlideSpec]:
    mapped = sorted(key for key, levels in choices.levels.items() if levels)

    def of_indicator(indicator: str) -> st.SearchStrategy[specs.SlideSpec]:
        score = indicator == needs_store.SCORE_INDICATOR
        return st.builds(
            specs.SlideSpec,
            kind=st.just(specs.KIND_MAP),
            indicator=st.just(indicator),
            level=st.sampled_from(choices.levels[indicator]),
            scheme=st.sampled_from(list(SCHEMES)),
            classes=st.integers(MIN_CLASSES, MAX_CLASSES),
            reference=st.sampled_from(list(REFERENCES)),
            weights=weights() if score else st.just(()),
        )

    return st.sampled_from(mapped).flatmap(of_indicator)


def slides(choices: specs.DeckChoices) -> st.SearchStrategy[specs.SlideSpec]:
    epcis = sorted(choices.epcis)
    ranking = st.builds(
        specs.SlideSpec,
        kind=st.just(specs.KIND_RANKING),
        top=st.integers(specs.MIN_TOP, specs.MAX_TOP),
        weights=weights(),
    )
    territory = st.sampled_from(epcis).map(lambda code: specs.SlideSpec(specs.KIND_TERRITORY, codes=(code,)))
    comparison = st.builds(
        specs.SlideSpec,
        kind=st.just(specs.KIND_COMPARISON),
        codes=st.lists(
            st.sampled_from(epcis), min_size=specs.MIN_COMPARED, max_size=specs.MAX_COMPARED, unique=True
        ).map(tuple),
        indicators=st.lists(
            st.sampled_from(choices.epci_indicators), min_size=1, max_size=specs.MAX_COMPARED_INDICATORS, unique=True
        ).map(tuple),
    )
    return st.one_of(map_slides(choices), ranking, territory, comparison)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_valid_deck_reads_back_to_the_same_slides(choices, data):
    deck = data.draw(st.lists(slides(choices), min_size=1, max_size=specs.MAX_SLIDES))
    parsed, notices = parsing.parse_deck(specs.serialise_deck(deck), choices)
    assert notices == []
    assert parsed == deck


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_address_of_a_deck_reads_back_to_it(choices, data):
    deck = data.draw(st.lists(slides(choices), min_size=1, max_size=8))
    added = data.draw(st.lists(slides(choices), max_size=specs.MAX_SLIDES - len(deck)))
    query = parse_qs(urlsplit(request.deck_href(deck, ajouter=specs.serialise_deck(added), vue="impression")).query)
    asked = request.parse_request({name: values[0] for name, values in query.items()}, choices)
    assert asked.notices == ()
    assert asked.deck == tuple(deck) and asked.added == tuple(added) and asked.print_view
