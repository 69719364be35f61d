"""The cache of page layouts (dashboard/page_cache.py), with the local cache of each worker.

The poisoning tests replay the attacks of the security review through the Flask test client: a router
request whose inputs are not the location's (Dash reads them by position, the old cache key by id)
made the cache keep, for the plain address, the answer to another address. Each is now refused, and
the next plain visitor gets the right page.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import dash
import pytest
from flask.testing import FlaskClient

from dashboard.api.blueprint import CACHE_EXTENSION
from dashboard.app import create_app
from dashboard.server import page_cache
from dashboard.settings import Settings
from tests.dashboard_data import write_tiny_store

ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."
ROUTER_OUTPUTS = [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}]
LOCATION = "_pages_location"
UPDATE = "/_dash-update-component"
AMIENS = "248000531"  # CA Amiens Métropole, in the real build
NOTICE = "?Ce service ferme. Nouvelle adresse : https://evil.example=1"


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    return create_app(Settings(data_dir=write_tiny_store(tmp_path / "data"))).server.test_client()


@pytest.fixture(scope="module")
def real_client(built_data_dir: Path) -> FlaskClient:
    return create_app(Settings(data_dir=built_data_dir)).server.test_client()


def payload(inputs: list[dict], outputs: list[dict] | None = None) -> dict:
    return {
        "output": ROUTER_OUTPUT,
        "outputs": ROUTER_OUTPUTS if outputs is None else outputs,
        "inputs": inputs,
        "changedPropIds": [f"{LOCATION}.pathname", f"{LOCATION}.search"],
    }


def location(pathname: str, search: str = "") -> list[dict]:
    return [
        {"id": LOCATION, "property": "pathname", "value": pathname},
        {"id": LOCATION, "property": "search", "value": search},
    ]


def route(client: FlaskClient, pathname: str, search: str = "", host: str = "localhost"):
    response = client.post(UPDATE, json=payload(location(pathname, search)), headers={"Host": host})
    assert response.status_code == 200
    return response


def content(response) -> str:
    return json.dumps(response.get_json()["response"]["_pages_content"], ensure_ascii=False)


def test_a_page_layout_is_computed_once_then_served_from_the_cache(client: FlaskClient):
    first = route(client, "/sources")
    second = route(client, "/sources")
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    assert second.get_data() == first.get_data()
    assert "Content-Security-Policy" in second.headers  # cached answers get the same headers


def test_the_host_header_is_not_part_of_the_key(client: FlaskClient):
    """Any client can send any Host: it must not multiply the entries (nor split them)."""
    assert route(client, "/sources", host="a.example").headers["X-Cache"] == "MISS"
    assert route(client, "/sources", host="b.example").headers["X-Cache"] == "HIT"


def test_addresses_with_a_query_string_are_always_computed(client: FlaskClient):
    assert "X-Cache" not in route(client, "/tableaux", "?niveau=commune").headers
    assert "X-Cache" not in route(client, "/tableaux", "?niveau=commune").headers


def test_only_the_canonical_address_of_an_existing_page_is_cached(client: FlaskClient):
    """Made-up addresses (another spelling of a page, unknown territories) never fill the cache."""
    for pathname in ("/sources/", "//sources", "/territoire/999999999", "/nimporte", "/404"):
        assert "X-Cache" not in route(client, pathname).headers, pathname
        assert "X-Cache" not in route(client, pathname).headers, pathname


def test_match_page_follows_the_router(client: FlaskClient):
    app = dash.get_app()
    assert page_cache.match_page(app, "/sources").canonical == "/sources"
    assert page_cache.match_page(app, "/sources/").canonical == "/sources"
    assert page_cache.match_page(app, "/nimporte") is None and page_cache.match_page(app, "/404") is None
    with client.application.test_request_context("/"):
        known = page_cache.match_page(app, "/territoire/200000001")
        unknown = page_cache.match_page(app, "/territoire/200000001/x")
    assert (known.canonical, known.exists, known.cacheable) == ("/territoire/200000001", True, True)
    assert unknown.exists is False and unknown.cacheable is False


def test_a_failed_layout_is_never_kept(client: FlaskClient, monkeypatch):
    def broken_layout(**_kwargs):
        raise RuntimeError("boom")

    with monkeypatch.context() as patch:
        patch.setitem(dash.page_registry["dashboard.pages.sources"], "layout", broken_layout)
        failed = route(client, "/sources")
        assert b'"erreur-page"' in failed.get_data() and "X-Cache" not in failed.headers
    assert route(client, "/sources").headers["X-Cache"] == "MISS"


def test_a_page_can_opt_out(client: FlaskClient, monkeypatch):
    monkeypatch.setitem(dash.page_registry["dashboard.pages.sources"], "cache_layout", False)
    assert "X-Cache" not in route(client, "/sources").headers
    assert "X-Cache" not in route(client, "/sources").headers


def test_other_callbacks_are_not_touched(client: FlaskClient):
    body = {
        "output": "erreur-application.hidden",
        "outputs": {"id": "erreur-application", "property": "hidden"},
        "inputs": [{"id": "erreur-application-fermer", "property": "n_clicks", "value": 1}],
        "changedPropIds": ["erreur-application-fermer.n_clicks"],
    }
    response = client.post(UPDATE, json=body)
    assert response.status_code == 200 and "X-Cache" not in response.headers


def test_warm_up_displays_every_page_once_and_fills_the_cache(client: FlaskClient):
    assert page_cache.warm_up(client.application) == []
    assert route(client, "/sources").headers["X-Cache"] == "HIT"
    assert route(client, "/").headers["X-Cache"] == "HIT"


# --- Poisoning (security review): a request Dash reads by position, a key read by id ---------------------


def test_a_decoy_search_cannot_plant_a_message_on_a_territory_page(real_client: FlaskClient):
    """The second input carries another id: Dash used its value as the search, the key ignored it."""
    path = f"/territoire/{AMIENS}"
    attack = [*location(path)[:1], {"id": "decoy", "property": "search", "value": NOTICE}]
    refused = real_client.post(UPDATE, json=payload(attack))
    assert refused.status_code == 400 and "X-Cache" not in refused.headers
    visitor = route(real_client, path)
    assert visitor.headers["X-Cache"] == "MISS"  # the fiche of an existing EPCI is kept…
    assert visitor.get_json()["response"]["_pages_store"]["data"]["title"].startswith("CA Amiens Métropole")
    assert "Ce service ferme" not in visitor.text and "il est ignoré" not in content(visitor)
    again = route(real_client, path)
    assert again.headers["X-Cache"] == "HIT" and again.get_data() == visitor.get_data()  # …and it is the right one


@pytest.mark.parametrize(
    ("plain", "attack", "expected", "wrong"),
    [
        # The home page kept as « Page introuvable »: two pathnames, Dash reads the first, the old key the last.
        (
            "/",
            [
                {"id": LOCATION, "property": "pathname", "value": "/nimporte"},
                {"id": LOCATION, "property": "pathname", "value": "/"},
            ],
            "Carte des territoires",
            "Page introuvable",
        ),
        # /sources serving the ranking page: a decoy first input that Dash takes as the pathname.
        (
            "/sources",
            [
                {"id": "decoy", "property": "pathname", "value": "/classement"},
                {"id": LOCATION, "property": "pathname", "value": "/sources"},
            ],
            "Sources des données",
            "classement-",
        ),
    ],
)
def test_a_decoy_location_cannot_replace_a_page(
    real_client: FlaskClient, plain: str, attack: list[dict], expected: str, wrong: str
):
    refused = real_client.post(UPDATE, json=payload(attack))
    assert refused.status_code == 400
    assert refused.get_json()["erreur"]["message"].startswith("Requête invalide")
    visitor = route(real_client, plain)
    assert expected in content(visitor) and wrong not in content(visitor)


def page_keys(client: FlaskClient) -> list[str]:
    backend = client.application.extensions[CACHE_EXTENSION].cache
    return [key[key.index("page:") :] for key in list(backend._cache) if "page:" in key]


def test_filling_the_cache_does_not_open_the_way_to_poisoning(client: FlaskClient):
    """The attack filled the local cache (about 1,100 requests) to evict a kept page, then poisoned it."""
    kept = route(client, "/sources")
    assert kept.headers["X-Cache"] == "MISS"
    for index in range(1100):  # made-up addresses: computed, never kept
        client.post(UPDATE, json=payload(location(f"/territoire/{index:09d}")))
    assert page_keys(client) == ["page:/sources"]
    api_cache = client.application.extensions[CACHE_EXTENSION]
    for index in range(1100):  # what a flood of distinct API queries leaves in the shared cache
        api_cache.set(f"filler:{index}", b"x" * 1000)
    attack = [
        {"id": "decoy", "property": "pathname", "value": "/a-propos"},
        {"id": LOCATION, "property": "pathname", "value": "/sources"},
    ]
    assert client.post(UPDATE, json=payload(attack)).status_code == 400
    visitor = route(client, "/sources")  # kept or computed again: the right page either way
    assert visitor.get_data() == kept.get_data()
    assert route(client, "/sources").headers["X-Cache"] == "HIT"


# --- Malformed router requests: 400, nothing logged as an error ------------------------------------------


@pytest.mark.parametrize(
    "outputs",
    [[], ROUTER_OUTPUTS[:1], [*ROUTER_OUTPUTS, ROUTER_OUTPUTS[0]], ROUTER_OUTPUTS[::-1], ROUTER_OUTPUTS[0]],
    ids=["none", "one", "three", "swapped", "not-a-list"],
)
def test_wrong_outputs_on_a_page_not_yet_cached_get_a_400(client: FlaskClient, outputs, caplog):
    with caplog.at_level(logging.INFO):
        response = client.post(UPDATE, json=payload(location("/calculateur"), outputs))
    assert response.status_code == 400
    assert response.get_json()["erreur"]["message"].startswith("Requête invalide")
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]
    assert "Traceback" not in caplog.text
    assert route(client, "/calculateur").headers["X-Cache"] == "MISS"  # nothing kept from the refused one


@pytest.mark.parametrize("where", ["body", "value"])
def test_a_deeply_nested_body_gets_a_400(client: FlaskClient, where: str, caplog):
    deep = "[" * 5000 + "]" * 5000
    if where == "body":
        data = deep
    else:
        data = json.dumps(payload(location("/sources"))).replace('"value": ""', f'"value": {deep}')
    with caplog.at_level(logging.INFO):
        response = client.post(UPDATE, data=data, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["erreur"]["message"].startswith("Requête invalide")
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]


def test_a_location_no_browser_can_have_gets_a_400(client: FlaskClient):
    for pathname, search in ((["/sources"], ""), ({"a": 1}, ""), (None, ""), ("/sources", 3), ("sources", "")):
        body = payload(
            [
                {"id": LOCATION, "property": "pathname", "value": pathname},
                {"id": LOCATION, "property": "search", "value": search},
            ]
        )
        assert client.post(UPDATE, json=body).status_code == 400, (pathname, search)
