"""Posture measures: what each measure key means (spec, unit, normal range, source), how a value is
judged, and every measure of one body (the angle and distance functions are in :mod:`posture.geometry`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from posture.geometry import (
    craniovertebral_angle_deg,
    frontal_tilt_deg,
    height_difference_cm,
    horizontal_offset_cm,
    knee_valgus_deg,
    lateral_shift_cm,
    lean_from_vertical_deg,
    offset_from_line_cm,
)

if TYPE_CHECKING:
    from posture.anatomy import BodyPoints  # anatomy imports this module (through views)

STATUSES = ("normal", "borderline", "deviation")


@dataclass(frozen=True)
class Measurement:
    """One measured value with everything a reader needs to trust it.

    ``value`` is in ``unit`` ("deg" or "cm"); ``normal_range`` is (low, high) in the same unit,
    ``None`` for an open end; ``confidence`` is 0-1; ``status`` one of :data:`STATUSES`;
    ``source`` the citation of the range or ``engineering default``; ``estimate`` is true when
    the value is inferred rather than landmarked (pelvic tilt) or rests on an assumed stature.
    """

    key: str
    value: float
    unit: str
    confidence: float
    normal_range: tuple[float | None, float | None]
    status: str
    source: str
    definition: str
    estimate: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "value": round(self.value, 2),
            "unit": self.unit,
            "confidence": round(self.confidence, 2),
            "normal_range": list(self.normal_range),
            "status": self.status,
            "source": self.source,
        }


@dataclass(frozen=True)
class MeasureSpec:
    """What a measure key means and how its value is judged.

    ``normal`` and ``borderline`` are (low, high) ranges in ``unit`` with ``None`` for an open
    end; a value outside ``borderline`` is a deviation. ``points`` are the clinical points it needs.
    ``signed``: whether the value is shown with its sign (a side or direction), or is a plain size.
    """

    key: str
    unit: str
    views: tuple[str, ...]
    normal: tuple[float | None, float | None]
    borderline: tuple[float | None, float | None]
    source: str
    definition: str
    points: tuple[str, ...]
    signed: bool = True


# The four views a photo can be (the one place they are spelled out; posture.views classifies them).
VIEWS = ("front", "back", "left", "right")
SIDE_VIEWS = ("left", "right")
FRONTAL_VIEWS = ("front", "back")
# Angles taken against the picture's horizontal or vertical take on any roll of the camera one to
# one (measured: 0.88-1.07 deg per degree, tests/test_analysis.py); the person should know.
CAMERA_LEVEL_NOTE = " Read against the picture's level: a camera held 1 deg off level changes it by about 1 deg."
SPECS: dict[str, MeasureSpec] = {
    spec.key: spec
    for spec in (
        MeasureSpec(
            "craniovertebral_angle_deg",
            "deg",
            SIDE_VIEWS,
            (50, None),
            (45.5, None),
            "Lau 2009 (normal >= 50); Mostafaee 2024 (< 45.5 moderate-severe)",
            "Angle above horizontal of the line from C7 to the tragus; smaller = head further forward."
            + CAMERA_LEVEL_NOTE,
            ("c7", "ear"),
            signed=False,
        ),
        MeasureSpec(
            "ear_ahead_of_shoulder_cm",
            "cm",
            SIDE_VIEWS,
            (None, 5),
            (None, 7),
            "engineering default",
            "Horizontal distance of the tragus ahead of the shoulder joint centre.",
            ("ear", "shoulder"),
        ),
        MeasureSpec(
            "shoulder_ahead_of_plumb_cm",
            "cm",
            SIDE_VIEWS,
            (-4, 4),
            (-6, 6),
            "engineering default",
            "Shoulder joint centre ahead of the line through ankle and hip joint, extended up.",
            ("shoulder", "hip", "ankle"),
        ),
        MeasureSpec(
            "trunk_lean_deg",
            "deg",
            SIDE_VIEWS,
            (-5, 5),
            (-8, 8),
            "engineering default",
            "Line from hip joint to shoulder joint against vertical, + forward." + CAMERA_LEVEL_NOTE,
            ("hip", "shoulder"),
        ),
        MeasureSpec(
            "pelvic_tilt_deg",
            "deg",
            SIDE_VIEWS,
            (8, 18),
            (3, 23),
            "Preece 2008 (13 +- 5 deg)",
            "Sagittal ASIS-PSIS angle against horizontal, + anterior; inferred from the body outline, "
            "not landmarked (an estimate).",
            ("hip", "knee", "shoulder"),
        ),
        MeasureSpec(
            "knee_ahead_of_ankle_cm",
            "cm",
            SIDE_VIEWS,
            (-1, 8),
            (-3, 10),
            "engineering default",
            "Knee joint ahead of the ankle; negative = knee pushed back (hyperextension).",
            ("knee", "ankle"),
        ),
        MeasureSpec(
            "shoulder_tilt_deg",
            "deg",
            FRONTAL_VIEWS,
            (-2, 2),
            (-3.5, 3.5),
            "engineering default (>= 2 deg)",
            "Right-to-left shoulder joint line against horizontal, + when the left is higher." + CAMERA_LEVEL_NOTE,
            ("left_shoulder", "right_shoulder"),
        ),
        MeasureSpec(
            "shoulder_height_diff_cm",
            "cm",
            FRONTAL_VIEWS,
            (-1.5, 1.5),
            (-2.5, 2.5),
            "engineering default (>= 1.5 cm)",
            "Height of the left shoulder joint minus the right.",
            ("left_shoulder", "right_shoulder"),
        ),
        # Wider than the shoulders': MediaPipe's hip points are the noisiest (~1.4 deg error, bench/accuracy.py).
        MeasureSpec(
            "pelvic_obliquity_deg",
            "deg",
            FRONTAL_VIEWS,
            (-2, 2),
            (-4, 4),
            "engineering default",
            "Right-to-left hip joint line against horizontal, + when the left is higher." + CAMERA_LEVEL_NOTE,
            ("left_hip", "right_hip"),
        ),
        MeasureSpec(
            "hip_height_diff_cm",
            "cm",
            FRONTAL_VIEWS,
            (-1, 1),
            (-2, 2),
            "clinical iliac-crest difference > 1 cm; leg-length difference >= 2 cm (Gross 1978)",
            "Height of the left hip joint minus the right.",
            ("left_hip", "right_hip"),
        ),
        MeasureSpec(
            "head_tilt_deg",
            "deg",
            FRONTAL_VIEWS,
            (-3, 3),
            (-5, 5),
            "engineering default (Ferreira 2011: 88 % tilt)",
            "Right-to-left ear line against horizontal, + when the left ear is higher." + CAMERA_LEVEL_NOTE,
            ("left_ear", "right_ear"),
        ),
        MeasureSpec(
            "trunk_lateral_lean_deg",
            "deg",
            FRONTAL_VIEWS,
            (-2, 2),
            (-4, 4),
            "engineering default",
            "Line from the hip midpoint to the shoulder midpoint against vertical, + toward the left."
            + CAMERA_LEVEL_NOTE,
            ("left_hip", "right_hip", "left_shoulder", "right_shoulder"),
        ),
        MeasureSpec(
            "trunk_lateral_shift_cm",
            "cm",
            FRONTAL_VIEWS,
            (-2, 2),
            (-3, 3),
            "coronal imbalance > 2 cm (C7-CSVL analogue)",
            "Sideways offset of the shoulder midpoint from the hip midpoint, + toward the left.",
            ("left_hip", "right_hip", "left_shoulder", "right_shoulder"),
        ),
        MeasureSpec(
            "knee_valgus_left_deg",
            "deg",
            FRONTAL_VIEWS,
            (-5, 5),
            (-8, 8),
            "Munro 2012 (SEM ~3 deg)",
            "Frontal angle between left thigh and shank, + when the knee sits inside the hip-ankle line.",
            ("left_hip", "left_knee", "left_ankle"),
        ),
        MeasureSpec(
            "knee_valgus_right_deg",
            "deg",
            FRONTAL_VIEWS,
            (-5, 5),
            (-8, 8),
            "Munro 2012 (SEM ~3 deg)",
            "Frontal angle between right thigh and shank, + when the knee sits inside the hip-ankle line.",
            ("right_hip", "right_knee", "right_ankle"),
        ),
    )
}
# In a photo turned 30-60 deg no measure keeps its meaning. Horizontal distances shrink with the
# cosine of the turn, and sagittal and frontal angles mix. Height differences were once kept, but
# perspective spoils them too: the nearer shoulder or hip is closer to the lens, so it is pushed
# away from the camera's eye level. Projecting eval-public's 3D bodies from 3 m, the shoulder height
# difference gained 2.3 / 3.5 / 4.7 cm on average (mean absolute) at a 25 / 40 / 60 deg turn with
# the camera at hip height, and the hip difference gained 1.3-2.6 cm with the camera at chest height
# (1.3 m). Both are more than these measures' thresholds (1.5 and 1 cm).
OBLIQUE_REASON = (
    "the body is turned about {turn:.0f} deg: distances shrink, angles mix and perspective makes "
    "the nearer side look higher or lower; this measure needs a straight view"
)
# Each measure's typical error in its own unit, as the accuracy benchmark measured it on photos of
# people the corrections were not fitted on (written by bench/accuracy.py --typical-errors).
TYPICAL_ERRORS_PATH = Path(__file__).resolve().parent / "typical_errors.json"


@cache
def _typical_errors() -> dict[str, float]:
    errors: dict[str, float] = json.loads(TYPICAL_ERRORS_PATH.read_text())["typical_error"]
    return errors


def typical_error(key: str) -> float | None:
    """The typical error (mean absolute error, in the measure's unit) measured for ``key``, None if unmeasured.

    It comes from rendered people with known posture (docs/accuracy.md): a guide to how far one value
    can be off, not a guarantee for a real photo."""
    return _typical_errors().get(key)


MIN_VISIBILITY = 0.5
ASSUMED_HEIGHT_CONFIDENCE = 0.8


def status_of(value: float, spec: MeasureSpec) -> str:
    """normal inside ``spec.normal``, borderline inside ``spec.borderline``, deviation beyond."""

    def inside(bounds: tuple[float | None, float | None]) -> bool:
        low, high = bounds
        return (low is None or value >= low) and (high is None or value <= high)

    return "normal" if inside(spec.normal) else "borderline" if inside(spec.borderline) else "deviation"


# --- one photo --------------------------------------------------------------------------------

VALUE_OF = {
    "craniovertebral_angle_deg": lambda b: craniovertebral_angle_deg(b.points["c7"], b.points["ear"], b.anterior_sign),
    "ear_ahead_of_shoulder_cm": lambda b: horizontal_offset_cm(
        b.points["ear"], b.points["shoulder"], b.anterior_sign, b.cm_per_px
    ),
    "shoulder_ahead_of_plumb_cm": lambda b: offset_from_line_cm(
        b.points["shoulder"], b.points["ankle"], b.points["hip"], b.anterior_sign, b.cm_per_px
    ),
    "trunk_lean_deg": lambda b: lean_from_vertical_deg(b.points["hip"], b.points["shoulder"], b.anterior_sign),
    "knee_ahead_of_ankle_cm": lambda b: horizontal_offset_cm(
        b.points["knee"], b.points["ankle"], b.anterior_sign, b.cm_per_px
    ),
    "shoulder_tilt_deg": lambda b: frontal_tilt_deg(b.points["left_shoulder"], b.points["right_shoulder"], b.left_sign),
    "shoulder_height_diff_cm": lambda b: height_difference_cm(
        b.points["left_shoulder"], b.points["right_shoulder"], b.cm_per_px
    ),
    "pelvic_obliquity_deg": lambda b: frontal_tilt_deg(b.points["left_hip"], b.points["right_hip"], b.left_sign),
    "hip_height_diff_cm": lambda b: height_difference_cm(b.points["left_hip"], b.points["right_hip"], b.cm_per_px),
    "head_tilt_deg": lambda b: frontal_tilt_deg(b.points["left_ear"], b.points["right_ear"], b.left_sign),
    "trunk_lateral_lean_deg": lambda b: lean_from_vertical_deg(b.midpoint("hip"), b.midpoint("shoulder"), b.left_sign),
    "trunk_lateral_shift_cm": lambda b: lateral_shift_cm(
        b.midpoint("hip"), b.midpoint("shoulder"), b.left_sign, b.cm_per_px
    ),
    # The body's midline is toward the subject's right from the left leg, and vice versa.
    "knee_valgus_left_deg": lambda b: knee_valgus_deg(
        b.points["left_hip"], b.points["left_knee"], b.points["left_ankle"], -b.left_sign
    ),
    "knee_valgus_right_deg": lambda b: knee_valgus_deg(
        b.points["right_hip"], b.points["right_knee"], b.points["right_ankle"], b.left_sign
    ),
}


def make_measurement(spec: MeasureSpec, value: float, confidence: float, estimate: bool = False) -> Measurement:
    """A :class:`Measurement` of ``value`` judged against ``spec``."""
    return Measurement(
        spec.key,
        value,
        spec.unit,
        float(np.clip(confidence, 0.0, 1.0)),
        spec.normal,
        status_of(value, spec),
        spec.source,
        spec.definition,
        estimate,
    )


def measure_body(
    body: BodyPoints,
    oblique_turn_deg: float | None = None,
    pelvic_tilt: tuple[float, float] | None = None,
    turn_confidence: float = 1.0,
) -> tuple[dict[str, Measurement], dict[str, str]]:
    """Every measure valid for ``body.view`` (a :class:`posture.anatomy.BodyPoints`).

    Returns (measurements, not_assessed reasons). A measure whose points are not visible enough,
    or any measure of an oblique photo (``oblique_turn_deg`` given), is not assessed, with the reason;
    never guessed.
    ``pelvic_tilt`` is the (value deg, confidence) estimate from :mod:`posture.pelvis`, if any.
    ``turn_confidence`` (0-1) multiplies every confidence: a body turned away from the straight
    view (``views.ViewEstimate.turn_confidence``).
    """
    measured: dict[str, Measurement] = {}
    skipped: dict[str, str] = {}
    scale_confidence = 1.0 if body.height_source == "given" else ASSUMED_HEIGHT_CONFIDENCE
    for key, spec in SPECS.items():
        if body.view not in spec.views:
            continue
        if oblique_turn_deg is not None:
            skipped[key] = OBLIQUE_REASON.format(turn=oblique_turn_deg)
            continue
        weakest = min(spec.points, key=lambda name: body.visibility[name])
        if body.visibility[weakest] < MIN_VISIBILITY:
            skipped[key] = (
                f"the {weakest.replace('_', ' ')} is not visible enough (visibility {body.visibility[weakest]:.2f})"
            )
            continue
        confidence = body.visibility[weakest] * (scale_confidence if spec.unit == "cm" else 1.0) * turn_confidence
        if key == "pelvic_tilt_deg":
            if pelvic_tilt is None:
                skipped[key] = "the body outline around the pelvis could not be read"
                continue
            value, estimate_confidence = pelvic_tilt
            measured[key] = make_measurement(spec, value, confidence * estimate_confidence, estimate=True)
            continue
        if "c7" in spec.points and body.notes.get("c7") != "mask":
            confidence *= 0.6
        measured[key] = make_measurement(
            spec, VALUE_OF[key](body), confidence, estimate=spec.unit == "cm" and body.height_source != "given"
        )
    return measured, skipped
