"""Reading a deck's compact text back: each part checked against the data, a bad part dropped with a
French notice (never an error), a fixable one kept with a note (see `dashboard.presentation.specs`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from dashboard.core.levels import LEVEL_BY, LEVEL_EPCI, LEVELS
from dashboard.core.perimeter import of_perimeter
from dashboard.map.classification import DEFAULT_CLASSES, MAX_CLASSES, MIN_CLASSES, SCHEME_QUANTILES, SCHEMES
from dashboard.map.palette import PALETTE_DEFAULT, PALETTES, REFERENCE_AUTO, REFERENCES
from dashboard.needs import analysis as needs_store
from dashboard.needs import state as needs_state
from dashboard.needs.projects import MAX_PROJECTS, PART_SEPARATOR, check_project
from dashboard.presentation.specs import (
    DEFAULT_TOP,
    FIELD_SEPARATOR,
    ITEM_SEPARATOR,
    KIND_COMPARISON,
    KIND_MAP,
    KIND_RANKING,
    KIND_SCENARIO,
    KIND_TERRITORY,
    KINDS,
    MAX_COMPARED,
    MAX_COMPARED_INDICATORS,
    MAX_SLIDES,
    MAX_TOP,
    MIN_COMPARED,
    MIN_TOP,
    PROJECT_FIELD_SEPARATOR,
    SLIDE_SEPARATOR,
    DeckChoices,
    SlideSpec,
    Weights,
    chosen_weights,
)

#: Fields of a map slide before the need index's weights.
MAP_FIELDS = 5
#: How much of a part a notice quotes.
SHOWN_LIMIT = 80


class SlideError(ValueError):
    """Why one part of a deck cannot be shown (a French phrase, completed by the caller)."""


def _field(fields: Sequence[str], index: int, default: str) -> str:
    """The field at `index`, or `default` when it is absent or empty."""
    return fields[index] if len(fields) > index and fields[index] else default


def _bounded(text: str, low: int, high: int, what: str) -> int:
    number = int(text) if text.isdigit() else -1
    if not low <= number <= high:
        raise SlideError(f"{what} « {text} » invalide (de {low} à {high})")
    return number


def _one_of(text: str, allowed: Collection[str], what: str) -> str:
    if text not in allowed:
        raise SlideError(f"{what} « {text} » inconnue ({', '.join(allowed)})")
    return text


def _indicator_problem(choices: DeckChoices, indicator: str) -> str:
    if indicator in choices.unavailable:
        source = choices.unavailable[indicator]
        where = f" (source officielle : {source})" if source else ""
        return f"l'indicateur « {choices.label(indicator)} » n'est pas disponible en données ouvertes{where}"
    return f"indicateur « {indicator} » inconnu"


def _weights(text: str, notes: list[str]) -> Weights:
    """Need index weights written like the ranking page's « poids » (`indicateur:poids,…`); () = the defaults."""
    if not text:
        return ()
    problems: list[str] = []
    parsed = needs_state.parse_weights(text, problems)
    notes += [problem.rstrip(".") for problem in problems]
    return () if parsed is None else chosen_weights(parsed)


# --- One parser per kind of slide -------------------------------------------------------------------------


def _map_palette(fields: list[str]) -> tuple[str, list[str]]:
    """The palette written after the reference (when it is not the default), and the fields after it."""
    rest = fields[MAP_FIELDS:]
    if rest and rest[0] in PALETTES:
        return rest[0], rest[1:]
    return PALETTE_DEFAULT, rest


def _map_indicator(fields: list[str], choices: DeckChoices) -> str:
    if not fields or not fields[0]:
        raise SlideError("indicateur manquant (carte:<indicateur>)")
    indicator = fields[0]
    if _map_palette(fields)[1] and indicator != needs_store.SCORE_INDICATOR:
        raise SlideError("trop de champs (carte:<indicateur>:<niveau>:<classement>:<classes>:<référence>)")
    if indicator not in choices.levels:
        raise SlideError(_indicator_problem(choices, indicator))
    if not choices.levels[indicator]:
        raise SlideError(f"l'indicateur « {choices.label(indicator)} » n'a de valeur à aucun niveau de carte")
    return indicator


