"""A skipper turned away from the camera (posture.jump.turn, engine.clip_yaw_deg): the rendered clips'
exact keypoints with the body's 3D landmarks turned about the vertical, plus the real model's back-view
track."""

from __future__ import annotations

import numpy as np
import pytest

from bench.jump_accuracy import load_track
from bench.jump_truth import load_clip, track_from_clip
from posture.errors import PostureError
from posture.jump.engine import clip_yaw_deg, view_of
from posture.jump.turn import TURN_DISTORTED_KEYS
from posture.views import OBLIQUE_FROM_DEG, TURNED_FROM_DEG, _angle_between
from tests.jump_motion import turned
from tests.public_jumps import DATA, analysis_of_track, public_analysis

TIMING_KEYS = (
    "jump_count",
    "cadence_jpm",
    "flight_time_ms",
    "contact_time_ms",
    "landing_lead_ms",
    "hand_phase_lead_ms",
)


def turned_analysis(name: str, degrees: float):
    clip = load_clip(DATA / f"{name}.json")
    return analysis_of_track(name, turned(track_from_clip(clip), degrees), clip)


@pytest.mark.parametrize("degrees", [10.0, 20.0, 35.0, -35.0])
def test_the_clip_yaw_follows_the_body_turn(degrees: float) -> None:
    track = track_from_clip(load_clip(DATA / "jump05_front.json"))
    assert _angle_between(clip_yaw_deg(turned(track, degrees)), clip_yaw_deg(track)) == pytest.approx(
        abs(degrees), abs=0.5
    )


def test_a_back_view_near_180_deg_is_not_split_by_the_wrap() -> None:
    # Frame yaws lie either side of +-180 deg: a plain median lands anywhere between.
    clip = load_clip(DATA / "jump06_back.json")
    assert _angle_between(clip_yaw_deg(track_from_clip(clip)), 180.0) < 6.0
    model_track = load_track("model", DATA / "jump06_back.json", clip, "full", cache=DATA)  # the full model's
    model_view = view_of(model_track, "auto")
    assert model_view.view == "back"
    assert model_view.turn_deg < TURNED_FROM_DEG


def test_a_straight_clip_keeps_everything() -> None:
    for name in ("jump04_front", "jump05_front", "jump06_back", "jump07_left"):
        analysis = public_analysis(name)
        assert analysis.view.turn_deg < TURNED_FROM_DEG, name
        assert not [w for w in analysis.session.warnings if w.startswith(("turned_view", "oblique_view"))], name


def test_a_turned_body_lowers_every_confidence() -> None:
    straight, turned_20 = public_analysis("jump05_front"), turned_analysis("jump05_front", 20.0)
    assert TURNED_FROM_DEG < turned_20.view.turn_deg < OBLIQUE_FROM_DEG
    factor = turned_20.view.turn_confidence
    assert 0.5 < factor < 1.0
    for key, measurement in straight.session.measurements.items():
        now = turned_20.session.measurements[key]
        assert now.status == measurement.status, key
        # Trunk twist reads the turned 3D landmarks: equal but for rounding.
        assert now.value == pytest.approx(measurement.value, abs=1e-9), key
        assert now.confidence == pytest.approx(measurement.confidence * factor), key
    assert any(w.startswith("turned_view: the body is turned about 2") for w in turned_20.session.warnings)


@pytest.mark.parametrize("degrees", [35.0, -35.0])
def test_an_oblique_body_is_counted_and_timed_but_not_compared(degrees: float) -> None:
    straight, oblique = public_analysis("jump04_front"), turned_analysis("jump04_front", degrees)
    assert oblique.view.view == "front"
    assert oblique.view.oblique
    for key in TURN_DISTORTED_KEYS:
        measurement = oblique.session.measurements[key]
        assert measurement.status == "not_assessed", key
        assert "turned about 3" in str(measurement.reason), key
    for key in TIMING_KEYS:
        before, after = straight.session.measurements[key], oblique.session.measurements[key]
        assert after.value == before.value, key
        assert after.status == before.status, key
        assert after.confidence == pytest.approx(before.confidence * 0.5), key
    assert len(oblique.session.jumps) == len(straight.session.jumps)
    # Each jump's twist and sway go too, as the summary's did (the JSON and charts drew them as measured).
    assert any(np.isfinite(jump.trunk_twist_deg) for jump in straight.session.jumps)
    assert all(np.isnan(jump.trunk_twist_deg) and np.isnan(jump.lateral_sway_cm) for jump in oblique.session.jumps)
    assert [jump.landing_lead_ms for jump in oblique.session.jumps] == [
        jump.landing_lead_ms for jump in straight.session.jumps
    ]
    (warning,) = [w for w in oblique.session.warnings if w.startswith("oblique_view")]
    assert "counted and timed" in warning
    # jump04's true trunk lean is evidence of a one-sided imbalance on the straight clip's exact
    # keypoints; turned obliquely it can no longer be read, so it is evidence of nothing.
    before = {finding["imbalance"]: finding for finding in straight.to_dict()["findings"]}
    assert "jump.trunk_lateral_lean_deg" in before["unilateral"]["evidence"]
    payload = oblique.to_dict()
    after = {finding["imbalance"]: finding for finding in payload["findings"]}
    assert after["unilateral"]["evidence"] == []
    # Only the timing signs (landing lead, hand lead), which a turn does not distort, are read for it.
    unilateral = oblique.clip_assessment.finding("unilateral")
    assert unilateral.checked
    assert {key.removeprefix("jump.") for key in unilateral.checked} <= set(TIMING_KEYS)
    assert after["unilateral"]["likelihood"] in ("unlikely", "not_assessed")
    assert payload["measurements"]["lateral_shift_cm"]["status"] == "not_assessed"
    assert any(w.startswith("oblique_view") for w in payload["warnings"])


def test_a_forced_view_the_clip_contradicts_is_refused() -> None:
    track = track_from_clip(load_clip(DATA / "jump05_front.json"))
    with pytest.raises(PostureError) as raised:
        view_of(track, "left")
    assert raised.value.code == "unsupported_view"
    assert "This clip looks like a front view" in str(raised.value)
