"""Image and PDF exports without a browser: the export figures (title, legend, source, date baked in), the
routes' validation and their French 503 page when the rendering engine is missing. Real renders are in
tests/browser/test_presentation.py."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import dash
import pytest

from dashboard import deck, exports_media
from dashboard.app import create_app
from dashboard.settings import Settings
from dashboard.store import Store, load_store

EXPORTED = datetime(2026, 3, 20, 10, 0)
AMIENS, LILLE = "248000531", "200093201"


@pytest.fixture(scope="module")
def store(built_data_dir: Path) -> Store:
    return load_store(built_data_dir)


@pytest.fixture(scope="module")
def app(built_data_dir: Path) -> dash.Dash:
    return create_app(Settings(data_dir=built_data_dir))


def slide(store: Store, token: str) -> deck.Slide:
    spec, _ = deck.parse_slide(token, deck.choices_from_store(store))
    return deck.build_slide(store, spec)


# --- Export figures ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", list(exports_media.SIZES))
def test_a_map_image_carries_title_legend_source_and_dates(store, size):
    content = slide(store, "carte:taux_pauvrete")
    figure = exports_media.export_figure(store, content, exports_media.SIZES[size], EXPORTED)
    layout = figure.layout
    assert (layout.width, layout.height) == (exports_media.SIZES[size].width, exports_media.SIZES[size].height)
    texts = exports_media.figure_texts(figure)
    assert "Taux de pauvreté par EPCI" in texts
    assert "Source : Insee, Filosofi 2021" in texts
    assert "Millésime : Filosofi 2021" in texts
    assert f"Données construites le {store.built_at:%d/%m/%Y}" in texts
    assert "Image produite le 20/03/2026" in texts
    for entry in content.view.legend.entries:  # every class of the legend, with its count
        assert entry.label in texts
    swatches = [shape for shape in layout.shapes if shape.type == "rect"]
    assert [shape.fillcolor for shape in swatches] == [entry.colour for entry in content.view.legend.entries]
    # The polygons are inside the figure (rendered with no network), not a URL of the app.
    assert isinstance(figure.data[0].geojson, dict) and figure.data[0].geojson["features"]
    assert len(figure.data) == 3  # territories, département borders, selection: no establishment layer


def test_a_ranking_image_has_one_bar_per_territory_with_rank_interval(store):
    content = slide(store, "classement:7")
    figure = exports_media.export_figure(store, content, exports_media.SIZES["projecteur"], EXPORTED)
    bars = figure.data[0]
    assert list(bars.x) == [max(row.shortfall, 0.0) for row in content.ranking]
    assert bars.y[0].startswith("1er  ") and len(bars.y) == 7
    assert all("rang" in text and "places" in text for text in bars.text)
    texts = exports_media.figure_texts(figure)
    assert "Les 7 premiers EPCI" in texts and "Sources : " in texts


def test_a_comparison_image_has_one_panel_per_indicator_and_the_region_line(store):
    content = slide(store, f"comparaison:{LILLE},{AMIENS}:taux_pauvrete,taux_chomage")
    figure = exports_media.export_figure(store, content, exports_media.SIZES["impression"], EXPORTED)
    assert len(figure.data) == 2 and figure.layout.xaxis2.domain[0] > figure.layout.xaxis.domain[1]
    lines = [shape for shape in figure.layout.shapes if shape.line.dash == "dash"]
    assert [line.x0 for line in lines] == [row.region_value for row in content.comparison]
    assert "Hauts-de-France : 21,6" in exports_media.figure_texts(figure)


def test_a_territory_slide_has_no_image(store):
    with pytest.raises(ValueError):
        exports_media.export_figure(
            store, slide(store, f"territoire:{AMIENS}"), exports_media.SIZES["projecteur"], EXPORTED
        )


def test_print_size_is_a4_landscape_at_300_dpi():
    assert exports_media.SIZES["impression"].pixels == (3508, 2480)
    assert exports_media.SIZES["projecteur"].pixels == (1920, 1080)


def test_file_names_and_wrapping():
    assert exports_media.slug("Taux de pauvreté par EPCI") == "taux-de-pauvrete-par-epci"
    assert exports_media.slug("« ! »") == "export"
    lines = exports_media.wrap("mot " * 100, 400, 20)
    assert len(lines) > 1 and all(len(line) <= 400 / (20 * 0.53) for line in lines)


# --- Routes ------------------------------------------------------------------------------------------------------


def unavailable(app: dash.Dash) -> None:
    app.server.config[exports_media.CONFIG_ENGINE] = exports_media.Engine(chromium="/nonexistent/chromium")


@pytest.mark.parametrize(
    "url",
    [
        "/export/diapositive.png?diapo=carte:taux_pauvrete",
        "/export/diapositive.svg?diapo=classement:10&taille=impression",
        f"/export/presentation.pdf?d=classement:10|territoire:{AMIENS}",
        f"/export/territoire/{AMIENS}.pdf",
    ],
)
def test_without_chromium_every_export_is_a_french_503_page(app, url):
    unavailable(app)
    response = app.server.test_client().get(url)
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "30"
    body = response.get_data(as_text=True)
    assert "Export indisponible" in body and "/nonexistent/chromium" in body and 'lang="fr"' in body


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/export/diapositive.png?diapo=carte:inconnu", 400, "indicateur « inconnu » inconnu"),
        ("/export/diapositive.png?diapo=carte:taux_pauvrete&taille=geante", 400, "Taille « geante » inconnue"),
        (f"/export/diapositive.png?diapo=territoire:{AMIENS}", 400, "s'exporte en PDF"),
        ("/export/diapositive.gif?diapo=classement:10", 404, "Format « gif » inconnu"),
        ("/export/presentation.pdf?d=carte:inconnu", 400, "Aucune diapositive valide"),
        ("/export/presentation.pdf", 400, "Présentation vide"),
        ("/export/territoire/123456789.pdf", 404, "SIREN « 123456789 »"),
    ],
)
def test_bad_export_requests_get_a_french_page(app, url, status, message):
    response = app.server.test_client().get(url)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_a_busy_server_answers_503(app, monkeypatch):
    monkeypatch.setattr(exports_media, "QUEUE_WAIT_S", 0.01)
    slots = threading.BoundedSemaphore(1)
    slots.acquire()
    monkeypatch.setitem(app.server.extensions, exports_media.EXTENSION_KEY, slots)
    response = app.server.test_client().get("/export/diapositive.png?diapo=classement:10")
    assert response.status_code == 503 and "Serveur occupé" in response.get_data(as_text=True)


def test_the_engine_reports_why_it_cannot_run():
    assert "introuvable" in exports_media.Engine(chromium="/nonexistent").available()
    with pytest.raises(exports_media.ExportUnavailable), exports_media.Engine(chromium="/nonexistent").browser():
        pass


def test_links_of_the_editor_and_of_the_territory_page():
    spec = deck.SlideSpec("carte", indicator="taux_pauvrete")
    assert exports_media.image_href(spec, "svg", "impression") == (
        "/export/diapositive.svg?diapo=carte:taux_pauvrete&taille=impression"
    )
    actions = exports_media.fiche_actions(AMIENS)
    add, pdf = actions.children
    assert add.href == f"/presentation?ajouter=territoire:{AMIENS}" and getattr(add, "data-deck-add") == "territoire"
    assert pdf.href == f"/export/territoire/{AMIENS}.pdf"


@pytest.mark.skipif(exports_media.Engine().available() is not None, reason="Chromium or Playwright missing")
def test_a_render_over_the_time_limit_is_stopped_with_a_french_503(app):
    app.server.config[exports_media.CONFIG_ENGINE] = exports_media.Engine(timeout_s=0.001)
    response = app.server.test_client().get("/export/diapositive.svg?diapo=classement:5")
    assert response.status_code == 503
    assert "Export trop long" in response.get_data(as_text=True)


@pytest.mark.skipif(exports_media.Engine().available() is not None, reason="Chromium or Playwright missing")
def test_a_pdf_export_says_when_the_app_is_not_reachable_on_loopback(app):
    app.server.config[exports_media.CONFIG_ENGINE] = exports_media.Engine(base_url="http://127.0.0.1:9")
    response = app.server.test_client().get(f"/export/territoire/{AMIENS}.pdf")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "ne répond pas" in body and "http://127.0.0.1:9" in body
    assert "EXPORT_BASE_URL" in body
