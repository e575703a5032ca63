"""Photo bytes in, an upright 8-bit RGB array out: the only place the engine touches image files.

Decisions (and why):

* **Accepted formats**: JPEG (incl. MPO, which is how Pillow names many phone JPEGs), PNG, WebP, BMP,
  TIFF and HEIC/HEIF (pillow_heif's opener, registered once at import). Pillow is asked to try only
  these plugins, so a GIF, PDF, EPS or anything else is ``not_an_image`` and never reaches a decoder
  we do not need (EPS, for one, would start Ghostscript). AVIF is not accepted yet.
* **Pixel limit checked before decoding**: ``Image.open`` is lazy and only parses the header, so the
  claimed width x height is known before a single pixel buffer is allocated. A 30 kB PNG can claim
  30000 x 30000 px (2.7 GB as RGB); refusing on the header keeps such files from costing memory or
  time. The default, :data:`DEFAULT_MAX_PIXELS` = 64 MP, admits every ordinary camera: 12-50 MP phone
  photos (8160 x 6120 = 49.9 MP is the largest common "50 MP mode") and 61 MP full-frame bodies
  (9504 x 6336 = 60.2 MP, which a round 60 MP limit would refuse). 108/200 MP phone modes are refused
  with a message naming the size. Worst case at the limit (measured): a 64 MP PNG peaks at ~0.3 GB
  (RGB) to ~0.55 GB (RGBA) with the default reduction and ~0.65-0.9 GB at full size.
  Pillow's own bomb guard (warning above ``Image.MAX_IMAGE_PIXELS`` = 89.5 MP, error above twice that)
  is left untouched for the rest of the process: its warning is silenced here because our limit is
  the authoritative one, and its error maps to ``image_too_large``. Callers raising ``max_pixels``
  above ~179 MP are therefore still capped by Pillow.
* **Reduced-size decoding**: the pose landmarker looks at ~256 px crops of the person, so a 12 MP
  photo decoded at full size is mostly wasted work and memory. JPEGs are decoded directly at 1/2, 1/4
  or 1/8 size by libjpeg's DCT scaling (OpenCV's ``IMREAD_REDUCED_*`` flags for colour JPEGs, see
  below; Pillow's ``Image.draft`` for the others), which is several times faster than a full
  decode and never materialises the full-size buffer. The largest reduction is chosen that keeps the
  long side >= ``min_long_side_px`` (default :data:`DEFAULT_MIN_LONG_SIDE_PX` = 1280 px, which the
  lead benchmarks as lossless for landmarks). Other formats cannot decode reduced; they are decoded
  in full and then shrunk by the same power-of-two rule with Pillow's ``Image.reduce`` (box average
  of n x n blocks: the same as ``cv2.INTER_AREA`` for integer factors, no aliasing, done before the
  numpy copy), so later stages see the same sizes and scales whatever the format. ``min_long_side_px=None``
  always keeps full size (the benchmark's naive baseline).
* **JPEG pixels through OpenCV**: an ordinary colour JPEG (YCbCr, what every phone writes) that ends
  with its end-of-image marker is decoded by ``cv2.imdecode`` at the same DCT scale, after Pillow
  has parsed its header (size limit, orientation). Both wrap libjpeg-turbo and give bit-identical
  pixels (checked on all 95 JPEGs of the project and the real-photo set), but OpenCV releases the
  GIL for the whole decode and writes one writable array, while Pillow's path holds the GIL for
  parts of the decode and copies the pixels twice more into numpy (measured on a 12 MP photo:
  ~37 -> ~25 ms, and two worker threads no longer wait on each other's decodes). Anything else --
  grayscale, CMYK, a file without the end marker (truncated: libjpeg would pad it with grey where
  Pillow raises), or whatever OpenCV refuses -- takes the Pillow path below, so errors and odd modes
  behave exactly as before.
* **Scale**: ``Photo.scale`` is exactly 1, 1/2, 1/4 or 1/8. The reduced image is ``ceil(size / n)``
  pixels (libjpeg's rule: a partial last block still yields a pixel), so ``rgb width / original
  width`` equals ``scale`` exactly when the original size is divisible by ``n`` (all common camera
  sizes) and otherwise exceeds it by less than one reduced pixel. Map a reduced coordinate back with
  ``x_original = x_reduced / scale``.
* **Orientation**: the EXIF orientation (all 8 values) is applied, so ``rgb`` and ``original_size``
  are upright. Some decoders apply it themselves -- libheif applies HEIF's ``irot``/``imir`` boxes and
  pillow_heif then resets the EXIF tag; Pillow's TIFF loader (13.0 here) transposes on load -- so whatever
  orientation is *still* declared after decoding is what gets applied here, never twice.
  ``exif_orientation`` reports the value as stored in the file.
* **Colour modes**: everything becomes contiguous ``uint8`` H x W x 3 RGB (:mod:`posture.colour_modes`).
* **Errors**: every failure is a :class:`~posture.errors.PostureError` -- ``not_an_image`` (empty,
  unrecognised or unsupported format), ``corrupt_image`` (recognised format that cannot be fully
  decoded, including truncation: ``ImageFile.LOAD_TRUNCATED_IMAGES`` is kept False so a cut-off
  upload is an error and not a half-grey picture), ``image_too_large``. Decoder exceptions are
  chained as ``__cause__`` for debugging. Only a path that cannot be read raises ``OSError``
  (``FileNotFoundError`` etc.): that is the caller's usage error, not a property of the photo.

Threading: decoding runs inside ``warnings.catch_warnings`` to keep Pillow's metadata warnings out
of the CLI output; on Python < 3.14 that briefly swaps the process-wide warning filters, which is
harmless here but worth knowing if this is called from many threads.
"""

