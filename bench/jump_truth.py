"""Pose tracks built from the exact keypoints of the rendered jump-rope clips (eval-public-video).

The truth JSON names 23 keypoints (``shoulder_l``...); they map onto MediaPipe's 33 landmarks, the
rest stay NaN. The 3D keypoints become MediaPipe-style world landmarks: camera axes (x right,
y down, z away from the camera), metres, centred on the hip midpoint.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from posture.pose import INDEX
from posture.video.track import PoseTrack

TRUTH_TO_MEDIAPIPE = {"nose": "nose"} | {
    f"{truth}_{side[0]}": f"{side}_{mp}"
    for side in ("left", "right")
    for truth, mp in (
        ("eye", "eye"),
        ("ear", "ear"),
        ("shoulder", "shoulder"),
        ("elbow", "elbow"),
        ("wrist", "wrist"),
        ("hip", "hip"),
        ("knee", "knee"),
        ("ankle", "ankle"),
        ("heel", "heel"),
        ("toe", "foot_index"),
    )
}


# 3D keypoints the fixtures keep (trunk twist and hand spread read them as world landmarks).
COMPACT_3D_NAMES = ("shoulder_l", "shoulder_r", "hip_l", "hip_r", "wrist_l", "wrist_r")


def load_clip(path: Path) -> dict[str, Any]:
    """A clip's truth JSON, full (eval-public-video) or compact (tests/data/video fixture), as full."""
    with path.open() as handle:
        data: dict[str, Any] = json.load(handle)
    if "frames" not in data:
        data["frames"] = [
            {
                "time_s": t,
                "keypoints_px": {n: px[2 * k : 2 * k + 2] for k, n in enumerate(data["names_px"])},
                "keypoints_3d_m": {n: m[3 * k : 3 * k + 3] for k, n in enumerate(data["names_3d"])},
            }
            for t, px, m in zip(data["time_s"], data["px"], data["m"], strict=True)
        ]
    return data


def _camera_axes(world_m: np.ndarray, world_to_camera: np.ndarray) -> np.ndarray:
    """World points (..., 3) into MediaPipe-like camera axes: x right, y down, z away from the camera."""
    homogeneous = np.concatenate([world_m, np.ones((*world_m.shape[:-1], 1))], axis=-1)
    camera = homogeneous @ world_to_camera.T
    return np.stack([camera[..., 0], -camera[..., 1], -camera[..., 2]], axis=-1)


def track_from_clip(clip: dict[str, Any], times_s: np.ndarray | None = None) -> PoseTrack:
    """The clip's exact keypoints as a :class:`PoseTrack` (``times_s`` overrides the frame times)."""
    frames = clip["frames"]
    n = len(frames)
    xy = np.full((n, len(INDEX), 2), np.nan)
    world = np.full((n, len(INDEX), 3), np.nan)
    visibility = np.zeros((n, len(INDEX)))
    matrix = np.array(clip["camera"]["world_to_camera_4x4_opengl"], dtype=float)
    for i, frame in enumerate(frames):
        for truth_name, mp_name in TRUTH_TO_MEDIAPIPE.items():
            if truth_name in frame["keypoints_px"]:
                xy[i, INDEX[mp_name]] = frame["keypoints_px"][truth_name]
                visibility[i, INDEX[mp_name]] = 1.0
            if truth_name in frame.get("keypoints_3d_m", {}):
                world[i, INDEX[mp_name]] = frame["keypoints_3d_m"][truth_name]
    world = _camera_axes(world, matrix)
    world -= (world[:, [INDEX["left_hip"]]] + world[:, [INDEX["right_hip"]]]) / 2.0
    times = np.array([f["time_s"] for f in frames], dtype=float) if times_s is None else times_s
    size = (int(clip["camera"]["width"]), int(clip["camera"]["height"]))
    return PoseTrack(
        times_s=times,
        xy_px=xy,
        visibility=visibility,
        world_m=world,
        image_size=size,
        model="truth",
        interpolated=np.zeros(n, dtype=bool),
    )
