"""What a person looks like on one photo, for telling whether several photos show the same person.

Read in the measuring step, while the photo and the segmentation mask are still at hand, and kept on
the measured photo (photos are dropped before several of them are combined): the median CIELAB
colour inside the person's mask along body segments (torso, forearms, thighs, shanks, feet).
Clothing and skin look much the same from every side.

Body proportions were tried too (shank to thigh and leg to trunk length from the landmarks): on
the public renders they differ more between two views of one body (99th percentile 28 % and 14 %)
than between two people's bodies (median 8 % and 6 %), so they are not kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import cv2
import numpy as np

from posture.pose import Pose

# Body regions as (from, to) landmark base names; "shoulder" and "hip" alone mean both sides' midpoint.
COLOUR_REGIONS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "torso": ("shoulder", "hip"),
        "thigh": ("hip", "knee"),
        "shank": ("knee", "ankle"),
        "foot": ("heel", "foot_index"),
        "forearm": ("elbow", "wrist"),
    }
)
# Along each segment, sample windows from 25 % to 75 % of its length (its ends are joints, where
# one garment meets the next), each window a square of this fraction of the body height (px).
SAMPLE_SPAN = (0.25, 0.75)
SAMPLES_PER_SEGMENT = 6
WINDOW_FRACTION_OF_HEIGHT = 0.012
# A region needs this many mask pixels to give a colour: fewer is a limb hidden behind the body.
MIN_REGION_PIXELS = 30


@dataclass(frozen=True)
class Appearance:
    """Colour cues of one person on one photo.

    ``colours_lab`` maps a region of :data:`COLOUR_REGIONS` to its median colour (L 0-100, a and b
    about -128..127, CIELAB D65); a region hidden on the photo is missing.
    """

    colours_lab: Mapping[str, tuple[float, float, float]] = field(default_factory=dict)


def _point(pose: Pose, base: str, side: str | None) -> np.ndarray:
    if side is None:
        return pose.midpoint(base)
    return pose.point(f"{side}_{base}")


def _sides(view: str) -> tuple[str, ...]:
    """The sides whose limbs the camera sees: both from the front or back, the near one in a profile."""
    return (view,) if view in ("left", "right") else ("left", "right")


def _region_pixels(
    rgb: np.ndarray, mask: np.ndarray, scale: float, start: np.ndarray, end: np.ndarray, half_window: int
) -> np.ndarray:
    """The photo's RGB pixels inside the person's mask in windows along ``start``-``end`` (full-resolution px)."""
    height, width = mask.shape
    chunks = []
    for t in np.linspace(*SAMPLE_SPAN, SAMPLES_PER_SEGMENT):
        x, y = ((start + t * (end - start)) * scale).round().astype(int)
        x0, x1 = max(x - half_window, 0), min(x + half_window + 1, width)
        y0, y1 = max(y - half_window, 0), min(y + half_window + 1, height)
        if x0 < x1 and y0 < y1:
            chunks.append(rgb[y0:y1, x0:x1][mask[y0:y1, x0:x1]])
    return np.concatenate(chunks) if chunks else np.empty((0, 3), dtype=np.uint8)


def median_lab(pixels: np.ndarray) -> tuple[float, float, float]:
    """Median CIELAB colour (L 0-100, a, b) of ``pixels`` (N x 3 uint8 RGB)."""
    lab = cv2.cvtColor(pixels.reshape(-1, 1, 3).astype(np.uint8), cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(float)
    lab[:, 0] *= 100.0 / 255.0
    lab[:, 1:] -= 128.0
    lightness, a, b = np.median(lab, axis=0)
    return float(lightness), float(a), float(b)


def region_colours(rgb: np.ndarray, pose: Pose, view: str) -> dict[str, tuple[float, float, float]]:
    """Median colour of each region of :data:`COLOUR_REGIONS` inside the person's mask (CIELAB)."""
    if pose.mask is None or pose.mask.shape != rgb.shape[:2]:
        return {}
    height_px = float(np.ptp(pose.xy_px[:, 1]))
    half_window = max(1, round(WINDOW_FRACTION_OF_HEIGHT * height_px * pose.mask_scale))
    colours = {}
    for region, (start, end) in COLOUR_REGIONS.items():
        sides: tuple[str | None, ...] = (None,) if region == "torso" else _sides(view)
        pixels = np.concatenate(
            [
                _region_pixels(
                    rgb, pose.mask, pose.mask_scale, _point(pose, start, side), _point(pose, end, side), half_window
                )
                for side in sides
            ]
        )
        if len(pixels) >= MIN_REGION_PIXELS:
            colours[region] = median_lab(pixels)
    return colours


def read_appearance(rgb: np.ndarray, pose: Pose, view: str) -> Appearance:
    """The person's :class:`Appearance` on a photo of ``view`` (``rgb`` at the mask's resolution)."""
    return Appearance(colours_lab=MappingProxyType(region_colours(rgb, pose, view)))
