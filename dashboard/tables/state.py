"""State of the tables page (/tableaux) and its URL: parse a query string into a valid state, write it back.

Pure functions only: what the data allows (`TableChoices`) is built from the store by `dashboard.tables.indicators`
and passed in, so this module needs neither Dash nor Flask. The same query string drives the page, its
permalink and the download links (`/telecharger/<format>?<query>`), so a download is exactly the view.

Query parameters (all optional; a bad value is ignored with a French notice), declared with the URL-state kit
(`dashboard.core.url_state`) except the thresholds, whose names depend on the indicator:

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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from dashboard.core.formatting import parse_number
from dashboard.core.url_state import Invalid, Param, Reading, UrlState, plain_decimal

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
MAX_THRESHOLDS = 3

# Columns of the territories table before the indicators, per level: (id, French label). The ids are the
# API's (`code_<niveau>`, `nom_<niveau>`); the name comes first, as on screen (where it is pinned left).
BASE_COLUMNS = {
    LEVEL_COMMUNE: (
        ("nom_commune", "Commune"),
        ("code_commune", "Code commune"),
        ("code_departement", "Département"),
        ("code_epci", "Code EPCI"),
        ("nom_epci", "EPCI"),
    ),
    LEVEL_EPCI: (
        ("nom_epci", "EPCI"),
        ("code_epci", "Code EPCI (SIREN)"),
        ("nature", "Nature"),
        ("code_departement", "Département principal"),
    ),
    LEVEL_DEPARTEMENT: (
        ("nom_departement", "Département"),
        ("code_departement", "Code département"),
    ),
}
#: Column ids before issue 19, still read in a sort of an old link (`tri=-nom`): level → old id → new id.
FORMER_COLUMNS = {
    LEVEL_COMMUNE: {
        "code": "code_commune",
        "nom": "nom_commune",
        "departement": "code_departement",
        "epci": "nom_epci",
    },
    LEVEL_EPCI: {"code": "code_epci", "nom": "nom_epci", "departement": "code_departement"},
    LEVEL_DEPARTEMENT: {"code": "code_departement", "nom": "nom_departement"},
    TAB_RESIDENCES: {
        "nom": "nom_etablissement",
        "commune": "nom_commune",
        "epci": "nom_epci",
        "departement": "code_departement",
    },
}
COVERAGE_PREFIX = "couverture_"

# Columns of the residences list: (id, French label).
RESIDENCE_COLUMNS = (
    ("nom_etablissement", "Nom de l'établissement"),
    ("finess", "N° FINESS"),
    ("type", "Type"),
    ("famille", "Famille"),
    ("code_commune", "Code commune"),
    ("nom_commune", "Commune"),
    ("code_epci", "Code EPCI"),
    ("nom_epci", "EPCI"),
    ("code_departement", "Département"),
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
#: Prefix of a threshold parameter → the bound of `Threshold` it sets.
THRESHOLD_PREFIXES = {PREFIX_MIN: "minimum", PREFIX_MAX: "maximum"}


def threshold_number(text: str | float | None) -> float | None:
    """A threshold typed in the page or the address: a finite number, else None (« 1 » followed by 400 zeros is
    no threshold)."""
    value = parse_number(text)
    return value if value is not None and math.isfinite(value) else None


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
    featured: tuple[str, ...] = ()  # the catalogue's featured indicators of the tables page

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


def sort_columns(level: str, indicators: Sequence[str]) -> tuple[str, ...]:
    """Column ids of the territories table that can be sorted on."""
    base = tuple(column for column, _label in BASE_COLUMNS[level])
    return base + tuple(indicators) + tuple(f"{COVERAGE_PREFIX}{indicator}" for indicator in indicators)


def _parts(text: str) -> list[str]:
    """The comma-separated values of a parameter's text."""
    return [part.strip() for part in text.split(",") if part.strip()]


def _first(text: str) -> str | None:
    parts = _parts(text)
    return parts[0] if parts else None


def _one_of(values: Sequence[str], default: str, notice: Callable[[str], str]) -> Callable[[str, Reading], str]:
    """Reader of a single value among `values` (the first of a list); empty: `default`."""

    def read(text: str, _reading: Reading) -> str:
        value = _first(text) or default
        if value not in values:
            raise Invalid(notice(value))
        return value

    return read


def _read_indicators(text: str, reading: Reading) -> tuple[str, ...]:
    """The indicators available at the level already read, in the order asked (unknown ones noted)."""
    level = reading.state.level
    available = reading.choices.available(level)
    kept: list[str] = []
    for indicator in _parts(text):
        if indicator not in available:
            reading.note(
                f"Indicateur « {indicator} » inconnu ou non disponible au niveau {LEVEL_SINGULAR[level]}, ignoré."
            )
        elif indicator not in kept:
            kept.append(indicator)
    return tuple(kept)


