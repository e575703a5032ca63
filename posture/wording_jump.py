"""Every word a person reads about a jump-rope session (docs/jump-rope.md), beside :mod:`posture.wording`:
measure meanings, verdict words and colours, value and band formats, and the findings' sentences (the measure
names are in :mod:`posture.wording`, which names every key a finding can rest on; the one-glance left/right
summary is :mod:`posture.wording_jump_summary`).

The JSON keeps the engine's codes (``asymmetric``, ``inconclusive``...); only what people read comes from
here. Like :mod:`posture.wording`, free of numpy and Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Literal, NamedTuple, Protocol

from posture.wording import format_value, join_words, jump_measure_name, measure_name

__all__ = [
    "CHART_READING",
    "INCONCLUSIVE_REASON",
    "JUMP_MEASURE_MEANINGS",
    "JUMP_STATUS_LABELS",
    "JUMP_UNIT_SYMBOLS",
    "JUMP_VERDICT_COLOURS",
    "MAGNITUDE_STATUS_LABELS",
    "NO_NORMAL_RANGE",
    "NO_TYPICAL_ERROR",
    "SIGNED_KEYS",
    "SIGNED_UNITS",
    "Tiring",
    "VerdictColour",
    "change_over_clip",
    "count_accuracy_text",
    "jump_band",
    "jump_side_sentences",
    "jump_status_label",
    "jump_value",
    "person_side",
    "signed_measure",
    "threshold_text",
    "tires_first",
    "unread_by_reason",
    "warning_sentence",
    "weaker_side_first",
]

# What each jump measure tells a skipper, in a sentence (the definitions are in docs/jump-rope.md).
JUMP_MEASURE_MEANINGS: Mapping[str, str] = {
    "jump_count": (
        "One per rope turn, counted at the landing: a jump already in the air when the clip starts counts "
        "if the rope's pass under the feet (mid-flight) is filmed; one still in the air at the end does not."
    ),
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
JUMP_STATUS_LABELS: Mapping[str, str] = {
    "asymmetric": "uneven",
    "symmetric": "even",
    "inconclusive": "can't tell yet",
    "measured": "measured",
    "not_assessed": "not assessed",
}
# A size rather than a left-right difference (the trunk's twist each way per jump): its verdicts say how much,
# and its threshold has no sign.
MAGNITUDE_STATUS_LABELS: Mapping[str, Mapping[str, str]] = {
    "trunk_twist_deg": {"asymmetric": "more twist than usual", "symmetric": "usual twist"},
}
VerdictColour = Literal["green", "orange", "gray", "blue"]
# The colour each verdict is shown in: the app's badges and the report's verdict column (posture/report/pdf.py
# draws the colours the photos' statuses have: even like normal, uneven like borderline).
JUMP_VERDICT_COLOURS: Mapping[str, VerdictColour] = {
    "asymmetric": "orange",
    "symmetric": "green",
    "inconclusive": "gray",
    "measured": "blue",
    "not_assessed": "gray",
}
JUMP_UNIT_SYMBOLS: Mapping[str, str] = {
    "count": "",
    "jumps/min": " jumps/min",
    "%": " %",
    "%/min": " %/min",
    "ms": " ms",
    "cm": " cm",
    "deg": "°",
}
NO_TYPICAL_ERROR = "typical error not yet measured"
# Counts, timing, each side's sizes and trends have no agreed normal values for rope skipping: they follow the
# skipper's pace, style and rope. Said on the cards and in the report, so a missing range is not an oversight.
NO_NORMAL_RANGE = "no normal range (it depends on pace, style and rope: compare your own sessions)"


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


# Measures whose sign says something (which side, which way): their values are written with + or -.
SIGNED_UNITS = ("%", "%/min")
# Percentages that are sizes, not a side or a rise: no sign in front of them.
UNSIGNED_KEYS = ("rhythm_variability_pct",)
SIGNED_KEYS = (
    "landing_lead_ms",
    "landing_depth_diff_cm",
    "hand_phase_lead_ms",
    "hand_height_diff_cm",
    "hand_spread_diff_cm",
    "lateral_shift_cm",
    "trunk_lateral_lean_deg",
)
CHART_READING = (
    "Each point is one jump (orange: the person's left, blue: their right). The dashed line is each "
    "side's median over the jumps and the shaded strip the 95 % band of that median. The strips leave out "
    "the tracker's typical error, which the left-right verdict also allows for: strips apart are not yet "
    "an uneven verdict."
)
"""How to read the left-vs-right charts (the app's and the report's)."""


def signed_measure(key: str, unit: str) -> bool:
    """Whether a jump measure's value is written with its sign (+ names the left side or a rise)."""
    return (unit in SIGNED_UNITS or key in SIGNED_KEYS) and key not in UNSIGNED_KEYS


