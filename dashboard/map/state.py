"""State of the map explorer and its URL, declared with the URL-state kit (`dashboard.core.url_state`).

Pure functions: what the data allows (`MapChoices`) is built from the store by `choices_from_store`
and passed in. Every parameter is optional; a bad value falls back to its default with a French notice.

- `indicateur`: indicator id of the catalogue (available in open data);
- `niveau`: `epci` (default), `commune` or `departement`;
- `classement`: `quantiles` (default), `seuils-naturels` or `intervalles-egaux`;
- `classes`: number of classes, 3 to 7 (default 5);
- `reference`: `auto` (default: sequential palette) or `region` (diverging around the région's value);
- `palette`: `bleus` (default, left out of the address), `viridis` or `cividis` (`dashboard.map.palette`);
- `couches`: establishment types shown as points, separated by commas, or `aucune`;
- `poids`, `normalisation`, `approximations`: the need index's settings, read and written by
  `dashboard.needs.state` (written only when the map shows the index);
- `territoire`: code of the selected territory at the chosen level (SIREN for an EPCI);
- `projets`: planned residences (« Projet envisagé », `dashboard.needs.projects`), shown in the panel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from dashboard.core import catalogue
from dashboard.core.catalogue import FEATURED_MAP, featured, map_levels
from dashboard.core.levels import FAMILY_RESIDENCE, LEVEL_EPCI
from dashboard.core.store import Store
from dashboard.core.url_state import Invalid, Param, Reading, UrlState, choice, integer, quoted
from dashboard.map.classification import DEFAULT_CLASSES, MAX_CLASSES, MIN_CLASSES, SCHEME_QUANTILES, SCHEMES
from dashboard.map.figure import layer_types
from dashboard.map.palette import PALETTE_DEFAULT, PALETTE_LABELS, REFERENCE_AUTO, REFERENCES
from dashboard.needs import analysis as needs_store
from dashboard.needs import model as needs
from dashboard.needs import state as needs_state
from dashboard.needs.projects import (
    NO_CHOICES,
    Project,
    ProjectChoices,
    project_choices,
    read_projects,
    write_projects,
)

PARAM_INDICATOR = "indicateur"
PARAM_LEVEL = "niveau"
PARAM_SCHEME = "classement"
PARAM_CLASSES = "classes"
PARAM_REFERENCE = "reference"
PARAM_PALETTE = "palette"
PARAM_LAYERS = "couches"
PARAM_TERRITORY = "territoire"
NO_LAYER = "aucune"


@dataclass(frozen=True)
class MapChoices:
    """What the data allows: valid indicators, unavailable ones (id → official source), layers, codes."""

    indicators: tuple[str, ...]
    unavailable: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    layers: tuple[str, ...] = ()
    default_layers: tuple[str, ...] = ()
    codes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    featured: tuple[str, ...] = ()  # what the map opens on, by preference (the need index, then the catalogue's)
    projects: ProjectChoices = NO_CHOICES  # what a planned residence may be

    @property
    def default_indicator(self) -> str | None:
        shown = next((key for key in self.featured if key in self.indicators), None)
        if shown:
            return shown
        return self.indicators[0] if self.indicators else None

    def default_indicator_at(self, level: str) -> str | None:
        """What an address naming a level but no indicator shows: the need index exists by EPCI only, so the
        communes and départements open on the catalogue's featured indicator."""
        if level == LEVEL_EPCI:
            return self.default_indicator
        return (
            next((key for key in self.featured if key in self.indicators and key != needs_store.SCORE_INDICATOR), None)
            or self.default_indicator
        )


@dataclass(frozen=True)
class MapState:
    """The view of the map explorer, as the address describes it."""

    indicator: str | None
    level: str = LEVEL_EPCI
    scheme: str = SCHEME_QUANTILES
    classes: int = DEFAULT_CLASSES
    reference: str = REFERENCE_AUTO
    layers: tuple[str, ...] = ()
    territory: str | None = None
    #: Weights and normalisation of the needs score (used when `indicator` is the score).
    score: needs_state.NeedsState = field(default_factory=needs_state.default_state)
    projects: tuple[Project, ...] = ()
    palette: str = PALETTE_DEFAULT  # a key of dashboard.map.palette.PALETTES


