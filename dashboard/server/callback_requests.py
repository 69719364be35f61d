"""Callback requests exactly as Dash's renderer sends them, or a 400: the strict check of `/_dash-update-component`.

A callback request must name a known callback, and give each input, state and output with the declared id
and property at its position (no missing or extra entry); its JSON must be readable and nested no deeper
than MAX_JSON_DEPTH. `callback_body` returns the checked body once per request (kept in `flask.g`).
"""

from __future__ import annotations

import json
from typing import Any

import dash
from dash.dependencies import DashDependency, Wildcard
from flask import g, request
from werkzeug.exceptions import BadRequest

# Nesting of a callback request's JSON: the renderer's stay far below (component trees, figures).
MAX_JSON_DEPTH = 100
CHECKED_BODY = "dashboard_callback_body"


def json_depth_within(value: Any, limit: int) -> bool:
    """Whether `value` (parsed JSON) nests lists and objects at most `limit` levels deep (no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return False
        stack.extend((child, depth + 1) for child in children)
    return True


def _json_body() -> Any:
    """The request's JSON body, or None when it is missing, unreadable or nested too deep.

    Python's decoder raises RecursionError (not ValueError, so not caught by `silent`) beyond ~1,000
    levels; a body within that limit but deeper than MAX_JSON_DEPTH is refused as well, so that no code
    of Dash walks it recursively.
    """
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        return None
    return body if json_depth_within(body, MAX_JSON_DEPTH) else None


# A declared dependency: its id (a string, or a dict whose wildcard values are Wildcard members) and property.
Dependency = tuple[str | dict[str, Any], str]


def _declared(spec_id: Any) -> str | dict[str, Any]:
    """The id of a declared input or state, as kept by Dash: a dict id is a JSON string, wildcards ["ALL"]."""
    if isinstance(spec_id, str) and spec_id.startswith("{"):
        try:
            parsed = json.loads(spec_id)
        except ValueError:
            return spec_id
        if isinstance(parsed, dict):
            return {
                key: Wildcard(value[0]) if value in ([w.value] for w in Wildcard) else value
                for key, value in parsed.items()
            }
    return spec_id


def _several(spec_id: str | dict[str, Any]) -> bool:
    """ALL and ALLSMALLER stand for a list of components (MATCH for one)."""
    return isinstance(spec_id, dict) and any(value in (Wildcard.ALL, Wildcard.ALLSMALLER) for value in spec_id.values())


def _same_scalar(actual: Any, expected: Any) -> bool:
    return actual == expected and isinstance(actual, bool) == isinstance(expected, bool)


def _id_matches(actual: Any, expected: str | dict[str, Any]) -> bool:
    if isinstance(expected, str):
        return isinstance(actual, str) and actual == expected
    if not isinstance(actual, dict) or actual.keys() != expected.keys():
        return False
    for key, value in expected.items():
        if isinstance(value, Wildcard):
            # A wildcard stands for one component's value: a string, a number or a boolean.
            if not isinstance(actual[key], str | int | float):
                return False
        elif not _same_scalar(actual[key], value):
            return False
    return True


def _prop_matches(item: Any, dependency: Dependency, duplicate: bool = False) -> bool:
    """One {id, property, value?} entry of the request for this declared dependency.

    An output declared with allow_duplicate=True is sent by the renderer as « property@hash ».
    """
    if not isinstance(item, dict):
        return False
    spec_id, prop = dependency
    sent = item.get("property")
    if not isinstance(sent, str):
        return False
    if sent != prop and not (duplicate and sent.split("@", 1)[0] == prop):
        return False
    return _id_matches(item.get("id"), spec_id)


def _entry_matches(entry: Any, dependency: Dependency, duplicate: bool = False) -> bool:
    """A list of matching props for an ALL / ALLSMALLER wildcard, else one matching prop."""
    if _several(dependency[0]):
        return isinstance(entry, list) and all(_prop_matches(item, dependency, duplicate) for item in entry)
    return _prop_matches(entry, dependency, duplicate)


def _entries_match(entries: Any, declared: list[Dependency]) -> bool:
    """One entry per declared dependency, in order (Dash reads the values by position)."""
    if not isinstance(entries, list) or len(entries) != len(declared):
        return False
    return all(_entry_matches(entry, dependency) for entry, dependency in zip(entries, declared, strict=True))


def _dependencies(specs: list[dict[str, Any]]) -> list[Dependency]:
    return [(_declared(spec.get("id")), str(spec.get("property"))) for spec in specs]


def _outputs_match(outputs: Any, callback: dict[str, Any]) -> bool:
    """The outputs of the request are those the callback declares: a list for a multi-output callback
    (Dash's « ..a.b...c.d.. » ids), else the single output's entry."""
    if callback.get("no_output"):
        return outputs in (None, [])
    declared = callback.get("output")
    several = isinstance(declared, list | tuple)
    specs = list(declared) if several else [declared]
    if not all(isinstance(spec, DashDependency) for spec in specs):
        return False
    deps = [(spec.component_id, spec.component_property) for spec in specs]
    entries = outputs if several else [outputs]
    if not isinstance(entries, list) or len(entries) != len(deps):
        return False
    return all(
        _entry_matches(entry, dependency, spec.allow_duplicate)
        for entry, dependency, spec in zip(entries, deps, specs, strict=True)
    )


def valid_callback_request(body: Any, callback_map: dict[str, Any]) -> bool:
    """Whether a POST to /_dash-update-component is exactly what Dash's renderer sends for a known callback.

    Dash reads the inputs and states by position and writes its answer under the ids of `outputs`, without
    checking them against the callback (a malformed request gives a 500, a decoy id goes unnoticed). Here
    every input, state and output must match, in order, the id and property the callback declares (a
    pattern-matching id: same keys, same values except the wildcards, a list of them for ALL / ALLSMALLER).
    """
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return False
    callback = callback_map.get(body["output"])
    if callback is None or "callback" not in callback:  # unknown, or clientside (no server function)
        return False
    if not _entries_match(body.get("inputs", []), _dependencies(callback.get("inputs", []))):
        return False
    if not _entries_match(body.get("state", []), _dependencies(callback.get("state", []))):
        return False
    if not _outputs_match(body.get("outputs"), callback):
        return False
    changed = body.get("changedPropIds", [])
    return isinstance(changed, list) and all(isinstance(prop_id, str) for prop_id in changed)


def callback_body(app: dash.Dash) -> dict[str, Any]:
    """The body of the current callback request once checked (`valid_callback_request`); BadRequest otherwise.

    Checked once per request (kept in `flask.g`): the page cache reads it before Dash runs.
    """
    if CHECKED_BODY not in g:
        body = _json_body()
        if not valid_callback_request(body, app.callback_map):
            raise BadRequest()
        setattr(g, CHECKED_BODY, body)
    return getattr(g, CHECKED_BODY)
