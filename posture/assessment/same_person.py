"""Do the photos of one assessment show one person? Compared by the colours each photo shows.

Several photos are combined as one person's views; photos of different people would then give a
left-minus-right difference that is really a difference between two bodies. Each measured photo
carries its :class:`~posture.appearance.Appearance`: the median colour of the shanks, feet and
forearms inside the person's mask. Two photos whose colour of one region differs by more than that
region's limit are taken for different people.

Calibrated on the public renders (120 people x 4 views, every pair of different views): the
same person's photos differed at most by 12.4 (shanks), 21.9 (feet) and 24.4 (forearms); the limits
below leave a margin over those. Different people's pairs were caught 94 % of the time; the rest wore
alike colours. Segment-length ratios (shank to thigh, leg to trunk) were measured too but change
more between two views of one body than between two bodies, so they are not used. The torso and
thigh colours change with the view (a top open at the back, hands in front of the thighs in a
profile) and are not used either.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from posture.photo_result import MeasuredPhoto
from posture.views import Warning_

DIFFERENT_PEOPLE = "different_people"
# Largest colour distance (see colour_distance) the same person's two photos may show, per region.
COLOUR_LIMITS: Mapping[str, float] = MappingProxyType({"shank": 14.0, "foot": 25.0, "forearm": 28.0})
REGION_NAMES: Mapping[str, str] = MappingProxyType({"shank": "lower legs", "foot": "feet", "forearm": "forearms"})
# Lightness weighs half: one garment looks lighter or darker with the light on its side.
LIGHTNESS_WEIGHT = 0.5


@dataclass(frozen=True)
class Mismatch:
    """Two photos that do not look like one person: the region whose colour differs, and by how much."""

    first: str
    second: str
    region: str
    distance: float


def colour_distance(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """CIELAB distance with lightness at :data:`LIGHTNESS_WEIGHT` (unitless, like Delta E 1976)."""
    difference = np.subtract(first, second)
    difference[0] *= LIGHTNESS_WEIGHT
    return float(np.linalg.norm(difference))


def photo_mismatch(first: MeasuredPhoto, second: MeasuredPhoto) -> Mismatch | None:
    """The region that differs most past its limit between two photos, or None when they may be one person."""
    if first.appearance is None or second.appearance is None:
        return None
    worst: Mismatch | None = None
    for region, limit in COLOUR_LIMITS.items():
        a, b = first.appearance.colours_lab.get(region), second.appearance.colours_lab.get(region)
        if a is None or b is None:
            continue
        distance = colour_distance(a, b)
        if distance > limit and (worst is None or distance / limit > worst.distance / COLOUR_LIMITS[worst.region]):
            worst = Mismatch(first.image, second.image, region, distance)
    return worst


def find_mismatches(photos: Sequence[MeasuredPhoto]) -> list[Mismatch]:
    """Every pair of photos that does not look like one person."""
    return [
        mismatch
        for first, second in itertools.combinations(photos, 2)
        if (mismatch := photo_mismatch(first, second)) is not None
    ]


def different_people_warning(mismatches: Sequence[Mismatch]) -> Warning_ | None:
    """The ``different_people`` warning for the person-level result, None when there is no mismatch."""
    if not mismatches:
        return None
    first = mismatches[0]
    pairs = "" if len(mismatches) == 1 else f" ({len(mismatches)} pairs of photos differ like this)"
    return Warning_(
        DIFFERENT_PEOPLE,
        (
            f"These photos do not look like one person: the {REGION_NAMES[first.region]} look different in "
            f"{first.first} and {first.second}{pairs}. Comparisons between photos (left against right profile) "
            "were left out; each photo's own measures still count. Use photos of one person, in the same clothes."
        ),
    )
