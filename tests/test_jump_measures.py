"""The jump-rope measure functions on signals with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from posture.jump import measures


def test_lead_of_shifted_signals_is_found_between_frames() -> None:
    times = np.arange(0.0, 6.0, 1 / 30)
    period = 0.42

    def wave(t: np.ndarray) -> np.ndarray:
        return np.sin(2 * np.pi * t / period) + 0.3 * np.sin(4 * np.pi * t / period + 0.5)

    lead = 0.0237  # s: 0.71 of a frame at 30 fps
    left, right = wave(times + lead), wave(times)  # the left's waveform happens `lead` earlier
    assert measures.lead_ms(times, left, right, period / 2) == pytest.approx(23.7, abs=0.5)
    assert measures.lead_ms(times, right, left, period / 2) == pytest.approx(-23.7, abs=0.5)
    # The naive whole-frame estimate can only say 0 or 33 ms.
    assert measures.lead_ms(times, left, right, period / 2, step_s=1 / 30, refine=False) in (
        pytest.approx(33.33, abs=0.1),
        pytest.approx(0.0, abs=0.1),
    )


def test_landing_lag_of_a_time_shifted_descent_is_sub_frame() -> None:
    times = np.arange(0.0, 1.0, 1 / 30)

    def descent(t: np.ndarray, land: float, height: float) -> np.ndarray:
        u = np.clip((t - (land - 0.2)) / 0.2, 0.0, 1.0)
        return np.where((t > land - 0.2) & (t < land), height * 4 * u * (1 - u), 0.0)

    left = descent(times, 0.500, 20.0)
    right = descent(times, 0.513, 14.0)  # lands 13 ms later and lower: the ratio of heights does not matter
    assert measures.landing_lag_ms(times, left, right, 0.3, 0.7, max_lag_s=0.1) == pytest.approx(13.0, abs=1.5)
    assert measures.landing_lag_ms(times, right, left, 0.3, 0.7, max_lag_s=0.1) == pytest.approx(-13.0, abs=1.5)


def test_symmetry_index_sign_and_size() -> None:
    assert measures.symmetry_index_pct(11.0, 9.0) == pytest.approx(20.0)
    assert measures.symmetry_index_pct(9.0, 11.0) == pytest.approx(-20.0)


def test_cadence_and_rhythm_from_touchdown_intervals() -> None:
    touchdowns = np.array([0.0, 0.4, 0.8, 1.2, 1.6])
    assert measures.cadence_jpm(np.diff(touchdowns)) == pytest.approx(150.0)
    assert measures.rhythm_variability_pct(np.diff(touchdowns)) == pytest.approx(0.0, abs=1e-9)
    uneven = np.array([0.0, 0.4, 0.9, 1.3])
    intervals = np.diff(uneven)
    expected = 100 * np.std(intervals, ddof=1) / np.mean(intervals)
    assert measures.rhythm_variability_pct(intervals) == pytest.approx(expected)


def test_trend_is_the_slope_in_percent_of_the_start_value_per_minute() -> None:
    times = np.linspace(0.0, 8.0, 20)
    shrinking = 15.0 * (1 - 0.25 * times / 8.0)  # loses 25 % in 8 s
    assert measures.trend_pct_per_min(times, shrinking) == pytest.approx(-25.0 * 60 / 8)


def test_sink_is_measured_from_the_touchdown_height() -> None:
    times = np.arange(0.0, 0.3, 1 / 60)
    height = -30.0 * np.sin(np.pi * times / 0.3)  # sinks 30 px and comes back
    assert measures.sink_cm(times, height, 0.0, 0.3, 0.2) == pytest.approx(6.0, abs=0.05)


def test_vertical_extent_and_peak_to_peak() -> None:
    times = np.arange(0.0, 0.4, 1 / 60)
    circle = 40.0 * np.cos(2 * np.pi * times / 0.4)
    assert measures.vertical_extent_cm(times, circle, 0.0, 0.4, 0.25) == pytest.approx(20.0, abs=0.2)
    assert measures.peak_to_peak_cm(times, circle, 0.0, 0.4, 0.25) == pytest.approx(20.0, abs=0.3)


def test_lean_is_positive_toward_the_persons_left() -> None:
    hips = np.array([[360.0, 600.0]])
    shoulders = np.array([[370.0, 400.0]])  # top 10 px toward image-right
    front = measures.lean_from_vertical_deg(hips, shoulders, left_sign=1)
    back = measures.lean_from_vertical_deg(hips, shoulders, left_sign=-1)
    assert front[0] == pytest.approx(np.degrees(np.arctan2(10, 200)))
    assert back[0] == pytest.approx(-front[0])


def test_axial_angle_and_knee_bend() -> None:
    left = np.array([[0.2, 0.0, 0.05]])
    right = np.array([[-0.2, 0.0, -0.05]])
    assert measures.axial_angle_deg(left, right)[0] == pytest.approx(np.degrees(np.arctan2(0.1, 0.4)))
    straight = measures.bend_deg(np.array([[0.0, 0.0]]), np.array([[0.0, 1.0]]), np.array([[0.0, 2.0]]))
    bent = measures.bend_deg(np.array([[0.0, 0.0]]), np.array([[0.0, 1.0]]), np.array([[1.0, 1.0]]))
    assert straight[0] == pytest.approx(0.0, abs=1e-6)
    assert bent[0] == pytest.approx(90.0)


def test_twist_amplitude_of_a_noisy_swing_is_not_pulled_up_by_jitter() -> None:
    times = np.arange(0.0, 0.4, 1 / 30)
    swing = 1.0 + 3.0 * np.sin(2 * np.pi * times / 0.4 + 0.7)
    assert measures.twist_half_range_deg(times, swing, 0.0, 0.4) == pytest.approx(3.0, abs=0.05)
    noisy = swing + np.random.default_rng(3).normal(0.0, 1.0, times.size)
    raw_half_range = 0.5 * np.ptp(noisy)
    fitted = measures.twist_half_range_deg(times, noisy, 0.0, 0.4)
    assert abs(fitted - 3.0) < abs(raw_half_range - 3.0)


def test_the_trend_of_resampled_rows_matches_the_plain_fit() -> None:
    rng = np.random.default_rng(3)
    times = np.sort(rng.uniform(0.0, 30.0, 25))
    values = 20.0 * (1.0 - 0.5 * times / 60.0) + rng.normal(0.0, 0.3, times.size)  # -50 %/min and noise
    assert measures.trend_pct_per_min(times, values) == pytest.approx(-50.0, abs=6.0)
    picks = rng.integers(0, times.size, size=(4, times.size))
    rows = measures.trend_rows_pct_per_min(times[picks], values[picks])
    for row, pick in zip(rows, picks, strict=True):
        slope, start = np.polyfit(times[pick], values[pick], 1)
        assert row == pytest.approx(100.0 * 60.0 * slope / start)
    # A resample of one repeated jump has no slope: NaN, never an error.
    same = np.full((1, 5), 3.0)
    assert np.isnan(measures.trend_rows_pct_per_min(same, same + 1.0)[0])
