"""The History page's jump-rope parts: list words, one saved session, two sessions compared, persistent
asymmetries and the chart over sessions. The judging is :mod:`posture.history.jump_sessions`; this draws it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from posture.history import (
    KIND_JUMP,
    JumpSessionRecord,
    PersistentAsymmetry,
    SavedAssessment,
    Summary,
    compare_jump_records,
    jump_trend,
    persistent_asymmetries,
)
from posture.history.jump_sessions import jump_count, left_right_measures, session_view
from posture.jump.summary import Measurement
from posture.measures import SIDE_VIEWS
from posture.wording import percent, view_name
from posture.wording_jump import jump_band, jump_measure_name, jump_status_label, jump_value, signed_measure
from posture.wording_jump_history import (
    JUMP_CHANGE_EXPLANATION,
    NO_SESSION_STILL,
    PERSISTENT_RULE,
    SESSION_STILL_CAPTION,
    asymmetry_phrase,
    jump_change_label,
    persistent_sentence,
)
from posture.wording_jump_summary import jump_symmetry_summary
from posture_app import present
from posture_app.jump_trend import jump_trend_chart

KIND_WORDS = {KIND_JUMP: "jump rope"}
COMPARE_COLUMN_WIDTHS_PX = {"Measure": 240, "Verdicts": 230, "Change": 210, "Persistent": 240}
STILL_WIDTH_PX = 200
"""Shown width of a session's still: a portrait clip's stays about as tall as the summary beside it."""


def kind_text(summary: Summary) -> str:
    return KIND_WORDS.get(summary.kind, "photos")


def summary_words(summary: Summary) -> str:
    """What a saved row is, in a few words: "jump rope, front view, 15 jumps" or the photos' views."""
    if summary.kind != KIND_JUMP:
        return ""
    view = f"{view_name(summary.views[0])} view" if summary.views else "unknown view"
    jumps = "" if summary.jump_count is None else f", {present.count_text(summary.jump_count, 'jump')}"
    return f"jump rope, {view}{jumps}"


def uneven_text(summary: Summary) -> str:
    """The list's headline for a jump session: its clearest uneven sides, or that none passed."""
    if not summary.asymmetries and summary.views and summary.views[0] in SIDE_VIEWS:
        # A profile shows one side of the body: "no uneven side" would read as an even athlete.
        return "not assessed (a side view shows no left-right difference)"
    if not summary.asymmetries:
        return "no clearly uneven side"
    return "; ".join(asymmetry_phrase(a.key, a.side) for a in summary.asymmetries)


def _measurement(raw: Mapping[str, Any]) -> Measurement:
    """A saved measurement dict as the engine's type, so the page's summary words read it unchanged."""
    band = raw.get("band")
    return Measurement(
        value=raw.get("value"),
        unit=str(raw.get("unit") or ""),
        band=None if not isinstance(band, list) or None in band else (float(band[0]), float(band[1])),
        status=str(raw.get("status") or "not_assessed"),
        confidence=float(raw.get("confidence") or 0.0),
        reason=raw.get("reason"),
        threshold=raw.get("threshold"),
    )


def _value_and_band(key: str, value: float | None, band: tuple[float, float] | None, unit: str) -> str:
    if value is None:
        return present.NO_VALUE
    shown = jump_value(value, unit, signed=signed_measure(key, unit))
    return f"{shown} ({jump_band(band, unit).removeprefix('95 % band ')})"


def _persistent_in(persistent: Sequence[PersistentAsymmetry], *session_ids: int) -> dict[str, str]:
    """Measure key -> the sentence of a persistent asymmetry that showed in one of ``session_ids``."""
    return {
        p.key: persistent_sentence(p.key, p.side, p.session_ids)
        for p in persistent
        if set(session_ids) & set(p.session_ids)
    }


def session_still(saved: SavedAssessment) -> None:
    """The still saved with a session (the drawn one where there is one), as photos show their thumbnails."""
    if not saved.thumbnails:
        st.caption(NO_SESSION_STILL)
        return
    drawn = saved.annotated_thumbnails[0] if saved.annotated_thumbnails else None
    st.image(drawn or saved.thumbnails[0], caption=SESSION_STILL_CAPTION, width=STILL_WIDTH_PX)


