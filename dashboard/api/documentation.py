"""The API page (/api): a static HTML page, readable without JavaScript, written from the declarations of
`dashboard.api.spec` (every endpoint, parameter, field with its unit, and an example) and, for the indicator
ids, from the store."""

from __future__ import annotations

from html import escape

from flask import Response

from dashboard.api import ids as api_ids
from dashboard.api.spec import API_LEVELS, ENDPOINTS, IGNORED, LIMIT, START, Endpoint
from dashboard.core import routes
from dashboard.core.perimeter import APP_NAME
from dashboard.core.store import Store, current_store
from dashboard.tables.indicators import indicator_citations, indicator_specs, level_indicators

OPENAPI = f"{routes.API_V1}/openapi.json"
RULES = (
    "Lecture seule, requêtes GET, sans clé ni authentification. Réponses en UTF-8, compressées (gzip, br) "
    "quand le client l'accepte.",
    "Les valeurs de plusieurs paramètres se séparent par des virgules (level=epci&indicator=a,b).",
    "Un paramètre, un niveau, un indicateur ou un code inconnu renvoie une erreur 400 avec un message en "
    'français : {"erreur": {"status": 400, "message": "…", "parametre": "…", "valeurs_acceptees": […]}}. '
    f"Seul le paramètre anti-cache « {IGNORED[0]} » est ignoré. Une adresse inconnue renvoie 404, des données "
    "non construites 503.",
    "Mêmes noms qu'en téléchargement : code_<niveau> et nom_<niveau> (code_commune, nom_epci…). Une valeur "
    "manquante vaut null en JSON et reste vide en CSV, jamais 0. « couverture » est la part de la population "
    "couverte par la valeur, en % ; « approximation » signale une valeur approchée au-dessus de la commune ; "
    "les booléens valent oui / non en CSV.",
    f"Pages : {LIMIT.name}=1000&{START.name}=0, puis l'adresse « suivant » de la réponse JSON (ou l'en-tête "
    "Link, rel=\"next\", aussi en CSV) jusqu'à ce qu'elle vaille null ; X-Total-Count donne le nombre total de "
    "lignes. Champs : champs=code_commune,valeur.",
    "Chaque réponse porte ETag et Last-Modified (date de construction des données) : une requête avec "
    "If-None-Match ou If-Modified-Since reçoit 304 si rien n'a changé. Access-Control-Allow-Origin: * : une "
    "page d'un autre site peut lire les réponses (données publiques, sans cookie).",
    "Chaque réponse JSON porte un bloc « meta » (date de construction des données, licence, documentation) ; "
    "les sources et millésimes sont donnés par indicateur.",
)
STYLE = """body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#161616;
margin:0;line-height:1.5}main{max-width:72rem;margin:0 auto;padding:1rem 1.5rem 3rem}
header{background:#000091;color:#fff;padding:.75rem 1.5rem}header a{color:#fff;font-weight:600}
a{color:#000091}code{background:#f0f0f5;padding:0 .2rem;border-radius:3px;overflow-wrap:anywhere}
section.endpoint{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem 1rem;margin:1rem 0}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f6f6f6}.scroll{overflow-x:auto}"""


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """An HTML table; cells are HTML already escaped by the caller."""
    head = "".join(f'<th scope="col">{escape(text)}</th>' for text in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def endpoint_section(endpoint: Endpoint) -> str:
    example = escape(routes.API_V1 + endpoint.example)
    parameters = [
        (
            f"<code>{escape(parameter.name)}</code>",
            escape(
                ("obligatoire ; " if parameter.required else "")
                + parameter.description
                + (f" Valeurs : {', '.join(parameter.values)}." if parameter.values else "")
                + (" (ancien nom, accepté)" if parameter.deprecated else "")
            ),
        )
        for parameter in endpoint.parameters
    ]
    fields = [
        (f"<code>{escape(field.name)}</code>", escape(field.description), escape(field.unit or ""))
        for field in endpoint.fields
    ]
    return (
        f'<section class="endpoint"><h3><code>GET {escape(routes.API_V1 + endpoint.path)}</code></h3>'
        f"<p>{escape(endpoint.summary)}</p>"
        + _table(("Paramètre", "Valeurs"), parameters)
        + f'<p>Exemple : <a href="{example}"><code>{example}</code></a></p>'
        + f"<p>Réponse : {escape(endpoint.returns)}</p>"
        + (_table(("Champ", "Définition", "Unité"), fields) if fields else "")
        + "</section>"
    )


def indicator_rows(store: Store) -> list[tuple[str, ...]]:
    specs = indicator_specs(store)
    per_level = level_indicators(store, API_LEVELS)
    citations = {level: indicator_citations(store, level) for level in API_LEVELS}
    rows = []
    for indicator, spec in specs.items():
        levels = [level for level in API_LEVELS if indicator in per_level[level]]
        if not levels:
            continue
        source, vintage = citations[levels[0]].get(indicator, ("", spec.get("vintage", "")))
        cells = (spec.get("label") or "", spec.get("unit") or "", ", ".join(levels), f"{source} ({vintage})")
        rows.append((f"<code>{escape(indicator)}</code>", *(escape(str(cell)) for cell in cells)))
    return rows


def page_html(store: Store | None) -> str:
    """The whole page."""
    indicators = (
        _table(("Identifiant", "Indicateur", "Unité", "Niveaux", "Source (millésime)"), indicator_rows(store))
        if store is not None
        else "<p>Données non construites : la liste des indicateurs apparaîtra après la construction.</p>"
    )
    rules = "".join(f"<li>{escape(rule)}</li>" for rule in RULES)
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>API en lecture seule — {escape(APP_NAME)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>
<body><header><a href="/">{escape(APP_NAME)}</a></header><main>
<h1 id="{api_ids.API_TITLE}">API en lecture seule</h1>
<p>Les données du tableau de bord s'interrogent aussi par une API en lecture seule, en JSON ou en CSV. Description
OpenAPI 3.1 : <a href="{OPENAPI}"><code>{OPENAPI}</code></a>. Exemples à copier (curl, Python, R) et
GeoPackage dans QGIS : <a href="{routes.REUSE}">Réutiliser les données</a>. Pour un tableur, la page
<a href="{routes.TABLES}">Tableaux</a> propose des fichiers CSV, XLSX, GeoJSON et GeoPackage de la vue filtrée.</p>
<h2>Règles communes</h2><ul>{rules}</ul>
<h2>Points d'accès</h2><div id="{api_ids.API_ENDPOINTS}">{"".join(endpoint_section(e) for e in ENDPOINTS)}</div>
<h2>Indicateurs disponibles</h2>{indicators}
</main></body></html>"""


def api_page() -> Response:
    """GET /api: the page, server-rendered (no script), kept an hour by browsers."""
    store = current_store()
    response = Response(page_html(store if isinstance(store, Store) else None), mimetype="text/html")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
