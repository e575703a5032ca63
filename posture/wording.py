"""Every word and number format a person reads, in one place, so the report, the CLI, the photo labels
and the app say the same thing the same way.

Measure names and short names, unit symbols and number formats, view names, status and likelihood
labels, the plan's block titles and order, and the sentences about findings and the plan. The JSON
keeps its codes (``deviation``, ``cross_train``...); only what people read comes from here.

Kept free of numpy and Streamlit (it needs only :mod:`posture.vocabulary`), so anything can import it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Protocol

from posture.vocabulary import Block, Likelihood, Status, View

__all__ = [
    "BLOCK_NAMES",
    "DIRECTION_WORDS",
    "JUMP_MEASURE_MEANINGS",
    "JUMP_MEASURE_NAMES",
    "JUMP_STATUS_LABELS",
    "JUMP_UNIT_SYMBOLS",
    "LIKELIHOOD_LABELS",
    "MEASURE_NAMES",
    "NO_TYPICAL_ERROR",
    "PLAN_ORDER",
    "PLAN_ORDER_REASON",
    "PROFILE_DIFFERENCE_PREFIX",
    "SESSION_LEAD",
    "SHORT_NAMES",
    "STATUS_LABELS",
    "TIGHT_LEAD",
    "UNIT_SYMBOLS",
    "VIEW_NAMES",
    "WEAK_LEAD",
    "block_title",
    "bound",
    "dose_line",
    "evidence_decimals",
    "format_range",
    "format_value",
    "jump_band",
    "jump_measure_name",
    "jump_status_label",
    "jump_symmetry_summary",
    "jump_value",
    "likelihood_label",
    "measure_name",
    "past_threshold",
    "percent",
    "plan_summary",
    "plus_minus",
    "session_line",
    "short_name",
    "status_label",
    "symmetry_line",
    "tiring_line",
    "unit_symbol",
    "verdict",
    "view_name",
    "views_text",
]

# --------------------------------------------------------------------------------------------------
# Measures
# --------------------------------------------------------------------------------------------------

# The key prefix of a left-minus-right profile difference; the same string as
# posture.catalog.PROFILE_DIFFERENCE_PREFIX (spelt here so this module needs no catalog, a test ties them).
PROFILE_DIFFERENCE_PREFIX = "profile_difference."

MEASURE_NAMES: Mapping[str, str] = {
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
    "knee_valgus_difference_deg": "Knee valgus difference (left minus right)",
}
# On the photo, where room is short.
SHORT_NAMES: Mapping[str, str] = {
    "craniovertebral_angle_deg": "CVA", "ear_ahead_of_shoulder_cm": "ear ahead",
    "shoulder_ahead_of_plumb_cm": "shoulder vs plumb", "trunk_lean_deg": "trunk lean",
    "pelvic_tilt_deg": "pelvic tilt (est.)", "knee_ahead_of_ankle_cm": "knee ahead",
    "shoulder_tilt_deg": "shoulders", "pelvic_obliquity_deg": "pelvis", "head_tilt_deg": "head",
    "trunk_lateral_lean_deg": "trunk", "knee_valgus_left_deg": "L knee", "knee_valgus_right_deg": "R knee",
    "shoulder_height_diff_cm": "shoulders", "hip_height_diff_cm": "hips", "trunk_lateral_shift_cm": "trunk shift",
}


def measure_name(key: str) -> str:
    """The human name of a measure key, e.g. "Craniovertebral angle"; derived for unknown keys."""
    if key.startswith(PROFILE_DIFFERENCE_PREFIX):
        return f"{measure_name(key[len(PROFILE_DIFFERENCE_PREFIX):])}, left minus right profile"
    if key in MEASURE_NAMES:
        return MEASURE_NAMES[key]
    words = re.sub(r"_(deg|cm)$", "", key).replace("_", " ")
    return words[:1].upper() + words[1:]


def short_name(key: str) -> str:
    """The label name of a measure on the photo, e.g. "CVA"; the full name where there is no short one."""
    return SHORT_NAMES.get(key) or measure_name(key)


# --------------------------------------------------------------------------------------------------
# Units and numbers
# --------------------------------------------------------------------------------------------------

UNIT_SYMBOLS: Mapping[str, str] = {"deg": "°", "cm": " cm"}
DIRECTION_WORDS: Mapping[str, str] = {"below": "below", "above": "above", "abs_above": "beyond ±"}


def unit_symbol(unit: str) -> str:
    """What follows a number of ``unit``: "°" for degrees, " cm" for centimetres."""
    return UNIT_SYMBOLS.get(unit, f" {unit}" if unit else "")


def format_value(value: float, unit: str, decimals: int = 1, *, signed: bool = False) -> str:
    """A value with its unit as people write it: 46.2° or 3.1 cm; ``signed`` adds "+" to positive values.

    A value that rounds to zero has no sign: "-0.0°" or "+0.0 cm" would claim a side the value does not have.
    """
    if round(value, decimals) == 0:
        return f"{0.0:.{decimals}f}{unit_symbol(unit)}"
    return f"{value:{'+' if signed else ''}.{decimals}f}{unit_symbol(unit)}"


def bound(value: float, unit: str) -> str:
    """A range end or threshold, without trailing zeros: 50°, 1.5 cm."""
    return f"{value:g}{unit_symbol(unit)}"


def plus_minus(error: float, unit: str) -> str:
    """A typical error: ±0.9°."""
    return f"±{format_value(error, unit)}"


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
    """A 0-1 fraction as a whole percentage: 72 %."""
    return f"{round(100 * fraction)} %"


def evidence_decimals(value: float, threshold: float) -> int:
    """Decimals that keep a value apart from the threshold it passed: 1, or 2 where one decimal would
    print both alike ("5.0 cm, above 5.0 cm" reads as a contradiction; "5.04 cm" does not)."""
    return 2 if round(abs(value), 1) == round(abs(threshold), 1) else 1


def past_threshold(direction: str, threshold: str) -> str:
    """The threshold a sign passed, in words: "above 5 cm", "below 50°", "beyond ±2°"."""
    word = DIRECTION_WORDS.get(direction, direction)
    return f"{word}{'' if word.endswith('±') else ' '}{threshold}"


# --------------------------------------------------------------------------------------------------
# Views, statuses, likelihoods
# --------------------------------------------------------------------------------------------------

VIEW_NAMES: Mapping[str, str] = {View.FRONT: "front", View.BACK: "back", View.LEFT: "left profile",
                                 View.RIGHT: "right profile"}
# What a person reads for a measurement's status; the JSON keeps the codes (a "deviation" is shown
# as "outside normal": it says where the value is without sounding like a diagnosis).
STATUS_LABELS: Mapping[str, str] = {Status.NORMAL: "normal", Status.BORDERLINE: "borderline",
                                    Status.DEVIATION: "outside normal"}
LIKELIHOOD_LABELS: Mapping[str, str] = {Likelihood.LIKELY: "likely", Likelihood.POSSIBLE: "possible",
                                        Likelihood.UNLIKELY: "unlikely", Likelihood.NOT_ASSESSED: "not assessed"}
TIGHT_LEAD = "Commonly described as tight:"
WEAK_LEAD = "Commonly described as weak:"


def view_name(view: str | None) -> str:
    """"left profile" for "left"; an unknown view as it is ("unknown" when there is none)."""
    return "unknown" if view is None else VIEW_NAMES.get(view, view)


def views_text(views: Sequence[str]) -> str:
    """Several views in words: "front, left profile"."""
    return ", ".join(view_name(view) for view in views)


def status_label(status: str) -> str:
    """The status word people read: normal, borderline or outside normal."""
    return STATUS_LABELS.get(status, status)


def likelihood_label(likelihood: str) -> str:
    """likely, possible, unlikely or not assessed."""
    return LIKELIHOOD_LABELS.get(likelihood, likelihood)


class Scored(Protocol):
    """A finding as far as its verdict goes."""

    @property
    def likelihood(self) -> str: ...

    @property
    def score(self) -> int: ...


def verdict(finding: Scored) -> str:
    """"likely (72/100)"; a finding with nothing readable gets no score, since 0 would read as "fine"."""
    if finding.likelihood == Likelihood.NOT_ASSESSED:
        return likelihood_label(finding.likelihood)
    return f"{likelihood_label(finding.likelihood)} ({finding.score}/100)"


# --------------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------------

# The order the blocks are shown in is the order a session follows.
PLAN_ORDER: tuple[Block, ...] = (Block.STRENGTHEN, Block.CROSS_TRAIN, Block.MOBILITY)
PLAN_ORDER_REASON = ("Strength work comes first, while the muscles are fresh; the jump rope and other "
                     "cross-training follow; the stretches come last, after the workout, when the muscles are warm.")
BLOCK_NAMES: Mapping[str, str] = {Block.STRENGTHEN: "Strengthen", Block.CROSS_TRAIN: "Cross-training",
                                  Block.MOBILITY: "Mobility"}
SESSION_LEAD = "One session, in this order:"
# How one item of each block is counted in the plan's summary sentence: (one, several).
_BLOCK_NOUNS: Mapping[str, tuple[str, str]] = {
    Block.STRENGTHEN: ("strength exercise", "strength exercises"),
    Block.CROSS_TRAIN: ("cross-training exercise", "cross-training exercises"),
    Block.MOBILITY: ("stretch", "stretches"),
}


def block_title(block: str) -> str:
    """The numbered title of a plan block, numbered in session order: "1. Strengthen"."""
    return f"{PLAN_ORDER.index(Block(block)) + 1}. {BLOCK_NAMES[block]}"


def dose_line(dose: str, per_week: int, minutes: int) -> str:
    """How much of one exercise: "3 x 12, 3\u00d7 per week, about 5 min." (a multiplication sign)."""
    return f"{dose}, {per_week}\u00d7 per week, about {minutes} min."


def _joined(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


class BuiltPlan(Protocol):
    """A plan as far as its summary goes (posture.assessment.Plan)."""

    @property
    def total_minutes(self) -> int: ...

    def block(self, name: Block) -> Sequence[object]: ...


def plan_summary(plan: BuiltPlan, max_exercises: int, max_minutes: int) -> str:
    """What the plan built holds and why it is short (``max_*``: the session cap of the catalog).

    Only the blocks that have items are named, so a plan of the jump rope alone does not speak of
    strength exercises.
    """
    counts = {block: len(plan.block(block)) for block in PLAN_ORDER}
    parts = [f"{count} {_BLOCK_NOUNS[block][count != 1]}" for block, count in counts.items() if count]
    held = _joined(parts) if parts else "no exercises"
    return (f"This session holds {held}, about {plan.total_minutes} min. Corrective work is easy to skip when it is "
            f"long, so a session never holds more than {max_exercises} exercises or about {max_minutes} min; "
            "what does not fit is listed to rotate in later.")


def session_line(names: Sequence[str], total_minutes: int) -> str:
    """The exercises of one session in the order to do them: "A → B → C (about 27 min)."."""
    return f"{' → '.join(names)} (about {total_minutes} min)."


# --------------------------------------------------------------------------------------------------
# Jump rope (docs/jump-rope.md): measure names, verdict words, the one-glance symmetry summary
# --------------------------------------------------------------------------------------------------

JUMP_MEASURE_NAMES: Mapping[str, str] = {
    "jump_count": "Jumps counted",
    "cadence_jpm": "Cadence",
    "rhythm_variability_pct": "Rhythm variability",
    "flight_time_ms": "Time in the air",
    "contact_time_ms": "Time on the floor",
    "landing_lead_ms": "Landing lead (left foot first +)",
    "foot_clearance_cm_left": "Left foot clearance",
    "foot_clearance_cm_right": "Right foot clearance",
    "foot_clearance_si_pct": "Foot clearance symmetry (left larger +)",
    "landing_depth_cm_left": "Left landing depth",
    "landing_depth_cm_right": "Right landing depth",
    "landing_depth_diff_cm": "Landing depth, left minus right",
    "hand_circle_cm_left": "Left hand circle",
    "hand_circle_cm_right": "Right hand circle",
    "hand_circle_si_pct": "Hand circle symmetry (left larger +)",
    "hand_phase_lead_ms": "Hand timing (left hand ahead +)",
    "hand_height_diff_cm": "Hand height, left minus right",
    "hand_spread_diff_cm": "Hand spread, left minus right",
    "trunk_twist_deg": "Trunk twist per jump",
    "lateral_shift_cm": "Hips off centre (toward the left +)",
    "lateral_sway_cm": "Sideways sway per jump",
    "trunk_lateral_lean_deg": "Trunk sideways lean (toward the left +)",
    "hand_circle_trend_pct_per_min_left": "Left hand circle over time",
    "hand_circle_trend_pct_per_min_right": "Right hand circle over time",
    "foot_clearance_trend_pct_per_min_left": "Left foot clearance over time",
    "foot_clearance_trend_pct_per_min_right": "Right foot clearance over time",
}
# What each jump measure tells a skipper, in a sentence (the definitions are in docs/jump-rope.md).
JUMP_MEASURE_MEANINGS: Mapping[str, str] = {
    "jump_count": "Complete jumps in the clip; one cut by the start or the end is not counted.",
    "cadence_jpm": "How many jumps a minute, from the time between landings.",
    "rhythm_variability_pct": "How uneven the time between landings is: small means a steady beat.",
    "flight_time_ms": "How long both feet are off the floor in a typical jump.",
    "contact_time_ms": "How long a foot stays on the floor between jumps.",
    "landing_lead_ms": "Whether one foot reaches the floor before the other; a plus means the left lands first.",
    "foot_clearance_cm_left": "How high the left ankle rises above its standing level in a typical jump.",
    "foot_clearance_cm_right": "How high the right ankle rises above its standing level in a typical jump.",
    "foot_clearance_si_pct": "Whether one foot lifts higher than the other, in % of their average.",
    "landing_depth_cm_left": "How far the left hip sinks after touchdown: more sink is a heavier landing.",
    "landing_depth_cm_right": "How far the right hip sinks after touchdown: more sink is a heavier landing.",
    "landing_depth_diff_cm": "Which side lands heavier: a plus means the left hip sinks further.",
    "hand_circle_cm_left": "The height of the circle the left hand draws per rope turn.",
    "hand_circle_cm_right": "The height of the circle the right hand draws per rope turn.",
    "hand_circle_si_pct": "Whether one hand turns a wider circle, in % of their average.",
    "hand_phase_lead_ms": "Whether one hand turns ahead of the other.",
    "hand_height_diff_cm": "Whether one hand is held higher than the other.",
    "hand_spread_diff_cm": "Whether one elbow flares out further from the body.",
    "trunk_twist_deg": "How much the shoulders turn against the hips with each jump.",
    "lateral_shift_cm": "Whether the hips sit to one side of the feet.",
    "lateral_sway_cm": "How far the hips travel sideways within a jump.",
    "trunk_lateral_lean_deg": "Whether the trunk leans to one side.",
    "hand_circle_trend_pct_per_min_left": "How the left hand's circle changes over the clip; falling means tiring.",
    "hand_circle_trend_pct_per_min_right": "How the right hand's circle changes over the clip; falling means tiring.",
    "foot_clearance_trend_pct_per_min_left": "How the left foot's lift changes over the clip; falling means tiring.",
    "foot_clearance_trend_pct_per_min_right": "How the right foot's lift changes over the clip; falling means tiring.",
}
# The jump verdicts as people read them; the JSON keeps the codes.
JUMP_STATUS_LABELS: Mapping[str, str] = {"asymmetric": "uneven", "symmetric": "even", "inconclusive": "can't tell yet",
                                         "measured": "measured", "not_assessed": "not assessed"}
JUMP_UNIT_SYMBOLS: Mapping[str, str] = {"count": "", "jumps/min": " jumps/min", "%": " %", "%/min": " %/min",
                                        "ms": " ms", "cm": " cm", "deg": "°"}
NO_TYPICAL_ERROR = "typical error not yet measured"


class JumpMeasure(Protocol):
    """A jump measurement as far as words go (posture.jump.summary.Measurement)."""

    @property
    def value(self) -> float | None: ...

    @property
    def unit(self) -> str: ...

    @property
    def band(self) -> tuple[float, float] | None: ...

    @property
    def status(self) -> str: ...

    @property
    def threshold(self) -> float | None: ...

    @property
    def reason(self) -> str | None: ...


def jump_measure_name(key: str) -> str:
    return JUMP_MEASURE_NAMES.get(key) or measure_name(key)


def jump_status_label(status: str) -> str:
    return JUMP_STATUS_LABELS.get(status, status)


def jump_value(value: float | None, unit: str, *, signed: bool = False) -> str:
    """A jump measure's value with its unit: "112.5 jumps/min", "+10.9 %", "14" (a count); "—" for none."""
    if value is None:
        return "—"
    decimals = 0 if unit == "count" else 1
    if round(value, decimals) == 0:
        return f"{0.0:.{decimals}f}{JUMP_UNIT_SYMBOLS.get(unit, f' {unit}')}"
    return f"{value:{'+' if signed else ''}.{decimals}f}{JUMP_UNIT_SYMBOLS.get(unit, f' {unit}')}"


