"""One photo in, measured posture out: the engine chaining imaging, landmarks, views and measures.

``analyze_photo`` never raises for a bad photo: every refusal comes back as a
:class:`~posture.photo_result.RefusedPhoto` with a typed error, so batch callers (CLI, app) handle
one result type. Programming errors (a bad argument) still raise. The steps after the landmarker
live in :mod:`posture.measuring`, which needs no MediaPipe.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable
from pathlib import Path

from posture.anatomy import Corrections
from posture.errors import PostureError
from posture.imaging import Photo, decode_image
from posture.landmarks import detect_people, detect_people_in_tiles, detect_people_mirrored
from posture.measuring import analyze_people
from posture.photo_result import PhotoResult, RefusedPhoto
from posture.pose import DEFAULT_MODEL, Pose

# Statures the engine accepts (cm): every adult and child old enough to stand for a posture photo.
MIN_HEIGHT_CM, MAX_HEIGHT_CM = 50.0, 250.0


def _source_name(source: bytes | str | os.PathLike[str], name: str | None) -> str:
    if name is not None:
        return name
    return "photo" if isinstance(source, (bytes, bytearray)) else Path(source).name


def analyze_photo(
    source: bytes | str | os.PathLike[str],
    *,
    name: str | None = None,
    view: str = "auto",
    height_cm: float | None = None,
    model: str = DEFAULT_MODEL,
    corrections: Corrections | None = None,
) -> PhotoResult:
    """Measure the posture of the person standing in ``source`` (image bytes or a path).

    ``view``: auto, front, back, left or right (forcing a view the photo contradicts gives
    ``unsupported_view``). ``height_cm``: the person's stature in centimetres; without it an
    average adult stature is assumed and flagged. ``model``: lite, full or heavy.
    """
    if height_cm is not None and not MIN_HEIGHT_CM <= height_cm <= MAX_HEIGHT_CM:
        raise ValueError(f"height {height_cm} cm is outside {MIN_HEIGHT_CM:.0f}-{MAX_HEIGHT_CM:.0f} cm")
    image_name = _source_name(source, name)
    started = time.perf_counter()
    try:
        photo = decode_image(source)
        decoded = time.perf_counter()
        photo, people = find_people(source, photo, model)
    except PostureError as error:
        return RefusedPhoto(image=image_name, error=error)
    detected = time.perf_counter()
    mirrored_seconds = []

    def mirrored_people() -> tuple[Pose, ...]:
        started_mirrored = time.perf_counter()
        people = detect_people_mirrored(photo, model)
        mirrored_seconds.append(time.perf_counter() - started_mirrored)
        return people

    result = analyze_people(
        image_name,
        photo,
        people,
        view=view,
        height_cm=height_cm,
        corrections=corrections,
        mirrored_people=mirrored_people,
    )
    if isinstance(result, RefusedPhoto):
        return result
    finished = time.perf_counter()
    mirrored_pass = sum(mirrored_seconds)
    timings = {
        "decode": (decoded - started) * 1000,
        "pose": (detected - decoded + mirrored_pass) * 1000,
        "measure": (finished - detected - mirrored_pass) * 1000,
        "total": (finished - started) * 1000,
    }
    return dataclasses.replace(result, timings_ms=timings)


def find_people(
    source: bytes | str | os.PathLike[str],
    photo: Photo,
    model: str = DEFAULT_MODEL,
    detect: Callable[[Photo, str], tuple[Pose, ...]] = detect_people,
) -> tuple[Photo, tuple[Pose, ...]]:
    """Everyone ``detect`` (the landmarker) finds on ``photo``, decoded from ``source``. When the whole
    picture shows nobody, a figure far away may still be found in overlapping tiles of it at full
    resolution (``landmarks.detect_people_in_tiles``), and is then told to come closer rather than
    that nobody is there; the photo returned is then the full-resolution one the poses refer to."""
    people = detect(photo, model)
    if people:
        return photo, people
    if photo.scale < 1.0:
        photo = decode_image(source, min_long_side_px=None)
    return photo, detect_people_in_tiles(photo, model)
