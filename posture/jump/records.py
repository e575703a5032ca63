"""Per-jump records: what each counted flight and the contact it lands into measure.

Records are contact-centred like the JSON contract's ``jumps`` items: a flight's touchdown, the
take-off that ends the contact after it, the flight's foot clearances, the contact's landing
depths and the rope turn that ends with this touchdown (hand circles, trunk twist, sway).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posture.jump import measures
from posture.jump.contacts import DRIFT_HALF_WINDOW_S, FootPhases, rolling_line
from posture.jump.events import Flight, Jumps
from posture.jump.signals import CleanTrack

SIDES = ("left", "right")
NAN = float("nan")


@dataclass(frozen=True)
class BodySignals:
    """The heights and positions the measures read, in levelled image pixels (up = +).

    ``left_sign`` is +1 when the person's left is image-right (front view), -1 (back view).
    ``foot_path``: each foot's unitless vertical path (:func:`posture.jump.contacts.foot_path`),
    read only for timing.
    """

    times_s: np.ndarray
    ankle_up: dict[str, np.ndarray]
    hip_up: dict[str, np.ndarray]
    wrist_rel_up: dict[str, np.ndarray]
    knee_bend_deg: dict[str, np.ndarray]
    hip_mid_x: np.ndarray
    twist_deg: np.ndarray
    foot_path: dict[str, np.ndarray]
    cm_per_px: float
    subframe: bool = True


HAND_POINTS = ("wrist", "pinky", "index", "thumb")


def hand_rel_up_px(track: CleanTrack, shoulder_mid_y: np.ndarray) -> dict[str, np.ndarray]:
    """(n,) each hand's height (px, up) above the shoulder midpoint, on the wrist's scale.

    A fist holding a handle moves as one piece, so the mean of the wrist and the three hand points
    the tracker gives averages out each point's jitter (the wrist alone where they are missing).
    The fist swings on a slightly wider circle than the wrist: the swing about the mean is scaled
    by one factor for both hands (pooled 5-95 % ranges, wrist over hand), which keeps the
    left/right ratio of the four points and the wrist's size in cm.
    """
    wrist = {s: shoulder_mid_y - track.point(f"{s}_wrist")[:, 1] for s in SIDES}
    hand = {}
    for side in SIDES:
        rows = np.stack([track.point(f"{side}_{name}")[:, 1] for name in HAND_POINTS])
        hand[side] = np.where(np.isfinite(rows).all(axis=0), shoulder_mid_y - rows.mean(axis=0), wrist[side])

    def span(values: np.ndarray) -> float:
        finite = values[np.isfinite(values)]
        return float(np.percentile(finite, 95) - np.percentile(finite, 5)) if finite.size else float("nan")

    factor = sum(span(wrist[s]) for s in SIDES) / sum(span(hand[s]) for s in SIDES)
    if not np.isfinite(factor) or factor <= 0:
        return wrist
    return {s: np.nanmean(hand[s]) + factor * (hand[s] - np.nanmean(hand[s])) for s in SIDES}


def body_signals(
    track: CleanTrack, foot_path: dict[str, np.ndarray], cm_per_px: float, subframe: bool = True
) -> BodySignals:
    """Heights (px, up) relative to the image bottom, wrist heights relative to the shoulder midpoint."""
    shoulder_mid_y = track.midpoint("shoulder")[:, 1]
    twist = measures.axial_angle_deg(
        track.world("left_shoulder"), track.world("right_shoulder")
    ) - measures.axial_angle_deg(track.world("left_hip"), track.world("right_hip"))
    twist = (twist + 180.0) % 360.0 - 180.0
    return BodySignals(
        times_s=track.times_s,
        ankle_up={s: -track.point(f"{s}_ankle")[:, 1] for s in SIDES},
        hip_up={s: -track.point(f"{s}_hip")[:, 1] for s in SIDES},
        wrist_rel_up=hand_rel_up_px(track, shoulder_mid_y),
        knee_bend_deg={
            s: measures.bend_deg(track.point(f"{s}_hip"), track.point(f"{s}_knee"), track.point(f"{s}_ankle"))
            for s in SIDES
        },
        hip_mid_x=track.midpoint("hip")[:, 0],
        twist_deg=twist,
        foot_path=foot_path,
        cm_per_px=cm_per_px,
        subframe=subframe,
    )


@dataclass(frozen=True)
class JumpRecord:
    """One counted flight and the contact it lands into (times s, heights cm, angles deg)."""

    touchdown_s: float
    touchdown_left_s: float
    touchdown_right_s: float
    takeoff_s: float
    flight_start_s: float
    flight_time_ms: float
    landing_lead_ms: float
    landing_foot: str
    contact_time_ms: float
    contact_time_ms_left: float
    contact_time_ms_right: float
    foot_clearance_cm: dict[str, float]
    landing_depth_cm: dict[str, float]
    knee_bend_deg: dict[str, float]
    hand_circle_cm: dict[str, float]
    turn_start_s: float
    trunk_twist_deg: float
    lateral_sway_cm: float

    @property
    def flight_mid_s(self) -> float:
        return 0.5 * (self.flight_start_s + self.touchdown_s)

    @property
    def turn_mid_s(self) -> float:
        return 0.5 * (self.turn_start_s + self.touchdown_s)

    def to_dict(self) -> dict[str, float | str | None]:
        """The contract's ``jumps`` item (None where the clip does not show it)."""

        def num(value: float, digits: int = 3) -> float | None:
            return round(value, digits) if np.isfinite(value) else None

        return {
            "touchdown_s": num(self.touchdown_s, 4),
            "touchdown_left_s": num(self.touchdown_left_s, 4),
            "touchdown_right_s": num(self.touchdown_right_s, 4),
            "takeoff_s": num(self.takeoff_s, 4),
            "flight_time_ms": num(self.flight_time_ms, 1),
            "landing_lead_ms": num(self.landing_lead_ms, 1),
            "landing_foot": self.landing_foot,
            "contact_time_ms": num(self.contact_time_ms, 1),
            **{f"foot_clearance_cm_{s}": num(self.foot_clearance_cm[s], 2) for s in SIDES},
            **{f"landing_depth_cm_{s}": num(self.landing_depth_cm[s], 2) for s in SIDES},
            **{f"hand_circle_cm_{s}": num(self.hand_circle_cm[s], 2) for s in SIDES},
            "trunk_twist_deg": num(self.trunk_twist_deg, 2),
            "lateral_sway_cm": num(self.lateral_sway_cm, 2),
        }


