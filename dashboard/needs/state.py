"""URL state of the needs analysis (ranking page, territory page, index on the map, API), as pure functions.

Every parameter is optional; a bad value falls back to its default with a French notice.

- `poids`: weights of the need index, `indicateur:poids` pairs separated by commas
  (`poids=part_minima_sociaux_2019:1,loyer_appartement:1.5`); indicators left out weigh 0;
- `normalisation`: `rang` (default: percentile rank within the région) or `z_robuste`;
- `approximations`: `incluses` to keep values covering under 80 % of the population (default: `exclues`);
- `reference`: reference of the gap and of the expected supply, `france` (default), `region` or `cible`
  (`comparaison` is read as its former name);
- `cible`: the target when `reference=cible`, in places per 10,000 inhabitants;
- `ordre`: `places` (default: shortfall in places against the need), `pour_10000`, `besoin`, `offre`;
- ranking page only: `dep` (départements, comma-separated), `nature` (EPCI kinds `CC,CA,CU,METRO`),
  `taille` (population band).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from dashboard.needs import analysis as needs_store
from dashboard.needs import model as needs

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
#: Parameters of the need index itself (also read by the map when it shows the index).
INDEX_PARAMS = (PARAM_WEIGHTS, PARAM_NORMALISATION, PARAM_PARTIAL)
#: Parameters of the whole analysis (index, reference, order): the fiche, the API.
ANALYSIS_PARAMS = (*INDEX_PARAMS, PARAM_REFERENCE, PARAM_TARGET, PARAM_ORDER)
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


@dataclass(frozen=True)
class NeedsState:
    weights: tuple[tuple[str, float], ...]
    normalisation: str = "rang"
    include_partial: bool = False
    reference: str = needs_store.DEFAULT_REFERENCE
    target: float | None = None
    order: str = "places"
    departements: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    band: str | None = None

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
        )


def default_state() -> NeedsState:
    return NeedsState(weights=needs.default_weights())


def _single(name: str, raw: str | Sequence[str], notices: list[str]) -> str:
    if isinstance(raw, str):
        return raw
    notices.append(f"Le paramètre « {name} » est répété : seule sa première valeur est retenue.")
    return str(raw[0]) if raw else ""


def parse_number(text: str) -> float | None:
    """A decimal number written with a point or a comma, or None."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def format_weight(weight: float) -> str:
    """1 → « 1 », 0.5 → « 0,5 », 1.25 → « 1,25 »."""
    return f"{weight:g}".replace(".", ",")


def parse_weights(text: str, notices: list[str]) -> tuple[tuple[str, float], ...] | None:
    """`indicator:weight,…` → weights of every candidate (0 when left out), or None to keep the defaults."""
    asked: dict[str, float] = {}
    for part in (item.strip() for item in text.split(",")):
        if not part:
            continue
        indicator, _, raw = part.partition(":")
        indicator = indicator.strip()
        if indicator not in needs.CANDIDATE_BY_ID:
            notices.append(f"Indicateur « {indicator[:60]} » inconnu dans les poids : il est ignoré.")
            continue
        value = parse_number(raw) if raw else None
        if value is None or not 0 <= value <= needs.WEIGHT_MAX:
            notices.append(
                f"Poids « {raw[:30]} » invalide pour « {indicator} » (nombre de 0 à "
                f"{format_weight(needs.WEIGHT_MAX)}) : son poids par défaut est utilisé."
            )
            value = needs.default_weight(indicator)
        asked[indicator] = value
    if not any(value > 0 for value in asked.values()):
        notices.append("Aucun indicateur n'a de poids positif : les poids par défaut sont utilisés.")
        return None
    return tuple((candidate.indicator, asked.get(candidate.indicator, 0.0)) for candidate in needs.CANDIDATES)


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _choice(values: Mapping[str, str], name: str, allowed: Mapping[str, object], default_text: str, notices) -> str:
    value = values.get(name)
    if value is None or value in allowed:
        return value
    notices.append(f"Valeur « {value[:40]} » inconnue pour « {name} » : {default_text}.")
    return None


