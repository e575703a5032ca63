"""How to take a photo the engine can measure: a short checklist and a small diagram drawn with Pillow.

The diagram is drawn once per process (``functools.cache``), in memory; it needs no image file.
"""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageDraw, ImageFont

GUIDE_STEPS: tuple[str, ...] = (
    "**Camera at hip height, 2.5-4 m away**, held level (a shelf or tripod and the timer work well). "
    "Closer makes the lens bend the body; higher or lower tilts it.",
    "**Whole body in the picture**, from a little above the head to below the feet, filling most of the height.",
    "**Fitted clothing** (shorts and a T-shirt or sports top), no loose hoodie or coat; hair off the ears "
    "and neck if you can.",
    "**Relaxed, natural stance**: weight on both feet, feet hip-width apart, look straight ahead, "
    "don't pull yourself up for the picture.",
    "**Side photos: arms hanging just in front of the body**, not covering the hips, so the pelvis can be seen.",
    "**Three photos: front, back and one side** (a second side adds the left-right comparison). The front and "
    "back photos each read the shoulder, hip and head tilts, and both together read them more closely than "
    "either alone. Plain background, good light, nobody else in the picture.",
)

_SIZE = (900, 420)
_INK = (40, 48, 60)
_ACCENT = (30, 110, 200)
_GOOD = (40, 150, 80)
_FLOOR_Y = 360


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: a small bitmap font, still legible
        return ImageFont.load_default()


