"""Landmarks: mirroring a pose, and the mirrored pass that right profiles are measured on."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from posture.imaging import decode_image
from posture.landmarks import (
    LandmarkerPool,
    detect_people,
    detect_people_mirrored,
)
from posture.measuring import pose_from_mirrored_pass
from posture.pose import INDEX, LANDMARK_NAMES, MIRRORED_INDEX, Pose, mirror_pose

WIDTH, HEIGHT = 720, 1280


def standing_pose(seed: int = 0, shift_px: float = 0.0) -> Pose:
    """A pose with distinct, reproducible points spread over a person-sized box."""
    rng = np.random.default_rng(seed)
    xy = np.c_[rng.uniform(250, 450, 33) + shift_px, np.linspace(150, 1100, 33)]
    visibility = rng.uniform(0.2, 1.0, 33)
    world = rng.normal(0, 0.3, (33, 3))
    mask = np.zeros((HEIGHT, WIDTH), dtype=bool)
    mask[150:1100, 250:400] = True
    return Pose(xy, visibility, world, mask, 1.0, (WIDTH, HEIGHT))


def test_mirroring_swaps_sides_flips_x_and_is_its_own_inverse():
    pose = standing_pose()
    mirrored = mirror_pose(pose)
    assert mirrored.point("left_ear") == pytest.approx([WIDTH - pose.point("right_ear")[0], pose.point("right_ear")[1]])
    assert mirrored.point("nose") == pytest.approx([WIDTH - pose.point("nose")[0], pose.point("nose")[1]])
    assert mirrored.vis("right_ankle") == pose.vis("left_ankle")
    assert mirrored.world_m[INDEX["left_hip"]] == pytest.approx(pose.world_m[INDEX["right_hip"]] * [-1, 1, 1])
    assert mirrored.mask[500, WIDTH - 1 - 300]
    assert not mirrored.mask[500, 300 - 1 - 60]
    back = mirror_pose(mirrored)
    np.testing.assert_allclose(back.xy_px, pose.xy_px)
    np.testing.assert_allclose(back.world_m, pose.world_m)
    np.testing.assert_array_equal(back.visibility, pose.visibility)
    np.testing.assert_array_equal(back.mask, pose.mask)


def test_every_landmark_trades_places_with_its_twin_and_only_the_nose_stays():
    assert sorted(MIRRORED_INDEX) == list(range(33))
    assert all(MIRRORED_INDEX[MIRRORED_INDEX[i]] == i for i in range(33))
    staying = [LANDMARK_NAMES[i] for i in range(33) if MIRRORED_INDEX[i] == i]
    assert staying == ["nose"]
    for name in LANDMARK_NAMES:
        if name.startswith("left_"):
            assert LANDMARK_NAMES[MIRRORED_INDEX[INDEX[name]]] == name.replace("left_", "right_")


def test_the_mirrored_pass_gives_its_positions_and_the_surer_visibility():
    subject = standing_pose(seed=1)
    same_person = dataclasses.replace(standing_pose(seed=1, shift_px=4.0), visibility=np.full(33, 0.3))
    bystander = standing_pose(seed=2, shift_px=300.0)
    chosen = pose_from_mirrored_pass(subject, (bystander, same_person))
    np.testing.assert_array_equal(chosen.xy_px, same_person.xy_px)
    np.testing.assert_array_equal(chosen.visibility, np.maximum(subject.visibility, 0.3))


def test_without_the_same_person_on_the_mirrored_photo_the_first_pass_stays():
    subject = standing_pose(seed=1)
    assert pose_from_mirrored_pass(subject, ()) is subject
    assert pose_from_mirrored_pass(subject, (standing_pose(seed=1, shift_px=300.0),)) is subject


def test_the_real_model_finds_the_same_person_on_the_mirrored_photo(sample_bytes):
    photo = decode_image(sample_bytes["right"])
    first, mirrored = detect_people(photo)[0], detect_people_mirrored(photo)[0]
    height = np.ptp(first.xy_px[:, 1])
    shift = np.linalg.norm(mirrored.xy_px - first.xy_px, axis=1)
    # Same person, same sides (a missed left-right swap would move the far arm and leg by a body width)...
    assert np.median(shift) < 0.02 * height
    assert pose_from_mirrored_pass(first, (mirrored,)).xy_px is not first.xy_px
    # ...yet not the same points: the model is not mirror-symmetric, which is why the pass exists.
    assert np.max(shift) > 1.0


def test_warming_a_pool_builds_one_landmarker_per_worker_and_reuses_them():
    pool = LandmarkerPool("lite")
    pool.warm(2)
    with pool.borrow() as first, pool.borrow() as second:
        assert first is not second
    pool.warm(2)
    with pool.borrow() as again, pool.borrow() as other:
        assert {id(again), id(other)} == {id(first), id(second)}
    pool.close()
