"""The accuracy benchmark's machinery on the project's copy of eval-public (slow: 80 photos, 20 refits)."""

from __future__ import annotations

import numpy as np
import pytest

from bench.accuracy import DEFAULT_FOLDER, held_out_corrections, run_engine, summarise
from bench.calibration import load_samples
from posture.anatomy import Corrections

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def samples():
    return load_samples(DEFAULT_FOLDER)


@pytest.fixture(scope="module")
def results(samples):
    return {"raw": run_engine(samples, DEFAULT_FOLDER, "heavy", lambda s: Corrections.identity()),
            "held-out": run_engine(samples, DEFAULT_FOLDER, "heavy", held_out_corrections(samples))}


def mae(result, key):
    pairs = [p for view in ("left", "right", "front", "back") for p in result["pairs"].get((key, view), [])]
    return summarise(pairs)["mae"]


def test_every_photo_is_analysed_and_every_view_right(results):
    assert results["held-out"]["analysed"] == 80
    assert results["held-out"]["view_accuracy"] == 1.0


@pytest.mark.parametrize(("key", "limit"), [
    ("craniovertebral_angle_deg", 3.0), ("ear_ahead_of_shoulder_cm", 1.2), ("trunk_lean_deg", 1.5),
    ("shoulder_ahead_of_plumb_cm", 2.0), ("trunk_lateral_lean_deg", 0.7), ("knee_valgus_right_deg", 2.2),
])
def test_corrections_beat_raw_points_on_subjects_they_were_not_fitted_on(results, key, limit):
    held_out, raw = mae(results["held-out"], key), mae(results["raw"], key)
    assert held_out < limit
    assert held_out <= raw + 0.05


def test_pelvic_tilt_estimate_beats_a_constant_guess_on_held_out_subjects(results):
    pairs = [p for view in ("left", "right") for p in results["held-out"]["pairs"][("pelvic_tilt_deg", view)]]
    summary = summarise(pairs)
    assert summary["r"] >= 0.6
    assert summary["mae"] < 0.85 * summary["constant_mae"]
    estimates, truths = np.array(pairs).T
    assert np.all((estimates > -10) & (estimates < 40))
