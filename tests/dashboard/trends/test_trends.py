"""The trends (dashboard/trends): values equal the store's series, partial years and partial coverage said,
missing stays missing, département series labelled as such, figures in French number format."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest
from dash import html

from dashboard.core.perimeter import of_departement
from dashboard.core.store import Store, load_store
from dashboard.trends import compare, data, figures, sections
from dashboard.trends import ids as trend_ids
from dashboard.ui import margins

AMIENS_COMMUNE, AMIENS_EPCI, SOMME = "80021", "248000531", "80"
#: Aumale - Blangy-sur-Bresle: 49 communes in Seine-Maritime (the national census file covers them).
STRADDLING_EPCI = "200069722"
#: A 2021 code covering two current communes: no census value of its own.
SPLIT_COMMUNE = "60054"
#: A commune without any résidence sociale.
NO_RESIDENCE_COMMUNE = "02001"


@pytest.fixture(scope="module")
def store(built_data_dir: Path) -> Store:
    return load_store(built_data_dir)


def stored(store: Store, series: str, level: str, code: str) -> pd.Series:
    rows = store.series[
        (store.series["series"] == series) & (store.series["level"] == level) & (store.series["code"] == code)
    ]
    return rows.set_index("year")["value"].sort_index()


def texts(component) -> str:
    """Every text of a Dash component tree, joined."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(texts(child) for child in component)
    children = getattr(component, "children", None)
    return texts(children) if children is not None else ""


def test_logement_d_abord_is_the_departement_series_with_its_2022_target_and_partial_year(store):
    trend = data.lda_trend(store, (SOMME, "Somme"), of_departement("Somme"))
    assert trend.title.endswith("valeur du département de la Somme")
    assert trend.years == (2017, 2018, 2019, 2020, 2021, 2022)
    assert trend.labels[-1] == "2022 (janv.–nov.)" and trend.labels[0] == "2017"
    housed, target = trend.lines
    assert housed.values == tuple(stored(store, "lda_relogements", "departement", SOMME))
    assert housed.values == (378, 473, 497, 526, 869, 783)  # PROVENANCE of the barometer, Somme
    assert target.marker_only and target.values == (None, None, None, None, None, 634)
    assert any("2022 (janv.–nov.)" in note for note in trend.notes)
    assert trend.citations == ("Dihal, Baromètre Logement d'abord (2017–2022)",)


def test_private_vacancy_counts_2020_to_2025_of_the_departement(store):
    trend = data.lovac_trend(store, (SOMME, "Somme"), of_departement("Somme"))
    assert "(nombre)" in trend.title and trend.unit == "logements"
    vacant, long = trend.lines
    assert vacant.values == tuple(stored(store, "lovac_vacants", "departement", SOMME))
    assert vacant.values[-1] == 20_323 and long.values[-1] == 11_453  # LOVAC PROVENANCE, 2025
    assert trend.labels == ("2020", "2021", "2022", "2023", "2024", "2025")
    assert "changement de source ou de méthode" in trend.notes[0]


def test_private_stock_of_2025_stays_missing_and_its_share_is_not_computed(store):
    assert pd.isna(stored(store, "lovac_parc_prive", "departement", SOMME)[2025])
    trend = compare.compare_lovac(store, [compare.Place("Amiens (commune)", "commune", AMIENS_COMMUNE)])
    somme = trend.lines[0]
    assert somme.name == "Somme (département)" and somme.values[-1] is None
    total = stored(store, "lovac_parc_prive", "departement", SOMME)
    vacant = stored(store, "lovac_vacants", "departement", SOMME)
    assert somme.values[0] == pytest.approx(vacant[2020] / total[2020] * 100)
    assert any("2025 : parc privé total non publié" in note for note in trend.notes)
    assert any("Amiens (commune) → Somme" in note for note in trend.notes)


def test_population_of_an_epci_is_its_census_and_legal_populations(store):
    trend = data.population_trend(store, "epci", AMIENS_EPCI, "CA Amiens Métropole")
    assert trend.years == (2013, 2018, 2023)
    assert trend.lines[0].values == tuple(stored(store, "population", "epci", AMIENS_EPCI))
    legal = store.indicators[
        (store.indicators["indicator"] == "population") & (store.indicators["code"] == AMIENS_EPCI)
    ]
    assert trend.lines[0].values[-1] == float(legal["value"].iloc[0])
    assert trend.citations == ("Insee, recensement 2018 (données 2013 et 2018)", "Insee, populations légales 2023")


