"""Jump-rope sessions in the history: real SQLite files in tmp_path, real analyses of the public clips
(tests/public_jumps.py), the real format-2 file written by the previous release's code."""

from __future__ import annotations

import io
import json
import math
import shutil
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from posture.history import (
    KIND_JUMP,
    KIND_PHOTOS,
    LATEST_VERSION,
    HistoryError,
    HistoryStore,
    JumpSessionRecord,
    asymmetry_change,
    compare_jump_records,
    jump_trend,
    persistent_asymmetries,
)
from posture.history.compare import DIFFERENT_VIEW
from posture.history.jump_record import jump_record_of, save_jump_session
from posture.history.jump_sessions import (
    GREW,
    NO_CLEAR_CHANGE,
    NOT_COMPARABLE,
    SHRANK,
    SWITCHED_SIDE,
    headline_asymmetries,
    left_right_measures,
)
from posture.history.record import THUMBNAIL_MAX_PX, Person
from posture.jump.annotate_video import LEFT_RGB, RIGHT_RGB
from posture.jump.engine import middle_seen_frame
from posture.jump_command import save_sessions
from posture.video.decode import still_frame
from posture.wording_jump_history import asymmetry_phrase, persistent_sentence
from tests.public_jumps import mirrored_analysis, public_analysis

OLD_FILE = Path(__file__).resolve().parent / "data" / "history" / "history_v2.sqlite3"
CLIP = Path(__file__).resolve().parent / "data" / "video" / "jump04_front.mp4"
T0 = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
LEFT_RIGHT_KEYS = {
    "landing_lead_ms",
    "foot_clearance_si_pct",
    "hand_circle_si_pct",
    "landing_depth_diff_cm",
    "hand_phase_lead_ms",
    "hand_height_diff_cm",
    "hand_spread_diff_cm",
    "lateral_shift_cm",
    "trunk_lateral_lean_deg",
    "trunk_twist_deg",
}


@pytest.fixture
def store(tmp_path) -> HistoryStore:
    return HistoryStore(tmp_path / "history.sqlite3")


def record(name: str) -> dict:
    return jump_record_of(public_analysis(name))


def session(session_id: int, name: str, days: int = 0) -> JumpSessionRecord:
    return JumpSessionRecord(session_id, T0 + timedelta(days=days), name, record(name))


def rows(path: Path) -> tuple[list[tuple], list[tuple]]:
    """Every assessment row (without the kind column) and every thumbnail row, straight from SQLite."""
    with sqlite3.connect(path) as conn:
        assessments = conn.execute(
            "SELECT id, taken_at, label, record_json, engine_version FROM assessments ORDER BY id"
        ).fetchall()
        thumbnails = conn.execute("SELECT * FROM thumbnails ORDER BY assessment_id, position").fetchall()
    conn.close()
    return assessments, thumbnails


# -- the format-2 file of the previous release ---------------------------------------------------------------


def test_a_file_of_the_previous_format_is_migrated_with_everything_kept(tmp_path):
    path = tmp_path / "history.sqlite3"
    shutil.copy(OLD_FILE, path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    conn.close()
    before = rows(path)
    assert [row[0] for row in before[0]] == [1, 3], "the file holds two assessments (#2 was deleted)"
    store = HistoryStore(path)
    listed = store.list()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION == 3
        kinds = conn.execute("SELECT kind FROM assessments").fetchall()
    conn.close()
    assert rows(path) == before, "every row and thumbnail byte-exact after the migration"
    assert kinds == [(KIND_PHOTOS,), (KIND_PHOTOS,)]
    assert [(s.id, s.label, s.kind, s.views) for s in listed] == [
        (3, "Anna, week 4", KIND_PHOTOS, ("front", "left")),
        (1, "Anna, week 0", KIND_PHOTOS, ("front",)),
    ]
    old = store.get(3)
    assert old.record == json.loads(before[0][1][3])
    assert old.record["person"]["note"] == "note 2 — ünïcode"
    assert len(old.thumbnails) == len(old.annotated_thumbnails) == 2
    assert [d.direction for d in store.compare(1, 3) if d.view == "front"], "photo comparisons still work"
    # The migrated file takes jump sessions; ids continue after the deleted #2 and the old #3.
    new_id = save_jump_session(store, public_analysis("jump01_front"), label="Anna")
    assert new_id == 4
    assert [s.kind for s in store.list()] == [KIND_JUMP, KIND_PHOTOS, KIND_PHOTOS]
    assert store.trend("craniovertebral_angle_deg"), "photo trends read the photo rows"
    assert all(p.view in {"front", "left"} for p in store.trend("craniovertebral_angle_deg"))


def test_a_migration_that_fails_leaves_the_old_file_as_it_was(tmp_path):
    path = tmp_path / "history.sqlite3"
    shutil.copy(OLD_FILE, path)
    with sqlite3.connect(path) as conn:  # a column of that name already there: ADD COLUMN fails midway
        conn.execute("ALTER TABLE assessments ADD COLUMN kind TEXT")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="duplicate column"):
        HistoryStore(path).list()
    assert path.read_bytes() == before


