"""Jump-rope check: a video of one person skipping in; the drawn clip, a left/right summary, charts per
measure over the jumps, measure cards, then the findings and plan (with the session's photos when the
person says they show the same person), the PDF, Markdown and JSON downloads, and "Save this session"
(posture_app/jump_save.py: the history) out (docs/jump-rope.md).
"""

from __future__ import annotations

import streamlit as st

from posture.jump.engine import JumpAnalysis, JumpRefusal, JumpResult
from posture.jump.session import VIEWS
from posture.video import isolated
from posture.video.tracking import VIDEO_DEFAULT_MODEL
from posture.wording_jump import warning_sentence
from posture_app import jump_assessment, jump_results, jump_save, jump_session, present
from posture_app.guards import guarded, guarded_callback
from posture_app.jump_session import ClipInput
from posture_app.person import Profile, person_sidebar

MODEL = VIDEO_DEFAULT_MODEL
UPLOAD_KEY = "jump_upload"
KEPT_CLIP_KEY = "jump_kept_clip"
VIDEO_TYPES = ["mp4", "mov", "webm", "avi", "m4v"]
VIEW_CHOICES = [present.AUTO_VIEW, *VIEWS]
PROGRESS_STEPS = 100
"""Progress-bar updates per clip at most: each is a message to the browser."""


def view_key(clip: ClipInput) -> str:
    """The view selector's key for this clip: the "view_" prefix keeps the choice while another page is open,
    and the clip's hash starts a new clip at "auto" (a view chosen for a back clip would refuse a front one)."""
    return f"view_jump_{clip.sha256[:16]}"


@guarded_callback("reading the clip")
def _on_upload_changed() -> None:
    """The person changed the uploader: its clip (none, if they removed it) is the clip now."""
    upload = st.session_state.get(UPLOAD_KEY)
    st.session_state[KEPT_CLIP_KEY] = None if upload is None else ClipInput.of(upload.name, upload.getvalue())


@guarded_callback("removing the clip")
def _on_forget_clip() -> None:
    st.session_state[KEPT_CLIP_KEY] = None


def uploaded_clip() -> ClipInput | None:
    """The uploader's clip; after a visit to another page (which empties the uploader) the one it held."""
    upload = st.file_uploader(
        "A video of one person skipping rope",
        type=VIDEO_TYPES,
        key=UPLOAD_KEY,
        on_change=_on_upload_changed,
        help="MP4, MOV, WebM, AVI or M4V as your phone saved it, up to 50 MB (about a minute of 1080p). "
        "On a phone, this button also offers the camera.",
    )
    if upload is not None:
        clip = ClipInput.of(upload.name, upload.getvalue())
        st.session_state[KEPT_CLIP_KEY] = clip
        return clip
    kept = st.session_state.get(KEPT_CLIP_KEY)
    if not isinstance(kept, ClipInput):
        return None
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.caption(
        f"Still here from earlier in this session: {present.plain(kept.name)}. A clip added above replaces it."
    )
    right.button("Remove this clip", key="forget_clip", on_click=_on_forget_clip)
    return kept


def analysed(clip: ClipInput, view: str, height_cm: float | None) -> JumpResult:
    """The clip's analysis, from the session cache or measured now with a frame-by-frame progress bar."""
    key = jump_session.analysis_key(clip, view, height_cm, MODEL)
    found = jump_session.cached_analysis(st.session_state, key, clip.name)
    if found is not None:
        return found
    with st.status("Analysing the clip...", expanded=True) as status:
        st.caption(
            "The clip gets its own tracker, which follows the body frame by frame in a separate process: "
            "a file the video reader or the pose model fails on cannot stop the app."
        )
        bar = st.progress(0.0, text="Opening the video")
        shown = [-1]

        def progress(done: int, total: int) -> None:
            fraction = min(1.0, done / total) if total > 0 else 0.0
            step = int(fraction * PROGRESS_STEPS)
            if step != shown[0]:
                shown[0] = step
                bar.progress(fraction, text=f"Tracking the body: frame {done} of {total}")

        result = jump_session.analyse(st.session_state, clip, view, height_cm, MODEL, progress)
        bar.progress(1.0, text="Done")
        status.update(
            label="Clip analysed" if result.ok else "The clip could not be measured",
            state="complete" if result.ok else "error",
            expanded=False,
        )
    return result


def results(clip: ClipInput, analysis: JumpAnalysis, view: str, profile: Profile) -> None:
    st.header("Your jump-rope session")
    for warning in analysis.session.warnings:
        st.warning(warning_sentence(warning), icon=":material/info:")
    jump_results.short_clip_note(analysis)
    with guarded("the summary"):
        jump_results.symmetry_summary(analysis)
    clip_column, chart_column = st.columns([2, 3])
    with clip_column, guarded("the drawn clip"):
        key = jump_session.analysis_key(clip, view, profile.person.height_cm, MODEL)
        with st.spinner("Drawing the skeleton on the clip..."):
            drawn = jump_session.annotated(st.session_state, clip, key, analysis)
        st.video(drawn, format="video/mp4")
        st.caption(jump_results.clip_caption(analysis))
    with chart_column, guarded("the charts"):
        jump_results.charts(analysis)
    st.header("Each measure")
    with guarded("the measure cards"):
        jump_results.measure_cards(analysis)
    jump_assessment.section(clip.name, analysis, profile)
    with guarded("saving the session"):
        jump_save.save_section(analysis, profile, clip.data)


def check(profile: Profile) -> None:
    clip = uploaded_clip()
    jump_results.filming_guide(expanded=clip is None)
    if clip is None:
        st.info(
            "Add a clip of one person skipping with both feet, filmed from the front with the phone standing "
            "still. Analysing takes a few times the clip's length (every frame is tracked).",
            icon=":material/upload:",
        )
        return
    view = str(
        st.selectbox(
            "View",
            VIEW_CHOICES,
            key=view_key(clip),
            format_func=lambda choice: present.VIEW_CHOICE_LABELS[choice],
            help="The side of the body facing the camera. Change it only if it was detected "
            "wrongly: the clip is analysed again with that view.",
        )
    )
    result = analysed(clip, view, profile.person.height_cm)
    if isinstance(result, JumpRefusal):
        jump_results.refusal_box(result)
        return
    results(clip, result, view, profile)


def render() -> None:
    # The analyses' fork server imports the engine in the background while the person picks a clip (posture/
    # video/isolated.py), so the first clip does not wait ~9 s for it.
    isolated.child_context()
    profile = person_sidebar()
    with st.sidebar:
        st.header("Privacy")
        st.caption("Clips are analysed on this computer, in memory, and are not uploaded anywhere.")
    with guarded("the jump-rope check"):
        check(profile)


if __name__ == "__main__":
    render()
