"""Photo check: photos in; per photo the annotated image, view, measure cards and landmark correction;
then findings, questionnaire, stage and plan, report downloads and saving."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit_image_coordinates import streamlit_image_coordinates

from posture import report
from posture.annotate import LAYERS, draw, draw_refusal, encode_jpeg
from posture.assessment import assess
from posture.landmarks import LandmarkerPool, landmarker_pool
from posture.measures import VIEWS
from posture.photo_result import MeasuredPhoto, PhotoResult, RefusedPhoto
from posture.pose import LANDMARK_NAMES
from posture.wording import join_words
from posture_app import present, results, session
from posture_app.cards import analysis_error, measure_cards, measure_definitions, person_cards, photo_guide
from posture_app.guards import guarded, guarded_callback
from posture_app.person import person_sidebar
from posture_app.photo_inputs import collect_photos
from posture_app.session import ANSWERS_KEY, PhotoInput, Unexpected

MODEL = "heavy"
DISPLAY_MAX_PX = 900
VIEW_CHOICES = [present.AUTO_VIEW, *VIEWS]
LAYER_LABELS = {"skeleton": "Skeleton", "plumb": "Plumb line", "measures": "Measure lines", "labels": "Labels"}
# Refusals decided on the body's points, which a misplaced landmark can cause (see movable_refusal).
LANDMARK_RESCUES = ("not_standing",)
# The landmarks a person may move, by body part in the order offered: the points the measures are built
# on (head to feet), then the others a person can point at. Each part is offered left, then right, as
# posture.pose.LANDMARK_NAMES lists them.
MOVABLE_PARTS = ("ear", "shoulder", "hip", "knee", "ankle", "heel", "foot_index", "nose", "eye", "elbow", "wrist")


def _body_part(landmark: str) -> str:
    return landmark.removeprefix("left_").removeprefix("right_")


LANDMARK_CHOICES = sorted(
    (name for name in LANDMARK_NAMES if _body_part(name) in MOVABLE_PARTS),
    key=lambda name: MOVABLE_PARTS.index(_body_part(name)),
)


@st.cache_resource(show_spinner="Loading the pose model (once)...")
def pose_model(model: str) -> LandmarkerPool:
    """The landmarker pool, created and warmed once per process."""
    pool = landmarker_pool(model)
    pool.warm()
    return pool


def overlay_sidebar() -> tuple[str, ...]:
    """The overlay layers chosen in the sidebar (all on at first), and the privacy note."""
    with st.sidebar:
        st.header("Overlay")
        for layer in LAYERS:  # on by default, set here so the kept value is never overridden by a default
            st.session_state.setdefault(f"layer_{layer}", True)
        layers = tuple(layer for layer in LAYERS if st.checkbox(LAYER_LABELS[layer], key=f"layer_{layer}"))
        st.header("Privacy")
        st.caption(
            "Photos are analysed on this computer, in memory, and are not uploaded anywhere. "
            "Nothing is stored unless you press 'Save to history'."
        )
    return layers


def view_choice(photo: PhotoInput) -> str:
    return str(st.session_state.get(f"view_{photo.short_id}", present.AUTO_VIEW))


def analyse_all(photos: Sequence[PhotoInput], height_cm: float | None) -> dict[str, PhotoResult | Unexpected]:
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
            refused = sum(not getattr(session.cached_analysis(state, keys[p.id]), "ok", False) for p in todo)
            # A file that could not be measured is said in the label (and turns it red when none could be).
            label = f"Analysed {present.count_text(len(todo), 'file')}" + (
                f", {refused} not measured" if refused else ""
            )
            status.update(label=label, state="error" if refused == len(todo) else "complete", expanded=False)
    session.prune(state, keys.values())
    analyses = {photo.id: session.cached_analysis(state, keys[photo.id], photo.name) for photo in photos}
    return {photo_id: analysis for photo_id, analysis in analyses.items() if analysis is not None}


# --- one photo: image, view, measure cards, landmark correction -----------------------------------------


@guarded_callback("moving a landmark")
def _on_click(photo_id: str, component_key: str, landmark_key: str, size_px: tuple[int, int]) -> None:
    """Callback of the clickable image: move the chosen landmark to the clicked point, typed fields too."""
    click = st.session_state.get(component_key)
    landmark = st.session_state.get(landmark_key)
    if click and landmark:
        session.move_by_click(st.session_state, photo_id, landmark, click, size_px)


@guarded_callback("moving a landmark")
def _on_typed_move(photo_id: str, landmark_key: str, x_key: str, y_key: str) -> None:
    landmark = st.session_state.get(landmark_key)
    x, y = st.session_state.get(x_key), st.session_state.get(y_key)
    if landmark and x is not None and y is not None:
        session.move_landmark(st.session_state, photo_id, landmark, x, y)


@guarded_callback("resetting the landmarks")
def _on_reset(photo_id: str) -> None:
    session.reset_moves(st.session_state, photo_id)


def landmark_corrector(photo: PhotoInput, analysis: PhotoResult, layers: tuple[str, ...]) -> None:
    """Choose a landmark, then click its true position on the photo (or type it); reset puts all back.

    ``analysis`` is a measured photo, or a refusal that kept its subject's pose (drawn without its
    caption band, so clicks map onto the photo)."""
    sid = photo.short_id
    landmark_key = f"landmark_{sid}"
    landmark = st.selectbox(
        "Landmark to move", LANDMARK_CHOICES, key=landmark_key, format_func=lambda name: name.replace("_", " ")
    )
    width, height = analysis.photo.original_size if analysis.photo is not None else (0, 0)
    if isinstance(analysis, MeasuredPhoto):
        image = draw(analysis, layers=layers, max_side_px=DISPLAY_MAX_PX, highlight=landmark)
    else:
        image = draw_refusal(analysis, max_side_px=DISPLAY_MAX_PX, highlight=landmark, caption=False)
    st.caption("The yellow ring shows where the landmark is now. Click where it really is.")
    component_key = f"click_{sid}"
    streamlit_image_coordinates(
        image,
        key=component_key,
        use_column_width="always",
        cursor="crosshair",
        image_format="JPEG",
        jpeg_quality=85,
        on_click=lambda: _on_click(photo.id, component_key, landmark_key, (width, height)),
    )
    x, y = analysis.pose.point(landmark) if analysis.pose is not None else (width / 2, height / 2)
    x_key, y_key = session.typed_position_keys(photo.id, landmark)
    # Set through the session state, not value=: a click writes these keys too (session.move_by_click),
    # and a widget given both a value and a state value would ignore one of them.
    st.session_state.setdefault(x_key, float(np.clip(round(x), 0, width)))
    st.session_state.setdefault(y_key, float(np.clip(round(y), 0, height)))
    with st.form(f"typed_move_{sid}", border=False):
        st.caption(f"Or type its position in pixels of the original photo ({width} x {height} px):")
        left, right = st.columns(2)
        left.number_input("x (px from the left)", min_value=0.0, max_value=float(width), step=1.0, key=x_key)
        right.number_input("y (px from the top)", min_value=0.0, max_value=float(height), step=1.0, key=y_key)
        st.form_submit_button(
            "Move landmark", key=f"move_{sid}", on_click=_on_typed_move, args=(photo.id, landmark_key, x_key, y_key)
        )


def movable_refusal(analysis: PhotoResult | Unexpected, moves: dict[str, tuple[float, float]]) -> bool:
    """Whether moving a landmark can honestly rescue a refused photo: the refusal kept its subject's pose
    and either judged the body's points (``not_standing``: a misplaced knee or ankle reads as a bent
    leg or a step) or came from the person's own moves. Framing refusals (cut off, too small, several
    people) depend on the photo, not on a point, and a contradicted view comes from the 3D pose."""
    return (
        isinstance(analysis, RefusedPhoto)
        and analysis.pose is not None
        and analysis.photo is not None
        and (analysis.error.code in LANDMARK_RESCUES or bool(moves))
    )


def refused_image(
    photo: PhotoInput, analysis: RefusedPhoto | Unexpected, layers: tuple[str, ...], movable: bool
) -> None:
    """What the engine saw on a refused photo: the person found and the reason; the landmark corrector
    where moving a point may rescue it."""
    if isinstance(analysis, Unexpected) or analysis.photo is None:
        return
    if movable and st.toggle(
        "Correct a landmark",
        key=f"correct_{photo.short_id}",
        help="If a point of the skeleton is clearly in the wrong place, move it: the photo is checked again.",
    ):
        landmark_corrector(photo, analysis, layers)
        return
    seen = "the skeleton shows who was found" if analysis.pose is not None or analysis.people else "nobody was found"
    st.image(
        encode_jpeg(draw_refusal(analysis, max_side_px=DISPLAY_MAX_PX), 85),
        caption=f"{present.plain(photo.name)}: not measured; {seen}",
        width="stretch",
    )


def photo_section(
    photo: PhotoInput, base: PhotoResult | Unexpected, height_cm: float | None, layers: tuple[str, ...]
) -> PhotoResult | Unexpected:
    """One photo's results; returns its analysis after any landmark corrections."""
    sid = photo.short_id
    state = st.session_state
    moves = session.moves_of(state, photo.id)
    key = session.analysis_key(photo, view_choice(photo), height_cm, MODEL)
    analysis = base if isinstance(base, Unexpected) else session.corrected(state, key, base, moves)
    movable = movable_refusal(analysis, moves)
    with st.container(border=True):
        st.subheader(present.plain(photo.name))
        detected = ""
        if isinstance(base, MeasuredPhoto):
            detected = f": detected {present.view_text(base.view, base.view_confidence)}"
        image_column, result_column = st.columns([5, 6])
        with result_column:
            st.selectbox(
                f"View{detected}",
                VIEW_CHOICES,
                key=f"view_{sid}",
                format_func=lambda view: present.VIEW_CHOICE_LABELS[view],
                help="The side of the body facing the camera. Change it if it was detected wrongly: "
                "the photo is analysed again with that view.",
            )
            if moves:
                moved = join_words([name.replace("_", " ") for name in moves])
                st.info(f"You moved {present.count_text(len(moves), 'landmark')}: {moved}.", icon=":material/pan_tool:")
                st.button("Reset landmarks", key=f"reset_{sid}", on_click=_on_reset, args=(photo.id,))
            if not isinstance(analysis, MeasuredPhoto):
                analysis_error(analysis, movable=movable)
        if not isinstance(analysis, MeasuredPhoto):
            with image_column:
                refused_image(photo, analysis, layers, movable)
            return analysis
        with result_column:
            for warning in analysis.warnings:
                st.warning(warning.message, icon=":material/info:")
            roll = analysis.photo.camera_roll_deg if analysis.photo is not None else None
            if roll is not None and not any(warning.code == "camera_off_level" for warning in analysis.warnings):
                st.caption(present.level_text(roll))
            measure_cards(analysis)
        with image_column:
            correcting = st.toggle(
                "Correct a landmark",
                key=f"correct_{sid}",
                help="If a point of the skeleton is clearly in the wrong place, move it: "
                "the measures, findings and plan update.",
            )
            if correcting:
                landmark_corrector(photo, analysis, layers)
            else:
                st.image(
                    encode_jpeg(draw(analysis, layers=layers, max_side_px=DISPLAY_MAX_PX), 85),
                    caption=f"{present.plain(photo.name)}: {present.view_text(analysis.view)}",
                    width="stretch",
                )
    return analysis


