"""Technical terms of the controls and tables come with a plain-French line (issue 18, first impression)."""

from __future__ import annotations

import dash

from dashboard.core.formatting import typo
from dashboard.map import ids as map_ids
from dashboard.map.classification import SCHEMES, SCHEMES_PLAIN
from dashboard.needs import model as needs
from dashboard.ranking import ids as ranking_ids
from dashboard.ranking.view import COLUMNS, columns_meaning
from tests.dashboard.map.test_maps import page_text


def find(component, component_id: str):
    """The component of a layout with this id (None when absent)."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def option_texts(radio) -> dict[str, str]:
    return {option["value"]: page_text(option["label"]) for option in radio.options}


def test_every_map_classification_is_explained_under_its_name(app: dash.Dash):
    with app.server.test_request_context("/"):
        layout = dash.page_registry["dashboard.pages.home"]["layout"]()
    options = option_texts(find(layout, map_ids.MAP_SCHEME))
    assert set(options) == set(SCHEMES)
    for key, text in options.items():
        assert text.startswith(SCHEMES[key]) and typo(SCHEMES_PLAIN[key]) in text


def test_every_normalisation_and_ranking_column_is_explained(app: dash.Dash):
    with app.server.test_request_context("/classement"):
        layout = dash.page_registry["dashboard.pages.classement"]["layout"]()
    options = option_texts(find(layout, ranking_ids.RANK_NORMALISATION))
    assert set(options) == set(needs.NORMALISATIONS)
    assert all(typo(needs.NORMALISATIONS_PLAIN[key]) in text for key, text in options.items())
    reading = page_text(find(layout, ranking_ids.RANK_GLOSSARY))
    explained = [column for column in COLUMNS if column.meaning]
    assert len(columns_meaning()) == len(explained) == len(COLUMNS) - 1  # every column but the EPCI's name
    for header, meaning in columns_meaning():
        assert f"{typo(header)} {typo(meaning)}" in reading
    assert "Écart au taux de référence (places, et fourchette)" in reading
