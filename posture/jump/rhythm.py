"""Rope-turn timing: each landing placed by its shape as well as its threshold crossing, the stops
between bouts of skipping, and the cadence over time.

A touchdown found where a foot's lift crosses a threshold jitters by the tracker's noise at that
one frame (13-38 ms standard deviation on the full model's tracks of the rendered clips). A steady
skipper's landings share one shape, so each landing can also be placed by lining the feet's whole
path around it up with the clip's mean landing (a template built from the landings themselves):
the path's many frames average the tracker's jitter, but landings that differ in height or flight
time from the mean are placed a few ms off (up to 15 ms on exact keypoints). The two estimates
err for different reasons, so the rope-turn timing uses their mean.
"""

from __future__ import annotations

import itertools

import numpy as np

from posture.jump import measures
from posture.jump.signals import CleanTrack, best_shift_s

# Window around each touchdown, in rope turns: a whole turn, half a turn either side (about the
# flight before it and the contact after it), so each landing is placed by all of a turn's frames;
# and how far one landing may move (a rope jitters 2-6 % between turns). On the full model's tracks of the 8
# rendered clips, windows of 0.25 / 0.4 / 0.5 turn either side gave a cadence MAE of 1.04 / 0.80 /
# 0.72 jumps/min (0.5 better than 0.25 on 6 of the 8 clips) and a rhythm variability error of
# 2.05 / 1.82 / 1.57 points; exact keypoints stay within 0.3 jumps/min and 0.25 points.
BEFORE_TURNS = 0.5
AFTER_TURNS = 0.5
MAX_SHIFT_TURNS = 0.1
ROUNDS = 2  # a second round rebuilds the template from the aligned landings


def aligned_touchdowns_s(
    times_s: np.ndarray, path: np.ndarray, touchdowns_s: np.ndarray, step_s: float = 0.001
) -> np.ndarray:
    """Each touchdown (s) moved to where the foot path around it best matches the mean landing.

    ``path``: both feet's vertical path (any unit, up = +) on ``times_s``; ``touchdowns_s``: the
    detected first-foot touchdowns, one per rope turn. The result is not moved overall (its median
    offset from them is 0; only the spacing changes), so cadence (jumps/min = 60 / median
    interval) and rhythm variability read the landings' spacing with the jitter averaged out.
    Fewer than 3 touchdowns: returned as given.
    """
    ok = np.isfinite(path)
    if touchdowns_s.size < 3 or ok.sum() < 4:
        return touchdowns_s
    period = float(np.median(np.diff(touchdowns_s)))
    relative = np.arange(-BEFORE_TURNS * period, AFTER_TURNS * period, step_s)

    def around(t: float | np.ndarray) -> np.ndarray:
        return np.asarray(np.interp(t + relative, times_s[ok], path[ok]))

    def moved(t: float, template: np.ndarray) -> float:
        shift = best_shift_s(lambda s: (template, around(t + s)), MAX_SHIFT_TURNS * period, step_s)
        return t + shift

    aligned = np.asarray(touchdowns_s, dtype=float)
    for _ in range(ROUNDS):
        template = np.mean([around(t) for t in aligned], axis=0)
        aligned = np.array([moved(t, template) for t in aligned])
    return aligned + float(np.median(touchdowns_s - aligned))


def turn_touchdowns_s(times_s: np.ndarray, path: np.ndarray, touchdowns_s: np.ndarray) -> np.ndarray:
    """The touchdowns (s) cadence and rhythm variability are read from: the mean of each detected
    touchdown and its place by the landing's shape (:func:`aligned_touchdowns_s`).

    On the full model's tracks of the 8 rendered clips this took the cadence MAE from 1.09 to
    0.72 jumps/min and the rhythm variability error from 4.4 to 1.6 points (whole-turn windows:
    see BEFORE_TURNS), while exact keypoints stay within 0.3 jumps/min and 0.25 points.
    """
    return np.asarray(0.5 * (touchdowns_s + aligned_touchdowns_s(times_s, path, touchdowns_s)))


def stops(touchdowns_s: np.ndarray, factor: float, neighbours: int = 4) -> np.ndarray:
    """(n - 1,) True for each interval between consecutive touchdowns (s) longer than ``factor`` times the
    median of the ``neighbours`` intervals either side of it: the skipping stopped there (the rope caught
    the feet, or a pause) and went on.

    The neighbours' median rather than the clip's: a skipper speeding up from 140 to 300 turns/min
    halves the interval over the clip but barely changes it from one turn to the next, while a rope
    jitters 2-6 % between turns. Fewer than 3 intervals: none is a stop.
    """
    intervals = np.diff(np.asarray(touchdowns_s, dtype=float))
    stopped = np.zeros(intervals.size, dtype=bool)
    if intervals.size < 3:
        return stopped
    for k in range(intervals.size):
        around = np.concatenate([intervals[max(0, k - neighbours) : k], intervals[k + 1 : k + 1 + neighbours]])
        stopped[k] = intervals[k] > factor * float(np.median(around))
    return stopped


def cadence_over_time(
    touchdowns_s: np.ndarray, stopped: np.ndarray, duration_s: float
) -> dict[str, list[dict[str, float]]]:
    """Cadence after each rope turn, and over thirds of the clip (intervals with both touchdowns inside),
    leaving out the intervals across a stop."""
    starts, ends = touchdowns_s[:-1], touchdowns_s[1:]
    intervals = ends - starts
    per_jump = [
        {"time_s": round(float(t), 3), "cadence_jpm": round(float(c), 1)}
        for t, c, stop in zip(ends, measures.instantaneous_cadence_jpm(intervals), stopped, strict=True)
        if not stop
    ]
    windows = []
    edges = np.linspace(0.0, duration_s, 4)
    for start, end in itertools.pairwise(edges):
        inside = (starts >= start) & (ends <= end) & ~stopped
        if inside.sum() >= 2:
            windows.append(
                {
                    "start_s": round(float(start), 2),
                    "end_s": round(float(end), 2),
                    "cadence_jpm": round(measures.cadence_jpm(intervals[inside]), 1),
                }
            )
    return {"per_jump": per_jump, "windows": windows}


def stop_warnings(stopped: np.ndarray, touchdowns_s: np.ndarray, clean: CleanTrack) -> list[str]:
    """What a long interval between landings (a stop, :func:`stops`) was: the skipping
    stopped, or the person was not tracked then (a gap too long to fill), when the jumps in it went uncounted."""
    unseen = np.isnan(clean.xy_px).all(axis=(1, 2))
    lost = np.array(
        [
            bool(unseen[(clean.times_s > touchdowns_s[i]) & (clean.times_s < touchdowns_s[i + 1])].any())
            for i in np.flatnonzero(stopped)
        ],
        dtype=bool,
    )
    warnings = []
    if (~lost).any():
        count = int((~lost).sum())
        warnings.append(
            f"stops: the skipping stopped {count} time{'s' if count > 1 else ''} (the rope caught the feet, or a "
            "pause); the turn across each stop is left out of the rhythm, hand circle and contact measures"
        )
    if lost.any():
        count, seconds = int(lost.sum()), float(np.sum(np.diff(clean.times_s)[unseen[1:]]))
        warnings.append(
            f"lost_from_view: the person was not tracked for {seconds:.1f} s ({count} time{'s' if count > 1 else ''}); "
            "jumps in that time are not counted, and the turn across it is left out of the rhythm, hand circle "
            "and contact measures"
        )
    return warnings
