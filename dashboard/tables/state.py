"""State of the tables page (/tableaux) and its URL: parse a query string into a valid state, write it back.

Pure functions only: what the data allows (`TableChoices`) is built from the store by `dashboard.tables.views`
and passed in, so this module needs neither Dash nor Flask. The same query string drives the page, its
permalink and the download links (`/telecharger/<format>?<query>`), so a download is exactly the view.

Query parameters (all optional; a bad value is ignored with a French notice):

- `onglet`: `territoires` (default) or `residences`;
- `niveau`: `commune`, `epci` (default) or `departement`;
- `indicateurs`: indicator ids separated by commas (columns follow the catalogue order);
- `dep`, `epci`: département codes and EPCI SIREN codes separated by commas;
- `min_<indicator>`, `max_<indicator>`: value thresholds (decimal point or comma), bounds included;
- `tri`: column id of the territories table, `-` in front for descending order;
- `types`: establishment types of the residences list; `tri_residences`: its sort column.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

TAB_TERRITORIES = "territoires"
TAB_RESIDENCES = "residences"
TABS = (TAB_TERRITORIES, TAB_RESIDENCES)

LEVEL_COMMUNE = "commune"
LEVEL_EPCI = "epci"
LEVEL_DEPARTEMENT = "departement"
LEVELS = (LEVEL_COMMUNE, LEVEL_EPCI, LEVEL_DEPARTEMENT)
LEVEL_LABELS = {LEVEL_COMMUNE: "Communes", LEVEL_EPCI: "EPCI", LEVEL_DEPARTEMENT: "Départements"}
LEVEL_PLURAL = {LEVEL_COMMUNE: "communes", LEVEL_EPCI: "EPCI", LEVEL_DEPARTEMENT: "départements"}
LEVEL_SINGULAR = {LEVEL_COMMUNE: "commune", LEVEL_EPCI: "EPCI", LEVEL_DEPARTEMENT: "département"}
DEFAULT_LEVEL = LEVEL_EPCI

# Shown when the URL names no indicator (ids of the catalogue, kept only when available at the level).
DEFAULT_INDICATORS = (
    "population",
    "taux_pauvrete",
    "revenu_median",
    "taux_vacance",
    "nb_residence_sociale",
    "residence_sociale_pour_10000",
    "nb_pension_de_famille",
    "lda_relogements",
)
MAX_THRESHOLDS = 3

# Columns of the territories table before the indicators, per level: (id, French label).
BASE_COLUMNS = {
    LEVEL_COMMUNE: (
        ("code", "Code commune"),
        ("nom", "Commune"),
        ("departement", "Département"),
        ("code_epci", "Code EPCI"),
        ("epci", "EPCI"),
    ),
    LEVEL_EPCI: (
        ("code", "Code EPCI (SIREN)"),
        ("nom", "EPCI"),
        ("nature", "Nature"),
        ("departement", "Département principal"),
    ),
    LEVEL_DEPARTEMENT: (
        ("code", "Code département"),
        ("nom", "Département"),
    ),
}
COVERAGE_PREFIX = "couverture_"

# Columns of the residences list: (id, French label).
RESIDENCE_COLUMNS = (
    ("finess", "N° FINESS"),
    ("nom", "Nom de l'établissement"),
    ("type", "Type"),
    ("famille", "Famille"),
    ("code_commune", "Code commune"),
    ("commune", "Commune"),
    ("code_epci", "Code EPCI"),
    ("epci", "EPCI"),
    ("departement", "Département"),
    ("ouverture", "Date d'ouverture"),
    ("longitude", "Longitude"),
    ("latitude", "Latitude"),
)

PARAM_TAB = "onglet"
PARAM_LEVEL = "niveau"
PARAM_INDICATORS = "indicateurs"
PARAM_DEPARTEMENTS = "dep"
PARAM_EPCIS = "epci"
PARAM_SORT = "tri"
PARAM_TYPES = "types"
PARAM_RESIDENCE_SORT = "tri_residences"
PREFIX_MIN = "min_"
PREFIX_MAX = "max_"


@dataclass(frozen=True)
class Threshold:
    """Keep the rows whose value of `indicator` lies within [minimum, maximum] (a missing bound is open)."""

    indicator: str
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Sort:
    column: str
    descending: bool = False

    def to_param(self) -> str:
        return f"-{self.column}" if self.descending else self.column


@dataclass(frozen=True)
class TableChoices:
    """The valid values of each parameter, from the data."""

    indicators: Mapping[str, tuple[str, ...]]  # level -> indicator ids available there, in catalogue order
    departements: tuple[str, ...] = ()
    epcis: tuple[str, ...] = ()
    residence_types: tuple[str, ...] = ()

    def available(self, level: str) -> tuple[str, ...]:
        return tuple(self.indicators.get(level, ()))


@dataclass(frozen=True)
class TableState:
    tab: str = TAB_TERRITORIES
    level: str = DEFAULT_LEVEL
    indicators: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()
    epcis: tuple[str, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    sort: Sort | None = None
    residence_types: tuple[str, ...] = ()
    residence_sort: Sort | None = None

    @property
    def uses_epci_filter(self) -> bool:
        """The EPCI filter applies to communes and EPCI, not to départements."""
        return self.level != LEVEL_DEPARTEMENT


@dataclass
class _Parse:
    """Notices gathered while parsing (a local accumulator, never shared)."""

    notices: list[str] = field(default_factory=list)

    def note(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)


def _values(raw: str | Sequence[str] | None) -> list[str]:
    """Comma-separated values of a parameter (repeated parameters are joined)."""
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def _single(raw: str | Sequence[str] | None) -> str | None:
    values = _values(raw)
    return values[0] if values else None


def _raw(raw: str | Sequence[str] | None) -> str | None:
    """The first non-empty value of a parameter, as typed."""
    items = [raw] if isinstance(raw, str) else list(raw or [])
    values = [str(item).strip() for item in items if str(item).strip()]
    return values[0] if values else None


def parse_number(text: str | float | int | None) -> float | None:
    """A French or English decimal number ('12,5' or '12.5'); None when empty or not a finite number."""
    if text is None:
        return None
    if isinstance(text, int | float):
        return float(text) if math.isfinite(text) else None
    cleaned = str(text).strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def format_number(value: float) -> str:
    """A threshold as written in the URL: no trailing '.0', decimal point."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def sort_columns(level: str, indicators: Sequence[str]) -> tuple[str, ...]:
    """Column ids of the territories table that can be sorted on."""
    base = tuple(column for column, _label in BASE_COLUMNS[level])
    return base + tuple(indicators) + tuple(f"{COVERAGE_PREFIX}{indicator}" for indicator in indicators)


