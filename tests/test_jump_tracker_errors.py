"""Counting on hand-built tracks that carry the full model's typical foot errors on the rendered clips.

Each test reproduces one error pattern seen on MediaPipe tracks of the public jump clips: toes
resting a few px above their floor level at the first frame, a foot that the tracker drops for a
moment just after landing (side views, where the feet overlap), and toes that miss a whole flight
while the heels show it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from posture.jump.events import Flight, Jumps, detect_jumps, irregular_intervals, joined_split_flights
from posture.jump.session import analyze_track, detection_settings
from posture.jump.signals import clean_track
from posture.pose import INDEX
from posture.video.track import PoseTrack
from tests.jump_motion import Skipper, frame_times, skipper_track

CM_PER_PX = 0.22
FOOT_POINTS = ("ankle", "heel", "foot_index")
PERIOD_S = 0.5  # 120 turns/min


def _turns(first_takeoff_s: float) -> np.ndarray:
    """Touchdowns of steady 120/min turns whose first take-off inside the clip is at ``first_takeoff_s``."""
    first_touchdown = first_takeoff_s - 0.5 * PERIOD_S
    return np.arange(first_touchdown - 3 * PERIOD_S, 9.5, PERIOD_S)


def _jumps(track: PoseTrack) -> Jumps:
    clean = clean_track(track, max_gap_s=0.15, cutoff_hz=None)
    return detect_jumps(clean, CM_PER_PX, detection_settings(), min_jumps=4, min_duration_s=3.0)


def _raised(track: PoseTrack, frames: np.ndarray, points: tuple[str, ...], by_px: float) -> PoseTrack:
    """The track with ``points`` of both feet moved up by ``by_px`` at ``frames``."""
    xy = track.xy_px.copy()
    for side in ("left", "right"):
        for point in points:
            xy[frames, INDEX[f"{side}_{point}"], 1] -= by_px
    return dataclasses.replace(track, xy_px=xy)


def test_toes_a_little_above_the_floor_at_the_first_frame_do_not_lose_the_first_jump() -> None:
    # First take-off 50 ms in; the tracker holds the resting feet 1.5 px (7 % of their lift) up
    # until then, above the release level of the hysteresis but below the take-off threshold.
    times = frame_times(30.0, 8.0)
    track = _raised(skipper_track(Skipper(_turns(0.05)), times), np.array([0, 1]), FOOT_POINTS, 1.5)
    jumps = _jumps(track)
    assert jumps.flights[0].start_s > 0.0
    assert len(jumps.flights) == 16  # take-offs at 0.05, 0.55, ... 7.55 s, each landing inside the clip


def test_a_foot_lost_for_a_moment_after_landing_is_not_a_second_jump() -> None:
    times = frame_times(30.0, 8.0)
    turns = _turns(0.25)
    track = skipper_track(Skipper(turns), times)
    landing = turns[(turns > 4.0)][0]
    # Both feet read 10 px up for 100 ms, starting 100 ms after a touchdown: a spurious flight.
    blip = np.flatnonzero((times > landing + 0.1) & (times < landing + 0.2))
    jumps = _jumps(_raised(track, blip, FOOT_POINTS, 10.0))
    clean_count = len(_jumps(track).flights)
    assert len(jumps.flights) == clean_count
    assert np.min(np.diff(jumps.touchdowns_s)) > 0.8 * PERIOD_S


def test_toes_that_miss_a_flight_give_way_to_the_heels() -> None:
    times = frame_times(30.0, 8.0)
    turns = _turns(0.25)
    track = skipper_track(Skipper(turns), times)
    toes = track.xy_px[:, [INDEX["left_foot_index"], INDEX["right_foot_index"]], 1]
    # One flight the toes never leave the floor (the tracker keeps them pinned), the heels do.
    takeoff = turns[turns > 4.0][0] + 0.5 * PERIOD_S
    pinned = np.flatnonzero((times >= takeoff - 0.05) & (times <= takeoff + 0.5 * PERIOD_S + 0.05))
    xy = track.xy_px.copy()
    for column, name in enumerate(("left_foot_index", "right_foot_index")):
        xy[pinned, INDEX[name], 1] = np.max(toes[:, column])
    jumps = _jumps(dataclasses.replace(track, xy_px=xy))
    assert jumps.contact_point != "foot_index"
    assert len(jumps.flights) == len(_jumps(track).flights)


def _flight(start_s: float, end_s: float) -> Flight:
    return Flight(start_s, end_s, start_s, start_s, end_s, end_s)


def test_irregular_intervals_count_split_and_missed_flights() -> None:
    steady = [_flight(k * 0.5 - 0.2, k * 0.5) for k in range(1, 10)]
    assert irregular_intervals(steady, 0.5) == 0
    missed = steady[:4] + steady[5:]
    assert irregular_intervals(missed, 0.5) == 1
    split = [*steady[:4], _flight(2.05, 2.15), *steady[4:]]
    assert irregular_intervals(split, 0.5) >= 1
    assert joined_split_flights(split, 0.5) == steady


def _jittery_hands(track: PoseTrack, seed: int, with_hand_points: bool) -> PoseTrack:
    """Every hand point 3 px of independent jitter (the model's wrist noise); the fist points swing
    on a 20 % wider circle than the wrist, a few px away from it; NaN hand points when left out."""
    rng = np.random.default_rng(seed)
    xy = track.xy_px.copy()
    for side in ("left", "right"):
        wrist = track.xy_px[:, INDEX[f"{side}_wrist"]].copy()
        centre = np.mean(wrist, axis=0)
        for k, name in enumerate(("pinky", "index", "thumb")):
            fist = centre + 1.2 * (wrist - centre) + np.array([4.0 * (k - 1), 6.0])
            xy[:, INDEX[f"{side}_{name}"]] = fist + rng.normal(0.0, 3.0, wrist.shape) if with_hand_points else np.nan
        xy[:, INDEX[f"{side}_wrist"]] = wrist + rng.normal(0.0, 3.0, wrist.shape)
    return dataclasses.replace(track, xy_px=xy)


def test_the_hand_points_quiet_the_wrists_jitter_and_keep_the_wrists_circle_size() -> None:
    times = frame_times(30.0, 8.0)
    track = skipper_track(Skipper(_turns(0.25)), times)
    true_circle = analyze_track(track, "front", 170.0).value("hand_circle_cm_left")
    si_wrist, si_hand = [], []
    for seed in range(4):
        wrist_only = analyze_track(_jittery_hands(track, seed, False), "front", 170.0)
        whole_hand = analyze_track(_jittery_hands(track, seed, True), "front", 170.0)
        si_wrist.append(abs(wrist_only.value("hand_circle_si_pct") or 0.0))
        si_hand.append(abs(whole_hand.value("hand_circle_si_pct") or 0.0))
        for side in ("left", "right"):
            assert whole_hand.value(f"hand_circle_cm_{side}") == pytest.approx(true_circle, rel=0.1)
    assert np.mean(si_hand) < 0.75 * np.mean(si_wrist)
