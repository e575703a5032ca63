"""The first jump of a clip: counted when its landing and the middle of its flight (the rope's pass
under the feet) lie inside the clip, so a clip starting just after a take-off keeps that jump and
one starting in the second half of a flight does not.

Hand-built tracks reproduce what the full model does on the public clips whose first take-off comes
a few frames in: the resting toes read a few px above their floor level over the first frames, while
the heels, which leave the floor first in the push-off, are already rising. The real-model test runs
the tracker on such a clip (jump04_front: first take-off 51 ms in).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from posture.jump.contacts import resting_start_px
from posture.jump.events import Jumps, detect_jumps
from posture.jump.session import analyze_track, detection_settings
from posture.jump.signals import clean_track
from posture.pose import INDEX
from posture.video.track import PoseTrack
from tests.jump_motion import Skipper, frame_times, skipper_track

DATA = Path(__file__).resolve().parent / "data" / "video"
CM_PER_PX = 0.22
PERIOD_S = 0.5  # 120 turns/min, half of each turn on the floor: flights of 0.25 s
FLIGHT_S = 0.25
FPS = 60.0
DURATION_S = 8.0
TOE_BIAS_PX = 5.0  # 25 % of the 20 px lift: above the take-off threshold (10 %), below half the lift
HEEL_RISE_PX = 12.0
PUSH_OFF_S = 0.1
BIASED_S = 0.06  # the first four frames


def _touchdowns(first_takeoff_s: float) -> np.ndarray:
    """Touchdowns of steady turns whose take-offs fall at ``first_takeoff_s`` + k * PERIOD_S."""
    return np.arange(first_takeoff_s - (PERIOD_S - FLIGHT_S) - 3 * PERIOD_S, DURATION_S + 2 * PERIOD_S, PERIOD_S)


def _expected_count(first_takeoff_s: float, times: np.ndarray) -> int:
    """Flights whose middle is at or after the first frame and that land before the last one."""
    takeoffs = _touchdowns(first_takeoff_s)[:-1] + (PERIOD_S - FLIGHT_S)
    return int(np.count_nonzero((takeoffs + FLIGHT_S / 2 >= times[0]) & (takeoffs + FLIGHT_S <= times[-1])))


def _moved(track: PoseTrack, frames: np.ndarray, point: str, up_px: np.ndarray | float) -> PoseTrack:
    xy = track.xy_px.copy()
    for side in ("left", "right"):
        xy[frames, INDEX[f"{side}_{point}"], 1] -= up_px
    return dataclasses.replace(track, xy_px=xy)


def _pushing_off(track: PoseTrack, first_takeoff_s: float) -> PoseTrack:
    """Heels that rise over the last PUSH_OFF_S of each contact, stay up through the flight (the
    foot points down) and drop over PUSH_OFF_S after landing, as a skipper's heels do."""
    touchdowns = _touchdowns(first_takeoff_s)
    takeoffs = touchdowns[:-1] + (PERIOD_S - FLIGHT_S)
    t = track.times_s[:, np.newaxis]
    in_flight = ((t >= takeoffs) & (t <= touchdowns[1:])).any(axis=1)
    before = np.where(takeoffs >= t, takeoffs - t, np.inf).min(axis=1)
    after = np.where(touchdowns[1:] <= t, t - touchdowns[1:], np.inf).min(axis=1)
    nearest = np.where(in_flight, 0.0, np.minimum(before, after))
    rise = HEEL_RISE_PX * np.clip(1.0 - nearest / PUSH_OFF_S, 0.0, 1.0)
    return _moved(track, np.arange(len(track)), "heel", rise)


def _toes_held_up_at_start(track: PoseTrack) -> PoseTrack:
    """The full model's start bias: the toes read TOE_BIAS_PX up over the first BIASED_S."""
    return _moved(track, np.flatnonzero(track.times_s < BIASED_S), "foot_index", TOE_BIAS_PX)


def _toes_miss_a_flight(track: PoseTrack, first_takeoff_s: float) -> PoseTrack:
    """Toes pinned to the floor through one flight in mid-clip (the tracker guessing them), so the
    toes' rhythm has a gap and the heels are chosen for the contacts."""
    takeoff = first_takeoff_s + 8 * PERIOD_S
    pinned = np.flatnonzero((track.times_s >= takeoff - 0.05) & (track.times_s <= takeoff + FLIGHT_S + 0.05))
    xy = track.xy_px.copy()
    for side in ("left", "right"):
        column = INDEX[f"{side}_foot_index"]
        xy[pinned, column, 1] = np.max(track.xy_px[:, column, 1])
    return dataclasses.replace(track, xy_px=xy)


def _skipping(first_takeoff_s: float, toes_miss_a_flight: bool) -> tuple[PoseTrack, np.ndarray]:
    times = frame_times(FPS, DURATION_S)
    track = _pushing_off(skipper_track(Skipper(_touchdowns(first_takeoff_s)), times), first_takeoff_s)
    track = _toes_held_up_at_start(track)
    if toes_miss_a_flight:
        track = _toes_miss_a_flight(track, first_takeoff_s)
    return track, times


def _jumps(track: PoseTrack) -> Jumps:
    clean = clean_track(track, max_gap_s=0.15, cutoff_hz=None)
    return detect_jumps(clean, CM_PER_PX, detection_settings(), min_jumps=4, min_duration_s=3.0)


