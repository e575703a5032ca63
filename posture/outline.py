"""The body's outline in a side photo, read off the person's segmentation mask.

MediaPipe places its profile points with errors that depend on the body around them: its ``hip``
sits wherever the thigh's silhouette suggests, so the true hip joint is better found from how far
the point lies from the buttock and from the front of the thigh; its ``shoulder`` follows the
arm's outline rather than the joint. Each point's offset is a linear model on the features of the
body around it (:data:`POINT_FEATURES`), fitted on the 120 subjects of eval-public and checked
held out (grouped 5-fold, ``bench/accuracy.py``, ``docs/accuracy.md``); the sagittal pelvic tilt
is predicted from the trunk's and leg's features (``posture.anatomy``, ``posture.pelvis``).

Every feature is a horizontal or vertical distance in centimetres (+ anterior or + up, in the
subject's frame) measured from MediaPipe's own points, so the features carry no fitted constant.
"""

from __future__ import annotations

import numpy as np

from posture.pose import Pose

# Heights between the shoulder (0) and the hip (1) at which the trunk's outline is read.
TRUNK_LEVELS = (0.0, 0.15, 0.3, 0.5, 0.7, 0.85, 1.0)
# Heights between the hip (0) and the ankle (1) at which the leg's outline is read.
LEG_LEVELS = (0.3, 0.6)
POINT_OFFSETS = ("knee", "shoulder", "ear", "elbow")
# Heights between the ear (0) and the shoulder (1) at which the head's and neck's outline is read.
NECK_LEVELS = (0.0, 0.5)
PROFILE_FEATURES: tuple[str, ...] = (
    *(f"back_{level}" for level in TRUNK_LEVELS),
    *(f"front_{level}" for level in TRUNK_LEVELS),
    *(f"leg_back_{level}" for level in LEG_LEVELS),
    *(f"leg_front_{level}" for level in LEG_LEVELS),
    *(f"neck_back_{level}" for level in NECK_LEVELS),
    *(f"neck_front_{level}" for level in NECK_LEVELS),
    *(f"{name}_ahead_of_leg_line" for name in POINT_OFFSETS),
    "stature",
)


def _named(*groups: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name for group in groups for name in group)


_TRUNK = tuple(f"{edge}_{level}" for edge in ("back", "front") for level in TRUNK_LEVELS)
_HIP_LEVEL = tuple(f"{edge}_{level}" for edge in ("back", "front") for level in TRUNK_LEVELS if level >= 0.85)
_LEG = tuple(f"leg_{edge}_{level}" for edge in ("back", "front") for level in LEG_LEVELS)
_NECK = tuple(f"neck_{edge}_{level}" for edge in ("back", "front") for level in NECK_LEVELS)
# Which features each profile point's offset model may use: only the outline of the body around that
# point and the point's own place, so a point placed badly (or moved by hand) shifts the points near
# it and not the rest of the body. Fitted on all 27 features, the shoulder's and knee's offsets leaned
# on the ear's place (a correlation of the renders' generator, not how MediaPipe errs): on a sample
# photo, moving the ear 41 px moved the shoulder's distance from the plumb line from 5.7 to 1.0 cm.
# The trunk and leg features are read against the hip and ankle points (never the ear), the neck
# features against the ear.
POINT_FEATURES: dict[str, tuple[str, ...]] = {
    # The head and neck outline against the ear, and where the ear is.
    "ear": _named(_NECK, ("ear_ahead_of_leg_line", "stature")),
    # The trunk's outline below the shoulder and the arm hanging from it (MediaPipe's shoulder follows
    # the arm); held out, the upper third of the trunk alone left the plumb distance at 1.13 cm, and
    # the stature made it worse (1.04 / 1.07 cm against 1.03 / 1.05 cm without, ridge penalty 10).
    "shoulder": _named(_TRUNK, ("shoulder_ahead_of_leg_line", "elbow_ahead_of_leg_line")),
    # Buttock, belly and thigh around the hip joint; how far the trunk leans over it.
    "hip": _named(_TRUNK, _LEG, ("shoulder_ahead_of_leg_line", "stature")),
    # The thigh from its top (outline at hip height) down the leg.
    "knee": _named(_HIP_LEVEL, _LEG, ("knee_ahead_of_leg_line", "stature")),
    "ankle": _named(_LEG, ("stature",)),
}
# The pelvic-tilt estimate (posture.pelvis) reads the trunk and the legs around the pelvis; the head,
# the arm and the knee's place say nothing about the pelvis and would make it move with them.
PELVIC_OUTLINE_FEATURES: tuple[str, ...] = _named(_TRUNK, _LEG, ("shoulder_ahead_of_leg_line", "stature"))


