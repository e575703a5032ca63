"""Body landmarks from MediaPipe's pose landmarker (Tasks API), with the models shipped in ``posture.models``.

One landmarker per model variant is created on first use and reused for the life of the process
(creating one costs far more than running it). Several people are looked for so that a bystander
can be told apart from the subject; the caller decides what to do with them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.resources
import math
import threading
from collections.abc import Iterator
from functools import cache
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import BaseOptions
from mediapipe.tasks.python.vision import PoseLandmarker, PoseLandmarkerOptions, RunningMode

from posture.pose import (
    DEFAULT_MODEL,
    MODEL_VARIANTS,
    Pose,
    mirror_pose,
)

if TYPE_CHECKING:
    from posture.imaging import Photo

MAX_PEOPLE = 4


def model_path(model: str) -> Traversable:
    """The bundled ``.task`` file of ``model``, a package resource of ``posture.models``.

    The repository keeps the files in the top-level ``models/`` folder (with the script that rebuilds
    them); the build maps that folder into the package, so a wheel and an editable install both find it.
    """
    if model not in MODEL_VARIANTS:
        raise ValueError(f"unknown model {model!r}: choose one of {', '.join(MODEL_VARIANTS)}")
    return importlib.resources.files("posture.models") / f"pose_landmarker_{model}.task"


class LandmarkerPool:
    """Landmarkers for one model, created on demand and reused.

    A MediaPipe graph runs one image at a time, but it releases the GIL while it works, so two
    threads with a landmarker each run in parallel (measured 1.7x on 2 cores). The pool holds
    as many landmarkers as were ever needed at once: one for the app and the single-photo CLI,
    N for ``--workers N``.
    """

    def __init__(self, model: str):
        self.model = model
        self._free: list[PoseLandmarker] = []
        self._lock = threading.Lock()

    def close(self) -> None:
        """Release every idle landmarker."""
        with self._lock:
            landmarkers, self._free = self._free, []
        for landmarker in landmarkers:
            landmarker.close()

    def _create(self) -> PoseLandmarker:
        # as_file is the resource's own path for an installed package (a temporary copy only if the
        # package were imported from a zip); MediaPipe has read the model once the landmarker exists.
        with importlib.resources.as_file(model_path(self.model)) as path:
            options = PoseLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=str(path)),
                running_mode=RunningMode.IMAGE,
                num_poses=MAX_PEOPLE,
                output_segmentation_masks=True,
            )
            return PoseLandmarker.create_from_options(options)

    def warm(self, count: int = 1) -> None:
        """Have ``count`` landmarkers ready now rather than creating them on the first photos."""
        with contextlib.ExitStack() as borrowed:
            for _ in range(count):
                borrowed.enter_context(self.borrow())

    @contextlib.contextmanager
    def borrow(self) -> Iterator[PoseLandmarker]:
        with self._lock:
            landmarker = self._free.pop() if self._free else None
        if landmarker is None:
            landmarker = self._create()
        try:
            yield landmarker
        finally:
            with self._lock:
                self._free.append(landmarker)


@cache
def landmarker_pool(model: str = DEFAULT_MODEL) -> LandmarkerPool:
    """The process-wide pool of landmarkers for ``model``."""
    return LandmarkerPool(model)


def detect_people(photo: Photo, model: str = DEFAULT_MODEL) -> tuple[Pose, ...]:
    """Every person MediaPipe finds in ``photo``, the most prominent first."""
    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(photo.rgb))
    with landmarker_pool(model).borrow() as landmarker:
        result = landmarker.detect(image)
    width, height = photo.original_size
    poses = []
    for i, landmarks in enumerate(result.pose_landmarks):
        xy = np.array([[lm.x * width, lm.y * height] for lm in landmarks], dtype=np.float64)
        visibility = np.array([lm.visibility or 0.0 for lm in landmarks], dtype=np.float64)
        world = np.array([[lm.x, lm.y, lm.z] for lm in result.pose_world_landmarks[i]], dtype=np.float64)
        mask = None
        if result.segmentation_masks:
            # Thresholded straight from MediaPipe's buffer: a ufunc releases the GIL (a float copy
            # did not, and held back parallel workers), and every use is "inside the person or not".
            view = result.segmentation_masks[i].numpy_view().reshape(photo.rgb.shape[:2])
            mask = np.greater(view, 0.5)
        poses.append(Pose(xy, visibility, world, mask, photo.scale, (width, height), model))
    return tuple(sorted(poses, key=lambda pose: pose.prominence, reverse=True))


# When the whole picture shows nobody, it is looked at again in overlapping tiles, coarse grid first:
# MediaPipe's person detector works on a 224 px square of the whole picture, where a figure a tenth of
# the picture's height tall is a few pixels; in a tile it is large enough to be found and then told to
# come closer (person_too_small) instead of being told nobody is there.
TILE_GRIDS = (2, 3)
TILE_OVERLAP = 0.25


def _tiles(width: int, height: int, grid: int) -> list[tuple[int, int, int, int]]:
    """(x0, y0, x1, y1) px of a grid x grid cover of the picture, neighbours overlapping by TILE_OVERLAP."""
    tile_w, tile_h = math.ceil(width / grid * (1 + TILE_OVERLAP)), math.ceil(height / grid * (1 + TILE_OVERLAP))
    xs = np.linspace(0, width - tile_w, grid).round().astype(int)
    ys = np.linspace(0, height - tile_h, grid).round().astype(int)
    return [(int(x), int(y), int(x) + tile_w, int(y) + tile_h) for y in ys for x in xs]


def _in_full_picture(pose: Pose, x0: int, y0: int, photo: Photo) -> Pose:
    """A pose found on the tile starting at (x0, y0) decoded px, moved into the whole picture."""
    mask = None
    if pose.mask is not None:
        mask = np.zeros(photo.rgb.shape[:2], dtype=bool)
        mask[y0 : y0 + pose.mask.shape[0], x0 : x0 + pose.mask.shape[1]] = pose.mask
    shift = np.array([x0, y0]) / photo.scale
    return dataclasses.replace(pose, xy_px=pose.xy_px + shift, mask=mask, image_size=photo.original_size)


def _distinct(poses: list[Pose]) -> tuple[Pose, ...]:
    """The poses without repeats of one person found in overlapping tiles: the tallest find of each
    person is kept, and a pose whose landmark box centre lies in a kept one's box is the same person."""
    kept: list[Pose] = []
    for pose in sorted(poses, key=lambda p: p.bbox_px[3] - p.bbox_px[1], reverse=True):
        centre_x, centre_y = (pose.bbox_px[0] + pose.bbox_px[2]) / 2, (pose.bbox_px[1] + pose.bbox_px[3]) / 2
        if not any(k.bbox_px[0] <= centre_x <= k.bbox_px[2] and k.bbox_px[1] <= centre_y <= k.bbox_px[3] for k in kept):
            kept.append(pose)
    return tuple(sorted(kept, key=lambda pose: pose.prominence, reverse=True))


