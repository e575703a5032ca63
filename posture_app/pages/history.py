"""History: the saved photo assessments and jump-rope sessions; open one, compare two, follow a measure over
time, see persistent jump-rope asymmetries, export or delete (the jump-rope parts are in jump_history.py)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import pandas as pd
import streamlit as st

from posture.catalog import load_catalog, measure_unit
from posture.hand_moves import moved_landmarks, moved_measures
from posture.history import (
    KIND_JUMP,
    UNCHANGED_TOLERANCE,
    HistoryBusyError,
    HistoryError,
    HistoryStore,
    JumpSessionRecord,
    SavedAssessment,
    Summary,
    TrendPoint,
    compare_records,
    default_database_path,
)
from posture.measures import SPECS, VIEWS
from posture.vocabulary import Likelihood
from posture.wording import (
    format_value,
    join_words,
    likelihood_label,
    measure_name,
    moved_by_hand_text,
    moved_landmark_text,
    percent,
    status_label,
    view_name,
    views_text,
)
from posture_app import jump_history, present
from posture_app.guards import guarded, guarded_callback, safe_download
from posture_app.jump_save import JUMP_SAVED_KEY
from posture_app.session import SAVED_KEY
from posture_app.trend import trend_chart as trend_chart_of

LOG = logging.getLogger("posture_app")

OPEN_KEY = "history_open"
# The id of the last save the History page has already opened on: it opens on a new save once, then
# stays on what the person chooses.
OPENED_SAVE_KEY = "_history_opened_save"
CONFIRM_DELETE_KEY = "_confirm_delete"
CONFIRM_DELETE_ALL_KEY = "_confirm_delete_all"
HISTORY_NOTICE_KEY = "_history_notice"


def when(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def summary_text(summary: Summary) -> str:
    """One line naming a saved assessment (plain text: used in selectboxes, never as Markdown)."""
    label = f" · {summary.label}" if summary.label else ""
    what = jump_history.summary_words(summary) or views_text(summary.views) or "no photo"
    return f"#{summary.id} · {when(summary.taken_at)}{label} · {what}"


def saved_photos(saved: SavedAssessment, annotated: bool = True) -> None:
    """A saved assessment's thumbnails side by side (annotated ones where they were saved), captioned by view."""
    annotated_thumbnails = saved.annotated_thumbnails or [None] * len(saved.thumbnails)
    images = [a if annotated and a else t for t, a in zip(saved.thumbnails, annotated_thumbnails, strict=False)]
    views = [view_name(photo["view"]) if photo.get("view") else "photo" for photo in saved.record.get("photos", [])]
    if not images:
        st.caption("No photos were saved with this assessment.")
        return
    for column, image, view in zip(st.columns(len(images)), images, views + [""] * len(images), strict=False):
        column.image(image, caption=view, width="stretch")


def saved_measures_table(saved: SavedAssessment) -> pd.DataFrame:
    rows = []
    for photo in saved.record.get("photos", []):
        moved = moved_measures(photo)
        for key, measurement in (photo.get("measurements") or {}).items():
            unit = measurement.get("unit", measure_unit(key))
            status = measurement.get("status")
            rows.append(
                {
                    "View": view_name(photo.get("view")),
                    "Measure": measure_name(key),
                    "Value": present.measure_value_text(key, measurement.get("value"), unit),
                    "Normal": present.range_text(measurement.get("normal_range"), unit),
                    "Status": status_label(status) if status else present.NO_VALUE,
                    "Confidence": percent(measurement.get("confidence") or 0),
                    "Point placed": present.MOVED_BY_HAND if key in moved else "",
                }
            )
    return pd.DataFrame(rows)


def hand_moves_note(photo: dict[str, Any]) -> str | None:
    """What the person moved by hand on one saved photo, or None (and for records saved before this was kept)."""
    moves = [
        moved_landmark_text(
            str(entry.get("landmark", "a landmark")), float(entry.get("distance_px") or 0), entry.get("distance_cm")
        )
        for entry in moved_landmarks(photo)
    ]
    return f"{view_name(photo.get('view'))}: {moved_by_hand_text(moves)}" if moves else None


