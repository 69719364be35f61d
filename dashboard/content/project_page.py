"""« Monter un projet »: actors, stages, funding; `?territoire=<code>` puts a territory of the store on top.

The text is in `content.comprendre`; the territory's offer comes from the store.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from dash import dcc, html

from dashboard.content import comprendre as text
from dashboard.content import fact_children, fact_items, fact_paragraphs, general_legend, source_span
from dashboard.content import ids as content_ids
from dashboard.core import routes
from dashboard.core.formatting import format_count, typo
from dashboard.core.levels import (
    EPCI_KINDS,
    FAMILY_HEBERGEMENT,
    FAMILY_RESIDENCE,
    LEVEL_COMMUNE,
    LEVEL_DEPARTEMENT,
    LEVEL_EPCI,
    LEVEL_NOUNS,
    LEVEL_REGION,
)
from dashboard.core.perimeter import perimeter
from dashboard.core.store import Store, StoreError, current_store
from dashboard.ui.components import data_missing, sources_line

TERRITORY_PARAM = "territoire"
#: Where a code is looked for first: an EPCI SIREN, then a commune, a département, the région.
LEVEL_ORDER = (LEVEL_EPCI, LEVEL_COMMUNE, LEVEL_DEPARTEMENT, LEVEL_REGION)
RESIDENCE_COLUMN = {LEVEL_EPCI: "epci_code", LEVEL_COMMUNE: "commune_code", LEVEL_DEPARTEMENT: "departement_code"}
_CODE = re.compile(r"[0-9AB]{2,9}")


class Territory(NamedTuple):
    level: str
    code: str
    name: str
    kind: str | None


def find_territory(store: Store, code: str) -> Territory | None:
    """The territory of the store with this code (an EPCI SIREN first, then a commune, département, région)."""
    territories = store.territories
    matches = territories.loc[territories["code"].astype(str) == code]
    for level in LEVEL_ORDER:
        row = matches.loc[matches["level"] == level]
        if len(row):
            first = row.iloc[0]
            kind = first.get("kind") if "kind" in row.columns else None
            return Territory(level, code, str(first["name"]), str(kind) if isinstance(kind, str) and kind else None)
    return None


def describe(territory: Territory) -> str:
    """'communauté d'agglomération, SIREN 200…' / 'commune, code Insee 59350'."""
    if territory.level == LEVEL_EPCI:
        return f"{EPCI_KINDS.get(territory.kind or '', 'intercommunalité').lower()}, SIREN {territory.code}"
    if territory.level == LEVEL_COMMUNE:
        return f"commune, code Insee {territory.code}"
    return f"{LEVEL_NOUNS[territory.level][0]}, code {territory.code}"


def establishments(store: Store, territory: Territory, family: str) -> dict[str, int]:
    """Establishments of one family in the territory, per type label (types with none left out)."""
    residences = store.residences
    in_family = residences["family"] == family
    column = RESIDENCE_COLUMN.get(territory.level)
    if column is not None and column in residences.columns:
        in_family &= residences[column].astype(str) == territory.code
    counts = residences.loc[in_family, "type"].value_counts()
    typology = store.catalogue["residence_types"]
    return {
        typology["labels"].get(kind, kind): int(counts[kind])
        for kind in typology.get(family, [])
        if counts.get(kind, 0)
    }


def accelerated_wave(store: Store, territory: Territory) -> int | None:
    for entry in store.catalogue.get("accelerated_territories", []):
        if entry.get("territory_code") == territory.code and entry.get("territory_level") == territory.level:
            return int(entry["wave"])
    return None


def territory_panel(store: Store, territory: Territory) -> html.Section:
    """The existing offer of the territory (FINESS) and its Logement d'abord status."""
    residences = establishments(store, territory, FAMILY_RESIDENCE)
    shelters = establishments(store, territory, FAMILY_HEBERGEMENT)
    family_labels = store.catalogue["residence_types"].get("families", {})
    if residences:
        offer = [
            html.Ul(
                [
                    html.Li(
                        [html.Span(label, className="count-label"), html.Span(format_count(count), className="count")]
                    )
                    for label, count in residences.items()
                ],
                className="count-list",
            ),
        ]
    else:
        offer = [html.P("Aucune résidence sociale n'est recensée dans ce territoire.")]
    shelter_count = sum(shelters.values())
    detail = f" ({', '.join(f'{label} {count}' for label, count in shelters.items())})" if shelters else ""
    offer.append(
        html.P(
            typo(
                f"{family_labels.get(FAMILY_HEBERGEMENT, 'Hébergement')} : {format_count(shelter_count)} "
                f"établissement{'s' if shelter_count > 1 else ''}{detail}."
            )
        )
    )
    wave = accelerated_wave(store, territory)
    if wave is not None:
        ordinal = "1re" if wave == 1 else f"{wave}e"
        offer.append(
            html.P(
                typo(f"Territoire de mise en œuvre accélérée du Logement d'abord ({ordinal} vague)."),
                className="badge-line",
            )
        )
    return html.Section(
        [
            html.H2(typo(f"Résidences sociales recensées : {territory.name}"), className="territory-offer-title"),
            *offer,
            html.P(sources_line(store.residence_citations(FAMILY_RESIDENCE)), className="figure-source"),
        ],
        className="panel territory-panel",
    )


