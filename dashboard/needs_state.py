"""URL state of the needs analysis (ranking page, territory page, score on the map), as pure functions.

Every parameter is optional; a bad value falls back to its default with a French notice.

- `poids`: weights of the score, `indicateur:poids` pairs separated by commas
  (`poids=taux_pauvrete:1,residence_sociale_pour_10000:1.5`); indicators left out weigh 0;
- `normalisation`: `rang` (default: percentile rank within the région) or `z_robuste`;
- `comparaison`: reference of the supply gap, `region` (default), `france` or `cible`;
- `cible`: the target rate when `comparaison=cible`, in résidences sociales per 10,000 inhabitants;
- `places`: places per residence for the gap in places (default: the regional average);
- ranking page only: `dep` (départements, comma-separated), `nature` (EPCI kinds `CC,CA,CU,METRO`),
  `taille` (population band).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from dashboard import needs

PARAM_WEIGHTS = "poids"
PARAM_NORMALISATION = "normalisation"
PARAM_COMPARISON = "comparaison"
PARAM_TARGET = "cible"
PARAM_PLACES = "places"
PARAM_DEPARTEMENTS = "dep"
PARAM_KINDS = "nature"
PARAM_BAND = "taille"
#: Parameters of the score itself (also read by the map when it shows the score).
SCORE_PARAMS = (PARAM_WEIGHTS, PARAM_NORMALISATION)
GAP_PARAMS = (PARAM_COMPARISON, PARAM_TARGET, PARAM_PLACES)
FILTER_PARAMS = (PARAM_DEPARTEMENTS, PARAM_KINDS, PARAM_BAND)
PARAMS = SCORE_PARAMS + GAP_PARAMS + FILTER_PARAMS

KINDS = {"CC": "Communauté de communes", "CA": "Communauté d'agglomération", "CU": "Communauté urbaine"}
KINDS["METRO"] = "Métropole"
#: Population bands: key → (label, lower bound included, upper bound excluded).
BANDS = {
    "moins-de-20000": ("moins de 20 000 habitants", 0, 20_000),
    "20000-50000": ("de 20 000 à 50 000 habitants", 20_000, 50_000),
    "50000-100000": ("de 50 000 à 100 000 habitants", 50_000, 100_000),
    "plus-de-100000": ("100 000 habitants ou plus", 100_000, math.inf),
}
MAX_TARGET = 100.0
MAX_PLACES = 1000.0


@dataclass(frozen=True)
class NeedsState:
    weights: tuple[tuple[str, float], ...]
    normalisation: str = "rang"
    comparison: str = "region"
    target: float | None = None
    places: float | None = None  # None: the regional average
    departements: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    band: str | None = None

    @property
    def weight_map(self) -> dict[str, float]:
        return dict(self.weights)

    def weight(self, indicator: str) -> float:
        return self.weight_map.get(indicator, 0.0)


def default_weights() -> tuple[tuple[str, float], ...]:
    return tuple((candidate.indicator, needs.default_weight(candidate.indicator)) for candidate in needs.CANDIDATES)


def default_state() -> NeedsState:
    return NeedsState(weights=default_weights())


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


def parse_weights(text: str, notices: list[str]) -> tuple[tuple[str, float], ...] | None:
    """`indicator:weight,…` → weights of every candidate (0 when left out), or None to keep the defaults."""
    asked: dict[str, float] = {}
    for part in (item.strip() for item in text.split(",")):
        if not part:
            continue
        indicator, _, raw = part.partition(":")
        indicator = indicator.strip()
        if indicator not in needs.CANDIDATE_BY_ID:
            notices.append(f"Indicateur « {indicator} » inconnu dans les poids : il est ignoré.")
            continue
        value = parse_number(raw) if raw else None
        if value is None or not 0 <= value <= needs.WEIGHT_MAX:
            notices.append(
                f"Poids « {raw} » invalide pour « {indicator} » (nombre de 0 à {needs.format_weight(needs.WEIGHT_MAX)}) : "
                "son poids par défaut est utilisé."
            )
            value = needs.default_weight(indicator)
        asked[indicator] = value
    if not any(value > 0 for value in asked.values()):
        notices.append("Aucun indicateur n'a de poids positif : les poids par défaut sont utilisés.")
        return None
    return tuple((candidate.indicator, asked.get(candidate.indicator, 0.0)) for candidate in needs.CANDIDATES)


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


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
    values = {name: _single(name, raw, notices) for name, raw in query.items() if name in only}

    weights = values.get(PARAM_WEIGHTS)
    if weights is not None:
        parsed = parse_weights(weights, notices)
        if parsed is not None:
            state = replace(state, weights=parsed)

    normalisation = values.get(PARAM_NORMALISATION)
    if normalisation is not None:
        if normalisation in needs.NORMALISATIONS:
            state = replace(state, normalisation=normalisation)
        else:
            notices.append(f"Normalisation « {normalisation} » inconnue : le rang dans la région est utilisé.")

    comparison = values.get(PARAM_COMPARISON)
    if comparison is not None:
        if comparison in needs.COMPARISONS:
            state = replace(state, comparison=comparison)
        else:
            notices.append(f"Comparaison « {comparison} » inconnue : le taux régional est utilisé.")

    target = values.get(PARAM_TARGET)
    if target is not None and target.strip():
        number = parse_number(target)
        if number is not None and 0 <= number <= MAX_TARGET:
            state = replace(state, target=number)
        else:
            notices.append(f"Objectif « {target} » invalide (nombre de 0 à {MAX_TARGET:.0f} pour 10 000 habitants).")
    if state.comparison == "cible" and state.target is None:
        notices.append("Aucun objectif saisi : l'écart est calculé au taux régional.")
        state = replace(state, comparison="region")

    places = values.get(PARAM_PLACES)
    if places is not None and places.strip():
        number = parse_number(places)
        if number is not None and 0 < number <= MAX_PLACES:
            state = replace(state, places=number)
        else:
            notices.append(
                f"Nombre de places par résidence « {places} » invalide (nombre de 1 à {MAX_PLACES:.0f}) : "
                "la moyenne régionale est utilisée."
            )

    raw = values.get(PARAM_DEPARTEMENTS)
    if raw is not None:
        asked = _codes(raw)
        unknown = [code for code in asked if code not in departements]
        if unknown:
            notices.append(f"Département(s) inconnu(s) ignoré(s) : {', '.join(unknown)}.")
        state = replace(state, departements=tuple(code for code in departements if code in asked))

    raw = values.get(PARAM_KINDS)
    if raw is not None:
        asked = _codes(raw)
        unknown = [kind for kind in asked if kind not in KINDS]
        if unknown:
            notices.append(f"Nature(s) d'EPCI inconnue(s) ignorée(s) : {', '.join(unknown)}.")
        state = replace(state, kinds=tuple(kind for kind in KINDS if kind in asked))

    band = values.get(PARAM_BAND)
    if band is not None and band.strip():
        if band in BANDS:
            state = replace(state, band=band)
        else:
            notices.append(f"Taille « {band} » inconnue : toutes les tailles sont affichées.")
    return state, notices


def needs_pairs(state: NeedsState, only: Sequence[str] = PARAMS) -> list[tuple[str, str]]:
    """(parameter, value) pairs that restore `state`; empty filters and defaults of optional values left out."""
    pairs = [
        (PARAM_WEIGHTS, needs.weights_text(state.weights)),
        (PARAM_NORMALISATION, state.normalisation),
        (PARAM_COMPARISON, state.comparison),
    ]
    if state.target is not None:
        pairs.append((PARAM_TARGET, f"{state.target:g}"))
    if state.places is not None:
        pairs.append((PARAM_PLACES, f"{state.places:g}"))
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


def state_from_controls(
    weights: Mapping[str, float | None],
    normalisation: str | None,
    comparison: str | None,
    target: float | str | None,
    places: float | str | None,
    departements: Sequence[str] | None,
    kinds: Sequence[str] | None,
    band: str | None,
    known_departements: Sequence[str],
) -> tuple[NeedsState, list[str]]:
    """The state of the page's controls, each value checked like a URL parameter (bad → default + notice)."""
    query: dict[str, str] = {
        PARAM_WEIGHTS: ",".join(f"{key}:{value or 0:g}" for key, value in weights.items()),
        PARAM_DEPARTEMENTS: ",".join(departements or []),
        PARAM_KINDS: ",".join(kinds or []),
    }
    for name, value in (
        (PARAM_NORMALISATION, normalisation),
        (PARAM_COMPARISON, comparison),
        (PARAM_TARGET, target),
        (PARAM_PLACES, places),
        (PARAM_BAND, band),
    ):
        if value not in (None, ""):
            query[name] = str(value)
    return parse_needs(query, known_departements)


def band_of(population: float) -> str | None:
    for key, (_, low, high) in BANDS.items():
        if low <= population < high:
            return key
    return None
