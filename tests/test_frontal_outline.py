"""The outline cues of a front or back photo, on real renders' stored poses and masks (no model)."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest

from posture.frontal_outline import CUES, ELBOW_LINE, HEAD_OUTLINE, SHOULDER_OUTLINE, frontal_cues
from posture.measures import frontal_tilt_deg
from posture.photo_result import MeasuredPhoto
from posture.pose import INDEX, Pose
from tests.pose_fixtures import measured_from_fixture

pytestmark = pytest.mark.model_free


def stored_pose(name: str) -> tuple[Pose, str]:
    photo = measured_from_fixture(name)
    assert isinstance(photo, MeasuredPhoto), photo
    assert photo.pose is not None
    return photo.pose, photo.view


def rolled(pose: Pose, degrees: float) -> Pose:
    """The pose as a camera rolled by ``degrees`` about the picture's centre would see it: mask and points."""
    assert pose.mask is not None
    width, height = pose.image_size
    turn = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), degrees, 1.0)
    xy = pose.xy_px @ turn[:, :2].T + turn[:, 2]
    mask_turn = turn.copy()
    mask_turn[:, 2] *= pose.mask_scale
    mask = cv2.warpAffine(pose.mask.astype(np.uint8), mask_turn, pose.mask.shape[::-1], flags=cv2.INTER_NEAREST)
    return dataclasses.replace(pose, xy_px=xy, mask=mask.astype(bool))


@pytest.mark.parametrize("name", ["s002_front", "s002_back"])
@pytest.mark.parametrize("roll_deg", [-4.0, 4.0])
def test_every_cue_turns_with_the_picture_like_the_ear_line(name, roll_deg):
    """Rolling the picture tilts every left-right line by the same angle: each cue must follow the
    ear line's change in size and sign (the sign convention of frontal_tilt_deg, in both views)."""
    pose, view = stored_pose(name)
    left_sign = 1 if view == "front" else -1
    before, after = frontal_cues(pose, view), frontal_cues(rolled(pose, roll_deg), view)
    ears = [
        frontal_tilt_deg(p.point("left_ear"), p.point("right_ear"), left_sign) for p in (pose, rolled(pose, roll_deg))
    ]
    assert set(before) == set(after) == set(CUES)
    for cue in CUES:
        # The head's silhouette is cut at the neck along a picture row, so a rolled picture cuts it a
        # little differently: it follows within 1.5 deg, the point and top-of-shoulder lines within 0.6.
        tolerance = 1.5 if cue == HEAD_OUTLINE else 0.6
        assert after[cue] - before[cue] == pytest.approx(ears[1] - ears[0], abs=tolerance), cue
    assert abs(ears[1] - ears[0]) == pytest.approx(abs(roll_deg), abs=0.1)


def test_a_photo_without_its_mask_gives_only_the_point_cues():
    pose, view = stored_pose("s002_front")
    cues = frontal_cues(dataclasses.replace(pose, mask=None), view)
    assert HEAD_OUTLINE not in cues
    assert SHOULDER_OUTLINE not in cues
    assert ELBOW_LINE in cues


def test_a_raised_arm_gives_no_elbow_line():
    pose, view = stored_pose("s002_back")
    xy = pose.xy_px.copy()
    # The elbow out to the side and above the shoulder.
    xy[INDEX["left_elbow"]] = xy[INDEX["left_shoulder"]] + np.array([80.0, -60.0])
    assert ELBOW_LINE in frontal_cues(pose, view)
    assert ELBOW_LINE not in frontal_cues(dataclasses.replace(pose, xy_px=xy), view)


def test_profiles_have_no_frontal_cues():
    pose, view = stored_pose("s001_left")
    assert view == "left"
    assert frontal_cues(pose, view) == {}
