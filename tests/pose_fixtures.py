"""Stored landmarker output for a few real photos, so the steps after MediaPipe are tested without it.

``bench/make_pose_fixtures.py`` runs the real model once per photo and writes, per photo, every
person found on the first pass and on the left-right mirrored pass (the engine measures right
profiles on the latter) to ``tests/data/poses/<name>.npz``. ``tests/test_pose_fixtures.py``
checks, with the model, that the files still match what it finds today. Landmark positions are
kept in full float64 and the segmentation masks bit for bit (packed), so a photo measured from
its fixture gives the same result as :func:`posture.analysis.analyze_photo`, timings aside.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from posture.errors import PostureError
from posture.imaging import decode_image
from posture.measuring import analyze_people
from posture.photo_result import PhotoResult, RefusedPhoto
from posture.pose import Pose

ROOT = Path(__file__).resolve().parent.parent
POSES_DIR = Path(__file__).resolve().parent / "data" / "poses"
# Fixture name -> the photo it was made from: the project's four sample photos and a few eval renders.
FIXTURE_IMAGES: dict[str, Path] = {
    **{path.stem: path for path in sorted((ROOT / "sample_images").glob("*.jpg"))},
    **{
        name: Path(__file__).resolve().parent / "data" / "eval" / "images" / f"{name}.jpg"
        for name in ("s002_front", "s002_back", "s001_front", "s001_back", "s001_left", "s001_right")
    },
}
PASSES = ("first", "mirrored")


def _pass_arrays(prefix: str, people: tuple[Pose, ...]) -> dict[str, Any]:
    masks = [person.mask for person in people if person.mask is not None]
    if len(masks) != len(people):
        raise ValueError("every stored person needs a segmentation mask")
    return {
        f"{prefix}_xy_px": np.array([person.xy_px for person in people], dtype=np.float64).reshape(-1, 33, 2),
        f"{prefix}_visibility": np.array([person.visibility for person in people], dtype=np.float64).reshape(-1, 33),
        f"{prefix}_world_m": np.array([person.world_m for person in people], dtype=np.float64).reshape(-1, 33, 3),
        f"{prefix}_mask_bits": np.array([np.packbits(mask) for mask in masks], dtype=np.uint8),
    }


def save_people(path: Path, first: tuple[Pose, ...], mirrored: tuple[Pose, ...]) -> None:
    """Write both passes' people (most prominent first) of one photo to ``path`` (.npz)."""
    reference = (first or mirrored)[0]
    if reference.mask is None:
        raise ValueError("every stored person needs a segmentation mask")
    arrays: dict[str, Any] = {
        "model": np.array(reference.model),
        "image_size": np.array(reference.image_size),
        "mask_scale": np.array(reference.mask_scale),
        "mask_shape": np.array(reference.mask.shape),
        **_pass_arrays("first", first),
        **_pass_arrays("mirrored", mirrored),
    }
    np.savez_compressed(path, **arrays)


def _people(data: Any, prefix: str) -> tuple[Pose, ...]:
    shape = tuple(int(n) for n in data["mask_shape"])
    width, height = (int(n) for n in data["image_size"])
    return tuple(
        Pose(
            xy,
            visibility,
            world,
            np.unpackbits(bits, count=shape[0] * shape[1]).reshape(shape).astype(bool),
            float(data["mask_scale"]),
            (width, height),
            str(data["model"]),
        )
        for xy, visibility, world, bits in zip(
            data[f"{prefix}_xy_px"],
            data[f"{prefix}_visibility"],
            data[f"{prefix}_world_m"],
            data[f"{prefix}_mask_bits"],
            strict=True,
        )
    )


def load_people(name: str) -> dict[str, tuple[Pose, ...]]:
    """The people of fixture ``name`` per pass ("first", "mirrored"), most prominent first."""
    with np.load(POSES_DIR / f"{name}.npz") as data:
        return {prefix: _people(data, prefix) for prefix in PASSES}


def measured_from_fixture(
    name: str, *, image: str | None = None, height_cm: float | None = None, view: str = "auto"
) -> PhotoResult:
    """The photo of fixture ``name`` decoded for real and measured from its stored people: what
    ``analyze_photo`` gives for it, without MediaPipe (and without timings)."""
    people = load_people(name)
    photo = decode_image(FIXTURE_IMAGES[name])
    return analyze_people(
        image or FIXTURE_IMAGES[name].name,
        photo,
        people["first"],
        view=view,
        height_cm=height_cm,
        mirrored_people=lambda: people["mirrored"],
    )


def refused(data: bytes, name: str) -> RefusedPhoto:
    """The refusal ``analyze_photo`` gives for bytes that are no photo: they fail decoding, before the model."""
    try:
        decode_image(data)
    except PostureError as error:
        return RefusedPhoto(image=name, error=error)
    raise AssertionError(f"{name} decoded: it is no refusal")
