"""Telling picture formats apart by their first bytes, and the messages that name a file's problem.

The sniffing is used only to choose an error: a file whose magic bytes match an accepted format but
that Pillow cannot open is damaged (``corrupt_image``), one in a format we can name but refuse (GIF,
AVIF, PDF...) gets a message naming it, anything else is ``not_an_image``.
"""

from __future__ import annotations

import io
import re

from PIL import TiffImagePlugin

from posture.errors import PostureError

_FRIENDLY_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "BMP": "BMP", "TIFF": "TIFF", "HEIF": "HEIC/HEIF"}
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1")
_BMP_HEADER_SIZES = (12, 16, 40, 52, 56, 64, 108, 124)


def sniff_format(raw: bytes) -> str:
    """Accepted format whose magic bytes ``raw`` starts with, or "" (used only to pick an error code)."""
    if raw[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if raw[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        return "WEBP"
    if raw[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "TIFF"
    if raw[4:8] == b"ftyp" and raw[8:12] in _HEIF_BRANDS:
        return "HEIF"
    if raw[:2] == b"BM" and len(raw) >= 18 and int.from_bytes(raw[14:18], "little") in _BMP_HEADER_SIZES:
        return "BMP"
    return ""


def sniff_unsupported(raw: bytes) -> str:
    """Name of a picture/document format we refuse but can name, so the message is not "not a picture"."""
    if raw[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if raw[4:8] == b"ftyp" and raw[8:12] in (b"avif", b"avis"):
        return "AVIF"
    if raw[:2] == b"\xff\x0a" or raw[:12] == b"\x00\x00\x00\x0cJXL \r\n\x87\n":
        return "JPEG XL"
    if raw[:5] == b"%PDF-":
        return "PDF"
    if raw[:4] == b"8BPS":
        return "Photoshop"
    return ""


_TIFF_SAMPLE_KINDS = {1: "", 2: "signed ", 3: "floating-point "}
_TIFF_COLOURS = {0: "greyscale", 1: "greyscale", 2: "RGB", 3: "palette", 5: "CMYK", 6: "YCbCr", 8: "CIELab"}


def unsupported_tiff_error(raw: bytes) -> PostureError | None:
    """``not_an_image`` naming the pixel layout of a well-formed TIFF that Pillow cannot read (32-bit
    floating-point RGB, 32-bit RGB, 16-bit grey with alpha...), or None when the TIFF is damaged.

    Pillow refuses such a file with the same "cannot identify" as a damaged one; calling it damaged would
    send the person to copy an intact file again. Only the header and first directory are read.
    """
    try:
        TiffImagePlugin.TiffImageFile(io.BytesIO(raw))
    except SyntaxError as exc:  # Pillow's word for a layout it has no decoder for
        if str(exc) != "unknown pixel mode":
            return None
    except Exception:
        return None
    else:
        return None
    try:
        ifd = TiffImagePlugin.ImageFileDirectory_v2(raw[:16] if raw[2:4] in (b"+\0", b"\0+") else raw[:8])
        fp = io.BytesIO(raw)
        fp.seek(ifd.next)
        ifd.load(fp)
        bits = ifd.get(TiffImagePlugin.BITSPERSAMPLE, (1,))
        kind = ifd.get(TiffImagePlugin.SAMPLEFORMAT, (1,))
        colours = _TIFF_COLOURS.get(ifd.get(TiffImagePlugin.PHOTOMETRIC_INTERPRETATION, 1), "colour")
        alpha = " with transparency" if ifd.get(TiffImagePlugin.EXTRASAMPLES) else ""
        layout = f"{bits[0]}-bit {_TIFF_SAMPLE_KINDS.get(kind[0], '')}{colours}{alpha}"
    except Exception:
        layout = "an unusual pixel format"
    return PostureError(
        "not_an_image",
        f"This TIFF stores its pixels as {layout}, which cannot be read here. "
        "Save it as an ordinary 8-bit (or 16-bit) RGB TIFF, JPEG or PNG and retry.",
    )


def corrupt_image_error(fmt: str) -> PostureError:
    """``corrupt_image`` naming the format when known."""
    if fmt:
        return PostureError(
            "corrupt_image",
            f"The {_FRIENDLY_NAMES.get(fmt, fmt)} picture is damaged or incomplete. Export or copy it again and retry.",
        )
    return PostureError("corrupt_image")


def too_large_message(width: int, height: int, max_pixels: int) -> str:
    """Message naming the picture's size and the limit, both in megapixels."""
    return (
        f"The picture has {width * height / 1e6:.1f} megapixels ({width} x {height} px); the limit is "
        f"{max_pixels / 1e6:g} megapixels. Resize it below the limit and retry."
    )


def too_large_message_from(exc: BaseException, max_pixels: int) -> str:
    """Message for Pillow's own bomb error, whose text is the only place the pixel count is known."""
    match = re.search(r"\((\d+) pixels\) exceeds limit of (\d+) pixels", str(exc))
    if not match:
        return "The picture has too many pixels to open safely. Resize it and retry."
    pixels, pillow_limit = int(match[1]), int(match[2])
    limit = min(pillow_limit, max_pixels)
    return (
        f"The picture has {pixels / 1e6:.1f} megapixels; the limit is {limit / 1e6:g} megapixels. "
        "Resize it below the limit and retry."
    )
