"""The load scenario: what officials, planners and presenters do at the same time, as HTTP requests.

Actions (weights in ACTION_WEIGHTS), each a short sequence of requests:

- `page_accueil`, `page_autre`: a page load as Dash's renderer does it — the HTML, `/_dash-layout`,
  `/_dash-dependencies`, the page router callback, then the page's initial callbacks;
- `changement_indicateur`: an indicator switch on the map, i.e. the POSTs to `/_dash-update-component` of
  every callback fed by the indicator dropdown, then of the callbacks chained on their outputs;
- `fiche`: the page of an EPCI (`/territoire/<siren>`);
- `export`: a download of the tables page (CSV for Excel, CSV, XLSX);
- `api`: the read-only API (indicators, territories, establishments, sources);
- `sante`: `/healthz`.

The callback payloads are built the way the renderer builds them, from `/_dash-dependencies` and the
values of the components in the page layouts (fetched once by `discover`), so they follow the callbacks
as they are. A browser capture of an indicator switch (Chromium, Playwright) gave the same five
requests: the map, the table, the side panel, the URL, then the territory picker chained on the level
drawn. Pattern-matching callbacks (dict ids) are left out.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from dashboard.core import routes
from dashboard.ui import ids as ui_ids

ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."
LOCATION_ID = "_pages_location"
MAP_INDICATOR = ("carte-indicateur", "value")
APP_ERROR_MARKER = f'"{ui_ids.APP_ERROR}"'.encode()  # a callback that failed (dashboard.server.security.callback_error)
HOME = "/"
OTHER_PAGES = (
    "/tableaux",
    "/tableaux?niveau=commune&dep=59&tri=-population",
    "/sources",
    "/comprendre",
    "/comprendre/monter-un-projet",
    "/calculateur",
    "/api",
    "/a-propos",
)
EXPORT_FORMATS = ("csv-excel", "csv-excel", "csv", "xlsx")
ACTION_WEIGHTS = {
    "page_accueil": 12,
    "page_autre": 10,
    "changement_indicateur": 30,
    "fiche": 10,
    "export": 8,
    "api": 28,
    "sante": 2,
}


@dataclass(frozen=True)
class Request:
    label: str
    method: str
    path: str
    body: bytes | None = None


@dataclass(frozen=True)
class Callback:
    output: str
    outputs: Any  # a dict for a single output, a list of dicts for several (as the renderer sends them)
    inputs: tuple[tuple[str, str], ...]
    state: tuple[tuple[str, str], ...]
    prevent_initial_call: bool

    @property
    def output_props(self) -> list[tuple[str, str]]:
        items = self.outputs if isinstance(self.outputs, list) else [self.outputs]
        return [(item["id"], item["property"].split("@")[0]) for item in items]


@dataclass
class Site:
    """What `discover` learnt from the running app: callbacks, component values per page, codes."""

    callbacks: list[Callback]
    app_values: dict[tuple[str, str], Any]
    page_values: dict[str, dict[tuple[str, str], Any]]
    indicators: list[str]
    epci_codes: list[str]
    epci_indicators: list[str]
    departements: list[str] = field(default_factory=lambda: ["02", "59", "60", "62", "80"])


# --- Dash payloads ----------------------------------------------------------------------------------------


def _outputs_of(output: str) -> Any:
    if output.startswith(".."):
        parts = output[2:-2].split("...")
        return [{"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]} for part in parts]
    component, prop = output.rsplit(".", 1)
    return {"id": component, "property": prop}


def parse_dependencies(dependencies: Iterable[Mapping[str, Any]]) -> list[Callback]:
    """Server-side callbacks of `/_dash-dependencies` (clientside and pattern-matching ones left out)."""
    callbacks = []
    for dependency in dependencies:
        if dependency.get("clientside_function"):
            continue
        items = [*dependency.get("inputs", []), *dependency.get("state", [])]
        if any(str(item["id"]).startswith("{") for item in items) or "{" in dependency["output"]:
            continue
        callbacks.append(
            Callback(
                output=dependency["output"],
                outputs=_outputs_of(dependency["output"]),
                inputs=tuple((item["id"], item["property"]) for item in dependency.get("inputs", [])),
                state=tuple((item["id"], item["property"]) for item in dependency.get("state", [])),
                prevent_initial_call=bool(dependency.get("prevent_initial_call")),
            )
        )
    return callbacks


def component_values(tree: Any, values: dict[tuple[str, str], Any] | None = None) -> dict[tuple[str, str], Any]:
    """(id, prop) → value of every component with a string id in a layout (Dash's JSON)."""
    values = {} if values is None else values
    if isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict):
            component_id = props.get("id")
            if isinstance(component_id, str):
                for prop, value in props.items():
                    values[(component_id, prop)] = value
            for value in props.values():
                component_values(value, values)
    elif isinstance(tree, list):
        for item in tree:
            component_values(item, values)
    return values


