"""Committee presentation decks: compact URL encoding, validation and slide builders (pure functions).

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
- `comparaison:<siren>,<siren>…:<indicator>,<indicator>…`: EPCI side by side on chosen indicators.

Example: `?d=carte:taux_pauvrete|classement:10|territoire:200093201|comparaison:200093201,248000531:taux_pauvrete`.
A bad part is dropped with a French notice, never an error. Slide builders turn a valid spec into what
a slide shows (title, body, « Source : … », millésime); the page and the exports render them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

import pandas as pd

from dashboard.core import catalogue, formatting, routes
from dashboard.core.levels import LEVEL_BY, LEVEL_DEPARTEMENT, LEVEL_EPCI, LEVEL_REGION, LEVELS
from dashboard.core.perimeter import perimeter
from dashboard.core.store import Store
from dashboard.map import state as map_state
from dashboard.map import view as maps
from dashboard.needs import analysis as needs_store
from dashboard.needs import model as needs
from dashboard.needs import state as needs_state
from dashboard.needs import views as needs_views
from dashboard.needs.arguments import Argument
from dashboard.territory import fiche

PARAM_DECK = "d"
PARAM_ADD = "ajouter"
PARAM_VIEW = "vue"
VIEW_PRINT = "impression"
SLIDE_SEPARATOR = "|"
FIELD_SEPARATOR = ":"
ITEM_SEPARATOR = ","
#: Characters kept as they are in deck URLs (readable, and legal in a query string).
URL_SAFE = ":|,."

KIND_MAP = "carte"
KIND_RANKING = "classement"
KIND_TERRITORY = "territoire"
KIND_COMPARISON = "comparaison"
KINDS = {
    KIND_MAP: "Carte d'un indicateur",
    KIND_RANKING: "Classement par priorité (places manquantes)",
    KIND_TERRITORY: "Fiche d'un territoire",
    KIND_COMPARISON: "Comparaison de territoires",
}
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
DEFAULT_COMPARED_INDICATORS = ("part_minima_sociaux_2019", "places_residence_sociale_pour_10000")


# --- Specs and what the data allows ---------------------------------------------------------------------


@dataclass(frozen=True)
class SlideSpec:
    """One slide as the URL states it (already validated against the data)."""

    kind: str
    indicator: str | None = None
    level: str = LEVEL_EPCI
    scheme: str = maps.SCHEME_QUANTILES
    classes: int = maps.DEFAULT_CLASSES
    reference: str = maps.REFERENCE_AUTO
    top: int = DEFAULT_TOP
    weights: tuple[tuple[str, float], ...] = ()
    codes: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()

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

    @property
    def epci_indicators(self) -> tuple[str, ...]:
        """Indicators with values per EPCI (the need index, computed, is not one of them)."""
        return tuple(
            key for key, levels in self.levels.items() if LEVEL_EPCI in levels and key != needs_store.SCORE_INDICATOR
        )


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
    )


# --- Encoding ---------------------------------------------------------------------------------------------


def slide_token(spec: SlideSpec) -> str:
    """The compact text of one slide (trailing default fields of a map are left out)."""
    if spec.kind == KIND_MAP:
        fields = [spec.indicator or "", spec.level, spec.scheme, str(spec.classes), spec.reference]
        defaults = [None, LEVEL_EPCI, maps.SCHEME_QUANTILES, str(maps.DEFAULT_CLASSES), maps.REFERENCE_AUTO]
        if spec.weights:  # the needs score with chosen weights: every field, then the weights
            return FIELD_SEPARATOR.join([KIND_MAP, *fields, needs.weights_text(spec.weights)])
        while len(fields) > 1 and fields[-1] == defaults[len(fields) - 1]:
            fields.pop()
        return FIELD_SEPARATOR.join([KIND_MAP, *fields])
    if spec.kind == KIND_RANKING:
        fields = [KIND_RANKING, str(spec.top)]
        if spec.weights:
            fields.append(needs.weights_text(spec.weights))
        return FIELD_SEPARATOR.join(fields)
    if spec.kind == KIND_TERRITORY:
        return FIELD_SEPARATOR.join([KIND_TERRITORY, spec.code or ""])
    if spec.kind == KIND_COMPARISON:
        return FIELD_SEPARATOR.join(
            [KIND_COMPARISON, ITEM_SEPARATOR.join(spec.codes), ITEM_SEPARATOR.join(spec.indicators)]
        )
    raise ValueError(f"unknown slide kind {spec.kind!r}")


def serialise_deck(slides: Iterable[SlideSpec]) -> str:
    return SLIDE_SEPARATOR.join(slide_token(spec) for spec in slides)


def deck_query(slides: Sequence[SlideSpec], **extra: str) -> str:
    """« ?d=… » (with extra parameters), the separators kept readable."""
    pairs = [(PARAM_DECK, serialise_deck(slides))] if slides else []
    pairs += [(name, value) for name, value in extra.items() if value]
    if not pairs:
        return ""
    return "?" + "&".join(f"{name}={quote(value, safe=URL_SAFE)}" for name, value in pairs)


def deck_href(slides: Sequence[SlideSpec], **extra: str) -> str:
    return routes.PRESENTATION + deck_query(slides, **extra)


def ranking_spec(weights: Iterable[tuple[str, float]], top: int = DEFAULT_TOP) -> SlideSpec:
    """The ranking slide of a set of weights (the defaults are left out of its text)."""
    positive = tuple((indicator, weight) for indicator, weight in weights if weight > 0)
    return SlideSpec(KIND_RANKING, top=top, weights=() if positive == default_weights() else positive)


def add_href(spec: SlideSpec) -> str:
    """Link of an « ajouter à la présentation » button (presentation.js prepends the deck in progress)."""
    return f"{routes.PRESENTATION}?{PARAM_ADD}={quote(slide_token(spec), safe=URL_SAFE)}"


# --- Decoding and validation -------------------------------------------------------------------------------


def _label(choices: DeckChoices, indicator: str) -> str:
    return choices.labels.get(indicator, indicator)


def _indicator_problem(choices: DeckChoices, indicator: str) -> str:
    if indicator in choices.unavailable:
        source = choices.unavailable[indicator]
        where = f" (source officielle : {source})" if source else ""
        return f"l'indicateur « {_label(choices, indicator)} » n'est pas disponible en données ouvertes{where}"
    return f"indicateur « {indicator} » inconnu"


class SlideError(ValueError):
    """Why one part of a deck cannot be shown (a French phrase, completed by the caller)."""


def _parse_map(fields: list[str], choices: DeckChoices, notes: list[str]) -> SlideSpec:
    if not fields or not fields[0]:
        raise SlideError("indicateur manquant (carte:<indicateur>)")
    indicator = fields[0]
    score = indicator == needs_store.SCORE_INDICATOR
    if len(fields) > 5 and not score:
        raise SlideError("trop de champs (carte:<indicateur>:<niveau>:<classement>:<classes>:<référence>)")
    if indicator not in choices.levels:
        raise SlideError(_indicator_problem(choices, indicator))
    levels = choices.levels[indicator]
    if not levels:
        raise SlideError(f"l'indicateur « {_label(choices, indicator)} » n'a de valeur à aucun niveau de carte")
    level = fields[1] if len(fields) > 1 and fields[1] else LEVEL_EPCI
    if level not in LEVELS:
        raise SlideError(f"niveau « {level} » inconnu (epci, commune ou departement)")
    if level not in levels:
        notes.append(f"« {_label(choices, indicator)} » n'existe pas {LEVEL_BY[level]} : carte {LEVEL_BY[levels[0]]}")
        level = levels[0]
    scheme = fields[2] if len(fields) > 2 and fields[2] else maps.SCHEME_QUANTILES
    if scheme not in maps.SCHEMES:
        raise SlideError(f"méthode de classement « {scheme} » inconnue ({', '.join(maps.SCHEMES)})")
    classes_text = fields[3] if len(fields) > 3 and fields[3] else str(maps.DEFAULT_CLASSES)
    classes = int(classes_text) if classes_text.isdigit() else -1
    if not maps.MIN_CLASSES <= classes <= maps.MAX_CLASSES:
        raise SlideError(f"nombre de classes « {classes_text} » invalide (de {maps.MIN_CLASSES} à {maps.MAX_CLASSES})")
    reference = fields[4] if len(fields) > 4 and fields[4] else maps.REFERENCE_AUTO
    if reference not in maps.REFERENCES:
        raise SlideError(f"référence « {reference} » inconnue ({', '.join(maps.REFERENCES)})")
    weights = _weights(FIELD_SEPARATOR.join(fields[5:]), notes) if score else ()
    return SlideSpec(
        KIND_MAP, indicator=indicator, level=level, scheme=scheme, classes=classes, reference=reference, weights=weights
    )


def default_weights() -> tuple[tuple[str, float], ...]:
    """The need index's default weights (those of the ranking page), positive ones only."""
    return tuple((indicator, weight) for indicator, weight in needs.default_weights() if weight > 0)


