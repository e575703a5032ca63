"""Posture measures: what each measure key means (spec, unit, normal range, source), its typical
error, and how a value is judged. The angle and distance functions are in :mod:`posture.geometry`;
:func:`posture.measuring.measure_body` measures one body with them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

STATUSES = ("normal", "borderline", "deviation")
# What a sided measure says instead of a side when its value is within its typical error of zero.
NO_CLEAR_SIDE = "about level: no clear side (within the typical error)"


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
    ``sides``: what the sign says, in words (when +, when -), for the measures whose sign names a side.
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
    sides: tuple[str, str] | None = None

    def side_text(self, value: float, decimals: int = 1, error: float | None = None) -> str | None:
        """Which side ``value`` points to ("left shoulder higher"); None without ``sides`` or for a value that
        prints as zero. Within ``error`` (the value's typical error) of zero it is :data:`NO_CLEAR_SIDE`: a side
        named there would be as likely the measurement's error as the body's."""
        if self.sides is None or round(value, decimals) == 0:
            return None
        if error is not None and abs(value) <= error:
            return NO_CLEAR_SIDE
        return self.sides[0] if value > 0 else self.sides[1]

    @property
    def limits(self) -> tuple[float | None, ...]:
        """Where the status changes: the ends of the normal and the borderline range."""
        return (*self.normal, *self.borderline)


# The four views a photo can be (the one place they are spelled out; posture.views classifies them).
VIEWS = ("front", "back", "left", "right")
SIDE_VIEWS = ("left", "right")
FRONTAL_VIEWS = ("front", "back")
# Angles taken against the picture's horizontal or vertical take on any roll of the camera one to
# one (measured: 0.88-1.07 deg per degree, tests/test_analysis.py); the person should know.
CAMERA_LEVEL_NOTE = " Read against the picture's level: a camera held 1° off level changes it by about 1°."
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
            "Preece 2008 (13 ± 5°)",
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
            "engineering default (>= 2°)",
            "Right-to-left shoulder joint line against horizontal, + when the left is higher." + CAMERA_LEVEL_NOTE,
            ("left_shoulder", "right_shoulder"),
            sides=("left shoulder higher", "right shoulder higher"),
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
            sides=("left shoulder higher", "right shoulder higher"),
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
            sides=("left hip higher", "right hip higher"),
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
            sides=("left hip higher", "right hip higher"),
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
            sides=("left ear higher", "right ear higher"),
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
            sides=("trunk leans to the left", "trunk leans to the right"),
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
            sides=("shoulders shifted to the left", "shoulders shifted to the right"),
        ),
        MeasureSpec(
            "knee_valgus_left_deg",
            "deg",
            FRONTAL_VIEWS,
            (-5, 5),
            (-8, 8),
            "Munro 2012 (SEM ~3°)",
            "Frontal angle between left thigh and shank, + when the knee sits inside the hip-ankle line.",
            ("left_hip", "left_knee", "left_ankle"),
            sides=("knee inward", "knee outward"),
        ),
        MeasureSpec(
            "knee_valgus_right_deg",
            "deg",
            FRONTAL_VIEWS,
            (-5, 5),
            (-8, 8),
            "Munro 2012 (SEM ~3°)",
            "Frontal angle between right thigh and shank, + when the knee sits inside the hip-ankle line.",
            ("right_hip", "right_knee", "right_ankle"),
            sides=("knee inward", "knee outward"),
        ),
    )
}
# Each measure's typical error in its own unit, as the accuracy benchmark measured it on photos of
# people the corrections were not fitted on (written by bench/accuracy.py --typical-errors): the largest
# over the views, for when the view is not known.
TYPICAL_ERRORS_PATH = Path(__file__).resolve().parent / "typical_errors.json"
# The same benchmark per view (bench/accuracy.py --view-errors), and per combination of views; the
# person-level values (posture.assessment.view_weights) weigh the views with it.
VIEW_ERRORS_PATH = Path(__file__).resolve().parent / "view_errors.json"


@cache
def _typical_errors() -> dict[str, float]:
    errors: dict[str, float] = json.loads(TYPICAL_ERRORS_PATH.read_text())["typical_error"]
    return errors


@cache
def _per_view_errors() -> dict[str, dict[str, float]]:
    errors: dict[str, dict[str, float]] = json.loads(VIEW_ERRORS_PATH.read_text())["per_view"]
    return errors


def typical_error(key: str, view: str | None = None) -> float | None:
    """The typical error (mean absolute error, in the measure's unit) measured for ``key``, None if unmeasured.

    With ``view`` it is the error of one photo in that view, so a photo's card and the person-level value
    of that one photo say the same; without it (or for a view not benchmarked) the largest over the views.
    It comes from rendered people with known posture (docs/accuracy.md): a guide to how far one value
    can be off, not a guarantee for a real photo."""
    per_view = _per_view_errors().get(key, {}).get(str(view)) if view is not None else None
    return per_view or _typical_errors().get(key)


def status_of(value: float, spec: MeasureSpec) -> str:
    """normal inside ``spec.normal``, borderline inside ``spec.borderline``, deviation beyond."""

    def inside(bounds: tuple[float | None, float | None]) -> bool:
        low, high = bounds
        return (low is None or value >= low) and (high is None or value <= high)

    return "normal" if inside(spec.normal) else "borderline" if inside(spec.borderline) else "deviation"


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
