"""The jump-rope check page driven headless with ``streamlit.testing.v1.AppTest``.

Real engine and landmarker on the public rendered clip (tests/data/video/jump04_front.mp4), and
every refusal on a real malformed or unusable file: clips encoded here with PyAV's encoders
(bench/video_clips.py) from the public stand-still render, as tests/test_video_decode.py and
tests/test_video_tracking.py make them. No mocks; a counting wrapper only watches the engine, and a real
crash is made by stopping the analysis' child process as the out-of-memory killer would.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from bench.video_clips import read_rgb, write_video
from posture.errors import VIDEO_ERROR_CODES
from posture.jump.engine import JumpAnalysis
from posture.jump.findings import assess_with_jump
from posture.video import isolated
from posture.video.isolated import CRASHED
from posture.wording import likelihood_label
from posture.wording_jump import jump_status_label, jump_value
from posture.wording_jump_summary import jump_symmetry_summary
from posture_app import jump_results, jump_session, present
from tests.app_harness import APP, HISTORY_PAGE, JUMP_PAGE, TIMEOUT_S, assert_clean, open_app, texts
from tests.child_processes import killed_analysis
from tests.conftest import ROOT
from tests.test_video_tracking import Clips

DATA = ROOT / "tests" / "data" / "video"
JUMP_CLIP = DATA / "jump04_front.mp4"
STAND = DATA / "stand01_front.mp4"
ANALYSIS_TIMEOUT_S = 400


@pytest.fixture
def jump_app(data_dir) -> AppTest:
    """The app opened straight on the jump-rope page, as its address in the browser would."""
    return open_app(JUMP_PAGE)


def upload_clip(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="jump_upload").set_value((name, data, "video/mp4"))
    at.run(timeout=ANALYSIS_TIMEOUT_S)
    assert_clean(at)
    return at


def metric(at: AppTest, title: str) -> str:
    values = [m.value for m in at.metric if m.label == title]
    assert values, f"no card {title!r}; cards: {[m.label for m in at.metric]}"
    return values[0]


# --- the page on its own ------------------------------------------------------------------------------------


def test_the_jump_page_opens_alone_with_its_filming_guide(jump_app, data_dir):
    page = texts(jump_app)
    assert "About you (optional)" in {h.value for h in jump_app.header}
    assert "How to film a usable jump-rope clip" in page
    assert "60 fps" in page
    assert "hip height" in page
    assert "upright and level" in page, "the guide asks for a level phone: the bands allow 1 deg of roll"
    assert jump_app.get("image"), "the filming diagram is drawn"
    uploader = jump_app.file_uploader(key="jump_upload")
    assert not uploader.accept_multiple_files
    assert {"mp4", "mov", "webm", "avi", "m4v"} <= {t.lstrip(".") for t in uploader.allowed_type}
    assert not jump_app.error
    assert "Your photos" not in {h.value for h in jump_app.header}, "no other page was drawn"
    assert not data_dir.exists()


def test_the_router_lists_the_jump_page():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    registered = [page["page_name"] for page in at._registered_pages.values()]
    assert "Jump-rope check" in registered


# --- a measured clip ----------------------------------------------------------------------------------------


def counting_analyses(monkeypatch) -> list[str]:
    """The names of the clips the page sends to the engine (in its child process), in order."""
    calls: list[str] = []
    real = isolated.run_in_child

    def counting(function, *args, **kwargs):
        calls.append(kwargs.get("name"))
        return real(function, *args, **kwargs)

    monkeypatch.setattr(isolated, "run_in_child", counting)
    return calls


def test_a_jump_clip_gives_summary_chart_clip_cards_and_json(jump_app, data_dir, monkeypatch):
    calls = counting_analyses(monkeypatch)
    upload_clip(jump_app, "jump04_front.mp4", JUMP_CLIP.read_bytes())
    assert calls == ["jump04_front.mp4"]
    page = texts(jump_app)
    assert "Your jump-rope session" in {h.value for h in jump_app.header}
    # What the page shows is what the engine measured, in the words of posture.wording (the engine's
    # accuracy is tests/test_jump_*.py's business, not this page's).
    analysis = next(iter(jump_app.session_state[jump_session.ANALYSES_KEY].values()))
    assert isinstance(analysis, JumpAnalysis)
    measurements = analysis.session.measurements
    # The one-glance summary: each topic with its verdict sentence and how sure it is.
    assert "Left and right at a glance" in {h.value for h in jump_app.subheader}
    for topic, sentence, sureness in jump_symmetry_summary(measurements):
        assert f"**{topic}**" in page
        assert sentence in page
        assert sureness in page
    # Cards: value with unit, verdict, band, the bench's typical error.
    assert metric(jump_app, "Jumps counted") == str(len(analysis.session.jumps))
    assert metric(jump_app, "Cadence") == jump_value(measurements["cadence_jpm"].value, "jumps/min")
    assert metric(jump_app, "Left foot clearance").endswith(" cm")
    assert metric(jump_app, "Hand circle symmetry (left larger +)") == jump_value(
        measurements["hand_circle_si_pct"].value, "%", signed=True
    )
    badges = {str(m.value).split("-badge[", 1)[1].rstrip("]") for m in jump_app.markdown if "-badge[" in str(m.value)}
    shown = {jump_status_label(m.status) for m in measurements.values() if m.status != "not_assessed"}
    # The findings below the cards carry their likelihood badges (tests/test_app_jump_findings.py).
    likelihoods = {likelihood_label(finding.likelihood) for finding in assess_with_jump([], analysis).findings}
    assert badges == shown | likelihoods
    assert "95 % band" in page
    cadence = jump_results.typical_error("cadence_jpm", measurements["cadence_jpm"], "full")
    assert cadence in page
    assert cadence.startswith("typical error ±")
    assert jump_results.typical_error("jump_count", measurements["jump_count"], "full") in page, "the count in clips"
    for index in ("foot_clearance_si_pct", "hand_circle_si_pct"):
        assert jump_results.typical_error(index, measurements[index], "full") in page, "at this clip's size"
    assert not re.search(r"±0(?![.\d])", page), "no typical error rounded to nothing"
    # The chart (Altair -> Vega-Lite), three tabs, and the drawn clip.
    charts = jump_app.get("vega_lite_chart")
    assert len(charts) == 3, "a left-vs-right chart per measure"
    spec = json.loads(charts[0].proto.spec)
    layers = spec["layer"]
    assert [layer["mark"]["type"] for layer in layers] == ["rect", "rule", "line"], "band, median, each jump"
    assert spec["layer"][2]["encoding"]["color"]["scale"]["domain"] == ["left", "right"]
    assert [tab.label for tab in jump_app.tabs] == ["Feet: clearance", "Landing: depth", "Hands: circle"]
    videos = jump_app.get("video")
    assert len(videos) == 1
    # The JSON download holds the contract.
    labels = {button.label for button in jump_app.get("download_button")}
    assert "Download JSON" in labels
    # A rerun, or a change that does not touch the analysis, is served from the session.
    jump_app.run()
    assert calls == ["jump04_front.mp4"]
    assert_clean(jump_app)
    assert not data_dir.exists(), "nothing is written to disk"


def test_the_session_cache_keys_on_content_and_settings():
    state: dict = {}
    clip = jump_session.ClipInput.of("a.mp4", b"same bytes")
    same = jump_session.ClipInput.of("renamed.mp4", b"same bytes")
    assert jump_session.analysis_key(clip, "auto", None, "full") == jump_session.analysis_key(
        same, "auto", None, "full"
    )
    assert jump_session.analysis_key(clip, "auto", 170.0, "full") != jump_session.analysis_key(
        clip, "auto", None, "full"
    )
    assert jump_session.analysis_key(clip, "front", None, "full") != jump_session.analysis_key(
        clip, "auto", None, "full"
    )
    assert jump_session.cached_analysis(state, jump_session.analysis_key(clip, "auto", None, "full")) is None


@pytest.mark.parametrize("clip", [STAND, JUMP_CLIP], ids=["refused", "measured"])
def test_a_clip_uploaded_again_under_another_name_is_reported_under_the_new_name(clip, monkeypatch):
    calls = counting_analyses(monkeypatch)
    state: dict = {}
    data = clip.read_bytes()
    first = jump_session.analyse(state, jump_session.ClipInput.of("monday.mp4", data), "auto", None, "full")
    again = jump_session.ClipInput.of("tuesday.mp4", data)
    second = jump_session.analyse(state, again, "auto", None, "full")
    assert calls == ["monday.mp4"], "the same bytes are not analysed again"
    assert (first.file, second.file, second.to_dict()["file"]) == ("monday.mp4", "tuesday.mp4", "tuesday.mp4")
    assert second.to_dict() == {**first.to_dict(), "file": "tuesday.mp4"}
    key = jump_session.analysis_key(again, "auto", None, "full")
    assert jump_session.cached_analysis(state, key, "tuesday.mp4") is second, "kept renamed for the next rerun"


def test_an_unexpected_engine_failure_shows_an_apology_not_a_traceback(jump_app, monkeypatch, caplog):
    def broken(*args, **kwargs):
        # What posture.video.isolated raises when the engine raised in the child: its traceback as text.
        raise isolated.ChildFailed("Traceback ...\nRuntimeError: internal detail that must stay in the log")

    monkeypatch.setattr(isolated, "run_in_child", broken)
    upload_clip(jump_app, "jump04_front.mp4", JUMP_CLIP.read_bytes())
    errors = [str(e.value) for e in jump_app.error]
    assert len(errors) == 1
    assert present.UNEXPECTED_TITLE in errors[0]
    assert "internal detail" not in texts(jump_app)
    assert "internal detail" in caplog.text


@pytest.mark.slow
def test_a_clip_whose_analysis_crashes_is_refused_and_the_page_carries_on(jump_app, caplog):
    with killed_analysis() as killed:
        upload_clip(jump_app, "jump04_front.mp4", JUMP_CLIP.read_bytes())
    assert killed, "the analysis' child process was killed, as the out-of-memory killer would"
    errors = [str(e.value) for e in jump_app.error]
    assert len(errors) == 1
    assert present.CAUSE_TITLES[CRASHED] in errors[0]
    assert present.CAUSE_NEXT_STEPS[CRASHED] in errors[0]
    assert "exit code -9" in caplog.text
    upload_clip(jump_app, "notes.mp4", b"These are the notes of the session, not a video.\n" * 40)
    assert present.JUMP_ERROR_TITLES["not_a_video"] in jump_app.error[0].value, "the next clip is analysed"


def test_the_clip_survives_a_visit_to_another_page_until_removed(jump_app):
    upload_clip(jump_app, "notes.mp4", b"These are the notes of the session, not a video.\n" * 40)
    assert present.JUMP_ERROR_TITLES["not_a_video"] in jump_app.error[0].value
    jump_app.switch_page(HISTORY_PAGE).run()
    assert_clean(jump_app)
    jump_app.switch_page(JUMP_PAGE).run()
    assert_clean(jump_app)
    assert "Still here from earlier in this session: notes\\.mp4" in texts(jump_app)
    assert present.JUMP_ERROR_TITLES["not_a_video"] in jump_app.error[0].value
    jump_app.button(key="forget_clip").click().run()
    assert_clean(jump_app)
    assert not jump_app.error
    assert "How to film a usable jump-rope clip" in texts(jump_app)


def test_a_new_clip_starts_at_the_detected_view_and_each_clip_keeps_its_own(jump_app):
    from posture_app.pages.jump_check import view_key

    first = jump_session.ClipInput.of(JUMP_CLIP.name, JUMP_CLIP.read_bytes())
    upload_clip(jump_app, first.name, first.data)
    jump_app.selectbox(key=view_key(first)).set_value("back").run(timeout=ANALYSIS_TIMEOUT_S)
    assert_clean(jump_app)
    assert jump_app.error, "a front clip read as seen from the back is refused"

    # The next clip, filmed from the front too, is read with the view it shows, not the one left from before.
    second = jump_session.ClipInput.of("jump03_front.mp4", (DATA / "jump03_front.mp4").read_bytes())
    upload_clip(jump_app, second.name, second.data)
    assert jump_app.selectbox(key=view_key(second)).value == "auto"
    assert not jump_app.error
    assert "Your jump-rope session" in [h.value for h in jump_app.header]
    views = [(key[0], key[1]) for key in jump_app.session_state[jump_session.ANALYSES_KEY]]
    assert views[-1] == (second.sha256, "auto")

    # A choice made for this clip stays while another page is open.
    jump_app.selectbox(key=view_key(second)).set_value("front").run(timeout=ANALYSIS_TIMEOUT_S)
    jump_app.switch_page(HISTORY_PAGE).run()
    jump_app.switch_page(JUMP_PAGE).run(timeout=ANALYSIS_TIMEOUT_S)
    assert_clean(jump_app)
    assert jump_app.selectbox(key=view_key(second)).value == "front"
    assert "Your jump-rope session" in [h.value for h in jump_app.header]


# --- every refusal, on a real file --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stand_frames() -> list[np.ndarray]:
    return list(read_rgb(STAND))


@pytest.fixture(scope="module")
def made(tmp_path_factory, stand_frames) -> Clips:
    return Clips(tmp_path_factory.mktemp("jump-app"), stand_frames)


def _encoded(folder: Path, name: str, frames: list[np.ndarray], **kwargs) -> bytes:
    path = folder / name
    write_video(path, frames, **kwargs)
    return path.read_bytes()


def decode_case(code: str, folder: Path, stand: list[np.ndarray]) -> tuple[str, bytes]:
    """A file refused while the video is opened or decoded (before any tracking)."""
    small = [frame[::4, ::4].copy() for frame in stand]
    if code == "not_a_video":
        return "notes.mp4", b"These are the notes of the session, not a video.\n" * 40
    if code == "corrupt_video":
        data = JUMP_CLIP.read_bytes()
        return "cut.mp4", data[: len(data) // 2]
    if code == "unsupported_codec":
        return "mpeg2.mp4", _encoded(folder, "mpeg2.mp4", small, codec="mpeg2video")
    if code == "video_too_short":
        return "short.mp4", _encoded(folder, "short.mp4", small[:60])
    if code == "video_too_long":
        return "long.mp4", _encoded(folder, "long.mp4", [small[0][:64, :64]] * 200, fps=1.0)
    assert code == "video_too_large"
    huge = np.zeros((2400, 4200, 3), np.uint8)  # 10.1 MP frames: above 4K
    return "huge.mp4", _encoded(folder, "huge.mp4", [huge] * 4, options={"preset": "ultrafast"})


DECODE_CODES = [
    "not_a_video",
    "corrupt_video",
    "unsupported_codec",
    "video_too_short",
    "video_too_long",
    "video_too_large",
]
# Refusals that need the landmarker over the clip: (code, how the clip is made).
TRACKING_CASES = {
    "no_person": "empty_room",
    "multiple_people": "two_people",
    "body_cut_off": "feet_cut_off",
    "person_too_small": "far_away",
    "camera_moving": "moving_camera",
}


def assert_refused(at: AppTest, code: str) -> None:
    errors = [e.value for e in at.error]
    assert len(errors) == 1, errors
    assert present.JUMP_ERROR_TITLES[code] in errors[0]
    assert "What to do next" in errors[0]
    assert present.JUMP_ERROR_NEXT_STEPS[code] in errors[0]
    assert not at.metric
    assert "Your jump-rope session" not in {h.value for h in at.header}


@pytest.mark.parametrize("code", DECODE_CODES)
def test_each_unreadable_clip_says_what_to_film_differently(jump_app, tmp_path, stand_frames, code):
    name, data = decode_case(code, tmp_path, stand_frames)
    upload_clip(jump_app, name, data)
    assert_refused(jump_app, code)


@pytest.mark.parametrize(
    "code", [pytest.param(code, marks=() if code == "no_person" else pytest.mark.slow) for code in TRACKING_CASES]
)
def test_each_unusable_clip_says_what_to_film_differently(jump_app, made, code):
    upload_clip(jump_app, f"{code}.mp4", made[TRACKING_CASES[code]].read_bytes())
    assert_refused(jump_app, code)


@pytest.mark.slow
def test_standing_still_is_no_jumping(jump_app):
    upload_clip(jump_app, "stand.mp4", STAND.read_bytes())
    assert_refused(jump_app, "no_jumping_found")


@pytest.mark.slow
def test_a_time_lapse_clip_is_refused_for_its_frame_rate(jump_app, tmp_path):
    every_third = list(read_rgb(JUMP_CLIP))[::3]  # the 30 fps clip as 10 frames per second
    upload_clip(jump_app, "timelapse.mp4", _encoded(tmp_path, "timelapse.mp4", every_third, fps=10.0))
    assert_refused(jump_app, "frame_rate_too_low")


def test_every_video_code_has_a_title_a_next_step_and_a_test():
    codes = set(VIDEO_ERROR_CODES) | set(TRACKING_CASES)
    assert codes <= set(present.JUMP_ERROR_TITLES) == set(present.JUMP_ERROR_NEXT_STEPS)
    tested = set(DECODE_CODES) | set(TRACKING_CASES) | {"no_jumping_found", "frame_rate_too_low"}
    assert tested == codes
