"""Indicator catalogue, declared as data.

Each indicator says what it measures, how it is computed (from which base variables, with
which method), its unit, theme, source datasets and vintage, and its *direction*: +1 when a
higher value means more need for résidences sociales, -1 when it means less, 0 when it is
context only. Indicators that users expect but that no open file provides are declared with
`available=False` and the official source that would provide them, so the interface can say
so instead of silently leaving them out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from loaders.finess_common import FAMILY_LABELS, HEBERGEMENT_TYPES, RESIDENCE_TYPES, TYPE_LABELS
from loaders.places import RESIDENCE_FAMILIES, RESIDENCE_TOTAL, SHELTER_FAMILIES, SHELTER_TOTAL, Family, variable

THEMES = {
    "logement": "Logement",
    "logement_social": "Logement social",
    "precarite": "Précarité",
    "hebergement": "Hébergement et logement accompagné",
    "logement_d_abord": "Logement d'abord",
}

#: How a value is obtained at each level.
METHODS = {
    "somme": "Somme des communes (comptage).",
    "ratio": "Rapport des sommes du numérateur et du dénominateur à chaque niveau (jamais une moyenne de taux).",
    "taux_annuel": "Taux de variation annuel moyen calculé sur les sommes de début et de fin de période.",
    "approximation": (
        "Valeur publiée pour chaque commune ; au-dessus, APPROXIMATION : moyenne des communes où la valeur est "
        "connue, pondérée par un effectif de la commune (précisé dans la définition de l'indicateur). Ce n'est pas "
        "la valeur que l'éditeur publierait pour ce territoire ; sa couverture est indiquée."
    ),
    "moyenne_ponderee": (
        "Taux publié pour chaque commune ; au-dessus, APPROXIMATION : moyenne des communes pondérée par leur parc "
        "social, recalculée à partir des sommes (Σ taux × parc ÷ Σ parc)."
    ),
    "estimation_places": (
        "ESTIMATION : établissements FINESS de chaque famille × nombre moyen de places par établissement de la "
        "famille dans la région (places DREES fin 2021 ÷ établissements FINESS des mêmes types). FINESS ne publie "
        "pas de capacités : ce n'est pas une capacité publiée."
    ),
    "publie": "Valeur publiée telle quelle par la source pour ce niveau.",
}

ALL_LEVELS = ("commune", "epci", "departement", "region")
WITH_FRANCE = (*ALL_LEVELS, "france")
FINESS = ("finess-fhir-20210108-france-housing",)
POPULATION = ("insee-populations-legales-com-2023-france",)
CENSUS = ("insee-comparateur-territoires-com-ed2021-france",)
FILOSOFI = ("insee-filosofi-com-2021-geo2024-france",)
LOVAC = ("cerema-lovac-dep-2020-2025",)
BAROMETRE = ("barometre-logement-dabord-dihal",)
FILOSOFI_SUPRA = ("insee-filosofi-2019-disp-supra",)
RPLS = ("sdes-rpls-2024-commune-extract",)
LOYERS = ("anil-dhup-carte-loyers-2018-com",)
DREES_PLACES = ("reference-figures",)
SUPRA_LEVELS = ("epci", "departement", "region", "france")
#: Methods whose values above the commune are approximations (shown with their coverage).
APPROXIMATION_METHODS = frozenset({"approximation", "moyenne_ponderee"})
#: Methods whose values are estimates built from assumptions (labelled « estimation »).
ESTIMATE_METHODS = frozenset({"estimation_places"})


@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalogue."""

    id: str
    label: str
    definition: str
    unit: str
    theme: str
    direction: int
    method: str
    datasets: tuple[str, ...]
    vintage: str
    numerator: str | None = None
    denominator: str | None = None
    scale: float = 1.0
    period_years: int = 0
    levels: tuple[str, ...] = ALL_LEVELS
    available: bool = True
    official_source: str = ""
    note: str = ""
    #: Values are rounded to a multiple of this (estimates never given to the unit), or None.
    rounding: int | None = None
    #: The publisher withholds the values of small territories (secret statistique): a missing value says so.
    withheld_small_areas: bool = False
    #: For a value published as is (`method="publie"`): the column of its dataset the build reads it from.
    source_column: str | None = None

    def as_record(self, vintages: dict[str, str]) -> dict:
        """The indicator as plain data, its vintage filled with the build's extraction dates."""
        record = asdict(self)
        record["vintage"] = self.vintage.format(**vintages)
        record["theme_label"] = THEMES[self.theme]
        record["method_label"] = METHODS[self.method]
        record["approximation"] = self.method in APPROXIMATION_METHODS
        record["estimate"] = self.method in ESTIMATE_METHODS
        return record


