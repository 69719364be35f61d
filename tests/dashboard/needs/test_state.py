"""The needs analysis's URL state: every valid state survives the round trip through its address."""

from __future__ import annotations

from urllib.parse import parse_qsl

from hypothesis import given
from hypothesis import strategies as st

from dashboard.needs import analysis as needs_store
from dashboard.needs import model as needs
from dashboard.needs import state as needs_state

DEPARTEMENTS = ("02", "59", "60", "62", "80")


def _ordered(allowed) -> st.SearchStrategy[tuple[str, ...]]:
    """A subset of `allowed`, in its order (as the state keeps it)."""
    return st.sets(st.sampled_from(tuple(allowed))).map(lambda chosen: tuple(key for key in allowed if key in chosen))


#: Slider steps: quarters from 0 to the maximum weight.
WEIGHT = st.integers(0, int(4 * needs.WEIGHT_MAX)).map(lambda quarters: quarters / 4)
WEIGHTS = st.lists(WEIGHT, min_size=len(needs.CANDIDATES), max_size=len(needs.CANDIDATES)).filter(
    lambda values: any(value > 0 for value in values)
)


@st.composite
def states(draw) -> needs_state.NeedsState:
    reference = draw(st.sampled_from(tuple(needs_store.REFERENCES)))
    target = draw(st.floats(0, needs_state.MAX_TARGET, allow_nan=False))
    return needs_state.NeedsState(
        weights=tuple(zip((c.indicator for c in needs.CANDIDATES), draw(WEIGHTS), strict=True)),
        normalisation=draw(st.sampled_from(tuple(needs.NORMALISATIONS))),
        include_partial=draw(st.booleans()),
        reference=reference,
        target=target if reference == "cible" else draw(st.none() | st.just(target)),
        order=draw(st.sampled_from(tuple(needs.ORDERS))),
        departements=draw(_ordered(DEPARTEMENTS)),
        kinds=draw(_ordered(needs_state.KINDS)),
        band=draw(st.none() | st.sampled_from(tuple(needs_state.BANDS))),
    )


@given(state=states())
def test_every_valid_needs_state_survives_the_round_trip(state: needs_state.NeedsState) -> None:
    query = dict(parse_qsl(needs_state.serialise_needs(state)[1:], keep_blank_values=True))
    assert needs_state.parse_needs(query, DEPARTEMENTS, strict=True) == (state, [])


@given(state=states())
def test_the_index_parameters_alone_restore_the_index(state: needs_state.NeedsState) -> None:
    pairs = needs_state.needs_pairs(state, only=needs_state.INDEX_PARAMS)
    assert {name for name, _ in pairs} <= set(needs_state.INDEX_PARAMS)
    parsed, notices = needs_state.parse_needs(dict(pairs), only=needs_state.INDEX_PARAMS)
    assert notices == []
    assert (parsed.weights, parsed.normalisation, parsed.include_partial) == (
        state.weights,
        state.normalisation,
        state.include_partial,
    )


def test_a_target_without_the_target_reference_is_kept_and_written() -> None:
    state = needs_state.NeedsState(weights=needs.default_weights(), target=12.5)
    assert "cible=12.5" in needs_state.serialise_needs(state)


def test_unknown_parameters_are_noted_only_when_strict() -> None:
    query = {"reference": "region", "zoom": "3"}
    assert needs_state.parse_needs(query)[1] == []
    assert needs_state.parse_needs(query, strict=True)[1] == ["Paramètre « zoom » inconnu : il est ignoré."]


def test_a_reference_to_a_missing_target_falls_back_with_its_notice() -> None:
    state, notices = needs_state.parse_needs({"reference": "cible", "cible": ""})
    assert state.reference == "france" and notices == [needs_state.NO_TARGET]
