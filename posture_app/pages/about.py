"""About / guide: what the app does and does not do, how to take a usable photo, what each measure means."""

from __future__ import annotations

import streamlit as st

from posture_app.cards import measure_table, photo_guide
from posture_app.guards import guarded
from posture_app.jump_results import filming_guide


def about() -> None:
    st.header("About this app")
    st.markdown(
        "The posture checker finds the body's landmarks in photos of a person standing, measures head, shoulder, "
        "trunk, pelvis and knee alignment from them, ranks the muscle-imbalance patterns those measures are "
        "commonly associated with, and suggests a short corrective session. A phone clip of rope skipping "
        "shows what a still photo cannot: which hand turns wider or earlier, which foot lands first, higher or "
        "heavier, how the trunk leans or twists, and which side tires first. It is an educational screening, "
        "not a diagnosis: pain, numbness or weakness belong with a clinician."
    )
    st.markdown(
        "- **Photo check**: add photos (front, back and/or side) or a 3-10 s clip of standing still, read the "
        "measures, correct a misplaced landmark, answer a few optional questions, download the report and "
        "save it.\n"
        "- **Jump-rope check**: add a 20-60 s clip of skipping filmed from the front or back, read each side's "
        "numbers with their noise bands and verdicts, download the report and save it.\n"
        "- **History**: the assessments and jump-rope sessions you saved on this computer; open one, compare "
        "two, follow a measure over time, export or delete them."
    )
    st.subheader("Your privacy")
    st.markdown(
        "Photos and clips are analysed in memory on this computer and sent nowhere. Nothing is written to disk "
        "until you press *Save to history*; the history is one file in your data folder (or in `POSTURE_DATA_DIR`) and "
        "the History page deletes any or all of it."
    )
    st.subheader("Taking the photos")
    photo_guide(expanded=True)
    st.subheader("Filming a jump-rope clip")
    filming_guide(expanded=True)
    st.subheader("The measures")
    measure_table()


def render() -> None:
    with guarded("the guide"):
        about()


if __name__ == "__main__":
    render()
