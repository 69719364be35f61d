"""Presentation mode in headless Chromium on the real build: build a deck, present it with the keyboard,
reload it, and the image and PDF exports rendered by the app's own headless Chromium."""

from __future__ import annotations

import io
import os
import re
import time
import unicodedata
import urllib.request
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from dashboard.core import routes
from dashboard.presentation import ids as presentation_ids
from tests.browser.conftest import save_screenshot, watch_requests_leaving

pytestmark = pytest.mark.browser

DECK = f"#{presentation_ids.PRES_DECK}"
SLIDE_LIST = f"#{presentation_ids.PRES_LIST} > li"
AMIENS = "248000531"
LILLE = "200093201"


def current(page: Page) -> int:
    return int(page.locator(DECK).get_attribute("data-current"))


def shown_title(page: Page) -> str:
    return page.locator(f"{DECK} > .slide.is-current .slide-title").inner_text()


def viewport_shot(page: Page, name: str) -> None:
    """The show fills the window: a screenshot of the window, not of the whole page behind it."""
    save_screenshot(page, name, full_page=False)


def eventually(condition, timeout: float = 5.0) -> bool:
    """Poll `condition` (page.wait_for_function evaluates strings, which the app's CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def add_with_form(page: Page, count: int) -> None:
    page.get_by_role("button", name="Ajouter la diapositive").click()
    expect(page.locator(SLIDE_LIST)).to_have_count(count, timeout=15000)


def build_a_deck_of_three_slides(page: Page, app_url: str) -> list[str]:
    """Two slides added with the editor's form, one from the map page; return the titles of the deck."""
    # 1. A map with the form (default: poverty rate by EPCI), 2. a ranking of the top 5.
    add_with_form(page, 1)
    expect(page.locator(f"#{presentation_ids.PRES_ADDED}")).to_contain_text(
        "Carte : Part des minima sociaux dans le revenu (valeur officielle 2019) par EPCI"
    )
    page.get_by_label("Classement par priorité (places manquantes)").check()
    page.locator(f"#{presentation_ids.PRES_FORM_TOP}").fill("5")
    add_with_form(page, 2)

    # 3. From the map page: « Ajouter à la présentation » appends the current view to the deck in progress.
    page.goto(app_url + routes.HOME + "?indicateur=taux_chomage&niveau=epci")
    add = page.locator(f"#{presentation_ids.PRES_ADD_FROM_MAP}")
    expect(add).to_have_attribute("href", re.compile("ajouter=carte:taux_chomage"), timeout=15000)
    add.click()
    expect(page.locator(SLIDE_LIST)).to_have_count(3, timeout=20000)
    deck_url = app_url + routes.PRESENTATION + "?d=carte:part_minima_sociaux_2019|classement:5|carte:taux_chomage"
    expect(page).to_have_url(deck_url)  # canonical: the added slide is part of `d`
    expect(page.locator(".slide-graph .choroplethlocation").first).to_be_attached(timeout=20000)
    titles = page.locator(f"{DECK} > .slide .slide-title").all_inner_texts()
    assert titles == [
        "Part des minima sociaux dans le revenu (valeur officielle 2019) par EPCI",
        "Où manque-t-il le plus de places ? Les 5 premiers EPCI",
        "Taux de chômage des 15-64 ans par EPCI",
    ]
    return titles


