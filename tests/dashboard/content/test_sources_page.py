"""The sources and methods page is generated from the catalogue and the build report."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import dash
import pytest

from dashboard.app import create_app
from dashboard.content import sources_notes
from dashboard.core import catalogue as roles
from dashboard.core import routes
from dashboard.core.store import load_store
from dashboard.settings import Settings
from dashboard.ui.components import format_count
from tests.dashboard.test_app import text_of
from tests.dashboard_data import write_tiny_store


def components(component) -> Iterator:
    """Every component of a tree, depth first."""
    if isinstance(component, list | tuple):
        for child in component:
            yield from components(child)
        return
    if component is None or isinstance(component, str | int | float):
        return
    yield component
    yield from components(getattr(component, "children", None))


def render_sources(data_dir: Path):
    app = create_app(Settings(data_dir=data_dir))
    with app.server.test_request_context("/sources"):
        tree = dash.page_registry["dashboard.pages.sources"]["layout"]()
    return tree, sys.modules["dashboard.pages.sources"]


@pytest.fixture(scope="module")
def real_page(built_data_dir: Path):
    tree, module = render_sources(built_data_dir)
    return tree, module, load_store(built_data_dir)


def test_every_dataset_and_indicator_of_the_catalogue_has_an_entry_and_an_anchor(real_page):
    tree, _module, store = real_page
    text = text_of(tree)
    anchors = {component.id for component in components(tree) if isinstance(getattr(component, "id", None), str)}
    datasets = store.catalogue["datasets"]
    indicators = store.catalogue["indicators"]
    assert len(datasets) > 10 and len(indicators) > 30
    for dataset in datasets:
        assert routes.dataset_anchor(dataset["id"]) in anchors, dataset["id"]
        assert dataset["id"] in text
        assert dataset["publisher"] in text
        assert dataset["licence"] in text
    for indicator in indicators:
        assert routes.indicator_anchor(indicator["id"]) in anchors, indicator["id"]
        assert indicator["id"] in text
        assert indicator["label"] in text
        if not indicator["available"]:
            assert indicator["official_source"] in text, f"official source of {indicator['id']}"
    for section in ("jeux-de-donnees", "indicateurs", "typologie", "methodes", "chiffres-de-reference", "limites"):
        assert section in anchors
    assert f"#{routes.indicator_anchor('taux_pauvrete')}" in {
        component.href for component in components(tree) if getattr(component, "href", None)
    }, "the limits section links to the approximated indicators"


def test_coverage_figures_of_the_last_build_are_shown(real_page):
    tree, _module, store = real_page
    text = text_of(tree)
    for dataset_id, report in store.coverage["datasets"].items():
        if dataset_id in {dataset["id"] for dataset in store.catalogue["datasets"]}:
            assert format_count(report["rows_read"]) in text, dataset_id
    assert store.built_at.strftime("%d/%m/%Y à %H:%M") in text
    assert store.catalogue["residence_types"]["rule"].split(" :")[0] in text
    for label in store.catalogue["methods"].values():
        assert label.split(" ;")[0].split(" :")[0] in text


def test_anchor_ids_are_safe_for_urls():
    assert routes.dataset_anchor("decoupage-administratif-6.0.0") == "jeu-decoupage-administratif-6-0-0"
    assert routes.indicator_anchor("taux_pauvrete") == "indicateur-taux_pauvrete"


def test_unmatched_codes_are_listed_in_a_details_element(tmp_path: Path):
    data_dir = write_tiny_store(tmp_path / "data")
    coverage_file = data_dir / "processed" / "coverage.json"
    coverage = json.loads(coverage_file.read_text(encoding="utf-8"))
    coverage["datasets"] = {
        "finess-fhir-20210108-hdf": {
            "rows_read": 12345,
            "rows_kept": 10,
            "rows_joined": 8,
            "unmatched": ["59999", "62998"],
        }
    }
    coverage_file.write_text(json.dumps(coverage), encoding="utf-8")
    tree, _module = render_sources(data_dir)
    details = [component for component in components(tree) if isinstance(component, dash.html.Details)]
    assert any("59999, 62998" in text_of(item) and "2 codes non appariés" in text_of(item) for item in details)
    text = text_of(tree)
    assert "12\u202f345" in text
    assert "pas de bilan de lecture enregistré" in text, "the dataset without a report says so"


def test_minimal_catalogue_still_renders(tmp_path: Path):
    tree, _module = render_sources(write_tiny_store(tmp_path / "data"))
    text = text_of(tree)
    assert "Sources des données" in text
    assert "Découpage administratif (test)" in text
    assert "Réserve de test sur les territoires." in text


def entry(tree, anchor: str):
    return next(component for component in components(tree) if getattr(component, "id", None) == anchor)


def test_an_indicator_added_by_one_catalogue_entry_is_described_with_its_source_and_vintage(real_page):
    tree, _module, store = real_page
    text = text_of(entry(tree, routes.indicator_anchor("niveau_vie_d9_2019")))
    assert "9e décile du niveau de vie (valeur officielle 2019)" in text
    assert "Filosofi 2019" in text and store.dataset("insee-filosofi-2019-disp-supra")["citation"] in text
    assert "Indicateur de contexte" in text, "direction 0"
    assert "EPCI, département, région, France" in text


def test_the_limits_recall_the_vintage_of_the_datasets_playing_a_role(real_page):
    tree, _module, store = real_page
    limits = entry(tree, "limites")
    links = {component.href: text_of(component) for component in components(limits) if getattr(component, "href", None)}
    for role, what in sources_notes.DATED_SOURCES:
        dataset = roles.dataset_for(store, role)
        assert links[f"#{routes.dataset_anchor(dataset['id'])}"] == what
        assert f"millésime {dataset['vintage']}" in text_of(limits).replace("\u202f", " ")


def test_a_role_the_build_did_not_declare_has_no_dataset(tmp_path: Path):
    store = load_store(write_tiny_store(tmp_path / "data"))
    assert roles.dataset_for(store, roles.ROLE_TERRITORIES)["id"] == "decoupage-administratif-6.0.0"
    assert (
        roles.citation_for(store, roles.ROLE_TERRITORIES) == store.dataset("decoupage-administratif-6.0.0")["citation"]
    )
    assert roles.dataset_for(store, roles.ROLE_CENSUS) is None and roles.citation_for(store, roles.ROLE_CENSUS) is None
