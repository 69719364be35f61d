"""The method section of the sources page (/sources#methode-besoins): every formula, default weight with
its reason, caveat and perimeter change of the needs analysis, from the store."""

from __future__ import annotations

from collections.abc import Mapping

from dash import html

from dashboard.core import catalogue, formatting, routes
from dashboard.core.catalogue import ROLE_INCOME_2019, dataset_id_for
from dashboard.core.formatting import typo
from dashboard.core.store import Store
from dashboard.needs import model as needs
from dashboard.needs import state as needs_state
from dashboard.needs.analysis import supply_of
from dashboard.needs.views import places_computation_table, spread_text, table


def _candidates_table(entries: Mapping[str, Mapping]) -> html.Div:
    rows = []
    for candidate in needs.CANDIDATES:
        entry = entries.get(candidate.indicator, {})
        direction = int(entry.get("direction") or 0)
        rows.append(
            html.Tr(
                [
                    html.Th(
                        html.A(
                            str(entry.get("label", candidate.indicator))
                            + (" (valeur du département)" if candidate.inherited else ""),
                            href=f"#indicateur-{candidate.indicator}",
                        ),
                        scope="row",
                    ),
                    html.Td(needs.GROUPS[candidate.group]),
                    html.Td(
                        "plus élevé = plus de besoin"
                        if direction > 0
                        else ("plus élevé = moins de besoin" if direction < 0 else "sans sens défini")
                    ),
                    html.Td(needs_state.format_weight(candidate.weight), className="cell-number"),
                    html.Td(typo(candidate.reason)),
                ]
            )
        )
    return table(
        "Indicateurs du besoin, sens (tel que déclaré dans le catalogue des indicateurs), poids par défaut et raison",
        ["Indicateur", "Groupe", "Sens", "Poids par défaut", "Pourquoi"],
        rows,
        numeric=(3,),
    )


#: The limits of the analysis, as the method section lists them.
LIMITS = (
    "Places estimées : FINESS (extraction du 8 janvier 2021) ne publie pas de capacités ; les "
    "places DREES datent de fin 2021 ; les moyennes régionales sont appliquées à toute la France "
    "pour le taux national.",
    "Les foyers de travailleurs migrants non transformés sont rangés avec les résidences "
    "sociales généralistes : s'ils ne sont pas comptés dans le chiffre DREES, la taille moyenne "
    "de cette famille est sous-estimée.",
    "Les résidences accueil ne sont reconnaissables dans FINESS que par leur nom (« PF RA ») : "
    "elles sont comptées avec les pensions de famille.",
    "Revenus 2019, recensement 2018, loyers d'annonce 2018, parc social au 1er janvier 2024 "
    "(extrait dérivé du RPLS 2024) : des millésimes différents.",
    "Ni la demande de logement social (SNE), ni les appels au 115, ni les recours DALO ne sont "
    "publiés par territoire en données ouvertes : ils n'entrent pas dans l'indice.",
)


def _perimeter_changes(store: Store) -> list[str]:
    income = dataset_id_for(store, ROLE_INCOME_2019)
    detail = store.coverage.get("datasets", {}).get(income, {}).get("detail", {})
    changes = detail.get("perimetres_modifies_depuis_2019") or {}
    names = store.territories[store.territories["level"] == "epci"].set_index("code")["name"]
    return [f"{names.get(siren, siren)} ({siren}) : {text}." for siren, text in changes.items()]


