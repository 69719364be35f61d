"""URL state of the map explorer: parsing, defaults, notices, round trip (pure functions, no store)."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.core.levels import LEVELS
from dashboard.map.classification import MAX_CLASSES, MIN_CLASSES, SCHEMES
from dashboard.map.palette import REFERENCES
from dashboard.map.state import (
    MapChoices,
    MapState,
    default_state,
    parse_state,
    serialise_state,
    state_from_controls,
)
from dashboard.needs import analysis as needs_store
from dashboard.needs import model as needs
from dashboard.needs import state as needs_state

CHOICES = MapChoices(
    indicators=("population", "residence_sociale_pour_10000", "taux_pauvrete"),
    unavailable={"taux_logement_social": "SDES, RPLS"},
    labels={"taux_logement_social": "Part des logements sociaux"},
    layers=("generaliste", "fjt", "chrs"),
    default_layers=("generaliste", "fjt"),
    codes={"epci": frozenset({"200033579", "248000531"}), "commune": frozenset({"62041"}), "departement": frozenset()},
    featured=("residence_sociale_pour_10000",),
)


def query_of(text: str) -> dict[str, str]:
    return dict(parse_qsl(text.lstrip("?"), keep_blank_values=True))


def test_an_empty_query_gives_the_defaults_without_notice():
    state, notices = parse_state({}, CHOICES)
    assert state == MapState(indicator="residence_sociale_pour_10000", layers=("generaliste", "fjt"))
    assert state == default_state(CHOICES)
    assert notices == []


def test_the_default_indicator_falls_back_to_the_first_available():
    choices = replace(CHOICES, indicators=("population",))
    assert default_state(choices).indicator == "population"
    assert default_state(replace(CHOICES, indicators=())).indicator is None


def test_a_full_query_is_read():
    query = {
        "indicateur": "taux_pauvrete",
        "niveau": "commune",
        "classement": "seuils-naturels",
        "classes": "7",
        "reference": "region",
        "couches": "chrs,generaliste",
        "territoire": "62041",
    }
    state, notices = parse_state(query, CHOICES)
    assert notices == []
    assert state == MapState(
        "taux_pauvrete", "commune", "seuils-naturels", 7, "region", ("generaliste", "chrs"), "62041"
    )


@pytest.mark.parametrize(
    ("query", "field", "expected", "notice"),
    [
        ({"indicateur": "inconnu"}, "indicator", "residence_sociale_pour_10000", "Indicateur « inconnu » inconnu"),
        ({"niveau": "lune"}, "level", "epci", "Niveau « lune » inconnu"),
        ({"classement": "hasard"}, "scheme", "quantiles", "Méthode de classement « hasard » inconnue"),
        ({"classes": "2"}, "classes", 5, "Nombre de classes « 2 » invalide (de 3 à 7)"),
        ({"classes": "8"}, "classes", 5, "Nombre de classes « 8 » invalide"),
        ({"classes": "cinq"}, "classes", 5, "Nombre de classes « cinq » invalide"),
        ({"reference": "nation"}, "reference", "auto", "Référence « nation » inconnue"),
        ({"palette": "arc-en-ciel"}, "palette", "bleus", "Palette « arc-en-ciel » inconnue"),
        ({"territoire": "999999999"}, "territory", None, "Territoire « 999999999 » introuvable"),
    ],
)
def test_a_bad_value_falls_back_to_its_default_with_a_french_notice(query, field, expected, notice):
    state, notices = parse_state(query, CHOICES)
    assert getattr(state, field) == expected
    assert len(notices) == 1
    assert notice in notices[0]


def test_an_indicator_missing_from_open_data_names_its_official_source():
    state, notices = parse_state({"indicateur": "taux_logement_social"}, CHOICES)
    assert state.indicator == "residence_sociale_pour_10000"
    assert notices == [
        "L'indicateur « Part des logements sociaux » n'est pas disponible en données ouvertes "
        "(source officielle : SDES, RPLS) : l'indicateur par défaut est affiché."
    ]


def test_unknown_and_repeated_parameters_are_reported():
    state, notices = parse_state({"zoom": "3", "niveau": ["commune", "epci"]}, CHOICES)
    assert state.level == "commune"
    assert "Paramètre « zoom » inconnu : il est ignoré." in notices
    assert "Le paramètre « niveau » est répété : seule sa première valeur est retenue." in notices


def test_layers_none_some_and_unknown():
    assert parse_state({"couches": "aucune"}, CHOICES)[0].layers == ()
    assert parse_state({"couches": ""}, CHOICES)[0].layers == ()
    state, notices = parse_state({"couches": "fjt,licorne"}, CHOICES)
    assert state.layers == ("fjt",)
    assert notices == ["Couche(s) inconnue(s) ignorée(s) : « licorne »."]
    state, notices = parse_state({"couches": "licorne"}, CHOICES)
    assert state.layers == ("generaliste", "fjt")  # nothing valid: the default layers
    assert notices == ["Couche(s) inconnue(s) ignorée(s) : « licorne » ; couches par défaut affichées."]


def test_a_territory_must_exist_at_the_chosen_level():
    assert parse_state({"territoire": "200033579"}, CHOICES)[0].territory == "200033579"
    state, notices = parse_state({"territoire": "200033579", "niveau": "commune"}, CHOICES)
    assert state.territory is None
    assert notices


@pytest.mark.parametrize(
    "state",
    [
        MapState("population"),
        MapState("taux_pauvrete", "commune", "intervalles-egaux", 3, "region", (), "62041"),
        MapState("residence_sociale_pour_10000", "epci", "seuils-naturels", 6, "auto", ("chrs",), "248000531"),
    ],
)
def test_serialise_then_parse_restores_the_state(state):
    text = serialise_state(state)
    assert text.startswith("?indicateur=")
    restored, notices = parse_state(query_of(text), CHOICES)
    assert notices == []
    assert restored == state


def test_the_query_string_is_readable():
    text = serialise_state(MapState("population", layers=("generaliste", "fjt"), territory="200033579"))
    assert text == (
        "?indicateur=population&niveau=epci&classement=quantiles&classes=5&reference=auto"
        "&couches=generaliste,fjt&territoire=200033579"
    )


def test_a_palette_is_read_and_written_only_when_it_is_not_the_default():
    state, notices = parse_state({"palette": "viridis"}, CHOICES)
    assert notices == [] and state.palette == "viridis"
    assert "&reference=auto&palette=viridis&" in serialise_state(state)
    assert "palette" not in serialise_state(replace(state, palette="bleus"))
    assert parse_state(query_of(serialise_state(state)), CHOICES)[0] == state


def test_state_from_controls_checks_values_like_the_url():
    state = state_from_controls(CHOICES, "taux_pauvrete", "commune", "quantiles", 4, "auto", ["chrs"], "62041")
    assert state == MapState("taux_pauvrete", "commune", "quantiles", 4, "auto", ("chrs",), "62041")
    fallback = state_from_controls(CHOICES, "inconnu", None, "hasard", 12, None, None, "000")
    assert fallback == MapState("residence_sociale_pour_10000", layers=())


SCORE_CHOICES = replace(CHOICES, indicators=(*CHOICES.indicators, needs_store.SCORE_INDICATOR))
WEIGHTS = st.lists(
    st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, needs.WEIGHT_MAX]),
    min_size=len(needs.CANDIDATES),
    max_size=len(needs.CANDIDATES),
).filter(lambda weights: any(weight > 0 for weight in weights))
SCORES = st.builds(
    lambda weights, normalisation, partial: replace(
        needs_state.default_state(),
        weights=tuple(
            (candidate.indicator, weight) for candidate, weight in zip(needs.CANDIDATES, weights, strict=True)
        ),
        normalisation=normalisation,
        include_partial=partial,
    ),
    WEIGHTS,
    st.sampled_from(list(needs.NORMALISATIONS)),
    st.booleans(),
)


@given(
    indicator=st.sampled_from(SCORE_CHOICES.indicators),
    level=st.sampled_from(list(LEVELS)),
    scheme=st.sampled_from(list(SCHEMES)),
    classes=st.integers(MIN_CLASSES, MAX_CLASSES),
    reference=st.sampled_from(list(REFERENCES)),
    layers=st.sets(st.sampled_from(CHOICES.layers)).map(lambda chosen: tuple(k for k in CHOICES.layers if k in chosen)),
    score=SCORES,
    data=st.data(),
)
def test_every_valid_state_survives_the_round_trip(indicator, level, scheme, classes, reference, layers, score, data):
    territory = data.draw(st.none() | st.sampled_from(sorted(SCORE_CHOICES.codes[level]) or [None]))
    if indicator != needs_store.SCORE_INDICATOR:
        score = needs_state.default_state()  # the index's settings are written only when the map shows it
    state = MapState(indicator, level, scheme, classes, reference, layers, territory, score)
    restored, notices = parse_state(query_of(serialise_state(state)), SCORE_CHOICES)
    assert notices == []
    assert restored == state


def test_the_map_opens_on_the_need_index_by_epci_and_on_the_featured_indicator_elsewhere():
    """The need index exists by EPCI only: an address naming the communes without an indicator shows the
    catalogue's featured one; an indicator named in the address is kept whatever the level."""
    with_index = replace(
        CHOICES,
        indicators=(*CHOICES.indicators, needs_store.SCORE_INDICATOR),
        featured=(needs_store.SCORE_INDICATOR, "residence_sociale_pour_10000"),
    )
    assert parse_state({}, with_index)[0].indicator == needs_store.SCORE_INDICATOR
    assert parse_state({"niveau": "commune"}, with_index)[0].indicator == "residence_sociale_pour_10000"
    kept = parse_state({"niveau": "commune", "indicateur": needs_store.SCORE_INDICATOR}, with_index)[0]
    assert kept.indicator == needs_store.SCORE_INDICATOR


def test_the_real_build_opens_the_map_on_the_need_index(store):
    from dashboard.map.state import choices_from_store

    assert choices_from_store(store).default_indicator == needs_store.SCORE_INDICATOR
