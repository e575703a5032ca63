"""Clinical points from MediaPipe points: offsets, C7 from the outline, scale, pelvic tilt estimate."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from posture.anatomy import Corrections, body_points, default_corrections, facing_sign
from posture.pelvis import POPULATION_MEAN_TILT_DEG, estimate_pelvic_tilt, outline_features
from tests.conftest import truth


def test_corrections_move_points_toward_the_clinical_ones(analysed):
    """On a sample profile, corrected ear/shoulder/hip/C7 land nearer the true points than raw ones."""
    result = analysed["left"]
    meta = truth("s006_left")
    corrected = body_points(result.pose, "left", result.height_cm)
    raw = body_points(result.pose, "left", result.height_cm, Corrections.identity())
    for point, true_name in (("ear", "ear_l"), ("shoulder", "shoulder_l"), ("hip", "hip_l"), ("c7", "c7_skin")):
        target = np.array([meta["keypoints_px"][true_name]["x"], meta["keypoints_px"][true_name]["y"]])
        assert np.linalg.norm(corrected.points[point] - target) < np.linalg.norm(raw.points[point] - target), point
    assert corrected.notes["c7"] == "mask"


def test_offsets_follow_the_facing_direction(analysed):
    left, right = analysed["left"], analysed["right"]
    assert facing_sign(left.pose) == -1
    assert facing_sign(right.pose) == 1
    for result in (left, right):
        raw = body_points(result.pose, result.view, result.height_cm, Corrections.identity())
        corrected = body_points(result.pose, result.view, result.height_cm)
        # MediaPipe's ear is ahead of the tragus: the correction moves it backwards.
        assert (corrected.points["ear"][0] - raw.points["ear"][0]) * corrected.anterior_sign < 0


def test_scale_from_the_given_height_matches_the_renders_true_scale(analysed):
    for view, name in (("front", "s000_front"), ("left", "s006_left")):
        body = analysed[view].body
        assert body.cm_per_px == pytest.approx(truth(name)["image_meta"]["cm_per_px_at_trunk_depth"], rel=0.04)


def test_without_height_the_assumed_stature_is_used_and_said(analysed):
    body = body_points(analysed["front"].pose, "front", None)
    assert body.height_source == "assumed"
    assert body.height_cm == 170.0


def test_c7_falls_back_to_the_shoulder_without_a_mask(analysed):
    pose = dataclasses.replace(analysed["left"].pose, mask=None)
    body = body_points(pose, "left", 170)
    assert body.notes["c7"] == "shoulder offset"
    assert outline_features(pose, body) is None
    assert estimate_pelvic_tilt(pose, body) is None


def test_pelvic_tilt_estimate_is_anchored_on_the_population_mean(analysed):
    result = analysed["left"]
    features = outline_features(result.pose, result.body)
    assert features is not None
    assert np.all(np.isfinite(features))
    value, confidence = estimate_pelvic_tilt(result.pose, result.body)
    assert 0 < value < 35
    assert confidence <= 0.5
    rotation = truth("s006_left")["truth_3d"]["pelvic_tilt_rotation_deg"]
    assert value == pytest.approx(POPULATION_MEAN_TILT_DEG + rotation, abs=8)


def test_shipped_corrections_round_trip():
    corrections = default_corrections()
    assert Corrections.from_dict(corrections.to_dict()) == corrections
    assert set(corrections.scale_factor) == {"front", "back", "left", "right"}
