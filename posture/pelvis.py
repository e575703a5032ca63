"""Sagittal pelvic tilt, inferred from the side-view body outline (an estimate, not a landmark).

No landmark sees the pelvis bones through clothing. What a side photo does show is the outline
around them: an anteriorly tilted pelvis comes with a deeper hollow of the lower back (lumbar
lordosis), a buttock pushed back behind the hip joint and the trunk's lean. Three outline
features, in centimetres and degrees, are read off the person's segmentation mask:

* ``lordosis_cm``: deepest forward dip of the back's outline below the chord from the upper
  back's most posterior point to the buttock's;
* ``buttock_behind_hip_cm``: buttock's most posterior point behind the hip joint;
* ``trunk_lean_deg``: hip -> shoulder against vertical, + forward.

A ridge regression fitted on the rendered ground-truth set (``bench/fit_corrections.py``) turns
them, together with the wider outline of trunk and legs (``posture.outline``: how far the back, belly,
buttock and thigh lie from MediaPipe's points), into the pelvis's rotation from a neutral stance
(held-out on 120 rendered people: correlation 0.90 with the true rotation, 2.1 deg mean error
against 4.4 deg for a constant guess). The photo cannot see the bony shape that alone moves the
ASIS-PSIS angle by 0-23 deg between people (Preece 2008), so the reported tilt is the population
mean of 13 deg plus that rotation, with the held-out error published next to it and a confidence
capped low.
"""

from __future__ import annotations

import numpy as np

from posture.anatomy import BodyPoints, Corrections, default_corrections
from posture.geometry import lean_from_vertical_deg
from posture.outline import PELVIC_OUTLINE_FEATURES, feature_columns, posterior_edges_x, standardised
from posture.pose import Pose

FEATURES = ("lordosis_cm", "buttock_behind_hip_cm", "trunk_lean_deg")
POPULATION_MEAN_TILT_DEG = 13.0  # Preece 2008: ASIS-PSIS 13 +- 5 deg
# The back's outline is read from the shoulder down to this fraction of the hip-to-ankle height (about
# 40 % of the way to the knee): far enough to pass the buttock's most posterior point. Placed from the
# ankle, not the knee, so a knee moved by hand does not move the pelvis.
THIGH_DEPTH_OF_LEG = 0.2


def outline_features(pose: Pose, body: BodyPoints) -> np.ndarray | None:
    """The three outline features (see module docstring), or None when the outline is missing."""
    if pose.mask is None:
        return None
    ant, scale = body.anterior_sign, body.cm_per_px
    shoulder, hip, ankle = body.points["shoulder"], body.points["hip"], body.points["ankle"]
    rows = np.arange(int(shoulder[1]), int(hip[1] + THIGH_DEPTH_OF_LEG * (ankle[1] - hip[1])))
    xs = posterior_edges_x(pose, rows, ant)
    if np.isnan(xs).sum() > 0.1 * len(rows) or len(rows) < 10:
        return None
    backwardness = -xs * ant * scale
    heights = (rows - rows[0]) * scale
    upper_end = max(int(0.45 * (hip[1] - shoulder[1])), 2)
    upper = int(np.nanargmax(backwardness[:upper_end]))
    buttock_start = int(np.clip(hip[1] - 5.0 / scale - rows[0], upper + 2, len(rows) - 1))
    buttock = buttock_start + int(np.nanargmax(backwardness[buttock_start:]))
    if buttock - upper < 3:
        return None
    chord = backwardness[upper] + (backwardness[buttock] - backwardness[upper]) * (
        (heights - heights[upper]) / (heights[buttock] - heights[upper])
    )
    lordosis = float(np.nanmax((chord - backwardness)[upper : buttock + 1]))
    buttock_behind_hip = float(backwardness[buttock] + hip[0] * ant * scale)
    trunk_lean = lean_from_vertical_deg(hip, shoulder, ant)
    return np.array([lordosis, buttock_behind_hip, trunk_lean])


def pelvic_features(pose: Pose, body: BodyPoints) -> np.ndarray | None:
    """:data:`FEATURES` followed by the profile's outline features around the pelvis
    (:data:`posture.outline.PELVIC_OUTLINE_FEATURES`), or None without an outline."""
    features = outline_features(pose, body)
    if features is None or body.outline_cm is None:
        return None
    return np.concatenate([features, body.outline_cm[feature_columns(PELVIC_OUTLINE_FEATURES)]])


def estimate_pelvic_tilt(
    pose: Pose, body: BodyPoints, corrections: Corrections | None = None
) -> tuple[float, float] | None:
    """(tilt in degrees, + anterior; confidence 0-1) for a side view, or None.

    Normal 13 +- 5 deg (Preece 2008); 75-85 % of young adults tilt anteriorly (Herrington 2011).
    """
    model = (corrections or default_corrections()).pelvic_tilt
    if not model:
        return None
    features = pelvic_features(pose, body)
    if features is None:
        return None
    rotation = model["intercept"] + float(np.dot(model["coef"], standardised(features, model["mean"], model["scale"])))
    return POPULATION_MEAN_TILT_DEG + rotation, float(model["confidence"])
