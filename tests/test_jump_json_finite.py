"""The jump JSON holds no NaN or Infinity, even where the tracker lost a body part for a few turns."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from posture.jump import analyze_track
from posture.jump.summary import typical_errors
from posture.pose import INDEX
from tests.jump_motion import Skipper, frame_times, skipper_track, steady_turns


def _refuse_constant(name: str) -> None:
    raise ValueError(f"the JSON holds {name}")


def test_hands_lost_for_a_few_turns_leave_the_hand_lead_band_finite() -> None:
    # Both hands out of the frame for 2 s (they swing above its top edge): the group of turns there has no lag.
    times = frame_times(30.0, 10.0)
    track = skipper_track(Skipper(steady_turns(150.0, 10.0), hand_lead_s=0.03, variation=0.03), times)
    xy, visibility = track.xy_px.copy(), track.visibility.copy()
    hidden = (times > 3.0) & (times < 5.0)
    for side in ("left", "right"):
        for point in ("wrist", "pinky", "index", "thumb"):
            xy[np.ix_(hidden, [INDEX[f"{side}_{point}"]])] = np.nan
            visibility[np.ix_(hidden, [INDEX[f"{side}_{point}"]])] = 0.0
    track = dataclasses.replace(track, xy_px=xy, visibility=visibility)

    session = analyze_track(track, "front", 170.0, typical_errors("full"))

    lead = session.measurements["hand_phase_lead_ms"]
    assert lead.band is not None
    assert np.isfinite(lead.band).all()
    assert 0.0 < lead.band[0] < lead.value < lead.band[1]
    assert lead.status == "asymmetric"
    json.loads(json.dumps(session.to_dict()), parse_constant=_refuse_constant)


def test_feet_lost_in_the_air_for_a_while_count_each_seen_jump_once() -> None:
    # The feet leave the frame for 0.6 s (longer than a gap the cleaning fills) while in the air: their landing
    # is unknown. It was read as "after the clip's end", so every later flight of the other foot paired with it:
    # 23 jumps of 20, zero intervals and an infinite cadence in the JSON.
    times = frame_times(30.0, 8.0)
    track = skipper_track(Skipper(steady_turns(150.0, 8.0), variation=0.03), times)
    xy, visibility = track.xy_px.copy(), track.visibility.copy()
    hidden = (times >= 2.0) & (times < 2.6)
    for side in ("left", "right"):
        for point in ("ankle", "heel", "foot_index"):
            xy[np.ix_(hidden, [INDEX[f"{side}_{point}"]])] = np.nan
            visibility[np.ix_(hidden, [INDEX[f"{side}_{point}"]])] = 0.0
    track = dataclasses.replace(track, xy_px=xy, visibility=visibility)

    session = analyze_track(track, "front", 170.0, typical_errors("full"))

    touchdowns = np.array([jump.touchdown_s for jump in session.jumps])
    assert np.all(np.diff(touchdowns) > 0.3)  # one jump per 0.4 s turn, none twice
    assert session.value("jump_count") == 18  # the 20 turns but the two landed unseen
    assert session.value("cadence_jpm") == pytest.approx(150.0, abs=1.0)
    assert session.value("rhythm_variability_pct") < 2.0
    json.loads(json.dumps(session.to_dict()), parse_constant=_refuse_constant)
