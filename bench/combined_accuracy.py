"""Accuracy of the person-level value: each measure combined over every view of one person that shows it.

Used by ``bench/accuracy.py`` on its held-out run (grouped k-fold over subjects). The views'
weights and the joint front + back models (``bench/joint_fit.py``) come from the other folds'
subjects only, so no subject weighs its own views or is in its own fit.
For each measure and combination of views it reports the held-out error of the combined value,
the error of the plain weighted mean (what a person gets when the joint front + back estimate lacks
an input), the error 1 / sqrt(sum of 1 / sigma^2) predicts, and the error after undoing MediaPipe's shrinkage
of the combined value (dividing by the slope of estimate on truth fitted on the other folds).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bench.calibration import Sample
from bench.joint_fit import fit_joint_models, person_rows
from posture.assessment.evidence import measurements_by_view
from posture.assessment.joint_views import cues_by_view
from posture.assessment.view_weights import ViewErrors, person_measurements, views_label
from posture.photo_result import MeasuredPhoto
from posture.vocabulary import View

# Person-level targets (held-out MAE, height given, front and back combined) from "Photo results people
# can trust", item 1.
COMBINED_TARGETS = {
    "shoulder_tilt_deg": 0.5,
    "pelvic_obliquity_deg": 0.8,
    "head_tilt_deg": 1.0,
    "shoulder_height_diff_cm": 0.4,
    "hip_height_diff_cm": 0.35,
}
# A combination of views is shipped with its measured error only when this many subjects had it.
MIN_SUBJECTS = 20
# A shrinkage correction would be worth shipping only if it lowered the held-out MAE by at least this share.
SHRINKAGE_MIN_GAIN = 0.02

TruthOf = Callable[[Sample, str], "float | None"]


@dataclass(frozen=True)
class Combined:
    """One subject's combined value of one measure (unit of the measure) and its truth."""

    subject: str
    fold: int
    key: str
    views: str
    value: float
    truth: float
    predicted_error: float | None
    weighted_mean: float


def photo_errors(
    by_subject: Mapping[str, Sequence[MeasuredPhoto]], samples: Sequence[Sample], truth_of: TruthOf
) -> list[tuple[str, str, str, float]]:
    """(subject, measure, view, estimate - truth) of every held-out photo measurement."""
    sample_of = {sample.name: sample for sample in samples}
    rows = []
    for subject, photos in by_subject.items():
        for photo in photos:
            sample = sample_of[photo.image]
            for key, measurement in photo.measurements.items():
                truth = truth_of(sample, key)
                if truth is not None:
                    rows.append((subject, key, sample.view, measurement.value - truth))
    return rows


def per_view_errors(
    rows: Sequence[tuple[str, str, str, float]], keep: Callable[[str], bool]
) -> dict[str, dict[str, float]]:
    """Measure -> view -> MAE over the rows whose subject passes ``keep``."""
    collected: dict[str, dict[str, list[float]]] = {}
    for subject, key, view, error in rows:
        if keep(subject):
            collected.setdefault(key, {}).setdefault(view, []).append(abs(error))
    return {
        key: {view: round(float(np.mean(errors)), 2) for view, errors in sorted(views.items())}
        for key, views in sorted(collected.items())
    }


def _other_folds(fold_of: Mapping[str, int], fold: int) -> Callable[[str], bool]:
    """Whether a subject is outside ``fold`` (its errors may weigh that fold's views)."""
    return lambda subject: fold_of[subject] != fold


def combine_held_out(
    by_subject: Mapping[str, Sequence[MeasuredPhoto]],
    samples: Sequence[Sample],
    fold_of: Mapping[str, int],
    truth_of: TruthOf,
) -> list[Combined]:
    """Every subject's measures combined over their views, weighted by the other folds' per-view errors."""
    rows = photo_errors(by_subject, samples, truth_of)
    weights = {fold: ViewErrors(per_view_errors(rows, _other_folds(fold_of, fold))) for fold in set(fold_of.values())}
    joint_rows = person_rows(by_subject, samples, truth_of)
    joint = {
        fold: fit_joint_models(joint_rows, {s for s in by_subject if fold_of[s] != fold})
        for fold in set(fold_of.values())
    }
    own_samples: dict[str, list[Sample]] = {}
    for sample in samples:
        own_samples.setdefault(sample.subject, []).append(sample)
    combined = []
    for subject, photos in by_subject.items():
        fold = fold_of[subject]
        by_view, cues = measurements_by_view(photos), cues_by_view(photos)
        weighted = person_measurements(by_view, weights[fold], joint={})
        for key, person in person_measurements(by_view, weights[fold], cues, joint[fold]).items():
            truths = [
                t for s in own_samples[subject] if View(s.view) in person.views and (t := truth_of(s, key)) is not None
            ]
            if truths:
                combined.append(
                    Combined(
                        subject,
                        fold,
                        key,
                        views_label(person.views),
                        person.measurement.value,
                        float(np.mean(truths)),
                        person.typical_error,
                        weighted[key].measurement.value,
                    )
                )
    return combined


