"""Territory fiche data: everything /territoire/<siren> shows for one EPCI, as pure functions of the store and
of the needs state (identity, Logement d'abord status, establishments, the analysis and its arguments), and
the addresses of the fiche and of its map view.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from dashboard.core import routes
from dashboard.core.catalogue import ROLE_TERRITORIES, citation_for, territory_row
from dashboard.core.levels import EPCI_KINDS, LEVEL_EPCI
from dashboard.core.store import Store, inside_region
from dashboard.needs import arguments
from dashboard.needs.analysis import Analysis, Value, analyse, source_of
from dashboard.needs.arguments import Argument
from dashboard.needs.state import ANALYSIS_PARAMS, INDEX_PARAMS, NeedsState, serialise_needs
from dashboard.ui.components import sources_line

ACCELERATED_DEPARTEMENT_LEVEL = "departement"


def fiche_href(siren: str, state: NeedsState | None = None) -> str:
    """The fiche of `siren`, with the analysis parameters of `state`."""
    query = serialise_needs(state, only=ANALYSIS_PARAMS) if state else ""
    return f"{routes.territory_path(siren)}{query}"


def map_href(siren: str, state: NeedsState) -> str:
    """The map explorer on the need index with the same weights, this territory selected."""
    query = serialise_needs(state, only=INDEX_PARAMS).lstrip("?")
    return f"{routes.HOME}?indicateur=score_besoin&niveau=epci&territoire={siren}&{query}"


@dataclass(frozen=True)
class Identity:
    """Who the EPCI is: SIREN, name, kind, département, communes, population and the source of these."""

    code: str
    name: str
    kind: str
    departement_code: str
    departement_name: str
    communes: int
    communes_outside: int
    population: float | None
    source: str


@dataclass(frozen=True)
class FicheData:
    """Everything the fiche shows for one EPCI and one needs state."""

    identity: Identity
    state: NeedsState
    analysis: Analysis
    establishments: pd.DataFrame
    accelerated: str | None
    arguments: tuple[Argument, ...]

    @property
    def row(self) -> pd.Series:
        """The EPCI's line of the analysis table."""
        return self.analysis.table.loc[self.identity.code]


def identity(store: Store, siren: str) -> Identity | None:
    """The identity of the EPCI `siren`, or None when the map does not know it."""
    row = territory_row(store, LEVEL_EPCI, siren) if LEVEL_EPCI in store.display else None
    if row is None:
        return None
    territories = store.territories
    members = territories[(territories["level"] == "commune") & (territories["epci_code"] == siren)]
    inside = inside_region(members)
    departements = territories[territories["level"] == "departement"].set_index("code")["name"]
    code = str(row.get("departement_code") or "")
    citations = [citation_for(store, ROLE_TERRITORIES), source_of(store, "population")]
    source = sources_line([citation for citation in citations if citation])
    population = row.get("population")
    return Identity(
        code=siren,
        name=str(row["name"]),
        kind=EPCI_KINDS.get(str(row.get("kind")), "EPCI"),
        departement_code=code,
        departement_name=str(departements.get(code, code)),
        communes=int(inside.sum()),
        communes_outside=int((~inside).sum()),
        population=float(population) if pd.notna(population) else None,
        source=source,
    )


def accelerated_status(store: Store, siren: str, departement: str, departement_name: str) -> str | None:
    """Whether the EPCI is a territory of accelerated implementation of Logement d'abord, itself or
    through its département."""
    for entry in store.catalogue.get("accelerated_territories", []):
        wave = int(entry.get("wave") or 0)
        ordinal = "1re" if wave == 1 else f"{wave}e"
        if entry.get("territory_level") == "epci" and entry.get("territory_code") == siren:
            return f"Territoire de mise en œuvre accélérée du Logement d'abord ({ordinal} vague)."
        if entry.get("territory_level") == ACCELERATED_DEPARTEMENT_LEVEL and entry.get("territory_code") == departement:
            return (
                f"Concerné par la mise en œuvre accélérée du Logement d'abord à travers son département : "
                f"le {departement_name} est territoire de mise en œuvre accélérée ({ordinal} vague)."
                if departement_name.startswith("Pas")
                else f"Concerné à travers son département ({departement_name}), territoire de mise en œuvre "
                f"accélérée du Logement d'abord ({ordinal} vague)."
            )
    return None


def establishments_of(store: Store, siren: str) -> pd.DataFrame:
    """The EPCI's establishments, by type (typology order), commune and name."""
    residences = store.residences
    if "epci_code" not in residences:
        return residences.iloc[:0]
    typology = store.catalogue["residence_types"]
    order = {
        kind: i for i, kind in enumerate([*typology.get("residence_sociale", []), *typology.get("hebergement", [])])
    }
    of_epci = pd.DataFrame(residences[residences["epci_code"] == siren].drop(columns="geometry", errors="ignore"))
    of_epci = of_epci.assign(_order=of_epci["type"].map(order).fillna(99))
    return of_epci.sort_values(["_order", "commune_name", "name"], kind="stable").drop(columns="_order")


def fiche_data(store: Store, siren: str, state: NeedsState) -> FicheData | None:
    """The fiche of `siren` for `state`, or None for an unknown SIREN."""
    ident = identity(store, siren)
    if ident is None:
        return None
    analysis = analyse(store, replace(state.parameters, projects=()))  # planned residences: the scenario block
    accelerated = accelerated_status(store, siren, ident.departement_code, ident.departement_name)
    return FicheData(
        identity=ident,
        state=state,
        analysis=analysis,
        establishments=establishments_of(store, siren),
        accelerated=accelerated,
        arguments=arguments.territory_arguments(
            store, analysis, siren, (ident.departement_code, ident.departement_name), accelerated
        ),
    )


def lookup_value(value: float, coverage: float, source: str) -> Value:
    """A candidate's value as a store Value (for value_cell)."""
    return Value(
        float(value) if np.isfinite(value) else None, float(coverage) if np.isfinite(coverage) else None, None, source
    )