def on_floor_level_px(times_s: np.ndarray, height_px: np.ndarray, foot: FootPhases, follow_drift: bool) -> np.ndarray:
    """(n,) a point's on-floor level frame by frame: the median of its heights over the frames its foot is
    on the floor (the definition's level); with ``follow_drift`` (the clip's floor moves in the picture:
    a skipper travelling toward or away from the camera) plus a running line through those heights
    (+-:data:`~posture.jump.contacts.DRIFT_HALF_WINDOW_S`).

    With one level for the whole clip, a drift of 10 px over a 12 s clip (~2 cm in the picture) made the
    first jump's clearance read 5.3 cm and the last 3.3 cm for a steady 4.3, a trend of -200 %/min.
    """
    resting = foot.on_floor(times_s) & np.isfinite(height_px)
    if not resting.any():
        return np.full(times_s.size, NAN)
    if not follow_drift or resting.sum() < 3:
        return np.full(times_s.size, float(np.median(height_px[resting])))
    line = rolling_line(times_s[resting], height_px[resting], times_s, DRIFT_HALF_WINDOW_S)
    return np.asarray(line + float(np.median((height_px - line)[resting])))


def _next_takeoff(foot: FootPhases, after_s: float) -> float:
    later = foot.takeoffs_s[foot.takeoffs_s > after_s]
    return float(later[0]) if later.size else NAN


