"""Session summaries: medians over jumps, bootstrap bands, verdicts and measurement items."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from posture.wording import unit_symbol

THRESHOLDS_FILE = Path(__file__).with_name("thresholds.toml")


def typical_errors_file(model: str) -> Path:
    """Each measure's mean absolute error of landmarker ``model`` on the rendered clips, in the measure's unit
    (written by ``python -m bench.jump_accuracy --source model --model MODEL --typical-errors FILE``): one file
    per model, so a clip tracked with heavy or lite is judged on that model's own errors."""
    return Path(__file__).with_name(f"typical_errors_{model}.json")


@cache
def settings() -> dict[str, Any]:
    """The engine's settings and thresholds (thresholds.toml), read once."""
    with THRESHOLDS_FILE.open("rb") as handle:
        return tomllib.load(handle)


@cache
def _bench_results(model: str) -> dict[str, Any]:
    """The model's typical-errors file as the bench wrote it; empty before it did."""
    path = typical_errors_file(model)
    if not path.exists():
        return {}
    results: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return results


def typical_errors(model: str) -> dict[str, float]:
    """Landmarker ``model``'s typical error per measure key (unit of the measure); empty before the bench wrote it."""
    errors: dict[str, float] = _bench_results(model).get("typical_error", {})
    return errors


def errors_vs_truth(model: str) -> dict[str, float]:
    """Landmarker ``model``'s mean absolute error against the 3D truth for the measures whose typical error
    is taken against the exact 2D keypoints (their bands carry the camera roll apart): what a person meets
    with a camera rolled as the rendered ones were (up to 0.9 deg)."""
    errors: dict[str, float] = _bench_results(model).get("error_vs_truth", {})
    return errors


@dataclass(frozen=True)
class CountAccuracy:
    """How the jump count did on the bench's rendered clips: exact in ``exact`` of ``clips``, at most
    ``most_off`` jumps off in the others. A count is right or wrong by whole jumps, so this says more than
    its mean absolute error (0.25 jumps, which rounds to a misleading "±0")."""

    exact: int
    clips: int
    most_off: int


def count_accuracy(model: str) -> CountAccuracy | None:
    """The jump count's accuracy with landmarker ``model`` on the bench (``jump_count_accuracy``), None
    before the bench wrote it."""
    raw = _bench_results(model).get("jump_count_accuracy")
    if not isinstance(raw, dict):
        return None
    return CountAccuracy(int(raw["exact"]), int(raw["clips"]), int(raw["most_off"]))


@dataclass(frozen=True)
class Measurement:
    """One measured quantity of the JSON contract's ``measurements`` block.

    ``status``: ``measured`` (no left/right verdict), ``symmetric``, ``asymmetric``,
    ``inconclusive`` or ``not_assessed`` (then ``value`` is None and ``reason`` says why).
    ``typical_error``: the tracker's mean absolute error for this measure on the rendered clips
    (same unit), None for truth keypoints or where it was never measured.
    """

    value: float | None
    unit: str
    band: tuple[float, float] | None
    status: str
    confidence: float
    reason: str | None = None
    threshold: float | None = None
    source: str | None = None
    n: int | None = None
    typical_error: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": None if self.value is None else round(self.value, 3),
            "unit": self.unit,
            "band": None if self.band is None else [round(self.band[0], 3), round(self.band[1], 3)],
            "status": self.status,
            "confidence": round(self.confidence, 2),
            "reason": self.reason,
        }
        if self.threshold is not None:
            out["threshold"] = self.threshold
            out["source"] = self.source
        if self.n is not None:
            out["n"] = self.n
        out["typical_error"] = self.typical_error
        return out


def not_assessed(unit: str, reason: str) -> Measurement:
    """A measure the view (or the clip) cannot show."""
    return Measurement(None, unit, None, "not_assessed", 0.0, reason)


def _rng() -> np.random.Generator:
    return np.random.default_rng(int(settings()["bands"]["seed"]))