def _parse_ranking(fields: list[str], choices: DeckChoices, notes: list[str]) -> SlideSpec:
    top_text = fields[0] if fields and fields[0] else str(DEFAULT_TOP)
    top = int(top_text) if top_text.isdigit() else -1
    if not MIN_TOP <= top <= MAX_TOP:
        raise SlideError(f"nombre de territoires « {top_text} » invalide (de {MIN_TOP} à {MAX_TOP})")
    weights = _weights(FIELD_SEPARATOR.join(fields[1:]), notes)
    return SlideSpec(KIND_RANKING, top=top, weights=weights)


def _weights(text: str, notes: list[str]) -> tuple[tuple[str, float], ...]:
    """Need index weights written like the ranking page's « poids » (`indicateur:poids,…`); () = the defaults."""
    if not text:
        return ()
    problems: list[str] = []
    parsed = needs_state.parse_weights(text, problems)
    notes += [problem.rstrip(".") for problem in problems]
    if parsed is None:
        return ()
    positive = tuple((indicator, weight) for indicator, weight in parsed if weight > 0)
    return () if positive == default_weights() else positive


def _parse_territory(fields: list[str], choices: DeckChoices, notes: list[str]) -> SlideSpec:
    if len(fields) != 1 or not fields[0]:
        raise SlideError("un numéro SIREN d'EPCI est attendu (territoire:<siren>)")
    code = fields[0]
    if code not in choices.epcis:
        raise SlideError(f"aucun EPCI de la région ne porte le numéro SIREN « {code} »")
    return SlideSpec(KIND_TERRITORY, codes=(code,))


