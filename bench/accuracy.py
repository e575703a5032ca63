"""Accuracy of the engine on photos with known posture (eval-public format).

Usage: ``python bench/accuracy.py [--eval-dir FOLDER] [--folds 5] [--model heavy]
[--markdown docs/accuracy.md] [--typical-errors posture/typical_errors.json]
[--view-errors posture/view_errors.json]``

The default folder is the shared ground-truth set ``/work/shared/eval-public`` (120 subjects) when
it exists, else the copy the project keeps in ``tests/data/eval``. The landmarks come from the disk
cache of ``bench/landmark_cache.py``, so a rerun costs seconds.

For every measure and view it prints n, bias (mean error), MAE and max |error| against the
ground truth (``truth_2d``: what a single photo can recover; the pelvic tilt against the 3D
pelvis rotation, which is what the photo can see), and the view accuracy, for three engines:

* ``raw``: MediaPipe's points used as if they were the clinical points (the naive baseline);
* ``fitted``: the shipped corrections (``posture/corrections.json``, fitted on this folder);
* ``held-out``: corrections refitted without the photos' own subject (grouped k-fold over
  subjects: each fold's subjects are measured with corrections fitted on the other folds only),
  i.e. checked on people they were not fitted on.

The person's height is given (``subject.stature_cm``), as the targets require.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.calibration import Sample, fit_corrections, load_samples
from bench.combined_accuracy import combine_held_out, combined_report, summarise_combinations, view_errors_payload
from posture.anatomy import Corrections, default_corrections
from posture.assessment import assess
from posture.measures import SPECS, TYPICAL_ERRORS_PATH, make_measurement
from posture.measuring import analyze_people
from posture.pelvis import POPULATION_MEAN_TILT_DEG
from posture.photo_result import MeasuredPhoto, RefusedPhoto

SHARED_FOLDER = Path("/work/shared/eval-public")
PROJECT_FOLDER = Path(__file__).resolve().parent.parent / "tests" / "data" / "eval"
DEFAULT_FOLDER = SHARED_FOLDER if SHARED_FOLDER.is_dir() else PROJECT_FOLDER
DEFAULT_FOLDS = 5
SIDE_TRUTH = {
    "craniovertebral_angle_deg": "cva_deg",
    "forward_shoulder_angle_deg": "forward_shoulder_angle_deg",
    "ear_ahead_of_shoulder_cm": "ear_ant_of_shoulder_cm",
    "shoulder_ahead_of_plumb_cm": "shoulder_ant_of_hip_ankle_line_cm",
    "trunk_lean_deg": "trunk_lean_deg",
    "knee_ahead_of_ankle_cm": "knee_ant_of_ankle_cm",
}
FRONT_TRUTH = {
    "shoulder_tilt_deg": "shoulder_tilt_deg",
    "shoulder_height_diff_cm": "shoulder_height_diff_cm",
    "pelvic_obliquity_deg": "pelvic_obliquity_deg",
    "hip_height_diff_cm": "hip_height_diff_cm",
    "head_tilt_deg": "head_tilt_deg",
    "trunk_lateral_lean_deg": "trunk_lateral_lean_deg",
    "trunk_lateral_shift_cm": "trunk_lateral_shift_cm",
    "knee_valgus_left_deg": "knee_valgus_deg_l",
    "knee_valgus_right_deg": "knee_valgus_deg_r",
}
# Targets (heavy model, height given): held-out MAE limits. Frontal ones from the engine issue, the
# profile ones from "Photo results people can trust" (on 120 subjects, grouped k-fold).
TARGETS = {
    "shoulder_tilt_deg": 0.6,
    "pelvic_obliquity_deg": 0.9,
    "head_tilt_deg": 1.0,
    "trunk_lateral_lean_deg": 0.6,
    "knee_valgus_left_deg": 2.0,
    "knee_valgus_right_deg": 2.0,
    "craniovertebral_angle_deg": 2.3,
    "ear_ahead_of_shoulder_cm": 0.9,
    "shoulder_ahead_of_plumb_cm": 1.1,
    "trunk_lean_deg": 1.1,
}
PELVIC_TILT_TARGET_R = 0.8
# The anterior-tilt findings should reach at least "possible" for subjects rotated this far (deg).
ANTERIOR_TILT_FROM_DEG = 12.0
ANTERIOR_TILT_FINDINGS = ("quads_over_hamstrings", "hip_flexors_over_glutes", "erectors_over_core")


def truth_of(sample: Sample, key: str) -> float | None:
    """The ground truth of ``key`` on this photo, or None when the view has none."""
    if key == "pelvic_tilt_deg":
        return sample.meta["truth_3d"]["pelvic_tilt_rotation_deg"] + POPULATION_MEAN_TILT_DEG
    if sample.view in ("left", "right") and key in SIDE_TRUTH:
        return sample.meta["truth_2d"].get(f"{SIDE_TRUTH[key]}_{sample.view[0]}")
    if sample.view in ("front", "back") and key in FRONT_TRUTH:
        return sample.meta["truth_2d"].get(FRONT_TRUTH[key])
    return None


def truth_analysis(sample: Sample) -> MeasuredPhoto:
    """The photo as a perfect engine would report it: every measure at its ground truth, fully sure."""
    measured = {}
    for key, spec in SPECS.items():
        value = truth_of(sample, key) if sample.view in spec.views else None
        if value is not None:
            measured[key] = make_measurement(spec, value, 1.0)
    return MeasuredPhoto(
        image=sample.name,
        view=sample.view,
        view_confidence=1.0,
        height_cm=sample.meta["subject"]["stature_cm"],
        height_source="given",
        measurements=measured,
    )


def run_engine(samples: list[Sample], corrections_for) -> dict:
    """Analyse every photo with ``corrections_for(sample)``; collect (estimate, truth) per key and view,
    and the engine's and the ground truth's findings per subject (all four views together).

    The landmarks found by ``load_samples`` are reused: only what follows the landmarker depends on
    the corrections."""
    pairs: dict[tuple[str, str], list[tuple[float, float]]] = {}
    views_right, analysed = 0, 0
    by_subject: dict[str, list[MeasuredPhoto]] = {}
    for sample in samples:
        result = analyze_people(
            sample.name,
            sample.photo,
            sample.people,
            height_cm=sample.meta["subject"]["stature_cm"],
            corrections=corrections_for(sample),
            mirrored_people=lambda sample=sample: sample.mirrored_people,
        )
        by_subject.setdefault(sample.subject, [])
        if isinstance(result, RefusedPhoto):
            print(f"  {sample.name}: {result.error.code}", file=sys.stderr)
            continue
        by_subject[sample.subject].append(result)
        analysed += 1
        views_right += result.view == sample.view
        for key, measurement in result.measurements.items():
            truth = truth_of(sample, key)
            if truth is not None:
                pairs.setdefault((key, sample.view), []).append((measurement.value, truth))
    subject_samples: dict[str, list[Sample]] = {}
    for sample in samples:
        subject_samples.setdefault(sample.subject, []).append(sample)
    findings = {}
    for subject, results in by_subject.items():
        own = subject_samples[subject]
        truth_findings = assess([truth_analysis(s) for s in own]).findings
        findings[subject] = {
            "neutral": own[0].meta["is_neutral_subject"],
            "pelvic_rotation_deg": own[0].meta["truth_3d"]["pelvic_tilt_rotation_deg"],
            "engine": {f.imbalance: f.likelihood for f in assess(results).findings},
            "truth": {f.imbalance: f.likelihood for f in truth_findings},
        }
    return {
        "pairs": pairs,
        "view_accuracy": views_right / max(analysed, 1),
        "analysed": analysed,
        "findings": findings,
        "by_subject": by_subject,
    }


def finding_agreement(findings: dict) -> list[dict]:
    """Sensitivity and specificity of "likely" per imbalance against the ground truth's own findings.

    The truth side runs the same catalog on the true measures. A subject whose truth is "likely"
    is a positive, "unlikely" a negative; "possible" (a truth inside the threshold's margin) is
    left out of both, since either answer is defensible there.
    """
    rows = []
    for imbalance in sorted({i for f in findings.values() for i in f["truth"]}):
        positives = [
            f["engine"].get(imbalance) == "likely" for f in findings.values() if f["truth"].get(imbalance) == "likely"
        ]
        negatives = [
            f["engine"].get(imbalance) != "likely" for f in findings.values() if f["truth"].get(imbalance) == "unlikely"
        ]
        neutral_likely = sum(f["engine"].get(imbalance) == "likely" for f in findings.values() if f["neutral"])
        rows.append(
            {
                "imbalance": imbalance,
                "positives": len(positives),
                "negatives": len(negatives),
                "sensitivity": sum(positives) / len(positives) if positives else None,
                "specificity": sum(negatives) / len(negatives) if negatives else None,
                "neutral_subjects_likely": neutral_likely,
            }
        )
    return rows


def subject_folds(samples: list[Sample], folds: int) -> dict[str, int]:
    """Each subject's fold (0..folds-1): subjects in name order dealt round-robin, so every fold mixes
    the whole range of the set and the split is the same on every run."""
    subjects = sorted({s.subject for s in samples})
    if not 2 <= folds <= len(subjects):
        raise ValueError(f"{folds} folds need between 2 and {len(subjects)} subjects per split")
    return {subject: i % folds for i, subject in enumerate(subjects)}


def anterior_tilt_reach(findings: dict) -> dict[str, float | int]:
    """How the anterior-tilt findings do where the pelvis is truly rotated forward by
    :data:`ANTERIOR_TILT_FROM_DEG` or more: the share of those subjects for whom every one of the three
    reaches at least "possible", and how many neutral subjects any of them calls "likely"."""
    tilted = [f for f in findings.values() if f["pelvic_rotation_deg"] >= ANTERIOR_TILT_FROM_DEG]
    reached = [all(f["engine"].get(i) in ("possible", "likely") for i in ANTERIOR_TILT_FINDINGS) for f in tilted]
    neutral_likely = sum(
        any(f["engine"].get(i) == "likely" for i in ANTERIOR_TILT_FINDINGS) for f in findings.values() if f["neutral"]
    )
    return {
        "tilted": len(tilted),
        "share": sum(reached) / len(reached) if reached else float("nan"),
        "neutral_likely": neutral_likely,
    }


def held_out_corrections(samples: list[Sample], folds: int = DEFAULT_FOLDS):
    """A function giving, for each photo, corrections fitted on the other folds' subjects only
    (grouped k-fold: no subject is ever in its own fit)."""
    fold_of = subject_folds(samples, folds)
    fitted = {fold: fit_corrections([s for s in samples if fold_of[s.subject] != fold]) for fold in range(folds)}
    return lambda sample: fitted[fold_of[sample.subject]]


def summarise(pairs: list[tuple[float, float]]) -> dict:
    estimates, truths = np.array(pairs).T
    errors = estimates - truths
    summary = {"n": len(errors), "bias": errors.mean(), "mae": np.abs(errors).mean(), "max": np.abs(errors).max()}
    if len(errors) > 2 and truths.std() > 0:
        summary["r"] = float(np.corrcoef(estimates, truths)[0, 1])
        summary["constant_mae"] = float(np.abs(truths - truths.mean()).mean())
    return summary


def report(results: dict[str, dict], samples: list[Sample]) -> str:
    """Markdown tables of the three engines, measure by measure and view by view."""
    lines = [
        f"Photos: {len(samples)} ({len({s.subject for s in samples})} subjects). View accuracy: "
        + ", ".join(f"{name} {r['view_accuracy']:.1%}" for name, r in results.items())
        + ".",
        "",
    ]
    keys = sorted({key for r in results.values() for key in r["pairs"]})
    lines.append(
        "| measure | view | n | raw bias | raw MAE | raw max | fitted bias | fitted MAE | fitted max "
        "| held-out bias | held-out MAE | held-out max | target MAE |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for key, view in keys:
        cells = [key, view]
        for name in ("raw", "fitted", "held-out"):
            pairs = results[name]["pairs"].get((key, view))
            if not pairs:
                cells += ["", "", ""] if name != "raw" else ["", "", "", ""]
                continue
            s = summarise(pairs)
            if name == "raw":
                cells.append(str(s["n"]))
            cells += [f"{s['bias']:+.2f}", f"{s['mae']:.2f}", f"{s['max']:.2f}"]
        target = TARGETS.get(key)
        cells.append(f"<= {target}" if target else "")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Pelvic tilt (estimate = 13 deg + predicted rotation; truth = 13 deg + true rotation):", ""]
    for name in ("raw", "fitted", "held-out"):
        pairs = [p for view in ("left", "right") for p in results[name]["pairs"].get(("pelvic_tilt_deg", view), [])]
        if pairs:
            s = summarise(pairs)
            lines.append(
                f"- {name}: n {s['n']}, correlation {s.get('r', float('nan')):.2f}, MAE {s['mae']:.2f} deg "
                f"vs {s.get('constant_mae', float('nan')):.2f} deg for a constant guess (the truth's mean)"
                + (f"; target correlation >= {PELVIC_TILT_TARGET_R}" if name == "held-out" else "")
            )
    return "\n".join(lines)


def typical_errors(held_out: dict) -> dict[str, float]:
    """Per measure, its largest held-out MAE over the views it is read in: the error to expect on a
    person the corrections were not fitted on (what the app and report show next to each value)."""
    largest: dict[str, float] = {}
    for (key, _view), pairs in held_out["pairs"].items():
        largest[key] = max(largest.get(key, 0.0), float(summarise(pairs)["mae"]))
    return {key: round(value, 2) for key, value in sorted(largest.items())}


def write_typical_errors(path: Path, held_out: dict, samples: list[Sample]) -> None:
    payload = {
        "source": f"held-out mean absolute error, largest over views, bench/accuracy.py on {len(samples)} "
        f"rendered photos of {len({s.subject for s in samples})} people",
        "typical_error": typical_errors(held_out),
    }
    path.write_text(json.dumps(payload, indent=2) + "\n")


def findings_report(results: dict[str, dict]) -> str:
    """Markdown table of finding sensitivity/specificity for the fitted and held-out engines."""
    lines = [
        "| imbalance | truth likely (n) | truth unlikely (n) | fitted sensitivity | fitted specificity "
        "| held-out sensitivity | held-out specificity | neutral subjects flagged likely |",
        "|---|---|---|---|---|---|---|---|",
    ]
    fitted = finding_agreement(results["fitted"]["findings"])
    held_out = {row["imbalance"]: row for row in finding_agreement(results["held-out"]["findings"])}

    def ratio(value):
        return "n/a" if value is None else f"{value:.2f}"

    for row in fitted:
        other = held_out[row["imbalance"]]
        lines.append(
            f"| {row['imbalance']} | {row['positives']} | {row['negatives']} | {ratio(row['sensitivity'])} "
            f"| {ratio(row['specificity'])} | {ratio(other['sensitivity'])} | {ratio(other['specificity'])} "
            f"| {other['neutral_subjects_likely']} |"
        )
    reach = anterior_tilt_reach(results["held-out"]["findings"])
    lines += [
        "",
        'Anterior-tilt findings (held-out): all three at least "possible" for '
        f"{reach['share']:.0%} of the {reach['tilted']} subjects whose pelvis is truly rotated forward by "
        f'{ANTERIOR_TILT_FROM_DEG:.0f} deg or more (target 90 %); neutral subjects called "likely" by any '
        f"of them: {reach['neutral_likely']} (target 0).",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--eval-dir",
        type=Path,
        default=DEFAULT_FOLDER,
        help=f"folder in the eval-public format (default {DEFAULT_FOLDER})",
    )
    parser.add_argument("--folds", type=int, default=DEFAULT_FOLDS, help="grouped k-fold over subjects")
    parser.add_argument("--model", default="heavy")
    parser.add_argument("--markdown", type=Path, help="also write the tables into this Markdown file")
    parser.add_argument(
        "--typical-errors",
        type=Path,
        help=f"also write each measure's held-out error as JSON (the engine reads {TYPICAL_ERRORS_PATH.name})",
    )
    parser.add_argument(
        "--view-errors",
        type=Path,
        help="also write per-view and combined held-out errors as JSON (the engine reads "
        "posture/view_errors.json to weigh the views of one person)",
    )
    args = parser.parse_args()
    samples = load_samples(args.eval_dir, args.model)
    results = {
        "raw": run_engine(samples, lambda s: Corrections.identity()),
        "fitted": run_engine(samples, lambda s: default_corrections()),
        "held-out": run_engine(samples, held_out_corrections(samples, args.folds)),
    }
    text = report(results, samples)
    findings_text = findings_report(results)
    print(text)
    print()
    print(findings_text)
    held_out = results["held-out"]
    combined = combine_held_out(held_out["by_subject"], samples, subject_folds(samples, args.folds), truth_of)
    summaries = summarise_combinations(combined)
    combined_text = combined_report(summaries)
    print()
    print(combined_text)
    if args.markdown:
        write_section(args.markdown, "engine", text)
        write_section(args.markdown, "findings", findings_text)
        write_section(args.markdown, "combined", combined_text)
    if args.typical_errors:
        write_typical_errors(args.typical_errors, held_out, samples)
    if args.view_errors:
        payload = view_errors_payload(held_out["by_subject"], samples, summaries, truth_of)
        args.view_errors.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


def write_section(path: Path, name: str, text: str) -> None:
    """Replace the generated section ``name`` of a Markdown file, keeping the hand-written rest."""
    begin, end = f"<!-- begin {name} (generated by a bench/ script) -->", f"<!-- end {name} -->"
    current = path.read_text() if path.exists() else ""
    block = f"{begin}\n{text}\n{end}"
    if begin in current:
        head, rest = current.split(begin, 1)
        current = head + block + rest.split(end, 1)[1]
    else:
        current = current + ("\n" if current else "") + block + "\n"
    path.write_text(current)


if __name__ == "__main__":
    sys.exit(main())
