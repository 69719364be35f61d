"""What each slide shows, built from a valid spec and the store (pure functions): title, body,
« Source : … » and millésime; the page (`dashboard.presentation.slide_views`) and the exports render them."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from dashboard.core import catalogue, formatting
from dashboard.core.catalogue import ROLE_TERRITORIES, citation_for, territory_row
from dashboard.core.levels import LEVEL_BY, LEVEL_DEPARTEMENT, LEVEL_EPCI, LEVEL_REGION, LEVELS
from dashboard.core.perimeter import perimeter, perimeter_adjective
from dashboard.core.store import Store
from dashboard.map.panel import indicator_figure
from dashboard.map.view import MapView, map_view
from dashboard.needs import analysis as needs_store
from dashboard.needs import model as needs
from dashboard.needs import state as needs_state
from dashboard.needs import views as needs_views
from dashboard.needs.arguments import Argument
from dashboard.needs.fiche import fiche_data
from dashboard.needs.projects import project_sentence
from dashboard.needs.scenario import RANK_ONLY, Change, changes, method_note, summary, what_if
from dashboard.presentation.specs import (
    DEFAULT_TOP,
    EXAMPLE_MAP_INDICATORS,
    KIND_COMPARISON,
    KIND_MAP,
    KIND_RANKING,
    KIND_SCENARIO,
    KIND_TERRITORY,
    MAX_ARGUMENTS,
    TERRITORY_FIGURES,
    DeckChoices,
    SlideSpec,
    default_weights,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RankingRow:
    rank: int
    code: str
    name: str
    shortfall: float  # places missing against the supply expected given the need (bar length)
    shortfall_text: str  # « +270 » (rounded to 5 places)
    need_text: str
    supply_text: str
    interval: str
    missing: int
    solid: bool


@dataclass(frozen=True)
class ComparisonRow:
    indicator: str
    label: str
    unit: str
    values: tuple[float | None, ...]
    texts: tuple[str, ...]
    region_value: float | None
    region_text: str
    direction: int
    note: str


@dataclass(frozen=True)
class SlideFigure:
    """A key figure of a territory slide: the number and its unit apart (the number is shown large)."""

    label: str
    number: str
    unit: str
    detail: str


def value_parts(value: float | None, entry: Mapping[str, Any]) -> tuple[str, str]:
    """(« 1,77 », « établissement pour 10 000 hab. »), or (« donnée non disponible », « »)."""
    if value is None or not math.isfinite(value):
        return formatting.MISSING_LABEL, ""
    unit = formatting.unit_for(value, entry.get("unit") or "")
    return formatting.format_number(value, formatting.value_decimals(entry)), unit


@dataclass(frozen=True)
class Slide:
    """What one slide shows. `kind`-specific content is in the optional fields."""

    spec: SlideSpec
    title: str
    subtitle: str
    sources: tuple[str, ...]
    vintages: tuple[str, ...]
    notes: tuple[str, ...] = ()
    view: MapView | None = None
    ranking: tuple[RankingRow, ...] = ()
    figures: tuple[SlideFigure, ...] = ()
    score_text: str = ""
    arguments: tuple[Argument, ...] = ()
    territories: tuple[str, ...] = ()
    comparison: tuple[ComparisonRow, ...] = ()
    #: A scenario slide: the planned residences, and the EPCI's figures before and after them.
    projects: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()
    #: The région of the data (its name), for the lines that name it.
    region: str = ""
    #: Why the slide could not be built (set by the page when the data does not allow it), else "".
    error: str = ""

    @property
    def source_line(self) -> str:
        return f"{'Sources' if len(self.sources) > 1 else 'Source'} : {' ; '.join(self.sources)}"

    @property
    def vintage_line(self) -> str:
        return f"{'Millésimes' if len(self.vintages) > 1 else 'Millésime'} : {' ; '.join(self.vintages)}"


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in items if item))


def _split(text: str) -> list[str]:
    return [part.strip() for part in str(text).split(";")]


def indicator_source(store: Store, indicator: str, level: str) -> tuple[list[str], list[str]]:
    """Source citations and vintages of an indicator's values at a level (the région's when none)."""
    rows = catalogue.rows_of(store, indicator, level)
    if rows.empty:
        rows = catalogue.rows_of(store, indicator, LEVEL_REGION)
    sources = [item for value in rows["source"].dropna().unique() for item in _split(value)] if len(rows) else []
    vintages = [item for value in rows["vintage"].dropna().unique() for item in _split(value)] if len(rows) else []
    return sources, vintages


def territory_source(store: Store) -> list[str]:
    citation = citation_for(store, ROLE_TERRITORIES)
    return [citation] if citation else []


def _entry(store: Store, indicator: str) -> dict[str, Any]:
    return catalogue.indicator_entries(store).get(indicator, {"id": indicator, "label": indicator, "unit": ""})


def map_slide(store: Store, spec: SlideSpec) -> Slide:
    computed = None
    parameters = needs_store.Parameters(weights=spec.weights or default_weights())
    if spec.indicator == needs_store.SCORE_INDICATOR:  # computed from the store with the slide's weights
        computed = needs_views.index_level_values(store, parameters)
    view = map_view(
        store, spec.indicator, spec.level, spec.scheme, spec.classes, spec.reference, computed, spec.palette
    )
    entry = view.entry
    if computed is not None:
        sources, vintages = score_sources(store, [indicator for indicator, weight in parameters.weights if weight > 0])
    else:
        sources, vintages = indicator_source(store, spec.indicator, spec.level)
    unit = entry.get("unit") or ""
    region = perimeter(store)
    subtitle = f"{LEVELS[spec.level]} {region.of_name}" + (f" — en {unit}" if unit else "")
    if view.values is not None and view.values.region_value is not None:
        subtitle += f" — {region.name} : {formatting.format_value(view.values.region_value, entry)}"
    notes = (
        tuple(view.legend.notes) if view.legend else ((view.unavailable_message,) if view.unavailable_message else ())
    )
    if computed is not None and entry.get("definition"):
        notes = (f"{entry['definition']} {entry.get('components', '')}".strip(), *notes)
    return Slide(
        spec=spec,
        title=f"{entry.get('label', spec.indicator)} {LEVEL_BY[spec.level]}",
        subtitle=subtitle,
        sources=_unique(sources),
        vintages=_unique(vintages),
        notes=notes,
        view=view,
    )


def interval_text(low: float, high: float) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return "–"
    low, high = int(low), int(high)
    return formatting.ordinal(low) if low == high else f"{formatting.ordinal(low)} à {formatting.ordinal(high)}"


def score_sources(store: Store, indicators: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    sources: list[str] = []
    vintages: list[str] = []
    for indicator in indicators:
        found, found_vintages = indicator_source(store, indicator, LEVEL_EPCI)
        if not found:
            found, found_vintages = indicator_source(store, indicator, LEVEL_DEPARTEMENT)
        sources += found
        vintages += found_vintages
    return _unique(sources), _unique(vintages)


def _ranking_rows(analysis: needs_store.Analysis, top: int) -> tuple[RankingRow, ...]:
    codes = [code for code in analysis.order(analysis.table.index) if math.isfinite(analysis.table.at[code, "rank"])]
    table = analysis.table.join(analysis.inputs.territories["name"].astype(str))
    return tuple(
        RankingRow(
            rank=int(row.rank),
            code=str(code),
            name=str(row.name),
            shortfall=float(row.shortfall_places),
            shortfall_text=needs_views.signed_places(row.shortfall_places),
            need_text=formatting.format_number(float(row.need), 0),
            supply_text=formatting.format_number(float(row.supply_rate), 1),
            interval=interval_text(row.rank_low, row.rank_high),
            missing=int(row.n_missing),
            solid=needs.robust_top(row.rank_high),
        )
        for code, row in zip(codes[:top], table.loc[codes[:top]].itertuples(), strict=True)
    )


def _ranking_notes(analysis: needs_store.Analysis, spec: SlideSpec, rows: Sequence[RankingRow]) -> tuple[str, ...]:
    chosen = " choisis" if spec.weights else " par défaut"
    used = ", ".join(
        f"{analysis.inputs.label(c.indicator)} ({needs_state.format_weight(c.weight)})" for c in analysis.components
    )
    notes = [
        f"Estimation. Priorité = places manquantes par rapport à l'offre attendue : {analysis.reference.label}, "
        f"ajusté à l'indice de besoin (moyenne {perimeter_adjective()} {formatting.format_number(analysis.mean_need, 0)}). Places "
        f"arrondies à 5. Indice de besoin (poids{chosen}) : {used}.",
        f"Rang pour 90 % des {analysis.draws} tirages (poids, couverture partielle et taille des établissements "
        f"perturbés) ; ✓ = dans les {needs.TOP} premiers pour au moins 95 % des tirages.",
    ]
    incomplete = sum(1 for row in rows if row.missing)
    if incomplete:
        notes.append(
            f"* Indicateur manquant ou partiel : écarté de l'indice du territoire, jamais compté à 0 "
            f"({incomplete} territoire{'s' if incomplete > 1 else ''} concerné{'s' if incomplete > 1 else ''})."
        )
    return tuple(notes)


def ranking_slide(store: Store, spec: SlideSpec) -> Slide:
    """The first N EPCI of the priority ranking, computed as on the ranking page (national reference)."""
    analysis = needs_store.analyse(store, needs_store.Parameters(weights=spec.weights or default_weights()))
    rows = _ranking_rows(analysis, spec.top)
    sources, vintages = score_sources(store, [c.indicator for c in analysis.components])
    supply_sources, supply_vintages = indicator_source(store, needs_store.SUPPLY_INDICATOR, LEVEL_EPCI)
    return Slide(
        spec=spec,
        title=f"Où manque-t-il le plus de places ? Les {spec.top} premiers EPCI",
        subtitle=f"Places manquantes au regard du besoin (estimation) — {analysis.ranked} EPCI {perimeter(store).of_name}",
        sources=_unique([*sources, *supply_sources]),
        vintages=_unique([*vintages, *supply_vintages]),
        notes=_ranking_notes(analysis, spec, rows),
        ranking=rows,
    )


def _value(store: Store, indicator: str, level: str, code: str) -> float | None:
    return needs_store.value_of(store, indicator, level, code)


def region_value(store: Store, indicator: str) -> float | None:
    frame = perimeter(store)
    return _value(store, indicator, frame.level, frame.code)


def slide_arguments(arguments: Sequence[Argument]) -> tuple[Argument, ...]:
    """The fiche's arguments that fit on a slide: those for a need first, in the fiche's order."""
    ordered = [item for item in arguments if item.supports] + [item for item in arguments if not item.supports]
    chosen: dict[str, Argument] = {}
    for item in ordered:  # one sentence per figure (the fiche compares each with the département and the région)
        chosen.setdefault(item.text.split(")")[0], item)
    return tuple(list(chosen.values())[:MAX_ARGUMENTS])


def _territory_figures(store: Store, code: str) -> tuple[list[SlideFigure], list[str], list[str]]:
    """The key figures of an EPCI that the data has, with their sources and vintages."""
    figures = []
    sources = territory_source(store)
    vintages: list[str] = []
    for indicator in TERRITORY_FIGURES:
        if LEVEL_EPCI not in catalogue.indicator_levels(store, indicator):
            continue
        figure = indicator_figure(store, indicator, LEVEL_EPCI, code)
        if figure is not None:
            number, unit = value_parts(_value(store, indicator, LEVEL_EPCI, code), _entry(store, indicator))
            figures.append(SlideFigure(figure.label, number, unit, figure.detail))
            found, found_vintages = indicator_source(store, indicator, LEVEL_EPCI)
            sources += found
            vintages += found_vintages
    return figures, sources, vintages


def _priority_text(row: pd.Series, ranked: int) -> str:
    """The territory's place in the priority ranking, or "" when it is not ranked."""
    if pd.isna(row["rank"]):
        return ""
    return (
        f"Priorité (estimation) : {formatting.ordinal(int(row['rank']))} sur {ranked} EPCI — "
        f"{needs_views.signed_places(row['shortfall_places'])} places au regard du besoin "
        f"(rang {interval_text(row['rank_low'], row['rank_high'])} pour 90 % des tirages) ; indice de besoin "
        f"{formatting.format_number(float(row['need']), 0)} sur 100, offre "
        f"{formatting.format_number(float(row['supply_rate']), 1)} places pour 10 000 habitants"
    )


