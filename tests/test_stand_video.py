"""Combining a stand-still clip's landmarks over its frames (the model-free half of posture.video.stand)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from posture.errors import PostureError
from posture.photo_result import MeasuredPhoto
from posture.pose import INDEX
from posture.video.decode import probe
from posture.video.stand import (
    COMBINED_MEASURES,
    MIN_FRAMES,
    combine_landmarks,
    frame_photo,
    measure_stand_track,
    well_seen,
)
from tests.conftest import VIDEO_DATA
from tests.jump_motion import frame_times, standing_track


def test_the_median_over_frames_cancels_a_few_bad_frames():
    track = standing_track(frame_times(30.0, 4.0))
    xy = track.xy_px.copy()
    xy[::10, INDEX["left_wrist"]] += 200.0  # one frame in ten throws the wrist far off
    combined = combine_landmarks(dataclasses.replace(track, xy_px=xy))
    assert combined.frames_used == len(track)
    truth = np.median(track.xy_px[:, INDEX["left_wrist"]], axis=0)
    assert np.linalg.norm(combined.xy_px[INDEX["left_wrist"]] - truth) < 2.0
    assert 0 <= combined.representative < len(track)
    assert combined.middle == len(track) // 2


def test_frames_without_a_clear_body_are_left_out():
    track = standing_track(frame_times(30.0, 4.0))
    visibility = track.visibility.copy()
    visibility[:60] = 0.1
    xy = track.xy_px.copy()
    xy[60:70] = np.nan  # not seen
    faint = dataclasses.replace(track, visibility=visibility, xy_px=xy)
    assert int(well_seen(faint).sum()) == len(track) - 70
    assert combine_landmarks(faint).frames_used == len(track) - 70


def test_too_few_clear_frames_is_refused():
    track = standing_track(frame_times(30.0, 4.0))
    visibility = track.visibility.copy()
    visibility[MIN_FRAMES - 1 :] = 0.0
    with pytest.raises(PostureError) as raised:
        combine_landmarks(dataclasses.replace(track, visibility=visibility))
    assert raised.value.code == "no_person"


@pytest.mark.slow
def test_a_point_hidden_in_the_middle_frame_only_keeps_every_measure(full_model_track):
    # The middle frame gives most measures; where a moment's occlusion (a hand, a turn of the head)
    # hides a point there, the combined landmarks measure it: never dropped without a reason.
    clip = VIDEO_DATA / "stand01_front.mp4"
    track = full_model_track("stand01_front")
    combined = combine_landmarks(track)
    photo = frame_photo(clip, combined.representative, probe(clip))
    untouched = measure_stand_track("clip", photo, track, combined)
    visibility = track.visibility.copy()
    for name in ("left_knee", "right_knee", "left_ear", "right_ear"):
        visibility[combined.middle, INDEX[name]] = 0.05
    hidden = dataclasses.replace(track, visibility=visibility)
    hidden_combined = combine_landmarks(hidden)
    assert hidden_combined.middle == combined.middle
    result = measure_stand_track("clip", photo, hidden, hidden_combined)
    assert isinstance(untouched, MeasuredPhoto)
    assert isinstance(result, MeasuredPhoto)
    single_missing = set(untouched.measurements) - set(result.measurements)
    assert not single_missing, single_missing
    assert not set(result.measurements) & set(result.not_assessed)
    assert set(untouched.measurements) - COMBINED_MEASURES  # the case at hand: middle-frame measures exist
