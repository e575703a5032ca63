"""Which side of the subject faces the camera (front, back, left or right profile) and how far the body is turned.

The view comes from MediaPipe's metric world landmarks: the left-minus-right vector of the
shoulders and hips, seen from above, gives the body's yaw relative to the camera
(0 deg = front, +90 deg = left profile, 180 deg = back, -90 deg = right profile). That is robust
to clothing and lighting and separates front from back, which 2D widths alone cannot.

Whether the photo can be measured at all is for the quality gates (:mod:`posture.gates`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from posture.errors import PostureError
from posture.measures import VIEWS
from posture.pose import INDEX, Pose

CANONICAL_YAW_DEG = {"front": 0.0, "left": 90.0, "back": 180.0, "right": -90.0}
# Turned more than this from the nearest straight view: the "about 30-60 deg" oblique
# band starts here; the nearest straight view is never more than 45 deg away.
OBLIQUE_FROM_DEG = 25.0
# Turned more than this (but not oblique): every measure is kept, with a warning and its confidence
# lowered linearly to TURNED_CONFIDENCE_AT_OBLIQUE at the oblique limit. A turn moves each point by
# its sideways distance from the body's axis x sin(turn), and perspective lifts or drops the nearer
# side: at 15 deg the near shoulder shifts ~2.2 cm against the hip-ankle line in a profile, and a
# face-on shoulder height difference gains ~1.4 cm (eval-public bodies projected from 3 m, camera
# at hip height), both near the thresholds the findings use. The estimated turn is itself off by
# up to ~10 deg (largest on the 80 renders, whose true turn is at most 4 deg: front 3.6, back 9.4,
# left 6.8, right 7.4 on the mirrored pass that measures right profiles, 14.5 on the first), so
# 15 deg keeps well-taken photos clear of the warning.
TURNED_FROM_DEG = 15.0
TURNED_CONFIDENCE_AT_OBLIQUE = 0.5
# A forced view further than this from what the photo shows is refused as unsupported_view.
FORCED_VIEW_TOLERANCE_DEG = 60.0


@dataclass(frozen=True)
class ViewEstimate:
    """The subject's side facing the camera, how sure that is (0-1) and the body yaw in degrees, from
    which the turn away from the straight view and its obliqueness follow."""

    view: str
    confidence: float
    yaw_deg: float
    forced: bool = False

    @property
    def turn_deg(self) -> float:
        """Degrees between the body's yaw and the straight ``view``."""
        return _angle_between(self.yaw_deg, CANONICAL_YAW_DEG[self.view])

    @property
    def oblique(self) -> bool:
        """Turned too far from the straight ``view`` for any measure."""
        return self.turn_deg > OBLIQUE_FROM_DEG

    @property
    def turn_confidence(self) -> float:
        """Factor (0.5-1) on every measure's confidence for a body turned away from the straight view."""
        share = np.clip((self.turn_deg - TURNED_FROM_DEG) / (OBLIQUE_FROM_DEG - TURNED_FROM_DEG), 0.0, 1.0)
        return float(1.0 - (1.0 - TURNED_CONFIDENCE_AT_OBLIQUE) * share)


@dataclass(frozen=True)
class Warning_:
    """A non-fatal remark on a photo, with a stable ``code`` and a message for the person."""

    code: str
    message: str


def body_yaw_deg(pose: Pose) -> float:
    """Yaw of the body in degrees: 0 front, 90 left profile, +-180 back, -90 right profile."""
    return float(world_yaw_deg(pose.world_m))


def world_yaw_deg(world_m: np.ndarray) -> np.ndarray:
    """:func:`body_yaw_deg` of world landmarks shaped (..., 33, 3): one yaw (deg) per pose."""
    across = (
        world_m[..., INDEX["left_shoulder"], :]
        - world_m[..., INDEX["right_shoulder"], :]
        + world_m[..., INDEX["left_hip"], :]
        - world_m[..., INDEX["right_hip"], :]
    )
    # World x grows to image right, z grows away from the camera: a near left side has z < 0.
    return np.asarray(np.degrees(np.arctan2(-across[..., 2], across[..., 0])))


def _angle_between(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def estimate_view(pose: Pose, forced: str | None = None) -> ViewEstimate:
    """Classify the view from the body yaw; ``forced`` overrides it unless it contradicts the photo."""
    return view_from_yaw(body_yaw_deg(pose), forced)


def view_from_yaw(yaw: float, forced: str | None = None, medium: str = "photo") -> ViewEstimate:
    """Classify the view from a body yaw (deg); ``forced`` overrides it unless it contradicts the
    ``medium`` ("photo", "clip") the yaw was read from."""
    distances = {view: _angle_between(yaw, angle) for view, angle in CANONICAL_YAW_DEG.items()}
    nearest = min(distances, key=lambda view: distances[view])
    # Near 1 up to ~20 deg off a straight view (camera and stance jitter), 0.5 at 32 deg, near 0 at the
    # 45 deg boundary where the photo is as much one view as the next.
    confidence = float(1.0 / (1.0 + np.exp((distances[nearest] - 32.0) / 4.0)))
    if forced is None or forced == "auto":
        return ViewEstimate(nearest, round(confidence, 2), round(yaw, 1))
    if forced not in VIEWS:
        raise ValueError(f"unknown view {forced!r}: choose one of auto, {', '.join(VIEWS)}")
    if distances[forced] > FORCED_VIEW_TOLERANCE_DEG:
        raise PostureError(
            "unsupported_view",
            f"This {medium} looks like a {describe_view(nearest)}, not a {describe_view(forced)}. "
            f"Choose the view that matches the {medium}, or leave it on automatic.",
        )
    return ViewEstimate(forced, 1.0, round(yaw, 1), forced=True)


def turned_estimate(estimate: ViewEstimate, yaw_deg: float) -> ViewEstimate:
    """``estimate`` with the body yaw (and so its turn and obliqueness) read again, e.g. from a better pass."""
    return dataclasses.replace(estimate, yaw_deg=round(yaw_deg, 1))


def describe_view(view: str) -> str:
    return {"front": "front view", "back": "back view", "left": "left-side profile", "right": "right-side profile"}[
        view
    ]
