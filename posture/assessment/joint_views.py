"""The frontal measures of a person seen from the front and from the back, estimated from both views at once.

Averaging the two photos' values halves only the part of the error that differs between them.
What they share is MediaPipe's pull toward a symmetric body: both views read a head tilt at about
0.45 and a pelvic obliquity at about 0.4 of its true size. The joint estimate is a linear model
(ridge on standardised inputs) of the true value on both views' values of the measure and the
outline cues of :mod:`posture.frontal_outline` (the head's silhouette, the top of the shoulders,
the hanging elbows, the knees, the folds under the buttocks). It is fitted on the rendered people of eval-public by
``bench/fit_corrections.py`` into ``posture/joint_views.json``; ``bench/accuracy.py`` refits it per
fold (grouped k-fold over subjects) and reports its held-out error, which becomes the combined
value's typical error in ``posture/view_errors.json``.

When any input is missing (a photo without its mask, an arm not hanging, a result rebuilt
without its points) the weighted mean of :mod:`posture.assessment.view_weights` is used:
a model falling back on its mean for a missing input would pull the value toward the average person.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from posture.frontal_outline import frontal_cues
from posture.photo_result import MeasuredPhoto
from posture.vocabulary import View

JOINT_VIEWS_PATH = Path(__file__).resolve().parent.parent / "joint_views.json"
JOINT_VIEWS = (View.FRONT, View.BACK)


def input_name(view: View, name: str) -> str:
    """The model's name of one input: a view and a measure or cue, e.g. ``front:shoulder_tilt_deg``."""
    return f"{view}:{name}"


@dataclass(frozen=True)
class JointModel:
    """One measure's joint estimate: ``intercept + sum(coef * (input - mean) / scale)`` (unit of the measure).

    ``inputs`` are :func:`input_name` names: the measure in both views and the cues it reads.
    """

    key: str
    inputs: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    intercept: float
    coef: tuple[float, ...]

    def predict(self, readings: Mapping[str, float]) -> float | None:
        """The estimate from ``readings`` (input name -> value); None when any input is missing."""
        if any(name not in readings for name in self.inputs):
            return None
        values = np.array([readings[name] for name in self.inputs], dtype=float)
        z = (values - np.asarray(self.mean)) / np.asarray(self.scale)
        return float(self.intercept + z @ np.asarray(self.coef))

    def to_dict(self) -> dict[str, object]:
        return {
            "inputs": list(self.inputs),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "intercept": self.intercept,
            "coef": list(self.coef),
        }

    @classmethod
    def from_dict(cls, key: str, data: Mapping[str, Any]) -> JointModel:
        return cls(
            key,
            tuple(str(name) for name in data["inputs"]),
            tuple(float(v) for v in data["mean"]),
            tuple(float(v) for v in data["scale"]),
            float(data["intercept"]),
            tuple(float(v) for v in data["coef"]),
        )


JointModels = Mapping[str, JointModel]


@cache
def shipped_joint_models() -> JointModels:
    """The models shipped in ``posture/joint_views.json`` (none when the file is absent)."""
    if not JOINT_VIEWS_PATH.exists():
        return MappingProxyType({})
    data = json.loads(JOINT_VIEWS_PATH.read_text())
    return MappingProxyType({key: JointModel.from_dict(key, model) for key, model in data["models"].items()})


def cues_by_view(photos: Sequence[MeasuredPhoto]) -> dict[View, dict[str, float]]:
    """Per front or back view, each outline cue (deg) averaged over that view's photos that kept their pose."""
    collected: dict[View, dict[str, list[float]]] = {}
    for photo in photos:
        if photo.pose is None or photo.view not in JOINT_VIEWS:
            continue
        for name, value in frontal_cues(photo.pose, photo.view, photo.photo).items():
            collected.setdefault(View(photo.view), {}).setdefault(name, []).append(value)
    return {view: {name: float(np.mean(values)) for name, values in cues.items()} for view, cues in collected.items()}


def joint_readings(
    values: Mapping[View, Mapping[str, float]], cues: Mapping[View, Mapping[str, float]]
) -> dict[str, float]:
    """The models' inputs: every front and back measure value and cue under its :func:`input_name`."""
    readings: dict[str, float] = {}
    for view in JOINT_VIEWS:
        for name, value in {**values.get(view, {}), **cues.get(view, {})}.items():
            readings[input_name(view, name)] = value
    return readings
