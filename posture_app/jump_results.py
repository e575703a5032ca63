"""The jump-rope check's blocks: filming guide, refusal box, symmetry summary, measure cards and charts.

Every word comes from :mod:`posture.wording` (names, verdict words, meanings, the summary
sentences) or :mod:`posture_app.present` (refusal titles and next steps).
"""

from __future__ import annotations

import streamlit as st

from posture.jump.engine import JumpAnalysis, JumpRefusal
from posture.jump.summary import Measurement
from posture.report.jump_blocks import jump_accuracy_label
from posture.wording import join_words, percent
from posture.wording_jump import (
    CHART_READING,
    JUMP_MEASURE_MEANINGS,
    JUMP_VERDICT_COLOURS,
    NO_NORMAL_RANGE,
    NO_TYPICAL_ERROR,
    change_over_clip,
    jump_band,
    jump_measure_name,
    jump_status_label,
    jump_value,
    signed_measure,
    threshold_text,
)
from posture.wording_jump_summary import NOT_ASSESSED_LEAD, jump_symmetry_summary
from posture_app import present
from posture_app.jump_charts import CHART_MEASURES, left_right_chart
from posture_app.jump_guide import ADVISED_CLIP_S, FILMING_STEPS, filming_guide_png

# The cards in groups, each measure once, in the order a skipper asks about them.
CARD_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Left and right",
        (
            "landing_depth_diff_cm",
            "landing_lead_ms",
            "foot_clearance_si_pct",
            "hand_circle_si_pct",
            "hand_phase_lead_ms",
            "hand_height_diff_cm",
            "hand_spread_diff_cm",
        ),
    ),
    (
        "Each side",
        (
            "landing_depth_cm_left",
            "landing_depth_cm_right",
            "foot_clearance_cm_left",
            "foot_clearance_cm_right",
            "hand_circle_cm_left",
            "hand_circle_cm_right",
        ),
    ),
    ("Rhythm and timing", ("jump_count", "cadence_jpm", "rhythm_variability_pct", "flight_time_ms", "contact_time_ms")),
    ("Trunk and hips", ("trunk_twist_deg", "lateral_sway_cm", "lateral_shift_cm", "trunk_lateral_lean_deg")),
    (
        "Over the clip (tiring)",
        (
            "hand_circle_trend_pct_per_min_left",
            "hand_circle_trend_pct_per_min_right",
            "foot_clearance_trend_pct_per_min_left",
            "foot_clearance_trend_pct_per_min_right",
        ),
    ),
)


def filming_guide(expanded: bool) -> None:
    with st.expander("How to film a usable jump-rope clip", expanded=expanded, icon=":material/videocam:"):
        left, right = st.columns([3, 2])
        left.image(
            filming_guide_png(), caption="The set-up: the phone standing still, facing the skipper", width="stretch"
        )
        right.markdown("\n".join(f"- {step}" for step in FILMING_STEPS))


def refusal_box(refusal: JumpRefusal) -> None:
    """Why the clip could not be measured and what to do next."""
    code, cause = refusal.error.code, refusal.error.cause
    st.error(
        f"**{present.jump_error_heading(code, cause)}**\n\n{refusal.error.message}\n\n"
        f"*What to do next:* {present.jump_error_next_step(code, cause)}",
        icon=":material/error:",
    )


def typical_error(key: str, measurement: Measurement, model: str) -> str:
    """The bench's typical error of a measure with landmarker ``model`` ("typical error ±0.4 cm"; for the count
    how often it was exact; a symmetry index's at this clip's size too), or that it is not measured yet."""
    return jump_accuracy_label(key, measurement.unit, model, measurement.typical_error) or NO_TYPICAL_ERROR


def short_clip_note(analysis: JumpAnalysis) -> None:
    """A clip shorter than the guide asks for is measured, but says so: few jumps widen every band and a side
    has little time to tire."""
    duration_s, (shortest_s, longest_s) = analysis.video.duration_s, ADVISED_CLIP_S
    if duration_s < shortest_s:
        jumps = present.count_text(len(analysis.session.jumps), "jump")
        st.info(
            f"This clip lasts {duration_s:.0f} s ({jumps}); the guide asks for {shortest_s}-{longest_s} s. Fewer "
            "jumps give wider bands, so more measures read 'can't tell yet', and which side tires first barely "
            "shows in a short clip.",
            icon=":material/timer:",
        )


