"""Map explorer functions without a browser: classification, palettes, legend, figure, table, panel,
GeoJSON route and callbacks — on hand-made values, a one-EPCI store and the real build."""

from __future__ import annotations

import dataclasses
import gzip
import itertools
import json
import warnings
from datetime import UTC, datetime
from pathlib import Path

import dash
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from plotly.utils import PlotlyJSONEncoder
from shapely.geometry import box

from dashboard.core import catalogue, formatting
from dashboard.core.levels import LEVEL_COMMUNE, LEVEL_DEPARTEMENT, LEVEL_EPCI
from dashboard.core.store import Store, display_geometries, indicator_rows, load_store
from dashboard.map.classification import SCHEME_EQUAL, SCHEME_JENKS, SCHEME_QUANTILES, SCHEMES, classify, natural_breaks
from dashboard.map.figure import map_figure
from dashboard.map.legend import class_labels, format_bound
from dashboard.map.need_index import map_view_for
from dashboard.map.palette import (
    DIVERGING_COOL,
    DIVERGING_NEUTRAL,
    DIVERGING_ORANGE,
    DIVERGING_PURPLE,
    DIVERGING_WARM,
    MISSING_COLOUR,
    PALETTES,
    REFERENCE_REGION,
    SEQUENTIAL,
    VIRIDIS,
    diverging_colours,
    sequential_colours,
)
from dashboard.map.panel import territory_options, territory_summary
from dashboard.map.table import DEFAULT_SORT, SORT_NAME, table_data, table_props, table_view
from dashboard.map.view import map_view
from dashboard.needs.views import incomplete_note
from dashboard.ui.plain_rows import ROWS_ATTRIBUTE

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import mapclassify

NNBSP = "\u202f"


# --- Stores ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(built_data_dir: Path) -> Store:
    """The real build of the open-data mirror (92 EPCI, 3,782 communes of the région)."""
    return load_store(built_data_dir)


ONE_EPCI_CATALOGUE = {
    "datasets": [],
    "indicators": [
        {
            "id": "taux_test",
            "label": "Taux de test",
            "unit": "%",
            "method": "approximation",
            "approximation": True,
            "method_label": "Moyenne pondérée de test.",
            "direction": 1,
            "theme": "logement",
            "available": True,
        }
    ],
    "themes": {"logement": "Logement"},
    "residence_types": {"labels": {"fjt": "Foyer de jeunes travailleurs"}, "residence_sociale": ["fjt"]},
}


def one_epci_territories() -> gpd.GeoDataFrame:
    """One EPCI, its two communes, their département and région."""
    return gpd.GeoDataFrame(
        {
            "level": ["epci", "commune", "commune", "departement", "region"],
            "code": ["200000001", "80001", "80002", "80", "32"],
            "name": ["CC Unique", "Amont", "Aval", "Somme", "Hauts-de-France"],
            "kind": ["CC", None, None, None, None],
            "departement_code": ["80", "80", "80", "80", None],
            "epci_code": [None, "200000001", "200000001", None, None],
            "in_region": [True, True, True, True, True],
            "population": [300, 100, 200, 300, 300],
        },
        geometry=[box(2, 49, 3, 50), box(2, 49, 2.5, 50), box(2.5, 49, 3, 50), box(2, 49, 3, 50), box(2, 49, 3, 50)],
        crs="EPSG:4326",
    )


def one_epci_indicators(values: dict[str, float | None], coverage: float) -> pd.DataFrame:
    """`taux_test` per commune, and their mean for the EPCI and the région."""
    rows = [("commune", code, value) for code, value in values.items()]
    known = [value for value in values.values() if value is not None]
    rows.append(("epci", "200000001", sum(known) / len(known) if known else None))
    rows.append(("region", "32", sum(known) / len(known) if known else None))
    return pd.DataFrame(
        {
            "level": [level for level, _, _ in rows],
            "code": [code for _, code, _ in rows],
            "indicator": "taux_test",
            "value": [np.nan if value is None else value for _, _, value in rows],
            "source": "Éditeur de test, fichier de test",
            "vintage": "2024",
            "coverage": coverage,
        }
    )


