"""Contacts, flights, jump counting and skipping style on hand-built tracks with known answers."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from posture.errors import PostureError
from posture.jump.contacts import FootPhases
from posture.jump.events import Flight, Jumps, detect_jumps, feet_lost, skipping_style
from posture.jump.session import analyze_track, detection_settings
from posture.jump.signals import clean_track
from posture.pose import INDEX
from tests.jump_motion import (
    Skipper,
    expected_touchdowns,
    frame_times,
    ramp_turns,
    skipper_track,
    standing_track,
    steady_turns,
    walking_toward_camera_track,
    walking_track,
)

CM_PER_PX = 0.22


def _jumps(skipper: Skipper, times: np.ndarray) -> Jumps:
    clean = clean_track(skipper_track(skipper, times), max_gap_s=0.15, cutoff_hz=12.0)
    return detect_jumps(clean, CM_PER_PX, detection_settings(), min_jumps=4, min_duration_s=3.0)


@pytest.mark.parametrize(("cadence", "fps"), [(110.0, 30.0), (150.0, 30.0), (230.0, 30.0), (150.0, 60.0)])
def test_every_filmed_flight_is_counted(cadence: float, fps: float) -> None:
    skipper = Skipper(steady_turns(cadence, 8.0))
    times = frame_times(fps, 8.0)
    jumps = _jumps(skipper, times)
    assert len(jumps.flights) == expected_touchdowns(skipper, times).size


def test_touchdowns_are_found_within_a_few_ms() -> None:
    skipper = Skipper(steady_turns(150.0, 8.0))
    times = frame_times(30.0, 8.0)
    found = _jumps(skipper, times).touchdowns_s
    np.testing.assert_allclose(found, expected_touchdowns(skipper, times), atol=0.008)


def test_a_clip_speeding_up_from_140_to_300_turns_per_minute_is_counted_exactly_at_30_fps() -> None:
    skipper = Skipper(ramp_turns(140.0, 300.0, 8.0))
    times = frame_times(30.0, 8.0)
    session = analyze_track(skipper_track(skipper, times), "front", 170.0)
    assert session.value("jump_count") == expected_touchdowns(skipper, times).size
    windows = [w["cadence_jpm"] for w in session.cadence_over_time["windows"]]
    assert windows == sorted(windows)
    assert windows[0] < 180 < 250 < windows[-1]


def test_alternate_foot_skipping_is_recognised_and_every_turn_counted() -> None:
    skipper = Skipper(steady_turns(160.0, 8.0), alternate=True)
    times = frame_times(30.0, 8.0)
    jumps = _jumps(skipper, times)
    assert skipping_style(jumps, 0.7, 0.3) == "alternate_foot"
    assert len(jumps.flights) == expected_touchdowns(skipper, times).size
    firsts = [flight.landing_foot for flight in jumps.flights]
    assert all(a != b for a, b in itertools.pairwise(firsts))


@pytest.mark.parametrize(
    ("alternate", "fps", "cadence"),
    [(False, 240.0, 150.0), (True, 240.0, 150.0), (False, 120.0, 280.0), (True, 60.0, 280.0), (True, 30.0, 250.0)],
)
def test_every_turn_is_counted_in_either_style_from_slow_motion_to_fast_skipping(
    alternate: bool, fps: float, cadence: float
) -> None:
    # The whole path, low-pass included: at 240 fps its cutoff (15 turn harmonics, 37.5 Hz at 150
    # turns/min) is well under the Nyquist frequency, so the filter runs.
    skipper = Skipper(steady_turns(cadence, 6.0), alternate=alternate)
    times = frame_times(fps, 6.0, jitter=0.2)
    session = analyze_track(skipper_track(skipper, times), "front", 170.0)
    assert session.value("jump_count") == expected_touchdowns(skipper, times).size
    assert session.style == ("alternate_foot" if alternate else "two_foot")


def test_two_foot_bounce_is_recognised_even_with_a_landing_lead() -> None:
    jumps = _jumps(Skipper(steady_turns(150.0, 8.0), landing_lead_s=0.03), frame_times(30.0, 8.0))
    assert skipping_style(jumps, 0.7, 0.3) == "two_foot"


def test_standing_still_is_refused_as_no_jumping() -> None:
    with pytest.raises(PostureError) as refused:
        analyze_track(standing_track(frame_times(30.0, 6.0)), "front", 170.0)
    assert refused.value.code == "no_jumping_found"
    assert "feet never left the floor" in refused.value.message


def test_standing_before_and_after_the_skipping_adds_no_jump() -> None:
    # A phone clip as filmed: 3 s standing (pressing record, picking up the rope), 18 turns at 140/min, then 2 s
    # standing again; the feet rest on the same floor throughout.
    period = 60.0 / 140.0
    times = frame_times(30.0, 13.0)
    start, end = 3.0, 3.0 + 18 * period
    skipping = (times >= start) & (times < end)
    skip = skipper_track(Skipper(start + period * np.arange(-3, 25)), times)
    xy = np.where(skipping[:, None, None], skip.xy_px, standing_track(times).xy_px)
    session = analyze_track(dataclasses.replace(skip, xy_px=xy), "front", 170.0)
    assert len(session.jumps) == 18
    assert session.value("cadence_jpm") == pytest.approx(140.0, abs=1.0)
    assert all(start < jump.touchdown_s <= end + 1.0 / 30.0 for jump in session.jumps)


def test_a_stop_in_the_middle_is_left_out_of_the_rhythm_and_the_turn_across_it() -> None:
    # 18 turns at 140/min, the rope catches the feet and the skipper stands for 2 s, then skips on to
    # the clip's end. Every jump is counted; the 2.4 s between the two bouts is no rope turn.
    period = 60.0 / 140.0
    times = frame_times(30.0, 16.0)
    first, second = 1.0, 1.0 + 18 * period + 2.0
    turns = np.concatenate([first + period * np.arange(-3, 19), second + period * np.arange(0, 22)])
    skip = skipper_track(Skipper(turns), times)
    skipping = ((times >= first) & (times < first + 18 * period)) | (times >= second)
    xy = np.where(skipping[:, None, None], skip.xy_px, standing_track(times).xy_px)
    session = analyze_track(dataclasses.replace(skip, xy_px=xy), "front", 170.0)
    touchdowns = np.array([jump.touchdown_s for jump in session.jumps])
    assert len(session.jumps) == 18 + int((times[-1] - second) // period)
    (stop,) = np.flatnonzero(np.diff(touchdowns) > 2.0)
    assert session.value("rhythm_variability_pct") < 2.0  # was 75 % with the stop read as a turn
    assert session.value("cadence_jpm") == pytest.approx(140.0, abs=1.0)
    assert all(point["cadence_jpm"] > 120.0 for point in session.cadence_over_time["per_jump"])
    before, after = session.jumps[stop], session.jumps[stop + 1]
    assert np.isnan(before.contact_time_ms)  # the contact runs into the 2 s of standing
    assert all(np.isnan(v) for v in [*before.landing_depth_cm.values(), *after.hand_circle_cm.values()])
    assert all(np.isfinite(v) for v in session.jumps[stop + 2].hand_circle_cm.values())
    hand_trend = session.value("hand_circle_trend_pct_per_min_left")
    assert hand_trend is not None
    assert abs(hand_trend) < 5.0  # the same circle all along (26 %/min with the turn across the stop)
    assert any(warning.startswith("stops: the skipping stopped 1 time ") for warning in session.warnings)


def test_a_person_lost_from_view_for_a_while_is_said_so_not_called_a_stop() -> None:
    times = frame_times(30.0, 8.0)
    skip = skipper_track(Skipper(steady_turns(150.0, 8.0), variation=0.03), times)
    unseen = (times >= 2.0) & (times < 2.6)  # longer than a gap the cleaning fills
    session = analyze_track(
        dataclasses.replace(skip, xy_px=np.where(unseen[:, None, None], np.nan, skip.xy_px)), "front", 170.0
    )
    touchdowns = np.array([jump.touchdown_s for jump in session.jumps])
    assert not ((touchdowns > 2.0) & (touchdowns < 2.6)).any()
    assert len(session.jumps) == 20 - 2, "the two landings in the unseen 0.6 s are not counted"
    assert not any(warning.startswith("stops:") for warning in session.warnings)
    assert (
        "lost_from_view: the person was not tracked for 0.6 s (1 time); jumps in that time are not counted"
        in "".join(session.warnings)
    )


@pytest.mark.parametrize("held_up", ["right", "left"])
def test_hops_on_one_leg_are_refused_naming_the_hopping_foot(held_up: str) -> None:
    # Skipping on the other leg at 140 turns/min with this foot held 10 cm up, still.
    times = frame_times(30.0, 10.0)
    track = skipper_track(Skipper(steady_turns(140.0, 10.0)), times)
    xy = track.xy_px.copy()
    for point in ("ankle", "heel", "foot_index"):
        column = INDEX[f"{held_up}_{point}"]
        xy[:, column, 1] = np.nanmax(xy[:, column, 1]) - 10.0 / CM_PER_PX
    with pytest.raises(PostureError) as refused:
        analyze_track(dataclasses.replace(track, xy_px=xy), "front", 170.0)
    assert refused.value.code == "no_jumping_found"
    hopping = "left" if held_up == "right" else "right"
    assert f"Only the {hopping} foot leaves the floor" in refused.value.message


def test_walking_is_refused_as_no_jumping() -> None:
    with pytest.raises(PostureError) as refused:
        analyze_track(walking_track(frame_times(30.0, 6.0)), "front", 170.0)
    assert refused.value.code == "no_jumping_found"


@pytest.mark.parametrize("px_per_s", [-60.0, -20.0, 20.0, 60.0])
@pytest.mark.parametrize("steps_per_min", [100.0, 120.0])
def test_walking_toward_or_away_from_the_camera_is_refused_as_no_jumping(steps_per_min, px_per_s) -> None:
    # Each step lands further down (or up) the picture while the planted foot stays put: a floor line
    # followed through that took each planted foot for airborne and counted 13-17 "jumps" in 10 s.
    track = walking_toward_camera_track(frame_times(30.0, 10.0), steps_per_min, px_per_s)
    with pytest.raises(PostureError) as refused:
        analyze_track(track, "front", 170.0)
    assert refused.value.code == "no_jumping_found"


@pytest.mark.parametrize("toe_jitter_px", [0.3, 1.5])
def test_heel_raises_with_the_toes_on_the_floor_are_not_jumps(toe_jitter_px) -> None:
    # Bouncing on the balls of the feet to music: heels, ankles and trunk rise twice a second, the toes never
    # leave the floor, so there is no flight. Read from the heels, every raise was a "jump" (16 in 8 s).
    times = frame_times(30.0, 8.0)
    track = skipper_track(Skipper(steady_turns(120.0, 8.0)), times)
    xy = track.xy_px.copy()
    noise = np.random.default_rng(0)
    for side in ("left", "right"):
        xy[:, INDEX[f"{side}_foot_index"], 1] = 1000.0 + noise.normal(0.0, toe_jitter_px, times.size)
    with pytest.raises(PostureError) as refused:
        analyze_track(dataclasses.replace(track, xy_px=xy), "front", 170.0)
    assert refused.value.code == "no_jumping_found"


def test_three_jumps_are_too_few() -> None:
    times = frame_times(30.0, 3.1)
    skipper = Skipper(steady_turns(62.0, 3.1))
    assert expected_touchdowns(skipper, times).size == 3
    with pytest.raises(PostureError) as refused:
        analyze_track(skipper_track(skipper, times), "front", 170.0)
    assert refused.value.code == "video_too_short"
    assert "3 complete jumps" in refused.value.message


@pytest.mark.parametrize("hops_per_min", [40.0, 50.0, 58.0])
def test_hops_slower_than_a_rope_turns_are_not_rope_jumps(hops_per_min) -> None:
    # A dance clip's hops 1.1-1.3 s apart: feet off the floor together, steadily, but no rope turns that slowly.
    times = frame_times(30.0, 8.0)
    skipper = Skipper(steady_turns(hops_per_min, 8.0))
    assert expected_touchdowns(skipper, times).size >= 4
    with pytest.raises(PostureError) as refused:
        analyze_track(skipper_track(skipper, times), "front", 170.0)
    assert refused.value.code == "no_jumping_found"
    assert "slower than a rope can be turned" in refused.value.message


def test_slow_skipping_at_70_turns_a_minute_is_measured() -> None:
    times = frame_times(30.0, 8.0)
    skipper = Skipper(steady_turns(70.0, 8.0))
    session = analyze_track(skipper_track(skipper, times), "front", 170.0)
    assert len(session.jumps) == expected_touchdowns(skipper, times).size
    assert session.value("cadence_jpm") == pytest.approx(70.0, abs=0.5)


def test_a_clip_under_three_seconds_is_too_short() -> None:
    with pytest.raises(PostureError) as refused:
        analyze_track(skipper_track(Skipper(steady_turns(200.0, 2.5)), frame_times(30.0, 2.5)), "front", 170.0)
    assert refused.value.code == "video_too_short"


def test_both_feet_read_up_for_a_moment_late_in_a_contact_is_not_a_jump() -> None:
    # 120 turns/min, one turn 10 % long (0.55 s), 60 % of each turn on the floor. In that long
    # turn's contact the tracker lifts all six foot points by 10 px from 0.21 to 0.27 s: a "landing"
    # 0.27 s after the real one and 0.28 s before the next, both past half a turn (so not a split
    # flight) but under 3/4 of one, and together about one turn.
    turns = steady_turns(120.0, 8.0)
    long_turn = int(np.searchsorted(turns, 4.0))
    turns[long_turn + 1 :] += 0.05
    skipper = Skipper(turns, contact_fraction=0.6)
    times = frame_times(60.0, 8.0)
    track = skipper_track(skipper, times)
    blip = (times >= turns[long_turn] + 0.21) & (times < turns[long_turn] + 0.27)
    xy = track.xy_px.copy()
    for side, point in itertools.product(("left", "right"), ("ankle", "heel", "foot_index")):
        xy[blip, INDEX[f"{side}_{point}"], 1] -= 10.0
    clean = clean_track(dataclasses.replace(track, xy_px=xy), max_gap_s=0.15, cutoff_hz=None)
    jumps = detect_jumps(clean, CM_PER_PX, detection_settings(), min_jumps=4, min_duration_s=3.0)
    expected = expected_touchdowns(skipper, times)
    assert len(jumps.flights) == expected.size
    np.testing.assert_allclose(jumps.touchdowns_s, expected, atol=0.02)


def test_feet_read_low_in_the_last_frames_just_after_a_take_off_are_not_a_landing() -> None:
    # The clip ends 130 ms into a 0.25 s flight, and the tracker puts all six foot points back on
    # the floor for its last two frames: a 60-70 ms "flight" landing at the very end is that flight
    # unfinished, not a jump.
    skipper = Skipper(steady_turns(120.0, 9.0))
    turns = skipper.turn_times_s
    takeoffs = turns[:-1] + skipper.contact_fraction * np.diff(turns)
    last_takeoff = float(takeoffs[takeoffs < 7.8][-1])
    all_times = frame_times(30.0, 9.0)
    times = all_times[all_times < last_takeoff + 0.13]
    track = skipper_track(skipper, times)
    xy = track.xy_px.copy()
    for side, point in itertools.product(("left", "right"), ("ankle", "heel", "foot_index")):
        column = INDEX[f"{side}_{point}"]
        xy[-2:, column, 1] = np.max(track.xy_px[:, column, 1])
    clean = clean_track(dataclasses.replace(track, xy_px=xy), max_gap_s=0.15, cutoff_hz=None)
    jumps = detect_jumps(clean, CM_PER_PX, detection_settings(), min_jumps=4, min_duration_s=3.0)
    expected = expected_touchdowns(skipper, times)
    assert expected[-1] < last_takeoff
    assert len(jumps.flights) == expected.size


def _phases(side: str, touchdowns: list[float]) -> FootPhases:
    downs = np.array(touchdowns)
    return FootPhases(side, np.zeros(3), 1.0, downs - 0.15, downs)


def test_a_foot_that_hardly_ever_lands_is_lost_but_a_stepping_foot_is_not() -> None:
    turns = [0.4 * k for k in range(1, 17)]
    flights = [Flight(t - 0.15, t, t - 0.15, t - 0.15, t, t) for t in turns]
    bounce = feet_lost(_phases("left", turns), _phases("right", turns), flights, 0.3)
    step = feet_lost(_phases("left", turns[::2]), _phases("right", turns[1::2]), flights, 0.3)
    one_lost = feet_lost(_phases("left", turns[:2]), _phases("right", turns), flights, 0.3)
    assert (bounce, step, one_lost) == (0, 0, 1)


@pytest.mark.parametrize(
    ("touchdown_left_s", "touchdown_right_s", "first"),
    [(1.00, 1.02, "left"), (1.02, 1.00, "right"), (1.00, np.nan, "left"), (np.nan, 1.00, "right")],
)
def test_the_landing_foot_is_the_first_down_and_never_one_whose_touchdown_is_after_the_clip(
    touchdown_left_s: float, touchdown_right_s: float, first: str
) -> None:
    # NaN: that foot's touchdown falls after the clip's last frame, so the other foot landed first.
    flight = Flight(0.8, min(touchdown_left_s, touchdown_right_s), 0.8, 0.8, touchdown_left_s, touchdown_right_s)
    assert flight.landing_foot == first