def just_saved(summaries: Sequence[Summary]) -> int | None:
    """The id of the assessment saved last in this session, if it is still in the history."""
    saved_id = (st.session_state.get(SAVED_KEY) or (None,))[0]
    return saved_id if any(summary.id == saved_id for summary in summaries) else None


@guarded_callback("deleting an assessment")
def _ask_delete(assessment_id: int) -> None:
    st.session_state[CONFIRM_DELETE_KEY] = assessment_id


@guarded_callback("cancelling a deletion")
def _cancel_delete() -> None:
    st.session_state[CONFIRM_DELETE_KEY] = None
    st.session_state[CONFIRM_DELETE_ALL_KEY] = False


@guarded_callback("deleting an assessment")
def _delete(assessment_id: int, what: str = "assessment") -> None:
    deleted = HistoryStore().delete(assessment_id)
    st.session_state[CONFIRM_DELETE_KEY] = None
    st.session_state[HISTORY_NOTICE_KEY] = (
        f"Deleted {what} #{assessment_id}." if deleted else f"{what.capitalize()} #{assessment_id} was already gone."
    )
    for key in (SAVED_KEY, JUMP_SAVED_KEY):  # the check pages' "Saved as #n" no longer holds
        if (st.session_state.get(key) or (None,))[0] == assessment_id:
            st.session_state[key] = None


@guarded_callback("deleting the history")
def _ask_delete_all() -> None:
    st.session_state[CONFIRM_DELETE_ALL_KEY] = True


@guarded_callback("deleting the history")
def _delete_all() -> None:
    count = HistoryStore().delete_all()
    st.session_state[CONFIRM_DELETE_ALL_KEY] = False
    st.session_state[SAVED_KEY] = st.session_state[JUMP_SAVED_KEY] = None
    st.session_state[HISTORY_NOTICE_KEY] = f"Deleted everything saved ({present.count_text(count, 'record')})."


def saved_assessment(saved: SavedAssessment) -> None:
    """One saved photo assessment: label, notes, photos, patterns, measures and what was moved by hand."""
    if saved.label:
        st.markdown(f"**{present.plain(saved.label)}**, {when(saved.taken_at)}")
    note = (saved.record.get("person") or {}).get("note")
    if note:
        st.text(f"Notes: {note}")
    saved_photos(saved)
    shown = (Likelihood.LIKELY, Likelihood.POSSIBLE)
    findings = [f for f in saved.record.get("findings", []) if f.get("likelihood") in shown]
    if findings:
        st.markdown(
            "Patterns then: "
            + join_words(
                [
                    f"{present.plain(f.get('name', f.get('imbalance')))} ({likelihood_label(f['likelihood'])})"
                    for f in findings
                ]
            )
        )
    table = saved_measures_table(saved)
    if not table.empty:
        st.dataframe(table, hide_index=True, width="stretch")
    for note in filter(None, map(hand_moves_note, saved.record.get("photos", []))):
        st.warning(note, icon=":material/pan_tool:")


