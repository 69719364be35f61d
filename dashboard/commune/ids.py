"""Component ids of the commune fiche (/commune/<code Insee>)."""

COMMUNE_TITLE = "commune-titre"
COMMUNE_IDENTITY = "commune-identite"
COMMUNE_FIGURES = "commune-chiffres"
COMMUNE_TABLE = "commune-indicateurs"
COMMUNE_RESIDENCES = "commune-etablissements"
COMMUNE_NEAREST = "commune-etablissements-proches"
COMMUNE_NOTICE = "commune-avis"