def _parse_comparison(fields: list[str], choices: DeckChoices, notes: list[str]) -> SlideSpec:
    if not fields or not fields[0]:
        raise SlideError("territoires manquants (comparaison:<siren>,<siren>:<indicateur>,…)")
    if len(fields) > 2:
        raise SlideError("trop de champs (comparaison:<siren>,<siren>:<indicateur>,…)")
    asked = [code.strip() for code in fields[0].split(ITEM_SEPARATOR) if code.strip()]
    codes = list(dict.fromkeys(code for code in asked if code in choices.epcis))
    unknown = [code for code in asked if code not in choices.epcis]
    if unknown:
        notes.append(f"SIREN inconnu(s) retiré(s) : {', '.join(unknown)}")
    if len(codes) > MAX_COMPARED:
        notes.append(f"{MAX_COMPARED} territoires au plus : les suivants sont retirés")
        codes = codes[:MAX_COMPARED]
    if len(codes) < MIN_COMPARED:
        raise SlideError(f"au moins {MIN_COMPARED} EPCI de la région sont nécessaires")
    asked_indicators = [item.strip() for item in fields[1].split(ITEM_SEPARATOR)] if len(fields) > 1 else []
    asked_indicators = [item for item in asked_indicators if item]
    indicators = []
    for indicator in asked_indicators:
        if indicator in choices.epci_indicators:
            if indicator not in indicators:
                indicators.append(indicator)
        elif indicator in choices.levels:
            notes.append(f"« {_label(choices, indicator)} » n'existe pas par EPCI : retiré")
        else:
            notes.append(f"{_indicator_problem(choices, indicator)} : retiré")
    if len(indicators) > MAX_COMPARED_INDICATORS:
        notes.append(f"{MAX_COMPARED_INDICATORS} indicateurs au plus : les suivants sont retirés")
        indicators = indicators[:MAX_COMPARED_INDICATORS]
    if not indicators:
        indicators = [key for key in DEFAULT_COMPARED_INDICATORS if key in choices.epci_indicators]
        if not indicators:
            raise SlideError("aucun indicateur disponible par EPCI")
        if asked_indicators or len(fields) > 1:
            notes.append("indicateurs par défaut utilisés")
    return SlideSpec(KIND_COMPARISON, codes=tuple(codes), indicators=tuple(indicators))


