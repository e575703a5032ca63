"""The capture bench: phone-like copies of the clips (resolution, light, frame timing, blur), and the count on them."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from bench.jump_accuracy import DEFAULT_CLIPS
from bench.jump_capture import (
    captured_copy,
    far_camera,
    judged,
    low_light,
    low_res,
    motion_blur,
    unchanged,
    variable_rate,
)
from bench.video_clips import write_video
from posture.video.decode import iter_frames


def _frames(count: int = 60, fps: float = 60.0) -> list[tuple[float, np.ndarray]]:
    gradient = np.tile(np.linspace(0, 255, 320, dtype=np.uint8), (180, 1))
    return [(k / fps, np.dstack([np.roll(gradient, 4 * k, axis=1)] * 3)) for k in range(count)]


def test_low_res_keeps_the_shape_with_a_640_pixel_long_side() -> None:
    frames = list(low_res(iter([(0.0, np.zeros((1280, 720, 3), np.uint8))])))
    assert frames[0][1].shape == (640, 360, 3)


def test_far_camera_shrinks_the_scene_into_the_same_frame() -> None:
    frame = np.zeros((1280, 720, 3), np.uint8)
    frame[240:1040, 260:460] = 255  # a person 800 px tall
    ((_, far),) = far_camera(iter([(0.0, frame)]))
    assert far.shape == frame.shape
    rows = np.flatnonzero(far[:, 360, 0] > 127)
    assert rows.size == pytest.approx(480, abs=2)
    assert rows.mean() == pytest.approx(640, abs=2), "still in the middle"


def test_low_light_darkens_and_adds_noise() -> None:
    (_, plain), (_, dim) = _frames(1)[0], next(low_light(iter(_frames(1))))
    assert dim.mean() < 0.5 * plain.mean()
    flat = next(low_light(iter([(0.0, np.full((100, 100, 3), 128, np.uint8))])))[1]
    assert 4.0 < flat.std() < 12.0, "sensor noise of about 8 grey levels"


def test_variable_rate_drops_about_one_frame_in_five_and_keeps_each_frame_s_time() -> None:
    frames = _frames(600)
    kept = list(variable_rate(iter(frames)))
    assert 0.15 < 1.0 - len(kept) / len(frames) < 0.25
    originals = {t: rgb for t, rgb in frames}
    assert all(np.array_equal(originals[t], rgb) for t, rgb in kept)
    assert len({round(b - a, 6) for (a, _), (b, _) in itertools.pairwise(kept)}) > 1, "uneven intervals"


def test_motion_blur_halves_the_rate_and_shows_the_middle_of_each_exposure() -> None:
    frames = _frames(8)
    blurred = list(motion_blur(iter(frames)))
    assert [t for t, _ in blurred] == pytest.approx([(k + 0.5) / 60.0 for k in range(0, 8, 2)])
    mean = ((frames[0][1].astype(np.uint16) + frames[1][1]) // 2).astype(np.uint8)
    assert np.array_equal(blurred[0][1], mean)


def test_a_captured_copy_decodes_with_the_frame_times_it_was_written_with(tmp_path: Path) -> None:
    source, copy = tmp_path / "source.mp4", tmp_path / "copy.mp4"
    frames = _frames(100, 30.0)  # the decoder refuses clips under 3 s
    write_video(source, (rgb for _, rgb in frames), fps=30.0)
    captured_copy(source, variable_rate, 20, copy)
    expected = [t for t, _ in variable_rate(iter(frames))]
    assert [t for t, _ in iter_frames(copy)] == pytest.approx(expected, abs=1e-3)
    captured_copy(source, unchanged, 20, copy)
    assert [t for t, _ in iter_frames(copy)] == pytest.approx([t for t, _ in frames], abs=1e-3)


@pytest.mark.slow
def test_the_count_and_view_hold_on_phone_like_copies_of_two_clips(tmp_path: Path) -> None:
    # jump03: 60 fps, 19 jumps; jump04: 30 fps portrait with a rotation flag, 15 jumps.
    clips = [DEFAULT_CLIPS / "jump03_front.json", DEFAULT_CLIPS / "jump04_front.json"]
    for condition in ("low_res", "variable_rate", "motion_blur"):
        tally, wrong_views = judged(condition, clips, None, tmp_path)
        assert not tally.failures, (condition, tally.failures)
        assert not wrong_views, (condition, wrong_views)
        assert tally.counts_exact == tally.clips, condition
    assert tally.clips == 1, "motion blur applies to the 60 fps clip only"
