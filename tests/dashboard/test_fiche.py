"""Territory fiche builders, ranking page helpers, score on the map and method section (no browser),
on the real build of the open-data mirror."""

from __future__ import annotations

import json
from pathlib import Path

import dash
import plotly
import pytest

from dashboard import fiche, maps, needs, needs_state
from dashboard.app import create_app
from dashboard.map_state import choices_from_store, parse_state, serialise_state
from dashboard.settings import Settings
from dashboard.store import Store

LENS = "246200364"
AMIENS = "248000531"
VAL_DE_L_OISE = "200040426"  # poverty rate under statistical secrecy
NNBSP = "\u202f"


@pytest.fixture(scope="module")
def app(built_data_dir: Path) -> dash.Dash:
    return create_app(Settings(data_dir=built_data_dir))


@pytest.fixture(scope="module")
def store(app: dash.Dash) -> Store:
    return app.server.config["STORE"]


def texts(component) -> str:
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def test_fiche_data_of_an_epci_of_the_pas_de_calais(store: Store):
    data = fiche.fiche_data(store, LENS, needs_state.default_state())
    assert data.identity.name == "CA de Lens - Liévin" and data.identity.departement_name == "Pas-de-Calais"
    assert data.identity.communes == 36 and data.identity.kind == "Communauté d'agglomération"
    assert "à travers son département" in data.accelerated and "Pas-de-Calais" in data.accelerated
    sentences = [argument.text for argument in data.arguments]
    poverty = [text for text in sentences if text.startswith("Le taux de pauvreté")]
    assert poverty == [
        f"Le taux de pauvreté (24,9{NNBSP}%, Insee, Filosofi 2021, approximation) dépasse la moyenne du "
        f"Pas-de-Calais (21,7{NNBSP}%).",
        f"Le taux de pauvreté (24,9{NNBSP}%, Insee, Filosofi 2021, approximation) dépasse la moyenne régionale "
        f"(21,6{NNBSP}%).",
    ]
    assert [fiche.of_departement(name) for name in ("Aisne", "Nord", "Somme")] == [
        "de l'Aisne",
        "du Nord",
        "de la Somme",
    ]
    assert any("il en manquerait environ" in text and "places" in text for text in sentences)
    assert all(
        argument.supports
        for argument in data.arguments
        if "dépasse la moyenne" in argument.text and "pauvreté" in argument.text
    )
    assert len(data.establishments) == int((store.residences["epci_code"] == LENS).sum())


def test_no_sentence_without_data(store: Store):
    data = fiche.fiche_data(store, VAL_DE_L_OISE, needs_state.default_state())
    assert not any("pauvreté" in argument.text for argument in data.arguments)
    assert data.ranking.table.loc[VAL_DE_L_OISE, "n_missing"] == 1
    assert "1 indicateur(s) manquant(s)" in texts(fiche.score_section(data))


def test_accelerated_epci_and_epci_outside_the_plan(store: Store):
    amiens = fiche.fiche_data(store, AMIENS, needs_state.default_state())
    assert amiens.accelerated == "Territoire de mise en œuvre accélérée du Logement d'abord (1re vague)."
    somme = next(
        code
        for code in needs.needs_inputs(store).territories.index
        if code not in (AMIENS,)
        and store.display["epci"].features.set_index("code").at[code, "departement_code"] == "80"
    )
    assert fiche.fiche_data(store, somme, needs_state.default_state()).accelerated is None
    assert fiche.fiche_data(store, "000000000", needs_state.default_state()) is None


def test_gap_follows_the_chosen_reference(store: Store):
    state = needs_state.NeedsState(weights=needs_state.default_weights(), comparison="cible", target=2.0, places=10.0)
    data = fiche.fiche_data(store, LENS, state)
    assert data.gap["expected"] == pytest.approx(242_013 * 2 / 10_000)
    assert data.gap["gap_places"] == pytest.approx(data.gap["gap_residences"] * 10)
    assert "taux saisi (2,00 pour 10 000 hab.)" in texts(fiche.gap_section(store, data))


