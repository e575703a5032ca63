"""How to film a jump-rope clip the engine can measure: a short checklist and a small diagram (Pillow).

The diagram shows the set-up from above the phone's shoulder: the phone standing still at hip
height in front of the skipper, with the whole body and the rope's arc inside the picture. It is
drawn once per process, in memory (the line helpers are the photo guide's, :mod:`posture_app.guide`).
"""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageDraw

from posture_app.guide import _arrow, _dashed, _font

ADVISED_CLIP_S = (20, 60)
"""The clip length the filming guide asks for (s): enough jumps for the bands and for a side to tire."""

FILMING_STEPS: tuple[str, ...] = (
    "**Phone still, at hip height, in front of you**, about 3 m away: on a shelf, chair or tripod, "
    "recording before you pick up the rope. Film from the front (best) or from behind: only these views "
    "compare your left and right. Exactly side-on gives the count, the timing and the near side's sizes, "
    "none of the left-right comparisons. Not at a slant: turned more than 25° from the camera, only the "
    "count, the timing and each side's sizes are measured. "
    "A selfie camera set to save mirrored clips swaps your left and right: use the back camera or turn "
    "mirroring off.",
    "**Phone upright and level**: turn on the camera's grid or level guide. A phone tilted by 1° "
    "already moves your hips about 1.3 cm against your feet in the picture; the left/right bands allow for "
    "that much and no more.",
    "**Whole body and rope in the picture** at every moment: a hand's width of space above your head "
    "at the top of a jump, below your feet, and beside the rope's widest swing.",
    f"**{ADVISED_CLIP_S[0]}-{ADVISED_CLIP_S[1]} s of basic bounce**: both feet together, your normal pace. "
    "Longer clips make the left/right "
    "verdicts surer; the first and last jumps are not counted.",
    "**Good light, nobody else in the picture**, fitted clothing so knees and hips show.",
    "**60 fps if your phone offers it** (camera settings, 'video format' or '1080p at 60'): the timing "
    "measures (which foot lands first, time on the floor) need it; 30 fps works with wider bands.",
)

_SIZE = (900, 420)
_INK = (40, 48, 60)
_ACCENT = (30, 110, 200)
_ROPE = (200, 80, 40)
_FLOOR_Y = 370


def _skipper(draw: ImageDraw.ImageDraw, x: int, floor: int, height: int) -> dict[str, tuple[float, float]]:
    """A front-view figure in mid-air holding a rope whose arc passes under the feet; returns key points."""
    unit = height / 8.0
    lift = unit * 0.35
    head_r = unit * 0.45
    head = (x, floor - height - lift + head_r)
    neck = (x, head[1] + head_r)
    hip = (x, floor - lift - unit * 4.0)
    width = max(3, int(unit * 0.2))
    draw.ellipse([head[0] - head_r, head[1] - head_r, head[0] + head_r, head[1] + head_r], outline=_INK, width=4)
    draw.line([neck, hip], fill=_INK, width=width)
    hands = []
    for side in (-1, 1):
        shoulder = (x + side * unit * 0.8, neck[1] + unit * 0.4)
        elbow = (x + side * unit * 1.0, hip[1] - unit * 0.6)
        hand = (x + side * unit * 1.5, hip[1] + unit * 0.1)
        knee = (x + side * unit * 0.35, hip[1] + unit * 2.0)
        foot = (x + side * unit * 0.3, floor - lift)
        draw.line([neck, shoulder, elbow, hand], fill=_INK, width=max(2, width - 1), joint="curve")
        draw.line([(x + side * unit * 0.3, hip[1]), knee, foot], fill=_INK, width=width, joint="curve")
        hands.append(hand)
    # The rope: from hand to hand through a point just under the floor line, drawn as a wide ellipse arc.
    left, right = hands
    draw.arc(
        [left[0] - unit * 0.3, left[1] - unit * 1.0, right[0] + unit * 0.3, floor + unit * 0.2],
        start=0,
        end=180,
        fill=_ROPE,
        width=3,
    )
    return {
        "top": (x, head[1] - head_r),
        "hip": hip,
        "left": (left[0] - unit * 0.3, hip[1]),
        "right": (right[0] + unit * 0.3, hip[1]),
    }


def _phone(draw: ImageDraw.ImageDraw, x: int, lens_y: float, floor: int) -> tuple[float, float]:
    """A phone standing upright on a small tripod, its lens at ``lens_y``; returns the lens position."""
    draw.rounded_rectangle([x - 12, lens_y - 34, x + 12, lens_y + 16], radius=4, fill=_INK)
    draw.ellipse([x - 4, lens_y - 26, x + 4, lens_y - 18], fill=(200, 210, 225))
    for foot in (x - 26, x, x + 26):
        draw.line([(x, lens_y + 16), (foot, floor)], fill=_INK, width=3)
    return x + 12, lens_y - 22


def draw_filming_guide() -> Image.Image:
    """The filming diagram: a still phone at hip height framing the whole skipper and the rope."""
    image = Image.new("RGB", _SIZE, (250, 251, 253))
    draw = ImageDraw.Draw(image)
    big, small = _font(20), _font(16)
    draw.line([(20, _FLOOR_Y), (_SIZE[0] - 20, _FLOOR_Y)], fill=(150, 150, 150), width=2)
    person_x = 640
    points = _skipper(draw, person_x, _FLOOR_Y, 270)
    hip_y = points["hip"][1]
    lens = _phone(draw, 150, hip_y, _FLOOR_Y)

    # The picture's edges: a dashed box with room around the body and the rope's swing.
    box = (points["left"][0] - 30, points["top"][1] - 22, points["right"][0] + 30, _FLOOR_Y + 14)
    for start, end in (
        ((box[0], box[1]), (box[2], box[1])),
        ((box[2], box[1]), (box[2], box[3])),
        ((box[2], box[3]), (box[0], box[3])),
        ((box[0], box[3]), (box[0], box[1])),
    ):
        _dashed(draw, start, end, _ACCENT)
    for corner in ((box[0], box[1]), (box[0], box[3])):
        _dashed(draw, lens, corner, _ACCENT, width=1, dash=6)
    draw.text((box[2] - 190, box[1] - 22), "whole body and rope in frame", font=small, fill=_ACCENT)

    _dashed(draw, (lens[0] + 6, hip_y), (box[0] - 8, hip_y), (150, 150, 150), width=1, dash=6)
    draw.text((60, hip_y - 92), "phone still,\nat hip height", font=big, fill=_INK, spacing=4)
    _arrow(draw, (160, _FLOOR_Y + 24), (person_x, _FLOOR_Y + 24), _INK)
    draw.text(((160 + person_x) / 2 - 30, _FLOOR_Y + 28), "about 3 m", font=big, fill=_INK)
    draw.text((24, 16), "Set-up for a measurable jump-rope clip", font=big, fill=_INK)
    draw.text((24, 44), "20-60 s of basic bounce · good light · 60 fps if offered", font=small, fill=(90, 96, 110))
    return image


@functools.cache
def filming_guide_png() -> bytes:
    """The diagram as PNG bytes (drawn once per process)."""
    buffer = io.BytesIO()
    draw_filming_guide().save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
