"""Dated series kept by the build for the trend charts (`series.parquet`), each declared once here with the
dataset of each of its years.

Long frame: series, level, code, year, value, coverage, months. `value` stays missing (NaN) where the source
publishes nothing (never 0); `coverage` is the share of the territory's population the value covers;
`months` is the number of months of a yearly total (Logement d'abord: 2022 stops in November), missing for
stocks (population, dwellings at 1 January).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

from loaders import barometre, comparateur, lovac, populations
from loaders.errors import SourceError

FILE = "series.parquet"
DEPARTEMENT_LEVELS = ("departement", "region", "france")
POPULATION_LEVELS = ("commune", "epci", "departement", "region")


@dataclass(frozen=True)
class Series:
    """One dated series: what it counts, in which unit, at which levels, and the dataset of each year."""

    id: str
    label: str
    unit: str
    levels: tuple[str, ...]
    datasets: Mapping[int, str]
    #: Source file named in a validation error.
    file: str
    note: str = ""
    #: Years kept as rows whose value the source does not publish (missing, never 0).
    unpublished: tuple[int, ...] = field(default=())

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(self.datasets))

    def as_record(self) -> dict:
        return {
            "id": self.id,
            "label": self.label,
            "unit": self.unit,
            "levels": list(self.levels),
            "datasets": {str(year): dataset for year, dataset in sorted(self.datasets.items())},
            "note": self.note,
            "unpublished": list(self.unpublished),
        }


def _years(first: int, last: int, dataset: str) -> dict[int, str]:
    return dict.fromkeys(range(first, last + 1), dataset)


LDA = "lda_relogements"
LOVAC_TOTAL = "lovac_parc_prive"
LOVAC_VACANT = "lovac_vacants"
LOVAC_LONG = "lovac_vacants_plus_2ans"
POPULATION = "population"
_LOVAC_NOTE = (
    "Au 1er janvier de chaque année, parc privé seulement (définition fiscale). Le millésime 2025 ne publie pas "
    "le parc privé total, et ses logements vacants baissent nettement dans chaque département quand la vacance "
    "de plus de 2 ans augmente : probable changement de source ou de méthode, à vérifier auprès du producteur."
)

SERIES: tuple[Series, ...] = (
    Series(
        LDA,
        "Personnes sans-abri ou hébergées relogées dans le parc social",
        "personnes par an",
        DEPARTEMENT_LEVELS,
        _years(2017, 2022, barometre.DATASET_ID),
        barometre.detail_file("departement"),
        "Attributions de logements sociaux (SNE), ménages × 2,2 : estimation de la source. Cumul depuis janvier ; "
        "2022 s'arrête fin novembre ; données consolidées à partir de mai 2018 (cumul depuis janvier).",
    ),
    Series(
        LOVAC_TOTAL,
        "Parc privé de logements",
        "logements",
        DEPARTEMENT_LEVELS,
        _years(2020, 2025, lovac.DATASET_ID),
        lovac.FILENAME,
        _LOVAC_NOTE,
        unpublished=(2025,),
    ),
    Series(
        LOVAC_VACANT,
        "Logements vacants du parc privé",
        "logements",
        DEPARTEMENT_LEVELS,
        _years(2020, 2025, lovac.DATASET_ID),
        lovac.FILENAME,
        _LOVAC_NOTE,
    ),
    Series(
        LOVAC_LONG,
        "Logements vacants depuis plus de 2 ans du parc privé",
        "logements",
        DEPARTEMENT_LEVELS,
        _years(2020, 2025, lovac.DATASET_ID),
        lovac.FILENAME,
        _LOVAC_NOTE,
    ),
    Series(
        POPULATION,
        "Population",
        "habitants",
        POPULATION_LEVELS,
        {2013: comparateur.DATASET_ID, 2018: comparateur.DATASET_ID, 2023: populations.DATASET_ID},
        comparateur.FILENAME,
        "2013 et 2018 : population des recensements (géographie au 1er janvier 2021, communes ramenées aux "
        "communes actuelles) ; 2023 : population municipale légale (géographie 2025).",
    ),
)
SERIES_BY_ID = {series.id: series for series in SERIES}

SCHEMA = pa.DataFrameSchema(
    {
        "series": pa.Column(str, pa.Check.isin(list(SERIES_BY_ID))),
        "level": pa.Column(str, pa.Check.isin(["commune", "epci", "departement", "region", "france"])),
        "code": pa.Column(str, pa.Check.str_length(min_value=2)),
        "year": pa.Column("int64", pa.Check.in_range(2000, 2035)),
        "value": pa.Column("float64", pa.Check.ge(0), nullable=True),
        "coverage": pa.Column("float64", pa.Check.in_range(0, 1), nullable=True),
        "months": pa.Column("Int64", pa.Check.in_range(1, 12), nullable=True),
    },
    unique=["series", "level", "code", "year"],
    strict=True,
    ordered=True,
)
COLUMNS = list(SCHEMA.columns)


def _frame(series: str, level: str, code: str, year: int, value: float, coverage=1.0, months=None) -> dict:
    return {
        "series": series,
        "level": level,
        "code": code,
        "year": year,
        "value": value,
        "coverage": coverage,
        "months": months,
    }


def barometre_rows(totals: pd.DataFrame) -> pd.DataFrame:
    """Logement d'abord yearly totals (`barometre.yearly_totals`, already restricted to the scope)."""
    frame = totals.assign(series=LDA, coverage=1.0)
    return frame.reindex(columns=COLUMNS)


