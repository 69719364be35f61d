"""Production safety of the web app: security headers, request limits, French error pages, callback errors.

`init_security(app, settings)` is called last by `create_app`, once every page and callback is registered:

- every response carries a Content-Security-Policy that Dash accepts (scripts only from the app itself
  plus the hashes of Dash's inline scripts, from `app.csp_hashes()`; no `unsafe-eval`; inline styles are
  allowed because Plotly, AG Grid and React set them), `X-Content-Type-Options`, `Referrer-Policy`,
  `X-Frame-Options`, `Permissions-Policy` and `Cross-Origin-Opener-Policy`;
- a query string longer than MAX_QUERY_BYTES or a path longer than MAX_PATH_BYTES is refused with 414, a
  body larger than MAX_CONTENT_BYTES with 413, a path climbing with « .. » with 404, a callback request
  that is not exactly what the renderer sends (unknown callback, an input, state or output whose id or
  property is not the declared one at its position, a missing or extra one, JSON unreadable or nested
  deeper than `callback_requests.MAX_JSON_DEPTH`) with 400, each with a French message and no traceback in the log;
- Dash's hot-reload route (`/_reload-hash`, which lists the installed packages) answers 404 unless hot
  reload is on (development only);
- every HTTP error (404, 405, 413, 414, 500…) is a French page (JSON for the API and Dash's endpoints),
  never a traceback; an unexpected exception is logged with a reference that the page shows;
- `callback_error` is Dash's global `on_error` handler: a failing callback leaves its outputs unchanged
  and shows a French message with a reference in the page (`error_banner`), a failing page layout shows
  a French error section in place of the page; both are logged with the callback's context.
"""

from __future__ import annotations

import html as html_text
import json
import logging
import secrets
from collections.abc import Callable
from typing import Any

import dash
from dash import Input, Output, ctx, html, set_props
from dash.exceptions import DependencyException, InvalidResourceError
from flask import Flask, Response, request
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    NotFound,
    RequestEntityTooLarge,
    RequestURITooLarge,
)

from dashboard.core import routes
from dashboard.core.perimeter import APP_NAME, region_name
from dashboard.server.callback_requests import callback_body
from dashboard.settings import Settings
from dashboard.ui import ids as ui_ids

logger = logging.getLogger(__name__)

MAX_QUERY_BYTES = 4096
MAX_PATH_BYTES = 2048
MAX_CONTENT_BYTES = 2 * 1024 * 1024
LOGGED_VALUE_CHARS = 300

# Outputs of Dash pages' routing callback (dash._pages): the page content and its store.
PAGES_CONTENT_ID = "_pages_content"
JSON_PATH_PREFIXES = (f"{routes.API_DOC}/", "/_dash-", routes.HEALTH)

CSP_DIRECTIVES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("default-src", ("'self'",)),
    ("script-src", ("'self'",)),  # + the hashes of Dash's inline scripts
    ("style-src", ("'self'", "'unsafe-inline'")),
    ("img-src", ("'self'", "data:", "blob:")),
    ("font-src", ("'self'", "data:")),
    ("connect-src", ("'self'",)),
    ("worker-src", ("'self'", "blob:")),
    ("object-src", ("'none'",)),
    ("base-uri", ("'self'",)),
    ("form-action", ("'self'",)),
    ("frame-ancestors", ("'none'",)),
)
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

# French wording of the HTTP errors the app can answer: title, explanation.
ERRORS = {
    400: ("Requête invalide", "La requête n'a pas pu être comprise par le serveur."),
    403: ("Accès refusé", "Cette adresse n'est pas accessible."),
    404: (
        "Page introuvable",
        "L'adresse demandée ne correspond à aucune page ni à aucun fichier de ce tableau de bord.",
    ),
    405: ("Méthode non autorisée", "Cette adresse n'accepte pas ce type de requête."),
    413: (
        "Requête trop volumineuse",
        f"Le contenu envoyé dépasse la taille maximale acceptée ({MAX_CONTENT_BYTES // (1024 * 1024)} Mio).",
    ),
    414: (
        "Adresse trop longue",
        f"L'adresse demandée est trop longue (au plus {MAX_QUERY_BYTES} caractères de paramètres et "
        f"{MAX_PATH_BYTES} caractères de chemin)\u202f: retirez des filtres ou repartez de la page d'accueil.",
    ),
    500: (
        "Erreur interne",
        "Une erreur inattendue est survenue. Elle a été enregistrée\u202f; réessayez dans un instant.",
    ),
    503: ("Service indisponible", "Le service est momentanément indisponible\u202f; réessayez dans un instant."),
}
CALLBACK_MESSAGE = (
    "Une erreur est survenue pendant la mise à jour de la page\u202f: l'affichage n'a pas été modifié. "
    "Réessayez\u202f; si l'erreur persiste, rechargez la page."
)
ERROR_TITLE = f"Erreur — {APP_NAME}"
LAYOUT_MESSAGE = "Cette page n'a pas pu être affichée à cause d'une erreur inattendue. Réessayez dans un instant."


