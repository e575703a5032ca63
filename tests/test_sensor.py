"""The camera's roll from the phone's own motion sensor (iPhone maker note), on files written here."""

from __future__ import annotations

import io
import random

import numpy as np
import pytest
from PIL import Image

from posture.imaging import decode_image
from posture.sensor import MAX_PITCH_DEG, apple_acceleration_vector, camera_roll_deg, roll_from_gravity_deg
from tests.conftest import apple_maker_note, rolled_gravity, with_maker_note


def small_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.full((40, 30, 3), 128, np.uint8)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize("byte_order", ["MM", "II"])
def test_the_gravity_vector_is_read_in_either_byte_order(byte_order):
    note = apple_maker_note((0.052, -0.986, 0.158), byte_order)
    assert apple_acceleration_vector(note) == pytest.approx((0.052, -0.986, 0.158))


def test_notes_without_a_reading_give_none():
    assert apple_acceleration_vector(b"Nikon\0\x02\x10\0\0MM*\0\0\0\x08") is None
    assert apple_acceleration_vector(apple_maker_note((0.0, -1.0, 0.0), other_tags=0)[:30]) is None  # cut short
    assert apple_acceleration_vector(b"Apple iOS\0\0\x01XX\0\x01") is None  # no byte order
    zero_denominator = apple_maker_note((0.0, -1.0, 0.0), other_tags=0)[:-4] + b"\0\0\0\0"
    assert apple_acceleration_vector(zero_denominator) is None
    no_vector = apple_maker_note((0.0, -1.0, 0.0), other_tags=0).replace(b"\0\x08\0\x0a", b"\0\x09\0\x0a", 1)
    assert apple_acceleration_vector(no_vector) is None


def test_damaged_notes_never_raise():
    rng = random.Random(7)
    good = apple_maker_note(rolled_gravity(3.0))
    for _ in range(2000):
        damaged = bytearray(good)
        for _ in range(rng.randint(1, 6)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        result = apple_acceleration_vector(bytes(damaged[: rng.randint(0, len(damaged))]))
        assert result is None or len(result) == 3


@pytest.mark.parametrize("roll", [0.0, 0.8, 3.0, -3.0, 12.5, -30.0])
def test_roll_is_the_angle_to_the_nearest_screen_edge_whatever_the_signs(roll):
    x, y, z = rolled_gravity(roll, pitch_deg=10.0)
    for gravity in ((x, y, z), (-x, -y, -z), (y, -x, z), (-y, x, z)):  # flipped axes, landscape either way
        assert roll_from_gravity_deg(gravity) == pytest.approx(abs(roll), abs=1e-6)


def test_no_roll_when_the_phone_points_steeply_up_or_down():
    assert roll_from_gravity_deg(rolled_gravity(3.0, pitch_deg=MAX_PITCH_DEG - 1)) == pytest.approx(3.0)
    assert roll_from_gravity_deg(rolled_gravity(3.0, pitch_deg=MAX_PITCH_DEG + 1)) is None
    assert roll_from_gravity_deg((0.0, 0.0, 0.0)) is None


@pytest.mark.parametrize(("fmt", "orientation"), [("JPEG", 1), ("JPEG", 6), ("HEIF", 8)])
def test_photos_carry_the_recorded_roll(fmt, orientation):
    data = with_maker_note(small_jpeg(), apple_maker_note(rolled_gravity(2.7, pitch_deg=-8.0)), fmt, orientation)
    assert camera_roll_deg(Image.open(io.BytesIO(data))) == pytest.approx(2.7, abs=1e-4)
    photo = decode_image(data)
    assert photo.camera_roll_deg == pytest.approx(2.7, abs=1e-4)
    assert photo.exif_orientation == orientation


def test_photos_without_the_record_have_no_roll():
    assert decode_image(small_jpeg()).camera_roll_deg is None
    other_maker = with_maker_note(small_jpeg(), b"Nikon\0\x02\x10\0\0MM*\0\0\0\x08")
    assert decode_image(other_maker).camera_roll_deg is None
    buffer = io.BytesIO()
    Image.open(io.BytesIO(small_jpeg())).save(buffer, "PNG")
    assert decode_image(buffer.getvalue()).camera_roll_deg is None