def _establishment_count(key: str, label: str, definition: str) -> Indicator:
    """Number of FINESS establishments of a family or a type."""
    return Indicator(
        id=f"nb_{key}",
        label=label,
        definition=definition,
        unit="établissements",
        theme="hebergement",
        direction=0,
        method="somme",
        datasets=FINESS,
        vintage="{finess}",
        levels=WITH_FRANCE,
        numerator=f"n_{key}",
    )


def _establishment_rate(key: str, label: str, definition: str, direction: int) -> Indicator:
    """FINESS establishments of a family or a type per 10,000 inhabitants."""
    return Indicator(
        id=f"{key}_pour_10000",
        label=f"{label} pour 10 000 habitants",
        definition=definition,
        unit="établissements pour 10 000 hab.",
        theme="hebergement",
        direction=direction,
        method="ratio",
        datasets=FINESS + POPULATION,
        vintage="{finess} ; population 2023",
        levels=WITH_FRANCE,
        numerator=f"n_{key}",
        denominator="population",
        scale=10_000,
    )


def _residence_indicators() -> list[Indicator]:
    """Counts and rates per family, counts per type, rates per résidence-sociale type."""
    indicators = []
    families = (("residence_sociale", RESIDENCE_TYPES, -1), ("hebergement", HEBERGEMENT_TYPES, 0))
    for family, types, direction in families:
        family_label = FAMILY_LABELS[family]
        indicators.append(
            _establishment_count(
                family,
                f"{family_label} : nombre d'établissements",
                f"Établissements FINESS classés « {family_label.lower()} » (voir la règle de typologie).",
            )
        )
        indicators.append(
            _establishment_rate(
                family,
                family_label,
                f"Nombre d'établissements « {family_label.lower()} » pour 10 000 habitants "
                "(population municipale 2023). L'extraction FINESS ne donne pas le nombre de places.",
                direction,
            )
        )
        for kind in types:
            label = TYPE_LABELS[kind]
            indicators.append(
                _establishment_count(kind, f"{label} : nombre", f"Établissements FINESS de type « {label} ».")
            )
            if family == "residence_sociale":
                indicators.append(
                    _establishment_rate(
                        kind, label, f"Établissements « {label} » pour 10 000 habitants (population 2023).", -1
                    )
                )
    return indicators


def _places_pair(key: str, label: str, definition: str, direction: int) -> list[Indicator]:
    """Estimated places of a family (count) and per 10,000 inhabitants."""
    common = {
        "theme": "hebergement",
        "method": "estimation_places",
        "datasets": FINESS + DREES_PLACES + POPULATION,
        "vintage": "{finess} ; places DREES fin 2021 ; population 2023",
        "levels": WITH_FRANCE,
        "numerator": key,
    }
    return [
        Indicator(
            id=key,
            label=f"{label} : places (estimation)",
            definition=definition + " Arrondi à 5 places.",
            unit="places",
            direction=0,
            rounding=5,
            **common,
        ),
        Indicator(
            id=f"{key}_pour_10000",
            label=f"{label} : places pour 10 000 habitants (estimation)",
            definition=definition + " Rapporté à la population municipale 2023.",
            unit="places pour 10 000 hab.",
            direction=direction,
            denominator="population",
            scale=10_000,
            **common,
        ),
    ]