def reference() -> str:
    """A short random reference that links what the user sees to the log line."""
    return secrets.token_hex(4)


# --- Content-Security-Policy and headers -------------------------------------------------------------------


def content_security_policy(script_hashes: list[str] | tuple[str, ...]) -> str:
    """The policy, with the hashes of the inline scripts Dash writes in its index page."""
    parts = []
    for directive, sources in CSP_DIRECTIVES:
        values = (*sources, *script_hashes) if directive == "script-src" else sources
        parts.append(f"{directive} {' '.join(values)}")
    return "; ".join(parts)


def security_headers(policy: str) -> dict[str, str]:
    return {"Content-Security-Policy": policy, **STATIC_HEADERS}


# --- Error responses -------------------------------------------------------------------------------------


def wants_json() -> bool:
    """JSON for the API and Dash's endpoints (or when the client asks for it), else an HTML page."""
    if request.path.startswith(JSON_PATH_PREFIXES):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_page(status: int, title: str, message: str, ref: str | None = None) -> str:
    """A small standalone French HTML page (no script) using the app's stylesheet."""
    escape = html_text.escape
    ref_line = f"<p>Référence de l'erreur\u202f: <code>{escape(ref)}</code></p>" if ref else ""
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} — {APP_NAME}</title>
<link rel="stylesheet" href="/assets/style.css">
</head>
<body>
<header class="site-header">
<div class="container header-inner">
<a class="brand" href="/"><span class="brand-name">{APP_NAME}</span><span class="brand-region">{escape(region_name())}</span></a>
</div>
</header>
<main id="main">
<div class="container">
<section class="notice notice-warning" role="alert">
<p class="eyebrow">Erreur {status}</p>
<h1>{escape(title)}</h1>
<p>{escape(message)}</p>
{ref_line}
<p><a href="/">Retourner à l'accueil</a></p>
</section>
</div>
</main>
</body>
</html>
"""


def error_response(status: int, ref: str | None = None) -> Response:
    title, message = ERRORS.get(status, (f"Erreur {status}", "La requête n'a pas pu aboutir."))
    if wants_json():
        body: dict[str, Any] = {"status": status, "message": f"{title}\u202f: {message}"}
        if ref:
            body["reference"] = ref
        return Response(json.dumps({"erreur": body}, ensure_ascii=False), status=status, mimetype="application/json")
    return Response(error_page(status, title, message, ref), status=status, mimetype="text/html")


def _handle_http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if isinstance(error, InternalServerError):
        return _handle_unexpected(error)
    response = error_response(status)
    if status == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _handle_unexpected(error: InternalServerError) -> Response:
    ref = reference()
    # Flask has just logged the traceback of the original exception ("Exception on …"): add the reference.
    logger.error("Unexpected error [ref %s] on %s %s", ref, request.method, request.full_path[:LOGGED_VALUE_CHARS])
    return error_response(500, ref)


def check_limits() -> None:
    """Refuse oversized requests (414 / 413) and paths that climb up a folder (404) before any view."""
    if len(request.query_string) > MAX_QUERY_BYTES or len(request.path) > MAX_PATH_BYTES:
        raise RequestURITooLarge()
    if request.content_length is not None and request.content_length > MAX_CONTENT_BYTES:
        raise RequestEntityTooLarge()
    # Browsers resolve « .. » before sending; a raw or encoded one (%2e%2e, decoded by Werkzeug) is an attack.
    if ".." in request.path.replace("\\", "/").split("/"):
        raise NotFound()


def _check_callback_request(app: dash.Dash) -> Callable[[], None]:
    update_path = f"{app.config.routes_pathname_prefix}_dash-update-component"

    def check() -> None:
        if request.method == "POST" and request.path == update_path:
            callback_body(app)

    return check


def _hide_reload_hash(app: dash.Dash) -> Callable[[], None]:
    """Dash's hot-reload route lists the installed component packages: 404 unless hot reload is on
    (`python -m dashboard` with DEBUG=1), the only case where the renderer asks for it."""
    reload_path = f"{app.config.routes_pathname_prefix}_reload-hash"

    def hide() -> None:
        if request.path == reload_path and not app._dev_tools.get("hot_reload"):
            raise NotFound()

    return hide


def _handle_bad_resource(_error: Exception) -> Response:
    """Dash's component-suites route: unknown library or file → French 404 (Dash answers 500 or echoes)."""
    return error_response(404)


