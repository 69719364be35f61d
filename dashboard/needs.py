"""Needs analysis, as pure functions: composite needs score, its robustness to the weights,
estimated supply gap and the sentences that argue a territory's case.

Everything here is an *estimate* computed from the store's indicators with parameters the
user chooses; the interface labels it so and shows the method.
"""

from __future__ import annotations

import re
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
RANK_DECIMALS = 9


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
    """Rank 1 = highest need; territories without a score get no rank.

    Scores are rounded (RANK_DECIMALS) first, so that exact ties stay ties whatever the order of the
    floating-point operations (the same rounding is applied in `rank_intervals`).
    """
    return scores.round(RANK_DECIMALS).rank(ascending=False, method="min")


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
    if draws:  # the first draw is the chosen weights, so the chosen rank lies within [rank_min, rank_max]
        factors[0] = 1.0
    weights = factors * base_weights
    numerators = filled @ weights.T
    denominators = present.astype(float) @ weights.T
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = numerators / denominators
    ranked = pd.DataFrame(np.round(scores * 100, RANK_DECIMALS), index=wide.index).rank(ascending=False, method="min")
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
    decimals: int = 1


def _with_unit(value: float, unit: str, decimals: int) -> str:
    """« 21,3 % » (narrow no-break space before %), « 19 870 € par an »."""
    number = format_number(value, decimals)
    if not unit:
        return number
    return f"{number}\u202f{unit}" if unit.startswith("%") else f"{number} {unit}"


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
    approx = ", approximation" if local.approximation else ""
    sentence = (
        f"{local.label} ({_with_unit(local.value, local.unit, local.decimals)}, {local.source}{approx}) {verb} "
        f"{reference_name} ({_with_unit(reference.value, reference.unit or local.unit, local.decimals)})."
    )
    return sentence[0].upper() + sentence[1:]


# --- From the store: the score's candidate indicators, the ranking of the EPCIs, the supply gap ---------
#
# Still pure: functions of the (read-only) store and of the parameters the user chose.

SCORE_INDICATOR = "score_besoin"
SCORE_LABEL = "Score de besoin (estimation)"
SCORE_UNIT = "points sur 100"
#: Anchor of the method section on the sources page (/sources#methode-besoins).
METHOD_ANCHOR = "methode-besoins"
METHOD_PATH = f"/sources#{METHOD_ANCHOR}"
DRAWS = 500
SEED = 2024
WEIGHT_MAX = 3.0
LEVEL_EPCI = "epci"
LEVEL_DEPARTEMENT = "departement"
LEVEL_REGION = "region"
LEVEL_FRANCE = "france"
REGION_CODE = "32"
FRANCE_CODE = "FR"
#: A territory whose rank never leaves the top ROBUST_TOP under any weights drawn is a strong case.
ROBUST_TOP = 10

GROUPS = {
    "precarite": "Précarité sociale",
    "pression": "Pression sur le logement",
    "hebergement": "Sans-abrisme et hébergement",
    "offre": "Offre existante de logement accompagné",
}


@dataclass(frozen=True)
class Candidate:
    """An indicator the user can put in the score, its orientation and why it says something about need."""

    indicator: str
    direction: int
    group: str
    reason: str
    #: Published by département only: each EPCI takes its département's value (labelled so).
    inherited: bool = False


CANDIDATES: tuple[Candidate, ...] = (
    Candidate(
        "taux_pauvrete",
        1,
        "precarite",
        "Plus de personnes sous le seuil de pauvreté : plus de ménages susceptibles d'avoir besoin d'un logement "
        "accompagné à faible redevance.",
    ),
    Candidate(
        "revenu_median", -1, "precarite", "Un niveau de vie médian plus bas signale des ressources plus faibles."
    ),
    Candidate(
        "taux_chomage", 1, "precarite", "Plus de chômage : plus de personnes aux ressources précaires ou instables."
    ),
    Candidate(
        "taux_vacance",
        -1,
        "pression",
        "Moins de logements vacants : marché plus tendu, accès au logement plus difficile pour les ménages modestes.",
    ),
    Candidate(
        "evolution_population",
        1,
        "pression",
        "Une population qui augmente accroît la demande de logements.",
    ),
    Candidate(
        "hebergement_pour_10000",
        1,
        "hebergement",
        "Des centres d'hébergement (CHRS, urgence, CADA…) signalent des personnes sans logement, qu'une résidence "
        "sociale peut accueillir à la sortie de l'hébergement. Le nombre de places et les demandes au 115 ne sont "
        "pas publiés en données ouvertes : c'est la présence d'établissements qui est comptée.",
    ),
    Candidate(
        "lda_atteinte_cible",
        -1,
        "hebergement",
        "Un objectif de relogement des personnes sans domicile moins atteint signale des besoins non couverts. "
        "Baromètre publié par département seulement : chaque EPCI prend la valeur de son département.",
        inherited=True,
    ),
    Candidate(
        "residence_sociale_pour_10000",
        -1,
        "offre",
        "Plus de résidences sociales déjà présentes (rapportées à la population) : besoin moins marqué.",
    ),
    Candidate(
        "pension_de_famille_pour_10000",
        -1,
        "offre",
        "Plus de pensions de famille déjà présentes : besoin moins marqué pour les personnes isolées en grande "
        "exclusion.",
    ),
    Candidate(
        "fjt_pour_10000",
        -1,
        "offre",
        "Plus de foyers de jeunes travailleurs déjà présents : besoin moins marqué pour les jeunes actifs.",
    ),
)
CANDIDATE_BY_ID = {candidate.indicator: candidate for candidate in CANDIDATES}
DEFAULT_WEIGHTS = {component.indicator: component.weight for component in DEFAULT_COMPONENTS}


