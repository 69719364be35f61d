"""The download route of the tables page (/telecharger/<format>?<query>): the view of the query, written
in one of the formats of `dashboard.tables.formats`, with the view's permalink at the public address."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, current_app, request

from dashboard.core import routes
from dashboard.core.perimeter import perimeter
from dashboard.core.store import StoreError, current_store
from dashboard.tables.files import ExportContext
from dashboard.tables.formats import FORMATS, filename, write
from dashboard.tables.indicators import table_choices
from dashboard.tables.state import LEVELS, PARAM_LEVEL, PARAM_TAB, TABS, parse_query, to_query
from dashboard.tables.views import view_of
from dashboard.ui.responses import error_page

PUBLIC_URL_KEY = "PUBLIC_URL"


def public_url() -> str:
    """The site's public address (PUBLIC_URL, or the local default), without a trailing slash."""
    return current_app.config[PUBLIC_URL_KEY]


def permalink(query: str) -> str:
    """Absolute address of the tables page showing the view of `query`, at the site's public address.

    Never built from the request (its Host header is whatever the client sent): PUBLIC_URL, else the
    local default (see dashboard.settings).
    """
    return f"{public_url()}{routes.TABLES}?{query}"


def file_choice_refused() -> Response | None:
    """A French 400 page when `niveau` or `onglet` names no file (never another file than the one asked)."""
    for name, accepted in ((PARAM_LEVEL, LEVELS), (PARAM_TAB, TABS)):
        values = request.args.getlist(name)
        if values and (len(values) > 1 or values[0] not in accepted):
            return error_page(
                400,
                "Fichier inconnu",
                f"Valeur inconnue pour « {name} » : « {','.join(values)} ». Valeurs acceptées : {', '.join(accepted)}.",
                routes.TABLES,
            )
    return None


def download(format_key: str) -> Response:
    """The file of the view named by the query string (a French error page for an unknown format)."""
    if format_key not in FORMATS:
        return error_page(
            404,
            "Format de fichier inconnu",
            f"Format « {format_key} » inconnu. Formats proposés : {', '.join(FORMATS)}.",
            routes.TABLES,
        )
    refusal = file_choice_refused()
    if refusal is not None:
        return refusal
    store = current_store()
    if isinstance(store, StoreError):
        return error_page(503, "Données non construites", str(store), "/")
    query = {key: request.args.getlist(key) for key in request.args}
    state, _notices = parse_query(query, table_choices(store))
    now = datetime.now().astimezone()
    context = ExportContext(
        exported_at=now, permalink=permalink(to_query(state)), built_at=store.built_at, title=perimeter(store).title
    )
    return Response(
        write(view_of(store, state), format_key, context),
        content_type=FORMATS[format_key].mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename(state, format_key, now.date())}"',
            "Cache-Control": "no-store",
        },
    )


def downloads_blueprint() -> Blueprint:
    """The download route under routes.DOWNLOAD."""
    blueprint = Blueprint("downloads", __name__, url_prefix=routes.DOWNLOAD)
    blueprint.add_url_rule("/<format_key>", view_func=download, methods=["GET"])
    return blueprint
