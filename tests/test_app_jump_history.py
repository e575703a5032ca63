"""Jump-rope sessions through the app, headless with ``streamlit.testing.v1.AppTest``: the jump page saves,
the History page lists, opens, compares and charts them, a failed save keeps the results, and a history
file of the previous format opens with everything in it.

The quick flows give the page the public clip's real bytes and put its analysis in the page's session
cache, analysed by the engine from the clip's exact keypoints (tests/public_jumps.py), so the page skips
MediaPipe's tracking and draws, saves and lists exactly as after an upload; the slow test uploads and
tracks the clip for real. Real SQLite files in tmp_path (POSTURE_DATA_DIR), no mocks.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from posture.history import DB_FILENAME, KIND_JUMP, KIND_PHOTOS, HistoryStore, jump_trend
from posture.history.jump_record import jump_thumbnails, save_jump_session
from posture.history.jump_sessions import GREW, SHRANK
from posture.jump.engine import JumpAnalysis
from posture.wording import jump_measure_name
from posture.wording_jump import jump_status_label
from posture.wording_jump_history import NO_SESSION_STILL, SESSION_STILL_CAPTION, jump_change_label

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # app.py and posture_app/ live at the top of the repository
    sys.path.insert(0, str(ROOT))

from posture_app import jump_history, jump_session, present  # noqa: E402
from posture_app.jump_trend import jump_trend_chart  # noqa: E402
from posture_app.pages.jump_check import MODEL  # noqa: E402
from tests.public_jumps import public_analysis  # noqa: E402
from tests.test_app import TIMEOUT_S, assert_clean, texts  # noqa: E402
from tests.test_app_jump import JUMP_CLIP, JUMP_PAGE, upload_clip  # noqa: E402

APP = ROOT / "app.py"
HISTORY_PAGE = "posture_app/pages/history.py"
OLD_FILE = ROOT / "tests" / "data" / "history" / "history_v2.sqlite3"
WEEK_0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
TIMING = jump_measure_name("hand_phase_lead_ms")


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "history"
    monkeypatch.setenv("POSTURE_DATA_DIR", str(folder))
    return folder


def jump_page_with(analysis: JumpAnalysis) -> AppTest:
    """The jump page after the person entered their height and added the public clip ``analysis`` measures."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.switch_page(JUMP_PAGE)
    at.run()
    at.number_input(key="height_cm").set_value(analysis.height_cm).run()
    data = JUMP_CLIP.read_bytes()
    clip = jump_session.ClipInput.of(JUMP_CLIP.name, data)
    key = jump_session.analysis_key(clip, present.AUTO_VIEW, analysis.height_cm, MODEL)
    at.session_state[jump_session.ANALYSES_KEY] = {key: analysis}
    upload_clip(at, JUMP_CLIP.name, data)
    assert "Your jump-rope session" in {h.value for h in at.header}
    return at


def saved_notices(at: AppTest) -> list[str]:
    return [s.value for s in at.success if "Saved as session #" in s.value]


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(t.value for t in at.dataframe if column in t.value.columns)


def still_captions(at: AppTest) -> list[str]:
    """The captions of the images on the page, in page order."""
    return [caption for image in at.image for caption in image.captions]


def change_of(at: AppTest, measure: str) -> str:
    compared = table_with(at, "Change")
    return dict(zip(compared["Measure"], compared["Change"], strict=True))[measure]


