"""The engine on the exact keypoints of rendered jump-rope clips (tests/data/video, see
bench/make_jump_fixtures.py): jump counts exact, measures near the truth a perfect 2D tracker
would give (session_2d), verdicts right, a standing clip refused."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench.jump_truth import load_clip, track_from_clip
from posture.errors import PostureError
from posture.jump import JumpSession, analyze_track

DATA = Path(__file__).resolve().parent / "data" / "video"
JUMP_CLIPS = sorted(path.stem for path in DATA.glob("jump*.json"))
# Allowed |engine - session_2d| per measure (the targets for a 2D tracker).
TOLERANCE = {
    "cadence_jpm": 1.0,
    "landing_lead_ms": 5.0,
    "hand_phase_lead_ms": 10.0,
    "foot_clearance_si_pct": 8.0,
    "hand_circle_si_pct": 8.0,
    "landing_depth_diff_cm": 0.8,
    "hand_height_diff_cm": 1.5,
    "hand_spread_diff_cm": 1.5,
    "lateral_shift_cm": 0.8,
    "trunk_lateral_lean_deg": 0.8,
    "foot_clearance_cm_left": 1.0,
    "foot_clearance_cm_right": 1.0,
    "landing_depth_cm_left": 0.8,
    "landing_depth_cm_right": 0.8,
    "hand_circle_cm_left": 1.5,
    "hand_circle_cm_right": 1.5,
    "lateral_sway_cm": 0.5,
    "rhythm_variability_pct": 1.0,
}


@pytest.fixture(scope="module", params=JUMP_CLIPS)
def analysed(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any], JumpSession]:
    clip = load_clip(DATA / f"{request.param}.json")
    session = analyze_track(track_from_clip(clip), clip["view"], float(clip["subject"]["stature_cm"]))
    return request.param, clip, session


def test_fixtures_are_there() -> None:
    assert len(JUMP_CLIPS) >= 5


def test_jump_count_is_exact(analysed: tuple[str, dict[str, Any], JumpSession]) -> None:
    _, clip, session = analysed
    assert session.value("jump_count") == clip["session"]["jump_count"]
    assert len(session.jumps) == len(clip["jumps"])


def test_touchdowns_match_the_true_ones(analysed: tuple[str, dict[str, Any], JumpSession]) -> None:
    _, clip, session = analysed
    for found, true in zip(session.jumps, clip["jumps"], strict=True):
        assert found.touchdown_s == pytest.approx(true["touchdown_s"], abs=0.012)


def test_measures_are_near_a_perfect_2d_tracker(analysed: tuple[str, dict[str, Any], JumpSession]) -> None:
    name, clip, session = analysed
    checked = 0
    for key, tolerance in TOLERANCE.items():
        truth = clip["session_2d"].get(key)
        measured = session.measurements[key]
        if truth is None:
            assert measured.status == "not_assessed", f"{name}:{key}"
            continue
        assert measured.value == pytest.approx(truth, abs=tolerance), f"{name}:{key}"
        checked += 1
    assert checked >= (5 if clip["view"] in ("left", "right") else 15)


def test_trend_signs_follow_clear_changes(analysed: tuple[str, dict[str, Any], JumpSession]) -> None:
    name, clip, session = analysed
    for key, truth in clip["session"].items():
        if "trend" in key and truth is not None and abs(truth) >= 15.0:
            assert (session.value(key) > 0) == (truth > 0), f"{name}:{key}"


def test_verdicts_follow_the_truth(analysed: tuple[str, dict[str, Any], JumpSession]) -> None:
    name, clip, session = analysed
    for key, measured in session.measurements.items():
        if measured.threshold is None or clip["session"].get(key) is None:
            continue
        if clip["symmetric"]:
            assert measured.status != "asymmetric", f"{name}:{key}"
        if abs(clip["session"][key]) > measured.threshold * 1.2:
            assert measured.status == "asymmetric", f"{name}:{key}"


def test_trunk_twist_from_world_landmarks_is_near_the_truth(analysed: tuple[str, dict[str, Any], JumpSession]) -> None:
    _, clip, session = analysed
    truth = clip["session"]["trunk_twist_deg"]
    if truth is None:
        assert session.measurements["trunk_twist_deg"].status == "not_assessed"
    else:
        assert session.value("trunk_twist_deg") == pytest.approx(truth, abs=2.0)


def test_a_standing_clip_has_no_jumps() -> None:
    clip = load_clip(DATA / "stand01_front.json")
    with pytest.raises(PostureError) as refused:
        analyze_track(track_from_clip(clip), clip["view"], float(clip["subject"]["stature_cm"]))
    assert refused.value.code == "no_jumping_found"


@pytest.mark.parametrize("jitter_px", [2.0, 5.0])
def test_a_standing_clip_with_tracker_jitter_still_has_no_jumps(jitter_px: float) -> None:
    clip = load_clip(DATA / "stand01_front.json")
    track = track_from_clip(clip)
    noisy = dataclasses.replace(
        track, xy_px=track.xy_px + np.random.default_rng(4).normal(0, jitter_px, track.xy_px.shape)
    )
    with pytest.raises(PostureError) as refused:
        analyze_track(noisy, clip["view"], float(clip["subject"]["stature_cm"]))
    assert refused.value.code == "no_jumping_found"


def test_a_jump_clip_with_one_pixel_of_jitter_is_still_counted_exactly() -> None:
    clip = load_clip(DATA / "jump05_front.json")
    track = track_from_clip(clip)
    noisy = dataclasses.replace(track, xy_px=track.xy_px + np.random.default_rng(2).normal(0, 1.0, track.xy_px.shape))
    session = analyze_track(noisy, clip["view"], float(clip["subject"]["stature_cm"]))
    assert session.value("jump_count") == clip["session"]["jump_count"]
