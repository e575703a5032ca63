"""One person's body landmarks as plain numpy arrays: the type every step after MediaPipe works on.

The MediaPipe adapter (:mod:`posture.landmarks`) fills it; views, anatomy, measures, annotation
and the jump-rope engine read it without needing MediaPipe or OpenCV.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

MODEL_VARIANTS = ("lite", "full", "heavy")
# Single photos: accuracy first. lite/full trade accuracy for speed on slow machines.
DEFAULT_MODEL = "heavy"

LANDMARK_NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)
INDEX = {name: i for i, name in enumerate(LANDMARK_NAMES)}
# Index of each landmark's other-side twin (left_ear <-> right_ear; nose stays): what a left-right
# mirror turns it into.
MIRRORED_INDEX = np.array(
    [INDEX[name.replace("left", "@").replace("right", "left").replace("@", "right")] for name in LANDMARK_NAMES]
)


@dataclass(frozen=True)
class Pose:
    """One person's landmarks.

    ``xy_px``: (33, 2) pixel positions in the upright full-resolution image (x right, y down).
    ``visibility``: (33,) MediaPipe's 0-1 visibility. ``world_m``: (33, 3) metric world landmarks
    (hip-centred, metres). ``mask``: boolean person segmentation (MediaPipe's 0-1 mask above
    0.5) at the decoded resolution, ``mask_scale`` mask pixels per full-resolution pixel.
    ``image_size`` is (width, height) px. ``model`` is the landmarker variant that found the
    pose (lite, full or heavy): the gates allow for its own noise.
    """

    xy_px: np.ndarray
    visibility: np.ndarray
    world_m: np.ndarray
    mask: np.ndarray | None
    mask_scale: float
    image_size: tuple[int, int]
    model: str = DEFAULT_MODEL

    def point(self, name: str) -> np.ndarray:
        """Pixel position (x, y) of a landmark by name."""
        xy: np.ndarray = self.xy_px[INDEX[name]]
        return xy

    def vis(self, name: str) -> float:
        return float(self.visibility[INDEX[name]])

    def midpoint(self, name: str) -> np.ndarray:
        """Pixel position halfway between the left and right ``name`` landmarks (e.g. "hip")."""
        middle: np.ndarray = (self.point(f"left_{name}") + self.point(f"right_{name}")) / 2.0
        return middle

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
            return float(np.count_nonzero(self.mask)) / self.mask_scale**2
        x0, y0, x1, y1 = self.bbox_px
        return (x1 - x0) * (y1 - y0)


def mirror_pose(pose: Pose) -> Pose:
    """A pose found on the left-right mirrored photo, expressed in the original photo.

    x becomes ``width - x`` (continuous pixel coordinates), every left landmark trades places with
    its right twin (the person's left hand shows on the mirrored photo as a right hand), the world
    points' x (the person's left-right axis) changes sign and the mask is flipped back. Applying
    it twice gives the pose back.
    """
    xy = pose.xy_px[MIRRORED_INDEX].copy()
    xy[:, 0] = pose.image_size[0] - xy[:, 0]
    world = pose.world_m[MIRRORED_INDEX].copy()
    world[:, 0] = -world[:, 0]
    mask = None if pose.mask is None else np.ascontiguousarray(pose.mask[:, ::-1])
    return dataclasses.replace(
        pose, xy_px=xy, visibility=pose.visibility[MIRRORED_INDEX].copy(), world_m=world, mask=mask
    )
