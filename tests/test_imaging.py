"""Tests for posture.imaging: real encoded files made here with Pillow / pillow_heif / OpenCV, no mocks.

The synthetic pictures carry an asymmetric colour layout, so any wrong rotation or mirror changes
many pixels; comparisons use mean absolute difference to tolerate lossy codecs.
"""

from __future__ import annotations

import io
import math
import struct
import time
import warnings
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageFile

from posture import imaging
from posture.errors import PostureError
from posture.imaging import (
    DEFAULT_MAX_PIXELS,
    DEFAULT_MIN_LONG_SIDE_PX,
    SOURCE_FORMATS,
    Photo,
    decode_image,
)

IMAGING_CODES = {"not_an_image", "corrupt_image", "image_too_large"}
SAMPLE_IMAGES = Path(__file__).resolve().parent.parent / "sample_images"
FUZZ_SEED = 20240611
FUZZ_CASES = 1000


# ---------------------------------------------------------------- helpers


def pattern(width: int, height: int) -> np.ndarray:
    """Smooth gradients plus three coloured blocks placed asymmetrically (no symmetry survives a flip)."""
    img = np.empty((height, width, 3), np.uint8)
    img[..., 0] = np.linspace(40, 190, width).round().astype(np.uint8)[None, :]
    img[..., 1] = np.linspace(40, 190, height).round().astype(np.uint8)[:, None]
    img[..., 2] = 90
    img[: height // 3, : width // 2] = (230, 30, 30)  # red: top-left, wide
    img[height // 2 :, 3 * width // 4 :] = (20, 20, 220)  # blue: bottom-right
    img[2 * height // 3 :, : width // 6] = (30, 220, 40)  # green: bottom-left, narrow
    return img


def encode(array_or_image, fmt: str, **kwargs) -> bytes:
    """Encode an array or a Pillow image with Pillow's writer for ``fmt``."""
    image = array_or_image if isinstance(array_or_image, Image.Image) else Image.fromarray(array_or_image)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def exif_bytes(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def mad(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of two same-shaped arrays."""
    assert a.shape == b.shape, f"shape {a.shape} != {b.shape}"
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def assert_valid_photo(photo: Photo) -> None:
    """The invariants every successful decode must satisfy."""
    assert isinstance(photo, Photo)
    rgb = photo.rgb
    assert isinstance(rgb, np.ndarray)
    assert rgb.dtype == np.uint8
    assert rgb.ndim == 3
    assert rgb.shape[2] == 3
    assert rgb.flags.c_contiguous
    assert photo.source_format in SOURCE_FORMATS
    assert 1 <= photo.exif_orientation <= 8
    assert photo.scale in (1.0, 0.5, 0.25, 0.125)
    width, height = photo.original_size
    assert width >= 1
    assert height >= 1
    # rgb is ceil(original * scale) on each side
    assert rgb.shape[1] == math.ceil(width * photo.scale)
    assert rgb.shape[0] == math.ceil(height * photo.scale)


def error_code(data, **kwargs) -> str:
    with pytest.raises(PostureError) as info:
        decode_image(data, **kwargs)
    return info.value.code


def case_id(fmt: str, kwargs: dict) -> str:
    return "-".join([fmt, *map(str, kwargs.values())])


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_with_header(width: int, height: int, idat: bytes) -> bytes:
    """A PNG whose IHDR claims width x height 8-bit RGB, followed by ``idat`` as its only data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def jpeg_with_size(jpeg: bytes, width: int, height: int) -> bytes:
    """Patch the SOF0 frame header of a baseline JPEG to claim another size (the data stays small)."""
    sof = jpeg.index(b"\xff\xc0")
    return jpeg[: sof + 5] + struct.pack(">HH", height, width) + jpeg[sof + 9 :]


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def small() -> np.ndarray:
    return pattern(320, 240)


@pytest.fixture(scope="module")
def camera_jpeg() -> tuple[np.ndarray, bytes]:
    """A 4032 x 3024 (12 MP phone size) synthetic photo and its quality-92 JPEG."""
    array = pattern(4032, 3024)
    return array, encode(array, "JPEG", quality=92)


# ---------------------------------------------------------------- formats


FORMAT_CASES = [
    ("JPEG", dict(quality=95), 3.0),
    ("PNG", {}, 0.0),
    ("WEBP", dict(lossless=True), 0.0),
    ("WEBP", dict(quality=90), 4.0),
    ("BMP", {}, 0.0),
    ("TIFF", {}, 0.0),
    ("TIFF", dict(compression="tiff_lzw"), 0.0),
    ("TIFF", dict(compression="jpeg"), 3.0),
    ("HEIF", dict(quality=90), 4.0),
]


@pytest.mark.parametrize(("fmt", "kwargs", "tolerance"), FORMAT_CASES, ids=[case_id(f, k) for f, k, _ in FORMAT_CASES])
def test_each_format_decodes(small, fmt, kwargs, tolerance):
    photo = decode_image(encode(small, fmt, **kwargs))
    assert_valid_photo(photo)
    assert photo.source_format == fmt
    assert photo.original_size == (320, 240)
    assert photo.scale == 1.0
    assert photo.exif_orientation == 1
    assert mad(photo.rgb, small) <= tolerance


def test_paths_and_buffers_are_accepted(tmp_path, small):
    data = encode(small, "PNG")
    path = tmp_path / "photo.png"
    path.write_bytes(data)
    for source in (str(path), path, bytearray(data), memoryview(data)):
        photo = decode_image(source)
        assert np.array_equal(photo.rgb, small)


def test_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        decode_image(tmp_path / "nope.jpg")


@pytest.mark.parametrize(
    "bad", [dict(max_pixels=0), dict(max_pixels=1.5), dict(min_long_side_px=0), dict(min_long_side_px=True)]
)
def test_invalid_arguments(small, bad):
    with pytest.raises(ValueError, match=f"^{next(iter(bad))} must be a positive int"):
        decode_image(encode(small, "PNG"), **bad)


def test_unsupported_input_type():
    with pytest.raises(TypeError):
        decode_image(12345)


def test_mpo_is_reported_as_jpeg(small):
    first, second = Image.fromarray(small), Image.fromarray(small[::-1].copy())
    data = encode(first, "MPO", save_all=True, append_images=[second], quality=95)
    assert Image.open(io.BytesIO(data)).format == "MPO"
    photo = decode_image(data)
    assert photo.source_format == "JPEG"
    assert mad(photo.rgb, small) < 3  # first frame


# ---------------------------------------------------------------- EXIF orientation

# How a camera stores an upright picture U (H x W) for each EXIF orientation, written from the
# EXIF definition of "row 0 / column 0" (not from the implementation's transpose table).
STORED = {
    1: lambda u: u,
    2: lambda u: u[:, ::-1],  # row 0 = top, column 0 = right
    3: lambda u: u[::-1, ::-1],  # row 0 = bottom, column 0 = right
    4: lambda u: u[::-1, :],  # row 0 = bottom, column 0 = left
    5: lambda u: u.transpose(1, 0, 2),  # stored[i, j] = U[j, i]
    6: lambda u: np.rot90(u, 1),  # stored[i, j] = U[j, W-1-i]
    7: lambda u: u[::-1, ::-1].transpose(1, 0, 2),  # stored[i, j] = U[H-1-j, W-1-i]
    8: lambda u: np.rot90(u, -1),  # stored[i, j] = U[H-1-j, i]
}

ORIENTATION_FORMATS = [
    ("JPEG", dict(quality=100, subsampling=0), 1.0),
    ("PNG", {}, 0.0),
    ("WEBP", dict(lossless=True), 0.0),
    ("TIFF", {}, 0.0),
    ("HEIF", dict(quality=-1, chroma=444), 1.0),
]


def test_stored_layouts_match_exif_definition():
    """Cross-check the STORED table element by element for the two diagonal cases."""
    u = pattern(6, 4)
    h, w = u.shape[:2]
    s7, s6 = STORED[7](u), STORED[6](u)
    for i in range(w):
        for j in range(h):
            assert np.array_equal(s7[i, j], u[h - 1 - j, w - 1 - i])
            assert np.array_equal(s6[i, j], u[j, w - 1 - i])


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize(
    ("fmt", "kwargs", "tolerance"), ORIENTATION_FORMATS, ids=[f for f, _, _ in ORIENTATION_FORMATS]
)
def test_exif_orientation_gives_upright_pixels(fmt, kwargs, tolerance, orientation):
    upright = pattern(96, 64)
    stored = np.ascontiguousarray(STORED[orientation](upright))
    kwargs = dict(kwargs)
    if fmt == "TIFF":
        kwargs["tiffinfo"] = {0x0112: orientation}
    else:
        kwargs["exif"] = exif_bytes(orientation)
    photo = decode_image(encode(stored, fmt, **kwargs))
    assert_valid_photo(photo)
    assert photo.original_size == (96, 64)
    assert photo.exif_orientation == orientation
    assert photo.rgb.shape == upright.shape
    assert mad(photo.rgb, upright) <= tolerance


def test_sideways_photo_equals_upright_photo():
    upright = pattern(120, 80)
    a = decode_image(encode(upright, "PNG"))
    b = decode_image(encode(np.ascontiguousarray(np.rot90(upright, 1)), "PNG", exif=exif_bytes(6)))
    assert np.array_equal(a.rgb, b.rgb)
    assert a.original_size == b.original_size == (120, 80)


@pytest.mark.parametrize("value", [0, 9, 300])
def test_invalid_orientation_is_ignored(small, value):
    photo = decode_image(encode(small, "JPEG", quality=95, exif=exif_bytes(value)))
    assert photo.exif_orientation == 1
    assert mad(photo.rgb, small) < 3


# ---------------------------------------------------------------- reduced decoding


def test_camera_jpeg_is_decoded_at_half_size(camera_jpeg):
    array, data = camera_jpeg
    photo = decode_image(data)
    assert_valid_photo(photo)
    assert photo.original_size == (4032, 3024)
    assert photo.scale == 0.5
    assert photo.rgb.shape == (1512, 2016, 3)
    assert max(photo.rgb.shape[:2]) >= DEFAULT_MIN_LONG_SIDE_PX
    full = decode_image(data, min_long_side_px=None)
    assert full.scale == 1.0
    assert full.rgb.shape == (3024, 4032, 3)
    assert mad(full.rgb, array) < 2
    halved = cv2.resize(full.rgb, (2016, 1512), interpolation=cv2.INTER_AREA)
    assert mad(photo.rgb, halved) < 2


@pytest.mark.parametrize(("min_long", "scale"), [(640, 0.25), (500, 0.125), (2016, 0.5), (2017, 1.0), (5000, 1.0)])
def test_reduction_is_the_largest_that_keeps_the_long_side(camera_jpeg, min_long, scale):
    _, data = camera_jpeg
    photo = decode_image(data, min_long_side_px=min_long)
    assert photo.scale == scale
    assert photo.rgb.shape[:2] == (3024 * scale, 4032 * scale)
    assert max(photo.rgb.shape[:2]) >= min(min_long, 4032)


def test_reduced_jpeg_with_orientation(camera_jpeg):
    array, _ = camera_jpeg
    data = encode(np.ascontiguousarray(np.rot90(array, 1)), "JPEG", quality=92, exif=exif_bytes(6))
    photo = decode_image(data)
    assert photo.original_size == (4032, 3024)
    assert photo.exif_orientation == 6
    assert photo.rgb.shape == (1512, 2016, 3)
    assert mad(photo.rgb, cv2.resize(array, (2016, 1512), interpolation=cv2.INTER_AREA)) < 2


def pillow_reference(data: bytes, factor: int, orientation: int = 1) -> np.ndarray:
    """What Pillow alone decodes: DCT-scaled by ``factor``, then turned upright."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (image.width // factor, image.height // factor))
        stored = np.asarray(image.convert("RGB"))
    assert orientation in (1, 6)
    return np.ascontiguousarray(np.rot90(stored, -1)) if orientation == 6 else stored


@pytest.mark.parametrize("progressive", [False, True])
@pytest.mark.parametrize(("min_long", "factor"), [(None, 1), (1280, 2), (1000, 4), (500, 8)])
@pytest.mark.parametrize("orientation", [1, 6])
def test_colour_jpeg_pixels_are_exactly_pillows(camera_jpeg, progressive, min_long, factor, orientation):
    # Ordinary colour JPEGs are decoded by OpenCV (it releases the GIL); the pixels must be the
    # ones Pillow's libjpeg gives, bit for bit, whatever the scale, scan mode and orientation.
    array, _ = camera_jpeg
    stored = np.ascontiguousarray(np.rot90(array, 1)) if orientation == 6 else array
    data = encode(stored, "JPEG", quality=92, progressive=progressive, exif=exif_bytes(orientation))
    photo = decode_image(data, min_long_side_px=min_long)
    assert photo.scale == 1 / factor
    assert photo.exif_orientation == orientation
    reference = pillow_reference(data, factor, orientation)
    assert photo.rgb.shape == reference.shape == (3024 // factor, 4032 // factor, 3)
    assert np.array_equal(photo.rgb, reference)


def test_real_photo_jpeg_pixels_are_exactly_pillows():
    data = (SAMPLE_IMAGES / "front_s000.jpg").read_bytes()
    assert imaging._decode_jpeg_with_opencv(data, 1, (720, 1280)) is not None
    assert np.array_equal(decode_image(data).rgb, pillow_reference(data, 1))


def test_jpegs_opencv_cannot_vouch_for_fall_back_to_pillow(small):
    data = encode(small, "JPEG", quality=90)
    size = (small.shape[1], small.shape[0])
    assert imaging._decode_jpeg_with_opencv(data, 1, size) is not None
    assert imaging._decode_jpeg_with_opencv(data[:-2], 1, size) is None  # no end marker: maybe cut off
    assert imaging._decode_jpeg_with_opencv(data, 2, size) is None  # not the size the header promised
    # Bytes after the end marker (some cameras append data) go through Pillow and decode the same.
    assert np.array_equal(decode_image(data + b"trailer").rgb, decode_image(data).rgb)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "HEIF"])
def test_other_formats_are_shrunk_the_same_way(fmt):
    # 2560 is the smallest long side that allows halving to 1280.
    array = pattern(2560, 1200)
    kwargs = {} if fmt == "PNG" else dict(quality=90)
    data = encode(array, fmt, **kwargs)
    photo = decode_image(data)
    assert photo.source_format == fmt
    assert photo.original_size == (2560, 1200)
    assert photo.scale == 0.5
    assert photo.rgb.shape == (600, 1280, 3)
    assert mad(photo.rgb, cv2.resize(array, (1280, 600), interpolation=cv2.INTER_AREA)) < 3
    assert decode_image(data, min_long_side_px=None).rgb.shape == (1200, 2560, 3)
    assert decode_image(encode(array[:, :2558], fmt, **kwargs)).scale == 1.0


def test_odd_sizes_round_up():
    array = pattern(2563, 1001)
    photo = decode_image(encode(array, "JPEG", quality=92))
    assert photo.scale == 0.5
    assert photo.original_size == (2563, 1001)
    assert photo.rgb.shape == (501, 1282, 3)  # ceil(1001 / 2), ceil(2563 / 2)
    png = decode_image(encode(array, "PNG"))
    assert png.scale == 0.5
    assert png.rgb.shape == (501, 1282, 3)


def test_thin_panorama_still_reaches_the_target_size():
    # 20000 x 7: asking libjpeg for 1/8 would leave the short side 0, Pillow settles for less and
    # the rest is done by area averaging.
    array = np.repeat(pattern(20000, 1), 7, axis=0)
    photo = decode_image(encode(array, "JPEG", quality=92))
    assert photo.scale == 0.125
    assert photo.rgb.shape == (1, 2500, 3)


def test_small_images_are_not_reduced(small):
    photo = decode_image(encode(small, "JPEG", quality=95))
    assert photo.scale == 1.0
    assert photo.rgb.shape == (240, 320, 3)
    tiny = decode_image(encode(pattern(3, 2), "PNG"))
    assert tiny.rgb.shape == (2, 3, 3)


# ---------------------------------------------------------------- colour modes


def test_alpha_is_composited_on_white():
    rgba = np.zeros((8, 8, 4), np.uint8)
    rgba[:4, :, :] = (255, 0, 0, 255)  # opaque red
    rgba[4:6, :, :] = (0, 0, 0, 0)  # transparent black -> white
    rgba[6:, :, :] = (0, 0, 0, 128)  # half-transparent black -> mid grey
    for fmt, kwargs in (("PNG", {}), ("WEBP", dict(lossless=True)), ("TIFF", {})):
        rgb = decode_image(encode(rgba, fmt, **kwargs)).rgb
        assert (rgb[:4] == (255, 0, 0)).all(), fmt
        assert (rgb[4:6] == 255).all(), fmt
        assert (rgb[6:] == 127).all(), fmt


def test_grey_with_alpha_and_palette_transparency():
    la = Image.fromarray(np.dstack([np.full((4, 4), 10, np.uint8), np.array([[0, 255] * 2] * 4, np.uint8)]), "LA")
    rgb = decode_image(encode(la, "PNG")).rgb
    assert (rgb[:, 0::2] == 255).all()
    assert (rgb[:, 1::2] == 10).all()

    pal = Image.new("P", (4, 4), 0)
    pal.putpalette([0, 0, 0, 200, 100, 50] + [0] * 762)
    pal.paste(1, (0, 0, 2, 4))
    rgb = decode_image(encode(pal, "PNG", transparency=0)).rgb
    assert (rgb[:, :2] == (200, 100, 50)).all()
    assert (rgb[:, 2:] == 255).all()
    opaque = decode_image(encode(pal, "PNG")).rgb
    assert (opaque[:, 2:] == 0).all()


def test_colour_key_transparency():
    # PNG tRNS on RGB / grey images names one colour that is fully transparent.
    rgb = np.zeros((2, 4, 3), np.uint8)
    rgb[:, 2:] = (10, 20, 30)
    out = decode_image(encode(rgb, "PNG", transparency=(0, 0, 0))).rgb
    assert (out[:, :2] == 255).all()
    assert (out[:, 2:] == (10, 20, 30)).all()
    grey = np.array([[0, 0, 77, 77]], np.uint8)
    out = decode_image(encode(grey, "PNG", transparency=0)).rgb
    assert out[0, :, 0].tolist() == [255, 255, 77, 77]
    grey16 = Image.fromarray(np.array([[0, 0, 30000, 30000]], np.uint16))
    assert decode_image(encode(grey16, "PNG")).rgb[0, :, 0].tolist() == [0, 0, 117, 117]
    out = decode_image(encode(grey16, "PNG", transparency=30000)).rgb
    assert out[0, :, 0].tolist() == [0, 0, 255, 255]


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF", "BMP", "WEBP"])
def test_greyscale(fmt):
    grey = np.tile(np.arange(0, 256, 16, dtype=np.uint8), (16, 1))
    photo = decode_image(encode(grey, fmt, **(dict(quality=100) if fmt == "JPEG" else {})))
    assert photo.rgb.shape == (16, 16, 3)
    assert (photo.rgb[..., 0] == photo.rgb[..., 1]).all()
    assert (photo.rgb[..., 1] == photo.rgb[..., 2]).all()
    assert mad(photo.rgb[..., 0], grey) <= (2.0 if fmt in ("JPEG", "WEBP") else 0.0)


@pytest.mark.parametrize("fmt", ["PNG", "TIFF"])
def test_sixteen_bit_grey_is_scaled(fmt):
    values = np.array([[0, 257, 32896, 65535]], np.uint16)
    image = Image.fromarray(values)
    assert image.mode == "I;16"
    rgb = decode_image(encode(image, fmt)).rgb
    assert rgb[0, :, 0].tolist() == [0, 1, 128, 255]
    assert rgb.dtype == np.uint8
    assert rgb.shape == (1, 4, 3)


def test_sixteen_bit_colour_png():
    rgb16 = np.zeros((2, 3, 3), np.uint16)
    rgb16[..., 0], rgb16[..., 1], rgb16[..., 2] = 65535, 0, 32896  # R, G, B
    ok, data = cv2.imencode(".png", rgb16[..., ::-1])  # OpenCV writes BGR
    assert ok
    assert data.tobytes()[24] == 16  # IHDR bit depth
    rgb = decode_image(data.tobytes()).rgb
    assert (rgb == (255, 0, 128)).all()

    rgba16 = np.dstack([rgb16[..., ::-1], np.zeros((2, 3), np.uint16)])  # fully transparent
    ok, data = cv2.imencode(".png", rgba16)
    assert (decode_image(data.tobytes()).rgb == 255).all()


def test_sixteen_bit_colour_tiff():
    rgb16 = np.zeros((2, 3, 3), np.uint16)
    rgb16[..., 0], rgb16[..., 2] = 65535, 32896
    ok, data = cv2.imencode(".tiff", rgb16[..., ::-1])
    assert ok
    rgb = decode_image(data.tobytes()).rgb
    assert (rgb == (255, 0, 128)).all()


def test_cmyk_jpeg_and_tiff():
    colours = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]]], np.uint8)
    array = np.repeat(np.repeat(colours, 16, axis=1), 16, axis=0)
    cmyk = Image.fromarray(array).convert("CMYK")
    jpeg = encode(cmyk, "JPEG", quality=95)
    assert b"Adobe" in jpeg  # Pillow writes Adobe's inverted CMYK, the variant Photoshop produces
    assert Image.open(io.BytesIO(jpeg)).mode == "CMYK"
    assert mad(decode_image(jpeg).rgb, array) < 4
    assert np.array_equal(decode_image(encode(cmyk, "TIFF")).rgb, array)


@pytest.mark.parametrize("fmt", ["PNG", "BMP", "TIFF"])
def test_one_bit(fmt):
    bits = np.zeros((8, 16), bool)
    bits[:, 8:] = True
    image = Image.fromarray(bits)
    assert image.mode == "1"
    rgb = decode_image(encode(image, fmt)).rgb
    assert (rgb[:, :8] == 0).all()
    assert (rgb[:, 8:] == 255).all()


def test_palette_without_transparency(small):
    pal = Image.fromarray(small).convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
    for fmt in ("PNG", "BMP", "TIFF"):
        photo = decode_image(encode(pal, fmt))
        assert mad(photo.rgb, np.asarray(pal.convert("RGB"))) == 0, fmt


def test_exotic_tiff_modes_become_rgb():
    floats = Image.fromarray(np.array([[0.0, 0.5, 1.0]], np.float32))
    assert decode_image(encode(floats, "TIFF")).rgb[0, :, 0].tolist() == [0, 128, 255]
    ints = Image.fromarray(np.array([[0, 32768, 65535]], np.int32))
    assert decode_image(encode(ints, "TIFF")).rgb[0, :, 0].tolist() == [0, 128, 255], "16-bit samples"
    wide = Image.fromarray(np.array([[0, 65535, 100000]], np.int32))
    assert decode_image(encode(wide, "TIFF")).rgb[0, :, 0].tolist() == [0, 167, 255], "32-bit: to their maximum"


def test_output_is_writable_and_owned(small):
    photo = decode_image(encode(small, "PNG"))
    photo.rgb[0, 0] = 0  # later stages may draw on it


# ---------------------------------------------------------------- pixel limit


def test_defaults():
    assert DEFAULT_MAX_PIXELS == 64_000_000
    assert DEFAULT_MIN_LONG_SIDE_PX == 1280


@pytest.mark.parametrize(("width", "height"), [(30000, 30000), (10000, 10000), (9000, 8000)])
def test_huge_png_header_is_refused_before_decoding(width, height):
    # The IDAT is garbage: a decoder that ran would report corrupt_image, so image_too_large proves
    # the size was checked on the header first. 30000^2 is past Pillow's own bomb error, 10000^2 in
    # its warning band, 9000 x 8000 between our limit and Pillow's.
    data = png_with_header(width, height, b"not zlib at all")
    start = time.perf_counter()
    with pytest.raises(PostureError) as info:
        decode_image(data)
    assert time.perf_counter() - start < 0.5
    assert info.value.code == "image_too_large"
    assert "megapixels" in info.value.message
    assert f"{width * height / 1e6:.1f}" in info.value.message


def test_pixel_limit_parameter_and_boundary():
    data = png_with_header(3000, 3000, b"not zlib at all")
    assert error_code(data, max_pixels=8_999_999) == "image_too_large"
    assert error_code(data, max_pixels=9_000_000) == "corrupt_image"  # the decoder ran this time
    photo = decode_image(encode(pattern(100, 100), "PNG"), max_pixels=10_000)
    assert photo.rgb.shape == (100, 100, 3)
    assert error_code(encode(pattern(100, 100), "PNG"), max_pixels=9_999) == "image_too_large"


def test_huge_jpeg_and_bmp_headers_are_refused(small):
    jpeg = encode(small, "JPEG", quality=90)
    assert error_code(jpeg_with_size(jpeg, 9000, 8000)) == "image_too_large"
    assert error_code(jpeg_with_size(jpeg, 60000, 60000)) == "image_too_large"
    bmp = bytearray(encode(small, "BMP"))
    bmp[18:26] = struct.pack("<ii", 20000, 20000)
    assert error_code(bytes(bmp)) == "image_too_large"


def test_pillow_bomb_guard_never_escapes():
    data = png_with_header(10000, 10000, b"x")  # 100 MP: inside Pillow's warning band
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a DecompressionBombWarning would now be an exception
        assert error_code(data) == "image_too_large"
        # Raising our limit above Pillow's hard limit still ends as image_too_large, not Pillow's error.
        assert error_code(png_with_header(30000, 30000, b"x"), max_pixels=10**10) == "image_too_large"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        error_code(data)
    assert not [w for w in caught if issubclass(w.category, Image.DecompressionBombWarning)]


def test_load_truncated_images_stays_false(small):
    data = encode(small, "JPEG")
    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as some other library might do
    try:
        assert error_code(data[: len(data) // 2]) == "corrupt_image"
        assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False


# ---------------------------------------------------------------- not an image / corrupt


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello, this is a text file\n" * 10,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>",
        b"PK\x03\x04" + bytes(100),
        b"\x00",
        np.random.default_rng(7).bytes(5000),
    ],
    ids=["empty", "text", "pdf", "svg", "zip", "nul", "random"],
)
def test_not_an_image(data):
    assert error_code(data) == "not_an_image"


def test_text_file_path_is_not_an_image(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("not really a jpeg")
    assert error_code(path) == "not_an_image"


@pytest.mark.parametrize("fmt", ["GIF", "AVIF", "ICO", "PPM", "TGA"])
def test_unsupported_picture_formats_are_refused_by_name(small, fmt):
    with pytest.raises(PostureError) as info:
        decode_image(encode(small, fmt))
    assert info.value.code == "not_an_image"
    if fmt in ("GIF", "AVIF"):
        assert fmt in info.value.message


TRUNCATION_CASES = [
    ("JPEG", dict(quality=90)),
    ("JPEG", dict(quality=90, progressive=True)),
    ("PNG", {}),
    ("WEBP", dict(quality=90)),
    ("WEBP", dict(lossless=True)),
    ("BMP", {}),
    ("TIFF", {}),
    ("TIFF", dict(compression="tiff_lzw")),
    ("HEIF", dict(quality=90)),
]


@pytest.mark.parametrize(("fmt", "kwargs"), TRUNCATION_CASES, ids=[case_id(f, k) for f, k in TRUNCATION_CASES])
@pytest.mark.parametrize("keep", [0.5, 0.9, 40])
def test_truncated_files_are_corrupt(small, fmt, kwargs, keep):
    data = encode(small, fmt, **kwargs)
    cut = keep if isinstance(keep, int) else int(len(data) * keep)
    with pytest.raises(PostureError) as info:
        decode_image(data[:cut])
    assert info.value.code == "corrupt_image"


def test_jpeg_without_end_marker_is_corrupt(small):
    # Strict on purpose (LOAD_TRUNCATED_IMAGES stays False): a missing EOI means a cut-off transfer.
    data = encode(small, "JPEG", quality=90)
    assert data.endswith(b"\xff\xd9")
    assert error_code(data[:-2]) == "corrupt_image"


def test_jpeg_with_damaged_middle(small):
    data = bytearray(encode(small, "JPEG", quality=90))
    start = len(data) // 3
    data[start : start + 400] = np.random.default_rng(3).bytes(400)
    try:
        photo = decode_image(bytes(data))  # libjpeg may resynchronise and return a picture
    except PostureError as exc:
        code = exc.code
    else:
        assert_valid_photo(photo)
        code = "ok"
    assert code in ("ok", "corrupt_image")


def test_jpeg_with_broken_markers_is_corrupt(small):
    data = encode(small, "JPEG", quality=90)
    sos = data.index(b"\xff\xda")
    assert error_code(data[:sos] + b"\xff\xd9") == "corrupt_image"  # header, no scan
    assert error_code(b"\xff\xd8\xff" + bytes(50)) == "corrupt_image"


def test_png_with_bad_crc_or_zlib_is_corrupt(small):
    data = bytearray(encode(small, "PNG"))
    idat = data.index(b"IDAT")
    broken = bytearray(data)
    broken[idat + 10] ^= 0xFF  # CRC mismatch
    assert error_code(bytes(broken)) == "corrupt_image"
    assert error_code(png_with_header(16, 16, b"garbage that is not zlib")) == "corrupt_image"
    assert error_code(png_with_header(16, 16, zlib.compress(b"\x00" * 10))) == "corrupt_image"  # short


def test_error_message_names_the_format(small):
    data = encode(small, "HEIF", quality=80)
    with pytest.raises(PostureError) as info:
        decode_image(data[: len(data) // 2])
    assert "HEIC" in info.value.message
    assert info.value.__cause__ is not None  # the decoder's exception is kept for debugging


# ---------------------------------------------------------------- fuzz


def _fuzz_corpus() -> list[tuple[str, bytes]]:
    base = pattern(40, 32)
    rgba = np.dstack([base, np.tile(np.arange(0, 256, 8, dtype=np.uint8)[:, None], (1, 40))])
    pal = Image.fromarray(base).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    return [
        ("jpeg", encode(base, "JPEG", quality=85)),
        ("jpeg-progressive-exif6", encode(base, "JPEG", quality=85, progressive=True, exif=exif_bytes(6))),
        ("jpeg-grey", encode(base[..., 0], "JPEG", quality=85)),
        ("jpeg-cmyk", encode(Image.fromarray(base).convert("CMYK"), "JPEG", quality=85)),
        ("png", encode(base, "PNG")),
        ("png-rgba", encode(rgba, "PNG")),
        ("png-palette-trns", encode(pal, "PNG", transparency=0)),
        ("png-16bit-grey", encode(Image.fromarray(base[..., 0].astype(np.uint16) * 257), "PNG")),
        ("webp-lossy", encode(base, "WEBP", quality=80)),
        ("webp-lossless-alpha", encode(rgba, "WEBP", lossless=True)),
        ("bmp", encode(base, "BMP")),
        ("bmp-palette", encode(pal, "BMP")),
        ("tiff", encode(base, "TIFF")),
        ("tiff-lzw-exif8", encode(base, "TIFF", compression="tiff_lzw", tiffinfo={0x0112: 8})),
        ("tiff-deflate", encode(base, "TIFF", compression="tiff_adobe_deflate")),
        ("tiff-jpeg", encode(base, "TIFF", compression="jpeg")),
        ("heif", encode(base, "HEIF", quality=70)),
    ]


def _mutate(rng: np.random.Generator, corpus: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """One fuzz input and a description of how it was made."""
    name, data = corpus[rng.integers(len(corpus))]
    kind = int(rng.integers(8))
    if kind == 0:
        length = int(rng.integers(0, 3000))
        return f"random {length} bytes", rng.bytes(length)
    if kind == 1:  # a valid magic number followed by noise
        other = corpus[rng.integers(len(corpus))][1]
        head = int(rng.integers(2, 64))
        return f"first {head} bytes of a file + noise", other[:head] + rng.bytes(int(rng.integers(0, 2000)))
    buf = bytearray(data)
    if kind == 2:
        flips = int(rng.integers(1, 16))
        for pos in rng.integers(0, len(buf), flips):
            buf[pos] ^= 1 << int(rng.integers(8))
        return f"{name} with {flips} bit flips", bytes(buf)
    if kind == 3:
        cut = int(rng.integers(0, len(buf)))
        return f"{name} truncated at {cut}/{len(buf)}", bytes(buf[:cut])
    if kind == 4:
        pos, n = int(rng.integers(0, len(buf))), int(rng.integers(1, 64))
        return f"{name} with {n} bytes inserted at {pos}", bytes(buf[:pos] + rng.bytes(n) + buf[pos:])
    if kind == 5:
        pos, n = int(rng.integers(0, len(buf))), int(rng.integers(1, 64))
        return f"{name} with {n} bytes deleted at {pos}", bytes(buf[:pos] + buf[pos + n :])
    if kind == 6:  # header swap: another format's first bytes on this file's body
        other_name, other = corpus[rng.integers(len(corpus))]
        head = int(rng.integers(4, 200))
        return f"{other_name} header ({head} bytes) on {name}", other[:head] + bytes(buf[head:])
    # overwrite a run in the first 256 bytes (where sizes, tags and chunk lengths live)
    pos = int(rng.integers(0, min(256, len(buf))))
    n = int(rng.integers(1, 9))
    buf[pos : pos + n] = rng.bytes(n)
    return f"{name} with {n} header bytes overwritten at {pos}", bytes(buf)


def test_fuzz_only_photos_or_imaging_errors():
    corpus = _fuzz_corpus()
    rng = np.random.default_rng(FUZZ_SEED)
    failures, outcomes = [], {"ok": 0, **{code: 0 for code in IMAGING_CODES}}
    start = time.perf_counter()
    for case in range(FUZZ_CASES):
        description, data = _mutate(rng, corpus)
        label = f"seed {FUZZ_SEED} case {case}: {description}"
        try:
            photo = decode_image(data)
        except PostureError as exc:
            if exc.code not in IMAGING_CODES:
                failures.append(f"{label}: unexpected code {exc.code}")
            else:
                outcomes[exc.code] += 1
            continue
        except Exception as exc:  # the point of the test is to catch anything
            failures.append(f"{label}: {type(exc).__name__}: {exc}")
            continue
        try:
            assert_valid_photo(photo)
            outcomes["ok"] += 1
        except AssertionError as exc:
            failures.append(f"{label}: invalid Photo {exc}")
    elapsed = time.perf_counter() - start
    assert not failures, "\n".join(failures)
    assert elapsed < 20, f"fuzz took {elapsed:.1f} s"
    # The corpus must exercise all outcomes, or the test would prove little.
    assert outcomes["ok"] > 20, outcomes
    assert outcomes["corrupt_image"] > 50, outcomes
    assert outcomes["not_an_image"] > 20, outcomes