from __future__ import annotations

import io
import math
import os
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
import pillow_heif
from PIL import ExifTags, Image, ImageFile, UnidentifiedImageError

from posture.colour_modes import to_rgb_image
from posture.errors import PostureError
from posture.image_formats import (
    corrupt_image_error,
    sniff_format,
    sniff_unsupported,
    too_large_message,
    too_large_message_from,
    unsupported_tiff_error,
)
from posture.sensor import camera_roll_deg

__all__ = ["DEFAULT_MAX_PIXELS", "DEFAULT_MIN_LONG_SIDE_PX", "FILE_SUFFIXES", "SOURCE_FORMATS", "Photo", "decode_image"]

DEFAULT_MAX_PIXELS = 64_000_000
"""Largest accepted width x height (upright or not, it is the same), checked on the header."""

DEFAULT_MIN_LONG_SIDE_PX = 1280
"""Reduced decoding never takes the long side of ``Photo.rgb`` below this many pixels."""

SOURCE_FORMATS = ("JPEG", "PNG", "WEBP", "BMP", "TIFF", "HEIF")
"""Values of ``Photo.source_format``."""
FILE_SUFFIXES = ("jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff", "heic", "heif")
"""File name endings (lower case, no dot) of those formats, for file pickers and folder scans."""

# Pillow plugins tried by Image.open: each accepted format's plugin carries its name. MPO
# (multi-picture JPEG from phones) has no opener of its own: the JPEG opener returns it, hence only
# in _REPORTED_FORMAT.
_OPENERS = list(SOURCE_FORMATS)
_REPORTED_FORMAT = {**{fmt: fmt for fmt in SOURCE_FORMATS}, "MPO": "JPEG"}
_SENSOR_FORMATS = ("JPEG", "HEIF")
_REDUCTIONS = (8, 4, 2)  # libjpeg's DCT scaling factors, largest first
_ORIENTATION_TAG = ExifTags.Base.Orientation  # 0x0112

# Same table as ImageOps.exif_transpose, expressed as numpy views so no extra Pillow image is built.
_TRANSPOSE = {
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1, :],
    5: lambda a: a.transpose(1, 0, 2),
    6: lambda a: np.rot90(a, -1),
    7: lambda a: a[::-1, ::-1].transpose(1, 0, 2),
    8: lambda a: np.rot90(a, 1),
}

pillow_heif.register_heif_opener()
# Truncated uploads must be errors; Pillow's default is already False, this guards against a
# stray import having flipped it (it is re-checked on every call).
ImageFile.LOAD_TRUNCATED_IMAGES = False


@dataclass(frozen=True, eq=False)
class Photo:
    """A decoded photo, upright, ready for the landmarker.

    ``rgb`` is contiguous ``uint8`` H x W x 3 RGB, possibly reduced; ``original_size`` is the
    (width, height) of the upright full-resolution image; ``scale`` is ``rgb`` pixels per original
    pixel (1.0, 0.5, 0.25 or 0.125); ``source_format`` is one of :data:`SOURCE_FORMATS`;
    ``exif_orientation`` is the orientation stored in the file (1..8, 1 when absent or invalid).
    ``camera_roll_deg`` is how far (degrees, unsigned) the phone's motion sensor says the camera was
    rolled from level, None when the file records nothing (see :mod:`posture.sensor`).
    ``eq=False`` because arrays do not compare to a single bool.
    """

    rgb: np.ndarray
    original_size: tuple[int, int]
    scale: float
    source_format: str
    exif_orientation: int
    camera_roll_deg: float | None = None