def callback_body(callback: Callback, values: Mapping[tuple[str, str], Any], changed: Iterable[str]) -> bytes:
    def item(component: str, prop: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": component, "property": prop}
        if (component, prop) in values:
            entry["value"] = values[(component, prop)]
        return entry

    changed_ids = list(changed)
    payload: dict[str, Any] = {
        "output": callback.output,
        "outputs": callback.outputs,
        "inputs": [item(*key) for key in callback.inputs],
        "changedPropIds": changed_ids,
        "parsedChangedPropsIds": changed_ids,
    }
    if callback.state:
        payload["state"] = [item(*key) for key in callback.state]
    return json.dumps(payload).encode()


def router_body(path: str) -> bytes:
    pathname, _, search = path.partition("?")
    values = {(LOCATION_ID, "pathname"): pathname, (LOCATION_ID, "search"): f"?{search}" if search else ""}
    router = Callback(
        ROUTER_OUTPUT,
        _outputs_of(ROUTER_OUTPUT),
        ((LOCATION_ID, "pathname"), (LOCATION_ID, "search")),
        (),
        True,
    )
    return callback_body(router, values, [f"{LOCATION_ID}.pathname", f"{LOCATION_ID}.search"])


def _label(callback: Callback) -> str:
    first = callback.output_props[0]
    return f"POST callback {first[0]}.{first[1]}"


def initial_callbacks(site: Site, page: str) -> list[Request]:
    """The callbacks the renderer fires when `page` appears (not prevented, inputs in the page)."""
    page_values = site.page_values.get(page, {})
    values = {**site.app_values, **page_values}
    page_ids = {component for component, _prop in page_values}
    present = page_ids | {component for component, _prop in site.app_values}
    requests = []
    for callback in site.callbacks:
        if callback.prevent_initial_call or not callback.inputs:
            continue
        # As the renderer: every input component on screen (a prop never set is sent without value).
        components = [component for component, _prop in callback.inputs]
        if not all(component in present for component in components) or not page_ids & set(components):
            continue
        changed = [f"{component}.{prop}" for component, prop in callback.inputs]
        requests.append(Request(_label(callback), "POST", routes.DASH_UPDATE, callback_body(callback, values, changed)))
    return requests


def page_load(site: Site, path: str) -> list[Request]:
    return [
        Request(f"GET {path.split('?')[0] if not path.startswith('/territoire/') else '/territoire/…'}", "GET", path),
        Request("GET /_dash-layout", "GET", "/_dash-layout"),
        Request("GET /_dash-dependencies", "GET", "/_dash-dependencies"),
        Request("POST router", "POST", routes.DASH_UPDATE, router_body(path)),
        *initial_callbacks(site, path),
    ]


def indicator_switch(site: Site, indicator: str) -> list[Request]:
    """The requests of choosing `indicator` on the map (home page), chained callbacks included."""
    values = {**site.app_values, **site.page_values.get(HOME, {}), MAP_INDICATOR: indicator}
    changed = f"{MAP_INDICATOR[0]}.{MAP_INDICATOR[1]}"
    fired = [callback for callback in site.callbacks if MAP_INDICATOR in callback.inputs]
    requests = [
        Request(_label(callback), "POST", routes.DASH_UPDATE, callback_body(callback, values, [changed]))
        for callback in fired
    ]
    updated = {prop for callback in fired for prop in callback.output_props}
    for callback in site.callbacks:
        if callback in fired:
            continue
        chained = [key for key in callback.inputs if key in updated and key != MAP_INDICATOR]
        if chained:
            ids_changed = [f"{component}.{prop}" for component, prop in chained]
            requests.append(
                Request(_label(callback), "POST", routes.DASH_UPDATE, callback_body(callback, values, ids_changed))
            )
    return requests


# --- Discovery and actions ---------------------------------------------------------------------------------

Fetch = Callable[[str, str, bytes | None], tuple[int, bytes]]


def _json(fetch: Fetch, method: str, path: str, body: bytes | None = None) -> Any:
    status, content = fetch(method, path, body)
    if status != 200:
        raise RuntimeError(f"{method} {path} answered {status}: {content[:300]!r}")
    return json.loads(content)


def discover(fetch: Fetch) -> Site:
    """Learn the callbacks, the layouts and a few codes from the running app (a few sequential requests)."""
    callbacks = parse_dependencies(_json(fetch, "GET", "/_dash-dependencies"))
    app_values = component_values(_json(fetch, "GET", "/_dash-layout"))
    page_values = {}
    for page in (HOME, *OTHER_PAGES):
        routed = _json(fetch, "POST", routes.DASH_UPDATE, router_body(page))
        page_values[page] = component_values(routed["response"]["_pages_content"]["children"])
    options = page_values[HOME].get((MAP_INDICATOR[0], "options")) or []
    indicators = [
        option["value"]
        for option in options
        if isinstance(option, dict) and not option.get("disabled") and option.get("value")
    ]
    territories = _json(fetch, "GET", "/api/v1/territories?level=epci")["territoires"]
    sources = _json(fetch, "GET", "/api/v1/sources")["indicateurs"]
    epci_indicators = [entry["id"] for entry in sources if "epci" in entry.get("niveaux", [])]
    if not indicators or not territories or not epci_indicators:
        raise RuntimeError("the app has no indicator or no EPCI: is the data built?")
    site = Site(
        callbacks, app_values, page_values, indicators, [row["code_epci"] for row in territories], epci_indicators
    )
    for code in site.epci_codes[:3]:  # fiche pages, for their initial callbacks
        path = f"/territoire/{code}"
        routed = _json(fetch, "POST", routes.DASH_UPDATE, router_body(path))
        site.page_values[path] = component_values(routed["response"]["_pages_content"]["children"])
    return site


def next_action(site: Site, rng: random.Random) -> tuple[str, list[Request]]:
    action = rng.choices(list(ACTION_WEIGHTS), weights=list(ACTION_WEIGHTS.values()))[0]
    if action == "page_accueil":
        return action, page_load(site, HOME)
    if action == "page_autre":
        return action, page_load(site, rng.choice(OTHER_PAGES))
    if action == "changement_indicateur":
        return action, indicator_switch(site, rng.choice(site.indicators))
    if action == "fiche":
        return action, page_load(site, f"/territoire/{rng.choice(site.epci_codes)}")
    if action == "export":
        chosen = rng.sample(site.epci_indicators, k=min(4, len(site.epci_indicators)))
        query = urlencode({"niveau": "epci", "indicateurs": ",".join(chosen), "dep": rng.choice(site.departements)})
        export_format = rng.choice(EXPORT_FORMATS)
        return action, [Request(f"GET /telecharger/{export_format}", "GET", f"/telecharger/{export_format}?{query}")]
    if action == "api":
        kind = rng.randrange(4)
        if kind == 0:
            indicator = rng.choice(site.epci_indicators)
            return action, [
                Request("GET /api/v1/indicators", "GET", f"/api/v1/indicators?level=epci&indicator={indicator}")
            ]
        if kind == 1:
            path = f"/api/v1/territories?level=commune&epci={rng.choice(site.epci_codes)}"
            return action, [Request("GET /api/v1/territories", "GET", path)]
        if kind == 2:
            path = f"/api/v1/residences?departement={rng.choice(site.departements)}&format=csv"
            return action, [Request("GET /api/v1/residences", "GET", path)]
        return action, [Request("GET /api/v1/sources", "GET", "/api/v1/sources")]
    return action, [Request("GET /healthz", "GET", "/healthz")]