def _parse_sort(raw: str | None, allowed: Sequence[str], parse: _Parse) -> Sort | None:
    if not raw:
        return None
    descending = raw.startswith("-")
    column = raw.lstrip("-")
    if column not in allowed:
        parse.note(f"Tri « {raw} » impossible : cette colonne n'est pas dans le tableau, ordre par défaut.")
        return None
    return Sort(column, descending)


def _keep_known(values: list[str], allowed: Sequence[str], what: str, parse: _Parse) -> tuple[str, ...]:
    """The known values, in the order of `allowed` (so that equal filters give equal URLs)."""
    kept: set[str] = set()
    for value in values:
        if value not in allowed:
            parse.note(f"{what} « {value} » inconnu, ignoré.")
        else:
            kept.add(value)
    return tuple(value for value in allowed if value in kept)


def _parse_thresholds(
    query: Mapping[str, str | Sequence[str]], level: str, choices: TableChoices, parse: _Parse
) -> list[Threshold]:
    bounds: dict[str, dict[str, float]] = {}
    for key in query:
        for prefix, bound in ((PREFIX_MIN, "minimum"), (PREFIX_MAX, "maximum")):
            if not key.startswith(prefix):
                continue
            indicator = key[len(prefix) :]
            text = _raw(query[key])  # not split on commas: '12,5' is a French decimal
            if text is None:
                continue
            value = parse_number(text)
            if indicator not in choices.available(level):
                parse.note(f"Seuil « {key} » ignoré : indicateur inconnu ou non disponible à ce niveau.")
            elif value is None:
                parse.note(f"Seuil « {key}={text} » ignoré : un nombre est attendu.")
            else:
                bounds.setdefault(indicator, {})[bound] = value
    thresholds = []
    for indicator, bound in bounds.items():
        minimum, maximum = bound.get("minimum"), bound.get("maximum")
        if minimum is not None and maximum is not None and minimum > maximum:
            parse.note(f"Seuils de « {indicator} » ignorés : le minimum dépasse le maximum.")
            continue
        thresholds.append(Threshold(indicator, minimum, maximum))
    if len(thresholds) > MAX_THRESHOLDS:
        parse.note(f"Seuls les {MAX_THRESHOLDS} premiers seuils sont appliqués.")
    return thresholds[:MAX_THRESHOLDS]


