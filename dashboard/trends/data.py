"""The trends as data, pure functions of the store: each `Trend` holds its lines (one value per year, missing
stays missing), its title, unit, sources and the notes a reader needs (partial years, coverage, département
values). Series come from `series.parquet` (declared in `loaders/series.py`), openings from the FINESS extract.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from dashboard.core import catalogue
from dashboard.core.formatting import format_count, format_percent
from dashboard.core.levels import FAMILY_RESIDENCE
from dashboard.core.store import Store
from dashboard.core.values import FULL_COVERAGE
from dashboard.needs.analysis import value_of

LDA = "lda_relogements"
LOVAC_TOTAL = "lovac_parc_prive"
LOVAC_VACANT = "lovac_vacants"
LOVAC_LONG = "lovac_vacants_plus_2ans"
POPULATION = "population"
LDA_TARGET = "lda_cible_2022"
MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


@dataclass(frozen=True)
class Line:
    """One line of a chart: a name and one value per year of the trend (None: missing)."""

    name: str
    values: tuple[float | None, ...]
    #: Values drawn as a marker only (a target), not joined by a line.
    marker_only: bool = False


@dataclass(frozen=True)
class Trend:
    """A small chart: what and where (title), x labels, lines, y unit, decimals, sources and notes."""

    key: str
    title: str
    years: tuple[int, ...]
    labels: tuple[str, ...]
    lines: tuple[Line, ...]
    unit: str
    decimals: int
    citations: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())
    #: Step lines (cumulative counts).
    steps: bool = False
    #: Whether the value axis starts at 0 (counts); an index is drawn around its values.
    from_zero: bool = True

    @property
    def drawable(self) -> bool:
        return any(value is not None for line in self.lines for value in line.values)


def year_label(year: int, months: float | None) -> str:
    """« 2021 », or « 2022 (janv.–nov.) » for a yearly total of fewer than 12 months."""
    if months is None or pd.isna(months) or int(months) >= 12:
        return str(year)
    return f"{year} ({MONTHS[0]}–{MONTHS[int(months) - 1]})"


def series_rows(store: Store, series: str, level: str, code: str) -> pd.DataFrame:
    """The rows of one series for one territory, indexed by year (empty when the store has none)."""
    table = store.series
    rows = table[(table["code"] == code) & (table["series"] == series) & (table["level"] == level)]
    return rows.set_index("year").sort_index()


def declared_years(store: Store, series: str) -> tuple[int, ...]:
    """The years the build declares for a series."""
    return tuple(sorted(int(year) for year in declaration(store, series).get("datasets", {})))


def declaration(store: Store, series: str) -> dict:
    """The series' declaration in catalogue.json (label, unit, dataset of each year, note)."""
    return next((entry for entry in store.catalogue.get("series", []) if entry["id"] == series), {})


def citations(store: Store, series: str, years: Sequence[int] | None = None) -> tuple[str, ...]:
    """Source lines of the datasets of a series (of `years` only when given), in year order, each once."""
    datasets = declaration(store, series).get("datasets", {})
    chosen = [(int(key), datasets[key]) for key in sorted(datasets) if years is None or int(key) in years]
    found = []
    for dataset_id in dict.fromkeys(dataset for _, dataset in chosen):
        try:
            citation = store.dataset(dataset_id)["citation"]
        except KeyError:
            continue
        of_dataset = [year for year, dataset in chosen if dataset == dataset_id]
        found.append(with_years(citation, of_dataset))
    return tuple(found)


def with_years(citation: str, years: Sequence[int]) -> str:
    """« Insee, recensement 2018 (données 2013 et 2018) »: the years a chart takes from a dataset, unless its
    citation already says them (« LOVAC (2020–2025) »)."""
    span = f"{years[0]}–{years[-1]}"
    if span in citation or all(str(year) in citation for year in years):
        return citation
    listed = f"{', '.join(str(year) for year in years[:-1])} et {years[-1]}" if len(years) > 1 else str(years[0])
    return f"{citation} (données {listed})"


