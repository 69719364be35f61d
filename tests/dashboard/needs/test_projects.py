"""Planned residences (« Projet envisagé »): the `projets=` syntax, the planned places per EPCI and family, their
effect on the gap and the rank (the real build), and the same syntax in the address, the API and a slide."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.needs import model as needs
from dashboard.needs import state as needs_state
from dashboard.needs.projects import (
    MAX_PLACES,
    MAX_PROJECTS,
    Project,
    ProjectChoices,
    parse_projects,
    planned_places,
    project_choices,
    whole_places,
    write_projects,
)
from dashboard.needs.scenario import changes, summary, what_if
from dashboard.presentation.parsing import parse_deck
from dashboard.presentation.slides import build_slide
from dashboard.presentation.specs import KIND_SCENARIO, choices_from_store, serialise_deck

LENS_LIEVIN, LENS, AMIENS, AMIENS_EPCI = "246200364", "62498", "80021", "248000531"

CHOICES = ProjectChoices(
    kinds={"pension_de_famille": "Pension de famille", "fjt": "Foyer de jeunes travailleurs"},
    families={"pension_de_famille": "pension_famille", "fjt": "fjt"},
    communes={"80021": "Amiens", "80001": "Abbeville", "62498": "Lens"},
    epci_of={"80021": "E1", "80001": "E2", "62498": "E3"},
    former={"80625": "80021"},
)


# --- Syntax -------------------------------------------------------------------------------------------------


def test_valid_projects_are_kept_and_each_invalid_one_is_named():
    text = "pension_de_famille:25:80021|fjt:0:80021|fjt:501:80021|chateau:10:80021|fjt:30:99999|fjt:x:80021|bad"
    projects, notices = parse_projects(text, CHOICES)
    assert projects == (Project("pension_de_famille", 25, "80021"),)
    assert len(notices) == 6
    assert notices[0] == "Projet « fjt:0:80021 » ignoré : le nombre de places doit être un entier de 1 à 500."
    assert "fjt:501:80021" in notices[1]
    assert "type inconnu (types possibles : pension_de_famille, fjt)" in notices[2]
    assert notices[3] == "Projet « fjt:30:99999 » ignoré : commune inconnue dans la région."
    assert "entier de 1 à 500" in notices[4]
    assert "écrivez type:places:code commune" in notices[5]


def test_a_former_commune_code_becomes_its_current_commune_with_a_notice():
    projects, notices = parse_projects("fjt:30:80625", CHOICES)
    assert projects == (Project("fjt", 30, "80021"),)
    assert len(notices) == 1
    assert notices[0].startswith("Projet « fjt:30:80625 »")
    assert notices[0].endswith("l'ancienne commune 80625 fait aujourd'hui partie de la commune Amiens (80021).")


def test_at_most_max_projects_are_kept():
    projects, notices = parse_projects("|".join(["fjt:10:80021"] * (MAX_PROJECTS + 2)), CHOICES)
    assert len(projects) == MAX_PROJECTS
    assert notices == [f"Seuls les {MAX_PROJECTS} premiers projets sont retenus."]


project_strategy = st.builds(
    Project,
    kind=st.sampled_from(sorted(CHOICES.kinds)),
    places=st.integers(1, MAX_PLACES),
    commune=st.sampled_from(sorted(CHOICES.communes)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(project_strategy, max_size=MAX_PROJECTS))
def test_projects_round_trip_through_their_text(projects):
    text = write_projects(projects) or ""
    assert parse_projects(text, CHOICES) == (tuple(projects), [])


def test_planned_places_go_to_the_epci_and_family_of_each_project():
    projects = (Project("fjt", 30, "80021"), Project("fjt", 20, "80021"), Project("pension_de_famille", 25, "62498"))
    codes = ["E1", "E2", "E3"]
    planned = planned_places(projects, CHOICES, codes, ["pension_famille", "fjt"])
    np.testing.assert_array_equal(planned, [[0, 50], [0, 0], [25, 0]])


# --- Model: planned places are exact -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0.5, 1.0, 1.4])
def test_planned_places_lower_the_gap_and_the_shortfall_by_exactly_their_number(size):
    population = np.array([50_000.0, 80_000.0])
    supply = np.array([[20.0, 40.0], [0.0, 100.0]])
    reference = np.array([7.0, 9.0])
    planned = np.array([[25.0, 0.0], [0.0, 0.0]])
    need = np.array([60.0, 40.0])
    assert needs.gap(supply, population, reference, size) - needs.gap(
        supply, population, reference, size, planned=planned
    ) == pytest.approx(planned)
    assert needs.shortfall(need, population, supply, reference, size) - needs.shortfall(
        need, population, supply, reference, size, planned=planned
    ) == pytest.approx(planned)


# --- The real build ----------------------------------------------------------------------------------------------


def test_choices_name_the_residence_types_of_a_supply_family_and_every_commune(store):
    choices = project_choices(store)
    assert set(choices.kinds) == {"generaliste", "pension_de_famille", "residence_accueil", "fjt", "ftm"}
    assert len(choices.communes) == 3782
    assert choices.epci_of[AMIENS] == AMIENS_EPCI


def test_a_pension_de_famille_in_lens_moves_the_gap_by_its_places_and_the_rank_down(store):
    parameters = replace(needs_state.default_state().parameters, projects=(Project("pension_de_famille", 25, LENS),))
    scenario = what_if(store, parameters)
    before, after = scenario.before.table.loc[LENS_LIEVIN], scenario.after.table.loc[LENS_LIEVIN]
    assert after["planned_places"] == 25
    assert before["gap_places"] - after["gap_places"] == pytest.approx(25)
    assert before["shortfall_places"] - after["shortfall_places"] == pytest.approx(25)
    assert after["supply_places"] - before["supply_places"] == pytest.approx(25)
    assert before["priority_rank"] == 1 and after["priority_rank"] > 1
    others = scenario.before.table.index != LENS_LIEVIN
    np.testing.assert_allclose(
        scenario.before.table.loc[others, "gap_places"], scenario.after.table.loc[others, "gap_places"]
    )
    assert summary(scenario, LENS_LIEVIN) == (
        "Avec 25 places envisagées, l'écart au taux national passe de +220 à +195 places et le rang de priorité "
        f"de 1er sur 92 à {int(after['priority_rank'])}e sur 92 (estimations)."
    ).replace(" :", "\u202f:")
    moved = {change.label: change.moved for change in changes(scenario, LENS_LIEVIN)}
    assert moved["Rang de priorité"] and moved["Offre pour 10 000 habitants"]
    assert not moved["Position besoin × offre"]


def test_the_address_keeps_the_projects_with_the_other_parameters(store):
    query = {"projets": f"pension_de_famille:25:{LENS}|fjt:700:{LENS}", "reference": "region"}
    state, notices = needs_state.parse_needs(
        query, only=needs_state.SCENARIO_PARAMS, projects=project_choices(store), strict=True
    )
    assert state.projects == (Project("pension_de_famille", 25, LENS),) and state.reference == "region"
    assert notices == [f"Projet « fjt:700:{LENS} » ignoré : le nombre de places doit être un entier de 1 à 500."]
    text = needs_state.serialise_needs(state, only=needs_state.SCENARIO_PARAMS)
    assert text.endswith(f"&projets=pension_de_famille:25:{LENS}")
    again, _ = needs_state.parse_needs(
        dict(pair.split("=") for pair in text.lstrip("?").split("&")),
        only=needs_state.SCENARIO_PARAMS,
        projects=project_choices(store),
    )
    assert again == state


def test_a_page_that_does_not_read_projects_says_so(store):
    state, notices = needs_state.parse_needs({"projets": f"fjt:30:{LENS}"}, only=needs_state.SCENARIO_PARAMS)
    assert state.projects == () and notices == [
        "Les projets envisagés ne sont pas lus sur cette page : ils sont ignorés."
    ]


def test_the_api_answers_with_and_without_the_projects(app):
    client = app.server.test_client()
    answer = client.get(f"/api/v1/needs?projets=pension_de_famille:25:{LENS}|fjt:0:{LENS}").get_json()
    assert answer["parametres"]["projets"] == [{"type": "pension_de_famille", "places": 25, "commune": LENS}]
    assert answer["avertissements"] == [
        f"Projet « fjt:0:{LENS} » ignoré : le nombre de places doit être un entier de 1 à 500."
    ]
    row = next(record for record in answer["territoires"] if record["code_epci"] == LENS_LIEVIN)
    assert row["places_projetees"] == 25 and row["priorite_rang_sans_projet"] == 1
    assert row["ecart_places_sans_projet"] - row["ecart_places"] == 25
    assert "places_projetees" in answer["colonnes"]
    plain = client.get("/api/v1/needs").get_json()
    assert "places_projetees" not in plain["territoires"][0] and plain["parametres"]["projets"] == []
    csv = client.get(f"/api/v1/needs?format=csv&projets=pension_de_famille:25:{LENS}").get_data(as_text=True)
    assert "places_projetees,priorite_rang_sans_projet" in csv.splitlines()[0]


def test_a_scenario_slide_round_trips_and_shows_before_and_after(store):
    choices = choices_from_store(store)
    specs, notices = parse_deck(f"scenario:{LENS_LIEVIN}:pension_de_famille.25.{LENS},fjt.0.{LENS}", choices)
    assert [spec.kind for spec in specs] == [KIND_SCENARIO] and len(notices) == 1
    assert serialise_deck(specs) == f"scenario:{LENS_LIEVIN}:pension_de_famille.25.{LENS}"
    slide = build_slide(store, specs[0])
    assert slide.title == "Scénario : CA de Lens - Liévin"
    assert [change.before for change in slide.changes][:4] == ["≈ 180", "7,4", "+220", "+295"]
    assert slide.sources and slide.vintages
    _, refused = parse_deck(f"scenario:{LENS_LIEVIN}:fjt.0.{LENS}", choices)
    assert refused and "aucun projet valide" in refused[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("25", 25),
        (25, 25),
        (25.0, 25),
        ("500", 500),
        ("0", None),
        (501, None),
        (25.5, None),
        ("25.0", None),
        (float("nan"), None),
        (True, None),
        (None, None),
        ([25], None),
        (" 7 ", 7),
        ("12345", None),
    ],
)
def test_whole_places_from_the_address_or_the_form(value, expected):
    assert whole_places(value) == expected


def test_the_form_says_what_is_missing_and_never_fails_on_odd_values():
    from dashboard.scenario.callbacks import new_project

    assert new_project("fjt", 30, "80021", CHOICES) == (Project("fjt", 30, "80021"), "")
    assert new_project(["fjt"], 30, "80021", CHOICES) == (None, "Choisissez un type de résidence.")
    assert new_project("fjt", 0, "80021", CHOICES) == (None, "Indiquez un nombre entier de places, de 1 à 500.")
    assert new_project("fjt", 30, {"x": 1}, CHOICES) == (None, "Choisissez la commune du projet.")