def parse_query(query: Mapping[str, str | Sequence[str]], choices: TableChoices) -> tuple[TableState, list[str]]:
    """The state named by a query string (as a mapping), with a French notice for every value ignored."""
    parse = _Parse()
    known = {
        PARAM_TAB,
        PARAM_LEVEL,
        PARAM_INDICATORS,
        PARAM_DEPARTEMENTS,
        PARAM_EPCIS,
        PARAM_SORT,
        PARAM_TYPES,
        PARAM_RESIDENCE_SORT,
    }
    for key in query:
        if key not in known and not key.startswith((PREFIX_MIN, PREFIX_MAX)):
            parse.note(f"Paramètre « {key} » inconnu, ignoré.")

    tab = _single(query.get(PARAM_TAB)) or TAB_TERRITORIES
    if tab not in TABS:
        parse.note(f"Onglet « {tab} » inconnu : affichage des territoires.")
        tab = TAB_TERRITORIES

    level = _single(query.get(PARAM_LEVEL)) or DEFAULT_LEVEL
    if level not in LEVELS:
        parse.note(f"Niveau « {level} » inconnu : affichage par {LEVEL_SINGULAR[DEFAULT_LEVEL]}.")
        level = DEFAULT_LEVEL
    available = choices.available(level)

    indicators: list[str] = []
    for indicator in _values(query.get(PARAM_INDICATORS)):
        if indicator not in available:
            parse.note(
                f"Indicateur « {indicator} » inconnu ou non disponible au niveau {LEVEL_SINGULAR[level]}, ignoré."
            )
        elif indicator not in indicators:
            indicators.append(indicator)

    thresholds = _parse_thresholds(query, level, choices, parse)
    for threshold in thresholds:
        if threshold.indicator not in indicators:
            indicators.append(threshold.indicator)
    if not indicators:
        indicators = default_indicators(level, choices)
    # Columns follow the catalogue order (grouped by theme), whatever the order of the URL.
    indicators.sort(key=available.index)

    departements = _keep_known(_values(query.get(PARAM_DEPARTEMENTS)), choices.departements, "Département", parse)
    epcis = _keep_known(_values(query.get(PARAM_EPCIS)), choices.epcis, "EPCI", parse)
    types = _keep_known(_values(query.get(PARAM_TYPES)), choices.residence_types, "Type d'établissement", parse)
    sort = _parse_sort(_single(query.get(PARAM_SORT)), sort_columns(level, indicators), parse)
    residence_sort = _parse_sort(
        _single(query.get(PARAM_RESIDENCE_SORT)), [column for column, _label in RESIDENCE_COLUMNS], parse
    )
    state = TableState(
        tab=tab,
        level=level,
        indicators=tuple(indicators),
        departements=departements,
        epcis=epcis,
        thresholds=tuple(thresholds),
        sort=sort,
        residence_types=types,
        residence_sort=residence_sort,
    )
    return state, parse.notices


