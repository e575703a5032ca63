"""One foot's contacts with the floor from the cleaned track.

Each foot's lift is the height (px) of one foot point (toe, heel or ankle) above its own floor
level; the floor level is a running upper percentile of that point's image row, because a skipper
spends about half of each turn on the floor. Touchdown and take-off are threshold crossings of the
lift, moved to the floor along the foot's own speed at the crossing (sub-frame).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posture.jump.signals import CleanTrack


@dataclass(frozen=True)
class DetectionSettings:
    """Knobs of the contact detector (values in thresholds.toml, section ``detection``)."""

    floor_window_s: float
    floor_percentile: float
    threshold_fraction: float
    threshold_noise_factor: float
    min_lift_cm: float
    min_flight_s: float
    min_phase_s: float
    min_bounce_cm: float
    min_regular_fraction: float
    min_cadence_jpm: float
    max_rhythm_spread: float
    rhythm_tolerance: float
    min_landing_share: float
    subframe: bool
    # The clip's feet drift in the picture (:func:`floor_drift_px_per_s` past MIN_DRIFT_PX_PER_S): each
    # floor level follows the drift (:func:`floor_level_px`).
    follow_floor_drift: bool = False


@dataclass(frozen=True)
class FootPhases:
    """One foot's airborne intervals: ``takeoffs_s[k]`` to ``touchdowns_s[k]`` (NaN = cut by the clip).

    ``rests_at_start``: the point stays still and low from the first frame (:func:`resting_start_px`),
    positive evidence that the foot stood on the floor when the clip began. ``stays_down``: the point never
    rises ``min_lift_cm`` above its floor in the whole clip.
    """

    side: str
    lift_px: np.ndarray
    threshold_px: float
    takeoffs_s: np.ndarray
    touchdowns_s: np.ndarray
    rests_at_start: bool = False
    stays_down: bool = False

    def on_floor(self, times_s: np.ndarray) -> np.ndarray:
        """(n,) True at the frames where this foot is on the floor."""
        airborne = np.zeros(times_s.size, dtype=bool)
        for start, end in zip(self.takeoffs_s, self.touchdowns_s, strict=True):
            lo = -np.inf if np.isnan(start) else start
            hi = np.inf if np.isnan(end) else end
            airborne |= (times_s > lo) & (times_s < hi)
        return ~airborne


def rolling_percentile(times_s: np.ndarray, signal: np.ndarray, half_window_s: float, percentile: float) -> np.ndarray:
    """Percentile of ``signal`` within +-``half_window_s`` of each frame (NaNs ignored; numpy's
    default linear interpolation between order statistics).

    All windows at once: each row of a (frames, longest window) table holds one window, padded with
    NaN, which sorting puts last; one ``np.percentile`` call per frame took a second per clip.
    """
    lo = np.searchsorted(times_s, times_s - half_window_s, side="left")
    hi = np.searchsorted(times_s, times_s + half_window_s, side="right")
    width = int((hi - lo).max()) if signal.size else 0
    if width == 0:
        return np.full(signal.size, np.nan)
    index = lo[:, np.newaxis] + np.arange(width)
    inside = index < hi[:, np.newaxis]
    windows = np.sort(np.where(inside, signal[np.minimum(index, signal.size - 1)], np.nan), axis=1)
    count = np.isfinite(windows).sum(axis=1)
    rank = np.maximum(count - 1, 0) * (percentile / 100.0)
    below = np.floor(rank).astype(int)
    above = np.minimum(below + 1, np.maximum(count - 1, 0))
    rows = np.arange(signal.size)
    low, high = windows[rows, below], windows[rows, above]
    values = low + (high - low) * (rank - below)
    return np.where(count > 0, values, np.nan)


# Foot landmarks that can mark contact, preferred first. The ball of the foot is the last part to
# leave the floor and the first to land, so the toe (foot_index) times contact best; the heel rises
# early in each contact (its contacts come out short) but stays visible where the tracker has to
# guess the toes (from behind: on the rendered back-view clip the full model's toes gave 24 jumps
# of 17, its heels all 17).
# The ankle comes last: it lands late (the heel drops after the ball of the foot) but is the
# point the tracker holds best when the feet overlap in a side view.
CONTACT_POINTS = ("foot_index", "heel", "ankle")
# A drifting floor is followed by a running line over this much either side: a steady drift over a
# short clip, a slow change of course over a long one.
DRIFT_HALF_WINDOW_S = 4.0
# A floor level moving slower than this over the clip is still: the full model's floor levels on the
# public clips (a phone on a stand, the skipper in place) slope by up to 0.84 px/s one by one (a toe the
# model loses, re-encoded clips) but their median over the six foot points by at most 0.40, the exact
# keypoints' by 0.05; following that noise moved the public clips' cadence (MAE 0.65 -> 1.26 /min) and
# clearance trends. A travelling skipper moves all six together: 2 cm/s toward a camera 3 m away is
# ~0.8 px/s at 1280 px.
MIN_DRIFT_PX_PER_S = 0.5
# ... and one moving faster than this (in body heights per second) is a person walking, not a skipper
# drifting: at 2.5 m from a phone 1.3 m high the floor under the feet moves by about a third of the body
# height per metre of travel, so this is ~5 cm/s, four times the fastest drift the tests follow (30 px
# over 8 s), a tenth of a slow walk. Following a walker's floor took each planted foot for airborne
# (each step lands higher or lower than the line through them) and counted every step as a jump.
MAX_DRIFT_HEIGHTS_PER_S = 0.015


def _lowest_px(track: CleanTrack, side: str, point: str) -> np.ndarray:
    lowest = track.point(f"{side}_{point}")[:, 1].copy()
    for stand_in in CONTACT_POINTS:  # the ankle last
        missing = np.isnan(lowest)
        lowest[missing] = track.point(f"{side}_{stand_in}")[missing, 1]
    return lowest


def floor_drift_px_per_s(track: CleanTrack, settings: DetectionSettings) -> float:
    """How fast the floor moves in the picture (px/s, down +): the median over both feet's toe, heel and
    ankle of the slope of each one's floor percentile over the clip. A travelling skipper moves all six
    alike; the tracker's noise on one point (a toe it loses) does not move the median."""
    slopes = []
    for side in ("left", "right"):
        for point in CONTACT_POINTS:
            floor = rolling_percentile(
                track.times_s, _lowest_px(track, side, point), settings.floor_window_s / 2, settings.floor_percentile
            )
            known = np.isfinite(floor)
            if known.sum() >= 3:
                slopes.append(float(np.polyfit(track.times_s[known], floor[known], 1)[0]))
    return float(np.median(slopes)) if slopes else 0.0


