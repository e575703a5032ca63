"""The engine end to end with the real model: sample photos, transformed copies, one test per error code."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from posture.analysis import analyze_photo
from posture.assessment import assess
from posture.cli import format_text
from posture.errors import ERROR_CODES
from posture.findings_text import format_findings
from posture.gates import FOOT_POINTS, VISIBLE
from posture.imaging import decode_image
from posture.landmarks import detect_people
from posture.measuring import measure_subject, with_moved_landmarks
from posture.pose import LANDMARK_NAMES, MIRRORED_INDEX
from tests.conftest import EVAL_IMAGES, apple_maker_note, png_with_header_size, rolled_gravity, turned, with_maker_note

SIDE_KEYS = {
    "craniovertebral_angle_deg",
    "ear_ahead_of_shoulder_cm",
    "shoulder_ahead_of_plumb_cm",
    "trunk_lean_deg",
    "pelvic_tilt_deg",
    "knee_ahead_of_ankle_cm",
}


def rgb_of(data: bytes) -> np.ndarray:
    return np.array(Image.open(io.BytesIO(data)).convert("RGB"))


def encode(rgb: np.ndarray, fmt: str = "JPEG", exif_orientation: int | None = None) -> bytes:
    buffer = io.BytesIO()
    exif = Image.Exif()
    if exif_orientation:
        exif[0x0112] = exif_orientation
    options = {"quality": 95} if fmt == "JPEG" else {}
    Image.fromarray(rgb).save(buffer, fmt, exif=exif.tobytes(), **options)
    return buffer.getvalue()


def jpeg(rgb: np.ndarray) -> bytes:
    return encode(rgb)


def test_every_sample_photo_is_analysed_in_its_view(analysed):
    for view, result in analysed.items():
        assert result.ok, result.error
        assert result.view == view
        assert result.view_confidence > 0.8
        assert result.height_source == "given"


def test_side_photos_report_every_side_measure_and_front_photos_every_frontal_one(analysed):
    for view in ("left", "right"):
        assert set(analysed[view].measurements) | set(analysed[view].not_assessed) == SIDE_KEYS
        assert SIDE_KEYS - {"pelvic_tilt_deg"} <= set(analysed[view].measurements)
    for view in ("front", "back"):
        assert "shoulder_tilt_deg" in analysed[view].measurements
        assert not set(analysed[view].measurements) & SIDE_KEYS


def test_sample_measures_are_close_to_the_ground_truth(analysed):
    from tests.conftest import truth

    left = truth("s006_left")["truth_2d"]
    assert analysed["left"].measurements["craniovertebral_angle_deg"].value == pytest.approx(left["cva_deg_l"], abs=4)
    assert analysed["left"].measurements["trunk_lean_deg"].value == pytest.approx(left["trunk_lean_deg_l"], abs=3)
    front = truth("s000_front")["truth_2d"]
    assert analysed["front"].measurements["shoulder_tilt_deg"].value == pytest.approx(front["shoulder_tilt_deg"], abs=2)


def test_json_contract_of_a_good_photo(analysed):
    data = analysed["left"].to_dict()
    assert {
        "image",
        "ok",
        "error",
        "view",
        "view_confidence",
        "person",
        "warnings",
        "measurements",
        "not_assessed",
        "landmarks_px",
        "timings_ms",
    } <= set(data)
    cva = data["measurements"]["craniovertebral_angle_deg"]
    assert set(cva) == {"value", "unit", "confidence", "normal_range", "status", "source"}
    assert cva["unit"] == "deg"
    assert cva["normal_range"] == [50, None]
    assert len(data["landmarks_px"]) == 33
    assert len(data["landmarks_px"]["left_ear"]) == 3


@pytest.mark.parametrize("orientation", [2, 3, 4, 5, 6, 7, 8])
def test_exif_rotated_copies_measure_the_same(sample_bytes, analysed, orientation):
    """A phone stores the pixels sideways and says so in EXIF: the measurements must not change.

    Stored losslessly (PNG with an eXIf chunk) so the only difference is the orientation.
    """
    upright = rgb_of(sample_bytes["left"])
    # The stored pixels are the inverse of the transform the orientation tag says to apply.
    stored = {
        2: upright[:, ::-1],
        3: np.rot90(upright, 2),
        4: upright[::-1],
        5: np.rot90(upright[:, ::-1], 1),
        6: np.rot90(upright, 1),
        7: np.rot90(upright[:, ::-1], -1),
        8: np.rot90(upright, -1),
    }[orientation]
    height = analysed["left"].height_cm
    rotated = analyze_photo(encode(np.ascontiguousarray(stored), "PNG", orientation), height_cm=height)
    reference = analyze_photo(encode(upright, "PNG"), height_cm=height)
    assert rotated.ok
    assert rotated.view == "left"
    assert rotated.measurements.keys() == reference.measurements.keys()
    for key, m in reference.measurements.items():
        assert rotated.measurements[key].value == pytest.approx(m.value, abs=1e-6), key


def test_a_mirrored_front_photo_flips_left_and_right(sample_bytes, analysed):
    mirrored = analyze_photo(
        jpeg(np.ascontiguousarray(rgb_of(sample_bytes["front"])[:, ::-1])), height_cm=analysed["front"].height_cm
    )
    original = analysed["front"].measurements
    assert mirrored.ok
    # MediaPipe is not exactly mirror-symmetric: its points move by about its own error (1-2 deg),
    # so the check is a sign flip of the clear asymmetries plus agreement within twice that error.
    for key in ("shoulder_tilt_deg", "head_tilt_deg"):
        assert abs(original[key].value) > 1.5, key
        assert np.sign(mirrored.measurements[key].value) == -np.sign(original[key].value), key
    assert mirrored.measurements["shoulder_tilt_deg"].value == pytest.approx(
        -original["shoulder_tilt_deg"].value, abs=1.0
    )
    # Knee valgus swaps sides; MediaPipe's knees are the least mirror-stable points (up to ~4 deg).
    assert mirrored.measurements["knee_valgus_right_deg"].value == pytest.approx(
        original["knee_valgus_left_deg"].value, abs=4.5
    )


def test_a_mirrored_left_profile_becomes_a_right_profile(sample_bytes, analysed):
    mirrored = analyze_photo(
        jpeg(np.ascontiguousarray(rgb_of(sample_bytes["left"])[:, ::-1])), height_cm=analysed["left"].height_cm
    )
    assert mirrored.view == "right"
    cva = analysed["left"].measurements["craniovertebral_angle_deg"].value
    assert mirrored.measurements["craniovertebral_angle_deg"].value == pytest.approx(cva, abs=4.0)
    # A right profile is measured on the mirrored photo, here (up to JPEG re-encoding) the
    # original left profile: its landmarks are the left profile's, mirrored.
    width = analysed["left"].photo.original_size[0]
    twin = {name: LANDMARK_NAMES[i] for name, i in zip(LANDMARK_NAMES, MIRRORED_INDEX, strict=True)}
    shifts = [
        np.hypot(width - mirrored.landmarks_px[twin[name]][0] - x, mirrored.landmarks_px[twin[name]][1] - y)
        for name, (x, y, _) in analysed["left"].landmarks_px.items()
    ]
    assert np.median(shifts) < 3.0  # the first pass on the mirrored photo differs by ~5 px
    assert np.median(shifts) < 1.5


def rolled_readings(sample_bytes, analysed, view: str, degrees: float = 4.0) -> list:
    """The measures of a sample photo rotated ``degrees`` clockwise and counter-clockwise (a rolled camera)."""
    rgb = rgb_of(sample_bytes[view])
    height, width = rgb.shape[:2]
    readings = []
    for angle in (-degrees, degrees):
        turned = cv2.warpAffine(
            rgb,
            cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0),
            (width, height),
            borderMode=cv2.BORDER_REPLICATE,
        )
        result = analyze_photo(jpeg(turned), height_cm=analysed[view].height_cm)
        assert result.ok
        assert result.view == view
        readings.append(result.measurements)
    return readings


def per_degree(readings, key: str, degrees: float = 4.0) -> float:
    return (readings[1][key].value - readings[0][key].value) / (2 * degrees)


def test_a_rolled_camera_moves_the_frontal_tilts_by_its_angle(sample_bytes, analysed):
    # Rotating the photo changes every true left-right tilt by exactly the angle: counter-clockwise
    # raises the image's right side, the subject's left in a front view.
    # Measured: shoulders 0.94, hips 0.88, trunk 1.04 deg per degree (head 0.6: the ears are noisier).
    readings = rolled_readings(sample_bytes, analysed, "front")
    assert 0.75 < per_degree(readings, "shoulder_tilt_deg") < 1.25
    assert 0.7 < per_degree(readings, "pelvic_obliquity_deg") < 1.25
    assert -1.25 < per_degree(readings, "trunk_lateral_lean_deg") < -0.75  # the shoulders move to the subject's right


def test_a_rolled_camera_moves_the_profile_angles_by_its_angle_and_not_the_plumb_offset(sample_bytes, analysed):
    # A left profile faces image-left: counter-clockwise leans the body forward and drops the ear
    # toward C7's height. The shoulder's offset from the ankle-hip line turns with the body.
    # Measured: trunk lean 1.07, CVA -1.1 deg per degree, plumb 0.12 cm per degree.
    readings = rolled_readings(sample_bytes, analysed, "left")
    assert 0.75 < per_degree(readings, "trunk_lean_deg") < 1.25
    assert -1.4 < per_degree(readings, "craniovertebral_angle_deg") < -0.7
    assert abs(per_degree(readings, "shoulder_ahead_of_plumb_cm")) < 0.3


def test_scale_invariance_a_larger_copy_measures_the_same(sample_bytes, analysed):
    rgb = rgb_of(sample_bytes["right"])
    larger = cv2.resize(rgb, None, fx=2.5, fy=2.5, interpolation=cv2.INTER_CUBIC)
    result = analyze_photo(jpeg(larger), height_cm=analysed["right"].height_cm)
    for key, m in analysed["right"].measurements.items():
        assert result.measurements[key].value == pytest.approx(m.value, abs=1.0 if m.unit == "deg" else 0.6), key


def test_without_height_centimetres_are_flagged_and_angles_unchanged(sample_bytes, analysed):
    result = analyze_photo(sample_bytes["left"])
    assert result.height_source == "assumed"
    assert any(w.code == "height_assumed" for w in result.warnings)
    assert result.measurements["ear_ahead_of_shoulder_cm"].estimate
    # Angles need no scale, except through the centimetre offsets that place C7 and the tragus.
    assert result.measurements["craniovertebral_angle_deg"].value == pytest.approx(
        analysed["left"].measurements["craniovertebral_angle_deg"].value, abs=0.5
    )


def test_moving_a_landmark_changes_the_measure_it_feeds(analysed):
    front = analysed["front"]
    x, y, _ = front.landmarks_px["left_shoulder"]
    moved = with_moved_landmarks(front, {"left_shoulder": (x, y - 25)}, height_cm=front.height_cm)
    assert moved.measurements["shoulder_tilt_deg"].value > front.measurements["shoulder_tilt_deg"].value + 3
    assert moved.measurements["pelvic_obliquity_deg"].value == pytest.approx(
        front.measurements["pelvic_obliquity_deg"].value
    )


def test_a_turned_photo_keeps_its_values_with_lower_confidence(analysed):
    front = analysed["front"]
    result = measure_subject(front.image, front.photo, turned(front.pose, 20), [], "auto", front.height_cm, None)
    assert "turned_view" in [w.code for w in result.warnings]
    assert set(result.measurements) == set(front.measurements)
    for key, measurement in result.measurements.items():
        assert measurement.value == pytest.approx(front.measurements[key].value)
        assert measurement.confidence == pytest.approx(front.measurements[key].confidence * 0.75, abs=0.01)


def test_an_oblique_photo_is_analysed_for_its_view_but_measures_nothing(analysed):
    # The front sample's body turned 40 deg (world landmarks rotated): the view and the warning
    # remain, no measure is kept, and nothing downstream pretends the person looked normal.
    front = analysed["front"]
    result = measure_subject(front.image, front.photo, turned(front.pose, 40), [], "auto", front.height_cm, None)
    assert result.ok
    assert result.view == "front"
    assert "oblique_view" in [w.code for w in result.warnings]
    assert result.measurements == {}
    assert set(result.not_assessed) == set(front.measurements)
    assessment = assess([result])
    assert {f.likelihood for f in assessment.findings} == {"not_assessed"}
    assert "No measured value could be read as a sign of an imbalance" in assessment.plan.note
    assert "no imbalance could be judged" in format_findings(assessment)
    assert "no imbalance signs" in format_findings(assess([front]))
    text = format_text(result)
    assert "no measure assessed: the body is turned about 40°" in text
    assert "not assessed" not in text


def test_forcing_a_matching_view_works(sample_bytes):
    assert analyze_photo(sample_bytes["left"], view="left").view == "left"


def test_other_models_work_too(sample_bytes):
    for model in ("lite", "full"):
        result = analyze_photo(sample_bytes["front"], model=model)
        assert result.ok
        assert result.view == "front"


# --- one test per error code, on real malformed files ---------------------------------------------


def expect_error(data: bytes, code: str, **options):
    result = analyze_photo(data, name="case", **options)
    assert not result.ok
    assert result.error.code == code, result.error
    assert result.error.message
    assert result.to_dict() == {"image": "case", "ok": False, "error": result.error.to_dict()}
    return result


def test_error_not_an_image():
    expect_error(b"name,height\nAda,170\n", "not_an_image")


def test_error_corrupt_image(sample_bytes):
    expect_error(sample_bytes["front"][: len(sample_bytes["front"]) // 2], "corrupt_image")


def test_error_image_too_large():
    result = expect_error(png_with_header_size(20_000, 20_000), "image_too_large")
    assert "400" in result.error.message  # megapixels, so the person knows by how much


def test_error_no_person():
    noise = np.random.default_rng(1).integers(0, 255, (1280, 720, 3), dtype=np.uint8)
    expect_error(jpeg(noise), "no_person")


def test_error_multiple_people(sample_bytes):
    person = rgb_of(sample_bytes["front"])
    expect_error(jpeg(np.ascontiguousarray(np.hstack([person, person]))), "multiple_people")


def test_a_small_bystander_is_a_warning_not_an_error(sample_bytes):
    person = rgb_of(sample_bytes["front"])
    canvas = person.copy()
    small = cv2.resize(person, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    canvas[-small.shape[0] :, : small.shape[1] // 2] = small[:, : small.shape[1] // 2]
    canvas[-small.shape[0] :, -small.shape[1] // 2 :] = small[:, small.shape[1] // 2 :]
    result = analyze_photo(jpeg(canvas))
    if result.ok:
        assert any(w.code == "multiple_people" for w in result.warnings) or result.measurements
    else:
        assert result.error.code in ("multiple_people", "body_cut_off")


def test_error_body_cut_off(sample_bytes):
    rgb = rgb_of(sample_bytes["front"])
    expect_error(jpeg(np.ascontiguousarray(rgb[: rgb.shape[0] * 6 // 10])), "body_cut_off")
    # Cut just above the ankles: the feet are placed outside the frame.
    expect_error(jpeg(np.ascontiguousarray(rgb[: rgb.shape[0] * 72 // 100])), "body_cut_off")


@pytest.mark.parametrize("kept", ["left half", "right half"])
def test_a_body_cut_at_the_side_is_cut_off_not_a_lifted_foot(sample_bytes, kept):
    rgb = rgb_of(sample_bytes["front"])
    width = rgb.shape[1]
    half = rgb[:, : width // 2] if kept == "left half" else rgb[:, width // 2 :]
    refused = expect_error(jpeg(np.ascontiguousarray(half)), "body_cut_off")
    edge = "right" if kept == "left half" else "left"
    assert f"outside the {edge} edge of the picture" in refused.error.message


def test_feet_in_dark_shoes_are_in_the_picture():
    """Dark shoes on a dark floor: at half size MediaPipe gives these plainly visible feet a visibility
    under 0.5 (0.39 at best), which once refused the photo as "body cut off"."""
    bgr = cv2.imread(str(EVAL_IMAGES / "s018_right.jpg"))
    half = cv2.resize(bgr, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    data = cv2.imencode(".jpg", half, [cv2.IMWRITE_JPEG_QUALITY, 70])[1].tobytes()
    feet = detect_people(decode_image(data))[0]
    assert max(feet.vis(name) for name in FOOT_POINTS) < VISIBLE
    result = analyze_photo(data)
    assert result.ok, result.error
    assert result.view == "right"


def test_error_person_too_small(sample_bytes):
    # Fewer than 200 px from crown to floor: found, but too small to measure. (Much smaller
    # within a big picture and the detector does not find anyone at all: no_person.)
    tiny = cv2.resize(rgb_of(sample_bytes["front"]), None, fx=0.2, fy=0.2, interpolation=cv2.INTER_AREA)
    expect_error(jpeg(tiny), "person_too_small")


def test_error_not_standing_a_person_lying_down(sample_bytes):
    lying = np.ascontiguousarray(np.rot90(rgb_of(sample_bytes["left"])))
    expect_error(jpeg(lying), "not_standing")


def test_error_unsupported_view_when_forced_against_the_photo(sample_bytes):
    result = expect_error(sample_bytes["front"], "unsupported_view", view="left")
    assert "front view" in result.error.message


def test_every_error_code_is_covered_by_a_test():
    tested = {name.removeprefix("test_error_") for name in globals() if name.startswith("test_error_")}
    assert {code for code in ERROR_CODES if any(code in t for t in tested)} == set(ERROR_CODES)


def test_a_phone_its_sensor_recorded_off_level_is_flagged(sample_bytes):
    """The warning follows the recorded roll; the measures themselves stay as measured (the sensor's
    direction is not trusted, see posture.sensor)."""
    plain = analyze_photo(with_maker_note(sample_bytes["front"], b""))
    rolled = analyze_photo(with_maker_note(sample_bytes["front"], apple_maker_note(rolled_gravity(3.2))))
    nearly_level = analyze_photo(with_maker_note(sample_bytes["front"], apple_maker_note(rolled_gravity(1.0))))
    assert plain.ok
    assert rolled.ok
    assert nearly_level.ok
    warning = next(w for w in rolled.warnings if w.code == "camera_off_level")
    assert "held 3.2° off level" in warning.message
    assert not any(w.code == "camera_off_level" for w in [*plain.warnings, *nearly_level.warnings])
    assert {key: m.value for key, m in rolled.measurements.items()} == {
        key: m.value for key, m in plain.measurements.items()
    }


def test_a_tilted_camera_is_flagged(sample_bytes):
    rgb = rgb_of(sample_bytes["front"])
    height, width = rgb.shape[:2]
    rotation = cv2.getRotationMatrix2D((width / 2, height / 2), 10, 0.85)
    tilted = cv2.warpAffine(rgb, rotation, (width, height), borderValue=(235, 235, 235))
    result = analyze_photo(jpeg(tilted))
    assert result.ok
    assert any(w.code == "camera_tilted" for w in result.warnings)
    level = analyze_photo(sample_bytes["front"])
    assert not any(w.code == "camera_tilted" for w in level.warnings)
