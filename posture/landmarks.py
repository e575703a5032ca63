"""Body landmarks from MediaPipe's pose landmarker (Tasks API), with the models shipped in ``models/``.

One landmarker per model variant is created on first use and reused for the life of the process
(creating one costs far more than running it). Several people are looked for so that a bystander
can be told apart from the subject; the caller decides what to do with them.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import BaseOptions
from mediapipe.tasks.python.vision import PoseLandmarker, PoseLandmarkerOptions, RunningMode

if TYPE_CHECKING:
    from posture.imaging import Photo

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
MODEL_VARIANTS = ("lite", "full", "heavy")
# Single photos: accuracy first. lite/full trade accuracy for speed on slow machines.
DEFAULT_MODEL = "heavy"
MAX_PEOPLE = 4

LANDMARK_NAMES: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)
INDEX = {name: i for i, name in enumerate(LANDMARK_NAMES)}


@dataclass(frozen=True)
class Pose:
    """One person's landmarks.

    ``xy_px``: (33, 2) pixel positions in the upright full-resolution image (x right, y down).
    ``visibility``: (33,) MediaPipe's 0-1 visibility. ``world_m``: (33, 3) metric world landmarks
    (hip-centred, metres). ``mask``: float32 person segmentation (0-1) at the decoded resolution,
    ``mask_scale`` mask pixels per full-resolution pixel. ``image_size`` is (width, height) px.
    """

    xy_px: np.ndarray
    visibility: np.ndarray
    world_m: np.ndarray
    mask: np.ndarray | None
    mask_scale: float
    image_size: tuple[int, int]

    def point(self, name: str) -> np.ndarray:
        """Pixel position (x, y) of a landmark by name."""
        return self.xy_px[INDEX[name]]

    def vis(self, name: str) -> float:
        return float(self.visibility[INDEX[name]])

    @property
    def bbox_px(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) of the landmarks in pixels."""
        x0, y0 = self.xy_px.min(axis=0)
        x1, y1 = self.xy_px.max(axis=0)
        return float(x0), float(y0), float(x1), float(y1)

    @property
    def prominence(self) -> float:
        """Area of the person's mask (or landmark box) in full-resolution pixels: bigger = nearer."""
        if self.mask is not None:
            return float((self.mask > 0.5).sum()) / self.mask_scale**2
        x0, y0, x1, y1 = self.bbox_px
        return (x1 - x0) * (y1 - y0)


def model_path(model: str) -> Path:
    if model not in MODEL_VARIANTS:
        raise ValueError(f"unknown model {model!r}: choose one of {', '.join(MODEL_VARIANTS)}")
    return MODELS_DIR / f"pose_landmarker_{model}.task"


@contextlib.contextmanager
def _native_stderr_silenced():
    """Silence the C++ chatter (absl/TFLite logs) that MediaPipe writes to file descriptor 2.

    It would garble the CLI's output and cannot be turned off by a setting; Python's own
    ``sys.stderr`` is flushed first so nothing of ours is lost.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class _Landmarker:
    """A landmarker and the lock that serialises calls to it (MediaPipe graphs are not re-entrant)."""

    def __init__(self, model: str):
        options = PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model_path(model))),
            running_mode=RunningMode.IMAGE,
            num_poses=MAX_PEOPLE,
            output_segmentation_masks=True,
        )
        with _native_stderr_silenced():
            self.landmarker = PoseLandmarker.create_from_options(options)
        self.lock = threading.Lock()


@cache
def get_landmarker(model: str = DEFAULT_MODEL) -> _Landmarker:
    """The process-wide landmarker for ``model``, created once."""
    return _Landmarker(model)


def detect_people(photo: Photo, model: str = DEFAULT_MODEL) -> tuple[Pose, ...]:
    """Every person MediaPipe finds in ``photo``, the most prominent first."""
    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(photo.rgb))
    runner = get_landmarker(model)
    # The first detection of a person logs a harmless projection warning; errors still raise.
    with runner.lock, _native_stderr_silenced():
        result = runner.landmarker.detect(image)
    width, height = photo.original_size
    poses = []
    for i, landmarks in enumerate(result.pose_landmarks):
        xy = np.array([[lm.x * width, lm.y * height] for lm in landmarks], dtype=np.float64)
        visibility = np.array([lm.visibility or 0.0 for lm in landmarks], dtype=np.float64)
        world = np.array([[lm.x, lm.y, lm.z] for lm in result.pose_world_landmarks[i]], dtype=np.float64)
        mask = None
        if result.segmentation_masks:
            mask = np.array(result.segmentation_masks[i].numpy_view(), dtype=np.float32).reshape(photo.rgb.shape[:2])
        poses.append(Pose(xy, visibility, world, mask, photo.scale, (width, height)))
    return tuple(sorted(poses, key=lambda pose: pose.prominence, reverse=True))
