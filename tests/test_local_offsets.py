"""Each profile point is corrected from the body around it: moving one point by hand changes only the
measures built on that point (posture.outline.POINT_FEATURES).

Real photos measured from their stored landmarker output (tests/pose_fixtures.py), no MediaPipe.
"""

from __future__ import annotations

import pytest

from posture.anatomy import default_corrections
from posture.hand_moves import VALUE_ROUNDING
from posture.measuring import with_moved_landmarks
from posture.outline import PELVIC_OUTLINE_FEATURES, POINT_FEATURES
from posture.pelvis import FEATURES
from posture.photo_result import MeasuredPhoto
from tests.pose_fixtures import measured_from_fixture

pytestmark = pytest.mark.model_free

HEIGHT_CM = 175.0
PROFILES = ("left_s006", "right_s012", "s001_left", "s001_right")
# What a profile measure is built on (posture.measures); moving any other point must leave it alone.
BUILT_ON = {
    "ear": {"craniovertebral_angle_deg", "ear_ahead_of_shoulder_cm"},
    "knee": {"knee_ahead_of_ankle_cm"},
}
SHIFTS_PX = {"ear": (-40.0, 10.0), "knee": (25.0, -15.0)}


def changed_measures(name: str, point: str) -> tuple[set[str], set[str]]:
    """(keys whose value changed, keys measured) when ``point`` of the near side is moved on fixture ``name``."""
    photo = measured_from_fixture(name, image=f"{name}.jpg", height_cm=HEIGHT_CM)
    assert isinstance(photo, MeasuredPhoto)
    assert photo.view in ("left", "right")
    landmark = f"{photo.view}_{point}"
    x, y, _ = photo.landmarks_px[landmark]
    dx, dy = SHIFTS_PX[point]
    moved = with_moved_landmarks(photo, {landmark: (x + dx, y + dy)}, view=photo.view, height_cm=HEIGHT_CM)
    assert isinstance(moved, MeasuredPhoto)
    assert set(moved.measurements) == set(photo.measurements)
    changed = {
        key
        for key, value in photo.measurements.items()
        if abs(moved.measurements[key].value - value.value) >= VALUE_ROUNDING
    }
    return changed, set(photo.measurements)


@pytest.mark.parametrize("name", PROFILES)
@pytest.mark.parametrize("point", list(BUILT_ON))
def test_moving_one_profile_point_changes_only_the_measures_built_on_it(name: str, point: str) -> None:
    changed, measured = changed_measures(name, point)
    expected = BUILT_ON[point] & measured
    assert expected, f"{name} measures nothing built on the {point}"
    assert changed == expected, (name, point)


def test_the_shipped_models_read_the_declared_features_only() -> None:
    corrections = default_corrections()
    for view in ("left", "right"):
        model = corrections.offset_models[view]
        assert {point: tuple(fit["features"]) for point, fit in model["coef"].items()} == POINT_FEATURES
        for fit in model["coef"].values():
            assert len(fit["forward"]) == len(fit["up"]) == len(fit["features"])
    assert tuple(corrections.pelvic_tilt["features"]) == (*FEATURES, *PELVIC_OUTLINE_FEATURES)
    assert len(corrections.pelvic_tilt["coef"]) == len(corrections.pelvic_tilt["features"])


def test_no_point_but_the_ear_reads_features_placed_by_the_ear() -> None:
    on_the_ear = {
        name
        for features in POINT_FEATURES.values()
        for name in features
        if name.startswith("neck_") or name.startswith("ear_")
    }
    assert on_the_ear
    for point, features in POINT_FEATURES.items():
        assert point == "ear" or not on_the_ear & set(features), point
    assert not on_the_ear & set(PELVIC_OUTLINE_FEATURES)
