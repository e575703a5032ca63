"""Saved jump-rope sessions side by side: headline asymmetries, before/after changes, persistence, trends.

Pure functions over the records as the history stores them (the jump-rope JSON contract of
``JumpAnalysis.to_dict``, see docs/design.md): nothing here opens the file or imports the engine.

The left-right measures are the ones that carry a verdict against a threshold (``threshold`` in the
measurement: landing lead, foot clearance and hand circle symmetry, landing depth, hand timing, height
and spread, hips off centre, trunk lean, trunk twist). Their sign is the person's side, + = left, in
front and back views alike (docs/jump-rope.md, "Conventions"); trunk twist is a size without a side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from posture.history.compare import DIFFERENT_VIEW, finite_number
from posture.wording_jump import person_side

ASYMMETRIC = "asymmetric"
SIDELESS_KEYS = frozenset({"trunk_twist_deg"})
"""Left-right measures whose value is a size (deg of twist per jump), not a signed left-minus-right."""
MAX_HEADLINE_ASYMMETRIES = 3
PERSISTENT_MIN_SESSIONS = 2

SHRANK = "shrank"
GREW = "grew"
SWITCHED_SIDE = "switched side"
NO_CLEAR_CHANGE = "no clear change"
NOT_COMPARABLE = "n/a"
JUMP_DIRECTIONS = (SHRANK, GREW, SWITCHED_SIDE, NO_CLEAR_CHANGE, DIFFERENT_VIEW, NOT_COMPARABLE)

Band = tuple[float, float]


class JumpSessionRecord(NamedTuple):
    """One saved jump-rope session as the history gives it back: id, time taken (UTC), label, record."""

    id: int
    taken_at: datetime
    label: str
    record: Mapping[str, Any]


@dataclass(frozen=True)
class Asymmetry:
    """A left-right measure judged uneven (status ``asymmetric``) in one session; ``side`` is "" for a size."""

    key: str
    side: str
    value: float
    unit: str


@dataclass(frozen=True)
class JumpMeasureChange:
    """How one left-right measure changed from the ``before`` session to the ``after`` one.

    ``direction`` is one of :data:`JUMP_DIRECTIONS` (see :func:`asymmetry_change`); "different view"
    when the sessions were filmed from different views (``view`` then reads "front→back"), "n/a" when
    either session lacks the value or its 95 % band. Values and bands are in ``unit``.
    """

    key: str
    view: str
    unit: str
    before: float | None
    after: float | None
    before_band: Band | None
    after_band: Band | None
    before_status: str
    after_status: str
    direction: str


@dataclass(frozen=True)
class PersistentAsymmetry:
    """An asymmetry seen uneven on the same ``side`` in ``len(session_ids)`` >= 2 saved sessions."""

    key: str
    side: str
    unit: str
    session_ids: tuple[int, ...]
    taken_at: tuple[datetime, ...]


class JumpTrendPoint(NamedTuple):
    """One session's value of a left-right measure with its 95 % band (``low``-``high``, same unit)."""

    session_id: int
    taken_at: datetime
    view: str
    value: float
    low: float | None
    high: float | None
    unit: str
    status: str


def session_view(record: Mapping[str, Any]) -> str:
    view = record.get("view")
    return view if isinstance(view, str) else ""


def jump_count(record: Mapping[str, Any]) -> int | None:
    """Jumps counted in the session, or None for a record without the measure."""
    value = finite_number(_measurements(record).get("jump_count", {}).get("value"))
    return None if value is None else round(value)


