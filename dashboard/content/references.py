"""Reference figures of the catalogue (`catalogue.json`, `reference_figures`) as French text.

The hand-collected CSV describes units and publishers in English; these helpers give their French
wording (falling back to the original text when a wording is unknown) and a citation per figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from dashboard.core.formatting import NNBSP, format_number

UNITS_FR = {
    "places": "places",
    "places per 1000 adults aged 20-59": "places pour 1 000 adultes de 20 à 59 ans",
    "EUR per place per year": "€ par place et par an",
    "EUR per place per year (upper bound)": "€ par place et par an (au plus)",
    "EUR per place per day": "€ par place et par jour",
    "EUR per residence per year": "€ par résidence et par an",
    "households": "ménages",
    "social workers per 70 homes": "travailleurs sociaux pour 70 logements",
    "territories": "territoires",
    "ratio": "demandes par attribution",
}
PUBLISHERS_FR = {
    "desk research (public reports on the cost of hébergement and logement accompagné)": (
        "Recherche documentaire (rapports publics sur le coût de l'hébergement et du logement accompagné)"
    ),
    "desk research (SNE figures as reported by regional HLM bodies)": (
        "Recherche documentaire (chiffres du SNE publiés par les organismes HLM régionaux)"
    ),
}
PUBLICATION_WORDS_FR = {"regional tables": "tableaux régionaux"}
TO_CONFIRM = "ordre de grandeur à confirmer auprès de la source primaire"
_YEAR = re.compile(r"\b(19|20)\d{2}\b")


def index(reference_figures: Iterable[Mapping]) -> dict[str, Mapping]:
    return {record["id"]: record for record in reference_figures}


def unit_fr(record: Mapping) -> str:
    unit = str(record.get("unit") or "")
    return UNITS_FR.get(unit, unit)


def date_fr(reference_date: str) -> str:
    """'2021-12-31' → '31/12/2021', '2019-09' → '09/2019', '2019' → '2019'."""
    parts = str(reference_date).split("-")
    return "/".join(reversed(parts))


def value_fr(record: Mapping) -> str:
    """The figure with its unit: '20 550 € par place et par an', '2,4 places pour 1 000 adultes…'."""
    value = float(record["value"])
    decimals = 0 if value.is_integer() else 1
    unit = unit_fr(record)
    return f"{format_number(value, decimals)}{NNBSP}{unit}" if unit else format_number(value, decimals)


def citation(record: Mapping) -> str:
    """Publisher and publication in French, with the reference date when the text has no year."""
    publisher = str(record.get("publisher") or "")
    publisher = PUBLISHERS_FR.get(publisher, publisher)
    publication = "" if record.get("to_be_confirmed") else str(record.get("publication") or "")
    for english, french in PUBLICATION_WORDS_FR.items():
        publication = publication.replace(english, french)
    if publication.startswith(publisher):
        text = publication
    else:
        text = ", ".join(part for part in (publisher, publication) if part)
    if not _YEAR.search(text) and record.get("reference_date"):
        text = f"{text} ({date_fr(record['reference_date'])})"
    return text


def source_line(record: Mapping) -> str:
    """'Source : … ' with the caveat for figures to be confirmed."""
    text = f"Source : {citation(record)}"
    return f"{text} — {TO_CONFIRM}" if record.get("to_be_confirmed") else text
