"""What a deck is made of: slide specs, what the data allows, and each slide's compact text.

A deck is a sequence of slides, written in one query parameter `d`, slides separated by « | », fields
by « : » and list items by « , »:

- `carte:<indicator>[:<level>[:<scheme>[:<classes>[:<reference>]]]]`: map of an indicator (EPCI by
  default, quantiles, 5 classes, sequential palette: trailing defaults are left out); the need index
  with other weights than the defaults is `carte:score_besoin:epci:quantiles:5:auto:<weights>`;
- `classement:<N>[:<weights>]`: the N first EPCI of the priority ranking (`dashboard.needs.analysis`, national
  reference, default weights unless given, written like the ranking page's `poids`:
  `part_minima_sociaux_2019:2,loyer_appartement:1`, indicators left out weigh 0 — the weights come last
  because they contain « : »);
- `territoire:<siren>`: an EPCI's key figures, priority and arguments;
- `comparaison:<siren>,<siren>…:<indicator>,<indicator>…`: EPCI side by side on chosen indicators;
- `scenario:<siren>:<type>.<places>.<commune>,…`: an EPCI before and after planned residences (« Projet
  envisagé », `dashboard.needs.projects`; in a deck the project's fields are separated by « . »).

Example: `?d=carte:taux_pauvrete|classement:10|territoire:200093201|comparaison:200093201,248000531:taux_pauvrete`.
Reading that text back is `dashboard.presentation.parsing`; the page's address, `dashboard.presentation.request`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from dashboard.core import catalogue
from dashboard.core.levels import LEVEL_BY, LEVEL_EPCI
from dashboard.core.store import Store
from dashboard.map import state as map_state
from dashboard.map.classification import DEFAULT_CLASSES, SCHEME_QUANTILES
from dashboard.map.palette import PALETTE_DEFAULT, REFERENCE_AUTO
from dashboard.needs import analysis as needs_store
from dashboard.needs import model as needs
from dashboard.needs.projects import NO_CHOICES, PART_SEPARATOR, Project, ProjectChoices, project_choices

SLIDE_SEPARATOR = "|"
FIELD_SEPARATOR = ":"
ITEM_SEPARATOR = ","

KIND_MAP = "carte"
KIND_RANKING = "classement"
KIND_TERRITORY = "territoire"
KIND_COMPARISON = "comparaison"
KIND_SCENARIO = "scenario"
#: The kinds the editor's form composes; a scenario is added from a fiche or the map (« Projet envisagé »).
FORM_KINDS = {
    KIND_MAP: "Carte d'un indicateur",
    KIND_RANKING: "Classement par priorité (places manquantes)",
    KIND_TERRITORY: "Fiche d'un territoire",
    KIND_COMPARISON: "Comparaison de territoires",
}
KINDS = {**FORM_KINDS, KIND_SCENARIO: "Scénario : projet envisagé"}
#: Separates the fields of one project inside a scenario slide (« : » separates the slide's fields).
PROJECT_FIELD_SEPARATOR = "."
#: Slides that have an image export (map and charts).
IMAGE_KINDS = (KIND_MAP, KIND_RANKING, KIND_COMPARISON)

MAX_SLIDES = 20
MIN_TOP, MAX_TOP, DEFAULT_TOP = 3, 25, 10
MIN_COMPARED, MAX_COMPARED = 2, 5
MAX_COMPARED_INDICATORS = 4
MAX_ARGUMENTS = 4

#: Key figures of a territory slide, when they exist at the EPCI level.
TERRITORY_FIGURES = (
    "population",
    "part_minima_sociaux_2019",
    "niveau_vie_median_2019",
    "taux_chomage",
    "nb_residence_sociale",
    "places_residence_sociale_pour_10000",
)
#: Indicators of the starting deck's maps.
EXAMPLE_MAP_INDICATORS = ("places_residence_sociale_pour_10000", "part_minima_sociaux_2019")

Weights = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class SlideSpec:
    """One slide as the URL states it (already validated against the data)."""

    kind: str
    indicator: str | None = None
    level: str = LEVEL_EPCI
    scheme: str = SCHEME_QUANTILES
    classes: int = DEFAULT_CLASSES
    reference: str = REFERENCE_AUTO
    top: int = DEFAULT_TOP
    weights: Weights = ()
    codes: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    projects: tuple[Project, ...] = ()
    palette: str = PALETTE_DEFAULT  # of a map (dashboard.map.palette.PALETTES)

    @property
    def token(self) -> str:
        return slide_token(self)

    @property
    def code(self) -> str | None:
        return self.codes[0] if self.codes else None


@dataclass(frozen=True)
class DeckChoices:
    """What the data allows: indicators and their map levels, labels, EPCI of the région, score inputs."""

    levels: Mapping[str, tuple[str, ...]]
    labels: Mapping[str, str] = field(default_factory=dict)
    unavailable: Mapping[str, str] = field(default_factory=dict)
    epcis: Mapping[str, str] = field(default_factory=dict)
    #: The catalogue's featured indicators of a map slide and of a comparison slide.
    map_featured: tuple[str, ...] = ()
    compared_featured: tuple[str, ...] = ()
    #: What a planned residence of a scenario slide may be.
    projects: ProjectChoices = NO_CHOICES

    @property
    def epci_indicators(self) -> tuple[str, ...]:
        """Indicators with values per EPCI (the need index, computed, is not one of them)."""
        return tuple(
            key for key, levels in self.levels.items() if LEVEL_EPCI in levels and key != needs_store.SCORE_INDICATOR
        )

    def label(self, indicator: str) -> str:
        return self.labels.get(indicator, indicator)

    def compared_defaults(self) -> list[str]:
        """The default indicators of a comparison that the data has per EPCI."""
        return [key for key in self.compared_featured if key in self.epci_indicators]


def choices_from_store(store: Store) -> DeckChoices:
    entries = catalogue.indicator_entries(store)
    epcis = store.display[LEVEL_EPCI].features if LEVEL_EPCI in store.display else None
    available = catalogue.available_indicators(store)
    mapped_at = {key: tuple(catalogue.indicator_levels(store, key)) for key in available}
    # The need index (dashboard.needs.model) can be mapped by EPCI, like on the map page.
    if epcis is not None and any(candidate.indicator in available for candidate in needs.CANDIDATES):
        mapped_at[needs_store.SCORE_INDICATOR] = (LEVEL_EPCI,)
    return DeckChoices(
        levels=mapped_at,
        labels={key: entry.get("label", key) for key, entry in entries.items()}
        | {needs_store.SCORE_INDICATOR: needs_store.SCORE_LABEL},
        unavailable={
            key: entry.get("official_source") or "" for key, entry in entries.items() if not entry.get("available")
        },
        epcis={} if epcis is None else dict(zip(epcis["code"], epcis["name"].astype(str), strict=True)),
        map_featured=catalogue.featured(store, catalogue.FEATURED_SLIDE_MAP),
        compared_featured=catalogue.featured(store, catalogue.FEATURED_SLIDE_COMPARISON),
        projects=project_choices(store),
    )


def default_weights() -> Weights:
    """The need index's default weights (those of the ranking page), positive ones only."""
    return tuple((indicator, weight) for indicator, weight in needs.default_weights() if weight > 0)


