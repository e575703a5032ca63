"""Jump-rope measures (docs/jump-rope.md), each a small pure function on plain arrays.

Heights are image heights (px, up = positive) turned into cm by the caller's cm-per-px scale;
times are seconds from the clip's first frame. Left/right are the person's anatomical sides.
"""

from __future__ import annotations

import numpy as np
from scipy.interpolate import CubicSpline

from posture.jump.signals import (
    best_shift_s,
    refined_extremum,
    refined_peak,
    value_at,
    window,
)


def symmetry_index_pct(left: float, right: float) -> float:
    """Symmetry index SI = 100 * (L - R) / ((L + R) / 2), %; + = larger on the left.

    Normal: |SI| below 10-15 % (limb symmetry criteria of gait and hop tests, Robinson et al. 1987,
    J Manipulative Physiol Ther 10:172; Noyes et al. 1991, Am J Sports Med 19:513).
    """
    mean = (left + right) / 2.0
    return float("nan") if mean == 0 else float(100.0 * (left - right) / mean)


def cadence_jpm(intervals_s: np.ndarray) -> float:
    """Cadence (jumps/min) = 60 / median interval (s) between consecutive first-foot touchdowns.

    Basic bounce: 100-160 jumps/min for recreational skippers, up to ~300 in speed skipping
    (Miyaguchi et al. 2014, J Phys Ther Sci 26:1367 for the bounce; IJRU speed records).
    """
    return float(60.0 / np.median(intervals_s))


def instantaneous_cadence_jpm(intervals_s: np.ndarray) -> np.ndarray:
    """Per-interval cadence (jumps/min): 60 / each interval (s) between consecutive touchdowns."""
    return 60.0 / np.asarray(intervals_s)


def rhythm_variability_pct(intervals_s: np.ndarray) -> float:
    """Coefficient of variation (%) of the intervals between touchdowns (sample standard deviation).

    Steady skippers stay below ~5 %; beginners' rhythm varies more (project reading of the
    generator's 2-6 % natural jitter).
    """
    return float(100.0 * np.std(intervals_s, ddof=1) / np.mean(intervals_s))


def landing_lead_ms(touchdown_left_s: float, touchdown_right_s: float) -> float:
    """Right touchdown minus left touchdown (ms): + = the left foot lands first."""
    return 1000.0 * (touchdown_right_s - touchdown_left_s)


