"""Drawing of an analysed photo: landmarks, plumb line and each measure where it was measured.

Kept apart from the computation: :func:`overlay_shapes` turns a :class:`MeasuredPhoto` into
plain shapes (lines, points, labels) in full-resolution pixels, one layer each; :func:`draw`
renders chosen layers on the photo. Colours follow each measure's status.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import ImageFont

from posture.geometry import line_x_at
from posture.imaging import Photo
from posture.label_layout import (
    Label,
    PlacedLabel,
    Point,
    draw_labels,
    fitted_labels,
    label_font,
    label_text_px,
    with_caption_band,
)
from posture.measures import SPECS, Measurement
from posture.photo_result import MeasuredPhoto, PhotoResult, RefusedPhoto
from posture.pose import INDEX, Pose
from posture.vocabulary import Status
from posture.wording import format_value, short_name

LAYERS = ("skeleton", "plumb", "measures", "labels")
STATUS_RGB = {Status.NORMAL: (40, 170, 80), Status.BORDERLINE: (235, 160, 20), Status.DEVIATION: (220, 50, 50)}
SKELETON_RGB = (80, 160, 255)
PLUMB_RGB = (250, 250, 250)
HIGHLIGHT_RGB = (255, 235, 0)
SKELETON = (
    ("left_shoulder", "right_shoulder"),
    ("left_shoulder", "left_elbow"),
    ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"),
    ("right_elbow", "right_wrist"),
    ("left_shoulder", "left_hip"),
    ("right_shoulder", "right_hip"),
    ("left_hip", "right_hip"),
    ("left_hip", "left_knee"),
    ("left_knee", "left_ankle"),
    ("right_hip", "right_knee"),
    ("right_knee", "right_ankle"),
    ("left_ankle", "left_heel"),
    ("left_heel", "left_foot_index"),
    ("right_ankle", "right_heel"),
    ("right_heel", "right_foot_index"),
    ("left_ear", "left_eye"),
    ("right_ear", "right_eye"),
    ("left_eye", "nose"),
    ("right_eye", "nose"),
)
# Centimetre twins of the frontal angles: labelled beside the line their angle draws.
FRONTAL_DISTANCES = {
    "shoulder_height_diff_cm": "shoulder",
    "hip_height_diff_cm": "hip",
    "trunk_lateral_shift_cm": "hip",
}


@dataclass(frozen=True)
class Shape:
    """One drawable thing in full-resolution pixels: a polyline (2+ points), a dot (1 point), or a
    label (1 point and ``text``)."""

    layer: str
    points: tuple[tuple[float, float], ...]
    rgb: tuple[int, int, int]
    text: str = ""
    dashed: bool = False


def _xy(point: np.ndarray) -> tuple[float, float]:
    return float(point[0]), float(point[1])


def _label(measure: Measurement, position: np.ndarray) -> Shape:
    """A label for ``measure`` tied to the point where it was measured (placed beside the body when drawn)."""
    text = f"{short_name(measure.key)} {format_value(measure.value, measure.unit, signed=SPECS[measure.key].signed)}"
    return Shape("labels", (_xy(position),), STATUS_RGB[Status(measure.status)], text)


def _side_shapes(analysis: MeasuredPhoto) -> list[Shape]:
    body, shapes = analysis.body, list[Shape]()
    if body is None:  # a result rebuilt without its clinical points has nothing to draw from
        return shapes
    p, forward, scale = body.points, body.anterior_sign, body.cm_per_px
    top_y = min(p["ear"][1], p["c7"][1]) - 15 / scale
    shapes.append(Shape("plumb", (_xy(p["ankle"]), (p["ankle"][0], top_y)), PLUMB_RGB, dashed=True))
    reach = 12 / scale
    for key, measure in analysis.measurements.items():
        rgb = STATUS_RGB[Status(measure.status)]
        if key == "craniovertebral_angle_deg":
            shapes.append(Shape("measures", (_xy(p["c7"]), _xy(p["ear"])), rgb))
            horizontal = (p["c7"][0] + forward * reach, p["c7"][1])
            shapes.append(Shape("measures", (_xy(p["c7"]), horizontal), rgb, dashed=True))
            shapes.append(_label(measure, p["ear"] + [forward * 2 / scale, -3 / scale]))
        elif key == "ear_ahead_of_shoulder_cm":
            shapes.append(Shape("measures", (_xy(p["shoulder"]), (p["shoulder"][0], p["ear"][1])), rgb, dashed=True))
            shapes.append(Shape("measures", ((p["shoulder"][0], p["ear"][1]), _xy(p["ear"])), rgb))
            shapes.append(_label(measure, p["ear"] + [forward * 2 / scale, 4 / scale]))
        elif key == "shoulder_ahead_of_plumb_cm":
            ankle, hip, shoulder = p["ankle"], p["hip"], p["shoulder"]
            line_x = line_x_at(ankle, hip, shoulder[1])
            shapes.append(Shape("measures", (_xy(ankle), (line_x, shoulder[1])), rgb, dashed=True))
            shapes.append(Shape("measures", ((line_x, shoulder[1]), _xy(shoulder)), rgb))
            shapes.append(_label(measure, shoulder + np.array([forward * 4 / scale, 0.0])))
        elif key == "trunk_lean_deg":
            shapes.append(Shape("measures", (_xy(p["hip"]), _xy(p["shoulder"])), rgb))
            shapes.append(Shape("measures", (_xy(p["hip"]), (p["hip"][0], p["shoulder"][1])), rgb, dashed=True))
            shapes.append(_label(measure, (p["hip"] + p["shoulder"]) / 2 + [-forward * 14 / scale, 0]))
        elif key == "pelvic_tilt_deg":
            shapes.append(_label(measure, p["hip"] + [-forward * 14 / scale, 6 / scale]))
        elif key == "knee_ahead_of_ankle_cm":
            shapes.append(Shape("measures", ((p["ankle"][0], p["knee"][1]), _xy(p["knee"])), rgb))
            shapes.append(_label(measure, p["knee"] + [forward * 4 / scale, 0]))
    return shapes


def _frontal_shapes(analysis: MeasuredPhoto) -> list[Shape]:
    body, shapes = analysis.body, list[Shape]()
    if body is None:  # a result rebuilt without its clinical points has nothing to draw from
        return shapes
    p, scale = body.points, body.cm_per_px
    ankles = body.midpoint("ankle")
    top_y = min(p["left_ear"][1], p["right_ear"][1]) - 20 / scale
    shapes.append(Shape("plumb", (_xy(ankles), (ankles[0], top_y)), PLUMB_RGB, dashed=True))
    pairs = {"shoulder_tilt_deg": "shoulder", "pelvic_obliquity_deg": "hip", "head_tilt_deg": "ear"}
    for key, measure in analysis.measurements.items():
        rgb = STATUS_RGB[Status(measure.status)]
        if key in pairs:
            left, right = p[f"left_{pairs[key]}"], p[f"right_{pairs[key]}"]
            outer = max(left[0], right[0]) + 6 / scale
            shapes.append(Shape("measures", (_xy(left), _xy(right)), rgb))
            lowest = left if left[1] > right[1] else right
            shapes.append(
                Shape("measures", ((min(left[0], right[0]), lowest[1]), (outer, lowest[1])), rgb, dashed=True)
            )
            shapes.append(_label(measure, np.array([outer + 2 / scale, lowest[1]])))
        elif key in FRONTAL_DISTANCES:
            point = body.midpoint(FRONTAL_DISTANCES[key])
            shapes.append(_label(measure, point))
        elif key == "trunk_lateral_lean_deg":
            hips, shoulders = body.midpoint("hip"), body.midpoint("shoulder")
            shapes.append(Shape("measures", (_xy(hips), _xy(shoulders)), rgb))
            shapes.append(_label(measure, (hips + shoulders) / 2 + [3 / scale, 0]))
        elif key.startswith("knee_valgus_"):
            side = "left" if "left" in key else "right"
            leg = (p[f"{side}_hip"], p[f"{side}_knee"], p[f"{side}_ankle"])
            shapes.append(Shape("measures", tuple(_xy(point) for point in leg), rgb))
            shapes.append(_label(measure, p[f"{side}_knee"] + [3 / scale, 0]))
    return shapes


def skeleton_shapes(pose: Pose) -> list[Shape]:
    """The bones and points of ``pose`` the model saw (visibility at least 0.5)."""
    shapes = [
        Shape("skeleton", (_xy(pose.xy_px[INDEX[a]]), _xy(pose.xy_px[INDEX[b]])), SKELETON_RGB)
        for a, b in SKELETON
        if min(pose.vis(a), pose.vis(b)) >= 0.5
    ]
    shapes += [
        Shape("skeleton", (_xy(point),), SKELETON_RGB)
        for point, v in zip(pose.xy_px, pose.visibility, strict=True)
        if v >= 0.5
    ]
    return shapes


def overlay_shapes(analysis: PhotoResult) -> list[Shape]:
    """Everything to draw for a measured photo (nothing for a refused one: see :func:`draw_refusal`)."""
    if not isinstance(analysis, MeasuredPhoto) or analysis.pose is None or analysis.body is None:
        return []
    shapes = skeleton_shapes(analysis.pose)
    shapes += _side_shapes(analysis) if analysis.body.anterior_sign else _frontal_shapes(analysis)
    return shapes


def _pixel(point: Point | np.ndarray) -> tuple[int, int]:
    return round(float(point[0])), round(float(point[1]))


def _dashed(
    image: np.ndarray, start: Point, end: Point, rgb: tuple[int, int, int], thickness: int, dash_px: int
) -> None:
    start_xy, end_xy = np.array(start, float), np.array(end, float)
    length = np.linalg.norm(end_xy - start_xy)
    for offset in np.arange(0, length, 2 * dash_px):
        a = start_xy + (end_xy - start_xy) * offset / length
        b = start_xy + (end_xy - start_xy) * min(offset + dash_px, length) / length
        cv2.line(image, _pixel(a), _pixel(b), rgb, thickness, cv2.LINE_AA)


def downscaled(rgb: np.ndarray, max_side_px: int | None) -> np.ndarray:
    """``rgb`` shrunk (area average) so its long side is at most ``max_side_px``; unchanged if it fits."""
    if not max_side_px or max(rgb.shape[:2]) <= max_side_px:
        return rgb
    factor = max_side_px / max(rgb.shape[:2])
    return cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)


# A photo smaller than this (long side, px) is enlarged to it before drawing: labels on a 512 px photo shown
# at its own size were 6-10 px tall, unreadable; the picture itself gains nothing and loses nothing.
MIN_DRAWN_SIDE_PX = 800


def _canvas(photo: Photo, max_side_px: int | None) -> tuple[np.ndarray, float]:
    """A copy of the photo to draw on, downscaled to ``max_side_px`` (or enlarged to :data:`MIN_DRAWN_SIDE_PX`
    within it), and its px per full-resolution px."""
    long_side = max(photo.rgb.shape[:2])
    target = MIN_DRAWN_SIDE_PX if max_side_px is None else min(MIN_DRAWN_SIDE_PX, max_side_px)
    if long_side < target:
        factor = target / long_side
        enlarged = cv2.resize(photo.rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
        return np.ascontiguousarray(enlarged), photo.scale * factor
    image = downscaled(photo.rgb, max_side_px)
    shrink = 1.0 if image is photo.rgb or not max_side_px else max_side_px / max(photo.rgb.shape[:2])
    return np.ascontiguousarray(image).copy(), photo.scale * shrink


def _line_px(canvas: np.ndarray) -> int:
    return max(1, round(int(max(canvas.shape[:2])) / 500))


def _draw_shapes(canvas: np.ndarray, shapes: list[Shape], scale: float) -> None:
    thickness = _line_px(canvas)
    for shape in shapes:
        points = [(x * scale, y * scale) for x, y in shape.points]
        if len(points) == 1:
            cv2.circle(canvas, _pixel(points[0]), thickness + 1, shape.rgb, -1, cv2.LINE_AA)
            continue
        for a, b in itertools.pairwise(points):
            if shape.dashed:
                _dashed(canvas, a, b, shape.rgb, thickness, 4 * thickness + 4)
            else:
                cv2.line(canvas, _pixel(a), _pixel(b), shape.rgb, thickness + 1, cv2.LINE_AA)


def _ring(canvas: np.ndarray, pose: Pose | None, landmark: str | None, scale: float) -> None:
    """Ring ``landmark`` of ``pose`` in yellow; nothing for a name the model does not return."""
    if pose is None or landmark not in INDEX:
        return
    centre = _pixel(pose.point(landmark) * scale)
    radius = max(8, canvas.shape[0] // 60)
    # A dark ring under the yellow one keeps it visible on light and dark backgrounds.
    cv2.circle(canvas, centre, radius, (0, 0, 0), 4, cv2.LINE_AA)
    cv2.circle(canvas, centre, radius, HIGHLIGHT_RGB, 2, cv2.LINE_AA)


def _placed_labels(
    analysis: MeasuredPhoto, shapes: list[Shape], canvas_shape: tuple[int, ...], scale: float
) -> tuple[list[PlacedLabel], ImageFont.FreeTypeFont]:
    labels = [Label(s.text, s.rgb, (s.points[0][0] * scale, s.points[0][1] * scale)) for s in shapes if s.text]
    height, width = canvas_shape[:2]
    if analysis.pose is None or not labels:
        return [], label_font(label_text_px(max(height, width)))
    x0, y0, x1, y1 = (v * scale for v in analysis.pose.bbox_px)
    return fitted_labels(labels, (x0, y0, x1, y1), (width, height))


def label_boxes(analysis: MeasuredPhoto, max_side_px: int | None = None) -> list[PlacedLabel]:
    """Where :func:`draw` puts the measure labels (boxes and leader lines, px of the drawn image)."""
    if analysis.photo is None:
        return []
    canvas, scale = _canvas(analysis.photo, max_side_px)
    return _placed_labels(analysis, overlay_shapes(analysis), canvas.shape, scale)[0]


def draw(
    analysis: MeasuredPhoto,
    layers: tuple[str, ...] = LAYERS,
    max_side_px: int | None = None,
    highlight: str | None = None,
) -> np.ndarray:
    """The photo (RGB uint8) with ``layers`` drawn, optionally downscaled to ``max_side_px``.

    Draw at the size the image is shown at: line widths and the label text follow the drawn size.
    ``highlight`` names a landmark (e.g. ``"left_ear"``) to ring in yellow on top of everything, as
    the app does for the point a person is moving; a landmark the model did not return gets no ring.
    """
    if analysis.photo is None:
        raise ValueError("only a measured photo that kept its photo can be drawn")
    canvas, scale = _canvas(analysis.photo, max_side_px)
    shapes = [shape for shape in overlay_shapes(analysis) if shape.layer in layers]
    _draw_shapes(canvas, [shape for shape in shapes if not shape.text], scale)
    placed, font = _placed_labels(analysis, shapes, canvas.shape, scale)
    if placed:
        canvas = draw_labels(canvas, placed, font, max(1, _line_px(canvas) // 2))
    _ring(canvas, analysis.pose, highlight, scale)
    return canvas


def refusal_caption(refusal: RefusedPhoto) -> str:
    """The reason a refused photo shows under it."""
    return f"Not measured: {refusal.error.message}"


def draw_refusal(
    refusal: RefusedPhoto, max_side_px: int | None = None, highlight: str | None = None, caption: bool = True
) -> np.ndarray:
    """A refused photo (RGB uint8) with the skeleton of every person it was judged on and, with
    ``caption``, the reason in a band below it (which makes the image taller: leave it out where
    clicks on the image are mapped to the photo). ``highlight`` rings a landmark as in :func:`draw`.

    The people drawn are the chosen subject (``pose``) or, when none could be chosen, everyone found
    (``people``); a photo refused before any person was found shows the photo and the reason only.
    """
    if refusal.photo is None:
        raise ValueError(f"{refusal.image} was refused before it was decoded: there is no photo to draw")
    canvas, scale = _canvas(refusal.photo, max_side_px)
    people = (refusal.pose,) if refusal.pose is not None else refusal.people
    _draw_shapes(canvas, [shape for person in people for shape in skeleton_shapes(person)], scale)
    _ring(canvas, refusal.pose, highlight, scale)
    return with_caption_band(canvas, refusal_caption(refusal)) if caption else canvas


def encode_jpeg(rgb: np.ndarray, quality: int = 90) -> bytes:
    """JPEG bytes of an RGB image."""
    ok, buffer = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return buffer.tobytes()