def territory_slide(store: Store, spec: SlideSpec) -> Slide:
    """An EPCI's key figures, priority and arguments (dashboard.territory.fiche, default parameters)."""
    code = spec.code or ""
    data = fiche_data(store, code, needs_state.default_state())
    figures, sources, vintages = _territory_figures(store, code)
    if data is None:  # not an EPCI of the région (the spec was validated, so only with another store)
        return Slide(spec, code, f"SIREN {code}", _unique(sources), _unique(vintages), figures=tuple(figures))
    ident = data.identity
    more_sources, more_vintages = score_sources(store, [c.indicator for c in data.analysis.components])
    population = (
        formatting.format_number(ident.population) if ident.population is not None else formatting.MISSING_LABEL
    )
    return Slide(
        spec=spec,
        title=ident.name,
        subtitle=f"{ident.kind} — {ident.departement_name} — SIREN {code} — {population} habitants",
        sources=_unique([*sources, *more_sources]),
        vintages=_unique([*vintages, *more_vintages]),
        notes=(
            "Priorité et arguments : réglages par défaut de la page Classement (référence nationale) ; "
            "estimations signalées comme telles.",
        ),
        figures=tuple(figures),
        score_text=_priority_text(data.row, data.analysis.ranked),
        arguments=slide_arguments(data.arguments),
    )