def default_weight(indicator: str) -> float:
    return float(DEFAULT_WEIGHTS.get(indicator, 0.0))


def components_from_weights(weights: Mapping[str, float]) -> tuple[Component, ...]:
    """The score's components: candidates with a positive weight, oriented by their direction."""
    return tuple(
        Component(candidate.indicator, float(weights[candidate.indicator]), candidate.direction)
        for candidate in CANDIDATES
        if weights.get(candidate.indicator, 0) > 0
    )


def inherit(values: Mapping[str, float], parents: pd.Series) -> pd.Series:
    """Each territory takes the value of its parent (département value for each EPCI); NaN when unknown."""
    return parents.map(lambda code: values.get(code, np.nan) if isinstance(code, str) else np.nan).astype(float)


@dataclass(frozen=True)
class NeedsInputs:
    """The EPCIs of the map (GeoJSON order) and the raw values of every candidate indicator."""

    territories: pd.DataFrame  # index: SIREN; name, kind, departement_code, population
    values: pd.DataFrame  # index: SIREN; one column per candidate (NaN = missing)
    entries: Mapping[str, Mapping]
    sources: Mapping[str, str]  # indicator → « source (vintage) »
    departement_names: Mapping[str, str]

    def label(self, indicator: str) -> str:
        return str(self.entries.get(indicator, {}).get("label", indicator))


def _rows(store, indicator: str, level: str) -> pd.DataFrame:
    """The store's rows of one indicator at one level, indexed by code (maybe empty)."""
    if store.indicator_rows:
        rows = store.indicator_rows.get((indicator, level))
        return rows if rows is not None else store.indicators.iloc[:0].set_index("code")
    table = store.indicators
    selected = table[(table["indicator"] == indicator) & (table["level"] == level)]
    return selected.drop_duplicates("code").set_index("code")


def _first_text(values: Iterable) -> str:
    for value in values:
        if isinstance(value, str) and value:
            return value
    return ""


def value_of(store, indicator: str, level: str, code: str) -> float | None:
    """One value of the store, or None when missing."""
    rows = _rows(store, indicator, level)
    if code not in rows.index:
        return None
    value = rows.at[code, "value"]
    return float(value) if pd.notna(value) else None


def _says_vintage(source: str, vintage: str) -> bool:
    """Whether every date of `vintage` (2021, 08/01/2021, 2013–2018) is already written in `source`."""
    dates = re.findall(r"\d[\d/–-]*\d", vintage)
    return bool(dates) and all(date in source for date in dates)


def source_of(store, indicator: str, level: str = LEVEL_EPCI) -> str:
    """« source (vintage) » of an indicator at a level (or at the département level when inherited)."""
    for where in (level, LEVEL_DEPARTEMENT, LEVEL_REGION):
        rows = _rows(store, indicator, where)
        source = _first_text(rows["source"].to_numpy()) if "source" in rows else ""
        if source:  # one source per indicator and level
            vintage_text = _first_text(rows["vintage"].to_numpy()) if "vintage" in rows else ""
            return f"{source} ({vintage_text})" if vintage_text and not _says_vintage(source, vintage_text) else source
    return ""