def territory_heading(territory: Territory) -> html.Div:
    """The territory name, at the top of the page."""
    return html.Div(
        [
            html.P("Monter un projet sur le territoire de", className="eyebrow"),
            html.P(territory.name, className="territory-name"),
            html.P(describe(territory), className="territory-kind"),
        ],
        id=content_ids.PROJET_TERRITOIRE,
        className="territory-heading",
    )


def notice(message: str) -> html.Div:
    return html.Div(
        html.P(typo(message)), id=content_ids.PROJET_NOTICE, className="notice notice-warning", role="alert"
    )


class TerritoryBlocks(NamedTuple):
    """What `?territoire=` adds: a block above the title (heading or notice) and the offer panel."""

    top: Any = None
    offer: html.Section | None = None


def territory_blocks(code: str | list[str]) -> TerritoryBlocks:
    """The heading and offer panel of the territory named by `?territoire=`, or a French notice."""
    store = current_store()
    if isinstance(store, StoreError):
        return TerritoryBlocks(data_missing(store))
    value = (code[-1] if isinstance(code, list) else str(code)).strip()
    shown = value[:20]
    if not _CODE.fullmatch(value):
        return TerritoryBlocks(
            notice(
                f"Le paramètre territoire « {shown} » n'est pas un code de territoire : il attend le code SIREN "
                "d'une intercommunalité (9 chiffres) ou le code Insee d'une commune. La page générale est affichée."
            )
        )
    territory = find_territory(store, value)
    if territory is None:
        return TerritoryBlocks(
            notice(
                f"Aucun territoire de code « {shown} » dans les données {perimeter(store).of_name}. "
                "La page générale est affichée."
            )
        )
    return TerritoryBlocks(territory_heading(territory), territory_panel(store, territory))


def actors() -> html.Section:
    return html.Section(
        [
            html.H2("Les acteurs"),
            html.Div(
                [html.Div([html.H3(name), fact_items(facts)], className="actor") for name, facts in text.ACTORS],
                className="actors",
            ),
        ],
        id=content_ids.PROJET_ACTORS,
    )


def stages() -> html.Section:
    return html.Section(
        [
            html.H2("Les étapes"),
            html.Ol(
                [
                    html.Li(
                        [
                            html.H3(title),
                            html.P([typo(body), " ", source_span(source)]),
                        ],
                        className="stage",
                    )
                    for title, body, source in text.STAGES
                ],
                className="stages",
            ),
        ],
        id=content_ids.PROJET_STAGES,
    )


def funding() -> html.Section:
    return html.Section(
        [
            html.H2("Les financements"),
            html.P(fact_children(text.FUNDING_NOTE), className="fact intro"),
            html.Div(
                [
                    html.Div([html.H3("Pour investir"), fact_items(text.FUNDING_INVESTMENT)], className="actor"),
                    html.Div([html.H3("Pour fonctionner"), fact_items(text.FUNDING_OPERATION)], className="actor"),
                ],
                className="actors actors-2",
            ),
            html.P(
                [
                    typo("Les règles et les montants de ces aides ne sont pas repris ici. Pour les connaître : "),
                    html.A(text.FICHE_PRATIQUE_LABEL, href=text.FICHE_PRATIQUE_URL, target="_blank", rel="noopener"),
                    typo(
                        " et les services de l'État du département (DDETS, DDT ou DDTM). Pour un ordre de grandeur du "
                        "coût "
                        "public d'une place, "
                    ),
                    dcc.Link("utilisez le calculateur", href=routes.CALCULATOR),
                    ".",
                ]
            ),
        ],
        id=content_ids.PROJET_FUNDING,
    )


def layout(query: dict[str, str | list[str]]) -> html.Div:
    """The whole page, with the territory of `?territoire=` on top when there is one."""
    blocks = territory_blocks(query[TERRITORY_PARAM]) if TERRITORY_PARAM in query else TerritoryBlocks()
    return html.Div(
        [
            html.P(dcc.Link("← Comprendre les résidences sociales", href=routes.COMPRENDRE), className="back-link"),
            blocks.top,
            html.H1("Monter un projet de résidence sociale", id=content_ids.PROJET_TITLE),
            html.P(typo(text.PROJECT_LEAD), className="lead"),
            blocks.offer,
            general_legend(),
            actors(),
            stages(),
            funding(),
            html.Section(
                [html.H2("La dynamique régionale"), *fact_paragraphs(text.REGIONAL_DYNAMIC)],
                id=content_ids.PROJET_REGION,
            ),
        ],
        className="prose-page",
    )
