"""The jump page's findings, stage, plan and report downloads: the clip's evidence, with the photos this
browser session measured when the person says they show the same person, as ONE assessment.

Whether the photos join is the person's call, not the colour check's
(:mod:`posture.assessment.same_person`): that check compares photos taken together, in the same
clothes and light, and a jump-rope clip is often filmed on another day in other clothes, so it
would keep the same person apart. The photos still go through that check among themselves. The
questionnaire answers in effect (given on either page, which both ask them) always count: they are about
the person using the app, and a warning sign must stop the plan whichever evidence it is shown with.

Everything shown reuses the photo page's presentation (:mod:`posture_app.results`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import streamlit as st

from posture.jump.engine import JumpAnalysis
from posture.jump.findings import assess_with_jump
from posture.photo_result import MeasuredPhoto
from posture.wording import join_words, view_name
from posture_app import present, results, session
from posture_app.guards import guarded
from posture_app.person import Profile
from posture_app.session import ANSWERS_KEY

INCLUDE_PHOTOS_KEY = "jump_include_photos"
CLIP_WORDS = results.FindingWords(
    title="What the jump-rope clip points to",
    signs_in="your jump-rope clip",
    score_part="signs",
    coverage_of="its signs",
    read_from="this clip",
)
CLIP_AND_PHOTO_WORDS = results.FindingWords(
    title="What your photos and jump-rope clip point to",
    signs_in="your photos and jump-rope clip",
    score_part="signs",
    coverage_of="its signs",
    read_from="these photos and this clip",
)


def photos_text(photos: Sequence[MeasuredPhoto]) -> str:
    """The photos by name and view: "front.jpg (front) and left.jpg (left profile)"."""
    return join_words([f"{present.plain(photo.image)} ({view_name(photo.view)})" for photo in photos])


def included_line(photos: Sequence[MeasuredPhoto], answers: Mapping[str, object]) -> str:
    """Which evidence this assessment read: the clip, the photos named, the answers."""
    if photos:
        count = present.count_text(len(photos), "photo")
        line = f"This assessment combines the jump-rope clip with {count} from the photo check: {photos_text(photos)}."
    else:
        line = "This assessment reads the jump-rope clip alone."
    if answers:
        line += " Your answers to the questions below count too."
    return line


def stale_photos_line(kept: session.Measured, height_cm: float | None) -> str:
    """Why photos measured for another height are left out, and how to bring them in."""
    one = len(kept.photos) == 1
    subject = "The measured photo" if one else f"The {present.count_text(len(kept.photos), 'measured photo')}"
    it, its, are = ("it", "its", "is") if one else ("they", "their", "are")
    then = "without a height" if kept.height_cm is None else f"for a height of {kept.height_cm:g} cm"
    now = "no height is given now" if height_cm is None else f"the height is now {session.height_key(height_cm):g} cm"
    again = "it" if one else "them"
    return (
        f"{subject} from the photo check {are} left out: {it} {'was' if one else 'were'} measured {then} and "
        f"{now}, so {its} sizes in cm would not match. Open the Photo check page once: it measures {again} again "
        f"{'without a height' if height_cm is None else 'with this height'}, and {it} can then join this assessment."
    )


def chosen_photos(available: Sequence[MeasuredPhoto]) -> list[MeasuredPhoto]:
    """The session's measured photos when the person says they show the clip's skipper; none otherwise."""
    if not available:
        st.caption(
            "Measured photos of the same person (on the Photo check page) would join this assessment: "
            "the profiles add the signs a clip cannot show."
        )
        return []
    count = present.count_text(len(available), "measured photo")
    shows = "it shows" if len(available) == 1 else "they show"
    include = st.toggle(
        f"Include the {count} from the photo check: {shows} the same person as this clip",
        key=INCLUDE_PHOTOS_KEY,
        help="The app cannot tell this for you: it compares clothing colours between photos taken together, "
        "and a clip filmed on another day in other clothes would look like someone else. Turn this on only "
        "when the photos and the clip show the same person.",
    )
    if not include:
        st.caption(f"Measured on the photo check: {photos_text(available)}.")
        return []
    return list(available)


def section(clip_name: str, analysis: JumpAnalysis, profile: Profile) -> None:
    """Findings, stage and plan from the clip (and the chosen photos), then the report downloads."""
    st.header("Findings and plan")
    kept = session.measured(st.session_state)
    photos: list[MeasuredPhoto] = []
    if kept is not None and kept.photos and kept.height_cm != session.height_key(profile.person.height_cm):
        # Combined, photos measured for another height would mix two scales in one set of cm values.
        st.caption(stale_photos_line(kept, profile.person.height_cm))
    else:
        photos = chosen_photos([] if kept is None else kept.photos)
    answers = st.session_state.get(ANSWERS_KEY) or {}
    assessment = assess_with_jump(photos, analysis, answers or None)
    with guarded("the findings"):
        st.info(included_line(photos, answers), icon=":material/fact_check:")
        results.findings_section(assessment, CLIP_AND_PHOTO_WORDS if photos else CLIP_WORDS)
    # The same questions as on the photo page, answered once for both: without them here the page asked for
    # answers it did not offer and showed a plan no warning sign had been checked against.
    with guarded("the questionnaire"):
        results.questionnaire()
    with guarded("the stage and plan"):
        results.stage_and_plan(assessment)
    with guarded("the report downloads"):
        files = results.ReportFiles(stem=f"{Path(clip_name).stem}-jump", key_prefix="jump")
        results.downloads(assessment, profile, jump=analysis, files=files)
        st.caption(
            "The JSON file holds every number of this page for a coach's or a program's own use (the same as "
            "the command line's `posture jump --json`)."
        )
