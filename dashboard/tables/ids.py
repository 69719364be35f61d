"""Component ids of the tables page (/tableaux)."""

TABLE_TITLE = "tableaux-titre"
TABLE_NOTICES = "tableaux-avis"
TABLE_DEPARTEMENTS = "tableaux-departements"
TABLE_EPCIS = "tableaux-epci"
TABLE_TABS = "tableaux-onglets"
TABLE_LEVEL = "tableaux-niveau"
TABLE_INDICATORS = "tableaux-indicateurs"  # pattern-matching type: {"type": ..., "theme": <theme id>}
TABLE_INDICATOR_SUMMARY = "tableaux-indicateurs-resume"
TABLE_THRESHOLD_INDICATOR = "tableaux-seuil-indicateur"  # pattern-matching type: {"type": ..., "index": i}
TABLE_THRESHOLD_MIN = "tableaux-seuil-min"  # pattern-matching type
TABLE_THRESHOLD_MAX = "tableaux-seuil-max"  # pattern-matching type
TABLE_THRESHOLD_NOTICE = "tableaux-seuil-avis"
TABLE_COUNT = "tableaux-nombre"
TABLE_GRID = "tableaux-grille"
TABLE_SOURCES = "tableaux-sources"
TABLE_SORT = "tableaux-tri"
TABLE_DOWNLOAD = "tableaux-telecharger"  # pattern-matching type: {"type": ..., "tab": ..., "format": ...}
TABLE_PERMALINK = "tableaux-lien"
TABLE_QUERY = "tableaux-requete"
TABLE_URL_SYNC = "tableaux-url"
TABLE_RESIDENCE_TYPES = "tableaux-types"  # pattern-matching type: {"type": ..., "family": <family id>}
TABLE_RESIDENCE_COUNT = "tableaux-etablissements-nombre"
TABLE_RESIDENCE_GRID = "tableaux-etablissements-grille"
TABLE_RESIDENCE_SORT = "tableaux-etablissements-tri"
TABLE_RESIDENCE_SOURCES = "tableaux-etablissements-sources"
