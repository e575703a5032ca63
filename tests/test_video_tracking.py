"""Tests for posture.video.tracking and posture.video.framing with the real landmarker on real clips.

The refusal clips are made from the public stand-still renders' own frames (tests/data/video):
cropped to an empty corner of the room, two people side by side, the feet cropped off, the person
shrunk into a large room, and a window that pans and shakes over the frames (a moving camera).
They are encoded at half size (360 x 640) to keep the landmarker's work small.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from bench.video_clips import read_rgb, write_video
from posture.errors import PostureError
from posture.video.decode import iter_frames, probe
from posture.video.framing import CAMERA_MAX_SHIFT, SECOND_PERSON_RATIO, camera_moved
from posture.video.tracking import CROWD_CHECK_MODEL, VIDEO_DEFAULT_MODEL, model_bytes, track_frames, track_video

DATA = Path(__file__).resolve().parent / "data" / "video"
ROTATED = DATA / "jump04_front.mp4"
STAND, OTHER = DATA / "stand01_front.mp4", DATA / "stand02_front.mp4"
# Truth keypoint names (tests/data/video/*.json) -> MediaPipe landmark names.
TRUTH_NAMES = {
    "ankle_l": "left_ankle",
    "ankle_r": "right_ankle",
    "wrist_l": "left_wrist",
    "wrist_r": "right_wrist",
    "hip_l": "left_hip",
    "hip_r": "right_hip",
    "nose": "nose",
}


def half(rgb: np.ndarray) -> np.ndarray:
    return cv2.resize(rgb, (rgb.shape[1] // 2, rgb.shape[0] // 2), interpolation=cv2.INTER_AREA)


def truth_frames(name: str) -> list[dict]:
    """Per frame: its time and truth pixel keypoints by name, from the compact fixture (bench/make_jump_fixtures.py)."""
    truth = json.loads((DATA / f"{name}.json").read_text())
    names = truth["names_px"]
    return [
        {"time_s": time_s, "keypoints_px": {name: flat[2 * k : 2 * k + 2] for k, name in enumerate(names)}}
        for time_s, flat in zip(truth["time_s"], truth["px"], strict=True)
    ]


def median_error_of_height(track, frames: list[dict], scale: float = 1.0) -> float:
    """Median distance (fraction of body height) between tracked and true keypoints over all frames."""
    body = np.median([f["keypoints_px"]["heel_l"][1] - f["keypoints_px"]["nose"][1] for f in frames]) * scale
    errors = [
        np.linalg.norm(track.point(ours)[i] - scale * np.array(frame["keypoints_px"][theirs])) / body
        for i, frame in enumerate(frames)
        for theirs, ours in TRUTH_NAMES.items()
    ]
    return float(np.median(errors))


def refusal(path: Path) -> PostureError:
    with pytest.raises(PostureError) as info:
        track_video(path)
    return info.value


@pytest.fixture(scope="module")
def stand_frames() -> list[np.ndarray]:
    return list(read_rgb(STAND))


class Clips:
    """The refusal clips and their controls (see the module docstring), each encoded on first use."""

    WINDOW = (648, 1152)  # 90 % of the frame, for the camera clips

    def __init__(self, folder: Path, frames: list[np.ndarray]):
        self.folder, self.frames, self.paths = folder, frames, {}
        self.room = [np.hstack([f[300:1180, :260], f[300:1180, :260][:, ::-1]]) for f in frames]  # left of the person

    def __getitem__(self, name: str) -> Path:
        if name not in self.paths:
            self.paths[name] = self.folder / f"{name}.mp4"
            rotation = -90 if name == "rotated" else 0
            write_video(self.paths[name], getattr(self, name)(), rotation_ccw_deg=rotation)
        return self.paths[name]

    def empty_room(self) -> list[np.ndarray]:
        return [half(f) for f in self.room]

    def two_people(self) -> list[np.ndarray]:
        return [
            cv2.resize(np.hstack([a, b]), (720, 640), interpolation=cv2.INTER_AREA)
            for a, b in zip(self.frames, read_rgb(OTHER), strict=True)
        ]

    def feet_cut_off(self) -> list[np.ndarray]:
        return [half(f[:900]) for f in self.frames]

    def far_away(self) -> list[np.ndarray]:
        clip = []
        for room, frame in zip(self.room, self.frames, strict=True):
            canvas = cv2.resize(room, (720, 1280))
            canvas[800:1248, 234:486] = cv2.resize(frame, (252, 448), interpolation=cv2.INTER_AREA)
            clip.append(half(canvas))
        return clip

    def moving_camera(self) -> list[np.ndarray]:
        """Pans right by 100 px over the clip while bobbing +-40 px at 1 Hz."""
        width, height = self.WINDOW
        offsets = [
            (round(10 + 100 * i / 89), round(64 + 40 * np.sin(2 * np.pi * i / 30))) for i in range(len(self.frames))
        ]
        return [half(f[y0 : y0 + height, x0 : x0 + width]) for f, (x0, y0) in zip(self.frames, offsets, strict=True)]

    def shaking_camera(self) -> list[np.ndarray]:
        """No pan: a hand-held wobble of +-40 px (3 % of the height) sideways and up-down at 2-3 Hz."""
        width, height = self.WINDOW
        offsets = [
            (round(36 + 30 * np.sin(2 * np.pi * i / 15)), round(64 + 40 * np.sin(2 * np.pi * i / 11)))
            for i in range(len(self.frames))
        ]
        return [half(f[y0 : y0 + height, x0 : x0 + width]) for f, (x0, y0) in zip(self.frames, offsets, strict=True)]

    def still_camera(self) -> list[np.ndarray]:
        width, height = self.WINDOW
        return [half(f[64 : 64 + height, 36 : 36 + width]) for f in self.frames]

    def upright(self) -> list[np.ndarray]:
        return [half(f) for f in self.frames]

    def rotated(self) -> list[np.ndarray]:
        """Stored as landscape pixels (turned 90 deg counter-clockwise), flagged to display upright."""
        return [cv2.rotate(f, cv2.ROTATE_90_COUNTERCLOCKWISE) for f in self.upright()]


@pytest.fixture(scope="module")
def made(tmp_path_factory, stand_frames) -> Clips:
    return Clips(tmp_path_factory.mktemp("tracking"), stand_frames)


# ---------------------------------------------------------------- refusals, one per code


def test_no_person_in_an_empty_room(made):
    error = refusal(made["empty_room"])
    assert error.code == "no_person"
    assert "0%" in error.message


@pytest.mark.slow
def test_two_people_side_by_side(made):
    assert refusal(made["two_people"]).code == "multiple_people"


@pytest.mark.slow
def test_second_person_is_looked_for_twice_a_second(made):
    header = probe(made["two_people"])
    track, evidence = track_frames(iter_frames(made["two_people"]), (header.width, header.height))
    checked = np.flatnonzero(np.isfinite(evidence.second_person_ratio))
    np.testing.assert_array_equal(checked, np.arange(0, 90, 15))  # 30 fps: every 15th frame
    assert (evidence.second_person_ratio[checked] >= SECOND_PERSON_RATIO).all()
    assert track.seen.all()  # one of the two is tracked throughout


@pytest.mark.slow
def test_feet_cut_off(made):
    error = refusal(made["feet_cut_off"])
    assert error.code == "body_cut_off"
    assert "feet" in error.message


@pytest.mark.slow
def test_person_too_small(made):
    error = refusal(made["far_away"])
    assert error.code == "person_too_small"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["moving_camera", "shaking_camera"])
def test_panning_or_shaking_camera_is_refused(made, name):
    assert refusal(made[name]).code == "camera_moving"


@pytest.mark.slow
def test_the_same_frames_through_a_still_window_pass(made):
    info, track = track_video(made["still_camera"])
    assert info.frames == 90
    assert track.seen.all()


def test_camera_rule_on_its_own():
    still = np.full(30, 0.001)
    assert not camera_moved(still)
    assert not camera_moved(np.array([]))  # a bare wall: no verdict, no refusal
    assert camera_moved(np.concatenate([still[:20], np.full(10, 2 * CAMERA_MAX_SHIFT)]))
    assert camera_moved(np.concatenate([still[:20], np.full(10, np.nan)]))  # background lost: a pan


# ---------------------------------------------------------------- landmarks over time


@pytest.mark.slow
def test_public_rotated_jump_clip_against_its_truth():
    calls: list[tuple[int, int]] = []
    info, track = track_video(ROTATED, progress=lambda done, total: calls.append((done, total)))
    assert (info.width, info.height, info.rotation_deg, info.frames) == (720, 1280, 90, 240)
    assert info.to_dict()["duration_s"] == pytest.approx(8.0)
    assert all(type(value) in (int, float) for value in info.to_dict().values())  # plain JSON numbers
    assert track.image_size == (720, 1280)
    assert track.model == VIDEO_DEFAULT_MODEL
    assert len(track) == 240
    truth = truth_frames("jump04_front")
    np.testing.assert_allclose(track.times_s, [f["time_s"] for f in truth], atol=1e-5)  # truth rounded to 10 us
    assert track.seen.all()
    # Full model on this clip: ~1 % of body height (docs/video.md); a sideways picture would be > 20 %.
    assert median_error_of_height(track, truth) < 0.03
    assert calls == [(i, 240) for i in range(1, 241)]
    assert np.isfinite(track.world_m).all()
    assert (track.visibility > 0).any()


@pytest.mark.slow
def test_rotated_container_gives_the_same_landmarks_as_upright_pixels(made):
    model_bytes.cache_clear()
    _, upright = track_video(made["upright"])
    _, rotated = track_video(made["rotated"])
    # Two clips, two trackers, but each model file (the tracker's and the second-person look's) read once.
    reads = model_bytes.cache_info()
    assert (reads.misses, reads.hits) == (len({VIDEO_DEFAULT_MODEL, CROWD_CHECK_MODEL}), 2)
    assert upright.image_size == rotated.image_size == (360, 640)
    np.testing.assert_array_equal(upright.times_s, rotated.times_s)
    body = np.ptp(upright.xy_px[:, :, 1], axis=1).mean()
    shift = np.linalg.norm(upright.xy_px - rotated.xy_px, axis=2)  # (frames, 33)
    assert np.median(shift) < 0.01 * body  # codec noise on differently oriented blocks only
    truth = truth_frames("stand01_front")
    assert median_error_of_height(rotated, truth, scale=0.5) < 0.03


def test_timestamps_are_the_frames_own_and_never_share_a_millisecond(stand_frames):
    """Frames 0.4 ms apart (closer than MediaPipe's 1 ms clock) and uneven gaps keep their own times."""
    frames = [half(f) for f in stand_frames[:12]]
    times = [0.0, 0.0004, 0.0008, 0.05, 0.0504, 0.09, 0.2, 0.21, 0.26, 0.3, 0.3003, 0.4]
    track, evidence = track_frames(zip(times, frames, strict=True), (360, 640))
    np.testing.assert_array_equal(track.times_s, times)
    assert track.seen.all()
    assert evidence.second_person_ratio.shape == (12,)
    # All 12 frames lie within the first 0.5 s: only the first one is checked for a second person.
    assert np.isfinite(evidence.second_person_ratio).tolist() == [True] + [False] * 11
    assert evidence.second_person_ratio[0] == 0.0


@pytest.mark.slow
def test_variable_frame_rate_clip_keeps_its_times(tmp_path, stand_frames):
    steps = [0.045 if i % 2 else 0.025 for i in range(89)]
    times = np.concatenate([[0.0], np.cumsum(steps)])
    write_video(tmp_path / "vfr.mp4", [half(f) for f in stand_frames], times_s=times)
    info, track = track_video(tmp_path / "vfr.mp4")
    np.testing.assert_allclose(track.times_s, times, atol=1e-4)
    assert info.frames == 90
    assert info.fps == pytest.approx(90 / info.duration_s)
    assert info.duration_s == pytest.approx(probe(tmp_path / "vfr.mp4").duration_s)


@pytest.mark.slow
def test_lower_level_tracking_reads_any_frame_iterator():
    header = probe(STAND)
    track, _ = track_frames(iter_frames(STAND, max_side_px=320), (header.width, header.height), model="lite")
    assert track.model == "lite"
    assert len(track) == 90
    assert track.seen.mean() > 0.9
    # Landmarks are in the displayed frame's full-resolution pixels whatever size was tracked.
    assert 0 < np.nanmedian(track.point("nose")[:, 0]) < header.width
    assert track.point("left_ankle")[:, 1].mean() > track.point("nose")[:, 1].mean()
