"""The presentation's callbacks through Dash's endpoint: named outputs, the form's slide appended."""

from __future__ import annotations

from pathlib import Path

import dash
import pytest
from flask.testing import FlaskClient

from dashboard.app import create_app
from dashboard.map import ids as map_ids
from dashboard.presentation import ids as presentation_ids
from dashboard.settings import Settings

UPDATE = "/_dash-update-component"
AMIENS = "248000531"
FORM_STATES = (
    (presentation_ids.PRES_FORM_KIND, "classement"),
    (presentation_ids.PRES_FORM_INDICATOR, None),
    (presentation_ids.PRES_FORM_LEVEL, None),
    (presentation_ids.PRES_FORM_TOP, 7),
    (presentation_ids.PRES_FORM_TERRITORY, None),
    (presentation_ids.PRES_FORM_COMPARED, None),
    (presentation_ids.PRES_FORM_COMPARED_INDICATORS, None),
)


@pytest.fixture(scope="module")
def client(built_data_dir: Path) -> FlaskClient:
    app: dash.Dash = create_app(Settings(data_dir=built_data_dir))
    return app.server.test_client()


def add_payload(kind: str, top: int) -> dict:
    outputs = [
        {"id": presentation_ids.PRES_LOCATION, "property": "href"},
        {"id": presentation_ids.PRES_FORM_ERROR, "property": "children"},
    ]
    values = dict(FORM_STATES) | {presentation_ids.PRES_FORM_KIND: kind, presentation_ids.PRES_FORM_TOP: top}
    return {
        "output": f"..{presentation_ids.PRES_LOCATION}.href...{presentation_ids.PRES_FORM_ERROR}.children..",
        "outputs": outputs,
        "inputs": [{"id": presentation_ids.PRES_FORM_ADD, "property": "n_clicks", "value": 1}],
        "changedPropIds": [f"{presentation_ids.PRES_FORM_ADD}.n_clicks"],
        "state": [{"id": key, "property": "value", "value": value} for key, value in values.items()]
        + [{"id": presentation_ids.PRES_STATE, "property": "data", "value": {"deck": f"territoire:{AMIENS}"}}],
    }


def test_the_form_appends_its_slide_to_the_deck(client: FlaskClient):
    response = client.post(UPDATE, json=add_payload("classement", 7), headers={"Referer": "http://x/presentation"})
    assert response.status_code == 200
    answer = response.get_json()["response"]
    assert answer[presentation_ids.PRES_LOCATION]["href"] == f"/presentation?d=territoire:{AMIENS}&ajouter=classement:7"
    assert answer[presentation_ids.PRES_FORM_ERROR]["children"] == ""


def test_an_incomplete_form_says_why(client: FlaskClient):
    response = client.post(UPDATE, json=add_payload("classement", 99), headers={"Referer": "http://x/presentation"})
    answer = response.get_json()["response"]
    assert presentation_ids.PRES_LOCATION not in answer
    assert answer[presentation_ids.PRES_FORM_ERROR]["children"] == (
        "Diapositive non ajoutée : nombre de territoires « 99 » invalide (de 3 à 25)."
    )


def test_the_map_page_links_follow_its_view(client: FlaskClient):
    payload = {
        "output": f"..{map_ids.MAP_PRESENTATION_ACTIONS}.children..",
        "outputs": [{"id": map_ids.MAP_PRESENTATION_ACTIONS, "property": "children"}],
        "inputs": [{"id": map_ids.MAP_QUERY, "property": "data", "value": "?indicateur=taux_chomage&niveau=commune"}],
        "changedPropIds": [f"{map_ids.MAP_QUERY}.data"],
        "state": [],
    }
    response = client.post(UPDATE, json=payload, headers={"Referer": "http://x/"})
    links = response.get_json()["response"][map_ids.MAP_PRESENTATION_ACTIONS]["children"]
    assert links[0]["props"]["href"] == "/presentation?ajouter=carte:taux_chomage:commune"