def one_epci_store(values: dict[str, float | None], coverage: float = 1.0) -> Store:
    """A store with one EPCI, its two communes and one département; `values` per commune code."""
    territories = one_epci_territories()
    indicators = one_epci_indicators(values, coverage)
    residences = gpd.GeoDataFrame(
        {
            "finess": ["800000001"],
            "name": ["FJT de test"],
            "type": ["fjt"],
            "family": ["residence_sociale"],
            "commune_name": ["Amont"],
            "source": ["FINESS de test"],
        },
        geometry=gpd.points_from_xy([2.2], [49.5]),
        crs="EPSG:4326",
    )
    return Store(
        territories=territories,
        indicators=indicators,
        residences=residences,
        coverage={},
        catalogue=ONE_EPCI_CATALOGUE,
        built_at=datetime(2026, 1, 1, tzinfo=UTC),
        display=display_geometries(territories),
        indicator_rows=indicator_rows(indicators),
    )


URLS = {level: f"/carte/geometrie/{level}.json" for level in ("commune", "epci", "departement", "region")}


# --- Formatting ---------------------------------------------------------------------------------------


def test_french_number_format():
    assert formatting.format_number(12345.678, 1) == f"12{NNBSP}345,7"
    assert formatting.format_number(-0.01, 1) == "0,0"
    assert formatting.format_value(12.34, {"unit": "%"}) == f"12,3{NNBSP}%"
    assert formatting.format_value(22822, {"unit": "€ par an"}) == f"22{NNBSP}822 € par an"
    assert formatting.format_value(float("nan"), {"unit": "%"}) == "donnée non disponible"
    assert formatting.format_value(1, {"unit": "établissements"}) == "1 établissement"
    assert (
        formatting.format_value(0.55, {"unit": "établissements pour 10 000 hab."})
        == "0,55 établissement pour 10 000 hab."
    )
    assert formatting.format_value(3, {"unit": "établissements"}) == "3 établissements"
    assert format_bound(0.0, 2) == "0" and format_bound(19.0, 1) == "19,0"
    assert formatting.ordinal(1) == "1er"
    assert formatting.ordinal(1234) == f"1{NNBSP}234e"


# --- Classification -------------------------------------------------------------------------------------


def test_quantiles_bounds_and_counts():
    classes = classify(range(1, 11), SCHEME_QUANTILES, 5)
    assert classes.bounds == pytest.approx((2.8, 4.6, 6.4, 8.2, 10))  # mapclassify's interpolated quantiles
    assert classes.bounds == pytest.approx(tuple(mapclassify.Quantiles(np.arange(1, 11), k=5).bins))
    assert classes.counts == (2, 2, 2, 2, 2)
    assert classes.minimum == 1
    assert classes.index.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_equal_intervals_bounds_are_evenly_spaced():
    classes = classify([0, 1, 2, 3, 4, 10], SCHEME_EQUAL, 5)
    assert classes.bounds == pytest.approx((2, 4, 6, 8, 10))
    assert classes.counts == (3, 2, 0, 0, 1)  # an empty class stays, with 0


def test_missing_values_are_outside_every_class():
    classes = classify([1, float("nan"), 3, 4, None if False else float("nan"), 6, 7], SCHEME_QUANTILES, 3)
    assert classes.missing == 2
    assert classes.index[1] == -1 and classes.index[4] == -1
    assert sum(classes.counts) == 5


def test_all_missing_gives_no_class():
    classes = classify([float("nan")] * 4)
    assert classes.bounds == () and classes.counts == () and classes.missing == 4
    assert classes.index.tolist() == [-1] * 4


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_all_equal_values_make_one_class(scheme):
    classes = classify([4.2] * 6, scheme, 5)
    assert classes.bounds == (4.2,) and classes.counts == (6,) and classes.distinct
    assert class_labels(classes, 1) == ["4,2"]


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_one_territory_makes_one_class(scheme):
    classes = classify([12.5], scheme, 7)
    assert classes.k == 1 and classes.counts == (1,)


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_fewer_distinct_values_than_classes_gives_one_class_per_value(scheme):
    classes = classify([0, 0, 0, 1, 1, 2], scheme, 5)
    assert classes.bounds == (0, 1, 2)
    assert classes.counts == (3, 2, 1)
    assert classes.distinct
    assert class_labels(classes, 0) == ["0", "1", "2"]


def test_tied_quantiles_are_merged():
    classes = classify([0] * 50 + [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], SCHEME_QUANTILES, 5)
    assert len(set(classes.bounds)) == len(classes.bounds) < 5
    assert sum(classes.counts) == 60


