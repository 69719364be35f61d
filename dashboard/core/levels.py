"""Territory levels and establishment families: their ids and French names."""

from __future__ import annotations

LEVEL_EPCI = "epci"
LEVEL_COMMUNE = "commune"
LEVEL_DEPARTEMENT = "departement"
LEVEL_REGION = "region"
FAMILY_RESIDENCE = "residence_sociale"
FAMILY_HEBERGEMENT = "hebergement"
#: Map levels, in the order of the level switch.
LEVELS = {LEVEL_EPCI: "EPCI", LEVEL_COMMUNE: "Communes", LEVEL_DEPARTEMENT: "Départements"}
LEVEL_NOUNS = {LEVEL_EPCI: ("EPCI", "EPCI"), LEVEL_COMMUNE: ("commune", "communes")}
LEVEL_NOUNS[LEVEL_DEPARTEMENT] = ("département", "départements")
LEVEL_NOUNS[LEVEL_REGION] = ("région", "régions")
LEVEL_BY = {LEVEL_EPCI: "par EPCI", LEVEL_COMMUNE: "par commune", LEVEL_DEPARTEMENT: "par département"}
EPCI_KINDS = {
    "CC": "Communauté de communes",
    "CA": "Communauté d'agglomération",
    "CU": "Communauté urbaine",
    "METRO": "Métropole",
    "MET69": "Métropole",
}
