"""URL state of the needs analysis (ranking page, territory page, index on the map, API), declared with the
shared kit (`dashboard.core.url_state`): `NEEDS_URL` reads and writes every parameter.

Every parameter is optional; a bad value falls back to its default with a French notice.

- `poids`: weights of the need index, `indicateur:poids` pairs separated by commas
  (`poids=part_minima_sociaux_2019:1,loyer_appartement:1.5`); indicators left out weigh 0;
- `normalisation`: `rang` (default: percentile rank within the région) or `z_robuste`;
- `approximations`: `incluses` to keep values covering under 80 % of the population (default: `exclues`);
- `reference`: reference of the gap and of the expected supply, `france` (default), `region` or `cible`
  (`comparaison` is read as its former name);
- `cible`: the target when `reference=cible`, in places per 10,000 inhabitants;
- `ordre`: `places` (default: shortfall in places against the need), `pour_10000`, `besoin`, `offre`;
- `projets`: planned residences, `<type>:<places>:<code commune>` separated by `|` (fiche, map, API, slides:
  see `dashboard.needs.projects`);
- ranking page only: `dep` (départements, comma-separated), `nature` (EPCI kinds `CC,CA,CU,METRO`),
  `taille` (population band).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from dashboard.core.formatting import format_weight, parse_number
from dashboard.core.perimeter import in_perimeter
from dashboard.core.url_state import Invalid, Param, Reading, UrlState, codes, plain_decimal, quoted
from dashboard.needs import analysis as needs_store
from dashboard.needs import model as needs
from dashboard.needs.projects import NO_CHOICES, Project, ProjectChoices, read_projects, write_projects

PARAM_WEIGHTS = "poids"
PARAM_NORMALISATION = "normalisation"
PARAM_PARTIAL = "approximations"
PARAM_REFERENCE = "reference"
PARAM_FORMER_REFERENCE = "comparaison"
PARAM_TARGET = "cible"
PARAM_ORDER = "ordre"
PARAM_DEPARTEMENTS = "dep"
PARAM_KINDS = "nature"
PARAM_BAND = "taille"
PARAM_PROJECTS = "projets"
#: Parameters of the need index itself (also read by the map when it shows the index).
INDEX_PARAMS = (PARAM_WEIGHTS, PARAM_NORMALISATION, PARAM_PARTIAL)
#: Parameters of the whole analysis (index, reference, order): the fiche, the API.
ANALYSIS_PARAMS = (*INDEX_PARAMS, PARAM_REFERENCE, PARAM_TARGET, PARAM_ORDER)
#: The analysis with planned residences (« Projet envisagé »): the fiche, the API, the « Scénario » slide.
SCENARIO_PARAMS = (*ANALYSIS_PARAMS, PARAM_PROJECTS)
FILTER_PARAMS = (PARAM_DEPARTEMENTS, PARAM_KINDS, PARAM_BAND)
PARAMS = ANALYSIS_PARAMS + FILTER_PARAMS
#: Names accepted in a query (the former name of `reference` included).
ACCEPTED = (*PARAMS, PARAM_FORMER_REFERENCE)

PARTIAL_CHOICES = {"exclues": False, "incluses": True}
KINDS = {"CC": "Communauté de communes", "CA": "Communauté d'agglomération", "CU": "Communauté urbaine"}
KINDS["METRO"] = "Métropole"
#: Population bands: key → (label, lower bound included, upper bound excluded).
BANDS = {
    "moins-de-20000": ("moins de 20 000 habitants", 0, 20_000),
    "20000-50000": ("de 20 000 à 50 000 habitants", 20_000, 50_000),
    "50000-100000": ("de 50 000 à 100 000 habitants", 50_000, 100_000),
    "plus-de-100000": ("100 000 habitants ou plus", 100_000, math.inf),
}
#: Upper bound of a typed target (places per 10,000 inhabitants); the national rate is about 16.
MAX_TARGET = 200.0
NO_TARGET = "Aucun objectif saisi : le taux national est utilisé."


@dataclass(frozen=True)
class NeedsState:
    """The needs analysis a page shows: index weights and options, reference, order and filters."""

    weights: tuple[tuple[str, float], ...]
    normalisation: str = "rang"
    include_partial: bool = False
    reference: str = needs_store.DEFAULT_REFERENCE
    target: float | None = None
    order: str = "places"
    departements: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    band: str | None = None
    projects: tuple[Project, ...] = ()

    @property
    def weight_map(self) -> dict[str, float]:
        return dict(self.weights)

    def weight(self, indicator: str) -> float:
        return self.weight_map.get(indicator, 0.0)

    @property
    def parameters(self) -> needs_store.Parameters:
        return needs_store.Parameters(
            weights=self.weights,
            normalisation=self.normalisation,
            reference=self.reference,
            target=self.target,
            include_partial=self.include_partial,
            order=self.order,
            projects=self.projects,
        )


@dataclass(frozen=True)
class NeedsChoices:
    """What the parameters may name: the région's départements and what a planned residence may be."""

    departements: tuple[str, ...]
    projects: ProjectChoices = NO_CHOICES