def follows_floor_drift(track: CleanTrack, settings: DetectionSettings, body_height_px: float) -> bool:
    """Whether the clip's floor level is followed as it drifts (``settings.follow_floor_drift``): it moves by
    :data:`MIN_DRIFT_PX_PER_S` or more (:func:`floor_drift_px_per_s`), but no faster than a skipper travels
    (:data:`MAX_DRIFT_HEIGHTS_PER_S` of ``body_height_px`` a second; faster is a person walking)."""
    drift = abs(floor_drift_px_per_s(track, settings))
    return MIN_DRIFT_PX_PER_S <= drift <= MAX_DRIFT_HEIGHTS_PER_S * body_height_px


def foot_lift_px(track: CleanTrack, side: str, settings: DetectionSettings, point: str = "foot_index") -> np.ndarray:
    """(n,) height (px, up) of a foot ``point`` above its running floor level (the ankle fills gaps)."""
    lowest = _lowest_px(track, side, point)
    return np.asarray(floor_level_px(track.times_s, lowest, settings) - lowest)


def floor_level_px(times_s: np.ndarray, lowest_px: np.ndarray, settings: DetectionSettings) -> np.ndarray:
    """(n,) the image height (px, down) a foot point rests at, frame by frame: the ``floor_percentile`` of
    its heights within the floor window, after taking out a slow drift of that level (a skipper travelling
    toward or away from the camera moves the floor in the picture).

    The percentile of a drifting window sits at the window's far end: at 0.8 px/s of drift (a person
    moving ~2 cm/s toward a camera 3 m away) a foot at rest read up to 1.6 px above its floor, near a
    clean track's take-off threshold, and a 12 s clip lost 3 of its 28 jumps (20 px of drift over the
    clip: all but 3). The drift is the running line (+-:data:`DRIFT_HALF_WINDOW_S`) through that first
    floor level, which has the drift's slope even where it lags. Unless ``settings.follow_floor_drift``
    (the clip's floor moves by :data:`MIN_DRIFT_PX_PER_S` or more) the percentile stands as it is.
    """
    half = settings.floor_window_s / 2
    first = rolling_percentile(times_s, lowest_px, half, settings.floor_percentile)
    known = np.isfinite(first)
    if not settings.follow_floor_drift or known.sum() < 3:
        return first
    drift = rolling_line(times_s[known], first[known], times_s, DRIFT_HALF_WINDOW_S)
    drift -= float(np.mean(drift))
    return np.asarray(drift + rolling_percentile(times_s, lowest_px - drift, half, settings.floor_percentile))


