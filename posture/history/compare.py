"""How the measures of two saved assessment records changed: improved, worsened or unchanged.

Two values are judged only when they come from the same view. A left and a right profile (or a
front and a back photo) see the body from opposite sides: the landmarker places the points with
different errors, and the measures are built on the near side's points, so a difference between them
is as much the view as the body. Such pairs are shown side by side as "different view", never as a
change. A value that rests on a landmark the person moved by hand is marked on the side it was moved.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from posture.hand_moves import moved_measures
from posture.measures import typical_error

PHOTOS_KEY = "photos"

# A change smaller than this is within measurement noise and reported as "unchanged". The values
# are about a tenth of the per-photo minimal detectable change of the noisiest measures (CVA MDC
# ~5 deg, docs/measures.md), so only rounding-level jitter is hidden; a unit not listed here
# gets no tolerance. A measure with a benchmarked typical error (posture.measures.typical_error)
# uses that instead when it is larger: a change smaller than what one photo can be off by cannot
# be told from the photos' own error (CVA 2.4 deg, shoulder tilt 0.9 deg; still under the
# published test-retest MDCs, so real changes of clinical size still show).
UNCHANGED_TOLERANCE: Mapping[str, float] = {"deg": 0.5, "cm": 0.3}

# Side views are left/right profiles, frontal views front/back. The sign conventions of
# docs/measures.md are the subject's (anterior, subject's left), so a measure names the same thing in
# either view of a family: compare() puts a left profile next to a later right one, without judging.
DIFFERENT_VIEW = "different view"
BEFORE, AFTER = "before", "after"
_VIEW_FAMILY = {"left": "side", "right": "side", "front": "frontal", "back": "frontal"}


@dataclass(frozen=True)
class MeasureDelta:
    """How one measure changed between two assessments.

    ``direction`` is "improved" (moved toward or into ``normal_range``), "worsened" (away from
    it), "unchanged" (change below :func:`unchanged_tolerance`, inside the range both times, or
    as far outside it as before), "different view" (:data:`DIFFERENT_VIEW`: the two values come from
    the two views of one family, ``view`` then reads "left→right", and ``delta`` is None) or
    "n/a" (missing on one side, units differ, or no normal range to judge by). ``hand_moved`` names
    the sides, "before" and/or "after", whose value rests on a landmark moved by hand.
    """

    key: str
    view: str
    unit: str
    before: float | None
    after: float | None
    delta: float | None
    direction: str
    normal_range: tuple[float | None, float | None] | None = None
    hand_moved: tuple[str, ...] = ()


def finite_number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def record_photos(record: Any) -> list[Mapping[str, Any]]:
    photos = record.get(PHOTOS_KEY) if isinstance(record, Mapping) else None
    return [p for p in photos if isinstance(p, Mapping)] if isinstance(photos, list) else []


# ----------------------------------------------------------------------------------------------
# Comparing two assessments


# The key under which _measures marks a measurement that rests on a hand-moved landmark.
_MOVED = "_hand_moved"


def _measures(record: Mapping[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(view, key) -> measurement dict (marked when hand-moved); the first photo of a view wins when a view repeats."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for photo in record_photos(record):
        view = photo.get("view")
        measurements = photo.get("measurements")
        if not isinstance(view, str) or not isinstance(measurements, Mapping):
            continue
        moved = moved_measures(photo)
        for key, measurement in measurements.items():
            if isinstance(measurement, Mapping):
                found.setdefault((view, key), {**measurement, _MOVED: key in moved})
    return found


def _range(measurement: Mapping[str, Any] | None) -> tuple[float | None, float | None] | None:
    raw = (measurement or {}).get("normal_range")
    if not isinstance(raw, (list, tuple)) or len(raw) != 2:
        return None
    low, high = (finite_number(end) for end in raw)
    return None if low is None and high is None else (low, high)


def _outside(value: float, low: float | None, high: float | None) -> float:
    """How far ``value`` lies outside [low, high]; 0 inside."""
    if low is not None and value < low:
        return low - value
    if high is not None and value > high:
        return value - high
    return 0.0


def unchanged_tolerance(key: str, unit: str) -> float:
    """The smallest change of ``key`` (in ``unit``) reported as a change: see :data:`UNCHANGED_TOLERANCE`."""
    return max(UNCHANGED_TOLERANCE.get(unit, 0.0), typical_error(key) or 0.0)


def _direction(
    key: str, before: float, after: float, unit: str, normal_range: tuple[float | None, float | None] | None
) -> str:
    if abs(after - before) < unchanged_tolerance(key, unit):
        return "unchanged"
    if normal_range is None:
        return "n/a"
    # Distance outside the range: 0 inside, so two values inside are not ranked (the range calls
    # both normal) and a jump from one side of it to the other at the same distance is no change.
    was, now = _outside(before, *normal_range), _outside(after, *normal_range)
    if abs(now - was) < 1e-9:
        return "unchanged"
    return "improved" if now < was else "worsened"


def _delta(
    key: str, view: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, *, same_view: bool = True
) -> MeasureDelta:
    b = finite_number((before or {}).get("value"))
    a = finite_number((after or {}).get("value"))
    unit_b = (before or {}).get("unit")
    unit_a = (after or {}).get("unit")
    unit = str(unit_a or unit_b or "")
    # The later assessment's range is the one the engine stands by now.
    normal_range = _range(after) or _range(before)
    moved = tuple(side for side, m in ((BEFORE, before), (AFTER, after)) if (m or {}).get(_MOVED))
    if b is None or a is None or unit_a != unit_b:
        return MeasureDelta(key, view, unit, b, a, None, "n/a", normal_range, moved)
    if not same_view:
        return MeasureDelta(key, view, unit, b, a, None, DIFFERENT_VIEW, normal_range, moved)
    return MeasureDelta(key, view, unit, b, a, a - b, _direction(key, b, a, unit, normal_range), normal_range, moved)


def compare_records(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[MeasureDelta]:
    """Every measure of either assessment record, with how it changed from ``before`` to ``after``.

    Measures pair on (view, key). A measure left unpaired because the person turned the other
    way (left profile, then right) is put next to the same key in the other view of its family when
    that is the only candidate on each side, as "different view" (not judged). Order: ``before``'s
    measures as they appear, then those only in ``after``.
    """
    old, new = _measures(before), _measures(after)
    only_old = [vk for vk in old if vk not in new]
    only_new = [vk for vk in new if vk not in old]
    swapped: dict[tuple[str, str], tuple[str, str]] = {}
    for view, key in only_old:
        family = _VIEW_FAMILY.get(view)
        olds = [v for v, k in only_old if k == key and _VIEW_FAMILY.get(v) == family]
        news = [v for v, k in only_new if k == key and _VIEW_FAMILY.get(v) == family]
        if family and len(olds) == 1 and len(news) == 1:
            swapped[(view, key)] = (news[0], key)
    result: list[MeasureDelta] = []
    for view, key in old:
        if (view, key) in swapped:
            other = swapped[(view, key)]
            result.append(_delta(key, f"{view}→{other[0]}", old[(view, key)], new[other], same_view=False))
        else:
            result.append(_delta(key, view, old[(view, key)], new.get((view, key))))
    paired = set(swapped.values())
    result += [_delta(k, v, None, new[(v, k)]) for v, k in only_new if (v, k) not in paired]
    return result