def _optional(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def values_for(rows: pd.DataFrame, years: Sequence[int], full_only: bool = False) -> tuple[float | None, ...]:
    """One value per year (None when missing, or, with `full_only`, when it covers part of the population)."""
    values = []
    for year in years:
        if year not in rows.index:
            values.append(None)
            continue
        value = _optional(rows.at[year, "value"])
        coverage = _optional(rows.at[year, "coverage"])
        partial = coverage is not None and coverage < FULL_COVERAGE
        values.append(None if full_only and partial else value)
    return tuple(values)


def _labels(rows: pd.DataFrame, years: Sequence[int]) -> tuple[str, ...]:
    return tuple(year_label(year, rows.at[year, "months"] if year in rows.index else None) for year in years)


def lda_trend(store: Store, departement: tuple[str, str], department_phrase: str) -> Trend:
    """People housed in social housing after the street or a shelter, per year, in one département, with the
    2022 target as a marker (the département's values, said in the title)."""
    code, _name = departement
    years = declared_years(store, LDA)
    rows = series_rows(store, LDA, "departement", code)
    target = value_of(store, LDA_TARGET, "departement", code)
    lines = [Line("Personnes relogées", values_for(rows, years))]
    if target is not None and 2022 in years:
        lines.append(Line("Objectif 2022", tuple(target if year == 2022 else None for year in years), True))
    notes = [declaration(store, LDA).get("note", "")]
    partial = [year_label(year, rows.at[year, "months"]) for year in years if _partial_year(rows, year)]
    if partial:
        notes.append(f"Année incomplète : {', '.join(partial)}.")
    return Trend(
        key="lda",
        title=f"Personnes sans-abri ou hébergées relogées dans le parc social, par an — valeur {department_phrase}",
        years=years,
        labels=_labels(rows, years),
        lines=tuple(lines),
        unit="personnes par an",
        decimals=0,
        citations=citations(store, LDA),
        notes=tuple(note for note in notes if note),
    )


def _partial_year(rows: pd.DataFrame, year: int) -> bool:
    months = rows.at[year, "months"] if year in rows.index else None
    return months is not None and not pd.isna(months) and int(months) < 12


def lovac_trend(store: Store, departement: tuple[str, str], department_phrase: str) -> Trend:
    """Private vacant dwellings, and those vacant for more than 2 years, at 1 January, in one département
    (counts of dwellings)."""
    code, _name = departement
    years = declared_years(store, LOVAC_VACANT)
    vacant = series_rows(store, LOVAC_VACANT, "departement", code)
    long = series_rows(store, LOVAC_LONG, "departement", code)
    return Trend(
        key="lovac",
        title=f"Logements vacants du parc privé au 1er janvier (nombre) — valeur {department_phrase}",
        years=years,
        labels=tuple(str(year) for year in years),
        lines=(
            Line("Logements vacants", values_for(vacant, years)),
            Line("dont vacants depuis plus de 2 ans", values_for(long, years)),
        ),
        unit="logements",
        decimals=0,
        citations=citations(store, LOVAC_VACANT),
        notes=(declaration(store, LOVAC_VACANT).get("note", ""),),
    )


def population_trend(store: Store, level: str, code: str, name: str) -> Trend:
    """Population 2013, 2018 (census) and 2023 (legal); a value covering part of the territory's population is
    left off the line and said in the notes."""
    years = declared_years(store, POPULATION)
    rows = series_rows(store, POPULATION, level, code)
    notes = [declaration(store, POPULATION).get("note", "")]
    notes += coverage_notes(rows, years)
    return Trend(
        key="population",
        title=f"Population en {', '.join(str(year) for year in years)} — {name}",
        years=years,
        labels=tuple(str(year) for year in years),
        lines=(Line("Population", values_for(rows, years, full_only=True)),),
        unit="habitants",
        decimals=0,
        citations=citations(store, POPULATION),
        notes=tuple(note for note in notes if note),
    )


def coverage_notes(rows: pd.DataFrame, years: Sequence[int]) -> list[str]:
    """« 2013 : valeur partielle, couvre 20 % de la population… » and « 2013 : donnée non disponible »."""
    notes = []
    for year in years:
        value = _optional(rows.at[year, "value"]) if year in rows.index else None
        coverage = _optional(rows.at[year, "coverage"]) if year in rows.index else None
        if value is None:
            notes.append(f"{year} : donnée non disponible (commune absente du fichier de cette année).")
        elif coverage is not None and coverage < FULL_COVERAGE:
            notes.append(
                f"{year} : valeur partielle, non tracée ({format_count(value)} habitants dans les communes présentes dans "
                f"le fichier, qui couvrent {format_percent(coverage)} de la population actuelle)."
            )
    return notes


def openings(store: Store, column: str | None, code: str | None) -> pd.DataFrame:
    """Résidences sociales of a territory (`column` = code: `epci_code`, `commune_code`, `region_code`; None: all)
    with their type and opening year (NaN when FINESS gives no date). A store without `region_code` (built for one
    région before it existed) has only its région's establishments: all of them."""
    residences = store.residences
    chosen = residences[residences["family"] == FAMILY_RESIDENCE]
    if column is not None and column in chosen:
        chosen = chosen[chosen[column] == code]
    years = pd.to_datetime(chosen["opening_date"], errors="coerce").dt.year
    return pd.DataFrame({"type": chosen["type"].to_numpy(), "year": years.to_numpy()})


def cumulative_by_year(years: pd.Series, span: Sequence[int]) -> tuple[float, ...]:
    """How many of `years` are at most each year of `span` (undated ones left out)."""
    known = years.dropna().astype(int)
    return tuple(float((known <= year).sum()) for year in span)


#: The openings charts start at the latest in this year; their first point counts every earlier opening.
FIRST_YEAR = 1990


def openings_span(store: Store, frames: Sequence[pd.DataFrame]) -> tuple[int, ...]:
    """From the first opening year (at the latest `FIRST_YEAR`) to the year before the extract (the extract is
    of early January)."""
    last = extract_year(store) - 1
    known = [int(year) for frame in frames for year in frame["year"].dropna()]
    first = max(min(known), FIRST_YEAR) if known else last
    return tuple(range(min(first, last), last + 1))


def extract_year(store: Store) -> int:
    """Year of the FINESS extract: the latest year in its vintage (« extraction du 08/01/2021 » → 2021)."""
    dataset = catalogue.dataset_for(store, catalogue.ROLE_ESTABLISHMENTS) or {}
    found = [int(text) for text in pd.Series([dataset.get("vintage", "")]).str.findall(r"(?:19|20)\d\d").iloc[0]]
    return max(found) if found else pd.Timestamp.now().year


def establishments_citation(store: Store) -> tuple[str, ...]:
    citation = catalogue.citation_for(store, catalogue.ROLE_ESTABLISHMENTS)
    return (citation,) if citation else ()


def openings_note(store: Store, undated: int, first: int, earlier: bool) -> str:
    """What the openings chart is, and is not, with the undated establishments and, when the chart starts after
    the first opening, what its first point counts."""
    dataset = catalogue.dataset_for(store, catalogue.ROLE_ESTABLISHMENTS) or {}
    text = (
        f"Établissements encore en activité dans l'extrait FINESS ({dataset.get('vintage', '')}), comptés à partir "
        "de leur date d'ouverture : les établissements fermés avant l'extraction n'y figurent pas. Ce n'est donc pas "
        "l'historique de l'offre."
    )
    if earlier:
        text += f" Le point {first} compte aussi les ouvertures antérieures."
    if undated:
        text += f" {undated} établissement{'s' if undated > 1 else ''} sans date d'ouverture non compté{'s' if undated > 1 else ''}."
    return text


def openings_trend(store: Store, column: str, code: str, name: str) -> Trend | None:
    """Résidences sociales still open in the extract, cumulated by opening year, one line per type (None when
    the territory has none)."""
    frame = openings(store, column, code)
    if frame.empty:
        return None
    typology = store.catalogue["residence_types"]
    span = openings_span(store, [frame])
    dated = frame.dropna(subset=["year"])
    lines = tuple(
        Line(typology["labels"].get(kind, kind), cumulative_by_year(dated.loc[dated["type"] == kind, "year"], span))
        for kind in typology[FAMILY_RESIDENCE]
        if (dated["type"] == kind).any()
    )
    earlier = bool((dated["year"] < span[0]).any())
    return Trend(
        key="ouvertures",
        title=f"Résidences sociales toujours ouvertes début {extract_year(store)}, cumulées par année d'ouverture "
        f"— {name}",
        years=span,
        labels=tuple(str(year) for year in span),
        lines=lines,
        unit="établissements",
        decimals=0,
        citations=establishments_citation(store),
        notes=(openings_note(store, int(frame["year"].isna().sum()), span[0], earlier),),
        steps=True,
    )