def _known(allowed: Callable[[TableChoices], Sequence[str]], what: str) -> Callable[[str, Reading], tuple[str, ...]]:
    """Reader of a list of codes among `allowed(choices)`, kept in that order (so that equal filters give
    equal URLs); each unknown code is noted."""

    def read(text: str, reading: Reading) -> tuple[str, ...]:
        known = allowed(reading.choices)
        asked = _parts(text)
        for value in asked:
            if value not in known:
                reading.note(f"{what} « {value} » inconnu, ignoré.")
        return tuple(value for value in known if value in asked)

    return read


def _sort_reader(
    columns: Callable[[TableState], Sequence[str]], former: Callable[[TableState], Mapping[str, str]]
) -> Callable[[str, Reading], Sort | None]:
    """Reader of a sort ('column' or '-column') on one of `columns(state)` (a former column id is read as its
    new one)."""

    def read(text: str, reading: Reading) -> Sort | None:
        raw = _first(text)
        if not raw:
            return None
        column = raw.lstrip("-")
        column = former(reading.state).get(column, column)
        if column not in columns(reading.state):
            raise Invalid(f"Tri « {raw} » impossible : cette colonne n'est pas dans le tableau, ordre par défaut.")
        return Sort(column, raw.startswith("-"))

    return read


def _joined(values: Sequence[str]) -> str | None:
    return ",".join(values) if values else None


def _sort_text(sort: Sort | None) -> str | None:
    return sort.to_param() if sort is not None else None


TAB = Param(
    PARAM_TAB,
    "tab",
    _one_of(TABS, TAB_TERRITORIES, lambda tab: f"Onglet « {tab} » inconnu : affichage des territoires."),
    lambda tab: None if tab == TAB_TERRITORIES else tab,
)
LEVEL = Param(
    PARAM_LEVEL,
    "level",
    _one_of(
        LEVELS,
        DEFAULT_LEVEL,
        lambda level: f"Niveau « {level} » inconnu : affichage par {LEVEL_SINGULAR[DEFAULT_LEVEL]}.",
    ),
    str,
)
INDICATORS = Param(PARAM_INDICATORS, "indicators", _read_indicators, _joined)
DEPARTEMENTS = Param(
    PARAM_DEPARTEMENTS, "departements", _known(lambda choices: choices.departements, "Département"), _joined
)
EPCIS = Param(PARAM_EPCIS, "epcis", _known(lambda choices: choices.epcis, "EPCI"), _joined)
TYPES = Param(
    PARAM_TYPES, "residence_types", _known(lambda choices: choices.residence_types, "Type d'établissement"), _joined
)
SORT = Param(
    PARAM_SORT,
    "sort",
    _sort_reader(lambda state: sort_columns(state.level, state.indicators), lambda state: FORMER_COLUMNS[state.level]),
    _sort_text,
)
RESIDENCE_SORT = Param(
    PARAM_RESIDENCE_SORT,
    "residence_sort",
    _sort_reader(
        lambda _state: [column for column, _label in RESIDENCE_COLUMNS], lambda _state: FORMER_COLUMNS[TAB_RESIDENCES]
    ),
    _sort_text,
)
#: Read before the thresholds (which depend on the level), then after them (the sort depends on the columns).
BEFORE_THRESHOLDS = UrlState((TAB, LEVEL, INDICATORS))
AFTER_THRESHOLDS = UrlState((DEPARTEMENTS, EPCIS, TYPES, SORT, RESIDENCE_SORT))
PARAMS = BEFORE_THRESHOLDS + AFTER_THRESHOLDS


def _texts(query: Mapping[str, str | Sequence[str]]) -> dict[str, str]:
    """One text per declared parameter: repeated values joined by commas, like values of one list."""
    texts = {}
    for name in PARAMS.names:
        if name in query:
            raw = query[name]
            texts[name] = raw if isinstance(raw, str) else ",".join(str(item) for item in raw)
    return texts


def _first_typed(raw: str | Sequence[str]) -> str | None:
    """The first non-empty value of a parameter, as typed (not split on commas: '12,5' is a French decimal)."""
    items = [raw] if isinstance(raw, str) else list(raw)
    values = [str(item).strip() for item in items if str(item).strip()]
    return values[0] if values else None