# --- Dash callbacks ---------------------------------------------------------------------------------------


def error_banner() -> html.Div:
    """The place where a callback error is shown (hidden until then); part of the app layout."""
    return html.Div(
        [
            html.P(id=ui_ids.APP_ERROR_TEXT),
            html.Button(
                "Fermer ce message", id=ui_ids.APP_ERROR_CLOSE, type="button", className="button button-secondary"
            ),
        ],
        id=ui_ids.APP_ERROR,
        className="notice notice-warning app-error",
        role="alert",
        hidden=True,
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= LOGGED_VALUE_CHARS else text[:LOGGED_VALUE_CHARS] + "…"


def _leaves(grouping: Any) -> list[dict[str, Any]]:
    """The outputs (id, property) of a callback's output grouping: one, a list, or a dict of named outputs."""
    if isinstance(grouping, dict) and "property" in grouping:
        return [grouping]
    items = grouping.values() if isinstance(grouping, dict) else grouping or []
    return [leaf for item in items for leaf in _leaves(item)]


def _outputs() -> list[dict[str, Any]]:
    return _leaves(ctx.outputs_grouping)


def callback_error(error: Exception) -> Any:
    """Dash's global `on_error`: log the failure with its context, tell the user in French.

    The outputs of the failing callback keep their value (None → no update), except for the page
    router, whose page content becomes a French error section.
    """
    ref = reference()
    outputs = _outputs()
    logger.error(
        "Callback error [ref %s] page=%s outputs=%s triggered=%s inputs=%s states=%s",
        ref,
        request.headers.get("Referer", "?"),
        [f"{output.get('id')}.{output.get('property')}" for output in outputs],
        list(ctx.triggered_prop_ids),
        {key: _short(value) for key, value in (ctx.inputs or {}).items()},
        {key: _short(value) for key, value in (ctx.states or {}).items()},
        exc_info=(type(error), error, error.__traceback__),
    )
    if any(output.get("id") == PAGES_CONTENT_ID for output in outputs):
        section = html.Section(
            [
                html.P("Erreur", className="eyebrow"),
                html.H1("Page momentanément indisponible"),
                html.P(LAYOUT_MESSAGE),
                html.P(f"Référence de l'erreur\u202f: {ref}"),
                html.P(dash.dcc.Link("Retourner à l'accueil", href="/")),
            ],
            id=ui_ids.APP_ERROR_PAGE,
            className="notice notice-warning",
            role="alert",
        )
        # The second output feeds the page title (a clientside callback reads its « title »).
        return [section if output.get("id") == PAGES_CONTENT_ID else {"title": ERROR_TITLE} for output in outputs]
    set_props(ui_ids.APP_ERROR_TEXT, {"children": f"{CALLBACK_MESSAGE} Référence de l'erreur\u202f: {ref}."})
    set_props(ui_ids.APP_ERROR, {"hidden": False})
    return None


def _register_banner_close(app: dash.Dash) -> None:
    @app.callback(
        Output(ui_ids.APP_ERROR, "hidden"),
        Input(ui_ids.APP_ERROR_CLOSE, "n_clicks"),
        prevent_initial_call=True,
    )
    def close_banner(_clicks: int | None) -> bool:
        return True


# --- Wiring ----------------------------------------------------------------------------------------------


def init_security(app: dash.Dash, settings: Settings) -> None:
    """Headers, limits, error pages and debug off; call once all pages and callbacks are registered.

    `settings` is accepted for symmetry with the other init functions (nothing here depends on it yet).
    """
    del settings
    server: Flask = app.server
    # Never debug here (FLASK_DEBUG included): only `app.run(debug=True)`, i.e. `python -m dashboard`
    # with DEBUG=1, turns it on for development. Without debug, no traceback reaches the user.
    server.config["DEBUG"] = False
    server.config["MAX_CONTENT_LENGTH"] = MAX_CONTENT_BYTES
    _register_banner_close(app)
    server.before_request(check_limits)
    server.before_request(_check_callback_request(app))
    server.before_request(_hide_reload_hash(app))

    @server.after_request
    def add_security_headers(response: Response) -> Response:
        # Hashed per response: Dash registers some inline scripts only at its first request (the page
        # title callback of Dash pages), and hashing a few small scripts costs microseconds.
        for name, value in security_headers(content_security_policy(app.csp_hashes())).items():
            response.headers.setdefault(name, value)
        return response

    server.register_error_handler(HTTPException, _handle_http_error)
    server.register_error_handler(DependencyException, _handle_bad_resource)
    server.register_error_handler(InvalidResourceError, _handle_bad_resource)
    server.register_error_handler(InternalServerError, _handle_unexpected)
