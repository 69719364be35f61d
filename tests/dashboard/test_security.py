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
from dash import Input, Output
from flask.testing import FlaskClient

from dashboard import ids, security
from dashboard.app import create_app
from dashboard.settings import Settings
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
    config = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
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
    assert f'"id": "{ids.APP_ERROR}"' in text
    banner = _find(layout, ids.APP_ERROR)
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
    with caplog.at_level(logging.ERROR, logger="dashboard.security"):
        response = client.post("/_dash-update-component", json=payload, headers={"Referer": "http://x/tableaux"})
    assert response.status_code == 200
    body = response.get_json()
    assert "response" not in body or FAILING_OUTPUT not in body.get("response", {})  # outputs unchanged
    side = body["sideUpdate"]
    assert side[ids.APP_ERROR] == {"hidden": False}
    message = side[ids.APP_ERROR_TEXT]["children"]
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
        f"{ids.APP_ERROR}.hidden", [{"id": ids.APP_ERROR_CLOSE, "property": "n_clicks", "value": 1}]
    )
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200
    assert response.get_json()["response"][ids.APP_ERROR]["hidden"] is True


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
    with caplog.at_level(logging.ERROR, logger="dashboard.security"):
        response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200
    content = response.get_json()["response"]["_pages_content"]["children"]
    text = json.dumps(content, ensure_ascii=False)
    assert content["props"]["id"] == ids.APP_ERROR_PAGE
    assert "Page momentanément indisponible" in text and "Référence de l'erreur" in text
    assert "secret layout detail" not in response.text
    assert any("_pages_content.children" in record.getMessage() for record in caplog.records)