def decode_image(
    data: bytes | bytearray | memoryview | str | os.PathLike[str],
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    min_long_side_px: int | None = DEFAULT_MIN_LONG_SIDE_PX,
) -> Photo:
    """Decode a photo given as bytes (or a bytes-like buffer) or a file path into an upright :class:`Photo`.

    The pixel count is checked against ``max_pixels`` on the header, before any decoding. With
    ``min_long_side_px`` set, the image is reduced by 2, 4 or 8 (the largest that keeps its long side
    at least that long); ``None`` keeps full size.

    Raises :class:`PostureError` (``not_an_image``, ``corrupt_image``, ``image_too_large``) for any
    problem with the content; ``OSError`` such as ``FileNotFoundError`` when a path cannot be read;
    ``TypeError``/``ValueError`` for invalid arguments.
    """
    if isinstance(max_pixels, bool) or not isinstance(max_pixels, int) or max_pixels < 1:
        raise ValueError(f"max_pixels must be a positive int, got {max_pixels!r}")
    if min_long_side_px is not None and (
        isinstance(min_long_side_px, bool) or not isinstance(min_long_side_px, int) or min_long_side_px < 1
    ):
        raise ValueError(f"min_long_side_px must be a positive int or None, got {min_long_side_px!r}")
    raw = _read_bytes(data)
    if not raw:
        raise PostureError("not_an_image", "The file is empty. Upload a JPEG, PNG, WebP, BMP, TIFF or HEIC photo.")
    # Another library in the process may have switched it on; truncation must stay an error.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        # Pillow warns about odd metadata and about its own bomb threshold; ours is authoritative.
        warnings.simplefilter("ignore")
        image = _open(raw, max_pixels)
        fmt = _REPORTED_FORMAT.get(image.format or "", "")
        try:
            with image:
                if not fmt:  # only possible if a plugin outside _OPENERS claimed the file
                    raise PostureError("not_an_image")
                return _decode_opened(image, raw, fmt, max_pixels, min_long_side_px)
        except PostureError:
            raise
        except (Image.DecompressionBombError, MemoryError) as exc:
            raise PostureError("image_too_large", too_large_message_from(exc, max_pixels)) from exc
        except Exception as exc:  # decoders raise anything from OSError to struct.error
            raise corrupt_image_error(fmt) from exc


