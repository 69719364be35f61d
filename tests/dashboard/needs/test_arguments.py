"""The sentences that argue a territory's case (dashboard/arguments.py), word by word, on the tiny needs store of
tests/dashboard/test_needs_mutants.py: figures, references, sources, coverage, rounding and the direction of each
comparison."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from dashboard.core.formatting import typo
from dashboard.needs import arguments
from dashboard.needs import model as needs
from dashboard.needs.analysis import Analysis, Parameters, Reference, Value, analyse
from dashboard.needs.arguments import Argument
from tests.dashboard.needs.test_needs_mutants import ENTRIES, EPCI, tiny_needs_store

NNBSP = "\u202f"
STORE = tiny_needs_store()
CC_UNE, CA_DEUX, CC_TROIS, CU_QUATRE = EPCI
AISNE, NORD, SOMME = ("02", "Aisne"), ("59", "Nord"), ("80", "Somme")
MINIMA = "part_minima_sociaux_2019"
RENT = "loyer_appartement"
SUPPLY_RATE = "places_residence_sociale_pour_10000"


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyse(STORE, Parameters(weights=((MINIMA, 1.0),)), draws=50)


def pct(text: str) -> str:
    return f"{text}{NNBSP}%"


# --- Words -------------------------------------------------------------------------------------------------


def test_departement_names_take_their_article():
    assert [arguments.of_departement(name) for name in ("Aisne", "Oise", "Essonne", "Yonne", "Hérault")] == [
        "de l'Aisne",
        "de l'Oise",
        "de l'Essonne",
        "de l'Yonne",
        "de l'Hérault",
    ]
    assert arguments.of_departement("Ardèche") == "de l'Ardèche"
    assert arguments.of_departement("Isère") == "de l'Isère" and arguments.of_departement("Ustaritz") == "de l'Ustaritz"
    assert arguments.of_departement("Écosse") == "de l'Écosse" and arguments.of_departement("Èze") == "de l'Èze"
    assert arguments.of_departement("Êtres") == "de l'Êtres"
    assert [arguments.of_departement(name) for name in ("Nord", "Pas-de-Calais", "Xaintrie", "Somme", "Marne")] == [
        "du Nord",
        "du Pas-de-Calais",
        "du Xaintrie",
        "de la Somme",
        "de la Marne",
    ]
    assert arguments.of_departement("aisne") == "de l'aisne"


def test_reference_names():
    assert arguments.reference_name("departement", "Nord") == "la moyenne du Nord"
    assert arguments.reference_name("departement", "Somme") == "la moyenne de la Somme"
    assert arguments.reference_name("region", "Nord") == "la moyenne régionale"
    assert arguments.reference_name("france", "Nord") == "la moyenne nationale"


def test_places_are_rounded_to_five_and_agree_in_number():
    assert arguments.places_text(2.0) == "environ 0 place"
    assert arguments.places_text(3.0) == "environ 5 places"
    assert arguments.places_text(-12.0) == "environ 10 places"
    assert arguments.places_text(1234.0) == f"environ 1{NNBSP}235 places"
    assert arguments.range_text(-20.0, -9.0) == "fourchette de 10 à 20 places"
    assert arguments.range_text(31.0, 4.0) == "fourchette de 5 à 30 places"
    assert arguments.range_text(-6.0, 12.0) == "fourchette de 5 à 10 places"


def test_coverage_is_said_only_when_partial():
    assert arguments.coverage_text(Value(1.0, 1.0, None, "")) == ""
    assert arguments.coverage_text(Value(1.0, None, None, "")) == ""
    assert arguments.coverage_text(Value(1.0, 0.64, None, "")) == f"couvre {pct('64')} de la population"
    assert arguments.coverage_text(Value(1.0, 0.5, None, "")) == f"couvre {pct('50')} de la population"
    assert arguments.coverage_text(Value(1.0, 0.49, None, "")) == (
        f"couvre {pct('49')} de la population, moins de la moitié : à lire avec prudence"
    )


def test_figures_carry_source_coverage_and_detail_when_local():
    entry = {"unit": "%"}
    value = Value(5.24, 0.64, "périmètre 2019", "Insee, Filosofi 2019")
    assert arguments._figure(value, entry) == (
        f"{pct('5,2')}, Insee, Filosofi 2019 ; couvre {pct('64')} de la population ; périmètre 2019"
    )
    assert arguments._figure(value, entry, local=False) == f"{pct('5,2')} ; couvre {pct('64')} de la population"
    assert arguments._figure(Value(5.24, 1.0, None, ""), entry) == pct("5,2")
    assert arguments._figure(Value(5.24, 1.0, "détail", "S"), entry, local=False) == pct("5,2")
    assert arguments._direction(0.2) == "dépasse" and arguments._direction(-0.2) == "reste en deçà de"
    assert arguments._direction(0.0) == "reste en deçà de"


# --- Comparisons ---------------------------------------------------------------------------------------------


def test_one_sentence_compares_with_the_departement_and_the_region():
    argument = arguments.comparison(STORE, MINIMA, CC_UNE, AISNE, 1)
    assert argument == Argument(
        typo(
            f"Part des minima sociaux ({pct('5,0')}, Insee, Filosofi 2019) dépasse la moyenne de l'Aisne "
            f"({pct('4,0')}) et la moyenne régionale ({pct('3,6')})."
        ),
        True,
    )
    below = arguments.comparison(STORE, MINIMA, CA_DEUX, NORD, 1)
    assert below == Argument(
        f"Part des minima sociaux ({pct('3,0')}, Insee, Filosofi 2019) reste en deçà de la moyenne du Nord "
        f"({pct('3,8')}) et la moyenne régionale ({pct('3,6')}).",
        False,
    )
    # Lower supply than the references, for an indicator where lower means more need: it supports the case.
    supply = arguments.comparison(STORE, SUPPLY_RATE, CC_UNE, AISNE, -1)
    assert supply == Argument(
        f"Résidences sociales{NNBSP}: places pour 10\u202f000 habitants (0 place, DREES × FINESS (estimation) (2021)) "
        "reste en deçà de la moyenne de l'Aisne (5 places) et la moyenne régionale (12 places).",
        True,
    )
    assert not arguments.comparison(STORE, SUPPLY_RATE, CC_UNE, AISNE, 0).supports


def test_opposite_directions_are_joined_by_mais_and_never_support():
    argument = arguments.comparison(STORE, RENT, CA_DEUX, NORD, 1)
    assert argument == Argument(
        "Loyer d'annonce des appartements (10,0 € par m², DHUP/ANIL, carte des loyers (2018)) dépasse la moyenne "
        "du Nord (9,0 € par m²) mais reste en deçà de la moyenne régionale (11,0 € par m²).",
        False,
    )


def test_differences_under_five_percent_and_zero_references_are_not_compared():
    # Rent of CC Une: 10,2 against 10,0 in the Aisne (+2 %): only the région (−7 %) is compared.
    argument = arguments.comparison(STORE, RENT, CC_UNE, AISNE, 1)
    assert argument == Argument(
        "Loyer d'annonce des appartements (10,2 € par m², DHUP/ANIL, carte des loyers (2018)) reste en deçà de la "
        "moyenne régionale (11,0 € par m²).",
        False,
    )
    # CU Quatre (straddling the région): the Somme's share is 0 (no comparison), the région's 3,6; its figure
    # covers 90 % of its population, whatever its région.
    straddling = arguments.comparison(STORE, MINIMA, CU_QUATRE, SOMME, 1)
    assert straddling == Argument(
        typo(
            f"Part des minima sociaux ({pct('4,0')}, Insee, Filosofi 2019 ; couvre {pct('90')} de la population "
            f"; périmètre 2019) dépasse la moyenne régionale ({pct('3,6')})."
        ),
        True,
    )
    assert arguments.comparison(STORE, RENT, CU_QUATRE, ("80", "Somme"), 1).text.count("moyenne") == 1


def test_no_sentence_without_a_value_an_entry_or_a_difference():
    assert arguments.comparison(STORE, MINIMA, CC_TROIS, NORD, 1) is None  # no value
    assert arguments.comparison(STORE, "taux_chomage", CC_UNE, AISNE, 1) is None  # not in the store
    assert arguments.comparison(STORE, "inconnu", CC_UNE, AISNE, 1) is None
    store = with_rents(epci=10.2, departement=10.0, region=10.3)
    assert arguments.comparison(store, RENT, CC_UNE, AISNE, 1) is None  # +2 % and −1 %


def with_rents(epci: float, departement: float, region: float):
    """The tiny store with other rents for CC Une, the Aisne and the région."""
    rows = tiny_needs_store().indicators
    rent = rows["indicator"] == RENT
    for level, code, value in (("epci", CC_UNE, epci), ("departement", "02", departement), ("region", "32", region)):
        rows.loc[rent & (rows["level"] == level) & (rows["code"] == code), "value"] = value
    return tiny_needs_store(indicators=rows)


def test_an_indicator_without_label_is_named_by_its_id():
    store = tiny_needs_store()
    store.catalogue["indicators"] = [{k: v for k, v in e.items() if k != "label" or e["id"] != RENT} for e in ENTRIES]
    assert arguments.comparison(store, RENT, CA_DEUX, NORD, 1).text.startswith(
        "Loyer_appartement (10,0 € par m², DHUP/ANIL"
    )


def test_a_partial_reference_says_its_coverage_even_for_a_straddling_territory():
    rows = tiny_needs_store().indicators
    rows.loc[(rows["indicator"] == MINIMA) & (rows["level"] == "region"), "coverage"] = 0.7
    argument = arguments.comparison(tiny_needs_store(indicators=rows), MINIMA, CU_QUATRE, SOMME, 1)
    assert argument.text.endswith(
        f"dépasse la moyenne régionale ({pct('3,6')}{NNBSP}; couvre {pct('70')} de la population)."
    )


def test_context_indicators_missing_from_the_catalogue_or_without_direction():
    analysis = analyse(STORE, Parameters(weights=((MINIMA, 1.0),)), draws=1)
    rows = tiny_needs_store().indicators
    entries = [entry for entry in ENTRIES if entry["id"] != "places_hebergement_pour_10000"]
    store = tiny_needs_store(indicators=rows)
    store.catalogue["indicators"] = entries
    items = arguments.territory_arguments(store, analysis, CC_UNE, AISNE, None)
    assert not any(item.text.startswith("Hébergement") for item in items)
    # A figure whose direction is unknown is said, but never supports the case.
    undirected = tiny_needs_store(indicators=rows)
    undirected.catalogue["indicators"] = [*entries, {**ENTRIES[6], "direction": None}]
    shelters = arguments.territory_arguments(undirected, analysis, CC_UNE, AISNE, None)[-1]
    assert shelters.text.startswith("Hébergement") and not shelters.supports


def test_the_threshold_is_five_percent_inclusive():
    argument = arguments.comparison(with_rents(epci=10.5, departement=10.5, region=10.0), RENT, CC_UNE, AISNE, 1)
    assert argument is not None and argument.text.endswith(
        "(10,5 € par m², DHUP/ANIL, carte des loyers (2018)) dépasse la moyenne régionale (10,0 € par m²)."
    )
    assert argument.supports
    below = arguments.comparison(with_rents(epci=10.49, departement=10.5, region=10.0), RENT, CC_UNE, AISNE, 1)
    assert below is None
    assert arguments.THRESHOLD == 0.05


# --- Gap, priority and robustness ------------------------------------------------------------------------------


def test_gap_sentences(analysis: Analysis):
    head = (
        "Au taux national (10,0 places pour 10\u202f000 habitants), le territoire compterait environ {} en résidences "
        "sociales ; il en compte environ {} (estimation : établissements FINESS × places moyennes DREES)"
    )
    assert arguments.gap_argument(analysis, CC_UNE) == Argument(
        typo(
            head.format("10 places", "0 place")
            + " : il en manquerait environ 10 places (fourchette de 10 à 10 places)."
        ),
        True,
    )
    surplus = arguments.gap_argument(analysis, CA_DEUX)
    assert surplus.text == typo(
        head.format("50 places", "70 places") + " : l'offre dépasse ce taux d'environ 20 places (fourchette de 15 à 25 "
        "places)."
    )
    assert surplus.supports is False
    assert arguments.gap_argument(analysis, CU_QUATRE) == Argument(
        typo(head.format("120 places", "120 places") + " : l'offre est proche de ce taux."), False
    )


def test_no_gap_sentence_without_a_gap(analysis: Analysis):
    table = analysis.table.copy()
    table.loc[CC_UNE, "gap_places"] = np.nan
    assert arguments.gap_argument(with_table(analysis, table), CC_UNE) is None


def with_table(analysis: Analysis, table: pd.DataFrame, **changes) -> Analysis:
    fields = {name: getattr(analysis, name) for name in Analysis.__dataclass_fields__}
    return Analysis(**{**fields, "table": table, **changes})


def test_priority_sentences(analysis: Analysis):
    first = arguments.priority_argument(analysis, CU_QUATRE)
    assert first == Argument(
        typo(
            "Son indice de besoin (50 sur 100) est au-dessus de la moyenne régionale pondérée par la population (39) : "
            "au taux national ajusté à ce besoin, l'offre attendue serait de 12,9 places pour 10\u202f000 habitants, "
            "contre 10,0 aujourd'hui (estimations) ; il manquerait environ 35 places. Rang 1er sur 3 EPCI (manque de "
            "places au regard du besoin (nombre de places)) ; rang entre le 1er et le 1er pour 90\u202f% des 50 tirages : "
            f"dans les 10 premiers pour {pct('100')} des tirages."
        ),
        True,
    )
    surplus = arguments.priority_argument(analysis, CA_DEUX)
    assert surplus.text == typo(
        "Son indice de besoin (0 sur 100) est au-dessous de la moyenne régionale pondérée par la population (39) : au "
        "taux national ajusté à ce besoin, l'offre attendue serait de 0,0 places pour 10\u202f000 habitants, contre 14,0 "
        "aujourd'hui (estimations) ; l'offre dépasse cette attente d'environ 70 places. Rang 3e sur 3 EPCI (manque "
        "de places au regard du besoin (nombre de places)) ; rang entre le 3e et le 3e pour 90\u202f% des 50 tirages : "
        f"dans les 10 premiers pour {pct('100')} des tirages."
    )
    assert not surplus.supports
    assert arguments.priority_argument(analysis, CC_TROIS) is None  # no need index


def test_priority_when_the_supply_meets_the_expectation(analysis: Analysis):
    table = analysis.table.copy()
    table.loc[CC_UNE, ["shortfall_places", "need"]] = [2.0, analysis.mean_need]
    argument = arguments.priority_argument(with_table(analysis, table), CC_UNE)
    assert "est au-dessous de la moyenne" in argument.text
    assert "; l'offre correspond à cette attente. Rang 2e" in argument.text.replace(NNBSP, " ")
    assert not argument.supports
    for column in ("shortfall_places", "rank"):
        missing = analysis.table.copy()
        missing.loc[CC_UNE, column] = np.nan
        assert arguments.priority_argument(with_table(analysis, missing), CC_UNE) is None, column
    besoin = with_table(analysis, analysis.table, parameters=Parameters(weights=((MINIMA, 1.0),), order="besoin"))
    assert "EPCI (indice de besoin)" in arguments.priority_argument(besoin, CU_QUATRE).text
    target = Reference("cible", {}, "objectif saisi (20 places, réparti)", "", False)
    typed = with_table(analysis, analysis.table, reference=target)
    assert "au objectif saisi ajusté à ce besoin" in arguments.priority_argument(typed, CU_QUATRE).text


def test_robustness_is_said_only_when_it_holds():
    row = {"rank_low": 2.0, "rank_high": 10.0, "top_share": 1.0}
    assert arguments.robustness_text(row, 500) == (
        f"rang entre le 2e et le 10e pour 90\u202f% des 500 tirages : dans les 10 premiers pour {pct('100')} des tirages"
    )
    row = {"rank_low": 3.4, "rank_high": 11.0, "top_share": 0.42}
    assert arguments.robustness_text(row, 200) == (
        f"rang entre le 3e et le 11e pour 90\u202f% des 200 tirages ; dans les 10 premiers pour {pct('42')} des tirages "
        "seulement : son rang dépend des réglages"
    )
    assert arguments.robustness_text({"rank_low": 1.0, "rank_high": 12.0, "top_share": 0.0}, 500) == (
        "rang entre le 1er et le 12e pour 90\u202f% des 500 tirages"
    )
    assert arguments.robustness_text({"rank_low": 1.0, "rank_high": 12.0}, 500) == (
        "rang entre le 1er et le 12e pour 90\u202f% des 500 tirages"
    )


def test_territory_arguments_in_order(analysis: Analysis):
    items = arguments.territory_arguments(STORE, analysis, CC_UNE, AISNE, "Un territoire accéléré : oui.")
    assert [item.text.split(" ")[0] for item in items] == [
        "Son",
        "Au",
        "Aucune",
        "Un",
        "Part",
        "Résidences",
        f"Hébergement{NNBSP}:",
    ]
    assert items[2] == Argument(
        "Aucune résidence sociale n'est recensée sur le territoire (FINESS (08/01/2021)).", True
    )
    assert items[3] == Argument(f"Un territoire accéléré{NNBSP}: oui.", True)
    assert items[4] == arguments.comparison(STORE, MINIMA, CC_UNE, AISNE, 1)
    assert items[5] == arguments.comparison(STORE, SUPPLY_RATE, CC_UNE, AISNE, -1)
    assert items[6] == Argument(
        f"Hébergement{NNBSP}: places pour 10\u202f000 habitants (8 places, DREES × FINESS (estimation) (2021)) dépasse la "
        "moyenne de l'Aisne (4 places) et la moyenne régionale (5 places).",
        True,
    )
    # With a supply, no accelerated plan and a figure that straddles the région.
    items = arguments.territory_arguments(STORE, analysis, CU_QUATRE, SOMME, None)
    assert [item.text.split(" ")[0] for item in items] == ["Son", "Au", "Part", "Résidences"]
    assert f"couvre {pct('90')} de la population" in items[2].text and "partie" not in items[2].text
    assert items[3].supports  # 10 places against 12 in the région, lower means more need
    # CA Deux's shelters (5,2 against 5 in the Nord and the région) are within 5 %: no sentence.
    assert not any(
        item.text.startswith("Hébergement")
        for item in arguments.territory_arguments(STORE, analysis, CA_DEUX, NORD, None)
    )
    # An indicator of the index that is also a context indicator is compared once.
    weights = ((MINIMA, 1.0), ("places_hebergement_pour_10000", 1.0))
    twice = analyse(STORE, Parameters(weights=weights), draws=1)
    texts = [item.text for item in arguments.territory_arguments(STORE, twice, CA_DEUX, NORD, None)]
    assert len(texts) == len(set(texts)) and sum(text.startswith("Part des minima") for text in texts) == 1
    assert re.search(r"Rang \d", texts[0]) and needs.TOP == 10
