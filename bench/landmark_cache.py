"""MediaPipe's people per photo, kept on disk so refits and benchmark reruns skip the landmarker.

The landmarker is the only slow step of a benchmark (480 photos x heavy model take minutes on two
cores); everything after it is deterministic numpy. Each photo's people are stored under
``/tmp/posture-landmarks`` (never in the repository), keyed by the SHA-1 of the decoded pixels,
of the model file and the pass (plain or mirrored), so an edited or re-projected image never reuses
another image's landmarks. Set ``POSTURE_LANDMARK_CACHE`` to move the folder, or to an empty
string to switch the cache off.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

import numpy as np

from posture.imaging import Photo
from posture.landmarks import detect_people, detect_people_mirrored, model_path
from posture.pose import Pose

DEFAULT_CACHE_DIR = Path("/tmp/posture-landmarks")
# Bump when the stored layout or the landmarker's output changes meaning.
CACHE_VERSION = 1


def cache_dir() -> Path | None:
    """The cache folder, or None when ``POSTURE_LANDMARK_CACHE`` is set to an empty string."""
    configured = os.environ.get("POSTURE_LANDMARK_CACHE")
    if configured is None:
        return DEFAULT_CACHE_DIR
    return Path(configured) if configured else None


@cache
def _model_digest(model: str) -> str:
    """SHA-1 of the model file: a replaced model never reuses the old one's landmarks."""
    return hashlib.sha1(model_path(model).read_bytes()).hexdigest()


def _key(photo: Photo, model: str, mirrored: bool) -> str:
    digest = hashlib.sha1(np.ascontiguousarray(photo.rgb).tobytes())
    digest.update(f"{photo.original_size}|{photo.scale}|{_model_digest(model)}|{mirrored}|v{CACHE_VERSION}".encode())
    return digest.hexdigest()


def _save(path: Path, people: tuple[Pose, ...]) -> None:
    arrays: dict[str, np.ndarray] = {"count": np.array(len(people))}
    for i, pose in enumerate(people):
        arrays[f"xy_{i}"] = pose.xy_px
        arrays[f"vis_{i}"] = pose.visibility
        arrays[f"world_{i}"] = pose.world_m
        arrays[f"meta_{i}"] = np.array([pose.mask_scale, *pose.image_size])
        if pose.mask is not None:
            arrays[f"mask_{i}"] = np.packbits(pose.mask, axis=None)
            arrays[f"mask_shape_{i}"] = np.array(pose.mask.shape)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp.npz")
    np.savez_compressed(partial, allow_pickle=False, **arrays)
    partial.replace(path)


def _load(path: Path, model: str) -> tuple[Pose, ...]:
    with np.load(path) as data:
        people = []
        for i in range(int(data["count"])):
            scale, width, height = data[f"meta_{i}"]
            mask = None
            if f"mask_{i}" in data:
                shape = tuple(int(n) for n in data[f"mask_shape_{i}"])
                mask = np.unpackbits(data[f"mask_{i}"], count=shape[0] * shape[1]).reshape(shape).astype(bool)
            people.append(
                Pose(
                    data[f"xy_{i}"],
                    data[f"vis_{i}"],
                    data[f"world_{i}"],
                    mask,
                    float(scale),
                    (int(width), int(height)),
                    model,
                )
            )
    return tuple(people)


def cached_people(photo: Photo, model: str = "heavy", *, mirrored: bool = False) -> tuple[Pose, ...]:
    """:func:`posture.landmarks.detect_people` (or its mirrored pass) on ``photo``, from the disk cache
    when this exact image was seen before with this model."""
    folder = cache_dir()
    detect = detect_people_mirrored if mirrored else detect_people
    if folder is None:
        return detect(photo, model)
    path = folder / f"{_key(photo, model, mirrored)}.npz"
    if path.exists():
        return _load(path, model)
    people = detect(photo, model)
    _save(path, people)
    return people
