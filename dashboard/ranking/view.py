"""The ranking of the EPCIs (/classement) as pure builders: filters, table rows, summary in words, and `view`,
every value the page shows for one needs state, by name (the layout and the callback both use it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from dash import dcc, html

from dashboard.core import formatting, routes
from dashboard.core.formatting import format_weight, typo
from dashboard.core.perimeter import of_perimeter
from dashboard.core.store import Store
from dashboard.needs import arguments, figures
from dashboard.needs import model as needs
from dashboard.needs import state as needs_state
from dashboard.needs import views as needs_views
from dashboard.needs.analysis import Analysis, analyse, source_of
from dashboard.needs.arguments import places_text, range_text
from dashboard.needs.fiche import fiche_href
from dashboard.needs.state import NeedsState
from dashboard.presentation.request import add_href
from dashboard.presentation.specs import ranking_spec
from dashboard.ui.plain_rows import rows_data

#: EPCIs in the contributions chart.
CHART_TOP = 15


def filtered_codes(territories: pd.DataFrame, state: NeedsState) -> list[str]:
    """EPCIs shown with the filters (need index, priority and ranks stay computed over the whole région)."""
    keep = pd.Series(True, index=territories.index)
    if state.departements:
        keep &= territories["departement_code"].isin(state.departements)
    if state.kinds:
        keep &= territories["kind"].replace({"MET69": "METRO"}).isin(state.kinds)
    if state.band:
        _, low, high = needs_state.BANDS[state.band]
        population = territories["population"].astype(float)
        keep &= (population >= low) & (population < high)
    return list(territories.index[keep])


def interval_text(row: Mapping[str, float]) -> str:
    """The rank interval of 90 % of the draws (« 3 – 7 », « 4 », « – »)."""
    if not np.isfinite(row["rank"]):
        return "–"
    low, high = int(row["rank_low"]), int(row["rank_high"])
    return f"{low} – {high}" if low != high else str(low)


def territory_cell(
    analysis: Analysis, code: str, row: Mapping[str, Any], territory: Mapping[str, Any], state: NeedsState
) -> html.Th:
    """The EPCI's name (link to its fiche), its robust-top badge, département, kind, population and notes."""
    ranked = np.isfinite(row["rank"])
    robust = ranked and needs.robust_top(row["rank_high"])
    departement = territory["departement_code"]
    details = [
        analysis.inputs.departement_names.get(departement, departement),
        str(territory["kind"]).replace("METRO", "Métropole").replace("MET69", "Métropole"),
        f"{formatting.format_number(territory['population'])} hab.",
    ]
    notes = []
    if row["n_masked"]:
        notes.append(f"{int(row['n_masked'])} valeur(s) partielle(s) écartée(s)")
    elif row["n_missing"]:
        notes.append(f"{int(row['n_missing'])} indicateur(s) manquant(s)")
    explanation = needs_views.top_explanation(analysis, code) if ranked and row["rank"] <= needs.TOP else None
    return html.Th(
        [
            dcc.Link(str(territory["name"]), href=fiche_href(code, state)),
            html.Span(f" dans les {needs.TOP} premiers", className="badge-robust") if robust else None,
            html.Span(" · ".join(details), className="cell-detail"),
            html.Span(" ; ".join(notes), className="cell-detail") if notes else None,
            html.Span(explanation, className="cell-explanation") if explanation else None,
        ],
        scope="row",
    )


def table_rows(analysis: Analysis, codes: Sequence[str], state: NeedsState) -> list[html.Tr]:
    """One row per EPCI shown: rank, EPCI, need, supply → expected, shortfall, gap, rank interval."""
    # Plain dicts: per-row pandas lookups would cost more than the whole analysis.
    table = analysis.table.to_dict("index")
    territories = analysis.inputs.territories.to_dict("index")
    rows = []
    for code in codes:
        row = table[code]
        ranked = np.isfinite(row["rank"])
        rows.append(
            html.Tr(
                [
                    html.Td(formatting.ordinal(int(row["rank"])) if ranked else "–", className="cell-number"),
                    territory_cell(analysis, code, row, territories[code], state),
                    html.Td(arguments.number(row["need"], 0), className="cell-number"),
                    html.Td(
                        f"{arguments.number(row['supply_rate'])} → {arguments.number(row['expected_rate'])}",
                        className="cell-number cell-nowrap",
                    ),
                    html.Td(arguments.signed_places(row["shortfall_places"]), className="cell-number cell-strong"),
                    html.Td(needs_views.gap_cell(row), className="cell-number"),
                    html.Td(
                        [
                            html.Span(interval_text(row), className="cell-interval"),
                            html.Span(needs_views.robustness_cell(row, analysis.ranked), className="cell-detail"),
                        ],
                        className="cell-number",
                    ),
                ]
            )
        )
    return rows


