"""Hand-moved landmarks are part of the record: what moved, how far, which values it changed; and the
history (real SQLite in tmp_path), the comparison, the trend and the report flag those values.

Real photos measured from their stored landmarker output (tests/pose_fixtures.py), no MediaPipe.
"""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import UTC, datetime, timedelta

import pytest

from posture.assessment import assess
from posture.hand_moves import VALUE_ROUNDING, moved_landmarks, moved_measures
from posture.history import HistoryStore, compare_records
from posture.history.record import build_record, record_of
from posture.measures import SPECS, status_of
from posture.measuring import hand_moves_between, with_moved_landmarks
from posture.photo_result import MeasuredPhoto
from posture.report import render_markdown
from posture.wording import borderline_text
from tests.pose_fixtures import measured_from_fixture

pytestmark = pytest.mark.model_free

HEIGHT_CM = 175.0
T0 = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
EAR_SHIFT_PX = (-40.0, 10.0)
SIDE_EAR_MEASURES = ("craniovertebral_angle_deg", "ear_ahead_of_shoulder_cm")


def measured(name: str) -> MeasuredPhoto:
    photo = measured_from_fixture(name, image=f"{name}.jpg", height_cm=HEIGHT_CM)
    assert isinstance(photo, MeasuredPhoto)
    return photo


def moved(base: MeasuredPhoto, landmark: str, shift_px: tuple[float, float] = EAR_SHIFT_PX) -> MeasuredPhoto:
    """``base`` with one landmark moved by ``shift_px``, re-measured as the app does it."""
    x, y, _ = base.landmarks_px[landmark]
    moves = {landmark: (x + shift_px[0], y + shift_px[1])}
    result = with_moved_landmarks(base, moves, view=base.view, height_cm=HEIGHT_CM)
    assert isinstance(result, MeasuredPhoto)
    return dataclasses.replace(result, hand_moves=hand_moves_between(base, result, moves))


@pytest.fixture(scope="module")
def side() -> MeasuredPhoto:
    return measured("left_s006")


@pytest.fixture(scope="module")
def side_ear_moved(side) -> MeasuredPhoto:
    return moved(side, "left_ear")


# --- what is recorded ----------------------------------------------------------------------------------


def test_moving_the_ear_records_the_move_and_only_the_measures_built_on_the_ear(side, side_ear_moved):
    hand = side_ear_moved.hand_moves
    assert hand is not None
    [move] = hand.landmarks
    assert move.landmark == "left_ear"
    assert move.from_px == pytest.approx(side.landmarks_px["left_ear"][:2])
    assert move.distance_px == pytest.approx(math.hypot(*EAR_SHIFT_PX))
    assert side_ear_moved.body is not None
    assert move.distance_cm == pytest.approx(move.distance_px * side_ear_moved.body.cm_per_px)
    assert 5 < move.distance_cm < 12, "about 41 px at ~0.2 cm/px"
    assert hand.measures == SIDE_EAR_MEASURES
    for key, measurement in side.measurements.items():
        changed = abs(side_ear_moved.measurements[key].value - measurement.value) >= VALUE_ROUNDING
        assert changed == (key in hand.measures), key


def test_moving_a_shoulder_in_a_front_photo_flags_the_shoulder_and_trunk_measures():
    front = measured("front_s000")
    hand = moved(front, "left_shoulder").hand_moves
    assert hand is not None
    assert set(hand.measures) == {
        "shoulder_tilt_deg",
        "shoulder_height_diff_cm",
        "trunk_lateral_lean_deg",
        "trunk_lateral_shift_cm",
    }


def test_an_unmoved_photo_has_no_hand_moved_key_in_its_json(side, side_ear_moved):
    assert "hand_moved" not in side.to_dict()
    data = side_ear_moved.to_dict()
    assert data["hand_moved"]["measures"] == list(SIDE_EAR_MEASURES)
    [entry] = data["hand_moved"]["landmarks"]
    assert entry["landmark"] == "left_ear"
    assert entry["distance_px"] == pytest.approx(41.2, abs=0.05)
    assert entry["to_px"] == [
        pytest.approx(v, abs=0.05)
        for v in (
            side.landmarks_px["left_ear"][0] + EAR_SHIFT_PX[0],
            side.landmarks_px["left_ear"][1] + EAR_SHIFT_PX[1],
        )
    ]


