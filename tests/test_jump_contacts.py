"""One foot's contacts: the running floor level under the foot."""

from __future__ import annotations

import numpy as np
import pytest

from posture.jump.contacts import rolling_line, rolling_percentile


def percentile_of_each_window(times_s: np.ndarray, signal: np.ndarray, half_s: float, percentile: float) -> np.ndarray:
    """The definition, one window at a time."""
    out = np.full(signal.size, np.nan)
    for i, t in enumerate(times_s):
        window = signal[(times_s >= t - half_s) & (times_s <= t + half_s)]
        window = window[np.isfinite(window)]
        if window.size:
            out[i] = np.percentile(window, percentile)
    return out


@pytest.mark.parametrize("seed", range(20))
def test_rolling_percentile_is_each_windows_percentile(seed: int) -> None:
    rng = np.random.default_rng(seed)
    frames = int(rng.integers(1, 300))
    times_s = np.cumsum(rng.uniform(0.008, 0.05, frames))  # uneven frame times (variable frame rate)
    signal = rng.normal(0.0, 10.0, frames)
    signal[rng.random(frames) < 0.25] = np.nan  # frames where the foot was not seen
    half_s, percentile = float(rng.uniform(0.02, 1.5)), float(rng.uniform(0.0, 100.0))
    np.testing.assert_allclose(
        rolling_percentile(times_s, signal, half_s, percentile),
        percentile_of_each_window(times_s, signal, half_s, percentile),
        rtol=0,
        atol=1e-12,
    )


def test_a_window_without_any_seen_frame_has_no_floor_level() -> None:
    times_s = np.arange(10) / 30.0
    signal = np.r_[np.full(5, np.nan), np.arange(5.0)]
    floor = rolling_percentile(times_s, signal, 0.05, 10.0)
    assert np.isnan(floor[:3]).all()
    assert np.isfinite(floor[4:]).all()


def test_rolling_line_follows_a_line_to_the_clip_edges() -> None:
    times = np.arange(0.0, 12.0, 1 / 30)
    line = 600.0 + 2.5 * times  # a floor drifting 2.5 px/s down the picture
    level = rolling_line(times, line, times, half_window_s=4.0)
    assert np.max(np.abs(level - line)) < 1e-6  # no lag, even where the window is cut by the clip
    noisy = line + np.random.default_rng(3).normal(0.0, 1.0, times.size)
    assert np.max(np.abs(rolling_line(times, noisy, times, 4.0) - line)) < 1.0


def test_rolling_line_of_one_sample_or_none() -> None:
    level = rolling_line(np.array([1.0]), np.array([5.0]), np.array([1.0, 9.0]), half_window_s=2.0)
    assert level[0] == pytest.approx(5.0)
    assert np.isnan(level[1])