def test_a_partial_census_value_is_not_drawn_and_its_coverage_is_said(store):
    # The national census file covers the Normandy communes of the straddling EPCI: its line is whole.
    whole = data.population_trend(store, "epci", STRADDLING_EPCI, "CC Aumale - Blangy-sur-Bresle")
    assert None not in whole.lines[0].values and not any("valeur partielle" in note for note in whole.notes)
    # The same EPCI as if the census covered its Hauts-de-France part only (20 % of its population).
    series = store.series.copy()
    census = (
        (series["code"] == STRADDLING_EPCI) & series["year"].isin([2013, 2018]) & (series["series"] == "population")
    )
    series.loc[census, "coverage"] = 0.2014
    trend = data.population_trend(
        dataclasses.replace(store, series=series), "epci", STRADDLING_EPCI, "CC Aumale - Blangy-sur-Bresle"
    )
    assert trend.lines[0].values[:2] == (None, None) and trend.lines[0].values[2] is not None
    partial = [note for note in trend.notes if "valeur partielle" in note]
    assert len(partial) == 2 and "20\u202f% de la population" in partial[0]


def test_a_commune_missing_from_the_census_stays_missing(store):
    trend = data.population_trend(store, "commune", SPLIT_COMMUNE, "Beaumont-les-Nonains")
    assert trend.lines[0].values[:2] == (None, None) and trend.lines[0].values[2] == 339
    assert sum("donnée non disponible" in note for note in trend.notes) == 2
    assert sections.summary_sentence(trend) == "Population\u202f: 339 en 2023 — habitants."


def test_openings_count_the_epci_s_residences_by_type_cumulated(store):
    trend = data.openings_trend(store, "epci_code", AMIENS_EPCI, "CA Amiens Métropole")
    residences = store.residences
    mine = residences[(residences["family"] == "residence_sociale") & (residences["epci_code"] == AMIENS_EPCI)]
    dated = mine[mine["opening_date"].notna()]
    assert trend.steps and trend.years[-1] == 2020  # extract of 08/01/2021
    assert sum(line.values[-1] for line in trend.lines) == len(dated)
    assert f"{len(mine) - len(dated)} établissements sans date" in trend.notes[0]
    assert "Ce n'est donc pas l'historique de l'offre" in trend.notes[0]
    assert trend.citations == ("FINESS (DREES), extraction du 08/01/2021",)
    for line in trend.lines:  # cumulative: never decreasing
        assert list(line.values) == sorted(line.values)


def test_a_commune_without_residence_gets_a_sentence_not_an_empty_chart(store):
    assert data.openings_trend(store, "commune_code", NO_RESIDENCE_COMMUNE, "Abbécourt") is None
    block = sections.openings_block(store, "x", "commune_code", NO_RESIDENCE_COMMUNE, "Abbécourt", "Aucune.")
    assert "Aucune." in texts(block) and "trend-empty" in block.className


def test_year_labels_say_the_months_of_a_partial_year():
    assert data.year_label(2021, 12) == "2021"
    assert data.year_label(2022, 11) == "2022 (janv.–nov.)"
    assert data.year_label(2020, None) == "2020"
    assert data.with_years("Insee, recensement 2018", [2013, 2018]) == "Insee, recensement 2018 (données 2013 et 2018)"
    assert data.with_years("Cerema, LOVAC (2020–2025)", [2020, 2021, 2025]) == "Cerema, LOVAC (2020–2025)"


def test_the_figure_uses_french_separators_categories_and_leaves_gaps(store):
    trend = compare.compare_lovac(store, [compare.Place("Somme", "departement", SOMME)])
    figure = figures.trend_figure(trend)
    assert figure["layout"]["separators"] == ",\u202f"
    assert figure["layout"]["yaxis"]["title"]["text"] == "% du parc privé"
    assert [trace["name"] for trace in figure["data"]] == ["Somme (département)", "Hauts-de-France", "France"]
    assert figure["data"][0]["y"][-1] is None  # 2025: a gap, never 0
    lda = figures.trend_figure(data.lda_trend(store, (SOMME, "Somme"), "x"))
    assert lda["data"][0]["x"][-1] == "2022<br>(janv.–nov.)"
    assert lda["data"][1]["mode"] == "markers"
    assert len(json.dumps(lda)) < 3_000  # light: loads with the page


