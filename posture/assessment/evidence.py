"""Readings for scoring: each measure pooled over the photos and views that give it, and derived ones.

Several photos of one person combine here and nowhere earlier: photos of one view by confidence,
then the views by their measured reliability (:mod:`posture.assessment.view_weights`). A jump-rope
video's measures join the same readings under their ``jump.`` keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from posture.assessment.view_weights import person_measurements
from posture.catalog import (
    JUMP_PREFIX,
    KNEE_VALGUS_DIFFERENCE,
    PROFILE_DIFFERENCE_PREFIX,
    PROFILE_VIEWS,
    SIDE_MEASURES,
)
from posture.measures import SPECS, Measurement, status_of
from posture.photo_result import MeasuredPhoto, PhotoResult
from posture.vocabulary import Status, View

VIEW_ORDER = tuple(View)


@dataclass(frozen=True)
class Reading:
    """A value ready for scoring: pooled over photos, or derived (knee difference, profile difference)."""

    value: float
    confidence: float
    views: tuple[View, ...]


@dataclass(frozen=True)
class JumpSession:
    """The measures of one jump-rope video, as the scoring reads them.

    ``values`` maps a jump measure key (as the jump-rope engine names it, without ``jump.``) to its
    value and its confidence (0-1); ``not_assessed`` maps a key the video could not give to the reason.
    """

    view: View
    values: Mapping[str, tuple[float, float]]
    not_assessed: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def jump_readings(session: JumpSession) -> dict[str, Reading]:
    """The session's values under their catalog keys (``jump.<key>``), read in the video's view."""
    return {
        JUMP_PREFIX + key: Reading(value, confidence, (session.view,))
        for key, (value, confidence) in session.values.items()
    }


def jump_reasons(session: JumpSession) -> dict[str, str]:
    """Why each measure the video could not give is missing, under its catalog key."""
    return {
        JUMP_PREFIX + key: f"{reason} ({session.view} jump-rope video)" for key, reason in session.not_assessed.items()
    }


def usable_view(photo: PhotoResult) -> View | None:
    """The view of a photo that can be scored (measured, in one of the four views); None for any other."""
    return View(photo.view) if isinstance(photo, MeasuredPhoto) and photo.view in VIEW_ORDER else None


def combine_measurements(measurements: Sequence[Measurement]) -> Measurement:
    """One measure read on several photos: confidence-weighted mean value, the best confidence.

    The best confidence (not a sum) because repeated photos share the same systematic errors.
    """
    if len(measurements) == 1:
        return measurements[0]
    best = max(measurements, key=lambda m: m.confidence)
    total = sum(m.confidence for m in measurements)
    if total > 0:
        value = sum(m.value * m.confidence for m in measurements) / total
    else:
        value = sum(m.value for m in measurements) / len(measurements)
    return replace(best, value=value, status=_status(best.key, value, measurements))


def _status(key: str, value: float, measurements: Sequence[Measurement]) -> str:
    """The status of a combined value: judged by the engine's spec when there is one."""
    if key in SPECS:
        return status_of(value, SPECS[key])
    statuses = {m.status for m in measurements}
    return statuses.pop() if len(statuses) == 1 else Status.BORDERLINE


def measurements_by_view(photos: Sequence[MeasuredPhoto]) -> dict[View, dict[str, Measurement]]:
    """Per view (front, back, left, right), each measure combined over the photos of that view."""
    collected: dict[View, dict[str, list[Measurement]]] = {}
    for photo in photos:
        view = usable_view(photo)
        if view is None:
            continue
        for key, measurement in photo.measurements.items():
            collected.setdefault(view, {}).setdefault(key, []).append(measurement)
    return {
        view: {key: combine_measurements(ms) for key, ms in collected[view].items()}
        for view in View
        if view in collected
    }


def profile_differences(by_view: Mapping[View, Mapping[str, Measurement]]) -> dict[str, float]:
    """Left-profile minus right-profile value of every side measure present in both profiles."""
    left, right = by_view.get(View.LEFT, {}), by_view.get(View.RIGHT, {})
    return {key: left[key].value - right[key].value for key in SIDE_MEASURES if key in left and key in right}


def sign_readings(
    by_view: Mapping[View, Mapping[str, Measurement]], cues: Mapping[View, Mapping[str, float]] | None = None
) -> dict[str, Reading]:
    """Every value a sign can read: measures combined over views (weighted by each view's measured
    reliability or jointly from front and back with the outline ``cues``,
    :func:`~posture.assessment.view_weights.person_measurements`), knee-valgus and profile differences."""
    readings = {
        key: Reading(person.measurement.value, person.measurement.confidence, person.views)
        for key, person in person_measurements(by_view, cues=cues).items()
    }
    left_knee, right_knee = readings.get("knee_valgus_left_deg"), readings.get("knee_valgus_right_deg")
    if left_knee and right_knee:
        readings[KNEE_VALGUS_DIFFERENCE] = Reading(
            left_knee.value - right_knee.value,
            min(left_knee.confidence, right_knee.confidence),
            tuple(sorted(set(left_knee.views) & set(right_knee.views), key=VIEW_ORDER.index)),
        )
    for key, difference in profile_differences(by_view).items():
        confidence = min(by_view[View.LEFT][key].confidence, by_view[View.RIGHT][key].confidence)
        readings[PROFILE_DIFFERENCE_PREFIX + key] = Reading(difference, confidence, PROFILE_VIEWS)
    return readings


def not_assessed_reasons(
    photos: Sequence[MeasuredPhoto], by_view: Mapping[View, Mapping[str, Measurement]]
) -> dict[str, str]:
    """Why a measure is missing, from the photos that should have given it (first reason per key)."""
    reasons: dict[str, str] = {}
    for photo in photos:
        for key, reason in photo.not_assessed.items():
            reasons.setdefault(key, f"{reason} ({photo.view} photo)")
    for side in ("left", "right"):
        key = f"knee_valgus_{side}_deg"
        if key in reasons:
            reasons.setdefault(KNEE_VALGUS_DIFFERENCE, f"{side} knee not assessed: {reasons[key]}")
    if View.LEFT in by_view and View.RIGHT in by_view:
        for key in SIDE_MEASURES:
            if key in reasons and not (key in by_view[View.LEFT] and key in by_view[View.RIGHT]):
                reason = f"not assessed in both profiles: {reasons[key]}"
                reasons.setdefault(PROFILE_DIFFERENCE_PREFIX + key, reason)
    return reasons