def rolling_line(times_s: np.ndarray, values: np.ndarray, at_s: np.ndarray, half_window_s: float) -> np.ndarray:
    """(len(at_s),) at each time of ``at_s``, the least-squares line through the (``times_s``, ``values``)
    samples within +-``half_window_s`` of it, read at that time: a running level that follows a steady
    drift without lag, even where the window is cut by the clip's start or end. The mean where the
    window holds one sample or all at one time; NaN where it holds none."""
    centre = float(np.mean(times_s)) if times_s.size else 0.0
    t = times_s - centre
    sums = [np.concatenate(([0.0], np.cumsum(column))) for column in (np.ones_like(t), t, t * t, values, t * values)]
    lo = np.searchsorted(times_s, at_s - half_window_s, side="left")
    hi = np.searchsorted(times_s, at_s + half_window_s, side="right")
    n, st, stt, sy, sty = (total[hi] - total[lo] for total in sums)
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = n * stt - st * st
        slope = np.where(spread > 1e-12 * np.maximum(n * n, 1.0), (n * sty - st * sy) / spread, 0.0)
        mean_t, mean_y = st / n, sy / n
        return np.asarray(mean_y + slope * ((at_s - centre) - mean_t))


def foot_path(track: CleanTrack, side: str, settings: DetectionSettings) -> np.ndarray:
    """(n,) one foot's vertical path: the mean of its toe, heel and ankle lifts, each in units of
    its own typical lift (95th percentile), so no point outweighs the others.

    The three points ride on one rigid foot in flight, while the tracker's errors on them are
    partly independent (from behind it guesses the toes, from the front the heels): their mean is
    a steadier path than any one of them. Unitless; only its timing is read (landing lead).
    """
    lifts = []
    for point in CONTACT_POINTS:
        lift = foot_lift_px(track, side, settings, point)
        finite = lift[np.isfinite(lift)]
        typical = float(np.percentile(finite, 95)) if finite.size else 0.0
        if typical > 0:
            lifts.append(lift / typical)
    if not lifts:
        return np.full(track.times_s.size, np.nan)
    return np.asarray(np.mean(lifts, axis=0))


