"""Landmarks over time: MediaPipe's pose landmarker in VIDEO mode over a clip's frames.

VIDEO mode follows the person from frame to frame (the detector runs only when the track is lost),
which is faster than detecting every frame afresh. A landmarker in VIDEO mode
keeps state between calls and needs strictly increasing timestamps, so one is created per clip and
closed after it (~0.1 s, small next to decoding and tracking a clip).

It tracks ONE pose: asked for two, MediaPipe runs its person detector on every frame to look for
the second one (~1.7x the time per frame, docs/video.md). A second, equally prominent person is
looked for separately by an IMAGE-mode landmarker with two poses on one frame every
:data:`CROWD_CHECK_INTERVAL_S`, in the decoding thread, which runs a few frames ahead of the
tracker (:mod:`posture.video.prefetch`) so decoding and tracking overlap.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
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
from posture.video.prefetch import prefetched
from posture.video.track import PoseTrack, VideoInfo

__all__ = [
    "VIDEO_DEFAULT_MODEL",
    "ClipEvidence",
    "landmarker_for",
    "model_bytes",
    "track_frames",
    "track_video",
    "video_landmarker",
]

VIDEO_DEFAULT_MODEL = "full"
"""Landmarker for videos, chosen on five public jump clips (docs/video.md): full places ankles,
wrists and hips better than lite (median error 1.02 vs 1.21 % of body height, measured with a
fresh detection per frame) and, tracking one pose, takes ~2x lite's time per frame; heavy is
slightly more accurate still (0.96 %) but takes ~3x full's time, i.e. minutes for a one-minute clip."""

MAX_PEOPLE = 2
"""People looked for by the crowd check: the subject and whoever could be mistaken for them."""

UNSMOOTHED_FRAME_STEP_MS = 10**7
"""Timestamp step (ms) between frames as MediaPipe sees them: frame i is at i x 10^7 ms (~2.8 h).
With one pose in VIDEO mode MediaPipe smooths the landmarks over time with a one-euro filter
(with two it did not): that lags fast wrists and feet (median wrist error 1.59 -> 2.16 % of body
height on jump01) and would blur the landings the jump analysis times. Hours between frames make
the filter pass each frame through (nearly) unchanged, while the tracker still follows the person
from the previous frame; the track keeps the frames' real times. 180 s at 1000 fps stays far
inside MediaPipe's int64 microsecond clock (1.8e15 of 9.2e18)."""

CROWD_CHECK_INTERVAL_S = 0.5
"""Time between two looks for a second person. Someone walking into the picture stays for
seconds, and a 3 s clip still gets 6 looks (the refusal needs a quarter of them); each look costs
30-40 ms (CPU), i.e. ~2.5 ms per frame of a 30 fps clip instead of ~16 ms with two tracked poses."""

CROWD_CHECK_MODEL = "lite"
"""The crowd check only compares the two people's landmark boxes: the smallest model is enough."""

Progress = Callable[[int, int], None]
"""Called after each frame with (frames done, frames expected); the expected count may be off by a few."""

_LANDMARK_COUNT = len(LANDMARK_NAMES)


@dataclass(frozen=True)
class _FramePoses:
    """The subject's landmarks in one frame (normalised 0-1), None where nobody was found."""

    xy_norm: np.ndarray | None
    visibility: np.ndarray | None
    world_m: np.ndarray | None


def track_video(
    source: VideoSource,
    *,
    model: str = VIDEO_DEFAULT_MODEL,
    max_side_px: int = DEFAULT_MAX_SIDE_PX,
    progress: Progress | None = None,
    check: bool = True,
) -> tuple[VideoInfo, PoseTrack]:
    """Decode ``source`` and track its person: the displayed clip's :class:`VideoInfo` and :class:`PoseTrack`.

    With ``check`` (the default), a clip the analyses cannot use is refused with
    :class:`~posture.errors.PostureError` (see :func:`posture.video.framing.check_clip`); decoding
    errors come from :mod:`posture.video.decode`.
    """
    header = probe(source)
    frames = iter_frames(source, max_side_px=max_side_px)
    track, evidence = track_frames(
        frames, (header.width, header.height), model=model, total=header.frames, progress=progress
    )
    if check:
        check_clip(track, evidence)
    return decoded_info(header, track.times_s), track


