"""Text on an annotated photo: measure labels beside the body, and the caption band of a refused photo.

Sizes follow the image the text is drawn on (the displayed size), not the original photo: the text
height is :data:`LABEL_TEXT_FRACTION` of the drawn image's long side, never below
:data:`MIN_LABEL_TEXT_PX`. Labels sit in boxes stacked in one column beside the body, so boxes never
overlap; each leader line runs from the measured point to the nearest edge of its own box, so it never
crosses the text. Drawn with DejaVu Sans through Pillow: OpenCV's built-in fonts have no degree sign.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from posture.fonts import font_paths

# Label text height (font size, px) per pixel of the drawn image's long side: 18 px on a 900 px
# display, 10 px on a 512 px one.
LABEL_TEXT_FRACTION = 0.02
# Below about 10 px DejaVu Sans loses its digits' shapes; smaller images keep this size and get
# relatively larger text instead.
MIN_LABEL_TEXT_PX = 10
# The caption band of a refused photo reads as a heading: a little larger than the labels.
CAPTION_TEXT_FACTOR = 1.15
BOX_FILL_RGBA = (0, 0, 0, 175)
CAPTION_BAND_RGB = (120, 25, 25)
CAPTION_TEXT_RGB = (255, 255, 255)

Box = tuple[float, float, float, float]
Point = tuple[float, float]


@dataclass(frozen=True)
class Label:
    """Text to show in ``rgb``, tied to ``anchor`` (x px, y px in the drawn image)."""

    text: str
    rgb: tuple[int, int, int]
    anchor: Point


@dataclass(frozen=True)
class PlacedLabel:
    """A label with its box (x0, y0, x1, y1 px), the end of its leader line on the box's edge nearest
    the anchor and its text's lines. ``leader_end`` is ``None`` when no line is drawn: the anchor lies
    inside the box, or the line would cross another label."""

    label: Label
    box: Box
    leader_end: Point | None
    lines: tuple[str, ...]


def label_text_px(long_side_px: int) -> int:
    """The label font size (px) for an image whose long side is ``long_side_px``."""
    return max(MIN_LABEL_TEXT_PX, round(LABEL_TEXT_FRACTION * long_side_px))


@functools.cache
def label_font(size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_paths()[0]), size_px)


def _padding(font: ImageFont.FreeTypeFont) -> int:
    return max(2, round(font.size * 0.25))


def _line_height(font: ImageFont.FreeTypeFont) -> int:
    ascent, descent = font.getmetrics()
    return int(ascent + descent)


def fitted_labels(
    labels: Sequence[Label], body_box: Box, image_size: tuple[int, int]
) -> tuple[list[PlacedLabel], ImageFont.FreeTypeFont]:
    """:func:`place_labels` at :func:`label_text_px` for an image of ``image_size`` (width px, height px),
    with the text shrunk below that only if the boxes would not fit inside the image; and the font used."""
    width, height = image_size
    size = label_text_px(max(width, height))
    while True:
        font = label_font(size)
        placed = place_labels(labels, body_box, image_size, font)
        inside = all(
            min(x0, y0) >= 0 and x1 <= width and y1 <= height for x0, y0, x1, y1 in (item.box for item in placed)
        )
        if inside or size <= 6:
            return placed, font
        size -= 1


def _split(text: str) -> list[str]:
    """A label on two lines: the name, then the value (its last word, or last two with a unit)."""
    words = text.split()
    cut = len(words) - (2 if len(words) > 2 and not any(ch.isdigit() for ch in words[-1]) else 1)
    return [" ".join(words[:cut]), " ".join(words[cut:])] if cut > 0 else [text]


def _stacked_tops(wanted: list[float], heights: list[float], gap: float, image_height: int) -> list[float]:
    """Box tops as close to ``wanted`` (in order) as possible, ``gap`` apart, inside the image."""
    tops: list[float] = []
    for i, top in enumerate(wanted):
        tops.append(max(top, gap, tops[-1] + heights[i - 1] + gap) if tops else max(top, gap))
    if tops and tops[-1] + heights[-1] > image_height - gap:
        tops[-1] = image_height - gap - heights[-1]
        for i in range(len(tops) - 2, -1, -1):
            tops[i] = min(tops[i], tops[i + 1] - heights[i] - gap)
    return tops


def nearest_on_box(point: Point, box: Box) -> Point | None:
    """The point of ``box``'s edge nearest ``point``; ``None`` when ``point`` is inside the box."""
    x0, y0, x1, y1 = box
    x, y = point
    if x0 <= x <= x1 and y0 <= y <= y1:
        return None
    return float(np.clip(x, x0, x1)), float(np.clip(y, y0, y1))