def lovac_rows(frame: pd.DataFrame, regions: Mapping[str, Iterable[str]]) -> pd.DataFrame:
    """The départements of `regions` (région code → its départements), each région (their sum) and France (sum of
    every département), every year; a sum with a missing département stays missing."""
    regions = {code: list(departements) for code, departements in regions.items()}
    rows = []
    measures = {LOVAC_TOTAL: "pp_total", LOVAC_VACANT: "pp_vacant", LOVAC_LONG: "pp_vacant_plus_2ans"}
    for year, of_year in frame.groupby("year"):
        by_code = of_year.set_index("departement_code")
        for series, column in measures.items():
            values = by_code[column]
            for region_code, departements in regions.items():
                for code in departements:
                    rows.append(_frame(series, "departement", code, int(year), float(values.get(code, float("nan")))))
                in_region = values.reindex(departements)
                rows.append(_frame(series, "region", region_code, int(year), _sum_or_missing(in_region)))
            rows.append(_frame(series, "france", "FR", int(year), _sum_or_missing(values)))
    return pd.DataFrame(rows, columns=COLUMNS)


def _sum_or_missing(values: pd.Series) -> float:
    return float(values.sum()) if len(values) and values.notna().all() else float("nan")


def population_rows(base: pd.DataFrame) -> pd.DataFrame:
    """Census populations 2013 and 2018 (`pop_2013`, `pop_2018`) and legal population 2023 (`population`) of
    the base variables, with their coverage, at the commune, EPCI, département and région levels."""
    years = {"pop_2013": 2013, "pop_2018": 2018, "population": 2023}
    rows = base[base["variable"].isin(years) & base["level"].isin(POPULATION_LEVELS)]
    frame = rows.assign(series=POPULATION, year=rows["variable"].map(years).astype("int64"), months=None)
    return frame.reindex(columns=COLUMNS)


def assemble(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Every series as one typed frame, sorted."""
    frame = pd.concat([part for part in parts if len(part)], ignore_index=True)
    frame = frame.astype(
        {
            "series": str,
            "level": str,
            "code": str,
            "year": "int64",
            "value": "float64",
            "coverage": "float64",
            "months": "Int64",
        }
    )
    frame["coverage"] = frame["coverage"].where(frame["value"].notna())  # a missing value covers nothing
    return frame.sort_values(["series", "level", "code", "year"], ignore_index=True)


def validate(frame: pd.DataFrame, expected_codes: Mapping[str, Iterable[str]]) -> pd.DataFrame:
    """Check the schema, then that each series has exactly one row per code of each of its levels and year
    (`expected_codes`: level → codes); an error names the series' dataset and source file."""
    for series in SERIES:
        rows = frame[frame["series"] == series.id]
        dataset = series.datasets[series.years[0]]
        try:
            SCHEMA.validate(rows, lazy=False)
        except (pa.errors.SchemaError, pa.errors.SchemaErrors) as error:
            raise SourceError(dataset, series.file, f"série « {series.id} » invalide : {error}") from error
        _check_counts(series, rows, expected_codes, dataset)
        published = rows[~rows["year"].isin(series.unpublished)]
        if published["value"].isna().all():
            raise SourceError(dataset, series.file, f"série « {series.id} » sans aucune valeur")
    unknown = set(frame["series"]) - set(SERIES_BY_ID)
    if unknown:
        raise SourceError("series", FILE, f"série(s) non déclarée(s) : {', '.join(sorted(unknown))}")
    return frame


def _check_counts(series: Series, rows: pd.DataFrame, expected_codes: Mapping[str, Iterable[str]], dataset: str):
    for level in series.levels:
        codes = set(expected_codes[level])
        of_level = rows[rows["level"] == level]
        for year in series.years:
            found = set(of_level.loc[of_level["year"] == year, "code"])
            if found != codes:
                missing = sorted(codes - found)[:5]
                extra = sorted(found - codes)[:5]
                raise SourceError(
                    series.datasets[year],
                    series.file,
                    f"série « {series.id} », {level} {year} : {len(found)} territoires au lieu de {len(codes)}"
                    + (f" (manquants : {', '.join(missing)})" if missing else "")
                    + (f" (en trop : {', '.join(extra)})" if extra else ""),
                )
    other = set(rows["level"]) - set(series.levels)
    years = set(rows["year"]) - set(series.years)
    if other or years:
        raise SourceError(
            dataset,
            series.file,
            f"série « {series.id} » : niveaux ou années non déclarés {sorted(other), sorted(years)}",
        )
    unpublished = rows[rows["year"].isin(series.unpublished) & rows["value"].notna()]
    if len(unpublished):
        raise SourceError(dataset, series.file, f"série « {series.id} » : valeur inattendue pour {series.unpublished}")