def feature_columns(names: tuple[str, ...] | list[str]) -> list[int]:
    """Positions of the named features in :data:`PROFILE_FEATURES`."""
    return [PROFILE_FEATURES.index(name) for name in names]


def posterior_edges_x(pose: Pose, ys_px: np.ndarray, anterior_sign: int) -> np.ndarray:
    """x (px) of the back's outline at each height in ``ys_px`` on the segmentation mask; NaN where
    the row is outside the picture or empty. One array operation: it runs on every side photo.
    With ``-anterior_sign`` it gives the front's outline."""
    edges = np.full(len(ys_px), np.nan)
    if pose.mask is None:
        return edges
    rows = np.round(np.asarray(ys_px, dtype=float) * pose.mask_scale).astype(int)
    inside = (rows >= 0) & (rows < pose.mask.shape[0])
    band = pose.mask[rows[inside]]
    width = band.shape[1]
    first = np.argmax(band, axis=1) if anterior_sign > 0 else width - 1 - np.argmax(band[:, ::-1], axis=1)
    edges[inside] = np.where(band.any(axis=1), first / pose.mask_scale, np.nan)
    return edges


def profile_features(
    pose: Pose,
    shoulder: np.ndarray,
    hip: np.ndarray,
    ankle: np.ndarray,
    others: dict[str, np.ndarray],
    anterior_sign: int,
    cm_per_px: float,
    stature_cm: float,
) -> np.ndarray:
    """The :data:`PROFILE_FEATURES` of one side photo (cm; NaN where the mask has no outline).

    ``shoulder``, ``hip``, ``ankle`` and ``others`` (``knee``, ``ear``, ``elbow``) are MediaPipe's profile
    points in px. ``back_f`` / ``front_f``: how far the back's outline lies behind / the front's
    outline ahead of the hip point, at fraction ``f`` of the way from the shoulder's height down
    to the hip's; ``leg_back_f`` / ``leg_front_f``: the same for the leg against the ankle point,
    at fraction ``f`` from the hip down to the ankle; ``neck_back_f`` / ``neck_front_f``: the same
    for the head and neck against the ear point, at fraction ``f`` from the ear down to the
    shoulder; ``<point>_ahead_of_leg_line``: each point ahead of the line through ankle and hip
    (square to it, so a rolled camera leaves it alone); ``stature``: the person's height.
    """
    trunk_ys = shoulder[1] + np.array(TRUNK_LEVELS) * (hip[1] - shoulder[1])
    leg_ys = hip[1] + np.array(LEG_LEVELS) * (ankle[1] - hip[1])
    ear = others["ear"]
    neck_ys = ear[1] + np.array(NECK_LEVELS) * (shoulder[1] - ear[1])
    ahead = anterior_sign * cm_per_px
    others = {"shoulder": shoulder, **others}
    # Unit vector square to the ankle -> hip line, pointing forward: distances from that line are the
    # posture itself and do not change when the camera is rolled, unlike distances along the picture's x.
    up_leg = (hip - ankle) / max(float(np.linalg.norm(hip - ankle)), 1e-9)
    forward = np.array([-up_leg[1], up_leg[0]]) * anterior_sign
    return np.concatenate(
        [
            (hip[0] - posterior_edges_x(pose, trunk_ys, anterior_sign)) * ahead,
            (posterior_edges_x(pose, trunk_ys, -anterior_sign) - hip[0]) * ahead,
            (ankle[0] - posterior_edges_x(pose, leg_ys, anterior_sign)) * ahead,
            (posterior_edges_x(pose, leg_ys, -anterior_sign) - ankle[0]) * ahead,
            (ear[0] - posterior_edges_x(pose, neck_ys, anterior_sign)) * ahead,
            (posterior_edges_x(pose, neck_ys, -anterior_sign) - ear[0]) * ahead,
            [float(np.dot(others[name] - ankle, forward)) * cm_per_px for name in POINT_OFFSETS],
            [stature_cm],
        ]
    )


def standardised(features: np.ndarray, mean: list[float], scale: list[float]) -> np.ndarray:
    """(features - mean) / scale, with a missing feature (NaN) at its mean (0): a model fitted on
    standardised features then falls back to its intercept for whatever the photo cannot show."""
    z = (features - np.asarray(mean)) / np.asarray(scale)
    return np.where(np.isnan(z), 0.0, z)
