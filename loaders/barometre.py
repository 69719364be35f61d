"""Baromètre des résultats de l'action publique (Dihal): people housed in social housing
after the street or a shelter (Logement d'abord), by département, région and France.

Values are estimates (households × 2.2), monthly, cumulative from January of each year, from
2017-12 (the 2017 total) to 2022-11. Two kinds of published zeros mean "no data" and become
NaN: January–April 2018 (consolidated data start in May 2018) and series that are zero
throughout (Mayotte: département 976, région 06, never collected). Other zeros, e.g. a
January with no allocation in a small département, are genuine.

Codes are Insee codes; overseas régions are `01`–`06`, so `02` is Martinique in the région
file and Aisne in the département file: join on (level, code). France is `FR`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from loaders import readers
from loaders.errors import SourceError
from loaders.fetch import fetch

DATASET_ID = "barometre-logement-dabord-dihal"
INDICATOR = "logement-sans-domicile-hebergement-urgence"
UNIT = "personnes dans l'année*"
LEVELS = ("departement", "region", "france")
FIRST_DATE = pd.Timestamp("2017-12-31")
LAST_DATE = pd.Timestamp("2023-12-31")
#: Rows of the indicator in each file of the pinned commit (mirror and download are the same bytes).
DETAIL_ROWS = {"departement": 6_037, "region": 1_057, "france": 60}
SYNTHESE_ROWS = {"departement": 100, "region": 18, "france": 1}
#: Published as 0 but not collected yet.
NO_DATA_DATES = pd.to_datetime(["2018-01-31", "2018-02-28", "2018-03-31", "2018-04-30"])

_SCOPES = {"departement": "departemental", "region": "regional", "france": "national"}
_CODE_COLUMNS = {
    "departement": ("code_departement", "libelle_departement"),
    "region": ("code_region", "libelle_region"),
    "france": ("maille_geographique", "maille_geographique"),
}
_FRANCE = {"national": ("FR", "France")}
_CODE_CHECKS = {
    "departement": pa.Check.str_matches(readers.DEPARTEMENT_CODE),
    "region": pa.Check.str_matches(readers.REGION_CODE),
    "france": pa.Check.isin(["FR"]),
}
_MONTH_END = pa.Check(
    lambda dates: dates.isna() | (dates.dt.is_month_end & dates.between(FIRST_DATE, LAST_DATE)),
    error="date hors des fins de mois de décembre 2017 à décembre 2023",
)
_COUNT = pa.Column("float64", pa.Check.ge(0), nullable=True)
_SYNTHESE_VALUES = ("valeur_initiale", "valeur_actuelle", "cible", "pourcentage_cible")
_SYNTHESE_DATES = ("date_valeur_initiale", "date_valeur_actuelle", "date_cible")


def _detail_schema(level: str) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "level": pa.Column(str, pa.Check.isin([level])),
            "code": pa.Column(str, _CODE_CHECKS[level]),
            "name": pa.Column(str, pa.Check.str_length(min_value=1)),
            "date": pa.Column(pa.DateTime, _MONTH_END),
            "value": _COUNT,
        },
        unique=["code", "date"],
        strict=True,
        ordered=True,
    )


def _synthese_schema(level: str) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "level": pa.Column(str, pa.Check.isin([level])),
            "code": pa.Column(str, _CODE_CHECKS[level], unique=True),
            "name": pa.Column(str, pa.Check.str_length(min_value=1)),
            "valeur_initiale": _COUNT,
            "date_valeur_initiale": pa.Column(pa.DateTime, _MONTH_END, nullable=True),
            "valeur_actuelle": _COUNT,
            "date_valeur_actuelle": pa.Column(pa.DateTime, _MONTH_END, nullable=True),
            "cible": _COUNT,
            "pourcentage_cible": _COUNT,
            "date_cible": pa.Column(pa.DateTime, _MONTH_END, nullable=True),
        },
        strict=True,
        ordered=True,
    )


def detail_file(level: str) -> str:
    return f"barometre-resultats-logement-ville-detail-{_SCOPES[level]}.csv"


def synthese_file(level: str) -> str:
    return f"barometre-resultats-logement-ville-synthese-{_SCOPES[level]}.csv"


def _indicator_rows(path: Path, level: str, columns: tuple[str, ...], rows: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The indicator's rows (exactly `rows` of them), and their (level, code, name) columns."""
    code_column, name_column = _CODE_COLUMNS[level]
    required = ("id_indicateur", code_column, name_column, *columns, "unite")
    raw = readers.read_csv(DATASET_ID, path, required=dict.fromkeys(required))  # France: code = name column
    raw = raw[raw["id_indicateur"] == INDICATOR]
    if raw.empty:
        raise SourceError(DATASET_ID, path, f"indicateur {INDICATOR!r} absent du fichier")
    readers.check_count(DATASET_ID, path, len(raw), rows, rows, "lignes de l'indicateur")
    units = set(raw["unite"]) - {UNIT}
    if units:
        raise SourceError(DATASET_ID, path, f"unité inattendue : {', '.join(sorted(units))} (attendu {UNIT!r})")
    codes = raw[code_column]
    names = raw[name_column]
    if level == "france":
        unknown = set(codes) - set(_FRANCE)
        if unknown:
            raise SourceError(DATASET_ID, path, f"maille géographique inconnue : {', '.join(sorted(unknown))}")
        codes = codes.map(lambda key: _FRANCE[key][0])
        names = names.map(lambda key: _FRANCE[key][1])
    where = pd.DataFrame({"level": level, "code": codes, "name": names}, index=raw.index)
    return raw, where


