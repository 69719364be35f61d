"""Needs analysis read from the store: the candidates' values and coverage per EPCI, supply in places by
family (with the DREES × FINESS computation written by the build), reference rates, and `analyse`, which
returns everything /classement, the fiche, the map, the slides and the API show for one set of parameters.

Still pure: functions of the read-only store and of the parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd

from dashboard.core import catalogue, formatting
from dashboard.core.levels import FRANCE_CODE, LEVEL_DEPARTEMENT, LEVEL_EPCI, LEVEL_FRANCE, LEVEL_REGION
from dashboard.core.perimeter import perimeter
from dashboard.core.store import Store
from dashboard.needs import model as needs
from dashboard.needs.projects import Project, planned_places, project_choices

SCORE_INDICATOR = "score_besoin"
SCORE_LABEL = "Indice de besoin (estimation)"
SCORE_UNIT = "points sur 100"
SUPPLY_INDICATOR = "places_residence_sociale_pour_10000"
SUPPLY_TOTAL = "places_residence_sociale"
POPULATION_INDICATOR = "population"
REFERENCES = {"france": "taux national", "region": "taux régional", "cible": "objectif saisi"}
DEFAULT_REFERENCE = "france"
#: A coverage under this is shown (it would read « 100 % » once rounded otherwise).
PARTIAL_BELOW = 0.995


# --- Store lookups ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One value of the store with what a reader needs to check it."""

    value: float | None
    coverage: float | None
    detail: str | None
    source: str

    @property
    def partial(self) -> bool:
        return self.coverage is not None and self.coverage < PARTIAL_BELOW


def _first_text(values: Iterable) -> str:
    for value in values:
        if isinstance(value, str) and value:
            return value
    return ""


def _says_vintage(source: str, vintage: str) -> bool:
    """Whether every date of `vintage` (2021, 08/01/2021, 2013–2018) is already written in `source`."""
    dates = re.findall(r"\d[\d/–-]*\d", vintage)
    return bool(dates) and all(date in source for date in dates)


def source_of(store: Store, indicator: str, level: str = LEVEL_EPCI) -> str:
    """« source (vintage) » of an indicator at a level (or at the département level when inherited)."""
    for where in (level, LEVEL_DEPARTEMENT, LEVEL_REGION):
        rows = catalogue.rows_of(store, indicator, where)
        source = _first_text(rows["source"].to_numpy()) if "source" in rows else ""
        if source:
            vintage = _first_text(rows["vintage"].to_numpy()) if "vintage" in rows else ""
            return f"{source} ({vintage})" if vintage and not _says_vintage(source, vintage) else source
    return ""


def lookup(store: Store, indicator: str, level: str, code: str) -> Value:
    """A value with its coverage, detail and source (value None when missing)."""
    rows = catalogue.rows_of(store, indicator, level)
    source = source_of(store, indicator, level)
    if code not in rows.index:
        return Value(None, None, None, source)
    row = rows.loc[code]
    value = float(row["value"]) if pd.notna(row["value"]) else None
    coverage = float(row["coverage"]) if pd.notna(row.get("coverage")) else None
    detail = row.get("detail") if isinstance(row.get("detail"), str) and row.get("detail") else None
    return Value(value, coverage, detail, source)


def value_of(store: Store, indicator: str, level: str, code: str) -> float | None:
    """One value of the store, or None when missing."""
    return lookup(store, indicator, level, code).value


# --- Supply in places ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupplyFamily:
    """A family of résidences sociales and its estimated places per establishment (DREES ÷ FINESS)."""

    key: str
    label: str
    type_labels: tuple[str, ...]
    figure_label: str
    publication: str
    reference_date: str
    places: float
    establishments: float
    per_establishment: float | None

    @property
    def places_indicator(self) -> str:
        return f"places_{self.key}"

    @property
    def rate_indicator(self) -> str:
        return f"places_{self.key}_pour_10000"