def jump_status_label(status: str, key: str | None = None) -> str:
    """A verdict as people read it; ``key`` names the measure where its verdicts read otherwise (a size)."""
    special = MAGNITUDE_STATUS_LABELS.get(key or "", {})
    return special.get(status) or JUMP_STATUS_LABELS.get(status, status)


def threshold_text(key: str, threshold: float, unit: str) -> str:
    """A verdict's threshold: "±1.0 cm" for a left-right difference, "2.0°" for a size (the trunk's twist)."""
    return f"{'' if key in MAGNITUDE_STATUS_LABELS else '±'}{jump_value(threshold, unit)}"


def jump_value(value: float | None, unit: str, *, signed: bool = False) -> str:
    """A jump measure's value with its unit: "112.5 jumps/min", "+10.9 %", "14" (a count); "—" for none."""
    if value is None:
        return "—"
    decimals = 0 if unit == "count" else 1
    if round(value, decimals) == 0:
        return f"{0.0:.{decimals}f}{JUMP_UNIT_SYMBOLS.get(unit, f' {unit}')}"
    return f"{value:{'+' if signed else ''}.{decimals}f}{JUMP_UNIT_SYMBOLS.get(unit, f' {unit}')}"


def jump_band(band: tuple[float, float] | None, unit: str, spread_only: bool = False) -> str:
    """A noise band in words: "95 % band 5.5 to 6.0 cm", or that there is none.

    ``spread_only``: the band holds only the jump-to-jump spread of the median (a measure without a left-right
    verdict, whose band the tracker's typical error does not widen): "95 % band of the jumps' median 5.5 to
    6.0 cm", so that it is not read as where the true value lies (a 115.9 ms flight time with a band of
    104.6-126.7 ms and a typical error of 71 ms).
    """
    if band is None:
        return "no noise band"
    if not spread_only:
        lead = "95 % band"
    elif unit == "%/min":
        lead = "95 % band of the trend over the jumps"  # a slope: no median is taken
    else:
        lead = "95 % band of the jumps' median"
    return f"{lead} {format_value(band[0], '')} to {jump_value(band[1], unit)}"


def change_over_clip(pct_per_min: float, duration_s: float) -> str:
    """A trend (%/min) as the change it makes over the clip: "-27.5 % over this 8 s clip". A short clip's
    rate scaled to a minute reads larger than any change it saw (-206 %/min from an 8 s clip)."""
    return f"{jump_value(pct_per_min * duration_s / 60.0, '%', signed=True)} over this {duration_s:.0f} s clip"


def warning_sentence(warning: str) -> str:
    """An engine warning ("code: message") as the sentence people read: its first letter up, a full stop."""
    text = warning.split(": ", 1)[-1]
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def count_accuracy_text(exact: int, clips: int, most_off: int) -> str:
    """How well jumps were counted on the bench's rendered clips, for the count's typical error (a mean of
    0.25 jumps would round to "±0"): "exact in 6 of 8 test clips, otherwise off by one"."""
    if exact >= clips:
        return f"exact in all {clips} test clips"
    return f"exact in {exact} of {clips} test clips, otherwise off by {'one' if most_off <= 1 else f'up to {most_off}'}"


class Tiring(NamedTuple):
    """The side whose trend (%/min) shrinks faster, both sides' trends, and whether their 95 % bands lie apart."""

    side: str
    faster_pct_per_min: float
    other_pct_per_min: float
    bands_apart: bool


def tires_first(left: JumpMeasure | None, right: JumpMeasure | None) -> Tiring | None:
    """Which side's trend shrinks faster; None when neither shrinks or a trend is missing."""
    if left is None or right is None or left.value is None or right.value is None:
        return None
    if min(left.value, right.value) >= 0:
        return None
    side = "left" if left.value < right.value else "right"
    faster, other = (left, right) if side == "left" else (right, left)
    apart = faster.band is not None and other.band is not None and faster.band[1] < other.band[0]
    return Tiring(side, min(left.value, right.value), max(left.value, right.value), apart)


# Findings and plan: what a clip's uneven measures say in words (posture jump, the plan's side-first note).

# Why a jump-rope sign measured in the clip still counts for nothing: its verdict is undecided.
INCONCLUSIVE_REASON = "inconclusive in the jump-rope video: its 95 % band reaches across the threshold"