def _family_definition(family: Family) -> str:
    types = ", ".join(TYPE_LABELS[kind] for kind in family.types)
    return (
        f"Places estimées ({types}) : établissements FINESS × nombre moyen de places par établissement de "
        "la famille dans la région (places DREES fin 2021 ÷ établissements FINESS). Pour la France : "
        "établissements FINESS de toute la France × les mêmes moyennes régionales (hypothèse)."
    )


def _places_indicators() -> list[Indicator]:
    """Supply in places by family of résidences sociales and in total; places in shelters (need side)."""
    indicators = []
    for family in RESIDENCE_FAMILIES:
        indicators += _places_pair(variable(family), family.label, _family_definition(family), -1)
    indicators += _places_pair(
        RESIDENCE_TOTAL,
        "Résidences sociales (toutes familles)",
        "Somme des places estimées des trois familles : "
        + " ; ".join(family.label.lower() for family in RESIDENCE_FAMILIES)
        + ". Pour la France : établissements de toute la France × les moyennes régionales (hypothèse).",
        -1,
    )
    indicators += _places_pair(
        SHELTER_TOTAL,
        "Hébergement d'insertion et d'urgence",
        "Places estimées en "
        + " et en ".join(family.label.lower() for family in SHELTER_FAMILIES)
        + " : des personnes sans logement qui attendent une solution de logement, dont une résidence sociale. "
        "Les CADA (demandeurs d'asile) ne sont pas comptés.",
        1,
    )
    return indicators


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        id="population",
        label="Population municipale",
        definition="Population municipale légale (millésime 2023, en vigueur au 1er janvier 2026).",
        unit="habitants",
        theme="logement",
        direction=0,
        method="somme",
        datasets=POPULATION,
        vintage="2023",
        numerator="population",
        levels=WITH_FRANCE,
    ),
    Indicator(
        id="evolution_population",
        label="Évolution annuelle de la population",
        definition="Taux de variation annuel moyen de la population entre les recensements 2013 et 2018.",
        unit="% par an",
        theme="logement",
        direction=1,
        method="taux_annuel",
        datasets=CENSUS,
        vintage="RP 2013–2018",
        numerator="pop_2018",
        denominator="pop_2013",
        period_years=5,
    ),
    Indicator(
        id="menages",
        label="Ménages",
        definition="Nombre de ménages (résidences principales occupées), recensement 2018.",
        unit="ménages",
        theme="logement",
        direction=0,
        method="somme",
        datasets=CENSUS,
        vintage="RP 2018",
        numerator="households",
    ),
    Indicator(
        id="logements",
        label="Logements",
        definition="Nombre total de logements, recensement 2018.",
        unit="logements",
        theme="logement",
        direction=0,
        method="somme",
        datasets=CENSUS,
        vintage="RP 2018",
        numerator="dwellings",
    ),
    Indicator(
        id="residences_principales",
        label="Résidences principales",
        definition="Nombre de résidences principales, recensement 2018.",
        unit="logements",
        theme="logement",
        direction=0,
        method="somme",
        datasets=CENSUS,
        vintage="RP 2018",
        numerator="main_residences",
    ),
    Indicator(
        id="taux_vacance",
        label="Taux de logements vacants",
        definition="Logements vacants rapportés à l'ensemble des logements (définition du recensement).",
        unit="%",
        theme="logement",
        direction=-1,
        method="ratio",
        datasets=CENSUS,
        vintage="RP 2018",
        numerator="vacant",
        denominator="dwellings",
        scale=100,
        note="Une vacance élevée signale un marché détendu : moins de tension sur le logement.",
    ),
    Indicator(
        id="part_proprietaires",
        label="Part des propriétaires occupants",
        definition="Résidences principales occupées par leur propriétaire, rapportées aux résidences principales.",
        unit="%",
        theme="logement",
        direction=0,
        method="ratio",
        datasets=CENSUS,
        vintage="RP 2018",
        numerator="owners",
        denominator="main_residences",
        scale=100,
    ),
    Indicator(
        id="part_residences_secondaires",
        label="Part des résidences secondaires",
        definition="Résidences secondaires et logements occasionnels rapportés à l'ensemble des logements.",
        unit="%",
        theme="logement",
        direction=0,
        method="ratio",
        datasets=CENSUS,
        vintage="RP 2018",
        numerator="second_homes",
        denominator="dwellings",
        scale=100,
    ),
    Indicator(
        id="vacance_privee",
        label="Vacance du parc privé",
        definition="Logements privés vacants au 1er janvier 2024 rapportés au parc privé (LOVAC, définition fiscale).",
        unit="%",
        theme="logement",
        direction=-1,
        method="ratio",
        datasets=LOVAC,
        vintage="1er janvier 2024",
        numerator="pp_vacant_2024",
        denominator="pp_total_2024",
        scale=100,
        levels=("departement", "region", "france"),
        note="Disponible seulement par département : le fichier communal LOVAC n'est pas dans le miroir.",
    ),
    Indicator(
        id="vacance_longue_privee",
        label="Vacance de plus de 2 ans du parc privé",
        definition="Logements privés vacants depuis plus de 2 ans au 1er janvier 2024, rapportés au parc privé.",
        unit="%",
        theme="logement",
        direction=-1,
        method="ratio",
        datasets=LOVAC,
        vintage="1er janvier 2024",
        numerator="pp_vacant_long_2024",
        denominator="pp_total_2024",
        scale=100,
        levels=("departement", "region", "france"),
    ),
    Indicator(
        id="logements_sociaux",
        label="Logements sociaux",
        definition="Logements locatifs des bailleurs sociaux au 1er janvier 2024 (RPLS). Une commune absente du "
        "RPLS n'a aucun logement social. Extrait dérivé du RPLS 2024.",
        unit="logements",
        theme="logement_social",
        direction=0,
        method="somme",
        datasets=RPLS,
        vintage="1er janvier 2024",
        numerator="rpls_logements",
        levels=WITH_FRANCE,
    ),
    Indicator(
        id="taux_logement_social",
        label="Logements sociaux pour 100 résidences principales",
        definition="Densité du parc social : logements sociaux (RPLS, 1er janvier 2024) pour 100 résidences "
        "principales. Au-dessus de la commune : Σ logements sociaux ÷ Σ résidences principales, celles-ci déduites "
        "de la densité publiée par le SDES pour chaque commune (recensement 2018 pour les communes sans logement "
        "social). Extrait dérivé du RPLS 2024.",
        unit="pour 100 résidences principales",
        theme="logement_social",
        direction=-1,
        method="ratio",
        datasets=RPLS + CENSUS,
        vintage="1er janvier 2024",
        numerator="rpls_logements_densite",
        denominator="rpls_residences_principales",
        scale=100,
        note="Un parc social peu dense offre peu de logements ordinaires à la sortie d'une résidence sociale.",
    ),
    Indicator(
        id="taux_rotation_logement_social",
        label="Taux de rotation du parc social",
        definition="Part des logements sociaux loués ayant changé de locataire en 2023 (RPLS) : le flux de "
        "logements qui se libèrent. Au-dessus de la commune : moyenne des communes pondérée par leur parc social. "
        "Extrait dérivé du RPLS 2024.",
        unit="%",
        theme="logement_social",
        direction=-1,
        method="moyenne_ponderee",
        datasets=RPLS,
        vintage="mobilité 2023",
        numerator="rpls_rotation_ponderee",
        denominator="rpls_logements",
        levels=WITH_FRANCE,
        note="Une rotation faible : peu d'attributions possibles, des sorties d'hébergement plus lentes.",
    ),
    Indicator(
        id="taux_vacance_logement_social",
        label="Taux de vacance du parc social",
        definition="Logements sociaux vacants parmi ceux proposés à la location au 1er janvier 2024 (RPLS). "
        "Au-dessus de la commune : moyenne des communes pondérée par leur parc social. Extrait dérivé du RPLS 2024.",
        unit="%",
        theme="logement_social",
        direction=-1,
        method="moyenne_ponderee",
        datasets=RPLS,
        vintage="1er janvier 2024",
        numerator="rpls_vacance_ponderee",
        denominator="rpls_logements",
        levels=WITH_FRANCE,
        note="Une vacance élevée du parc social signale un marché détendu.",
    ),
    Indicator(
        id="demande_logement_social",
        label="Pression de la demande de logement social",
        definition="Demandes de logement social en cours rapportées aux attributions de l'année.",
        unit="demandes par attribution",
        theme="logement",
        direction=1,
        method="ratio",
        datasets=(),
        vintage="",
        available=False,
        official_source="Système national d'enregistrement (SNE) de la demande de logement social, par EPCI",
    ),
    Indicator(
        id="taux_pauvrete",
        label="Taux de pauvreté",
        definition="Part des personnes dont le niveau de vie est inférieur à 60 % du niveau de vie médian national. "
        "Au-dessus de la commune : moyenne des communes où l'Insee publie ce taux, pondérée par les personnes des "
        "ménages fiscaux ; ces communes sont surtout les plus grandes et les plus pauvres, d'où un biais vers le haut.",
        unit="%",
        theme="precarite",
        direction=1,
        method="approximation",
        datasets=FILOSOFI,
        vintage="Filosofi 2021",
        note="Secret statistique pour la plupart des petites communes.",
        withheld_small_areas=True,
    ),
    Indicator(
        id="revenu_median",
        label="Niveau de vie médian",
        definition="Médiane du revenu disponible par unité de consommation. Au-dessus de la commune : moyenne des "
        "médianes communales pondérée par les personnes des ménages fiscaux (une médiane ne s'additionne pas).",
        unit="€ par an",
        theme="precarite",
        direction=-1,
        method="approximation",
        datasets=FILOSOFI,
        vintage="Filosofi 2021",
        withheld_small_areas=True,
    ),
    Indicator(
        id="taux_chomage",
        label="Taux de chômage des 15-64 ans",
        definition="Chômeurs de 15 à 64 ans rapportés aux actifs de 15 à 64 ans (au sens du recensement).",
        unit="%",
        theme="precarite",
        direction=1,
        method="ratio",
        datasets=CENSUS,
        vintage="RP 2018",
        numerator="unemployed",
        denominator="active",
        scale=100,
    ),
    Indicator(
        id="menages_fiscaux",
        label="Ménages fiscaux",
        definition="Nombre de ménages fiscaux (Filosofi).",
        unit="ménages",
        theme="precarite",
        direction=0,
        method="somme",
        datasets=FILOSOFI,
        vintage="Filosofi 2021",
        numerator="fiscal_households",
        withheld_small_areas=True,
    ),
    Indicator(
        id="niveau_vie_median_2019",
        label="Niveau de vie médian (valeur officielle 2019)",
        definition="Médiane du revenu disponible par unité de consommation, publiée par l'Insee pour le territoire "
        "(Filosofi 2019). EPCI dans leur périmètre de 2019 (voir la méthode).",
        unit="€ par an",
        theme="precarite",
        direction=-1,
        method="publie",
        datasets=FILOSOFI_SUPRA,
        vintage="Filosofi 2019",
        levels=SUPRA_LEVELS,
        source_column="Q219",
    ),
    Indicator(
        id="niveau_vie_d1_2019",
        label="1er décile du niveau de vie (valeur officielle 2019)",
        definition="Niveau de vie sous lequel vivent les 10 % des personnes les plus modestes du territoire, "
        "publié par l'Insee (Filosofi 2019).",
        unit="€ par an",
        theme="precarite",
        direction=-1,
        method="publie",
        datasets=FILOSOFI_SUPRA,
        vintage="Filosofi 2019",
        levels=SUPRA_LEVELS,
        source_column="D119",
    ),
    Indicator(
        id="part_minima_sociaux_2019",
        label="Part des minima sociaux dans le revenu (valeur officielle 2019)",
        definition="Part des minima sociaux (RSA, AAH, minimum vieillesse…) dans le revenu disponible des ménages "
        "du territoire, publiée par l'Insee (Filosofi 2019).",
        unit="%",
        theme="precarite",
        direction=1,
        method="publie",
        datasets=FILOSOFI_SUPRA,
        vintage="Filosofi 2019",
        levels=SUPRA_LEVELS,
        source_column="PPMINI19",
    ),
    Indicator(
        id="part_prestations_logement_2019",
        label="Part des aides au logement dans le revenu (valeur officielle 2019)",
        definition="Part des prestations logement dans le revenu disponible des ménages du territoire, publiée par "
        "l'Insee (Filosofi 2019).",
        unit="%",
        theme="precarite",
        direction=1,
        method="publie",
        datasets=FILOSOFI_SUPRA,
        vintage="Filosofi 2019",
        levels=SUPRA_LEVELS,
        source_column="PPLOGT19",
    ),
    Indicator(
        id="niveau_vie_d9_2019",
        label="9e décile du niveau de vie (valeur officielle 2019)",
        definition="Niveau de vie au-dessus duquel vivent les 10 % des personnes les plus aisées du territoire, "
        "publié par l'Insee (Filosofi 2019). À lire avec le 1er décile : l'écart entre les deux mesure les "
        "inégalités de revenus.",
        unit="€ par an",
        theme="precarite",
        direction=0,
        method="publie",
        datasets=FILOSOFI_SUPRA,
        vintage="Filosofi 2019",
        levels=SUPRA_LEVELS,
        source_column="D919",
    ),
    Indicator(
        id="loyer_appartement",
        label="Loyer d'annonce des appartements",
        definition="Loyer d'annonce charges comprises d'un appartement de référence (49 m²) au 3e trimestre 2018, "
        "estimé par commune. Au-dessus de la commune : moyenne des communes pondérée par leur population "
        "(populations légales 2023).",
        unit="€ par m²",
        theme="logement",
        direction=1,
        method="approximation",
        datasets=LOYERS + POPULATION,
        vintage="T3 2018",
        note="Loyers de relocation du parc privé : plus ils sont élevés, plus un ménage modeste peine à se loger "
        "hors du parc social.",
    ),
    Indicator(
        id="loyer_maison",
        label="Loyer d'annonce des maisons",
        definition="Loyer d'annonce charges comprises d'une maison de référence (92 m²) au 3e trimestre 2018, "
        "estimé par commune. Au-dessus de la commune : moyenne des communes pondérée par leur population "
        "(populations légales 2023).",
        unit="€ par m²",
        theme="logement",
        direction=0,
        method="approximation",
        datasets=LOYERS + POPULATION,
        vintage="T3 2018",
    ),
    *_residence_indicators(),
    *_places_indicators(),
    Indicator(
        id="lda_relogements",
        label="Personnes sans-abri ou hébergées relogées dans le parc social",
        definition="Personnes sans-abri, en hébergement ou à l'hôtel ayant obtenu un logement social dans "
        "l'année (attributions SNE, ménages × 2,2 : estimation de la source).",
        unit="personnes par an",
        theme="logement_d_abord",
        direction=0,
        method="publie",
        datasets=BAROMETRE,
        vintage="2021",
        levels=("departement", "region", "france"),
    ),
    Indicator(
        id="lda_relogements_pour_10000",
        label="Relogements Logement d'abord pour 10 000 habitants",
        definition="Personnes relogées dans le parc social en 2021 après la rue ou l'hébergement, pour 10 000 "
        "habitants (population 2023).",
        unit="personnes pour 10 000 hab.",
        theme="logement_d_abord",
        direction=0,
        method="ratio",
        datasets=BAROMETRE + POPULATION,
        vintage="2021 ; population 2023",
        numerator="lda_2021",
        denominator="population",
        scale=10_000,
        levels=("departement", "region", "france"),
    ),
    Indicator(
        id="lda_cible_2022",
        label="Objectif 2022 de relogements Logement d'abord",
        definition="Cible annuelle 2022 de personnes sans-abri ou hébergées relogées dans le parc social.",
        unit="personnes",
        theme="logement_d_abord",
        direction=0,
        method="publie",
        datasets=BAROMETRE,
        vintage="cible 2022",
        levels=("departement", "region", "france"),
    ),
    Indicator(
        id="lda_atteinte_cible",
        label="Atteinte de l'objectif Logement d'abord (fin novembre 2022)",
        definition="Progression depuis 2017 rapportée à la progression visée pour 2022, telle que publiée.",
        unit="%",
        theme="logement_d_abord",
        direction=-1,
        method="publie",
        datasets=BAROMETRE,
        vintage="novembre 2022",
        levels=("departement", "region", "france"),
    ),
    Indicator(
        id="appels_115",
        label="Demandes au 115 non pourvues",
        definition="Demandes d'hébergement d'urgence au 115 restées sans solution.",
        unit="demandes",
        theme="logement_d_abord",
        direction=1,
        method="publie",
        datasets=(),
        vintage="",
        available=False,
        official_source="SI-SIAO (Dihal / DGCS), statistiques du 115 par département",
    ),
    Indicator(
        id="places_par_etablissement",
        label="Capacité des établissements (places)",
        definition="Nombre de places autorisées ou installées par établissement.",
        unit="places",
        theme="hebergement",
        direction=-1,
        method="somme",
        datasets=(),
        vintage="",
        available=False,
        official_source="FINESS (capacités des équipements sociaux, non publiées dans l'extraction ouverte) ; "
        "DREES, enquête ES-DS",
    ),
)


