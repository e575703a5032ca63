"""Foot contacts, flight phases and rope turns from the cleaned track.

Each foot's lift is the height (px) of its lowest image point (heel or toe) above its own floor
level; the floor level is a running upper percentile of that point's image row, because a skipper
spends about half of each turn on the floor. Touchdown and take-off are threshold crossings of the
lift, moved to the floor along the foot's own speed at the crossing (sub-frame). A flight is an
interval with both feet off the floor: the rope has to pass under both feet, so every rope turn
has one, in the two-foot bounce and in the alternate-foot step alike, and walking or standing has
none.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from posture.errors import PostureError
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
    max_rhythm_spread: float
    rhythm_tolerance: float
    subframe: bool


@dataclass(frozen=True)
class FootPhases:
    """One foot's airborne intervals: ``takeoffs_s[k]`` to ``touchdowns_s[k]`` (NaN = cut by the clip)."""

    side: str
    lift_px: np.ndarray
    threshold_px: float
    takeoffs_s: np.ndarray
    touchdowns_s: np.ndarray

    def on_floor(self, times_s: np.ndarray) -> np.ndarray:
        """(n,) True at the frames where this foot is on the floor."""
        airborne = np.zeros(times_s.size, dtype=bool)
        for start, end in zip(self.takeoffs_s, self.touchdowns_s, strict=True):
            lo = -np.inf if np.isnan(start) else start
            hi = np.inf if np.isnan(end) else end
            airborne |= (times_s > lo) & (times_s < hi)
        return ~airborne


@dataclass(frozen=True)
class Flight:
    """Both feet off the floor, from the later take-off to the first touchdown (s)."""

    start_s: float
    end_s: float
    takeoff_left_s: float
    takeoff_right_s: float
    touchdown_left_s: float
    touchdown_right_s: float

    @property
    def complete(self) -> bool:
        """Starts and ends inside the clip (a flight cut by the clip's start or end does not count)."""
        return bool(np.isfinite(self.start_s) and np.isfinite(self.end_s))

    @property
    def mid_s(self) -> float:
        return 0.5 * (self.start_s + self.end_s)

    @property
    def landing_foot(self) -> str:
        """The foot that touches down first at the end of this flight."""
        return "left" if self.touchdown_left_s <= self.touchdown_right_s else "right"


def rolling_percentile(times_s: np.ndarray, signal: np.ndarray, half_window_s: float, percentile: float) -> np.ndarray:
    """Percentile of ``signal`` within +-``half_window_s`` of each frame (NaNs ignored)."""
    lo = np.searchsorted(times_s, times_s - half_window_s, side="left")
    hi = np.searchsorted(times_s, times_s + half_window_s, side="right")
    out = np.full(signal.size, np.nan)
    for i, (a, b) in enumerate(zip(lo, hi, strict=True)):
        piece = signal[a:b]
        piece = piece[np.isfinite(piece)]
        if piece.size:
            out[i] = np.percentile(piece, percentile)
    return out


# Foot landmarks that can mark contact, preferred first. The ball of the foot is the last part to
# leave the floor and the first to land, so the toe (foot_index) times contact best; the heel rises
# early in each contact (its contacts come out short) but stays visible where the tracker has to
# guess the toes (from behind: on the rendered back-view clip the full model's toes gave 24 jumps
# of 17, its heels all 17).
# The ankle comes last: it lands late (the heel drops after the ball of the foot) but is the
# point the tracker holds best when the feet overlap in a side view.
CONTACT_POINTS = ("foot_index", "heel", "ankle")


def foot_lift_px(track: CleanTrack, side: str, settings: DetectionSettings, point: str = "foot_index") -> np.ndarray:
    """(n,) height (px, up) of a foot ``point`` above its running floor level (the ankle fills gaps)."""
    lowest = track.point(f"{side}_{point}")[:, 1].copy()
    for stand_in in (*CONTACT_POINTS, "ankle"):
        missing = np.isnan(lowest)
        lowest[missing] = track.point(f"{side}_{stand_in}")[missing, 1]
    floor = rolling_percentile(track.times_s, lowest, settings.floor_window_s / 2, settings.floor_percentile)
    return np.asarray(floor - lowest)


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
        return FootPhases(side, lift, threshold, np.array([]), np.array([]))
    release = 0.5 * threshold
    times = track.times_s
    takeoffs: list[float] = []
    touchdowns: list[float] = []
    # The first frame has no history to hold the hysteresis: a foot above the take-off threshold
    # left the floor before the clip started; one below it is resting, its lift within the
    # tracker's jitter on the floor (the full model's toes start at 13-16 % of their lift on a
    # rendered clip whose first take-off is 50 ms in; reading that as airborne lost the jump).
    airborne = bool(np.isfinite(lift[0]) and lift[0] > threshold)
    if airborne:
        takeoffs.append(float("nan"))
    previous = 0  # last frame with a finite lift
    last_high = 0  # last frame above the threshold
    for i in range(1, lift.size):
        if not np.isfinite(lift[i]):
            continue
        if not airborne and lift[i] > threshold:
            takeoffs.append(_crossing_s(times, lift, previous, i, threshold, settings.subframe))
            airborne = True
        elif airborne and lift[i] < release:
            after = last_high + 1
            touchdowns.append(_crossing_s(times, lift, after, last_high, threshold, settings.subframe))
            airborne = False
        if lift[i] > threshold:
            last_high = i
        previous = i
    if airborne:
        touchdowns.append(_touchdown_after_last_frame(times, lift, threshold))
    takeoffs, touchdowns = debounced(takeoffs, touchdowns, settings.min_phase_s)
    return FootPhases(side, lift, threshold, np.array(takeoffs), np.array(touchdowns))


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