def needs_inputs(store) -> NeedsInputs:
    """Candidate values per EPCI (inherited from the département where the source is departmental)."""
    features = store.display[LEVEL_EPCI].features
    territories = features.set_index("code")[["name", "kind", "departement_code", "population"]]
    entries = {entry["id"]: entry for entry in store.catalogue.get("indicators", [])}
    columns = {}
    for candidate in CANDIDATES:
        if candidate.inherited:
            departements = _rows(store, candidate.indicator, LEVEL_DEPARTEMENT)["value"].dropna().to_dict()
            columns[candidate.indicator] = inherit(departements, territories["departement_code"])
        else:
            rows = _rows(store, candidate.indicator, LEVEL_EPCI)
            columns[candidate.indicator] = rows["value"].reindex(territories.index).astype(float)
    departements = store.territories[store.territories["level"] == LEVEL_DEPARTEMENT]
    return NeedsInputs(
        territories=territories,
        values=pd.DataFrame(columns, index=territories.index),
        entries=entries,
        sources={candidate.indicator: source_of(store, candidate.indicator) for candidate in CANDIDATES},
        departement_names=dict(zip(departements["code"], departements["name"].astype(str), strict=True)),
    )


@dataclass(frozen=True)
class Ranking:
    """Score, contributions, missing components and rank intervals of every EPCI."""

    components: tuple[Component, ...]
    method: str
    table: pd.DataFrame  # score, n_missing, rank, rank_low, rank_high, rank_min, rank_max
    contributions: pd.DataFrame  # score points per component (NaN when missing)
    draws: int

    @property
    def scored(self) -> int:
        return int(self.table["score"].notna().sum())


def ranking(
    inputs: NeedsInputs,
    components: Iterable[Component],
    method: str = "rang",
    draws: int = DRAWS,
    seed: int = SEED,
) -> Ranking:
    components = tuple(component for component in components if component.weight > 0)
    if not components:
        raise ValueError("aucun indicateur n'a de poids positif")
    total, contributions, missing = score(inputs.values, components, method)
    intervals = rank_intervals(inputs.values, components, draws=draws, seed=seed, method=method)
    table = pd.concat([total.rename("score"), missing.rename("n_missing"), intervals], axis=1)
    return Ranking(components, method, table, contributions, draws)


