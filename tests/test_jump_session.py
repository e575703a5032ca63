"""The session: known lags and sizes on hand-built tracks, mirror symmetry, frame-rate independence."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from posture.errors import PostureError
from posture.jump import JumpSession, analyze_track, summary
from posture.jump.records import JumpRecord
from posture.jump.rhythm import stops
from posture.jump.session import _foot_comparison
from posture.jump.views import FAR_SIDE_REASON, FRONTAL_REASON, TWIST_REASON
from posture.pose import INDEX
from posture.video.track import PoseTrack
from tests.jump_motion import Skipper, expected_touchdowns, frame_times, mirrored, skipper_track, steady_turns

ASYMMETRIC = Skipper(
    steady_turns(150.0, 8.0),
    landing_lead_s=0.02,
    hand_lead_s=0.03,
    clearance_px=(24.0, 18.0),
    hand_circle_px=(72.0, 58.0),
    landing_depth_px=(18.0, 12.0),
    hand_height_diff_px=14.0,
    lateral_shift_px=9.0,
    variation=0.04,
)
STEADY = Skipper(steady_turns(120.0, 8.0))  # 0.25 s flights: what a low frame rate can still see
SIDED_SIGNED = (
    "landing_lead_ms",
    "foot_clearance_si_pct",
    "landing_depth_diff_cm",
    "hand_circle_si_pct",
    "hand_phase_lead_ms",
    "hand_height_diff_cm",
    "lateral_shift_cm",
)


def _session(
    skipper: Skipper, fps: float, jitter: float = 0.0, view: str = "front", height_cm: float | None = 170.0
) -> JumpSession:
    return analyze_track(skipper_track(skipper, frame_times(fps, 8.0, jitter)), view, height_cm)


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_known_landing_lead_and_hand_phase_lead_are_found(fps: float) -> None:
    session = _session(ASYMMETRIC, fps)
    assert session.value("landing_lead_ms") == pytest.approx(20.0, abs=3.0 if fps == 30 else 1.5)
    assert session.value("hand_phase_lead_ms") == pytest.approx(30.0, abs=1.0)
    assert session.measurements["landing_lead_ms"].status == "asymmetric"
    assert session.measurements["hand_phase_lead_ms"].status == "asymmetric"


def test_known_sizes_come_out_in_cm_from_the_persons_height() -> None:
    session = _session(ASYMMETRIC, 60.0)
    scale = session.cm_per_px
    assert scale == pytest.approx(0.22, rel=0.1)  # 170 cm over the synthetic body's ~770 px
    assert session.value("hand_circle_cm_left") == pytest.approx(72.0 * scale, rel=0.03)
    assert session.value("hand_circle_cm_right") == pytest.approx(58.0 * scale, rel=0.03)
    assert session.value("hand_height_diff_cm") == pytest.approx(14.0 * scale, rel=0.03)
    assert session.value("lateral_shift_cm") == pytest.approx(9.0 * scale, rel=0.05)
    assert session.value("foot_clearance_si_pct") == pytest.approx(100 * 6 / 21, abs=3.0)
    assert session.value("cadence_jpm") == pytest.approx(150.0, abs=0.5)


def test_landing_depth_of_a_symmetric_skipper_is_its_hip_sink() -> None:
    session = _session(Skipper(steady_turns(150.0, 8.0), landing_depth_px=(16.0, 16.0)), 60.0)
    expected = 16.0 * session.cm_per_px
    assert session.value("landing_depth_cm_left") == pytest.approx(expected, rel=0.15)
    assert session.value("landing_depth_diff_cm") == pytest.approx(0.0, abs=0.05)
    assert session.measurements["landing_depth_diff_cm"].status == "symmetric"


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_a_mirrored_clip_flips_every_left_right_sign(fps: float) -> None:
    times = frame_times(fps, 8.0)
    plain = analyze_track(skipper_track(ASYMMETRIC, times), "front", 170.0)
    mirror = analyze_track(mirrored(skipper_track(ASYMMETRIC, times)), "front", 170.0)
    for key in SIDED_SIGNED:
        assert mirror.value(key) == pytest.approx(-plain.value(key), abs=1e-6), key
    assert mirror.value("hand_circle_cm_left") == pytest.approx(plain.value("hand_circle_cm_right"))
    assert mirror.value("foot_clearance_cm_left") == pytest.approx(plain.value("foot_clearance_cm_right"))


def test_a_back_view_reads_left_and_right_the_other_way_round() -> None:
    times = frame_times(30.0, 8.0)
    # The same pixels filmed from behind: the person's left is on image-left, so the labels trade.
    back = analyze_track(mirrored(skipper_track(ASYMMETRIC, times)), "back", 170.0)
    front = analyze_track(skipper_track(ASYMMETRIC, times), "front", 170.0)
    assert back.value("lateral_shift_cm") == pytest.approx(front.value("lateral_shift_cm"), abs=1e-6)
    assert back.value("hand_height_diff_cm") == pytest.approx(-front.value("hand_height_diff_cm"), abs=1e-6)


def test_30_and_60_fps_samplings_of_one_motion_agree_within_their_bands() -> None:
    slow, fast = _session(ASYMMETRIC, 30.0), _session(ASYMMETRIC, 60.0)
    timing_free = [key for key in SIDED_SIGNED if key != "landing_depth_diff_cm"]
    for key in (*timing_free, "cadence_jpm", "contact_time_ms", "hand_circle_cm_left", "foot_clearance_cm_right"):
        low, high = slow.measurements[key].band
        margin = 0.02 * abs(fast.value(key)) + 1e-6
        assert low - margin <= fast.value(key) <= high + margin, key


def test_landing_depth_agrees_between_30_and_60_fps_without_a_landing_lead() -> None:
    # The hips still fall fast at touchdown, so depth hangs on each foot's touchdown time; with a
    # landing lead the two feet meet the frame grid differently (known limit at 30 fps).
    skipper = Skipper(steady_turns(150.0, 8.0), landing_depth_px=(18.0, 12.0), variation=0.04)
    slow, fast = _session(skipper, 30.0), _session(skipper, 60.0)
    assert slow.value("landing_depth_diff_cm") == pytest.approx(fast.value("landing_depth_diff_cm"), abs=0.3)
    assert fast.value("landing_depth_diff_cm") == pytest.approx(6.0 * fast.cm_per_px, abs=0.3)


def test_variable_frame_rate_gives_the_same_result() -> None:
    steady, uneven = _session(ASYMMETRIC, 30.0), _session(ASYMMETRIC, 30.0, jitter=0.3)
    assert uneven.value("jump_count") == steady.value("jump_count")
    assert uneven.value("cadence_jpm") == pytest.approx(steady.value("cadence_jpm"), abs=1.0)
    assert uneven.value("landing_lead_ms") == pytest.approx(20.0, abs=4.0)
    assert uneven.value("hand_phase_lead_ms") == pytest.approx(30.0, abs=1.5)
    for key in ("hand_circle_si_pct", "foot_clearance_si_pct", "hand_height_diff_cm"):
        low, high = steady.measurements[key].band
        assert low - 0.5 <= uneven.value(key) <= high + 0.5, key


def test_low_frame_rate_timing_bands_include_half_a_frame() -> None:
    slow = _session(Skipper(steady_turns(150.0, 8.0)), 30.0)
    lead = slow.measurements["landing_lead_ms"]
    assert lead.band[0] <= -16.0
    assert lead.band[1] >= 16.0
    assert "50 fps" in lead.reason
    assert any(w.startswith("low_frame_rate") for w in slow.warnings)
    fast = _session(Skipper(steady_turns(150.0, 8.0)), 60.0)
    assert fast.measurements["landing_lead_ms"].reason is None


def test_a_symmetric_skipper_gets_no_asymmetric_verdict() -> None:
    session = _session(Skipper(steady_turns(140.0, 8.0)), 60.0)
    statuses = {key: m.status for key, m in session.measurements.items()}
    assert "asymmetric" not in statuses.values()
    assert statuses["hand_circle_si_pct"] == "symmetric"


def test_side_view_leaves_the_far_side_and_frontal_measures_out_with_reasons() -> None:
    session = _session(ASYMMETRIC, 30.0, view="left")
    m = session.measurements
    assert m["foot_clearance_cm_left"].value is not None
    assert m["foot_clearance_cm_right"].status == "not_assessed"
    assert m["foot_clearance_cm_right"].reason == FAR_SIDE_REASON
    assert m["landing_lead_ms"].reason == FRONTAL_REASON
    assert m["trunk_twist_deg"].reason == TWIST_REASON


def test_a_side_views_jumps_hold_no_value_for_the_far_side_or_frontal_measures() -> None:
    """The per-jump list (charts, JSON) shows what the summary shows: the near side only."""
    for view, near, far in (("left", "left", "right"), ("right", "right", "left")):
        jumps = [jump.to_dict() for jump in _session(ASYMMETRIC, 30.0, view=view).jumps]
        for stem in ("foot_clearance_cm", "landing_depth_cm", "hand_circle_cm"):
            assert all(jump[f"{stem}_{far}"] is None for jump in jumps), (view, stem)
            assert sum(jump[f"{stem}_{near}"] is not None for jump in jumps) >= len(jumps) - 2, (view, stem)
        for key in ("landing_lead_ms", "trunk_twist_deg", "lateral_sway_cm"):
            assert all(jump[key] is None for jump in jumps), (view, key)
        assert sum(jump["flight_time_ms"] is not None for jump in jumps) >= len(jumps) - 1  # timing stays
    front = [jump.to_dict() for jump in _session(ASYMMETRIC, 30.0).jumps]
    assert all(jump["foot_clearance_cm_right"] is not None for jump in front[1:])


def test_alternate_foot_session_compares_the_two_feet() -> None:
    session = _session(Skipper(steady_turns(160.0, 8.0), alternate=True), 30.0)
    assert session.style == "alternate_foot"
    comparison = session.foot_comparison
    assert comparison is not None
    assert comparison["left"]["landings"] + comparison["right"]["landings"] == session.value("jump_count")
    assert comparison["left_to_right_ms"] == pytest.approx(375.0, abs=5.0)
    assert comparison["right_to_left_ms"] == pytest.approx(375.0, abs=5.0)
    assert session.measurements["landing_lead_ms"].status == "not_assessed"
    assert all(jump["landing_lead_ms"] is None for jump in session.to_dict()["jumps"]), "a step has no lead"


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_alternate_foot_contact_time_is_the_landing_foots_own(fps: float) -> None:
    # 160 turns a minute: each foot lands every other turn (750 ms) and stays down a quarter of that.
    session = _session(Skipper(steady_turns(160.0, 8.0), alternate=True), fps)
    contact = session.measurements["contact_time_ms"]
    assert contact.value == pytest.approx(187.5, abs=17.0 if fps == 30 else 15.0)
    assert contact.n >= session.value("jump_count") - 1, "every landing's contact (the last's may run past the end)"
    sides = [session.foot_comparison[side]["contact_time_ms"] for side in ("left", "right")]
    assert min(sides) - 1.0 <= contact.value <= max(sides) + 1.0


def test_missing_height_is_assumed_and_flagged_with_lower_confidence() -> None:
    given = _session(ASYMMETRIC, 30.0)
    assumed = _session(ASYMMETRIC, 30.0, height_cm=None)
    assert any(w.startswith("height_assumed") for w in assumed.warnings)
    assert assumed.measurements["hand_circle_cm_left"].confidence < given.measurements["hand_circle_cm_left"].confidence


def test_to_dict_follows_the_json_contract() -> None:
    out = _session(ASYMMETRIC, 30.0).to_dict()
    assert {"view", "frames_with_person", "measurements", "jumps", "warnings", "style", "cadence_over_time"} <= set(out)
    assert out["frames_with_person"] == 240
    item = out["measurements"]["landing_lead_ms"]
    assert {"value", "unit", "band", "status", "confidence", "reason"} <= set(item)
    jump = out["jumps"][3]
    for key in (
        "touchdown_s",
        "touchdown_left_s",
        "touchdown_right_s",
        "takeoff_s",
        "foot_clearance_cm_left",
        "foot_clearance_cm_right",
        "landing_depth_cm_left",
        "landing_depth_cm_right",
        "hand_circle_cm_left",
        "hand_circle_cm_right",
        "trunk_twist_deg",
    ):
        assert key in jump
    assert jump["takeoff_s"] > jump["touchdown_s"]


def test_bands_are_reproducible() -> None:
    first, second = _session(ASYMMETRIC, 30.0), _session(ASYMMETRIC, 30.0)
    assert first.measurements["hand_circle_si_pct"].band == second.measurements["hand_circle_si_pct"].band
    assert np.isfinite(first.measurements["hand_circle_si_pct"].band).all()


def test_a_track_without_a_person_is_refused_clearly() -> None:
    track = skipper_track(ASYMMETRIC, frame_times(30.0, 8.0))
    empty = type(track)(
        track.times_s,
        np.full_like(track.xy_px, np.nan),
        np.zeros_like(track.visibility),
        track.world_m,
        track.image_size,
        track.model,
        track.interpolated,
    )
    with pytest.raises(PostureError) as refused:
        analyze_track(empty, "front", 170.0)
    assert refused.value.code == "video_too_short"


def test_a_clip_filmed_at_too_few_frames_per_second_is_refused_with_its_rate() -> None:
    with pytest.raises(PostureError) as refused:
        _session(STEADY, 10.0)
    assert refused.value.code == "frame_rate_too_low"
    assert "10 frames per second" in refused.value.message


def test_fifteen_frames_per_second_still_counts_every_jump() -> None:
    expected = expected_touchdowns(STEADY, frame_times(30.0, 8.0)).size
    assert _session(STEADY, 15.0).value("jump_count") == _session(STEADY, 30.0).value("jump_count") == expected == 16


def test_an_unknown_view_is_refused() -> None:
    with pytest.raises(PostureError) as refused:
        analyze_track(skipper_track(ASYMMETRIC, frame_times(30.0, 8.0)), "diagonal", 170.0)
    assert refused.value.code == "unsupported_view"


def test_missing_wrists_leave_the_hand_measures_out_but_keep_the_jumps() -> None:
    times = frame_times(30.0, 8.0)
    track = skipper_track(ASYMMETRIC, times)
    xy = track.xy_px.copy()
    xy[:, [INDEX["left_wrist"], INDEX["right_wrist"]]] = np.nan
    session = analyze_track(
        type(track)(
            track.times_s, xy, track.visibility, track.world_m, track.image_size, track.model, track.interpolated
        ),
        "front",
        170.0,
    )
    assert session.value("jump_count") == expected_touchdowns(ASYMMETRIC, times).size == 20
    assert session.measurements["hand_phase_lead_ms"].status == "not_assessed"


def _left_toe_held_up_after_landings(skipper: Skipper, times: np.ndarray) -> PoseTrack:
    """The tracker holding the left toe 9 px up for 70 ms after every landing."""
    track = skipper_track(skipper, times)
    xy = track.xy_px.copy()
    since = times[:, None] - skipper.turn_times_s[None, :]
    held = ((since >= 0.0) & (since < 0.07)).any(axis=1)
    xy[held, INDEX["left_foot_index"], 1] -= 9.0
    return dataclasses.replace(track, xy_px=xy)


def test_a_toe_held_up_after_landing_does_not_cut_that_sides_landing_depth() -> None:
    # The tracker holds the left toe 9 px up for 70 ms after every landing: its own threshold
    # crossing comes late, after much of the hips' sink. Each foot's landing is placed by the flight's
    # end and the lead (whole paths) instead, so both sides keep their equal depth.
    skipper = Skipper(steady_turns(150.0, 8.0), variation=0.04)
    session = analyze_track(_left_toe_held_up_after_landings(skipper, frame_times(60.0, 8.0)), "front", 170.0)
    late = [1000.0 * (r.touchdown_left_s - r.touchdown_right_s) for r in session.jumps]
    assert np.median(late) > 40.0  # the left toe's own crossing really is late
    even = _session(skipper, 60.0)
    assert session.value("landing_depth_diff_cm") == pytest.approx(even.value("landing_depth_diff_cm"), abs=0.3)
    assert session.value("landing_depth_cm_left") == pytest.approx(even.value("landing_depth_cm_left"), abs=0.3)


def test_a_first_jump_whose_take_off_the_clip_missed_still_gets_its_landing_lead() -> None:
    # 120 turns/min from a clip starting 65 ms into a flight: that flight counts (its middle is
    # filmed) and its landing lead is read on the whole paths before the landing, like every other
    # flight's, not from the toes' own crossings, which the tracker holds up after each landing
    # (left toe 9 px for 70 ms: its crossing comes 70 ms late).
    skipper = dataclasses.replace(STEADY, landing_lead_s=0.03)
    session = analyze_track(_left_toe_held_up_after_landings(skipper, frame_times(30.0, 8.0)), "front", 170.0)
    first = session.jumps[0]
    assert np.isnan(first.flight_start_s)
    assert 1000.0 * (first.touchdown_right_s - first.touchdown_left_s) < 0.0, "the toes alone say the right lands first"
    assert first.landing_lead_ms == pytest.approx(30.0, abs=10.0)


def _tilted(track: PoseTrack, degrees: float) -> PoseTrack:
    """The track as a phone rolled by ``degrees`` (counter-clockwise in the picture) would film it."""
    centre = np.array(track.image_size, float) / 2.0
    angle = np.radians(degrees)
    turn = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])
    return dataclasses.replace(track, xy_px=(track.xy_px - centre) @ turn.T + centre)


def test_a_tilted_phone_reads_as_lean_and_shift_and_the_band_says_how_much_tilt_it_allows() -> None:
    # Lean, hips off centre and hand height are read against the picture's vertical: nothing in a pose track
    # tells a tilted phone from a leaning person, so the band allows a stated tilt and the note says so.
    level = analyze_track(skipper_track(STEADY, frame_times(30.0, 8.0)), "front", 170.0)
    tilted = analyze_track(_tilted(skipper_track(STEADY, frame_times(30.0, 8.0)), 2.0), "front", 170.0)
    lean, tilted_lean = level.measurements["trunk_lateral_lean_deg"], tilted.measurements["trunk_lateral_lean_deg"]
    assert abs((tilted_lean.value or 0.0) - (lean.value or 0.0)) == pytest.approx(2.0, abs=0.2)
    assert abs(tilted.value("lateral_shift_cm") or 0.0) > abs(level.value("lateral_shift_cm") or 0.0) + 1.0
    for key in ("trunk_lateral_lean_deg", "lateral_shift_cm", "hand_height_diff_cm"):
        assert "for a phone tilted by up to 1°" in (level.measurements[key].reason or ""), key
        assert "a phone tilted more reads as this difference itself" in (level.measurements[key].reason or "")


def test_each_side_s_trend_has_a_band_from_the_jump_to_jump_spread() -> None:
    session = analyze_track(skipper_track(ASYMMETRIC, frame_times(60.0, 8.0)), "front", 170.0)
    for key in ("hand_circle_trend_pct_per_min", "foot_clearance_trend_pct_per_min"):
        for side in ("left", "right"):
            trend = session.measurements[f"{key}_{side}"]
            assert trend.band is not None
            assert trend.value is not None
            assert trend.band[0] < trend.value < trend.band[1]
            assert trend.status == "measured", "a trend has no threshold, so no verdict"
            # Nothing tires in this clip: its 4 % jump-to-jump variation alone must not exclude a zero trend.
            assert trend.band[0] < 0.0 < trend.band[1], (key, side, trend.band)


def test_a_stop_between_alternate_foot_landings_is_no_step() -> None:
    # Left, right, left 400 ms apart, the rope catches the feet for 2 s, then right, left: the 2.4 s
    # from the third landing to the fourth is a stop (left out of the rhythm), not a left-to-right step.
    def landing(time_s: float, foot: str) -> JumpRecord:
        both = {"left": 3.0, "right": 3.0}
        contact = {"left": np.nan, "right": np.nan} | {foot: 200.0}
        return JumpRecord(
            time_s, np.nan, np.nan, np.nan, time_s - 0.15, 150.0, np.nan, foot, 200.0,
            contact["left"], contact["right"], both, both, both, both, time_s - 0.4, 1.0, 1.0,
        )  # fmt: skip

    times = np.array([0.4, 0.8, 1.2, 3.6, 4.0, 4.4])
    records = [landing(t, foot) for t, foot in zip(times, ["left", "right"] * 3, strict=True)]
    stopped = stops(times, float(summary.settings()["detection"]["stop_factor"]))
    assert stopped.tolist() == [False, False, True, False, False]
    comparison = _foot_comparison(records, stopped)
    assert comparison["left_to_right_ms"] == pytest.approx(400.0)  # was 1400: (400 + 2400) / 2
    assert comparison["right_to_left_ms"] == pytest.approx(400.0)
