"""The measure keys a catalog sign can read, and the views each comes from.

The engine's photo measures are split by the views that produce them; two kinds of key are derived in
the assessment step instead: the left-minus-right knee valgus and the left-minus-right profile
difference of any side measure. A key ``jump.<key>`` is a measure of a jump-rope video rather than
of the photos: its views are the views the video may be filmed from.
"""

from __future__ import annotations

import re
from enum import StrEnum

from posture.measures import FRONTAL_VIEWS, SIDE_VIEWS, SPECS
from posture.vocabulary import View

PROFILE_VIEWS = tuple(View(view) for view in SIDE_VIEWS)
FACING_VIEWS = tuple(View(view) for view in FRONTAL_VIEWS)

# The measurement keys, by the views that can produce them: the engine's specs, plus keys the design
# promises that the engine may not produce yet (a sign on them simply stays unread until it does).
SIDE_MEASURES = tuple(key for key, spec in SPECS.items() if set(spec.views) <= set(SIDE_VIEWS))
FRONTAL_MEASURES = tuple(key for key, spec in SPECS.items() if set(spec.views) <= set(FRONTAL_VIEWS))
# Derived in the assessment step, not by the engine: left minus right knee valgus (front/back) and
# left-profile minus right-profile values of any side measure (needs both profiles).
KNEE_VALGUS_DIFFERENCE = "knee_valgus_difference_deg"
PROFILE_DIFFERENCE_PREFIX = "profile_difference."


class SignInput(StrEnum):
    """What a sign's measure is read from: the photos, or a jump-rope video."""

    PHOTO = "photo"
    JUMP = "jump"


JUMP_PREFIX = "jump."
# The jump-rope engine's keys end in their unit (docs: jump-rope.md); a key without one could not
# be shown with its unit, so the catalog may not use it.
_UNIT_OF_SUFFIX = {"_cm": "cm", "_deg": "deg", "_ms": "ms", "_pct": "%"}
_JUMP_KEY = re.compile(rf"[a-z][a-z0-9_]*(?:{'|'.join(_UNIT_OF_SUFFIX)})")


def measure_input(measure: str) -> SignInput:
    """What ``measure`` is read from: a ``jump.`` key from a jump-rope video, any other from the photos."""
    return SignInput.JUMP if measure.startswith(JUMP_PREFIX) else SignInput.PHOTO


def measure_views(measure: str) -> tuple[View, ...] | None:
    """The views that can produce ``measure`` (a profile difference needs all of them); None if unknown."""
    if measure in SIDE_MEASURES:
        return PROFILE_VIEWS
    if measure in FRONTAL_MEASURES or measure == KNEE_VALGUS_DIFFERENCE:
        return FACING_VIEWS
    if measure.startswith(PROFILE_DIFFERENCE_PREFIX):
        base = measure[len(PROFILE_DIFFERENCE_PREFIX) :]
        return PROFILE_VIEWS if base in SIDE_MEASURES else None
    if measure.startswith(JUMP_PREFIX):
        return tuple(View) if _JUMP_KEY.fullmatch(measure[len(JUMP_PREFIX) :]) else None
    return None


def needs_both_profiles(measure: str) -> bool:
    """True for left-minus-right profile differences, which need a left and a right photo."""
    return measure.startswith(PROFILE_DIFFERENCE_PREFIX)


def measure_unit(measure: str) -> str:
    """The unit of a measure key, taken from its suffix (``_cm``, ``_ms``, ``_pct`` as %, else deg)."""
    return next((unit for suffix, unit in _UNIT_OF_SUFFIX.items() if measure.endswith(suffix)), "deg")
