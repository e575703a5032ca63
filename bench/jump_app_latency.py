"""Upload-to-results time of the Jump-rope check page in a real browser, against the engine alone.

Usage: ``python -m bench.jump_app_latency [--seconds 20] [--model full]``

The clip is bench/jump_speed.py's phone clip (a public render upscaled to 1080 x 1920, 30 fps H.264,
played forward and backward for ``--seconds``). In one run:

* engine: :func:`posture.jump.engine.analyze_jump_video` on the clip's bytes (decode, track, checks,
  jump analysis), in this process;
* app: ``streamlit run app.py`` and Debian's Chromium (Playwright); the time from handing the file
  to the uploader until the results' summary is on screen (upload, analysis, the drawn clip is made
  after the summary, so it is not counted), then until the drawn clip can play.

It prints both times, their ratio (app / engine: what the page adds) and each against the clip's
duration. On a machine shared with other jobs the absolute times depend on the load; the ratio much less.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.app_server import CHROMIUM, CHROMIUM_ARGS, app_server
from bench.jump_speed import phone_clip
from posture.jump.engine import analyze_jump_video
from posture.video.tracking import VIDEO_DEFAULT_MODEL

RESULTS_WAIT_MS = 1_200_000


def engine_seconds(clip: Path, model: str) -> float:
    started = time.perf_counter()
    result = analyze_jump_video(clip.read_bytes(), model=model)
    elapsed = time.perf_counter() - started
    if not result.ok:
        raise SystemExit(f"the engine refused the benchmark clip: {result}")
    return elapsed


def app_seconds(clip: Path) -> tuple[float, float]:
    """(seconds to the summary, seconds to a playable drawn clip) after the file is handed to the uploader."""
    with (
        tempfile.TemporaryDirectory() as scratch,
        app_server(Path(scratch), Path(scratch) / "server.log") as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(RESULTS_WAIT_MS)
        page.goto(f"{url}/jump_check")
        uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
        uploader.wait_for(state="attached")
        started = time.perf_counter()
        uploader.set_input_files(str(clip))
        page.get_by_text("Left and right at a glance").wait_for()
        summary = time.perf_counter() - started
        page.wait_for_function("() => (document.querySelector('video') || {}).readyState >= 1")
        playable = time.perf_counter() - started
        browser.close()
    return summary, playable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--model", default=VIDEO_DEFAULT_MODEL)
    args = parser.parse_args()
    clip = phone_clip(args.seconds)
    engine = engine_seconds(clip, args.model)
    summary, playable = app_seconds(clip)
    print(f"clip: {clip.name}, {args.seconds} s, 1080x1920 30 fps, model {args.model}")
    for what, seconds in (
        ("engine alone", engine),
        ("app, upload -> summary", summary),
        ("app, upload -> playable", playable),
    ):
        ratio = "" if seconds is engine else f"; app/engine {seconds / engine:.2f}"
        print(f"{what + ':':25} {seconds:7.1f} s  ({seconds / args.seconds:.2f}x the clip's duration{ratio})")


if __name__ == "__main__":
    main()
