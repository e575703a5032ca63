"""The jump-rope check in a real browser: ``streamlit run app.py`` and Debian's Chromium via Playwright.

Upload the public rendered clip (tests/data/video/jump04_front.mp4), wait for the analysis, see
the summary, the chart and the verdicts, play the drawn clip (the <video> element's readyState,
duration and clock, read through JavaScript), download the JSON, see the findings and plan and download
the PDF report (its jump-rope section and chart images, read with pypdf), then save the session and find it
in the History by its still. With ``POSTURE_WRITE_DOCS=1`` the screens are saved to
``docs/screenshots/8-jump-*.png``. The server, browser and screenshot helpers are tests/test_browser.py's.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import expect

from posture.jump.charts import CHART_MEASURES
from posture.report.jump_blocks import CHARTS_HEADING, JUMP_HEADING, MEASURES_HEADING
from posture.wording_jump_history import SESSION_STILL_CAPTION
from tests.test_browser import (  # noqa: F401 (fixtures are found by name)
    VIEWPORT,
    WAIT_MS,
    browser,
    data_dir,
    playwright_instance,
    screenshot,
    scroll_to_top,
    server,
    wait_idle,
    watch_requests,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
JUMP_CLIP = ROOT / "tests" / "data" / "video" / "jump04_front.mp4"
ANALYSIS_WAIT_MS = 420_000  # tracking 240 frames on a shared, busy machine


def eventually(condition: Callable[[], bool], what: str, timeout_s: float = 60.0) -> None:
    """Poll ``condition`` until it holds: the page may still be drawing its last elements."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout_s:.0f} s: {what}")
        time.sleep(0.5)


def downloaded(page, button_name: str, target: Path) -> Path:
    """Click the download button named ``button_name`` once it is enabled; the file saved at ``target``."""
    button = page.get_by_role("button", name=button_name)
    button.scroll_into_view_if_needed()
    expect(button).to_be_enabled()
    with page.expect_download(timeout=ANALYSIS_WAIT_MS) as download_info:
        button.click()
    download_info.value.save_as(target)
    return target


@pytest.fixture
def jump_page(browser, server):  # noqa: F811
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    outside = watch_requests(page, server)
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{server}/jump_check")
    page.get_by_text("How to film a usable jump-rope clip").wait_for()
    page.locator('[data-testid="stImage"]').first.wait_for()  # the filming diagram
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').wait_for(state="attached")
    wait_idle(page, quiet_ms=1000)
    yield page
    context.close()
    assert not outside, f"the page contacted other hosts: {outside}"


def test_jump_clip_results_play_and_download(jump_page, tmp_path):
    page = jump_page
    screenshot(page, "8-jump-start-and-filming-guide")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(JUMP_CLIP))
    page.get_by_text("Left and right at a glance").wait_for(timeout=ANALYSIS_WAIT_MS)
    page.get_by_role("button", name="Download JSON").wait_for(timeout=ANALYSIS_WAIT_MS)
    wait_idle(page, quiet_ms=1500)
    assert page.locator('[data-testid="stException"]').count() == 0

    # The summary, the verdicts and the chart.
    for topic in ("Landing", "Touchdown", "Feet", "Hands", "Tiring (hands)"):
        page.get_by_text(topic, exact=True).first.wait_for()
    eventually(
        lambda: sum(page.get_by_text(word, exact=True).count() for word in ("uneven", "even", "can't tell yet")) >= 5,
        "the left/right cards carry their verdicts",
    )
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for()
    assert chart.locator("canvas, svg").count() >= 1, "Vega drew the chart"

    # The drawn clip plays: metadata loaded, 8 s long, and its clock moves once played.
    video = page.locator("video").first
    video.wait_for()
    page.wait_for_function("() => document.querySelector('video').readyState >= 1", timeout=WAIT_MS)
    duration = video.evaluate("element => element.duration")
    assert duration == pytest.approx(8.0, abs=0.2)
    video.evaluate("element => { element.muted = true; return element.play(); }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.5", timeout=WAIT_MS)
    assert video.evaluate("element => element.videoWidth") == 360
    assert video.evaluate("element => element.error") is None

    scroll_to_top(page, page.get_by_role("heading", name="Your jump-rope session"))
    screenshot(page, "8-jump-results-summary-clip-chart")
    scroll_to_top(page, page.get_by_role("heading", name="Each measure"))
    screenshot(page, "8-jump-measure-cards")

    # The JSON download is the contract of docs/jump-rope.md.
    target = downloaded(page, "Download JSON", tmp_path / "jump.json")
    contract = json.loads(target.read_text(encoding="utf-8"))
    assert contract["ok"] is True
    assert contract["view"] == "front"
    assert contract["video"]["frames"] == 240
    assert contract["measurements"]["jump_count"]["value"] == len(contract["jumps"])
    assert contract["measurements"]["hand_circle_si_pct"]["status"] in {"asymmetric", "symmetric", "inconclusive"}

    # Findings and plan from the clip, then the PDF report with its jump-rope section and chart images.
    page.get_by_role("heading", name="What the jump-rope clip points to").wait_for()
    page.get_by_role("heading", name="Your corrective plan").wait_for()
    scroll_to_top(page, page.get_by_role("heading", name="Findings and plan"))
    screenshot(page, "8-jump-findings-and-plan")
    pdf = downloaded(page, "Download PDF", tmp_path / "jump.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    reader = pypdf.PdfReader(pdf)
    words = " ".join(" ".join(sheet.extract_text() for sheet in reader.pages).split())
    for heading in (JUMP_HEADING, MEASURES_HEADING, CHARTS_HEADING):
        assert heading in words
    assert "Jump-rope clip: jump04_front.mp4" in words
    assert sum(len(sheet.images) for sheet in reader.pages) == len(CHART_MEASURES), "a chart per measure"

    # Saved, the session is found in the History by its still: the clip's middle frame with the skeleton.
    save = page.get_by_role("button", name="Save this session")
    save.scroll_into_view_if_needed()
    save.click()
    page.get_by_text("Saved as session #").wait_for()
    page.get_by_role("link", name="History").click()
    page.get_by_role("heading", name="Open a saved assessment or session").wait_for()
    still = page.locator('[data-testid="stImage"]').filter(has_text=SESSION_STILL_CAPTION).first
    still.wait_for()
    still.scroll_into_view_if_needed()
    eventually(
        lambda: still.locator("img").evaluate("img => img.complete && img.naturalWidth > 0"),
        "the still arrived from the server",
    )
    # Portrait, as the clip: Streamlit may send it at the shown width, but never out of shape.
    width, height = still.locator("img").evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert height / width == pytest.approx(480 / 270, rel=0.02)
    scroll_to_top(page, page.get_by_role("heading", name="Open a saved assessment or session"))
    screenshot(page, "8-jump-history-session")
    assert page.locator('[data-testid="stException"]').count() == 0
