"""The read-only JSON/CSV API (/api/v1/...): each route checks its parameters, then answers from the cache
or from `dashboard.api.payloads`; errors are JSON with a French message (`ApiError`)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from dashboard.api import payloads
from dashboard.api.parameters import ApiError, check_parameters, one_of, output_format, store_or_refusal, subset
from dashboard.api.responses import cached, csv_response, json_response
from dashboard.core import routes
from dashboard.core.perimeter import region_name
from dashboard.core.store import Store
from dashboard.needs import export as needs_export
from dashboard.needs import state as needs_state
from dashboard.needs.projects import project_choices
from dashboard.needs.scenario import what_if

#: Example queries listed by the API's index (under routes.API_V1).
EXAMPLES = (
    "/indicators?level=epci&indicator=population,taux_pauvrete&format=json",
    "/territories?level=commune&epci=248000531",
    "/residences?epci=248000531",
    "/sources",
    "/needs?reference=france&format=json",
)


def index() -> Response:
    return json_response(
        {
            "description": f"API en lecture seule du tableau de bord des résidences sociales ({region_name()}).",
            "documentation": routes.API_DOC,
            "points_d_acces": [f"{routes.API_V1}{example}" for example in EXAMPLES],
        }
    )


def indicators() -> Response:
    check_parameters(("level", "indicator", "code", "format"))
    store = store_or_refusal()
    level = one_of("level", payloads.API_LEVELS)
    available = payloads.available(store, level)
    # The order of the indicators orders the answer; the codes only filter it.
    chosen = subset("indicator", available, f"Indicateur (au niveau {level})") or list(available)
    known = list(payloads.names(store, level))
    codes = sorted(subset("code", known, f"Code (au niveau {level})", show_allowed=False))
    output = output_format()
    parameters = {"level": level, "indicator": chosen, "code": codes, "format": output}
    return cached(parameters, lambda: _indicators_answer(store, level, chosen, codes, output))


def _indicators_answer(store: Store, level: str, chosen: list[str], codes: list[str], output: str) -> Response:
    if output == "csv":
        return csv_response(payloads.indicators_csv_frame(store, level, chosen, codes), f"indicateurs_{level}")
    return json_response(payloads.indicators_payload(store, level, chosen, codes))


def territories() -> Response:
    check_parameters(("level", "departement", "epci", "format"))
    store = store_or_refusal()
    level = one_of("level", payloads.TERRITORY_LEVELS)
    departements = sorted(
        subset("departement", list(payloads.names(store, "departement")), "Département", show_allowed=True)
    )
    epcis = sorted(subset("epci", list(payloads.names(store, "epci")), "EPCI", show_allowed=False))
    if epcis and level in ("departement", "region"):
        raise ApiError(f"Le filtre « epci » ne s'applique pas au niveau {level}.", parameter="epci")
    output = output_format()
    parameters = {"level": level, "departement": departements, "epci": epcis, "format": output}
    return cached(parameters, lambda: _territories_answer(store, level, departements, epcis, output))


def _territories_answer(store: Store, level: str, departements: list[str], epcis: list[str], output: str) -> Response:
    frame = payloads.territories_frame(store, level, departements, epcis)
    if output == "csv":
        return csv_response(frame, f"territoires_{level}")
    return json_response(payloads.territories_payload(store, level, frame))


def residences() -> Response:
    check_parameters(("epci", "departement", "commune", "type", "family", "format"))
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
    return cached({**filters, "format": output}, lambda: _residences_answer(store, filters, output))


def _residences_answer(store: Store, filters: dict[str, list[str]], output: str) -> Response:
    frame = payloads.residences_frame(store, filters)
    if output == "csv":
        return csv_response(frame, "etablissements")
    return json_response(payloads.residences_payload(store, frame))


def needs_analysis() -> Response:
    check_parameters((*needs_state.SCENARIO_PARAMS, needs_state.PARAM_FORMER_REFERENCE, "format"))
    store = store_or_refusal()
    output = output_format()
    query = {key: request.args.getlist(key) for key in request.args if key != "format"}
    query = {key: values[0] if len(values) == 1 else values for key, values in query.items()}
    state, notices = needs_state.parse_needs(query, only=needs_state.SCENARIO_PARAMS, projects=project_choices(store))

    def answer() -> Response:
        scenario = what_if(store, state.parameters)
        if output == "csv":
            return csv_response(needs_export.frame(scenario), "besoins_epci")
        return json_response(needs_export.payload(store, scenario, state, notices, payloads.meta(store)))

    # The parsed state (exact values) is the key; an answer with notices repeats the raw values refused:
    # it is computed each time rather than kept (any text would otherwise make a new entry).
    return cached({"state": repr(state), "format": output}, answer, cacheable=not notices)


def sources() -> Response:
    check_parameters(("format",))
    store = store_or_refusal()
    one_of("format", ("json",), default="json")
    return cached({"format": "json"}, lambda: json_response(payloads.sources_payload(store)))


def not_found(unknown: str) -> Response:
    raise ApiError(
        f"Adresse inconnue : {routes.API_V1}/{unknown}. Voir la documentation : {routes.API_DOC}.", status=404
    )


def refused(error: ApiError) -> Response:
    return error.response()


def api_blueprint() -> Blueprint:
    """The API's routes under routes.API_V1."""
    blueprint = Blueprint("api_v1", __name__, url_prefix=routes.API_V1)
    blueprint.register_error_handler(ApiError, refused)
    for path, view in (
        ("/", index),
        ("/indicators", indicators),
        ("/territories", territories),
        ("/residences", residences),
        ("/needs", needs_analysis),
        ("/sources", sources),
        ("/<path:unknown>", not_found),
    ):
        blueprint.add_url_rule(path, view_func=view, methods=["GET"])
    return blueprint
