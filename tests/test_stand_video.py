"""Combining a stand-still clip's landmarks over its frames (the model-free half of posture.video.stand)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from posture.errors import PostureError
from posture.pose import INDEX
from posture.video.stand import MIN_FRAMES, combine_landmarks, well_seen
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