def _touchdown(flight: Flight, side: str) -> float:
    return flight.touchdown_left_s if side == "left" else flight.touchdown_right_s


def _takeoff(flight: Flight, side: str) -> float:
    return flight.takeoff_left_s if side == "left" else flight.takeoff_right_s


def landing_lead_of(flight: Flight, period_s: float, body: BodySignals) -> float:
    """Landing lead (ms) of one flight: the lag between the two feet's paths from late in the
    flight to early in the contact (:func:`measures.landing_lag_ms`).

    The naive baseline (``subframe`` off) takes the difference of the whole-frame touchdowns.
    """
    if not body.subframe:
        return measures.landing_lead_ms(flight.touchdown_left_s, flight.touchdown_right_s)
    max_lag_s = 0.25 * period_s
    # A flight whose take-off the clip missed has no middle: a flight lasts about half a turn. The
    # window stays far enough inside the clip for the shifted paths to be read on real frames.
    mid_s = flight.mid_s if np.isfinite(flight.mid_s) else flight.end_s - 0.25 * period_s
    lag = measures.landing_lag_ms(
        body.times_s,
        body.foot_path["left"],
        body.foot_path["right"],
        max(mid_s - 0.1 * period_s, float(body.times_s[0]) + 0.5 * max_lag_s),
        flight.end_s + 0.25 * period_s,
        max_lag_s=max_lag_s,
    )
    return lag if np.isfinite(lag) else measures.landing_lead_ms(flight.touchdown_left_s, flight.touchdown_right_s)


def lead_landings_s(flight: Flight, lead_ms: float) -> dict[str, float]:
    """Each foot's touchdown (s) in a two-foot landing: the first at the flight's end, the other
    ``|lead_ms|`` later (+ lead = the left foot first).

    One foot's threshold crossing can be off by 100 ms or more where the tracker holds its toes up
    after landing, which would start that foot's landing sink after the hips' lowest point; the
    flight's end (the first crossing of either foot) and the lead (the whole paths' lag) are far
    steadier.
    """
    later = flight.end_s + abs(lead_ms) / 1000.0
    if lead_ms >= 0:
        return {"left": flight.end_s, "right": later}
    return {"left": later, "right": flight.end_s}