def default_state() -> NeedsState:
    """The default weights and options, no filter."""
    return NeedsState(weights=needs.default_weights())


# --- Readers of the parameters whose notices the generic kit words differently -----------------------------


def read_weights(text: str, reading: Reading) -> tuple[tuple[str, float], ...]:
    """`indicator:weight,…` → weights of every candidate (0 when left out); a bad pair is noted and skipped
    (its default weight kept); `Invalid` when no weight is positive."""
    asked: dict[str, float] = {}
    for part in (item.strip() for item in text.split(",")):
        if not part:
            continue
        indicator, _, raw = part.partition(":")
        indicator = indicator.strip()
        if indicator not in needs.CANDIDATE_BY_ID:
            reading.note(f"Indicateur « {indicator[:60]} » inconnu dans les poids : il est ignoré.")
            continue
        value = parse_number(raw) if raw else None
        if value is None or not 0 <= value <= needs.WEIGHT_MAX:
            reading.note(
                f"Poids « {raw[:30]} » invalide pour « {indicator} » (nombre de 0 à "
                f"{format_weight(needs.WEIGHT_MAX)}) : son poids par défaut est utilisé."
            )
            value = needs.default_weight(indicator)
        asked[indicator] = value
    if not any(value > 0 for value in asked.values()):
        raise Invalid("Aucun indicateur n'a de poids positif : les poids par défaut sont utilisés.")
    return tuple((candidate.indicator, asked.get(candidate.indicator, 0.0)) for candidate in needs.CANDIDATES)


def parse_weights(text: str, notices: list[str]) -> tuple[tuple[str, float], ...] | None:
    """The weights `text` asks for, or None to keep the defaults; one notice per problem (the deck's reader)."""
    try:
        return read_weights(text, Reading(None, None, notices))
    except Invalid as problem:
        notices.append(str(problem))
        return None


def option(
    name: str,
    state_field: str,
    allowed: Mapping[str, object],
    otherwise: str,
    write: Callable[[object], str | None] = str,
    aliases: tuple[str, ...] = (),
) -> Param:
    """One key of `allowed`, converted to its value; « Valeur « x » inconnue pour « name » : otherwise. »"""

    def read(text: str, _reading: Reading) -> object:
        if text not in allowed:
            raise Invalid(f"Valeur « {quoted(text)} » inconnue pour « {name} » : {otherwise}.")
        return allowed[text]

    return Param(name, state_field, read, write, aliases)


def read_target(text: str, _reading: Reading) -> float | None:
    """A target in places per 10,000 inhabitants (empty: none)."""
    if not text.strip():
        return None
    value = parse_number(text)
    if value is None or not 0 <= value <= MAX_TARGET:
        raise Invalid(
            f"Objectif « {text[:30]} » invalide (nombre de places pour 10 000 habitants, de 0 à {MAX_TARGET:.0f})."
        )
    return value


def read_kinds(text: str, reading: Reading) -> tuple[str, ...]:
    """EPCI kinds among KINDS, in their order; unknown ones noted."""
    asked = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [quoted(kind, 10) for kind in asked if kind not in KINDS]
    if unknown:
        reading.note(f"Nature(s) d'EPCI inconnue(s) ignorée(s) : {', '.join(unknown[:10])}.")
    return tuple(kind for kind in KINDS if kind in asked)


def read_band(text: str, _reading: Reading) -> str | None:
    """A population band key (empty: every size)."""
    if not text.strip():
        return None
    if text not in BANDS:
        raise Invalid(f"Taille « {quoted(text)} » inconnue : toutes les tailles sont affichées.")
    return text


