"""Rope-turn timing from the landings' shape: jittered touchdowns come back to the true spacing."""

from __future__ import annotations

import numpy as np
import pytest

from posture.jump.measures import cadence_jpm, rhythm_variability_pct
from posture.jump.rhythm import aligned_touchdowns_s, stops, turn_touchdowns_s
from posture.jump.signals import best_shift_s


def _foot_path(times_s: np.ndarray, touchdowns_s: np.ndarray, flight_s: float) -> np.ndarray:
    """Parabolic hops of ``flight_s`` ending at each touchdown, resting (0) in between."""
    path = np.zeros(times_s.size)
    for landing in touchdowns_s:
        u = (times_s - (landing - flight_s)) / flight_s
        path = np.maximum(path, np.where((u > 0) & (u < 1), 4 * u * (1 - u), 0.0))
    return path


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_jittered_touchdowns_are_moved_back_to_the_true_spacing(fps: float) -> None:
    rng = np.random.default_rng(7)
    intervals = 0.42 * (1 + 0.04 * rng.standard_normal(18))  # a rope's 2-6 % jitter between turns
    truth = 0.5 + np.concatenate(([0.0], np.cumsum(intervals)))
    times = np.arange(0.0, truth[-1] + 0.5, 1 / fps)
    path = _foot_path(times, truth, 0.2) + 0.02 * rng.standard_normal(times.size)  # tracker noise
    detected = truth + 0.025 * rng.standard_normal(truth.size)  # threshold crossings: 25 ms jitter
    aligned = aligned_touchdowns_s(times, path, detected)
    assert np.std(np.diff(aligned) - intervals) < 0.006
    assert np.std(np.diff(detected) - intervals) > 0.02
    assert cadence_jpm(np.diff(aligned)) == pytest.approx(cadence_jpm(np.diff(truth)), abs=1.0)
    assert rhythm_variability_pct(np.diff(aligned)) == pytest.approx(rhythm_variability_pct(np.diff(truth)), abs=1.0)
    assert np.median(aligned - detected) == pytest.approx(0.0, abs=1e-9)  # no overall shift, only the spacing


def test_too_few_touchdowns_are_returned_as_given() -> None:
    times = np.arange(0.0, 2.0, 1 / 30)
    touchdowns = np.array([0.5, 0.9])
    assert aligned_touchdowns_s(times, _foot_path(times, touchdowns, 0.2), touchdowns) is touchdowns


def test_best_shift_finds_a_sub_step_shift_of_a_smooth_pulse() -> None:
    grid = np.arange(-0.3, 0.3, 0.001)

    def pulse(t: np.ndarray) -> np.ndarray:
        return np.exp(-0.5 * (t / 0.05) ** 2)

    shift = best_shift_s(lambda s: (pulse(grid - 0.0123), pulse(grid + s)), 0.05)
    assert shift == pytest.approx(-0.0123, abs=0.0003)


def test_turn_touchdowns_keep_exact_landings_of_uneven_height_close() -> None:
    # Exact touchdowns of hops that differ in height (and so in flight time) by 10 %: the landings'
    # shapes differ, yet cadence and rhythm stay those of the exact touchdowns.
    rng = np.random.default_rng(11)
    intervals = 0.4 * (1 + 0.04 * rng.standard_normal(18))
    truth = 0.5 + np.concatenate(([0.0], np.cumsum(intervals)))
    times = np.arange(0.0, truth[-1] + 0.5, 1 / 60)
    heights = 1 + 0.1 * rng.standard_normal(truth.size)
    path = np.zeros(times.size)
    for landing, height in zip(truth, heights, strict=True):
        flight = 0.2 * np.sqrt(height)  # a higher hop is a longer flight
        u = (times - (landing - flight)) / flight
        path = np.maximum(path, np.where((u > 0) & (u < 1), height * 4 * u * (1 - u), 0.0))
    steadied = turn_touchdowns_s(times, path, truth)
    assert cadence_jpm(np.diff(steadied)) == pytest.approx(cadence_jpm(np.diff(truth)), abs=0.5)
    assert rhythm_variability_pct(np.diff(steadied)) == pytest.approx(rhythm_variability_pct(np.diff(truth)), abs=0.5)


def test_a_stop_is_an_interval_far_longer_than_its_neighbours() -> None:
    rng = np.random.default_rng(11)
    intervals = 0.43 * (1 + 0.05 * rng.standard_normal(30))  # a rope's jitter between turns
    intervals[12] = 2.4  # the rope caught the feet: 2 s standing, then the skipping goes on
    intervals[20] *= 2.0  # one missed turn
    stopped = stops(np.concatenate(([0.0], np.cumsum(intervals))), factor=1.75)
    assert np.flatnonzero(stopped).tolist() == [12, 20]


def test_speeding_up_from_140_to_300_turns_a_minute_is_no_stop() -> None:
    intervals = 60.0 / np.linspace(140.0, 300.0, 60)
    assert not stops(np.concatenate(([0.0], np.cumsum(intervals))), factor=1.75).any()
    assert not stops(np.array([0.0, 0.4, 2.0]), factor=1.75).any()  # too few intervals to judge