@pytest.mark.parametrize(("toes_miss_a_flight", "contact_point"), [(False, "foot_index"), (True, "heel")])
def test_toes_held_up_at_the_start_while_the_heels_rise_keep_the_first_jump(
    toes_miss_a_flight: bool, contact_point: str
) -> None:
    # First take-off 60 ms in (four frames on the floor); the heels are already 5 px up and rising
    # at the first frame, the toes rest 5 px above their floor level.
    track, times = _skipping(0.06, toes_miss_a_flight)
    jumps = _jumps(track)
    assert jumps.contact_point == contact_point
    assert len(jumps.flights) == _expected_count(0.06, times) == 16
    # The take-off from the toes in either case (the heels' own would be early by their push-off).
    assert jumps.flights[0].start_s == pytest.approx(0.06, abs=1.0 / FPS)


@pytest.mark.parametrize("toes_miss_a_flight", [False, True])
@pytest.mark.parametrize(
    ("into_flight_s", "counted"),
    [(0.02, True), (0.1, True), (0.15, False), (0.22, False)],
    ids=["just after take-off", "before the top", "after the top", "just before landing"],
)
def test_a_clip_starting_mid_flight_counts_that_flight_only_when_its_middle_is_filmed(
    into_flight_s: float, counted: bool, toes_miss_a_flight: bool
) -> None:
    # Near the top of the flight the feet are as still as resting ones over the first frames: only
    # their height tells them apart. The start bias on the toes is there too.
    first_takeoff = PERIOD_S - into_flight_s
    track, times = _skipping(first_takeoff, toes_miss_a_flight)
    jumps = _jumps(track)
    assert len(jumps.flights) == _expected_count(first_takeoff, times) == 15 + counted
    first_landing = first_takeoff - PERIOD_S + FLIGHT_S
    if counted:
        # Its take-off was not filmed: no start, no flight time, but its landing is timed (the
        # heels, read when the toes miss a flight, come down up to their push-off time later).
        assert np.isnan(jumps.flights[0].start_s)
        late_s = PUSH_OFF_S if toes_miss_a_flight else 0.0
        assert first_landing - 2.0 / FPS <= jumps.flights[0].end_s <= first_landing + late_s + 2.0 / FPS
    else:
        # The first flight counted is the first that takes off inside the clip (heel flights are
        # wider by the push-off at both ends, so their middle is compared).
        assert jumps.flights[0].mid_s == pytest.approx(first_takeoff + FLIGHT_S / 2, abs=2.0 / FPS)


def test_toes_read_on_the_floor_for_one_frame_mid_flight_do_not_start_that_flight_inside_the_clip() -> None:
    # Side and back views: the tracker guesses hidden toes, here at their floor level on the
    # first frame while both feet are 50 ms into a flight and the heels carry the rhythm.
    first_takeoff = PERIOD_S - 0.05
    track, times = _skipping(first_takeoff, toes_miss_a_flight=True)
    xy = track.xy_px.copy()
    for side in ("left", "right"):
        column = INDEX[f"{side}_foot_index"]
        xy[0, column, 1] = np.max(track.xy_px[:, column, 1])
    jumps = _jumps(dataclasses.replace(track, xy_px=xy))
    assert jumps.contact_point == "heel"
    assert len(jumps.flights) == _expected_count(first_takeoff, times)


def test_a_still_low_start_rests_and_a_moving_or_high_one_does_not() -> None:
    times = frame_times(FPS, 1.0)
    lift = np.full(times.size, 4.0)
    lift[6:] = np.linspace(10.0, 20.0, times.size - 6)  # takes off after 0.1 s
    assert resting_start_px(times, lift, threshold=2.0, amplitude=20.0, min_phase_s=0.04) == pytest.approx(4.0)
    rising = 4.0 + 150.0 * times  # px/s: a foot leaving the floor
    assert np.isnan(resting_start_px(times, rising, threshold=2.0, amplitude=20.0, min_phase_s=0.04))
    near_the_top = np.full(times.size, 19.0)
    assert np.isnan(resting_start_px(times, near_the_top, threshold=2.0, amplitude=20.0, min_phase_s=0.04))
    unseen = lift.copy()
    unseen[1] = np.nan
    assert np.isnan(resting_start_px(times, unseen, threshold=2.0, amplitude=20.0, min_phase_s=0.04))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("clip", "jumps", "take_off_seen"),
    [
        # First take-off 51 ms into a 30 fps clip: the toes rest over the first frames.
        ("jump04_front", 15, True),
        # First take-off 11 ms into a 60 fps clip: the model reads both feet up from the first frame,
        # so that flight's take-off is not seen, but its landing and the rope's pass are.
        ("jump03_front", 19, False),
    ],
)
def test_the_full_model_counts_the_first_jump_of_a_clip_starting_in_the_push_off(
    clip: str, jumps: int, take_off_seen: bool, full_model_track
) -> None:
    truth = json.loads((DATA / f"{clip}.json").read_text())
    track = full_model_track(clip)
    assert isinstance(track, PoseTrack)
    session = analyze_track(track, "front", float(truth["subject"]["stature_cm"]))
    assert session.value("jump_count") == truth["session"]["jump_count"] == jumps
    first, true_first = session.jumps[0], truth["jumps"][0]
    assert first.touchdown_s == pytest.approx(true_first["touchdown_s"], abs=0.04)
    if take_off_seen:
        assert first.flight_start_s == pytest.approx(true_first["takeoff_s"], abs=0.04)
    else:
        assert np.isnan(first.flight_start_s)
