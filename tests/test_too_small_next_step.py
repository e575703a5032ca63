"""A photo refused as person_too_small tells the person the next step that fits its cause: a thumbnail
needs the original photo, a person small in a big picture needs the camera closer (real renders, the real
model, the app's error box)."""

from __future__ import annotations

import cv2

from posture.errors import TOO_FEW_PIXELS
from posture_app import present
from tests.app_harness import open_app
from tests.test_app import upload
from tests.test_gates_camera import jpeg, render


def _error_box(data: bytes) -> str:
    at = upload(open_app(), ("photo.jpg", data))
    (box,) = [str(element.value) for element in at.error]
    return box


def test_a_thumbnail_is_told_to_upload_the_original_not_to_move_closer(data_dir):
    bgr, _ = render("s000_front")
    thumbnail = cv2.resize(bgr, (60, 100), interpolation=cv2.INTER_AREA)  # the walkthrough's 60 x 100 px
    box = _error_box(jpeg(thumbnail))
    assert "too few pixels" in box
    assert present.CAUSE_TITLES[TOO_FEW_PIXELS] in box
    next_step = box.split("What to do next:")[1]
    assert present.CAUSE_NEXT_STEPS[TOO_FEW_PIXELS] in next_step
    assert "closer" not in next_step


def test_a_person_far_away_is_told_to_move_the_camera_closer(data_dir):
    bgr, _ = render("s000_front")
    small = cv2.resize(bgr, None, fx=0.32, fy=0.32, interpolation=cv2.INTER_AREA)
    canvas = cv2.resize(bgr[:100, :100], (1800, 2400), interpolation=cv2.INTER_LINEAR)
    canvas[1300 : 1300 + small.shape[0], 500 : 500 + small.shape[1]] = small
    box = _error_box(jpeg(canvas))
    assert present.ERROR_TITLES["person_too_small"] in box
    next_step = box.split("What to do next:")[1]
    assert present.ERROR_NEXT_STEPS["person_too_small"] in next_step
    assert "Move the camera closer" in next_step
    assert "original" not in next_step
