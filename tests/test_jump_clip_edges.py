"""The clip-edge bench: its truth count, and the count on exact keypoints cut at every frame of a clip's edges."""

from __future__ import annotations

from bench.jump_accuracy import DEFAULT_CLIPS
from bench.jump_clip_edges import cut_checks, truth_count
from bench.jump_truth import load_clip


def test_a_jump_counts_when_its_middle_and_landing_are_in_the_clip() -> None:
    clip = {"jumps": [{"takeoff_s": 0.1, "touchdown_s": 0.3}, {"takeoff_s": 0.6, "touchdown_s": 0.8}]}
    assert truth_count(clip, 0.0, 1.0) == 2
    assert truth_count(clip, 0.19, 1.0) == 2, "the first flight's middle (0.2 s) is still filmed"
    assert truth_count(clip, 0.21, 1.0) == 1
    assert truth_count(clip, 0.0, 0.8) == 1, "the second lands as the clip ends"


def test_exact_keypoints_are_counted_right_wherever_the_clip_starts_or_ends() -> None:
    path = DEFAULT_CLIPS / "jump01_front.json"
    assert load_clip(path)["fps"] == 30
    results = list(cut_checks([path], None, source="truth"))
    assert len(results) == 60
    wrong = [(kind, frame, got, want) for _, kind, frame, got, want in results if got != want]
    assert not wrong, wrong
