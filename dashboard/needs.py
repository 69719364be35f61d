"""Needs analysis, as pure functions: composite needs score, its robustness to the weights,
estimated supply gap and the sentences that argue a territory's case.

Everything here is an *estimate* computed from the store's indicators with parameters the
user chooses; the interface labels it so and shows the method.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

NORMALISATIONS = {
    "rang": "Rang centile dans la région (0 = valeur la plus faible, 1 = la plus forte ; ex æquo au rang moyen).",
    "z_robuste": "Écart à la médiane régionale divisé par 1,4826 × l'écart absolu médian, borné à ±3, "
    "puis ramené entre 0 et 1.",
}


@dataclass(frozen=True)
class Component:
    """One indicator of the score, with its weight and orientation (+1: higher = more need)."""

    indicator: str
    weight: float
    direction: int


#: Default score: precarity, housing pressure, shelter pressure, and existing supply (more supply → less need).
DEFAULT_COMPONENTS: tuple[Component, ...] = (
    Component("taux_pauvrete", 1.0, 1),
    Component("revenu_median", 0.5, -1),
    Component("taux_chomage", 1.0, 1),
    Component("taux_vacance", 0.5, -1),
    Component("evolution_population", 0.5, 1),
    Component("hebergement_pour_10000", 1.0, 1),
    Component("residence_sociale_pour_10000", 1.5, -1),
)
DEFAULT_WEIGHT_RANGE = (0.5, 1.5)


def normalise(values: pd.Series, method: str = "rang") -> pd.Series:
    """Scale values to [0, 1] within the territories given; missing values stay missing."""
    if method == "rang":
        known = values.dropna()
        if len(known) <= 1:
            return values.where(values.isna(), 0.5)
        ranks = known.rank(method="average")
        return ((ranks - 1) / (len(known) - 1)).reindex(values.index)
    if method == "z_robuste":
        median = values.median()
        spread = 1.4826 * (values - median).abs().median()
        if not spread or np.isnan(spread):
            return values.where(values.isna(), 0.5)
        return ((values - median) / spread).clip(-3, 3) / 6 + 0.5
    raise ValueError(f"normalisation inconnue : {method}")


def oriented_scores(wide: pd.DataFrame, components: Iterable[Component], method: str = "rang") -> pd.DataFrame:
    """One column per component: normalised value, flipped where a higher value means less need."""
    columns = {}
    for component in components:
        scaled = normalise(wide[component.indicator], method) if component.indicator in wide else np.nan
        columns[component.indicator] = scaled if component.direction >= 0 else 1 - scaled
    return pd.DataFrame(columns, index=wide.index)


def score(
    wide: pd.DataFrame, components: Iterable[Component], method: str = "rang"
) -> tuple[pd.Series, pd.DataFrame, pd.Series]:
    """Weighted mean of the oriented components over those known for each territory.

    Returns (score on a 0–100 scale, contributions in score points per component, number of
    components missing). A missing indicator is left out and flagged, never counted as 0.
    """
    components = [component for component in components if component.weight > 0]
    oriented = oriented_scores(wide, components, method)
    weights = pd.Series({component.indicator: component.weight for component in components}, dtype="float64")
    present = oriented.notna()
    weight_sum = present.mul(weights, axis=1).sum(axis=1)
    contributions = oriented.mul(weights, axis=1).div(weight_sum.where(weight_sum > 0), axis=0) * 100
    total = contributions.sum(axis=1, min_count=1)
    missing = (~present).sum(axis=1)
    return total, contributions, missing


def ranks(scores: pd.Series) -> pd.Series:
    """Rank 1 = highest need; territories without a score get no rank."""
    return scores.rank(ascending=False, method="min")


def rank_intervals(
    wide: pd.DataFrame,
    components: Iterable[Component],
    draws: int = 500,
    spread: tuple[float, float] = DEFAULT_WEIGHT_RANGE,
    seed: int = 2024,
    method: str = "rang",
    quantiles: tuple[float, float] = (0.05, 0.95),
) -> pd.DataFrame:
    """Ranks under random perturbations of every weight (each × U(spread)).

    Returns, per territory, the rank with the chosen weights, the lowest and highest rank over
    the draws, and the 5 %–95 % interval (deterministic for a given seed).
    """
    components = [component for component in components if component.weight > 0]
    oriented = oriented_scores(wide, components, method)
    base_weights = np.array([component.weight for component in components])
    values = oriented.to_numpy()
    present = ~np.isnan(values)
    filled = np.nan_to_num(values)
    generator = np.random.default_rng(seed)
    factors = generator.uniform(*spread, size=(draws, len(components)))
    weights = factors * base_weights
    numerators = filled @ weights.T
    denominators = present.astype(float) @ weights.T
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = numerators / denominators
    ranked = pd.DataFrame(scores, index=wide.index).rank(ascending=False, method="min")
    chosen = ranks(score(wide, components, method)[0])
    return pd.DataFrame(
        {
            "rank": chosen,
            "rank_min": ranked.min(axis=1),
            "rank_max": ranked.max(axis=1),
            "rank_low": ranked.quantile(quantiles[0], axis=1),
            "rank_high": ranked.quantile(quantiles[1], axis=1),
        }
    )


def robust_top(intervals: pd.DataFrame, top: int) -> pd.Series:
    """Territories that stay in the top `top` under every weight perturbation drawn."""
    return intervals["rank_max"] <= top


def supply_gap(
    existing: pd.Series,
    population: pd.Series,
    reference_per_10000: float,
    places_per_residence: float | None = None,
) -> pd.DataFrame:
    """Residences a territory would have at the reference rate, minus those it has.

    A positive gap is an estimated shortfall, in residences, and in places when a
    places-per-residence assumption is given.
    """
    if reference_per_10000 is None or not np.isfinite(reference_per_10000) or reference_per_10000 < 0:
        raise ValueError("le taux de référence doit être un nombre positif")
    if places_per_residence is not None and (not np.isfinite(places_per_residence) or places_per_residence <= 0):
        raise ValueError("le nombre de places par résidence doit être strictement positif")
    expected = population * reference_per_10000 / 10_000
    gap = expected - existing
    frame = pd.DataFrame(
        {
            "existing": existing,
            "population": population,
            "rate_per_10000": existing / population.where(population > 0) * 10_000,
            "expected": expected,
            "gap_residences": gap,
        }
    )
    frame["gap_places"] = gap * places_per_residence if places_per_residence else np.nan
    return frame


def places_per_residence(places: Mapping[str, float], counts: Mapping[str, float]) -> float:
    """Average places per residence: published places over counted establishments, same types."""
    shared = [kind for kind in places if kind in counts]
    total_places = sum(places[kind] for kind in shared)
    total_count = sum(counts[kind] for kind in shared)
    if not shared or total_count <= 0:
        raise ValueError("aucun type de résidence n'a à la fois des places publiées et des établissements recensés")
    return total_places / total_count


def format_number(value: float, decimals: int = 1) -> str:
    """French number formatting: decimal comma, narrow no-break space between thousands."""
    text = f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text


@dataclass(frozen=True)
class Figure:
    """A value with what a reader needs to check it."""

    label: str
    value: float | None
    unit: str
    source: str
    approximation: bool = False


def argument(local: Figure, reference: Figure, reference_name: str, threshold: float = 0.05) -> str | None:
    """One deterministic sentence comparing a territory's figure with a reference.

    Returns None when either value is missing or the difference is under `threshold`
    (relative): only statements the data supports.
    """
    if local.value is None or reference.value is None or pd.isna(local.value) or pd.isna(reference.value):
        return None
    if reference.value == 0:
        return None
    relative = (local.value - reference.value) / abs(reference.value)
    if abs(relative) < threshold:
        return None
    verb = "dépasse" if relative > 0 else "reste en deçà de"
    unit = f" {local.unit}" if local.unit and local.unit != "%" else (" %" if local.unit == "%" else "")
    approx = ", approximation" if local.approximation else ""
    sentence = (
        f"{local.label} ({format_number(local.value)}{unit}, {local.source}{approx}) {verb} "
        f"{reference_name} ({format_number(reference.value)}{unit})."
    )
    return sentence[0].upper() + sentence[1:]