def floor_noise_px(lift: np.ndarray, amplitude: float) -> float:
    """Robust standard deviation (px) of the frame-to-frame jitter while the foot rests on the floor.

    Second differences of the low-lift frames only: in flight the motion itself would count as noise.
    """
    resting = np.isfinite(lift) & (lift < 0.2 * amplitude)
    second = np.diff(lift, 2)[resting[1:-1] & resting[:-2] & resting[2:]]
    if second.size < 5:
        return 0.0
    return float(1.4826 * np.median(np.abs(second - np.median(second))) / np.sqrt(6.0))


def _crossing_s(
    times_s: np.ndarray, lift: np.ndarray, below: int, above: int, threshold: float, subframe: bool
) -> float:
    """Time the lift passes ``threshold`` between the on-floor frame ``below`` and the airborne
    frame ``above`` (either order: take-off or touchdown).

    Sub-frame: the airborne path through ``above`` and the next frame away from the floor is
    carried on in a straight line down to the floor (lift 0), within the two frames. The on-floor
    frame is not used: the path has a kink where the foot meets the floor, so a line to it would
    depend on where the contact falls between two frames. Without a rising airborne neighbour:
    linear interpolation of the threshold crossing. Without ``subframe`` (the naive baseline):
    the first frame in the new state.
    """
    t0, t1, h0, h1 = times_s[below], times_s[above], lift[below], lift[above]
    if not subframe:
        return float(max(t0, t1))
    fraction = float(np.clip((threshold - h0) / (h1 - h0), 0.0, 1.0)) if h1 != h0 else 0.5
    crossing = float(t0 + fraction * (t1 - t0))
    neighbour = above + (1 if above > below else -1)
    if not 0 <= neighbour < lift.size or not lift[neighbour] > lift[above]:
        return crossing
    slope = (lift[neighbour] - lift[above]) / abs(times_s[neighbour] - times_s[above])
    direction = 1.0 if above > below else -1.0  # take-off: back in time from `above`; touchdown: forward
    carried = times_s[above] - direction * lift[above] / slope
    return float(np.clip(carried, min(t0, t1), max(t0, t1)))


def _touchdown_after_last_frame(times_s: np.ndarray, lift: np.ndarray, threshold: float) -> float:
    """A touchdown within the last frame's own duration (the clip lasts one frame past its last
    timestamp), extrapolated from the last two frames; NaN when the foot is still up at the end."""
    ok = np.flatnonzero(np.isfinite(lift))
    if ok.size < 2:
        return float("nan")
    a, b = ok[-2], ok[-1]
    speed = (lift[b] - lift[a]) / (times_s[b] - times_s[a])
    if speed >= 0:
        return float("nan")
    crossing = times_s[b] + (lift[b] - threshold) / -speed
    frame = float(np.median(np.diff(times_s)))
    return float(crossing) if crossing < times_s[b] + frame else float("nan")


def resting_start_px(
    times_s: np.ndarray, lift: np.ndarray, threshold: float, amplitude: float, min_phase_s: float
) -> float:
    """Lift (px) at which a foot point rests from the first frame, possibly above its floor level;
    NaN when it does not rest there.

    Resting: the lift stays within ``threshold`` (px) over the first ``min_phase_s`` (s) and below
    half the point's typical lift ``amplitude`` (px). A foot in flight below half its peak moves
    fast: it has just left the floor or is about to land, and a parabolic path climbs from half
    its peak to over 80 % of it within 15 % of the flight time. Near the peak a flying foot is as
    still as a resting one, hence the height limit. (Project rule, checked on the rendered clips'
    model tracks cut to start at every frame of their first second: docs/accuracy.md.)
    """
    span = int(np.searchsorted(times_s, times_s[0] + min_phase_s, side="left"))
    start = lift[: span + 1]
    if span >= lift.size or not np.isfinite(start).all():
        return float("nan")
    if np.ptp(start) > threshold or np.max(start) >= 0.5 * amplitude:
        return float("nan")
    return float(np.median(start))


