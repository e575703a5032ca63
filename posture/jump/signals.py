"""Cleaning a pose track before any timing is read from it.

MediaPipe sometimes trades the left and right labels of a limb for a frame or two, loses the
person for a few frames, and jitters by a pixel or two. Every step here keeps timing intact: gaps
are filled along the real frame times (phones record variable frame rate), and the low-pass
filter runs forwards and backwards (zero phase) on a uniform grid resampled from those times. Its
cutoff follows the rope's turn rate (:func:`bounce_rate_hz`): a fixed cutoff that suits a slow
bounce rounds off the landings of a fast one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, periodogram, sosfiltfilt

from posture.pose import INDEX
from posture.video.track import PoseTrack

# Landmarks that MediaPipe swaps together: a whole arm or a whole leg changes side at once.
SWAP_GROUPS: dict[str, tuple[str, ...]] = {
    "arm": ("shoulder", "elbow", "wrist", "pinky", "index", "thumb"),
    "leg": ("hip", "knee", "ankle", "heel", "foot_index"),
}
# A frame is relabelled only when the swapped labels fit its neighbour at least this much better:
# in a side view both limbs overlap and neither labelling is clearly better, so nothing changes.
SWAP_COST_RATIO = 0.5


@dataclass(frozen=True)
class CleanTrack:
    """A pose track after label-swap repair, gap filling and zero-phase smoothing.

    ``times_s`` (n,), ``xy_px`` (n, 33, 2) and ``world_m`` (n, 33, 3) as in :class:`PoseTrack`;
    ``interpolated`` (n,) frames filled from their neighbours; ``gaps_filled`` how many runs of
    missing frames were filled; ``gaps_left`` runs too long to fill (they stay NaN);
    ``swaps_repaired`` frames whose left/right labels were traded back.
    """

    times_s: np.ndarray
    xy_px: np.ndarray
    world_m: np.ndarray
    interpolated: np.ndarray
    gaps_filled: int
    gaps_left: int
    swaps_repaired: int
    image_size: tuple[int, int]

    def point(self, name: str) -> np.ndarray:
        """(n, 2) pixel track of one landmark by name."""
        return self.xy_px[:, INDEX[name], :]

    def midpoint(self, name: str) -> np.ndarray:
        """(n, 2) track halfway between the left and right ``name`` landmarks."""
        return np.asarray((self.point(f"left_{name}") + self.point(f"right_{name}")) / 2.0)

    def world(self, name: str) -> np.ndarray:
        """(n, 3) metric world track of one landmark by name."""
        return self.world_m[:, INDEX[name], :]

    @property
    def frame_interval_s(self) -> float:
        """Median time between frames (s)."""
        return float(np.median(np.diff(self.times_s)))


def _group_indices(group: tuple[str, ...]) -> tuple[list[int], list[int]]:
    return [INDEX[f"left_{name}"] for name in group], [INDEX[f"right_{name}"] for name in group]


def repair_swaps(xy_px: np.ndarray) -> tuple[np.ndarray, int]:
    """Trade back left/right labels of an arm or leg where a frame disagrees with the frame before.

    Returns the repaired (n, 33, 2) copy and how many frames were changed. The last frame that saw
    the limb (already repaired) is the reference: a swapped frame sits near the other side's
    previous position.
    """
    out = xy_px.copy()
    changed: set[int] = set()
    for group in SWAP_GROUPS.values():
        left, right = _group_indices(group)
        reference: int | None = None  # last frame with this limb seen
        for i in range(out.shape[0]):
            cur_l, cur_r = out[i, left], out[i, right]
            seen = np.isfinite(cur_l).all(axis=1) & np.isfinite(cur_r).all(axis=1)
            if not seen.any():
                continue
            if reference is not None:
                prev_l, prev_r = out[reference, left], out[reference, right]
                both = seen & np.isfinite(prev_l).all(axis=1) & np.isfinite(prev_r).all(axis=1)
                if both.any():
                    keep = float(
                        np.sum(
                            np.linalg.norm(cur_l[both] - prev_l[both], axis=1)
                            + np.linalg.norm(cur_r[both] - prev_r[both], axis=1)
                        )
                    )
                    swap = float(
                        np.sum(
                            np.linalg.norm(cur_l[both] - prev_r[both], axis=1)
                            + np.linalg.norm(cur_r[both] - prev_l[both], axis=1)
                        )
                    )
                    if swap < SWAP_COST_RATIO * keep:
                        out[i, left], out[i, right] = cur_r.copy(), cur_l.copy()
                        changed.add(i)
            reference = i
    return out, len(changed)


def missing_runs(missing: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index ranges (stop exclusive) of consecutive True values."""
    edges = np.diff(np.concatenate(([0], missing.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True))


def fill_gaps(times_s: np.ndarray, values: np.ndarray, max_gap_s: float) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Fill short runs of missing frames by linear interpolation along the real frame times.

    ``values``: (n, ...) with NaN rows where the frame had no person. A run is filled when it has
    a seen frame on both sides and lasts at most ``max_gap_s`` (from the last seen frame before it
    to the first seen after). Returns (filled copy, (n,) filled mask, runs filled, runs left NaN).
    """
    flat = values.reshape(values.shape[0], -1).copy()
    missing = np.isnan(flat).all(axis=1)
    filled_mask = np.zeros(values.shape[0], dtype=bool)
    filled = left = 0
    for start, stop in missing_runs(missing):
        inside = start > 0 and stop < values.shape[0]
        if not inside or times_s[stop] - times_s[start - 1] > max_gap_s:
            left += 1
            continue
        weight = (times_s[start:stop] - times_s[start - 1]) / (times_s[stop] - times_s[start - 1])
        flat[start:stop] = flat[start - 1] + weight[:, None] * (flat[stop] - flat[start - 1])
        filled_mask[start:stop] = True
        filled += 1
    return flat.reshape(values.shape), filled_mask, filled, left


def lowpass(times_s: np.ndarray, signal: np.ndarray, cutoff_hz: float) -> np.ndarray:
    """Zero-phase Butterworth low-pass (2nd order, forwards and backwards) of a 1-D signal.

    The signal is resampled onto a uniform grid at the median frame interval, filtered, and read
    back at the original times, so uneven frame times shift nothing. NaN runs split the signal
    into pieces filtered separately; a cutoff at or above 90 % of the Nyquist frequency leaves
    the signal as it is.
    """
    out = signal.astype(float).copy()
    dt = float(np.median(np.diff(times_s)))
    if cutoff_hz >= 0.9 * 0.5 / dt:
        return out
    sos = butter(2, cutoff_hz, fs=1.0 / dt, output="sos")
    for start, stop in missing_runs(np.isfinite(out)):
        if stop - start < 8:
            continue
        t = times_s[start:stop]
        grid = np.arange(t[0], t[-1] + 0.5 * dt, dt)
        uniform = np.interp(grid, t, out[start:stop])
        smooth = sosfiltfilt(sos, uniform, padlen=min(3 * 5, grid.size - 1))
        out[start:stop] = np.interp(t, grid, smooth)
    return out


def bounce_rate_hz(track: PoseTrack | CleanTrack, low_hz: float = 1.0, high_hz: float = 6.0) -> float:
    """The body's strongest up-and-down rhythm (Hz) between ``low_hz`` and ``high_hz``: the rope's
    turn rate when skipping (60-360 turns/min), read before any jump is found.

    Periodogram of the mean height of the hips and ankles, resampled onto a uniform grid at the
    median frame interval (missing frames interpolated), zero-padded to at least 4096 samples (a
    0.007-0.015 Hz grid at 30-60 fps). NaN when fewer than 16 frames show the body.
    """
    rows = np.stack([track.point(f"{side}_{name}")[:, 1] for side in ("left", "right") for name in ("hip", "ankle")])
    seen = np.isfinite(rows).all(axis=0)
    if seen.sum() < 16:
        return float("nan")
    times, height = np.asarray(track.times_s, dtype=float)[seen], rows[:, seen].mean(axis=0)
    dt = float(np.median(np.diff(times)))
    grid = np.arange(times[0], times[-1], dt)
    uniform = np.interp(grid, times, height)
    frequencies, power = periodogram(uniform, fs=1.0 / dt, detrend="linear", nfft=max(4096, grid.size))
    band = (frequencies >= low_hz) & (frequencies <= high_hz)
    return float(frequencies[band][np.argmax(power[band])]) if band.any() else float("nan")


def clean_track(track: PoseTrack, max_gap_s: float, cutoff_hz: float | None) -> CleanTrack:
    """Swap repair, gap filling (runs up to ``max_gap_s``) and zero-phase low-pass at ``cutoff_hz``.

    ``cutoff_hz=None`` keeps the raw positions (the baseline the accuracy bench compares against).
    """
    times = np.asarray(track.times_s, dtype=float)
    xy, swaps = repair_swaps(np.asarray(track.xy_px, dtype=float))
    xy, interpolated, filled, left = fill_gaps(times, xy, max_gap_s)
    world, _, _, _ = fill_gaps(times, np.asarray(track.world_m, dtype=float), max_gap_s)
    if cutoff_hz is not None:
        for landmark in range(xy.shape[1]):
            for axis in range(2):
                xy[:, landmark, axis] = lowpass(times, xy[:, landmark, axis], cutoff_hz)
    return CleanTrack(
        times_s=times,
        xy_px=xy,
        world_m=world,
        interpolated=interpolated | np.asarray(track.interpolated, dtype=bool),
        gaps_filled=filled,
        gaps_left=left,
        swaps_repaired=swaps + track.swaps_repaired,
        image_size=track.image_size,
    )


def value_at(times_s: np.ndarray, signal: np.ndarray, t: float) -> float:
    """Linear interpolation of ``signal`` at time ``t`` (s)."""
    return float(np.interp(t, times_s, signal))


def window(times_s: np.ndarray, signal: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    """Samples of ``signal`` within [start_s, end_s] plus the interpolated values at both ends."""
    inside = (times_s > start_s) & (times_s < end_s)
    return np.concatenate(([value_at(times_s, signal, start_s)], signal[inside], [value_at(times_s, signal, end_s)]))


def refined_extremum(times_s: np.ndarray, signal: np.ndarray, start_s: float, end_s: float, largest: bool) -> float:
    """Largest (or smallest) value in [start_s, end_s], refined by a parabola through the best sample.

    Between frames the true peak is usually higher than the best sample: the parabola through it
    and its two neighbours recovers most of that, clamped to at most half a sample step away.
    """
    sign = 1.0 if largest else -1.0
    inside = np.flatnonzero((times_s >= start_s) & (times_s <= end_s) & np.isfinite(signal))
    if inside.size == 0:
        return float("nan")
    best = int(inside[np.argmax(sign * signal[inside])])
    peak = float(signal[best])
    if 0 < best < signal.size - 1 and np.isfinite(signal[best - 1]) and np.isfinite(signal[best + 1]):
        a, b, c = sign * signal[best - 1], sign * peak, sign * signal[best + 1]
        curvature = a - 2 * b + c
        if curvature < 0:
            offset = float(np.clip(0.5 * (a - c) / curvature, -0.5, 0.5))
            peak = sign * (b - 0.25 * (a - c) * offset)
    return peak


def refined_peak(lags: np.ndarray, scores: np.ndarray) -> float:
    """The best lag (in samples), refined by a parabola through the best score and its neighbours."""
    best = int(np.argmax(scores))
    if 0 < best < scores.size - 1:
        curvature = scores[best - 1] - 2 * scores[best] + scores[best + 1]
        if curvature < 0:
            return float(lags[best] + 0.5 * (scores[best - 1] - scores[best + 1]) / curvature)
    return float(lags[best])


def correlations_by_row(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson correlation of each row of ``a`` with the same row of ``b`` (means removed; 0 when
    either row is flat)."""
    a = a - a.mean(axis=-1, keepdims=True)
    b = b - b.mean(axis=-1, keepdims=True)
    spread = np.sqrt(np.einsum("...i,...i->...", a, a) * np.einsum("...i,...i->...", b, b))
    return np.asarray(np.einsum("...i,...i->...", a, b) / np.where(spread > 0, spread, 1.0))


def best_shift_s(
    pairs_at: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]], max_shift_s: float, step_s: float = 0.001
) -> float:
    """The shift (s, within +-``max_shift_s`` on a ``step_s`` grid, refined between grid steps) at
    which the two samples correlate best (:func:`correlations_by_row`). ``pairs_at`` gets every
    candidate shift at once as a (k, 1) column (s) and returns the two samples for each, (k, n) or
    broadcastable to it."""
    shifts = np.arange(-round(max_shift_s / step_s), round(max_shift_s / step_s) + 1)
    a, b = np.broadcast_arrays(*pairs_at(shifts[:, np.newaxis] * step_s))
    return refined_peak(shifts, correlations_by_row(a, b)) * step_s