def choices_from_store(store: Store) -> MapChoices:
    """What the built data allows (the need index comes last, when its indicators exist); derived once per store."""
    return store.derived("map_choices", _choices)


def _choices(store: Store) -> MapChoices:
    entries = catalogue.indicator_entries(store)
    typology = store.catalogue.get("residence_types", {})
    available = tuple(catalogue.available_indicators(store))
    # The needs score (pseudo-indicator, EPCI level) comes last in the list: computed from the store's indicators.
    # It is what the map opens on, when it can be computed (it varies across the région; the catalogue's featured
    # map indicator, a count of existing residences, is 0 in half of the EPCIs): the product's question first.
    opening = featured(store, FEATURED_MAP)
    if LEVEL_EPCI in store.display and any(candidate.indicator in available for candidate in needs.CANDIDATES):
        available += (needs_store.SCORE_INDICATOR,)
        opening = (needs_store.SCORE_INDICATOR, *opening)
    return MapChoices(
        indicators=available,
        unavailable={
            key: entry.get("official_source") or "" for key, entry in entries.items() if not entry.get("available")
        },
        labels={key: entry.get("label", key) for key, entry in entries.items()}
        | {needs_store.SCORE_INDICATOR: needs_store.SCORE_LABEL},
        layers=tuple(layer_types(store)),
        default_layers=tuple(typology.get(FAMILY_RESIDENCE, [])),
        codes={level: frozenset(store.display[level].codes) for level in map_levels(store)},
        featured=opening,
        projects=project_choices(store),
    )


def default_state(choices: MapChoices) -> MapState:
    """The view of an address without parameters: the featured indicator by EPCI."""
    return MapState(indicator=choices.default_indicator, layers=choices.default_layers)


# --- Readers of the parameters that the kit's `choice`, `integer` and `codes` do not cover ----------------


def read_indicator(text: str, reading: Reading) -> str:
    """An available indicator; one missing from open data is named with its official source."""
    choices: MapChoices = reading.choices
    if text in choices.indicators:
        return text
    if text in choices.unavailable:
        source = choices.unavailable[text]
        raise Invalid(
            f"L'indicateur « {choices.labels.get(text, text)} » n'est pas disponible en données ouvertes"
            + (f" (source officielle : {source})" if source else "")
            + " : l'indicateur par défaut est affiché."
        )
    raise Invalid(f"Indicateur « {quoted(text)} » inconnu : l'indicateur par défaut est affiché.")


def read_level(text: str, reading: Reading) -> str:
    """A map level (EPCI, commune, département; région for a France build)."""
    if text in reading.choices.codes:
        return text
    raise Invalid(f"Niveau « {quoted(text)} » inconnu : la carte est affichée par EPCI.")


def read_layers(text: str, reading: Reading) -> tuple[str, ...]:
    """Known layers in trace order; unknown ones are dropped with a notice, and when none is known the
    default layers stay."""
    known_layers = reading.choices.layers
    asked = [] if text.strip() in ("", NO_LAYER) else [part.strip() for part in text.split(",")]
    unknown = ", ".join(f"« {quoted(part)} »" for part in asked if part not in known_layers)
    known = tuple(kind for kind in known_layers if kind in asked)
    if unknown and not known:
        raise Invalid(f"Couche(s) inconnue(s) ignorée(s) : {unknown} ; couches par défaut affichées.")
    if unknown:
        reading.note(f"Couche(s) inconnue(s) ignorée(s) : {unknown}.")
    return known


def read_territory(text: str, reading: Reading) -> str | None:
    """A territory of the level read before it (an empty value selects none, silently)."""
    if not text:
        return None
    if text in reading.choices.codes.get(reading.state.level, frozenset()):
        return text
    raise Invalid(f"Territoire « {quoted(text)} » introuvable à ce niveau : aucun territoire n'est sélectionné.")