def foot_phases(
    track: CleanTrack, side: str, cm_per_px: float, settings: DetectionSettings, point: str = "foot_index"
) -> FootPhases:
    """One foot's take-offs and touchdowns (s), with hysteresis between the two thresholds."""
    lift = foot_lift_px(track, side, settings, point)
    finite = lift[np.isfinite(lift)]
    amplitude = float(np.percentile(finite, 95)) if finite.size else 0.0
    threshold = max(
        settings.threshold_fraction * amplitude, settings.threshold_noise_factor * floor_noise_px(lift, amplitude)
    )
    if amplitude < settings.min_lift_cm / cm_per_px:
        # The foot never clearly leaves the floor (standing, swaying): no airborne phase at all.
        return FootPhases(side, lift, threshold, np.array([]), np.array([]), stays_down=True)
    release = 0.5 * threshold
    times = track.times_s
    takeoffs: list[float] = []
    touchdowns: list[float] = []
    # The first frame has no history to hold the hysteresis: a foot below the take-off threshold
    # is resting; one above it left the floor before the clip started, unless its toes stay still
    # and low from there (the full model holds resting toes 13-17 % of their lift up over a clip's
    # first frames; on a rendered clip whose first take-off is 51 ms in, reading that as airborne
    # lost the jump). Only the ball of the foot stays put through a contact (the heel drops and
    # rises, the ankle moves 1-2 cm with it), so only the toes' stillness shows a standing foot.
    resting_px = (
        resting_start_px(times, lift, threshold, amplitude, settings.min_phase_s)
        if point == CONTACT_POINTS[0]
        else float("nan")
    )
    airborne = bool(np.isfinite(lift[0]) and lift[0] > threshold and not np.isfinite(resting_px))
    if airborne:
        takeoffs.append(float("nan"))
    # Until the first take-off the lift counts from the level the foot rests at (0 unless held up),
    # followed down as the tracker lets go of it.
    offset = resting_px if np.isfinite(resting_px) else 0.0
    previous = 0  # last frame with a finite lift
    last_high = 0  # last frame above the threshold
    for i in range(1, lift.size):
        if not np.isfinite(lift[i]):
            continue
        offset = max(0.0, min(offset, lift[i]))
        if not airborne and lift[i] - offset > threshold:
            takeoffs.append(_crossing_s(times, lift - offset, previous, i, threshold, settings.subframe))
            airborne = True
            offset = 0.0
        elif airborne and lift[i] < release:
            after = last_high + 1
            if np.isfinite(lift[after]):
                touchdowns.append(_crossing_s(times, lift, after, last_high, threshold, settings.subframe))
            else:
                # The tracker lost the foot in the air for longer than a gap it fills: the landing is unknown,
                # so this airborne interval goes (a NaN touchdown inside the clip read as "after its end").
                takeoffs.pop()
            airborne = False
        if lift[i] > threshold:
            last_high = i
        previous = i
    if airborne:
        touchdowns.append(_touchdown_after_last_frame(times, lift, threshold))
    takeoffs, touchdowns = debounced(takeoffs, touchdowns, settings.min_phase_s)
    return FootPhases(side, lift, threshold, np.array(takeoffs), np.array(touchdowns), bool(np.isfinite(resting_px)))


def debounced(takeoffs: list[float], touchdowns: list[float], min_phase_s: float) -> tuple[list[float], list[float]]:
    """Airborne intervals without the blips tracker jitter makes: a contact shorter than
    ``min_phase_s`` joins the flights around it, then an airborne interval shorter than that
    (not cut by the clip) is dropped."""
    ups, downs = list(takeoffs), list(touchdowns)
    k = 0
    while k + 1 < len(ups):
        if ups[k + 1] - downs[k] < min_phase_s:
            del downs[k], ups[k + 1]
        else:
            k += 1
    kept = [(up, down) for up, down in zip(ups, downs, strict=True) if not down - up < min_phase_s]
    return [up for up, _ in kept], [down for _, down in kept]
