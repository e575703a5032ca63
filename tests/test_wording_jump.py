"""The jump-rope words: values with units, verdict words and the one-glance symmetry summary's sentences."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from posture.jump.summary import Measurement, compared, not_assessed
from posture.wording import JUMP_MEASURE_NAMES
from posture.wording_jump import (
    JUMP_MEASURE_MEANINGS,
    change_over_clip,
    count_accuracy_text,
    jump_band,
    jump_status_label,
    jump_value,
    signed_measure,
    threshold_text,
)
from posture.wording_jump_summary import jump_symmetry_summary, symmetry_line, tiring_line


@dataclass(frozen=True)
class Trend:
    value: float | None
    unit: str = "%/min"
    band: tuple[float, float] | None = None
    status: str = "measured"
    threshold: float | None = None
    reason: str | None = None


def test_values_read_with_their_units():
    assert jump_value(14.0, "count") == "14"
    assert jump_value(112.46, "jumps/min") == "112.5 jumps/min"
    assert jump_value(10.89, "%", signed=True) == "+10.9 %"
    assert jump_value(-0.04, "cm", signed=True) == "0.0 cm"  # no side for a value that rounds to zero
    assert jump_value(None, "ms") == "—"
    assert jump_band((5.47, 6.01), "cm") == "95 % band 5.5 to 6.0 cm"
    assert jump_band((104.6, 126.7), "ms", spread_only=True) == "95 % band of the jumps' median 104.6 to 126.7 ms"
    assert (
        jump_band((-61.2, 6.8), "%/min", spread_only=True) == "95 % band of the trend over the jumps -61.2 to 6.8 %/min"
    )
    assert not signed_measure("rhythm_variability_pct", "%")  # a size, not a side: "6.1 %", never "+6.1 %"
    assert signed_measure("foot_clearance_si_pct", "%")
    assert change_over_clip(-206.2, 8.0) == "-27.5 % over this 8 s clip"
    assert jump_band(None, "cm") == "no noise band"


def test_every_engine_key_has_a_name_and_a_meaning():
    assert set(JUMP_MEASURE_NAMES) == set(JUMP_MEASURE_MEANINGS)
    assert jump_status_label("asymmetric") == "uneven"
    assert jump_status_label("inconclusive") == "can't tell yet"


@pytest.mark.parametrize(
    ("value", "band", "expected", "sure"),
    [
        (1.6, (1.2, 2.0), "The left side lands heavier, its hip sinking 1.6 cm more per landing.", "Sure:"),
        (-1.6, (-2.0, -1.2), "The right side lands heavier, its hip sinking 1.6 cm more per landing.", "Sure:"),
        (0.1, (-0.4, 0.5), "Both sides land about equally hard.", "Sure:"),
        (
            0.7,
            (-0.7, 1.7),
            "No clear difference: 0.7 cm between the two sides, within the noise.",
            "Not sure:",
        ),
        (
            1.4,
            (-0.2, 2.9),
            "Can't tell which side: 1.4 cm between the two sides, past the threshold, but the 95 % band reaches both "
            "sides.",
            "Not sure:",
        ),
    ],
)
def test_the_landing_line_follows_the_engines_verdict(value, band, expected, sure):
    measurement = compared("landing_depth_diff_cm", value, "cm", band, 0.7)
    topic, sentence, sureness = symmetry_line(
        "Landing",
        measurement,
        "The {side} side lands heavier, its hip sinking {size} more per landing.",
        "Both sides land about equally hard.",
    )
    assert topic == "Landing"
    assert sentence == expected
    assert sureness.startswith(sure)


def test_a_band_wider_than_the_even_zone_does_not_promise_that_a_longer_clip_helps():
    # Landing depth: threshold 1 cm; a 2.4 cm wide band (mostly the tracker's typical error) cannot fit in +-1.
    wide = compared("landing_depth_diff_cm", 0.2, "cm", (-1.0, 1.4), 0.7)
    narrow = compared("landing_depth_diff_cm", 0.7, "cm", (-0.2, 1.6), 0.7)
    assert wide.status == narrow.status == "inconclusive"
    _, _, wide_sureness = symmetry_line("Landing", wide, "{side} {size}", "even")
    _, _, narrow_sureness = symmetry_line("Landing", narrow, "{side} {size}", "even")
    assert "wider than the whole even zone (±1.0 cm)" in wide_sureness
    assert "longer clip narrows" not in wide_sureness
    assert "would not settle it" in wide_sureness
    assert narrow_sureness.endswith("a longer clip narrows it.")


def test_a_measure_the_view_cannot_show_says_why():
    _, sentence, sureness = symmetry_line("Hands", not_assessed("%", "needs a front or back view"), "{side}", "even")
    assert sentence == "Not assessed: needs a front or back view."
    assert sureness == ""


def test_the_side_whose_circle_shrinks_faster_may_tire_first_but_only_as_a_hint():
    _, sentence, sureness = tiring_line("Tiring", Trend(-24.0), Trend(21.3), "hand circle")
    assert sentence.startswith("The left hand circle shrank faster")
    assert sureness.startswith("A hint only: trends have no noise band here")
    # jump01 (its right hand tires): the two sides' bands apart -> likely, still not a finding.
    _, sentence, sureness = tiring_line(
        "Tiring", Trend(-29.0, band=(-61.0, 7.0)), Trend(-206.0, band=(-230.0, -182.0)), "hand circle"
    )
    assert sentence.startswith("The right hand circle shrank faster")
    assert sureness.startswith("Likely: the two sides' 95 % bands do not overlap")
    assert "not a finding" in sureness
    # jump05 (neither tires; the tracker shrinks both): overlapping bands -> a hint.
    _, _, sureness = tiring_line(
        "Tiring", Trend(-37.0, band=(-65.0, -15.0)), Trend(-42.0, band=(-63.0, -26.0)), "hand circle"
    )
    assert sureness.startswith("A hint only: the two sides' 95 % bands overlap")
    _, sentence, _ = tiring_line("Tiring", Trend(3.0), Trend(-12.0), "hand circle")
    assert sentence.startswith("The right hand circle shrank faster")
    _, sentence, _ = tiring_line("Tiring", Trend(3.0), Trend(1.0), "hand circle")
    assert sentence.startswith("Neither side's hand circle shrank")
    _, sentence, _ = tiring_line("Tiring", Trend(None), Trend(1.0), "hand circle")
    assert sentence.startswith("Not assessed")


def test_the_summary_covers_landing_touchdown_feet_hands_and_tiring():
    hands = compared("hand_circle_si_pct", 10.9, "%", (7.5, 12.6), 0.7)
    measures: dict[str, Measurement] = {"hand_circle_si_pct": hands}
    topics = [topic for topic, _, _ in jump_symmetry_summary(measures)]
    assert topics == ["Landing", "Touchdown", "Feet", "Hands", "Tiring (hands)"]
    lines = dict((topic, sentence) for topic, sentence, _ in jump_symmetry_summary(measures))
    assert lines["Hands"] == "The left hand turns a wider circle, by 10.9 %."
    assert lines["Landing"].startswith("Not assessed")


def test_the_other_left_right_measures_join_the_summary_only_when_uneven():
    measures: dict[str, Measurement] = {
        "hand_phase_lead_ms": compared("hand_phase_lead_ms", -55.8, "ms", (-63.0, -49.2), 0.7),
        "hand_spread_diff_cm": compared("hand_spread_diff_cm", -5.0, "cm", (-7.7, -2.6), 0.7),
        "hand_height_diff_cm": compared("hand_height_diff_cm", 1.8, "cm", (-1.1, 4.6), 0.7),
        "trunk_twist_deg": compared("trunk_twist_deg", 4.0, "deg", (3.1, 4.9), 0.7),
    }
    assert measures["hand_height_diff_cm"].status == "inconclusive"
    lines = {topic: (sentence, sureness) for topic, sentence, sureness in jump_symmetry_summary(measures)}
    assert lines["Hand timing"][0] == "The right hand runs ahead in the turn, by 55.8 ms."
    assert lines["Hand spread"][0] == "The right hand is held further out from the body, by 5.0 cm."
    assert lines["Trunk twist"][0] == "The shoulders twist 4.0° each way against the hips with every jump."
    assert lines["Hand timing"][1].startswith("Sure: the value is past the threshold")
    assert "Hand height" not in lines  # not uneven: its card says why


@pytest.mark.parametrize(
    ("exact", "clips", "most_off", "expected"),
    [
        (6, 8, 1, "exact in 6 of 8 test clips, otherwise off by one"),
        (7, 8, 3, "exact in 7 of 8 test clips, otherwise off by up to 3"),
        (8, 8, 0, "exact in all 8 test clips"),
    ],
)
def test_the_counts_accuracy_is_said_in_clips_not_as_a_rounded_error(exact, clips, most_off, expected):
    assert count_accuracy_text(exact, clips, most_off) == expected


def test_the_trunk_twist_reads_as_a_size_not_as_a_side():
    assert jump_status_label("asymmetric", "trunk_twist_deg") == "more twist than usual"
    assert jump_status_label("symmetric", "trunk_twist_deg") == "usual twist"
    assert jump_status_label("asymmetric", "lateral_shift_cm") == "uneven"
    assert threshold_text("trunk_twist_deg", 2.0, "deg") == "2.0°"
    assert threshold_text("lateral_shift_cm", 1.5, "cm") == "±1.5 cm"
