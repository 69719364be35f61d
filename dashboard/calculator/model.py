"""Economic model of a résidence sociale: inputs, validation, arithmetic and URL state.

Pure functions only (no Dash, no store access): the calculator page wires them. The calculator
estimates the annual *public* cost of one place and compares it with the yearly cost of a place in
the solutions a résidence sociale can avoid (CHRS, hotel, intermédiation locative).

Defaults come only from the reference figures of the catalogue (`catalogue.json`,
`reference_figures`); an input with no published figure has no default and starts empty.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from dashboard.core import formatting
from dashboard.core.formatting import NNBSP, format_number, format_plain

DAYS_PER_YEAR = 365
KIND = "type"
KIND_PENSION = "pension"
KIND_OTHER = "autre"
KINDS = {
    KIND_PENSION: "Pension de famille ou résidence accueil",
    KIND_OTHER: "Autre résidence sociale (généraliste, foyer de jeunes travailleurs, issue de FTM)",
}
SUBSIDY_MODE = "subvention"
SUBSIDY_SHARE = "part"
SUBSIDY_AMOUNT = "montant"
SUBSIDY_MODES = {
    SUBSIDY_SHARE: "En part de l'investissement",
    SUBSIDY_AMOUNT: "En montant total",
}
CHOICES = {KIND: KINDS, SUBSIDY_MODE: SUBSIDY_MODES}
CHOICE_DEFAULTS = {KIND: KIND_PENSION, SUBSIDY_MODE: SUBSIDY_SHARE}


@dataclass(frozen=True)
class Field:
    """One numeric input of the calculator; `key` is also its URL parameter."""

    key: str
    label: str
    unit: str
    maximum: float
    integer: bool = False
    zero_allowed: bool = False
    hint: str = ""
    reference: str | None = None  # id of the reference figure giving the default, if any


PLACES = "places"
INVESTMENT = "investissement"
SUBSIDY_SHARE_FIELD = "part_subvention"
SUBSIDY_AMOUNT_FIELD = "montant_subvention"
DURATION = "duree"
OPERATING = "fonctionnement"
FORFAIT = "forfait"
AGLS = "agls"
OCCUPANCY = "occupation"
COST_CHRS = "cout_chrs"
COST_HOTEL = "cout_hotel"
COST_IML = "cout_iml"

REFERENCE_FORFAIT = "forfait_pension_famille_2023"
REFERENCE_AGLS = "agls_max"
REFERENCE_AGLS_RANGE = ("agls_min", "agls_max")

FIELDS: tuple[Field, ...] = (
    Field(PLACES, "Nombre de places", "places", 2_000, integer=True, hint="nombre de logements du projet"),
    Field(
        INVESTMENT,
        "Investissement par place",
        "€ par place",
        1_000_000,
        hint="coût total de l'opération ÷ nombre de places",
    ),
    Field(
        SUBSIDY_SHARE_FIELD,
        "Part de l'investissement couverte par des subventions publiques",
        "%",
        100,
        zero_allowed=True,
        hint="subventions ÷ investissement total",
    ),
    Field(
        SUBSIDY_AMOUNT_FIELD,
        "Montant total des subventions publiques d'investissement",
        "€",
        1_000_000_000,
        zero_allowed=True,
        hint="somme des subventions du plan de financement",
    ),
    Field(
        DURATION, "Durée d'amortissement", "ans", 100, integer=True, hint="durée sur laquelle répartir la subvention"
    ),
    Field(
        OPERATING,
        "Coût de fonctionnement par place",
        "€ par place et par an",
        1_000_000,
        hint="budget annuel de fonctionnement ÷ nombre de places",
    ),
    Field(
        FORFAIT, "Forfait journalier de fonctionnement", "€ par place et par jour", 1_000, reference=REFERENCE_FORFAIT
    ),
    Field(OCCUPANCY, "Taux d'occupation", "%", 100, hint="part des journées où les places sont occupées"),
    Field(
        AGLS,
        "Aide à la gestion locative sociale (AGLS)",
        "€ par résidence et par an",
        1_000_000,
        zero_allowed=True,
        reference=REFERENCE_AGLS,
    ),
    Field(COST_CHRS, "Place en CHRS", "€ par place et par an", 1_000_000, reference="cout_place_chrs"),
    Field(
        COST_HOTEL, "Place à l'hôtel toute l'année", "€ par place et par an", 1_000_000, reference="cout_place_hotel"
    ),
    Field(
        COST_IML,
        "Place en intermédiation locative (au plus)",
        "€ par place et par an",
        1_000_000,
        reference="cout_place_iml",
    ),
)
FIELDS_BY_KEY = {field.key: field for field in FIELDS}
ALTERNATIVES = (COST_CHRS, COST_HOTEL, COST_IML)
STATE_KEYS = (KIND, SUBSIDY_MODE, *FIELDS_BY_KEY)


# --- Numbers: parsing and French formatting --------------------------------------------------


class InvalidValue(ValueError):
    """A field value that cannot be used; the message is French and names the field."""


def parse_number(text: str | float | int | None) -> float | None:
    """A number typed the French or the English way ('12 200', '18,5', '18.5'); None when empty.

    Raises InvalidValue (without the field name) when the text is not a plain, finite decimal number.
    """
    value = formatting.parse_number(text)
    if value is not None or text is None or (isinstance(text, str) and not text.strip()):
        return value
    if isinstance(text, int | float) and not isinstance(text, bool):
        raise InvalidValue("saisissez un nombre fini")
    raise InvalidValue("saisissez un nombre en chiffres (virgule pour les décimales)")


def format_euros(value: float, step: int = 10) -> str:
    """Euros rounded to `step` (orders of magnitude): '8 490 €'."""
    return f"{format_number(round(value / step) * step)}{NNBSP}€"


def format_ratio(value: float) -> str:
    """'2,4' (one decimal)."""
    return format_number(value, 1)


def _limit(field: Field) -> str:
    return f"{format_number(field.maximum)}{NNBSP}{field.unit}"


def check_field(field: Field, text: str | float | int | None) -> float | None:
    """The value of one field, None when empty; raise InvalidValue with a French message naming it."""
    try:
        value = parse_number(text)
    except InvalidValue as error:
        raise InvalidValue(f"« {field.label} » : {error}.") from error
    if value is None:
        return None
    if value < 0:
        raise InvalidValue(f"« {field.label} » ne peut pas être négatif.")
    if value == 0 and not field.zero_allowed:
        raise InvalidValue(f"« {field.label} » doit être supérieur à zéro.")
    if value > field.maximum:
        raise InvalidValue(
            f"« {field.label} » dépasse la valeur maximale acceptée ({_limit(field)}) : vérifiez la saisie."
        )
    if field.integer and not value.is_integer():
        raise InvalidValue(f"« {field.label} » doit être un nombre entier.")
    return value


# --- Defaults from the reference figures -----------------------------------------------------


def reference_index(reference_figures: Iterable[Mapping]) -> dict[str, Mapping]:
    """Reference figures of the catalogue by id."""
    return {record["id"]: record for record in reference_figures}


def defaults(reference_figures: Iterable[Mapping]) -> dict[str, str]:
    """Initial text of every input and choice: the reference figure when there is one, else ''."""
    index = reference_index(reference_figures)
    state = dict(CHOICE_DEFAULTS)
    for field in FIELDS:
        record = index.get(field.reference) if field.reference else None
        value = record.get("value") if record else None
        usable = value is not None and math.isfinite(float(value))
        state[field.key] = format_plain(float(value)) if usable else ""
    return state


# --- State in the URL ------------------------------------------------------------------------


def _single(value: str | list[str]) -> str:
    return value[-1] if isinstance(value, list) else str(value)


def state_from_query(
    query: Mapping[str, str | list[str]], initial: Mapping[str, str]
) -> tuple[dict[str, str], list[str]]:
    """The calculator state from URL parameters, and a French notice for each parameter ignored.

    A parameter that is not valid keeps the default of its field; an empty parameter empties the field.
    """
    state = dict(initial)
    notices = []
    for key in STATE_KEYS:
        if key not in query:
            continue
        text = _single(query[key]).strip()
        if key in CHOICES:
            if text in CHOICES[key]:
                state[key] = text
            else:
                expected = " ou ".join(f"« {option} »" for option in CHOICES[key])
                notices.append(f"Paramètre « {key}={text} » ignoré : valeur attendue {expected}.")
            continue
        try:
            check_field(FIELDS_BY_KEY[key], text)
        except InvalidValue as error:
            notices.append(f"Paramètre « {key}={text} » ignoré ; {error} Valeur par défaut conservée.")
            continue
        state[key] = text
    return state, notices


def query_string(state: Mapping[str, str], initial: Mapping[str, str]) -> str:
    """'?key=value&…' for the entries that differ from the defaults ('' when none), in a stable order."""
    changed = [(key, state.get(key) or "") for key in STATE_KEYS if (state.get(key) or "") != initial.get(key, "")]
    return f"?{urlencode(changed)}" if changed else ""


# --- Validation and arithmetic ---------------------------------------------------------------


def used_fields(state: Mapping[str, str]) -> tuple[str, ...]:
    """The fields that enter the calculation with these choices (the others are ignored)."""
    skipped = {SUBSIDY_AMOUNT_FIELD if state.get(SUBSIDY_MODE) != SUBSIDY_AMOUNT else SUBSIDY_SHARE_FIELD}
    if state.get(KIND) != KIND_PENSION:
        skipped |= {FORFAIT, OCCUPANCY}
    return tuple(field.key for field in FIELDS if field.key not in skipped)


@dataclass(frozen=True)
class Validation:
    values: dict[str, float | None]
    errors: dict[str, str]


def validate(state: Mapping[str, str]) -> Validation:
    """Parse every used field; a French message per invalid field (empty fields are not errors)."""
    values: dict[str, float | None] = {}
    errors: dict[str, str] = {}
    for key in used_fields(state):
        try:
            values[key] = check_field(FIELDS_BY_KEY[key], state.get(key))
        except InvalidValue as error:
            values[key] = None
            errors[key] = str(error)
    investment, places, amount = values.get(INVESTMENT), values.get(PLACES), values.get(SUBSIDY_AMOUNT_FIELD)
    if amount is not None and investment is not None and places is not None and amount > investment * places:
        values[SUBSIDY_AMOUNT_FIELD] = None
        errors[SUBSIDY_AMOUNT_FIELD] = (
            f"Les subventions ({format_number(amount)}{NNBSP}€) dépassent l'investissement total "
            f"({format_number(investment * places)}{NNBSP}€ = investissement par place × nombre de places)."
        )
    return Validation(values, errors)


@dataclass(frozen=True)
class Alternative:
    key: str
    label: str
    cost: float
    ratio: float | None  # alternative cost ÷ public cost of the residence, when that cost is positive


@dataclass(frozen=True)
class Estimate:
    """Everything the page shows; None where an input is missing or invalid. Amounts in € per place per year."""

    subsidy_total: float | None
    investment_part: float | None
    forfait_part: float | None
    agls_part: float | None
    public_cost: float | None
    full_cost: float | None
    operating_remainder: float | None
    missing: tuple[str, ...]  # labels of the inputs still needed for the public cost
    invalid: tuple[str, ...]  # labels of the inputs to correct
    missing_full: tuple[str, ...]  # labels still needed for the full cost
    alternatives: tuple[Alternative, ...]


def _needs(values: Mapping[str, float | None], keys: Iterable[str]) -> list[str]:
    return [key for key in keys if values.get(key) is None]


def estimate(state: Mapping[str, str], validation: Validation | None = None) -> Estimate:
    """Annual public cost per place of the residence, its parts, and the comparison with the alternatives.

    public cost per place and per year =
        subsidies ÷ amortisation years ÷ places                 (investment part)
      + forfait × 365 × occupancy          (pensions de famille only: forfait part)
      + AGLS ÷ places                                          (AGLS part)
    """
    checked = validation or validate(state)
    values = checked.values
    pension = state.get(KIND) == KIND_PENSION
    share_mode = state.get(SUBSIDY_MODE) != SUBSIDY_AMOUNT

    subsidy_inputs = (INVESTMENT, SUBSIDY_SHARE_FIELD, PLACES) if share_mode else (SUBSIDY_AMOUNT_FIELD,)
    subsidy_total = None
    if not _needs(values, subsidy_inputs):
        if share_mode:
            subsidy_total = values[SUBSIDY_SHARE_FIELD] / 100 * values[INVESTMENT] * values[PLACES]
        else:
            subsidy_total = values[SUBSIDY_AMOUNT_FIELD]

    investment_part = None
    if subsidy_total is not None and not _needs(values, (DURATION, PLACES)):
        investment_part = subsidy_total / values[DURATION] / values[PLACES]

    forfait_part = 0.0
    if pension:
        forfait_part = None
        if not _needs(values, (FORFAIT, OCCUPANCY)):
            forfait_part = values[FORFAIT] * DAYS_PER_YEAR * values[OCCUPANCY] / 100

    agls_part = values[AGLS] / values[PLACES] if not _needs(values, (AGLS, PLACES)) else None

    parts = (investment_part, forfait_part, agls_part)
    public_cost = sum(parts) if all(part is not None for part in parts) else None

    full_inputs = (INVESTMENT, DURATION, OPERATING)
    full_cost = None
    if not _needs(values, full_inputs):
        full_cost = values[INVESTMENT] / values[DURATION] + values[OPERATING]
    operating_remainder = None
    if values.get(OPERATING) is not None and forfait_part is not None and agls_part is not None:
        operating_remainder = values[OPERATING] - forfait_part - agls_part

    needed = [PLACES, *subsidy_inputs, DURATION, AGLS] + ([FORFAIT, OCCUPANCY] if pension else [])
    needed = list(dict.fromkeys(needed))
    label = FIELDS_BY_KEY

    def labels(keys: Iterable[str], invalid: bool) -> tuple[str, ...]:
        return tuple(label[key].label for key in keys if values.get(key) is None and (key in checked.errors) == invalid)

    alternatives = []
    for key in ALTERNATIVES:
        cost = values.get(key)
        if cost is not None:
            ratio = cost / public_cost if public_cost else None
            alternatives.append(Alternative(key, label[key].label, cost, ratio))

    return Estimate(
        subsidy_total=subsidy_total,
        investment_part=investment_part,
        forfait_part=forfait_part,
        agls_part=agls_part,
        public_cost=public_cost,
        full_cost=full_cost,
        operating_remainder=operating_remainder,
        missing=labels(needed, invalid=False),
        invalid=labels(needed, invalid=True),
        missing_full=labels(full_inputs, invalid=False) + labels(full_inputs, invalid=True),
        alternatives=tuple(alternatives),
    )


def french_list(items: Iterable[str]) -> str:
    """'a, b et c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"