def bootstrap_band(columns: list[np.ndarray], statistic: Callable[..., np.ndarray]) -> tuple[float, float] | None:
    """95 % interval of ``statistic`` over jumps resampled with replacement (seeded, reproducible).

    ``columns``: equally long per-jump arrays resampled together (so a left and a right value of
    the same jump stay paired); ``statistic`` takes the (B, n) resampled columns and returns (B,).
    """
    ok = np.all([np.isfinite(c) for c in columns], axis=0)
    n = int(ok.sum())
    if n < 2:
        return None
    bands = settings()["bands"]
    picks = _rng().integers(0, n, size=(int(bands["bootstrap_samples"]), n))
    values = statistic(*(c[ok][picks] for c in columns))
    tail = 100.0 * (1.0 - float(bands["level"])) / 2.0
    low, high = np.nanpercentile(values, [tail, 100.0 - tail])
    return float(low), float(high)


def median_band(values: np.ndarray) -> tuple[float, float] | None:
    """Bootstrap band of the median of per-jump ``values``."""
    return bootstrap_band([values], lambda v: np.median(v, axis=1))


def mean_band(values: np.ndarray) -> tuple[float, float] | None:
    """Bootstrap band of the mean of per-turn ``values``."""
    return bootstrap_band([values], lambda v: np.mean(v, axis=1))


