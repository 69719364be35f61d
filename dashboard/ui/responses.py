"""Answers of the server routes (exports, downloads) besides their content: a small standalone French error page,
and attachments."""

from __future__ import annotations

from html import escape as html_escape

from flask import Response

from dashboard.core import routes
from dashboard.core.perimeter import APP_NAME


def escape(text: str) -> str:
    return html_escape(text, quote=False)


ERROR_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{title} — {app}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#161616;
max-width:46rem;margin:3rem auto;padding:0 1rem;line-height:1.5}}h1{{font-size:1.8rem}}
.notice{{border-left:4px solid #b34000;background:#fff4f3;padding:.75rem 1rem}}a{{color:#000091}}</style>
</head><body><main><h1>{title}</h1><div class="notice" role="alert"><p>{message}</p></div>
<p><a href="{back}">Revenir à la page précédente</a> · <a href="/">Accueil</a></p></main></body></html>"""


def error_page(
    status: int, title: str, message: str, back: str = routes.PRESENTATION, retry_after_s: int = 30
) -> Response:
    """A small standalone French HTML page (no script); a 503 says when to retry (Retry-After)."""
    body = ERROR_PAGE.format(title=escape(title), message=escape(message), back=escape(back), app=escape(APP_NAME))
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    if status == 503:
        response.headers["Retry-After"] = str(retry_after_s)
    return response


def file_response(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
