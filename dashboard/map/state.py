"""State of the map explorer and its URL: parse a query string into a valid state, write it back.

Pure functions: what the data allows (`MapChoices`) is built from the store by `choices_from_store`
and passed in. Every parameter is optional; a bad value falls back to its default with a French notice.

- `indicateur`: indicator id of the catalogue (available in open data);
- `niveau`: `epci` (default), `commune` or `departement`;
- `classement`: `quantiles` (default), `seuils-naturels` or `intervalles-egaux`;
- `classes`: number of classes, 3 to 7 (default 5);
- `reference`: `auto` (default: sequential palette) or `region` (diverging around the région's value);
- `couches`: establishment types shown as points, separated by commas, or `aucune`;
- `territoire`: code of the selected territory at the chosen level (SIREN for an EPCI).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from dashboard.core import catalogue
from dashboard.core.levels import FAMILY_RESIDENCE, LEVEL_EPCI, LEVELS
from dashboard.core.store import Store
from dashboard.map import view as maps
from dashboard.needs import analysis as needs_store
from dashboard.needs import model as needs
from dashboard.needs import state as needs_state

PARAM_INDICATOR = "indicateur"
PARAM_LEVEL = "niveau"
PARAM_SCHEME = "classement"
PARAM_CLASSES = "classes"
PARAM_REFERENCE = "reference"
PARAM_LAYERS = "couches"
PARAM_TERRITORY = "territoire"
PARAMS = (PARAM_INDICATOR, PARAM_LEVEL, PARAM_SCHEME, PARAM_CLASSES, PARAM_REFERENCE, PARAM_LAYERS, PARAM_TERRITORY)
# Needs score pseudo-indicator (issue 5): its weights and normalisation, `poids` and `normalisation`.
PARAMS += needs_state.INDEX_PARAMS
NO_LAYER = "aucune"
DEFAULT_INDICATOR = "residence_sociale_pour_10000"


@dataclass(frozen=True)
class MapChoices:
    """What the data allows: valid indicators, unavailable ones (id → official source), layers, codes."""

    indicators: tuple[str, ...]
    unavailable: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    layers: tuple[str, ...] = ()
    default_layers: tuple[str, ...] = ()
    codes: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def default_indicator(self) -> str | None:
        if DEFAULT_INDICATOR in self.indicators:
            return DEFAULT_INDICATOR
        return self.indicators[0] if self.indicators else None


@dataclass(frozen=True)
class MapState:
    indicator: str | None
    level: str = LEVEL_EPCI
    scheme: str = maps.SCHEME_QUANTILES
    classes: int = maps.DEFAULT_CLASSES
    reference: str = maps.REFERENCE_AUTO
    layers: tuple[str, ...] = ()
    territory: str | None = None
    #: Weights and normalisation of the needs score (used when `indicator` is the score).
    score: needs_state.NeedsState = field(default_factory=needs_state.default_state)


def choices_from_store(store: Store) -> MapChoices:
    entries = catalogue.indicator_entries(store)
    typology = store.catalogue.get("residence_types", {})
    available = tuple(catalogue.available_indicators(store))
    # The needs score (pseudo-indicator, EPCI level) comes last: computed from the store's indicators.
    if LEVEL_EPCI in store.display and any(candidate.indicator in available for candidate in needs.CANDIDATES):
        available += (needs_store.SCORE_INDICATOR,)
    return MapChoices(
        indicators=available,
        unavailable={
            key: entry.get("official_source") or "" for key, entry in entries.items() if not entry.get("available")
        },
        labels={key: entry.get("label", key) for key, entry in entries.items()}
        | {needs_store.SCORE_INDICATOR: needs_store.SCORE_LABEL},
        layers=tuple(maps.layer_types(store)),
        default_layers=tuple(typology.get(FAMILY_RESIDENCE, [])),
        codes={level: frozenset(store.display[level].codes) for level in LEVELS if level in store.display},
    )


def default_state(choices: MapChoices) -> MapState:
    return MapState(indicator=choices.default_indicator, layers=choices.default_layers)


def _single(name: str, raw: str | Sequence[str], notices: list[str]) -> str:
    if isinstance(raw, str):
        return raw
    notices.append(f"Le paramètre « {name} » est répété : seule sa première valeur est retenue.")
    return str(raw[0]) if raw else ""


def parse_state(query: Mapping[str, str | Sequence[str]], choices: MapChoices) -> tuple[MapState, list[str]]:
    """The state a query string asks for, and a French notice for each value that was replaced."""
    notices: list[str] = []
    state = default_state(choices)
    values = {name: _single(name, raw, notices) for name, raw in query.items()}
    for name in values:
        if name not in PARAMS:
            notices.append(f"Paramètre « {name} » inconnu : il est ignoré.")

    indicator = values.get(PARAM_INDICATOR)
    if indicator is not None:
        if indicator in choices.indicators:
            state = replace(state, indicator=indicator)
        elif indicator in choices.unavailable:
            label = choices.labels.get(indicator, indicator)
            source = choices.unavailable[indicator]
            notices.append(
                f"L'indicateur « {label} » n'est pas disponible en données ouvertes"
                + (f" (source officielle : {source})" if source else "")
                + " : l'indicateur par défaut est affiché."
            )
        else:
            notices.append(f"Indicateur « {indicator} » inconnu : l'indicateur par défaut est affiché.")

    level = values.get(PARAM_LEVEL)
    if level is not None:
        if level in LEVELS:
            state = replace(state, level=level)
        else:
            notices.append(f"Niveau « {level} » inconnu : la carte est affichée par EPCI.")

    scheme = values.get(PARAM_SCHEME)
    if scheme is not None:
        if scheme in maps.SCHEMES:
            state = replace(state, scheme=scheme)
        else:
            notices.append(f"Méthode de classement « {scheme} » inconnue : les quantiles sont utilisés.")

    classes = values.get(PARAM_CLASSES)
    if classes is not None:
        number = int(classes) if classes.strip().isdigit() else None
        if number is not None and maps.MIN_CLASSES <= number <= maps.MAX_CLASSES:
            state = replace(state, classes=number)
        else:
            notices.append(
                f"Nombre de classes « {classes} » invalide (de {maps.MIN_CLASSES} à {maps.MAX_CLASSES}) : "
                f"{maps.DEFAULT_CLASSES} classes sont utilisées."
            )

    reference = values.get(PARAM_REFERENCE)
    if reference is not None:
        if reference in maps.REFERENCES:
            state = replace(state, reference=reference)
        else:
            notices.append(f"Référence « {reference} » inconnue : la palette par défaut est utilisée.")

    layers = values.get(PARAM_LAYERS)
    if layers is not None:
        asked = [] if layers.strip() in ("", NO_LAYER) else [part.strip() for part in layers.split(",")]
        unknown = [part for part in asked if part not in choices.layers]
        known = tuple(kind for kind in choices.layers if kind in asked)
        if unknown:
            fallback = "" if known else " ; couches par défaut affichées"
            notices.append(
                f"Couche(s) inconnue(s) ignorée(s) : {', '.join(f'« {part} »' for part in unknown)}{fallback}."
            )
        if known or not unknown:
            state = replace(state, layers=known)

    score, score_notices = needs_state.parse_needs(values, only=needs_state.INDEX_PARAMS)
    notices += score_notices
    state = replace(state, score=score)

    territory = values.get(PARAM_TERRITORY)
    if territory:
        if territory in choices.codes.get(state.level, frozenset()):
            state = replace(state, territory=territory)
        else:
            notices.append(f"Territoire « {territory} » introuvable à ce niveau : aucun territoire n'est sélectionné.")
    return state, notices


def serialise_state(state: MapState) -> str:
    """The query string (with its leading « ? ») that restores `state`; parse_state reads it back."""
    pairs = [
        (PARAM_INDICATOR, state.indicator or ""),
        (PARAM_LEVEL, state.level),
        (PARAM_SCHEME, state.scheme),
        (PARAM_CLASSES, str(state.classes)),
        (PARAM_REFERENCE, state.reference),
        (PARAM_LAYERS, ",".join(state.layers) if state.layers else NO_LAYER),
    ]
    if state.territory:
        pairs.append((PARAM_TERRITORY, state.territory))
    if state.indicator == needs_store.SCORE_INDICATOR:
        pairs += needs_state.needs_pairs(state.score, only=needs_state.INDEX_PARAMS)
    return "?" + urlencode(pairs, safe=",:")


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
) -> MapState:
    """The state of the page's controls, each value checked like a URL parameter (bad → default)."""
    query: dict[str, str] = {}
    for name, value in (
        (PARAM_INDICATOR, indicator),
        (PARAM_LEVEL, level),
        (PARAM_SCHEME, scheme),
        (PARAM_CLASSES, classes),
        (PARAM_REFERENCE, reference),
        (PARAM_TERRITORY, territory),
    ):
        if value is not None:
            query[name] = str(value)
    query[PARAM_LAYERS] = ",".join(layers or []) or NO_LAYER
    state, _ = parse_state(query, choices)
    return replace(state, score=score) if score is not None else state