@pytest.mark.parametrize("k", [3, 5, 7])
def test_natural_breaks_match_mapclassify_fisher_jenks(k):
    rng = np.random.default_rng(k)
    values = np.sort(rng.lognormal(size=120))
    with warnings.catch_warnings():  # mapclassify without numba says it is slow
        warnings.simplefilter("ignore")
        expected = list(mapclassify.FisherJenks(values, k=k).bins)
    assert natural_breaks(values, k) == pytest.approx(expected)


def test_natural_breaks_on_many_values_are_sampled_but_deterministic():
    values = np.random.default_rng(0).normal(size=5000)
    first = classify(values, SCHEME_JENKS, 5)
    second = classify(values, SCHEME_JENKS, 5)
    assert first.sampled and first.bounds == second.bounds
    assert first.bounds[-1] == values.max()
    assert sum(first.counts) == 5000


def test_class_labels_of_whole_numbers_have_no_decimals():
    classes = classify([0, 5, 10, 15, 20, 25, 30, 35, 40], SCHEME_EQUAL, 4)
    assert class_labels(classes, 1) == ["de 0 à 10", "plus de 10 à 20", "plus de 20 à 30", "plus de 30 à 40"]


def test_class_labels_show_bounds_with_enough_decimals():
    classes = classify([1.0, 1.02, 1.04, 2.5, 3.75, 4], SCHEME_QUANTILES, 3)
    # One decimal would write 1,0 for both the minimum and the first bound (1,03): two are used.
    assert class_labels(classes, 1) == ["de 1,00 à 1,03", "plus de 1,03 à 2,92", "plus de 2,92 à 4,00"]


# --- Palettes -------------------------------------------------------------------------------------------


def test_sequential_palette_has_one_colour_per_class():
    for k in range(1, 8):
        assert len(sequential_colours(k)) == k
    assert MISSING_COLOUR not in {colour for k in range(1, 8) for colour in sequential_colours(k)}


def test_diverging_palette_is_centred_on_the_reference():
    classes = classify([-3, -2, -1, 1, 2, 3], SCHEME_EQUAL, 3)  # (-3..-1], (-1..1], (1..3]
    neutral = diverging_colours(classes, 0.0, 0)
    assert neutral[1] == DIVERGING_NEUTRAL  # the class holding 0
    assert neutral[0] in DIVERGING_WARM[1] and neutral[2] in DIVERGING_COOL[1]
    need_above = diverging_colours(classes, 0.0, 1)
    assert need_above[2] in DIVERGING_WARM[1] and need_above[0] in DIVERGING_COOL[1]


