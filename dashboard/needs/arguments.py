"""The sentences that argue a territory's case, written from the data only (pure functions).

Each sentence carries its figure, its reference, its source and vintage, and the share of the population the
figure covers when it is partial; a figure covering under half of the population says so; a territory
straddling the région says which part a figure covers; one sentence per figure, even when it is compared
with both the département and the région.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from dashboard.core import catalogue, formatting
from dashboard.core.formatting import typo
from dashboard.core.perimeter import own_region, perimeter_adjective
from dashboard.core.store import Store
from dashboard.needs import model as needs
from dashboard.needs.analysis import Analysis, Value, lookup, source_of

#: Relative difference under which a comparison is not worth a sentence.
THRESHOLD = 0.05
FEMININE_DEPARTEMENTS = frozenset({"Somme", "Seine-Maritime", "Marne", "Meuse", "Manche", "Moselle", "Haute-Marne"})
#: Indicators compared in the sentences besides the index's components (supply and shelters).
CONTEXT_INDICATORS = ("places_residence_sociale_pour_10000", "places_hebergement_pour_10000")


@dataclass(frozen=True)
class Argument:
    text: str
    supports: bool  # True: argues for a need; False: nuances it


def of_departement(name: str) -> str:
    """« de l'Aisne », « du Nord », « de la Somme »."""
    if name[:1].upper() in "AEIOUYÉÈÊH":
        return f"de l'{name}"
    return f"de la {name}" if name in FEMININE_DEPARTEMENTS else f"du {name}"


def reference_name(scope: str, departement_name: str) -> str:
    if scope == "departement":
        return f"la moyenne {of_departement(departement_name)}"
    return "la moyenne régionale" if scope == "region" else "la moyenne nationale"


def places_text(value: float) -> str:
    """« environ 85 places », rounded to 5 places."""
    rounded = needs.round_places(abs(value))
    return f"environ {formatting.format_number(rounded)} place{'s' if rounded > 1 else ''}"


def range_text(low: float, high: float) -> str:
    """« fourchette de 55 à 115 places » (absolute values, rounded to 5)."""
    ends = sorted(needs.round_places(abs(value)) for value in (low, high))
    return f"fourchette de {formatting.format_number(ends[0])} à {formatting.format_number(ends[1])} places"


def coverage_text(value: Value) -> str:
    """What part of the population a partial figure covers (empty when complete)."""
    if not value.partial or value.coverage is None:
        return ""
    text = f"couvre {formatting.format_percent(value.coverage)} de la population"
    if value.coverage < needs.SENTENCE_COVERAGE:
        text += ", moins de la moitié : à lire avec prudence"
    return text


def _figure(value: Value, entry: Mapping, local: bool = True) -> str:
    """« 5,2 %, Insee, Filosofi 2019 ; couvre 64 % de la population » (a reference value: number and coverage)."""
    parts = [formatting.format_value(value.value, entry)]
    if local and value.source:
        parts.append(value.source)
    notes = [text for text in (coverage_text(value), value.detail if local else "") if text]
    text = ", ".join(parts)
    return text + (" ; " + " ; ".join(notes) if notes else "")


def _direction(relative: float) -> str:
    return "dépasse" if relative > 0 else "reste en deçà de"


def comparison(
    store: Store, indicator: str, code: str, departement: tuple[str, str], direction: int
) -> Argument | None:
    """One sentence comparing the EPCI's figure with its département and the région (when they differ by 5 %)."""
    entry = catalogue.indicator_entries(store).get(indicator)
    local = lookup(store, indicator, "epci", code)
    if entry is None or local.value is None:
        return None
    compared = []
    for scope, where in (("departement", departement[0]), ("region", own_region(store, "epci", code)[0])):
        reference = lookup(store, indicator, scope, where)
        if reference.value is None or reference.value == 0:
            continue
        relative = (local.value - reference.value) / abs(reference.value)
        if abs(relative) >= THRESHOLD:
            compared.append((relative, reference_name(scope, departement[1]), reference))
    if not compared:
        return None
    label = str(entry.get("label", indicator))
    subject = f"{label[0].lower()}{label[1:]} ({_figure(local, entry)})"
    clauses = []
    for position, (relative, name, reference) in enumerate(compared):
        verb = _direction(relative)
        same = position and _direction(compared[0][0]) == verb
        value = _figure(reference, entry, local=False)
        clauses.append(f"{name} ({value})" if same else f"{verb} {name} ({value})")
    joiner = " et " if len(compared) == 2 and _direction(compared[0][0]) == _direction(compared[1][0]) else " mais "
    text = subject + " " + joiner.join(clauses) + "."
    supports = all((relative > 0) == (direction > 0) for relative, _, _ in compared) if direction else False
    return Argument(typo(text[0].upper() + text[1:]), supports)


