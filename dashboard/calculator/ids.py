"""Component ids of the calculator page."""

CALC_TITLE = "calc-title"
CALC_URL = "calc-url"
CALC_NOTICES = "calc-notices"
CALC_KIND = "calc-type"
CALC_SUBSIDY_MODE = "calc-subvention"
CALC_FIELD_PREFIX = "calc-champ-"  # + calculator field key: the input
CALC_ERROR_PREFIX = "calc-erreur-"  # + calculator field key: its validation message
CALC_BLOCK_PREFIX = "calc-bloc-"  # + calculator field key: label, input and messages
CALC_RESULT = "calc-resultat"
CALC_CHART = "calc-graphique"
CALC_TABLE = "calc-tableau"
CALC_FORMULA = "calc-formule"
