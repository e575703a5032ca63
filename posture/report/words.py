"""Words and numbers of the report: measure names, units, ranges, verdicts."""

from __future__ import annotations

import re
from collections.abc import Sequence

from posture.assessment import Finding
from posture.catalog import KNEE_VALGUS_DIFFERENCE, PROFILE_DIFFERENCE_PREFIX
from posture.measures import typical_error

MEASURE_NAMES = {
    "craniovertebral_angle_deg": "Craniovertebral angle",
    "ear_ahead_of_shoulder_cm": "Ear ahead of shoulder",
    "shoulder_ahead_of_plumb_cm": "Shoulder ahead of plumb line",
    "trunk_lean_deg": "Trunk forward lean",
    "pelvic_tilt_deg": "Pelvic tilt",
    "knee_ahead_of_ankle_cm": "Knee ahead of ankle",
    "shoulder_tilt_deg": "Shoulder tilt",
    "shoulder_height_diff_cm": "Shoulder height difference",
    "pelvic_obliquity_deg": "Pelvic obliquity",
    "hip_height_diff_cm": "Hip height difference",
    "head_tilt_deg": "Head tilt",
    "trunk_lateral_lean_deg": "Trunk sideways lean",
    "trunk_lateral_shift_cm": "Trunk sideways shift",
    "knee_valgus_left_deg": "Left knee valgus",
    "knee_valgus_right_deg": "Right knee valgus",
    KNEE_VALGUS_DIFFERENCE: "Knee valgus difference (left minus right)",
}
VIEW_NAMES = {"front": "front", "back": "back", "left": "left profile", "right": "right profile"}
BLOCK_TITLES = {"strengthen": "1. Strengthen first", "mobility": "2. Then mobility",
                "cross_train": "3. Then cross-training"}
DIRECTION_WORDS = {"below": "below", "above": "above", "abs_above": "beyond ±"}


def past_threshold(direction: str, threshold: str) -> str:
    """The threshold a sign passed, in words: "above 5 cm", "below 50°", "beyond ±2°"."""
    word = DIRECTION_WORDS.get(direction, direction)
    return f"{word}{'' if word.endswith('±') else ' '}{threshold}"


def measure_name(key: str) -> str:
    """The human name of a measure key, e.g. "Craniovertebral angle"; derived for unknown keys."""
    if key.startswith(PROFILE_DIFFERENCE_PREFIX):
        return f"{measure_name(key[len(PROFILE_DIFFERENCE_PREFIX):])}, left minus right profile"
    if key in MEASURE_NAMES:
        return MEASURE_NAMES[key]
    words = re.sub(r"_(deg|cm)$", "", key).replace("_", " ")
    return words[:1].upper() + words[1:]


UNIT_SYMBOLS = {"deg": "°", "cm": " cm"}


def unit_symbol(unit: str) -> str:
    """What follows a number of ``unit``: "°" for degrees, " cm" for centimetres."""
    return UNIT_SYMBOLS.get(unit, f" {unit}" if unit else "")


def format_value(value: float, unit: str, decimals: int = 1) -> str:
    """A value with its unit as people write it: 46.2° or 3.1 cm."""
    return f"{value:.{decimals}f}{unit_symbol(unit)}"


def evidence_decimals(value: float, threshold: float) -> int:
    """Decimals that keep a value apart from the threshold it passed: 1, or 2 where one decimal would
    print both alike ("5.0 cm, above 5.0 cm" reads as a contradiction; "5.04 cm" does not)."""
    return 2 if round(abs(value), 1) == round(abs(threshold), 1) else 1


def bound(value: float, unit: str) -> str:
    return f"{value:g}{unit_symbol(unit)}"


def format_range(normal_range: Sequence[float | None], unit: str) -> str:
    """A normal range in words: "≥ 50°", "≤ 5 cm", "-4 to 4 cm" ("—" when both ends are open)."""
    low, high = normal_range
    if low is not None and high is not None:
        return f"{low:g} to {bound(high, unit)}"
    if low is not None:
        return f"≥ {bound(low, unit)}"
    if high is not None:
        return f"≤ {bound(high, unit)}"
    return "—"


def percent(fraction: float) -> str:
    return f"{round(100 * fraction)} %"


def verdict(finding: Finding) -> str:
    """"likely (72/100)"; a finding with nothing readable gets no score, since 0 would read as "fine"."""
    if finding.likelihood == "not_assessed":
        return "not assessed"
    return f"{finding.likelihood} ({finding.score}/100)"


def views_text(views: Sequence[str]) -> str:
    return ", ".join(VIEW_NAMES.get(view, view) for view in views)


def one_line(text: str) -> str:
    """Collapse all whitespace: block text is inline text, so it can never start a new Markdown block."""
    return " ".join(str(text).split())


def typical_error_text(key: str, unit: str) -> str | None:
    """``±0.9°``: the benchmarked typical error of a measure, None when it was not measured."""
    error = typical_error(key)
    return None if error is None else f"±{format_value(error, unit)}"
