"""Clothing that hides the hips or knees: a coat painted on renders is caught, fitted clothing never is."""

from __future__ import annotations

import pytest

from posture.analysis import analyze_photo
from posture.clothing import LOOSE_CLOTHING_REASON, LegOutline, hide_covered_measures, leg_outline
from posture.measures import SPECS
from posture.photo_result import MeasuredPhoto
from tests.coat import paint_coat
from tests.conftest import EVAL_IMAGES, ROOT, truth
from tests.pose_fixtures import measured_from_fixture

FIXTURES = (
    "front_s000",
    "back_s003",
    "left_s006",
    "right_s012",
    "s001_front",
    "s001_back",
    "s001_left",
    "s001_right",
    "s002_front",
)


def rests_on(key: str, part: str) -> bool:
    return any(point.endswith(part) for point in SPECS[key].points)


@pytest.mark.model_free
@pytest.mark.parametrize("name", FIXTURES)
def test_fitted_clothing_hides_nothing(name):
    photo = measured_from_fixture(name)
    assert isinstance(photo, MeasuredPhoto)
    outline = leg_outline(photo.pose, photo.view)
    assert len(outline.excess) >= 4, "most heights of the legs are read"
    assert not outline.hides_hips
    assert not outline.hides_knees
    assert "loose_clothing" not in [warning.code for warning in photo.warnings]


@pytest.mark.model_free
def test_hidden_hips_and_knees_take_their_measures_out():
    photo = measured_from_fixture("s002_front")
    assert isinstance(photo, MeasuredPhoto)
    knee_deep = LegOutline({1.0: 0.3}, profile=False)
    kept, skipped, warnings = hide_covered_measures(knee_deep, photo.measurements, photo.not_assessed)
    assert [warning.code for warning in warnings] == ["loose_clothing"]
    hidden = {key for key in photo.measurements if rests_on(key, "hip") or rests_on(key, "knee")}
    assert hidden >= {"pelvic_obliquity_deg", "hip_height_diff_cm", "trunk_lateral_shift_cm", "knee_valgus_right_deg"}
    assert set(kept) == set(photo.measurements) - hidden
    assert "shoulder_tilt_deg" in kept
    assert "head_tilt_deg" in kept
    for key in hidden:
        assert skipped[key] == LOOSE_CLOTHING_REASON.format(parts="hips and knees")


@pytest.mark.model_free
def test_a_hem_above_the_knees_keeps_the_knee_only_measures():
    photo = measured_from_fixture("s001_left")
    assert isinstance(photo, MeasuredPhoto)
    upper_thigh = LegOutline({0.2: 0.3}, profile=True)
    assert upper_thigh.hides_hips
    assert not upper_thigh.hides_knees
    kept, skipped, _ = hide_covered_measures(upper_thigh, photo.measurements, photo.not_assessed)
    assert "knee_ahead_of_ankle_cm" in kept
    assert "trunk_lean_deg" in skipped
    assert "trunk_lean_deg" not in kept
    assert "craniovertebral_angle_deg" in kept


@pytest.mark.model_free
def test_fitted_clothing_leaves_measures_unchanged():
    photo = measured_from_fixture("s002_front")
    outline = leg_outline(photo.pose, photo.view)
    kept, skipped, warnings = hide_covered_measures(outline, photo.measurements, photo.not_assessed)
    assert (kept, skipped, warnings) == (dict(photo.measurements), dict(photo.not_assessed), [])


def test_design_lists_the_code():
    assert "`loose_clothing`" in (ROOT / "docs" / "design.md").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["s001_left", "s004_front", "s006_right", "s011_back"])
def test_a_painted_overcoat_hides_hips_and_knees(name):
    before = analyze_photo(EVAL_IMAGES / f"{name}.jpg")
    coated = analyze_photo(paint_coat(name, "knee"), name=f"{name}_coat.jpg")
    assert isinstance(before, MeasuredPhoto)
    assert isinstance(coated, MeasuredPhoto)
    assert "loose_clothing" not in [warning.code for warning in before.warnings]
    assert "loose_clothing" in [warning.code for warning in coated.warnings]
    assert not [key for key in coated.measurements if rests_on(key, "hip") or rests_on(key, "knee")]
    dropped = [key for key, reason in coated.not_assessed.items() if reason.startswith("loose clothing hides")]
    assert dropped
    # What the coat does not hide is still measured.
    uncovered = {key for key in before.measurements if not rests_on(key, "hip") and not rests_on(key, "knee")}
    assert uncovered
    assert uncovered <= set(coated.measurements)


@pytest.mark.slow
def test_no_bundled_render_is_taken_for_loose_clothing():
    flagged = []
    for path in sorted(EVAL_IMAGES.glob("*.jpg")):
        result = analyze_photo(path, height_cm=truth(path.stem)["subject"]["stature_cm"])
        assert isinstance(result, MeasuredPhoto), path.name
        if "loose_clothing" in [warning.code for warning in result.warnings]:
            flagged.append(path.name)
    assert flagged == []