#: The indicators each view of the app shows by default, in display order: the one place of every featured list
#: (written into catalogue.json as `featured`; `dashboard.core.catalogue.featured` reads it).
FEATURED: dict[str, tuple[str, ...]] = {
    "carte": ("residence_sociale_pour_10000",),
    "panneau_carte": (
        "population",
        "taux_pauvrete",
        "revenu_median",
        "taux_chomage",
        "taux_vacance",
        "nb_residence_sociale",
        "residence_sociale_pour_10000",
        "nb_hebergement",
    ),
    "tableaux": (
        "population",
        "taux_pauvrete",
        "revenu_median",
        "taux_vacance",
        "nb_residence_sociale",
        "residence_sociale_pour_10000",
        "nb_pension_de_famille",
        "lda_relogements",
    ),
    "fiche": (
        "population",
        "evolution_population",
        "part_minima_sociaux_2019",
        "niveau_vie_d1_2019",
        "niveau_vie_median_2019",
        "taux_pauvrete",
        "taux_chomage",
        "taux_vacance",
        "loyer_appartement",
        "logements_sociaux",
        "taux_logement_social",
        "taux_rotation_logement_social",
        "taux_vacance_logement_social",
        "nb_residence_sociale",
        "places_residence_sociale_pour_10000",
        "places_pension_famille_pour_10000",
        "places_fjt_pour_10000",
        "places_residence_generaliste_pour_10000",
        "nb_hebergement",
        "places_hebergement_pour_10000",
        "vacance_longue_privee",
        "lda_relogements_pour_10000",
        "lda_atteinte_cible",
    ),
    "comparaison": (
        "population",
        "taux_pauvrete",
        "part_minima_sociaux_2019",
        "taux_chomage",
        "residence_sociale_pour_10000",
        "places_residence_sociale_pour_10000",
    ),
    "diapositive_carte": ("part_minima_sociaux_2019",),
    "diapositive_comparaison": (
        "part_minima_sociaux_2019",
        "places_residence_sociale_pour_10000",
    ),
}

