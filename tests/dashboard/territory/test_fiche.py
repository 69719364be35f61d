"""Territory fiche builders, ranking page helpers, need index on the map and method section (no browser),
on the real build of the open-data mirror."""

from __future__ import annotations

import dataclasses
import json

import dash
import plotly
import pytest

from dashboard.core import routes
from dashboard.core.levels import LEVEL_EPCI
from dashboard.core.store import Store
from dashboard.map.state import choices_from_store, parse_state, serialise_state
from dashboard.needs import arguments, figures
from dashboard.needs import method as needs_method
from dashboard.needs import model as needs
from dashboard.needs import state as needs_state
from dashboard.needs.analysis import SCORE_INDICATOR, needs_inputs
from dashboard.needs.fiche import fiche_data
from dashboard.ranking.view import filtered_codes
from dashboard.territory import sections
from dashboard.territory.map_figure import fiche_map_figure
from dashboard.territory.page import search_results

LENS = "246200364"
AMIENS = "248000531"
MEL = "200093201"
STRADDLING = "200069722"  # CC interrégionale Aumale - Blangy-sur-Bresle
PICARDIE_VERTE = "246000848"
NNBSP = "\u202f"


def texts(component) -> str:
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def test_fiche_data_of_an_epci_of_the_pas_de_calais(store: Store):
    data = fiche_data(store, LENS, needs_state.default_state())
    assert data.identity.name == "CA de Lens - Liévin" and data.identity.departement_name == "Pas-de-Calais"
    assert data.identity.communes == 36 and data.identity.kind == "Communauté d'agglomération"
    assert "à travers son département" in data.accelerated and "Pas-de-Calais" in data.accelerated
    sentences = [argument.text for argument in data.arguments]
    minima = [text for text in sentences if text.startswith("Part des minima sociaux")]
    assert minima == [
        f"Part des minima sociaux dans le revenu (valeur officielle 2019) (5,4{NNBSP}%, Insee, Filosofi 2019 "
        f"(EPCI, départements, régions)) dépasse la moyenne du Pas-de-Calais (3,8{NNBSP}%) et la moyenne "
        f"régionale (3,6{NNBSP}%)."
    ]
    assert [arguments.of_departement(name) for name in ("Aisne", "Nord", "Somme")] == [
        "de l'Aisne",
        "du Nord",
        "de la Somme",
    ]
    assert any("il en manquerait environ" in text and "fourchette" in text for text in sentences)
    assert sentences[0].startswith("Son indice de besoin") and "Rang 1er sur 92 EPCI" in sentences[0]
    assert all(argument.supports for argument in data.arguments if text_supports(argument.text))
    assert len(data.establishments) == int((store.residences["epci_code"] == LENS).sum())


def text_supports(text: str) -> bool:
    return "dépasse la moyenne" in text and "minima sociaux" in text


def test_a_missing_or_partial_value_is_said_and_never_counted(store: Store):
    # The straddling EPCI is counted whole (national census and income files): nothing is left out.
    straddling = fiche_data(store, STRADDLING, needs_state.default_state())
    assert straddling.row["n_masked"] == 0 and straddling.row["n_missing"] == 0
    assert "du territoire seulement" not in texts(sections.figures_section(store, straddling))
    # The poverty rate, approached from the few communes where INSEE publishes it, covers 54 % of the Picardie
    # verte's population: asked for, it is left out of the index and said.
    weights = tuple((key, 1.0 if key == "taux_pauvrete" else value) for key, value in needs.default_weights())
    data = fiche_data(store, PICARDIE_VERTE, dataclasses.replace(needs_state.default_state(), weights=weights))
    assert data.row["n_masked"] == 1 and data.row["n_missing"] == 1
    section = texts(sections.need_section(data))
    assert "écartée : couvre" in section and "indicateur(s) manquant(s) ou écarté(s)" in section


def test_accelerated_epci_and_epci_outside_the_plan(store: Store):
    amiens = fiche_data(store, AMIENS, needs_state.default_state())
    assert amiens.accelerated == "Territoire de mise en œuvre accélérée du Logement d'abord (1re vague)."
    somme = next(
        code
        for code in store.display["epci"].features["code"]
        if code != AMIENS and store.display["epci"].features.set_index("code").at[code, "departement_code"] == "80"
    )
    assert fiche_data(store, somme, needs_state.default_state()).accelerated is None
    assert fiche_data(store, "000000000", needs_state.default_state()) is None


def test_gap_follows_the_chosen_reference(store: Store):
    state = needs_state.NeedsState(weights=needs.default_weights(), reference="cible", target=20.0)
    data = fiche_data(store, LENS, state)
    assert data.row["supply_places"] + data.row["gap_places"] == pytest.approx(242_013 * 20 / 10_000)
    section = texts(sections.supply_section(store, data))
    assert "objectif saisi (20,0 places pour 10\u202f000 habitants" in section
    assert "Pensions de famille et résidences accueil" in section and "Dispersion des tailles" in section


def test_mel_and_the_priority_explanation(store: Store):
    data = fiche_data(store, MEL, needs_state.default_state())
    assert data.row["rank"] <= needs.TOP and data.row["gap_places"] < 0
    priority = texts(sections.priority_section(data))
    assert "son offre dépasse la référence" in priority and "besoin-offre" in priority
    figures = texts(sections.figures_section(store, data))
    assert "20\u202f940" in figures and "245900410" in figures  # official median under the former SIREN