def present_with_the_keyboard(page: Page, titles: list[str]) -> None:
    """Present: full window, one slide at a time, keys of a remote clicker; ends on the last slide."""
    page.get_by_role("button", name="Lancer la présentation").click()
    expect(page.locator(DECK)).to_have_class(re.compile("is-showing"))
    assert current(page) == 1 and shown_title(page) == titles[0]
    expect(page.locator(f"{DECK} > .slide.is-current .slide-counter")).to_have_text("1 / 3")
    # The map takes the size of the full-window slide (responsive graph).
    assert eventually(
        lambda: page.evaluate(
            """() => {
                const slide = document.querySelector('.slide.is-current');
                const frame = slide.querySelector('.slide-map').getBoundingClientRect();
                const drawn = slide.querySelector('.slide-graph .main-svg').getBoundingClientRect();
                return Math.abs(frame.height - drawn.height) < 2 && frame.height > 0.5 * window.innerHeight;
            }"""
        )
    )
    page.wait_for_timeout(300)  # the redraw after the resize
    viewport_shot(page, "presentation-show-map")
    for key, expected in [("ArrowRight", 2), ("Space", 3), ("PageUp", 2), ("ArrowLeft", 1), ("PageDown", 2)]:
        page.keyboard.press(key)
        assert current(page) == expected, key
    assert shown_title(page) == titles[1]
    expect(page.locator(f"{DECK} > .slide.is-current .slide-counter")).to_have_text("2 / 3")
    viewport_shot(page, "presentation-show-ranking")
    page.keyboard.press("End")
    assert current(page) == 3 and page.evaluate("location.hash") == "#diapo-3"


def check_the_controls_and_full_screen(page: Page) -> None:
    """The controls appear only while the mouse moves; F toggles full screen and keeps the show."""
    controls = page.locator(f"{DECK} .deck-controls")
    page.mouse.move(400, 300)
    page.mouse.move(420, 310)
    expect(controls).to_have_css("opacity", "1")
    expect(controls).to_have_css("opacity", "0", timeout=5000)

    # F toggles full screen (« Lancer » already asked for it); leaving full screen with F keeps the show.
    fullscreen = page.evaluate("document.fullscreenElement !== null")
    page.keyboard.press("f")
    assert eventually(lambda: page.evaluate("document.fullscreenElement !== null") is not fullscreen)
    if not fullscreen:
        page.keyboard.press("f")
        assert eventually(lambda: page.evaluate("document.fullscreenElement === null"))
    expect(page.locator(DECK)).to_have_class(re.compile("is-showing"))


def test_build_a_deck_present_it_with_the_keyboard_and_reload_it(page: Page, app_url: str, screenshot):
    elsewhere = watch_requests_leaving(page, app_url, "data:", "blob:")  # works with no network: only the app
    page.goto(app_url + routes.PRESENTATION)
    expect(page.get_by_role("heading", name="Diapositives (0)")).to_be_visible()
    titles = build_a_deck_of_three_slides(page, app_url)
    screenshot("presentation-editor")
    present_with_the_keyboard(page, titles)
    check_the_controls_and_full_screen(page)

    # Reload: the same deck, the show back on the same slide.
    page.reload()
    expect(page.locator(DECK)).to_have_class(re.compile("is-showing"), timeout=20000)
    assert page.locator(f"{DECK} > .slide .slide-title").all_text_contents() == titles
    assert current(page) == 3 and shown_title(page) == titles[2]
    page.keyboard.press("Escape")
    expect(page.locator(DECK)).not_to_have_class(re.compile("is-showing"))
    assert page.evaluate("location.hash") == ""
    expect(page.get_by_role("button", name="Lancer la présentation")).to_be_focused()
    assert elsewhere == []


def test_bad_deck_parts_give_a_notice_and_the_rest_of_the_deck(page: Page, app_url: str, screenshot):
    page.goto(f"{app_url}{routes.PRESENTATION}?d=diaporama:1|carte:inconnu|territoire:{AMIENS}|classement:99&zoom=2")
    notices = page.locator(f"#{presentation_ids.PRES_NOTICES}")
    expect(notices).to_contain_text("Diapositive 1 « diaporama:1 » ignorée : type « diaporama » inconnu")
    expect(notices).to_contain_text("Diapositive 2 « carte:inconnu » ignorée")
    expect(notices).to_contain_text("Diapositive 4 « classement:99 » ignorée : nombre de territoires « 99 » invalide")
    expect(notices).to_contain_text("Paramètre « zoom » inconnu")
    expect(page.locator(f"{DECK} > .slide")).to_have_count(1)
    expect(page.locator(f"{DECK} .slide-title")).to_have_text("CA Amiens Métropole")
    screenshot("presentation-bad-parameters")


