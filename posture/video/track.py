"""What a video becomes after decoding and pose tracking: plain numpy, no MediaPipe, no PyAV.

:class:`VideoInfo` describes the clip as a person sees it (displayed size after the container's
rotation, real frame timestamps); :class:`PoseTrack` holds one person's landmarks over time. The
jump-rope engine and the stand-still analysis read only these two types.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posture.pose import INDEX


@dataclass(frozen=True)
class VideoInfo:
    """One video stream as displayed.

    ``width``/``height``: displayed size in px (after the rotation flag is applied).
    ``rotation_deg``: clockwise turn (0, 90, 180, 270) applied to the stored pixels to display them.
    ``fps``: average frame rate (frames / duration); frame times come from the timestamps.
    ``frames``: decoded frame count; ``duration_s``: last minus first timestamp plus one frame.
    """

    fps: float
    frames: int
    duration_s: float
    rotation_deg: int
    width: int
    height: int
    codec: str

    def to_dict(self) -> dict[str, float | int]:
        """The ``video`` block of the jump-rope JSON contract (docs/jump-rope.md)."""
        return {
            "fps": round(self.fps, 3),
            "frames": self.frames,
            "duration_s": round(self.duration_s, 3),
            "rotation_deg": self.rotation_deg,
            "width": self.width,
            "height": self.height,
        }


@dataclass(frozen=True)
class PoseTrack:
    """One person's 33 MediaPipe landmarks over the frames of a clip.

    ``times_s``: (n,) each frame's own presentation time in seconds from the first frame,
    strictly increasing (phones record variable frame rate: never assume i / fps).
    ``xy_px``: (n, 33, 2) positions in the displayed (upright) frame, x right, y down; NaN where
    the frame had no usable person. ``visibility``: (n, 33) MediaPipe's 0-1 visibility (0 where
    missing). ``world_m``: (n, 33, 3) metric world landmarks (hip-centred, metres; NaN where
    missing). ``image_size``: displayed (width, height) px. ``interpolated``: (n,) True where a
    short gap was filled rather than seen. ``swaps_repaired``: frames whose left/right labels were
    swapped back. ``model``: the landmarker variant (lite, full, heavy).
    """

    times_s: np.ndarray
    xy_px: np.ndarray
    visibility: np.ndarray
    world_m: np.ndarray
    image_size: tuple[int, int]
    model: str
    interpolated: np.ndarray
    swaps_repaired: int = 0

    def __len__(self) -> int:
        return int(self.times_s.shape[0])

    def point(self, name: str) -> np.ndarray:
        """(n, 2) pixel track of one landmark by name (e.g. ``"left_ankle"``)."""
        return self.xy_px[:, INDEX[name], :]

    def vis(self, name: str) -> np.ndarray:
        """(n,) visibility track of one landmark by name."""
        return self.visibility[:, INDEX[name]]

    def midpoint(self, name: str) -> np.ndarray:
        """(n, 2) track halfway between the left and right ``name`` landmarks (e.g. ``"hip"``)."""
        return np.asarray((self.point(f"left_{name}") + self.point(f"right_{name}")) / 2.0)

    @property
    def seen(self) -> np.ndarray:
        """(n,) True where the frame had a person (seen or interpolated)."""
        return np.asarray(~np.isnan(self.xy_px[:, 0, 0]))
