"""Dash builders shared by /classement, the fiche and the map for the needs analysis: tables (gap by family,
places computation), the cells and explanations of a rank, and the need index as a map indicator. Charts:
`dashboard.needs.figures`. No callback here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from dash import html

from dashboard.core import formatting, routes
from dashboard.core.formatting import format_weight, typo
from dashboard.core.perimeter import perimeter_adjective
from dashboard.core.store import Store
from dashboard.core.values import LevelValues, ranks_of
from dashboard.needs import arguments
from dashboard.needs import model as needs
from dashboard.needs.analysis import (
    LEVEL_EPCI,
    SCORE_INDICATOR,
    SCORE_LABEL,
    SCORE_UNIT,
    Analysis,
    NeedsInputs,
    Parameters,
    Supply,
    Value,
    masked_values,
    needs_inputs,
)
from dashboard.needs.arguments import number, places_text, signed_places
from dashboard.needs.state import INDEX_PARAMS, NeedsState, serialise_needs
from dashboard.ui.plain_rows import plain_body

#: Why a build has no places (every région but the Hauts-de-France, and France): said wherever places would be.
PLACES_UNAVAILABLE = (
    "Places non estimables avec cette construction (chiffres DREES des places par famille absents des sources pour "
    "ce périmètre)"
)


def table(caption: str | None, head: Sequence[str], rows: list, numeric: Sequence[int] = ()) -> html.Div:
    """A data table with its caption; columns `numeric` aligned right."""
    header = html.Tr(
        [html.Th(label, scope="col", className="cell-number" if i in numeric else None) for i, label in enumerate(head)]
    )
    return html.Div(
        html.Table(
            [html.Caption(caption) if caption else None, html.Thead(header), plain_body(rows)],
            className="data-table",
        ),
        className="table-scroll",
    )


def value_cell(value: Value, entry: Mapping[str, Any], detail: bool = True) -> list:
    """A value with, below it, its coverage when partial and (`detail`) what it covers or how it was estimated."""
    if value.value is None:
        return [formatting.MISSING_LABEL]
    notes = [text for text in (arguments.coverage_text(value), value.detail if detail else "") if text]
    return [
        formatting.format_number(value.value, formatting.value_decimals(entry)),
        html.Span(typo(" ; ".join(notes)), className="cell-detail") if notes else None,
    ]


def swatch(colour: str) -> html.Span:
    """A square of an indicator's colour (decorative)."""
    return html.Span(className="component-swatch", style={"backgroundColor": colour}, **{"aria-hidden": "true"})


# --- Tables -------------------------------------------------------------------------------------------------


def places_computation_table(supply: Supply) -> html.Div:
    """DREES places ÷ FINESS establishments of the same types, per family, and the spread."""
    rows = [
        html.Tr(
            [
                html.Th(family.label, scope="row"),
                html.Td(typo(f"{family.figure_label} (fin 2021)")),
                html.Td(formatting.format_number(family.places), className="cell-number"),
                html.Td(", ".join(family.type_labels)),
                html.Td(formatting.format_number(family.establishments), className="cell-number"),
                html.Td(number(family.per_establishment), className="cell-number"),
            ]
        )
        for family in supply.families
    ]
    return table(
        f"Places par établissement (estimation) : places publiées par la DREES pour la région ÷ établissements "
        f"recensés dans FINESS, mêmes types ({supply.region_name})",
        ["Famille", "Chiffre DREES", "Places", "Types FINESS", "Établissements", "Places par établissement"],
        rows,
        numeric=(2, 4, 5),
    )


def spread_text(supply: Supply) -> str:
    """How much the sizes of establishments vary, and the range it gives the places."""
    if not supply.spread:
        return "Fourchette non calculable (moins de deux familles avec des places publiées)."
    return typo(
        f"Dispersion des tailles : les moyennes par famille vont de "
        f"{number(min(f.per_establishment for f in supply.families))} à "
        f"{number(max(f.per_establishment for f in supply.families))} places par établissement ; leur écart type "
        f"pondéré vaut {formatting.format_percent(supply.spread)} de la moyenne. Faute de capacités publiées par "
        f"établissement, chaque fourchette refait le calcul avec des tailles d'établissement multipliées par "
        f"{number(1 - supply.spread, 2)} et {number(1 + supply.spread, 2)}."
    )