def luminance(colour: str) -> float:
    """Relative luminance (WCAG) of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("palette", list(PALETTES))
def test_every_palette_darkens_class_by_class(palette):
    """Light to dark, so that classes read in order in grey and for every colour vision, not by hue alone."""
    for k in range(2, 8):
        ramp = sequential_colours(k, palette)
        assert len(ramp) == k and MISSING_COLOUR not in ramp
        assert all(luminance(a) > luminance(b) for a, b in itertools.pairwise(ramp)), (palette, k, ramp)
        for side in (PALETTES[palette].warm[k], PALETTES[palette].cool[k]):
            assert len(side) == k
            assert all(luminance(a) > luminance(b) for a, b in itertools.pairwise(side)), (palette, k, side)


def test_a_palette_colours_the_map_its_legend_and_its_table(store):
    blues = map_view(store, "part_minima_sociaux_2019", "epci")
    viridis = map_view(store, "part_minima_sociaux_2019", "epci", palette="viridis")
    assert blues.colours == tuple(SEQUENTIAL[5]) and viridis.colours == tuple(VIRIDIS[5])
    assert [entry.colour for entry in viridis.legend.entries if not entry.missing] == VIRIDIS[5]
    assert table_props(viridis, DEFAULT_SORT, 0, "")["data"]["classes"][0][1] == VIRIDIS[5][0]
    region = map_view(store, "part_minima_sociaux_2019", "epci", reference=REFERENCE_REGION, palette="cividis")
    assert set(region.colours) <= {DIVERGING_NEUTRAL, *DIVERGING_ORANGE[5], *DIVERGING_PURPLE[5]}
    assert "orange au-dessus (besoin plus marqué), violet en dessous" in " ".join(region.legend.notes)


def test_diverging_palette_darkens_away_from_the_reference():
    classes = classify(range(1, 11), SCHEME_QUANTILES, 5)
    above_is_need = diverging_colours(classes, 0.5, 1)  # everything above the reference
    assert above_is_need == DIVERGING_WARM[5]
    assert diverging_colours(classes, 0.5, -1) == DIVERGING_COOL[5]


# --- One-EPCI store: values, legend, figure ------------------------------------------------------------


def test_one_epci_store_maps_its_single_value():
    store = one_epci_store({"80001": 10.0, "80002": 20.0})
    view = map_view(store, "taux_test", LEVEL_EPCI, SCHEME_JENKS, 5)
    assert view.classification.k == 1
    assert [entry.count for entry in view.legend.entries] == [1]
    assert view.trace_values["z"].tolist() == [1]
    assert view.values.ranks.tolist() == [1]
    assert "1 valeur distincte seulement : une classe par valeur." in view.legend.notes


def test_missing_value_is_grey_never_a_class_colour():
    store = one_epci_store({"80001": 10.0, "80002": None}, coverage=0.5)
    view = map_view(store, "taux_test", LEVEL_COMMUNE)
    trace = view.trace_values
    assert trace["z"].tolist() == [1, 0]
    assert trace["colorscale"][0][1] == MISSING_COLOUR == trace["colorscale"][1][1]
    assert MISSING_COLOUR not in view.colours
    assert list(trace["customdata"][1][:2]) == ["donnée non disponible", "–"]
    missing = view.legend.entries[-1]
    assert missing.missing and missing.label == "donnée non disponible" and missing.count == 1


def test_coverage_and_approximation_are_labelled():
    store = one_epci_store({"80001": 10.0, "80002": 20.0}, coverage=0.7)
    epci = map_view(store, "taux_test", LEVEL_EPCI)
    notes = " ".join(epci.legend.notes)
    assert "Ces valeurs sont des approximations. Moyenne pondérée de test." in notes
    assert f"70{NNBSP}% de la population de la région" in notes
    assert "(approximation)" in epci.trace_values["hovertemplate"]
    assert epci.trace_values["customdata"][0][2] == f"<br>couvre 70{NNBSP}% de la population"
    commune = map_view(store, "taux_test", LEVEL_COMMUNE)
    assert "(approximation)" not in commune.trace_values["hovertemplate"]  # published at commune level


def test_hover_carries_the_source_line_and_unit():
    store = one_epci_store({"80001": 10.0, "80002": 20.0})
    template = map_view(store, "taux_test", LEVEL_COMMUNE).trace_values["hovertemplate"]
    assert "Source : Éditeur de test, fichier de test (2024)" in template
    assert "Taux de test (%) : <b>%{customdata[0]}</b>" in template


def test_the_figure_carries_no_polygon():
    store = one_epci_store({"80001": 10.0, "80002": 20.0})
    view = map_view(store, "taux_test", LEVEL_COMMUNE)
    figure = map_figure(store, LEVEL_COMMUNE, URLS, view.trace_values, ["fjt"], "80002")
    data = figure.to_plotly_json()["data"]
    assert [trace["type"] for trace in data] == ["choropleth", "choropleth", "choropleth", "scattergeo", "scattergeo"]
    assert data[-1]["name"] == "villes" and data[-1]["hoverinfo"] == "skip"  # town names, last
    assert data[0]["geojson"] == "/carte/geometrie/commune.json"
    assert data[1]["geojson"] == "/carte/geometrie/departement.json"
    assert list(data[0]["locations"]) == ["80001", "80002"]
    assert list(data[2]["locations"]) == ["80002"]
    assert data[3]["visible"] is True
    assert "coordinates" not in figure.to_json()
    assert figure.layout.geo.visible is False


def test_an_indicator_absent_at_a_level_says_where_it_exists():
    store = one_epci_store({"80001": 10.0, "80002": 20.0})
    view = map_view(store, "taux_test", LEVEL_DEPARTEMENT)
    assert view.values is None and view.legend is None
    assert view.suggested_level == LEVEL_EPCI
    assert "n'est pas calculé par département" in view.unavailable_message
    assert "Il existe par EPCI ou par commune" in view.unavailable_message
    assert set(view.trace_values["z"]) == {0}


# --- Real build -------------------------------------------------------------------------------------------


def test_display_geometry_of_the_real_build(store: Store):
    assert len(store.display[LEVEL_EPCI].codes) == 92
    assert len(store.display[LEVEL_COMMUNE].codes) == 3782
    assert len(store.display[LEVEL_DEPARTEMENT].codes) == 5
    geojson = json.loads(gzip.decompress(store.display[LEVEL_EPCI].geojson_gzip))
    assert [feature["id"] for feature in geojson["features"]] == store.display[LEVEL_EPCI].codes
    assert {feature["geometry"]["type"] for feature in geojson["features"]} <= {"Polygon", "MultiPolygon"}


def test_real_epci_view_has_92_territories_and_a_source(store: Store):
    view = map_view(store, "residence_sociale_pour_10000", LEVEL_EPCI, SCHEME_QUANTILES, 5)
    assert len(view.trace_values["z"]) == 92
    legend_total = sum(entry.count for entry in view.legend.entries)
    assert legend_total == 92
    assert view.legend.source.startswith("Sources : FINESS (DREES)")
    assert view.legend.source.endswith(")")


def test_real_poverty_rate_has_missing_epci_and_partial_coverage(store: Store):
    view = map_view(store, "taux_pauvrete", LEVEL_EPCI)
    assert view.classification.missing == int(np.isnan(view.values.values).sum()) > 0
    assert view.legend.entries[-1].missing
    notes = " ".join(view.legend.notes)
    assert "approximations" in notes and "Couverture" in notes


def test_lovac_is_departement_only(store: Store):
    view = map_view(store, "vacance_privee", LEVEL_EPCI)
    assert view.suggested_level == LEVEL_DEPARTEMENT
    assert "par département" in view.unavailable_message
    assert map_view(store, "vacance_privee", LEVEL_DEPARTEMENT).classification.k == 5


def test_diverging_reference_uses_the_regional_value(store: Store):
    view = map_view(store, "taux_chomage", LEVEL_EPCI, reference=REFERENCE_REGION)
    assert DIVERGING_NEUTRAL in view.colours or any(c in view.colours for c in DIVERGING_WARM[3])
    assert any("valeur régionale" in note for note in view.legend.notes)
    counts = map_view(store, "population", LEVEL_EPCI, reference=REFERENCE_REGION)
    assert counts.colours == tuple(sequential_colours(counts.classification.k))  # no reference for counts
    assert "sans objet pour un effectif" in " ".join(counts.legend.notes)


def test_table_sorting_filtering_and_pages(store: Store):
    view = map_view(store, "taux_pauvrete", LEVEL_EPCI)
    by_rank = table_view(view.values, view.classification, view.colours)
    assert by_rank.total == by_rank.matching == 92 and by_rank.pages == 1
    assert by_rank.rows[0].rank == "1er"
    assert by_rank.rows[-1].value == "donnée non disponible"  # missing values last
    by_name = table_view(view.values, view.classification, view.colours, SORT_NAME, True)
    names = [row.name for row in by_name.rows]
    assert names == sorted(names, key=catalogue.normalise, reverse=True)
    found = table_view(view.values, view.classification, view.colours, search="creil")
    assert [row.name for row in found.rows] == ["CA Creil Sud Oise"]
    communes = map_view(store, "population", LEVEL_COMMUNE)
    page = table_view(communes.values, communes.classification, communes.colours, page=2, page_size=100)
    assert page.pages == 38 and page.page == 2 and len(page.rows) == 100
    data = table_data(page, communes.classification, communes.colours, 0)
    assert len(data["rows"]) == 100 and len(data["classes"]) == communes.classification.k


def test_territory_panel_links_to_the_epci_page(store: Store):
    summary = territory_summary(store, LEVEL_EPCI, "200033579", "taux_pauvrete")
    assert summary.name == "CU d'Arras" and summary.kind == "Communauté urbaine"
    assert summary.fiche_code == "200033579"
    assert summary.figures[0].label == "Taux de pauvreté"
    assert all(figure.source.startswith(("Source : ", "Sources : ")) for figure in summary.figures)
    commune = territory_summary(store, LEVEL_COMMUNE, "62041", None)
    assert commune.name == "Arras" and commune.fiche_code == "200033579"
    assert territory_summary(store, LEVEL_EPCI, "000000000", None) is None


def test_territory_options_are_searched_without_accents(store: Store):
    options = territory_options(store, LEVEL_COMMUNE, "abbecourt", None)
    assert options[0]["label"] == "Abbécourt (02001)"
    selected = territory_options(store, LEVEL_EPCI, "zzz", "200033579")
    assert selected == [{"label": "CU d'Arras (200033579)", "value": "200033579"}]


# --- App: GeoJSON route, page, callbacks -------------------------------------------------------------------


def test_geojson_route_serves_gzip_and_caches_forever(app: dash.Dash):
    store = app.server.config["STORE"]
    token = store.display["epci"].token
    client = app.server.test_client()
    response = client.get(f"/carte/geometrie/epci-{token}.json", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
    assert len(json.loads(gzip.decompress(response.data))["features"]) == 92
    assert client.get("/carte/geometrie/epci-000000000000.json").status_code == 404
    assert client.get(f"/carte/geometrie/lune-{token}.json").status_code == 404


def page_text(component) -> str:
    """The text of a component tree, rows written by the browser from data included (dashboard.ui.plain_rows)."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(page_text(child) for child in component)
    if isinstance(component, dict):  # a plain element of a table body's data-rows
        return page_text(component.get("c"))
    rows = getattr(component, ROWS_ATTRIBUTE, None)
    return page_text(json.loads(rows) if rows else getattr(component, "children", None))


