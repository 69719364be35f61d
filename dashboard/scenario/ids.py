"""Component ids of the « Projet envisagé » block. The block appears on the fiche and on the map: each id ends
with the page's scope, and the callbacks are declared once per scope."""

from __future__ import annotations

from dashboard.map import ids as map_ids

SCOPE_FICHE = "fiche"
SCOPE_MAP = "carte"

KIND = "scenario-type"
PLACES = "scenario-places"
COMMUNE = "scenario-commune"
ADD = "scenario-ajouter"
REMOVE = "scenario-retirer"
STATUS = "scenario-statut"
LIST = "scenario-liste"
RESULTS = "scenario-resultats"
FIGURE = "scenario-graphique"
FIGURE_BLOCK = "scenario-graphique-bloc"
CAPTION = "scenario-graphique-legende"
PROJECTS = "scenario-projets"
CONTEXT = "scenario-contexte"
QUERY = "scenario-requete"
DECK = "scenario-presentation"
PERMALINK = "scenario-lien"
COPY = "scenario-copier"
COPY_STATUS = "scenario-copier-statut"


SCOPES = (SCOPE_FICHE, SCOPE_MAP)


def scoped(role: str, scope: str) -> str:
    """The id of one part of the block on one page (« scenario-places-fiche »)."""
    return f"{role}-{scope}"


def projects_store(scope: str) -> str:
    """The store of the projects (`projets=` text): in the block on the fiche; kept by the map page itself on
    the map (the block there is redrawn with each territory, the projects stay)."""
    return map_ids.MAP_PROJECTS if scope == SCOPE_MAP else scoped(PROJECTS, scope)


def removal(scope: str, index: int | object) -> dict[str, object]:
    """The id of the « Retirer » button of the `index`-th project (`index` may be a Dash wildcard)."""
    return {"type": scoped(REMOVE, scope), "index": index}