# --- the page --------------------------------------------------------------------------------------------


def check(layers: tuple[str, ...], height_cm: float | None) -> tuple[list[PhotoResult], DeltaGenerator]:
    """The photos and their per-photo results; returns the analyses that ran (measured or not) and the
    place above the photos where the person-level measures go."""
    photos = collect_photos()
    photo_guide(expanded=not photos)
    if not photos:
        st.info(
            "Add one or more photos of one person standing, or take a webcam snapshot. A front, a back and a "
            "side photo together give every measure, the tilts read from two views.",
            icon=":material/upload:",
        )
        return [], st.container()
    bases = analyse_all(photos, height_cm)
    together = st.container()  # filled once every photo (with its landmark corrections) is measured
    st.header("Your photos")
    analyses: list[PhotoResult] = []
    for photo in photos:
        result = None
        with guarded(f"showing {photo.name}"):
            result = photo_section(photo, bases[photo.id], height_cm, layers)
        if isinstance(result, (MeasuredPhoto, RefusedPhoto)):
            analyses.append(result)
    measure_definitions()
    if not any(analysis.ok for analysis in analyses):
        st.warning(
            "None of the photos could be measured yet. Follow the hints above and add another photo.",
            icon=":material/photo_camera:",
        )
        return [], together
    return analyses, together


def render() -> None:
    profile = person_sidebar()
    layers = overlay_sidebar()
    with guarded("the posture check"):
        analyses, together = check(layers, profile.person.height_cm)
        session.keep_measured(st.session_state, analyses, profile.person.height_cm)
        if not analyses:
            return
        assessment = assess(analyses, st.session_state.get(ANSWERS_KEY) or None)
        if sum(analysis.ok for analysis in analyses) > 1:
            with guarded("the measures of all photos together"), together:
                st.header(report.COMBINED_HEADING)
                # Said here, above the combined values, not only among the findings further down: a value
                # combined over two people describes neither.
                for warning in assessment.warnings:
                    st.warning(f"{warning.message} {report.COMBINED_DESPITE_WARNING}", icon=":material/group:")
                st.caption(report.COMBINED_NOTE)
                person_cards(assessment)
        with guarded("the findings"):
            results.findings_section(assessment)
        with guarded("the questionnaire"):
            results.questionnaire()
        with guarded("the stage and plan"):
            results.stage_and_plan(assessment)
        with guarded("the report downloads"):
            results.downloads(assessment, profile)
        with guarded("saving"):
            results.save_section(assessment, profile)


if __name__ == "__main__":
    render()