@dataclass(frozen=True)
class Supply:
    """The build's places computation: résidence families, shelter families, spread of the averages."""

    families: tuple[SupplyFamily, ...]
    shelters: tuple[SupplyFamily, ...]
    spread: float | None
    region_name: str

    @property
    def available(self) -> bool:
        return bool(self.families) and all(family.per_establishment for family in self.families)

    @property
    def keys(self) -> list[str]:
        return [family.key for family in self.families]


def _family(record: Mapping) -> SupplyFamily:
    return SupplyFamily(
        key=str(record["key"]),
        label=str(record["label"]),
        type_labels=tuple(record.get("type_labels") or ()),
        figure_label=str(record.get("figure_label") or ""),
        publication=str(record.get("publication") or ""),
        reference_date=str(record.get("reference_date") or ""),
        places=float(record["places"]),
        establishments=float(record["establishments"]),
        per_establishment=float(record["per_establishment"]) if record.get("per_establishment") else None,
    )


def supply_of(store: Store) -> Supply:
    """The supply families and their places per establishment, as the build computed them."""
    computed = store.catalogue.get("supply_places") or {}
    return Supply(
        families=tuple(_family(record) for record in computed.get("residences", [])),
        shelters=tuple(_family(record) for record in computed.get("hebergement", [])),
        spread=computed.get("relative_spread"),
        region_name=str(computed.get("region") or ""),
    )


# --- Inputs of the analysis -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedsInputs:
    """The EPCIs of the map (GeoJSON order) and everything the analysis reads about them."""

    territories: pd.DataFrame  # index: SIREN; name, kind, departement_code, population, straddles
    values: pd.DataFrame  # index: SIREN; one column per candidate (NaN = missing)
    coverage: pd.DataFrame  # same shape: share of the population each value covers
    directions: Mapping[str, int]
    entries: Mapping[str, Mapping]
    sources: Mapping[str, str]  # indicator → « source (vintage) »
    supply: Supply
    supply_places: pd.DataFrame  # index: SIREN; one column per family key (estimated places)
    departement_names: Mapping[str, str]

    def label(self, indicator: str) -> str:
        return str(self.entries.get(indicator, {}).get("label", indicator))


def _inherit(values: Mapping[str, float], parents: pd.Series) -> pd.Series:
    """Each territory takes the value of its parent (département value for each EPCI); NaN when unknown."""
    return parents.map(lambda code: values.get(code, np.nan) if isinstance(code, str) else np.nan).astype(float)


def needs_inputs(store: Store) -> NeedsInputs:
    """Candidate values per EPCI (inherited from the département where the source is departmental), read once
    per loaded store."""
    return store.derived("needs_inputs", read_inputs)


def read_inputs(store: Store) -> NeedsInputs:
    """The inputs of the analysis, read from the store (treat the frames as read-only)."""
    features = store.display[LEVEL_EPCI].features
    territories = features.set_index("code")[["name", "kind", "departement_code", "population"]]
    epci = store.territories[store.territories["level"] == LEVEL_EPCI].set_index("code")
    straddles = epci["straddles_region"] if "straddles_region" in epci else pd.Series(False, index=epci.index)
    territories = territories.assign(straddles=straddles.reindex(territories.index).fillna(False).astype(bool))
    entries = catalogue.indicator_entries(store)
    built = set(catalogue.available_indicators(store))
    values, coverage = {}, {}
    for candidate in needs.CANDIDATES:
        if candidate.inherited:
            rows = catalogue.rows_of(store, candidate.indicator, LEVEL_DEPARTEMENT)
            values[candidate.indicator] = _inherit(rows["value"].dropna().to_dict(), territories["departement_code"])
            coverage[candidate.indicator] = pd.Series(1.0, index=territories.index)
        else:
            rows = catalogue.rows_of(store, candidate.indicator, LEVEL_EPCI)
            values[candidate.indicator] = rows["value"].reindex(territories.index).astype(float)
            coverage[candidate.indicator] = rows["coverage"].reindex(territories.index).astype(float).fillna(1.0)
    supply = supply_of(store)
    supply_places = pd.DataFrame(
        {
            family.key: catalogue.rows_of(store, family.places_indicator, LEVEL_EPCI)["value"]
            .reindex(territories.index)
            .astype(float)
            for family in supply.families
        },
        index=territories.index,
    )
    departements = store.territories[store.territories["level"] == LEVEL_DEPARTEMENT]
    return NeedsInputs(
        territories=territories,
        values=pd.DataFrame(values, index=territories.index),
        coverage=pd.DataFrame(coverage, index=territories.index),
        # A candidate without values in this build (places of a région without DREES figures) has no direction:
        # it stays out of the index instead of being missing for every EPCI.
        directions={key: int(entries.get(key, {}).get("direction") or 0) if key in built else 0 for key in values},
        entries=entries,
        sources={candidate.indicator: source_of(store, candidate.indicator) for candidate in needs.CANDIDATES},
        supply=supply,
        supply_places=supply_places,
        departement_names=dict(zip(departements["code"], departements["name"].astype(str), strict=True)),
    )