def _map_level(text: str, indicator: str, choices: DeckChoices, notes: list[str]) -> str:
    if text not in LEVELS:
        raise SlideError(f"niveau « {text} » inconnu (epci, commune ou departement)")
    levels = choices.levels[indicator]
    if text in levels:
        return text
    notes.append(f"« {choices.label(indicator)} » n'existe pas {LEVEL_BY[text]} : carte {LEVEL_BY[levels[0]]}")
    return levels[0]


def _parse_map(fields: list[str], choices: DeckChoices, notes: list[str]) -> SlideSpec:
    indicator = _map_indicator(fields, choices)
    level = _map_level(_field(fields, 1, LEVEL_EPCI), indicator, choices, notes)
    scheme = _one_of(_field(fields, 2, SCHEME_QUANTILES), SCHEMES, "méthode de classement")
    classes_text = _field(fields, 3, str(DEFAULT_CLASSES))
    classes = _bounded(classes_text, MIN_CLASSES, MAX_CLASSES, "nombre de classes")
    reference = _one_of(_field(fields, 4, REFERENCE_AUTO), REFERENCES, "référence")
    score = indicator == needs_store.SCORE_INDICATOR
    palette, rest = _map_palette(fields)
    weights = _weights(FIELD_SEPARATOR.join(rest), notes) if score else ()
    spec = SlideSpec(KIND_MAP, indicator=indicator, level=level, scheme=scheme, classes=classes, reference=reference)
    return replace(spec, weights=weights, palette=palette)


def _parse_ranking(fields: list[str], choices: DeckChoices, notes: list[str]) -> SlideSpec:
    top = _bounded(_field(fields, 0, str(DEFAULT_TOP)), MIN_TOP, MAX_TOP, "nombre de territoires")
    return SlideSpec(KIND_RANKING, top=top, weights=_weights(FIELD_SEPARATOR.join(fields[1:]), notes))


def _parse_territory(fields: list[str], choices: DeckChoices, notes: list[str]) -> SlideSpec:
    if len(fields) != 1 or not fields[0]:
        raise SlideError("un numéro SIREN d'EPCI est attendu (territoire:<siren>)")
    code = fields[0]
    if code not in choices.epcis:
        raise SlideError(f"aucun EPCI {of_perimeter()} ne porte le numéro SIREN « {code} »")
    return SlideSpec(KIND_TERRITORY, codes=(code,))


def _parse_scenario(fields: list[str], choices: DeckChoices, notes: list[str]) -> SlideSpec:
    if len(fields) != 2 or not fields[1]:
        raise SlideError("un EPCI et au moins un projet sont attendus (scenario:<siren>:<type>.<places>.<commune>,…)")
    code = _parse_territory(fields[:1], choices, notes).code
    projects = []
    for item in _items(fields[1]):
        project, problem = check_project(item.replace(PROJECT_FIELD_SEPARATOR, PART_SEPARATOR), choices.projects)
        if problem:
            notes.append(problem.rstrip("."))
        if project is not None:
            projects.append(project)
    if not projects:
        raise SlideError("aucun projet valide")
    if len(projects) > MAX_PROJECTS:
        notes.append(f"{MAX_PROJECTS} projets au plus : les suivants sont retirés")
    return SlideSpec(KIND_SCENARIO, codes=(code,), projects=tuple(projects[:MAX_PROJECTS]))


def _items(text: str) -> list[str]:
    return [item for item in (part.strip() for part in text.split(ITEM_SEPARATOR)) if item]


def _compared_codes(text: str, choices: DeckChoices, notes: list[str]) -> tuple[str, ...]:
    asked = _items(text)
    codes = list(dict.fromkeys(code for code in asked if code in choices.epcis))
    unknown = [code for code in asked if code not in choices.epcis]
    if unknown:
        notes.append(f"SIREN inconnu(s) retiré(s) : {', '.join(unknown)}")
    if len(codes) > MAX_COMPARED:
        notes.append(f"{MAX_COMPARED} territoires au plus : les suivants sont retirés")
        codes = codes[:MAX_COMPARED]
    if len(codes) < MIN_COMPARED:
        raise SlideError(f"au moins {MIN_COMPARED} EPCI {of_perimeter()} sont nécessaires")
    return tuple(codes)


def _compared_indicator(indicator: str, choices: DeckChoices, notes: list[str]) -> bool:
    """Whether an asked indicator can be compared by EPCI (else a note says why it is left out)."""
    if indicator in choices.epci_indicators:
        return True
    if indicator in choices.levels:
        notes.append(f"« {choices.label(indicator)} » n'existe pas par EPCI : retiré")
    else:
        notes.append(f"{_indicator_problem(choices, indicator)} : retiré")
    return False


