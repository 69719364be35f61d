"""The cache of page layouts (dashboard/page_cache.py), with the local cache of each worker."""

from __future__ import annotations

from pathlib import Path

import dash
import pytest
from flask.testing import FlaskClient

from dashboard.app import create_app
from dashboard.page_cache import warm_up
from dashboard.settings import Settings
from tests.dashboard_data import write_tiny_store

ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    return create_app(Settings(data_dir=write_tiny_store(tmp_path / "data"))).server.test_client()


def route(client: FlaskClient, pathname: str, search: str = "", host: str = "localhost"):
    payload = {
        "output": ROUTER_OUTPUT,
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname", "_pages_location.search"],
    }
    response = client.post("/_dash-update-component", json=payload, headers={"Host": host})
    assert response.status_code == 200
    return response


def test_a_page_layout_is_computed_once_then_served_from_the_cache(client: FlaskClient):
    first = route(client, "/sources")
    second = route(client, "/sources")
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    assert second.get_data() == first.get_data()
    assert "Content-Security-Policy" in second.headers  # cached answers get the same headers
    assert route(client, "/sources", host="autre.example").headers["X-Cache"] == "MISS"


def test_addresses_with_a_query_string_are_always_computed(client: FlaskClient):
    assert "X-Cache" not in route(client, "/tableaux", "?niveau=commune").headers
    assert "X-Cache" not in route(client, "/tableaux", "?niveau=commune").headers


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
    response = client.post("/_dash-update-component", json={"output": "x.children", "inputs": []})
    assert "X-Cache" not in response.headers


def test_warm_up_displays_every_page_once_and_fills_the_cache(client: FlaskClient):
    assert warm_up(client.application) == []
    assert route(client, "/sources").headers["X-Cache"] == "HIT"
    assert route(client, "/").headers["X-Cache"] == "HIT"
