"""Entry point of the jump-rope engine: a pose track in, a measured session out.

``analyze_track`` cleans the track, finds the jumps, measures every jump and summarises each
measure over the session (median over jumps with a bootstrap band and a verdict).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from posture.anatomy import ASSUMED_STATURE_CM
from posture.errors import PostureError
from posture.jump import measures, summary
from posture.jump.contacts import DetectionSettings, follows_floor_drift, foot_path
from posture.jump.events import Jumps, detect_jumps, skipping_style
from posture.jump.records import SIDES, BodySignals, JumpRecord, body_signals, jump_records
from posture.jump.rhythm import cadence_over_time, stop_warnings, stops, turn_touchdowns_s
from posture.jump.scale import cm_per_px
from posture.jump.signals import CleanTrack, bounce_rate_hz, clean_track
from posture.jump.summary import Measurement, not_assessed
from posture.jump.views import frontal_measures, seen_from_the_side, side_nulls
from posture.video.track import PoseTrack

VIEWS = ("front", "back", "left", "right")
MIN_FRAMES = 10


@dataclass(frozen=True)
class JumpSession:
    """The measured session: the contract's ``view``, ``frames_with_person``, ``measurements``,
    ``jumps`` and ``warnings``, plus the skipping ``style``, ``cadence_over_time`` and, for the
    alternate-foot style, ``foot_comparison`` (left-foot vs right-foot landings)."""

    view: str
    style: str
    frames_with_person: int
    measurements: dict[str, Measurement]
    jumps: list[JumpRecord]
    warnings: list[str]
    cadence_over_time: dict[str, list[dict[str, float]]]
    foot_comparison: dict[str, Any] | None = None
    cm_per_px: float = field(default=float("nan"))

    def value(self, key: str) -> float | None:
        """The summary value of one measure (None when not assessed)."""
        return self.measurements[key].value

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "view": self.view,
            "style": self.style,
            "frames_with_person": self.frames_with_person,
            "measurements": {key: m.to_dict() for key, m in self.measurements.items()},
            "jumps": [record.to_dict() for record in self.jumps],
            "cadence_over_time": self.cadence_over_time,
            "warnings": list(self.warnings),
        }
        if self.foot_comparison is not None:
            out["foot_comparison"] = self.foot_comparison
        return out


def detection_settings(subframe: bool = True, turn_rate_hz: float = float("nan")) -> DetectionSettings:
    """Jump detection's settings from thresholds.toml. ``turn_rate_hz`` (the body's bounce rate, NaN when
    unknown): past about 200 turns/min the shortest contact or flight kept shrinks with the turn
    (``min_phase_turn_fraction``), so a fast skipper's one- or two-frame contacts are not taken for jitter."""
    raw = summary.settings()["detection"]
    min_phase_s = float(raw["min_phase_s"])
    if np.isfinite(turn_rate_hz) and turn_rate_hz > 0:
        min_phase_s = min(min_phase_s, float(raw["min_phase_turn_fraction"]) / turn_rate_hz)
    return DetectionSettings(
        floor_window_s=float(raw["floor_window_s"]),
        floor_percentile=float(raw["floor_percentile"]),
        threshold_fraction=float(raw["threshold_fraction"]),
        threshold_noise_factor=float(raw["threshold_noise_factor"]),
        min_lift_cm=float(raw["min_lift_cm"]),
        min_flight_s=float(raw["min_flight_s"]),
        min_phase_s=min_phase_s,
        min_bounce_cm=float(raw["min_bounce_cm"]),
        min_regular_fraction=float(raw["min_regular_fraction"]),
        min_cadence_jpm=float(raw["min_cadence_jpm"]),
        max_rhythm_spread=float(raw["max_rhythm_spread"]),
        rhythm_tolerance=float(raw["rhythm_tolerance"]),
        min_landing_share=float(raw["min_landing_share"]),
        subframe=subframe,
    )


def _array(records: list[JumpRecord], attribute: str, side: str | None = None) -> np.ndarray:
    values = [getattr(r, attribute) if side is None else getattr(r, attribute)[side] for r in records]
    return np.array(values, dtype=float)