@dataclass(frozen=True)
class Column:
    """A column of the ranking table: its header, the line under it, and what it means in plain words."""

    label: str  # « {reference} »: the reference the gap is measured against
    detail: str | None
    meaning: str | None  # for « Lire le tableau », under the table (None: self-explaining)

    def header(self, reference: str) -> str:
        return self.label.format(reference=reference)


COLUMNS = (
    Column("Rang", None, "Position de l'EPCI : 1 = le plus de places qui manquent au regard de son besoin."),
    Column("EPCI", None, None),
    Column(
        "Besoin",
        "indice sur 100",
        "Plus il est haut, plus les signes de besoin sont marqués, comparé aux autres EPCI.",
    ),
    Column(
        "Offre → attendue",
        "places pour 10 000 hab.",
        "Places existantes pour 10 000 habitants, puis celles qu'on attendrait au taux de référence ajusté au besoin.",
    ),
    Column(
        "Manque",
        "places, attendue − existante",
        "Places à créer pour atteindre l'offre attendue (offre attendue − offre existante).",
    ),
    Column(
        "Écart au {reference}",
        "places, et fourchette",
        "Places à créer pour atteindre le taux de référence, sans tenir compte du besoin, avec sa fourchette.",
    ),
    Column(
        "Rang",
        "90 % des tirages",
        "Rangs de l'EPCI quand on fait varier les poids au hasard : plus l'intervalle est étroit, plus la position "
        "est solide.",
    ),
)
#: How « Lire le tableau » names the reference of the gap (the table names the one chosen).
ANY_REFERENCE = "taux de référence"


def columns_meaning() -> list[tuple[str, str]]:
    """« Lire le tableau »: each explained column, as « header (detail) », and its meaning."""
    return [
        (f"{column.header(ANY_REFERENCE)} ({column.detail})" if column.detail else column.label, column.meaning)
        for column in COLUMNS
        if column.meaning
    ]


def table_header(analysis: Analysis) -> html.Tr:
    """The ranking table's column headers (the gap named after the reference)."""
    reference = analysis.reference.label.split(" (")[0]
    return html.Tr(
        [
            html.Th(
                [typo(column.header(reference)), html.Span(typo(column.detail), className="cell-detail")]
                if column.detail
                else column.label,
                scope="col",
                className=None if position == 1 else "cell-number",
            )
            for position, column in enumerate(COLUMNS)
        ]
    )


def gap_sentence(analysis: Analysis) -> html.P | None:
    """The région's total gap to the reference, with its range (None when it cannot be estimated)."""
    total, low, high = analysis.total_gap
    if not np.isfinite(total):
        return None
    verb = "il manquerait" if needs.round_places(total) > 0 else "l'offre dépasserait la référence de"
    return html.P(
        html.Strong(
            typo(
                f"Pour l'ensemble {of_perimeter()}, au {analysis.reference.label.split(' (')[0]}, {verb} "
                f"{places_text(total)} en résidences sociales ({range_text(low, high)}) : estimation."
            )
        )
    )


def robust_sentence(analysis: Analysis, state: NeedsState) -> html.P:
    """The EPCIs in the top for at least 95 % of the draws (links to their fiches), or that there is none."""
    table = analysis.table.join(analysis.inputs.territories["name"])
    robust = table[(table["rank_high"] <= needs.TOP) & table["rank"].notna()].sort_values("rank")
    if not len(robust):
        return html.P(
            typo(
                f"Aucun EPCI ne reste dans les {needs.TOP} premiers pour 95 % des tirages : le haut du classement "
                "dépend des réglages."
            )
        )
    return html.P(
        [
            html.Strong(typo(f"Dans les {needs.TOP} premiers pour au moins 95 % des {analysis.draws} tirages : ")),
            *[
                part
                for position, (code, name) in enumerate(robust["name"].items())
                for part in ((", ",) if position else ()) + (dcc.Link(name, href=fiche_href(code, state)),)
            ],
            ".",
        ]
    )


