"""Any Pillow colour mode to an 8-bit RGB picture, the only pixel form the landmarker takes.

Everything becomes contiguous ``uint8`` H x W x 3 RGB. Transparency is composited on white (a
transparent background becomes a plain light wall, not black); 16-bit samples are rounded to 8 bits
(65535 -> 255); CMYK (including Adobe's inverted CMYK JPEGs, which Pillow un-inverts) and palette
images go through Pillow's converters. ICC profiles are not applied: the landmarker is insensitive
to the small gamut differences (Display P3 vs sRGB).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from posture.errors import PostureError

_SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I")
_ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa")


def to_rgb_image(image: Image.Image) -> Image.Image:
    """Convert any Pillow mode to an 8-bit "RGB" image, transparency composited over white.

    Stays in Pillow (C loops, one buffer per step): a 64 MP RGBA PNG composited in numpy needs
    several GB of uint32 temporaries.
    """
    mode = image.mode
    if mode in _SIXTEEN_BIT_MODES or mode == "F":
        return Image.fromarray(wide_gray_to_8bit(image), "L").convert("RGB")
    if mode == "1":
        image = image.convert("L")
        mode = "L"
    if mode in _ALPHA_MODES or "transparency" in image.info:
        rgba = image if mode == "RGBA" else image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba)  # out = colour * alpha + white * (1 - alpha)
        return white
    if mode == "RGB":
        return image
    try:
        return image.convert("RGB")
    except ValueError as exc:  # e.g. LAB, La: modes Pillow opens but cannot convert
        raise PostureError(
            "corrupt_image",
            f"The picture uses a colour format ({mode}) that cannot be "
            "read. Export it as an ordinary RGB JPEG or PNG and retry.",
        ) from exc


def wide_gray_to_8bit(image: Image.Image) -> np.ndarray:
    """16-bit, 32-bit integer and float greyscale to an 8-bit greyscale array (transparent -> white).

    Integer modes are read as 16-bit samples (what Pillow gives for 16-bit PNG/TIFF) and rounded:
    ``v / 257`` maps 0..65535 onto 0..255 exactly; samples past 65535 are 32-bit ones (a 32-bit TIFF),
    normalised by their maximum (clipped at 65535 they made the picture white). Float images are taken
    as 0..1 when they fit, else normalised by their maximum.
    """
    values = np.asarray(image)
    top_sample = int(values.max()) if values.size and image.mode != "F" else 0
    if top_sample > 65535:
        gray = np.clip(values.astype(np.float64) * (255.0 / top_sample) + 0.5, 0.0, 255.0)
    elif image.mode == "F":
        floats = np.nan_to_num(values.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        top = float(floats.max()) if floats.size else 0.0
        floats *= 255.0 / max(1.0, top)
        gray = np.clip(floats + 0.5, 0.0, 255.0)
    else:
        gray = (values if values.dtype.kind == "u" else np.clip(values, 0, 65535)).astype(np.uint32)
        gray += 128
        gray //= 257
    gray8: np.ndarray = gray.astype(np.uint8)
    transparent = image.info.get("transparency")
    if isinstance(transparent, int) and image.mode != "F":
        gray8[values == transparent] = 255  # tRNS on a 16-bit grey PNG names one sample value
    return gray8
