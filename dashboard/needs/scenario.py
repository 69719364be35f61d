"""« Projet envisagé »: the analysis before and after planned residences, and what changes for one EPCI.

Both analyses use the same parameters (weights, reference, order); only the planned places differ. Figures are
estimates: places rounded to 5, ranks as whole ranks among the EPCIs of the région.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from dash import html

from dashboard.core import formatting
from dashboard.core.formatting import typo
from dashboard.core.store import Store
from dashboard.needs import figures
from dashboard.needs import model as needs
from dashboard.needs.analysis import Analysis, Parameters, analyse
from dashboard.needs.arguments import number, signed_places
from dashboard.needs.projects import Project, ProjectChoices, project_choices
from dashboard.needs.views import approximate_places, table


@dataclass(frozen=True)
class WhatIf:
    """The analysis without and with the planned residences."""

    before: Analysis
    after: Analysis
    choices: ProjectChoices

    @property
    def projects(self) -> tuple[Project, ...]:
        return self.after.parameters.projects


#: The before/after of the fiche, the map and the slides shows ranks with the chosen parameters only (draw 0):
#: the robustness draws would not change them, and the fiche gives the robustness of the situation without project.
RANK_ONLY = 1


def what_if(store: Store, parameters: Parameters, draws: int = needs.DRAWS) -> WhatIf:
    """The analysis of `parameters` without its projects, then with them (`draws` robustness draws each)."""
    after = analyse(store, parameters, draws)
    before = analyse(store, replace(parameters, projects=()), draws) if parameters.projects else after
    return WhatIf(before, after, project_choices(store))


@dataclass(frozen=True)
class Change:
    """One figure of an EPCI before and after the projects, as the table shows it."""

    label: str
    before: str
    after: str
    moved: bool


def _rank_text(rank: float, count: int) -> str:
    return f"{formatting.ordinal(int(rank))} sur {count}" if np.isfinite(rank) else "non classé"


def _quadrant_text(analysis: Analysis, code: str) -> str:
    key = figures.quadrant(analysis, code)
    return figures.QUADRANTS_SHORT[key] if key else "non calculable"


def changes(scenario: WhatIf, code: str) -> list[Change]:
    """Supply, supply per 10,000, gap to the reference, shortfall against the need, rank and position."""
    reference = scenario.after.reference.label.split(" (")[0]
    figures_shown = (
        (
            "Offre en places (estimation, projets compris)",
            lambda a: approximate_places(a.table.at[code, "supply_places"]),
        ),
        ("Offre pour 10 000 habitants", lambda a: number(a.table.at[code, "supply_rate"])),
        (f"Écart au {reference} (places, + = manquantes)", lambda a: signed_places(a.table.at[code, "gap_places"])),
        ("Manque au regard du besoin (places)", lambda a: signed_places(a.table.at[code, "shortfall_places"])),
        ("Rang de priorité", lambda a: _rank_text(a.table.at[code, "priority_rank"], a.ranked)),
        ("Position besoin × offre", lambda a: _quadrant_text(a, code)),
    )
    rows = []
    for label, show in figures_shown:
        before, after = show(scenario.before), show(scenario.after)
        rows.append(Change(label, before, after, before != after))
    return rows


def summary(scenario: WhatIf, code: str) -> str:
    """One sentence: how the gap and the rank move for the EPCI (estimates)."""
    before, after = scenario.before.table.loc[code], scenario.after.table.loc[code]
    planned = after["planned_places"]
    if not planned:
        return typo(
            "Aucun projet envisagé dans cet EPCI : ses chiffres ne changent que par l'effet des projets placés "
            "ailleurs sur le rang."
        )
    reference = scenario.after.reference.label.split(" (")[0]
    return typo(
        f"Avec {formatting.format_number(planned)} places envisagées, l'écart au {reference} passe de "
        f"{signed_places(before['gap_places'])} à {signed_places(after['gap_places'])} places et le rang de priorité "
        f"de {_rank_text(before['priority_rank'], scenario.before.ranked)} à "
        f"{_rank_text(after['priority_rank'], scenario.after.ranked)} (estimations)."
    )


def changes_table(scenario: WhatIf, code: str, caption: str) -> html.Div:
    """« Avant / Après » for one EPCI, the figures that move in bold."""
    rows = [
        html.Tr(
            [
                html.Th(change.label, scope="row"),
                html.Td(change.before, className="cell-number"),
                html.Td(html.Strong(change.after) if change.moved else change.after, className="cell-number"),
            ]
        )
        for change in changes(scenario, code)
    ]
    return table(caption, ["", "Sans projet", "Avec les projets"], rows, numeric=(1, 2))


def position_figure(scenario: WhatIf, code: str, height: int = 380) -> dict[str, Any]:
    """The need × supply chart with the projects, the EPCI's point without them (hollow) and an arrow to it."""
    figure = figures.need_supply_figure(scenario.after, highlight=code, height=height)
    before, after = scenario.before.table.loc[code], scenario.after.table.loc[code]
    if not (np.isfinite(before["supply_rate"]) and np.isfinite(after["need"])):
        return figure
    figure["data"].append(
        {
            "type": "scatter",
            "x": [before["supply_rate"]],
            "y": [before["need"]],
            "mode": "markers",
            "name": "Ce territoire sans les projets",
            "marker": {"size": 14, "color": "rgba(0,0,0,0)", "line": {"color": figures.HIGHLIGHT_COLOUR, "width": 2}},
            "hovertemplate": "Sans les projets : %{x:.1f} places pour 10 000 habitants<extra></extra>",
        }
    )
    if after["supply_rate"] != before["supply_rate"]:
        figure["layout"]["annotations"].append(
            {
                "x": after["supply_rate"],
                "y": after["need"],
                "ax": before["supply_rate"],
                "ay": before["need"],
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "showarrow": True,
                "arrowhead": 3,
                "arrowwidth": 2,
                "arrowcolor": figures.HIGHLIGHT_COLOUR,
                "text": "",
            }
        )
    return figure


def method_note(scenario: WhatIf) -> str:
    """How the before/after is computed (shown under the table)."""
    draws = (
        f"{scenario.after.draws} tirages pour la robustesse"
        if scenario.after.draws > RANK_ONLY
        else "rang avec les réglages choisis, sans les tirages de robustesse"
    )
    return typo(
        "Les places d'un projet s'ajoutent à l'offre estimée de sa famille dans l'EPCI de la commune choisie ; "
        f"l'écart, le manque au regard du besoin et le rang sont recalculés avec les mêmes paramètres ({draws}). "
        f"Places arrondies à {needs.PLACES_ROUNDING}. Estimations : l'offre existante est estimée (capacités "
        "moyennes DREES × établissements FINESS), les places des projets sont comptées telles quelles."
    )
