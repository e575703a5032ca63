"""The posture checker's Streamlit app: photos in, measures, findings and a corrective plan out.

Run with ``streamlit run app.py`` (settings in ``.streamlit/config.toml``: localhost only, no usage
statistics, 50 MB uploads). The page only calls the ``posture`` library and presents its results.

Where things happen
    * Photos are analysed in memory; analyses are cached in the browser session by (SHA-256 of the
      bytes, view, height, model), so reruns that change nothing do not analyse again.
    * The pose model is loaded once per process (``st.cache_resource``).
    * Nothing is written to disk unless the person presses "Save": then the assessment goes to
      the SQLite history (``POSTURE_DATA_DIR`` or the user's data directory).
    * No traceback reaches the page: each section runs inside :func:`guarded`, which logs the
      exception to the server log and shows an apology; per-photo failures are contained too.
      ``client.showErrorDetails = "none"`` backs this up.
    * Text the person types (label, notes) is shown through Markdown escaping or plain-text
      widgets, never as HTML.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
from collections.abc import Callable, Iterator, Sequence

import cv2
import numpy as np
import pandas as pd
import streamlit as st
from streamlit_image_coordinates import streamlit_image_coordinates

from posture import report
from posture.analysis import MAX_HEIGHT_CM, MIN_HEIGHT_CM, PhotoAnalysis
from posture.annotate import LAYERS, downscaled, draw, encode_jpeg
from posture.assessment import Assessment, Finding, Plan, assess, join_words
from posture.catalog import load_catalog, measure_unit
from posture.history import (
    UNCHANGED_TOLERANCE,
    HistoryError,
    HistoryStore,
    compare_records,
    default_database_path,
)
from posture.imaging import FILE_SUFFIXES
from posture.landmarks import landmarker_pool
from posture.measures import SPECS, VIEWS
from posture_app import present, session
from posture_app.guide import GUIDE_STEPS, guide_png, page_icon
from posture_app.session import PhotoInput, Unexpected

LOG = logging.getLogger("posture_app")

MODEL = "heavy"
DISPLAY_MAX_PX = 900
THUMBNAIL_MAX_PX = 480
VIEW_CHOICES = ["auto", *VIEWS]
LAYER_LABELS = {"skeleton": "Skeleton", "plumb": "Plumb line", "measures": "Measure lines", "labels": "Labels"}
# The landmarks the measures are built on, as a person would name them.
LANDMARK_CHOICES = [
    "left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_knee",
    "right_knee", "left_ankle", "right_ankle", "left_heel", "right_heel", "left_foot_index", "right_foot_index",
    "nose", "left_eye", "right_eye", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
]
SEX_CHOICES = ["not given", "female", "male", "other"]
ANSWERS_KEY = "answers"
SAVED_KEY = "_saved_id"
CONFIRM_DELETE_KEY = "_confirm_delete"
CONFIRM_DELETE_ALL_KEY = "_confirm_delete_all"
HISTORY_NOTICE_KEY = "_history_notice"


# --------------------------------------------------------------------------------------------------
# Guards and small helpers
# --------------------------------------------------------------------------------------------------


def apologise(where: str) -> None:
    st.error(f"**{present.UNEXPECTED_TITLE}** ({present.plain(where)}). {present.UNEXPECTED_MESSAGE}",
             icon=":material/sentiment_dissatisfied:")


@contextlib.contextmanager
def guarded(where: str) -> Iterator[None]:
    """Run a part of the page; an unexpected exception is logged (server side) and replaced by an apology.

    Streamlit's own control flow (st.rerun, st.stop) derives from BaseException and passes through.
    """
    try:
        yield
    except Exception:
        LOG.exception("unexpected error in %s", where)
        apologise(where)


CALLBACK_FAILURES_KEY = "_callback_failures"


def guarded_callback(where: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The same guard for widget callbacks, which Streamlit runs before the page: a failure is logged and
    remembered, and :func:`main` apologises for it at the top of the page."""
    def decorate(callback: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(callback)
        def run_guarded(*args, **kwargs) -> None:
            try:
                callback(*args, **kwargs)
            except Exception:
                LOG.exception("unexpected error in %s", where)
                st.session_state[CALLBACK_FAILURES_KEY] = [*st.session_state.get(CALLBACK_FAILURES_KEY, []), where]
        return run_guarded
    return decorate


@st.cache_resource(show_spinner="Loading the pose model (once)...")
def pose_model(model: str):
    """The landmarker pool, created and warmed once per process."""
    pool = landmarker_pool(model)
    pool.warm()
    return pool


def jpeg_of(rgb: np.ndarray, max_side: int, quality: int = 85) -> bytes:
    return encode_jpeg(downscaled(rgb, max_side), quality)


def history_store() -> HistoryStore:
    """The history at its default path, read from the environment now (tests set POSTURE_DATA_DIR)."""
    return HistoryStore(default_database_path())


def safe_download(render: Callable[[], bytes | str], what: str) -> Callable[[], bytes | str]:
    """A deferred download whose failure is logged and downloads an apology instead of breaking the page."""
    def produce():
        try:
            return render()
        except Exception:
            LOG.exception("unexpected error producing the %s", what)
            return f"Sorry, the {what} could not be produced. The details are in the app's log.\n"
    return produce


# --------------------------------------------------------------------------------------------------
# Sidebar: the person and the overlay
# --------------------------------------------------------------------------------------------------


def sidebar() -> tuple[dict, tuple[str, ...]]:
    with st.sidebar:
        st.header("About you (optional)")
        label = st.text_input("Name or label", key="person_label", max_chars=80,
                              help="Shown on the report and in the history. Stays on this computer.")
        height = st.number_input("Height (cm)", min_value=MIN_HEIGHT_CM, max_value=MAX_HEIGHT_CM, value=None, step=1.0,
                                 key="height_cm", help="Turns pixels into centimetres. Without it an average "
                                 "adult height is assumed and distances are marked as estimates.")
        sex = st.selectbox("Sex", SEX_CHOICES, key="sex")
        age = st.number_input("Age (years)", min_value=5, max_value=110, value=None, step=1, key="age")
        st.caption("Sex and age are kept with a saved assessment for your records; the normal ranges shown "
                   "do not depend on them.")
        st.header("Overlay")
        layers = tuple(layer for layer in LAYERS
                       if st.checkbox(LAYER_LABELS[layer], value=True, key=f"layer_{layer}"))
        st.header("Privacy")
        st.caption("Photos are analysed on this computer, in memory, and are not uploaded anywhere. "
                   "Nothing is stored unless you press 'Save to history'.")
    profile = {"label": label.strip(), "height_cm": height, "sex": None if sex == "not given" else sex,
               "age": None if age is None else int(age)}
    return profile, layers


# --------------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------------


def photo_guide(expanded: bool) -> None:
    with st.expander("How to take a usable photo", expanded=expanded, icon=":material/photo_camera:"):
        left, right = st.columns([3, 2])
        left.image(guide_png(), caption="Side view of the set-up", width="stretch")
        right.markdown("\n".join(f"- {step}" for step in GUIDE_STEPS))


def collect_photos() -> list[PhotoInput]:
    uploads = st.file_uploader(
        "Photos of one person standing (front, back, left and/or right side)", type=list(FILE_SUFFIXES),
        accept_multiple_files=True, key="uploads",
        help="JPEG, PNG, WebP, BMP, TIFF or HEIC, up to 50 MB each. Several at once is fine.",
    ) or []
    photos = [PhotoInput.of(upload.name, upload.getvalue()) for upload in uploads]
    if st.toggle("Take a webcam snapshot", key="use_webcam",
                 help="Put the camera at hip height 2.5-4 m away, start the timer... or ask someone to click."):
        snapshot = st.camera_input("Webcam snapshot", key="webcam", resolution="1080p")
        if snapshot is not None:
            photos.append(PhotoInput.of("webcam snapshot.jpg", snapshot.getvalue()))
    photos, repeats = session.unique_photos(photos)
    if repeats:
        skipped = present.count_text(len(repeats), "repeated photo")
        st.caption(f"Skipped {skipped}: {present.plain(join_words(repeats))}.")
    return photos


def view_choice(photo: PhotoInput) -> str:
    return st.session_state.get(f"view_{photo.short_id}", "auto")


def analyse_all(photos: Sequence[PhotoInput], height_cm: float | None) -> dict[str, PhotoAnalysis | Unexpected]:
    """Every photo's analysis for its chosen view, analysing only what is not cached, with progress."""
    state = st.session_state
    keys = {photo.id: session.analysis_key(photo, view_choice(photo), height_cm, MODEL) for photo in photos}
    todo = [photo for photo in photos if session.cached_analysis(state, keys[photo.id]) is None]
    if todo:
        pose_model(MODEL)
        with st.status(f"Analysing {present.count_text(len(todo), 'photo')}...", expanded=True) as status:
            bar = st.progress(0.0)
            for done, photo in enumerate(todo, start=1):
                name = present.plain(photo.name)
                bar.progress((done - 0.5) / len(todo), text=f"{name}: finding the body landmarks")
                session.analyse(state, photo, view_choice(photo), height_cm, MODEL)
                bar.progress(done / len(todo), text=f"{name}: done")
            status.update(label=f"Analysed {present.count_text(len(todo), 'photo')}", state="complete", expanded=False)
    session.prune(state, keys.values())
    return {photo.id: session.cached_analysis(state, keys[photo.id]) for photo in photos}


# --------------------------------------------------------------------------------------------------
# One photo: image, view, measure cards, landmark correction
# --------------------------------------------------------------------------------------------------


def show_error(analysis) -> None:
    if isinstance(analysis, Unexpected) or analysis.error is None:
        apologise(f"analysing {analysis.image}")
        return
    code = analysis.error.code
    st.error(f"**{present.error_heading(code)}**\n\n{analysis.error.message}\n\n"
             f"*What to do next:* {present.error_next_step(code)}", icon=":material/error:")


def measure_cards(analysis: PhotoAnalysis, columns: int = 2) -> None:
    keys = [key for key in SPECS if key in analysis.measurements or key in analysis.not_assessed]
    for start in range(0, len(keys), columns):
        for column, key in zip(st.columns(columns), keys[start:start + columns], strict=False):
            with column, st.container(border=True):
                measurement = analysis.measurements.get(key)
                if measurement is None:
                    st.metric(report.measure_name(key), "not assessed", help=present.measure_help(key))
                    st.caption(f"Why: {analysis.not_assessed[key]}")
                    continue
                value = present.format_value(measurement.value, measurement.unit, signed=present.signed(key))
                st.metric(report.measure_name(key), value, help=present.measure_help(key, measurement))
                st.badge(present.STATUS_LABELS[measurement.status], color=present.STATUS_COLOURS[measurement.status])
                st.caption(present.measure_caption(measurement))


def display_image(analysis: PhotoAnalysis, layers: tuple[str, ...], ring: str | None = None) -> np.ndarray:
    """The annotated photo at display size, with a ring around the landmark being corrected."""
    image = draw(analysis, layers=layers, max_side_px=DISPLAY_MAX_PX)
    if ring and ring in analysis.landmarks_px:
        factor = image.shape[1] / analysis.photo.original_size[0]
        x, y, _ = analysis.landmarks_px[ring]
        centre = (int(round(x * factor)), int(round(y * factor)))
        radius = max(8, image.shape[0] // 60)
        image = image.copy()
        cv2.circle(image, centre, radius, (0, 0, 0), 4, cv2.LINE_AA)
        cv2.circle(image, centre, radius, (255, 235, 0), 2, cv2.LINE_AA)
    return image


@guarded_callback("moving a landmark")
def _on_click(photo_id: str, component_key: str, landmark_key: str, width: int, height: int) -> None:
    """Callback of the clickable image: move the chosen landmark to the clicked point (full-resolution px)."""
    click = st.session_state.get(component_key)
    landmark = st.session_state.get(landmark_key)
    if not click or not landmark or not click.get("width") or not click.get("height"):
        return
    x = float(click["x"]) * width / float(click["width"])
    y = float(click["y"]) * height / float(click["height"])
    session.move_landmark(st.session_state, photo_id, landmark, x, y)


@guarded_callback("moving a landmark")
def _on_typed_move(photo_id: str, landmark_key: str, x_key: str, y_key: str) -> None:
    landmark = st.session_state.get(landmark_key)
    x, y = st.session_state.get(x_key), st.session_state.get(y_key)
    if landmark and x is not None and y is not None:
        session.move_landmark(st.session_state, photo_id, landmark, x, y)


@guarded_callback("resetting the landmarks")
def _on_reset(photo_id: str) -> None:
    session.reset_moves(st.session_state, photo_id)


def landmark_corrector(photo: PhotoInput, analysis: PhotoAnalysis, layers: tuple[str, ...]) -> None:
    """Choose a landmark, then click its true position on the photo (or type it); reset puts all back."""
    sid = photo.short_id
    landmark_key = f"landmark_{sid}"
    landmark = st.selectbox("Landmark to move", LANDMARK_CHOICES, key=landmark_key,
                            format_func=lambda name: name.replace("_", " "))
    width, height = analysis.photo.original_size
    image = display_image(analysis, layers, ring=landmark)
    st.caption("The yellow ring shows where the landmark is now. Click where it really is.")
    component_key = f"click_{sid}"
    streamlit_image_coordinates(image, key=component_key, use_column_width="always", cursor="crosshair",
                                image_format="JPEG", jpeg_quality=85,
                                on_click=lambda: _on_click(photo.id, component_key, landmark_key, width, height))
    x, y, _ = analysis.landmarks_px.get(landmark, (width / 2, height / 2, 0))
    x, y = float(np.clip(round(x), 0, width)), float(np.clip(round(y), 0, height))
    with st.form(f"typed_move_{sid}", border=False):
        st.caption(f"Or type its position in pixels of the original photo ({width} x {height} px):")
        left, right = st.columns(2)
        x_key, y_key = f"move_x_{sid}_{landmark}", f"move_y_{sid}_{landmark}"
        left.number_input("x (px from the left)", min_value=0.0, max_value=float(width), value=x,
                          step=1.0, key=x_key)
        right.number_input("y (px from the top)", min_value=0.0, max_value=float(height), value=y,
                           step=1.0, key=y_key)
        st.form_submit_button("Move landmark", key=f"move_{sid}", on_click=_on_typed_move,
                              args=(photo.id, landmark_key, x_key, y_key))


def photo_section(photo: PhotoInput, base: PhotoAnalysis | Unexpected, height_cm: float | None,
                  layers: tuple[str, ...]) -> PhotoAnalysis | Unexpected:
    """One photo's results; returns its analysis after any landmark corrections."""
    sid = photo.short_id
    state = st.session_state
    moves = session.moves_of(state, photo.id)
    key = session.analysis_key(photo, view_choice(photo), height_cm, MODEL)
    analysis = session.corrected(state, key, base, moves) if isinstance(base, PhotoAnalysis) else base
    with st.container(border=True):
        st.subheader(present.plain(photo.name))
        detected = ""
        if isinstance(base, PhotoAnalysis) and base.ok:
            detected = f": detected {present.view_text(base.view, base.view_confidence)}"
        image_column, result_column = st.columns([5, 6])
        with result_column:
            st.selectbox(f"View{detected}", VIEW_CHOICES, key=f"view_{sid}",
                         format_func=lambda view: present.VIEW_LABELS[view],
                         help="The side of the body facing the camera. Change it if it was detected wrongly: "
                              "the photo is analysed again with that view.")
            if moves:
                moved = join_words([name.replace("_", " ") for name in moves])
                st.info(f"You moved {present.count_text(len(moves), 'landmark')}: {moved}.", icon=":material/pan_tool:")
                st.button("Reset landmarks", key=f"reset_{sid}", on_click=_on_reset, args=(photo.id,))
            if not analysis.ok:
                show_error(analysis)
                return analysis
            for warning in analysis.warnings:
                st.warning(warning.message, icon=":material/info:")
            roll = analysis.photo.camera_roll_deg if analysis.photo is not None else None
            if roll is not None and not any(warning.code == "camera_off_level" for warning in analysis.warnings):
                st.caption(present.level_text(roll))
            measure_cards(analysis)
        with image_column:
            correcting = st.toggle("Correct a landmark", key=f"correct_{sid}",
                                   help="If a point of the skeleton is clearly in the wrong place, move it: "
                                        "the measures, findings and plan update.")
            if correcting:
                landmark_corrector(photo, analysis, layers)
            else:
                st.image(encode_jpeg(display_image(analysis, layers), 85),
                         caption=f"{present.plain(photo.name)}: {present.view_text(analysis.view)}", width="stretch")
    return analysis


def measure_definitions() -> None:
    with st.expander("What the measures mean (definitions, units, normal ranges, sources)"):
        rows = [{"Measure": report.measure_name(key), "Unit": spec.unit,
                 "Normal": present.format_range(spec.normal, spec.unit),
                 "Borderline": present.format_range(spec.borderline, spec.unit),
                 "Views": ", ".join(spec.views), "Definition": spec.definition, "Source": spec.source}
                for key, spec in SPECS.items()]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        st.caption(present.CONFIDENCE_MEANING + " 'Estimate' marks a value inferred rather than landmarked, "
                   "or a distance resting on an assumed height.")


# --------------------------------------------------------------------------------------------------
# Findings, questionnaire, stage, plan
# --------------------------------------------------------------------------------------------------


def finding_card(finding: Finding) -> None:
    with st.container(border=True):
        title, badge = st.columns([5, 1])
        title.markdown(f"**{finding.name}**")
        with badge:
            st.badge(present.LIKELIHOOD_LABELS[finding.likelihood],
                     color=present.LIKELIHOOD_COLOURS[finding.likelihood])
        habits = f", habits +{finding.score - finding.photo_score}" if finding.score != finding.photo_score else ""
        st.caption(f"Score {finding.score}/100 (photos {finding.photo_score}{habits}) · "
                   f"{finding.coverage:.0%} of its photo signs could be read")
        if finding.evidence:
            st.markdown("Signs in your photos **commonly associated with** this pattern:\n"
                        + "\n".join(f"- {present.evidence_line(item)}" for item in finding.evidence))
        elif finding.likelihood == "not_assessed":
            st.markdown("None of its signs could be read from these photos.")
        else:
            st.markdown("None of its photo signs passed their thresholds.")
        if finding.checked:
            st.caption("Checked and within the usual range: "
                       + join_words([report.measure_name(key) for key in finding.checked]) + ".")
        for key, reason in finding.not_assessed.items():
            st.caption(f"Not assessed: {report.measure_name(key)}: {reason}.")
        if finding.missing_views_note:
            st.caption(finding.missing_views_note)
        if finding.note:
            st.info(finding.note, icon=":material/help:")
        with st.expander("About this pattern"):
            st.markdown(finding.explanation)
            if finding.muscles_tight:
                st.markdown(f"Commonly described as tight: {join_words(finding.muscles_tight)}.")
            if finding.muscles_weak:
                st.markdown(f"Commonly described as weak: {join_words(finding.muscles_weak)}.")
            st.caption(finding.caveat)


def findings_section(assessment: Assessment) -> None:
    st.header("What the photos point to")
    st.caption("Each pattern below is ranked by how strongly the posture signs in your photos (and your answers) "
               "are commonly associated with it. These are associations to check, not diagnoses.")
    shown = [finding for finding in assessment.findings if finding.likelihood in ("likely", "possible")]
    others = [finding for finding in assessment.findings if finding not in shown]
    if not shown:
        st.success("None of the five patterns stands out in these photos.", icon=":material/check_circle:")
    for finding in shown:
        finding_card(finding)
    if others:
        names = join_words([f"{f.name} ({present.LIKELIHOOD_LABELS[f.likelihood].lower()})" for f in others])
        with st.expander(f"Other patterns checked: {len(others)}"):
            st.caption(names)
            for finding in others:
                finding_card(finding)
    for note in assessment.notes:
        st.caption(note)


@guarded_callback("reading the answers")
def _on_answers(question_ids: Sequence[str]) -> None:
    answers = {}
    for question_id in question_ids:
        value = st.session_state.get(f"q_{question_id}")
        if value is not None:
            answers[question_id] = value
    st.session_state[ANSWERS_KEY] = answers


@guarded_callback("clearing the answers")
def _on_clear_answers(question_ids: Sequence[str]) -> None:
    for question_id in question_ids:
        st.session_state[f"q_{question_id}"] = None
    st.session_state[ANSWERS_KEY] = {}


def questionnaire() -> None:
    catalog = load_catalog()
    ids = [question.id for question in catalog.questions]
    st.header("A few questions")
    st.caption("Optional. Training habits rank the patterns that look alike in photos; symptoms place you on the "
               "progression; warning signs decide whether a plan is safe to suggest. Nothing leaves this computer.")
    sections = (("habit", "Training habits"), ("symptom", "Symptoms"), ("red_flag", "Warning signs"))
    with st.form("questionnaire"):
        for category, heading in sections:
            st.markdown(f"**{heading}**")
            columns = st.columns(2)
            for number, question in enumerate(catalog.questions_in(category)):
                key = f"q_{question.id}"
                column = columns[number % 2]
                if question.kind == "number":
                    column.number_input(f"{question.text} ({question.unit})" if question.unit else question.text,
                                    min_value=float(question.minimum), max_value=float(question.maximum),
                                    value=None, step=1.0, key=key, placeholder="not answered")
                elif question.kind == "yesno":
                    column.selectbox(question.text, [None, True, False], key=key,
                                 format_func=lambda v: {None: "Not answered", True: "Yes", False: "No"}[v])
                else:
                    labels = {option.value: option.label for option in question.options}
                    column.selectbox(question.text, [None, *labels], key=key,
                                 format_func=lambda v, labels=labels: "Not answered" if v is None else labels[v])
        submit, clear = st.columns(2)
        with submit:
            st.form_submit_button("Update the assessment", type="primary", key="answers_submit", on_click=_on_answers,
                                  args=(ids,))
        with clear:
            st.form_submit_button("Clear answers", key="answers_clear", on_click=_on_clear_answers, args=(ids,))


def stage_section(assessment: Assessment) -> None:
    st.header("Stage")
    stages = load_catalog().stages
    if assessment.stage is None:
        names = ", ".join(stage.name.lower() for stage in stages)
        st.caption(f"Answer the symptom questions to see where you are on the {len(stages)}-stage progression "
                   f"({names}). A photo cannot tell this.")
        return
    stage = assessment.stage
    st.markdown(f"**Stage {stage.number} of {len(stages)}: {stage.name}**. {stage.description}")
    if assessment.advice and not assessment.red_flags:
        st.info(assessment.advice)


def plan_section(plan: Plan) -> None:
    st.header("Your corrective plan")
    st.caption(f"About {plan.total_minutes} minutes, in this order: strengthen, then the rope, then mobility. "
               f"{plan.rationale}")
    if plan.note:
        st.info(plan.note)
    names = load_catalog().imbalance_names
    for block in plan.blocks:
        if not block.items:
            continue
        st.subheader(present.BLOCK_TITLES.get(block.block, block.block))
        for item in block.items:
            with st.container(border=True):
                st.markdown(f"**{item.name}**: {item.dose}, {item.per_week}x a week, about {item.minutes} min")
                st.markdown(item.how_to)
                if item.serves:
                    st.caption("For: " + join_words([names.get(i, i) for i in item.serves]))
                if item.phases:
                    st.dataframe(pd.DataFrame([{"Phase": p.name, "Rope": p.rope, "Dose": p.dose, "Goal": p.goal}
                                               for p in item.phases]), hide_index=True, width="stretch")
                if item.watch:
                    st.markdown("What to watch while skipping:\n" + "\n".join(
                        f"- {w.what}: {w.suggests}" for w in item.watch))
    if plan.deferred:
        st.caption("Did not fit this session (rotate them in later): "
                   + join_words([item.name for item in plan.deferred]) + ".")


def red_flag_section(assessment: Assessment) -> None:
    st.header("See a clinician first")
    st.error("\n".join(f"- {flag}" for flag in assessment.red_flags) + f"\n\n{assessment.advice}",
             icon=":material/medical_services:")


# --------------------------------------------------------------------------------------------------
# Report downloads and saving
# --------------------------------------------------------------------------------------------------


def downloads(assessment: Assessment, profile: dict) -> None:
    st.header("Report")
    label = profile["label"] or "Posture check"
    pdf, markdown, data = st.columns(3)
    with pdf:
        st.download_button("Download PDF", safe_download(lambda: report.render_pdf(assessment, person_label=label),
                                                         "PDF report"),
                           file_name="posture-report.pdf", mime="application/pdf", on_click="ignore", key="dl_pdf")
    with markdown:
        st.download_button("Download Markdown", safe_download(
            lambda: report.render_markdown(assessment, person_label=label), "Markdown report"),
            file_name="posture-report.md", mime="text/markdown", on_click="ignore", key="dl_md")
    with data:
        st.download_button("Download JSON", safe_download(
            lambda: json.dumps(report.contract_json(assessment), indent=2, ensure_ascii=False), "JSON data"),
            file_name="posture-report.json", mime="application/json", on_click="ignore", key="dl_json")
    st.caption(assessment.disclaimer)


def history_record(assessment: Assessment, profile: dict, note: str) -> tuple[dict, list[bytes], list[bytes]]:
    """What a save stores: the record (measured photos only), their thumbnails and annotated thumbnails."""
    entries = report.contract_json(assessment)
    record = assessment.to_dict()
    photos, thumbnails, annotated = [], [], []
    for analysis, entry in zip(assessment.photos, entries, strict=True):
        if not analysis.ok or analysis.photo is None:
            continue
        photos.append(entry)
        thumbnails.append(jpeg_of(analysis.photo.rgb, THUMBNAIL_MAX_PX, 80))
        annotated.append(encode_jpeg(draw(analysis, layers=LAYERS, max_side_px=THUMBNAIL_MAX_PX), 80))
    record["photos"] = photos
    record["answers"] = dict(st.session_state.get(ANSWERS_KEY, {}))
    record["person"] = {"height_cm": profile["height_cm"], "sex": profile["sex"], "age": profile["age"],
                        "note": note}
    return record, thumbnails, annotated


def fingerprint(assessment: Assessment, profile: dict) -> str:
    """Identifies what a save would store, so "Saved as #n" is only shown while it is still true."""
    content = json.dumps([assessment.to_dict(), profile, st.session_state.get(ANSWERS_KEY)], sort_keys=True,
                         default=str)
    return hashlib.sha256(content.encode()).hexdigest()


def save_section(assessment: Assessment, profile: dict) -> None:
    st.header("Save to history")
    st.caption(f"Saved only on this computer, in {present.plain(default_database_path())}. Nothing is written "
               "unless you press Save.")
    note = st.text_area("Notes (optional)", key="save_note", max_chars=2000)
    current = None
    if st.button("Save to history", type="primary", key="save"):
        record, thumbnails, annotated = history_record(assessment, profile, note.strip())
        try:
            saved = history_store().save(record, thumbnails, label=profile["label"], annotated_thumbnails=annotated)
        except HistoryError as error:
            LOG.warning("saving failed: %s", error)
            st.error(f"**The assessment was not saved.** {present.plain(error)}. Nothing was changed in the "
                     "history file; move it away or set POSTURE_DATA_DIR to another folder and try again.")
            return
        current = fingerprint(assessment, profile)
        st.session_state[SAVED_KEY] = (saved, current)
    saved = st.session_state.get(SAVED_KEY)
    if saved and saved[1] == (current or fingerprint(assessment, profile)):
        st.success(f"Saved as assessment #{saved[0]}. Open the History tab to compare it with earlier ones.")


# --------------------------------------------------------------------------------------------------
# The check page
# --------------------------------------------------------------------------------------------------


def check_page(profile: dict, layers: tuple[str, ...]) -> None:
    photos = collect_photos()
    photo_guide(expanded=not photos)
    if not photos:
        st.info("Add one or more photos of one person standing, or take a webcam snapshot. A side photo and a front "
                "photo together cover most measures.", icon=":material/upload:")
        return
    bases = analyse_all(photos, profile["height_cm"])
    st.header("Your photos")
    analyses: list[PhotoAnalysis] = []
    for photo in photos:
        result = None
        with guarded(f"showing {photo.name}"):
            result = photo_section(photo, bases[photo.id], profile["height_cm"], layers)
        if isinstance(result, PhotoAnalysis):
            analyses.append(result)
    measure_definitions()
    if not any(analysis.ok for analysis in analyses):
        st.warning("None of the photos could be measured yet. Follow the hints above and add another photo.",
                   icon=":material/photo_camera:")
        return
    assessment = assess(analyses, st.session_state.get(ANSWERS_KEY) or None)
    with guarded("the findings"):
        findings_section(assessment)
    with guarded("the questionnaire"):
        questionnaire()
    with guarded("the stage and plan"):
        stage_section(assessment)
        if assessment.red_flags:
            red_flag_section(assessment)
        else:
            plan_section(assessment.plan)
    with guarded("the report downloads"):
        downloads(assessment, profile)
    with guarded("saving"):
        save_section(assessment, profile)


# --------------------------------------------------------------------------------------------------
# The history page
# --------------------------------------------------------------------------------------------------


def when(moment) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def summary_text(summary) -> str:
    """One line naming a saved assessment (plain text: used in selectboxes, never as Markdown)."""
    label = f" · {summary.label}" if summary.label else ""
    return f"#{summary.id} · {when(summary.taken_at)}{label} · {', '.join(summary.views) or 'no photo'}"


def saved_photos(saved, annotated: bool = True) -> None:
    images = [a if annotated and a else t for t, a in zip(saved.thumbnails, saved.annotated_thumbnails
                                                           or [None] * len(saved.thumbnails), strict=False)]
    views = [photo.get("view") or "photo" for photo in saved.record.get("photos", [])]
    if not images:
        st.caption("No photos were saved with this assessment.")
        return
    for column, image, view in zip(st.columns(len(images)), images, views + [""] * len(images), strict=False):
        column.image(image, caption=view, width="stretch")


def saved_measures_table(saved) -> pd.DataFrame:
    rows = []
    for photo in saved.record.get("photos", []):
        for key, measurement in (photo.get("measurements") or {}).items():
            unit = measurement.get("unit", measure_unit(key))
            rows.append({"View": photo.get("view"), "Measure": report.measure_name(key),
                         "Value": present.format_value(measurement.get("value"), unit, signed=present.signed(key)),
                         "Normal": present.format_range(measurement.get("normal_range"), unit),
                         "Status": present.STATUS_LABELS.get(measurement.get("status"), "–"),
                         "Confidence": present.confidence_text(measurement.get("confidence") or 0)})
    return pd.DataFrame(rows)


@guarded_callback("deleting an assessment")
def _ask_delete(assessment_id: int) -> None:
    st.session_state[CONFIRM_DELETE_KEY] = assessment_id


@guarded_callback("cancelling a deletion")
def _cancel_delete() -> None:
    st.session_state[CONFIRM_DELETE_KEY] = None
    st.session_state[CONFIRM_DELETE_ALL_KEY] = False


@guarded_callback("deleting an assessment")
def _delete(assessment_id: int) -> None:
    deleted = history_store().delete(assessment_id)
    st.session_state[CONFIRM_DELETE_KEY] = None
    st.session_state[HISTORY_NOTICE_KEY] = (f"Deleted assessment #{assessment_id}." if deleted
                                            else f"Assessment #{assessment_id} was already gone.")
    if (st.session_state.get(SAVED_KEY) or (None,))[0] == assessment_id:
        st.session_state[SAVED_KEY] = None


@guarded_callback("deleting the history")
def _ask_delete_all() -> None:
    st.session_state[CONFIRM_DELETE_ALL_KEY] = True


@guarded_callback("deleting the history")
def _delete_all() -> None:
    count = history_store().delete_all()
    st.session_state[CONFIRM_DELETE_ALL_KEY] = False
    st.session_state[SAVED_KEY] = None
    st.session_state[HISTORY_NOTICE_KEY] = f"Deleted all {present.count_text(count, 'saved assessment')}."


def open_saved(store: HistoryStore, summaries) -> None:
    st.subheader("Open a saved assessment")
    by_id = {summary.id: summary for summary in summaries}
    chosen = st.selectbox("Assessment", list(by_id), key="history_open", format_func=lambda i: summary_text(by_id[i]))
    saved = store.get(chosen)
    if saved.label:
        st.markdown(f"**{present.plain(saved.label)}**, {when(saved.taken_at)}")
    note = (saved.record.get("person") or {}).get("note")
    if note:
        st.text(f"Notes: {note}")
    saved_photos(saved)
    findings = [f for f in saved.record.get("findings", []) if f.get("likelihood") in ("likely", "possible")]
    if findings:
        st.markdown("Patterns then: " + join_words(
            [f"{present.plain(f.get('name', f.get('imbalance')))} ({f.get('likelihood')})" for f in findings]))
    table = saved_measures_table(saved)
    if not table.empty:
        st.dataframe(table, hide_index=True, width="stretch")
    if st.session_state.get(CONFIRM_DELETE_KEY) == chosen:
        st.warning(f"Delete assessment #{chosen} and its photos from this computer? This cannot be undone.")
        yes, no = st.columns(2)
        yes.button("Yes, delete it", type="primary", key="delete_confirm", on_click=_delete, args=(chosen,))
        no.button("Cancel", key="delete_cancel", on_click=_cancel_delete)
    else:
        st.button(f"Delete assessment #{chosen}...", key="delete_ask", on_click=_ask_delete, args=(chosen,))


def compare_saved(store: HistoryStore, summaries) -> None:
    st.subheader("Compare two assessments")
    if len(summaries) < 2:
        st.caption("Save at least two assessments to compare them.")
        return
    by_id = {summary.id: summary for summary in summaries}
    ids = list(by_id)  # newest first
    before_column, after_column = st.columns(2)
    before = before_column.selectbox("Before", ids, index=1, key="compare_before",
                                     format_func=lambda i: summary_text(by_id[i]))
    after = after_column.selectbox("After", ids, index=0, key="compare_after",
                                   format_func=lambda i: summary_text(by_id[i]))
    if before == after:
        st.caption("Choose two different assessments.")
        return
    saved_before, saved_after = store.get(before), store.get(after)
    for column, saved in ((before_column, saved_before), (after_column, saved_after)):
        with column:
            saved_photos(saved)
    rows = [{"Measure": report.measure_name(delta.key), "View": delta.view,
             "Before": present.format_value(delta.before, delta.unit, signed=present.signed(delta.key)),
             "After": present.format_value(delta.after, delta.unit, signed=present.signed(delta.key)),
             "Change": present.format_value(delta.delta, delta.unit, signed=True),
             "Direction": present.direction_text(delta.direction),
             "Normal": present.format_range(delta.normal_range, delta.unit)}
            for delta in compare_records(saved_before.record, saved_after.record)]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        floors = " or ".join(present.format_value(tolerance, unit) for unit, tolerance in UNCHANGED_TOLERANCE.items())
        st.caption("Improved = moved toward or into the normal range; worsened = away from it; a change smaller "
                   f"than the measure's typical error (at least {floors}) counts as unchanged, since one "
                   "photo can be off by that much.")
    else:
        st.caption("These two assessments have no measure in common.")


def trend_chart(store: HistoryStore) -> None:
    st.subheader("Trend")
    left, right = st.columns(2)
    key = left.selectbox("Measure", list(SPECS), key="trend_measure", format_func=report.measure_name)
    view = right.selectbox("View", [None, *VIEWS], key="trend_view",
                           format_func=lambda v: "all views" if v is None else present.VIEW_LABELS[v])
    points = store.trend(key, view)
    if not points:
        st.caption(f"No saved value of {report.measure_name(key)} yet.")
        return
    spec = SPECS[key]
    frame = pd.DataFrame({"taken": [p.taken_at.astimezone().replace(tzinfo=None) for p in points],
                          report.measure_name(key): [p.value for p in points]})
    low, high = spec.normal
    if low is not None:
        frame["normal from"] = low
    if high is not None:
        frame["normal to"] = high
    st.line_chart(frame, x="taken", y_label=f"{report.measure_name(key)} ({spec.unit})", x_label="")
    st.caption(f"{spec.definition} Normal {present.format_range(spec.normal, spec.unit)} ({spec.source}).")


def manage_history(store: HistoryStore) -> None:
    st.subheader("Export or delete everything")
    export, delete_all = st.columns(2)
    with export:
        st.download_button("Export everything (zip)", safe_download(store.export_bytes, "history export"),
                           file_name="posture-history.zip", mime="application/zip", on_click="ignore",
                           key="history_export")
    with delete_all:
        if st.session_state.get(CONFIRM_DELETE_ALL_KEY):
            st.warning("Delete every saved assessment and photo from this computer? This cannot be undone.")
            st.button("Yes, delete everything", type="primary", key="delete_all_confirm", on_click=_delete_all)
            st.button("Cancel", key="delete_all_cancel", on_click=_cancel_delete)
        else:
            st.button("Delete all...", key="delete_all_ask", on_click=_ask_delete_all)


def history_page() -> None:
    st.header("History")
    notice = st.session_state.pop(HISTORY_NOTICE_KEY, None)
    if notice:
        st.success(notice)
    store = history_store()
    try:
        summaries = store.list()
    except HistoryError as error:
        LOG.warning("history unavailable: %s", error)
        st.error(f"**The history file cannot be opened.** {present.plain(error)}. Move the file away or set "
                 "POSTURE_DATA_DIR to another folder; your other work is not affected.")
        return
    st.caption(f"Stored on this computer only: {present.plain(default_database_path())}")
    if not summaries:
        st.info("Nothing saved yet. After a check, press 'Save to history' to keep it here.")
        return
    names = load_catalog().imbalance_names
    st.dataframe(pd.DataFrame([{"#": s.id, "When": when(s.taken_at), "Label": s.label, "Views": ", ".join(s.views),
                                "Top patterns": "; ".join(names.get(i, i) for i in s.headline_findings)}
                               for s in summaries]), hide_index=True, width="stretch")
    with guarded("opening a saved assessment"):
        open_saved(store, summaries)
    with guarded("comparing assessments"):
        compare_saved(store, summaries)
    with guarded("the trend chart"):
        trend_chart(store)
    with guarded("exporting or deleting the history"):
        manage_history(store)


# --------------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------------


def main() -> None:
    st.title("Posture checker")
    for where in st.session_state.pop(CALLBACK_FAILURES_KEY, []):
        apologise(where)
    st.caption("Photos of a standing person → body landmarks → posture measures → patterns commonly associated "
               "with them → a corrective plan. An educational screening, not a diagnosis.")
    profile, layers = sidebar()
    check, history = st.tabs(["Check posture", "History"])
    with check, guarded("the posture check"):
        check_page(profile, layers)
    with history, guarded("the history"):
        history_page()


def run() -> None:
    st.set_page_config(page_title="Posture checker", page_icon=page_icon(), layout="wide")
    try:
        main()
    except Exception:
        LOG.exception("unexpected error")
        apologise("the page")


if __name__ == "__main__":
    run()