# -- saving, listing, exporting --------------------------------------------------------------------------------


def test_a_jump_session_round_trips_with_its_summary(store):
    analysis = public_analysis("jump01_front")
    session_id = save_jump_session(
        store, analysis, label="Zoë, week 0", person=Person(height_cm=analysis.height_cm, sex="female", age=29)
    )
    saved = store.get(session_id)
    assert saved.kind == KIND_JUMP
    assert saved.thumbnails == ()
    assert saved.record == json.loads(
        json.dumps(jump_record_of(analysis, person=Person(analysis.height_cm, "female", 29)))
    )
    assert saved.record["measurements"]["jump_count"]["value"] == len(analysis.session.jumps) == 21
    assert len(saved.record["jumps"]) == 21, "the per-jump series is kept"
    assert saved.record["person"] == {"height_cm": analysis.height_cm, "sex": "female", "age": 29, "note": ""}
    (summary,) = store.list()
    assert (summary.kind, summary.views, summary.jump_count, summary.photo_count, summary.label) == (
        KIND_JUMP,
        ("front",),
        21,
        0,
        "Zoë, week 0",
    )
    # jump01 turns the rope with the right hand ahead and its right elbow out (the engine's verdicts).
    assert [(a.key, a.side) for a in summary.asymmetries] == [
        ("hand_phase_lead_ms", "right"),
        ("hand_spread_diff_cm", "right"),
    ]
    assert asymmetry_phrase("hand_phase_lead_ms", "right") == "right hand turns ahead"
    assert store.jump_sessions() == [JumpSessionRecord(session_id, saved.taken_at, "Zoë, week 0", saved.record)]


def test_a_saved_record_is_strict_json_even_where_the_clip_showed_nothing():
    for name in ("jump01_front", "jump07_left"):
        text = json.dumps(record(name), allow_nan=False)  # raises on NaN or infinity
        assert "NaN" not in text
    side = record("jump07_left")
    assert side["view"] == "left"
    assert {side["measurements"][key]["status"] for key in LEFT_RIGHT_KEYS} == {"not_assessed"}
    assert left_right_measures(side) == {}, "a side view gives no left-right verdict"
    assert headline_asymmetries(side) == ()
    assert set(left_right_measures(record("jump01_front"))) == LEFT_RIGHT_KEYS


def test_photo_rows_and_jump_rows_stay_apart(store):
    jump_id = save_jump_session(store, public_analysis("jump03_front"))
    photo_id = store.save({"photos": [{"view": "front", "measurements": {"shoulder_tilt_deg": {"value": 1.0}}}]})
    assert store.get(photo_id).kind == KIND_PHOTOS
    assert [s.id for s in store.jump_sessions()] == [jump_id]
    assert [p.value for p in store.trend("shoulder_tilt_deg")] == [1.0]
    assert store.compare(jump_id, photo_id)[0].direction == "n/a", "a jump record has no photo measure"
    with pytest.raises(ValueError, match="kind must be one of"):
        store.save({}, kind="video")


def test_the_export_holds_jump_sessions_beside_photo_assessments(store, tmp_path):
    photo_id = store.save({"photos": []}, [b"\xff\xd8jpeg"], label="photos", taken_at=T0)
    jump_id = save_jump_session(store, public_analysis("jump04_front"), label="rope")
    with zipfile.ZipFile(store.export(tmp_path)) as archive:
        entries = json.loads(archive.read("assessments.json"))["assessments"]
    assert [(e["id"], e["kind"], e["label"]) for e in entries] == [
        (photo_id, KIND_PHOTOS, "photos"),
        (jump_id, KIND_JUMP, "rope"),
    ]
    assert entries[1]["record"] == store.get(jump_id).record
    assert entries[1]["thumbnails"] == []


def test_deleting_a_jump_session(store):
    first = save_jump_session(store, public_analysis("jump01_front"))
    second = save_jump_session(store, public_analysis("jump03_front"))
    assert store.delete(first)
    assert [s.id for s in store.jump_sessions()] == [second]
    assert not store.delete(first)