def _dates(path: Path, column: pd.Series) -> pd.Series:
    """Parse ISO dates; blanks become NaT, anything else unreadable is refused."""
    dates = pd.to_datetime(column.where(column != ""), format="%Y-%m-%d", errors="coerce")
    bad = dates.isna() & (column != "")
    if bad.any():
        examples = ", ".join(sorted(set(column[bad]))[:5])
        raise SourceError(DATASET_ID, path, f"dates illisibles dans {column.name} : {examples}")
    return dates


def parse_detail(path: Path, level: str, *, rows: int | None = None) -> pd.DataFrame:
    """Monthly series of one level: level, code, name (str), date (month end), value (float64).

    `rows`: the indicator's rows expected in the file (default: `DETAIL_ROWS` of the level)."""
    expected = DETAIL_ROWS[level] if rows is None else rows
    raw, where = _indicator_rows(path, level, ("date", "valeur"), expected)
    frame = where.assign(
        date=_dates(path, raw["date"]),
        value=readers.to_number(DATASET_ID, path, raw["valeur"]),
    ).reset_index(drop=True)
    no_data = frame["date"].isin(NO_DATA_DATES) & frame["value"].eq(0)
    never_collected = frame["value"].eq(0).groupby(frame["code"]).transform("all")
    frame["value"] = frame["value"].mask(no_data | never_collected)
    return readers.validate(DATASET_ID, path, frame, _detail_schema(level))


def parse(
    departemental: Path, regional: Path, national: Path, *, rows: Mapping[str, int] = DETAIL_ROWS
) -> pd.DataFrame:
    """The three detail files as one long frame: level, code, name, date, value."""
    paths = (departemental, regional, national)
    return pd.concat(
        [parse_detail(path, level, rows=rows[level]) for path, level in zip(paths, LEVELS, strict=True)],
        ignore_index=True,
    )


def yearly_totals(detail: pd.DataFrame) -> pd.DataFrame:
    """Yearly totals: level, code, year, value, months.

    `value` is the latest known month of the year (December, or November for 2022), which
    holds the total since January because the series are cumulative; `months` is the number
    of months it covers. 2018 counts 12 months: its first published month, May, already
    holds the January–May total (France: 17,600 in May 2018 against 20,304 in May 2019).
    Years without any value (Mayotte) have no row.
    """
    known = detail.dropna(subset=["value"]).sort_values("date")
    latest = known.groupby(["level", "code", known["date"].dt.year], sort=False).tail(1)
    totals = pd.DataFrame(
        {
            "level": latest["level"],
            "code": latest["code"],
            "year": latest["date"].dt.year.astype("int64"),
            "value": latest["value"],
            "months": latest["date"].dt.month.astype("int64"),
        }
    )
    return totals.sort_values(["level", "code", "year"], ignore_index=True)


def parse_synthese_file(path: Path, level: str, *, rows: int | None = None) -> pd.DataFrame:
    """Baseline, latest value and 2022 target of one level (`rows`: default `SYNTHESE_ROWS` of the level)."""
    expected = SYNTHESE_ROWS[level] if rows is None else rows
    raw, where = _indicator_rows(path, level, (*_SYNTHESE_VALUES, *_SYNTHESE_DATES), expected)
    frame = where.assign(
        valeur_initiale=readers.to_number(DATASET_ID, path, raw["valeur_initiale"]),
        date_valeur_initiale=_dates(path, raw["date_valeur_initiale"]),
        valeur_actuelle=readers.to_number(DATASET_ID, path, raw["valeur_actuelle"]),
        date_valeur_actuelle=_dates(path, raw["date_valeur_actuelle"]),
        cible=readers.to_number(DATASET_ID, path, raw["cible"]),
        pourcentage_cible=readers.to_number(DATASET_ID, path, raw["pourcentage_cible"]),
        date_cible=_dates(path, raw["date_cible"]),
    ).reset_index(drop=True)
    never_collected = frame["valeur_initiale"].eq(0) & frame["valeur_actuelle"].eq(0)
    for column in ("valeur_initiale", "valeur_actuelle"):
        frame[column] = frame[column].mask(never_collected)
    return readers.validate(DATASET_ID, path, frame, _synthese_schema(level))


def parse_synthese(
    departemental: Path, regional: Path, national: Path, *, rows: Mapping[str, int] = SYNTHESE_ROWS
) -> pd.DataFrame:
    """The three synthese files as one frame: level, code, name, valeur_initiale,
    date_valeur_initiale, valeur_actuelle, date_valeur_actuelle, cible, pourcentage_cible, date_cible."""
    paths = (departemental, regional, national)
    return pd.concat(
        [parse_synthese_file(path, level, rows=rows[level]) for path, level in zip(paths, LEVELS, strict=True)],
        ignore_index=True,
    )


def load_detail() -> pd.DataFrame:
    """Monthly detail of every level."""
    return parse(*(fetch(DATASET_ID, detail_file(level)) for level in LEVELS))


def load_synthese() -> pd.DataFrame:
    """Baselines and targets of every level."""
    return parse_synthese(*(fetch(DATASET_ID, synthese_file(level)) for level in LEVELS))