def landing_lag_ms(
    times_s: np.ndarray,
    lift_left: np.ndarray,
    lift_right: np.ndarray,
    start_s: float,
    end_s: float,
    max_lag_s: float,
    step_s: float = 0.001,
) -> float:
    """Landing lead (ms) of one flight: the time shift that best lines up the right foot's path with
    the left's path within [start_s, end_s] (normalised cross-correlation); + = the left foot lands
    first.

    The truth shifts one foot's whole vertical path, so every frame of the descent carries the lag,
    not only the one frame where the foot meets the floor: matching the whole window averages the
    tracker's per-frame jitter and stays sub-frame at 30 fps. For each lag (within +-``max_lag_s``,
    ``step_s`` grid) both paths are read over the whole window, each moved by half the lag (linear
    interpolation between frames), so no lag cuts the window short. Hop-landing leads are 10-40 ms;
    threshold for a clear lead in ``thresholds.toml`` (15 ms).
    """
    ok = np.isfinite(lift_left) & np.isfinite(lift_right)
    if (ok & (times_s >= start_s) & (times_s <= end_s)).sum() < 4:
        return float("nan")
    grid = np.arange(start_s, end_s, step_s)

    def paths_at(shift_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # Each path moves by half the shift, so swapping the feet exactly negates the result.
        return (
            np.interp(grid - 0.5 * shift_s, times_s[ok], lift_left[ok]),
            np.interp(grid + 0.5 * shift_s, times_s[ok], lift_right[ok]),
        )

    return 1000.0 * best_shift_s(paths_at, max_lag_s, step_s)


def correlation_scores(left: np.ndarray, right: np.ndarray, max_shift: int) -> tuple[np.ndarray, np.ndarray]:
    """Normalised cross-correlation of two equally sampled signals at integer shifts within
    +-``max_shift`` samples, over each shift's overlap (means removed once, over the whole signals);
    score k pairs ``right(t + lag)`` with ``left(t)``, so a positive best lag means the right
    repeats the left's waveform later."""
    a, b = left - left.mean(), right - right.mean()
    lags = np.arange(-max_shift, max_shift + 1)
    scores = np.empty(lags.size)
    for k, lag in enumerate(lags):
        if lag >= 0:
            x, y = a[: a.size - lag], b[lag:]
        else:
            x, y = a[-lag:], b[: b.size + lag]
        scores[k] = float(np.dot(x, y) / (np.sqrt(np.dot(x, x) * np.dot(y, y)) or 1.0))
    return lags, scores


def peak_height_above_cm(
    times_s: np.ndarray, height_px: np.ndarray, start_s: float, end_s: float, level_px: float, cm_per_px: float
) -> float:
    """Peak of ``height_px`` within [start_s, end_s] above ``level_px``, in cm (foot clearance).

    Foot clearance of a basic bounce is typically 2-8 cm (generator range 3-7 cm).
    """
    return (refined_extremum(times_s, height_px, start_s, end_s, largest=True) - level_px) * cm_per_px


def sink_cm(
    times_s: np.ndarray, height_px: np.ndarray, touchdown_s: float, takeoff_s: float, cm_per_px: float
) -> float:
    """How far a point sinks (cm) from its height at touchdown to its lowest point before take-off.

    Landing depth of the hip joint centre; a few cm in a relaxed bounce. The side that sinks
    more lands heavier.
    """
    start = value_at(times_s, height_px, touchdown_s)
    lowest = min(refined_extremum(times_s, height_px, touchdown_s, takeoff_s, largest=False), start)
    return (start - lowest) * cm_per_px


def vertical_extent_cm(
    times_s: np.ndarray, height_px: np.ndarray, start_s: float, end_s: float, cm_per_px: float
) -> float:
    """Max - min (cm) of a height within [start_s, end_s]: the hand circle of one rope turn.

    Wrist circles of 10-25 cm are typical for a basic bounce with the elbows near the trunk.
    """
    top = refined_extremum(times_s, height_px, start_s, end_s, largest=True)
    bottom = refined_extremum(times_s, height_px, start_s, end_s, largest=False)
    return (top - bottom) * cm_per_px


def peak_to_peak_cm(
    times_s: np.ndarray, position_px: np.ndarray, start_s: float, end_s: float, cm_per_px: float
) -> float:
    """Peak-to-peak travel (cm) of a position within [start_s, end_s] (lateral sway of one turn)."""
    piece = window(times_s, position_px, start_s, end_s)
    return float((np.nanmax(piece) - np.nanmin(piece)) * cm_per_px)


def lead_ms(
    times_s: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    max_lag_s: float,
    step_s: float = 0.001,
    refine: bool = True,
) -> float:
    """Time (ms) by which ``left`` leads ``right``: + = the left signal's waveform happens first.

    Cross-correlation of the two mean-removed signals (resampled on a ``step_s`` grid by cubic
    splines, normalised by the overlap) at lags within +-``max_lag_s``, refined by a parabola
    through the best lag and its neighbours (``refine``). Used for the hand phase lead (relative wrist heights;
    + = left wrist leads), with half a jump period as the lag limit.
    """
    ok = np.isfinite(left) & np.isfinite(right)
    if ok.sum() < 8:
        return float("nan")
    t = times_s[ok]
    grid = np.arange(t[0], t[-1], step_s)
    lags, scores = correlation_scores(
        CubicSpline(t, left[ok])(grid), CubicSpline(t, right[ok])(grid), round(max_lag_s / step_s)
    )
    best = refined_peak(lags, scores) if refine else float(lags[int(np.argmax(scores))])
    return float(best * step_s * 1000.0)


def left_minus_right_cm(left_px: np.ndarray, right_px: np.ndarray, cm_per_px: float) -> np.ndarray:
    """(n,) per-frame left - right (cm); its time mean over the clip is ``hand_height_diff_cm``
    (wrist heights) or ``hand_spread_diff_cm`` (wrist distances from the body midline).

    Project thresholds 2 cm for both (shoulder-height differences past 1-2 cm count in posture
    screening, Kendall et al. "Muscles: Testing and Function"; one elbow flared 2 cm or more).
    """
    return np.asarray((left_px - right_px) * cm_per_px)


def lateral_offset_cm(
    hip_mid_x_px: np.ndarray, ankle_mid_x_px: np.ndarray, left_sign: int, cm_per_px: float
) -> np.ndarray:
    """(n,) sideways offset (cm) of the hip midpoint from the ankles' midpoint; + = toward the left.

    Its time mean is ``lateral_shift_cm``; past 1.5 cm is a visible shift of the pelvis over the
    feet (project threshold, allowing 1.3 cm for a camera rolled by 1 deg).
    """
    return np.asarray((hip_mid_x_px - ankle_mid_x_px) * left_sign * cm_per_px)


def lean_from_vertical_deg(lower_xy: np.ndarray, upper_xy: np.ndarray, left_sign: int) -> np.ndarray:
    """Angle (deg) of the lower -> upper line from the image vertical; + = top toward the person's left.

    Trunk lateral lean of the hip-midpoint -> shoulder-midpoint line; within +-2 deg is usual
    standing posture (frontal trunk lean norms, e.g. Kendall's plumb line).
    """
    dx = (upper_xy[:, 0] - lower_xy[:, 0]) * left_sign
    dy = lower_xy[:, 1] - upper_xy[:, 1]
    return np.asarray(np.degrees(np.arctan2(dx, dy)))


def axial_angle_deg(left_m: np.ndarray, right_m: np.ndarray) -> np.ndarray:
    """(n,) angle (deg) of the right -> left line in the horizontal plane of MediaPipe world axes."""
    delta = left_m - right_m
    return np.asarray(np.degrees(np.arctan2(delta[:, 2], delta[:, 0])))


def twist_half_range_deg(times_s: np.ndarray, twist_deg: np.ndarray, start_s: float, end_s: float) -> float:
    """Amplitude (deg) of the shoulder-line vs hip-line angle's once-per-turn swing within one rope turn.

    The truth's half peak-to-peak of a swing that follows the turn; a least-squares sine with the
    turn's period (plus an offset) gives it without the upward pull frame jitter has on a raw
    peak-to-peak. A relaxed skipper's trunk twists by a degree or less per turn; 2 deg or more
    is a clear counter-rotation (project threshold).
    """
    inside = (times_s >= start_s) & (times_s <= end_s) & np.isfinite(twist_deg)
    if inside.sum() < 4:
        return float("nan")
    phase = 2.0 * np.pi * (times_s[inside] - start_s) / (end_s - start_s)
    design = np.column_stack([np.ones(phase.size), np.cos(phase), np.sin(phase)])
    coefficients, *_ = np.linalg.lstsq(design, twist_deg[inside], rcond=None)
    return float(np.hypot(coefficients[1], coefficients[2]))


def trend_pct_per_min(times_s: np.ndarray, values: np.ndarray) -> float:
    """Least-squares slope of ``values`` over time as %/min of the fitted value at t = 0 (clip start).

    Natural jump-to-jump variation gives +-20-60 %/min over a short clip; a side that tires
    shrinks by 100 %/min or more (generator's fatigue range).
    """
    ok = np.isfinite(values)
    if ok.sum() < 3:
        return float("nan")
    return float(trend_rows_pct_per_min(times_s[ok][None, :], values[ok][None, :])[0])


def trend_rows_pct_per_min(times_s: np.ndarray, values: np.ndarray) -> np.ndarray:
    """:func:`trend_pct_per_min` of each row of (B, n) ``times_s`` and ``values`` (finite; NaN where a row's
    times do not vary or its fitted start value is 0), for resampled jumps."""
    t_mean, v_mean = times_s.mean(axis=1, keepdims=True), values.mean(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = ((times_s - t_mean) * (values - v_mean)).sum(axis=1) / ((times_s - t_mean) ** 2).sum(axis=1)
        start = v_mean[:, 0] - slope * t_mean[:, 0]
        trend = 100.0 * 60.0 * slope / start
    return np.asarray(np.where(np.isfinite(trend), trend, np.nan))


def bend_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """(n,) angle (deg) by which the joint at ``b`` bends from straight (0 = a, b, c in line)."""
    u, v = a - b, c - b
    cosine = np.sum(u * v, axis=1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
    return np.asarray(180.0 - np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))