def test_the_cli_save_reports_a_broken_history_and_saves_nothing_of_the_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POSTURE_DATA_DIR", str(tmp_path))
    (tmp_path / "history.sqlite3").write_text("my shopping list, not a history\n" * 100)
    assert not save_sessions([public_analysis("jump01_front")], None, quiet=False)
    assert "saving to the history failed after 0 saved" in capsys.readouterr().err
    (tmp_path / "history.sqlite3").unlink()
    assert save_sessions([public_analysis("jump01_front"), public_analysis("jump07_left")], None, quiet=False)
    assert "as #1, #2" in capsys.readouterr().out
    assert save_sessions([public_analysis("jump03_front")], "week 3", quiet=True), "as --json --save does"
    assert capsys.readouterr().out == "", "--json prints the contract alone"
    assert [s.label for s in HistoryStore().list()] == ["week 3", "jump07_left.mp4", "jump01_front.mp4"]


def test_the_cli_save_reports_a_history_folder_that_cannot_be_made(tmp_path, monkeypatch, capsys):
    # `posture jump CLIP --save` with POSTURE_DATA_DIR naming a file: was a FileExistsError out of save_sessions.
    (tmp_path / "data").write_text("a file where the folder should be")
    monkeypatch.setenv("POSTURE_DATA_DIR", str(tmp_path / "data"))
    assert not save_sessions([public_analysis("jump01_front")], None, quiet=False)
    assert "saving to the history failed after 0 saved" in capsys.readouterr().err
    assert (tmp_path / "data").read_text() == "a file where the folder should be"


# -- before / after -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "before_band", "after", "after_band", "expected"),
    [
        (-55.6, (-59.4, -51.8), -0.1, (-3.9, 3.7), SHRANK),
        (-0.1, (-3.9, 3.7), -55.6, (-59.4, -51.8), GREW),
        (12.0, (5.0, 19.0), 8.0, (1.0, 15.0), NO_CLEAR_CHANGE),
        (12.0, (5.0, 19.0), 25.0, (19.0, 31.0), NO_CLEAR_CHANGE),  # touching bands: not told apart
        (12.0, (5.0, 19.0), -12.0, (-19.0, -5.0), SWITCHED_SIDE),
        (12.0, (5.0, 19.0), -30.0, (-35.0, -25.0), SWITCHED_SIDE),
        (1.0, (-2.0, 4.0), -30.0, (-35.0, -25.0), GREW),  # from even to uneven on the right
    ],
)
def test_an_asymmetry_changes_only_beyond_both_bands(before, before_band, after, after_band, expected):
    assert asymmetry_change(before, before_band, after, after_band) == expected


def test_compare_real_sessions_of_the_same_view():
    changes = {c.key: c for c in compare_jump_records(record("jump01_front"), record("jump05_front"))}
    assert set(changes) == LEFT_RIGHT_KEYS
    # jump01's right hand turns ~56 ms ahead (band -59 to -52); jump05's hands turn together (-4 to 4).
    timing = changes["hand_phase_lead_ms"]
    assert (timing.direction, timing.view, timing.unit) == (SHRANK, "front", "ms")
    assert (timing.before_status, timing.after_status) == ("asymmetric", "symmetric")
    assert timing.before_band[1] < timing.after_band[0]
    assert {c.key: c.direction for c in compare_jump_records(record("jump05_front"), record("jump01_front"))}[
        "hand_phase_lead_ms"
    ] == GREW
    # Wide bands that overlap are no change, whatever the values say.
    assert changes["foot_clearance_si_pct"].direction == NO_CLEAR_CHANGE
    same = compare_jump_records(record("jump01_front"), record("jump01_front"))
    assert {c.direction for c in same} == {NO_CLEAR_CHANGE}


def test_sessions_of_different_views_are_never_judged():
    changes = compare_jump_records(record("jump01_front"), record("jump06_back"))
    assert {c.direction for c in changes} == {DIFFERENT_VIEW}
    assert {c.view for c in changes} == {"front→back"}
    side = compare_jump_records(record("jump01_front"), record("jump07_left"))
    assert {c.direction for c in side} == {NOT_COMPARABLE}, "a side view has no left-right value to compare"


# -- persistence ----------------------------------------------------------------------------------------------


def test_an_asymmetry_persists_only_on_the_same_side_in_two_sessions():
    once = [session(1, "jump01_front"), session(2, "jump03_front", 7)]
    assert persistent_asymmetries(once) == [], "each uneven side showed in one session only"
    mirrored = JumpSessionRecord(
        3, T0 + timedelta(days=14), "mirror", jump_record_of(mirrored_analysis("jump01_front"))
    )
    assert persistent_asymmetries([*once, mirrored]) == [], "the same measures uneven on the other side"
    again = session(4, "jump01_front", 21)
    found = persistent_asymmetries([*once, mirrored, again])
    assert [(p.key, p.side, p.session_ids) for p in found] == [
        ("hand_phase_lead_ms", "right", (1, 4)),
        ("hand_spread_diff_cm", "right", (1, 4)),
    ]
    assert found[0].taken_at == (T0, T0 + timedelta(days=21))
    assert persistent_sentence("hand_phase_lead_ms", "right", (1, 4)) == (
        "Right hand turns ahead: uneven in 2 saved sessions (#1 and #4)."
    )


