"""Landmarks a person moved by hand on one photo, and the measures whose values the moves changed.

A moved landmark makes a value the person's judgement as much as the landmarker's, so the record,
the report and the history say so next to every value it touched. The moves themselves are applied by
:func:`posture.measuring.with_moved_landmarks` and found out by :func:`posture.measuring.hand_moves_between`;
this module holds what they did and reads it back from saved records.

Which measures are "touched" is found by measuring, not by a table of which point feeds which
measure: a value counts when it differs from the value the landmarker's own points gave by more
than the record's rounding (:data:`VALUE_ROUNDING`), or when the measure was assessed on one side only
(a moved point is taken as fully visible, so a measure can become assessable). That covers the
point itself and everything it feeds indirectly, such as the body's scale (centimetres rest on the
crown-to-floor height) or which way the person faces.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Values are stored with two decimals (posture.measures.Measurement.to_dict): a difference below
# half of that is invisible in the record and is not counted as a change.
VALUE_ROUNDING = 0.005


@dataclass(frozen=True)
class LandmarkMove:
    """One landmark moved by hand: from where the landmarker put it to where the person clicked.

    Positions are (x px, y px) in the full-resolution upright photo. ``cm_per_px`` is the photo's
    scale after the move (from the given or assumed stature), None where there was none.
    """

    landmark: str
    from_px: tuple[float, float]
    to_px: tuple[float, float]
    cm_per_px: float | None = None

    @property
    def distance_px(self) -> float:
        """How far the landmark was moved, in pixels of the full-resolution photo."""
        return math.dist(self.from_px, self.to_px)

    @property
    def distance_cm(self) -> float | None:
        """How far the landmark was moved, in centimetres at the body's depth; None without a scale."""
        return None if self.cm_per_px is None else self.distance_px * self.cm_per_px

    def to_dict(self) -> dict[str, Any]:
        cm = self.distance_cm
        return {
            "landmark": self.landmark,
            "from_px": [round(self.from_px[0], 1), round(self.from_px[1], 1)],
            "to_px": [round(self.to_px[0], 1), round(self.to_px[1], 1)],
            "distance_px": round(self.distance_px, 1),
            "distance_cm": None if cm is None else round(cm, 1),
        }


@dataclass(frozen=True)
class HandMoves:
    """Every landmark moved by hand on one photo and the measure keys whose values the moves changed."""

    landmarks: tuple[LandmarkMove, ...]
    measures: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The ``hand_moved`` object of a photo in the JSON contract and the saved record."""
        return {"landmarks": [move.to_dict() for move in self.landmarks], "measures": list(self.measures)}


def moved_measures(photo: Mapping[str, Any]) -> frozenset[str]:
    """The measure keys a saved photo object marks as resting on a hand-moved point (none in older records)."""
    hand_moved = photo.get("hand_moved")
    measures = hand_moved.get("measures") if isinstance(hand_moved, Mapping) else None
    return frozenset(key for key in measures if isinstance(key, str)) if isinstance(measures, list) else frozenset()


def moved_landmarks(photo: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The moved-landmark entries of a saved photo object (empty in older records)."""
    hand_moved = photo.get("hand_moved")
    landmarks = hand_moved.get("landmarks") if isinstance(hand_moved, Mapping) else None
    return [entry for entry in landmarks if isinstance(entry, Mapping)] if isinstance(landmarks, list) else []
