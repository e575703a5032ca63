"""TIFF files that are well formed but store pixels Pillow has no decoder for (floating-point
colour, 64-bit grey): refused as a format that cannot be read, never as damaged.

Real files written here with OpenCV and Pillow; no mocks.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from posture.analysis import analyze_photo
from posture.errors import PostureError
from posture.imaging import decode_image
from posture.photo_result import RefusedPhoto
from tests.conftest import ROOT


def picture() -> np.ndarray:
    rgb = np.zeros((48, 64, 3), np.uint8)
    rgb[..., 0] = np.linspace(0, 255, 64, dtype=np.uint8)[None, :]
    rgb[..., 1] = np.linspace(0, 255, 48, dtype=np.uint8)[:, None]
    rgb[8:20, 5:30] = (230, 30, 30)
    return rgb


def opencv_tiff(array: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".tiff", array)
    assert ok
    return data.tobytes()


FLOAT_RGB = opencv_tiff(picture().astype(np.float32)[..., ::-1] / 255.0)
DOUBLE_GREY = opencv_tiff(picture()[..., 0].astype(np.float64) / 255.0)
FLOAT_RGBA = opencv_tiff(np.dstack([picture()[..., ::-1], np.full((48, 64), 255, np.uint8)]).astype(np.float32) / 255.0)


@pytest.mark.parametrize(
    ("data", "layout"),
    [
        (FLOAT_RGB, "32-bit floating-point RGB,"),
        (DOUBLE_GREY, "64-bit floating-point greyscale"),
        (FLOAT_RGBA, "32-bit floating-point RGB"),
    ],
    ids=["float32-rgb", "float64-grey", "float32-rgba"],
)
def test_unreadable_tiff_layout_is_named_not_called_damaged(data, layout):
    with pytest.raises(PostureError) as info:
        decode_image(data)
    assert info.value.code == "not_an_image"
    assert layout in info.value.message
    assert "damaged" not in info.value.message
    result = analyze_photo(data, name="scan.tif")
    assert isinstance(result, RefusedPhoto)
    assert result.error.code == "not_an_image"
    assert "8-bit" in result.error.message  # says what to save it as


def test_damaged_tiffs_stay_corrupt():
    for broken in (FLOAT_RGB[:20], b"II*\x00\x08\x00\x00\x00" + b"\xff" * 50):
        with pytest.raises(PostureError) as info:
            decode_image(broken)
        assert info.value.code == "corrupt_image"
    intact = io.BytesIO()
    Image.fromarray(picture()).save(intact, "TIFF")
    with pytest.raises(PostureError) as info:
        decode_image(intact.getvalue()[: len(intact.getvalue()) // 2])
    assert info.value.code == "corrupt_image"


def test_readable_float_grey_tiff_still_decodes():
    grey = Image.fromarray(picture()[..., 0].astype(np.float32) / 255.0, "F")
    buffer = io.BytesIO()
    grey.save(buffer, "TIFF")
    photo = decode_image(buffer.getvalue())
    assert photo.rgb.shape == (48, 64, 3)
    assert abs(int(photo.rgb[0, 63, 0]) - 255) <= 1


def test_a_32_bit_integer_grey_tiff_is_measured_not_washed_out():
    # Samples up to 2^31 read as 16-bit ones were clipped at 65535: the picture came out white, "no person".
    grey = np.asarray(Image.open(ROOT / "sample_images" / "left_s006.jpg").convert("L")).astype(np.int64)
    buffer = io.BytesIO()
    Image.fromarray((grey * 2**23).astype(np.int32), mode="I").save(buffer, "TIFF")
    photo = decode_image(buffer.getvalue())
    assert np.abs(photo.rgb[..., 0].astype(int) - grey * 255.0 / grey.max()).mean() < 1.0, "to their maximum"
    result = analyze_photo(buffer.getvalue(), name="wide.tif")
    assert result.ok, result.error
    assert result.view == "left"