def _compared_indicators(text: str | None, choices: DeckChoices, notes: list[str]) -> tuple[str, ...]:
    """The indicators of a comparison (`text` None: not given, the defaults without a note)."""
    asked = _items(text) if text is not None else []
    indicators = list(dict.fromkeys(item for item in asked if _compared_indicator(item, choices, notes)))
    if len(indicators) > MAX_COMPARED_INDICATORS:
        notes.append(f"{MAX_COMPARED_INDICATORS} indicateurs au plus : les suivants sont retirés")
        indicators = indicators[:MAX_COMPARED_INDICATORS]
    if indicators:
        return tuple(indicators)
    defaults = choices.compared_defaults()
    if not defaults:
        raise SlideError("aucun indicateur disponible par EPCI")
    if text is not None:
        notes.append("indicateurs par défaut utilisés")
    return tuple(defaults)


def _parse_comparison(fields: list[str], choices: DeckChoices, notes: list[str]) -> SlideSpec:
    if not fields or not fields[0]:
        raise SlideError("territoires manquants (comparaison:<siren>,<siren>:<indicateur>,…)")
    if len(fields) > 2:
        raise SlideError("trop de champs (comparaison:<siren>,<siren>:<indicateur>,…)")
    codes = _compared_codes(fields[0], choices, notes)
    indicators = _compared_indicators(fields[1] if len(fields) > 1 else None, choices, notes)
    return SlideSpec(KIND_COMPARISON, codes=codes, indicators=indicators)


PARSERS = {
    KIND_MAP: _parse_map,
    KIND_RANKING: _parse_ranking,
    KIND_TERRITORY: _parse_territory,
    KIND_COMPARISON: _parse_comparison,
    KIND_SCENARIO: _parse_scenario,
}


# --- Slides and decks ----------------------------------------------------------------------------------------


def parse_slide(text: str, choices: DeckChoices) -> tuple[SlideSpec, list[str]]:
    """One slide's spec and its notes (what was adjusted); SlideError when it cannot be shown."""
    kind, _, rest = text.strip().partition(FIELD_SEPARATOR)
    kind = kind.strip().lower()
    if kind not in PARSERS:
        raise SlideError(f"type « {kind} » inconnu (types acceptés : {', '.join(KINDS)})")
    fields = [part.strip() for part in rest.split(FIELD_SEPARATOR)] if rest else []
    notes: list[str] = []
    return PARSERS[kind](fields, choices, notes), notes


def _shown(part: str) -> str:
    text = part.strip()
    return text if len(text) <= SHOWN_LIMIT else text[: SHOWN_LIMIT - 3] + "…"


def parse_deck(text: str | None, choices: DeckChoices, first_number: int = 1) -> tuple[list[SlideSpec], list[str]]:
    """The valid slides of a deck text and a French notice for each part dropped or adjusted."""
    slides: list[SlideSpec] = []
    notices: list[str] = []
    parts = [part for part in (text or "").split(SLIDE_SEPARATOR) if part.strip()]
    for number, part in enumerate(parts, start=first_number):
        shown = _shown(part)
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


def _form_text(kind: str, *fields: str) -> str:
    return FIELD_SEPARATOR.join([kind, *fields])


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
        return parse_slide(_form_text(KIND_MAP, indicator or "", level or ""), choices)[0]
    if kind == KIND_RANKING:
        return parse_slide(_form_text(KIND_RANKING, str(top if top is not None else "")), choices)[0]
    if kind == KIND_TERRITORY:
        return parse_slide(_form_text(KIND_TERRITORY, territory or ""), choices)[0]
    if kind == KIND_COMPARISON:
        if len(compared or []) < MIN_COMPARED:
            raise SlideError(f"choisissez au moins {MIN_COMPARED} territoires à comparer")
        if not compared_indicators:
            raise SlideError("choisissez au moins un indicateur")
        text = _form_text(
            KIND_COMPARISON, ITEM_SEPARATOR.join(compared or []), ITEM_SEPARATOR.join(compared_indicators)
        )
        return parse_slide(text, choices)[0]
    raise SlideError("choisissez un type de diapositive")
