"""Flight phases, counted jumps and the skipping style from the two feet's contacts.

A flight is an interval with both feet off the floor: the rope has to pass under both feet, so
every rope turn has one, in the two-foot bounce and in the alternate-foot step alike, and walking
or standing has none. One foot's contacts come from :mod:`posture.jump.contacts`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np

from posture.errors import PostureError
from posture.jump.contacts import CONTACT_POINTS, DetectionSettings, FootPhases, foot_phases, rolling_percentile
from posture.jump.signals import CleanTrack


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
        """Starts and ends inside the clip."""
        return bool(np.isfinite(self.start_s) and np.isfinite(self.end_s))

    def counts(self, first_frame_s: float, typical_flight_s: float) -> bool:
        """Whether this flight is a counted jump: it lands inside the clip, and the rope's pass under
        the feet, at mid-flight, was filmed.

        A flight cut by the clip's start counts when its visible part lasts at least half a
        typical flight (``typical_flight_s``, s). Project rule: a jump is one rope turn, and a
        counter counts it at the landing; a clip that starts just after the take-off still shows
        the rope pass. The rendered clips all start in a contact, and the truth counts a first
        flight whose take-off falls 11 ms after the first frame, where the model already sees
        both feet up (docs/accuracy.md). A flight cut by the clip's end has no landing: not counted.
        """
        if not np.isfinite(self.end_s):
            return False
        return bool(np.isfinite(self.start_s) or self.end_s - first_frame_s >= 0.5 * typical_flight_s)

    @property
    def mid_s(self) -> float:
        return 0.5 * (self.start_s + self.end_s)

    @property
    def landing_foot(self) -> str:
        """The foot that touches down first at the end of this flight."""
        # A foot whose touchdown falls after the clip's end (NaN) did not land first.
        return "right" if np.isnan(self.touchdown_left_s) or self.touchdown_left_s > self.touchdown_right_s else "left"


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


def feet_lost(left: FootPhases, right: FootPhases, flights: list[Flight], min_share: float) -> int:
    """How many feet land after fewer than ``min_share`` of the ``flights`` (0, 1 or 2).

    Each foot lands after every flight of a two-foot bounce and after every other one of an
    alternate-foot step. A foot that hardly ever lands is one whose point the tracker lost: it reads
    as airborne throughout, and the other foot's lifts alone pass for flights.
    """
    if len(flights) < 4:
        return 0
    landings = [int(np.count_nonzero(np.isfinite(foot.touchdowns_s))) for foot in (left, right)]
    return sum(int(count < min_share * len(flights)) for count in landings)


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
    Then a blip between two landings goes too (:func:`without_blips_between_turns`).
    """
    complete = [f.end_s for f in flights if f.complete]
    if len(complete) < 3:
        return flights
    period = float(np.median(np.diff(complete)))
    shortest = (1.0 - tolerance) * period
    out = [flights[0]]
    for flight in flights[1:]:
        if not flight.end_s - out[-1].end_s < shortest:
            out.append(flight)
    return without_blips_between_turns(out, period)


def without_blips_between_turns(flights: list[Flight], period_s: float) -> list[Flight]:
    """``flights`` without a spurious one in mid-contact: a touchdown whose intervals to the flights
    before and after are both under 3/4 of a turn (``period_s``) while together they make one turn
    (within a quarter) is the tracker reading both feet up for a moment between two real landings.

    :func:`joined_split_flights` keeps such a blip when it lands past half a turn: a rendered 60 fps
    clip re-encoded from its seventh frame had one landing 0.29 s after a real landing and 0.33 s
    before the next, in a 0.53 s turn, and counted 16 jumps of 15.
    """
    out = list(flights)
    k = 1
    while k + 1 < len(out):
        before, here, after = out[k - 1].end_s, out[k].end_s, out[k + 1].end_s
        short = max(here - before, after - here) < 0.75 * period_s
        if short and abs(after - before - period_s) < 0.25 * period_s:
            del out[k]
        else:
            k += 1
    return out


def without_unfinished_last_flight(flights: list[Flight], clip_end_s: float, typical_flight_s: float) -> list[Flight]:
    """``flights`` with the last one's landing dropped (its end cut by the clip) when it lasts under
    half a typical flight and lands within half a typical flight of the clip's end: a foot read
    low in the last frames, not a landing (a re-encoded public side-view clip: a 62 ms "flight"
    ending 23 ms before the end, for 250 ms flights)."""
    if not flights or not flights[-1].complete:
        return flights
    last = flights[-1]
    short = last.end_s - last.start_s < 0.5 * typical_flight_s
    if short and clip_end_s - last.end_s < 0.5 * typical_flight_s:
        return [*flights[:-1], replace(last, end_s=np.nan, touchdown_left_s=np.nan, touchdown_right_s=np.nan)]
    return flights


