"""The checks of the API's query parameters against their declarations (`dashboard.api.spec`): anything unknown
is refused with a French message (`ApiError`); the generic parameters of `spec.IGNORED` (`_=`) are ignored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Response, request

from dashboard.api.responses import json_response
from dashboard.api.spec import FORMAT, IGNORED, LIMIT, MAX_LIMIT, START, Endpoint, Parameter
from dashboard.core.store import Store, StoreError, current_store


class ApiError(Exception):
    """A request the API refuses: HTTP status and a French message for the caller."""

    def __init__(self, message: str, status: int = 400, parameter: str | None = None, allowed: Sequence[str] = ()):
        super().__init__(message)
        self.message = message
        self.status = status
        self.parameter = parameter
        self.allowed = list(allowed)

    def response(self) -> Response:
        body: dict[str, Any] = {"status": self.status, "message": self.message}
        if self.parameter:
            body["parametre"] = self.parameter
        if self.allowed:
            body["valeurs_acceptees"] = self.allowed
        return json_response({"erreur": body}, status=self.status)


def store_or_refusal() -> Store:
    """The data, or a 503 JSON error when it is not built (never PreventUpdate: this is no Dash callback)."""
    store = current_store()
    if isinstance(store, StoreError):
        raise ApiError(f"Données indisponibles : {store}", status=503)
    return store


def check_parameters(endpoint: Endpoint) -> None:
    """Refuse any parameter the endpoint does not declare (the generic ones of IGNORED aside)."""
    allowed = endpoint.names
    unknown = [key for key in request.args if key not in allowed and key not in IGNORED]
    if unknown:
        raise ApiError(
            f"Paramètre inconnu : « {unknown[0]} ». Paramètres acceptés : {', '.join(allowed)}.",
            parameter=unknown[0],
            allowed=allowed,
        )


def listed(name: str) -> list[str]:
    """Comma-separated values of a parameter (repeated parameters are joined), in order, without duplicates."""
    values = [part.strip() for item in request.args.getlist(name) for part in item.split(",")]
    return list(dict.fromkeys(value for value in values if value))


def one_of(name: str, allowed: Sequence[str], default: str | None = None) -> str:
    """The one value of a parameter among `allowed` (`default` when absent; required without one)."""
    values = listed(name)
    if not values:
        if default is None:
            raise ApiError(f"Paramètre « {name} » obligatoire : {', '.join(allowed)}.", parameter=name, allowed=allowed)
        return default
    if len(values) > 1 or values[0] not in allowed:
        raise ApiError(
            f"Valeur inconnue pour « {name} » : « {','.join(values)} ». Valeurs acceptées : {', '.join(allowed)}.",
            parameter=name,
            allowed=allowed,
        )
    return values[0]


def subset(name: str, allowed: Sequence[str], what: str, show_allowed: bool = True) -> list[str]:
    """The values of a parameter, all among `allowed` (the refusal lists them when `show_allowed`)."""
    values = listed(name)
    allowed_set = set(allowed)
    unknown = [value for value in values if value not in allowed_set]
    if unknown:
        listed_values = ", ".join(f"« {value} »" for value in unknown[:10])
        hint = f" Valeurs acceptées : {', '.join(allowed)}." if show_allowed else ""
        raise ApiError(
            f"{what} inconnu{'s' if len(unknown) > 1 else ''} : {listed_values}.{hint}",
            parameter=name,
            allowed=allowed if show_allowed else (),
        )
    return values


def choice(parameter: Parameter) -> str:
    """The one value of a declared parameter with a closed list of values."""
    return one_of(parameter.name, parameter.values, parameter.default)


def output_format() -> str:
    """The `format` parameter: json (default) or csv."""
    return choice(FORMAT)


def whole_number(parameter: Parameter, lowest: int, highest: int) -> int | None:
    """A declared integer parameter within [lowest, highest], None when absent."""
    values = listed(parameter.name)
    if not values:
        return None
    if len(values) > 1 or not values[0].isdigit() or not lowest <= int(values[0]) <= highest:
        raise ApiError(
            f"Valeur invalide pour « {parameter.name} » : « {','.join(values)} ». "
            f"Attendu : un nombre entier de {lowest} à {highest}.",
            parameter=parameter.name,
        )
    return int(values[0])


def page_bounds() -> tuple[int, int | None]:
    """`debut` and `limite` of a paginated answer (0 and None: every row)."""
    start = whole_number(START, 0, 10**9) or 0
    return start, whole_number(LIMIT, 1, MAX_LIMIT)