def saved_session(saved: SavedAssessment, sessions: Sequence[JumpSessionRecord]) -> None:
    """One saved jump-rope session: its still, what was filmed, the one-glance summary and every left-right
    measure."""
    record = saved.record
    video = record.get("video") or {}
    view = session_view(record)
    count = jump_count(record)
    still_column, summary_column = st.columns([1, 3])
    with still_column:
        session_still(saved)
    summary_column.markdown(
        f"**{present.plain(saved.label or 'Jump-rope session')}**, {saved.taken_at.astimezone():%Y-%m-%d %H:%M} · "
        f"{view_name(view) if view else 'unknown'} view · "
        f"{present.count_text(count, 'jump') if count is not None else 'jumps not counted'} · "
        f"{float(video.get('duration_s') or 0):.1f} s clip"
    )
    measurements = {key: _measurement(raw) for key, raw in (record.get("measurements") or {}).items()}
    with summary_column, st.container(border=True):
        for topic, sentence, sureness in jump_symmetry_summary(measurements):
            st.markdown(f"**{topic}**: {sentence}")
            if sureness:
                st.caption(sureness)
    persistent = _persistent_in(persistent_asymmetries(sessions), saved.id)
    rows = [
        {
            "Measure": jump_measure_name(key),
            "Value (95 % band)": _value_and_band(key, m.value, m.band, m.unit),
            "Verdict": jump_status_label(m.status, key),
            "Persistent": persistent.get(key, ""),
        }
        for key, m in measurements.items()
        if key in left_right_measures(record)
    ]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    else:
        st.caption("This view gives no left-right verdicts (film from the front or the back for them).")
    others = {key: m for key, m in measurements.items() if key not in left_right_measures(record)}
    # A coach re-reads the per-side sizes, the timing and the tiring trends of a saved session, not only its
    # left-right verdicts.
    with st.expander(f"Every other measure of this session ({len(others)})"):
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Measure": jump_measure_name(key),
                        "Value (95 % band)": _value_and_band(key, m.value, m.band, m.unit),
                        "Confidence": percent(m.confidence) if m.value is not None else present.NO_VALUE,
                        "Note": m.reason or "",
                    }
                    for key, m in others.items()
                ]
            ),
            hide_index=True,
            width="stretch",
        )


def compare_sessions(before: SavedAssessment, after: SavedAssessment, sessions: Sequence[JumpSessionRecord]) -> None:
    """Two saved sessions, each by its still: for each left-right measure, did its asymmetry clearly shrink or
    grow?"""
    for column, saved in zip(st.columns(2), (before, after), strict=True):
        with column:
            session_still(saved)
    persistent = _persistent_in(persistent_asymmetries(sessions), before.id, after.id)
    rows = [
        {
            "Measure": jump_measure_name(change.key),
            "View": "→".join(view_name(view) for view in change.view.split("→")),
            "Before (95 % band)": _value_and_band(change.key, change.before, change.before_band, change.unit),
            "After (95 % band)": _value_and_band(change.key, change.after, change.after_band, change.unit),
            "Verdicts": f"{jump_status_label(change.before_status, change.key)} → "
            f"{jump_status_label(change.after_status, change.key)}",
            "Change": jump_change_label(change.direction),
            "Persistent": persistent.get(change.key, ""),
        }
        for change in compare_jump_records(before.record, after.record)
    ]
    if not rows:
        st.caption("These two sessions have no left-right measure in common.")
        return
    # Wide enough for the longest words (a 1400 px page cut "= no clear change" to "= no clear chang"); a
    # narrow page scrolls the table sideways instead.
    wide = {
        column: st.column_config.TextColumn(column, width=COMPARE_COLUMN_WIDTHS_PX[column])
        for column in COMPARE_COLUMN_WIDTHS_PX
    }
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", column_config=wide)
    st.caption(f"{JUMP_CHANGE_EXPLANATION} {PERSISTENT_RULE}")


def persistence_section(sessions: Sequence[JumpSessionRecord]) -> None:
    """The asymmetries that showed on the same side in two or more saved jump-rope sessions."""
    if not sessions:
        return
    st.subheader("Persistent jump-rope asymmetries")
    persistent = persistent_asymmetries(sessions)
    if not persistent:
        st.caption(f"None so far, over {present.count_text(len(sessions), 'saved session')}. {PERSISTENT_RULE}")
        return
    for found in persistent:
        st.markdown(f"- {persistent_sentence(found.key, found.side, found.session_ids)}")
    st.caption(PERSISTENT_RULE)


def trend_section(sessions: Sequence[JumpSessionRecord]) -> None:
    """One left-right measure over the saved sessions, each with its 95 % band as an error bar."""
    if not sessions:
        return
    st.subheader("Jump-rope trend")
    keys = list(dict.fromkeys(key for s in sessions for key in left_right_measures(s.record)))
    if not keys:
        st.caption("No saved session has a left-right measure yet (side views give none).")
        return
    key = st.selectbox("Left-right measure", keys, key="jump_trend_measure", format_func=jump_measure_name)
    points = jump_trend(sessions, str(key))
    if not points:
        st.caption(f"No saved session measured {jump_measure_name(str(key))}.")
        return
    threshold = next(
        (left_right_measures(s.record)[key].get("threshold") for s in sessions if key in left_right_measures(s.record)),
        None,
    )
    st.altair_chart(jump_trend_chart(points, str(key), threshold), width="stretch")
    st.caption(
        "Each point is one saved session, its bar the session's 95 % band; the dashed lines are the threshold "
        "past which a difference counts as uneven, the solid line is even (zero). Each view is its own colour."
    )