def test_figures(store: Store):
    data = fiche.fiche_data(store, LENS, needs_state.default_state())
    bars = fiche.contribution_figure(data.ranking, data.inputs, [LENS, AMIENS])
    assert bars["data"][0]["name"] == "Taux de pauvreté"
    assert len(bars["data"]) == len(needs.DEFAULT_COMPONENTS)
    total = sum(trace["x"][0] for trace in bars["data"])
    assert total == pytest.approx(data.ranking.table.at[LENS, "score"], abs=0.5)
    figure = fiche.fiche_map_figure(store, LENS)
    assert len(figure["data"][0]["locations"]) == 36 and len(figure["data"][0]["geojson"]["features"]) == 36
    assert sum(len(trace["lon"]) for trace in figure["data"][1:]) == len(data.establishments)
    assert figure["layout"]["geo"]["visible"] is False  # no basemap, nothing fetched


def test_sections_cite_sources(store: Store):
    data = fiche.fiche_data(store, LENS, needs_state.default_state())
    figures = texts(fiche.figures_section(store, data))
    assert "Insee, Filosofi 2021" in figures and "publié par département seulement" in figures
    method = fiche.method_section(store)
    assert method.id == needs.METHOD_ANCHOR
    assert "indicateur-score_besoin" in texts(method) and "DREES" in texts(method)


def test_pages_handle_bad_input(app: dash.Dash):
    from dashboard.pages import classement, territoire

    with app.server.test_request_context("/"):
        page = texts(territoire.layout(code_siren=LENS))
        ranking = texts(classement.layout(poids="taux_pauvrete:2", dep="62"))
        unknown = texts(territoire.layout(code_siren="123"))
        bad = texts(territoire.layout(code_siren=LENS, poids="x:1", inconnu="1"))
        repeated = texts(territoire.layout(code_siren=[LENS, "123"]))
    assert "Monter un projet ici" in page and f"/comprendre/monter-un-projet?territoire={LENS}" in page
    assert "Territoire introuvable" in unknown and "fiche-recherche" in unknown
    assert "Indicateur « x » inconnu" in bad and "Paramètre « inconnu » inconnu" in bad
    assert "Pas-de-Calais" in ranking
    assert "Territoire introuvable" in repeated  # a repeated parameter is never taken for the SIREN


def test_search_and_filters(store: Store):
    from dashboard.pages import classement, territoire

    results = texts(territoire.search_results(store, "THIERACHE"))
    assert "Thiérache" in results and "/territoire/" in results
    assert "Aucun EPCI" in texts(territoire.search_results(store, "zzz"))
    inputs = needs.needs_inputs(store)
    state = needs_state.NeedsState(
        weights=needs_state.default_weights(), departements=("80",), kinds=("CC",), band="moins-de-20000"
    )
    codes = classement.filtered_codes(inputs, state)
    assert codes and all(inputs.territories.at[code, "departement_code"] == "80" for code in codes)
    assert all(inputs.territories.at[code, "population"] < 20_000 for code in codes)


def test_the_map_accepts_the_score_and_keeps_its_weights(store: Store):
    choices = choices_from_store(store)
    assert needs.SCORE_INDICATOR in choices.indicators
    state, notices = parse_state(
        {"indicateur": "score_besoin", "poids": "taux_pauvrete:2,taux_chomage:1", "normalisation": "z_robuste"}, choices
    )
    assert notices == [] and state.score.weight("taux_pauvrete") == 2.0
    text = serialise_state(state)
    assert "indicateur=score_besoin" in text and "poids=taux_pauvrete:2,taux_chomage:1&normalisation=z_robuste" in text
    assert parse_state(dict(pair.split("=") for pair in text[1:].split("&")), choices)[0] == state
    other = serialise_state(parse_state({"indicateur": "taux_pauvrete", "poids": "taux_pauvrete:2"}, choices)[0])
    assert "poids" not in other  # the weights only travel with the score
    from dashboard.callbacks_map import map_view_for

    view = map_view_for(store, state)
    assert view.values is not None and view.heading == "Score de besoin (estimation) par EPCI"
    communes = map_view_for(store, parse_state({"indicateur": "score_besoin", "niveau": "commune"}, choices)[0])
    assert communes.values is None and communes.suggested_level == maps.LEVEL_EPCI
