"""The app in a real browser: ``streamlit run app.py`` in a subprocess, Debian's Chromium driven by Playwright.

Flows: upload a photo and see the measure cards; take a webcam snapshot through Chromium's fake
camera (fed a Y4M video made here from a sample photo); move a landmark by clicking the photo;
download the PDF report; save twice and compare on the History page; go to another page and back.
With ``POSTURE_WRITE_DOCS=1`` the main screens are saved to ``docs/screenshots/``.

Needs ``/usr/bin/chromium`` (Debian package ``chromium``) and the ``playwright`` Python package; it
never downloads a browser. A missing browser fails the tests with the command to install it:
these tests are not meant to be skipped.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bench.app_server import CHROMIUM, CHROMIUM_ARGS, AppServerError, app_server

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_images"
SCREENSHOTS = ROOT / "docs" / "screenshots"
WRITE_DOCS = os.environ.get("POSTURE_WRITE_DOCS") == "1"
VIEWPORT = {"width": 1400, "height": 1000}
WAIT_MS = 90_000


# --- the server and the browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("history")


@pytest.fixture(scope="module")
def server(data_dir, tmp_path_factory) -> Iterator[str]:
    """``streamlit run app.py`` on a free port with the history in a temporary folder."""
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    try:
        with app_server(data_dir, log) as url:
            yield url
    except AppServerError as error:
        pytest.fail(str(error))
    assert "Traceback" not in log.read_text(), "an error reached the server log:\n" + log.read_text()[-3000:]


def chromium_path() -> str:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install it with `apt-get install -y chromium` "
            "(the browser tests must not be skipped), or point POSTURE_CHROMIUM at it."
        )
    return CHROMIUM


@pytest.fixture(scope="module")
def playwright_instance():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "The playwright Python package is missing: `pip install playwright` "
            "(do not run `playwright install`: Debian's Chromium is used)."
        )
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def watch_requests(page, server: str) -> list[str]:
    """Collect every request the page makes to anywhere but the app itself (nothing may leave the machine)."""
    outside: list[str] = []
    local = (server, "data:", "blob:", "about:")
    page.on("request", lambda request: None if request.url.startswith(local) else outside.append(request.url))
    return outside


def open_app(context, server):
    """A new page on the app, loaded and idle, and the list collecting requests to other hosts."""
    page = context.new_page()
    outside = watch_requests(page, server)
    page.set_default_timeout(WAIT_MS)
    page.goto(server)
    page.get_by_text("How to take a usable photo").wait_for()
    wait_idle(page)
    return page, outside


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page, outside = open_app(context, server)
    yield page
    context.close()
    assert not outside, f"the page contacted other hosts: {outside}"


# --- helpers -------------------------------------------------------------------------------------------


def upload(page, *paths: Path) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(path) for path in paths])
    page.get_by_text(
        "Craniovertebral angle" if any("left" in p.name or "right" in p.name for p in paths) else "Shoulder tilt"
    ).first.wait_for()
    wait_idle(page)


def wait_idle(page, quiet_ms: int = 600) -> None:
    """Wait until the app has finished its run (no 'Running...' indicator) and the page is still."""
    page.wait_for_timeout(200)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
    page.wait_for_timeout(quiet_ms)


def scroll_to_top(page, locator) -> None:
    """Scroll so that ``locator`` is at the top of the window (for screenshots of one part of the page)."""
    locator.first.evaluate("element => element.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(400)


def switch_on(page, name: str) -> None:
    """Turn on a Streamlit toggle by clicking its label (the input itself sits under it)."""
    page.locator("label").filter(has=page.get_by_role("switch", name=name)).first.click()
    wait_idle(page)


def screenshot(page, name: str, locator=None, full: bool = False) -> None:
    """Save a screenshot to docs/screenshots/ when POSTURE_WRITE_DOCS=1."""
    if not WRITE_DOCS:
        return
    # Streamlit serves pictures from its media endpoint after the page is drawn: wait until the app is still
    # and every picture in the window has arrived, so that none is caught blank.
    wait_idle(page)
    page.wait_for_function(
        """() => Array.from(document.images)
            .filter((img) => img.getBoundingClientRect().bottom > 0 && img.getBoundingClientRect().top < innerHeight)
            .every((img) => img.complete && img.naturalWidth > 0)"""
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if locator is not None:
        locator.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=full)


def sample(view: str) -> Path:
    return next(SAMPLES.glob(f"{view}_*.jpg"))


def write_y4m(photo: Path, target: Path, size: tuple[int, int] = (1280, 720), frames: int = 5) -> Path:
    """A short Y4M video (4:2:0, 30 fps) showing ``photo`` fitted onto a landscape camera frame.

    Chromium's fake camera plays it in a loop. The portrait photo is scaled to the frame's height
    and centred on a grey background, as a webcam would see a person standing 3 m away.
    """
    width, height = size
    image = Image.open(photo).convert("RGB")
    scale = height / image.height
    person = image.resize((round(image.width * scale), height), Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", size, (190, 190, 190))
    canvas.paste(person, ((width - person.width) // 2, 0))
    y, cb, cr = (np.asarray(plane, dtype=np.uint8) for plane in canvas.convert("YCbCr").split())

    # 4:2:0: chroma averaged over 2x2 blocks (JPEG-style YCbCr, matching the C420jpeg tag)
    def half(plane: np.ndarray) -> np.ndarray:
        return plane.reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3)).round().astype(np.uint8)

    frame = y.tobytes() + half(cb).tobytes() + half(cr).tobytes()
    with target.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(frames):
            out.write(b"FRAME\n" + frame)
    return target


# --- flows -----------------------------------------------------------------------------------------------


def test_upload_shows_the_results(page):
    screenshot(page, "1-start-and-photo-guide")
    upload(page, sample("left"), sample("front"))
    for text in (
        "Craniovertebral angle",
        "Shoulder tilt",
        "What the photos point to",
        "Your corrective plan",
        "Download PDF",
    ):
        # Waits (up to WAIT_MS) rather than counts: under load the end of the page can still be on its way.
        page.get_by_text(text).first.wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    scroll_to_top(page, page.get_by_role("heading", name="Your photos"))
    screenshot(page, "2-results-annotated-photo-and-measures")
    scroll_to_top(page, page.get_by_role("heading", name="What the photos point to"))
    screenshot(page, "3-findings")
    scroll_to_top(page, page.get_by_role("heading", name="Your corrective plan"))
    screenshot(page, "4-plan")


def test_pdf_download(page):
    upload(page, sample("left"))
    button = page.get_by_role("button", name="Download PDF")
    button.scroll_into_view_if_needed()
    with page.expect_download() as download_info:
        button.click()
    download = download_info.value
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF"), data[:200]
    assert download.suggested_filename.endswith(".pdf")


def test_clicking_the_photo_moves_a_landmark(page):
    upload(page, sample("left"))
    before = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    switch_on(page, "Correct a landmark")
    frame = page.frame_locator('iframe[title="streamlit_image_coordinates.streamlit_image_coordinates"]').first
    image = frame.locator("img#image")
    image.wait_for()
    page.wait_for_timeout(500)
    box = image.bounding_box()
    # The left-profile subject faces image-left with the ear at about (36 %, 23 %): nudge it 2 % back.
    image.click(position={"x": box["width"] * 0.38, "y": box["height"] * 0.225})
    page.get_by_text("You moved 1 landmark").wait_for()
    wait_idle(page)
    after = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    assert after != before, (before, after)
    scroll_to_top(page, page.get_by_role("heading", name="Your photos"))
    screenshot(page, "5-landmark-correction")
    page.get_by_role("button", name="Reset landmarks").click()
    page.get_by_text("You moved 1 landmark").wait_for(state="detached")
    wait_idle(page)
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == before


def test_history_save_and_compare(page):
    upload(page, sample("left"), sample("front"))
    save = page.get_by_role("button", name="Save to history")
    save.scroll_into_view_if_needed()
    save.click()
    page.get_by_text("Saved as assessment #").wait_for()
    height = page.get_by_role("spinbutton", name="Height (cm)")
    height.fill("184")
    height.press("Enter")
    wait_idle(page)
    save.click()
    page.get_by_text("Saved as assessment #2").wait_for()
    page.get_by_role("link", name="History").click()
    page.get_by_role("heading", name="Compare two assessments").wait_for()
    scroll_to_top(page, page.get_by_role("heading", name="Compare two assessments"))
    wait_idle(page, 800)
    screenshot(page, "6-history-compare")
    assert page.locator('[data-testid="stException"]').count() == 0


def test_pages_open_from_the_menu_and_the_check_waits_for_the_person(page):
    upload(page, sample("front"))
    shoulders = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    page.get_by_role("link", name="About / guide").click()
    page.get_by_role("heading", name="About this app").wait_for()
    wait_idle(page)
    assert page.locator('[data-testid="stMetricValue"]').count() == 0, "only the open page is drawn"
    page.get_by_role("link", name="Photo check").click()
    page.get_by_text("Still here from earlier in this session").wait_for()
    wait_idle(page)
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == shoulders
    assert page.locator('[data-testid="stException"]').count() == 0


def test_webcam_snapshot(playwright_instance, server, tmp_path):
    video = write_y4m(sample("left"), tmp_path / "person.y4m")
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(),
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = browser.new_context(viewport=VIEWPORT, permissions=["camera"])
        page, outside = open_app(context, server)
        switch_on(page, "Take a webcam snapshot")
        take = page.get_by_role("button", name="Take Photo")
        take.wait_for()
        page.wait_for_timeout(1500)  # let the fake camera deliver frames
        take.click()
        page.get_by_text("Craniovertebral angle").first.wait_for()
        wait_idle(page)
        assert page.get_by_text("webcam snapshot.jpg").count()
        assert page.locator('[data-testid="stException"]').count() == 0
        scroll_to_top(page, page.get_by_text("Webcam snapshot", exact=True))
        screenshot(page, "7-webcam-snapshot")
        assert not outside, f"the page contacted other hosts: {outside}"
    finally:
        browser.close()
