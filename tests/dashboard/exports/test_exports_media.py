"""Image and PDF exports without a browser: the export figures (title, legend, source, date baked in), the
routes' validation and their French 503 page when the rendering engine is missing. Real renders are in
tests/browser/test_presentation.py."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path

import dash
import pytest

from dashboard.core.store import Store, load_store
from dashboard.exports import engine as export_engine
from dashboard.exports import figures as export_figures
from dashboard.exports import frame as export_frame
from dashboard.exports import map_overlay
from dashboard.exports import media as exports_media
from dashboard.exports import pool as export_pool
from dashboard.map import state as map_state
from dashboard.map.figure import SELECTION_COLOUR, residence_traces
from dashboard.presentation import export_links
from dashboard.presentation import ids as presentation_ids
from dashboard.presentation.layout import export_links as export_links_of
from dashboard.presentation.links import map_actions
from dashboard.presentation.parsing import parse_slide
from dashboard.presentation.slides import Slide, build_slide
from dashboard.presentation.specs import SlideSpec, choices_from_store, map_spec
from dashboard.territory.map_figure import FICHE_MAP_HEIGHT, fiche_map_figure, legend_height
from dashboard.territory.page import fiche_actions

EXPORTED = datetime(2026, 3, 20, 10, 0)
AMIENS, LILLE = "248000531", "200093201"


@pytest.fixture(scope="module")
def store(built_data_dir: Path) -> Store:
    return load_store(built_data_dir)


def slide(store: Store, token: str) -> Slide:
    spec, _ = parse_slide(token, choices_from_store(store))
    return build_slide(store, spec)


# --- Export figures ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", list(export_figures.SIZES))
def test_a_map_image_carries_title_legend_source_and_dates(store, size):
    content = slide(store, "carte:taux_pauvrete")
    figure = export_figures.export_figure(store, content, export_figures.SIZES[size], EXPORTED)
    layout = figure.layout
    assert (layout.width, layout.height) == (export_figures.SIZES[size].width, export_figures.SIZES[size].height)
    texts = export_figures.figure_texts(figure)
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


def test_the_map_page_view_is_exported_with_its_layers_and_selected_territory(store):
    query = {"indicateur": "taux_pauvrete", "couches": "pension_de_famille,fjt", "territoire": AMIENS}
    state, _ = map_state.parse_state(query, map_state.choices_from_store(store))
    overlay = map_overlay.overlay_of(store, state)
    assert overlay == map_overlay.MapOverlay(("pension_de_famille", "fjt"), AMIENS, "CA Amiens Métropole")
    content = build_slide(store, map_spec(state))
    figure = export_figure_of(store, content, overlay)
    # The points of the two layers, as on the map page (symbols, colours), and the selection's outline.
    points = [trace for trace in figure.data if trace.type == "scattergeo"]
    on_screen = [trace for trace in residence_traces(store, state.layers) if trace.visible]
    assert (
        [trace.name for trace in points]
        == [trace.name for trace in on_screen]
        == ["Pension de famille", "Foyer de jeunes travailleurs"]
    )
    assert [trace.marker.symbol for trace in points] == [trace.marker.symbol for trace in on_screen]
    assert [trace.marker.color for trace in points] == [trace.marker.color for trace in on_screen]
    assert all(len(trace.lon) == len(screen.lon) > 5 for trace, screen in zip(points, on_screen, strict=True))
    assert list(figure.data[2].locations) == [AMIENS] and figure.data[2].marker.line.color == SELECTION_COLOUR
    # Legend: one line per layer with its symbol and count, the selected territory, the classes, source and date.
    symbols = [trace for trace in figure.data if trace.type == "scatter"]
    assert [trace.marker.symbol for trace in symbols] == [trace.marker.symbol for trace in on_screen]
    texts = export_figures.figure_texts(figure)
    assert f"Pension de famille  <span style='color:#3a3a3a'>({len(on_screen[0].lon)})</span>" in texts
    assert "Territoire sélectionné : <b>CA Amiens Métropole</b>" in texts
    assert "Source : Insee, Filosofi 2021" in texts and "Image produite le 20/03/2026" in texts
    for entry in content.view.legend.entries:
        assert entry.label in texts


def test_the_fiche_map_legend_has_room_of_its_own_below_the_map(store):
    figure = fiche_map_figure(store, AMIENS)
    layout, points = figure["layout"], figure["data"][1:]
    names = [trace["name"] for trace in points]
    assert "Autre centre d'accueil<br>(urgence, stabilisation)" in names  # long names wrapped, two columns
    assert layout["legend"]["entrywidth"] == 0.5 and layout["legend"]["entrywidthmode"] == "fraction"
    assert layout["margin"]["b"] == legend_height(names) >= 6 * 15  # every row, below the map
    assert layout["height"] == FICHE_MAP_HEIGHT + layout["margin"]["b"]
    assert layout["legend"]["maxheight"] >= layout["height"]  # never a scroll box


def test_source_lines_of_an_image_are_at_least_22_px_at_1920(store):
    figure = export_figure_of(store, slide(store, "classement:10"))
    footer = [note for note in figure.layout.annotations if note.text.startswith("Sources : ")]
    assert len(footer) == 1 and footer[0].font.size >= 22


def test_a_ranking_image_has_one_bar_per_territory_with_rank_interval(store):
    content = slide(store, "classement:7")
    figure = export_figures.export_figure(store, content, export_figures.SIZES["projecteur"], EXPORTED)
    bars = figure.data[0]
    assert list(bars.x) == [max(row.shortfall, 0.0) for row in content.ranking]
    assert bars.y[0].startswith("1er  ") and len(bars.y) == 7
    assert all("rang" in text and "places" in text for text in bars.text)
    texts = export_figures.figure_texts(figure)
    assert "Les 7 premiers EPCI" in texts and "Sources : " in texts


def test_a_comparison_image_has_one_panel_per_indicator_and_the_region_line(store):
    content = slide(store, f"comparaison:{LILLE},{AMIENS}:taux_pauvrete,taux_chomage")
    figure = export_figures.export_figure(store, content, export_figures.SIZES["impression"], EXPORTED)
    assert len(figure.data) == 2 and figure.layout.xaxis2.domain[0] > figure.layout.xaxis.domain[1]
    lines = [shape for shape in figure.layout.shapes if shape.line.dash == "dash"]
    assert [line.x0 for line in lines] == [row.region_value for row in content.comparison]
    assert "Hauts-de-France : 21,6" in export_figures.figure_texts(figure)


def export_figure_of(store: Store, content: Slide, overlay=None):
    return export_figures.export_figure(store, content, export_figures.SIZES["projecteur"], EXPORTED, overlay=overlay)


def test_a_territory_slide_has_no_figure(store):
    with pytest.raises(ValueError):
        export_figures.export_figure(
            store, slide(store, f"territoire:{AMIENS}"), export_figures.SIZES["projecteur"], EXPORTED
        )


def test_print_size_is_a4_landscape_at_300_dpi():
    assert export_figures.SIZES["impression"].pixels == (3508, 2480)
    assert export_figures.SIZES["projecteur"].pixels == (1920, 1080)


def test_file_names_and_wrapping():
    assert export_frame.slug("Taux de pauvreté par EPCI") == "taux-de-pauvrete-par-epci"
    assert export_frame.slug("« ! »") == "export"
    lines = export_frame.wrap("mot " * 100, 400, 20)
    assert len(lines) > 1 and all(len(line) <= 400 / (20 * 0.53) for line in lines)


# --- Routes ------------------------------------------------------------------------------------------------------


def unavailable(app: dash.Dash) -> None:
    app.server.config[export_engine.CONFIG_ENGINE] = export_engine.Engine(chromium="/nonexistent/chromium")


@pytest.mark.parametrize(
    "url",
    [
        "/export/diapositive.png?diapo=carte:taux_pauvrete",
        "/export/diapositive.svg?diapo=classement:10&taille=impression",
        f"/export/presentation.pdf?d=classement:10|territoire:{AMIENS}",
        f"/export/territoire/{AMIENS}.pdf",
        f"/export/diapositive.png?diapo=territoire:{AMIENS}",
        "/export/carte.pdf?indicateur=taux_pauvrete&couches=fjt",
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
        (f"/export/diapositive.svg?diapo=territoire:{AMIENS}", 400, "s'exportent en PNG"),
        ("/export/carte.gif?indicateur=taux_pauvrete", 404, "Format « gif » inconnu"),
        ("/export/carte.png?indicateur=taux_pauvrete&taille=geante", 400, "Taille « geante » inconnue"),
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


class BlockedEngine:
    """A fake rendering engine whose renders wait for `release` (no browser)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Semaphore(0)
        self.threads: list[str] = []

    def pdf(self, *args, **kwargs) -> bytes:
        self.threads.append(threading.current_thread().name)
        self.started.release()
        self.release.wait(10)
        return b"%PDF-1.4 fake"

    image = pdf