def approximate_places(places: float) -> str:
    """« ≈ 2 055 » (rounded to 5), « 0 » when there is no establishment."""
    if not np.isfinite(places):
        return "–"
    return "0" if places == 0 else f"≈ {formatting.format_number(needs.round_places(places))}"


def gap_with_range(gap: float, low: float, high: float) -> list:
    """« +10 » and, below it, « +5 à +15 »."""
    return [signed_places(gap), html.Span(f"{signed_places(low)} à {signed_places(high)}", className="cell-detail")]


def family_gap_table(analysis: Analysis, code: str) -> html.Div:
    """Per family: establishments, estimated places, per 10,000, reference, gap (rounded to 5) and its range."""
    population = float(analysis.inputs.territories.at[code, "population"])
    rows = []
    for family in analysis.inputs.supply.families:
        places = float(analysis.inputs.supply_places.at[code, family.key])
        count = places / family.per_establishment if family.per_establishment else float("nan")
        gap = analysis.family_gaps.get(family.key)
        rows.append(
            html.Tr(
                [
                    html.Th(family.label, scope="row"),
                    html.Td(number(count, 0), className="cell-number"),
                    html.Td(approximate_places(places), className="cell-number"),
                    html.Td(number(places / population * 10_000), className="cell-number"),
                    html.Td(
                        number(analysis.reference.per_family.get(family.key, float("nan"))), className="cell-number"
                    ),
                    html.Td(
                        gap_with_range(gap.at[code, "gap"], gap.at[code, "low"], gap.at[code, "high"])
                        if gap is not None
                        else "–",
                        className="cell-number",
                    ),
                ]
            )
        )
    row = analysis.table.loc[code]
    rows.append(
        html.Tr(
            [
                html.Th("Ensemble", scope="row"),
                html.Td(""),
                html.Td(approximate_places(row["supply_places"]), className="cell-number"),
                html.Td(number(row["supply_rate"]), className="cell-number"),
                html.Td(number(analysis.reference.total), className="cell-number"),
                html.Td(gap_with_range(row["gap_places"], row["gap_low"], row["gap_high"]), className="cell-number"),
            ],
            className="row-total",
        )
    )
    return table(
        typo(
            f"Offre en places et écart au {analysis.reference.label} par famille (estimations ; écarts arrondis à "
            f"5 places, + = places manquantes, − = offre au-dessus de la référence ; fourchette en dessous)"
        ),
        [
            "Famille",
            "Établissements",
            "Places estimées",
            "Pour 10 000 hab.",
            "Référence pour 10 000 hab.",
            "Écart (places)",
        ],
        rows,
        numeric=(1, 2, 3, 4, 5),
    )


def top_explanation(analysis: Analysis, code: str) -> str | None:
    """Why a territory of the top 10 is there although it is not in the priority quadrant (or None)."""
    row = analysis.table.loc[code]
    if not (np.isfinite(row["rank"]) and row["rank"] <= needs.TOP):
        return None
    name = analysis.reference.label.split(" (")[0]
    expected = formatting.format_number(row["expected_rate"], 1)
    need = (
        f"{formatting.format_number(row['need'], 0)}, moyenne {perimeter_adjective()} "
        f"{formatting.format_number(analysis.mean_need, 0)}"
    )
    if needs.round_places(row["gap_places"]) < 0:
        return typo(
            f"Au {name}, son offre dépasse la référence ({places_text(row['gap_places'])} de plus) ; mais son indice "
            f"de besoin ({need}) porte l'offre attendue à {expected} places pour 10 000 habitants."
        )
    if row["need"] <= analysis.mean_need:
        population = formatting.format_number(analysis.inputs.territories.at[code, "population"])
        return typo(
            f"Besoin sous la moyenne ({need}), mais {formatting.format_number(row['supply_rate'], 1)} place(s) pour "
            f"10 000 habitants pour {population} habitants : même ajustée à ce besoin, l'offre attendue "
            f"({expected} pour 10 000) laisse {places_text(row['shortfall_places'])} manquantes."
        )
    return None