def test_the_trend_of_a_measure_over_sessions_carries_each_band():
    sessions = [session(2, "jump05_front", 7), session(1, "jump01_front"), session(3, "jump07_left", 14)]
    points = jump_trend(sessions, "hand_phase_lead_ms")
    assert [(p.session_id, p.view, p.status) for p in points] == [(1, "front", "asymmetric"), (2, "front", "symmetric")]
    for point, name in zip(points, ("jump01_front", "jump05_front"), strict=True):
        saved = record(name)["measurements"]["hand_phase_lead_ms"]
        assert (point.value, [point.low, point.high], point.unit) == (saved["value"], saved["band"], "ms")
        assert point.low <= point.value <= point.high
        assert not math.isnan(point.value)


# -- the still a session is recognised by ---------------------------------------------------------------------


def jpeg_rgb(data: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    return np.asarray(image.convert("RGB"))


def near(rgb: np.ndarray, colour: tuple[int, int, int], tolerance: int = 40) -> int:
    """How many pixels lie within ``tolerance`` of ``colour`` in every channel."""
    return int((np.abs(rgb.astype(int) - colour) <= tolerance).all(axis=-1).sum())


def test_a_session_saved_with_its_clip_keeps_its_middle_frame_and_exports_it(store, tmp_path):
    """The public clip saved with its video: one photo-sized still of the middle frame that shows the person,
    and the same frame with the skeleton in the side colours; a session saved without (as before stills were
    kept) still lists and opens, and the export holds the still as it holds a photo's thumbnails."""
    analysis = public_analysis("jump04_front")
    older = save_jump_session(store, public_analysis("jump01_front"), label="saved before stills", taken_at=T0)
    newer = save_jump_session(store, analysis, source=CLIP, label="with its still")
    saved = store.get(newer)
    (plain,), (drawn,) = saved.thumbnails, saved.annotated_thumbnails
    plain_rgb, drawn_rgb = jpeg_rgb(plain), jpeg_rgb(drawn)
    assert plain_rgb.shape == drawn_rgb.shape == (THUMBNAIL_MAX_PX, 270, 3), "portrait clip, photo thumbnail size"
    index = middle_seen_frame(analysis.track)
    assert index == 120, "the person is in every frame of the 240: the middle one"
    frame = still_frame(CLIP, float(analysis.track.times_s[index]), max_side_px=THUMBNAIL_MAX_PX)
    assert np.abs(plain_rgb.astype(int) - frame).mean() < 3.0, "that frame, as JPEG"
    for side_colour in (LEFT_RGB, RIGHT_RGB):
        assert near(drawn_rgb, side_colour) > near(plain_rgb, side_colour) + 150, side_colour
    assert saved.record == json.loads(json.dumps(jump_record_of(analysis))), "the record as without a still"
    # The older session: listed and opened as before, without a still.
    assert [(s.id, s.kind) for s in store.list()] == [(newer, KIND_JUMP), (older, KIND_JUMP)]
    assert store.get(older).thumbnails == store.get(older).annotated_thumbnails == ()
    with zipfile.ZipFile(store.export(tmp_path)) as archive:
        entries = {e["id"]: e for e in json.loads(archive.read("assessments.json"))["assessments"]}
        assert entries[newer]["thumbnails"] == [f"thumbnails/{newer}_0.jpg"]
        assert entries[newer]["annotated_thumbnails"] == [f"thumbnails/{newer}_0_annotated.jpg"]
        assert archive.read(f"thumbnails/{newer}_0.jpg") == plain
        assert archive.read(f"thumbnails/{newer}_0_annotated.jpg") == drawn
        assert entries[older]["thumbnails"] == entries[older]["annotated_thumbnails"] == []


def test_the_cli_save_keeps_each_clips_still(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_DATA_DIR", str(tmp_path))
    assert save_sessions([public_analysis("jump04_front")], None, quiet=True, clips=[CLIP])
    (saved,) = [HistoryStore().get(s.id) for s in HistoryStore().list()]
    assert len(saved.thumbnails) == len(saved.annotated_thumbnails) == 1
    with pytest.raises(ValueError, match="zip"):
        save_sessions([public_analysis("jump04_front")], None, quiet=True, clips=[CLIP, CLIP])
