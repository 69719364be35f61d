"""The economic-model calculator: arithmetic (hand-checked), validation, defaults, URL state, views."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from dash._pages import _parse_query_string
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.calculator import model as calc
from dashboard.calculator import views as view
from tests.dashboard.test_app import text_of

#: Reference figures as the catalogue gives them (values of reference_figures.csv, to be confirmed).
FIGURES = [
    {"id": "cout_place_chrs", "label_fr": "Coût annuel moyen d'une place en CHRS", "value": 20550.0,
     "unit": "EUR per place per year", "geography": "France", "reference_date": "2019",
     "publisher": "desk research (public reports on the cost of hébergement and logement accompagné)",
     "publication": "order of magnitude, to be confirmed", "note": "", "to_be_confirmed": True},
    {"id": "cout_place_hotel", "label_fr": "Coût annuel d'une place en hébergement hôtelier", "value": 6000.0,
     "unit": "EUR per place per year", "geography": "France", "reference_date": "2019",
     "publisher": "desk research (public reports on the cost of hébergement and logement accompagné)",
     "publication": "order of magnitude", "note": "", "to_be_confirmed": True},
    {"id": "cout_place_iml", "label_fr": "Coût annuel d'une place en intermédiation locative", "value": 2200.0,
     "unit": "EUR per place per year (upper bound)", "geography": "France", "reference_date": "2019",
     "publisher": "desk research (public reports on the cost of hébergement and logement accompagné)",
     "publication": "order of magnitude", "note": "", "to_be_confirmed": True},
    {"id": "forfait_pension_famille_2023", "label_fr": "Forfait journalier (après revalorisation)", "value": 18.0,
     "unit": "EUR per place per day", "geography": "France", "reference_date": "2023",
     "publisher": "desk research (public reports on the cost of hébergement and logement accompagné)",
     "publication": "order of magnitude", "note": "", "to_be_confirmed": True},
    {"id": "agls_min", "label_fr": "AGLS : bas de fourchette", "value": 12200.0, "unit": "EUR per residence per year",
     "geography": "France", "reference_date": "2023", "publisher": "desk research", "publication": "range",
     "note": "range", "to_be_confirmed": True},
    {"id": "agls_max", "label_fr": "AGLS : haut de fourchette", "value": 25000.0, "unit": "EUR per residence per year",
     "geography": "France", "reference_date": "2023", "publisher": "desk research", "publication": "range",
     "note": "range", "to_be_confirmed": True},
]  # fmt: skip


@pytest.fixture
def initial() -> dict[str, str]:
    return calc.defaults(FIGURES)


def with_inputs(initial: dict[str, str], **inputs: str) -> dict[str, str]:
    return {**initial, **inputs}


# --- Arithmetic, checked by hand ---------------------------------------------------------------


def test_pension_de_famille_with_a_subsidy_share(initial):
    # subsidies 50 % × 100 000 € × 25 places = 1 250 000 €; ÷ 40 years ÷ 25 places = 1 250 €
    # forfait 18 € × 365 × 95 % = 6 241,50 €; AGLS 25 000 € ÷ 25 places = 1 000 €; total 8 491,50 €
    state = with_inputs(
        initial, places="25", investissement="100 000", part_subvention="50", duree="40", occupation="95",
        fonctionnement="9000",
    )  # fmt: skip
    result = calc.estimate(state)
    assert result.subsidy_total == pytest.approx(1_250_000)
    assert result.investment_part == pytest.approx(1_250)
    assert result.forfait_part == pytest.approx(6_241.5)
    assert result.agls_part == pytest.approx(1_000)
    assert result.public_cost == pytest.approx(8_491.5)
    # full cost: 100 000 ÷ 40 + 9 000 = 11 500 €; operating remainder: 9 000 − 6 241,5 − 1 000 = 1 758,5 €
    assert result.full_cost == pytest.approx(11_500)
    assert result.operating_remainder == pytest.approx(1_758.5)
    assert result.missing == result.invalid == result.missing_full == ()
    chrs = {alternative.key: alternative for alternative in result.alternatives}[calc.COST_CHRS]
    assert chrs.cost == 20_550
    assert chrs.ratio == pytest.approx(20_550 / 8_491.5)


def test_other_residence_with_a_subsidy_amount_ignores_the_forfait(initial):
    # 600 000 € ÷ 30 years ÷ 60 places = 333,33 €; AGLS 12 200 € ÷ 60 = 203,33 €; no forfait: 536,67 €
    state = with_inputs(
        initial, type="autre", subvention="montant", montant_subvention="600000", places="60", duree="30",
        agls="12200", forfait="abc", occupation="",
    )  # fmt: skip
    result = calc.estimate(state)
    assert result.forfait_part == 0
    assert result.investment_part == pytest.approx(333.333, abs=1e-3)
    assert result.agls_part == pytest.approx(203.333, abs=1e-3)
    assert result.public_cost == pytest.approx(536.667, abs=1e-3)
    assert calc.validate(state).errors == {}, "fields that do not enter the calculation are not validated"
    assert result.full_cost is None
    assert result.missing_full == ("Investissement par place", "Coût de fonctionnement par place")


def test_french_decimals_and_zero_subsidy(initial):
    state = with_inputs(
        initial, places="10", investissement="80000", part_subvention="0", duree="25", forfait="18,5",
        occupation="100", agls="0",
    )  # fmt: skip
    result = calc.estimate(state)
    assert result.investment_part == 0
    assert result.public_cost == pytest.approx(18.5 * 365)


def test_public_cost_of_zero_gives_no_ratio(initial):
    state = with_inputs(
        initial, type="autre", places="10", investissement="1000", part_subvention="0", duree="10", agls="0"
    )
    result = calc.estimate(state)
    assert result.public_cost == 0
    assert all(alternative.ratio is None for alternative in result.alternatives)


def test_missing_inputs_are_named_and_nothing_is_computed(initial):
    result = calc.estimate(initial)
    assert result.public_cost is None
    assert result.missing == (
        "Nombre de places",
        "Investissement par place",
        "Part de l'investissement couverte par des subventions publiques",
        "Durée d'amortissement",
        "Taux d'occupation",
    )
    assert result.forfait_part is None
    assert [alternative.cost for alternative in result.alternatives] == [20_550, 6_000, 2_200]


# --- Validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("places", "0", "« Nombre de places » doit être supérieur à zéro."),
        ("places", "-5", "« Nombre de places » ne peut pas être négatif."),
        ("places", "12,5", "« Nombre de places » doit être un nombre entier."),
        ("places", "99999999", "« Nombre de places » dépasse la valeur maximale acceptée (2\u202f000\u202fplaces)"),
        ("places", "1" + "0" * 400, "dépasse la valeur maximale acceptée"),
        ("investissement", "1e9", "« Investissement par place » : saisissez un nombre en chiffres"),
        ("investissement", "cent mille", "saisissez un nombre en chiffres (virgule pour les décimales)"),
        ("investissement", "1.000,5", "saisissez un nombre en chiffres"),
        ("part_subvention", "150", "dépasse la valeur maximale acceptée (100\u202f%)"),
        ("duree", "0", "« Durée d'amortissement » doit être supérieur à zéro."),
        ("occupation", "-1", "« Taux d'occupation » ne peut pas être négatif."),
        ("forfait", "inf", "saisissez un nombre en chiffres"),
        ("agls", "NaN", "saisissez un nombre en chiffres"),
    ],
)
def test_bad_values_are_rejected_in_french(initial, key, text, message):
    state = with_inputs(initial, **{key: text})
    checked = calc.validate(state)
    assert message in checked.errors[key]
    assert checked.values[key] is None
    assert calc.estimate(state).public_cost is None


def test_an_invalid_input_is_reported_as_to_correct_not_as_missing(initial):
    state = with_inputs(initial, places="0", investissement="1000", part_subvention="10", duree="10", occupation="90")
    result = calc.estimate(state)
    assert result.invalid == ("Nombre de places",)
    assert result.missing == ()


def test_subsidies_cannot_exceed_the_investment(initial):
    state = with_inputs(
        initial, subvention="montant", montant_subvention="3 000 000", places="20", investissement="100000",
        duree="30", occupation="90",
    )  # fmt: skip
    checked = calc.validate(state)
    assert "dépassent l'investissement total (2\u202f000\u202f000\u202f€" in checked.errors["montant_subvention"]
    assert calc.estimate(state).public_cost is None


def test_parse_number_accepts_french_and_english_writing():
    assert calc.parse_number("12 200") == 12200
    assert calc.parse_number("12\u202f200,5") == 12200.5
    assert calc.parse_number("18.5") == 18.5
    assert calc.parse_number(" 25 000 € ") == 25000
    assert calc.parse_number("95 %") == 95
    assert calc.parse_number("") is None
    assert calc.parse_number(None) is None
    with pytest.raises(calc.InvalidValue):
        calc.parse_number("1,2,3")


# --- Defaults: only published figures ------------------------------------------------------------


def test_defaults_come_only_from_the_reference_figures(initial):
    assert initial[calc.FORFAIT] == "18"
    assert initial[calc.AGLS] == "25000"
    assert (initial[calc.COST_CHRS], initial[calc.COST_HOTEL], initial[calc.COST_IML]) == ("20550", "6000", "2200")
    for key in (calc.PLACES, calc.INVESTMENT, calc.SUBSIDY_SHARE_FIELD, calc.SUBSIDY_AMOUNT_FIELD, calc.DURATION,
                calc.OPERATING, calc.OCCUPANCY):  # fmt: skip
        assert initial[key] == "", f"{key} has no published figure: no default"
    assert initial[calc.KIND] == calc.KIND_PENSION
    assert initial[calc.SUBSIDY_MODE] == calc.SUBSIDY_SHARE


def test_without_reference_figures_no_number_is_invented():
    bare = calc.defaults([])
    assert all(bare[field.key] == "" for field in calc.FIELDS)
    assert calc.estimate(bare).alternatives == ()


def test_defaults_match_the_catalogue_of_a_real_build(built_data_dir):
    from dashboard.core.store import load_store

    store = load_store(built_data_dir)
    figures = store.catalogue["reference_figures"]
    by_id = {record["id"]: record for record in figures}
    initial = calc.defaults(figures)
    for field in calc.FIELDS:
        if field.reference == calc.REFERENCE_PLACES:  # derived from the build, not a catalogue figure
            continue
        if field.reference:
            assert field.reference in by_id, f"{field.reference} missing from the catalogue"
            assert calc.parse_number(initial[field.key]) == by_id[field.reference]["value"]
            assert by_id[field.reference]["to_be_confirmed"], "shown as orders of magnitude to confirm"


def test_the_page_says_which_defaults_are_to_confirm_and_which_fields_have_none():
    figures = {record["id"]: record for record in FIGURES}
    assert view.defaults_to_confirm(figures) == [
        "forfait journalier de fonctionnement",
        "aide à la gestion locative sociale (AGLS)",
        "place en CHRS",
        "place à l'hôtel toute l'année",
        "place en intermédiation locative (au plus)",
    ]
    assert "nombre de places" in view.fields_without_default(figures)
    assert "durée d'amortissement" in view.fields_without_default(figures)
    help_text = view.field_help(calc.FIELDS_BY_KEY[calc.INVESTMENT], figures)
    assert help_text.startswith("Pas de valeur par défaut")
    agls = view.field_help(calc.FIELDS_BY_KEY[calc.AGLS], figures)
    assert "haut de la fourchette publiée (12\u202f200 à 25\u202f000\u202f€" in agls
    assert "ordre de grandeur à confirmer" in agls


# --- State in the URL ----------------------------------------------------------------------------


def test_url_state_round_trip(initial):
    state = with_inputs(
        initial, type="autre", subvention="montant", places="25", montant_subvention="1 250 000", duree="40",
        forfait="", agls="12200", cout_chrs="21000,5",
    )  # fmt: skip
    query = calc.query_string(state, initial)
    assert query.startswith("?type=autre&subvention=montant&places=25")
    assert "forfait=&" in query, "an emptied default is kept as empty"
    assert "cout_hotel" not in query, "unchanged defaults stay out of the address"
    restored, notices = calc.state_from_query(parse_qs(query[1:], keep_blank_values=True), initial)
    assert notices == []
    assert restored == state


def test_defaults_give_an_empty_query(initial):
    assert calc.query_string(initial, initial) == ""
    assert calc.state_from_query({}, initial) == (initial, [])


def test_bad_url_parameters_keep_the_defaults_with_a_french_notice(initial):
    query = {"places": "-4", "type": "chateau", "forfait": "beaucoup", "duree": ["10", "20"], "inconnu": "1"}
    state, notices = calc.state_from_query(query, initial)
    assert state[calc.PLACES] == ""
    assert state[calc.KIND] == calc.KIND_PENSION
    assert state[calc.FORFAIT] == "18"
    assert state[calc.DURATION] == "20", "a repeated parameter: the last one wins"
    assert notices == [
        "Paramètre « type=chateau » ignoré : valeur attendue « pension » ou « autre ».",
        "Paramètre « places=-4 » ignoré ; « Nombre de places » ne peut pas être négatif. Valeur par défaut conservée.",
        "Paramètre « forfait=beaucoup » ignoré ; « Forfait journalier de fonctionnement » : saisissez un nombre en "
        "chiffres (virgule pour les décimales). Valeur par défaut conservée.",
    ]


def _field_text(field: calc.Field) -> st.SearchStrategy[str]:
    """A valid text for the field (possibly empty): whole numbers, and French decimals where allowed."""
    whole = st.integers(1, min(int(field.maximum), 2_000)).map(str)
    decimal = st.integers(1, 99).map(lambda number: f"{number},5")
    return st.one_of(st.just(""), whole) if field.integer else st.one_of(st.just(""), whole, decimal)


STATES = st.fixed_dictionaries(
    {key: st.sampled_from(list(options)) for key, options in calc.CHOICES.items()}
    | {field.key: _field_text(field) for field in calc.FIELDS}
)


@settings(max_examples=80, deadline=None, database=None)
@given(state=STATES)
def test_any_valid_state_round_trips_through_the_address(state):
    initial = calc.defaults(FIGURES)
    written = calc.query_string(state, initial)
    assert calc.state_from_query(_parse_query_string(written), initial) == (state, [])
    assert calc.state_from_query(parse_qs(written[1:], keep_blank_values=True), initial) == (state, [])


def test_the_url_parameters_are_declared_once_in_the_state_order(initial):
    assert calc.url_state(initial).names == calc.STATE_KEYS


# --- Views -------------------------------------------------------------------------------------


def test_result_view_and_chart(initial):
    state = with_inputs(
        initial, places="25", investissement="100000", part_subvention="50", duree="40", occupation="95"
    )
    result = calc.estimate(state)
    text = text_of(view.result_view(result, state))
    assert "≈\u202f8\u202f490\u202f€" in text
    assert "soit 2,4 fois le coût public estimé" in text
    figure = view.cost_figure(result, pension=True)
    bars = {trace.name: list(trace.x) for trace in figure.data}
    assert bars["Subvention d'investissement amortie"] == [pytest.approx(1250)]
    assert bars["Forfait journalier"] == [pytest.approx(6241.5)]
    assert bars["AGLS"] == [pytest.approx(1000)]
    assert bars["Solutions évitées"] == [20550, 6000, 2200]
    assert figure.layout.separators == ",\u202f"
    table = text_of(view.comparison_table(result, state, initial, {record["id"]: record for record in FIGURES}))
    assert "×\u202f2,4" in table
    assert "ordre de grandeur à confirmer" in table


def test_result_view_lists_what_is_missing(initial):
    text = text_of(view.result_view(calc.estimate(initial), initial))
    assert "Pour estimer le coût public d'une place, renseignez" in text
    assert "«\u202fNombre de places\u202f»" in text, "French typography in the page"
    figure = view.cost_figure(calc.estimate(initial), pension=True)
    assert [trace.name for trace in figure.data] == ["Solutions évitées"]
    assert figure.layout.annotations[0].text == "Estimation impossible : champs à compléter"


def test_without_built_data_the_calculator_still_has_all_its_inputs(tmp_path):
    """Every component its callback needs is in the page, with no default at all and the build notice."""
    import dash

    from dashboard.app import create_app
    from dashboard.settings import Settings
    from tests.dashboard.content.test_sources_page import components

    app = create_app(Settings(data_dir=tmp_path))
    with app.server.test_request_context("/calculateur"):
        tree = dash.page_registry["dashboard.pages.calculateur"]["layout"]()
    found = {component.id: component for component in components(tree) if getattr(component, "id", None)}
    for key in calc.FIELDS_BY_KEY:
        assert found[f"calc-champ-{key}"].value == ""
        assert f"calc-erreur-{key}" in found and f"calc-bloc-{key}" in found
    for other in ("calc-type", "calc-subvention", "calc-resultat", "calc-graphique", "calc-tableau", "calc-url"):
        assert other in found
    assert "Données non construites" in text_of(tree)


def test_the_default_project_has_the_average_size_of_the_region_s_pensions_de_famille(built_data_dir):
    """Prefilled places: DREES places ÷ FINESS establishments of the family, rounded, its computation shown."""
    from dashboard.calculator.layout import reference_figures
    from dashboard.core.store import load_store
    from dashboard.needs.analysis import supply_of

    store = load_store(built_data_dir)
    family = next(item for item in supply_of(store).families if item.key == "pension_famille")
    figures = reference_figures(store)
    assert calc.defaults(figures.values())[calc.PLACES] == str(round(family.places / family.establishments))
    help_text = view.field_help(calc.FIELDS_BY_KEY[calc.PLACES], figures)
    assert help_text.startswith("Par défaut\u202f: 22\u202fplaces")
    assert "2\u202f281 places ÷ 105 établissements (estimation)" in help_text
    assert "FINESS" in help_text and "DREES" in help_text
    assert "nombre de places" not in view.fields_without_default(figures)
