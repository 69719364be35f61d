"""The comparison's trends, pure functions of the store: one multi-line chart per trend for the chosen
territories with the région (and France where the series exists). Territories of different sizes are made
comparable: Logement d'abord per 10 000 inhabitants, private vacancy as a share of the private stock, population
as an index (2013 = 100), résidences per 10 000 inhabitants; département-only series are said to be so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dashboard.core import catalogue
from dashboard.core.levels import FRANCE_CODE, LEVEL_DEPARTEMENT, LEVEL_FRANCE, LEVEL_REGION
from dashboard.core.perimeter import of_perimeter, own_regions, perimeter
from dashboard.core.store import Store
from dashboard.needs.analysis import value_of
from dashboard.trends.data import (
    LDA,
    LOVAC_TOTAL,
    LOVAC_VACANT,
    POPULATION,
    Line,
    Trend,
    citations,
    cumulative_by_year,
    declaration,
    declared_years,
    establishments_citation,
    extract_year,
    openings,
    openings_span,
    series_rows,
    values_for,
    year_label,
)

FRANCE = (LEVEL_FRANCE, FRANCE_CODE, "France")
PER = 10_000
#: Column of the establishments holding a territory's code, by level.
RESIDENCE_COLUMNS = {
    "commune": "commune_code",
    "epci": "epci_code",
    "departement": "departement_code",
    "region": "region_code",
}


@dataclass(frozen=True)
class Place:
    """A territory of the comparison: its name as shown, level and code."""

    name: str
    level: str
    code: str


def departement_of(store: Store, place: Place) -> str | None:
    """The département code of a chosen territory (itself for a département)."""
    if place.level == LEVEL_DEPARTEMENT:
        return place.code
    row = catalogue.territory_row(store, place.level, place.code) if place.level in store.display else None
    code = row.get("departement_code") if row else None
    return code if isinstance(code, str) and code else None


def departement_places(store: Store, chosen: Sequence[Place]) -> tuple[list[Place], list[str]]:
    """The départements of the chosen territories (each once, named), the région and France; and, for each
    chosen commune or EPCI, « Amiens → Somme »."""
    names = dict(perimeter(store).departements)
    places, notes = [], []
    for place in chosen:
        code = departement_of(store, place)
        if code is None:
            continue
        if place.level != LEVEL_DEPARTEMENT:
            notes.append(f"{place.name} → {names.get(code, code)}")
        if code not in [p.code for p in places]:
            places.append(Place(f"{names.get(code, code)} (département)", LEVEL_DEPARTEMENT, code))
    return [*places, *region_places(store, chosen), Place(FRANCE[2], *FRANCE[:2])], notes


def region_places(store: Store, chosen: Sequence[Place]) -> list[Place]:
    """The région(s) the chosen territories are compared with: the built région, or for France each territory's own
    (a région chosen itself is not drawn twice)."""
    regions = own_regions(store, [(place.level, place.code) for place in chosen])
    return [Place(name, LEVEL_REGION, code) for code, name in regions]


def _departement_note(notes: list[str]) -> str:
    return (
        f"Séries publiées par département : chaque commune ou EPCI prend celle de son département ({', '.join(notes)})."
        if notes
        else ""
    )


def _per_inhabitants(values: tuple[float | None, ...], population: float | None) -> tuple[float | None, ...]:
    if not population:
        return tuple(None for _ in values)
    return tuple(None if value is None else value / population * PER for value in values)


def compare_lda(store: Store, chosen: Sequence[Place]) -> Trend:
    """People housed per year per 10 000 inhabitants (population 2023), in the chosen territories' départements,
    the région and France."""
    places, notes = departement_places(store, chosen)
    years = declared_years(store, LDA)
    lines, labels = [], tuple(str(year) for year in years)
    for place in places:
        rows = series_rows(store, LDA, place.level, place.code)
        if len(rows):
            labels = tuple(year_label(year, rows.at[year, "months"] if year in rows.index else None) for year in years)
        population = value_of(store, POPULATION, place.level, place.code)
        lines.append(Line(place.name, _per_inhabitants(values_for(rows, years), population)))
    population_source = catalogue.citation_for(store, catalogue.ROLE_TERRITORIES)
    return Trend(
        key="lda",
        title="Personnes sans-abri ou hébergées relogées dans le parc social, par an, pour 10 000 habitants — "
        "valeurs des départements",
        years=years,
        labels=labels,
        lines=tuple(lines),
        unit="personnes pour 10 000 hab.",
        decimals=1,
        citations=(*citations(store, LDA), *([population_source] if population_source else [])),
        notes=tuple(
            note
            for note in (
                _departement_note(notes),
                "Rapporté à la population légale 2023 pour chaque année (estimation).",
                declaration(store, LDA).get("note", ""),
            )
            if note
        ),
    )


def compare_lovac(store: Store, chosen: Sequence[Place]) -> Trend:
    """Private vacant dwellings as a share of the private stock at 1 January (missing where the stock is not
    published: 2025), in the chosen territories' départements, the région and France."""
    places, notes = departement_places(store, chosen)
    years = declared_years(store, LOVAC_VACANT)
    lines = []
    for place in places:
        vacant = values_for(series_rows(store, LOVAC_VACANT, place.level, place.code), years)
        total = values_for(series_rows(store, LOVAC_TOTAL, place.level, place.code), years)
        rates = tuple(None if v is None or not t else v / t * 100 for v, t in zip(vacant, total, strict=True))
        lines.append(Line(place.name, rates))
    unpublished = [str(year) for year in declaration(store, LOVAC_TOTAL).get("unpublished", [])]
    return Trend(
        key="lovac",
        title="Part des logements vacants dans le parc privé au 1er janvier — valeurs des départements",
        years=years,
        labels=tuple(str(year) for year in years),
        lines=tuple(lines),
        unit="% du parc privé",
        decimals=1,
        citations=citations(store, LOVAC_VACANT),
        notes=tuple(
            note
            for note in (
                _departement_note(notes),
                f"{', '.join(unpublished)} : parc privé total non publié, part non calculable." if unpublished else "",
                declaration(store, LOVAC_VACANT).get("note", ""),
            )
            if note
        ),
    )