PARSERS = {
    KIND_MAP: _parse_map,
    KIND_RANKING: _parse_ranking,
    KIND_TERRITORY: _parse_territory,
    KIND_COMPARISON: _parse_comparison,
}


def parse_slide(text: str, choices: DeckChoices) -> tuple[SlideSpec, list[str]]:
    """One slide's spec and its notes (what was adjusted); SlideError when it cannot be shown."""
    kind, _, rest = text.strip().partition(FIELD_SEPARATOR)
    kind = kind.strip().lower()
    if kind not in PARSERS:
        raise SlideError(f"type « {kind} » inconnu (types acceptés : {', '.join(KINDS)})")
    fields = [part.strip() for part in rest.split(FIELD_SEPARATOR)] if rest else []
    notes: list[str] = []
    return PARSERS[kind](fields, choices, notes), notes


def parse_deck(text: str | None, choices: DeckChoices, first_number: int = 1) -> tuple[list[SlideSpec], list[str]]:
    """The valid slides of a deck text and a French notice for each part dropped or adjusted."""
    slides: list[SlideSpec] = []
    notices: list[str] = []
    parts = [part for part in (text or "").split(SLIDE_SEPARATOR) if part.strip()]
    for number, part in enumerate(parts, start=first_number):
        shown = part.strip() if len(part.strip()) <= 80 else part.strip()[:77] + "…"
        try:
            spec, notes = parse_slide(part, choices)
        except SlideError as error:
            notices.append(f"Diapositive {number} « {shown} » ignorée : {error}.")
            continue
        if len(slides) >= MAX_SLIDES:
            notices.append(f"Diapositive {number} « {shown} » ignorée : {MAX_SLIDES} diapositives au plus.")
            continue
        slides.append(spec)
        notices += [f"Diapositive {number} « {shown} » : {note}." for note in notes]
    return slides, notices


@dataclass(frozen=True)
class DeckRequest:
    """What /presentation was asked for: slides, notices, slides just added, print view."""

    slides: tuple[SlideSpec, ...]
    notices: tuple[str, ...]
    added: tuple[SlideSpec, ...] = ()
    print_view: bool = False


def _single(name: str, raw: str | Sequence[str], notices: list[str]) -> str:
    if isinstance(raw, str):
        return raw
    notices.append(f"Le paramètre « {name} » est répété : seule sa première valeur est retenue.")
    return str(raw[0]) if raw else ""


def parse_request(query: Mapping[str, str | Sequence[str]], choices: DeckChoices) -> DeckRequest:
    """Read `d` (the deck), `ajouter` (slides appended, from « ajouter à la présentation ») and `vue`."""
    notices: list[str] = []
    values = {name: _single(name, raw, notices) for name, raw in query.items()}
    for name in values:
        if name not in (PARAM_DECK, PARAM_ADD, PARAM_VIEW):
            notices.append(f"Paramètre « {name} » inconnu : il est ignoré.")
    slides, deck_notices = parse_deck(values.get(PARAM_DECK), choices)
    notices += deck_notices
    added: list[SlideSpec] = []
    if values.get(PARAM_ADD):
        extra, extra_notices = parse_deck(values[PARAM_ADD], choices, first_number=len(slides) + 1)
        room = MAX_SLIDES - len(slides)
        if len(extra) > room:
            notices.append(
                f"La présentation compte déjà {len(slides)} diapositives ({MAX_SLIDES} au plus) : rien n'est ajouté."
            )
            extra = extra[: max(room, 0)]
        notices += extra_notices
        added = extra
        slides += extra
    view = values.get(PARAM_VIEW)
    if view and view != VIEW_PRINT:
        notices.append(f"Vue « {view} » inconnue : la vue d'édition est affichée.")
    return DeckRequest(tuple(slides), tuple(notices), tuple(added), view == VIEW_PRINT)