def index_param(name: str) -> Param:
    """One of the need index's parameters: `dashboard.needs.state` reads it into the state's `score`
    (with the index's parameters read before it, written back as they were read) and writes it."""

    def read(text: str, reading: Reading) -> needs_state.NeedsState:
        before = dict(needs_state.needs_pairs(reading.state.score, only=needs_state.INDEX_PARAMS))
        score, notices = needs_state.parse_needs({**before, name: text}, only=needs_state.INDEX_PARAMS)
        for notice in notices:
            reading.note(notice)
        return score

    def write(score: needs_state.NeedsState) -> str | None:
        return dict(needs_state.needs_pairs(score, only=(name,))).get(name)

    return Param(name, "score", read, write)


VIEW = UrlState(
    (
        Param(PARAM_INDICATOR, "indicator", read_indicator, lambda indicator: indicator or ""),
        Param(PARAM_LEVEL, "level", read_level, str),
        choice(PARAM_SCHEME, "scheme", SCHEMES, "les quantiles sont utilisés", what="Méthode de classement"),
        integer(
            PARAM_CLASSES,
            "classes",
            MIN_CLASSES,
            MAX_CLASSES,
            "Nombre de classes",
            f"{DEFAULT_CLASSES} classes sont utilisées",
        ),
        choice(PARAM_REFERENCE, "reference", REFERENCES, "la palette par défaut est utilisée", what="Référence"),
        choice(
            PARAM_PALETTE,
            "palette",
            PALETTE_LABELS,
            "la palette par défaut est utilisée",
            what="Palette",
            write=lambda palette: None if palette == PALETTE_DEFAULT else palette,
        ),
        Param(PARAM_LAYERS, "layers", read_layers, lambda layers: ",".join(layers) or NO_LAYER),
    )
)
INDEX = UrlState(tuple(index_param(name) for name in needs_state.INDEX_PARAMS))
TERRITORY = UrlState((Param(PARAM_TERRITORY, "territory", read_territory, lambda code: code or None),))
PROJECTS = UrlState((Param(needs_state.PARAM_PROJECTS, "projects", read_projects, write_projects),))
#: Every parameter, in reading order: the territory after the level it depends on.
MAP = VIEW + INDEX + TERRITORY + PROJECTS
PARAMS = MAP.names


def parse_state(query: Mapping[str, str | Sequence[str]], choices: MapChoices) -> tuple[MapState, list[str]]:
    """The state a query string asks for, and a French notice for each value that was replaced."""
    state, notices = MAP.parse(query, default_state(choices), choices)
    if not query.get(PARAM_INDICATOR) and state.level != LEVEL_EPCI:
        state = replace(state, indicator=choices.default_indicator_at(state.level))
    return state, notices


def serialise_state(state: MapState) -> str:
    """The query string (with its leading « ? ») that restores `state`; parse_state reads it back.

    The need index's parameters come last, and only when the map shows the index."""
    shown = VIEW + TERRITORY
    if state.indicator == needs_store.SCORE_INDICATOR:
        shown += INDEX
    return (shown + PROJECTS).serialise(state)


def state_from_controls(
    choices: MapChoices,
    indicator: str | None,
    level: str | None,
    scheme: str | None,
    classes: int | str | None,
    reference: str | None,
    layers: Sequence[str] | None,
    territory: str | None,
    score: needs_state.NeedsState | None = None,
    projects: str | None = None,
    palette: str | None = None,
) -> MapState:
    """The state of the page's controls, each value checked like a URL parameter (bad → default)."""
    query: dict[str, str] = {}
    for name, value in (
        (PARAM_INDICATOR, indicator),
        (PARAM_LEVEL, level),
        (PARAM_SCHEME, scheme),
        (PARAM_CLASSES, classes),
        (PARAM_REFERENCE, reference),
        (PARAM_PALETTE, palette),
        (PARAM_TERRITORY, territory),
        (needs_state.PARAM_PROJECTS, projects),
    ):
        if value is not None:
            query[name] = str(value)
    query[PARAM_LAYERS] = ",".join(layers or []) or NO_LAYER
    state, _ = parse_state(query, choices)
    return replace(state, score=score) if score is not None else state