# --- References -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """Places per 10,000 inhabitants to compare with, per family."""

    key: str
    per_family: Mapping[str, float]
    label: str  # « taux national (16,5 places pour 10 000 habitants) »
    source: str
    scales: bool  # counted in estimated places, so it moves with the places per establishment

    @property
    def total(self) -> float | None:
        values = list(self.per_family.values())
        return float(sum(values)) if values and all(np.isfinite(values)) else None

    @property
    def available(self) -> bool:
        return self.total is not None


def _rates(store: Store, supply: Supply, level: str, code: str) -> dict[str, float]:
    rates = {}
    for family in supply.families:
        value = value_of(store, family.rate_indicator, level, code)
        rates[family.key] = value if value is not None else float("nan")
    return rates


def rate_text(value: float | None) -> str:
    """« 16,5 places pour 10 000 habitants », or « non disponible »."""
    if value is None or not np.isfinite(value):
        return "non disponible"
    return f"{formatting.format_number(value, 1)} places pour 10 000 habitants"


def reference(store: Store, supply: Supply, key: str, target: float | None = None) -> Reference:
    """France (default), région or a typed target (split between families in the France proportions). A France
    build has no single regional rate: the national one stands for « région » there, and says so in its label."""
    source = source_of(store, SUPPLY_INDICATOR, LEVEL_FRANCE)
    france = _rates(store, supply, LEVEL_FRANCE, FRANCE_CODE)
    if key == "cible" and target is not None and np.isfinite(target) and target >= 0:
        total = sum(france.values())
        shares = {family: rate / total for family, rate in france.items()} if total and np.isfinite(total) else {}
        if not shares:
            return Reference("cible", {}, "objectif saisi (non réparti : taux national indisponible)", "", False)
        per_family = {family: target * share for family, share in shares.items()}
        label = (
            f"objectif saisi ({rate_text(target)}, réparti entre familles comme l'offre nationale)"
            if target
            else "objectif saisi (0 place)"
        )
        return Reference("cible", per_family, label, source, False)
    if key == "region" and not perimeter(store).is_france:
        rates = _rates(store, supply, LEVEL_REGION, perimeter(store).code)
        return Reference("region", rates, f"taux régional ({rate_text(sum(rates.values()))})", source, True)
    return Reference("france", france, f"taux national ({rate_text(sum(france.values()))})", source, True)


# --- The analysis -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameters:
    """What the user chose (parsed and checked by needs_state)."""

    weights: tuple[tuple[str, float], ...]
    normalisation: str = "rang"
    reference: str = DEFAULT_REFERENCE
    target: float | None = None
    include_partial: bool = False
    order: str = "places"
    projects: tuple[Project, ...] = ()  # planned residences (« Projet envisagé »)


