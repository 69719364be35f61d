"""Security headers, request limits, French error pages and callback errors (dashboard/security.py)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from pathlib import Path

import dash
import pytest
from dash import ALL, MATCH, Input, Output, State
from flask.testing import FlaskClient

from dashboard.app import create_app
from dashboard.server import callback_requests, security
from dashboard.settings import Settings
from dashboard.ui import ids as ui_ids
from tests.dashboard_data import write_tiny_store

INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL)
FAILING_OUTPUT = "test-erreur-sortie"
FAILING_INPUT = "test-erreur-bouton"


@pytest.fixture
def app(tmp_path: Path) -> dash.Dash:
    application = create_app(Settings(data_dir=write_tiny_store(tmp_path / "data")))

    @application.callback(Output(FAILING_OUTPUT, "children"), Input(FAILING_INPUT, "n_clicks"))
    def always_fails(clicks):
        raise ZeroDivisionError(f"secret detail {clicks}")

    @application.server.get("/test-boom")
    def boom():
        raise RuntimeError("secret server detail")

    return application


@pytest.fixture
def client(app: dash.Dash) -> FlaskClient:
    return app.server.test_client()


def csp(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def callback_payload(output: str, inputs: list[dict]) -> dict:
    return {
        "output": output,
        "outputs": [
            {"id": part.split(".")[0], "property": part.split(".")[1]} for part in output.strip(".").split("...")
        ]
        if output.startswith("..")
        else {"id": output.split(".")[0], "property": output.split(".")[1]},
        "inputs": inputs,
        "changedPropIds": [f"{item['id']}.{item['property']}" for item in inputs],
        "state": [],
    }


# --- Headers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/api/v1/sources", "/healthz", "/assets/style.css", "/nulle-part/../x"])
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str):
    response = client.get(path)
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-eval'" not in policy["script-src"] and "'unsafe-inline'" not in policy["script-src"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_every_inline_script_of_the_index_is_allowed_by_a_hash(client: FlaskClient):
    response = client.get("/tableaux")
    allowed = set(csp(response)["script-src"])
    executable = [
        match["body"]
        for match in INLINE_SCRIPT.finditer(response.text)
        if "src=" not in match["attrs"] and "application/json" not in match["attrs"]
    ]
    assert len(executable) >= 2  # the renderer and the clientside callbacks written as strings
    for body in executable:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, body[:200]


def test_the_policy_is_the_documented_one():
    policy = security.content_security_policy(["'sha256-abc'"])
    assert policy.startswith("default-src 'self'; script-src 'self' 'sha256-abc'; style-src 'self' 'unsafe-inline'")
    assert policy.endswith("frame-ancestors 'none'")


def test_responses_stay_compressed(client: FlaskClient):
    response = client.get("/api/v1/sources", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"


# --- Debug is never on in production ----------------------------------------------------------------------


def test_debug_is_off_even_when_asked_by_the_environment(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app(Settings(data_dir=tmp_path, debug=True))
    assert app.server.debug is False
    assert app.server.config["DEBUG"] is False


def test_gunicorn_configuration_is_production_ready():
    namespace: dict = {}
    config = Path(__file__).resolve().parents[3] / "gunicorn.conf.py"
    exec(compile(config.read_text(), str(config), "exec"), namespace)
    assert namespace["preload_app"] is True
    assert namespace["worker_class"] == "gthread"
    assert namespace["workers"] >= 2 and namespace["threads"] >= 2
    assert namespace["timeout"] == 60 and namespace["graceful_timeout"] > 0
    assert namespace["max_requests"] > 0 and namespace["max_requests_jitter"] > 0
    # gunicorn lets long query strings through, so that the app refuses them in French (414).
    assert namespace["limit_request_line"] > security.MAX_QUERY_BYTES + security.MAX_PATH_BYTES
    assert "reload" not in namespace and "debug" not in namespace
    # Dash's lazy set-up and the lazy imports done before traffic, in the master and in each worker.
    assert callable(namespace["when_ready"]) and callable(namespace["post_worker_init"])
    procfile = (config.parent / "Procfile").read_text()
    assert procfile.strip() == "web: gunicorn -c gunicorn.conf.py dashboard.wsgi:server"


# --- Limits and error pages ------------------------------------------------------------------------------


def test_an_oversized_query_string_is_refused_in_french(client: FlaskClient):
    longest = "a=" + "x" * (security.MAX_QUERY_BYTES - 2)
    assert client.get(f"/?{longest}").status_code == 200
    response = client.get(f"/?{longest}x")
    assert response.status_code == 414
    assert response.mimetype == "text/html"
    assert "Adresse trop longue" in response.text and '<html lang="fr">' in response.text
    api = client.get(f"/api/v1/indicators?level=epci&code={'1' * 5000}")
    assert api.status_code == 414
    assert api.get_json()["erreur"]["message"].startswith("Adresse trop longue")


def test_an_oversized_path_is_refused(client: FlaskClient):
    assert client.get("/territoire/" + "9" * security.MAX_PATH_BYTES).status_code == 414


def test_an_oversized_body_is_refused_in_french(client: FlaskClient):
    response = client.post(
        "/_dash-update-component",
        data=b"{" + b" " * security.MAX_CONTENT_BYTES + b"}",
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.get_json()["erreur"]["message"].startswith("Requête trop volumineuse")


@pytest.mark.parametrize(
    "path",
    [
        "/assets/../pyproject.toml",
        "/assets/%2e%2e/pyproject.toml",
        "/assets/..%2fpyproject.toml",
        "/assets/..%5c..%5cpyproject.toml",
        "/telecharger/../../etc/passwd",
        "/telecharger/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/_dash-component-suites/dash/../../../etc/passwd",
        "/_dash-component-suites/dash/dcc/inconnu.js",
        "/_dash-component-suites/inconnu/x.js",
        "/carte/geometrie/epci-000000000000.json",
        "/assets/inexistant.css",
    ],
)
def test_no_route_serves_a_file_outside_its_folder(client: FlaskClient, path: str):
    response = client.get(path)
    assert response.status_code == 404, path
    assert "root:" not in response.text and "[project]" not in response.text
    assert "Page introuvable" in response.text
    assert "Traceback" not in response.text


def test_a_wrong_method_gets_a_french_405(client: FlaskClient):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "Méthode non autorisée" in response.get_json()["erreur"]["message"]
    assert "GET" in response.headers["Allow"]


def test_an_unexpected_error_is_a_french_page_with_a_reference_and_no_traceback(client: FlaskClient, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.get("/test-boom")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    assert "Erreur interne" in response.text
    assert "secret server detail" not in response.text and "Traceback" not in response.text
    reference = re.search(r"<code>([0-9a-f]{8})</code>", response.text)[1]
    assert any(reference in record.getMessage() for record in caplog.records)
    assert any(record.exc_info and "secret server detail" in str(record.exc_info[1]) for record in caplog.records)


# --- Callback errors --------------------------------------------------------------------------------------


def test_the_error_banner_is_in_the_layout_hidden(client: FlaskClient):
    layout = client.get("/_dash-layout").get_json()
    text = json.dumps(layout)
    assert f'"id": "{ui_ids.APP_ERROR}"' in text
    banner = _find(layout, ui_ids.APP_ERROR)
    assert banner["props"]["hidden"] is True and banner["props"]["role"] == "alert"


def _find(tree, component_id):
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == component_id:
            return tree
        for value in [*tree.values(), *tree.get("props", {}).values()]:
            found = _find(value, component_id)
            if found:
                return found
    elif isinstance(tree, list):
        for item in tree:
            found = _find(item, component_id)
            if found:
                return found
    return None


def test_a_failing_callback_shows_a_french_message_and_logs_its_context(client: FlaskClient, caplog):
    payload = callback_payload(
        f"{FAILING_OUTPUT}.children", [{"id": FAILING_INPUT, "property": "n_clicks", "value": 3}]
    )
    with caplog.at_level(logging.ERROR, logger="dashboard.server.security"):
        response = client.post("/_dash-update-component", json=payload, headers={"Referer": "http://x/tableaux"})
    assert response.status_code == 200
    body = response.get_json()
    assert "response" not in body or FAILING_OUTPUT not in body.get("response", {})  # outputs unchanged
    side = body["sideUpdate"]
    assert side[ui_ids.APP_ERROR] == {"hidden": False}
    message = side[ui_ids.APP_ERROR_TEXT]["children"]
    assert message.startswith("Une erreur est survenue pendant la mise à jour de la page")
    assert "secret detail" not in response.text and "Traceback" not in response.text
    reference = re.search(r"Référence de l'erreur\s*: ([0-9a-f]{8})", message)[1]
    record = next(record for record in caplog.records if reference in record.getMessage())
    logged = record.getMessage()
    assert f"{FAILING_OUTPUT}.children" in logged and f"{FAILING_INPUT}.n_clicks" in logged
    assert "http://x/tableaux" in logged and "3" in logged
    assert isinstance(record.exc_info[1], ZeroDivisionError)


def test_the_banner_can_be_closed(client: FlaskClient):
    payload = callback_payload(
        f"{ui_ids.APP_ERROR}.hidden", [{"id": ui_ids.APP_ERROR_CLOSE, "property": "n_clicks", "value": 1}]
    )
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200
    assert response.get_json()["response"][ui_ids.APP_ERROR]["hidden"] is True


def test_a_failing_page_layout_shows_a_french_error_section(app: dash.Dash, client: FlaskClient, monkeypatch, caplog):
    def broken_layout(**_kwargs):
        raise KeyError("secret layout detail")

    monkeypatch.setitem(dash.page_registry["dashboard.pages.sources"], "layout", broken_layout)
    payload = callback_payload(
        ".._pages_content.children..._pages_store.data..",
        [
            {"id": "_pages_location", "property": "pathname", "value": "/sources"},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
    )
    with caplog.at_level(logging.ERROR, logger="dashboard.server.security"):
        response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200
    content = response.get_json()["response"]["_pages_content"]["children"]
    text = json.dumps(content, ensure_ascii=False)
    assert content["props"]["id"] == ui_ids.APP_ERROR_PAGE
    assert "Page momentanément indisponible" in text and "Référence de l'erreur" in text
    assert "secret layout detail" not in response.text
    assert any("_pages_content.children" in record.getMessage() for record in caplog.records)


# --- Callback requests: exactly what the renderer sends, else 400 ----------------------------------------


def _post(client: FlaskClient, body) -> int:
    return client.post("/_dash-update-component", json=body).status_code


def _banner(**changes) -> dict:
    body = callback_payload(
        f"{ui_ids.APP_ERROR}.hidden", [{"id": ui_ids.APP_ERROR_CLOSE, "property": "n_clicks", "value": 1}]
    )
    return {**body, **changes}


@pytest.mark.parametrize(
    "changes",
    [
        {"inputs": [{"id": "leurre", "property": "n_clicks", "value": 1}]},
        {"inputs": [{"id": ui_ids.APP_ERROR_CLOSE, "property": "children", "value": 1}]},
        {"inputs": [{"id": {"id": ui_ids.APP_ERROR_CLOSE}, "property": "n_clicks", "value": 1}]},
        {"inputs": [[{"id": ui_ids.APP_ERROR_CLOSE, "property": "n_clicks", "value": 1}]]},
        {"outputs": {"id": "leurre", "property": "hidden"}},
        {"outputs": {"id": ui_ids.APP_ERROR, "property": "children"}},
        {"outputs": [{"id": ui_ids.APP_ERROR, "property": "hidden"}]},
        {"outputs": None},
        {"state": [{"id": ui_ids.APP_ERROR_CLOSE, "property": "n_clicks", "value": 1}]},
        {"state": None},
        {"changedPropIds": [["x"]]},
    ],
    ids=[
        "input-id",
        "input-property",
        "input-dict-id",
        "input-list",
        "output-id",
        "output-property",
        "output-as-list",
        "output-missing",
        "extra-state",
        "null-state",
        "changed-not-text",
    ],
)
def test_a_callback_request_must_match_the_declared_dependencies(client: FlaskClient, changes: dict, caplog):
    assert _post(client, _banner()) == 200
    with caplog.at_level(logging.INFO):
        response = client.post("/_dash-update-component", json=_banner(**changes))
    assert response.status_code == 400
    assert response.get_json()["erreur"]["message"].startswith("Requête invalide")
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]


PATTERN_OUTPUT = '..{"index":["ALL"],"type":"test-motif"}.children...test-motif-total.children..'
MATCH_OUTPUT = '{"index":["MATCH"],"type":"test-un"}.children'
DUPLICATE_ID = "test-double"


@pytest.fixture
def patterned(app: dash.Dash) -> dash.Dash:
    """Callbacks with pattern-matching ids and an output allowed twice, as the pages use them."""

    @app.callback(
        Output({"type": "test-motif", "index": ALL}, "children"),
        Output("test-motif-total", "children"),
        Input("test-motif-niveau", "value"),
        State({"type": "test-motif", "index": ALL}, "value"),
    )
    def several(level, values):
        return [f"{level}:{value}" for value in values], str(len(values))

    @app.callback(
        Output({"type": "test-un", "index": MATCH}, "children"), Input({"type": "test-un", "index": MATCH}, "value")
    )
    def one(value):
        return str(value)

    @app.callback(Output(DUPLICATE_ID, "children"), Input("test-double-a", "n_clicks"))
    def first(clicks):
        return "a"

    @app.callback(
        Output(DUPLICATE_ID, "children", allow_duplicate=True),
        Input("test-double-b", "n_clicks"),
        prevent_initial_call=True,
    )
    def second(clicks):
        return "b"

    app.server.test_client().get("/")  # Dash completes its callback map at the first request
    return app


def _pattern_request() -> dict:
    items = [
        {"id": {"index": index, "type": "test-motif"}, "property": "value", "value": index * 2} for index in (1, 2)
    ]
    return {
        "output": PATTERN_OUTPUT,
        "outputs": [
            [{"id": item["id"], "property": "children"} for item in items],
            {"id": "test-motif-total", "property": "children"},
        ],
        "inputs": [{"id": "test-motif-niveau", "property": "value", "value": "epci"}],
        "state": [items],
        "changedPropIds": ["test-motif-niveau.value"],
    }


def _altered(body: dict, path: str, value) -> dict:
    copy = json.loads(json.dumps(body))
    target = copy
    *parents, last = path.split("/")
    for part in parents:
        target = target[int(part) if part.isdigit() else part]
    target[int(last) if last.isdigit() else last] = value
    return copy


def test_pattern_matching_ids_match_by_keys_and_wildcards(patterned: dash.Dash):
    client, callback_map = patterned.server.test_client(), patterned.callback_map
    body = _pattern_request()
    assert callback_requests.valid_callback_request(body, callback_map)
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    assert response.get_json()["response"]['{"index":2,"type":"test-motif"}'] == {"children": "epci:4"}
    empty = {**body, "state": [[]], "outputs": [[], body["outputs"][1]]}  # ALL may match no component
    assert callback_requests.valid_callback_request(empty, callback_map)
    wrong = [
        _altered(body, "state/0/1/id", {"index": 2, "type": "autre-motif"}),  # another pattern
        _altered(body, "state/0/1/id", {"index": 2}),  # a key missing
        _altered(body, "state/0/1/id", {"index": 2, "type": "test-motif", "x": 1}),  # one more key
        _altered(body, "state/0/1/id", {"index": [2], "type": "test-motif"}),  # not a value
        _altered(body, "state/0", body["state"][0][0]),  # one component for ALL
        _altered(body, "outputs/0/0/property", "value"),
        _altered(body, "outputs/0", body["outputs"][0][0]),
        _altered(body, "outputs/1/id", "test-motif-niveau"),
        _altered(body, "inputs/0/id", {"index": 1, "type": "test-motif-niveau"}),
    ]
    for case in wrong:
        assert not callback_requests.valid_callback_request(case, callback_map), case
        assert client.post("/_dash-update-component", json=case).status_code == 400
    match = {
        "output": MATCH_OUTPUT,
        "outputs": {"id": {"index": "a", "type": "test-un"}, "property": "children"},
        "inputs": [{"id": {"index": "a", "type": "test-un"}, "property": "value", "value": 3}],
        "changedPropIds": [],
    }
    assert client.post("/_dash-update-component", json=match).status_code == 200
    assert (
        client.post("/_dash-update-component", json=_altered(match, "inputs/0", [match["inputs"][0]])).status_code
        == 400
    )


def test_an_output_allowed_twice_is_sent_with_its_hash(patterned: dash.Dash):
    callback_map = patterned.callback_map
    output = next(key for key in callback_map if key.startswith(f"{DUPLICATE_ID}.children@"))
    body = {
        "output": output,
        "outputs": {"id": DUPLICATE_ID, "property": output.split(".", 1)[1]},  # « children@<hash> », as sent
        "inputs": [{"id": "test-double-b", "property": "n_clicks", "value": 1}],
        "changedPropIds": ["test-double-b.n_clicks"],
    }
    response = patterned.server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 200 and response.get_json()["response"][DUPLICATE_ID] == {"children": "b"}
    assert callback_requests.valid_callback_request(
        {**body, "outputs": {"id": DUPLICATE_ID, "property": "children"}}, callback_map
    )
    for wrong in ("hidden@x", "hidden"):
        assert not callback_requests.valid_callback_request(
            {**body, "outputs": {"id": DUPLICATE_ID, "property": wrong}}, callback_map
        )
    first = {**body, "output": f"{DUPLICATE_ID}.children", "inputs": [{"id": "test-double-a", "property": "n_clicks"}]}
    assert callback_requests.valid_callback_request(
        {**first, "outputs": {"id": DUPLICATE_ID, "property": "children"}}, callback_map
    )
    assert not callback_requests.valid_callback_request(first, callback_map)  # « @hash » on an output not allowed twice


def test_json_nested_too_deep_is_refused_without_a_traceback(client: FlaskClient, caplog):
    value: list = []
    for _ in range(callback_requests.MAX_JSON_DEPTH):
        value = [value]
    body = _banner(inputs=[{"id": ui_ids.APP_ERROR_CLOSE, "property": "n_clicks", "value": value}])
    with caplog.at_level(logging.INFO):
        assert _post(client, body) == 400
        raw = client.post("/_dash-update-component", data="[" * 5000 + "]" * 5000, content_type="application/json")
    assert raw.status_code == 400 and raw.get_json()["erreur"]["message"].startswith("Requête invalide")
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]
    assert callback_requests.json_depth_within([[1]], 2) and not callback_requests.json_depth_within([[[1]]], 2)


# --- Versions are not shown in production ------------------------------------------------------------------


def test_the_reload_hash_route_is_closed_in_production(app: dash.Dash, client: FlaskClient, monkeypatch):
    response = client.get("/_reload-hash")
    assert response.status_code == 404 and "Page introuvable" in response.text
    assert "dash_bootstrap_components" not in response.text and "plotly" not in response.text
    monkeypatch.setitem(app._dev_tools, "hot_reload", True)  # `python -m dashboard` with DEBUG=1
    assert client.get("/_reload-hash").status_code == 200
