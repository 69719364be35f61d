"""« Réutiliser les données » (/reutiliser-les-donnees): the API and the files for a script, R, QGIS, with
copy-paste examples at the site's public address (PUBLIC_URL)."""

from __future__ import annotations

from dash import html

from dashboard.api.downloads import public_url
from dashboard.api.spec import EXAMPLE_EPCI
from dashboard.content import ids as content_ids
from dashboard.core import routes


def _example(title: str, code: str) -> html.Div:
    # Long addresses wrap rather than run out of the page (a projector, a narrow window).
    wrapped = {"whiteSpace": "pre-wrap", "overflowWrap": "anywhere"}
    return html.Div([html.H3(title), html.Pre(html.Code(code), className="code-example", style=wrapped)])


def examples(base: str) -> list[html.Div]:
    """The copy-paste examples, at `base` (the public address of the site)."""
    api = f"{base}{routes.API_V1}"
    communes = f"{api}/indicators?level=commune&indicator=population,taux_pauvrete&format=csv"
    return [
        _example(
            "curl",
            f'curl --compressed "{api}/indicators?level=epci&indicator=population,taux_pauvrete&code={EXAMPLE_EPCI}"\n'
            f'curl --compressed -o communes.csv "{communes}"\n'
            "# Réponse inchangée ? 304, sans rien retélécharger :\n"
            f'curl --compressed -H \'If-None-Match: W/"…"\' -I "{api}/territories?level=epci"',
        ),
        _example(
            "Python (pandas)",
            "import pandas as pd\n\n"
            f'communes = pd.read_csv("{communes}", dtype={{"code_commune": str}})\n\n'
            "# Page par page (JSON) : suivre « suivant » jusqu'à None\n"
            "import requests\n"
            f'adresse, lignes = "{api}/territories?level=commune&limite=1000", []\n'
            "while adresse:\n"
            "    page = requests.get(adresse).json()\n"
            '    lignes += page["territoires"]\n'
            f'    adresse = page["suivant"] and "{base}" + page["suivant"]',
        ),
        _example(
            "R",
            f'communes <- read.csv("{communes}", colClasses = c(code_commune = "character"), encoding = "UTF-8")\n'
            "# ou, avec readr :\n"
            f'communes <- readr::read_csv("{communes}", col_types = readr::cols(code_commune = "c"))',
        ),
    ]


def layout() -> html.Div:
    base = public_url()
    gpkg = f"{base}{routes.DOWNLOAD}/gpkg?niveau=epci"
    return html.Div(
        [
            html.H1("Réutiliser les données", id=content_ids.REUSE_TITLE),
            html.P(
                [
                    "Toutes les données du tableau de bord sont ouvertes : une API en lecture seule (JSON ou CSV, "
                    "sans clé, lisible depuis une page d'un autre site) et les fichiers de la page ",
                    html.A("Tableaux", href=routes.TABLES),
                    " (CSV, XLSX, GeoJSON, GeoPackage). Description complète : ",
                    html.A("documentation de l'API", href=routes.API_DOC),
                    " et sa description ",
                    html.A("OpenAPI 3.1", href=f"{routes.API_V1}/openapi.json"),
                    ".",
                ],
                className="intro",
            ),
            html.H2("Mêmes noms partout"),
            html.Ul(
                [
                    html.Li("code_<niveau> et nom_<niveau> : code_commune, nom_commune, code_epci, nom_epci…"),
                    html.Li("couverture : part de la population couverte, en %, dans l'API comme dans les fichiers."),
                    html.Li("Valeur manquante : vide (CSV) ou null (JSON), jamais 0 ; booléens oui / non en CSV."),
                    html.Li("Les fichiers gardent l'ordre des colonnes de l'écran (le nom d'abord)."),
                ]
            ),
            html.H2("API : exemples à copier"),
            html.Div(examples(base), id=content_ids.REUSE_EXAMPLES),
            html.H2("QGIS : ouvrir le GeoPackage"),
            html.Ol(
                [
                    html.Li(["Télécharger le fichier, par exemple ", html.A(html.Code(gpkg), href=gpkg), "."]),
                    html.Li(
                        "Dans QGIS : Couche › Ajouter une couche › Ajouter une couche vecteur, choisir le fichier "
                        "puis la couche « territoires_epci » (ou « etablissements »). Les tables « sources », "
                        "« filtres » et « colonnes » donnent les sources, les filtres et la définition des champs."
                    ),
                    html.Li(
                        "Le GeoPackage est en WGS 84 (EPSG:4326), version 1.2 (lu sans avertissement depuis "
                        "QGIS 3.28 / GDAL 3.6) ; le GeoJSON suit la RFC 7946 (MultiPolygon, anneaux "
                        "extérieurs dans le sens direct)."
                    ),
                    html.Li(
                        [
                            "Vers un Shapefile, forcer l'UTF-8 (sinon « œ » est perdu) ; les noms de champs y sont "
                            "coupés à 10 caractères : ",
                            html.Code("ogr2ogr -lco ENCODING=UTF-8 epci.shp fichier.gpkg territoires_epci"),
                            " (QGIS : Exporter › Sauvegarder les entités sous…, codage UTF-8).",
                        ]
                    ),
                ]
            ),
        ],
        className="content-page reuse-page",
    )
