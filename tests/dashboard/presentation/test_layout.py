"""The page /presentation rendered without a browser: editor, notices, print view, starting deck."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import dash
import pytest

from dashboard.core.store import load_store
from dashboard.presentation import parsing, specs
from dashboard.presentation import slides as slide_content
from tests.dashboard.presentation.test_deck import AMIENS, ISSUE_EXAMPLE
from tests.dashboard.test_app import text_of


@pytest.fixture(scope="module")
def choices(built_data_dir: Path) -> specs.DeckChoices:
    return specs.choices_from_store(load_store(built_data_dir))


def render(app: dash.Dash, **query: str):
    with app.server.test_request_context("/presentation"):
        return dash.page_registry["dashboard.pages.presentation"]["layout"](**query)


def find(component, predicate):
    """Every component of a tree for which predicate(component) is true."""
    found = [component] if predicate(component) else []
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found += find(child, predicate)
    return found


def test_the_editor_lists_the_slides_and_shows_the_notices(app):
    layout = render(app, d=ISSUE_EXAMPLE + "|carte:inconnu")
    text = text_of(layout)
    assert "Diapositives (4)" in text
    assert "Diapositive 5 « carte:inconnu » ignorée : indicateur « inconnu » inconnu." in text
    slides = find(layout, lambda c: "slide " in f"{getattr(c, 'className', '')} ")
    assert [c.id for c in slides] == ["diapo-1", "diapo-2", "diapo-3", "diapo-4"]
    counters = find(layout, lambda c: getattr(c, "className", "") == "slide-counter")
    assert [c.children for c in counters] == ["1 / 4", "2 / 4", "3 / 4", "4 / 4"]
    for slide in slides:  # every slide carries its source line and vintage
        assert "Source" in text_of(slide) and "Millésime" in text_of(slide)
    pdf = find(layout, lambda c: getattr(c, "id", None) == "presentation-pdf")[0]
    assert pdf.href.startswith("/export/presentation.pdf?d=carte:taux_pauvrete|classement:10")


def test_the_print_view_has_only_the_slides(app):
    layout = render(app, d="classement:5|territoire:248000531", vue="impression")
    decks = find(layout, lambda c: getattr(c, "className", "") == "deck deck-print")
    assert len(decks) == 1
    assert "Ajouter une diapositive" not in text_of(layout)
    assert not find(layout, lambda c: getattr(c, "id", None) == "presentation-titre")


def test_an_empty_deck_offers_a_starting_deck(app, choices):
    layout = render(app)
    links = find(layout, lambda c: "Commencer avec une présentation type" in str(getattr(c, "children", "")))
    links = [link for link in links if getattr(link, "href", None)]
    slides, notices = parsing.parse_deck(parse_qs(urlsplit(links[0].href).query)["d"][0], choices)
    assert notices == [] and len(slides) == 5


def test_a_slide_that_cannot_be_built_does_not_break_the_page(app, monkeypatch):
    build = slide_content.build_slide

    def failing(store, spec):
        if spec.kind == "territoire":
            raise KeyError("epci_code")
        return build(store, spec)

    monkeypatch.setattr(slide_content, "build_slide", failing)
    text = text_of(render(app, d=f"classement:5|territoire:{AMIENS}"))
    assert "Où manque-t-il le plus de places ? Les 5 premiers EPCI" in text
    assert "Diapositive indisponible" in text and "2 / 2" in text
