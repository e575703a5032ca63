"""Real jump-rope analyses of the public rendered clips (tests/data/video), cheap: the engine after the
tracker (view estimate, analyze_track with the bench's typical errors) on each clip's exact keypoints,
as tests/test_jump_truth.py reads them. A JumpAnalysis exactly as analyze_jump_video builds one, minus
MediaPipe's tracking (whose own accuracy tests/test_jump_*.py check on the real model)."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

from bench.jump_truth import load_clip, track_from_clip
from posture.jump.engine import JumpAnalysis, measured_session, view_of
from posture.video.track import PoseTrack, VideoInfo
from tests.jump_motion import mirrored

DATA = Path(__file__).resolve().parent / "data" / "video"


def analysis_of_track(name: str, track: PoseTrack, clip: dict) -> JumpAnalysis:
    # Judged as the app judges a clip tracked by its default model: that model's typical errors
    # widen the bands, and the page and the report quote them.
    track = dataclasses.replace(track, model="full")
    height_cm = float(clip["subject"]["stature_cm"])
    view = view_of(track, "auto")
    frames = len(track.times_s)
    duration_s = float(track.times_s[-1] - track.times_s[0]) + 1.0 / float(clip["fps"])
    video = VideoInfo(
        fps=frames / duration_s,
        frames=frames,
        duration_s=duration_s,
        rotation_deg=0,
        width=track.image_size[0],
        height=track.image_size[1],
        codec="h264",
    )
    session = measured_session(track, view, height_cm)
    return JumpAnalysis(f"{name}.mp4", video, view, height_cm, session, track)


@cache
def public_analysis(name: str) -> JumpAnalysis:
    """``name`` ("jump01_front"...) analysed from its true keypoints."""
    clip = load_clip(DATA / f"{name}.json")
    return analysis_of_track(name, track_from_clip(clip), clip)


@cache
def mirrored_analysis(name: str) -> JumpAnalysis:
    """The same clip seen in a mirror: every left-right difference points to the other side."""
    clip = load_clip(DATA / f"{name}.json")
    return dataclasses.replace(
        analysis_of_track(name, mirrored(track_from_clip(clip)), clip), file=f"{name}_mirrored.mp4"
    )