#: The needs analysis's parameters, in the order they are read and written.
NEEDS_URL = UrlState(
    (
        Param(PARAM_WEIGHTS, "weights", read_weights, needs.weights_text),
        option(
            PARAM_NORMALISATION,
            "normalisation",
            {key: key for key in needs.NORMALISATIONS},
            f"le rang {in_perimeter()} est utilisé",
        ),
        option(
            PARAM_PARTIAL,
            "include_partial",
            PARTIAL_CHOICES,
            "les approximations partielles sont exclues",
            write=lambda included: "incluses" if included else None,
        ),
        option(
            PARAM_REFERENCE,
            "reference",
            {key: key for key in needs_store.REFERENCES},
            "le taux national est utilisé",
            aliases=(PARAM_FORMER_REFERENCE,),
        ),
        Param(PARAM_TARGET, "target", read_target, lambda target: None if target is None else plain_decimal(target)),
        option(PARAM_ORDER, "order", {key: key for key in needs.ORDERS}, "le manque de places est utilisé"),
        codes(PARAM_DEPARTEMENTS, "departements", lambda reading: reading.choices.departements, "Département(s)"),
        Param(PARAM_KINDS, "kinds", read_kinds, lambda kinds: ",".join(kinds) or None),
        Param(PARAM_BAND, "band", read_band, lambda band: band or None),
        Param(PARAM_PROJECTS, "projects", read_projects, write_projects),
    )
)


def parse_needs(
    query: Mapping[str, str | Sequence[str]],
    departements: Sequence[str] = (),
    only: Sequence[str] = PARAMS,
    *,
    strict: bool = False,
    projects: ProjectChoices = NO_CHOICES,
) -> tuple[NeedsState, list[str]]:
    """The needs state a query asks for (parameters of `only`), and a notice for each value replaced.

    Parameters outside `only` are left to the caller (the map checks its own), unless `strict`: then each
    gets a « Paramètre inconnu » notice. `projects` names the types and communes a planned residence may have.
    """
    choices = NeedsChoices(tuple(departements), projects)
    state, notices = NEEDS_URL.select(only).parse(query, default_state(), choices, strict=strict)
    if state.reference == "cible" and state.target is None:
        notices.append(NO_TARGET)
        state = replace(state, reference=needs_store.DEFAULT_REFERENCE)
    return state, notices


def needs_pairs(state: NeedsState, only: Sequence[str] = PARAMS) -> list[tuple[str, str]]:
    """(parameter, value) pairs that restore `state`; empty filters and default options left out."""
    return NEEDS_URL.select(only).pairs(state)


def serialise_needs(state: NeedsState, only: Sequence[str] = PARAMS) -> str:
    """The query string (with its leading « ? ») restoring `state`; parse_needs reads it back."""
    return NEEDS_URL.select(only).serialise(state)


@dataclass(frozen=True)
class Controls:
    """Values of the ranking page's controls, as Dash sends them (any of them may be None or malformed)."""

    weights: Mapping[str, float | None]
    normalisation: str | None
    include_partial: Sequence[str] | None
    reference: str | None
    target: float | str | None
    order: str | None
    departements: Sequence[str] | None
    kinds: Sequence[str] | None
    band: str | None


def state_from_controls(controls: Controls, known_departements: Sequence[str]) -> tuple[NeedsState, list[str]]:
    """The state of the page's controls, each value checked like a URL parameter (bad → default + notice)."""
    weights = {key: value for key, value in controls.weights.items() if isinstance(value, int | float)}
    query: dict[str, str] = {
        PARAM_WEIGHTS: ",".join(f"{key}:{value:g}" for key, value in weights.items()),
        PARAM_DEPARTEMENTS: ",".join(str(code) for code in controls.departements or []),
        PARAM_KINDS: ",".join(str(kind) for kind in controls.kinds or []),
        PARAM_PARTIAL: "incluses" if controls.include_partial else "exclues",
    }
    for name, value in (
        (PARAM_NORMALISATION, controls.normalisation),
        (PARAM_REFERENCE, controls.reference),
        (PARAM_TARGET, controls.target),
        (PARAM_ORDER, controls.order),
        (PARAM_BAND, controls.band),
    ):
        if value not in (None, ""):
            query[name] = str(value)
    return parse_needs(query, known_departements)


def band_of(population: float) -> str | None:
    """The population band of a population (None when outside every band)."""
    for key, (_, low, high) in BANDS.items():
        if low <= population < high:
            return key
    return None