def detect_people_in_tiles(photo: Photo, model: str = DEFAULT_MODEL) -> tuple[Pose, ...]:
    """:func:`detect_people` run on overlapping tiles of ``photo`` (2 x 2, then 3 x 3 when that finds
    nobody), poses moved into the whole picture: for a person too small to be found in the whole."""
    height, width = photo.rgb.shape[:2]
    for grid in TILE_GRIDS:
        found = []
        for x0, y0, x1, y1 in _tiles(width, height, grid):
            tile = dataclasses.replace(
                photo,
                rgb=np.ascontiguousarray(photo.rgb[y0:y1, x0:x1]),
                original_size=(round((x1 - x0) / photo.scale), round((y1 - y0) / photo.scale)),
            )
            found += [_in_full_picture(pose, x0, y0, photo) for pose in detect_people(tile, model)]
        if found:
            return _distinct(found)
    return ()


def detect_people_mirrored(photo: Photo, model: str = DEFAULT_MODEL) -> tuple[Pose, ...]:
    """:func:`detect_people` run on the left-right mirrored photo, poses mapped back to the original."""
    mirrored = dataclasses.replace(photo, rgb=np.ascontiguousarray(photo.rgb[:, ::-1]))
    return tuple(mirror_pose(pose) for pose in detect_people(mirrored, model))