def method_paragraphs(store: Store) -> dict[str, str]:
    """The method's paragraphs, by subject."""
    return {
        "principe": (
            "L'analyse sépare deux axes. Le besoin est mesuré par un indice construit seulement avec des "
            "indicateurs de la demande (précarité, tension sur le parc social, marché du logement, personnes "
            "hébergées) ; l'offre existante est mesurée à part, en places estimées pour 10 000 habitants. La "
            "priorité combine les deux : l'offre qu'un territoire devrait avoir compte tenu de son besoin, moins "
            "celle qu'il a. Tous ces chiffres sont des estimations."
        ),
        "indice": (
            "Indice de besoin (sur 100) = moyenne pondérée des indicateurs retenus, chacun d'abord ramené entre 0 "
            "et 1 parmi les EPCI de la carte puis orienté dans le sens du besoin (1 − valeur quand une valeur "
            "élevée signale moins de besoin ; le sens est celui du catalogue des indicateurs). Une valeur manquante "
            "est laissée de côté et le poids des autres est réparti : jamais une valeur manquante n'est comptée "
            "comme 0 ; le nombre d'indicateurs manquants est signalé."
        ),
        "couverture": (
            f"Une valeur approchée à partir des communes qui couvre moins de "
            f"{formatting.format_percent(needs.MIN_COVERAGE)} de la population de l'EPCI est écartée de l'indice par "
            "défaut (option « inclure les approximations partielles »). Cela concerne surtout le taux de pauvreté "
            "approché, que l'Insee ne publie pas pour les petites communes. Les EPCI à cheval sur une autre région "
            "sont comptés entiers : les fichiers communaux nationaux couvrent aussi leurs communes hors de la région. "
            "Partout où une valeur partielle est affichée, sa couverture l'accompagne."
        ),
        "places": (
            "FINESS recense des établissements, pas des places. Places estimées d'un établissement = places "
            "publiées par la DREES pour la région (fin 2021) pour sa famille ÷ nombre d'établissements FINESS "
            "de la région des mêmes types (janvier 2021). Offre d'un territoire = somme, par famille, de ses "
            "établissements × ces moyennes, rapportée à sa population (pour 10 000 habitants)."
        ),
        "references": (
            "Taux de référence, par famille, en places pour 10 000 habitants : le taux national (par défaut : "
            "établissements FINESS de toute la France × mêmes moyennes régionales ÷ population de la France), le "
            "taux régional (places DREES ÷ population de la région) ou un objectif saisi (réparti entre familles "
            "dans les proportions de l'offre nationale). Au taux régional, les écarts des EPCI se compensent par "
            "construction ; au taux national, ils font apparaître le manque de la région entière."
        ),
        "ecart": (
            "Écart à la référence (places) = référence × population ÷ 10 000 − offre estimée, par famille puis au "
            "total ; positif = places manquantes. Les écarts sont arrondis à 5 places et donnés avec une fourchette "
            "(tailles d'établissement basse et haute, voir la dispersion ci-dessous) ; jamais une fraction de "
            "résidence."
        ),
        "priorite": (
            "Offre attendue compte tenu du besoin = taux de référence × (indice de besoin ÷ indice moyen de la "
            "région pondéré par la population) × population ÷ 10 000. Le total attendu pour la région reste le "
            "taux de référence × sa population : le besoin ne fait que répartir cette offre entre territoires. "
            "Priorité = offre attendue − offre existante, en places (ordre par défaut du classement). Un besoin "
            "élevé ne suffit pas : un territoire déjà bien pourvu descend ; un territoire sans offre à besoin moyen "
            "monte. Autres ordres possibles : le même manque pour 10 000 habitants, l'indice de besoin seul, "
            "l'offre existante."
        ),
        "robustesse": (
            f"Le classement est recalculé {needs.DRAWS} fois (tirage reproductible, le premier garde les paramètres "
            "choisis) : chaque poids est multiplié par un nombre tiré entre 0,5 et 1,5 ; la part de la population "
            "qu'une valeur partielle ne couvre pas est remplacée par une position tirée au hasard ; la taille des "
            "établissements de chaque famille est multipliée par un nombre tiré dans la fourchette de dispersion. "
            f"L'intervalle de rang contient 90 % des tirages. « Dans les {needs.TOP} premiers » n'est écrit que si "
            f"le 95e centile des rangs est au plus {needs.TOP} ; sinon la part des tirages où le territoire y figure "
            "est donnée."
        ),
    }


def method_section(store: Store) -> html.Section:
    """/sources#methode-besoins: every formula, default weight and caveat of the needs analysis."""
    entries = catalogue.indicator_entries(store)
    supply = supply_of(store)
    changes = _perimeter_changes(store)
    paragraphs = method_paragraphs(store)
    return html.Section(
        [
            html.H2("Besoin, offre et priorité (estimations)"),
            html.P(typo(paragraphs["principe"])),
            html.Div(
                [
                    html.H3("Indice de besoin"),
                    html.P(typo(paragraphs["indice"])),
                    html.Ul([html.Li(typo(f"{key} : {text}")) for key, text in needs.NORMALISATIONS.items()]),
                    _candidates_table(entries),
                    html.P(typo(paragraphs["couverture"])),
                ],
                id=f"{routes.INDICATOR_ANCHOR_PREFIX}{'score_besoin'}",
            ),
            html.H3("Revenus officiels des EPCI et changements de périmètre"),
            html.P(
                typo(
                    "Les indicateurs de revenu de l'indice sont les valeurs officielles publiées par l'Insee pour "
                    "chaque EPCI, département et région (Filosofi 2019), dans la géographie des EPCI d'avant 2020. "
                    "Chaque EPCI actuel prend la ligne de son SIREN ; la Métropole européenne de Lille prend celle de "
                    "son ancien SIREN (245900410) : les valeurs de la CC de la Haute-Deûle, qui l'a rejointe en "
                    "2020, ne sont pas recombinées (une médiane ne s'additionne pas). EPCI dont le périmètre a changé "
                    "depuis (couverture estimée par les ménages fiscaux) :"
                )
            ),
            html.Ul([html.Li(typo(text)) for text in changes]) if changes else html.P("Aucun."),
            html.H3("Offre en places"),
            html.P(typo(paragraphs["places"])),
            places_computation_table(supply) if supply.families else html.P("Chiffres DREES indisponibles."),
            html.P(spread_text(supply)),
            html.H3("Références, écart et priorité"),
            html.P(typo(paragraphs["references"])),
            html.P(typo(paragraphs["ecart"])),
            html.P(typo(paragraphs["priorite"])),
            html.H3("Robustesse du classement"),
            html.P(typo(paragraphs["robustesse"])),
            html.H3("Limites"),
            html.Ul([html.Li(typo(text)) for text in LIMITS]),
        ],
        id=routes.METHOD_ANCHOR,
    )
