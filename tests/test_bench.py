"""The accuracy benchmark's machinery on the project's copy of eval-public (slow: 80 photos, 5 refits).

The shipped corrections are fitted on all 120 subjects of the shared set; here each of five folds of
the project's 20 subjects is measured with corrections refitted on the other 16 only (grouped
k-fold, as bench/accuracy.py does on the 120), so the limits below are for a fit on fewer people."""

from __future__ import annotations

import numpy as np
import pytest

from bench.accuracy import (
    DEFAULT_FOLDS,
    PROJECT_FOLDER,
    finding_agreement,
    held_out_corrections,
    run_engine,
    subject_folds,
    summarise,
    truth_of,
)
from bench.calibration import load_samples
from bench.combined_accuracy import combine_held_out, summarise_combinations
from posture import frontal_outline
from posture.anatomy import Corrections

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def samples():
    return load_samples(PROJECT_FOLDER)


@pytest.fixture(scope="module")
def results(samples):
    return {
        "raw": run_engine(samples, lambda s: Corrections.identity()),
        "held-out": run_engine(samples, held_out_corrections(samples)),
    }


def mae(result, key):
    pairs = [p for view in ("left", "right", "front", "back") for p in result["pairs"].get((key, view), [])]
    return summarise(pairs)["mae"]


def test_folds_group_subjects(samples):
    folds = subject_folds(samples, 5)
    assert sorted(folds.values()).count(0) == 4
    assert set(folds.values()) == set(range(5))
    with pytest.raises(ValueError, match="folds"):
        subject_folds(samples, 21)


def test_every_photo_is_analysed_and_every_view_right(results):
    assert results["held-out"]["analysed"] == 80
    assert results["held-out"]["view_accuracy"] == 1.0


@pytest.mark.parametrize(
    ("key", "limit"),
    [
        ("craniovertebral_angle_deg", 3.0),
        ("ear_ahead_of_shoulder_cm", 1.2),
        ("trunk_lean_deg", 1.5),
        ("shoulder_ahead_of_plumb_cm", 1.2),
        ("trunk_lateral_lean_deg", 0.7),
        ("knee_valgus_right_deg", 2.2),
    ],
)
def test_corrections_beat_raw_points_on_subjects_they_were_not_fitted_on(results, key, limit):
    held_out, raw = mae(results["held-out"], key), mae(results["raw"], key)
    assert held_out < limit
    assert held_out <= raw + 0.05


def test_pelvic_tilt_estimate_beats_a_constant_guess_on_held_out_subjects(results):
    pairs = [p for view in ("left", "right") for p in results["held-out"]["pairs"][("pelvic_tilt_deg", view)]]
    summary = summarise(pairs)
    assert summary["r"] >= 0.6
    assert summary["mae"] < 0.85 * summary["constant_mae"]
    estimates, _truths = np.array(pairs).T
    assert np.all((estimates > -10) & (estimates < 40))


def test_neutral_subjects_get_no_likely_finding(results):
    neutral = [f for f in results["held-out"]["findings"].values() if f["neutral"]]
    assert len(neutral) == 4
    for subject in neutral:
        assert "likely" not in subject["engine"].values()


def test_forward_head_subjects_get_the_upper_crossed_finding(results):
    """Where the truth is past the thresholds, the photos find the pattern (held-out).

    Measured: 7 of 8 positives (0.88, target 0.9); the miss is a subject whose true combined
    craniovertebral angle sits 0.4 deg inside the strong threshold, read 1 deg further out.
    """
    rows = {row["imbalance"]: row for row in finding_agreement(results["held-out"]["findings"])}
    upper = rows["upper_crossed"]
    assert upper["positives"] >= 5
    assert upper["negatives"] >= 5
    assert upper["sensitivity"] >= 0.85
    assert upper["specificity"] >= 0.9


def test_no_false_likely_left_right_finding(results):
    """MediaPipe shrinks large frontal asymmetries, so the left-right finding is missed more often
    than wished (sensitivity 0.38, docs/accuracy.md); what must hold is that it is never invented."""
    rows = {row["imbalance"]: row for row in finding_agreement(results["held-out"]["findings"])}
    assert rows["unilateral"]["specificity"] == 1.0
    assert rows["unilateral"]["sensitivity"] > 0


def test_front_and_back_combined_beat_either_photo_on_held_out_subjects(samples, results):
    """The person-level frontal values (front + back, weighted by the other folds' per-view errors)
    are closer to the truth than the better single view, on subjects nothing was fitted on."""
    held_out = results["held-out"]
    combined = combine_held_out(held_out["by_subject"], samples, subject_folds(samples, DEFAULT_FOLDS), truth_of)
    summaries = {(s.key, s.views): s for s in summarise_combinations(combined)}
    for key in ("shoulder_tilt_deg", "pelvic_obliquity_deg", "shoulder_height_diff_cm", "trunk_lateral_lean_deg"):
        pair = summaries[key, "back+front"]
        assert pair.n == len({s.subject for s in samples})
        single = min(summarise(held_out["pairs"][key, view])["mae"] for view in ("front", "back"))
        assert pair.mae < single, key


def test_reading_the_shoulders_on_the_picture_beats_the_mask_alone(samples, results, monkeypatch):
    """The joint front + back shoulder tilt with the top of the shoulders read on the picture is closer
    to the truth than with the mask's edge alone, on subjects the joint models were not fitted on.

    Measured here: 0.70 against 0.72 deg (on the 120 shared subjects 0.48 against 0.51)."""
    held_out = results["held-out"]
    folds = subject_folds(samples, DEFAULT_FOLDS)

    def joint_shoulder_tilt_mae() -> float:
        combined = combine_held_out(held_out["by_subject"], samples, folds, truth_of)
        return {(s.key, s.views): s for s in summarise_combinations(combined)}["shoulder_tilt_deg", "back+front"].mae

    on_picture = joint_shoulder_tilt_mae()
    monkeypatch.setattr(frontal_outline, "MIN_EDGE_CONTRAST", float("inf"))
    mask_only = joint_shoulder_tilt_mae()
    assert on_picture < mask_only