def symmetry_summary(analysis: JumpAnalysis) -> None:
    """The one-glance answer: which side lands heavier, lands first, lifts higher, turns wider, tires first."""
    unread: dict[str, list[str]] = {}
    with st.container(border=True):
        st.subheader("Left and right at a glance")
        for topic, sentence, sureness in jump_symmetry_summary(analysis.session.measurements):
            if sentence.startswith(NOT_ASSESSED_LEAD):  # said once per reason below (a side view: four times)
                unread.setdefault(sentence.removeprefix(NOT_ASSESSED_LEAD), []).append(topic.lower())
                continue
            topic_column, text_column = st.columns([1, 5])
            topic_column.markdown(f"**{topic}**")
            text_column.markdown(sentence)
            if sureness:
                text_column.caption(sureness)
        for reason, topics in unread.items():
            st.caption(f"Not assessed ({join_words(topics)}): {reason}")


def card(key: str, measurement: Measurement, model: str, duration_s: float) -> None:
    """One measured quantity (not a ``not_assessed`` one): value with unit, verdict badge, noise band, confidence,
    typical error and meaning; a trend also as its change over the clip (``duration_s``)."""
    name = jump_measure_name(key)
    meaning = JUMP_MEASURE_MEANINGS.get(key, "")
    assert measurement.value is not None, f"{key} has no value to show"
    with st.container(border=True):
        st.metric(
            name,
            jump_value(measurement.value, measurement.unit, signed=signed_measure(key, measurement.unit)),
            help=meaning,
        )
        st.badge(jump_status_label(measurement.status, key), color=JUMP_VERDICT_COLOURS.get(measurement.status, "gray"))
        parts = [
            jump_band(measurement.band, measurement.unit, spread_only=measurement.threshold is None),
            f"confidence {percent(measurement.confidence)}",
            typical_error(key, measurement, model),
        ]
        if measurement.threshold is not None:
            limit = threshold_text(key, measurement.threshold, measurement.unit)
            parts.append(f"{jump_status_label('asymmetric', key)} past {limit}")
        elif measurement.unit != "count":
            parts.append(NO_NORMAL_RANGE)
        if measurement.unit == "%/min":
            parts.insert(0, change_over_clip(measurement.value, duration_s))
        st.caption(" · ".join(parts))
        st.caption(meaning + (f" Note: {measurement.reason}." if measurement.reason else ""))


def measure_cards(analysis: JumpAnalysis, columns: int = 3) -> None:
    """Every measured quantity of the session as a card, grouped; those not assessed are named once per reason
    under their group (a side view left eleven cards saying the same thing); measures the engine did not return
    are left out."""
    measurements = analysis.session.measurements
    for group, keys in CARD_GROUPS:
        present_keys = [key for key in keys if key in measurements]
        if not present_keys:
            continue
        st.markdown(f"**{group}**")
        shown = [key for key in present_keys if measurements[key].status != "not_assessed"]
        for start in range(0, len(shown), columns):
            for column, key in zip(st.columns(columns), shown[start : start + columns], strict=False):
                with column:
                    card(key, measurements[key], analysis.track.model, analysis.video.duration_s)
        unread: dict[str, list[str]] = {}
        for key in present_keys:
            if key not in shown:
                reason = measurements[key].reason or "not measured in this clip"
                unread.setdefault(reason, []).append(jump_measure_name(key))
        for reason, names in unread.items():
            st.caption(f"Not assessed ({join_words(names)}): {reason}.")


def charts(analysis: JumpAnalysis) -> None:
    """A left-vs-right chart per measure over the jumps, in tabs."""
    tabs = st.tabs([title for _, title, _ in CHART_MEASURES])
    for tab, (stem, title, axis) in zip(tabs, CHART_MEASURES, strict=True):
        with tab:
            chart = left_right_chart(analysis.session.jumps, analysis.session.measurements, stem, title, axis)
            if chart is None:
                st.caption(f"{title}: no jump in this clip shows it (see the cards below for why).")
            else:
                st.altair_chart(chart, width="stretch")
    st.caption(CHART_READING)


def clip_caption(analysis: JumpAnalysis) -> str:
    """What the drawn clip shows, and the clip's facts (view, frame rate, length)."""
    video = analysis.video
    return (
        f"{present.view_text(analysis.view.view, analysis.view.confidence)} view · {video.fps:.0f} fps · "
        f"{video.duration_s:.1f} s · rings mark each foot's touchdown; the corner shows the latest jump's "
        "left (L) and right (R) values."
    )