def map_spec(state: map_state.MapState) -> SlideSpec | None:
    """The map slide of a state of the map page (« ajouter à la présentation »)."""
    if not state.indicator:
        return None
    weights: tuple[tuple[str, float], ...] = ()
    if state.indicator == needs_store.SCORE_INDICATOR:
        positive = tuple((indicator, weight) for indicator, weight in state.score.weights if weight > 0)
        weights = () if positive == default_weights() else positive
    return SlideSpec(
        KIND_MAP,
        indicator=state.indicator,
        level=state.level,
        scheme=state.scheme,
        classes=state.classes,
        reference=state.reference,
        weights=weights,
    )


# --- Editing --------------------------------------------------------------------------------------------------


def removed(slides: Sequence[SlideSpec], index: int) -> list[SlideSpec]:
    return [spec for position, spec in enumerate(slides) if position != index]


def moved(slides: Sequence[SlideSpec], index: int, offset: int) -> list[SlideSpec]:
    """`slides` with slide `index` moved by `offset` places (unchanged at the ends)."""
    target = index + offset
    result = list(slides)
    if 0 <= index < len(result) and 0 <= target < len(result):
        result.insert(target, result.pop(index))
    return result


def spec_from_form(
    kind: str | None,
    indicator: str | None,
    level: str | None,
    top: int | str | None,
    territory: str | None,
    compared: Sequence[str] | None,
    compared_indicators: Sequence[str] | None,
    choices: DeckChoices,
) -> SlideSpec:
    """The slide the editor's form describes (SlideError with a French reason when incomplete)."""
    if kind == KIND_MAP:
        return parse_slide(FIELD_SEPARATOR.join([KIND_MAP, indicator or "", level or ""]), choices)[0]
    if kind == KIND_RANKING:
        return parse_slide(FIELD_SEPARATOR.join([KIND_RANKING, str(top if top is not None else "")]), choices)[0]
    if kind == KIND_TERRITORY:
        return parse_slide(FIELD_SEPARATOR.join([KIND_TERRITORY, territory or ""]), choices)[0]
    if kind == KIND_COMPARISON:
        codes = ITEM_SEPARATOR.join(compared or [])
        if len(compared or []) < MIN_COMPARED:
            raise SlideError(f"choisissez au moins {MIN_COMPARED} territoires à comparer")
        if not compared_indicators:
            raise SlideError("choisissez au moins un indicateur")
        text = FIELD_SEPARATOR.join([KIND_COMPARISON, codes, ITEM_SEPARATOR.join(compared_indicators)])
        return parse_slide(text, choices)[0]
    raise SlideError("choisissez un type de diapositive")


# --- Slide contents --------------------------------------------------------------------------------------------


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
    view: maps.MapView | None = None
    ranking: tuple[RankingRow, ...] = ()
    figures: tuple[SlideFigure, ...] = ()
    score_text: str = ""
    arguments: tuple[Argument, ...] = ()
    territories: tuple[str, ...] = ()
    comparison: tuple[ComparisonRow, ...] = ()
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
    datasets = {dataset["id"]: dataset for dataset in store.catalogue.get("datasets", [])}
    dataset = datasets.get("decoupage-administratif-6.0.0")
    return [dataset["citation"]] if dataset else []


def _entry(store: Store, indicator: str) -> dict[str, Any]:
    return catalogue.indicator_entries(store).get(indicator, {"id": indicator, "label": indicator, "unit": ""})