def test_a_full_render_queue_answers_503_at_once_with_retry_after(app, monkeypatch):
    engine = BlockedEngine()
    monkeypatch.setitem(app.server.config, export_engine.CONFIG_ENGINE, engine)
    monkeypatch.setitem(app.server.extensions, exports_media.EXTENSION_KEY, export_pool.RenderPool(2, 2))
    url = f"/export/territoire/{AMIENS}.pdf"
    answers: list = []
    first = [threading.Thread(target=lambda: answers.append(app.server.test_client().get(url))) for _ in range(2)]
    for thread in first:
        thread.start()
    assert engine.started.acquire(timeout=5) and engine.started.acquire(timeout=5)
    try:
        started = time.monotonic()
        response = app.server.test_client().get(url)
        assert time.monotonic() - started < 0.5  # refused at once: the request thread is freed
        assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
        body = response.get_data(as_text=True)
        assert "Serveur occupé" in body and 'lang="fr"' in body
    finally:
        engine.release.set()
        for thread in first:
            thread.join(10)
    assert [answer.status_code for answer in answers] == [200, 200]
    assert answers[0].data == b"%PDF-1.4 fake"
    # The renders ran in the export pool, not in the threads that serve requests.
    assert all(name.startswith("rendu-export") for name in engine.threads), engine.threads
    assert app.server.test_client().get(url).status_code == 200  # slots are given back