def compare_population(store: Store, chosen: Sequence[Place]) -> Trend:
    """Population as an index (first year = 100) of the chosen territories and the région; a territory whose
    value covers part of its population in a year has no index that year."""
    years = declared_years(store, POPULATION)
    lines, partial = [], []
    for place in [*chosen, *region_places(store, chosen)]:
        rows = series_rows(store, POPULATION, place.level, place.code)
        values = values_for(rows, years, full_only=True)
        if values_for(rows, years) != values:
            partial.append(place.name)
        base = values[0] if values else None
        lines.append(Line(place.name, tuple(None if not base or v is None else v / base * 100 for v in values)))
    notes = [
        f"Indice : population de chaque année rapportée à celle de {years[0]} (base 100)." if years else "",
        f"Valeurs partielles non tracées : {', '.join(partial)}." if partial else "",
        "France : pas de série (la construction ne somme pas le recensement au niveau national).",
        declaration(store, POPULATION).get("note", ""),
    ]
    return Trend(
        key="population",
        title=f"Évolution de la population, indice base 100 en {years[0] if years else ''}",
        years=years,
        labels=tuple(str(year) for year in years),
        lines=tuple(lines),
        unit=f"indice ({years[0] if years else ''} = 100)",
        decimals=1,
        citations=citations(store, POPULATION),
        notes=tuple(note for note in notes if note),
        from_zero=False,
    )


def compare_openings(store: Store, chosen: Sequence[Place]) -> Trend:
    """Résidences sociales still open in the extract, cumulated by opening year, per 10 000 inhabitants
    (population 2023), for the chosen territories and the région."""
    places = [*chosen, *region_places(store, chosen)]
    frames = [openings(store, RESIDENCE_COLUMNS.get(place.level), place.code) for place in places]
    span = openings_span(store, frames)
    lines = [
        Line(
            place.name,
            _per_inhabitants(
                cumulative_by_year(frame["year"], span), value_of(store, POPULATION, place.level, place.code)
            ),
        )
        for place, frame in zip(places, frames, strict=True)
    ]
    undated = int(frames[-1]["year"].isna().sum())
    population_source = catalogue.citation_for(store, catalogue.ROLE_TERRITORIES)
    return Trend(
        key="ouvertures",
        title=f"Résidences sociales toujours ouvertes début {extract_year(store)}, cumulées par année d'ouverture, "
        "pour 10 000 habitants",
        years=span,
        labels=tuple(str(year) for year in span),
        lines=tuple(lines),
        unit="résidences pour 10 000 hab.",
        decimals=2,
        citations=(*establishments_citation(store), *([population_source] if population_source else [])),
        notes=(
            f"Ouvertures des établissements encore en activité dans l'extrait FINESS ; les établissements fermés "
            f"n'y figurent pas : ce n'est pas l'historique de l'offre. Le premier point ({span[0]}) compte aussi les "
            f"ouvertures antérieures ; rapporté à la population légale 2023 (estimation). {undated} résidence(s) "
            f"sociale(s) {of_perimeter()} sans date d'ouverture non comptée(s).",
        ),
        steps=True,
    )


def comparison_trends(store: Store, chosen: Sequence[Place]) -> list[Trend]:
    """Every trend of the comparison, in the fiche's order."""
    return [
        compare_population(store, chosen),
        compare_openings(store, chosen),
        compare_lda(store, chosen),
        compare_lovac(store, chosen),
    ]