def map_slide(store: Store, spec: SlideSpec) -> Slide:
    computed = None
    parameters = needs_store.Parameters(weights=spec.weights or default_weights())
    if spec.indicator == needs_store.SCORE_INDICATOR:  # computed from the store with the slide's weights
        computed = needs_views.index_level_values(store, parameters)
    view = maps.map_view(
        store, spec.indicator, spec.level, spec.scheme, spec.classes, spec.reference, computed=computed
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
        notes = (str(entry["definition"]), *notes)
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


def ranking_slide(store: Store, spec: SlideSpec) -> Slide:
    """The first N EPCI of the priority ranking, computed as on the ranking page (national reference)."""
    analysis = needs_store.analyse(store, needs_store.Parameters(weights=spec.weights or default_weights()))
    codes = [code for code in analysis.order(analysis.table.index) if math.isfinite(analysis.table.at[code, "rank"])]
    table = analysis.table.join(analysis.inputs.territories["name"].astype(str))
    rows = tuple(
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
        for code, row in zip(codes[: spec.top], table.loc[codes[: spec.top]].itertuples(), strict=True)
    )
    sources, vintages = score_sources(store, [c.indicator for c in analysis.components])
    supply_sources, supply_vintages = indicator_source(store, needs_store.SUPPLY_INDICATOR, LEVEL_EPCI)
    chosen = " choisis" if spec.weights else " par défaut"
    used = ", ".join(
        f"{analysis.inputs.label(c.indicator)} ({needs_state.format_weight(c.weight)})" for c in analysis.components
    )
    notes = [
        f"Estimation. Priorité = places manquantes par rapport à l'offre attendue : {analysis.reference.label}, "
        f"ajusté à l'indice de besoin (moyenne régionale {formatting.format_number(analysis.mean_need, 0)}). Places "
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
    return Slide(
        spec=spec,
        title=f"Où manque-t-il le plus de places ? Les {spec.top} premiers EPCI",
        subtitle=f"Places manquantes au regard du besoin (estimation) — {analysis.ranked} EPCI {perimeter(store).of_name}",
        sources=_unique([*sources, *supply_sources]),
        vintages=_unique([*vintages, *supply_vintages]),
        notes=tuple(notes),
        ranking=rows,
    )


def _value(store: Store, indicator: str, level: str, code: str) -> float | None:
    return needs_store.value_of(store, indicator, level, code)


def region_value(store: Store, indicator: str) -> float | None:
    return _value(store, indicator, LEVEL_REGION, perimeter(store).code)


def slide_arguments(arguments: Sequence[Argument]) -> tuple[Argument, ...]:
    """The fiche's arguments that fit on a slide: those for a need first, in the fiche's order."""
    ordered = [item for item in arguments if item.supports] + [item for item in arguments if not item.supports]
    chosen: dict[str, Argument] = {}
    for item in ordered:  # one sentence per figure (the fiche compares each with the département and the région)
        chosen.setdefault(item.text.split(")")[0], item)
    return tuple(list(chosen.values())[:MAX_ARGUMENTS])


def territory_slide(store: Store, spec: SlideSpec) -> Slide:
    """An EPCI's key figures, priority and arguments (dashboard.territory.fiche, default parameters)."""
    code = spec.code or ""
    data = fiche.fiche_data(store, code, needs_state.default_state())
    figures = []
    sources = territory_source(store)
    vintages: list[str] = []
    for indicator in TERRITORY_FIGURES:
        if LEVEL_EPCI not in catalogue.indicator_levels(store, indicator):
            continue
        figure = maps.indicator_figure(store, indicator, LEVEL_EPCI, code)
        if figure is not None:
            number, unit = value_parts(_value(store, indicator, LEVEL_EPCI, code), _entry(store, indicator))
            figures.append(SlideFigure(figure.label, number, unit, figure.detail))
            found, found_vintages = indicator_source(store, indicator, LEVEL_EPCI)
            sources += found
            vintages += found_vintages
    if data is None:  # not an EPCI of the région (the spec was validated, so only with another store)
        return Slide(spec, code, f"SIREN {code}", _unique(sources), _unique(vintages), figures=tuple(figures))
    ident = data.identity
    score_text = ""
    row = data.row
    if pd.notna(row["rank"]):
        score_text = (
            f"Priorité (estimation) : {formatting.ordinal(int(row['rank']))} sur {data.analysis.ranked} EPCI — "
            f"{needs_views.signed_places(row['shortfall_places'])} places au regard du besoin "
            f"(rang {interval_text(row['rank_low'], row['rank_high'])} pour 90 % des tirages) ; indice de besoin "
            f"{formatting.format_number(float(row['need']), 0)} sur 100, offre "
            f"{formatting.format_number(float(row['supply_rate']), 1)} places pour 10 000 habitants"
        )
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
        score_text=score_text,
        arguments=slide_arguments(data.arguments),
    )


def comparison_slide(store: Store, spec: SlideSpec) -> Slide:
    names = [maps.territory_row(store, LEVEL_EPCI, code) for code in spec.codes]
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
        else f"EPCI {perimeter(store).of_name} et valeur régionale",
        sources=_unique(sources),
        vintages=_unique(vintages),
        notes=("Approximation : moyenne des communes pondérée par les personnes des ménages fiscaux.",)
        if any(row.note for row in rows)
        else (),
        territories=territories,
        comparison=tuple(rows),
    )