def _read_bytes(data: bytes | bytearray | memoryview | str | os.PathLike[str]) -> bytes:
    """Return the file content; paths are read whole (a photo is at most tens of MB)."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, (str, os.PathLike)):
        with open(data, "rb") as fh:
            return fh.read()
    raise TypeError(f"decode_image expects bytes or a path, got {type(data).__name__}")


def _open(raw: bytes, max_pixels: int) -> Image.Image:
    """Identify the format and parse the header (no pixel decoding), mapping failures to codes."""
    try:
        return Image.open(io.BytesIO(raw), formats=_OPENERS)
    except UnidentifiedImageError as exc:
        # Pillow also says "unidentified" when a plugin recognised the magic bytes but choked on
        # the header (pillow_heif turns every libheif error into that): the file is then damaged,
        # not foreign.
        sniffed = sniff_format(raw)
        unsupported = unsupported_tiff_error(raw) if sniffed == "TIFF" else None
        if unsupported:
            raise unsupported from exc
        if sniffed:
            raise corrupt_image_error(sniffed) from exc
        other = sniff_unsupported(raw)
        if other:
            raise PostureError(
                "not_an_image", f"{other} files are not supported. Upload a JPEG, PNG, WebP, BMP, TIFF or HEIC photo."
            ) from exc
        raise PostureError("not_an_image") from exc
    except Image.DecompressionBombError as exc:
        raise PostureError("image_too_large", too_large_message_from(exc, max_pixels)) from exc
    except MemoryError as exc:
        raise PostureError("image_too_large") from exc
    except Exception as exc:  # a plugin accepted the magic bytes, then failed
        raise corrupt_image_error(sniff_format(raw)) from exc


def _decode_opened(image: Image.Image, raw: bytes, fmt: str, max_pixels: int, min_long_side_px: int | None) -> Photo:
    """Check the size, decode (reduced when possible), convert to RGB and make it upright."""
    width, height = image.size  # TIFF and HEIF report the upright size here, JPEG & co. the stored one
    if width < 1 or height < 1:
        raise corrupt_image_error(fmt)
    if width * height > max_pixels:
        raise PostureError("image_too_large", too_large_message(width, height, max_pixels))

    factor = _reduction_factor(max(width, height), min_long_side_px)
    # Phones write the sensor's record only into JPEG and HEIC files, whose EXIF Pillow reads with the
    # header; for PNG, getexif() would decode the whole image before the checks below.
    roll = camera_roll_deg(image) if fmt in _SENSOR_FORMATS else None
    if fmt == "JPEG" and image.mode == "RGB":
        rgb = _decode_jpeg_with_opencv(raw, factor, (math.ceil(width / factor), math.ceil(height / factor)))
        if rgb is not None:
            return _upright_photo(rgb, (width, height), factor, fmt, _exif_orientation(image), None, roll)
    draft_factor = 1
    if factor > 1 and fmt == "JPEG":
        # Pillow picks the largest DCT scale whose output still covers the requested size, so
        # asking for floor(size / factor) yields exactly `factor` (fewer if the short side is tiny).
        result = image.draft("RGB", (max(1, width // factor), max(1, height // factor)))
        if result is not None:
            draft_factor = round(width / result[1][2])

    declared = _declared_orientation(image)
    image.load()
    pending = _exif_orientation(image)  # what the decoder left for us to apply
    if draft_factor == 1:
        # Trust the decoded size over the header (libheif may crop to the clean aperture).
        width, height = image.size
        factor = _reduction_factor(max(width, height), min_long_side_px)
    rgb_image = to_rgb_image(image)
    if factor > draft_factor:
        # Box average over n x n blocks: what cv2.INTER_AREA does for integer factors, but done in
        # Pillow before the numpy copy, and like libjpeg it keeps a partial last block (ceil size).
        rgb_image = rgb_image.reduce(factor // draft_factor)
    target = (math.ceil(width / factor), math.ceil(height / factor))
    if rgb_image.size != target:
        raise corrupt_image_error(fmt)  # the decoder produced another size than its header promised
    rgb = np.asarray(rgb_image)  # read-only view of a bytes copy
    del rgb_image
    return _upright_photo(rgb, (width, height), factor, fmt, pending, declared, roll)


def _upright_photo(
    rgb: np.ndarray,
    stored_size: tuple[int, int],
    factor: int,
    fmt: str,
    pending: int,
    declared: int | None,
    camera_roll: float | None,
) -> Photo:
    """Apply the orientation still pending to the decoded (stored-orientation) pixels."""
    if pending in _TRANSPOSE:
        rgb = _TRANSPOSE[pending](rgb)
    rgb = np.ascontiguousarray(rgb)
    if not rgb.flags.writeable:
        rgb = rgb.copy()  # later stages may draw on it
    width, height = stored_size
    return Photo(
        rgb=rgb,
        original_size=(height, width) if pending in (5, 6, 7, 8) else (width, height),
        scale=1.0 / factor,
        source_format=fmt,
        exif_orientation=declared or pending or 1,
        camera_roll_deg=camera_roll,
    )


# The REDUCED_GRAYSCALE constants carry only the DCT scale bits; IMREAD_COLOR_RGB adds the colour.
_OPENCV_JPEG_FLAGS = {
    1: cv2.IMREAD_COLOR_RGB,
    2: cv2.IMREAD_REDUCED_GRAYSCALE_2 | cv2.IMREAD_COLOR_RGB,
    4: cv2.IMREAD_REDUCED_GRAYSCALE_4 | cv2.IMREAD_COLOR_RGB,
    8: cv2.IMREAD_REDUCED_GRAYSCALE_8 | cv2.IMREAD_COLOR_RGB,
}


def _decode_jpeg_with_opencv(raw: bytes, factor: int, size: tuple[int, int]) -> np.ndarray | None:
    """Stored-orientation RGB pixels of a complete colour JPEG at 1/``factor`` size, or None to fall back."""
    if not raw.rstrip(b"\x00").endswith(b"\xff\xd9"):
        return None  # no end-of-image marker: possibly truncated, which only Pillow reports
    try:
        rgb = cv2.imdecode(np.frombuffer(raw, np.uint8), _OPENCV_JPEG_FLAGS[factor] | cv2.IMREAD_IGNORE_ORIENTATION)
    except cv2.error:
        return None
    if rgb is None or rgb.shape != (size[1], size[0], 3):
        return None
    return rgb


def _reduction_factor(long_side: int, min_long_side_px: int | None) -> int:
    """Largest of 8, 4, 2 keeping ``ceil(long_side / n) >= min_long_side_px``; 1 if none does."""
    if min_long_side_px is None:
        return 1
    for n in _REDUCTIONS:
        if math.ceil(long_side / n) >= min_long_side_px:
            return n
    return 1


def _declared_orientation(image: Image.Image) -> int | None:
    """Orientation a decoder applies itself and hides afterwards (HEIF, TIFF); None for the others."""
    try:
        value = image.info.get("original_orientation")  # pillow_heif keeps the stored value here
        if value is None and hasattr(image, "tag_v2"):
            value = image.tag_v2.get(_ORIENTATION_TAG)  # TIFF, before load() deletes it
    except Exception:  # broken metadata must not reject a decodable picture
        return None
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def _exif_orientation(image: Image.Image) -> int:
    """Orientation still declared by the (loaded) image's EXIF, 1 when absent or invalid."""
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # a corrupt EXIF block does not make the pixels unusable
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1