def robustness(rank: float, rank_max: float, rank_min: float, count: int, top: int = ROBUST_TOP) -> str:
    """What the rank interval says, in a few French words (the method page explains the rule)."""
    if not np.isfinite(rank):
        return "non classé (aucun indicateur renseigné)"
    if rank_max <= top:
        return f"cas solide : toujours dans les {top} premiers"
    if rank_min <= top:
        return f"dans les {top} premiers selon les poids"
    if rank_max - rank_min <= max(3, count // 20):
        return "rang stable"
    return "rang sensible aux poids"


def format_weight(weight: float) -> str:
    """1 → « 1 », 0.5 → « 0,5 », 1.25 → « 1,25 »."""
    text = format_number(weight, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


RANKING_PATH = "/classement"


def weights_text(weights: Iterable[tuple[str, float]]) -> str:
    """`indicator:weight` pairs of the positive weights, for the URL (1.0 written 1)."""
    return ",".join(f"{indicator}:{weight:g}" for indicator, weight in weights if weight > 0)


def score_entry(weights: Mapping[str, float], inputs: NeedsInputs | None = None, method: str = "rang") -> dict:
    """A catalogue-like entry for the score pseudo-indicator (map explorer)."""
    used = [
        f"{inputs.label(c.indicator) if inputs else c.indicator} ({format_weight(c.weight)})"
        for c in components_from_weights(weights)
    ]
    return {
        "id": SCORE_INDICATOR,
        "label": SCORE_LABEL,
        "unit": SCORE_UNIT,
        "direction": 1,
        "method": "score",
        "theme": "besoins",
        "definition": (
            "Estimation : moyenne pondérée d'indicateurs rangés entre 0 et 1 dans la région et orientés dans le sens "
            "du besoin (100 = besoin le plus marqué). Indicateurs (poids) : " + ", ".join(used) + "."
        ),
        "note": "Calculé par EPCI seulement, avec les poids de l'adresse ; réglez-les sur la page Classement.",
        "levels": [LEVEL_EPCI],
        "settings_href": f"{RANKING_PATH}?poids={weights_text(weights.items())}&normalisation={method}",
    }


def score_level_values(store, weights: Mapping[str, float], method: str = "rang"):
    """The score as map values (maps.LevelValues) of the EPCI level, in the GeoJSON's feature order."""
    from dashboard import maps  # maps does not import this module

    inputs = needs_inputs(store)
    components = components_from_weights(weights)
    total = score(inputs.values, components, method)[0] if components else pd.Series(np.nan, index=inputs.values.index)
    values = total.to_numpy(dtype=float)
    sources = sorted({inputs.sources[c.indicator] for c in components if inputs.sources.get(c.indicator)})
    return maps.LevelValues(
        level=LEVEL_EPCI,
        entry=score_entry(weights, inputs, method),
        codes=list(inputs.territories.index),
        names=inputs.territories["name"].astype(str).tolist(),
        values=values,
        coverage=np.ones(len(values)),
        ranks=maps.ranks_of(values),
        source="estimation à partir de " + " ; ".join(sources) if sources else "estimation",
        vintage="",
        region_value=None,
        region_coverage=None,
    )


# --- Supply gap -----------------------------------------------------------------------------------

COMPARISONS = {
    "region": "taux régional",
    "france": "taux national",
    "cible": "objectif saisi",
}
EXISTING_INDICATOR = "nb_residence_sociale"
RATE_INDICATOR = "residence_sociale_pour_10000"
POPULATION_INDICATOR = "population"
#: DREES places (reference figures) and the FINESS types they cover.
PLACES_GROUPS = (
    ("drees_places_pensions_famille_hdf_2021", ("pension_de_famille", "residence_accueil")),
    ("drees_places_autres_rs_hdf_2021", ("generaliste",)),
    ("drees_places_fjt_hdf_2021", ("fjt",)),
)


@dataclass(frozen=True)
class ReferenceRate:
    key: str
    value: float | None
    label: str  # « taux régional (0,40 résidence pour 10 000 habitants) »
    source: str


def reference_rate(store, comparison: str, target: float | None = None) -> ReferenceRate:
    """Residences sociales per 10,000 inhabitants to compare with: région, France or a typed target."""
    if comparison == "cible":
        if target is None or not np.isfinite(target) or target < 0:
            return ReferenceRate("cible", None, "taux saisi (non renseigné)", "")
        return ReferenceRate("cible", float(target), f"taux saisi ({format_number(target, 2)} pour 10 000 hab.)", "")
    level, code = (LEVEL_FRANCE, FRANCE_CODE) if comparison == "france" else (LEVEL_REGION, REGION_CODE)
    value = value_of(store, RATE_INDICATOR, level, code)
    name = "taux national" if comparison == "france" else "taux régional"
    label = f"{name} ({format_number(value, 2)} pour 10 000 hab.)" if value is not None else f"{name} (non disponible)"
    return ReferenceRate(comparison, value, label, source_of(store, RATE_INDICATOR, level))


@dataclass(frozen=True)
class PlacesRow:
    label: str
    places: float
    types: tuple[str, ...]
    count: float
    per_residence: float | None


@dataclass(frozen=True)
class PlacesComputation:
    """Default places-per-residence assumption: DREES places in the région over FINESS counts, same types."""

    rows: tuple[PlacesRow, ...]
    value: float | None
    source: str
    excluded: tuple[str, ...]  # residence types without a published places figure


def default_places(store) -> PlacesComputation:
    figures = {record["id"]: record for record in store.catalogue.get("reference_figures", [])}
    labels = store.catalogue.get("residence_types", {}).get("labels", {})
    rows, places, counts = [], {}, {}
    for figure_id, kinds in PLACES_GROUPS:
        record = figures.get(figure_id)
        if record is None:
            continue
        count = sum(value_of(store, f"nb_{kind}", LEVEL_REGION, REGION_CODE) or 0.0 for kind in kinds)
        places[figure_id], counts[figure_id] = float(record["value"]), count
        rows.append(
            PlacesRow(
                label=str(record.get("label_fr") or figure_id),
                places=float(record["value"]),
                types=tuple(labels.get(kind, kind) for kind in kinds),
                count=count,
                per_residence=float(record["value"]) / count if count else None,
            )
        )
    try:
        value = places_per_residence(places, counts)
    except ValueError:
        value = None
    covered = {kind for _, kinds in PLACES_GROUPS for kind in kinds}
    typology = store.catalogue.get("residence_types", {}).get("residence_sociale", [])
    excluded = tuple(labels.get(kind, kind) for kind in typology if kind not in covered)
    publications = sorted({str(figures[f].get("publication") or f) for f, _ in PLACES_GROUPS if f in figures})
    finess = source_of(store, EXISTING_INDICATOR, LEVEL_REGION)
    return PlacesComputation(tuple(rows), value, " ; ".join([*publications, finess]), excluded)


def gap_table(store, inputs: NeedsInputs, rate: float | None, places: float | None) -> pd.DataFrame:
    """Existing résidences sociales, rate and estimated gap of every EPCI (NaN columns when no rate)."""
    existing = _rows(store, EXISTING_INDICATOR, LEVEL_EPCI)["value"].reindex(inputs.territories.index).astype(float)
    population = inputs.territories["population"].astype(float)
    if rate is None:
        frame = supply_gap(existing, population, 0.0)
        frame[["expected", "gap_residences", "gap_places"]] = np.nan
        return frame
    return supply_gap(existing, population, rate, places)