def si_band(left: np.ndarray, right: np.ndarray) -> tuple[float, float] | None:
    """Bootstrap band of the symmetry index of the two medians."""

    def si(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ma, mb = np.median(a, axis=1), np.median(b, axis=1)
        return np.asarray(100.0 * (ma - mb) / ((ma + mb) / 2.0))

    return bootstrap_band([left, right], si)


def diff_band(left: np.ndarray, right: np.ndarray) -> tuple[float, float] | None:
    """Bootstrap band of the difference of the two medians (L - R)."""
    return bootstrap_band([left, right], lambda a, b: np.median(a, axis=1) - np.median(b, axis=1))


def verdict(value: float, band: tuple[float, float] | None, threshold: float) -> str:
    """``asymmetric`` past the threshold with a band excluding 0; ``symmetric`` with the band inside it."""
    if band is None:
        return "inconclusive"
    low, high = band
    if abs(value) > threshold and (low > 0 or high < 0):
        return "asymmetric"
    if -threshold < low and high < threshold:
        return "symmetric"
    return "inconclusive"


def compared(
    key: str,
    value: float,
    unit: str,
    band: tuple[float, float] | None,
    confidence: float,
    n: int | None = None,
    reason: str | None = None,
) -> Measurement:
    """A left/right (or magnitude) measure with its verdict against thresholds.toml."""
    measured = plain(value, unit, band, confidence, n, reason)
    if measured.value is None:
        return measured
    rule = settings()["thresholds"][key]
    threshold = float(rule["value"])
    return dataclasses.replace(
        measured, status=verdict(measured.value, band, threshold), threshold=threshold, source=str(rule["source"])
    )


def plain(
    value: float,
    unit: str,
    band: tuple[float, float] | None,
    confidence: float,
    n: int | None = None,
    reason: str | None = None,
) -> Measurement:
    """A measure without a left/right verdict (counts, timing, one side's size, trends)."""
    if not np.isfinite(value):
        return not_assessed(unit, "too few usable jumps to compute it")
    return Measurement(float(value), unit, band, "measured", confidence, reason, n=n)


def widened(band: tuple[float, float] | None, by: float) -> tuple[float, float] | None:
    """``band`` widened by ``by`` on both sides."""
    return None if band is None else (band[0] - by, band[1] + by)


def with_typical_error(measurement: Measurement, error: float, factor: float | None = None) -> Measurement:
    """``measurement`` carrying the tracker's typical error; a left/right verdict is made again on a widened band.

    The band of a left/right measure becomes the 95 % band of the median over jumps widened by the
    tracker's typical error measured on the rendered clips (times ``[bands] typical_error_factor``):
    the bootstrap holds only the spread from jump to jump, not the tracker's own left/right bias,
    which repeats on every jump. So a difference within the typical error is never ``asymmetric``.
    ``factor``: None for the shipped one (the accuracy bench tries others on held-out clips).
    """
    if measurement.threshold is None or measurement.value is None:
        return _rough_where_error_is_large(replace(measurement, typical_error=error), error)
    if factor is None:
        factor = float(settings()["bands"]["typical_error_factor"])
    band = widened(measurement.band, factor * error)
    return replace(
        measurement, band=band, status=verdict(measurement.value, band, measurement.threshold), typical_error=error
    )


def _rough_where_error_is_large(measurement: Measurement, error: float) -> Measurement:
    """A measure without a verdict whose typical error is a large share of its value, with its confidence
    lowered by that share and a reason saying so.

    Its band holds the jump-to-jump spread only, so the confidence is where the tracker's error shows: a
    flight time of 116 ms with a typical error of 71 ms kept "confidence 90 %" although the truth was 164 ms.
    Up to :data:`ROUGH_ERROR_SHARE` of the value nothing changes; beyond, the confidence is scaled by one minus
    the share (at least :data:`MIN_ROUGH_CONFIDENCE_FACTOR`).
    """
    size = abs(measurement.value) if measurement.value is not None else 0.0
    if error <= 0 or size == 0 or error <= ROUGH_ERROR_SHARE * size:
        return measurement
    share = error / size
    part = "larger than the value" if share >= 1 else f"{100 * share:.0f} % of the value"
    note = f"rough: the tracker's typical error (±{error:.3g}{unit_symbol(measurement.unit)}) is {part}"
    return replace(
        measurement,
        confidence=measurement.confidence * max(MIN_ROUGH_CONFIDENCE_FACTOR, 1.0 - share),
        reason="; ".join(filter(None, [measurement.reason, note])),
    )


# A measure is rough when its typical error passes this share of its value (flight time on the rendered
# clips: 71 ms of 150-250 ms; cadence: 0.65 of 110-160 jumps/min is not).
ROUGH_ERROR_SHARE = 0.25
MIN_ROUGH_CONFIDENCE_FACTOR = 0.2


# A symmetry index divides the left-right difference by the two sides' mean size. If the tracker errs in
# centimetres of that difference whatever the size, the index errs more as the movement shrinks (0.5 cm is
# 5 points of a 10 cm lift and 20 of a 2.5 cm one); the rendered clips are too few to tell whether it
# does. {index: (per-side key stem, its difference's key in the typical-errors file)}
SYMMETRY_INDEX_PARTS = {
    "foot_clearance_si_pct": ("foot_clearance_cm", "foot_clearance_diff_cm"),
    "hand_circle_si_pct": ("hand_circle_cm", "hand_circle_diff_cm"),
}


def clip_typical_errors(measurements: Mapping[str, Measurement], errors: Mapping[str, float]) -> dict[str, float]:
    """``errors`` as they apply to this clip. A symmetry index takes the larger of its own typical error
    (points) and its difference's (cm) over this clip's mean of the two sides (cm): its verdict must hold
    whether the tracker's error follows the size or not."""
    out = dict(errors)
    for index, (stem, difference) in SYMMETRY_INDEX_PARTS.items():
        left, right = measurements.get(f"{stem}_left"), measurements.get(f"{stem}_right")
        if index not in errors or difference not in errors or left is None or right is None:
            continue
        if left.value is None or right.value is None or left.value + right.value <= 0:
            continue
        over_size = 100.0 * float(errors[difference]) / ((left.value + right.value) / 2.0)
        out[index] = max(float(errors[index]), over_size)
    return out


def with_typical_errors(
    measurements: Mapping[str, Measurement], errors: Mapping[str, float], factor: float | None = None
) -> dict[str, Measurement]:
    """Every measurement with its typical error for this clip (:func:`clip_typical_errors` of the bench's
    ``errors``; those without one unchanged)."""
    errors = clip_typical_errors(measurements, errors)
    widened_ones = {
        key: with_typical_error(m, errors[key], factor) if key in errors and m.status != "not_assessed" else m
        for key, m in measurements.items()
    }
    return {key: _at_least_zero(m) if key in MAGNITUDE_KEYS else m for key, m in widened_ones.items()}


# Sizes that cannot be negative (the trunk's twist each way per jump): a band widened by the tracker's error
# ends at zero, not below it (a 2.1° twist read "band -1.5 to 5.9°"). Clamped after the verdict is made.
MAGNITUDE_KEYS = ("trunk_twist_deg",)


def _at_least_zero(measurement: Measurement) -> Measurement:
    band = measurement.band
    return measurement if band is None or band[0] >= 0 else replace(measurement, band=(0.0, max(0.0, band[1])))
