"""One value per measure for the whole person: every view that shows it, weighted by how reliable that view is.

A front and a back photo read the frontal measures with nearly independent errors, so their
inverse-variance weighted mean is closer to the truth than either photo alone. Each view's weight
is 1 / sigma^2, sigma being the view's held-out mean absolute error for the measure (written by
``bench/accuracy.py --view-errors`` into ``posture/view_errors.json``, from a grouped k-fold over
120 rendered people). The combined value's typical error is the one measured on held-out
combinations of those views when the benchmark had them, else 1 / sqrt(sum of 1 / sigma^2)
(what independent errors would give).

MediaPipe pulls frontal tilts toward zero in both views alike, which no weighting removes: with a front
and a back photo the frontal measures that have a joint model (:mod:`posture.assessment.joint_views`)
take its estimate instead, which also reads the body's outline. Dividing the weighted mean by the
fitted slope made the held-out error larger for every measure (docs/accuracy.md), so it is not rescaled.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from types import MappingProxyType

from posture.assessment.joint_views import JointModels, joint_readings, shipped_joint_models
from posture.catalog import measure_views
from posture.measures import SPECS, Measurement, status_of, typical_error
from posture.measures import VIEW_ERRORS_PATH as VIEW_ERRORS_PATH  # re-exported: where the file is read
from posture.vocabulary import View


def views_label(views: tuple[View, ...]) -> str:
    """The key of a set of views in ``view_errors.json``, e.g. ``back+front`` (names sorted)."""
    return "+".join(sorted(str(view) for view in views))


@dataclass(frozen=True)
class ViewErrors:
    """Held-out errors the combination rests on, all in each measure's own unit (deg or cm).

    ``per_view`` maps measure -> view -> mean absolute error of one photo in that view;
    ``combined`` maps measure -> :func:`views_label` -> mean absolute error of the combined value,
    measured on held-out combinations of exactly those views.
    """

    per_view: Mapping[str, Mapping[str, float]]
    combined: Mapping[str, Mapping[str, float]] = field(default_factory=lambda: MappingProxyType({}))

    def sigma(self, key: str, view: View) -> float | None:
        """The held-out error (unit of ``key``) of one photo in ``view``; the measure's typical error
        when that view was not benchmarked; None when neither is known."""
        return self.per_view.get(key, {}).get(str(view)) or typical_error(key)

    def combined_error(self, key: str, views: tuple[View, ...]) -> float | None:
        """The typical error (unit of ``key``) of ``key`` combined over ``views``: measured when the
        benchmark had that combination, else 1 / sqrt(sum of 1 / sigma^2); None without any sigma."""
        measured = self.combined.get(key, {}).get(views_label(views))
        if measured is not None:
            return measured
        sigmas = [self.sigma(key, view) for view in views]
        if not sigmas or any(sigma is None or sigma <= 0 for sigma in sigmas):
            return None
        return float(sum(1.0 / sigma**2 for sigma in sigmas if sigma) ** -0.5)


@cache
def shipped_view_errors() -> ViewErrors:
    """The errors shipped in ``posture/view_errors.json``."""
    data = json.loads(VIEW_ERRORS_PATH.read_text())
    return ViewErrors(per_view=data["per_view"], combined=data.get("combined", {}))


@dataclass(frozen=True)
class CombinedMeasurement:
    """One measure for the whole person: the combined value (as a :class:`Measurement`, status judged
    on the combined value), the views it came from and its typical error (unit of the measure; None
    when unmeasured). ``joint``: the value is the joint front + back model's, not a weighted mean, so it
    can lie outside both photos' values."""

    measurement: Measurement
    views: tuple[View, ...]
    typical_error: float | None
    joint: bool = False

    def to_dict(self) -> dict[str, object]:
        """A photo measurement's JSON item plus ``views`` and ``typical_error``."""
        error = None if self.typical_error is None else round(self.typical_error, 2)
        return {**self.measurement.to_dict(), "views": [str(view) for view in self.views], "typical_error": error}


def combine_views(
    readings: Mapping[View, Measurement], errors: ViewErrors | None = None, joint_value: float | None = None
) -> CombinedMeasurement:
    """One measure read in several views (each already pooled over that view's photos), combined.

    ``joint_value`` (the joint front + back estimate, when there is one) is taken as it is; else
    the weighted mean with weights 1 / sigma_view^2 (equal weights when a sigma is unknown). The
    confidence is the best view's, since a view's confidence says how well its points were seen,
    not how the views' errors add up.
    """
    errors = errors or shipped_view_errors()
    views = tuple(view for view in View if view in readings)
    first = readings[views[0]]
    if len(views) == 1:
        return CombinedMeasurement(first, views, errors.combined_error(first.key, views))
    sigmas = [errors.sigma(first.key, view) for view in views]
    weights = [1.0 / sigma**2 for sigma in sigmas if sigma] if all(sigmas) else [1.0] * len(views)
    value = joint_value
    if value is None:
        value = sum(w * readings[view].value for w, view in zip(weights, views, strict=True)) / sum(weights)
    best = max((readings[view] for view in views), key=lambda m: m.confidence)
    status = status_of(value, SPECS[first.key]) if first.key in SPECS else best.status
    combined = replace(best, value=value, status=status, estimate=any(readings[v].estimate for v in views))
    return CombinedMeasurement(combined, views, errors.combined_error(first.key, views), joint=joint_value is not None)


def person_measurements(
    by_view: Mapping[View, Mapping[str, Measurement]],
    errors: ViewErrors | None = None,
    cues: Mapping[View, Mapping[str, float]] | None = None,
    joint: JointModels | None = None,
) -> dict[str, CombinedMeasurement]:
    """Every measure of the person, combined over the views allowed to give it, in measure order.

    ``cues`` are the front and back photos' outline cues (``joint_views.cues_by_view``; without
    them every measure takes the weighted mean); ``joint`` the joint models (default: the shipped ones).
    """
    joint = shipped_joint_models() if joint is None else joint
    values = {view: {key: m.value for key, m in measurements.items()} for view, measurements in by_view.items()}
    inputs = joint_readings(values, cues or {})
    collected: dict[str, dict[View, Measurement]] = {}
    for view, measurements in by_view.items():
        for key, measurement in measurements.items():
            allowed = measure_views(key)
            if allowed is None or view in allowed:
                collected.setdefault(key, {})[view] = measurement
    order = {key: index for index, key in enumerate(SPECS)}
    return {
        key: combine_views(
            collected[key],
            errors,
            joint[key].predict(inputs) if key in joint and set(collected[key]) == {View.FRONT, View.BACK} else None,
        )
        for key in sorted(collected, key=lambda k: (order.get(k, len(order)), k))
    }