def parse_needs(
    query: Mapping[str, str | Sequence[str]],
    departements: Sequence[str] = (),
    only: Sequence[str] = PARAMS,
) -> tuple[NeedsState, list[str]]:
    """The needs state a query asks for (parameters of `only`), and a notice for each value replaced.

    Parameters outside `only` are left to the caller (the map checks its own).
    """
    notices: list[str] = []
    state = default_state()
    names = set(only) | ({PARAM_FORMER_REFERENCE} if PARAM_REFERENCE in only else set())
    values = {name: _single(name, raw, notices) for name, raw in query.items() if name in names}
    if PARAM_FORMER_REFERENCE in values:
        values.setdefault(PARAM_REFERENCE, values.pop(PARAM_FORMER_REFERENCE))

    weights = values.get(PARAM_WEIGHTS)
    if weights is not None:
        parsed = parse_weights(weights, notices)
        if parsed is not None:
            state = replace(state, weights=parsed)

    normalisation = _choice(
        values, PARAM_NORMALISATION, needs.NORMALISATIONS, "le rang dans la région est utilisé", notices
    )
    if normalisation:
        state = replace(state, normalisation=normalisation)
    partial = _choice(values, PARAM_PARTIAL, PARTIAL_CHOICES, "les approximations partielles sont exclues", notices)
    if partial:
        state = replace(state, include_partial=PARTIAL_CHOICES[partial])
    reference = _choice(values, PARAM_REFERENCE, needs_store.REFERENCES, "le taux national est utilisé", notices)
    if reference:
        state = replace(state, reference=reference)
    order = _choice(values, PARAM_ORDER, needs.ORDERS, "le manque de places est utilisé", notices)
    if order:
        state = replace(state, order=order)

    target = values.get(PARAM_TARGET)
    if target is not None and target.strip():
        number = parse_number(target)
        if number is not None and 0 <= number <= MAX_TARGET:
            state = replace(state, target=number)
        else:
            notices.append(
                f"Objectif « {target[:30]} » invalide (nombre de places pour 10 000 habitants, de 0 à "
                f"{MAX_TARGET:.0f})."
            )
    if state.reference == "cible" and state.target is None:
        notices.append("Aucun objectif saisi : le taux national est utilisé.")
        state = replace(state, reference=needs_store.DEFAULT_REFERENCE)

    raw = values.get(PARAM_DEPARTEMENTS)
    if raw is not None:
        asked = _codes(raw)
        unknown = [code[:10] for code in asked if code not in departements]
        if unknown:
            notices.append(f"Département(s) inconnu(s) ignoré(s) : {', '.join(unknown[:10])}.")
        state = replace(state, departements=tuple(code for code in departements if code in asked))

    raw = values.get(PARAM_KINDS)
    if raw is not None:
        asked = _codes(raw)
        unknown = [kind[:10] for kind in asked if kind not in KINDS]
        if unknown:
            notices.append(f"Nature(s) d'EPCI inconnue(s) ignorée(s) : {', '.join(unknown[:10])}.")
        state = replace(state, kinds=tuple(kind for kind in KINDS if kind in asked))

    band = values.get(PARAM_BAND)
    if band is not None and band.strip():
        if band in BANDS:
            state = replace(state, band=band)
        else:
            notices.append(f"Taille « {band[:40]} » inconnue : toutes les tailles sont affichées.")
    return state, notices


def needs_pairs(state: NeedsState, only: Sequence[str] = PARAMS) -> list[tuple[str, str]]:
    """(parameter, value) pairs that restore `state`; empty filters and default options left out."""
    pairs = [(PARAM_WEIGHTS, needs.weights_text(state.weights)), (PARAM_NORMALISATION, state.normalisation)]
    if state.include_partial:
        pairs.append((PARAM_PARTIAL, "incluses"))
    pairs.append((PARAM_REFERENCE, state.reference))
    if state.target is not None:
        pairs.append((PARAM_TARGET, f"{state.target:g}"))
    pairs.append((PARAM_ORDER, state.order))
    if state.departements:
        pairs.append((PARAM_DEPARTEMENTS, ",".join(state.departements)))
    if state.kinds:
        pairs.append((PARAM_KINDS, ",".join(state.kinds)))
    if state.band:
        pairs.append((PARAM_BAND, state.band))
    return [(name, value) for name, value in pairs if name in only]


def serialise_needs(state: NeedsState, only: Sequence[str] = PARAMS) -> str:
    """The query string (with its leading « ? ») restoring `state`; parse_needs reads it back."""
    return "?" + urlencode(needs_pairs(state, only), safe=",:")


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
    for key, (_, low, high) in BANDS.items():
        if low <= population < high:
            return key
    return None
