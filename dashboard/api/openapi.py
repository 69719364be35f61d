"""The OpenAPI 3.1 description of the API (/api/v1/openapi.json), written from `dashboard.api.spec`: the same
declarations the routes check requests with."""

from __future__ import annotations

from typing import Any

from dashboard.api.spec import ENDPOINTS, LIMIT, MAX_LIMIT, START, Endpoint, Field, Parameter
from dashboard.core import routes
from dashboard.core.release import app_version

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "erreur": {
            "type": "object",
            "properties": {
                "status": {"type": "integer"},
                "message": {"type": "string", "description": "message en français"},
                "parametre": {"type": "string"},
                "valeurs_acceptees": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["status", "message"],
        }
    },
}
PAGE_PROPERTIES = {
    "total": {"type": "integer", "description": "nombre de lignes de la réponse entière"},
    "nombre": {"type": "integer", "description": "nombre de lignes de cette page"},
    "debut": {"type": "integer"},
    "limite": {"type": ["integer", "null"]},
    "suivant": {"type": ["string", "null"], "description": "adresse de la page suivante (null : dernière page)"},
    "precedent": {"type": ["string", "null"]},
}


def parameter_object(parameter: Parameter) -> dict[str, Any]:
    """One query parameter: its schema (closed list of values, integer bounds), comma-separated lists."""
    schema: dict[str, Any] = {"type": "string"}
    if parameter.integer:
        low = 1 if parameter is LIMIT else 0
        schema = {"type": "integer", "minimum": low, **({"maximum": MAX_LIMIT} if parameter is LIMIT else {})}
    elif parameter.values and not parameter.multiple:
        schema["enum"] = list(parameter.values)
    elif parameter.multiple:
        items: dict[str, Any] = {"type": "string", **({"enum": list(parameter.values)} if parameter.values else {})}
        schema = {"type": "array", "items": items}
    if parameter.default is not None:
        schema["default"] = int(parameter.default) if parameter.integer else parameter.default
    entry: dict[str, Any] = {
        "name": parameter.name,
        "in": "query",
        "required": parameter.required,
        "description": parameter.description,
        "schema": schema,
    }
    if parameter.multiple:
        entry.update(style="form", explode=False)
    if parameter.example is not None:
        entry["example"] = parameter.example.split(",") if parameter.multiple else parameter.example
    if parameter.deprecated:
        entry["deprecated"] = True
    return entry


def field_schema(field: Field) -> dict[str, Any]:
    description = field.description + (f" ({field.unit})" if field.unit else "")
    kind = field.kind if field.kind == "string" else [field.kind, "null"]
    return {"type": kind, "description": description}


def responses(endpoint: Endpoint) -> dict[str, Any]:
    """200 (JSON, and CSV when the endpoint offers it), 304, 400, 503."""
    rows = {"type": "object", "properties": {field.name: field_schema(field) for field in endpoint.fields}}
    body: dict[str, Any] = {"type": "object", "properties": {"meta": {"type": "object"}}}
    if endpoint.rows:
        body["properties"][endpoint.rows] = {"type": "array", "items": rows}
    if endpoint.paginated:
        body["properties"].update(PAGE_PROPERTIES)
    content: dict[str, Any] = {"application/json": {"schema": body}}
    if "csv" in next((p.values for p in endpoint.parameters if p.name == "format"), ()):
        content["text/csv"] = {"schema": {"type": "string"}, "example": ",".join(f.name for f in endpoint.fields)}
    headers = {
        "ETag": {"schema": {"type": "string"}, "description": "validateur faible : données, paramètres, version"},
        "Last-Modified": {"schema": {"type": "string"}, "description": "date de construction des données"},
        "Access-Control-Allow-Origin": {"schema": {"type": "string", "const": "*"}},
    }
    if endpoint.paginated:
        headers["Link"] = {
            "schema": {"type": "string"},
            "description": 'pages suivante et précédente (rel="next", "prev")',
        }
        headers["X-Total-Count"] = {
            "schema": {"type": "integer"},
            "description": "nombre de lignes de la réponse entière",
        }
    error = {"application/json": {"schema": ERROR_SCHEMA}}
    return {
        "200": {"description": endpoint.returns, "headers": headers, "content": content},
        "304": {"description": "inchangé depuis la copie du client (If-None-Match, If-Modified-Since)"},
        "400": {"description": "paramètre inconnu ou valeur refusée, message en français", "content": error},
        "503": {"description": "données non construites", "content": error},
    }


def operation(endpoint: Endpoint) -> dict[str, Any]:
    name = endpoint.path.strip("/")
    return {
        "get": {
            "operationId": name,
            "summary": endpoint.summary,
            "description": endpoint.returns
            + (f" Pages : {LIMIT.name} et {START.name} ; champs : champs." if endpoint.paginated else ""),
            "parameters": [parameter_object(parameter) for parameter in endpoint.parameters],
            "responses": responses(endpoint),
            "x-exemple": f"{routes.API_V1}{endpoint.example}",
        }
    }


def openapi_document(region: str) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"API des résidences sociales ({region})" if region else "API des résidences sociales",
            "version": app_version(),
            "description": (
                "API en lecture seule, sans clé : requêtes GET, réponses JSON ou CSV en UTF-8, compressées (gzip, "
                "br) quand le client l'accepte, lisibles depuis un autre site (CORS). Une valeur manquante vaut "
                "null (vide en CSV), jamais 0 ; « couverture » est en % de la population ; les booléens valent "
                "oui / non en CSV. Le paramètre « _ » (anti-cache) est ignoré. Documentation : " + routes.API_DOC
            ),
            "license": {"name": "Licence Ouverte / Open Licence 2.0", "identifier": "etalab-2.0"},
        },
        "servers": [{"url": routes.API_V1}],
        "paths": {endpoint.path: operation(endpoint) for endpoint in ENDPOINTS},
    }
