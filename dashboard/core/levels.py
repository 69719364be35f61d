"""Territory levels and establishment families: their ids and French names."""

from __future__ import annotations

LEVEL_EPCI = "epci"
LEVEL_COMMUNE = "commune"
LEVEL_DEPARTEMENT = "departement"
LEVEL_REGION = "region"
#: France's own figures (context of every build; the whole perimeter of a France build).
LEVEL_FRANCE = "france"
FRANCE_CODE = "FR"
FAMILY_RESIDENCE = "residence_sociale"
FAMILY_HEBERGEMENT = "hebergement"
#: Map levels, in the order of the level switch.
LEVELS = {LEVEL_EPCI: "EPCI", LEVEL_COMMUNE: "Communes", LEVEL_DEPARTEMENT: "Départements"}
#: Map levels of a France build (`python -m loaders build --region france`): the régions too.
NATIONAL_LEVELS = {**LEVELS, LEVEL_REGION: "Régions"}
LEVEL_NOUNS = {LEVEL_EPCI: ("EPCI", "EPCI"), LEVEL_COMMUNE: ("commune", "communes")}
LEVEL_NOUNS[LEVEL_DEPARTEMENT] = ("département", "départements")
LEVEL_NOUNS[LEVEL_REGION] = ("région", "régions")
#: Levels whose noun is feminine (« 4 343 communes renseignées »).
FEMININE_LEVELS = frozenset({LEVEL_COMMUNE, LEVEL_REGION})
LEVEL_BY = {LEVEL_EPCI: "par EPCI", LEVEL_COMMUNE: "par commune", LEVEL_DEPARTEMENT: "par département"}
LEVEL_BY[LEVEL_REGION] = "par région"
EPCI_KINDS = {
    "CC": "Communauté de communes",
    "CA": "Communauté d'agglomération",
    "CU": "Communauté urbaine",
    "METRO": "Métropole",
    "MET69": "Métropole",
}
