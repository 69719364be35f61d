"""The needs analysis as data for the API (`/api/v1/needs`): one row per EPCI, JSON and CSV (pure functions).

Places are rounded to 5 (they are estimates), the need index to one decimal; missing stays null / empty.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dashboard.core import routes
from dashboard.core.store import Store
from dashboard.needs import model as needs
from dashboard.needs import state as needs_state
from dashboard.needs.analysis import Analysis, source_of
from dashboard.needs.scenario import WhatIf
from dashboard.needs.state import NeedsState

COLUMNS = {
    "priorite_rang": "rang dans l'ordre demandé (par défaut : places manquantes au regard du besoin)",
    "score_besoin": "indice de besoin, sur 100 (estimation)",
    "rang_min": "rang le plus favorable de l'intervalle contenant 90 % des tirages",
    "rang_max": "rang le moins favorable de l'intervalle contenant 90 % des tirages",
    "part_tirages_top10": "part des tirages où le territoire est dans les 10 premiers (0 à 1)",
    "offre_places": "offre existante en places estimées (arrondie à 5)",
    "offre_places_pour_10000": "offre existante, places pour 10 000 habitants (estimation)",
    "offre_attendue_pour_10000": "offre attendue au regard du besoin, places pour 10 000 habitants (estimation)",
    "manque_places": "offre attendue − offre existante, en places (arrondi à 5 ; positif = places manquantes)",
    "ecart_places": "référence − offre existante, en places (arrondi à 5 ; positif = places manquantes)",
    "ecart_places_bas": "bas de la fourchette de l'écart (tailles d'établissement basse ou haute)",
    "ecart_places_haut": "haut de la fourchette de l'écart",
    "indicateurs_manquants": "indicateurs de l'indice sans valeur ou écartés (couverture < 80 %)",
}
#: Columns added when the request places planned residences (`projets=`).
SCENARIO_COLUMNS = {
    "places_projetees": "places des projets envisagés dans l'EPCI (comptées telles quelles, déjà dans offre_places)",
    "priorite_rang_sans_projet": "rang de priorité sans les projets envisagés, mêmes paramètres",
    "ecart_places_sans_projet": "écart à la référence sans les projets envisagés (arrondi à 5)",
    "manque_places_sans_projet": "manque au regard du besoin sans les projets envisagés (arrondi à 5)",
}


def _rounded(value: float) -> float | None:
    return needs.round_places(value) if np.isfinite(value) else None


def _number(value: float, decimals: int) -> float | None:
    return round(float(value), decimals) if np.isfinite(value) else None


def _rank(value: float) -> int | None:
    return int(value) if np.isfinite(value) else None


def scenario_fields(before: Analysis, after: Analysis, code: str) -> dict[str, Any]:
    """The SCENARIO_COLUMNS of one EPCI."""
    row, base = after.table.loc[code], before.table.loc[code]
    return {
        "places_projetees": int(row["planned_places"]),
        "priorite_rang_sans_projet": _rank(base["rank"]),
        "ecart_places_sans_projet": _rounded(base["gap_places"]),
        "manque_places_sans_projet": _rounded(base["shortfall_places"]),
    }


def territory_records(analysis: Analysis, before: Analysis | None = None) -> list[dict[str, Any]]:
    """One record per EPCI, by rank (unranked last); with `before` (the analysis without the planned residences),
    the SCENARIO_COLUMNS too."""
    table = analysis.table.join(analysis.inputs.territories["name"])
    records = []
    for code in analysis.order(table.index):
        row = table.loc[code]
        records.append(
            {
                "code_epci": code,
                "nom_epci": str(row["name"]),
                "priorite_rang": _rank(row["rank"]),
                "score_besoin": _number(row["need"], 1),
                "rang_min": _rank(row["rank_low"]),
                "rang_max": _rank(row["rank_high"]),
                "part_tirages_top10": _number(row["top_share"], 3),
                "offre_places": _rounded(row["supply_places"]),
                "offre_places_pour_10000": _number(row["supply_rate"], 2),
                "offre_attendue_pour_10000": _number(row["expected_rate"], 2),
                "manque_places": _rounded(row["shortfall_places"]),
                "ecart_places": _rounded(row["gap_places"]),
                "ecart_places_bas": _rounded(row["gap_low"]),
                "ecart_places_haut": _rounded(row["gap_high"]),
                "ecart_par_famille": {
                    key: {
                        "ecart_places": _rounded(gaps.at[code, "gap"]),
                        "ecart_places_bas": _rounded(gaps.at[code, "low"]),
                        "ecart_places_haut": _rounded(gaps.at[code, "high"]),
                        "offre_places": _rounded(analysis.family_supply(code, key)),
                    }
                    for key, gaps in analysis.family_gaps.items()
                },
                "indicateurs_manquants": int(row["n_missing"]),
                **(scenario_fields(before, analysis, code) if before is not None else {}),
            }
        )
    return records


def parameters_record(analysis: Analysis, state: NeedsState) -> dict[str, Any]:
    reference = analysis.reference
    return {
        "poids": {c.indicator: c.weight for c in analysis.components},
        "normalisation": state.normalisation,
        "approximations": "incluses" if state.include_partial else "exclues",
        "reference": reference.key,
        "cible": state.target if reference.key == "cible" else None,
        "ordre": state.order,
        "reference_libelle": reference.label,
        "reference_places_pour_10000": {
            **{key: _number(value, 3) for key, value in reference.per_family.items()},
            "total": _number(reference.total if reference.total is not None else float("nan"), 3),
        },
        "indice_moyen_pondere": _number(analysis.mean_need, 2),
        "tirages": analysis.draws,
        "projets": [
            {"type": project.kind, "places": project.places, "commune": project.commune} for project in state.projects
        ],
        "requete": needs_state.serialise_needs(state, only=needs_state.SCENARIO_PARAMS),
    }


def payload(store: Store, scenario: WhatIf, state: NeedsState, notices: list[str], meta: dict) -> dict[str, Any]:
    """The JSON answer of /api/v1/needs (with planned residences: each EPCI's figures without them too)."""
    analysis = scenario.after
    sources = sorted(
        {analysis.inputs.sources[c.indicator] for c in analysis.components if analysis.inputs.sources.get(c.indicator)}
    )
    return {
        "parametres": parameters_record(analysis, state),
        "avertissements": notices,
        "estimation": True,
        "methode": routes.METHOD,
        "familles": {family.key: family.label for family in analysis.inputs.supply.families},
        "colonnes": COLUMNS | (SCENARIO_COLUMNS if state.projects else {}),
        "sources": {
            "indice_de_besoin": sources,
            "offre_en_places": source_of(store, "places_residence_sociale_pour_10000"),
        },
        "territoires": territory_records(analysis, scenario.before if state.projects else None),
        "meta": meta,
    }


def frame(scenario: WhatIf) -> pd.DataFrame:
    """The same records as a flat table (CSV): one column per family gap."""
    rows = []
    planned = bool(scenario.projects)
    for record in territory_records(scenario.after, scenario.before if planned else None):
        families = record.pop("ecart_par_famille")
        for key, values in families.items():
            for name, value in values.items():
                record[f"{name}_{key}"] = value
        rows.append(record)
    return pd.DataFrame(rows)
