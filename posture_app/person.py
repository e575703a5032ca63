"""The person's details in the sidebar (label, height, sex, age): entered once, used by every check page."""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from posture.analysis import MAX_HEIGHT_CM, MIN_HEIGHT_CM
from posture.history.record import Person

SEX_CHOICES = ["not given", "female", "male", "other"]


@dataclass(frozen=True)
class Profile:
    """The person as they described themselves: the label the history lists them under, and what a save
    stores about them (height in cm, sex, age in years; all optional)."""

    label: str = ""
    person: Person = field(default_factory=Person)


def person_sidebar() -> Profile:
    """Draw "About you (optional)" in the sidebar; the values are kept across pages (session.KEPT_WIDGETS)."""
    with st.sidebar:
        st.header("About you (optional)")
        label = st.text_input(
            "Name or label",
            key="person_label",
            max_chars=80,
            help="Shown on the report and in the history. Stays on this computer.",
        )
        height = st.number_input(
            "Height (cm)",
            min_value=MIN_HEIGHT_CM,
            max_value=MAX_HEIGHT_CM,
            value=None,
            step=1.0,
            key="height_cm",
            help="Turns pixels into centimetres. Without it an average "
            "adult height is assumed and distances are marked as estimates.",
        )
        sex = st.selectbox("Sex", SEX_CHOICES, key="sex")
        age = st.number_input("Age (years)", min_value=5, max_value=110, value=None, step=1, key="age")
        st.caption(
            "Sex and age are kept with a saved assessment for your records; the normal ranges shown "
            "do not depend on them."
        )
    person = Person(height_cm=height, sex=None if sex == "not given" else sex, age=None if age is None else int(age))
    return Profile(label=label.strip(), person=person)