def chosen_weights(weights: Iterable[tuple[str, float]]) -> Weights:
    """The positive weights, or () when they are the defaults (left out of a slide's text)."""
    positive = tuple((indicator, weight) for indicator, weight in weights if weight > 0)
    return () if positive == default_weights() else positive


# --- Compact text -------------------------------------------------------------------------------------------


def _map_token(spec: SlideSpec) -> list[str]:
    fields = [spec.indicator or "", spec.level, spec.scheme, str(spec.classes), spec.reference]
    if spec.palette != PALETTE_DEFAULT:  # after the reference, before the weights
        fields.append(spec.palette)
    if spec.weights:  # the needs score with chosen weights: every field, then the weights
        return [*fields, needs.weights_text(spec.weights)]
    defaults = [None, LEVEL_EPCI, SCHEME_QUANTILES, str(DEFAULT_CLASSES), REFERENCE_AUTO]
    while 1 < len(fields) <= len(defaults) and fields[-1] == defaults[len(fields) - 1]:
        fields.pop()
    return fields


def _ranking_token(spec: SlideSpec) -> list[str]:
    return [str(spec.top), needs.weights_text(spec.weights)] if spec.weights else [str(spec.top)]


def _territory_token(spec: SlideSpec) -> list[str]:
    return [spec.code or ""]