def _median(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else float("nan")


def _timing(
    records: list[JumpRecord],
    jumps: Jumps,
    touchdowns: np.ndarray,
    stopped: np.ndarray,
    frame_s: float,
    confidence: float,
) -> dict[str, Measurement]:
    """Count, cadence and rhythm (from ``touchdowns``, s, leaving out the intervals across a stop),
    flight and contact time, landing lead."""
    cfg = summary.settings()
    low_fps = 1.0 / frame_s < float(cfg["bands"]["timing_fps_limit"])
    half_frame_ms = 500.0 * frame_s
    timing_conf = confidence * (float(cfg["confidence"]["low_fps_timing_factor"]) if low_fps else 1.0)
    timing_reason = (
        f"below 50 fps: the band includes ±{half_frame_ms:.0f} ms (half a frame interval)" if low_fps else None
    )
    intervals = np.diff(touchdowns)[~stopped]
    out = {
        "jump_count": summary.plain(float(len(records)), "count", None, confidence),
        "cadence_jpm": summary.plain(
            measures.cadence_jpm(intervals),
            "jumps/min",
            _map_band(summary.median_band(intervals), lambda v: 60.0 / v),
            confidence,
            n=intervals.size,
        ),
        "rhythm_variability_pct": summary.plain(
            measures.rhythm_variability_pct(intervals),
            "%",
            summary.bootstrap_band([intervals], lambda v: 100.0 * np.std(v, axis=1, ddof=1) / np.mean(v, axis=1)),
            confidence,
            n=intervals.size,
        ),
    }
    flight = _array(records, "flight_time_ms")
    out["flight_time_ms"] = summary.plain(
        _median(flight), "ms", summary.median_band(flight), confidence, n=int(np.isfinite(flight).sum())
    )
    contact = _array(records, "contact_time_ms")
    band = summary.median_band(contact)
    contact_reason = timing_reason
    heels = jumps.contact_point == "heel"
    if heels:
        contact_reason = "; ".join(
            filter(
                None,
                [
                    timing_reason,
                    "read from the heels (the toes were not tracked "
                    "steadily), which leave the floor early: contacts come out short",
                ],
            )
        )
    out["contact_time_ms"] = summary.plain(
        _median(contact),
        "ms",
        summary.widened(band, half_frame_ms) if low_fps else band,
        timing_conf * (0.5 if heels else 1.0),
        int(np.isfinite(contact).sum()),
        contact_reason,
    )
    lead = _array(records, "landing_lead_ms")
    band = summary.median_band(lead)
    out["landing_lead_ms"] = summary.compared(
        "landing_lead_ms",
        _median(lead),
        "ms",
        summary.widened(band, half_frame_ms) if low_fps else band,
        timing_conf,
        int(np.isfinite(lead).sum()),
        timing_reason,
    )
    return out


def _map_band(band: tuple[float, float] | None, function: Any) -> tuple[float, float] | None:
    if band is None:
        return None
    a, b = function(band[0]), function(band[1])
    return (min(a, b), max(a, b))


def _sided(records: list[JumpRecord], sides: tuple[str, ...], confidence: float) -> dict[str, Measurement]:
    """Each visible side's clearance, landing depth, hand circle and trends; SI / L-R when both show."""
    out: dict[str, Measurement] = {}
    turn_mid = _array(records, "turn_mid_s")
    flight_mid = _array(records, "flight_mid_s")
    arrays = {}
    for key, attribute, unit in (
        ("foot_clearance_cm", "foot_clearance_cm", "cm"),
        ("landing_depth_cm", "landing_depth_cm", "cm"),
        ("hand_circle_cm", "hand_circle_cm", "cm"),
    ):
        for side in sides:
            values = _array(records, attribute, side)
            arrays[key, side] = values
            out[f"{key}_{side}"] = summary.plain(
                _median(values), unit, summary.median_band(values), confidence, n=int(np.isfinite(values).sum())
            )
    for side in sides:
        for key, times in (("hand_circle", turn_mid), ("foot_clearance", flight_mid)):
            values = arrays[f"{key}_cm", side]
            # Pairs bootstrap: each resampled jump keeps its time, so the band holds the jump-to-jump spread.
            out[f"{key}_trend_pct_per_min_{side}"] = summary.plain(
                measures.trend_pct_per_min(times, values),
                "%/min",
                summary.bootstrap_band([times, values], measures.trend_rows_pct_per_min),
                confidence,
                n=int((np.isfinite(times) & np.isfinite(values)).sum()),
            )
    if len(sides) == 2:
        for key, si_key in (("foot_clearance_cm", "foot_clearance_si_pct"), ("hand_circle_cm", "hand_circle_si_pct")):
            left, right = arrays[key, "left"], arrays[key, "right"]
            value = measures.symmetry_index_pct(_median(left), _median(right))
            out[si_key] = summary.compared(si_key, value, "%", summary.si_band(left, right), confidence)
        left, right = arrays["landing_depth_cm", "left"], arrays["landing_depth_cm", "right"]
        out["landing_depth_diff_cm"] = summary.compared(
            "landing_depth_diff_cm", _median(left) - _median(right), "cm", summary.diff_band(left, right), confidence
        )
    return out


def _confidence(height_given: bool, n_jumps: int) -> float:
    cfg = summary.settings()["confidence"]
    value = float(cfg["base"])
    if not height_given:
        value *= float(cfg["height_assumed_factor"])
    if n_jumps < int(cfg["few_jumps"]):
        value *= float(cfg["few_jumps_factor"])
    return value


def _foot_comparison(records: list[JumpRecord], stopped: np.ndarray) -> dict[str, Any]:
    """Alternate-foot style: left-foot vs right-foot landings and the L->R vs R->L step intervals
    (``stopped[k]``: the skipping stopped between landings k and k + 1, which is no step)."""
    out: dict[str, Any] = {}
    for side in SIDES:
        mine = [r for r in records if r.landing_foot == side]
        contact = np.array([getattr(r, f"contact_time_ms_{side}") for r in mine], dtype=float)
        knee = np.array([r.knee_bend_deg[side] for r in mine], dtype=float)
        out[side] = {
            "landings": len(mine),
            "contact_time_ms": _rounded(_median(contact)),
            "knee_bend_deg": _rounded(_median(knee)),
        }
    steps: dict[str, list[float]] = {"left_to_right_ms": [], "right_to_left_ms": []}
    for (before, after), stop in zip(itertools.pairwise(records), stopped, strict=True):
        if before.landing_foot != after.landing_foot and not stop:
            key = "left_to_right_ms" if before.landing_foot == "left" else "right_to_left_ms"
            steps[key].append(1000.0 * (after.touchdown_s - before.touchdown_s))
    for key, values in steps.items():
        out[key] = _rounded(_median(np.array(values, dtype=float)))
    return out


def _rounded(value: float) -> float | None:
    return round(value, 1) if np.isfinite(value) else None


def analyze_track(
    track: PoseTrack, view: str, height_cm: float | None, typical_errors: Mapping[str, float] | None = None
) -> JumpSession:
    """Measure a jump-rope session from one person's pose track (docs/jump-rope.md).

    ``typical_errors`` (per measure key, the measure's unit): the tracker's typical errors
    (:func:`summary.typical_errors` for a MediaPipe track) that widen the left/right bands before
    the verdicts; None for exact keypoints, whose bands hold only the jump-to-jump spread.
    """
    if view not in VIEWS:
        raise PostureError("unsupported_view", f"The view {view!r} cannot be measured; use front, back, left or right.")
    if int(np.count_nonzero(track.seen)) < MIN_FRAMES:
        raise PostureError(
            "video_too_short",
            f"The person was seen in only {int(np.count_nonzero(track.seen))} "
            "frames; film at least a few seconds of skipping with the whole body in view.",
        )
    cfg = summary.settings()
    check_frame_rate(track.times_s, float(cfg["video"]["min_fps"]))
    cutoff = float(cfg["cleaning"]["lowpass_turn_harmonics"]) * bounce_rate_hz(track)
    clean = clean_track(track, float(cfg["cleaning"]["max_gap_s"]), cutoff if cutoff > 0 else None)
    session = analyze_clean(clean, view, height_cm, frames_with_person=int(np.count_nonzero(track.seen)))
    if typical_errors is None:
        return session
    return replace(session, measurements=summary.with_typical_errors(session.measurements, typical_errors))


def check_frame_rate(times_s: np.ndarray, min_fps: float) -> None:
    """Refuse a clip filmed at fewer than ``min_fps`` frames per second (median frame interval).

    A rope jump's flight lasts 0.1-0.3 s and a turn 0.2-0.5 s: below about 15 frames/s a flight
    spans one or two frames, whole jumps fall between frames and the feet's landings cannot be
    timed. Stand-still clips have no such need and are not checked.
    """
    fps = 1.0 / float(np.median(np.diff(times_s)))
    if fps < min_fps:
        raise PostureError(
            "frame_rate_too_low",
            f"The clip has {fps:.0f} frames per second; a rope jump lasts about a fifth of a second, "
            f"so at least {min_fps:.0f} are needed to see each one. Film at your phone's normal 30 or 60 fps.",
        )


def analyze_clean(
    clean: CleanTrack, view: str, height_cm: float | None, frames_with_person: int, subframe: bool = True
) -> JumpSession:
    """:func:`analyze_track` after cleaning.

    The accuracy bench also feeds raw tracks through here with ``subframe=False``: event times
    on whole frames and lags on whole frames (the naive baseline).
    """
    cfg = summary.settings()
    warnings = []
    if height_cm is None:
        warnings.append(
            f"height_assumed: no height was given, so {ASSUMED_STATURE_CM:.0f} cm was assumed; "
            "centimetre values are less certain"
        )
    stature_cm = height_cm or ASSUMED_STATURE_CM
    scale = cm_per_px(clean, stature_cm, float(cfg["scale"]["segment_correction"]))
    detection = cfg["detection"]
    settings = detection_settings(subframe, bounce_rate_hz(clean))
    drifting = follows_floor_drift(clean, settings, stature_cm / scale)
    settings = replace(settings, follow_floor_drift=drifting)
    jumps = detect_jumps(clean, scale, settings, int(detection["min_jumps"]), float(detection["min_duration_s"]))
    style = skipping_style(jumps, float(detection["style_min_alternation"]), float(detection["style_min_lag_fraction"]))
    # Landing lead reads each foot's whole path (toe, heel and ankle together) in every view,
    # whichever point the contacts were found from.
    paths = {side: foot_path(clean, side, settings) for side in SIDES}
    body: BodySignals = body_signals(clean, paths, scale, subframe)
    # Both feet's paths show only from the front or back; there the lead places each foot's landing.
    stopped = stops(jumps.touchdowns_s, float(detection["stop_factor"]))
    records = jump_records(
        jumps, body, style == "two_foot" and view in ("front", "back"), stopped, drifting, style == "alternate_foot"
    )
    if view not in ("front", "back"):
        records = [seen_from_the_side(record, view) for record in records]
    confidence = _confidence(height_cm is not None, len(records))
    frame_s = clean.frame_interval_s
    touchdowns = jumps.touchdowns_s
    if subframe:
        both_feet = np.mean([paths[side] for side in SIDES], axis=0)
        touchdowns = turn_touchdowns_s(clean.times_s, both_feet, touchdowns)
    measurements = _timing(records, jumps, touchdowns, stopped, frame_s, confidence)
    if frame_s > 1.0 / float(cfg["bands"]["timing_fps_limit"]):
        warnings.append(f"low_frame_rate: {1.0 / frame_s:.0f} fps; timing bands include half a frame interval")
    if clean.gaps_filled or clean.gaps_left:
        warnings.append(f"gaps: {clean.gaps_filled} short gaps filled, {clean.gaps_left} left out")
    warnings += stop_warnings(stopped, jumps.touchdowns_s, clean)
    if clean.swaps_repaired:
        warnings.append(f"label_swaps: left/right labels repaired in {clean.swaps_repaired} frames")
    if view in ("front", "back"):
        measurements |= _sided(records, SIDES, confidence)
        measurements |= frontal_measures(clean, body, records, view, confidence, subframe)
    else:
        measurements |= _sided(records, ("left" if view == "left" else "right",), confidence)
        measurements |= side_nulls(view)
    if style == "alternate_foot":
        measurements["landing_lead_ms"] = not_assessed(
            "ms", "alternate-foot skipping: the feet land one after the other by design"
        )
    duration = float(clean.times_s[-1] - clean.times_s[0])
    return JumpSession(
        view=view,
        style=style,
        frames_with_person=frames_with_person,
        measurements=measurements,
        jumps=records,
        warnings=warnings,
        cadence_over_time=cadence_over_time(touchdowns, stopped, duration),
        foot_comparison=_foot_comparison(records, stopped) if style == "alternate_foot" else None,
        cm_per_px=scale,
    )
