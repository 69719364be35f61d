"""The tables page's URL state: any valid state survives its query string unchanged, without notices."""

from __future__ import annotations

from urllib.parse import parse_qs

from hypothesis import given
from hypothesis import strategies as st

from dashboard.tables.state import (
    LEVEL_DEPARTEMENT,
    LEVELS,
    MAX_THRESHOLDS,
    RESIDENCE_COLUMNS,
    TABS,
    Sort,
    TableChoices,
    TableState,
    Threshold,
    parse_query,
    sort_columns,
    to_query,
)

CHOICES = TableChoices(
    indicators={
        "commune": ("population", "taux_pauvrete", "revenu_median", "taux_vacance"),
        "epci": ("population", "taux_pauvrete", "nb_residence_sociale"),
        "departement": ("population", "lda_relogements"),
    },
    departements=("02", "59", "60", "62", "80"),
    epcis=("200000001", "200000002", "248000531"),
    residence_types=("pension_de_famille", "fjt", "chrs"),
)
BOUNDS = st.none() | st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


def subsequence(values: tuple[str, ...]) -> st.SearchStrategy[tuple[str, ...]]:
    """A subset of `values`, kept in their order (the canonical order of the page)."""
    return st.lists(st.sampled_from(values), unique=True).map(lambda chosen: tuple(v for v in values if v in chosen))


def sort_on(columns: tuple[str, ...]) -> st.SearchStrategy[Sort | None]:
    return st.none() | st.builds(Sort, st.sampled_from(columns), st.booleans())


@st.composite
def thresholds(draw: st.DrawFn, indicators: tuple[str, ...]) -> tuple[Threshold, ...]:
    chosen = draw(st.lists(st.sampled_from(indicators), unique=True, max_size=MAX_THRESHOLDS))
    result = []
    for indicator in chosen:
        minimum, maximum = draw(BOUNDS), draw(BOUNDS)
        if minimum is None and maximum is None:
            continue
        if minimum is not None and maximum is not None and minimum > maximum:
            minimum, maximum = maximum, minimum
        result.append(Threshold(indicator, minimum, maximum))
    return tuple(result)


@st.composite
def table_states(draw: st.DrawFn) -> TableState:
    level = draw(st.sampled_from(LEVELS))
    available = CHOICES.available(level)
    indicators = draw(subsequence(available).filter(bool))
    return TableState(
        tab=draw(st.sampled_from(TABS)),
        level=level,
        indicators=indicators,
        departements=draw(subsequence(CHOICES.departements)),
        epcis=() if level == LEVEL_DEPARTEMENT else draw(subsequence(CHOICES.epcis)),
        thresholds=draw(thresholds(indicators)),
        sort=draw(sort_on(sort_columns(level, indicators))),
        residence_types=draw(subsequence(CHOICES.residence_types)),
        residence_sort=draw(sort_on(tuple(column for column, _label in RESIDENCE_COLUMNS))),
    )


@given(table_states())
def test_a_state_reads_back_from_its_query_string(state: TableState):
    query = to_query(state)
    again, notices = parse_query(parse_qs(query, keep_blank_values=True), CHOICES)
    assert notices == []
    assert again == state
    assert to_query(again) == query


def test_unknown_values_are_noted_once_each_in_the_order_of_the_page():
    query = {
        "inconnu": "1",
        "niveau": "canton",
        "indicateurs": "population,absent,absent",
        "min_population": "beaucoup",
        "dep": "99",
        "tri": "-nulle_part",
    }
    state, notices = parse_query(query, CHOICES)
    assert state == TableState(level="epci", indicators=("population",))
    assert notices == [
        "Paramètre « inconnu » inconnu, ignoré.",
        "Niveau « canton » inconnu : affichage par EPCI.",
        "Indicateur « absent » inconnu ou non disponible au niveau EPCI, ignoré.",
        "Seuil « min_population=beaucoup » ignoré : un nombre est attendu.",
        "Département « 99 » inconnu, ignoré.",
        "Tri « -nulle_part » impossible : cette colonne n'est pas dans le tableau, ordre par défaut.",
    ]