def _comparison_token(spec: SlideSpec) -> list[str]:
    return [ITEM_SEPARATOR.join(spec.codes), ITEM_SEPARATOR.join(spec.indicators)]


def project_token(project: Project) -> str:
    """`pension_de_famille.25.80021`: a project as a scenario slide writes it."""
    return project.text.replace(PART_SEPARATOR, PROJECT_FIELD_SEPARATOR)


def _scenario_token(spec: SlideSpec) -> list[str]:
    return [spec.code or "", ITEM_SEPARATOR.join(project_token(project) for project in spec.projects)]


TOKEN_FIELDS = {
    KIND_MAP: _map_token,
    KIND_RANKING: _ranking_token,
    KIND_TERRITORY: _territory_token,
    KIND_COMPARISON: _comparison_token,
    KIND_SCENARIO: _scenario_token,
}


def slide_token(spec: SlideSpec) -> str:
    """The compact text of one slide (trailing default fields of a map are left out)."""
    if spec.kind not in TOKEN_FIELDS:
        raise ValueError(f"unknown slide kind {spec.kind!r}")
    return FIELD_SEPARATOR.join([spec.kind, *TOKEN_FIELDS[spec.kind](spec)])


def serialise_deck(slides: Iterable[SlideSpec]) -> str:
    return SLIDE_SEPARATOR.join(slide_token(spec) for spec in slides)


# --- Specs from other pages, and editing ----------------------------------------------------------------------


def ranking_spec(weights: Iterable[tuple[str, float]], top: int = DEFAULT_TOP) -> SlideSpec:
    """The ranking slide of a set of weights (the defaults are left out of its text)."""
    return SlideSpec(KIND_RANKING, top=top, weights=chosen_weights(weights))


def map_spec(state: map_state.MapState) -> SlideSpec | None:
    """The map slide of a state of the map page (« ajouter à la présentation »)."""
    if not state.indicator:
        return None
    score = state.indicator == needs_store.SCORE_INDICATOR
    return SlideSpec(
        KIND_MAP,
        indicator=state.indicator,
        level=state.level,
        scheme=state.scheme,
        classes=state.classes,
        reference=state.reference,
        weights=chosen_weights(state.score.weights) if score else (),
        palette=state.palette,
    )


def removed(slides: Sequence[SlideSpec], index: int) -> list[SlideSpec]:
    return [spec for position, spec in enumerate(slides) if position != index]


def moved(slides: Sequence[SlideSpec], index: int, offset: int) -> list[SlideSpec]:
    """`slides` with slide `index` moved by `offset` places (unchanged at the ends)."""
    target = index + offset
    result = list(slides)
    if 0 <= index < len(result) and 0 <= target < len(result):
        result.insert(target, result.pop(index))
    return result


def describe(spec: SlideSpec, choices: DeckChoices) -> str:
    """A short French description of a slide, for the editor's list."""
    if spec.kind == KIND_MAP:
        return f"Carte : {choices.label(spec.indicator or '')} {LEVEL_BY[spec.level]}"
    if spec.kind == KIND_RANKING:
        return f"Classement : {spec.top} premiers EPCI par places manquantes au regard du besoin" + (
            " (pondérations choisies)" if spec.weights else ""
        )
    if spec.kind == KIND_TERRITORY:
        return f"Territoire : {choices.epcis.get(spec.code or '', spec.code)}"
    if spec.kind == KIND_SCENARIO:
        places = sum(project.places for project in spec.projects)
        return (
            f"Scénario : {choices.epcis.get(spec.code or '', spec.code)} — {len(spec.projects)} projet(s), "
            f"{places} places"
        )
    names = ", ".join(choices.epcis.get(code, code) for code in spec.codes)
    indicators = ", ".join(choices.label(indicator) for indicator in spec.indicators)
    return f"Comparaison : {names} — {indicators}"