def comparison_slide(store: Store, spec: SlideSpec) -> Slide:
    names = [territory_row(store, LEVEL_EPCI, code) for code in spec.codes]
    territories = tuple(str(row["name"]) if row else code for row, code in zip(names, spec.codes, strict=True))
    rows = []
    sources: list[str] = []
    vintages: list[str] = []
    for indicator in spec.indicators:
        entry = _entry(store, indicator)
        values = tuple(_value(store, indicator, LEVEL_EPCI, code) for code in spec.codes)
        region = region_value(store, indicator)
        found, found_vintages = indicator_source(store, indicator, LEVEL_EPCI)
        sources += found
        vintages += found_vintages
        note = "approximation" if entry.get("approximation") else ""
        rows.append(
            ComparisonRow(
                indicator=indicator,
                label=entry.get("label", indicator),
                unit=entry.get("unit") or "",
                values=values,
                texts=tuple(value_parts(value, entry)[0] for value in values),
                region_value=region,
                region_text=value_parts(region, entry)[0],
                direction=int(entry.get("direction") or 0),
                note=note,
            )
        )
    return Slide(
        spec=spec,
        title="Comparaison : " + " / ".join(territories)
        if len(territories) <= 2
        else f"Comparaison de {len(territories)} EPCI",
        subtitle=", ".join(territories)
        if len(territories) > 2
        else f"EPCI {perimeter(store).of_name} et valeur {perimeter(store).adjective}",
        sources=_unique(sources),
        vintages=_unique(vintages),
        notes=("Approximation : moyenne des communes pondérée par les personnes des ménages fiscaux.",)
        if any(row.note for row in rows)
        else (),
        territories=territories,
        comparison=tuple(rows),
    )


