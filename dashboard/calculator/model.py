"""Economic model of a résidence sociale: inputs, validation, arithmetic and URL state.

Pure functions only (no Dash, no store access): `calculator.layout` and `calculator.callbacks` wire them. The calculator
estimates the annual *public* cost of one place and compares it with the yearly cost of a place in
the solutions a résidence sociale can avoid (CHRS, hotel, intermédiation locative).

Defaults come only from the reference figures of the catalogue (`catalogue.json`,
`reference_figures`); an input with no published figure has no default and starts empty.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, make_dataclass
from urllib.parse import urlencode

from dashboard.core import formatting
from dashboard.core.formatting import NNBSP, format_number, format_plain
from dashboard.core.url_state import Invalid, Param, Reading, UrlState

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
#: Derived, not in the catalogue: the average size of the région's pensions de famille (see `typical_size`).
REFERENCE_PLACES = "taille_moyenne_pension_famille"
REFERENCE_AGLS = "agls_max"
REFERENCE_AGLS_RANGE = ("agls_min", "agls_max")

FIELDS: tuple[Field, ...] = (
    Field(
        PLACES,
        "Nombre de places",
        "places",
        2_000,
        integer=True,
        hint="nombre de logements du projet",
        reference=REFERENCE_PLACES,
    ),
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

#: The calculator state as the URL-state kit handles it: one text field per URL parameter.
UrlFields = make_dataclass("UrlFields", [(key, str) for key in STATE_KEYS], frozen=True)


def _choice_reader(key: str) -> Callable[[str, Reading], str]:
    def read(text: str, _reading: Reading) -> str:
        text = text.strip()
        if text not in CHOICES[key]:
            expected = " ou ".join(f"« {option} »" for option in CHOICES[key])
            raise Invalid(f"Paramètre « {key}={text} » ignoré : valeur attendue {expected}.")
        return text

    return read


def _field_reader(field: Field) -> Callable[[str, Reading], str]:
    def read(text: str, _reading: Reading) -> str:
        text = text.strip()
        try:
            check_field(field, text)
        except InvalidValue as error:
            raise Invalid(f"Paramètre « {field.key}={text} » ignoré ; {error} Valeur par défaut conservée.") from error
        return text

    return read


def url_state(initial: Mapping[str, str]) -> UrlState:
    """The calculator's URL parameters, in `STATE_KEYS` order; a value equal to its default in `initial`
    is left out of the address, an emptied default is written empty."""

    def writer(key: str) -> Callable[[str], str | None]:
        return lambda value: None if (value or "") == initial.get(key, "") else (value or "")

    readers = {key: _choice_reader(key) for key in CHOICES} | {field.key: _field_reader(field) for field in FIELDS}
    return UrlState(tuple(Param(key, key, readers[key], writer(key)) for key in STATE_KEYS))


def _last(value: str | list[str]) -> str:
    return value[-1] if isinstance(value, list) else str(value)


def state_from_query(
    query: Mapping[str, str | list[str]], initial: Mapping[str, str]
) -> tuple[dict[str, str], list[str]]:
    """The calculator state from URL parameters, and a French notice for each parameter ignored.

    A parameter that is not valid keeps the default of its field; an empty parameter empties the field;
    of a repeated parameter the last value wins; unknown parameters are ignored silently.
    """
    last_values = {key: _last(value) for key, value in query.items()}
    default = UrlFields(**{key: initial.get(key, "") for key in STATE_KEYS})
    state, notices = url_state(initial).parse(last_values, default, strict=False)
    return {**initial, **asdict(state)}, notices


def query_string(state: Mapping[str, str], initial: Mapping[str, str]) -> str:
    """'?key=value&…' for the entries that differ from the defaults ('' when none), in a stable order."""
    pairs = url_state(initial).pairs(UrlFields(**{key: state.get(key) or "" for key in STATE_KEYS}))
    return f"?{urlencode(pairs)}" if pairs else ""


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


def _subsidy_inputs(share_mode: bool) -> tuple[str, ...]:
    return (INVESTMENT, SUBSIDY_SHARE_FIELD, PLACES) if share_mode else (SUBSIDY_AMOUNT_FIELD,)


def _subsidy_total(values: Mapping[str, float | None], share_mode: bool) -> float | None:
    """Total investment subsidies: a share of the investment, or an amount."""
    if _needs(values, _subsidy_inputs(share_mode)):
        return None
    if share_mode:
        return values[SUBSIDY_SHARE_FIELD] / 100 * values[INVESTMENT] * values[PLACES]
    return values[SUBSIDY_AMOUNT_FIELD]


def _forfait_part(values: Mapping[str, float | None], pension: bool) -> float | None:
    """Forfait × 365 × occupancy for a pension de famille, 0 for the other residences."""
    if not pension:
        return 0.0
    if _needs(values, (FORFAIT, OCCUPANCY)):
        return None
    return values[FORFAIT] * DAYS_PER_YEAR * values[OCCUPANCY] / 100


def _alternatives(values: Mapping[str, float | None], public_cost: float | None) -> tuple[Alternative, ...]:
    alternatives = []
    for key in ALTERNATIVES:
        cost = values.get(key)
        if cost is not None:
            ratio = cost / public_cost if public_cost else None
            alternatives.append(Alternative(key, FIELDS_BY_KEY[key].label, cost, ratio))
    return tuple(alternatives)


def _labels(checked: Validation, keys: Iterable[str], invalid: bool) -> tuple[str, ...]:
    """Labels of the fields among `keys` without a value: the invalid ones, or the empty ones."""
    return tuple(
        FIELDS_BY_KEY[key].label
        for key in keys
        if checked.values.get(key) is None and (key in checked.errors) == invalid
    )


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

    subsidy_total = _subsidy_total(values, share_mode)
    investment_part = None
    if subsidy_total is not None and not _needs(values, (DURATION, PLACES)):
        investment_part = subsidy_total / values[DURATION] / values[PLACES]
    forfait_part = _forfait_part(values, pension)
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

    needed = [PLACES, *_subsidy_inputs(share_mode), DURATION, AGLS] + ([FORFAIT, OCCUPANCY] if pension else [])
    needed = list(dict.fromkeys(needed))
    return Estimate(
        subsidy_total=subsidy_total,
        investment_part=investment_part,
        forfait_part=forfait_part,
        agls_part=agls_part,
        public_cost=public_cost,
        full_cost=full_cost,
        operating_remainder=operating_remainder,
        missing=_labels(checked, needed, invalid=False),
        invalid=_labels(checked, needed, invalid=True),
        missing_full=_labels(checked, full_inputs, invalid=False) + _labels(checked, full_inputs, invalid=True),
        alternatives=_alternatives(values, public_cost),
    )


def french_list(items: Iterable[str]) -> str:
    """'a, b et c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"