# --- Exports rendered by the app -------------------------------------------------------------------------------


def fetch(url: str) -> tuple[bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=60) as response:
        assert response.status == 200
        return response.read(), dict(response.headers)


def page_text(pdf_page) -> str:
    """A PDF page's text, ligatures undone (« ﬁ » → « fi »)."""
    return unicodedata.normalize("NFKC", pdf_page.extract_text())


def pixels_near(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 24) -> int:
    """How many pixels of `image` have about `colour` (markers are drawn 95 % opaque)."""
    return sum(
        count
        for count, found in image.getcolors(image.width * image.height)
        if all(abs(a - b) <= tolerance for a, b in zip(found, colour, strict=True))
    )


def assert_tagged(reader: PdfReader, title: str) -> None:
    """A PDF a screen reader can read: structure tags, French, a title shown as the document's name."""
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "fr"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title.startswith(title)


def listening_socket(port: int) -> str:
    """The inode of the IPv4 socket listening on `port` (/proc/net/tcp, state 0A = LISTEN)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port:
            return fields[9]
    raise AssertionError(f"nothing listens on port {port}")


def server_children(app_url: str) -> list[tuple[int, str, str]]:
    """Processes below the gunicorn master serving `app_url`, but its workers: (pid, state, command).

    The master is the oldest process holding the listening socket (gunicorn may rename itself with
    setproctitle, which also overwrites its environment: neither tells the port)."""
    socket = f"socket:[{listening_socket(int(app_url.rsplit(':', 1)[1]))}]"
    processes: dict[int, tuple[int, str, str]] = {}
    holders: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if any(os.readlink(descriptor) == socket for descriptor in (entry / "fd").iterdir()):
                holders.add(int(entry.name))
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        processes[int(entry.name)] = (int(fields[1]), fields[0], command)
    master = min(holders)
    workers = {pid for pid, (parent, _, _) in processes.items() if parent == master}
    below, frontier = [], set(workers)
    while frontier:
        frontier = {pid for pid, (parent, _, _) in processes.items() if parent in frontier}
        below += [(pid, processes[pid][1], processes[pid][2][:80]) for pid in frontier]
    return below


def test_image_and_pdf_exports(app_url: str, tmp_path: Path):
    timings = {}

    def timed(name: str, url: str) -> tuple[bytes, dict[str, str]]:
        started = time.monotonic()
        result = fetch(url)
        timings[name] = time.monotonic() - started
        return result

    # Map at print resolution (A4 landscape, 300 dpi): title, legend, source and date are in the image.
    content, headers = timed(
        "png-map", f"{app_url}{routes.EXPORT}/diapositive.png?diapo=carte:taux_pauvrete&taille=impression"
    )
    assert headers["Content-Type"] == "image/png"
    assert 'filename="taux-de-pauvrete-par-epci_3508x2480.png"' in headers["Content-Disposition"]
    image = Image.open(io.BytesIO(content)).convert("RGB")
    assert image.size == (3508, 2480)
    assert max(ImageStat.Stat(image).stddev) > 30  # not a blank or uniform image
    colours = image.resize((350, 248)).getcolors(350 * 248)
    assert len(colours) > 40  # the map's classes, the legend and the text
    (tmp_path / "map.png").write_bytes(content)

    # Every other kind of slide as a 1920 × 1080 PNG: figures (ranking, comparison), pictures of the slide
    # as shown (territory, scenario), with their sources.
    for kind, token in [
        ("ranking", "classement:10"),
        ("comparison", f"comparaison:{LILLE},{AMIENS}:taux_pauvrete,taux_chomage"),
        ("territory", f"territoire:{LILLE}"),
        ("scenario", f"scenario:{AMIENS}:pension_de_famille.25.80021"),
    ]:
        content, headers = timed(f"png-{kind}", f"{app_url}{routes.EXPORT}/diapositive.png?diapo={token}")
        assert headers["Content-Type"] == "image/png" and "_1920x1080.png" in headers["Content-Disposition"]
        image = Image.open(io.BytesIO(content)).convert("RGB")
        assert image.size == (1920, 1080), kind
        assert max(ImageStat.Stat(image).stddev) > 30, kind  # text and bars, not a blank image
        assert image.getpixel((1910, 10)) == (255, 255, 255), kind  # the slide fills the image, on white
        (tmp_path / f"slide-{kind}.png").write_bytes(content)

    # The map page's view (its address): establishment points, the selected territory, as PNG and as PDF.
    view = f"?indicateur=taux_pauvrete&couches=pension_de_famille,fjt&territoire={AMIENS}"
    content, headers = timed("png-map-page", f"{app_url}{routes.EXPORT}/carte.png{view}")
    image = Image.open(io.BytesIO(content)).convert("RGB")
    assert image.size == (1920, 1080)
    assert pixels_near(image, (0xE6, 0x9F, 0x00)) > 500  # the orange squares of the pensions de famille
    assert pixels_near(image, (0x00, 0x9E, 0x73)) > 500  # the green triangles of the FJT
    assert pixels_near(image, (0x00, 0x00, 0x91)) > 2000  # the outline of the selected territory (and the title)
    (tmp_path / "map-page.png").write_bytes(content)
    content, headers = timed("pdf-map-page", f"{app_url}{routes.EXPORT}/carte.pdf{view}")
    assert headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1 and "Territoire sélectionné : CA Amiens Métropole" in page_text(reader.pages[0])
    assert_tagged(reader, "Taux de pauvreté par EPCI")

    # The deck as a handout: one A4 landscape page per slide, with the sources.
    deck = f"carte:taux_pauvrete|classement:10|territoire:{AMIENS}"
    content, headers = timed("pdf-deck", f"{app_url}{routes.EXPORT}/presentation.pdf?d={deck}")
    assert headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 3
    assert_tagged(reader, "Mode présentation")
    for number, pdf_page in enumerate(reader.pages, start=1):
        width, height = float(pdf_page.mediabox.width), float(pdf_page.mediabox.height)
        assert abs(width - 841.9) < 2 and abs(height - 595.3) < 2  # A4 landscape, in points
        text = page_text(pdf_page)
        assert "Source" in text and "Millésime" in text and f"{number} / 3" in text
    assert "Insee, Filosofi 2021" in page_text(reader.pages[0])
    assert "Taux de pauvreté par EPCI" in page_text(reader.pages[0])
    assert "CA Amiens Métropole" in page_text(reader.pages[2])
    (tmp_path / "deck.pdf").write_bytes(content)

    # A territory fiche.
    content, headers = timed("pdf-fiche", f"{app_url}{routes.EXPORT}/territoire/{AMIENS}.pdf")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 1
    text = "\n".join(page_text(pdf_page) for pdf_page in reader.pages)
    assert "CA Amiens Métropole" in text and "Source" in text
    assert float(reader.pages[0].mediabox.height) > float(reader.pages[0].mediabox.width)  # A4 portrait
    assert_tagged(reader, "CA Amiens Métropole")
    # Every chart is drawn (Dash loads plotly.js after the page).
    assert "Résidence sociale généraliste" in page_text(reader.pages[0])  # the map's legend
    assert "Offre de résidences sociales (places estimées" in text  # the need × supply chart's axis
    assert "Indice de besoin (points sur 100)" in text  # the need index chart's axis

    # Each render closed its browser: nothing is left below the server (no zombie either).
    deadline = time.monotonic() + 5
    while server_children(app_url) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert server_children(app_url) == []
    if os.environ.get("PRESENTATION_TIMINGS"):
        print({name: round(seconds, 2) for name, seconds in timings.items()})