def scenario_slide(store: Store, spec: SlideSpec) -> Slide:
    """An EPCI before and after planned residences (default parameters of the ranking, national reference)."""
    code = spec.code or ""
    parameters = replace(needs_state.default_state().parameters, projects=spec.projects)
    scenario = what_if(store, parameters, RANK_ONLY)
    row = territory_row(store, LEVEL_EPCI, code)
    sources, vintages = score_sources(store, [c.indicator for c in scenario.after.components])
    supply_sources, supply_vintages = indicator_source(store, needs_store.SUPPLY_INDICATOR, LEVEL_EPCI)
    return Slide(
        spec=spec,
        title=f"Scénario : {row['name'] if row else code}",
        subtitle="Projet(s) envisagé(s) : offre, écart et rang de priorité avant et après (estimations)",
        sources=_unique([*supply_sources, *sources]),
        vintages=_unique([*supply_vintages, *vintages]),
        notes=(method_note(scenario),),
        score_text=summary(scenario, code),
        projects=tuple(
            project_sentence(project, scenario.choices)
            + ("" if scenario.choices.epci_of.get(project.commune) == code else " (autre EPCI)")
            for project in spec.projects
        ),
        changes=tuple(changes(scenario, code)),
    )


BUILDERS = {
    KIND_MAP: map_slide,
    KIND_RANKING: ranking_slide,
    KIND_TERRITORY: territory_slide,
    KIND_COMPARISON: comparison_slide,
    KIND_SCENARIO: scenario_slide,
}


def build_slide(store: Store, spec: SlideSpec) -> Slide:
    return replace(BUILDERS[spec.kind](store, spec), region=perimeter(store).name)


def unavailable_slide(spec: SlideSpec) -> Slide:
    """What stands for a slide that the built data does not allow (the error is in the server's log)."""
    return Slide(
        spec=spec,
        title="Diapositive indisponible",
        subtitle=f"« {spec.token} »",
        sources=(),
        vintages=(),
        error="Les données construites ne permettent pas de composer cette diapositive ; "
        "l'erreur est enregistrée dans le journal du serveur.",
    )


def build_slides(store: Store, slides: Iterable[SlideSpec]) -> list[Slide]:
    """Every slide's content; one that cannot be built (incomplete data) says so instead of breaking the page."""
    built = []
    for spec in slides:
        try:
            built.append(build_slide(store, spec))
        except Exception:  # logged; the other slides are still shown
            logger.exception("slide %s could not be built", spec.token)
            built.append(unavailable_slide(spec))
    return built


def example_deck(store: Store, choices: DeckChoices) -> list[SlideSpec]:
    """A starting deck: two maps, the top 10, the first territory and a comparison of the first two."""
    ranking = build_slide(store, SlideSpec(KIND_RANKING, top=DEFAULT_TOP))
    first = [row.code for row in ranking.ranking[:2]]
    specs = [
        SlideSpec(KIND_MAP, indicator=indicator)
        for indicator in EXAMPLE_MAP_INDICATORS
        if LEVEL_EPCI in choices.levels.get(indicator, ())
    ]
    specs.append(SlideSpec(KIND_RANKING, top=DEFAULT_TOP))
    if first:
        specs.append(SlideSpec(KIND_TERRITORY, codes=(first[0],)))
    if len(first) == 2:
        specs.append(SlideSpec(KIND_COMPARISON, codes=tuple(first), indicators=tuple(choices.compared_defaults())))
    return specs