def masked_sentence(analysis: Analysis) -> html.P | None:
    """How many EPCIs have a partial value, left out of their index or included on demand."""
    masked = int((analysis.table["n_masked"] > 0).sum())
    if not masked:
        return None
    return html.P(
        typo(
            f"{masked} EPCI ont une valeur approchée couvrant moins de 80 % de leur population : elle est "
            "écartée de leur indice (voir la colonne EPCI)."
            if not analysis.parameters.include_partial
            else f"{masked} EPCI ont une valeur approchée couvrant moins de 80 % de leur population, incluse "
            "à votre demande."
        )
    )


def summary(analysis: Analysis, state: NeedsState) -> list[Any]:
    """The top of the ranking in words, the région's total gap, what was left out."""
    order = needs.ORDERS[analysis.parameters.order].lower()
    used = ", ".join(f"{analysis.inputs.label(c.indicator)} ({format_weight(c.weight)})" for c in analysis.components)
    reference = f" Référence : {analysis.reference.label}." if analysis.inputs.supply.available else ""
    settings = html.P(
        typo(
            f"{formatting.format_number(analysis.ranked)} EPCI classés par {order}. Indice de besoin : {used}.{reference}"
        )
    )
    sentences = [settings, gap_sentence(analysis), robust_sentence(analysis, state), masked_sentence(analysis)]
    return [sentence for sentence in sentences if sentence is not None]


#: Rows of the ranking table at most (the 1,250 EPCIs of a France build would weigh 1.7 MB per weight change):
#: the others are reached by the filters, or in the CSV of the same analysis.
TABLE_ROWS = 200


def count_text(shown: int, total: int, state: NeedsState) -> list[Any]:
    """« 92 EPCI affichés sur 92 ; rangs calculés sur l'ensemble de la région. », or, beyond `TABLE_ROWS`, the
    first ones shown and a link to the CSV of every row."""
    shown_text, total_text = formatting.format_number(shown), formatting.format_number(total)
    rows = f"{shown_text} EPCI affichés sur {total_text}" + (" (filtres actifs)" if shown < total else "")
    ranks = f" ; rangs calculés sur l'ensemble {of_perimeter()}."
    if shown <= TABLE_ROWS:
        return [rows + ranks]
    query = needs_state.serialise_needs(state, only=needs_state.SCENARIO_PARAMS)
    csv = f"{routes.API_V1}{routes.NEEDS_API_PATH}{query}"
    csv += ("&" if "?" in csv else "?") + "format=csv"
    return [
        f"Les {TABLE_ROWS} premiers des {shown_text} EPCI sélectionnés sont affichés (sur {total_text})" + ranks + " ",
        html.A(f"Télécharger le classement complet ({total_text} EPCI, CSV)", href=csv),
        " ; ou filtrer par département.",
    ]


def view(store: Store, state: NeedsState) -> dict[str, Any]:
    """Everything the callback updates, for a state (also used to render the page), by output name."""
    analysis = analyse(store, state.parameters)
    codes = analysis.order(filtered_codes(analysis.inputs.territories, state))
    ranks = analysis.table["rank"].reindex(codes).to_numpy(dtype=float)
    ranked = [code for code, rank in zip(codes, ranks, strict=True) if np.isfinite(rank)]
    chart_codes = ranked[:CHART_TOP]
    total = len(analysis.inputs.territories)
    sources = sorted(
        {analysis.inputs.sources[c.indicator] for c in analysis.components if analysis.inputs.sources.get(c.indicator)}
    )
    return {
        "summary": summary(analysis, state),
        "need_supply": figures.need_supply_figure(analysis, labelled=ranked[: needs.TOP]),
        "need_supply_caption": figures.need_supply_caption(analysis),
        "contributions": figures.contribution_figure(analysis, chart_codes),
        "contributions_caption": typo(
            f"Contribution de chaque indicateur à l'indice de besoin des {len(chart_codes)} premiers EPCI affichés "
            "(points sur 100)."
        ),
        "header": table_header(analysis),
        "rows": rows_data(table_rows(analysis, codes[:TABLE_ROWS], state)),
        "count": count_text(len(codes), total, state),
        "sources": typo(
            f"Sources de l'indice : {' ; '.join(sources)}. Offre en places : "
            f"{source_of(store, 'places_residence_sociale_pour_10000')}."
        ),
        "query": needs_state.serialise_needs(state),
        "map_href": f"{routes.HOME}?indicateur=score_besoin&niveau=epci&"
        + needs_state.serialise_needs(state, only=needs_state.INDEX_PARAMS).lstrip("?"),
        "add_href": add_href(ranking_spec(state.weights)),
    }