def unread_by_reason(not_assessed: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """A finding's unread signs grouped by why: (lead, measure names joined, reason), in order of first
    mention. A photo-only check lists five jump-rope signs per pattern with one reason; said once per reason.
    The lead is "Can't tell yet" for signs measured with an undecided verdict, "Not assessed" otherwise."""
    groups: dict[str, list[str]] = {}
    for key, reason in not_assessed.items():
        groups.setdefault(reason, []).append(measure_name(key))
    return [
        ("Can't tell yet" if reason.startswith(INCONCLUSIVE_REASON) else "Not assessed", join_words(names), reason)
        for reason, names in groups.items()
    ]


# Why a one-sided exercise starts with the weaker side, per measure that named it.
_WEAKER_BECAUSE: Mapping[str, str] = {"landing_depth_diff_cm": "lands heavier", "foot_clearance_si_pct": "lifts lower"}


def weaker_side_first(side: str, measures: Sequence[str]) -> str:
    """The plan's note on a one-sided exercise when a jump-rope clip named a weaker side."""
    because = join_words([_WEAKER_BECAUSE.get(key, jump_measure_name(key)) for key in measures] or ["is weaker"])
    return (
        f"Start each set with your {side} side and give it the same work as the other: in the jump-rope "
        f"video your {side} leg {because}."
    )


def person_side(value: float) -> str:
    """The person's side a signed left-right value points to: + = left for every signed left-right
    measure of the contract, in front and back views alike (docs/jump-rope.md, "Conventions")."""
    return "left" if value > 0 else "right"


def _other(side: str) -> str:
    return "right" if side == "left" else "left"


def jump_side_sentences(measures: Mapping[str, JumpMeasure]) -> list[str]:
    """Plain-word sentences for the uneven (asymmetric) left-right measures of a jump-rope clip and
    the sides that tire first."""

    def uneven(key: str) -> float | None:
        measure = measures.get(key)
        return measure.value if measure is not None and measure.status == "asymmetric" else None

    sentences = []
    templates: tuple[tuple[str, Callable[[float], str]], ...] = (
        (
            "landing_depth_diff_cm",
            lambda v: f"The {person_side(v)} leg lands heavier: its hip sinks {abs(v):.1f} cm more at each landing.",
        ),
        ("foot_clearance_si_pct", lambda v: f"The {person_side(v)} foot lifts higher, by {abs(v):.0f} %."),
        ("landing_lead_ms", lambda v: f"The {person_side(v)} foot touches down first, {abs(v):.0f} ms ahead."),
        ("hand_circle_si_pct", lambda v: f"The {person_side(v)} hand turns a wider circle, by {abs(v):.0f} %."),
        ("hand_phase_lead_ms", lambda v: f"The {person_side(v)} hand leads the turn by {abs(v):.0f} ms."),
        ("hand_height_diff_cm", lambda v: f"The {person_side(v)} hand is held {abs(v):.1f} cm higher."),
        (
            "hand_spread_diff_cm",
            lambda v: (
                f"The {person_side(v)} elbow flares out: that wrist sits {abs(v):.1f} cm further "
                "from the body's midline."
            ),
        ),
        ("lateral_shift_cm", lambda v: f"The hips sit {abs(v):.1f} cm toward the {person_side(v)} over the feet."),
        ("trunk_lateral_lean_deg", lambda v: f"The trunk leans {abs(v):.1f}° toward the {person_side(v)}."),
        ("trunk_twist_deg", lambda v: f"The trunk twists {abs(v):.1f}° each jump."),
    )
    for key, sentence in templates:
        value = uneven(key)
        if value is not None:
            sentences.append(sentence(value))
    for limb, key in (("hand", "hand_circle_trend_pct_per_min"), ("foot", "foot_clearance_trend_pct_per_min")):
        tiring = tires_first(measures.get(f"{key}_left"), measures.get(f"{key}_right"))
        if tiring is None:
            continue
        other = tiring.other_pct_per_min
        how_sure = (
            "the two sides' 95 % bands do not overlap, though a trend has no threshold"
            if tiring.bands_apart
            else "a trend has no threshold: a hint, not a verdict"
        )
        sentences.append(
            f"The {tiring.side} {limb} may tire first: its {'circle' if limb == 'hand' else 'lift'} shrank "
            f"{abs(tiring.faster_pct_per_min):.0f} %/min, the {_other(tiring.side)} "
            f"{'shrank' if other < 0 else 'changed'} {abs(other):.0f} %/min ({how_sure})."
        )
    if not any(uneven(key) is not None for key, _ in templates):
        sentences.insert(0, "No left-right difference passed its threshold with confidence.")
    return sentences
