"""posture.jump.annotate_video on the public clip: the session measured from the clip's exact keypoints
(the compact truth fixture, no model), drawn over the real MP4 and decoded back with PyAV."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from bench.jump_truth import load_clip, track_from_clip
from posture.jump import JumpSession, analyze_track
from posture.jump.annotate_video import LEFT_RGB, RIGHT_RGB, TOUCHDOWN_MARK_S, annotated_clip, draw_frame
from posture.pose import INDEX
from posture.video.decode import iter_frames
from posture.video.track import PoseTrack

DATA = Path(__file__).resolve().parent / "data" / "video"
CLIP = DATA / "jump04_front.mp4"


@dataclass(frozen=True)
class Measured:
    track: PoseTrack
    session: JumpSession


@pytest.fixture(scope="module")
def measured() -> Measured:
    truth: dict[str, Any] = load_clip(DATA / "jump04_front.json")
    track = track_from_clip(truth)
    return Measured(track, analyze_track(track, truth["view"], float(truth["subject"]["stature_cm"])))


@pytest.fixture(scope="module")
def drawn(measured, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("annotated") / "drawn.mp4"
    path.write_bytes(annotated_clip(str(CLIP), measured))
    return path


def test_the_drawn_clip_is_h264_that_browsers_play(drawn):
    data = drawn.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat"), "the index comes first, so playback starts at once"
    with av.open(str(drawn)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert (stream.width, stream.height) == (360, 640)  # upright portrait, long side 640 px
        times = [float(frame.pts * frame.time_base) for frame in container.decode(video=0)]
    source_times = [t for t, _ in iter_frames(str(CLIP), max_side_px=64)]
    assert len(times) == len(source_times) == 240
    assert np.allclose(np.array(times) - times[0], source_times, atol=1e-3), "every frame keeps its own time"


def _count(rgb: np.ndarray, colour: tuple[int, int, int]) -> int:
    return int(np.all(np.abs(rgb.astype(int) - np.array(colour)) <= 8, axis=2).sum())


def test_touchdown_rings_appear_on_the_landing_frames_only(measured):
    jump = measured.session.jumps[3]
    i = int(np.searchsorted(measured.track.times_s, jump.touchdown_left_s))
    xy = measured.track.xy_px[i] * 0.5  # the track is in 720 x 1280 px; draw on a 360 x 640 canvas
    grey = np.full((640, 360, 3), 90, np.uint8)
    landing = draw_frame(grey, xy, jump.touchdown_left_s + 0.01, measured.session.jumps)
    later = draw_frame(grey, xy, jump.touchdown_left_s + TOUCHDOWN_MARK_S + 0.05, measured.session.jumps)
    x, y = (int(v) for v in xy[INDEX["left_ankle"]])
    near = (slice(y - 20, y + 21), slice(x - 20, x + 21))
    assert _count(landing[near], LEFT_RGB) > _count(later[near], LEFT_RGB) + 30
    assert _count(later, RIGHT_RGB) > 50, "the right side of the skeleton is drawn in its colour"
    assert not np.array_equal(landing[:60, :160], grey[:60, :160]), "the values panel is drawn"