_BY_ID = {indicator.id: indicator for indicator in INDICATORS}


def get(indicator_id: str) -> Indicator:
    return _BY_ID[indicator_id]


def published_columns(dataset_id: str) -> dict[str, str]:
    """Column of the dataset → id of the indicator published as is from it (`source_column`)."""
    return {
        indicator.source_column: indicator.id
        for indicator in INDICATORS
        if indicator.source_column and dataset_id in indicator.datasets
    }


#: Methods whose values the build computes per level and stores under the indicator's own id.
PRECOMPUTED_METHODS = frozenset({"approximation", "publie"})


def compute(base: pd.DataFrame, citations: dict[str, str], vintages: dict[str, str]) -> pd.DataFrame:
    """Compute every available indicator from base variables.

    `base` is long: level, code, variable, value, coverage, and optionally detail (a sentence saying what a
    value covers or how it was estimated). It holds counts summed per level, plus precomputed approximations and
    published values under the indicator's own id. `citations` maps dataset ids to their source line,
    `vintages` fills the placeholders of vintages known only at build time (e.g. {finess}, the FINESS
    extraction date). Returns the store's long table: level, code, indicator, value, source, vintage,
    coverage, detail.
    """
    if "detail" not in base:
        base = base.assign(detail=None)
    by_variable = {name: frame.set_index(["level", "code"]) for name, frame in base.groupby("variable")}
    frames = []
    for indicator in INDICATORS:
        if not indicator.available:
            continue
        values = _values(indicator, by_variable)
        values = values[values.index.get_level_values("level").isin(indicator.levels)]
        if indicator.rounding:
            values = values.assign(value=(values["value"] / indicator.rounding).round() * indicator.rounding)
        frames.append(
            pd.DataFrame(
                {
                    "level": values.index.get_level_values("level"),
                    "code": values.index.get_level_values("code"),
                    "indicator": indicator.id,
                    "value": values["value"].to_numpy(),
                    "source": " ; ".join(citations[dataset] for dataset in indicator.datasets),
                    "vintage": indicator.vintage.format(**vintages),
                    "coverage": values["coverage"].to_numpy(),
                    "detail": values["detail"].to_numpy(),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    table["value"] = table["value"].where(np.isfinite(table["value"]))  # ±inf (and NaN) → missing
    table["detail"] = table["detail"].astype("string")
    return table


def _values(indicator: Indicator, by_variable: dict[str, pd.DataFrame]) -> pd.DataFrame:
    empty = pd.DataFrame(
        {"value": [], "coverage": [], "detail": []}, index=pd.MultiIndex.from_tuples([], names=["level", "code"])
    )
    if indicator.method in PRECOMPUTED_METHODS:
        return by_variable.get(indicator.id, empty)[["value", "coverage", "detail"]]
    numerator = by_variable.get(indicator.numerator, empty)
    if indicator.denominator is None:
        return numerator[["value", "coverage", "detail"]]
    denominator = by_variable.get(indicator.denominator, empty).reindex(numerator.index)
    ratio = numerator["value"] / denominator["value"].where(denominator["value"] > 0)
    if indicator.method == "taux_annuel":
        value = (ratio ** (1 / indicator.period_years) - 1) * 100
    else:
        value = ratio * indicator.scale
    coverage = np.fmin(numerator["coverage"], denominator["coverage"])
    return pd.DataFrame({"value": value, "coverage": coverage, "detail": None})