@dataclass(frozen=True)
class Analysis:
    """Need index, supply, priority, gap and robustness of every EPCI for one set of parameters."""

    inputs: NeedsInputs
    parameters: Parameters
    components: tuple[needs.Component, ...]
    index: needs.NeedIndex
    masked: pd.DataFrame  # True where a partial value was left out (coverage under needs.MIN_COVERAGE)
    reference: Reference
    table: pd.DataFrame
    family_gaps: Mapping[str, pd.DataFrame]  # family key → gap, low, high (places)
    total_gap: tuple[float, float, float]  # the région's gap: central, low, high (places)
    mean_need: float
    draws: int
    planned: pd.DataFrame  # places of the planned residences per EPCI and family (0 without projects)

    def family_supply(self, code: str, family: str) -> float:
        """Estimated places of a family in an EPCI, planned residences included."""
        return float(self.inputs.supply_places.at[code, family] + self.planned.at[code, family])

    @cached_property
    def ranked(self) -> int:
        """How many EPCIs have a rank (read once per table row of the ranking: counted once)."""
        return int(self.table["rank"].notna().sum())

    def order(self, codes: Iterable[str]) -> list[str]:
        """Codes by rank (unranked last), ties by name."""
        frame = self.table.loc[list(codes), ["rank"]].join(self.inputs.territories["name"])
        frame = frame.assign(_missing=frame["rank"].isna())
        return list(frame.sort_values(["_missing", "rank", "name"], kind="stable").index)


def masked_values(inputs: NeedsInputs, chosen: Iterable[needs.Component], include_partial: bool) -> pd.DataFrame:
    """Cells of chosen components whose value covers under MIN_COVERAGE of the population (left out by default)."""
    keys = [component.indicator for component in chosen]
    partial = (inputs.coverage[keys] < needs.MIN_COVERAGE) & inputs.values[keys].notna()
    return partial & (not include_partial)


@dataclass(frozen=True)
class PlacesArrays:
    """What the places computation works on: one row per EPCI, one column per résidence family."""

    families: list[str]
    need: np.ndarray
    population: np.ndarray
    supply: np.ndarray  # estimated places
    rates: np.ndarray  # reference rate per family
    planned: np.ndarray  # places of planned residences (exact)


def places_arrays(
    inputs: NeedsInputs, index: needs.NeedIndex, ref: Reference, planned: np.ndarray | None = None
) -> PlacesArrays:
    """The arrays of the places computation for this index and reference (and planned places, (n, F))."""
    families = inputs.supply.keys
    population = inputs.territories["population"].astype(float).to_numpy()
    return PlacesArrays(
        families=families,
        need=index.value.to_numpy(dtype=float),
        population=population,
        supply=inputs.supply_places[families].to_numpy(dtype=float) if families else np.zeros((len(population), 0)),
        rates=np.array([ref.per_family.get(key, np.nan) for key in families], dtype=float),
        planned=np.zeros((len(population), len(families))) if planned is None else planned,
    )


def gaps(
    arrays: PlacesArrays, ref: Reference, spread: float | None, codes: pd.Index
) -> tuple[dict[str, np.ndarray], dict[str, pd.DataFrame], tuple[float, float, float]]:
    """The gap to the reference: per EPCI (central, low, high: columns of the table), per family, for the région."""
    low, high = needs.size_range(spread)
    central, lower, upper = (
        needs.gap(arrays.supply, arrays.population, arrays.rates, factor, ref.scales, arrays.planned)
        for factor in (1.0, low, high)
    )
    floor, ceiling = np.minimum(lower, upper), np.maximum(lower, upper)
    family_gaps = {
        key: pd.DataFrame({"gap": central[:, at], "low": floor[:, at], "high": ceiling[:, at]}, index=codes)
        for at, key in enumerate(arrays.families)
    }
    columns = {
        "gap_places": central.sum(axis=1),
        "gap_low": np.minimum(lower.sum(axis=1), upper.sum(axis=1)),
        "gap_high": np.maximum(lower.sum(axis=1), upper.sum(axis=1)),
    }
    ends = sorted((float(np.nansum(lower)), float(np.nansum(upper))))
    return columns, family_gaps, (float(np.nansum(central)), ends[0], ends[1])


