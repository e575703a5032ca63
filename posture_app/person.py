"""The person's details in the sidebar (label, height, sex, age): entered once, used by every check page."""

from __future__ import annotations

import streamlit as st

from posture.analysis import MAX_HEIGHT_CM, MIN_HEIGHT_CM
from posture_app.saving import Profile

SEX_CHOICES = ["not given", "female", "male", "other"]


def person_sidebar() -> Profile:
    """Draw "About you (optional)" in the sidebar; the values are kept across pages (session.KEPT_WIDGETS)."""
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
    return Profile(label=label.strip(), height_cm=height, sex=None if sex == "not given" else sex,
                   age=None if age is None else int(age))