def test_figures(store: Store):
    data = fiche_data(store, LENS, needs_state.default_state())
    bars = figures.contribution_figure(data.analysis, [LENS, AMIENS])
    assert bars["data"][0]["name"] == "Part des minima sociaux dans le revenu (valeur officielle 2019)"
    assert len(bars["data"]) == len(data.analysis.components)
    total = sum(trace["x"][0] for trace in bars["data"])
    assert total == pytest.approx(data.row["need"], abs=0.5)
    scatter = figures.need_supply_figure(data.analysis, highlight=LENS)
    assert scatter["data"][-1]["text"] == ["CA de Lens - Liévin"]
    assert len(scatter["layout"]["shapes"]) == 3  # priority quadrant, mean need, reference rate
    figure = fiche_map_figure(store, LENS)
    assert len(figure["data"][0]["locations"]) == 36 and len(figure["data"][0]["geojson"]["features"]) == 36
    assert sum(len(trace["lon"]) for trace in figure["data"][1:]) == len(data.establishments)
    assert figure["layout"]["geo"]["visible"] is False  # no basemap, nothing fetched


def test_sections_cite_sources(store: Store):
    data = fiche_data(store, LENS, needs_state.default_state())
    figures = texts(sections.figures_section(store, data))
    assert "Insee, Filosofi 2019" in figures and "publié par département seulement" in figures
    assert "extrait dérivé" in figures and "UMR 1041 CESAER" in figures
    method = needs_method.method_section(store)
    assert method.id == routes.METHOD_ANCHOR
    method_text = texts(method)
    assert "indicateur-score_besoin" in method_text and "DREES" in method_text
    assert "CC Thelloise" in method_text and "245900410" in method_text


def test_pages_handle_bad_input(app: dash.Dash):
    from dashboard.pages import classement, territoire

    with app.server.test_request_context("/"):
        page = texts(territoire.layout(code_siren=LENS))
        ranking = texts(classement.layout(poids="loyer_appartement:2", dep="62", cible="-5", reference="cible"))
        unknown = texts(territoire.layout(code_siren="123"))
        bad = texts(territoire.layout(code_siren=LENS, poids="x:1", inconnu="1"))
        repeated = texts(territoire.layout(code_siren=[LENS, "123"]))
        reference = texts(territoire.layout(code_siren=LENS, reference="lune"))
    assert "Monter un projet ici" in page and f"/comprendre/monter-un-projet?territoire={LENS}" in page
    assert "Territoire introuvable" in unknown and "fiche-recherche" in unknown
    assert "Indicateur « x » inconnu" in bad and "Paramètre « inconnu » inconnu" in bad
    assert "Valeur « lune » inconnue pour « reference »" in reference
    assert "Pas-de-Calais" in ranking and "Objectif « -5 » invalide" in ranking
    assert "Territoire introuvable" in repeated  # a repeated parameter is never taken for the SIREN


def test_search_and_filters(store: Store):
    results = texts(search_results(store, "THIERACHE"))
    assert "Thiérache" in results and "/territoire/" in results
    assert "Aucun EPCI ni aucune commune" in texts(search_results(store, "zzz"))
    communes = texts(search_results(store, "abbevil"))
    assert "Abbeville (commune, 80001)" in communes and "/commune/80001" in communes
    by_code = texts(search_results(store, "80021"))
    assert "Amiens (commune, 80021)" in by_code and "/commune/80021" in by_code
    inputs = needs_inputs(store)
    state = needs_state.NeedsState(
        weights=needs.default_weights(), departements=("80",), kinds=("CC",), band="moins-de-20000"
    )
    codes = filtered_codes(inputs.territories, state)
    assert codes and all(inputs.territories.at[code, "departement_code"] == "80" for code in codes)
    assert all(inputs.territories.at[code, "population"] < 20_000 for code in codes)


def test_the_map_accepts_the_score_and_keeps_its_weights(store: Store):
    choices = choices_from_store(store)
    assert SCORE_INDICATOR in choices.indicators
    state, notices = parse_state(
        {"indicateur": "score_besoin", "poids": "loyer_appartement:2,taux_chomage:1", "normalisation": "z_robuste"},
        choices,
    )
    assert notices == [] and state.score.weight("loyer_appartement") == 2.0
    text = serialise_state(state)
    assert "indicateur=score_besoin" in text
    assert "poids=taux_chomage:1,loyer_appartement:2&normalisation=z_robuste" in text
    assert parse_state(dict(pair.split("=") for pair in text[1:].split("&")), choices)[0] == state
    other = serialise_state(parse_state({"indicateur": "taux_pauvrete", "poids": "loyer_appartement:2"}, choices)[0])
    assert "poids" not in other  # the weights only travel with the score
    from dashboard.map.callbacks import map_view_for

    view = map_view_for(store, state)
    assert view.values is not None and view.heading == "Indice de besoin (estimation) par EPCI"
    communes = map_view_for(store, parse_state({"indicateur": "score_besoin", "niveau": "commune"}, choices)[0])
    assert communes.values is None and communes.suggested_level == LEVEL_EPCI


def test_the_search_page_lists_exact_names_first_and_survives_odd_queries(app: dash.Dash):
    from dashboard.pages import recherche

    with app.server.test_request_context("/"):
        page = texts(recherche.layout(q="lens"))
        repeated = texts(recherche.layout(q=["lens", "amiens"]))
        empty = texts(recherche.layout())
        long_text = texts(recherche.layout(q="x" * 5000))
    assert "Rechercher une commune ou un EPCI" in page
    assert page.index("Lens (commune, 62498)") < page.index("Courcelles-lès-Lens (commune, 62249)")
    assert "CA de Lens - Liévin (246200364)" in page and "/commune/62498" in page
    assert "Lens (commune" not in repeated and "fiche-recherche" in repeated
    assert "Aucun EPCI" not in empty
    assert "Aucun EPCI ni aucune commune" in long_text and "x" * 81 not in long_text