def place_labels(
    labels: Sequence[Label], body_box: Box, image_size: tuple[int, int], font: ImageFont.FreeTypeFont
) -> list[PlacedLabel]:
    """Boxes for ``labels`` in one column beside the body, on the side with more room.

    The column's edge facing the body lies beyond the body's box and every anchor where the image
    leaves room, so each leader line stays on the body's side of the column and crosses no other box;
    labels too wide for the room left go on two lines (name, value). Boxes keep the height of their
    point where they can and are pushed apart just enough not to overlap. ``image_size`` is
    (width px, height px) of the drawn image.
    """
    if not labels:
        return []
    width, image_height = image_size
    padding, line_height = _padding(font), _line_height(font)
    anchors_x = [label.anchor[0] for label in labels]
    near_right, near_left = max(body_box[2], *anchors_x), min(body_box[0], *anchors_x)
    on_right = width - near_right >= near_left
    room = (width - near_right if on_right else near_left) - 3 * padding
    lines: list[list[str]] = [
        [label.text] if font.getlength(label.text) + 2 * padding <= room else _split(label.text) for label in labels
    ]
    heights = [len(text) * line_height + 2 * padding for text in lines]
    if sum(heights) + (len(heights) + 1) * padding > image_height:
        # Two-line labels would not fit in the column: one line each, reaching over the body.
        lines = [[label.text] for label in labels]
        heights = [line_height + 2 * padding] * len(labels)
    widths = [max(font.getlength(line) for line in text) + 2 * padding for text in lines]
    widest = max(widths)
    if on_right:
        edge = min(near_right + 2 * padding, width - padding - widest)
    else:
        edge = max(near_left - 2 * padding, padding + widest)
    order = sorted(range(len(labels)), key=lambda i: labels[i].anchor[1])
    tops = _stacked_tops(
        [labels[i].anchor[1] - heights[i] / 2 for i in order], [heights[i] for i in order], padding, image_height
    )
    boxes: dict[int, Box] = {}
    for i, top in zip(order, tops, strict=True):
        x0 = edge if on_right else edge - widths[i]
        boxes[i] = (x0, top, x0 + widths[i], top + heights[i])
    placed = []
    for i, label in enumerate(labels):
        end = nearest_on_box(label.anchor, boxes[i])
        # Where the column had to reach over the body (small images), a line may start under or run
        # through another label: that label is left without a line rather than striking through text.
        if end is not None and any(_enters(label.anchor, end, boxes[j]) for j in boxes if j != i):
            end = None
        placed.append(PlacedLabel(label, boxes[i], end, tuple(lines[i])))
    return placed


def _enters(start: Point, end: Point, box: Box) -> bool:
    """True when the segment from ``start`` to ``end`` passes through the inside of ``box`` (touching its
    edge does not count): the segment clipped to the box (Liang-Barsky) keeps some length."""
    x0, y0, x1, y1 = box
    (sx, sy), (ex, ey) = start, end
    low, high = 0.0, 1.0
    for step, room in ((sx - ex, sx - x0), (ex - sx, x1 - sx), (sy - ey, sy - y0), (ey - sy, y1 - sy)):
        if step == 0:
            if room <= 0:
                return False
            continue
        t = room / step
        if step < 0:
            low = max(low, t)
        else:
            high = min(high, t)
    return high - low > 1e-9


def draw_labels(
    canvas: np.ndarray, placed: Sequence[PlacedLabel], font: ImageFont.FreeTypeFont, line_px: int
) -> np.ndarray:
    """``canvas`` (RGB) with each leader line, then each box (darkened) and its text in the label's colour."""
    for item in placed:
        if item.leader_end is not None:
            start = tuple(int(v) for v in np.round(item.label.anchor))
            end = tuple(int(v) for v in np.round(item.leader_end))
            cv2.line(canvas, start, end, item.label.rgb, line_px, cv2.LINE_AA)
    image = Image.fromarray(canvas).convert("RGBA")
    shade = Image.new("RGBA", image.size, (0, 0, 0, 0))
    pen = ImageDraw.Draw(shade)
    for item in placed:
        pen.rectangle(item.box, fill=BOX_FILL_RGBA, outline=(*item.label.rgb, 255), width=1)
    image = Image.alpha_composite(image, shade)
    pen = ImageDraw.Draw(image)
    padding = _padding(font)
    for item in placed:
        # "la": the origin is the top of the ascender at the text's left end, so the text fills the box.
        for row, line in enumerate(item.lines):
            pen.text(
                (item.box[0] + padding, item.box[1] + padding + row * _line_height(font)),
                line,
                font=font,
                fill=item.label.rgb,
                anchor="la",
            )
    return np.asarray(image.convert("RGB")).copy()


def _wrapped(text: str, font: ImageFont.FreeTypeFont, max_width_px: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= max_width_px:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def with_caption_band(canvas: np.ndarray, text: str) -> np.ndarray:
    """``canvas`` (RGB) with a band below it holding ``text``, wrapped to the image's width.

    Below rather than over the photo, so the band never hides what the text is about (cut-off feet).
    """
    width = canvas.shape[1]
    font = label_font(round(label_text_px(max(canvas.shape[:2])) * CAPTION_TEXT_FACTOR))
    padding = _padding(font)
    lines = _wrapped(text, font, width - 2 * padding)
    line_height = sum(font.getmetrics()) + padding // 2
    band = Image.new("RGB", (width, round(len(lines) * line_height + 2 * padding)), CAPTION_BAND_RGB)
    pen = ImageDraw.Draw(band)
    for row, line in enumerate(lines):
        pen.text((padding, padding + row * line_height), line, font=font, fill=CAPTION_TEXT_RGB, anchor="la")
    return np.vstack([canvas, np.asarray(band)])
