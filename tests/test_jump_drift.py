"""A skipper travelling toward or away from the camera: the floor moves in the picture (contacts.floor_level_px,
records.on_floor_level_px). Hand-built tracks and the full model's stored track of a public clip, each moved
down the picture at a steady rate."""

from __future__ import annotations

import dataclasses

import pytest

from bench.jump_accuracy import DEFAULT_CLIPS, load_track
from bench.jump_truth import load_clip
from posture.jump.contacts import MIN_DRIFT_PX_PER_S, floor_drift_px_per_s
from posture.jump.session import analyze_track, detection_settings
from posture.jump.signals import clean_track
from posture.jump.summary import typical_errors
from posture.pose import INDEX
from posture.video.track import PoseTrack
from tests.jump_motion import Skipper, frame_times, skipper_track, steady_turns


def drifted(track: PoseTrack, px: float) -> PoseTrack:
    """``track`` moved ``px`` down the picture from its first frame to its last, steadily."""
    t = track.times_s
    xy = track.xy_px.copy()
    xy[..., 1] += (px * (t - t[0]) / (t[-1] - t[0]))[:, None]
    return dataclasses.replace(track, xy_px=xy)


@pytest.mark.parametrize("px", [10.0, 30.0, -30.0])
def test_a_steady_skipper_travelling_is_counted_and_measured_as_one_standing_still(px: float) -> None:
    # 12 s at 140 turns/min; 10 px over the clip is ~2 cm of the picture. With one floor level per clip
    # 10 px lost 3 of the 28 jumps and read the steady 4.3 cm clearance as 5.3 at the start and 3.3 at the
    # end (-200 %/min); 20 px left 3 jumps.
    track = skipper_track(Skipper(steady_turns(140.0, 12.0)), frame_times(30.0, 12.0))
    still, moving = analyze_track(track, "front", 170.0), analyze_track(drifted(track, px), "front", 170.0)
    assert len(moving.jumps) == len(still.jumps) == 28
    clearances = [jump.foot_clearance_cm["left"] for jump in moving.jumps[1:]]
    assert max(clearances) - min(clearances) < 0.1
    assert moving.value("foot_clearance_cm_left") == pytest.approx(still.value("foot_clearance_cm_left"), abs=0.05)
    trend = moving.value("foot_clearance_trend_pct_per_min_left")
    assert trend is not None
    assert abs(trend) < 2.0


def test_the_full_model_s_track_moved_down_the_picture_keeps_its_count_and_trends() -> None:
    # jump06 (back view) as the full model tracked it, moved 30 px down over its 8 s (a skipper coming
    # ~20 cm nearer). With one floor level per clip: 15 of 17 jumps, and a left foot clearance trend of
    # -499 %/min where the clip as filmed reads +89.
    path = DEFAULT_CLIPS / "jump06_back.json"
    clip = load_clip(path)
    track = load_track("model", path, clip, "full", cache=DEFAULT_CLIPS)
    height = float(clip["subject"]["stature_cm"])
    still = analyze_track(track, "back", height, typical_errors("full"))
    moving = analyze_track(drifted(track, 30.0), "back", height, typical_errors("full"))
    assert len(moving.jumps) == len(still.jumps) == 17
    assert moving.value("cadence_jpm") == pytest.approx(still.value("cadence_jpm"), abs=1.0)
    for side in ("left", "right"):
        assert moving.value(f"foot_clearance_cm_{side}") == pytest.approx(
            still.value(f"foot_clearance_cm_{side}"), abs=0.3
        )
        before, after = (
            still.value(f"foot_clearance_trend_pct_per_min_{side}"),
            moving.value(f"foot_clearance_trend_pct_per_min_{side}"),
        )
        assert before is not None
        assert after is not None
        assert abs(after - before) < 100.0


def test_the_floor_drifts_when_the_feet_move_together_not_when_one_point_wanders() -> None:
    # A toe the tracker loses slopes on its own (up to 0.84 px/s on re-encoded public clips): the median
    # over both feet's toe, heel and ankle stays put, so the clip's floor is not followed.
    track = skipper_track(Skipper(steady_turns(140.0, 12.0)), frame_times(30.0, 12.0))
    clean = clean_track(track, max_gap_s=0.15, cutoff_hz=None)
    settings = detection_settings()
    assert abs(floor_drift_px_per_s(clean, settings)) < 0.05
    toe = INDEX["left_foot_index"]
    xy = track.xy_px.copy()
    xy[:, toe, 1] += 30.0 * track.times_s / track.times_s[-1]
    wandering = clean_track(dataclasses.replace(track, xy_px=xy), max_gap_s=0.15, cutoff_hz=None)
    assert abs(floor_drift_px_per_s(wandering, settings)) < MIN_DRIFT_PX_PER_S
    moving = clean_track(drifted(track, 30.0), max_gap_s=0.15, cutoff_hz=None)
    assert floor_drift_px_per_s(moving, settings) == pytest.approx(30.0 / 12.0, rel=0.1)  # the ends lag a little
