"""Hand-built skipping (and standing, walking) pose tracks with known answers, for the jump tests.

A front view of a person whose left side shows on image-right: feet lift in parabolas between
contacts, hips sink during each contact, wrists circle once per rope turn. Everything is in
pixels; :func:`skipper_track` samples the motion at any frame times (even uneven ones).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from posture.pose import INDEX, MIRRORED_INDEX
from posture.video.track import PoseTrack

WIDTH, HEIGHT = 720, 1280
CENTRE_X = 360.0


@dataclass(frozen=True)
class Skipper:
    """Knobs of the synthetic motion (px and s; + = larger on / earlier for the person's left)."""

    turn_times_s: np.ndarray
    contact_fraction: float = 0.5
    clearance_px: tuple[float, float] = (20.0, 20.0)
    landing_lead_s: float = 0.0
    landing_depth_px: tuple[float, float] = (14.0, 14.0)
    hand_circle_px: tuple[float, float] = (64.0, 64.0)
    hand_lead_s: float = 0.0
    hand_height_diff_px: float = 0.0
    lateral_shift_px: float = 0.0
    alternate: bool = False
    variation: float = 0.0  # natural jump-to-jump variation of heights and circles (fraction, seeded)


def steady_turns(cadence_jpm: float, duration_s: float) -> np.ndarray:
    """First-foot touchdown times of evenly spaced rope turns, reaching past both ends of the clip."""
    period = 60.0 / cadence_jpm
    return np.arange(-3 * period + 0.37 * period, duration_s + 3 * period, period)


def ramp_turns(start_jpm: float, end_jpm: float, duration_s: float) -> np.ndarray:
    """Touchdown times of a clip whose cadence rises linearly from ``start_jpm`` to ``end_jpm``."""
    times = [-60.0 / start_jpm * 2.6]
    while times[-1] < duration_s + 1.0:
        fraction = min(max(times[-1] / duration_s, 0.0), 1.0)
        times.append(times[-1] + 60.0 / (start_jpm + (end_jpm - start_jpm) * fraction))
    return np.array(times)


def _contact_phase(t: np.ndarray, touchdowns: np.ndarray, fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """For each time: (0-1 progress through the contact or NaN in flight, 0-1 progress through the flight)."""
    k = np.clip(np.searchsorted(touchdowns, t, side="right") - 1, 0, touchdowns.size - 2)
    start, end = touchdowns[k], touchdowns[k + 1]
    takeoff = start + fraction * (touchdown_period := end - start)
    in_contact = t < takeoff
    contact = np.where(in_contact, (t - start) / (fraction * touchdown_period), np.nan)
    flight = np.where(in_contact, np.nan, (t - takeoff) / (end - takeoff))
    return contact, flight


def _per_turn(t: np.ndarray, touchdowns: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each time's value of the turn it belongs to."""
    return values[np.clip(np.searchsorted(touchdowns, t, side="right") - 1, 0, touchdowns.size - 2)]


def foot_lift(t: np.ndarray, touchdowns: np.ndarray, fraction: float, height: np.ndarray) -> np.ndarray:
    """Foot height (px) above the floor: 0 in contact, a parabola of each turn's peak ``height`` in flight."""
    _, flight = _contact_phase(t, touchdowns, fraction)
    return np.where(np.isnan(flight), 0.0, _per_turn(t, touchdowns, height) * 4.0 * flight * (1.0 - flight))


def hip_sink(t: np.ndarray, touchdowns: np.ndarray, fraction: float, depth: float) -> np.ndarray:
    """Hip drop (px, down) during each contact: a half sine of ``depth``."""
    contact, _ = _contact_phase(t, touchdowns, fraction)
    return np.where(np.isnan(contact), 0.0, depth * np.sin(np.pi * np.nan_to_num(contact)))


def turn_phase(t: np.ndarray, touchdowns: np.ndarray) -> np.ndarray:
    """Rope turns completed (fractional) at each time."""
    k = np.clip(np.searchsorted(touchdowns, t, side="right") - 1, 0, touchdowns.size - 2)
    return np.asarray(k + (t - touchdowns[k]) / (touchdowns[k + 1] - touchdowns[k]))


def _set(xy: np.ndarray, name: str, x: np.ndarray | float, y: np.ndarray | float) -> None:
    xy[:, INDEX[name], 0] = x
    xy[:, INDEX[name], 1] = y


def _track(times: np.ndarray, xy: np.ndarray) -> PoseTrack:
    n = times.size
    return PoseTrack(
        times_s=times,
        xy_px=xy,
        visibility=np.ones((n, 33)),
        world_m=np.full((n, 33, 3), np.nan),
        image_size=(WIDTH, HEIGHT),
        model="synthetic",
        interpolated=np.zeros(n, dtype=bool),
    )


def body_track(
    times: np.ndarray,
    lift: dict[str, np.ndarray],
    sink: dict[str, np.ndarray],
    wrist_rel: dict[str, np.ndarray],
    shift_px: float = 0.0,
    walk_x: np.ndarray | None = None,
    hop: np.ndarray | None = None,
) -> PoseTrack:
    """A front-view body from per-side foot lifts, hip sinks and wrist heights relative to the shoulders."""
    n = times.size
    xy = np.full((n, 33, 2), np.nan)
    drift = np.zeros(n) if walk_x is None else walk_x
    # The trunk rides on the feet (two-foot bounce) or on the stance foot's hop (``hop``, alternate step).
    carried = 0.5 * (lift["left"] + lift["right"]) if hop is None else hop
    bounce = carried - 0.5 * (sink["left"] + sink["right"])
    for side, out in (("left", 1.0), ("right", -1.0)):
        hip_y = 620.0 + sink[side] - carried
        shoulder_y = 400.0 - bounce
        _set(xy, f"{side}_shoulder", CENTRE_X + drift + out * 70.0 + shift_px, shoulder_y)
        _set(xy, f"{side}_elbow", CENTRE_X + drift + out * 80.0 + shift_px, shoulder_y + 150.0)
        _set(xy, f"{side}_wrist", CENTRE_X + drift + out * 110.0 + shift_px, shoulder_y - wrist_rel[side])
        _set(xy, f"{side}_hip", CENTRE_X + drift + out * 45.0 + shift_px, hip_y)
        _set(xy, f"{side}_knee", CENTRE_X + drift + out * 42.0 + 0.5 * shift_px, 0.5 * (hip_y + 980.0 - lift[side]))
        _set(xy, f"{side}_ankle", CENTRE_X + drift + out * 38.0, 960.0 - lift[side])
        _set(xy, f"{side}_heel", CENTRE_X + drift + out * 38.0, 975.0 - lift[side])
        _set(xy, f"{side}_foot_index", CENTRE_X + drift + out * 42.0, 1000.0 - lift[side])
        _set(xy, f"{side}_eye", CENTRE_X + drift + out * 15.0 + shift_px, shoulder_y - 130.0)
        _set(xy, f"{side}_ear", CENTRE_X + drift + out * 32.0 + shift_px, shoulder_y - 120.0)
    _set(xy, "nose", CENTRE_X + drift + shift_px, 400.0 - bounce - 110.0)
    return _track(times, xy)


def skipper_track(skipper: Skipper, times: np.ndarray) -> PoseTrack:
    """The skipping motion sampled at ``times`` (s)."""
    turns, c = skipper.turn_times_s, skipper.contact_fraction
    lead, hand_lead = skipper.landing_lead_s / 2.0, skipper.hand_lead_s / 2.0
    if skipper.alternate:
        # Each foot carries every other turn; both are up while the rope passes under them.
        per_foot = {"left": turns[0::2], "right": turns[1::2]}
        fraction = {side: c / 2.0 for side in per_foot}
    else:
        per_foot = {"left": turns - lead, "right": turns + lead}
        fraction = {"left": c, "right": c}
    lift, sink, wrist = {}, {}, {}
    rng = np.random.default_rng(11)
    for k, side in enumerate(("left", "right")):
        varied = 1.0 + skipper.variation * rng.standard_normal((2, turns.size))
        lift[side] = foot_lift(times, per_foot[side], fraction[side], skipper.clearance_px[k] * varied[0])
        sink[side] = hip_sink(times, per_foot[side], fraction[side], skipper.landing_depth_px[k])
        shift = hand_lead if side == "left" else -hand_lead
        radius = _per_turn(times + shift, turns, skipper.hand_circle_px[k] / 2.0 * varied[1])
        height = 160.0 - (skipper.hand_height_diff_px / 2.0 if side == "left" else -skipper.hand_height_diff_px / 2.0)
        wrist[side] = -height + radius * np.cos(2.0 * np.pi * turn_phase(times + shift, turns))
    hop_px = np.full(turns.size, 0.5 * sum(skipper.clearance_px))
    hop = foot_lift(times, turns, c, hop_px) if skipper.alternate else None
    return body_track(times, lift, sink, wrist, skipper.lateral_shift_px, hop=hop)


def standing_track(times: np.ndarray, seed: int = 3) -> PoseTrack:
    """A person standing still with half a pixel of tracker jitter and slow sway."""
    rng = np.random.default_rng(seed)
    zero = np.zeros(times.size)
    sway = 3.0 * np.sin(2 * np.pi * 0.3 * times)
    track = body_track(
        times,
        {"left": zero, "right": zero},
        {"left": zero, "right": zero},
        {"left": zero - 300.0, "right": zero - 300.0},
        walk_x=sway,
    )
    jitter = rng.normal(0.0, 0.5, track.xy_px.shape)
    return PoseTrack(
        times, track.xy_px + jitter, track.visibility, track.world_m, track.image_size, track.model, track.interpolated
    )


def walking_track(times: np.ndarray, steps_per_min: float = 110.0) -> PoseTrack:
    """Walking across the frame: each foot swings for 40 % of its stride, so one is always down."""
    stride = 120.0 / steps_per_min
    swing = 0.4
    lifts = {}
    for side, offset in (("left", 0.0), ("right", 0.5)):
        phase = ((times / stride) + offset) % 1.0
        in_swing = phase > 1.0 - swing
        u = (phase - (1.0 - swing)) / swing
        lifts[side] = np.where(in_swing, 60.0 * np.sin(np.pi * u), 0.0)
    zero = np.zeros(times.size)
    return body_track(
        times,
        lifts,
        {"left": zero, "right": zero},
        {"left": zero - 300.0, "right": zero - 300.0},
        walk_x=-200.0 + 40.0 * times,
    )


def walking_toward_camera_track(times: np.ndarray, steps_per_min: float, px_per_s: float) -> PoseTrack:
    """:func:`walking_track` with the person coming ``px_per_s`` down the picture (- = walking away): the body
    drifts smoothly, but a planted foot stays where it landed and each step lands further down."""
    track = walking_track(times, steps_per_min)
    xy = track.xy_px.copy()
    xy[..., 1] += px_per_s * times[:, None]
    stride, swing = 120.0 / steps_per_min, 0.4
    for side, offset in (("left", 0.0), ("right", 0.5)):
        stance_start_s = (np.floor(times / stride + offset) - offset) * stride
        through_swing = np.clip((((times / stride) + offset) % 1.0 - (1.0 - swing)) / swing, 0.0, 1.0)
        foot_s = stance_start_s + stride * through_swing  # the planted foot's time stands still
        for point in ("ankle", "heel", "foot_index"):
            xy[:, INDEX[f"{side}_{point}"], 1] += px_per_s * (foot_s - times)
    return dataclasses.replace(track, xy_px=xy)


def mirrored(track: PoseTrack) -> PoseTrack:
    """The same clip filmed in a mirror: left/right labels traded and x -> width - x."""
    xy = track.xy_px[:, MIRRORED_INDEX].copy()
    xy[..., 0] = track.image_size[0] - xy[..., 0]
    world = track.world_m[:, MIRRORED_INDEX].copy()
    world[..., 0] = -world[..., 0]
    return PoseTrack(
        track.times_s, xy, track.visibility[:, MIRRORED_INDEX], world, track.image_size, track.model, track.interpolated
    )


def turned(track: PoseTrack, degrees: float) -> PoseTrack:
    """The same clip with the body's 3D landmarks turned ``degrees`` about the vertical, as the view reads
    them (the picture is left as it is: the turn's rule depends on the view alone)."""
    angle = np.radians(degrees)
    world = track.world_m.copy()
    x, z = track.world_m[..., 0], track.world_m[..., 2]
    world[..., 0] = x * np.cos(angle) - z * np.sin(angle)
    world[..., 2] = x * np.sin(angle) + z * np.cos(angle)
    return dataclasses.replace(track, world_m=world)


def frame_times(fps: float, duration_s: float, jitter: float = 0.0, seed: int = 5) -> np.ndarray:
    """Frame times at ``fps``; with ``jitter`` each interval varies by up to that fraction (phone VFR)."""
    n = round(fps * duration_s)
    intervals = np.full(n, 1.0 / fps)
    if jitter:
        intervals *= 1.0 + np.random.default_rng(seed).uniform(-jitter, jitter, n)
    return np.concatenate(([0.0], np.cumsum(intervals[:-1])))


def expected_touchdowns(skipper: Skipper, times: np.ndarray) -> np.ndarray:
    """Touchdowns ending the flights whose middle (the rope's pass) and landing are inside the clip
    (it lasts one frame past its last time)."""
    turns = skipper.turn_times_s
    takeoffs = turns[:-1] + skipper.contact_fraction * np.diff(turns)
    ends = turns[1:]
    clip_end = times[-1] + np.median(np.diff(times))
    return np.asarray(ends[(0.5 * (takeoffs + ends) >= times[0]) & (ends < clip_end)])
