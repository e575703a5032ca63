"""A refused photo shows what was seen: the detected person's skeleton and the reason, on real photos.

The first tests refuse real sample photos without the model (stored poses: a forced view the photo
contradicts, a knee moved off the leg); the last ones run the model on real photos cut or joined so
that the engine refuses them (feet cropped off, two people side by side).
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from posture.annotate import SKELETON_RGB, draw_refusal, refusal_caption
from posture.imaging import decode_image
from posture.label_layout import CAPTION_BAND_RGB
from posture.measuring import analyze_people, with_moved_landmarks
from posture.photo_result import MeasuredPhoto, RefusedPhoto
from tests.pose_fixtures import FIXTURE_IMAGES, measured_from_fixture, refused


def _skeleton_pixels(rgb: np.ndarray) -> int:
    return int(np.all(np.abs(rgb.astype(int) - SKELETON_RGB) <= 25, axis=2).sum())


def _assert_shows_skeleton_and_reason(result: RefusedPhoto, max_side_px: int) -> np.ndarray:
    assert result.photo is not None
    image = draw_refusal(result, max_side_px=max_side_px)
    plain = draw_refusal(result, max_side_px=max_side_px, caption=False)
    height, width = plain.shape[:2]
    assert max(height, width) == max_side_px
    assert image.shape[1] == width
    assert image.shape[0] > height, "the reason goes in a band below the photo"
    band = image[height:]
    assert np.mean(np.all(band == CAPTION_BAND_RGB, axis=2)) > 0.5, "the band is the caption colour"
    assert np.any(np.all(band > 230, axis=2)), "the band holds white text"
    photo_only = cv2.resize(result.photo.rgb, (width, height), interpolation=cv2.INTER_AREA)
    assert _skeleton_pixels(plain) > _skeleton_pixels(photo_only) + 200, "the skeleton is drawn"
    return image


@pytest.mark.model_free
def test_a_forced_view_the_photo_contradicts_shows_the_subject_and_why():
    result = measured_from_fixture("left_s006", view="front")
    assert isinstance(result, RefusedPhoto)
    assert result.error.code == "unsupported_view"
    assert result.pose is not None
    _assert_shows_skeleton_and_reason(result, 512)
    assert refusal_caption(result).endswith(result.error.message)


@pytest.mark.model_free
def test_a_misplaced_knee_refusal_can_be_rescued_by_moving_the_knee_back():
    measured = measured_from_fixture("front_s000")
    assert isinstance(measured, MeasuredPhoto)
    assert measured.pose is not None
    knee = measured.pose.point("left_knee")
    hip, ankle = measured.pose.point("left_hip"), measured.pose.point("left_ankle")
    outward = float(np.linalg.norm(hip - ankle)) * 0.45
    bent = with_moved_landmarks(measured, {"left_knee": (float(knee[0]) + outward, float(knee[1]))})
    assert isinstance(bent, RefusedPhoto)
    assert bent.error.code == "not_standing"
    image = _assert_shows_skeleton_and_reason(bent, 600)
    ringed = draw_refusal(bent, max_side_px=600, highlight="left_knee", caption=False)
    assert not np.array_equal(ringed, image[: ringed.shape[0]]), "the moved knee can be ringed"
    rescued = with_moved_landmarks(bent, {"left_knee": (float(knee[0]), float(knee[1]))})
    assert isinstance(rescued, MeasuredPhoto)
    assert rescued.measurements.keys() == measured.measurements.keys()


@pytest.mark.model_free
def test_a_photo_with_nobody_found_shows_the_photo_untouched_and_the_reason():
    photo = decode_image(FIXTURE_IMAGES["left_s006"])
    result = analyze_people("empty.jpg", photo, ())
    assert isinstance(result, RefusedPhoto)
    assert result.error.code == "no_person"
    image = draw_refusal(result, max_side_px=512)
    plain = draw_refusal(result, max_side_px=512, caption=False)
    assert np.array_equal(plain, cv2.resize(photo.rgb, plain.shape[1::-1], interpolation=cv2.INTER_AREA))
    assert image.shape[0] > plain.shape[0]
    assert np.array_equal(image[: plain.shape[0]], plain)


@pytest.mark.model_free
def test_a_photo_refused_before_decoding_has_nothing_to_draw():
    with pytest.raises(ValueError, match="no photo to draw"):
        draw_refusal(refused(b"not a photo", "broken.jpg"))


def _model_result(rgb: np.ndarray, name: str):
    from posture.analysis import analyze_photo

    ok, data = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return analyze_photo(data.tobytes(), name=name, model="lite")


def _sample_rgb(name: str) -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(FIXTURE_IMAGES[name])), cv2.COLOR_BGR2RGB)


def test_a_photo_with_the_feet_cut_off_shows_the_person_found():
    rgb = _sample_rgb("front_s000")
    cropped = np.ascontiguousarray(rgb[: int(rgb.shape[0] * 0.72)])  # cut at the knees
    result = _model_result(cropped, "front_cropped.jpg")
    assert isinstance(result, RefusedPhoto)
    assert result.error.code == "body_cut_off"
    assert result.pose is not None, "the gates run after the subject was chosen: its pose is kept"
    _assert_shows_skeleton_and_reason(result, 512)


def test_two_people_side_by_side_show_everyone_found():
    pair = np.hstack([_sample_rgb("front_s000"), _sample_rgb("back_s003")])
    result = _model_result(pair, "two_people.jpg")
    assert isinstance(result, RefusedPhoto)
    assert result.error.code == "multiple_people"
    assert result.pose is None
    assert len(result.people) >= 2
    image = draw_refusal(result, max_side_px=700, caption=False)
    half = image.shape[1] // 2
    photo = cv2.resize(result.photo.rgb, image.shape[1::-1], interpolation=cv2.INTER_AREA)
    for side in (slice(0, half), slice(half, None)):
        assert _skeleton_pixels(image[:, side]) > _skeleton_pixels(photo[:, side]) + 100, "both people are drawn"
