"""Property-based tests (hypothesis) of everything a visitor can type: URL state, API parameters, routes.

Random strings, huge numbers, unknown codes, path traversal (raw and encoded), oversized queries: the
answer is a valid state with French notices, a French 4xx, or a page that says what was ignored —
never a 500, never a callback error, never a file from outside a route's folder. On a real build.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from dash._pages import _parse_query_string
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dashboard.app import create_app
from dashboard.calculator import model as calc
from dashboard.content import references
from dashboard.core.levels import LEVELS
from dashboard.core.store import Store
from dashboard.map import state as map_state
from dashboard.map.classification import MAX_CLASSES, MIN_CLASSES, SCHEMES
from dashboard.map.palette import REFERENCES
from dashboard.needs import analysis as needs_store
from dashboard.server import security
from dashboard.settings import Settings
from dashboard.tables import files as table_files
from dashboard.tables import indicators as table_indicators
from dashboard.tables import state as table_state

FAST = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."
LOCATION = "_pages_location"
ERROR_MARKERS = (b'"erreur-page"', b'"erreur-application"')
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = [
    "",
    " ",
    "../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/",
    "..\\..\\windows",
    "\x00",
    "%00",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '=HYPERLINK("http://x")',
    "9" * 400,
    "1e400",
    "-1e400",
    "NaN",
    "inf",
    "-0",
    "0x1F",
    "12,5",
    "1 000 000",
    "١٢٣",  # Arabic-Indic digits
    "é" * 50,
    ",,,,",
    "aucune",
]
LEVEL_VALUES = ["commune", "epci", "departement", "region", "france", "EPCI", "pays"]


@pytest.fixture(scope="module")
def app(built_data_dir: Path):
    return create_app(Settings(data_dir=built_data_dir))


@pytest.fixture(scope="module")
def store(app) -> Store:
    loaded = app.server.config["STORE"]
    assert isinstance(loaded, Store)
    return loaded


@pytest.fixture(scope="module")
def client(app) -> FlaskClient:
    return app.server.test_client()


def words(*known: str) -> st.SearchStrategy[str]:
    """A value a visitor could type: a known one, a hostile one, or anything."""
    return st.one_of(st.sampled_from(list(known) or [""]), st.sampled_from(HOSTILE), st.text(max_size=40))


def query_strings(keys: list[str], values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """'?k=v&…' as the address bar sends it: known or random keys, repeated keys, encoded or raw."""
    pairs = st.lists(st.tuples(st.one_of(st.sampled_from(keys), st.text(max_size=12)), values), max_size=8)
    encoded = pairs.map(lambda items: "?" + urlencode(items))
    raw = st.text(max_size=120).map(lambda text: "?" + text)
    return st.one_of(encoded, encoded, raw)


def router_payload(pathname: str, search: str) -> dict:
    return {
        "output": ROUTER_OUTPUT,
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": LOCATION, "property": "pathname", "value": pathname},
            {"id": LOCATION, "property": "search", "value": search},
        ],
        "changedPropIds": [f"{LOCATION}.pathname", f"{LOCATION}.search"],
    }


def router(client: FlaskClient, pathname: str, search: str) -> bytes:
    response = client.post("/_dash-update-component", json=router_payload(pathname, search))
    assert response.status_code == 200, (pathname, search, response.text[:300])
    body = response.get_data()
    assert not any(marker in body for marker in ERROR_MARKERS), (pathname, search)
    return body


# --- URL state of the pages (pure functions) ---------------------------------------------------------------


def test_map_state_from_any_query_is_valid_and_round_trips(store: Store):
    choices = map_state.choices_from_store(store)
    keys = list(map_state.PARAMS)
    known = [*choices.indicators[:5], *LEVELS, *SCHEMES, "3", "7", "8", *choices.layers[:3], "200093201"]
    known += [needs_store.SCORE_INDICATOR, "taux_pauvrete:2,revenu_median:1", "taux_pauvrete:9", "rang", "minmax"]

    @FAST
    @given(query_strings(keys, words(*known)))
    def check(search: str):
        state, notices = map_state.parse_state(_parse_query_string(search), choices)
        assert all(isinstance(notice, str) and notice for notice in notices)
        assert state.indicator in choices.indicators
        assert state.level in LEVELS and state.scheme in SCHEMES and state.reference in REFERENCES
        assert MIN_CLASSES <= state.classes <= MAX_CLASSES
        assert set(state.layers) <= set(choices.layers)
        assert state.territory is None or state.territory in choices.codes[state.level]
        written = map_state.serialise_state(state)
        again, again_notices = map_state.parse_state(_parse_query_string(written), choices)
        assert again_notices == [] and map_state.serialise_state(again) == written  # a permalink is stable
        # …and restores the view (the weights of the needs score only count when the score is shown).
        ignored = {"score"} if state.indicator != needs_store.SCORE_INDICATOR else set()
        assert {name: getattr(again, name) for name in vars(state) if name not in ignored} == {
            name: getattr(state, name) for name in vars(state) if name not in ignored
        }

    check()


def test_table_state_from_any_query_is_valid_and_round_trips(store: Store):
    choices = table_indicators.table_choices(store)
    keys = [
        table_state.PARAM_TAB,
        table_state.PARAM_LEVEL,
        table_state.PARAM_INDICATORS,
        table_state.PARAM_DEPARTEMENTS,
        table_state.PARAM_EPCIS,
        table_state.PARAM_SORT,
        table_state.PARAM_TYPES,
        table_state.PARAM_RESIDENCE_SORT,
        "min_taux_pauvrete",
        "max_population",
        "min_inconnu",
    ]
    known = ["epci", "commune", "residences", "population,taux_pauvrete", "59,62", "-population", "15", "12,5"]

    @FAST
    @given(query_strings(keys, words(*known)))
    def check(search: str):
        state, notices = table_state.parse_query(_parse_query_string(search), choices)
        assert all(isinstance(notice, str) and notice for notice in notices)
        assert state.tab in table_state.TABS and state.level in table_state.LEVELS
        assert set(state.indicators) <= set(choices.available(state.level))
        assert set(state.departements) <= set(choices.departements) and set(state.epcis) <= set(choices.epcis)
        assert len(state.thresholds) <= table_state.MAX_THRESHOLDS
        for threshold in state.thresholds:
            for bound in (threshold.minimum, threshold.maximum):
                assert bound is None or abs(bound) < float("inf")
        again, again_notices = table_state.parse_query(_parse_query_string("?" + table_state.to_query(state)), choices)
        assert again == state and again_notices == []

    check()


def test_calculator_state_from_any_query_is_valid_and_round_trips(store: Store):
    initial = calc.defaults(references.index(store.catalogue.get("reference_figures", [])).values())
    keys = list(calc.STATE_KEYS)

    @FAST
    @given(query_strings(keys, words("20", "0", "-5", "12 200", "18,5", "1e9", "pension", "autre", "montant")))
    def check(search: str):
        state, notices = calc.state_from_query(_parse_query_string(search), initial)
        assert all(isinstance(notice, str) and notice for notice in notices)
        for key, value in state.items():
            if key in calc.CHOICES:
                assert value in calc.CHOICES[key]
            elif value != initial.get(key):
                calc.check_field(calc.FIELDS_BY_KEY[key], value)  # raises InvalidValue if it let a bad value in
        calc.estimate(state)  # never raises: invalid fields are reported, not computed
        written = calc.query_string(state, initial)
        assert calc.state_from_query(_parse_query_string(written), initial) == (state, [])

    check()


@FAST
@given(st.text(max_size=30))
def test_spreadsheet_formulas_are_always_neutralised(text: str):
    safe = table_files.neutralise(text)
    assert safe == ("'" + text if text.startswith(DANGEROUS) else text)
    assert not str(safe).startswith(DANGEROUS)


# --- Pages (the Dash router renders each page's layout) ------------------------------------------------------


def test_any_query_on_any_page_gives_a_page_never_an_error(client: FlaskClient):
    pages = ["/", "/tableaux", "/sources", "/calculateur", "/comprendre/monter-un-projet", "/territoire/200093201"]
    keys = [*map_state.PARAMS, table_state.PARAM_LEVEL, table_state.PARAM_INDICATORS, "territoire", "siren"]

    @SLOW
    @given(st.sampled_from(pages), query_strings(keys, words("epci", "59", "200093201", "taux_pauvrete")))
    # Dash passes query parameters to the layout over the path variables: a repeated one is a list.
    @example("/territoire/200093201", "?siren=epci&siren=epci")
    def check(pathname: str, search: str):
        router(client, pathname, search)

    check()


def test_any_territory_code_gives_a_page_never_an_error(client: FlaskClient):
    @SLOW
    @given(st.one_of(words("200093201", "245900410", "59", "00000000"), st.text(min_size=1, max_size=300)))
    def check(code: str):
        router(client, "/territoire/" + code, "")
        assert client.get("/territoire/" + quote(code, safe="")).status_code in (200, 404, 414)

    check()


# --- HTTP routes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["indicators", "territories", "residences", "sources"])
def test_api_parameters_give_data_or_a_french_4xx(client: FlaskClient, endpoint: str):
    keys = ["level", "indicator", "code", "format", "departement", "epci", "commune", "type", "family"]
    values = words(*LEVEL_VALUES, "population,taux_pauvrete", "59", "200093201", "csv", "json", "fjt", "hebergement")

    @settings(FAST, max_examples=40)
    @given(st.lists(st.tuples(st.one_of(st.sampled_from(keys), st.text(max_size=8)), values), max_size=5))
    def check(params: list[tuple[str, str]]):
        response = client.get(f"/api/v1/{endpoint}", query_string=params)
        assert response.status_code in (200, 400, 404, 414), response.text[:300]
        if response.status_code != 200:
            message = response.get_json()["erreur"]["message"]
            assert message and "Traceback" not in message
        elif response.mimetype == "application/json":
            json.loads(response.get_data())  # strict JSON: no NaN

    check()


def test_downloads_with_any_query_give_a_file_or_a_french_404(client: FlaskClient):
    keys = [table_state.PARAM_LEVEL, table_state.PARAM_INDICATORS, table_state.PARAM_DEPARTEMENTS, "min_population"]

    @SLOW
    @given(
        st.sampled_from(["csv", "csv-excel", "xlsx", "geojson", "pdf", "..", "%2e%2e"]),
        query_strings(keys, words("epci", "departement", "population", "59", "-1e400")),
    )
    def check(export_format: str, search: str):
        response = client.get(f"/telecharger/{export_format}{search if len(search) > 1 else ''}")
        assert response.status_code in (200, 400, 404, 414), response.text[:300]
        if response.status_code == 400:  # a niveau naming no file: refused in French, never another file
            assert "Valeur inconnue pour « niveau »" in response.text

    check()


TRAVERSALS = ["..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "..%2f", "..%5c", "%252e%252e", "..;", "....//"]


def test_no_path_reaches_a_file_outside_its_folder(client: FlaskClient):
    prefixes = ["/assets/", "/telecharger/", "/_dash-component-suites/dash/", "/carte/geometrie/", "/api/v1/", "/"]
    targets = ["etc/passwd", "pyproject.toml", "dashboard/settings.py", "data/processed/coverage.json", "style.css"]

    @settings(FAST, max_examples=80)
    @given(
        st.sampled_from(prefixes),
        st.lists(st.sampled_from(TRAVERSALS), min_size=1, max_size=6),
        st.sampled_from(targets),
    )
    def check(prefix: str, climbs: list[str], target: str):
        path = prefix + "/".join(climbs) + "/" + target
        response = client.get(path)
        assert response.status_code != 500, path
        body = response.get_data()
        assert b"root:" not in body and b"[project]" not in body and b"REPO_ROOT" not in body, path
        assert b'"built_at"' not in body, path

    check()


def test_any_path_gets_an_answer_never_a_500(client: FlaskClient):
    @settings(FAST, max_examples=80)
    @given(st.text(max_size=60))
    def check(text: str):
        # (a leading « // » would make the test client read a host name: not a path)
        response = client.get("/" + quote(text.lstrip("/"), safe="/%.~"))
        assert response.status_code in (200, 301, 308, 404, 405, 414), (text, response.status_code)

    check()


def test_oversized_queries_are_refused_in_french_at_any_length(client: FlaskClient):
    @settings(FAST, max_examples=25)
    @given(st.integers(min_value=security.MAX_QUERY_BYTES - 5, max_value=security.MAX_QUERY_BYTES * 4))
    def check(length: int):
        response = client.get("/api/v1/sources?" + "x" * length)
        if length > security.MAX_QUERY_BYTES:
            assert response.status_code == 414
            assert response.get_json()["erreur"]["message"].startswith("Adresse trop longue")
        else:
            assert response.status_code == 400  # an unknown parameter, said in French by the API

    check()


def test_malformed_callback_requests_get_a_french_400_never_a_500(client: FlaskClient, app):
    outputs = sorted(app.callback_map)
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=10,
    )
    bodies = st.one_of(
        json_values,
        st.fixed_dictionaries(
            {"output": st.one_of(st.sampled_from(outputs), st.text(max_size=30))},
            optional={
                "outputs": json_values,
                "inputs": json_values,
                "state": json_values,
                "changedPropIds": json_values,
            },
        ),
    )

    @settings(FAST, max_examples=80)
    @given(bodies)
    def check(body):
        response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
        assert response.status_code in (200, 204, 400), (body, response.status_code, response.text[:300])
        if response.status_code == 400:
            assert response.get_json()["erreur"]["message"].startswith("Requête invalide")

    check()
    raw = client.post("/_dash-update-component", data=b"{not json", content_type="application/json")
    assert raw.status_code == 400
    deep = client.post("/_dash-update-component", data="[" * 5000 + "]" * 5000, content_type="application/json")
    assert deep.status_code == 400
    clientside = next(output for output, spec in app.callback_map.items() if "callback" not in spec)
    assert client.post("/_dash-update-component", json={"output": clientside, "inputs": []}).status_code == 400


def test_callbacks_fed_with_any_values_answer_never_a_500(client: FlaskClient, app):
    """Requests shaped like the renderer's for every callback, with random values: handled or refused."""
    callbacks = sorted(
        (output, spec)
        for output, spec in app.callback_map.items()
        if "callback" in spec  # server-side (a clientside callback is refused with 400: no function to run)
        and "{" not in output
        and not any("{" in str(item["id"]) for item in [*spec["inputs"], *spec["state"]])
    )
    values = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
        st.lists(st.text(max_size=8), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    )  # fmt: skip

    @settings(FAST, max_examples=120)
    @given(st.sampled_from(callbacks), st.data())
    def check(callback, data):
        output, spec = callback

        def props(items):
            return [{"id": item["id"], "property": item["property"], "value": data.draw(values)} for item in items]

        inputs = props(spec["inputs"])
        payload = {
            "output": output,
            "outputs": [{"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]} for part in output[2:-2].split("...")]
            if output.startswith("..")
            else {"id": output.rsplit(".", 1)[0], "property": output.rsplit(".", 1)[1]},
            "inputs": inputs,
            "state": props(spec["state"]),
            "changedPropIds": [f"{item['id']}.{item['property']}" for item in inputs[:1]],
        }  # fmt: skip
        response = client.post("/_dash-update-component", json=payload)
        # The shape is the renderer's: never refused, except a router location no browser can have.
        refused = output == ROUTER_OUTPUT and response.status_code == 400
        assert response.status_code in (200, 204) or refused, (payload, response.status_code, response.text[:300])

    check()


def test_router_requests_with_other_ids_are_refused_and_never_change_a_page(client: FlaskClient):
    """Dash reads the router's inputs by position: any request whose ids, properties or number of inputs
    and outputs differ from the declaration is refused (400), and the next plain visitor of a page gets
    the same page as before, from the cache or computed (security review: page cache poisoning)."""
    pages = ["/", "/sources", "/tableaux", "/territoire/248000531"]
    before = {page: router(client, page, "") for page in pages}
    declared_inputs = [(LOCATION, "pathname"), (LOCATION, "search")]
    declared_outputs = [("_pages_content", "children"), ("_pages_store", "data")]
    ids = st.one_of(st.sampled_from([LOCATION, "_pages_content", "_pages_store", "decoy", ""]), st.text(max_size=12))
    props = st.one_of(st.sampled_from(["pathname", "search", "children", "data", "hash", "href"]), st.text(max_size=8))
    values = st.one_of(
        st.sampled_from([*pages, "/classement", "/nimporte", "?x=1", "?Ce service ferme=1", ""]), words()
    )
    items = st.fixed_dictionaries({"id": ids, "property": props, "value": values})
    outputs = st.lists(st.fixed_dictionaries({"id": ids, "property": props}), max_size=3)

    @settings(FAST, max_examples=100)
    @given(st.lists(items, max_size=3), st.one_of(st.just(None), outputs))
    def check(inputs: list[dict], sent_outputs: list[dict] | None):
        body = router_payload(inputs[0]["value"] if inputs else "/", "")
        body["inputs"] = inputs
        if sent_outputs is not None:
            body["outputs"] = sent_outputs
        shape_ok = [(item["id"], item["property"]) for item in inputs] == declared_inputs and (
            sent_outputs is None or [(item["id"], item["property"]) for item in sent_outputs] == declared_outputs
        )
        response = client.post("/_dash-update-component", json=body)
        if shape_ok:
            assert response.status_code in (200, 400)  # 400: a location that is not text
        else:
            assert response.status_code == 400, body
            assert response.get_json()["erreur"]["message"].startswith("Requête invalide")

    check()
    for page in pages:
        assert router(client, page, "") == before[page], page
