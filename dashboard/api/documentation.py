"""The API page (/api): how to query the read-only API, and the indicator ids it accepts, from the store."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.api import ids as api_ids
from dashboard.api.payloads import API_LEVELS
from dashboard.core import routes
from dashboard.core.store import Store
from dashboard.tables.indicators import indicator_citations, indicator_specs, level_indicators
from dashboard.ui.components import requires_store

EXAMPLE_EPCI = "248000531"  # CA Amiens Métropole, used in the examples only

ENDPOINTS: list[dict[str, Any]] = [
    {
        "path": "/indicators",
        "summary": "Valeurs des indicateurs, une ligne par territoire et par indicateur.",
        "params": [
            ("level", "obligatoire : commune, epci, departement, region ou france"),
            ("indicator", "identifiants séparés par des virgules (par défaut : tous ceux du niveau)"),
            ("code", "codes Insee ou SIREN des territoires, séparés par des virgules (par défaut : tous)"),
            ("format", "json (par défaut) ou csv"),
        ],
        "example": "/indicators?level=epci&indicator=population,taux_pauvrete&code=" + EXAMPLE_EPCI,
        "returns": (
            "JSON : « indicateurs » (libellé, unité, définition, méthode, approximation, source, millésime, jeux "
            "de données) et « donnees » (code, nom, indicateur, valeur, couverture). CSV : une ligne par valeur "
            "avec libellé, unité, source, millésime et approximation."
        ),
    },
    {
        "path": "/territories",
        "summary": "Liste des territoires d'un niveau avec leurs rattachements et leur population.",
        "params": [
            ("level", "obligatoire : commune, epci, departement ou region"),
            ("departement", "codes de départements (facultatif)"),
            ("epci", "codes SIREN d'EPCI, pour les niveaux commune et epci (facultatif)"),
            ("format", "json (par défaut) ou csv"),
        ],
        "example": f"/territories?level=commune&epci={EXAMPLE_EPCI}",
        "returns": (
            "code, nom, nature (EPCI), département, EPCI, population, dans_la_region (faux pour les communes "
            "normandes des deux EPCI à cheval), avec la source et le millésime du découpage administratif."
        ),
    },
    {
        "path": "/residences",
        "summary": "Établissements recensés dans FINESS (résidences sociales et hébergement).",
        "params": [
            ("epci", "codes SIREN d'EPCI (facultatif)"),
            ("departement", "codes de départements (facultatif)"),
            ("commune", "codes Insee de communes (facultatif)"),
            ("type", "types d'établissement, par exemple pension_de_famille,fjt (facultatif)"),
            ("family", "residence_sociale ou hebergement (facultatif)"),
            ("format", "json (par défaut) ou csv"),
        ],
        "example": f"/residences?epci={EXAMPLE_EPCI}&family=residence_sociale",
        "returns": (
            "numéro FINESS, nom, type, famille, commune, EPCI, département, code postal, date d'ouverture, "
            "longitude et latitude (WGS 84), source de chaque ligne et règle de typologie."
        ),
    },
    {
        "path": "/needs",
        "summary": "Analyse des besoins par EPCI (estimations) : indice de besoin, offre en places, places "
        "manquantes au regard du besoin, écart à la référence et robustesse du rang, avec les mêmes paramètres que "
        "la page Classement.",
        "params": [
            (
                "poids",
                "poids de l'indice, paires indicateur:poids séparées par des virgules (par défaut : ceux de la "
                "page Classement)",
            ),
            ("normalisation", "rang (par défaut) ou z_robuste"),
            (
                "approximations",
                "exclues (par défaut : valeurs couvrant moins de 80 % de la population écartées) ou incluses",
            ),
            ("reference", "france (par défaut), region ou cible"),
            ("cible", "objectif en places pour 10 000 habitants, avec reference=cible"),
            ("ordre", "places (par défaut), pour_10000, besoin ou offre"),
            (
                "projets",
                "résidences envisagées (« Projet envisagé »), type:places:code commune séparés par | ; le type est "
                "celui d'une résidence sociale dans le champ « type » de /residences (par exemple "
                "pension_de_famille), de 1 à 500 places. Un projet invalide est ignoré et cité dans "
                "« avertissements ».",
            ),
            ("format", "json (par défaut) ou csv"),
        ],
        "example": "/needs?reference=france&ordre=places&projets=pension_de_famille:25:80021",
        "returns": (
            "« parametres » (réglages retenus, taux de référence par famille), « avertissements » (valeurs refusées "
            "et remplacées par le réglage par défaut), « colonnes » (définition de chaque champ), « sources » et "
            "« territoires » : code, nom, priorite_rang, score_besoin, rang_min et rang_max (90 % des tirages), "
            "part_tirages_top10, offre_places, manque_places, ecart_places avec ecart_places_bas et "
            "ecart_places_haut, ecart_par_famille ; avec des projets, places_projetees et les valeurs sans projet "
            "(priorite_rang_sans_projet, ecart_places_sans_projet, manque_places_sans_projet). Places arrondies "
            "à 5. CSV : une colonne par écart de famille."
        ),
    },
    {
        "path": "/sources",
        "summary": "Catalogue des jeux de données et des indicateurs.",
        "params": [("format", "json seulement")],
        "example": "/sources",
        "returns": (
            "jeux de données (titre, producteur, millésime, licence, adresse, couverture) et indicateurs "
            "(libellé, unité, définition, méthode, millésime, niveaux disponibles)."
        ),
    },
]

RULES = [
    "Lecture seule, requêtes GET, sans clé ni authentification. Réponses en UTF-8.",
    "Les valeurs de plusieurs paramètres se séparent par des virgules (level=epci&indicator=a,b).",
    "Un paramètre, un niveau, un indicateur ou un code inconnu renvoie une erreur 400 avec un message en "
    'français : {"erreur": {"status": 400, "message": "…", "parametre": "…", '
    '"valeurs_acceptees": […]}}. Une adresse inconnue renvoie 404, des données non construites 503.',
    "Une valeur manquante vaut null en JSON et reste vide en CSV, jamais 0. « couverture » est la part de la "
    "population couverte par la valeur (de 0 à 1) ; « approximation » signale une valeur approchée "
    "au-dessus de la commune.",
    "Chaque réponse JSON porte un bloc « meta » (date de construction des données, licence, documentation) ; "
    "les sources et millésimes sont donnés par indicateur.",
    "Les réponses sont mises en cache côté serveur (en-tête X-Cache : HIT ou MISS) ; les données ne "
    "changent qu'à la reconstruction.",
]


def endpoint_section(endpoint: dict[str, Any]) -> html.Section:
    example = routes.API_V1 + endpoint["example"]
    return html.Section(
        [
            html.H3(html.Code(f"GET {routes.API_V1}{endpoint['path']}")),
            html.P(endpoint["summary"]),
            html.Table(
                [
                    html.Thead(html.Tr([html.Th("Paramètre", scope="col"), html.Th("Valeurs", scope="col")])),
                    html.Tbody(
                        [html.Tr([html.Td(html.Code(name)), html.Td(text)]) for name, text in endpoint["params"]]
                    ),
                ],
                className="table",
            ),
            html.P(["Exemple : ", html.A(html.Code(example), href=example)]),
            html.P(["Réponse : ", endpoint["returns"]]),
        ],
        className="panel",
    )


@requires_store
def indicator_table(store: Store) -> html.Div:
    specs = indicator_specs(store)
    per_level = level_indicators(store, API_LEVELS)
    citations = {level: indicator_citations(store, level) for level in API_LEVELS}
    rows = []
    for indicator, spec in specs.items():
        levels = [level for level in API_LEVELS if indicator in per_level[level]]
        if not levels:
            continue
        source, vintage = citations[levels[0]].get(indicator, ("", spec.get("vintage", "")))
        rows.append(
            html.Tr(
                [
                    html.Td(html.Code(indicator)),
                    html.Td(spec.get("label")),
                    html.Td(spec.get("unit")),
                    html.Td(", ".join(levels)),
                    html.Td(f"{source} ({vintage})"),
                ]
            )
        )
    header = ["Identifiant", "Indicateur", "Unité", "Niveaux", "Source (millésime)"]
    return html.Div(
        html.Table(
            [html.Thead(html.Tr([html.Th(text, scope="col") for text in header])), html.Tbody(rows)],
            className="table",
        ),
        className="table-scroll",
    )


def page() -> html.Div:
    """The whole API page."""
    return html.Div(
        [
            html.H1("API en lecture seule", id=api_ids.API_TITLE),
            html.P(
                [
                    "Les données du tableau de bord s'interrogent aussi par une API en lecture seule, en JSON ou "
                    "en CSV, pour les alimenter dans un autre outil. Pour un tableur, la page ",
                    dcc.Link("Tableaux", href=routes.TABLES),
                    " propose des fichiers CSV, XLSX, GeoJSON et GeoPackage de la vue filtrée.",
                ],
                className="intro",
            ),
            html.H2("Règles communes"),
            html.Ul([html.Li(rule) for rule in RULES]),
            html.H2("Points d'accès"),
            html.Div([endpoint_section(endpoint) for endpoint in ENDPOINTS], id=api_ids.API_ENDPOINTS),
            html.H2("Indicateurs disponibles"),
            indicator_table(),
        ],
        className="api-page",
    )
