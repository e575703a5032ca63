"""Drawing of an analysed photo: landmarks, plumb line and each measure where it was measured.

Kept apart from the computation: :func:`overlay_shapes` turns a :class:`MeasuredPhoto` into
plain shapes (lines, points, labels) in full-resolution pixels, one layer each; :func:`draw`
renders chosen layers on the photo. Colours follow each measure's status.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from posture.fonts import font_paths
from posture.measures import SPECS, line_x_at
from posture.photo_result import MeasuredPhoto, PhotoResult
from posture.pose import INDEX
from posture.vocabulary import Status
from posture.wording import format_value, short_name

LAYERS = ("skeleton", "plumb", "measures", "labels")
STATUS_RGB = {Status.NORMAL: (40, 170, 80), Status.BORDERLINE: (235, 160, 20), Status.DEVIATION: (220, 50, 50)}
SKELETON_RGB = (80, 160, 255)
PLUMB_RGB = (250, 250, 250)
HIGHLIGHT_RGB = (255, 235, 0)
SKELETON = (
    ("left_shoulder", "right_shoulder"), ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"), ("left_shoulder", "left_hip"),
    ("right_shoulder", "right_hip"), ("left_hip", "right_hip"), ("left_hip", "left_knee"),
    ("left_knee", "left_ankle"), ("right_hip", "right_knee"), ("right_knee", "right_ankle"),
    ("left_ankle", "left_heel"), ("left_heel", "left_foot_index"), ("right_ankle", "right_heel"),
    ("right_heel", "right_foot_index"), ("left_ear", "left_eye"), ("right_ear", "right_eye"),
    ("left_eye", "nose"), ("right_eye", "nose"),
)
# Centimetre twins of the frontal angles: labelled beside the line their angle draws.
FRONTAL_DISTANCES = {
    "shoulder_height_diff_cm": "shoulder", "hip_height_diff_cm": "hip", "trunk_lateral_shift_cm": "hip",
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


def _label(measure, position: np.ndarray) -> Shape:
    """A label for ``measure`` tied to the point where it was measured (placed beside the body when drawn)."""
    text = f"{short_name(measure.key)} {format_value(measure.value, measure.unit, signed=SPECS[measure.key].signed)}"
    return Shape("labels", (_xy(position),), STATUS_RGB[measure.status], text)


def _place_labels(labels: list[Shape], body_box: tuple[float, float, float, float], image_width: int,
                  text_width, line_height: float) -> list[tuple[Shape, tuple[float, float], bool]]:
    """(label, text origin, right-aligned) for each label, in a column beside the body, never overlapping.

    The column goes on the side with more room; labels keep the height of their point where
    possible and are pushed down just enough to clear the previous one.
    """
    x0, _, x1, _ = body_box
    on_right = image_width - x1 >= x0
    placed, next_free_y = [], -np.inf
    for label in sorted(labels, key=lambda shape: shape.points[0][1]):
        y = max(label.points[0][1], next_free_y)
        next_free_y = y + line_height
        x = x1 + line_height if on_right else x0 - line_height - text_width(label.text)
        placed.append((label, (float(np.clip(x, 2.0, image_width - text_width(label.text) - 2)), y), not on_right))
    return placed


def _side_shapes(analysis: MeasuredPhoto) -> list[Shape]:
    body, shapes = analysis.body, []
    p, forward, scale = body.points, body.anterior_sign, body.cm_per_px
    top_y = min(p["ear"][1], p["c7"][1]) - 15 / scale
    shapes.append(Shape("plumb", (_xy(p["ankle"]), (p["ankle"][0], top_y)), PLUMB_RGB, dashed=True))
    reach = 12 / scale
    for key, measure in analysis.measurements.items():
        rgb = STATUS_RGB[measure.status]
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
            shapes.append(_label(measure, shoulder + [forward * 4 / scale, 0]))
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
    body, shapes = analysis.body, []
    p, scale = body.points, body.cm_per_px
    ankles = body.midpoint("ankle")
    top_y = min(p["left_ear"][1], p["right_ear"][1]) - 20 / scale
    shapes.append(Shape("plumb", (_xy(ankles), (ankles[0], top_y)), PLUMB_RGB, dashed=True))
    pairs = {"shoulder_tilt_deg": "shoulder", "pelvic_obliquity_deg": "hip", "head_tilt_deg": "ear"}
    for key, measure in analysis.measurements.items():
        rgb = STATUS_RGB[measure.status]
        if key in pairs:
            left, right = p[f"left_{pairs[key]}"], p[f"right_{pairs[key]}"]
            outer = max(left[0], right[0]) + 6 / scale
            shapes.append(Shape("measures", (_xy(left), _xy(right)), rgb))
            lowest = left if left[1] > right[1] else right
            shapes.append(Shape("measures", ((min(left[0], right[0]), lowest[1]), (outer, lowest[1])), rgb,
                                dashed=True))
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


def overlay_shapes(analysis: PhotoResult) -> list[Shape]:
    """Everything to draw for a measured photo (nothing for a refused one)."""
    if not isinstance(analysis, MeasuredPhoto) or analysis.pose is None or analysis.body is None:
        return []
    pose = analysis.pose
    shapes = [Shape("skeleton", (_xy(pose.xy_px[INDEX[a]]), _xy(pose.xy_px[INDEX[b]])), SKELETON_RGB)
              for a, b in SKELETON if min(pose.vis(a), pose.vis(b)) >= 0.5]
    shapes += [Shape("skeleton", (_xy(point),), SKELETON_RGB) for point, v in zip(pose.xy_px, pose.visibility,
                                                                                   strict=True) if v >= 0.5]
    shapes += _side_shapes(analysis) if analysis.body.anterior_sign else _frontal_shapes(analysis)
    return shapes


def _dashed(image, start, end, rgb, thickness, dash_px):
    start, end = np.array(start, float), np.array(end, float)
    length = np.linalg.norm(end - start)
    for offset in np.arange(0, length, 2 * dash_px):
        a = start + (end - start) * offset / length
        b = start + (end - start) * min(offset + dash_px, length) / length
        cv2.line(image, tuple(np.round(a).astype(int)), tuple(np.round(b).astype(int)), rgb, thickness, cv2.LINE_AA)


def downscaled(rgb: np.ndarray, max_side_px: int | None) -> np.ndarray:
    """``rgb`` shrunk (area average) so its long side is at most ``max_side_px``; unchanged if it fits."""
    if not max_side_px or max(rgb.shape[:2]) <= max_side_px:
        return rgb
    factor = max_side_px / max(rgb.shape[:2])
    return cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)


def draw(analysis: MeasuredPhoto, layers: tuple[str, ...] = LAYERS, max_side_px: int | None = None,
         highlight: str | None = None) -> np.ndarray:
    """The photo (RGB uint8) with ``layers`` drawn, optionally downscaled to ``max_side_px``.

    ``highlight`` names a landmark (e.g. ``"left_ear"``) to ring in yellow on top of everything, as
    the app does for the point a person is moving; a landmark the model did not return gets no ring.
    """
    rgb = analysis.photo.rgb
    image = downscaled(rgb, max_side_px)
    scale = analysis.photo.scale * (1.0 if image is rgb else max_side_px / max(rgb.shape[:2]))
    canvas = np.ascontiguousarray(image).copy()
    size = max(canvas.shape[:2])
    thickness = max(1, round(size / 500))
    font_scale = size / 1600
    shapes = [shape for shape in overlay_shapes(analysis) if shape.layer in layers]
    for shape in shapes:
        points = [(x * scale, y * scale) for x, y in shape.points]
        if shape.text:
            continue
        if len(points) == 1:
            cv2.circle(canvas, tuple(np.round(points[0]).astype(int)), thickness + 1, shape.rgb, -1, cv2.LINE_AA)
        else:
            for a, b in zip(points, points[1:], strict=False):
                if shape.dashed:
                    _dashed(canvas, a, b, shape.rgb, thickness, 4 * thickness + 4)
                else:
                    cv2.line(canvas, tuple(np.round(a).astype(int)), tuple(np.round(b).astype(int)), shape.rgb,
                             thickness + 1, cv2.LINE_AA)
    labels = [Shape(s.layer, tuple((x * scale, y * scale) for x, y in s.points), s.rgb, s.text)
              for s in shapes if s.text]
    if labels:
        body_box = tuple(v * scale for v in analysis.pose.bbox_px)
        canvas = _draw_labels(canvas, labels, body_box, font_scale, thickness)
    if highlight in analysis.landmarks_px:
        x, y, _ = analysis.landmarks_px[highlight]
        centre = (round(x * scale), round(y * scale))
        radius = max(8, canvas.shape[0] // 60)
        # A dark ring under the yellow one keeps it visible on light and dark backgrounds.
        cv2.circle(canvas, centre, radius, (0, 0, 0), 4, cv2.LINE_AA)
        cv2.circle(canvas, centre, radius, HIGHLIGHT_RGB, 2, cv2.LINE_AA)
    return canvas


@functools.cache
def _label_font(size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_paths()[0]), size_px)


def _draw_labels(canvas: np.ndarray, labels: list[Shape], body_box: tuple[float, ...], font_scale: float,
                 thickness: int) -> np.ndarray:
    """The labels in a column beside the body, each tied to its point by a thin line.

    Drawn with DejaVu Sans through Pillow: OpenCV's built-in fonts have no degree sign.
    """
    font = _label_font(max(8, round(30 * font_scale)))
    line_height = 34 * font_scale + 6
    placed = _place_labels(labels, body_box, canvas.shape[1], font.getlength, line_height)
    for label, (x, y), _ in placed:
        anchor = tuple(np.round(label.points[0]).astype(int))
        origin = (int(round(x)), int(round(y)))
        end = (origin[0] + (int(font.getlength(label.text)) if x < anchor[0] else 0), origin[1] - int(line_height / 3))
        cv2.line(canvas, anchor, end, label.rgb, max(1, thickness // 2), cv2.LINE_AA)
    image = Image.fromarray(canvas)
    pen = ImageDraw.Draw(image)
    for label, (x, y), _ in placed:
        # "ls": the origin is the left end of the baseline, as OpenCV placed its text.
        pen.text((round(x), round(y)), label.text, font=font, fill=label.rgb, anchor="ls",
                 stroke_width=max(1, thickness), stroke_fill=(0, 0, 0))
    return np.asarray(image).copy()


def encode_jpeg(rgb: np.ndarray, quality: int = 90) -> bytes:
    """JPEG bytes of an RGB image."""
    ok, buffer = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return buffer.tobytes()