def open_saved(store: HistoryStore, summaries: Sequence[Summary], sessions: Sequence[JumpSessionRecord]) -> None:
    st.subheader("Open a saved assessment or session")
    by_id = {summary.id: summary for summary in summaries}
    ids = list(by_id)
    new = just_saved(summaries)
    # Through the session state before the widget exists (a default index as well would make Streamlit warn):
    # a new save wins over the last choice once; otherwise the last save is the default when nothing is chosen.
    if new is not None and (st.session_state.get(OPENED_SAVE_KEY) != new or OPEN_KEY not in st.session_state):
        st.session_state[OPEN_KEY] = new
        st.session_state[OPENED_SAVE_KEY] = new
    chosen = st.selectbox("Assessment", ids, key=OPEN_KEY, format_func=lambda i: summary_text(by_id[i]))
    saved = store.get(chosen)
    if saved.kind == KIND_JUMP:
        jump_history.saved_session(saved, sessions)
    else:
        saved_assessment(saved)
    what = "jump-rope session" if saved.kind == KIND_JUMP else "assessment"
    if st.session_state.get(CONFIRM_DELETE_KEY) == chosen:
        photos = "" if saved.kind == KIND_JUMP else " and its photos"
        st.warning(f"Delete {what} #{chosen}{photos} from this computer? This cannot be undone.")
        yes, no = st.columns(2)
        yes.button("Yes, delete it", type="primary", key="delete_confirm", on_click=_delete, args=(chosen, what))
        no.button("Cancel", key="delete_cancel", on_click=_cancel_delete)
    else:
        st.button(f"Delete {what} #{chosen}...", key="delete_ask", on_click=_ask_delete, args=(chosen,))


def compare_saved(store: HistoryStore, summaries: Sequence[Summary], sessions: Sequence[JumpSessionRecord]) -> None:
    st.subheader("Compare two assessments")
    if len(summaries) < 2:
        st.caption("Save at least two assessments to compare them.")
        return
    by_id = {summary.id: summary for summary in summaries}
    ids = list(by_id)  # newest first
    before_column, after_column = st.columns(2)
    before = before_column.selectbox(
        "Before", ids, index=1, key="compare_before", format_func=lambda i: summary_text(by_id[i])
    )
    after = after_column.selectbox(
        "After", ids, index=0, key="compare_after", format_func=lambda i: summary_text(by_id[i])
    )
    if before == after:
        st.caption("Choose two different assessments.")
        return
    saved_before, saved_after = store.get(before), store.get(after)
    if saved_before.kind != saved_after.kind:
        st.caption("A photo assessment and a jump-rope session measure different things: choose two of one kind.")
        return
    if saved_after.kind == KIND_JUMP:
        jump_history.compare_sessions(saved_before, saved_after, sessions)
        return
    for column, saved in ((before_column, saved_before), (after_column, saved_after)):
        with column:
            saved_photos(saved)
    rows = [
        {
            "Measure": measure_name(delta.key),
            "View": view_name(delta.view),
            "Before": present.measure_value_text(delta.key, delta.before, delta.unit),
            "After": present.measure_value_text(delta.key, delta.after, delta.unit),
            "Change": present.value_text(delta.delta, delta.unit, signed=True),
            "Direction": present.direction_text(delta.direction),
            "Normal": present.range_text(delta.normal_range, delta.unit),
            "Point placed": present.hand_moved_text(delta.hand_moved),
        }
        for delta in compare_records(saved_before.record, saved_after.record)
    ]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        floors = " or ".join(format_value(tolerance, unit) for unit, tolerance in UNCHANGED_TOLERANCE.items())
        st.caption(
            "Improved = moved toward or into the normal range; worsened = away from it; a change smaller "
            f"than the measure's typical error (at least {floors}) counts as unchanged, since one "
            "photo can be off by that much. Values from different views (left and right profile, front "
            "and back) are shown side by side but not compared: each view places the points differently. "
            "'Moved by hand' marks a value that rests on a landmark someone moved, in that assessment."
        )
    else:
        st.caption("These two assessments have no measure in common.")


