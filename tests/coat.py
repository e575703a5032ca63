"""A long coat painted onto a ground-truth render, to test what clothing that hides the body does.

The renders show fitted clothing only. The coat is drawn from the render's own ground-truth
keypoints (not from the landmarker): a dark shape hanging from the shoulders, widening to a hem at
mid-thigh (a jacket) or below the knees (an overcoat), with sleeves down to the wrists.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

EVAL_IMAGES = Path(__file__).resolve().parent / "data" / "eval" / "images"
COAT_RGB = (38, 36, 40)
HEMS = ("thigh", "knee")


def _keypoints(name: str) -> dict[str, np.ndarray]:
    truth = json.loads((EVAL_IMAGES / f"{name}.json").read_text())
    return {key: np.array([point["x"], point["y"]]) for key, point in truth["keypoints_px"].items()}


def paint_coat(name: str, hem: str = "knee") -> bytes:
    """The render ``name`` (e.g. "s004_front") with a coat painted on, as JPEG bytes.

    ``hem``: "thigh" (half way from hip to knee) or "knee" (a third of the way from knee to ankle).
    """
    rgb = cv2.cvtColor(cv2.imread(str(EVAL_IMAGES / f"{name}.jpg")), cv2.COLOR_BGR2RGB)
    points = _keypoints(name)
    view = name.split("_")[1]
    mid = {part: (points[f"{part}_l"] + points[f"{part}_r"]) / 2 for part in ("shoulder", "hip", "knee", "ankle")}
    height = mid["ankle"][1] - points["nose"][1]
    hem_y = (
        mid["hip"][1] + 0.5 * (mid["knee"][1] - mid["hip"][1])
        if hem == "thigh"
        else mid["knee"][1] + 0.35 * (mid["ankle"][1] - mid["knee"][1])
    )
    top_y = min(points["shoulder_l"][1], points["shoulder_r"][1]) - 0.01 * height
    if view in ("front", "back"):
        top_half = abs(points["acromion_l"][0] - points["acromion_r"][0]) / 2 + 0.01 * height
        centre_top, centre_hem = mid["shoulder"][0], mid["hip"][0]
    else:
        top_half = 0.075 * height
        centre_top, centre_hem = (mid["shoulder"][0] + mid["hip"][0]) / 2, mid["hip"][0]
    hem_half = top_half + 0.03 * height
    outline = np.array(
        [
            [centre_top - top_half, top_y],
            [centre_top + top_half, top_y],
            [centre_hem + hem_half, hem_y],
            [centre_hem - hem_half, hem_y],
        ]
    )
    colour = tuple(int(c) for c in COAT_RGB)
    cv2.fillPoly(rgb, [outline.round().astype(np.int32)], colour)
    sleeve = max(2, round(0.045 * height))
    for side in ("l", "r"):
        arm = np.array([points[f"shoulder_{side}"], points[f"elbow_{side}"], points[f"wrist_{side}"]])
        cv2.polylines(rgb, [arm.round().astype(np.int32)], False, colour, sleeve)
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return encoded.tobytes()