def test_save_on_the_jump_page_then_list_open_compare_and_chart(data_dir):
    at = jump_page_with(public_analysis("jump04_front"))
    assert "Save this session" in {h.value for h in at.header}
    assert not data_dir.exists(), "nothing is written before Save"
    at.text_input(key="person_label").set_value("Sam").run()
    at.button(key="jump_save").click().run()
    assert_clean(at)
    assert saved_notices(at) == ["Saved as session #1. Open the History page to compare it with earlier sessions."]
    assert at.button(key="jump_save").disabled, "the same session again would be a second, identical row"
    (summary,) = HistoryStore().list()
    assert (summary.kind, summary.label, summary.views, summary.jump_count) == (KIND_JUMP, "Sam", ("front",), 15)
    assert HistoryStore().get(1).record["person"]["height_cm"] == public_analysis("jump04_front").height_cm
    saved = HistoryStore().get(1)
    still = jump_thumbnails(JUMP_CLIP, public_analysis("jump04_front"))
    assert (*saved.thumbnails, *saved.annotated_thumbnails) == still, "one still of the clip, plain and drawn"
    # A label typed on the page wins over the sidebar's name; a save under another label is still to be made.
    at.text_input(key="jump_save_label").set_value("Sam, week 6").run()
    assert not saved_notices(at)
    # The same person's first session, six weeks earlier (from the library call the CLI's --save makes).
    assert save_jump_session(HistoryStore(), public_analysis("jump01_front"), label="Sam, week 0", taken_at=WEEK_0) == 2

    at.switch_page(HISTORY_PAGE).run()
    assert_clean(at)
    # Opened on the page's save (#1) and comparing #2 (saved without its clip, as before stills were kept)
    # with it: #1's still in both places, #2 says it has none.
    assert still_captions(at) == [SESSION_STILL_CAPTION, SESSION_STILL_CAPTION]
    assert [c.value for c in at.caption].count(NO_SESSION_STILL) == 1
    listing = table_with(at, "Top patterns")
    assert list(listing["#"]) == [1, 2]
    assert list(listing["What"]) == ["jump rope", "jump rope"]
    assert list(listing["Jumps"]) == ["15", "21"]  # text: a photo row shows nothing, not "None"
    # The list shows #1 by its still; #2 was saved without its clip, so its line has no picture.
    assert listing["Picture"][0].startswith("data:image/jpeg;base64,")
    assert listing["Picture"][1] == present.NO_LIST_PICTURE
    assert list(listing["Uneven sides"]) == [
        # jump04 (exact keypoints): its true trunk lean (-2.6 deg) and hand height (-3.0 cm) are both past threshold
        "trunk leans to the right; right hand held higher",
        "right hand turns ahead; right elbow flares out",
    ]
    # Opened on the page's save: its left-right measures with bands and verdicts.
    opened = table_with(at, "Value (95 % band)")
    # ...and every other measure a coach re-reads: per-side sizes, timing, tiring trends.
    others = table_with(at, "Confidence")
    assert {jump_measure_name(k) for k in ("cadence_jpm", "flight_time_ms", "hand_circle_cm_left")} <= set(
        others["Measure"]
    )
    assert not set(others["Measure"]) & set(opened["Measure"])
    cadence = others.loc[others["Measure"] == jump_measure_name("cadence_jpm"), "Value (95 % band)"].item()
    assert not cadence.startswith("+"), cadence  # a rate has no side
    timing_verdict = opened.loc[opened["Measure"] == TIMING, "Verdict"].item()
    assert timing_verdict != jump_status_label("asymmetric"), "jump04's hands turn together"
    assert jump_status_label("asymmetric") in set(opened["Verdict"]), "its lean and hand height are uneven"
    at.selectbox(key="history_open").set_value(2).run()
    assert_clean(at)
    assert still_captions(at) == [SESSION_STILL_CAPTION], "only the compared #1 shows one"
    assert [c.value for c in at.caption].count(NO_SESSION_STILL) == 2
    assert jump_status_label("asymmetric") in set(table_with(at, "Value (95 % band)")["Verdict"])
    assert any("Sam, week 0" in m.value for m in at.markdown)
    # Compared: before = week 0 (#2), after = the page's save (#1); the right hand's lead shrank past both bands.
    assert change_of(at, TIMING) == jump_change_label(SHRANK)
    assert set(table_with(at, "Change")["View"]) == {"front"}
    page = texts(at)
    assert "95 % bands do not overlap" in page
    assert "None so far, over 2 saved sessions" in page
    at.selectbox(key="compare_before").set_value(1).run()
    at.selectbox(key="compare_after").set_value(2).run()
    assert change_of(at, TIMING) == jump_change_label(GREW)
    # Charted over the sessions, each with its band as an error bar.
    at.selectbox(key="jump_trend_measure").set_value("hand_phase_lead_ms").run()
    assert_clean(at)
    charts = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    (jump_chart,) = [spec for spec in charts if "errorbar" in [layer["mark"]["type"] for layer in spec["layer"]]]
    assert [layer["mark"]["type"] for layer in jump_chart["layer"]] == ["rule", "errorbar", "point"]
    assert jump_chart["layer"][1]["encoding"]["y"]["title"] == f"{TIMING} (ms)"
    # Deleting the page's save in the History: back on the jump page, it no longer says it is saved.
    at.selectbox(key="history_open").set_value(1).run()
    at.button(key="delete_ask").click().run()
    assert any("Delete jump-rope session #1 from this computer?" in w.value for w in at.warning)
    at.button(key="delete_confirm").click().run()
    assert_clean(at)
    assert any("Deleted jump-rope session #1." in s.value for s in at.success)  # said "Deleted assessment #1"
    assert [s.id for s in HistoryStore().list()] == [2]
    at.switch_page(JUMP_PAGE).run()
    assert_clean(at)
    assert "Save this session" in {h.value for h in at.header}
    assert not saved_notices(at)