def jump_band(band: tuple[float, float] | None, unit: str) -> str:
    """A noise band in words: "95 % band 5.5 to 6.0 cm", or that there is none."""
    if band is None:
        return "no noise band"
    return f"95 % band {band[0]:.1f} to {jump_value(band[1], unit)}"


def _side(value: float, bigger: str = "left") -> str:
    return bigger if value > 0 else ("right" if bigger == "left" else "left")


def _sureness(measure: JumpMeasure) -> str:
    """How sure the verdict is, from where the 95 % band lies against the threshold."""
    limit = "" if measure.threshold is None else f" ({jump_value(measure.threshold, measure.unit)})"
    if measure.status == "asymmetric":
        return f"Sure: the value is past the threshold{limit} and its 95 % band does not reach zero."
    if measure.status == "symmetric":
        return f"Sure: the whole 95 % band lies within the threshold{limit}."
    return f"Not sure: the 95 % band is too wide to say against the threshold{limit}; a longer clip narrows it."


def symmetry_line(topic: str, measure: JumpMeasure | None, uneven: str, even: str) -> tuple[str, str, str]:
    """One line of the summary: (topic, verdict sentence, how sure).

    ``uneven`` names the side with ``{side}`` and the size with ``{size}``; ``even`` says both match.
    """
    if measure is None or measure.value is None or measure.status == "not_assessed":
        reason = measure.reason if measure is not None and measure.reason else "not measured in this clip"
        return topic, f"Not assessed: {reason}.", ""
    size = jump_value(abs(measure.value), measure.unit)
    if measure.status == "symmetric":
        return topic, even, _sureness(measure)
    sentence = uneven.format(side=_side(measure.value), size=size)
    if measure.status == "inconclusive":
        small = measure.threshold is not None and abs(measure.value) <= measure.threshold
        sentence = (f"No clear difference yet: {size} more on the {_side(measure.value)}, within the noise." if small
                    else f"Perhaps: {sentence[0].lower()}{sentence[1:]}")
    return topic, sentence, _sureness(measure)


