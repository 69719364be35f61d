"""Every address of the app, in one table: the pages, their anchors and the server routes.

Pages register their path from here, links and redirects build theirs with the helpers below, and the
server routes (API, downloads, exports, geometry, health) mount under the prefixes declared here.
"""

from __future__ import annotations

import re

# --- Pages (Dash) ---
HOME = "/"
RANKING = "/classement"
TERRITORY_PREFIX = "/territoire"
TERRITORY_TEMPLATE = f"{TERRITORY_PREFIX}/<code_siren>"
COMMUNE_PREFIX = "/commune"
COMMUNE_TEMPLATE = f"{COMMUNE_PREFIX}/<code_insee>"
TABLES = "/tableaux"
COMPARE = "/comparer"
SEARCH = "/recherche"
SEARCH_PARAM = "q"
PRESENTATION = "/presentation"
SOURCES = "/sources"
COMPRENDRE = "/comprendre"
PROJECT = f"{COMPRENDRE}/monter-un-projet"
CALCULATOR = "/calculateur"
API_DOC = "/api"  # a static page (no script), served by dashboard.api.blueprint
REUSE = "/reutiliser-les-donnees"
ABOUT = "/a-propos"
NOT_FOUND = "/404"

# --- Anchors of the sources page ---
METHOD_ANCHOR = "methode-besoins"
METHOD = f"{SOURCES}#{METHOD_ANCHOR}"
DATASET_ANCHOR_PREFIX = "jeu-"
INDICATOR_ANCHOR_PREFIX = "indicateur-"

# --- Server routes (Flask) ---
API_V1 = f"{API_DOC}/v1"
NEEDS_API_PATH = "/needs"  # the needs analysis of /classement, per EPCI (JSON, or CSV with format=csv)
DOWNLOAD = "/telecharger"
EXPORT = "/export"
GEOMETRY = "/carte/geometrie"
HEALTH = "/healthz"
DASH_UPDATE = "/_dash-update-component"  # where Dash posts its callbacks
#: + "/<name>-<digest>.js": third-party scripts of dashboard/vendor (plotly.js, regenerator-runtime)
VENDOR_SCRIPTS = "/js"


_NOT_ANCHOR = re.compile(r"[^A-Za-z0-9_-]+")


def territory_path(siren: str) -> str:
    """The fiche of one EPCI: /territoire/<siren>."""
    return f"{TERRITORY_PREFIX}/{siren}"


def commune_path(code: str) -> str:
    """The fiche of one commune: /commune/<code Insee>."""
    return f"{COMMUNE_PREFIX}/{code}"


def dataset_anchor(dataset_id: str) -> str:
    """Id of a dataset's entry on the sources page (any character outside [A-Za-z0-9_-] becomes '-')."""
    return DATASET_ANCHOR_PREFIX + _NOT_ANCHOR.sub("-", dataset_id)


def indicator_anchor(indicator_id: str) -> str:
    """Id of an indicator's entry on the sources page (any character outside [A-Za-z0-9_-] becomes '-')."""
    return INDICATOR_ANCHOR_PREFIX + _NOT_ANCHOR.sub("-", indicator_id)


def indicator_source_path(indicator_id: str) -> str:
    """Where the sources page describes one indicator."""
    return f"{SOURCES}#{indicator_anchor(indicator_id)}"