def flights_of(left: FootPhases, right: FootPhases, min_flight_s: float) -> list[Flight]:
    """Intervals where both feet are airborne (intersections of the two feet's airborne intervals)."""
    flights = []
    for lo_l, hi_l in zip(left.takeoffs_s, left.touchdowns_s, strict=True):
        for lo_r, hi_r in zip(right.takeoffs_s, right.touchdowns_s, strict=True):
            # A take-off cut by the clip's start happened before it (-inf), a cut touchdown after its end.
            lower = np.nanmax([lo_l, lo_r, -np.inf])
            upper = np.nanmin([hi_l, hi_r, np.inf])
            if upper - lower < min_flight_s:
                continue
            start = lower if np.isfinite(lower) else np.nan
            end = upper if np.isfinite(upper) else np.nan
            flights.append(Flight(float(start), float(end), float(lo_l), float(lo_r), float(hi_l), float(hi_r)))
    return sorted(flights, key=lambda f: f.end_s if np.isfinite(f.end_s) else np.inf)


def irregular_intervals(flights: list[Flight], tolerance: float) -> int:
    """How many touchdown intervals are off the median by more than ``tolerance`` of it.

    A rope turns steadily (2-6 % jitter between turns): an interval near half the median is a
    flight split in two, one near double it a missed flight. The median rhythm itself hides
    one such slip (the MAD ignores it), this count does not.
    """
    touchdowns = np.array([f.end_s for f in flights if f.complete])
    if touchdowns.size < 3:
        return 0
    intervals = np.diff(touchdowns)
    return int(np.count_nonzero(np.abs(intervals / np.median(intervals) - 1.0) > tolerance))


def joined_split_flights(flights: list[Flight], tolerance: float) -> list[Flight]:
    """One flight per rope turn: a flight landing less than ``1 - tolerance`` of the median
    touchdown interval after the one before is the tracker losing a foot for a moment on
    landing (in a side view the feet overlap and trade places), not a jump of its own; it goes.
    """
    complete = [f.end_s for f in flights if f.complete]
    if len(complete) < 3:
        return flights
    shortest = (1.0 - tolerance) * float(np.median(np.diff(complete)))
    out = [flights[0]]
    for flight in flights[1:]:
        if not flight.end_s - out[-1].end_s < shortest:
            out.append(flight)
    return out


@dataclass(frozen=True)
class Jumps:
    """Contacts and flights of a clip: ``flights`` are the counted (complete) ones, in time order."""

    left: FootPhases
    right: FootPhases
    flights: list[Flight]
    all_flights: list[Flight]
    contact_point: str = "foot_index"

    @property
    def touchdowns_s(self) -> np.ndarray:
        """First-foot touchdown ending each counted flight (s)."""
        return np.array([f.end_s for f in self.flights])

    def foot(self, side: str) -> FootPhases:
        return self.left if side == "left" else self.right


# Points that ride with the trunk: their mean rises and falls with every jump and hardly at all
# when a person stands, and averaging nine of them quiets the tracker's jitter.
TRUNK_POINTS = (
    "nose",
    "left_eye",
    "right_eye",
    "left_ear",
    "right_ear",
    "left_shoulder",
    "right_shoulder",
    "left_hip",
    "right_hip",
)


def body_bounce_cm(track: CleanTrack, cm_per_px: float) -> float:
    """Typical vertical range (cm) of the trunk's bounce: 5th-95th percentile span of the mean
    trunk-point height around its running median (1.5 s), so slow drift does not count.

    Skipping lifts the trunk by 5-13 cm in the rendered clips; standing sway stays under 1.5 cm
    even with 5 px of tracker jitter.
    """
    rows = np.stack([track.point(name)[:, 1] for name in TRUNK_POINTS])
    seen = np.isfinite(rows).any(axis=0)
    if seen.sum() < 10:
        return 0.0
    height = np.nanmean(rows[:, seen], axis=0)
    bounce = height - rolling_percentile(track.times_s[seen], height, 0.75, 50.0)
    return float((np.percentile(bounce, 95) - np.percentile(bounce, 5)) * cm_per_px)


