"""Tests for posture.video.camera: the background's shift measured on synthetic frames."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from posture.video.camera import BackgroundMotion

pytestmark = pytest.mark.model_free

HEIGHT, WIDTH = 640, 360
# The person's box (normalised x0, y0, x1, y1): a busy figure in the middle of a plainer room.
BOX = (0.35, 0.2, 0.65, 0.9)


def _texture(seed: int, shape: tuple[int, int], contrast: float) -> np.ndarray:
    noise = np.random.default_rng(seed).random(shape)
    return (cv2.GaussianBlur(noise, (0, 0), 3) - 0.5) * contrast


def _frame(person_rise_px: int) -> np.ndarray:
    """A still room (faint texture everywhere) with a strongly textured person jumping in front of it."""
    room = 128 + _texture(1, (HEIGHT, WIDTH), 600)
    person = 128 + _texture(2, (HEIGHT + 200, WIDTH), 2500)
    x0, y0, x1, y1 = (int(BOX[0] * WIDTH), int(BOX[1] * HEIGHT), int(BOX[2] * WIDTH), int(BOX[3] * HEIGHT))
    frame = room.copy()
    frame[y0:y1, x0:x1] = person[100 + person_rise_px : 100 + person_rise_px + y1 - y0, x0:x1]
    grey = np.clip(frame, 0, 255).astype(np.uint8)
    return np.repeat(grey[:, :, None], 3, axis=2)


def _shifts(boxes: list) -> np.ndarray:
    motion = BackgroundMotion()
    for index, box in enumerate(boxes):
        motion.add(0.1 * index, _frame(person_rise_px=40 * (index % 2)), box)
    return np.array([shift for _, shift in motion.shifts])


def test_a_jumping_person_does_not_move_a_still_camera() -> None:
    shifts = _shifts([BOX] * 8)
    assert shifts.size == 7
    assert np.nanmax(shifts) < 0.002


def test_a_first_frame_where_the_person_was_missed_does_not_put_the_reference_on_the_person() -> None:
    # The landmarker misses the person in the first frame: the reference corners wait for a frame
    # where the person is found and masked out, or the jump would read as the camera moving.
    shifts = _shifts([None, None, *[BOX] * 8])
    assert shifts.size == 7
    assert np.nanmax(shifts) < 0.002


def test_a_camera_that_pans_is_measured() -> None:
    motion = BackgroundMotion()
    room = _frame(0)
    for index in range(6):
        panned = np.roll(room, 6 * index, axis=1)
        motion.add(0.1 * index, panned, BOX if index == 0 else None)
    shifts = np.array([shift for _, shift in motion.shifts])
    np.testing.assert_allclose(shifts, 6 * np.arange(1, 6) * (256 / WIDTH) / (HEIGHT * 256 / WIDTH), rtol=0.15)
