"""Landmarks over time: MediaPipe's pose landmarker in VIDEO mode over a clip's frames.

VIDEO mode follows the person from frame to frame (the detector runs only when the track is lost),
which is both faster and steadier than detecting every frame afresh. A landmarker in VIDEO mode
keeps state between calls and needs strictly increasing timestamps, so one is created per clip and
closed after it (~0.1 s, small next to decoding and tracking a clip). Two people are looked for so
that a second, equally prominent person is noticed rather than silently swapped in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import BaseOptions
from mediapipe.tasks.python.vision import PoseLandmarker, PoseLandmarkerOptions, RunningMode

from posture.landmarks import model_path
from posture.pose import LANDMARK_NAMES
from posture.video.camera import BackgroundMotion, person_box
from posture.video.decode import DEFAULT_MAX_SIDE_PX, VideoSource, decoded_info, iter_frames, probe
from posture.video.framing import ClipEvidence, check_clip
from posture.video.track import PoseTrack, VideoInfo

__all__ = ["VIDEO_DEFAULT_MODEL", "ClipEvidence", "track_frames", "track_video", "video_landmarker"]

VIDEO_DEFAULT_MODEL = "full"
"""Landmarker for videos, chosen on five public jump clips (docs/video.md): full is as fast as lite
in VIDEO mode (the person detector, shared by all three, dominates the time per frame) and places
ankles, wrists and hips better (median error 1.02 vs 1.21 % of body height); heavy is slightly more
accurate still (0.96 %) but takes ~3x as long per frame, i.e. minutes for a one-minute clip."""

MAX_PEOPLE = 2
"""People looked for in each frame: the subject and whoever could be mistaken for them."""

Progress = Callable[[int, int], None]
"""Called after each frame with (frames done, frames expected); the expected count may be off by a few."""

_LANDMARK_COUNT = len(LANDMARK_NAMES)


@dataclass(frozen=True)
class _FramePoses:
    """The subject's landmarks in one frame (normalised 0-1) and the second person's prominence."""

    xy_norm: np.ndarray | None
    visibility: np.ndarray | None
    world_m: np.ndarray | None
    second_person_ratio: float


def track_video(source: VideoSource, *, model: str = VIDEO_DEFAULT_MODEL, max_side_px: int = DEFAULT_MAX_SIDE_PX,
                progress: Progress | None = None, check: bool = True) -> tuple[VideoInfo, PoseTrack]:
    """Decode ``source`` and track its person: the displayed clip's :class:`VideoInfo` and :class:`PoseTrack`.

    With ``check`` (the default), a clip the analyses cannot use is refused with
    :class:`~posture.errors.PostureError` (see :func:`posture.video.framing.check_clip`); decoding
    errors come from :mod:`posture.video.decode`.
    """
    header = probe(source)
    frames = iter_frames(source, max_side_px=max_side_px)
    track, evidence = track_frames(frames, (header.width, header.height), model=model, total=header.frames,
                                   progress=progress)
    if check:
        check_clip(track, evidence)
    return decoded_info(header, track.times_s), track


def track_frames(frames: Iterable[tuple[float, np.ndarray]], display_size: tuple[int, int], *,
                 model: str = VIDEO_DEFAULT_MODEL, total: int = 0,
                 progress: Progress | None = None) -> tuple[PoseTrack, ClipEvidence]:
    """Run one VIDEO-mode landmarker over ``(time_s, rgb)`` frames (any size: landmarks are normalised).

    ``display_size``: (width, height) px of the displayed clip at full resolution; landmarks are
    returned in those pixels. ``total``: expected frame count for ``progress``. Frames whose
    timestamps are not strictly increasing must not be passed (:func:`iter_frames` never yields them).
    """
    width, height = display_size
    times: list[float] = []
    subjects: list[_FramePoses] = []
    motion = BackgroundMotion()
    last_ms = -1
    with video_landmarker(model) as landmarker:
        for time_s, rgb in frames:
            # MediaPipe wants int ms, strictly increasing: two frames < 1 ms apart get consecutive ms.
            timestamp_ms = max(round(time_s * 1000.0), last_ms + 1)
            last_ms = timestamp_ms
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
            result = landmarker.detect_for_video(image, timestamp_ms)
            poses = _frame_poses(result)
            motion.add(time_s, rgb, person_box(poses.xy_norm))
            times.append(time_s)
            subjects.append(poses)
            if progress is not None:
                progress(len(times), max(total, len(times)))
    track = _assemble(times, subjects, (width, height), model)
    evidence = ClipEvidence(second_person_ratio=np.array([s.second_person_ratio for s in subjects]),
                            camera_shift=np.array([shift for _, shift in motion.shifts]))
    return track, evidence


class video_landmarker:
    """A fresh VIDEO-mode landmarker for one clip, closed on exit."""

    def __init__(self, model: str) -> None:
        self._options = PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model_path(model))),
            running_mode=RunningMode.VIDEO,
            num_poses=MAX_PEOPLE,
            output_segmentation_masks=False,
        )
        self._landmarker: Any = None

    def __enter__(self) -> Any:
        self._landmarker = PoseLandmarker.create_from_options(self._options)
        return self._landmarker

    def __exit__(self, *exc: object) -> None:
        self._landmarker.close()


def _frame_poses(result: Any) -> _FramePoses:
    """The most prominent person of one frame (largest landmark box) and how big the next one is."""
    people = []
    for i, landmarks in enumerate(result.pose_landmarks):
        xy = np.array([[lm.x, lm.y] for lm in landmarks], dtype=np.float64)
        visibility = np.array([lm.visibility or 0.0 for lm in landmarks], dtype=np.float64)
        world = np.array([[lm.x, lm.y, lm.z] for lm in result.pose_world_landmarks[i]], dtype=np.float64)
        people.append((float(np.prod(np.ptp(xy, axis=0))), xy, visibility, world))
    if not people:
        return _FramePoses(None, None, None, 0.0)
    people.sort(key=lambda person: person[0], reverse=True)
    area, xy, visibility, world = people[0]
    ratio = people[1][0] / area if len(people) > 1 and area > 0 else 0.0
    return _FramePoses(xy, visibility, world, ratio)


def _assemble(times: list[float], subjects: list[_FramePoses], display_size: tuple[int, int],
              model: str) -> PoseTrack:
    n = len(times)
    xy = np.full((n, _LANDMARK_COUNT, 2), np.nan)
    visibility = np.zeros((n, _LANDMARK_COUNT))
    world = np.full((n, _LANDMARK_COUNT, 3), np.nan)
    scale = np.array(display_size, dtype=np.float64)
    for i, subject in enumerate(subjects):
        if subject.xy_norm is not None and subject.visibility is not None and subject.world_m is not None:
            xy[i] = subject.xy_norm * scale
            visibility[i] = subject.visibility
            world[i] = subject.world_m
    return PoseTrack(times_s=np.array(times, dtype=np.float64), xy_px=xy, visibility=visibility, world_m=world,
                     image_size=display_size, model=model, interpolated=np.zeros(n, dtype=bool))
