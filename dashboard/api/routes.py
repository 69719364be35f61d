"""The read-only JSON/CSV API (/api/v1/...): each route checks its parameters against their declarations
(`dashboard.api.spec`), then answers from the cache or from `dashboard.api.payloads`; errors are JSON with a
French message (`ApiError`). Every answer is readable from another site (CORS) and carries validators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from flask import Blueprint, Response, request

from dashboard.api import payloads, spec
from dashboard.api.openapi import openapi_document
from dashboard.api.paging import Page, read_page
from dashboard.api.parameters import ApiError, check_parameters, choice, output_format, store_or_refusal, subset
from dashboard.api.responses import cached, conditional, csv_response, json_response
from dashboard.core import routes
from dashboard.core.perimeter import region_name
from dashboard.core.store import Store
from dashboard.needs import export as needs_export
from dashboard.needs import state as needs_state
from dashboard.needs.projects import project_choices
from dashboard.needs.scenario import what_if

OPENAPI_PATH = "/openapi.json"
#: Headers a script on another site may read (CORS), besides the simple ones.
EXPOSED_HEADERS = "ETag, Last-Modified, Link, X-Total-Count, X-Cache, Content-Disposition"


def index() -> Response:
    return json_response(
        {
            "description": f"API en lecture seule du tableau de bord des résidences sociales ({region_name()}).",
            "documentation": routes.API_DOC,
            "openapi": f"{routes.API_V1}{OPENAPI_PATH}",
            "points_d_acces": [f"{routes.API_V1}{endpoint.example}" for endpoint in spec.ENDPOINTS],
        }
    )


def openapi() -> Response:
    """The OpenAPI 3.1 description, written from the declarations the routes check requests with."""
    return conditional(f"openapi:{routes.API_V1}", lambda: json_response(openapi_document(region_name())))


def tabular(
    frame: pd.DataFrame, output: str, name: str, page: Page, payload: Callable[[pd.DataFrame], dict]
) -> Response:
    """A page of rows as CSV, or as JSON (`payload` of the rows, plus the page's envelope); Link header."""
    total = len(frame)
    rows = page.cut(frame)
    if output == "csv":
        response = csv_response(rows, name)
    else:
        response = json_response({**payload(rows), **page.envelope(total, len(rows))})
    response.headers.update(page.headers(total))
    return response


def indicators() -> Response:
    check_parameters(spec.INDICATORS)
    store = store_or_refusal()
    level = choice(spec.INDICATORS.parameter("level"))
    available = payloads.available(store, level)
    # The order of the indicators orders the answer; the codes only filter it.
    chosen = subset("indicator", available, f"Indicateur (au niveau {level})") or list(available)
    known = list(payloads.names(store, level))
    codes = sorted(subset("code", known, f"Code (au niveau {level})", show_allowed=False))
    output = output_format()
    page = read_page()
    parameters = {"level": level, "indicator": chosen, "code": codes, "format": output, **page.key()}
    return cached(parameters, lambda: _indicators_answer(store, level, chosen, codes, output, page))


def _indicators_answer(
    store: Store, level: str, chosen: list[str], codes: list[str], output: str, page: Page
) -> Response:
    if output == "csv":
        frame = payloads.indicators_csv_frame(store, level, chosen, codes)
    else:
        frame = payloads.indicators_json_frame(store, level, chosen, codes)
    return tabular(
        frame,
        output,
        f"indicateurs_{level}",
        page,
        lambda rows: payloads.indicators_payload(store, level, chosen, rows),
    )


def territories() -> Response:
    check_parameters(spec.TERRITORIES)
    store = store_or_refusal()
    level = choice(spec.TERRITORIES.parameter("level"))
    departements = sorted(
        subset("departement", list(payloads.names(store, "departement")), "Département", show_allowed=True)
    )
    epcis = sorted(subset("epci", list(payloads.names(store, "epci")), "EPCI", show_allowed=False))
    if epcis and level in ("departement", "region"):
        raise ApiError(f"Le filtre « epci » ne s'applique pas au niveau {level}.", parameter="epci")
    output = output_format()
    page = read_page()
    parameters = {"level": level, "departement": departements, "epci": epcis, "format": output, **page.key()}

    def answer() -> Response:
        frame = payloads.territories_frame(store, level, departements, epcis)
        return tabular(
            frame, output, f"territoires_{level}", page, lambda rows: payloads.territories_payload(store, level, rows)
        )

    return cached(parameters, answer)


def residences() -> Response:
    check_parameters(spec.RESIDENCES)
    store = store_or_refusal()
    types = store.catalogue.get("residence_types", {})
    filters = {
        "epci_code": subset("epci", list(payloads.names(store, "epci")), "EPCI", show_allowed=False),
        "departement_code": subset("departement", payloads.residence_departements(store), "Département"),
        "commune_code": subset("commune", list(payloads.names(store, "commune")), "Commune", show_allowed=False),
        "type": subset("type", list(types.get("labels", {})), "Type d'établissement"),
        "family": subset("family", list(types.get("families", {})), "Famille d'établissements"),
    }
    filters = {field: sorted(values) for field, values in filters.items()}  # filters: order irrelevant
    output = output_format()
    page = read_page()

    def answer() -> Response:
        frame = payloads.residences_frame(store, filters)
        return tabular(frame, output, "etablissements", page, lambda rows: payloads.residences_payload(store, rows))

    return cached({**filters, "format": output, **page.key()}, answer)


def needs_analysis() -> Response:
    check_parameters(spec.NEEDS)
    store = store_or_refusal()
    output = output_format()
    query = {key: request.args.getlist(key) for key in request.args if key not in ("format", *spec.IGNORED)}
    query = {key: values[0] if len(values) == 1 else values for key, values in query.items()}
    state, notices = needs_state.parse_needs(query, only=needs_state.SCENARIO_PARAMS, projects=project_choices(store))

    def answer() -> Response:
        scenario = what_if(store, state.parameters)
        if output == "csv":
            return csv_response(needs_export.frame(scenario), "besoins_epci")
        return json_response(needs_export.payload(store, scenario, state, notices, payloads.meta(store)))

    # The parsed state (exact values) is the key; an answer with notices repeats the raw values refused:
    # it is computed each time rather than kept (any text would otherwise make a new entry).
    parameters: dict[str, Any] = {"state": repr(state), "format": output, "avertissements": notices}
    return cached(parameters, answer, cacheable=not notices)


def sources() -> Response:
    check_parameters(spec.SOURCES)
    store = store_or_refusal()
    choice(spec.SOURCES.parameter("format"))
    return cached({"format": "json"}, lambda: json_response(payloads.sources_payload(store)))


def not_found(unknown: str) -> Response:
    raise ApiError(
        f"Adresse inconnue : {routes.API_V1}/{unknown}. Voir la documentation : {routes.API_DOC}.", status=404
    )


def refused(error: ApiError) -> Response:
    response = error.response()
    response.headers["Cache-Control"] = "no-store"
    return response


def open_to_other_sites(response: Response) -> Response:
    """CORS: public open data without cookies, readable by a script of any site (an EPCI's observatory)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":  # preflight of a script sending If-None-Match itself
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def api_blueprint() -> Blueprint:
    """The API's routes under routes.API_V1."""
    blueprint = Blueprint("api_v1", __name__, url_prefix=routes.API_V1)
    blueprint.register_error_handler(ApiError, refused)
    blueprint.after_request(open_to_other_sites)
    views = {
        "/": index,
        OPENAPI_PATH: openapi,
        spec.INDICATORS.path: indicators,
        spec.TERRITORIES.path: territories,
        spec.RESIDENCES.path: residences,
        spec.NEEDS.path: needs_analysis,
        spec.SOURCES.path: sources,
        "/<path:unknown>": not_found,
    }
    for path, view in views.items():
        blueprint.add_url_rule(path, view_func=view, methods=["GET"])
    return blueprint