def regular_fraction(touchdowns_s: np.ndarray) -> float:
    """Share of touchdown intervals within +-35 % of their median: near 1 for a rope's steady
    rhythm, low for the random blips tracker jitter makes."""
    intervals = np.diff(touchdowns_s)
    if intervals.size == 0:
        return 0.0
    return float(np.mean(np.abs(intervals / np.median(intervals) - 1.0) <= 0.35))


def rhythm_spread(flights: list[Flight]) -> float:
    """Median absolute deviation of the touchdown intervals over their median (inf below 3 flights)."""
    touchdowns = np.array([f.end_s for f in flights if f.complete])
    if touchdowns.size < 3:
        return float("inf")
    intervals = np.diff(touchdowns)
    return float(np.median(np.abs(intervals - np.median(intervals))) / np.median(intervals))


def detect_jumps(
    track: CleanTrack, cm_per_px: float, settings: DetectionSettings, min_jumps: int, min_duration_s: float
) -> Jumps:
    """Every flight phase of the clip; refuses clips without skipping or too short to measure.

    Contacts are read from the toes; when their flights do not keep a rope's steady rhythm (a
    touchdown interval far off the median, or a wide spread: the tracker guessing hidden toes
    makes flights come and go), from the heels, then the ankles, whichever keeps the steadiest.
    A flight landing within half a turn of the one before is then dropped (one flight per turn).
    """
    candidates = []
    for point in CONTACT_POINTS:
        left = foot_phases(track, "left", cm_per_px, settings, point)
        right = foot_phases(track, "right", cm_per_px, settings, point)
        found = flights_of(left, right, settings.min_flight_s)
        slips = irregular_intervals(found, settings.rhythm_tolerance)
        candidates.append(((slips, rhythm_spread(found)), point, left, right, found))
        if slips == 0 and candidates[-1][0][1] <= settings.max_rhythm_spread:
            break  # steady enough: the preferred point stands
    _, point, left, right, found = min(candidates, key=lambda candidate: candidate[0])
    everything = joined_split_flights(found, settings.rhythm_tolerance)
    counted = [f for f in everything if f.complete]
    if not counted:
        raise PostureError(
            "no_jumping_found",
            "Both feet never left the floor together in this clip, so it shows "
            "no rope jumps (standing or walking). Film the whole body while skipping.",
        )
    bounce = body_bounce_cm(track, cm_per_px)
    if bounce < settings.min_bounce_cm:
        raise PostureError(
            "no_jumping_found",
            f"The body rises and falls by only {bounce:.1f} cm, far less than "
            "rope jumps lift it: this looks like standing. Film the whole body while skipping.",
        )
    if len(counted) >= 3 and regular_fraction(np.array([f.end_s for f in counted])) < settings.min_regular_fraction:
        raise PostureError(
            "no_jumping_found",
            "The feet leave the floor at random moments rather than in a rope's "
            "steady rhythm. Film the whole body while skipping, camera still.",
        )
    duration = float(track.times_s[-1] - track.times_s[0]) + track.frame_interval_s
    if duration < min_duration_s:
        raise PostureError(
            "video_too_short",
            f"The clip lasts {duration:.1f} s; at least {min_duration_s:.0f} s "
            "of skipping are needed to measure anything.",
        )
    if len(counted) < min_jumps:
        raise PostureError(
            "video_too_short",
            f"Only {len(counted)} complete jumps were found; at least {min_jumps} "
            "are needed. Film a longer stretch of steady skipping.",
        )
    return Jumps(left, right, counted, everything, point)


def skipping_style(jumps: Jumps, min_alternation: float, min_lag_fraction: float) -> str:
    """``"two_foot"`` (basic bounce) or ``"alternate_foot"`` (boxer / step skip).

    Alternate when the first foot down changes from one flight to the next in most flights AND the
    other foot lands clearly later (or not at all) relative to the time between touchdowns.
    """
    flights = jumps.flights
    if len(flights) < 3:
        return "two_foot"
    firsts = [f.landing_foot for f in flights]
    alternation = float(np.mean([a != b for a, b in itertools.pairwise(firsts)]))
    period = float(np.median(np.diff(jumps.touchdowns_s)))
    second_landing = [abs(f.touchdown_left_s - f.touchdown_right_s) for f in flights]
    lag = float(np.median([v if np.isfinite(v) else period for v in second_landing]))
    return "alternate_foot" if alternation >= min_alternation and lag >= min_lag_fraction * period else "two_foot"