def tiring_line(topic: str, left: JumpMeasure | None, right: JumpMeasure | None, part: str) -> tuple[str, str, str]:
    """Which ``part`` ("hand circle", "foot clearance") shrinks faster over the clip: the side that tires first.

    The trends have no noise band yet, so the line is always a hint, never a verdict.
    """
    if left is None or right is None or left.value is None or right.value is None:
        return topic, "Not assessed: both sides must be seen over the whole clip.", ""
    hint = "A hint only: trends have no noise band yet, and clips under 30 s say little about tiring."
    trends = (f"left {jump_value(left.value, '%/min', signed=True)}, "
              f"right {jump_value(right.value, '%/min', signed=True)}")
    if min(left.value, right.value) >= 0:
        return topic, f"Neither side's {part} shrank over the clip ({trends}).", hint
    side = "left" if left.value < right.value else "right"
    return topic, f"The {side} {part} shrank faster ({trends}): that side may tire first.", hint


def jump_symmetry_summary(measures: Mapping[str, JumpMeasure]) -> list[tuple[str, str, str]]:
    """The one-glance summary: which side lands heavier, lands first, lifts higher, turns wider, tires first."""
    get = measures.get
    return [
        symmetry_line("Landing", get("landing_depth_diff_cm"),
                      "The {side} side lands heavier: its hip sinks {size} more per landing.",
                      "Both sides land about equally hard."),
        symmetry_line("Touchdown", get("landing_lead_ms"), "The {side} foot lands first, by {size}.",
                      "Both feet land together."),
        symmetry_line("Feet", get("foot_clearance_si_pct"), "The {side} foot lifts higher, by {size}.",
                      "Both feet lift about as high."),
        symmetry_line("Hands", get("hand_circle_si_pct"), "The {side} hand turns a wider circle, by {size}.",
                      "Both hands turn circles of about the same size."),
        tiring_line("Tiring (hands)", get("hand_circle_trend_pct_per_min_left"),
                    get("hand_circle_trend_pct_per_min_right"), "hand circle"),
    ]
