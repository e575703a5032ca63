"""Measures only a front or back view can show, and the nulls of a side view.

Frontal measures are time means or cross-correlations over the clip; their bands come from
resampling the rope turns (per-turn values bootstrapped), so they widen when turns disagree.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from posture.jump import measures, summary
from posture.jump.records import SIDES, BodySignals, JumpRecord
from posture.jump.signals import CleanTrack
from posture.jump.summary import Measurement, not_assessed
from posture.wording import unit_symbol

FRONTAL_REASON = "comparing the two sides needs a clip filmed from the front or the back"
FAR_SIDE_REASON = "the far side of the body is hidden in a side view"
TWIST_REASON = "the trunk's twist shows only in a clip filmed from the front or the back"
FRONTAL_KEYS = {
    "landing_lead_ms": "ms",
    "foot_clearance_si_pct": "%",
    "landing_depth_diff_cm": "cm",
    "hand_circle_si_pct": "%",
    "hand_phase_lead_ms": "ms",
    "hand_height_diff_cm": "cm",
    "hand_spread_diff_cm": "cm",
    "lateral_shift_cm": "cm",
    "lateral_sway_cm": "cm",
    "trunk_lateral_lean_deg": "deg",
}
# Measures whose band already allows for a camera rolled within the assumed limit: the tracker's
# typical error for them is measured against the exact 2D keypoints, which show the same roll, so
# the roll is not counted twice (bench/jump_accuracy.py writes it so).
LEVEL_ALLOWED_KEYS = ("hand_height_diff_cm", "lateral_shift_cm", "trunk_lateral_lean_deg")
SIDED_KEYS = {
    "foot_clearance_cm": "cm",
    "landing_depth_cm": "cm",
    "hand_circle_cm": "cm",
    "hand_circle_trend_pct_per_min": "%/min",
    "foot_clearance_trend_pct_per_min": "%/min",
}


def side_nulls(view: str) -> dict[str, Measurement]:
    """Every measure a side view cannot show, with the reason (the far side's and frontal ones)."""
    far = "right" if view == "left" else "left"
    out = {key: not_assessed(unit, FRONTAL_REASON) for key, unit in FRONTAL_KEYS.items()}
    out |= {f"{key}_{far}": not_assessed(unit, FAR_SIDE_REASON) for key, unit in SIDED_KEYS.items()}
    out["trunk_twist_deg"] = not_assessed("deg", TWIST_REASON)
    return out


def seen_from_the_side(record: JumpRecord, view: str) -> JumpRecord:
    """``record`` as a ``view`` (left or right) shows it: the far side's sizes and the per-jump values of
    frontal measures (landing lead, twist, sway) NaN, like the session's summary (:func:`side_nulls`).

    The tracker still places the hidden side's points (it guesses them from the near side), so the
    values exist, but charts and the JSON drew them as if measured (a 26 cm clearance for a hidden foot
    lifting 5 cm on a rendered side view).
    """
    far = "right" if view == "left" else "left"
    return replace(
        record,
        foot_clearance_cm={**record.foot_clearance_cm, far: np.nan},
        landing_depth_cm={**record.landing_depth_cm, far: np.nan},
        knee_bend_deg={**record.knee_bend_deg, far: np.nan},
        hand_circle_cm={**record.hand_circle_cm, far: np.nan},
        landing_lead_ms=np.nan,
        trunk_twist_deg=np.nan,
        lateral_sway_cm=np.nan,
    )


def _per_turn(times_s: np.ndarray, signal: np.ndarray, records: list[JumpRecord]) -> np.ndarray:
    """Mean of ``signal`` within each complete rope turn."""
    values = []
    for record in records:
        if np.isfinite(record.turn_start_s):
            inside = (times_s >= record.turn_start_s) & (times_s < record.touchdown_s)
            values.append(_finite_mean(signal[inside]))
    return np.array(values, dtype=float)


def _mean_measure(
    key: str,
    unit: str,
    times_s: np.ndarray,
    signal: np.ndarray,
    records: list[JumpRecord],
    confidence: float,
    level_error: float = 0.0,
) -> Measurement:
    """Clip mean of ``signal`` with a band from bootstrapping its per-turn means.

    ``level_error`` (same unit) widens the band by what an unlevel camera can add to the value.
    """
    turns = _per_turn(times_s, signal, records)
    band = summary.mean_band(turns)
    value = _finite_mean(signal)
    if band is not None:
        # Centre the band on the clip mean: it spans the turns' spread, the mean covers the whole clip.
        shift = value - _finite_mean(turns)
        band = (band[0] + shift - level_error, band[1] + shift + level_error)
    roll_deg = float(summary.settings()["level"]["camera_roll_uncertainty_deg"])
    reason = (
        f"band includes ±{level_error:.2g}{unit_symbol(unit)} for a phone tilted by up to {roll_deg:g}°; "
        "a phone tilted more reads as this difference itself"
        if level_error
        else None
    )
    return summary.compared(key, value, unit, band, confidence, n=int(np.isfinite(turns).sum()), reason=reason)


def hand_phase_lead(body: BodySignals, records: list[JumpRecord], confidence: float, subframe: bool) -> Measurement:
    """Hand phase lead over the clip, its band from the same lag measured over groups of 3 turns."""
    t = body.times_s
    period = float(np.median(np.diff([r.touchdown_s for r in records])))
    left, right = body.wrist_rel_up["left"], body.wrist_rel_up["right"]
    step = 0.001 if subframe else float(np.median(np.diff(t)))
    value = measures.lead_ms(t, left, right, period / 2.0, step, refine=subframe)
    starts = [r.turn_start_s for r in records if np.isfinite(r.turn_start_s)]
    ends = [r.touchdown_s for r in records if np.isfinite(r.turn_start_s)]
    pieces = []
    for k in range(0, len(starts) - 2, 3):
        inside = (t >= starts[k]) & (t <= ends[k + 2])
        if inside.sum() >= 8:
            pieces.append(measures.lead_ms(t[inside], left[inside], right[inside], period / 2.0, step, subframe))
    # A group whose wrists the tracker lost (hands out of the frame for a few turns) has no lag: NaN, left out.
    pieces = [piece for piece in pieces if np.isfinite(piece)]
    band = summary.median_band(np.array(pieces, dtype=float)) if len(pieces) >= 2 else None
    if band is not None:
        shift = value - float(np.median(pieces))
        band = (band[0] + shift, band[1] + shift)
    return summary.compared("hand_phase_lead_ms", value, "ms", band, confidence, n=len(pieces))


def hand_spread_px(track: CleanTrack) -> dict[str, np.ndarray]:
    """(n,) each wrist's horizontal distance (px) from the shoulder midpoint in the image.

    The image, not the tracker's 3D landmarks: on the rendered clips tracked with the full model,
    the 3D landmarks' spread difference was off by 0.9-5.6 cm, the image's by 0-2.4 cm.
    """
    mid_x = track.midpoint("shoulder")[:, 0]
    return {side: np.abs(track.point(f"{side}_wrist")[:, 0] - mid_x) for side in SIDES}


def frontal_measures(
    track: CleanTrack, body: BodySignals, records: list[JumpRecord], view: str, confidence: float, subframe: bool = True
) -> dict[str, Measurement]:
    """Hand phase, hand height and spread, trunk twist, lateral shift, sway and lean (front/back)."""
    left_sign = 1 if view == "front" else -1
    t, scale = body.times_s, body.cm_per_px
    shoulder_mid = track.midpoint("shoulder")
    hip_mid = track.midpoint("hip")
    wrist_up = {s: -track.point(f"{s}_wrist")[:, 1] for s in SIDES}
    spread = hand_spread_px(track)
    roll = np.radians(float(summary.settings()["level"]["camera_roll_uncertainty_deg"]))
    trunk_px = _finite_median(np.linalg.norm(hip_mid - track.midpoint("ankle"), axis=1))
    hands_px = _finite_median(np.linalg.norm(track.point("left_wrist") - track.point("right_wrist"), axis=1))
    shift = measures.lateral_offset_cm(hip_mid[:, 0], track.midpoint("ankle")[:, 0], left_sign, scale)
    out = {
        "hand_phase_lead_ms": hand_phase_lead(body, records, confidence, subframe),
        "hand_height_diff_cm": _mean_measure(
            "hand_height_diff_cm",
            "cm",
            t,
            measures.left_minus_right_cm(wrist_up["left"], wrist_up["right"], scale),
            records,
            confidence,
            float(np.tan(roll) * hands_px * scale),
        ),
        "hand_spread_diff_cm": _mean_measure(
            "hand_spread_diff_cm",
            "cm",
            t,
            measures.left_minus_right_cm(spread["left"], spread["right"], scale),
            records,
            confidence,
        ),
        "lateral_shift_cm": _mean_measure(
            "lateral_shift_cm", "cm", t, shift, records, confidence, float(np.tan(roll) * trunk_px * scale)
        ),
        "trunk_lateral_lean_deg": _mean_measure(
            "trunk_lateral_lean_deg",
            "deg",
            t,
            measures.lean_from_vertical_deg(hip_mid, shoulder_mid, left_sign),
            records,
            confidence,
            float(np.degrees(roll)),
        ),
    }
    sway = np.array([r.lateral_sway_cm for r in records], dtype=float)
    out["lateral_sway_cm"] = summary.plain(
        _finite_median(sway), "cm", summary.median_band(sway), confidence, n=int(np.isfinite(sway).sum())
    )
    twist = np.array([r.trunk_twist_deg for r in records], dtype=float)
    if np.isfinite(twist).sum() >= 2:
        out["trunk_twist_deg"] = summary.compared(
            "trunk_twist_deg",
            _finite_median(twist),
            "deg",
            summary.median_band(twist),
            confidence,
            n=int(np.isfinite(twist).sum()),
            reason="from the tracker's 3D (world) landmarks",
        )
    else:
        out["trunk_twist_deg"] = not_assessed("deg", "the tracker gave no 3D landmarks for the shoulders and hips")
    return out


def _finite_median(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else float("nan")


def _finite_mean(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.mean(finite)) if finite.size else float("nan")
