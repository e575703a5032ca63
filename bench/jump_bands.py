"""How far the left/right bands of tracked clips must be widened, judged on held-out clips.

The bootstrap band of a left/right measure holds only the jump-to-jump spread; the tracker adds
its own error, which repeats on every jump. The product widens each band by ``typical_error_factor``
times the measure's typical error (its mean absolute error on the rendered clips). Chosen on the
same clips, that factor would flatter itself, so here every clip is judged leave-one-clip-out: its
typical errors come from the other clips only, as for a clip the product has never seen.

For each factor: symmetric clips called ``asymmetric``, measures truly within their threshold
called ``asymmetric`` (any clip), and asymmetries past the threshold found; and the pooled
quantiles of |held-out error| / held-out typical error (the factor a 95 % bound needs).

    python -m bench.jump_bands --clips /work/shared/eval-public-video --track-cache /tmp/tracks
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.jump_accuracy import DEFAULT_CLIPS, difference_errors, load_track, typical_error_of
from bench.jump_truth import load_clip
from posture.jump.session import JumpSession, analyze_track
from posture.jump.summary import Measurement, clip_typical_errors, with_typical_error
from posture.jump.views import LEVEL_ALLOWED_KEYS

FACTORS = (1.0, 1.5, 2.0, 2.45, 3.0)


@dataclass(frozen=True)
class ClipResult:
    """One clip's session on raw (unwidened) bands, with its truth."""

    name: str
    symmetric: bool
    truth: dict[str, Any]
    truth_2d: dict[str, Any]
    session: JumpSession


def judged(result: ClipResult) -> dict[str, tuple[Measurement, float]]:
    """The clip's left/right measures (those with a threshold) and their true values."""
    return {
        key: (m, float(result.truth[key]))
        for key, m in result.session.measurements.items()
        if m.threshold is not None and m.value is not None and result.truth.get(key) is not None
    }


def held_out_errors(results: list[ClipResult], name: str) -> dict[str, float]:
    """Per measure, the typical error over every clip except ``name``, by the shipped rule
    (:func:`bench.jump_accuracy.typical_error_of`: MAE against 3D, or 2D for roll-allowed measures)."""
    errors: dict[str, list[float]] = {}
    errors_2d: dict[str, list[float]] = {}
    for other in results:
        if other.name != name:
            for key, error in difference_errors(other.session, other.truth).items():
                errors.setdefault(key, []).append(abs(error))
            for key, (m, true_value) in judged(other).items():
                errors.setdefault(key, []).append(abs(float(m.value or 0.0) - true_value))
                if other.truth_2d.get(key) is not None:
                    errors_2d.setdefault(key, []).append(abs(float(m.value or 0.0) - float(other.truth_2d[key])))
    return {
        key: typical_error_of(key, float(np.mean(values)), float(np.mean(errors_2d.get(key) or [np.nan])))
        for key, values in errors.items()
    }


def reference(result: ClipResult, key: str, true_value: float) -> float:
    """What the typical error of ``key`` is measured against: the 3D truth, or the exact 2D
    keypoints' value for the roll-allowed measures (the band's roll allowance covers the rest)."""
    if key in LEVEL_ALLOWED_KEYS and result.truth_2d.get(key) is not None:
        return float(result.truth_2d[key])
    return true_value


def study(
    results: list[ClipResult],
) -> tuple[list[tuple[float, int, int, int, int]], np.ndarray, dict[str, list[float]]]:
    """Per factor (factor, false on symmetric clips, within-threshold called asymmetric, found,
    past-threshold total); every held-out |error| / held-out typical error (same reference), pooled
    and per measure."""
    typical = {r.name: clip_typical_errors(r.session.measurements, held_out_errors(results, r.name)) for r in results}
    per_measure: dict[str, list[float]] = {}
    for r in results:
        for key, (m, true_value) in judged(r).items():
            if typical[r.name].get(key):
                ratio = abs(float(m.value or 0.0) - reference(r, key, true_value)) / typical[r.name][key]
                per_measure.setdefault(key, []).append(ratio)
    ratios = np.array([ratio for values in per_measure.values() for ratio in values])
    rows = []
    for factor in FACTORS:
        false_symmetric = within_called = found = total = 0
        for r in results:
            for key, (m, true_value) in judged(r).items():
                error = typical[r.name].get(key)
                status = with_typical_error(m, error, factor).status if error else m.status
                called = status == "asymmetric"
                false_symmetric += int(r.symmetric and called)
                within_called += int(abs(true_value) <= float(m.threshold or 0.0) and called)
                if abs(true_value) > float(m.threshold or 0.0):
                    total += 1
                    found += int(called)
        rows.append((factor, false_symmetric, within_called, found, total))
    return rows, ratios, per_measure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=Path, default=DEFAULT_CLIPS)
    parser.add_argument("--model", default="full")
    parser.add_argument("--track-cache", type=Path, default=None)
    args = parser.parse_args()
    results = []
    for path in sorted(args.clips.glob("jump*.json")):
        clip = load_clip(path)
        track = load_track("model", path, clip, args.model, args.track_cache)
        session = analyze_track(track, clip["view"], float(clip["subject"]["stature_cm"]))
        results.append(
            ClipResult(path.stem, bool(clip.get("symmetric")), clip["session"], clip.get("session_2d", {}), session)
        )
    rows, ratios, per_measure = study(results)
    print(f"Leave-one-clip-out on {len(results)} clips ({args.clips}), model {args.model}\n")
    print("| factor | symmetric clips' measures called asymmetric | within threshold called asymmetric | found |")
    print("|---|---|---|---|")
    for factor, false_symmetric, within_called, found, total in rows:
        print(f"| {factor:g} | {false_symmetric} | {within_called} | {found}/{total} |")
    print("\n| measure | clips | largest held-out error / typical error |\n|---|---|---|")
    for key, values in sorted(per_measure.items()):
        print(f"| {key} | {len(values)} | {max(values):.2f} |")
    quantiles = np.percentile(ratios, [50, 80, 90, 95]) if ratios.size else [np.nan] * 4
    print(
        f"\n|held-out error| / held-out typical error over {ratios.size} clip-measures: "
        f"median {quantiles[0]:.2f}, 80 % {quantiles[1]:.2f}, 90 % {quantiles[2]:.2f}, "
        f"95 % {quantiles[3]:.2f}, max {ratios.max() if ratios.size else np.nan:.2f}"
    )


if __name__ == "__main__":
    main()