def test_the_saved_record_keeps_the_moves_and_older_records_still_load(tmp_path, side, side_ear_moved):
    store = HistoryStore(tmp_path / "history.sqlite3")
    record, thumbnails, annotated = build_record(assess([side_ear_moved]))
    saved_id = store.save(record, thumbnails, annotated_thumbnails=annotated)
    [photo] = store.get(saved_id).record["photos"]
    assert moved_measures(photo) == frozenset(SIDE_EAR_MEASURES)
    assert [entry["landmark"] for entry in moved_landmarks(photo)] == ["left_ear"]
    # A record saved before the moves were kept has no key: it reads as "nothing moved".
    older = record_of(assess([side]))
    assert "hand_moved" not in json.dumps(older)
    older_id = store.save(older)
    [old_photo] = store.get(older_id).record["photos"]
    assert moved_measures(old_photo) == frozenset()
    assert moved_landmarks(old_photo) == []


# --- comparison and trend ------------------------------------------------------------------------------


def test_comparison_and_trend_flag_values_resting_on_a_moved_point(tmp_path, side, side_ear_moved):
    store = HistoryStore(tmp_path / "history.sqlite3")
    before = store.save(record_of(assess([side])), taken_at=T0)
    after = store.save(record_of(assess([side_ear_moved])), taken_at=T0 + timedelta(days=30))
    deltas = {delta.key: delta for delta in store.compare(before, after)}
    for key, delta in deltas.items():
        assert delta.hand_moved == (("after",) if key in SIDE_EAR_MEASURES else ()), key
    # The moved ear pushed the angle down by ~18 deg: the flag travels with the change it explains.
    assert deltas["craniovertebral_angle_deg"].direction == "worsened"
    backwards = {delta.key: delta for delta in store.compare(after, before)}
    assert backwards["craniovertebral_angle_deg"].hand_moved == ("before",)
    trend = store.trend("craniovertebral_angle_deg")
    assert [(p.taken_at, p.view, p.hand_moved) for p in trend] == [
        (T0, "left", False),
        (T0 + timedelta(days=30), "left", True),
    ]
    assert [p.hand_moved for p in store.trend("trunk_lean_deg")] == [False, False]


def test_comparison_of_records_without_the_key_is_unflagged(side):
    record = record_of(assess([side]))
    assert all(delta.hand_moved == () for delta in compare_records(record, record))


# --- report --------------------------------------------------------------------------------------------


def test_the_report_marks_moved_values_and_says_what_moved(side_ear_moved, side):
    text = render_markdown(assess([side_ear_moved]), embed_images=False)
    assert "Moved by hand: left ear moved 41 px (" in text
    rows = [line for line in text.splitlines() if line.startswith("|")]
    flagged = [row for row in rows if "moved by hand" in row]
    measure_rows = [row for row in flagged if "(strong" not in row]
    assert len(measure_rows) == len(SIDE_EAR_MEASURES), "the measures table marks the two values on the ear"
    # The ear moved 40 px back drops the angle to ~29°: the forward-head sign it fires is marked too.
    evidence = [row for row in flagged if "(strong" in row]
    assert any("Craniovertebral angle (moved by hand)" in row and "below 50°" in row for row in evidence)
    assert not any("Trunk forward lean" in row for row in flagged)
    assert "moved by hand" not in render_markdown(assess([side]), embed_images=False).lower()


# --- borderline wording ---------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(SPECS))
def test_borderline_sentence_appears_exactly_when_status_of_says_borderline(key):
    spec = SPECS[key]
    ends = [end for pair in (spec.normal, spec.borderline) for end in pair if end is not None]
    values = [end + step for end in ends for step in (-0.01, 0.0, 0.01)] + [min(ends) - 20, max(ends) + 20]
    for value in values:
        sentence = borderline_text(value, spec.unit, spec.normal, spec.borderline)
        assert (sentence is not None) == (status_of(value, spec) == "borderline"), (key, value, sentence)


def test_borderline_sentence_names_the_limit_passed_and_the_margin():
    cva = SPECS["craniovertebral_angle_deg"]
    assert borderline_text(47.0, "deg", cva.normal, cva.borderline) == "borderline: past 50° by at most 4.5°"
    ear = SPECS["ear_ahead_of_shoulder_cm"]
    assert borderline_text(6.1, "cm", ear.normal, ear.borderline) == "borderline: past 5 cm by at most 2 cm"
    tilt = SPECS["shoulder_tilt_deg"]
    assert borderline_text(-2.6, "deg", tilt.normal, tilt.borderline) == "borderline: past -2° by at most 1.5°"