def left_right_measures(record: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The session's measurements that carry a left-right verdict (a ``threshold``), in the record's order."""
    return {key: m for key, m in _measurements(record).items() if "threshold" in m}


def asymmetry_side(key: str, value: float) -> str:
    """The person's side a signed left-right value points to ("left" for +), "" for a size measure."""
    return "" if key in SIDELESS_KEYS else person_side(value)


def asymmetries(record: Mapping[str, Any]) -> list[Asymmetry]:
    """Every measure judged uneven in the session, the clearest first (value over its threshold)."""
    found = []
    for key, measurement in left_right_measures(record).items():
        value = finite_number(measurement.get("value"))
        threshold = finite_number(measurement.get("threshold")) or 1.0
        if measurement.get("status") == ASYMMETRIC and value is not None:
            asymmetry = Asymmetry(key, asymmetry_side(key, value), value, _unit(measurement))
            found.append((abs(value) / threshold, asymmetry))
    return [asymmetry for _, asymmetry in sorted(found, key=lambda pair: -pair[0])]


def headline_asymmetries(record: Mapping[str, Any]) -> tuple[Asymmetry, ...]:
    """The history list's line: at most :data:`MAX_HEADLINE_ASYMMETRIES` uneven measures, clearest first."""
    return tuple(asymmetries(record)[:MAX_HEADLINE_ASYMMETRIES])


def asymmetry_change(before: float, before_band: Band, after: float, after_band: Band) -> str:
    """Did a left-right asymmetry clearly shrink, grow or switch side between two sessions?

    Definition: the change is clear only when the two sessions' 95 % bands (the bootstrap interval of
    each session's median over its jumps, widened by the tracker's typical error) do not overlap;
    otherwise the two values cannot be told apart and the answer is "no clear change". A clear change
    is "switched side" when both bands exclude zero on opposite sides, else "shrank" or "grew" by the
    size of the value (|value|, in the measure's unit: ms, cm, deg or % symmetry index). The threshold
    for "clear" is therefore each session's own band, not a fixed number. Reference: non-overlapping
    95 % intervals imply a difference significant at well under 5 % (Schenker & Gentleman 2001,
    Am Stat 55:182), a deliberately cautious test.
    """
    if before_band[1] >= after_band[0] and after_band[1] >= before_band[0]:
        return NO_CLEAR_CHANGE
    if _excludes_zero(before_band) and _excludes_zero(after_band) and (before > 0) != (after > 0):
        return SWITCHED_SIDE
    return SHRANK if abs(after) < abs(before) else GREW


def compare_jump_records(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[JumpMeasureChange]:
    """Every left-right measure of either session with how its asymmetry changed from ``before`` to ``after``.

    Sessions filmed from different views are put side by side but never judged ("different view"), the
    photo history's rule: each view sees the body with different tracker errors. Order: ``before``'s
    measures as they appear, then those only in ``after``.
    """
    old, new = left_right_measures(before), left_right_measures(after)
    view_before, view_after = session_view(before), session_view(after)
    same_view = view_before == view_after
    view = view_after if same_view else f"{view_before}→{view_after}"
    changes = []
    for key in [*old, *(k for k in new if k not in old)]:
        b, a = old.get(key, {}), new.get(key, {})
        value_b, value_a = finite_number(b.get("value")), finite_number(a.get("value"))
        band_b, band_a = _band(b), _band(a)
        unit = _unit(a) or _unit(b)
        if value_b is None or value_a is None or band_b is None or band_a is None or _unit(a) != _unit(b):
            direction = NOT_COMPARABLE
        elif not same_view:
            direction = DIFFERENT_VIEW
        else:
            direction = asymmetry_change(value_b, band_b, value_a, band_a)
        changes.append(
            JumpMeasureChange(key, view, unit, value_b, value_a, band_b, band_a, _status(b), _status(a), direction)
        )
    return changes


def persistent_asymmetries(
    sessions: Sequence[JumpSessionRecord], min_sessions: int = PERSISTENT_MIN_SESSIONS
) -> list[PersistentAsymmetry]:
    """Asymmetries judged uneven on the same side in at least ``min_sessions`` saved sessions.

    Definition (issue 13): an asymmetry is persistent only when the measure's status is ``asymmetric``
    with the same side (the sign, + = left) in two or more sessions; one uneven session, or uneven on
    alternating sides, is not persistent. Sessions of any view count: the sides are the person's own in
    front and back views, and side views give no left-right verdict. Most sessions first.
    """
    seen: dict[tuple[str, str], list[tuple[JumpSessionRecord, Asymmetry]]] = {}
    for session in sorted(sessions, key=lambda s: (s.taken_at, s.id)):
        for asymmetry in asymmetries(session.record):
            seen.setdefault((asymmetry.key, asymmetry.side), []).append((session, asymmetry))
    persistent = [
        PersistentAsymmetry(
            key,
            side,
            found[-1][1].unit,
            tuple(session.id for session, _ in found),
            tuple(session.taken_at for session, _ in found),
        )
        for (key, side), found in seen.items()
        if len(found) >= min_sessions
    ]
    return sorted(persistent, key=lambda p: -len(p.session_ids))


def jump_trend(sessions: Sequence[JumpSessionRecord], key: str) -> list[JumpTrendPoint]:
    """The sessions' values of one left-right measure with their bands, oldest first (sessions without it skipped)."""
    points = []
    for session in sorted(sessions, key=lambda s: (s.taken_at, s.id)):
        measurement = left_right_measures(session.record).get(key, {})
        value = finite_number(measurement.get("value"))
        if value is None:
            continue
        band = _band(measurement)
        points.append(
            JumpTrendPoint(
                session.id,
                session.taken_at,
                session_view(session.record),
                value,
                None if band is None else band[0],
                None if band is None else band[1],
                _unit(measurement),
                _status(measurement),
            )
        )
    return points


def _measurements(record: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    raw = record.get("measurements")
    if not isinstance(raw, Mapping):
        return {}
    return {key: m for key, m in raw.items() if isinstance(m, Mapping)}


def _band(measurement: Mapping[str, Any]) -> Band | None:
    raw = measurement.get("band")
    if not isinstance(raw, (list, tuple)) or len(raw) != 2:
        return None
    low, high = (finite_number(end) for end in raw)
    return None if low is None or high is None else (min(low, high), max(low, high))


def _unit(measurement: Mapping[str, Any]) -> str:
    return str(measurement.get("unit") or "")


def _status(measurement: Mapping[str, Any]) -> str:
    return str(measurement.get("status") or "not_assessed")


def _excludes_zero(band: Band) -> bool:
    return band[0] > 0 or band[1] < 0