def _threshold_bounds(
    query: Mapping[str, str | Sequence[str]], level: str, choices: TableChoices, notices: list[str]
) -> dict[str, dict[str, float]]:
    """The bounds typed in `min_<indicator>` and `max_<indicator>`, by indicator (bad ones noted)."""
    bounds: dict[str, dict[str, float]] = {}
    for key, raw in query.items():
        prefix = next((prefix for prefix in THRESHOLD_PREFIXES if key.startswith(prefix)), None)
        text = _first_typed(raw) if prefix else None
        if text is None:
            continue
        indicator, value = key[len(prefix) :], threshold_number(text)
        if indicator not in choices.available(level):
            notices.append(f"Seuil « {key} » ignoré : indicateur inconnu ou non disponible à ce niveau.")
        elif value is None:
            notices.append(f"Seuil « {key}={text} » ignoré : un nombre est attendu.")
        else:
            bounds.setdefault(indicator, {})[THRESHOLD_PREFIXES[prefix]] = value
    return bounds


def _parse_thresholds(
    query: Mapping[str, str | Sequence[str]], level: str, choices: TableChoices, notices: list[str]
) -> list[Threshold]:
    """The thresholds of the query (at most MAX_THRESHOLDS), each on an indicator available at `level`."""
    thresholds = []
    for indicator, bound in _threshold_bounds(query, level, choices, notices).items():
        minimum, maximum = bound.get("minimum"), bound.get("maximum")
        if minimum is not None and maximum is not None and minimum > maximum:
            notices.append(f"Seuils de « {indicator} » ignorés : le minimum dépasse le maximum.")
            continue
        thresholds.append(Threshold(indicator, minimum, maximum))
    if len(thresholds) > MAX_THRESHOLDS:
        notices.append(f"Seuls les {MAX_THRESHOLDS} premiers seuils sont appliqués.")
    return thresholds[:MAX_THRESHOLDS]


def _with_thresholds(state: TableState, thresholds: list[Threshold], choices: TableChoices) -> TableState:
    """The thresholds set, their indicators shown (the defaults when none), in catalogue order."""
    indicators = list(state.indicators)
    indicators += [t.indicator for t in thresholds if t.indicator not in indicators]
    if not indicators:
        indicators = default_indicators(state.level, choices)
    available = choices.available(state.level)
    # Columns follow the catalogue order (grouped by theme), whatever the order of the URL.
    indicators.sort(key=available.index)
    return replace(state, indicators=tuple(indicators), thresholds=tuple(thresholds))


def parse_query(query: Mapping[str, str | Sequence[str]], choices: TableChoices) -> tuple[TableState, list[str]]:
    """The state named by a query string (as a mapping), with a French notice for every value ignored."""
    notices = [
        f"Paramètre « {key} » inconnu, ignoré."
        for key in query
        if key not in PARAMS.names and not key.startswith(tuple(THRESHOLD_PREFIXES))
    ]
    texts = _texts(query)
    state, read = BEFORE_THRESHOLDS.parse(texts, TableState(), choices, strict=False)
    notices += read
    state = _with_thresholds(state, _parse_thresholds(query, state.level, choices, notices), choices)
    state, read = AFTER_THRESHOLDS.parse(texts, state, choices, strict=False)
    return state, list(dict.fromkeys(notices + read))


def default_indicators(level: str, choices: TableChoices) -> list[str]:
    available = choices.available(level)
    defaults = [indicator for indicator in choices.featured if indicator in available]
    return defaults or list(available[:5])


def threshold_params(state: TableState) -> list[tuple[str, str]]:
    """`min_<indicator>` and `max_<indicator>` of the state's thresholds."""
    params = []
    for threshold in state.thresholds:
        for prefix, bound in THRESHOLD_PREFIXES.items():
            value = getattr(threshold, bound)
            if value is not None:
                params.append((f"{prefix}{threshold.indicator}", plain_decimal(value)))
    return params


def to_params(state: TableState) -> list[tuple[str, str]]:
    """The canonical query parameters of a state, in a stable order."""
    perimeter = (DEPARTEMENTS, EPCIS) if state.uses_epci_filter else (DEPARTEMENTS,)
    return [
        *UrlState((TAB, LEVEL, INDICATORS, *perimeter)).pairs(state),
        *threshold_params(state),
        *UrlState((SORT, TYPES, RESIDENCE_SORT)).pairs(state),
    ]


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
            number = threshold_number(bound)  # type: ignore[arg-type]
            if number is not None:
                query[f"{prefix}{indicator}"] = plain_decimal(number)
    state, _notices = parse_query(query, choices)
    return state


def sort_from_column_state(column_state: Sequence[Mapping[str, object]] | None) -> Sort | None:
    """The sort of an AG Grid `columnState` (the column with the lowest sortIndex)."""
    sorted_columns = [
        column for column in column_state or () if column.get("sort") in ("asc", "desc") and column.get("colId")
    ]
    if not sorted_columns:
        return None
    first = min(sorted_columns, key=lambda column: column.get("sortIndex") or 0)
    return Sort(str(first["colId"]), first["sort"] == "desc")
