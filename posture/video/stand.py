"""A short clip of a person standing still, measured as one posture photo.

The landmarks of the frames where the person is well seen are combined (per landmark, the median
over frames of the image and world positions), and the photo's measuring step
(:func:`posture.measuring.analyze_people`) runs on that pose with a representative frame as the
photo. Combining is kept only for the measures where it beat a single frame on the public stand
clips (``bench/stand_clips.py``, docs/accuracy.md); the other measures are those of the middle
well-seen frame of the same track.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from posture.errors import PostureError
from posture.imaging import Photo
from posture.measuring import analyze_people
from posture.photo_result import MeasuredPhoto, PhotoResult, RefusedPhoto
from posture.pose import INDEX, Pose
from posture.video.decode import VideoSource, iter_frames
from posture.video.track import PoseTrack, VideoInfo
from posture.video.tracking import VIDEO_DEFAULT_MODEL, track_video

# A frame counts as well seen when these landmarks' median visibility reaches MIN_VISIBILITY.
BODY_LANDMARKS = tuple(f"{side}_{part}" for side in ("left", "right") for part in ("shoulder", "hip", "knee", "ankle"))
MIN_VISIBILITY = 0.5
MIN_FRAMES = 5
# Measures read from the combined landmarks; every other one from the middle frame. Chosen by
# bench/stand_clips.py on the public stand clips (combined error below the single frame's).
COMBINED_MEASURES: frozenset[str] = frozenset(
    {
        "ear_ahead_of_shoulder_cm",
        "head_tilt_deg",
        "hip_height_diff_cm",
        "knee_ahead_of_ankle_cm",
        "pelvic_obliquity_deg",
        "shoulder_height_diff_cm",
        "shoulder_tilt_deg",
        "trunk_lateral_lean_deg",
        "trunk_lateral_shift_cm",
        "trunk_lean_deg",
    }
)


@dataclass(frozen=True)
class CombinedPose:
    """Landmarks combined over the well-seen frames: ``xy_px`` (33, 2), ``world_m`` (33, 3),
    ``visibility`` (33,), the frames used and the frame closest to the combination."""

    xy_px: np.ndarray
    world_m: np.ndarray
    visibility: np.ndarray
    frames_used: int
    representative: int
    middle: int


def well_seen(track: PoseTrack) -> np.ndarray:
    """(n,) True for frames where the person was tracked (not filled in) and the body is clearly visible."""
    body = track.visibility[:, [INDEX[name] for name in BODY_LANDMARKS]]
    seen: np.ndarray = track.seen & ~track.interpolated & (np.median(body, axis=1) >= MIN_VISIBILITY)
    return seen


def combine_landmarks(track: PoseTrack) -> CombinedPose:
    """Median landmarks over the well-seen frames; ``no_person`` when fewer than MIN_FRAMES qualify."""
    frames = np.flatnonzero(well_seen(track))
    if frames.size < MIN_FRAMES:
        raise PostureError(
            "no_person",
            f"The person was clearly seen in only {frames.size} frames; film "
            "a few seconds with the whole body in view and keep still.",
        )
    xy = np.median(track.xy_px[frames], axis=0)
    distance = np.nanmean(np.linalg.norm(track.xy_px[frames] - xy, axis=2), axis=1)
    with warnings.catch_warnings():
        # A landmark without world points in every frame stays NaN, as in a photo's pose.
        warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)
        world = np.nanmedian(track.world_m[frames], axis=0)
    return CombinedPose(
        xy_px=xy,
        world_m=world,
        visibility=np.median(track.visibility[frames], axis=0),
        frames_used=int(frames.size),
        representative=int(frames[int(np.argmin(distance))]),
        middle=int(frames[frames.size // 2]),
    )


def frame_photo(source: VideoSource, index: int, info: VideoInfo) -> Photo:
    """Frame ``index`` of the clip (upright) as a :class:`Photo` the measuring step can read."""
    for i, (_, rgb) in enumerate(iter_frames(source)):
        if i == index:
            return Photo(
                rgb=rgb,
                original_size=(info.width, info.height),
                scale=rgb.shape[1] / info.width,
                source_format="VIDEO",
                exif_orientation=1,
            )
    raise PostureError("corrupt_video", "A frame the tracker saw could not be decoded again.")


def frame_pose(track: PoseTrack, index: int) -> Pose:
    return Pose(
        xy_px=track.xy_px[index],
        visibility=track.visibility[index],
        world_m=track.world_m[index],
        mask=None,
        mask_scale=1.0,
        image_size=track.image_size,
        model=track.model,
    )


def measure_stand_track(
    name: str,
    photo: Photo,
    track: PoseTrack,
    combined: CombinedPose,
    *,
    view: str = "auto",
    height_cm: float | None = None,
    combined_measures: frozenset[str] = COMBINED_MEASURES,
) -> PhotoResult:
    """The clip's photo result: the middle frame's measures, with ``combined_measures`` taken from the
    combined landmarks (both run through the photo's measuring step)."""
    pose = Pose(
        xy_px=combined.xy_px,
        visibility=combined.visibility,
        world_m=combined.world_m,
        mask=None,
        mask_scale=1.0,
        image_size=track.image_size,
        model=track.model,
    )
    result = analyze_people(name, photo, (pose,), view=view, height_cm=height_cm)
    if not isinstance(result, MeasuredPhoto):
        return result
    single = analyze_people(name, photo, (frame_pose(track, combined.middle),), view=result.view, height_cm=height_cm)
    if isinstance(single, MeasuredPhoto):
        # The middle frame's value where it has one; where a moment's occlusion left it without, the
        # combined landmarks' (a measure is never dropped, and never both measured and not assessed).
        measurements = {
            key: result.measurements[key]
            if key in combined_measures or key not in single.measurements
            else single.measurements[key]
            for key in dict.fromkeys([*result.measurements, *single.measurements])
            if key in result.measurements or key not in combined_measures
        }
        reasons = {**single.not_assessed, **result.not_assessed}
        not_assessed = {key: reason for key, reason in reasons.items() if key not in measurements}
        result = dataclasses.replace(result, measurements=measurements, not_assessed=not_assessed)
    return dataclasses.replace(result, frames_used=combined.frames_used)


def analyze_stand_video(
    source: bytes | str | os.PathLike[str],
    *,
    name: str | None = None,
    view: str = "auto",
    height_cm: float | None = None,
    model: str = VIDEO_DEFAULT_MODEL,
) -> PhotoResult:
    """Measure the posture of the person standing still in a clip, as one photo; refusals come back."""
    image = name if name is not None else ("video" if isinstance(source, bytes) else Path(source).name)
    try:
        info, track = track_video(source, model=model)
        combined = combine_landmarks(track)
        photo = frame_photo(source, combined.representative, info)
    except PostureError as error:
        return RefusedPhoto(image=image, error=error)
    return measure_stand_track(image, photo, track, combined, view=view, height_cm=height_cm)