def unshrunk_errors(rows: Sequence[Combined]) -> np.ndarray:
    """Errors after dividing each value by the slope of estimate on truth (through 0) fitted on the
    other folds' rows of the same measure and views."""
    errors = []
    for row in rows:
        train = [(r.value, r.truth) for r in rows if r.fold != row.fold]
        estimates, truths = np.array(train).T
        slope = float(estimates @ truths / (truths @ truths))
        errors.append(row.value / slope - row.truth)
    return np.array(errors)


@dataclass(frozen=True)
class CombinationSummary:
    key: str
    views: str
    n: int
    bias: float
    mae: float
    max: float
    predicted: float
    unshrunk_mae: float | None
    weighted_mean_mae: float


def summarise_combinations(combined: Sequence[Combined]) -> list[CombinationSummary]:
    """Per measure and set of views: n, bias, MAE, max |error|, the predicted error and the MAE with
    the shrinkage undone (only for two views or more)."""
    groups: dict[tuple[str, str], list[Combined]] = {}
    for row in combined:
        groups.setdefault((row.key, row.views), []).append(row)
    summaries = []
    for (key, views), rows in sorted(groups.items()):
        errors = np.array([r.value - r.truth for r in rows])
        several = "+" in views and len({r.fold for r in rows}) > 1
        unshrunk = float(np.abs(unshrunk_errors(rows)).mean()) if several else None
        predicted = [r.predicted_error for r in rows if r.predicted_error is not None]
        summaries.append(
            CombinationSummary(
                key,
                views,
                len(rows),
                float(errors.mean()),
                float(np.abs(errors).mean()),
                float(np.abs(errors).max()),
                float(np.mean(predicted)) if predicted else float("nan"),
                unshrunk,
                float(np.mean([abs(r.weighted_mean - r.truth) for r in rows])),
            )
        )
    return summaries


def pays(summary: CombinationSummary) -> bool:
    """Whether undoing the shrinkage lowered this combination's held-out MAE enough to be worth shipping."""
    return summary.unshrunk_mae is not None and summary.unshrunk_mae < summary.mae * (1 - SHRINKAGE_MIN_GAIN)


def combined_report(summaries: Sequence[CombinationSummary]) -> str:
    """Markdown table of the person-level values, and which targets are met."""
    lines = [
        "| measure | views | subjects | bias | MAE | max | weighted-mean MAE | predicted MAE "
        "| MAE with shrinkage undone | target MAE |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in summaries:
        target = COMBINED_TARGETS.get(s.key) if s.views == "back+front" else None
        unshrunk = "" if s.unshrunk_mae is None else f"{s.unshrunk_mae:.2f}" + (" (lower)" if pays(s) else "")
        lines.append(
            f"| {s.key} | {s.views} | {s.n} | {s.bias:+.2f} | {s.mae:.2f} | {s.max:.2f} | {s.weighted_mean_mae:.2f} "
            f"| {s.predicted:.2f} | {unshrunk} | {f'<= {target}' if target else ''} |"
        )
    lines.append("")
    for key, target in COMBINED_TARGETS.items():
        row = next((s for s in summaries if s.key == key and s.views == "back+front"), None)
        if row is None:
            continue
        verdict = "met" if row.mae <= target else "missed"
        lines.append(f"- {key} (front + back): {row.mae:.2f} against <= {target}: {verdict}")
    lines.append(
        "- Undoing the shrinkage (dividing by the slope fitted on the other folds) lowers the held-out "
        "error of: "
        + (", ".join(f"{s.key} ({s.views})" for s in summaries if pays(s)) or "none")
        + "; the engine ships no such correction."
    )
    return "\n".join(lines)


def view_errors_payload(
    by_subject: Mapping[str, Sequence[MeasuredPhoto]],
    samples: Sequence[Sample],
    summaries: Sequence[CombinationSummary],
    truth_of: TruthOf,
) -> dict[str, object]:
    """``posture/view_errors.json``: per-view held-out errors and the measured errors of combinations.

    A combination whose shrinkage correction would pay is reported by :func:`combined_report`; the
    engine applies none today (none paid on 120 subjects), so only plain errors are written."""
    rows = photo_errors(by_subject, samples, truth_of)
    combined: dict[str, dict[str, float]] = {}
    for s in summaries:
        if s.n >= MIN_SUBJECTS:
            combined.setdefault(s.key, {})[s.views] = round(s.mae, 2)
    return {
        "source": f"held-out mean absolute errors, bench/accuracy.py grouped k-fold on {len(samples)} rendered "
        f"photos of {len({s.subject for s in samples})} people",
        "per_view": per_view_errors(rows, lambda subject: True),
        "combined": combined,
    }
