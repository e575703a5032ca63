"""Fit the joint front + back models of ``posture.assessment.joint_views`` on measured photos with known truth.

Used by ``bench/fit_corrections.py`` (all subjects, written to ``posture/joint_views.json``) and by
``bench/combined_accuracy.py`` (per fold, on the other folds' subjects only). Each model is a ridge
regression (``bench.calibration.ridge``, standardised inputs) of the person's true value (the mean of
the front and back photos' truths) on the inputs below; a subject missing any input is left out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

import numpy as np

from bench.calibration import Sample, ridge, standardisation
from posture.assessment.evidence import measurements_by_view
from posture.assessment.joint_views import JOINT_VIEWS, JointModel, cues_by_view, input_name, joint_readings
from posture.frontal_outline import CUE_VIEWS, ELBOW_LINE, GLUTEAL_FOLDS, HEAD_OUTLINE, KNEE_LINE, SHOULDER_OUTLINE
from posture.photo_result import MeasuredPhoto

TruthOf = Callable[[Sample, str], "float | None"]

# The cues each measure reads besides its own value in both views. Held out on 120 subjects (grouped
# 5-fold, cues from the mask and points): the head's silhouette took the head tilt from 1.49 to 0.92 deg,
# the shoulder outline and hanging elbows the shoulder tilt from 0.71 to 0.62 deg, the knees the pelvic
# obliquity from 1.21 to 1.16 deg. The other frontal measures' values were not used as inputs: their
# correlation with the measure is the renders' choice of postures, not how a body looks.
MEASURE_CUES: dict[str, tuple[str, ...]] = {
    "shoulder_tilt_deg": (SHOULDER_OUTLINE, ELBOW_LINE),
    "shoulder_height_diff_cm": (SHOULDER_OUTLINE, ELBOW_LINE),
    "head_tilt_deg": (HEAD_OUTLINE,),
    "pelvic_obliquity_deg": (KNEE_LINE, GLUTEAL_FOLDS),
    "hip_height_diff_cm": (KNEE_LINE, GLUTEAL_FOLDS),
}


def model_inputs(key: str) -> tuple[str, ...]:
    """The input names of ``key``'s model: the measure in both views, then each cue in the views that show it."""
    own = tuple(input_name(view, key) for view in JOINT_VIEWS)
    cues = tuple(input_name(view, cue) for cue in MEASURE_CUES[key] for view in JOINT_VIEWS if view in CUE_VIEWS[cue])
    return own + cues


def person_rows(
    by_subject: Mapping[str, Sequence[MeasuredPhoto]], samples: Sequence[Sample], truth_of: TruthOf
) -> dict[str, dict[str, tuple[dict[str, float], float]]]:
    """Per measure, per subject with a front and a back truth: (model inputs read on its photos, true value)."""
    sample_of = {sample.name: sample for sample in samples}
    rows: dict[str, dict[str, tuple[dict[str, float], float]]] = {}
    for subject, photos in by_subject.items():
        by_view = measurements_by_view(photos)
        values = {view: {key: m.value for key, m in measurements.items()} for view, measurements in by_view.items()}
        readings = joint_readings(values, cues_by_view(photos))
        for key in MEASURE_CUES:
            truths = [
                truth
                for photo in photos
                if photo.view in JOINT_VIEWS and (truth := truth_of(sample_of[photo.image], key)) is not None
            ]
            if len(truths) >= len(JOINT_VIEWS):
                rows.setdefault(key, {})[subject] = (readings, float(np.mean(truths)))
    return rows


def fit_joint_models(
    rows: Mapping[str, Mapping[str, tuple[dict[str, float], float]]], subjects: Collection[str]
) -> dict[str, JointModel]:
    """One model per measure, fitted on ``subjects`` only (those with every input)."""
    models = {}
    for key, by_subject in rows.items():
        names = model_inputs(key)
        usable = [
            (readings, truth)
            for subject, (readings, truth) in by_subject.items()
            if subject in subjects and all(name in readings for name in names)
        ]
        if len(usable) < 2 * len(names):
            continue
        features = np.array([[readings[name] for name in names] for readings, _ in usable])
        mean, scale = standardisation(features)
        intercept, coef = ridge((features - np.array(mean)) / np.array(scale), np.array([t for _, t in usable]))
        models[key] = JointModel(key, names, tuple(mean), tuple(scale), round(intercept, 4), tuple(coef))
    return models


def write_joint_models(path: Path, models: Mapping[str, JointModel], subjects: int) -> None:
    payload = {
        "source": f"ridge fits of bench/joint_fit.py on the front and back photos of {subjects} rendered people",
        "models": {key: model.to_dict() for key, model in sorted(models.items())},
    }
    path.write_text(json.dumps(payload, indent=1) + "\n")
