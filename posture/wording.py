"""Every word and number format a person reads, in one place, so the report, the CLI, the photo labels
and the app say the same thing the same way.

Measure names (photo and jump-rope) and short names, unit symbols and number formats, view names,
status and likelihood labels, the plan's block titles and order, and the sentences about findings and
the plan. The JSON keeps its codes (``deviation``, ``cross_train``...); only what people read comes
from here.

The other jump-rope words (meanings, verdict words, the left/right summary) live beside this module
in :mod:`posture.wording_jump`, which builds on it.

Kept free of numpy and Streamlit (it needs only :mod:`posture.vocabulary`), so anything can import it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from posture.vocabulary import Block, Likelihood, Status, View

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
    "craniovertebral_angle_deg": "CVA",
    "ear_ahead_of_shoulder_cm": "ear ahead",
    "shoulder_ahead_of_plumb_cm": "shoulder vs plumb",
    "trunk_lean_deg": "trunk lean",
    "pelvic_tilt_deg": "pelvic tilt (est.)",
    "knee_ahead_of_ankle_cm": "knee ahead",
    "shoulder_tilt_deg": "shoulders",
    "pelvic_obliquity_deg": "pelvis",
    "head_tilt_deg": "head",
    "trunk_lateral_lean_deg": "trunk",
    "knee_valgus_left_deg": "L knee",
    "knee_valgus_right_deg": "R knee",
    "shoulder_height_diff_cm": "shoulders",
    "hip_height_diff_cm": "hips",
    "trunk_lateral_shift_cm": "trunk shift",
}


# The same string as posture.catalog.JUMP_PREFIX: a catalog sign read from a jump-rope video.
JUMP_PREFIX = "jump."


def measure_name(key: str) -> str:
    """The human name of a measure key, e.g. "Craniovertebral angle"; derived for unknown keys."""
    if key.startswith(PROFILE_DIFFERENCE_PREFIX):
        return f"{measure_name(key[len(PROFILE_DIFFERENCE_PREFIX) :])}, left minus right profile"
    if key.startswith(JUMP_PREFIX):
        return f"{jump_measure_name(key[len(JUMP_PREFIX) :])} (jump rope)"
    if key in MEASURE_NAMES:
        return MEASURE_NAMES[key]
    words = re.sub(r"_(deg|cm)$", "", key).replace("_", " ")
    return words[:1].upper() + words[1:]


# The jump-rope measures (posture.jump), named here beside the photo measures so that one function
# names any key a finding can rest on.
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


def jump_measure_name(key: str) -> str:
    """The human name of a jump-rope measure key, e.g. "Cadence"; as :func:`measure_name` for unknown keys."""
    return JUMP_MEASURE_NAMES.get(key) or measure_name(key)


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
    return range_decimals(abs(value), (abs(threshold),))


def evidence_value_text(value: float, unit: str, threshold: float, direction: str) -> str:
    """A fired sign's value, apart from its threshold (:func:`evidence_decimals`), signed where it names a side."""
    return format_value(value, unit, evidence_decimals(value, threshold), signed=direction == "abs_above")


def range_decimals(value: float, limits: Iterable[float | None]) -> int:
    """Decimals that keep a value apart from its range's limits: 1, or 2 where one decimal would print it on
    one ("+2.0°, borderline, normal -2 to 2°" reads as a contradiction; "+2.04°" does not)."""
    return 2 if any(end is not None and value != end and round(value, 1) == round(end, 1) for end in limits) else 1


def past_threshold(direction: str, threshold: str) -> str:
    """The threshold a sign passed, in words: "above 5 cm", "below 50°", "beyond ±2°"."""
    word = DIRECTION_WORDS.get(direction, direction)
    return f"{word}{'' if word.endswith('±') else ' '}{threshold}"


def borderline_text(
    value: float, unit: str, normal: Sequence[float | None], borderline: Sequence[float | None]
) -> str | None:
    """Which normal limit a borderline value passed and by how much at most: "borderline: past 50° by at
    most 4.5°"; None for a value inside ``normal`` or beyond ``borderline``.

    The words follow posture.measures.status_of: a value is borderline when it is outside the normal
    range and inside the borderline one, both ends included, so the distance past the limit is at most
    the gap between the two ranges' ends on that side.
    """
    (low, high), (border_low, border_high) = normal, borderline
    if low is not None and value < low and (border_low is None or value >= border_low):
        limit, margin = low, None if border_low is None else low - border_low
    elif high is not None and value > high and (border_high is None or value <= border_high):
        limit, margin = high, None if border_high is None else border_high - high
    else:
        return None
    past = f"borderline: past {bound(limit, unit)}"
    return past if margin is None else f"{past} by at most {bound(round(margin, 2), unit)}"


