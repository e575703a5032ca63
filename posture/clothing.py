"""Clothing that hides the hips or knees: the person's outline far wider than the legs under it.

A long coat, a dress or a wide skirt hangs from the shoulders or waist as one wide shape; the
landmarker then guesses the hips and knees under it, and every measure resting on them (pelvic
obliquity, hip height, pelvic tilt, knee valgus...) measures the garment. Fitted clothing follows
the legs: at each height below the hips, the segmentation mask spans the two legs' landmark spread
plus about one leg's thickness.

The outline is read at heights from the hips down to the shanks. Each height's *excess* is the
width of the mask's stretches that hold the legs' landmark lines, minus the legs' landmark spread
(front and back views; a profile's legs overlap), as a fraction of the body's height in pixels.

Measured with the real model: no warning on the 480 public renders (fitted clothing); a dark coat
painted from the shoulders to below the knees on the 80 bundled renders (``tests/coat.py``) is caught
on 73 of 80 (all 40 profiles, 33 of 40 front or back views); a real photograph of a man in a
knee-length overcoat is caught. A jacket ending at mid-thigh that hangs close to the body is mostly
not (7 of 80): its outline is no wider than hips with hands beside them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from posture.gates import person_height_px
from posture.measures import SPECS, Measurement
from posture.pose import Pose
from posture.views import Warning_

# Heights read, as a fraction of the way from the hips (0) to the knees (1), then on to the ankles (2).
LEG_HEIGHTS = (0.2, 0.35, 0.5, 0.65, 0.8, 1.0, 1.2)
# A height is covered when its excess passes this, per view kind: about 0.02-0.03 above the largest
# excess of the 480 renders (fitted clothing, BMI 18-31), which was, from the front or back, 0.199,
# 0.189, 0.144, 0.114, 0.088, 0.088, 0.094 at the heights above, and in profile 0.215, 0.206, 0.189,
# 0.150, 0.110, 0.103, 0.103. Upper heights allow more: hands hang beside the thighs.
LOOSE_EXCESS: Mapping[str, Mapping[float, float]] = MappingProxyType(
    {
        "frontal": MappingProxyType({0.2: 0.22, 0.35: 0.21, 0.5: 0.17, 0.65: 0.14, 0.8: 0.11, 1.0: 0.11, 1.2: 0.115}),
        "profile": MappingProxyType({0.2: 0.24, 0.35: 0.23, 0.5: 0.22, 0.65: 0.18, 0.8: 0.135, 1.0: 0.13, 1.2: 0.13}),
    }
)
HIP_HEIGHTS = (0.2, 0.35, 0.5)
KNEE_HEIGHTS = (0.8, 1.0, 1.2)


@dataclass(frozen=True)
class LegOutline:
    """Excess width (fraction of body height) of the person's outline at each of :data:`LEG_HEIGHTS`
    that could be read (a height outside the photo or the mask is missing); ``profile`` for a side view."""

    excess: Mapping[float, float]
    profile: bool

    def covered(self, heights: tuple[float, ...]) -> bool:
        """True when a garment hangs loose at any of ``heights`` that were read."""
        limits = LOOSE_EXCESS["profile" if self.profile else "frontal"]
        return any(self.excess.get(height, 0.0) > limits[height] for height in heights)

    @property
    def hides_hips(self) -> bool:
        # A hem below the knees passes the hips too, also when hands hide the thighs' outline.
        return self.covered(HIP_HEIGHTS) or self.hides_knees

    @property
    def hides_knees(self) -> bool:
        return self.covered(KNEE_HEIGHTS)


def _leg_xs(pose: Pose, fraction: float, sides: tuple[str, ...]) -> list[tuple[float, float]]:
    """(x, y) px of each side's leg line at ``fraction`` (0 hip, 1 knee, 2 ankle)."""
    points = []
    for side in sides:
        upper, lower = ("hip", "knee") if fraction <= 1.0 else ("knee", "ankle")
        t = fraction if fraction <= 1.0 else fraction - 1.0
        start, end = pose.point(f"{side}_{upper}"), pose.point(f"{side}_{lower}")
        points.append((float(start[0] + t * (end[0] - start[0])), float(start[1] + t * (end[1] - start[1]))))
    return points


def _run_extent(row: np.ndarray, columns: list[int]) -> tuple[int, int] | None:
    """First and last column of the mask runs in ``row`` that contain any of ``columns``."""
    padded = np.concatenate(([False], row, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    starts, ends = edges[::2], edges[1::2] - 1
    hit = [(s, e) for s, e in zip(starts, ends, strict=True) if any(s <= c <= e for c in columns)]
    if not hit:
        return None
    return int(min(s for s, _ in hit)), int(max(e for _, e in hit))


def leg_outline(pose: Pose, view: str) -> LegOutline:
    """The :class:`LegOutline` of a measured pose (``view`` front, back, left or right)."""
    profile = view in ("left", "right")
    if pose.mask is None:
        return LegOutline({}, profile)
    height_px = person_height_px(pose)
    scale = pose.mask_scale
    sides = ("left", "right")
    excess = {}
    for fraction in LEG_HEIGHTS:
        points = _leg_xs(pose, fraction, sides)
        y = float(np.mean([p[1] for p in points]))
        row_index = round(y * scale)
        if not 0 <= row_index < pose.mask.shape[0]:
            continue
        columns = [round(x * scale) for x, _ in points]
        extent = _run_extent(pose.mask[row_index], columns)
        if extent is None:
            continue
        spread = max(x for x, _ in points) - min(x for x, _ in points) if not profile else 0.0
        width_px = (extent[1] - extent[0] + 1) / scale
        excess[fraction] = (width_px - spread) / height_px
    return LegOutline(excess, profile)


LOOSE_CLOTHING_REASON = "loose clothing hides the {parts}"


def hidden_points(outline: LegOutline) -> tuple[str, ...]:
    """The landmark names (base, as in measure specs: "hip", "knee") the clothing hides."""
    return (*(("hip",) if outline.hides_hips else ()), *(("knee",) if outline.hides_knees else ()))


def hide_covered_measures(
    outline: LegOutline, measurements: Mapping[str, Measurement], not_assessed: Mapping[str, str]
) -> tuple[dict[str, Measurement], dict[str, str], list[Warning_]]:
    """Drop the measures whose points the clothing hides (they go to ``not_assessed`` with the reason)
    and say so in a ``loose_clothing`` warning; unchanged when nothing is hidden."""
    hidden = hidden_points(outline)
    kept, skipped = dict(measurements), dict(not_assessed)
    if not hidden:
        return kept, skipped, []
    parts = " and ".join(f"{name}s" for name in hidden)
    for key in list(kept):
        if any(point.endswith(hidden) for point in SPECS[key].points):
            del kept[key]
            skipped[key] = LOOSE_CLOTHING_REASON.format(parts=parts)
    message = (
        f"Loose or long clothing hides the {parts}: the measures that rest on them were left out. "
        "For a full check, wear fitted clothing (e.g. leggings or shorts and a fitted top)."
    )
    return kept, skipped, [Warning_("loose_clothing", message)]