def test_the_trend_chart_holds_each_session_with_its_band_oldest_first(tmp_path):
    store = HistoryStore(tmp_path / DB_FILENAME)
    save_jump_session(store, public_analysis("jump05_front"), label="later")
    save_jump_session(store, public_analysis("jump01_front"), label="earlier", taken_at=WEEK_0)
    save_jump_session(store, public_analysis("jump07_left"), label="side view: no left-right value")
    points = jump_trend(store.jump_sessions(), "hand_phase_lead_ms")
    spec = jump_trend_chart(points, "hand_phase_lead_ms", 20.0).to_dict()
    (rows,) = [data for data in spec["datasets"].values() if data and "session" in data[0]]
    assert [row["session"] for row in rows] == ["#2", "#1"]
    for row, name in zip(rows, ("jump01_front", "jump05_front"), strict=True):
        saved = public_analysis(name).session.measurements["hand_phase_lead_ms"]
        assert row["value"] == pytest.approx(saved.value, abs=1e-3)
        assert [row["low"], row["high"]] == pytest.approx(list(saved.band), abs=1e-3)
        assert row["verdict"] == jump_status_label(saved.status)
    (limits,) = [data for data in spec["datasets"].values() if data and "line" in data[0]]
    assert sorted(row["y"] for row in limits) == [-20.0, 0.0, 20.0]


def test_an_old_history_file_opens_with_jump_sessions_beside_it_and_persistence_shown(data_dir):
    data_dir.mkdir()
    shutil.copy(OLD_FILE, data_dir / DB_FILENAME)
    for week in (1, 5):
        save_jump_session(
            HistoryStore(), public_analysis("jump01_front"), label=f"Anna, rope week {week}", taken_at=WEEK_0
        )
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.switch_page(HISTORY_PAGE)
    at.run()
    assert_clean(at)
    listing = table_with(at, "Top patterns")
    assert sorted(zip(listing["#"], listing["What"], strict=True)) == [
        (1, "photos"),
        (3, "photos"),
        (4, "jump rope"),
        (5, "jump rope"),
    ]
    assert {s.kind for s in HistoryStore().list()} == {KIND_PHOTOS, KIND_JUMP}
    page = texts(at)
    assert "Right hand turns ahead: uneven in 2 saved sessions (#4 and #5)." in page
    assert "Right elbow flares out: uneven in 2 saved sessions (#4 and #5)." in page
    # Opened, a session names the persistent asymmetries it is part of.
    at.selectbox(key="history_open").set_value(4).run()
    opened = table_with(at, "Value (95 % band)")
    persistent = dict(zip(opened["Measure"], opened["Persistent"], strict=True))
    assert persistent[TIMING] == "Right hand turns ahead: uneven in 2 saved sessions (#4 and #5)."
    assert persistent[jump_measure_name("hand_circle_si_pct")] == ""
    # An old photo assessment still opens with its photos and measures.
    at.selectbox(key="history_open").set_value(3).run()
    assert_clean(at)
    assert any("Anna, week 4" in m.value for m in at.markdown)
    # Its two thumbnails, and the compared photo assessments' (#1 before: one, #3 after: two).
    assert len(at.get("image")) == 2 + 1 + 2
    assert "Measure" in table_with(at, "Normal").columns
    # A photo assessment is not compared with a jump session.
    at.selectbox(key="compare_before").set_value(3).run()
    at.selectbox(key="compare_after").set_value(4).run()
    assert "measure different things" in texts(at)
    # The persistent asymmetry is named in the comparison of the two rope sessions too.
    at.selectbox(key="compare_before").set_value(4).run()
    at.selectbox(key="compare_after").set_value(5).run()
    persistent = dict(zip(table_with(at, "Change")["Measure"], table_with(at, "Change")["Persistent"], strict=True))
    assert persistent[TIMING] == "Right hand turns ahead: uneven in 2 saved sessions (#4 and #5)."
    assert persistent[jump_measure_name("landing_lead_ms")] == ""