# --------------------------------------------------------------------------------------------------
# Landmarks moved by hand
# --------------------------------------------------------------------------------------------------


# Marks a value that rests on a landmark the person moved by hand (tables, cards, the chart's legend).
MOVED_BY_HAND = "moved by hand"


def moved_landmark_text(landmark: str, distance_px: float, distance_cm: float | None) -> str:
    """One hand-moved landmark and how far: "left ear moved 38 px (4.9 cm)"."""
    cm = "" if distance_cm is None else f" ({format_value(distance_cm, 'cm')})"
    return f"{landmark.replace('_', ' ')} moved {distance_px:.0f} px{cm}"


def moved_by_hand_text(moves: Sequence[str]) -> str:
    """The note under values that rest on hand-moved landmarks, from :func:`moved_landmark_text` lines."""
    return (
        f'Moved by hand: {"; ".join(moves)}. Values marked "{MOVED_BY_HAND}" changed with it: they rest on '
        "where the point was placed by hand, not only on the photo."
    )


# --------------------------------------------------------------------------------------------------
# Views, statuses, likelihoods
# --------------------------------------------------------------------------------------------------

VIEW_NAMES: Mapping[str, str] = {
    View.FRONT: "front",
    View.BACK: "back",
    View.LEFT: "left profile",
    View.RIGHT: "right profile",
}
# What a person reads for a measurement's status; the JSON keeps the codes (a "deviation" is shown
# as "outside normal": it says where the value is without sounding like a diagnosis).
STATUS_LABELS: Mapping[str, str] = {
    Status.NORMAL: "normal",
    Status.BORDERLINE: "borderline",
    Status.DEVIATION: "outside normal",
}
LIKELIHOOD_LABELS: Mapping[str, str] = {
    Likelihood.LIKELY: "likely",
    Likelihood.POSSIBLE: "possible",
    Likelihood.UNLIKELY: "unlikely",
    Likelihood.NOT_ASSESSED: "not assessed",
}
TIGHT_LEAD = "Commonly described as tight:"
WEAK_LEAD = "Commonly described as weak:"


def view_name(view: str | None) -> str:
    """ "left profile" for "left", "left profile → right profile" for a compared pair "left→right"; an
    unknown view as it is ("unknown" when there is none)."""
    if view is None:
        return "unknown"
    if "→" in view:
        return " → ".join(view_name(part) for part in view.split("→"))
    return VIEW_NAMES.get(view, view)


def views_text(views: Sequence[str]) -> str:
    """Several views in words: "front, left profile"."""
    return ", ".join(view_name(view) for view in views)


def evidence_sources(photos: bool, clip: bool) -> str:
    """What an assessment read, for "how strongly {sources} point to...": "the photos", "the jump-rope
    clip" or "the photos and the jump-rope clip"."""
    if not clip:
        return "the photos"
    return "the photos and the jump-rope clip" if photos else "the jump-rope clip"


def evidence_source(measure: str, views: Sequence[str]) -> str:
    """Where a sign was read: "front photo", "left profile and right profile photos" or, for a sign of
    the jump-rope video (``jump.`` keys), "front jump-rope video"."""
    names = join_words([view_name(view) for view in views])
    if measure.startswith(JUMP_PREFIX):
        return f"{names} jump-rope video"
    return names + (" photos" if len(views) > 1 else " photo")


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
    """ "likely (72/100)"; a finding with nothing readable gets no score, since 0 would read as "fine"."""
    if finding.likelihood == Likelihood.NOT_ASSESSED:
        return likelihood_label(finding.likelihood)
    return f"{likelihood_label(finding.likelihood)} ({finding.score}/100)"


# --------------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------------

# The order the blocks are shown in is the order a session follows.
PLAN_ORDER: tuple[Block, ...] = (Block.STRENGTHEN, Block.CROSS_TRAIN, Block.MOBILITY)
PLAN_ORDER_REASON = (
    "Strength work comes first, while the muscles are fresh; the jump rope and other "
    "cross-training follow; the stretches come last, after the workout, when the muscles are warm."
)
BLOCK_NAMES: Mapping[str, str] = {
    Block.STRENGTHEN: "Strengthen",
    Block.CROSS_TRAIN: "Cross-training",
    Block.MOBILITY: "Mobility",
}
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


def join_words(parts: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"; "" for no words."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


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
    held = join_words(parts) if parts else "no exercises"
    return (
        f"This session holds {held}, about {plan.total_minutes} min. Corrective work is easy to skip when it is "
        f"long, so a session never holds more than {max_exercises} exercises or about {max_minutes} min; "
        "what does not fit is listed to rotate in later."
    )


def session_line(names: Sequence[str], total_minutes: int) -> str:
    """The exercises of one session in the order to do them: "A → B → C (about 27 min)."."""
    return f"{' → '.join(names)} (about {total_minutes} min)."
