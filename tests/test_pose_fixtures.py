"""The stored pose fixtures still match the real model, and measuring them gives what analyze_photo gives.

Needs MediaPipe (not model-free): it is what keeps the model-free tests honest. When it fails after
a model or adapter change, regenerate with ``python bench/make_pose_fixtures.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from posture.imaging import decode_image
from posture.landmarks import detect_people, detect_people_mirrored
from posture.photo_result import MeasuredPhoto, PhotoResult
from posture.pose import Pose
from tests.pose_fixtures import FIXTURE_IMAGES, PASSES, load_people

# How far today's model may drift from the stored output: a tenth of the landmarks' own noise on
# these photos (~1 cm = 3-4 px at this scale), so every measure moves by far less than its typical error.
MAX_SHIFT_PX = 0.5
MAX_VISIBILITY_CHANGE = 0.02
MAX_WORLD_SHIFT_M = 0.005
MIN_MASK_AGREEMENT = 0.995


@pytest.fixture(scope="module", params=sorted(FIXTURE_IMAGES))
def model_and_stored(
    request: pytest.FixtureRequest,
) -> tuple[str, dict[str, tuple[Pose, ...]], dict[str, tuple[Pose, ...]]]:
    name = request.param
    photo = decode_image(FIXTURE_IMAGES[name])
    stored = load_people(name)
    model = stored["first"][0].model
    today = {"first": detect_people(photo, model), "mirrored": detect_people_mirrored(photo, model)}
    return name, stored, today


def test_fixtures_hold_what_the_model_finds_today(
    model_and_stored: tuple[str, dict[str, tuple[Pose, ...]], dict[str, tuple[Pose, ...]]],
) -> None:
    name, stored, today = model_and_stored
    for which in PASSES:
        assert len(stored[which]) == len(today[which]), f"{name} {which} pass: number of people"
        for kept, found in zip(stored[which], today[which], strict=True):
            assert (kept.image_size, kept.mask_scale) == (found.image_size, found.mask_scale)
            assert np.abs(kept.xy_px - found.xy_px).max() <= MAX_SHIFT_PX, f"{name} {which}: landmarks moved"
            assert np.abs(kept.visibility - found.visibility).max() <= MAX_VISIBILITY_CHANGE
            assert np.abs(kept.world_m - found.world_m).max() <= MAX_WORLD_SHIFT_M
            assert kept.mask is not None
            assert found.mask is not None
            assert np.mean(kept.mask == found.mask) >= MIN_MASK_AGREEMENT, f"{name} {which}: mask changed"


def without_timings(result: PhotoResult) -> dict[str, Any]:
    data = result.to_dict()
    data.pop("timings_ms", None)
    return data


@pytest.mark.parametrize("view", ["front", "back", "left", "right"])
def test_a_sample_measured_from_its_fixture_is_what_analyze_photo_gives(
    analysed: dict[str, PhotoResult],
    measured: dict[str, PhotoResult],
    view: str,
) -> None:
    assert isinstance(analysed[view], MeasuredPhoto)
    assert isinstance(measured[view], MeasuredPhoto)
    from_engine, from_fixture = without_timings(analysed[view]), without_timings(measured[view])
    assert from_fixture.keys() == from_engine.keys()
    assert from_fixture["view"] == from_engine["view"]
    assert from_fixture["measurements"].keys() == from_engine["measurements"].keys()
    for key, measurement in from_engine["measurements"].items():
        assert from_fixture["measurements"][key]["value"] == pytest.approx(measurement["value"], abs=0.1), key
    assert from_fixture["not_assessed"] == from_engine["not_assessed"]
    assert [w["code"] for w in from_fixture["warnings"]] == [w["code"] for w in from_engine["warnings"]]