def trend_chart(store: HistoryStore) -> None:
    st.subheader("Trend")
    left, right = st.columns(2)
    key = left.selectbox("Measure", list(SPECS), key="trend_measure", format_func=measure_name)
    view = right.selectbox(
        "View", [None, *VIEWS], key="trend_view", format_func=lambda v: "all views" if v is None else view_name(v)
    )
    # cast: HistoryStore's method named `list` shadows the builtin in trend's annotation for type checkers
    points = cast("list[TrendPoint]", store.trend(key, view))
    if not points:
        st.caption(f"No saved value of {measure_name(key)} yet.")
        return
    spec = SPECS[key]
    st.altair_chart(trend_chart_of(points, spec), width="stretch")
    moved = " Hollow points rest on a landmark moved by hand." if any(p.hand_moved for p in points) else ""
    st.caption(
        f"{spec.definition} Normal {present.range_text(spec.normal, spec.unit)} (shaded; {spec.source}). "
        f"Each view is its own line: left and right profiles are not one series.{moved}"
    )


def manage_history(store: HistoryStore) -> None:
    st.subheader("Export or delete everything")
    export, delete_all = st.columns(2)
    with export:
        st.download_button(
            "Export everything (zip)",
            safe_download(store.export_bytes, "history export"),
            file_name="posture-history.zip",
            mime="application/zip",
            on_click="ignore",
            key="history_export",
        )
    with delete_all:
        if st.session_state.get(CONFIRM_DELETE_ALL_KEY):
            st.warning("Delete every saved assessment and photo from this computer? This cannot be undone.")
            st.button("Yes, delete everything", type="primary", key="delete_all_confirm", on_click=_delete_all)
            st.button("Cancel", key="delete_all_cancel", on_click=_cancel_delete)
        else:
            st.button("Delete all...", key="delete_all_ask", on_click=_ask_delete_all)


def history() -> None:
    st.header("History")
    notice = st.session_state.pop(HISTORY_NOTICE_KEY, None)
    if notice:
        st.success(notice)
    store = HistoryStore()
    try:
        summaries = store.list()
        # Every saved jump session, read once: opening, comparing and the charts all use them.
        sessions = store.jump_sessions() if any(s.kind == KIND_JUMP for s in summaries) else []
        pictures = store.first_thumbnails()
    except HistoryBusyError as error:
        LOG.warning("history busy: %s", error)
        # Not "move the file away": the file is fine, and a new empty history would look like everything was lost.
        st.warning(f"**The history is busy.** {present.plain(error)}. Reload this page in a moment.")
        return
    except HistoryError as error:
        LOG.warning("history unavailable: %s", error)
        st.error(
            f"**The history file cannot be opened.** {present.plain(error)}. Move the file away or set "
            "POSTURE_DATA_DIR to another folder; your other work is not affected."
        )
        return
    st.caption(f"Stored on this computer only: {present.plain(default_database_path())}")
    if not summaries:
        st.info(
            "Nothing saved yet. After a photo check press 'Save to history', after a jump-rope check "
            "'Save this session', to keep it here."
        )
        return
    names = load_catalog().imbalance_names
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Picture": present.list_picture(pictures.get(s.id)) or present.NO_LIST_PICTURE,
                    "#": s.id,
                    "When": when(s.taken_at),
                    "Label": s.label,
                    "What": jump_history.kind_text(s),
                    "Views": views_text(s.views),
                    "Jumps": "" if s.jump_count is None else str(s.jump_count),
                    "Top patterns": "; ".join(names.get(i, i) for i in s.headline_findings),
                    "Uneven sides": jump_history.uneven_text(s) if s.kind == KIND_JUMP else "",
                }
                for s in summaries
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={"Picture": st.column_config.ImageColumn("Picture", width="small")},
        row_height=present.LIST_PICTURE_HEIGHT_PX + 8,
    )
    with guarded("opening a saved assessment"):
        open_saved(store, summaries, sessions)
    with guarded("comparing assessments"):
        compare_saved(store, summaries, sessions)
    with guarded("the trend chart"):
        trend_chart(store)
    with guarded("the jump-rope sessions over time"):
        jump_history.persistence_section(sessions)
        jump_history.trend_section(sessions)
    with guarded("exporting or deleting the history"):
        manage_history(store)


def render() -> None:
    with guarded("the history"):
        history()


if __name__ == "__main__":
    render()
