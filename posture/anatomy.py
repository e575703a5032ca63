"""From MediaPipe's landmarks to the clinical points the measures are defined on.

MediaPipe's points are not the clinical ones. Measured on the rendered ground-truth set
(``eval-public``), in profile its ``ear`` sits ~2.3 cm ahead of the ear point (tragus) used by
the craniovertebral angle, its ``shoulder`` is the contour point 3 cm above and ~1.5 cm behind
the gleno-humeral joint centre, its ``hip`` ~1.7 cm ahead of and above the hip joint centre; in
front/back views its knee sits ~2 cm low. There is no C7 at all. So each clinical point is
estimated as:

* a MediaPipe point plus an offset in body-scaled centimetres, expressed in the subject's frame
  (anterior/up in profile, outward/up in front/back views), one per view and landmark: MediaPipe
  is not mirror-symmetric (its left knee in a front view sits ~1.5 deg further "in" than its right),
  so a left and a right profile, a front and a back view each get their own means over all
  subjects (never per-image constants); in profiles the offset also follows the body's outline
  around the point (a linear model on ``posture.outline`` features: the hip joint, for one, sits
  at a steadier distance from the buttock than from MediaPipe's hip);
* C7 (spinous process, a skin point on the back): on the posterior edge of the person's
  segmentation mask, at a height predicted from the deepest point of the neck's concavity and the
  ear-to-shoulder height (linear model); without a mask, from the shoulder point and a mean offset,
  at lower confidence.

The coefficients live in ``corrections.json`` next to this file, written by
``bench/fit_corrections.py`` from a folder in the eval-public format; ``bench/accuracy.py`` checks
them on subjects they were not fitted on (grouped 5-fold over subjects).

Scale: centimetres per pixel = stature / (floor - crown) in pixels, times a per-view factor
fitted on the same set (perspective makes the feet look lower in back views, for example).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from posture.gates import person_height_px
from posture.measures import SIDE_VIEWS
from posture.outline import feature_columns, posterior_edges_x, profile_features, standardised
from posture.pose import Pose

CORRECTIONS_PATH = Path(__file__).resolve().parent / "corrections.json"
# Average adult stature (both sexes, world average of NCD-RisC 2016 is ~171/159 cm): used when
# the person gives no height; every centimetre then carries the flag and a lower confidence.
ASSUMED_STATURE_CM = 170.0
SIDE_POINTS = ("ear", "eye", "shoulder", "hip", "knee", "ankle", "heel")
FRONT_POINTS = ("ear", "eye", "shoulder", "hip", "knee", "ankle")
# How far above and below the shoulder the neck contour is searched for C7 (cm).
NECK_SEARCH_BELOW_SHOULDER_CM = 8.0


@dataclass(frozen=True)
class Corrections:
    """Fitted offsets and models (see module docstring); all lengths in centimetres."""

    # view -> point -> (anterior or outward, up); profile points are "ear", front/back "left_ear".
    offsets_cm: dict[str, dict[str, tuple[float, float]]]
    c7_row_coef: tuple[float, float, float]  # C7 height over shoulder = a + b*neck_depth + c*ear_height
    c7_edge_offset_cm: float  # anterior shift of C7 from the mask's posterior edge
    c7_fallback_offset_cm: tuple[float, float]  # C7 from the shoulder without a mask (anterior, up)
    scale_factor: dict[str, float]  # per view
    pelvic_tilt: dict[str, Any]  # model of the pelvic-tilt estimate, see posture.pelvis
    # Profiles: view -> {"mean", "scale": of the posture.outline features; "coef": point ->
    # {"features": the names it reads, "forward", "up": their coefficients}}: how each point's offset
    # moves with the outline around it.
    offset_models: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def identity(cls) -> Corrections:
        """No correction at all: raw MediaPipe points (the naive baseline of the benchmark)."""
        return cls({}, (0.0, 0.0, 0.0), 0.0, (0.0, 0.0), {}, {})

    def to_dict(self) -> dict[str, Any]:
        return {
            "offsets_cm": self.offsets_cm,
            "c7_row_coef": list(self.c7_row_coef),
            "c7_edge_offset_cm": self.c7_edge_offset_cm,
            "c7_fallback_offset_cm": list(self.c7_fallback_offset_cm),
            "scale_factor": self.scale_factor,
            "pelvic_tilt": self.pelvic_tilt,
            "offset_models": self.offset_models,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Corrections:
        return cls(
            {view: {k: tuple(v) for k, v in points.items()} for view, points in data["offsets_cm"].items()},
            tuple(data["c7_row_coef"]),
            float(data["c7_edge_offset_cm"]),
            tuple(data["c7_fallback_offset_cm"]),
            dict(data["scale_factor"]),
            dict(data["pelvic_tilt"]),
            dict(data.get("offset_models", {})),
        )


@cache
def default_corrections() -> Corrections:
    return Corrections.from_dict(json.loads(CORRECTIONS_PATH.read_text()))


@dataclass(frozen=True)
class BodyPoints:
    """Clinical points of one photo in full-resolution pixels, with how they were obtained.

    Side views hold the near side only (``ear``, ``c7``, ``shoulder``, ``hip``, ``knee``,
    ``ankle``); front/back views hold ``left_*`` and ``right_*`` (the subject's sides).
    ``anterior_sign`` is +1 when the subject faces image-right, -1 image-left (profiles only);
    ``left_sign`` is +1 when the subject's left is image-right (front view), -1 (back view).
    ``visibility`` is MediaPipe's visibility of the landmark behind each point (0-1).
    """

    view: str
    cm_per_px: float
    height_cm: float
    height_source: str
    points: dict[str, np.ndarray]
    visibility: dict[str, float]
    notes: dict[str, str]
    anterior_sign: int = 0
    left_sign: int = 0
    outline_cm: np.ndarray | None = None  # profiles: the posture.outline features the offsets came from

    def midpoint(self, name: str) -> np.ndarray:
        """Halfway between the ``left_`` and ``right_`` clinical points ``name`` (front/back views)."""
        return np.asarray((self.points[f"left_{name}"] + self.points[f"right_{name}"]) / 2.0)


def cm_per_px(pose: Pose, view: str, height_cm: float, corrections: Corrections) -> float:
    """Centimetres per pixel at the body's depth, from the stature and the crown-to-floor pixels."""
    return height_cm / person_height_px(pose) * corrections.scale_factor.get(view, 1.0)


def near_side(view: str) -> str:
    """The subject's side facing the camera in a profile: the left side in a left profile."""
    return "left" if view == "left" else "right"


# In a profile both hip joints project onto nearly the same spot, and MediaPipe places each with
# independent error: their midpoint is steadier than the near hip alone (trunk lean error on the
# ground-truth set: 1.1 -> 0.8 deg in left profiles, 1.6 -> 1.2 deg in right ones). Shoulders are
# not averaged: the far one is hidden and a rounded shoulder need not be mirrored by the other.
PROFILE_MIDPOINTS = ("hip",)


def profile_landmark(pose: Pose, view: str, name: str) -> np.ndarray:
    """The MediaPipe point (px) a profile's clinical ``name`` point is built from."""
    if name in PROFILE_MIDPOINTS:
        return pose.midpoint(name)
    return pose.point(f"{near_side(view)}_{name}")


def profile_outline_features(pose: Pose, view: str, forward: int, scale: float, stature_cm: float) -> np.ndarray:
    """The outline features (:data:`posture.outline.PROFILE_FEATURES`) of a profile, around MediaPipe's points."""
    raw = {name: profile_landmark(pose, view, name) for name in ("shoulder", "hip", "ankle", "knee", "ear", "elbow")}
    others = {name: raw[name] for name in ("knee", "ear", "elbow")}
    return profile_features(pose, raw["shoulder"], raw["hip"], raw["ankle"], others, forward, scale, stature_cm)


def profile_offsets_cm(features: np.ndarray, view: str, corrections: Corrections) -> dict[str, tuple[float, float]]:
    """(forward, up) cm from each MediaPipe profile point to its clinical point for this photo: the
    view's mean offset plus what the outline around that point says (``Corrections.offset_models``;
    each point's model reads only its own features, :data:`posture.outline.POINT_FEATURES`)."""
    offsets = {name: corrections.offsets_cm.get(view, {}).get(name, (0.0, 0.0)) for name in SIDE_POINTS}
    model = corrections.offset_models.get(view)
    if not model:
        return offsets
    z = standardised(features, model["mean"], model["scale"])
    for name, fit in model["coef"].items():
        local = z[feature_columns(fit["features"])]
        ahead, up = offsets[name]
        offsets[name] = (ahead + float(np.dot(fit["forward"], local)), up + float(np.dot(fit["up"], local)))
    return offsets


def facing_sign(pose: Pose) -> int:
    """+1 when the subject faces image-right, -1 image-left, from the nose against the ears."""
    return 1 if pose.point("nose")[0] > pose.midpoint("ear")[0] else -1


def _shift(point: np.ndarray, forward_cm: float, up_cm: float, forward_sign: int, scale: float) -> np.ndarray:
    return np.asarray(point + np.array([forward_cm * forward_sign / scale, -up_cm / scale]))


def posterior_edge_x(pose: Pose, y_px: float, anterior_sign: int) -> float | None:
    """x (px) of the back's outline at height ``y_px`` on the segmentation mask, or None."""
    edge = posterior_edges_x(pose, np.array([y_px]), anterior_sign)[0]
    return None if np.isnan(edge) else float(edge)


def neck_concavity_depth_cm(
    pose: Pose, ear: np.ndarray, shoulder: np.ndarray, anterior_sign: int, scale: float
) -> float | None:
    """Height (cm, relative to the MediaPipe shoulder, + up) of the neck's deepest point on the back outline.

    The back's outline between ear level and a little below the shoulder dips forward at the neck
    and bulges back over the upper thoracic spine; C7 sits just below the deepest point of the dip.
    """
    top, bottom = ear[1], shoulder[1] + NECK_SEARCH_BELOW_SHOULDER_CM / scale
    rows = np.arange(int(top), int(bottom) + 1)
    edges = posterior_edges_x(pose, rows, anterior_sign)
    found = ~np.isnan(edges)
    if found.sum() < 5:
        return None
    ys, xs = rows[found].astype(float), edges[found]
    backwardness = -xs * anterior_sign
    chord = backwardness[0] + (backwardness[-1] - backwardness[0]) * (ys - ys[0]) / (ys[-1] - ys[0])
    deepest = ys[int(np.argmax(chord - backwardness))]
    return float((shoulder[1] - deepest) * scale)


def estimate_c7(
    pose: Pose, ear_mp: np.ndarray, shoulder_mp: np.ndarray, anterior_sign: int, scale: float, corrections: Corrections
) -> tuple[np.ndarray, str]:
    """C7 spinous process (px) and how it was found."""
    depth = neck_concavity_depth_cm(pose, ear_mp, shoulder_mp, anterior_sign, scale)
    if depth is not None:
        a, b, c = corrections.c7_row_coef
        ear_height_cm = (shoulder_mp[1] - ear_mp[1]) * scale
        y = shoulder_mp[1] - (a + b * depth + c * ear_height_cm) / scale
        edge = posterior_edge_x(pose, y, anterior_sign)
        if edge is not None:
            return np.array([edge + corrections.c7_edge_offset_cm * anterior_sign / scale, y]), "mask"
    forward, up = corrections.c7_fallback_offset_cm
    return _shift(shoulder_mp, forward, up, anterior_sign, scale), "shoulder offset"


def left_sign_of(view: str) -> int:
    """+1 when the subject's left is on image right (front view), -1 (back view)."""
    return 1 if view == "front" else -1


def body_points(pose: Pose, view: str, height_cm: float | None, corrections: Corrections | None = None) -> BodyPoints:
    """Clinical points for ``view`` with the corrections applied (default: the fitted ones)."""
    corrections = corrections or default_corrections()
    stature = height_cm if height_cm else ASSUMED_STATURE_CM
    source = "given" if height_cm else "assumed"
    scale = cm_per_px(pose, view, stature, corrections)
    points, visibility, notes = {}, {}, {}
    if view in SIDE_VIEWS:
        side = near_side(view)
        forward = facing_sign(pose)
        outline = profile_outline_features(pose, view, forward, scale, stature)
        offsets = profile_offsets_cm(outline, view, corrections)
        for name in SIDE_POINTS:
            ahead, up = offsets[name]
            points[name] = _shift(profile_landmark(pose, view, name), ahead, up, forward, scale)
            visibility[name] = pose.vis(f"{side}_{name}")
        points["c7"], notes["c7"] = estimate_c7(
            pose, pose.point(f"{side}_ear"), pose.point(f"{side}_shoulder"), forward, scale, corrections
        )
        visibility["c7"] = min(visibility["shoulder"], visibility["ear"])
        return BodyPoints(
            view, scale, stature, source, points, visibility, notes, anterior_sign=forward, outline_cm=outline
        )
    left_sign = left_sign_of(view)
    for side, outward in (("left", left_sign), ("right", -left_sign)):
        for name in FRONT_POINTS:
            out, up = corrections.offsets_cm.get(view, {}).get(f"{side}_{name}", (0.0, 0.0))
            points[f"{side}_{name}"] = _shift(pose.point(f"{side}_{name}"), out, up, outward, scale)
            visibility[f"{side}_{name}"] = pose.vis(f"{side}_{name}")
    return BodyPoints(view, scale, stature, source, points, visibility, notes, left_sign=left_sign)