def robustness_cell(row: Mapping[str, float], count: int) -> str:
    """Short reading of the rank interval for a table cell."""
    if not np.isfinite(row["rank"]):
        return "non classé"
    share = row.get("top_share")
    if share and share > 0:
        return f"top {needs.TOP} : {formatting.format_percent(share)} des tirages"
    if row["rank_high"] - row["rank_low"] <= max(3, count // 20):
        return "rang stable"
    return "rang sensible aux réglages"


def gap_cell(row: Mapping[str, float]) -> html.Span:
    """« +220 (140 à 300) »."""
    if not np.isfinite(row["gap_places"]):
        return html.Span("–")
    return html.Span(
        [
            signed_places(row["gap_places"]),
            html.Span(
                f" {signed_places(row['gap_low'])} à {signed_places(row['gap_high'])}",
                className="cell-detail",
            ),
        ]
    )


# --- The need index on the map ------------------------------------------------------------------------------


def index_entry(inputs: NeedsInputs, parameters: Parameters) -> dict:
    """A catalogue-like entry for the need index pseudo-indicator (map explorer, slides)."""
    chosen = needs.components(dict(parameters.weights), inputs.directions)
    used = [f"{inputs.label(c.indicator)} ({format_weight(c.weight)})" for c in chosen]
    state = NeedsState(weights=parameters.weights, normalisation=parameters.normalisation)
    return {
        "id": SCORE_INDICATOR,
        "label": SCORE_LABEL,
        "unit": SCORE_UNIT,
        "direction": 1,
        "method": "score",
        "theme": "besoins",
        "definition": (
            "Estimation : plus la note est haute, plus les signes de besoin (pauvreté, chômage, loyers…) sont "
            "marqués dans l'EPCI (100 = besoin le plus marqué des EPCI de la carte). L'offre existante n'y entre pas."
        ),
        #: How the estimate is computed (the map folds it under the definition; slides print both).
        "components": (
            "Moyenne pondérée des rangs des indicateurs (rangés entre 0 et 1 parmi les EPCI de la carte, orientés "
            "dans le sens du besoin). Indicateurs (poids) : " + ", ".join(used) + "."
        ),
        "note": "Calculé par EPCI seulement, avec les poids de l'adresse. Un indicateur manquant, ou connu pour moins "
        "de 80 % de la population, est écarté pour l'EPCI concerné (voir sa fiche). Les poids se règlent sur la page "
        "Classement.",
        "levels": [LEVEL_EPCI],
        "settings_href": routes.RANKING + f"{serialise_needs(state, only=INDEX_PARAMS)}",
    }


def incomplete_note(count: int) -> str:
    """The legend's note on the EPCIs whose index lacks some of its indicators ('' when none does)."""
    if not count:
        return ""
    epci = f"{formatting.format_count(count)} EPCI"
    return (
        f"Pour {epci}, l'indice est calculé sans une partie de ses indicateurs (valeur manquante ou trop "
        "partielle) : estimation moins sûre, voir la fiche du territoire."
    )


def index_level_values(store: Store, parameters: Parameters) -> LevelValues:
    """The need index as map values (LevelValues) of the EPCI level, in the GeoJSON's feature order."""
    inputs = needs_inputs(store)
    chosen = needs.components(dict(parameters.weights), inputs.directions)
    if chosen:
        masked = masked_values(inputs, chosen, parameters.include_partial)
        keys = [component.indicator for component in chosen]
        values = inputs.values.copy()
        values[keys] = values[keys].mask(masked)
        index = needs.need_index(values, chosen, parameters.normalisation).value
        incomplete = int((values[keys].isna().any(axis=1) & index.notna()).sum())
    else:
        index = pd.Series(np.nan, index=inputs.values.index)
        incomplete = 0
    cited = [
        part for c in chosen if inputs.sources.get(c.indicator) for part in inputs.sources[c.indicator].split(" ; ")
    ]
    sources = sorted(set(cited))
    values_array = index.to_numpy(dtype=float)
    return LevelValues(
        level=LEVEL_EPCI,
        entry=index_entry(inputs, parameters) | {"incomplete_note": incomplete_note(incomplete)},
        codes=list(inputs.territories.index),
        names=inputs.territories["name"].astype(str).tolist(),
        values=values_array,
        coverage=np.ones(len(values_array)),
        ranks=ranks_of(values_array),
        source="estimation à partir de " + " ; ".join(sources) if sources else "estimation",
        vintage="",
        region_value=None,
        region_coverage=None,
    )