def test_margins_leave_room_for_values_partial_years_and_legend_rows(store):
    """Margins estimated from the labels (dashboard.ui.margins): a chart drawn once, not redrawn by automargin."""
    somme = (SOMME, "Somme")
    population = figures.trend_figure(data.population_trend(store, "departement", *somme))
    lda = figures.trend_figure(data.lda_trend(store, somme, "x"))
    single, partial = population["layout"]["margin"], lda["layout"]["margin"]
    assert population["layout"]["yaxis"]["automargin"]  # still on: a longer label gets its room all the same
    assert single["b"] == margins.lines_height(["2013"], 13) + 10  # years only: one line, no legend
    two_lines_and_legend = margins.lines_height(["2022<br>(janv.–nov.)"], 13) + 10 + margins.legend_height(["a"], 12)
    assert partial["b"] == two_lines_and_legend
    assert single["l"] > partial["l"]  # « 570 000 » habitants is wider than « 3 000 » personnes


def test_text_and_legend_estimates():
    assert margins.text_width("Lille", 10) == 29
    assert margins.labels_width(["CA du Boulonnais", "2022<br>(janv.)"], 13) == margins.text_width(
        "CA du Boulonnais", 13
    )
    assert margins.lines_height(["2021", "2022<br>(janv.)"], 10) == 29
    assert margins.legend_height([], 12) == margins.LEGEND_ROW + margins.LEGEND_PADDING
    entry = margins.text_width("Résidence accueil", 12) + margins.LEGEND_SYMBOL
    fits = margins.LEGEND_WIDTH // entry
    assert margins.legend_height(["Résidence accueil"] * fits, 12) == margins.LEGEND_ROW + margins.LEGEND_PADDING
    assert (
        margins.legend_height(["Résidence accueil"] * (fits + 1), 12) == 2 * margins.LEGEND_ROW + margins.LEGEND_PADDING
    )


def test_comparison_lines_are_comparable_and_say_their_level(store):
    chosen = [
        compare.Place("Amiens (commune)", "commune", AMIENS_COMMUNE),
        compare.Place("CA Amiens Métropole (EPCI)", "epci", AMIENS_EPCI),
    ]
    population, openings, lda, lovac = compare.comparison_trends(store, chosen)
    assert [line.name for line in population.lines] == [*(place.name for place in chosen), "Hauts-de-France"]
    assert all(line.values[0] == 100 for line in population.lines)
    amiens = stored(store, "population", "commune", AMIENS_COMMUNE)
    assert population.lines[0].values[-1] == pytest.approx(amiens[2023] / amiens[2013] * 100)
    assert not population.from_zero
    assert [line.name for line in lda.lines] == ["Somme (département)", "Hauts-de-France", "France"]
    assert "valeurs des départements" in lda.title and "valeurs des départements" in lovac.title
    somme_population = store.indicators[
        (store.indicators["indicator"] == "population")
        & (store.indicators["level"] == "departement")
        & (store.indicators["code"] == SOMME)
    ]["value"].iloc[0]
    assert lda.lines[0].values[0] == pytest.approx(378 / somme_population * 10_000)
    assert openings.unit == "résidences pour 10 000 hab." and openings.lines[-1].name == "Hauts-de-France"


def test_each_block_has_title_chart_sources_and_values(store):
    trend = data.lda_trend(store, (SOMME, "Somme"), of_departement("Somme"))
    block = sections.trend_block(trend, "g")
    text = texts(block)
    assert block.className == trend_ids.TREND_FIGURE_CLASS
    assert trend.title in text and "Source : Dihal" in text and "Voir les valeurs" in text
    assert "378" in text and "Objectif 2022\u202f: 634" in text


def test_epci_and_commune_sections_hold_four_trends(store):
    epci = sections.epci_trends(store, AMIENS_EPCI, "CA Amiens Métropole", (SOMME, "Somme"))
    assert epci.id == trend_ids.EPCI_TRENDS
    assert texts(epci).count("Voir les valeurs") == 4
    commune = sections.commune_trends(store, NO_RESIDENCE_COMMUNE, "Abbécourt", ("02", "Aisne"))
    assert texts(commune).count("Voir les valeurs") == 3  # no résidence: a sentence instead
    assert "valeur du département de l'Aisne" in texts(commune)
    assert isinstance(commune, html.Section)


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("Somme", "du département de la Somme"),
        ("Nord", "du département du Nord"),
        ("Aisne", "du département de l'Aisne"),
        ("Pas-de-Calais", "du département du Pas-de-Calais"),
        ("Hautes-Alpes", "du département des Hautes-Alpes"),
        ("Rhône", "du département du Rhône"),
    ],
)
def test_departement_names_take_their_article(name, phrase):
    assert of_departement(name) == phrase