def test_home_layout_reads_the_query_and_reports_bad_parameters(app: dash.Dash):
    with app.server.test_request_context("/"):
        layout = dash.page_registry["dashboard.pages.home"]["layout"](indicateur="inconnu", classes="12")
    text = page_text(layout)
    assert "Indicateur « inconnu » inconnu : l'indicateur par défaut est affiché." in text
    assert "Nombre de classes « 12 » invalide" in text
    assert "Indice de besoin (estimation) par EPCI" in text


def test_territory_page_shows_the_epci_and_its_indicators(app: dash.Dash):
    with app.server.test_request_context("/"):
        text = page_text(dash.page_registry["dashboard.pages.territoire"]["layout"](code_siren="200033579"))
        missing = page_text(dash.page_registry["dashboard.pages.territoire"]["layout"](code_siren="123"))
    assert "CU d'Arras" in text and "Taux de pauvreté" in text and "Source : Insee, Filosofi 2021" in text
    assert "Territoire introuvable" in missing


def test_indicator_change_sends_a_patch_without_geometry(app: dash.Dash):
    from dashboard.map import callbacks as callbacks_map

    view = {"indicator": "taux_pauvrete", "scheme": "quantiles", "classes": 5, "reference": "auto"}
    layers = {"residence": ["fjt"], "hebergement": [], "drawn_level": "epci"}
    with app.server.test_request_context("/"):
        outputs = callbacks_map.update_map({**view, "level": "epci"}, **layers)
        new_level = callbacks_map.update_map({**view, "level": "commune"}, **layers)
    patch = outputs["figure"]
    assert isinstance(patch, dash.Patch)
    operations = patch.to_plotly_json()["operations"]
    assert {tuple(operation["location"][:3]) for operation in operations} == {
        ("data", 0, key) for key in ("z", "zmin", "zmax", "colorscale", "customdata", "hovertemplate")
    }
    assert "geojson" not in json.dumps(operations, cls=PlotlyJSONEncoder)
    figure = new_level["figure"]
    assert not isinstance(figure, dash.Patch)
    assert figure.data[0].geojson.startswith("/carte/geometrie/commune-")
    assert len(figure.data[0].z) == 3782


