"""« Comprendre » and « Monter un projet »: sourced content, counts from the store, ?territoire=."""

from __future__ import annotations

from pathlib import Path

import dash
import pytest

from dashboard.app import create_app, navigable_pages
from dashboard.content import GENERAL, Fact
from dashboard.content import comprendre as text
from dashboard.core.store import load_store
from dashboard.settings import Settings
from dashboard.ui.components import format_count
from tests.dashboard.test_app import text_of
from tests.dashboard_data import write_tiny_store

SEEDS = {text.SEED_MINISTERE, text.SEED_FEUILLE_DE_ROUTE, text.SEED_PLATEFORME, text.SEED_PREFET, text.SEED_DIHAL}


def render(app: dash.Dash, module: str, **query: str) -> str:
    with app.server.test_request_context("/"):
        return text_of(dash.page_registry[f"dashboard.pages.{module}"]["layout"](**query))


@pytest.fixture(scope="module")
def real_app(built_data_dir: Path) -> dash.Dash:
    return create_app(Settings(data_dir=built_data_dir))


def all_facts() -> list[Fact]:
    facts = [*text.DEFINITION, text.TYPES_INTRO, *text.LOGEMENT_DABORD, *text.PATHWAY_FACTS, text.RESERVATIONS_INTRO]
    facts += [fact for _question, answers in text.RESERVATIONS for fact in answers]
    facts += [*text.BENEFITS, *text.FUNDING_INVESTMENT, *text.FUNDING_OPERATION, text.FUNDING_NOTE]
    facts += [fact for _actor, items in text.ACTORS for fact in items]
    facts += [*text.REGIONAL_DYNAMIC]
    return facts


def test_every_statement_names_its_source_document_or_is_marked_general():
    facts = all_facts()
    assert len(facts) > 40
    for fact in facts:
        assert fact.source in SEEDS | {GENERAL}, fact.text
    assert {fact.source for fact in facts} >= SEEDS, "every source text is used"
    for _title, _body, source in text.STAGES:
        assert source in SEEDS | {GENERAL}


def test_no_figure_is_written_in_the_content():
    """Figures come from the store; the text may only hold dates and the names of documents."""
    import re

    for fact in all_facts():
        numbers = re.findall(r"\d[\d\u202f ]*", fact.text.replace("2018-2022", "").replace("2017", ""))
        assert numbers in ([], ["2024 "]), f"a figure in: {fact.text}"


def test_comprendre_counts_come_from_the_store(real_app, built_data_dir):
    store = load_store(built_data_dir)
    page = render(real_app, "comprendre")
    residences = store.residences[store.residences["family"] == "residence_sociale"]
    # The région's count: the establishments of a straddling EPCI's communes in another région stay out.
    in_region = residences[~store.outside_region("residence_sociale")]
    assert 0 < len(in_region) < len(residences), "the real build has one maison relais in Seine-Maritime"
    labels = store.catalogue["residence_types"]["labels"]
    for kind, count in in_region["type"].value_counts().items():
        assert f"{labels[kind]} " in page
        assert format_count(int(count)) in page
    assert f"Ensemble   {format_count(len(in_region))}" in page
    region_count = store.indicators.query("level == 'region' and indicator == 'nb_residence_sociale'")["value"]
    assert len(in_region) == int(region_count.iloc[0]), "one count of the residences: the région's figure"
    assert "Source : FINESS (DREES), extraction du 08/01/2021" in page
    figures = {record["id"]: record for record in store.catalogue["reference_figures"]}
    assert format_count(int(figures["attributions_sortants_hebergement_hdf_1an"]["value"])) in page
    assert format_count(int(figures["drees_places_pensions_famille_hdf_2021"]["value"])) in page
    for territory in store.catalogue["accelerated_territories"]:
        assert territory["territory_name"] in page
    for seed in SEEDS:
        assert seed in page.replace("\u202f", " ")
    assert "à venir" not in page


def test_comprendre_with_a_tiny_store_shows_zero_for_a_missing_kind(tmp_path: Path):
    app = create_app(Settings(data_dir=write_tiny_store(tmp_path / "data")))
    page = render(app, "comprendre")
    assert "Résidence accueil" in page
    assert "Ensemble   4" in page


def test_project_page_for_a_territory_shows_its_name_and_offer(real_app, built_data_dir):
    store = load_store(built_data_dir)
    accelerated = next(item for item in store.catalogue["accelerated_territories"] if item["territory_level"] == "epci")
    code = accelerated["territory_code"]
    name = store.territories.loc[store.territories["code"] == code, "name"].iloc[0]
    page = render(real_app, "monter_un_projet", territoire=code)
    assert page.index(name) < page.index("Monter un projet de résidence sociale"), "the name comes first"
    assert f"SIREN {code}" in page
    ordinal = "1re" if accelerated["wave"] == 1 else f"{accelerated['wave']}e"
    assert f"accélérée du Logement d'abord ({ordinal}\u202fvague)" in page or f"({ordinal} vague)" in page
    in_epci = store.residences[
        (store.residences["epci_code"] == code) & (store.residences["family"] == "residence_sociale")
    ]
    for count in in_epci["type"].value_counts():
        assert format_count(int(count)) in page
    assert "Les acteurs" in page and "Les étapes" in page and "Les financements" in page


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("999999999", "Aucun territoire de code « 999999999 »"),
        ("<script>", "n'est pas un code de territoire"),
    ],
)
def test_project_page_with_a_bad_territory_explains_in_french(real_app, code, message):
    page = render(real_app, "monter_un_projet", territoire=code).replace("\u202f", " ")
    assert message in page
    assert "La page générale est affichée." in page
    assert "Monter un projet de résidence sociale" in page


def test_project_page_without_territory_has_no_notice(real_app):
    page = render(real_app, "monter_un_projet")
    assert "La page générale est affichée" not in page
    assert "Monter un projet sur le territoire de" not in page


def test_navigation_is_short_and_ordered(real_app):
    names = [page["name"] for page in navigable_pages()]
    assert "Monter un projet" not in names
    assert names.index("Comprendre") < names.index("Calculateur") < names.index("Sources")


def test_without_built_data_the_text_remains_and_the_build_notice_appears_once(tmp_path: Path):
    app = create_app(Settings(data_dir=tmp_path))
    with app.server.test_request_context("/comprendre"):
        tree = dash.page_registry["dashboard.pages.comprendre"]["layout"]()
    page = text_of(tree)
    assert page.count("Données non construites") == 1
    assert "Les réserves des élus" in page


def test_about_page_counts_the_region_s_residences_and_explains_the_one_outside(real_app, built_data_dir):
    """The key figure is the région's count (as on the map by département and in /tableaux); the establishment of a
    straddling EPCI's commune in another région is named apart, so that 238 and 239 never meet unexplained."""
    store = load_store(built_data_dir)
    page = render(real_app, "a_propos")
    region_count = store.indicators.query("level == 'region' and indicator == 'nb_residence_sociale'")["value"]
    assert f"{format_count(int(region_count.iloc[0]))} résidences sociales dans " in page
    assert "1 autre résidence sociale située hors de la région, dans une commune d'un EPCI à cheval" in page
