"""The comparison's address: `territoires` (2 to 4 codes of communes, EPCI or départements, comma-separated; in a
France build also régions, written « R32 » since their codes are those of départements too) and `indicateurs`
(indicator ids, comma-separated), read and written with the URL-state kit."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.core import catalogue, routes
from dashboard.core.levels import LEVEL_COMMUNE, LEVEL_DEPARTEMENT, LEVEL_EPCI, LEVEL_REGION
from dashboard.core.perimeter import perimeter
from dashboard.core.store import Store
from dashboard.core.url_state import Invalid, Param, Reading, UrlState, codes, quoted

PARAM_TERRITORIES = "territoires"
PARAM_INDICATORS = "indicateurs"
MIN_TERRITORIES, MAX_TERRITORIES = 2, 4
MAX_INDICATORS = 12
#: The levels a territory of the comparison can be, in the order the picker lists them (régions: France builds).
LEVELS = (LEVEL_REGION, LEVEL_DEPARTEMENT, LEVEL_EPCI, LEVEL_COMMUNE)
#: Before a région's code in the address and the picker (« R32 »: département 32 is the Gers).
REGION_PREFIX = "R"


@dataclass(frozen=True)
class CompareChoices:
    """What the data allows: each territory code's level and name, the indicators in catalogue order."""

    territories: dict[str, tuple[str, str]]  # code -> (level, name)
    indicators: tuple[str, ...]
    defaults: tuple[str, ...]


@dataclass(frozen=True)
class CompareState:
    territories: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()


def choices_from_store(store: Store) -> CompareChoices:
    """The comparison's choices, read once per loaded store (every callback of the page needs them)."""
    return store.derived("comparison_choices", _read_choices)


def _read_choices(store: Store) -> CompareChoices:
    built = perimeter(store)
    territories = {f"{REGION_PREFIX}{code}": (LEVEL_REGION, name) for code, name in built.regions if built.is_france}
    territories |= {
        str(code): (level, str(name))
        for level in LEVELS[1:]
        if level in store.display
        for code, name in zip(store.display[level].features["code"], store.display[level].features["name"], strict=True)
    }
    available = tuple(catalogue.available_indicators(store))
    defaults = tuple(key for key in catalogue.featured(store, catalogue.FEATURED_COMPARISON) if key in available)
    return CompareChoices(territories, available, defaults)


def _territories(text: str, reading: Reading) -> tuple[str, ...]:
    known = reading.choices.territories
    asked = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [quoted(code, 12) for code in asked if code not in known]
    if unknown:
        reading.note(f"Territoire(s) inconnu(s) ignoré(s) : {', '.join(unknown[:10])}.")
    kept = [code for code in asked if code in known]
    if len(kept) > MAX_TERRITORIES:
        reading.note(f"{MAX_TERRITORIES} territoires au plus : les suivants sont ignorés.")
    if not kept:
        raise Invalid("Aucun territoire reconnu dans « territoires » : choisissez-en de 2 à 4.")
    return tuple(kept[:MAX_TERRITORIES])


COMPARE_URL = UrlState(
    (
        Param(PARAM_TERRITORIES, "territories", _territories, lambda value: ",".join(value) if value else None),
        codes(PARAM_INDICATORS, "indicators", lambda reading: reading.choices.indicators, "Indicateur(s)"),
    )
)


def default_state(choices: CompareChoices) -> CompareState:
    return CompareState(indicators=choices.defaults)


def parse_state(query: dict, choices: CompareChoices) -> tuple[CompareState, list[str]]:
    """The comparison the address asks for, and one French notice per value ignored."""
    state, notices = COMPARE_URL.parse(query, default_state(choices), choices)
    if not state.indicators:
        state = CompareState(state.territories, choices.defaults)
    if len(state.indicators) > MAX_INDICATORS:
        notices.append(f"{MAX_INDICATORS} indicateurs au plus : les suivants sont ignorés.")
        state = CompareState(state.territories, state.indicators[:MAX_INDICATORS])
    return state, notices


def serialise_state(state: CompareState) -> str:
    return COMPARE_URL.serialise(state)


def territory_code(value: str, level: str) -> str:
    """The territory code of a picker value (« R32 » → « 32 » for a région)."""
    return value.removeprefix(REGION_PREFIX) if level == LEVEL_REGION else value


def compare_href(code: str) -> str:
    """« Comparer avec… »: the comparison page starting from one territory (the visitor adds the others)."""
    return routes.COMPARE + serialise_state(CompareState(territories=(code,)))