def track_frames(
    frames: Iterable[tuple[float, np.ndarray]],
    display_size: tuple[int, int],
    *,
    model: str = VIDEO_DEFAULT_MODEL,
    total: int = 0,
    progress: Progress | None = None,
) -> tuple[PoseTrack, ClipEvidence]:
    """Run one VIDEO-mode landmarker over ``(time_s, rgb)`` frames (any size: landmarks are normalised).

    ``display_size``: (width, height) px of the displayed clip at full resolution; landmarks are
    returned in those pixels. ``total``: expected frame count for ``progress``. Frames whose
    timestamps are not strictly increasing must not be passed (:func:`iter_frames` never yields them);
    MediaPipe itself is given :data:`UNSMOOTHED_FRAME_STEP_MS` steps, not these times.
    """
    width, height = display_size
    times: list[float] = []
    subjects: list[_FramePoses] = []
    crowding: list[float] = []
    motion = BackgroundMotion()
    with (
        video_landmarker(model) as landmarker,
        landmarker_for(CROWD_CHECK_MODEL, RunningMode.IMAGE, MAX_PEOPLE) as crowd,
    ):
        for time_s, rgb, second_person_ratio in prefetched(_with_crowd_check(frames, crowd)):
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
            poses = _subject(landmarker.detect_for_video(image, len(times) * UNSMOOTHED_FRAME_STEP_MS))
            motion.add(time_s, rgb, person_box(poses.xy_norm))
            times.append(time_s)
            subjects.append(poses)
            crowding.append(second_person_ratio)
            if progress is not None:
                progress(len(times), max(total, len(times)))
    track = _assemble(times, subjects, (width, height), model)
    evidence = ClipEvidence(
        second_person_ratio=np.array(crowding, dtype=np.float64),
        camera_shift=np.array([shift for _, shift in motion.shifts]),
    )
    return track, evidence


def _with_crowd_check(
    frames: Iterable[tuple[float, np.ndarray]], crowd: Any
) -> Iterator[tuple[float, np.ndarray, float]]:
    """``(time_s, rgb, second_person_ratio)``: the ratio on one frame every :data:`CROWD_CHECK_INTERVAL_S`
    (the first frame included), NaN on the frames in between."""
    next_check_s = -np.inf
    for time_s, rgb in frames:
        ratio = float("nan")
        if time_s >= next_check_s:
            next_check_s = time_s + CROWD_CHECK_INTERVAL_S
            # Full-size frame: MediaPipe scales to 224/256 px inside, so a smaller copy would not save time.
            ratio = _second_person_ratio(
                crowd.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb)))
            )
        yield time_s, rgb, ratio


@functools.cache
def model_bytes(model: str) -> bytes:
    """The model file of ``model``, read once per process. Each clip still gets its own landmarker built
    from these bytes: in VIDEO mode a landmarker follows one stream (its timestamps must increase and
    it tracks from the previous frame), so a landmarker shared by two clips would carry one clip's
    person into the next."""
    return model_path(model).read_bytes()


class landmarker_for:
    """A fresh landmarker of ``model`` in ``mode`` looking for ``num_poses`` people, closed on exit."""

    def __init__(self, model: str, mode: RunningMode, num_poses: int) -> None:
        self._options = PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_buffer=model_bytes(model)),
            running_mode=mode,
            num_poses=num_poses,
            output_segmentation_masks=False,
        )
        self._landmarker: Any = None

    def __enter__(self) -> Any:
        self._landmarker = PoseLandmarker.create_from_options(self._options)
        return self._landmarker

    def __exit__(self, *exc: object) -> None:
        self._landmarker.close()


def video_landmarker(model: str) -> landmarker_for:
    """The tracker of one clip: VIDEO mode, one pose (see the module docstring)."""
    return landmarker_for(model, RunningMode.VIDEO, 1)


def _subject(result: Any) -> _FramePoses:
    """The tracked person's landmarks in one frame (None where nobody was found)."""
    if not result.pose_landmarks:
        return _FramePoses(None, None, None)
    landmarks = result.pose_landmarks[0]
    xy = np.array([[lm.x, lm.y] for lm in landmarks], dtype=np.float64)
    visibility = np.array([lm.visibility or 0.0 for lm in landmarks], dtype=np.float64)
    world = np.array([[lm.x, lm.y, lm.z] for lm in result.pose_world_landmarks[0]], dtype=np.float64)
    return _FramePoses(xy, visibility, world)


def _second_person_ratio(result: Any) -> float:
    """Landmark-box area of the second largest person over the largest one's (0 when alone or nobody)."""
    areas = sorted(
        (
            float(np.prod(np.ptp(np.array([[lm.x, lm.y] for lm in landmarks]), axis=0)))
            for landmarks in result.pose_landmarks
        ),
        reverse=True,
    )
    return areas[1] / areas[0] if len(areas) > 1 and areas[0] > 0 else 0.0


def _assemble(times: list[float], subjects: list[_FramePoses], display_size: tuple[int, int], model: str) -> PoseTrack:
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
    return PoseTrack(
        times_s=np.array(times, dtype=np.float64),
        xy_px=xy,
        visibility=visibility,
        world_m=world,
        image_size=display_size,
        model=model,
        interpolated=np.zeros(n, dtype=bool),
    )