def default_indicators(level: str, choices: TableChoices) -> list[str]:
    available = choices.available(level)
    defaults = [indicator for indicator in DEFAULT_INDICATORS if indicator in available]
    return defaults or list(available[:5])


def to_params(state: TableState) -> list[tuple[str, str]]:
    """The canonical query parameters of a state, in a stable order."""
    params: list[tuple[str, str]] = []
    if state.tab != TAB_TERRITORIES:
        params.append((PARAM_TAB, state.tab))
    params.append((PARAM_LEVEL, state.level))
    if state.indicators:
        params.append((PARAM_INDICATORS, ",".join(state.indicators)))
    if state.departements:
        params.append((PARAM_DEPARTEMENTS, ",".join(state.departements)))
    if state.epcis and state.uses_epci_filter:
        params.append((PARAM_EPCIS, ",".join(state.epcis)))
    for threshold in state.thresholds:
        if threshold.minimum is not None:
            params.append((f"{PREFIX_MIN}{threshold.indicator}", format_number(threshold.minimum)))
        if threshold.maximum is not None:
            params.append((f"{PREFIX_MAX}{threshold.indicator}", format_number(threshold.maximum)))
    if state.sort is not None:
        params.append((PARAM_SORT, state.sort.to_param()))
    if state.residence_types:
        params.append((PARAM_TYPES, ",".join(state.residence_types)))
    if state.residence_sort is not None:
        params.append((PARAM_RESIDENCE_SORT, state.residence_sort.to_param()))
    return params


def to_query(state: TableState) -> str:
    """The canonical query string of a state (without '?'); commas are kept readable."""
    return urlencode(to_params(state), safe=",")


def from_controls(
    choices: TableChoices,
    *,
    tab: str | None,
    level: str | None,
    indicators: Sequence[str] | None,
    departements: Sequence[str] | None,
    epcis: Sequence[str] | None,
    thresholds: Sequence[tuple[str | None, object, object]] = (),
    residence_types: Sequence[str] | None = (),
    sort: str | None = None,
    residence_sort: str | None = None,
) -> TableState:
    """The state shown by the page controls, validated exactly like a URL (bad values are dropped).

    `thresholds` holds (indicator, minimum, maximum) as typed; `sort` and `residence_sort` are URL values
    ('taux_pauvrete', '-population'). A sort on a column that left the table is dropped.
    """
    query: dict[str, str] = {
        PARAM_TAB: tab or TAB_TERRITORIES,
        PARAM_LEVEL: level or DEFAULT_LEVEL,
        PARAM_INDICATORS: ",".join(indicators or ()),
        PARAM_DEPARTEMENTS: ",".join(departements or ()),
        PARAM_EPCIS: ",".join(epcis or ()),
        PARAM_TYPES: ",".join(residence_types or ()),
        PARAM_SORT: sort or "",
        PARAM_RESIDENCE_SORT: residence_sort or "",
    }
    for indicator, minimum, maximum in thresholds:
        if not indicator:
            continue
        for prefix, bound in ((PREFIX_MIN, minimum), (PREFIX_MAX, maximum)):
            number = parse_number(bound)  # type: ignore[arg-type]
            if number is not None:
                query[f"{prefix}{indicator}"] = format_number(number)
    state, _notices = parse_query(query, choices)
    return state


def with_sort(state: TableState, sort: Sort | None, *, residences: bool = False) -> TableState:
    return replace(state, residence_sort=sort) if residences else replace(state, sort=sort)


def sort_from_column_state(column_state: Sequence[Mapping[str, object]] | None) -> Sort | None:
    """The sort of an AG Grid `columnState` (the column with the lowest sortIndex)."""
    sorted_columns = [
        column for column in column_state or () if column.get("sort") in ("asc", "desc") and column.get("colId")
    ]
    if not sorted_columns:
        return None
    first = min(sorted_columns, key=lambda column: column.get("sortIndex") or 0)
    return Sort(str(first["colId"]), first["sort"] == "desc")
