"""The API's declarations: every endpoint, its parameters and the fields of its rows, in one place.

The routes check requests against them (`dashboard.api.parameters`), the OpenAPI description
(`dashboard.api.openapi`) and the /api page (`dashboard.api.documentation`) are written from them: a
parameter accepted is a parameter documented, and the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.core import routes
from dashboard.needs import state as needs_state

EXAMPLE_EPCI = "248000531"  # CA Amiens Métropole, used in the examples only
FORMATS = ("json", "csv")
API_LEVELS = ("commune", "epci", "departement", "region", "france")
TERRITORY_LEVELS = ("commune", "epci", "departement", "region")
#: Parameters any client may add (jQuery's cache-buster `_=`): ignored, never in the cache key.
IGNORED = ("_",)
MAX_LIMIT = 100_000


@dataclass(frozen=True)
class Parameter:
    """A query parameter: `values` is its closed list of values (empty: checked against the data)."""

    name: str
    description: str
    values: tuple[str, ...] = ()
    required: bool = False
    default: str | None = None
    multiple: bool = False  # comma-separated values
    integer: bool = False
    example: str | None = None
    deprecated: bool = False


@dataclass(frozen=True)
class Field:
    """A field of the rows of an answer (a column of its CSV)."""

    name: str
    description: str
    kind: str = "string"  # JSON Schema type: string, number, integer, boolean
    unit: str | None = None


@dataclass(frozen=True)
class Endpoint:
    path: str
    summary: str
    parameters: tuple[Parameter, ...]
    example: str
    returns: str
    rows: str = ""  # member of the JSON answer holding the rows
    fields: tuple[Field, ...] = ()
    paginated: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(parameter.name for parameter in self.parameters)

    def parameter(self, name: str) -> Parameter:
        return next(parameter for parameter in self.parameters if parameter.name == name)


FORMAT = Parameter(
    "format", "json (par défaut) ou csv (UTF-8, séparateur virgule, point décimal).", FORMATS, default="json"
)
LIMIT = Parameter(
    "limite",
    f"nombre de lignes par page, de 1 à {MAX_LIMIT:,} (par défaut : toutes les lignes).".replace(",", "\u202f"),
    integer=True,
    example="1000",
)
START = Parameter(
    "debut", "rang de la première ligne de la page, à partir de 0 (par défaut : 0).", integer=True, default="0"
)
FIELDS = Parameter(
    "champs",
    "champs gardés dans chaque ligne (colonnes du CSV), séparés par des virgules, dans l'ordre voulu "
    "(par défaut : tous).",
    multiple=True,
)
PAGING = (LIMIT, START, FIELDS)

CODE_FIELD = Field("code_<niveau>", "code du territoire : code Insee (commune, département, région), SIREN (EPCI), FR")
NAME_FIELD = Field("nom_<niveau>", "nom du territoire")
COVERAGE = Field(
    "couverture", "part de la population couverte par la valeur (approximations, données partielles)", "number", "%"
)

INDICATORS = Endpoint(
    "/indicators",
    "Valeurs des indicateurs, une ligne par territoire et par indicateur.",
    (
        Parameter("level", "niveau des territoires.", API_LEVELS, required=True, example="epci"),
        Parameter(
            "indicator",
            "identifiants d'indicateurs (par défaut : tous ceux du niveau) ; leur ordre ordonne la réponse.",
            multiple=True,
            example="population,taux_pauvrete",
        ),
        Parameter(
            "code", "codes Insee ou SIREN des territoires (par défaut : tous).", multiple=True, example=EXAMPLE_EPCI
        ),
        FORMAT,
        *PAGING,
    ),
    "/indicators?level=epci&indicator=population,taux_pauvrete&code=" + EXAMPLE_EPCI,
    "JSON : « indicateurs » (libellé, unité, définition, méthode, approximation, source, millésime, jeux de "
    "données) et « donnees ». CSV : une ligne par valeur avec aussi libellé, unité, source, millésime et "
    "approximation.",
    rows="donnees",
    fields=(
        Field("niveau", "niveau des territoires"),
        CODE_FIELD,
        NAME_FIELD,
        Field("indicateur", "identifiant de l'indicateur"),
        Field("libelle", "libellé de l'indicateur (CSV)"),
        Field("unite", "unité de la valeur (CSV)"),
        Field("valeur", "valeur ; null (JSON) ou vide (CSV) si manquante, jamais 0", "number"),
        COVERAGE,
        Field("source", "source de la valeur"),
        Field("millesime", "millésime de la source"),
        Field("approximation", "valeur approchée au-dessus de la commune (CSV : oui / non)", "boolean"),
    ),
    paginated=True,
)

TERRITORIES = Endpoint(
    "/territories",
    "Territoires d'un niveau avec leurs rattachements et leur population.",
    (
        Parameter("level", "niveau des territoires.", TERRITORY_LEVELS, required=True, example="commune"),
        Parameter("departement", "codes de départements.", multiple=True, example="80"),
        Parameter("epci", "SIREN d'EPCI, pour les niveaux commune et epci.", multiple=True, example=EXAMPLE_EPCI),
        FORMAT,
        *PAGING,
    ),
    f"/territories?level=commune&epci={EXAMPLE_EPCI}",
    "Une ligne par territoire, avec la source et le millésime du découpage administratif.",
    rows="territoires",
    fields=(
        Field("niveau", "niveau des territoires"),
        CODE_FIELD,
        NAME_FIELD,
        Field("nature", "nature de l'EPCI (CC, CA, CU, METRO)"),
        Field("code_departement", "code du département (principal, pour un EPCI)"),
        Field("code_epci", "SIREN de l'EPCI de la commune"),
        Field("nom_epci", "nom de l'EPCI de la commune"),
        Field("population", "population municipale", "integer", "habitants"),
        Field(
            "dans_la_region",
            "faux pour les communes hors région des EPCI à cheval (CSV : oui / non)",
            "boolean",
        ),
    ),
    paginated=True,
)

RESIDENCES = Endpoint(
    "/residences",
    "Établissements recensés dans FINESS (résidences sociales et hébergement).",
    (
        Parameter("epci", "SIREN d'EPCI.", multiple=True, example=EXAMPLE_EPCI),
        Parameter("departement", "codes de départements.", multiple=True),
        Parameter("commune", "codes Insee de communes.", multiple=True),
        Parameter("type", "types d'établissement, par exemple pension_de_famille,fjt.", multiple=True),
        Parameter("family", "famille d'établissements.", ("residence_sociale", "hebergement"), multiple=True),
        FORMAT,
        *PAGING,
    ),
    f"/residences?epci={EXAMPLE_EPCI}&family=residence_sociale",
    "Une ligne par établissement, avec la source de chaque ligne et la règle de typologie.",
    rows="etablissements",
    fields=(
        Field("finess", "numéro FINESS de l'établissement"),
        Field("nom_etablissement", "nom de l'établissement"),
        Field("type", "type (identifiant)"),
        Field("type_libelle", "type (libellé)"),
        Field("famille", "famille : residence_sociale ou hebergement"),
        Field("code_commune", "code Insee de la commune"),
        Field("nom_commune", "nom de la commune"),
        Field("code_epci", "SIREN de l'EPCI"),
        Field("nom_epci", "nom de l'EPCI"),
        Field("code_departement", "code du département"),
        Field("code_postal", "code postal"),
        Field("ouverture", "date d'ouverture (AAAA-MM-JJ)"),
        Field("source", "source de la ligne"),
        Field("longitude", "longitude", "number", "degrés, WGS 84"),
        Field("latitude", "latitude", "number", "degrés, WGS 84"),
    ),
    paginated=True,
)

_NEEDS_PARAMETERS = {
    needs_state.PARAM_WEIGHTS: Parameter(
        needs_state.PARAM_WEIGHTS,
        "poids de l'indice, paires indicateur:poids séparées par des virgules (par défaut : ceux de la page "
        "Classement).",
        example="part_minima_sociaux_2019:1.5,loyer_appartement:1",
    ),
    needs_state.PARAM_NORMALISATION: Parameter(
        needs_state.PARAM_NORMALISATION, "normalisation des composantes.", ("rang", "z_robuste"), default="rang"
    ),
    needs_state.PARAM_PARTIAL: Parameter(
        needs_state.PARAM_PARTIAL,
        "exclues (valeurs couvrant moins de 80 % de la population écartées) ou incluses.",
        ("exclues", "incluses"),
        default="exclues",
    ),
    needs_state.PARAM_REFERENCE: Parameter(
        needs_state.PARAM_REFERENCE, "taux de référence de l'offre.", ("france", "region", "cible"), default="france"
    ),
    needs_state.PARAM_TARGET: Parameter(
        needs_state.PARAM_TARGET, "objectif en places pour 10 000 habitants, avec reference=cible.", example="18"
    ),
    needs_state.PARAM_ORDER: Parameter(
        needs_state.PARAM_ORDER, "ordre des territoires.", ("places", "pour_10000", "besoin", "offre"), default="places"
    ),
    needs_state.PARAM_PROJECTS: Parameter(
        needs_state.PARAM_PROJECTS,
        "résidences envisagées (« Projet envisagé »), type:places:code commune séparés par | ; type d'une "
        "résidence sociale de /residences (par exemple pension_de_famille), de 1 à 500 places, 10 projets au "
        "plus. Un projet invalide est ignoré et cité dans « avertissements ».",
        example="pension_de_famille:25:80021",
    ),
}

NEEDS = Endpoint(
    routes.NEEDS_API_PATH,
    "Analyse des besoins par EPCI (estimations), avec les mêmes paramètres que la page Classement : indice de "
    "besoin, offre en places, places manquantes au regard du besoin, écart à la référence, robustesse du rang.",
    (
        *(_NEEDS_PARAMETERS[name] for name in needs_state.SCENARIO_PARAMS),
        Parameter(
            needs_state.PARAM_FORMER_REFERENCE,
            f"ancien nom de « {needs_state.PARAM_REFERENCE} ».",
            deprecated=True,
        ),
        FORMAT,
    ),
    "/needs?reference=france&ordre=places&projets=pension_de_famille:25:80021",
    "« parametres » (réglages retenus, taux de référence par famille), « avertissements » (valeurs refusées et "
    "remplacées par le réglage par défaut), « colonnes » (définition de chaque champ), « sources » et "
    "« territoires ». Places arrondies à 5. CSV : une colonne par écart de famille. Une valeur refusée est "
    "signalée dans « avertissements », jamais une erreur.",
    rows="territoires",
    fields=(
        Field("code_epci", "SIREN de l'EPCI"),
        Field("nom_epci", "nom de l'EPCI"),
        Field("priorite_rang", "rang de priorité", "integer"),
        Field("score_besoin", "indice de besoin", "number"),
        Field("rang_min", "rang le meilleur sur 90 % des tirages", "integer"),
        Field("rang_max", "rang le moins bon sur 90 % des tirages", "integer"),
        Field("offre_places", "offre existante estimée", "number", "places"),
        Field("manque_places", "places manquantes au regard du besoin", "number", "places"),
        Field(
            "ecart_places",
            "écart à la référence (bas et haut : ecart_places_bas, ecart_places_haut)",
            "number",
            "places",
        ),
        Field("places_projetees", "places des projets envisagés (avec projets)", "number", "places"),
    ),
)

SOURCES = Endpoint(
    "/sources",
    "Catalogue des jeux de données et des indicateurs.",
    (Parameter("format", "json seulement.", ("json",), default="json"),),
    "/sources",
    "Jeux de données (titre, producteur, millésime, licence, adresse, couverture) et indicateurs (libellé, "
    "unité, définition, méthode, millésime, niveaux disponibles).",
)

ENDPOINTS = (INDICATORS, TERRITORIES, RESIDENCES, NEEDS, SOURCES)
