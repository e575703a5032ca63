"""Each measure on hand-built landmark sets with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from posture.anatomy import BodyPoints
from posture.geometry import (
    craniovertebral_angle_deg,
    frontal_tilt_deg,
    height_difference_cm,
    horizontal_offset_cm,
    knee_valgus_deg,
    lateral_shift_cm,
    lean_from_vertical_deg,
    offset_from_line_cm,
)
from posture.measures import SPECS, status_of, typical_error
from posture.measuring import measure_body
from tests.conftest import ROOT

pytestmark = pytest.mark.model_free


def polar(origin, length, degrees_above_horizontal, forward_sign):
    """A point ``length`` px from ``origin`` at an angle above horizontal, toward ``forward_sign``."""
    angle = np.radians(degrees_above_horizontal)
    return np.array([origin[0] + forward_sign * length * np.cos(angle), origin[1] - length * np.sin(angle)])


@pytest.mark.parametrize("forward_sign", [1, -1])
@pytest.mark.parametrize("angle", [35.0, 48.5, 55.0, 70.0])
def test_craniovertebral_angle_recovers_a_known_angle_facing_either_way(angle, forward_sign):
    c7 = np.array([500.0, 300.0])
    tragus = polar(c7, 80, angle, forward_sign)
    assert craniovertebral_angle_deg(c7, tragus, forward_sign) == pytest.approx(angle, abs=1e-9)


def test_craniovertebral_angle_behind_c7_is_over_90():
    c7 = np.array([0.0, 0.0])
    assert craniovertebral_angle_deg(c7, np.array([-10.0, -50.0]), 1) > 90


@pytest.mark.parametrize("forward_sign", [1, -1])
def test_horizontal_offset_is_positive_when_first_point_is_anterior(forward_sign):
    ear, shoulder = np.array([100.0 + 20 * forward_sign, 50.0]), np.array([100.0, 120.0])
    assert horizontal_offset_cm(ear, shoulder, forward_sign, 0.25) == pytest.approx(5.0)
    assert horizontal_offset_cm(shoulder, ear, forward_sign, 0.25) == pytest.approx(-5.0)


def test_offset_from_a_slanted_plumb_line_is_measured_at_the_points_height():
    ankle, hip = np.array([100.0, 1000.0]), np.array([110.0, 500.0])  # the line leans 10 px per 500 px
    shoulder = np.array([140.0, 0.0])  # the line is at x = 120 at y = 0
    assert offset_from_line_cm(shoulder, ankle, hip, 1, 0.5) == pytest.approx(10.0)
    assert offset_from_line_cm(shoulder, ankle, hip, -1, 0.5) == pytest.approx(-10.0)


@pytest.mark.parametrize("lean", [-12.0, 0.0, 4.0, 20.0])
def test_lean_from_vertical(lean):
    hip = np.array([300.0, 600.0])
    shoulder = hip + 400 * np.array([np.sin(np.radians(lean)), -np.cos(np.radians(lean))])
    assert lean_from_vertical_deg(hip, shoulder, 1) == pytest.approx(lean)
    assert lean_from_vertical_deg(hip, shoulder, -1) == pytest.approx(-lean)


@pytest.mark.parametrize("tilt", [-6.0, -1.0, 0.0, 2.5, 8.0])
def test_frontal_tilt_is_positive_when_the_left_side_is_higher_in_front_and_back_views(tilt):
    # Front view: the subject's left is on image right (left_sign +1).
    right = np.array([400.0, 500.0])
    left = right + 200 * np.array([np.cos(np.radians(tilt)), -np.sin(np.radians(tilt))])
    assert frontal_tilt_deg(left, right, 1) == pytest.approx(tilt)
    # The same body seen from behind: the left side is on image left.
    mirrored_left, mirrored_right = np.array([1000 - left[0], left[1]]), np.array([1000 - right[0], right[1]])
    assert frontal_tilt_deg(mirrored_left, mirrored_right, -1) == pytest.approx(tilt)


def test_height_difference_and_lateral_shift_in_cm():
    assert height_difference_cm(np.array([0.0, 90.0]), np.array([10.0, 100.0]), 0.2) == pytest.approx(2.0)
    assert lateral_shift_cm(np.array([100.0, 500.0]), np.array([110.0, 200.0]), 1, 0.3) == pytest.approx(3.0)
    assert lateral_shift_cm(np.array([100.0, 500.0]), np.array([110.0, 200.0]), -1, 0.3) == pytest.approx(-3.0)


@pytest.mark.parametrize("bend", [3.0, 9.0, 15.0])
def test_knee_valgus_sign_follows_the_knee_relative_to_the_midline(bend):
    hip, ankle = np.array([300.0, 500.0]), np.array([300.0, 900.0])
    half = np.radians(bend) / 2  # a symmetric bend: thigh and shank each turn by half the angle
    knee_medial = np.array([300.0 + 200 * np.tan(half), 700.0])
    knee_lateral = np.array([300.0 - 200 * np.tan(half), 700.0])
    assert knee_valgus_deg(hip, knee_medial, ankle, medial_sign=1) == pytest.approx(bend, abs=1e-6)
    assert knee_valgus_deg(hip, knee_lateral, ankle, medial_sign=1) == pytest.approx(-bend, abs=1e-6)
    assert knee_valgus_deg(hip, knee_medial, ankle, medial_sign=-1) == pytest.approx(-bend, abs=1e-6)


def frontal_body(points: dict, left_sign=1, height_source="given", visibility=1.0) -> BodyPoints:
    return BodyPoints(
        "front" if left_sign == 1 else "back",
        0.2,
        175.0,
        height_source,
        {k: np.array(v, float) for k, v in points.items()},
        dict.fromkeys(points, visibility),
        {},
        left_sign=left_sign,
    )


LEVEL_BODY = {
    "left_ear": (520, 100),
    "right_ear": (480, 100),
    "left_eye": (510, 95),
    "right_eye": (490, 95),
    "left_shoulder": (580, 250),
    "right_shoulder": (420, 250),
    "left_hip": (545, 500),
    "right_hip": (455, 500),
    "left_knee": (545, 700),
    "right_knee": (455, 700),
    "left_ankle": (545, 900),
    "right_ankle": (455, 900),
}


def test_a_level_body_measures_zero_everywhere_and_normal():
    measured, skipped = measure_body(frontal_body(LEVEL_BODY))
    assert not skipped
    assert {k for k, s in SPECS.items() if "front" in s.views} == set(measured)
    for m in measured.values():
        assert m.value == pytest.approx(0.0, abs=1e-9)
        assert m.status == "normal"


def test_scale_invariance_angles_unchanged_and_cm_follow_the_scale():
    tilted = dict(LEVEL_BODY, left_shoulder=(580, 240), left_hip=(545, 495))
    base, _ = measure_body(frontal_body(tilted))
    doubled = frontal_body({k: (2 * x, 2 * y) for k, (x, y) in tilted.items()})
    doubled = BodyPoints(doubled.view, 0.1, 175.0, "given", doubled.points, doubled.visibility, {}, left_sign=1)
    scaled, _ = measure_body(doubled)
    for key, m in base.items():
        assert scaled[key].value == pytest.approx(m.value, abs=1e-9), key


def test_mirroring_a_front_photo_flips_the_left_right_signs():
    tilted = dict(LEVEL_BODY, left_shoulder=(580, 240), right_hip=(455, 490), left_knee=(535, 700))
    original, _ = measure_body(frontal_body(tilted))
    # Mirror the picture: the subject's left now appears on image left, as its right did before.
    mirrored_points = {}
    for name, (x, y) in tilted.items():
        other = name.replace("left", "RIGHT").replace("right", "left").replace("RIGHT", "right")
        mirrored_points[other] = (1000 - x, y)
    mirrored, _ = measure_body(frontal_body(mirrored_points))
    for key in (
        "shoulder_tilt_deg",
        "pelvic_obliquity_deg",
        "head_tilt_deg",
        "trunk_lateral_lean_deg",
        "shoulder_height_diff_cm",
        "hip_height_diff_cm",
        "trunk_lateral_shift_cm",
    ):
        assert mirrored[key].value == pytest.approx(-original[key].value, abs=1e-9), key
    assert mirrored["knee_valgus_right_deg"].value == pytest.approx(original["knee_valgus_left_deg"].value)
    assert original["shoulder_tilt_deg"].value > 2  # the test is not vacuous


def test_low_visibility_gives_not_assessed_with_the_reason_never_a_number():
    body = frontal_body(LEVEL_BODY)
    body.visibility["left_knee"] = 0.2
    measured, skipped = measure_body(body)
    assert "knee_valgus_left_deg" not in measured
    assert "left knee" in skipped["knee_valgus_left_deg"]
    assert "0.20" in skipped["knee_valgus_left_deg"]
    assert "knee_valgus_right_deg" in measured


def test_oblique_photo_measures_nothing_and_says_why():
    straight, _ = measure_body(frontal_body(LEVEL_BODY))
    measured, skipped = measure_body(frontal_body(LEVEL_BODY), oblique_turn_deg=40)
    assert measured == {}
    assert set(skipped) == set(straight)
    assert all("turned about 40°" in reason and "perspective" in reason for reason in skipped.values())


def test_turn_confidence_scales_every_confidence_and_no_value():
    straight, _ = measure_body(frontal_body(LEVEL_BODY))
    turned_body, _ = measure_body(frontal_body(LEVEL_BODY), turn_confidence=0.6)
    assert set(turned_body) == set(straight)
    for key, measurement in turned_body.items():
        assert measurement.value == straight[key].value
        assert measurement.confidence == pytest.approx(0.6 * straight[key].confidence)


def test_assumed_height_lowers_confidence_of_centimetres_only():
    measured, _ = measure_body(frontal_body(LEVEL_BODY, height_source="assumed"))
    assert measured["shoulder_height_diff_cm"].confidence < measured["shoulder_tilt_deg"].confidence
    assert measured["shoulder_height_diff_cm"].estimate
    assert not measured["shoulder_tilt_deg"].estimate


def test_status_bands():
    cva = SPECS["craniovertebral_angle_deg"]
    assert status_of(52, cva) == "normal"
    assert status_of(47, cva) == "borderline"
    assert status_of(40, cva) == "deviation"
    tilt = SPECS["shoulder_tilt_deg"]
    assert [status_of(v, tilt) for v in (-1, 3, -5)] == ["normal", "borderline", "deviation"]


def test_every_spec_documents_its_unit_range_and_source():
    for spec in SPECS.values():
        assert spec.unit in ("deg", "cm")
        assert spec.key.endswith("_" + spec.unit)
        assert spec.source
        assert spec.definition
        assert spec.normal != (None, None)


def side_body(forward_sign=-1, c7_note="mask") -> BodyPoints:
    f = forward_sign
    points = {
        "ear": (500 + 30 * f, 100),
        "eye": (500 + 40 * f, 95),
        "c7": (500 - 10 * f, 160),
        "shoulder": (500, 200),
        "hip": (500, 500),
        "knee": (500 + 10 * f, 700),
        "ankle": (500, 900),
        "heel": (500 - 5 * f, 910),
    }
    return BodyPoints(
        "left" if f == -1 else "right",
        0.2,
        175.0,
        "given",
        {k: np.array(v, float) for k, v in points.items()},
        dict.fromkeys(points, 0.99),
        {"c7": c7_note},
        anterior_sign=f,
    )


@pytest.mark.parametrize("forward_sign", [1, -1])
def test_side_view_measures_on_a_hand_built_profile(forward_sign):
    measured, _skipped = measure_body(side_body(forward_sign), pelvic_tilt=(21.0, 0.5))
    assert measured["craniovertebral_angle_deg"].value == pytest.approx(np.degrees(np.arctan2(60, 40)))
    assert measured["ear_ahead_of_shoulder_cm"].value == pytest.approx(6.0)
    assert measured["shoulder_ahead_of_plumb_cm"].value == pytest.approx(0.0)
    assert measured["trunk_lean_deg"].value == pytest.approx(0.0)
    assert measured["knee_ahead_of_ankle_cm"].value == pytest.approx(2.0)
    assert measured["pelvic_tilt_deg"].value == 21.0
    assert measured["pelvic_tilt_deg"].estimate
    assert measured["pelvic_tilt_deg"].status == "borderline"
    assert measured["ear_ahead_of_shoulder_cm"].status == "borderline"


def test_side_view_without_pelvic_estimate_and_fallback_c7():
    measured, skipped = measure_body(side_body(c7_note="shoulder offset"))
    assert "pelvic_tilt_deg" in skipped
    assert "pelvic_tilt_deg" not in measured
    with_mask, _ = measure_body(side_body())
    assert measured["craniovertebral_angle_deg"].confidence < with_mask["craniovertebral_angle_deg"].confidence


def test_every_measure_has_its_benchmarked_typical_error():
    """posture/typical_errors.json and docs/accuracy.md come from the same benchmark run: each
    measure's typical error is its largest held-out MAE in the accuracy table."""
    table = (ROOT / "docs" / "accuracy.md").read_text().split("<!-- begin engine")[1].split("<!-- end engine")[0]
    held_out_mae: dict[str, float] = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 13 and cells[0] in SPECS and cells[10]:
            held_out_mae[cells[0]] = max(held_out_mae.get(cells[0], 0.0), float(cells[10]))
    assert set(held_out_mae) == set(SPECS)
    for key, mae in held_out_mae.items():
        assert typical_error(key) == pytest.approx(mae, abs=0.005), key
    assert typical_error("profile_difference.trunk_lean_deg") is None