def jump_record(
    flight: Flight,
    previous: Flight | None,
    following: Flight | None,
    jumps: Jumps,
    body: BodySignals,
    ankle_levels: dict[str, np.ndarray],
    lead_landings: bool = True,
    stops_after: bool = False,
    one_foot_contacts: bool = False,
) -> JumpRecord:
    """Everything one counted flight, its landing contact and its rope turn measure.

    ``lead_landings`` (two-foot bounce seen from the front or back): each foot's touchdown for the
    landing depth is placed by the landing lead (:func:`lead_landings_s`) instead of its own
    threshold crossing. ``previous`` None: the turn before the landing is not measured (the first
    flight, or the skipping stopped before it); ``stops_after``: the skipping stopped after this
    landing, so its contact (time, depth, knee bend) runs into the stop and is not measured.
    ``one_foot_contacts`` (alternate-foot step): each landing is one foot's, so the contact time is that
    foot's own (in a two-foot bounce it is the mean of the two feet's and needs both) and there is no
    landing lead (the other foot lands a step later by design).
    """
    t, scale = body.times_s, body.cm_per_px
    clearance, depth, knee, circle, contact = {}, {}, {}, {}, {}
    lead = landing_lead_of(flight, float(np.median(np.diff(jumps.touchdowns_s))), body)
    landings = lead_landings_s(flight, lead) if lead_landings and np.isfinite(lead) else None
    for side in SIDES:
        down, up = _touchdown(flight, side), _takeoff(flight, side)
        clearance[side] = (
            measures.peak_height_above_cm(
                t, body.ankle_up[side], up, down, float(np.interp(0.5 * (up + down), t, ankle_levels[side])), scale
            )
            if np.isfinite(down) and np.isfinite(up)
            else NAN
        )
        leave = _next_takeoff(jumps.foot(side), down) if np.isfinite(down) and not stops_after else NAN
        landed = landings[side] if landings is not None and landings[side] < leave else down
        if np.isfinite(leave):
            depth[side] = measures.sink_cm(t, body.hip_up[side], landed, leave, scale)
            inside = (t >= landed) & (t <= leave)
            knee[side] = float(np.nanmax(body.knee_bend_deg[side][inside])) if inside.any() else NAN
        else:
            depth[side] = knee[side] = NAN
        # The foot's own contact between this flight and the next; none when it stays up (alternate step).
        following_up = _takeoff(following, side) if following is not None else NAN
        contact[side] = 1000.0 * (following_up - down) if following_up > down else NAN
    turn_start = previous.end_s if previous is not None else NAN
    if np.isfinite(turn_start):
        for side in SIDES:
            circle[side] = measures.vertical_extent_cm(t, body.wrist_rel_up[side], turn_start, flight.end_s, scale)
        twist = measures.twist_half_range_deg(t, body.twist_deg, turn_start, flight.end_s)
        sway = measures.peak_to_peak_cm(t, body.hip_mid_x, turn_start, flight.end_s, scale)
    else:
        circle = {side: NAN for side in SIDES}
        twist = sway = NAN
    both = [v for v in contact.values() if np.isfinite(v)]
    return JumpRecord(
        touchdown_s=flight.end_s,
        touchdown_left_s=flight.touchdown_left_s,
        touchdown_right_s=flight.touchdown_right_s,
        takeoff_s=following.start_s if following is not None else NAN,
        flight_start_s=flight.start_s,
        flight_time_ms=1000.0 * (flight.end_s - flight.start_s),
        landing_lead_ms=NAN if one_foot_contacts else lead,  # one foot lands at a time: no lead to read
        landing_foot=flight.landing_foot,
        contact_time_ms=(
            float(np.mean(both)) if following is not None and len(both) == (1 if one_foot_contacts else 2) else NAN
        ),
        contact_time_ms_left=contact["left"],
        contact_time_ms_right=contact["right"],
        foot_clearance_cm=clearance,
        landing_depth_cm=depth,
        knee_bend_deg=knee,
        hand_circle_cm=circle,
        turn_start_s=turn_start,
        trunk_twist_deg=twist,
        lateral_sway_cm=sway,
    )


def jump_records(
    jumps: Jumps,
    body: BodySignals,
    lead_landings: bool = True,
    stopped: np.ndarray | None = None,
    follow_drift: bool = False,
    one_foot_contacts: bool = False,
) -> list[JumpRecord]:
    """One record per counted flight, in time order (``lead_landings``, ``one_foot_contacts``: see
    :func:`jump_record`; ``follow_drift``: see :func:`on_floor_level_px`).

    ``stopped`` (one per interval between counted touchdowns, :func:`posture.jump.rhythm.stops`): the
    skipping stopped there, so neither the contact before the stop nor the turn across it is measured.
    """
    ankle_levels = {
        side: on_floor_level_px(body.times_s, body.ankle_up[side], jumps.foot(side), follow_drift) for side in SIDES
    }
    ordered = jumps.all_flights
    if stopped is None:
        stopped = np.zeros(max(len(jumps.flights) - 1, 0), dtype=bool)
    records = []
    for i, flight in enumerate(jumps.flights):
        k = ordered.index(flight)
        stops_before = i > 0 and bool(stopped[i - 1])
        stops_after = i < stopped.size and bool(stopped[i])
        previous = ordered[k - 1] if k > 0 and np.isfinite(ordered[k - 1].end_s) and not stops_before else None
        following = (
            ordered[k + 1] if k + 1 < len(ordered) and np.isfinite(ordered[k + 1].start_s) and not stops_after else None
        )
        records.append(
            jump_record(
                flight, previous, following, jumps, body, ankle_levels, lead_landings, stops_after, one_foot_contacts
            )
        )
    return records
