"""The one-glance left/right summary of a jump-rope session: which side lands heavier or first, lifts higher,
turns wider, tires first, and every other left-right measure that reads uneven; each line with how sure it is.
Shown by the app's results and history and the report (the words themselves follow :mod:`posture.wording_jump`).
"""

from __future__ import annotations

from collections.abc import Mapping

from posture.wording_jump import JumpMeasure, jump_value, tires_first

__all__ = ["NOT_ASSESSED_LEAD", "UNEVEN_ONLY_LINES", "jump_symmetry_summary", "symmetry_line", "tiring_line"]

NOT_ASSESSED_LEAD = "Not assessed: "
"""How a summary line starts when the clip cannot show its measure (the rest is the reason)."""


def _side(value: float, bigger: str = "left") -> str:
    return bigger if value > 0 else ("right" if bigger == "left" else "left")


def _sureness(measure: JumpMeasure) -> str:
    """How sure the verdict is, from where the 95 % band lies against the threshold."""
    limit = "" if measure.threshold is None else f" ({jump_value(measure.threshold, measure.unit)})"
    if measure.status == "asymmetric":
        return f"Sure: the value is past the threshold{limit} and its 95 % band does not reach zero."
    if measure.status == "symmetric":
        return f"Sure: the whole 95 % band lies within the threshold{limit}."
    if (
        measure.band is not None
        and measure.threshold is not None
        and measure.band[1] - measure.band[0] > 2 * measure.threshold
    ):
        # Often the tracker's typical error alone is wider than the even zone: a longer clip would not do.
        zone = jump_value(measure.threshold, measure.unit)
        return (
            f"Not sure: the 95 % band is wider than the whole even zone (±{zone}). Most of that width is the "
            "tracker's own error, so a longer clip would not settle it."
        )
    return f"Not sure: the 95 % band is too wide to decide against the threshold{limit}; a longer clip narrows it."


def symmetry_line(topic: str, measure: JumpMeasure | None, uneven: str, even: str) -> tuple[str, str, str]:
    """One line of the summary: (topic, verdict sentence, how sure).

    ``uneven`` names the side with ``{side}`` and the size with ``{size}``; ``even`` says both match.
    """
    if measure is None or measure.value is None or measure.status == "not_assessed":
        reason = measure.reason if measure is not None and measure.reason else "not measured in this clip"
        return topic, f"{NOT_ASSESSED_LEAD}{reason}.", ""
    size = jump_value(abs(measure.value), measure.unit)
    if measure.status == "symmetric":
        return topic, even, _sureness(measure)
    if measure.status == "inconclusive" and measure.threshold is not None and abs(measure.value) <= measure.threshold:
        # A difference inside the even zone, with a band too wide to call it even: naming a side would read as a
        # finding ("the left foot lands first, by 0.1 ms").
        return topic, f"No clear difference: {size} between the two sides, within the noise.", _sureness(measure)
    if measure.status == "inconclusive":
        # Past the threshold with a band reaching both sides: naming the side the value leans to would read as a
        # finding in the headline while the band says it could be either (a truly even 0.2 % read as "27.6 %").
        return (
            topic,
            f"Can't tell which side: {size} between the two sides, past the threshold, but the 95 % band "
            "reaches both sides.",
            _sureness(measure),
        )
    return topic, uneven.format(side=_side(measure.value), size=size), _sureness(measure)


def tiring_line(topic: str, left: JumpMeasure | None, right: JumpMeasure | None, part: str) -> tuple[str, str, str]:
    """Which ``part`` ("hand circle", "foot clearance") shrinks faster over the clip: the side that tires first.

    Trends have a 95 % band (the jump-to-jump spread) but no threshold, so the line is never a verdict: it
    says "likely" when the two sides' bands do not overlap, and is a hint otherwise.
    """
    if left is None or right is None or left.value is None or right.value is None:
        return topic, f"{NOT_ASSESSED_LEAD}both sides must be seen over the whole clip.", ""
    trends = (
        f"left {jump_value(left.value, '%/min', signed=True)}, right {jump_value(right.value, '%/min', signed=True)}"
    )
    tiring = tires_first(left, right)
    if tiring is None:
        return topic, f"Neither side's {part} shrank over the clip ({trends}).", _tiring_sureness(left, right)
    sentence = f"The {tiring.side} {part} shrank faster ({trends}): that side may tire first."
    if tiring.bands_apart:
        return (
            topic,
            sentence,
            "Likely: the two sides' 95 % bands do not overlap. Still a hint, not a finding: trends have no "
            "threshold yet.",
        )
    return topic, sentence, _tiring_sureness(left, right)


def _tiring_sureness(left: JumpMeasure, right: JumpMeasure) -> str:
    bands = "the two sides' 95 % bands overlap" if left.band and right.band else "trends have no noise band here"
    return f"A hint only: {bands}, and clips under 30 s say little about tiring."


def jump_symmetry_summary(measures: Mapping[str, JumpMeasure]) -> list[tuple[str, str, str]]:
    """The one-glance summary: which side lands heavier, lands first, lifts higher, turns wider, tires first."""
    get = measures.get
    return [
        symmetry_line(
            "Landing",
            get("landing_depth_diff_cm"),
            "The {side} side lands heavier, its hip sinking {size} more per landing.",
            "Both sides land about equally hard.",
        ),
        symmetry_line(
            "Touchdown", get("landing_lead_ms"), "The {side} foot lands first, by {size}.", "Both feet land together."
        ),
        symmetry_line(
            "Feet",
            get("foot_clearance_si_pct"),
            "The {side} foot lifts higher, by {size}.",
            "Both feet lift about as high.",
        ),
        symmetry_line(
            "Hands",
            get("hand_circle_si_pct"),
            "The {side} hand turns a wider circle, by {size}.",
            "Both hands turn circles of about the same size.",
        ),
        tiring_line(
            "Tiring (hands)",
            get("hand_circle_trend_pct_per_min_left"),
            get("hand_circle_trend_pct_per_min_right"),
            "hand circle",
        ),
        *(
            symmetry_line(topic, measure, uneven, "")
            for key, topic, uneven in UNEVEN_ONLY_LINES
            if (measure := get(key)) is not None and measure.status == "asymmetric"
        ),
    ]


# The other left-right measures join the summary when they read uneven: a summary that said "the hands are
# even" beside an uneven hand timing of 56 ms hid the clip's one clear finding. (key, topic, sentence with
# {side} and {size}; the signs as in docs/jump-rope.md, + toward the person's left.)
UNEVEN_ONLY_LINES = (
    ("hand_phase_lead_ms", "Hand timing", "The {side} hand runs ahead in the turn, by {size}."),
    ("hand_height_diff_cm", "Hand height", "The {side} hand is held higher, by {size}."),
    ("hand_spread_diff_cm", "Hand spread", "The {side} hand is held further out from the body, by {size}."),
    ("lateral_shift_cm", "Hips", "The hips sit toward the {side} of the feet, by {size}."),
    ("trunk_lateral_lean_deg", "Trunk lean", "The trunk leans toward the {side}, by {size}."),
    ("trunk_twist_deg", "Trunk twist", "The shoulders twist {size} each way against the hips with every jump."),
)
