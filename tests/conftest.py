"""Shared fixtures: the project's sample photos and ground-truth renders, analysed once per session."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from posture.views import body_yaw_deg

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_images"
EVAL_IMAGES = Path(__file__).resolve().parent / "data" / "eval" / "images"


def turned(pose, yaw_deg: float):
    """The same pose with its world landmarks rotated about the vertical to face ``yaw_deg``."""
    current = np.radians(yaw_deg - body_yaw_deg(pose))
    cos, sin = np.cos(current), np.sin(current)
    rotation = np.array([[cos, 0, sin], [0, 1, 0], [-sin, 0, cos]])
    return dataclasses.replace(pose, world_m=pose.world_m @ rotation.T)


def truth(name: str) -> dict:
    """Ground truth JSON of an eval render, e.g. ``truth("s000_left")``."""
    return json.loads((EVAL_IMAGES / f"{name}.json").read_text())


@pytest.fixture(scope="session")
def sample_bytes() -> dict[str, bytes]:
    """The sample photos by view: front, back, left, right."""
    return {path.stem.split("_")[0]: path.read_bytes() for path in sorted(SAMPLES.glob("*.jpg"))}


@pytest.fixture(scope="session")
def analysed(sample_bytes):
    """The sample photos analysed by the real engine, with the subjects' true heights."""
    from posture.analysis import analyze_photo

    heights = {}
    for path in SAMPLES.glob("*.jpg"):
        subject = path.stem.split("_")[1]
        heights[path.stem.split("_")[0]] = truth(f"{subject}_front")["subject"]["stature_cm"]
    return {view: analyze_photo(data, name=f"{view}.jpg", height_cm=heights[view])
            for view, data in sample_bytes.items()}