def test_a_failed_save_says_so_and_keeps_the_results(data_dir):
    data_dir.mkdir()
    (data_dir / DB_FILENAME).write_text("the coach's notes, not a history file\n" * 50)
    at = jump_page_with(public_analysis("jump04_front"))
    cards = [m.label for m in at.metric]
    at.button(key="jump_save").click().run()
    assert_clean(at)
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert "The session was not saved" in errors[0]
    assert "Your results stay on this page" in errors[0]
    assert "Your jump-rope session" in {h.value for h in at.header}
    assert [m.label for m in at.metric] == cards
    assert not saved_notices(at)
    assert (data_dir / DB_FILENAME).read_text().startswith("the coach's notes")


@pytest.mark.slow
def test_a_clip_tracked_for_real_is_saved_and_listed(data_dir):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.switch_page(JUMP_PAGE)
    at.run()
    upload_clip(at, JUMP_CLIP.name, JUMP_CLIP.read_bytes())
    analysis = next(iter(at.session_state[jump_session.ANALYSES_KEY].values()))
    assert isinstance(analysis, JumpAnalysis)
    at.button(key="jump_save").click().run()
    assert_clean(at)
    assert saved_notices(at)
    saved = HistoryStore().get(1)
    assert saved.record["measurements"]["jump_count"]["value"] == len(analysis.session.jumps)
    at.switch_page(HISTORY_PAGE).run()
    assert_clean(at)
    assert list(table_with(at, "Top patterns")["Jumps"]) == [str(len(analysis.session.jumps))]


def test_a_side_view_names_what_it_cannot_show_once_not_card_by_card(data_dir):
    # jump07 is filmed from the left: the left-right comparisons need a front or back view. The page showed
    # four "Not assessed" lines at a glance and eleven "not assessed" cards, each with the same reason.
    analysis = public_analysis("jump07_left")
    at = jump_page_with(analysis)
    assert_clean(at)
    unread = [k for k, m in analysis.session.measurements.items() if m.status == "not_assessed"]
    assert len(unread) >= 8
    assert "not assessed" not in [m.value for m in at.metric]
    captions = [str(c.value) for c in at.caption]
    for key in unread:
        name = jump_measure_name(key)
        assert any(c.startswith("Not assessed (") and name in c for c in captions), name
    glance = [c for c in captions if c.startswith("Not assessed (landing")]
    assert len(glance) == 1, "the summary's four unread lines share one reason"
    assert not [m for m in at.markdown if str(m.value).startswith("Not assessed:")]


def test_a_clip_shorter_than_the_guide_asks_for_says_so(data_dir):
    # The public clips last 8 s; the filming guide asks for 20-60 s. The page measured them without a word.
    analysis = public_analysis("jump04_front")
    assert analysis.video.duration_s < 20
    at = jump_page_with(analysis)
    (note,) = [i.value for i in at.info if "the guide asks for 20-60 s" in i.value]
    assert note.startswith(f"This clip lasts 8 s ({len(analysis.session.jumps)} jumps)")
    longer = dataclasses.replace(analysis, video=dataclasses.replace(analysis.video, duration_s=24.0))
    assert not [i for i in jump_page_with(longer).info if "the guide asks for" in i.value]


def test_a_side_view_session_is_listed_as_not_assessed_for_sides_not_as_even():
    # A profile shows one side of the body: "no uneven side" read as an even athlete in the list.
    from posture.history import Summary

    def listed(view: str) -> str:
        return jump_history.uneven_text(Summary(1, WEEK_0, "", (view,), 0, (), kind=KIND_JUMP, jump_count=20))

    assert listed("left") == listed("right") == "not assessed (a side view shows no left-right difference)"
    assert listed("front") == listed("back") == "no clearly uneven side"