def places_table(
    inputs: NeedsInputs, index: needs.NeedIndex, masked: pd.DataFrame, ref: Reference, arrays: PlacesArrays
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], tuple[float, float, float]]:
    """Need, supply, expected supply, shortfall and gap per EPCI; the gap per family and for the région."""
    table = pd.DataFrame(index=inputs.territories.index)
    table["need"] = arrays.need
    table["n_missing"] = index.missing.to_numpy()
    table["n_masked"] = masked.sum(axis=1).to_numpy()
    table["planned_places"] = arrays.planned.sum(axis=1)
    table["supply_places"] = (arrays.supply + arrays.planned).sum(axis=1) if arrays.families else np.nan
    table["supply_rate"] = table["supply_places"] / arrays.population * 10_000
    family_gaps: dict[str, pd.DataFrame] = {}
    total_gap = (float("nan"),) * 3
    if inputs.supply.available and ref.available:
        missing = needs.shortfall(
            arrays.need, arrays.population, arrays.supply, arrays.rates, 1.0, ref.scales, arrays.planned
        )
        table["shortfall_places"] = missing.sum(axis=1)
        table["expected_places"] = table["supply_places"] + table["shortfall_places"]
        columns, family_gaps, total_gap = gaps(arrays, ref, inputs.supply.spread, table.index)
        table = table.assign(**columns)
    else:
        for column in ("shortfall_places", "expected_places", "gap_places", "gap_low", "gap_high"):
            table[column] = np.nan
    table["shortfall_rate"] = table["shortfall_places"] / arrays.population * 10_000
    table["expected_rate"] = table["expected_places"] / arrays.population * 10_000
    return table, family_gaps, total_gap


def analyse(store: Store, parameters: Parameters, draws: int = needs.DRAWS, seed: int = needs.SEED) -> Analysis:
    """The whole analysis for one set of parameters (pure: same store and parameters, same result)."""
    inputs = needs_inputs(store)
    if not inputs.supply.available:
        # Without places (no DREES figures for the built région), only the need index can order the EPCIs.
        parameters = replace(parameters, order=needs.NEED_ORDER)
    chosen = needs.components(dict(parameters.weights), inputs.directions)
    if not chosen:
        raise ValueError("aucun indicateur du besoin n'a de poids positif")
    masked = masked_values(inputs, chosen, parameters.include_partial)
    keys = [component.indicator for component in chosen]
    values = inputs.values.copy()
    values[keys] = values[keys].mask(masked)
    index = needs.need_index(values, chosen, parameters.normalisation)
    ref = reference(store, inputs.supply, parameters.reference, parameters.target)
    planned = (
        planned_places(parameters.projects, project_choices(store), inputs.territories.index, inputs.supply.keys)
        if parameters.projects
        else None
    )
    arrays = places_arrays(inputs, index, ref, planned)
    table, family_gaps, total_gap = places_table(inputs, index, masked, ref, arrays)
    scenario = needs.Scenario(
        oriented=index.oriented.to_numpy(dtype=float),
        coverage=inputs.coverage[keys].where(~masked).to_numpy(dtype=float),
        weights=np.array([component.weight for component in chosen]),
        population=arrays.population,
        supply=arrays.supply,
        reference=arrays.rates,
        reference_scales=ref.scales,
        spread=inputs.supply.spread,
        planned=arrays.planned,
    )
    summary = needs.rank_summary(needs.draws(scenario, parameters.order, draws, seed))
    table = table.join(summary.set_axis(table.index))
    if not inputs.supply.available:
        table["priority_rank"] = np.nan
    elif parameters.order == "places":
        table["priority_rank"] = table["rank"]
    else:
        table["priority_rank"] = needs.draws(scenario, "places", 1, seed)[0]
    return Analysis(
        inputs=inputs,
        parameters=parameters,
        components=chosen,
        index=index,
        masked=masked,
        reference=ref,
        table=table,
        family_gaps=family_gaps,
        total_gap=total_gap,
        mean_need=float(needs.population_mean(arrays.need, arrays.population)),
        draws=draws,
        planned=pd.DataFrame(arrays.planned, index=table.index, columns=arrays.families),
    )