def started_by_the_toes(flight: Flight, toes_left: FootPhases, toes_right: FootPhases, min_flight_s: float) -> Flight:
    """``flight`` (cut by the clip's start on the heels or ankles) with its take-off from the toes,
    when they show a foot still on the floor at the first frame; else ``flight`` as it is.

    The ball of the foot is the last part to leave the floor: in the push-off the heel rises
    first, so a clip starting then shows both heels up while a foot still stands on its toes, and
    the flight, which starts when the last foot leaves, lies inside the clip. A foot whose toes are
    up at the first frame too keeps its take-off before the clip (NaN).
    """
    if np.isfinite(flight.start_s):
        return flight
    takeoffs = []
    for toes in (toes_left, toes_right):
        first = toes.takeoffs_s[0] if toes.rests_at_start and toes.takeoffs_s.size else np.nan
        takeoffs.append(float(first) if flight.end_s - first >= min_flight_s else np.nan)
    if np.isnan(takeoffs).all():
        return flight
    return replace(flight, start_s=float(np.nanmax(takeoffs)), takeoff_left_s=takeoffs[0], takeoff_right_s=takeoffs[1])


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


def one_foot_in_rhythm(left: FootPhases, right: FootPhases, min_regular_fraction: float) -> str | None:
    """The side whose foot alone leaves the floor, in a steady rhythm (at least 4 landings, most
    intervals within +-35 % of their median), while the other never does: a one-leg hop or a tapping
    foot. None otherwise."""
    for moving, still in ((left, right), (right, left)):
        landings = moving.touchdowns_s[np.isfinite(moving.touchdowns_s)]
        if still.takeoffs_s.size == 0 and landings.size >= 4 and regular_fraction(landings) >= min_regular_fraction:
            return moving.side
    return None


def detect_jumps(
    track: CleanTrack, cm_per_px: float, settings: DetectionSettings, min_jumps: int, min_duration_s: float
) -> Jumps:
    """Every flight phase of the clip; refuses clips without skipping or too short to measure.

    Contacts are read from the toes; when their flights do not keep a rope's steady rhythm (a
    touchdown interval far off the median, or a wide spread: the tracker guessing hidden toes
    makes flights come and go) or one foot hardly ever lands (:func:`feet_lost`), from the heels,
    then the ankles, whichever keeps the steadiest. Not when both toes stay on the floor the whole
    clip: heels rising then are heel raises (a contact lasts while any part of the foot is down).
    A flight landing within half a turn of the one before is then dropped (one flight per turn).
    """
    candidates = []
    for point in CONTACT_POINTS:
        left = foot_phases(track, "left", cm_per_px, settings, point)
        right = foot_phases(track, "right", cm_per_px, settings, point)
        found = flights_of(left, right, settings.min_flight_s)
        lost = feet_lost(left, right, found, settings.min_landing_share)
        slips = irregular_intervals(found, settings.rhythm_tolerance)
        candidates.append(((lost, slips, rhythm_spread(found)), point, left, right, found))
        if lost == 0 and slips == 0 and candidates[-1][0][2] <= settings.max_rhythm_spread:
            break  # steady enough: the preferred point stands
        if left.stays_down and right.stays_down:
            break  # both feet's toes (or heels) never leave the floor: what rises behind them is a heel raise
    _, point, left, right, found = min(candidates, key=lambda candidate: candidate[0])
    _, _, toes_left, toes_right, _ = candidates[0]
    if found and point != CONTACT_POINTS[0]:
        found = [started_by_the_toes(found[0], toes_left, toes_right, settings.min_flight_s), *found[1:]]
    everything = joined_split_flights(found, settings.rhythm_tolerance)
    durations = [f.end_s - f.start_s for f in everything if f.complete]
    typical_flight_s = float(np.median(durations)) if durations else np.inf
    first_s = float(track.times_s[0])
    end_s = float(track.times_s[-1]) + track.frame_interval_s  # the last frame lasts one interval
    everything = without_unfinished_last_flight(everything, end_s, typical_flight_s)
    counted = [f for f in everything if f.counts(first_s, typical_flight_s)]
    if not counted:
        hopping = one_foot_in_rhythm(toes_left, toes_right, settings.min_regular_fraction)
        if hopping is not None:
            raise PostureError(
                "no_jumping_found",
                f"Only the {hopping} foot leaves the floor, in a steady rhythm: hops on one leg (or one foot "
                "tapping) are not measured. Skip with both feet together, or step from foot to foot.",
            )
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
    if len(counted) >= 2:
        interval_s = float(np.median(np.diff([f.end_s for f in counted])))
        if 60.0 / interval_s < settings.min_cadence_jpm:
            raise PostureError(
                "no_jumping_found",
                f"Both feet left the floor only about every {interval_s:.1f} s, slower than a rope can be "
                "turned: these are hops, not rope jumps. Film the whole body while skipping.",
            )
    duration = end_s - first_s
    if duration < min_duration_s:
        raise PostureError(
            "video_too_short",
            f"The clip lasts {duration:.1f} s; at least {min_duration_s:.0f} s "
            "of skipping are needed to measure anything.",
        )
    if len(counted) < min_jumps:
        slowest = duration * settings.min_cadence_jpm / 60.0  # jumps that even slow skipping makes
        if slowest >= 2 * min_jumps:
            raise PostureError(
                "no_jumping_found",
                f"Only {len(counted)} rope jump{'' if len(counted) == 1 else 's'} in {duration:.0f} s of video, "
                f"where even slow skipping makes {slowest:.0f}: this does not look like skipping (walking or "
                "stepping is not). Film the whole body while skipping on the spot, camera still.",
            )
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