def gap_argument(analysis: Analysis, code: str) -> Argument | None:
    """The supply against the chosen reference, in places (rounded to 5, with its range)."""
    row = analysis.table.loc[code]
    reference = analysis.reference
    if not np.isfinite(row["gap_places"]):
        return None
    expected = row["supply_places"] + row["gap_places"]
    head = (
        f"Au {reference.label}, le territoire compterait {places_text(expected)} en résidences sociales ; il en "
        f"compte {places_text(row['supply_places'])} (estimation : établissements FINESS × places moyennes DREES)"
    )
    rounded = needs.round_places(row["gap_places"])
    ranges = range_text(row["gap_low"], row["gap_high"])
    if rounded > 0:
        return Argument(typo(f"{head} : il en manquerait {places_text(row['gap_places'])} ({ranges})."), True)
    if rounded < 0:
        return Argument(typo(f"{head} : l'offre dépasse ce taux d'{places_text(row['gap_places'])} ({ranges})."), False)
    return Argument(typo(f"{head} : l'offre est proche de ce taux."), False)


def priority_argument(analysis: Analysis, code: str) -> Argument | None:
    """The expected supply given the need, the shortfall, the rank and how robust it is."""
    row = analysis.table.loc[code]
    if not (np.isfinite(row["need"]) and np.isfinite(row["shortfall_places"]) and np.isfinite(row["rank"])):
        return None
    position = "au-dessus" if row["need"] > analysis.mean_need else "au-dessous"
    order = needs.ORDERS[analysis.parameters.order].lower()
    text = (
        f"Son indice de besoin ({formatting.format_number(row['need'], 0)} sur 100) est {position} de la moyenne "
        f"{perimeter_adjective()} pondérée par la population ({formatting.format_number(analysis.mean_need, 0)}) : au "
        f"{analysis.reference.label.split(' (')[0]} ajusté à ce besoin, l'offre attendue serait de "
        f"{formatting.format_number(row['expected_rate'], 1)} places pour 10 000 habitants, contre "
        f"{formatting.format_number(row['supply_rate'], 1)} aujourd'hui (estimations)"
    )
    rounded = needs.round_places(row["shortfall_places"])
    if rounded > 0:
        text += f" ; il manquerait {places_text(row['shortfall_places'])}."
    elif rounded < 0:
        text += f" ; l'offre dépasse cette attente d'{places_text(row['shortfall_places'])}."
    else:
        text += " ; l'offre correspond à cette attente."
    text += (
        f" Rang {formatting.ordinal(int(row['rank']))} sur {analysis.ranked} EPCI ({order}) ; "
        f"{robustness_text(row, analysis.draws)}."
    )
    return Argument(typo(text), rounded > 0)


def robustness_text(row: Mapping[str, float], draws: int) -> str:
    """« dans les 10 premiers pour 100 % des 500 tirages » (only said so when the 95th percentile is within)."""
    low, high = int(row["rank_low"]), int(row["rank_high"])
    interval = (
        f"rang entre le {formatting.ordinal(low)} et le {formatting.ordinal(high)} pour 90\u202f% des {draws} tirages"
    )
    share = row.get("top_share")
    if needs.robust_top(row["rank_high"]):
        return f"{interval} : dans les {needs.TOP} premiers pour {formatting.format_percent(share)} des tirages"
    if share and share > 0:
        return (
            f"{interval} ; dans les {needs.TOP} premiers pour {formatting.format_percent(share)} des tirages "
            "seulement : son rang dépend des réglages"
        )
    return interval


def territory_arguments(
    store: Store, analysis: Analysis, code: str, departement: tuple[str, str], accelerated: str | None
) -> tuple[Argument, ...]:
    """Priority, gap, then one comparison per indicator of the index and of the supply."""
    items = [priority_argument(analysis, code), gap_argument(analysis, code)]
    if analysis.table.at[code, "supply_places"] == 0:
        source = source_of(store, "nb_residence_sociale")
        items.append(Argument(typo(f"Aucune résidence sociale n'est recensée sur le territoire ({source})."), True))
    if accelerated:
        items.append(Argument(typo(accelerated), True))
    indicators = [component.indicator for component in analysis.components] + list(CONTEXT_INDICATORS)
    entries = catalogue.indicator_entries(store)
    for indicator in dict.fromkeys(indicators):
        direction = int(entries.get(indicator, {}).get("direction") or 0)
        items.append(comparison(store, indicator, code, departement, direction))
    return tuple(item for item in items if item is not None)


def number(value: float | None, decimals: int = 1) -> str:
    """A French number, or « – » when missing."""
    return formatting.format_number(value, decimals) if value is not None and np.isfinite(value) else "–"


def signed_places(value: float) -> str:
    """« +85 », « −40 », « 0 » (rounded to 5 places)."""
    if not np.isfinite(value):
        return "–"
    rounded = needs.round_places(value)
    text = formatting.format_number(abs(rounded))
    return f"+{text}" if rounded > 0 else (f"−{text}" if rounded < 0 else "0")