def _dashed(draw: ImageDraw.ImageDraw, start, end, fill, width=2, dash=10):
    (x0, y0), (x1, y1) = start, end
    length = max(1.0, ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5)
    steps = int(length // (2 * dash)) + 1
    for i in range(steps):
        a, b = (2 * i * dash) / length, min(1.0, (2 * i + 1) * dash / length)
        draw.line(
            [(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a), (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)], fill=fill, width=width
        )


def _person_profile(draw: ImageDraw.ImageDraw, x: int, floor: int, height: int, colour) -> dict[str, tuple]:
    """A simple side-view figure facing left, standing on ``floor``; returns its key points."""
    unit = height / 8.0
    head_r = unit * 0.48
    head = (x - unit * 0.1, floor - height + head_r)
    shoulder = (x, floor - unit * 6.4)
    hip = (x + unit * 0.05, floor - unit * 4.0)
    knee = (x - unit * 0.05, floor - unit * 2.0)
    ankle = (x, floor - unit * 0.25)
    toe = (x - unit * 0.75, floor)
    hand = (x - unit * 0.75, floor - unit * 3.7)
    elbow = (x - unit * 0.35, floor - unit * 4.9)
    width = max(3, int(unit * 0.22))
    draw.ellipse([head[0] - head_r, head[1] - head_r, head[0] + head_r, head[1] + head_r], outline=colour, width=4)
    neck = (x - unit * 0.05, head[1] + head_r)
    draw.line([neck, shoulder, hip, knee, ankle, toe], fill=colour, width=width, joint="curve")
    draw.line([shoulder, elbow, hand], fill=colour, width=max(2, width - 2), joint="curve")
    return {"head_top": (head[0], floor - height), "hip": hip, "hand": hand, "feet": (x, floor)}


def _camera(draw: ImageDraw.ImageDraw, x: int, lens_y: float, floor: int) -> tuple[float, float]:
    """A camera on a tripod with its lens at ``lens_y``; returns the lens position."""
    body = [x - 26, lens_y - 16, x + 14, lens_y + 16]
    draw.rounded_rectangle(body, radius=5, fill=_INK)
    draw.rectangle([x + 14, lens_y - 8, x + 26, lens_y + 8], fill=_INK)
    for foot in (x - 34, x - 6, x + 22):
        draw.line([(x - 6, lens_y + 16), (foot, floor)], fill=_INK, width=3)
    return x + 26, lens_y


def _arrow(draw: ImageDraw.ImageDraw, start, end, fill, width=2):
    draw.line([start, end], fill=fill, width=width)
    (x0, y0), (x1, y1) = start, end
    for (ax, ay), direction in (((x0, y0), 1), ((x1, y1), -1)):
        if y0 == y1:
            draw.polygon([(ax, ay), (ax + 10 * direction, ay - 6), (ax + 10 * direction, ay + 6)], fill=fill)
        else:
            draw.polygon([(ax, ay), (ax - 6, ay + 10 * direction), (ax + 6, ay + 10 * direction)], fill=fill)


def draw_guide() -> Image.Image:
    """The photo-setup diagram: camera at hip height 2.5-4 m from a person fully in frame."""
    image = Image.new("RGB", _SIZE, (250, 251, 253))
    draw = ImageDraw.Draw(image)
    big, small = _font(20), _font(16)
    draw.line([(20, _FLOOR_Y), (_SIZE[0] - 20, _FLOOR_Y)], fill=(150, 150, 150), width=2)

    person_x, person_height = 640, 290
    points = _person_profile(draw, person_x, _FLOOR_Y, person_height, _INK)
    hip_y = points["hip"][1]
    lens = _camera(draw, 140, hip_y, _FLOOR_Y)

    # Field of view: from the lens to just above the head and just below the feet.
    top, bottom = (person_x + 30, points["head_top"][1] - 18), (person_x + 30, _FLOOR_Y + 12)
    for edge in (top, bottom):
        _dashed(draw, lens, edge, _ACCENT)
    draw.line([top, bottom], fill=_ACCENT, width=3)
    draw.text((person_x + 40, top[1] - 4), "space above the head", font=small, fill=_ACCENT)
    draw.text((person_x + 40, bottom[1] - 18), "and below the feet", font=small, fill=_ACCENT)

    # Hip-height guide and distance.
    _dashed(draw, (lens[0] + 6, hip_y), (points["hip"][0] - 20, hip_y), (150, 150, 150), width=1, dash=6)
    draw.text((lens[0] - 130, hip_y - 80), "camera level,\nat hip height", font=big, fill=_INK, spacing=4)
    _arrow(draw, (150, _FLOOR_Y + 30), (person_x, _FLOOR_Y + 30), _INK)
    draw.text(((150 + person_x) / 2 - 40, _FLOOR_Y + 36), "2.5 - 4 m", font=big, fill=_INK)

    # Arms: hanging in front of the hip, not covering it.
    draw.ellipse([points["hip"][0] - 9, hip_y - 9, points["hip"][0] + 9, hip_y + 9], outline=_GOOD, width=3)
    draw.text(
        (person_x - 250, hip_y + 18),
        "side photo: arms just in front,\nthe hip left visible",
        font=small,
        fill=_GOOD,
        spacing=3,
    )
    draw.line([(person_x - 40, hip_y + 24), (points["hip"][0] - 8, hip_y + 6)], fill=_GOOD, width=2)
    draw.text((24, 16), "Set-up for a usable posture photo", font=big, fill=_INK)
    draw.text((24, 44), "fitted clothing · relaxed stance · only you in the picture", font=small, fill=(90, 96, 110))
    return image


@functools.cache
def page_icon() -> Image.Image:
    """The browser-tab icon: a small standing figure beside a plumb line, drawn here so that no
    icon is fetched from the internet (a Material or emoji icon name makes the browser do that)."""
    icon = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(icon)
    draw.rounded_rectangle([0, 0, 63, 63], radius=14, fill=_ACCENT)
    white = (255, 255, 255)
    draw.ellipse([25, 6, 37, 18], fill=white)
    draw.line([(31, 19), (31, 40)], fill=white, width=5)
    draw.line([(31, 40), (25, 58)], fill=white, width=5)
    draw.line([(31, 40), (37, 58)], fill=white, width=5)
    draw.line([(31, 24), (21, 38)], fill=white, width=4)
    draw.line([(31, 24), (41, 38)], fill=white, width=4)
    _dashed(draw, (50, 6), (50, 58), (255, 215, 0), width=2, dash=4)
    return icon


@functools.cache
def guide_png() -> bytes:
    """The diagram as PNG bytes (drawn once per process)."""
    buffer = io.BytesIO()
    draw_guide().save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