def test_the_need_index_legend_names_the_epcis_computed_without_all_their_indicators(store: Store):
    """The index of an EPCI lacking some indicators is made from partial data: the legend (map, slides, images)
    says how many such EPCIs there are; with every indicator known, it says nothing."""
    from dashboard.map.state import MapState
    from dashboard.needs import analysis as needs_store
    from dashboard.needs import model as needs
    from dashboard.needs import state as needs_state

    default = " ".join(map_view_for(store, MapState(indicator=needs_store.SCORE_INDICATOR)).legend.notes)
    assert "92 EPCI sur 92 renseignés" in default and "sans une partie de ses indicateurs" not in default
    # The poverty rate is published for too few communes in most EPCIs: weighted, it is left out of their index.
    weights = tuple((key, 1.0 if key == "taux_pauvrete" else value) for key, value in needs.default_weights())
    poverty = dataclasses.replace(needs_state.default_state(), weights=weights)
    view = map_view_for(store, MapState(indicator=needs_store.SCORE_INDICATOR, score=poverty))
    notes = " ".join(view.legend.notes)
    assert "Pour 77 EPCI, l'indice est calculé sans une partie de ses indicateurs" in notes
    assert "92 EPCI sur 92 renseignés" in notes
    assert incomplete_note(0) == ""
