"""Blocks more than one page shows: the photo guide, a photo's measure cards or error box, the measure table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from posture.assessment import Assessment
from posture.measures import SPECS, typical_error
from posture.photo_result import MeasuredPhoto, RefusedPhoto
from posture.wording import measure_name, status_label, unit_symbol, views_text
from posture_app import present
from posture_app.guards import apologise
from posture_app.guide import GUIDE_STEPS, guide_png
from posture_app.session import Unexpected


def photo_guide(expanded: bool) -> None:
    with st.expander("How to take a usable photo", expanded=expanded, icon=":material/photo_camera:"):
        left, right = st.columns([3, 2])
        left.image(guide_png(), caption="Side view of the set-up", width="stretch")
        right.markdown("\n".join(f"- {step}" for step in GUIDE_STEPS))


# What a person can try on the photo itself when a refusal may come from a misplaced point.
MOVE_A_POINT = (
    "*Or, if a point of the skeleton is clearly off the body* (a knee, an ankle, a heel), turn on "
    "'Correct a landmark' beside the photo and move it there: the photo is checked again."
)


def analysis_error(analysis: RefusedPhoto | Unexpected, movable: bool = False) -> None:
    """Why a photo could not be measured and what to do next; an apology when the failure was unexpected.

    ``movable``: the refusal may come from a misplaced point, so moving it is offered too."""
    if isinstance(analysis, Unexpected):
        apologise(f"analysing {analysis.image}")
        return
    code, cause = analysis.error.code, analysis.error.cause
    rescue = f"\n\n{MOVE_A_POINT}" if movable else ""
    st.error(
        f"**{present.error_heading(code, cause)}**\n\n{analysis.error.message}\n\n"
        f"*What to do next:* {present.error_next_step(code, cause)}{rescue}",
        icon=":material/error:",
    )


def measure_cards(analysis: MeasuredPhoto, columns: int = 2) -> None:
    """One bordered card per measure: value, status badge, normal range, confidence; or why it is not assessed."""
    keys = [key for key in SPECS if key in analysis.measurements or key in analysis.not_assessed]
    moved = set(analysis.hand_moves.measures) if analysis.hand_moves else set()
    for start in range(0, len(keys), columns):
        for column, key in zip(st.columns(columns), keys[start : start + columns], strict=False):
            with column, st.container(border=True):
                measurement = analysis.measurements.get(key)
                if measurement is None:
                    st.metric(measure_name(key), "not assessed", help=present.measure_help(key))
                    st.caption(f"Why: {analysis.not_assessed[key]}")
                    continue
                value = present.measure_value_text(key, measurement.value, measurement.unit)
                error = typical_error(key, analysis.view)
                st.metric(measure_name(key), value, help=present.measure_help(key, measurement, error))
                st.badge(status_label(measurement.status), color=present.STATUS_COLOURS[measurement.status])
                st.caption(present.measure_caption(measurement, hand_moved=key in moved, view=analysis.view))


def person_cards(assessment: Assessment, columns: int = 2) -> None:
    """One card per measure for the whole person: the value combined over the photos first, each
    photo's own value under it."""
    measured = [photo for photo in assessment.photos if isinstance(photo, MeasuredPhoto)]
    keys = list(assessment.measurements)
    for start in range(0, len(keys), columns):
        for column, key in zip(st.columns(columns), keys[start : start + columns], strict=False):
            with column, st.container(border=True):
                person = assessment.measurements[key]
                measurement = person.measurement
                value = present.measure_value_text(key, measurement.value, measurement.unit)
                st.metric(measure_name(key), value, help=present.measure_help(key, measurement, person.typical_error))
                st.badge(status_label(measurement.status), color=present.STATUS_COLOURS[measurement.status])
                st.caption(present.combined_caption(person))
                per_photo = [
                    f"{present.plain(photo.image)} ({present.view_text(photo.view)}): "
                    + present.measure_value_text(key, photo.measurements[key].value, measurement.unit)
                    for photo in measured
                    if key in photo.measurements
                ]
                st.caption("Per photo: " + " · ".join(per_photo))


def measure_table() -> None:
    """Every measure's definition, unit, normal and borderline range, views and source, in one table."""
    rows = [
        {
            "Measure": measure_name(key),
            "Unit": unit_symbol(spec.unit).strip(),
            "Normal": present.range_text(spec.normal, spec.unit),
            "Borderline": present.borderline_zone_text(spec),
            "Views": views_text(spec.views),
            "Definition": spec.definition,
            "Source": spec.source,
        }
        for key, spec in SPECS.items()
    ]
    # A static table: its text wraps, where a data grid cut the definitions and sources off.
    st.table(pd.DataFrame(rows).set_index("Measure"))
    st.caption(
        present.CONFIDENCE_MEANING + " 'Estimate' marks a value inferred rather than landmarked, "
        "or a distance resting on an assumed height."
    )


def measure_definitions() -> None:
    with st.expander("What the measures mean (definitions, units, normal ranges, sources)"):
        measure_table()
