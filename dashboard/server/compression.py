"""The one compression of dynamic responses: flask-compress (enabled by Dash's `compress=True`).

flask-compress only compresses the MIME types listed in `COMPRESS_MIMETYPES`, read once when Dash enables
it: the Flask server is therefore created here with the list already extended by what the API and the
downloads serve (CSV, GeoJSON, GeoPackage). XLSX is a ZIP archive already: compressing it again gains
nothing. Static files keep their stronger, cached Brotli (`dashboard.server.static_compression`).
"""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

from dashboard.tables.formats import FORMATS

#: Types that gain nothing from a second compression.
ALREADY_COMPRESSED = frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})


def compressed_mimetypes() -> list[str]:
    """flask-compress's default types, plus the API's and the downloads' (without charset)."""
    probe = Flask("compression-defaults")
    Compress().init_app(probe)
    defaults = list(probe.config["COMPRESS_MIMETYPES"])
    extra = {entry.mimetype.split(";")[0].strip() for entry in FORMATS.values()} - ALREADY_COMPRESSED
    return defaults + sorted(extra - set(defaults))


def compressing_server(name: str) -> Flask:
    """The app's Flask server, configured so that Dash's flask-compress also compresses data files."""
    server = Flask(name)
    server.config["COMPRESS_MIMETYPES"] = compressed_mimetypes()
    return server