def test_the_render_pool_leaves_two_request_threads_free():
    assert export_pool.pool_capacity({"GUNICORN_THREADS": "4"}) == 2
    assert export_pool.pool_capacity({}) == 2
    assert export_pool.pool_capacity({"GUNICORN_THREADS": "2"}) == 1  # at least one export at a time
    assert export_pool.pool_capacity({"GUNICORN_THREADS": "16"}) == export_pool.MAX_RENDERS + 2


def test_a_render_given_up_while_queued_never_runs_and_frees_its_slot():
    pool = export_pool.RenderPool(workers=1, capacity=2)
    release, ran = threading.Event(), []
    blocker = threading.Thread(target=lambda: pool.run(lambda: release.wait(10), 10))
    blocker.start()
    time.sleep(0.2)
    with pytest.raises(export_pool.ExportTimeout):
        pool.run(lambda: ran.append("queued"), 0.2)  # waits behind the running one, then gives up
    release.set()
    blocker.join(10)
    assert ran == []  # cancelled before it started
    assert [pool.run(lambda: "ok", 5) for _ in range(3)] == ["ok"] * 3  # both slots free again


def test_pages_for_chromium_are_served_in_process_at_the_public_address(app):
    status, headers, body = export_engine.serve_in_process(
        app.server,
        "GET",
        f"https://residences.example.fr/territoire/{AMIENS}",
        {"accept-encoding": "gzip, br", "host": "127.0.0.1:1", "user-agent": "HeadlessChrome"},
        None,
    )
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "content-encoding" not in headers and "content-length" not in headers
    assert b"<html" in body
    status, headers, _ = export_engine.serve_in_process(
        app.server, "POST", "https://residences.example.fr/_dash-update-component", {}, b"{}"
    )
    assert status == 400  # a malformed callback request is refused as from any browser


def test_the_engine_reports_why_it_cannot_run():
    assert "introuvable" in export_engine.Engine(chromium="/nonexistent").available()
    with pytest.raises(export_engine.ExportUnavailable), export_engine.Engine(chromium="/nonexistent").browser():
        pass


def test_links_of_the_map_page_keep_its_view(store):
    query = f"?indicateur=taux_pauvrete&couches=fjt&territoire={AMIENS}"
    add, images = map_actions(store, query)
    assert add.href.startswith("/presentation?ajouter=carte:taux_pauvrete")
    links = [child for child in images.children if not isinstance(child, str)]
    hrefs = [link.href for link in links]
    assert [href.split("?")[0] for href in hrefs] == ["/export/carte.png", "/export/carte.svg", "/export/carte.pdf"]
    assert all("couches=fjt" in href and f"territoire={AMIENS}" in href for href in hrefs)
    assert links[0].id == presentation_ids.PRES_EXPORT_FROM_MAP


def test_every_slide_kind_has_a_png_link_in_the_editor():
    for spec in [
        SlideSpec("carte", indicator="taux_pauvrete"),
        SlideSpec("territoire", codes=(AMIENS,)),
        SlideSpec("scenario", codes=(AMIENS,)),
    ]:
        hrefs = [child.href for child in export_links_of(spec).children if hasattr(child, "href")]
        assert export_links.image_href(spec, "png", "projecteur") in hrefs
        assert (export_links.image_href(spec, "svg", "projecteur") in hrefs) is (spec.kind == "carte")


def test_links_of_the_editor_and_of_the_territory_page():
    spec = SlideSpec("carte", indicator="taux_pauvrete")
    assert export_links.image_href(spec, "svg", "impression") == (
        "/export/diapositive.svg?diapo=carte:taux_pauvrete&taille=impression"
    )
    actions = fiche_actions(AMIENS)
    add, pdf = actions.children
    assert add.href == f"/presentation?ajouter=territoire:{AMIENS}" and getattr(add, "data-deck-add") == "territoire"
    assert pdf.href == f"/export/territoire/{AMIENS}.pdf"


@pytest.mark.skipif(export_engine.Engine().available() is not None, reason="Chromium or Playwright missing")
def test_a_render_over_the_time_limit_is_stopped_with_a_french_503(app):
    app.server.config[export_engine.CONFIG_ENGINE] = export_engine.Engine(timeout_s=0.001)
    response = app.server.test_client().get("/export/diapositive.svg?diapo=classement:5")
    assert response.status_code == 503
    assert "Export trop long" in response.get_data(as_text=True)
