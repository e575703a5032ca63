"""Track cleaning: label-swap repair, gap filling along real frame times, zero-phase smoothing."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from posture.jump.signals import bounce_rate_hz, clean_track, fill_gaps, lowpass, refined_extremum, repair_swaps
from posture.pose import INDEX
from tests.jump_motion import Skipper, frame_times, skipper_track, steady_turns


def _legs_swapped(xy: np.ndarray, frame: int) -> np.ndarray:
    out = xy.copy()
    for name in ("hip", "knee", "ankle", "heel", "foot_index"):
        left, right = INDEX[f"left_{name}"], INDEX[f"right_{name}"]
        out[frame, [left, right]] = xy[frame, [right, left]]
    return out


def test_an_injected_left_right_swap_is_traded_back() -> None:
    track = skipper_track(Skipper(steady_turns(150, 4)), frame_times(30, 4))
    broken = _legs_swapped(_legs_swapped(track.xy_px, 40), 77)
    repaired, count = repair_swaps(broken)
    assert count == 2
    np.testing.assert_allclose(repaired, track.xy_px)


def test_a_clean_track_changes_nothing_when_repairing_swaps() -> None:
    track = skipper_track(Skipper(steady_turns(150, 4)), frame_times(30, 4))
    repaired, count = repair_swaps(track.xy_px)
    assert count == 0
    np.testing.assert_array_equal(repaired, track.xy_px)


def test_short_gaps_are_filled_along_frame_times_and_long_ones_stay_missing() -> None:
    times = frame_times(30, 3, jitter=0.3)
    values = np.stack([2.0 * times, -times], axis=1)
    holed = values.copy()
    holed[10:13] = np.nan  # 0.1 s: filled
    holed[40:60] = np.nan  # 0.67 s: too long
    filled, mask, n_filled, n_left = fill_gaps(times, holed, max_gap_s=0.15)
    assert (n_filled, n_left) == (1, 1)
    np.testing.assert_allclose(filled[10:13], values[10:13])
    assert mask[10:13].all()
    assert not mask[40:60].any()
    assert np.isnan(filled[40:60]).all()


def test_lowpass_removes_jitter_without_shifting_the_peak() -> None:
    times = frame_times(60, 4, jitter=0.25)
    slow = np.sin(2 * np.pi * 2.0 * times)
    noisy = slow + 0.2 * np.random.default_rng(1).normal(size=times.size)
    smooth = lowpass(times, noisy, 8.0)
    assert np.std(smooth - slow) < 0.5 * np.std(noisy - slow)
    # Zero phase: the cross-correlation of smooth vs slow peaks at lag 0.
    lags = range(-5, 6)
    scores = [np.dot(np.roll(smooth, k), slow) for k in lags]
    assert list(lags)[int(np.argmax(scores))] == 0


@pytest.mark.parametrize(("cadence", "fps"), [(110.0, 30.0), (180.0, 60.0), (300.0, 30.0)])
def test_bounce_rate_is_the_turn_rate_even_with_frames_missing(cadence: float, fps: float) -> None:
    track = skipper_track(Skipper(steady_turns(cadence, 6.0)), frame_times(fps, 6.0, jitter=0.25))
    holed = track.xy_px.copy()
    holed[20:26] = np.nan
    rate_hz = bounce_rate_hz(dataclasses.replace(track, xy_px=holed))
    assert rate_hz * 60.0 == pytest.approx(cadence, rel=0.02)


def test_bounce_rate_needs_a_body_in_view() -> None:
    track = skipper_track(Skipper(steady_turns(150.0, 4.0)), frame_times(30.0, 4.0))
    assert np.isnan(bounce_rate_hz(dataclasses.replace(track, xy_px=np.full_like(track.xy_px, np.nan))))


def test_refined_peak_recovers_the_top_between_frames() -> None:
    times = np.arange(0.0, 1.0, 1 / 30)
    signal = 10.0 - 400.0 * (times - 0.515) ** 2
    assert signal.max() < 9.95
    assert abs(refined_extremum(times, signal, 0.0, 1.0, largest=True) - 10.0) < 0.01


def test_clean_track_counts_repairs_and_gaps() -> None:
    track = skipper_track(Skipper(steady_turns(150, 4)), frame_times(30, 4))
    xy = _legs_swapped(track.xy_px, 50)
    xy[20:22] = np.nan
    broken = type(track)(
        track.times_s, xy, track.visibility, track.world_m, track.image_size, track.model, track.interpolated
    )
    clean = clean_track(broken, max_gap_s=0.15, cutoff_hz=None)
    assert clean.swaps_repaired == 1
    assert (clean.gaps_filled, clean.gaps_left) == (1, 0)
    assert clean.interpolated[20:22].all()
