"""Needs analysis v2, as pure functions on arrays: a need index built from demand-side indicators only,
supply in places on a separate axis, an expected supply that rises with need, the priority (shortfall in
places against that expectation), the gap to a reference rate and the robustness of the ranking.

Everything here is an estimate computed from the store's figures with parameters the user chooses; the
pages label it so and the methods page (/sources#methode-besoins) gives every formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

NORMALISATIONS = {
    "rang": "Rang centile parmi les EPCI de la carte (0 = valeur la plus faible, 1 = la plus forte ; ex æquo au "
    "rang moyen).",
    "z_robuste": "Écart à la médiane des EPCI de la carte divisé par 1,4826 × l'écart absolu médian, borné à ±3, puis ramené "
    "entre 0 et 1.",
}
#: The same, in plain words for the ranking's controls.
NORMALISATIONS_PLAIN = {
    "rang": "Chaque EPCI reçoit sa place parmi ceux de la carte, de 0 (le moins concerné) à 1 (le plus concerné).",
    "z_robuste": "Combien l'EPCI s'écarte de l'EPCI du milieu, sans que quelques valeurs extrêmes déforment l'échelle.",
}
DRAWS = 500
SEED = 2024
WEIGHT_MAX = 3.0
WEIGHT_SPREAD = (0.5, 1.5)
#: « Dans les 10 premiers » only when the 95th-percentile rank of the draws is within it.
TOP = 10
ROBUST_QUANTILES = (0.05, 0.95)
#: Below this share of the population covered, a value approximated from communes stays out of the default index.
MIN_COVERAGE = 0.8
#: Below this coverage, a sentence must say the figure covers only part of the territory.
SENTENCE_COVERAGE = 0.5
PLACES_ROUNDING = 5
RANK_DECIMALS = 9


@dataclass(frozen=True)
class Candidate:
    """An indicator the need index may use, its default weight and why it measures need.

    Its direction (does a higher value mean more need?) is the indicator catalogue's, nowhere else.
    """

    indicator: str
    group: str
    weight: float
    reason: str
    #: Published by département only: each EPCI takes its département's value (labelled so).
    inherited: bool = False


GROUPS = {
    "precarite": "Précarité des ménages",
    "parc_social": "Tension sur le parc social",
    "marche": "Marché du logement et démographie",
    "hebergement": "Personnes hébergées ou sans domicile",
}

CANDIDATES: tuple[Candidate, ...] = (
    Candidate(
        "part_minima_sociaux_2019",
        "precarite",
        1.5,
        "Part des minima sociaux (RSA, AAH…) dans le revenu, valeur officielle de l'Insee pour l'EPCI : plus "
        "elle est forte, plus il y a de ménages aux ressources très faibles, le public des pensions de famille et "
        "des résidences sociales. Indicateur le plus proche de ce public : poids le plus fort.",
    ),
    Candidate(
        "niveau_vie_d1_2019",
        "precarite",
        1.0,
        "Niveau de vie des 10 % les plus modestes, valeur officielle de l'Insee : plus il est bas, moins ces "
        "ménages peuvent payer un loyer ordinaire.",
    ),
    Candidate(
        "taux_chomage",
        "precarite",
        0.5,
        "Chômage des 15-64 ans : des ressources instables. Poids réduit car très lié aux minima sociaux.",
    ),
    Candidate(
        "part_prestations_logement_2019",
        "precarite",
        0.0,
        "Part des aides au logement dans le revenu (valeur officielle). Proposée sans poids par défaut : presque "
        "identique aux minima sociaux d'un EPCI à l'autre, elle compterait deux fois la même chose.",
    ),
    Candidate(
        "niveau_vie_median_2019",
        "precarite",
        0.0,
        "Niveau de vie médian (valeur officielle). Sans poids par défaut : il décrit l'ensemble des ménages, pas "
        "les plus modestes.",
    ),
    Candidate(
        "taux_pauvrete",
        "precarite",
        0.0,
        "Taux de pauvreté approché à partir des seules communes où l'Insee le publie (les plus grandes et les plus "
        "pauvres) : biaisé vers le haut, il n'entre jamais par défaut. Même avec un poids, il est écarté là où il "
        "couvre moins de 80 % de la population, sauf si vous incluez les approximations partielles.",
    ),
    Candidate(
        "taux_rotation_logement_social",
        "parc_social",
        1.0,
        "Une rotation faible du parc social : peu de logements se libèrent, les personnes hébergées et les "
        "résidents prêts à partir attendent plus longtemps. Extrait dérivé du RPLS 2024.",
    ),
    Candidate(
        "taux_vacance_logement_social",
        "parc_social",
        0.5,
        "Peu de logements sociaux vacants : un parc social tendu. Extrait dérivé du RPLS 2024.",
    ),
    Candidate(
        "taux_logement_social",
        "parc_social",
        0.25,
        "Peu de logements sociaux pour 100 résidences principales : peu de solutions ordinaires pour les ménages "
        "modestes, une étape en résidence sociale plus utile. Poids faible : un parc social peu dense est aussi "
        "le fait de communes aisées où ce public est rare. Extrait dérivé du RPLS 2024.",
    ),
    Candidate(
        "loyer_appartement",
        "marche",
        1.0,
        "Des loyers privés élevés écartent les ménages modestes du parc privé (loyers d'annonce 2018).",
    ),
    Candidate(
        "taux_vacance",
        "marche",
        0.5,
        "Peu de logements vacants : un marché tendu (recensement 2018).",
    ),
    Candidate(
        "evolution_population",
        "marche",
        0.25,
        "Une population qui augmente accroît la demande de logements (recensements 2013–2018). Poids faible : "
        "la croissance tient surtout au périurbain, où le public des résidences sociales est moins présent.",
    ),
    Candidate(
        "places_hebergement_pour_10000",
        "hebergement",
        0.5,
        "Des personnes en CHRS ou en centre d'urgence attendent une solution de logement, dont une résidence "
        "sociale (places estimées). Poids réduit : ces centres sont souvent là où l'offre de résidences existe "
        "déjà ; c'est l'offre attendue, pas le besoin seul, qui fixe la priorité.",
    ),
    Candidate(
        "lda_atteinte_cible",
        "hebergement",
        0.0,
        "Atteinte de l'objectif de relogement Logement d'abord, publiée par département seulement : chaque EPCI "
        "prend la valeur de son département. Sans poids par défaut.",
        inherited=True,
    ),
)
CANDIDATE_BY_ID = {candidate.indicator: candidate for candidate in CANDIDATES}


def default_weight(indicator: str) -> float:
    candidate = CANDIDATE_BY_ID.get(indicator)
    return candidate.weight if candidate else 0.0


def default_weights() -> tuple[tuple[str, float], ...]:
    return tuple((candidate.indicator, candidate.weight) for candidate in CANDIDATES)


@dataclass(frozen=True)
class Component:
    """One indicator of the index: its weight and its catalogue direction (+1: higher = more need)."""

    indicator: str
    weight: float
    direction: int


def components(weights: Mapping[str, float], directions: Mapping[str, int]) -> tuple[Component, ...]:
    """The candidates with a positive weight and a direction in the catalogue, in candidate order."""
    return tuple(
        Component(candidate.indicator, float(weights[candidate.indicator]), int(directions[candidate.indicator]))
        for candidate in CANDIDATES
        if weights.get(candidate.indicator, 0) > 0 and directions.get(candidate.indicator, 0)
    )


# --- Need index ------------------------------------------------------------------------------------------


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


def oriented(values: pd.DataFrame, chosen: Iterable[Component], method: str = "rang") -> pd.DataFrame:
    """One column per component: normalised value, flipped where a higher value means less need."""
    columns = {}
    for component in chosen:
        scaled = normalise(values[component.indicator], method)
        columns[component.indicator] = scaled if component.direction > 0 else 1 - scaled
    return pd.DataFrame(columns, index=values.index)


@dataclass(frozen=True)
class NeedIndex:
    """The need index (0–100) of each territory, its contributions in points and the components it lacks."""

    value: pd.Series
    contributions: pd.DataFrame
    oriented: pd.DataFrame
    missing: pd.Series


def need_index(values: pd.DataFrame, chosen: Sequence[Component], method: str = "rang") -> NeedIndex:
    """Weighted mean of the oriented components known for each territory, on 100.

    A missing value is left out and flagged (its weight goes to the others), never counted as 0.
    """
    scaled = oriented(values, chosen, method)
    weights = pd.Series({component.indicator: component.weight for component in chosen}, dtype="float64")
    present = scaled.notna()
    weight_sum = present.mul(weights, axis=1).sum(axis=1)
    contributions = scaled.mul(weights, axis=1).div(weight_sum.where(weight_sum > 0), axis=0) * 100
    return NeedIndex(
        value=contributions.sum(axis=1, min_count=1),
        contributions=contributions,
        oriented=scaled,
        missing=(~present).sum(axis=1),
    )


# --- Supply, expected supply, priority and gap -------------------------------------------------------------


def population_mean(values: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Population-weighted mean over the last axis, ignoring missing values."""
    known = np.isfinite(values)
    weights = np.where(known, population, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nansum(np.where(known, values, 0.0) * weights, axis=-1) / weights.sum(axis=-1)


def _per_family(size_factor: np.ndarray | float, reference: np.ndarray) -> np.ndarray:
    """The size multiplier as an array whose last axis is the families."""
    size = np.asarray(size_factor, dtype=float)
    return np.full(reference.shape, float(size)) if size.ndim == 0 else size


def shortfall(
    need: np.ndarray,
    population: np.ndarray,
    supply: np.ndarray,
    reference: np.ndarray,
    size_factor: np.ndarray | float = 1.0,
    reference_scales: bool = True,
    planned: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Places missing against the supply each territory would have if it followed its need.

    `need`: (…, n) need index; `population`: (n,); `supply`: (n, F) places per family; `reference`: (F,) places
    per 10,000 inhabitants; `size_factor`: (…, F) multiplier of the places per establishment (1 = the
    regional averages). Expected places = reference × need ÷ (population-weighted mean need) × population ÷
    10,000: the région's expected total stays reference × population. Returns (…, n, F), positive = shortfall.
    `reference_scales`: the reference itself is counted in estimated places (France, région), so it moves with
    the size factor; a typed target does not. `planned`: (n, F) places of planned residences, known exactly (they
    do not move with the size factor).
    """
    factor = need / population_mean(need, population)[..., None]
    size = _per_family(size_factor, reference)
    scaled_reference = reference * (size if reference_scales else np.ones_like(size))
    expected = scaled_reference[..., None, :] * factor[..., :, None] * population[:, None] / 10_000
    return expected - supply * size[..., None, :] - planned


def gap(
    supply: np.ndarray,
    population: np.ndarray,
    reference: np.ndarray,
    size_factor=1.0,
    reference_scales=True,
    planned: np.ndarray | float = 0.0,
):
    """Places missing against the reference rate itself, (…, n, F); positive = shortfall, negative = surplus."""
    size = _per_family(size_factor, reference)
    scaled_reference = reference * (size if reference_scales else np.ones_like(size))
    return scaled_reference[..., None, :] * population[:, None] / 10_000 - supply * size[..., None, :] - planned


def size_range(spread: float | None) -> tuple[float, float]:
    """Multipliers of the places per establishment giving the low–high range (1 ± relative spread)."""
    return (1.0, 1.0) if not spread else (max(0.0, 1 - spread), 1 + spread)


def round_places(value: float) -> float:
    """Places rounded to the nearest 5 (an estimate is never given to the place)."""
    return float(PLACES_ROUNDING * round(value / PLACES_ROUNDING)) if np.isfinite(value) else float("nan")


# --- Robustness ----------------------------------------------------------------------------------------------

#: The order of the ranking by the need index alone (the only one without places).
NEED_ORDER = "besoin"
ORDERS = {
    "places": "Manque de places au regard du besoin (nombre de places)",
    "pour_10000": "Manque de places au regard du besoin, pour 10 000 habitants",
    NEED_ORDER: "Indice de besoin",
    "offre": "Offre existante en places pour 10 000 habitants (la plus faible d'abord)",
}


@dataclass(frozen=True)
class Scenario:
    """Everything the priority depends on, as arrays over n territories, k components and F families."""

    oriented: np.ndarray  # (n, k) oriented values, NaN when missing or left out
    coverage: np.ndarray  # (n, k) share of the population each value covers (1 when complete)
    weights: np.ndarray  # (k,)
    population: np.ndarray  # (n,)
    supply: np.ndarray  # (n, F) places
    reference: np.ndarray  # (F,) places per 10,000
    reference_scales: bool
    spread: float | None
    planned: np.ndarray | float = 0.0  # (n, F) places of planned residences (exact)


def _metric(order: str, need: np.ndarray, places: np.ndarray, population: np.ndarray, supply_rate: np.ndarray):
    """The value each order sorts by, larger = higher priority (supply: lower first)."""
    if order == "places":
        return places
    if order == "pour_10000":
        return places / population * 10_000
    if order == NEED_ORDER:
        return need
    return -np.broadcast_to(supply_rate, need.shape)


def _ranks(metric: np.ndarray) -> np.ndarray:
    """Rank 1 = highest, per row; ties share the best rank; missing values get NaN."""
    frame = pd.DataFrame(np.round(metric, RANK_DECIMALS).T)
    return frame.rank(ascending=False, method="min").to_numpy().T


def draws(scenario: Scenario, order: str, count: int = DRAWS, seed: int = SEED) -> np.ndarray:
    """Ranks of every territory under `count` draws (count × n); draw 0 keeps the chosen parameters.

    Each draw multiplies every weight by U(0.5, 1.5); replaces the uncovered share of each partial value by a
    random position (c × value + (1 − c) × U(0, 1)); multiplies each family's places per establishment by
    U(1 − spread, 1 + spread).
    """
    generator = np.random.default_rng(seed)
    n, k = scenario.oriented.shape
    families = scenario.supply.shape[1]
    weight_factors = generator.uniform(*WEIGHT_SPREAD, size=(count, k))
    noise = generator.uniform(0, 1, size=(count, n, k))
    low, high = size_range(scenario.spread)
    sizes = generator.uniform(low, high, size=(count, families))
    weight_factors[0], sizes[0] = 1.0, 1.0
    coverage = np.clip(np.nan_to_num(scenario.coverage, nan=1.0), 0, 1)
    values = coverage * scenario.oriented + (1 - coverage) * noise
    values[0] = scenario.oriented
    present = np.isfinite(scenario.oriented)
    weights = weight_factors * scenario.weights
    numerators = np.einsum("dnk,dk->dn", np.where(present, values, 0.0), weights)
    denominators = present.astype(float) @ weights.T
    with np.errstate(invalid="ignore", divide="ignore"):
        need = (numerators / denominators.T) * 100
    missing = shortfall(
        need,
        scenario.population,
        scenario.supply,
        scenario.reference,
        sizes,
        scenario.reference_scales,
        scenario.planned,
    ).sum(axis=-1)
    supply_rate = (scenario.supply + scenario.planned).sum(axis=1) / scenario.population * 10_000
    return _ranks(_metric(order, need, missing, scenario.population, supply_rate))


def rank_summary(ranked: np.ndarray, top: int = TOP) -> pd.DataFrame:
    """Per territory: rank with the chosen parameters, 5–95 % interval, extremes, share of draws in the top."""
    low, high = ROBUST_QUANTILES
    known = np.isfinite(ranked)
    with np.errstate(invalid="ignore"):
        in_top = np.where(known, ranked <= top, False).sum(axis=0) / np.maximum(known.sum(axis=0), 1)
    frame = pd.DataFrame(ranked)
    return pd.DataFrame(
        {
            "rank": ranked[0],
            "rank_low": frame.quantile(low).to_numpy(),
            "rank_high": frame.quantile(high).to_numpy(),
            "rank_min": frame.min().to_numpy(),
            "rank_max": frame.max().to_numpy(),
            "top_share": np.where(np.isfinite(ranked[0]), in_top, np.nan),
        }
    )


def robust_top(rank_high: float, top: int = TOP) -> bool:
    """« Dans les 10 premiers » is said only when 95 % of the draws keep the territory there."""
    return bool(np.isfinite(rank_high) and rank_high <= top)


def weights_text(weights: Iterable[tuple[str, float]]) -> str:
    """`indicator:weight` pairs of the positive weights, for the URL (1.0 written 1)."""
    return ",".join(f"{indicator}:{weight:g}" for indicator, weight in weights if weight > 0)