BUILDERS = {
    KIND_MAP: map_slide,
    KIND_RANKING: ranking_slide,
    KIND_TERRITORY: territory_slide,
    KIND_COMPARISON: comparison_slide,
}


def build_slide(store: Store, spec: SlideSpec) -> Slide:
    return replace(BUILDERS[spec.kind](store, spec), region=perimeter(store).name)


def build_deck(store: Store, slides: Iterable[SlideSpec]) -> list[Slide]:
    return [build_slide(store, spec) for spec in slides]


def describe(spec: SlideSpec, choices: DeckChoices) -> str:
    """A short French description of a slide, for the editor's list."""
    if spec.kind == KIND_MAP:
        return f"Carte : {_label(choices, spec.indicator or '')} {LEVEL_BY[spec.level]}"
    if spec.kind == KIND_RANKING:
        return f"Classement : {spec.top} premiers EPCI par places manquantes au regard du besoin" + (
            " (pondérations choisies)" if spec.weights else ""
        )
    if spec.kind == KIND_TERRITORY:
        return f"Territoire : {choices.epcis.get(spec.code or '', spec.code)}"
    names = ", ".join(choices.epcis.get(code, code) for code in spec.codes)
    indicators = ", ".join(_label(choices, indicator) for indicator in spec.indicators)
    return f"Comparaison : {names} — {indicators}"


def bar_share(values: Sequence[float | None]) -> list[float]:
    """Each value as a share of the largest absolute value (0 when missing), for bars drawn in HTML."""
    known = [abs(value) for value in values if value is not None and math.isfinite(value)]
    top = max(known) if known else 0
    return [(abs(value) / top if top and value is not None and math.isfinite(value) else 0.0) for value in values]


def map_slide_figure(store: Store, slide: Slide, geometry: Mapping[str, Any]) -> Any:
    """The map of a map slide, without hover or selection, filling its frame.

    `geometry` maps a level to its GeoJSON: a URL on screen (`callbacks_map.geometry_urls`), the parsed
    GeoJSON for an image export (rendered with no network).
    """
    view = slide.view
    figure = maps.map_figure(store, view.level, geometry, view.trace_values, layers=(), selected=None)
    figure.data = figure.data[: maps.FIRST_RESIDENCE_TRACE]  # no establishment points on a slide
    figure.update_layout(height=None, autosize=True, paper_bgcolor="rgba(0,0,0,0)", dragmode=False)
    figure.update_traces(hoverinfo="skip", hovertemplate=None, selector={"type": "choropleth"})
    return figure


def short_note(note: str, limit: int = 170) -> str:
    """A legend note cut after its first sentence when it is long (the full text is on /sources)."""
    if len(note) <= limit:
        return note
    first, dot, _ = note.partition(". ")
    return first + "." if dot and len(first) < limit else note[: limit - 1].rstrip() + "…"
