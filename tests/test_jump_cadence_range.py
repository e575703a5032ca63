"""The cadence-range bench: clips played faster or slower keep their count (exact keypoints and the real model)."""

from __future__ import annotations

import functools

import pytest

from bench.jump_accuracy import DEFAULT_CLIPS, load_track
from bench.jump_cadence_range import retimed, retimed_counts, retimings
from bench.jump_clip_edges import counted
from bench.jump_truth import load_clip
from posture.jump.session import detection_settings


def test_retiming_speeds_the_clock_and_drops_frames() -> None:
    clip = load_clip(DEFAULT_CLIPS / "jump01_front.json")
    track = load_track("truth", DEFAULT_CLIPS / "jump01_front.json", clip, "full")
    faster = retimed(track, 2.0, 2)
    assert faster.times_s.size == (track.times_s.size + 1) // 2
    assert faster.times_s[1] - faster.times_s[0] == pytest.approx(track.times_s[1] - track.times_s[0], abs=1e-4)
    assert faster.times_s[-1] == pytest.approx(track.times_s[-2] / 2.0)
    assert {(2.0, 1), (2.0, 2), (0.67, 1)} <= set(retimings())


def test_exact_keypoints_are_counted_right_from_100_to_310_turns_a_minute() -> None:
    path = DEFAULT_CLIPS / "jump01_front.json"
    clip = load_clip(path)
    results = list(retimed_counts(load_track("truth", path, clip, "full"), clip))
    assert len(results) == len(retimings()) == 6
    wrong = [(case, got, want) for case, got, want in results if got != want]
    assert not wrong, wrong


@pytest.mark.slow
def test_the_full_model_counts_fast_skipping_filmed_at_a_high_frame_rate(full_model_track) -> None:
    # jump03 (60 fps, 142 turns/min) played 1.25-2x faster: 75-120 fps at 175-285 turns/min. A fixed
    # 18 Hz low-pass lost up to 7 of its 19 jumps here; the turn-rate cutoff loses none.
    clip = load_clip(DEFAULT_CLIPS / "jump03_front.json")
    results = list(retimed_counts(full_model_track("jump03_front"), clip))
    wrong = [(case, got, want) for case, got, want in results if got != want]
    assert not wrong, wrong


@functools.cache
def back_view_model_counts() -> tuple[dict[str, tuple[int, int]], int]:
    """The full model's stored track of jump06 (back view): (counted, true) jumps per re-timing, and as filmed."""
    path = DEFAULT_CLIPS / "jump06_back.json"
    clip = load_clip(path)
    track = load_track("model", path, clip, "full", cache=DEFAULT_CLIPS)
    return {case: (got, want) for case, got, want in retimed_counts(track, clip)}, counted(track, clip)


def test_a_toe_the_model_lost_does_not_stand_in_for_the_flights() -> None:
    # The track played 1.5x faster (45 fps, 198 turns/min): its left toe reads as airborne in all but 2
    # of 16 turns, so the right toe's lifts alone looked like a steady run of flights that missed the
    # first jump (16 of 17). The heels count them all.
    results, as_filmed = back_view_model_counts()
    assert results["1.5x at 45 fps"] == (17, 17)
    assert as_filmed == 17


def test_a_back_view_at_260_turns_a_minute_filmed_at_30_fps_keeps_its_short_heel_contacts() -> None:
    # The track played 2x faster keeping every other frame: 30 fps, 7 frames a turn. The toes are hidden
    # from behind, so the heels carry the rhythm, and their down phase lasts one or two frames; a fixed
    # 40 ms shortest contact joined most turns into long flights (6 of 17 counted).
    results, _ = back_view_model_counts()
    assert results["2x at 30 fps"] == (17, 17)


@pytest.mark.parametrize(("turn_rate_hz", "shortest_s"), [(float("nan"), 0.04), (2.2, 0.04), (3.0, 0.04), (4.0, 0.03)])
def test_the_shortest_contact_kept_shrinks_with_fast_turns_only(turn_rate_hz: float, shortest_s: float) -> None:
    assert detection_settings(turn_rate_hz=turn_rate_hz).min_phase_s == pytest.approx(shortest_s)
