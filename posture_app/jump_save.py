"""The jump-rope page's "Save this session": the analysed clip kept in the local history, under a label.

What is saved is built by the library (:func:`posture.history.jump_record.save_jump_session`), the same
function ``posture jump --save`` uses. A save that fails says why and leaves the results on the page.
"""

from __future__ import annotations

import logging

import streamlit as st

from posture.history import HistoryError, HistoryStore, default_database_path
from posture.history.jump_record import jump_record_of, save_jump_session
from posture.history.record import fingerprint
from posture.jump.engine import JumpAnalysis
from posture_app import present
from posture_app.person import Profile
from posture_app.session import SAVED_KEY

LOG = logging.getLogger("posture_app")
JUMP_SAVED_KEY = "_jump_saved"
"""(session id, fingerprint) of the last jump-rope save, for "Saved as #n" while the page shows that session."""
LABEL_KEY = "jump_save_label"


def save_section(analysis: JumpAnalysis, profile: Profile, clip: bytes) -> None:
    """Save the session under the label typed here, else the sidebar's name (the photo history's person), with
    a still of ``clip`` (the video ``analysis`` measured) for the History to show it by."""
    st.header("Save this session")
    st.caption(
        f"Kept only on this computer, in {present.plain(default_database_path())}, beside your saved photo "
        "assessments: the measures, the per-jump values and one still from the middle of the clip, not the video. "
        "Nothing is written unless you press Save."
    )
    typed = st.text_input(
        "Label (optional)",
        key=LABEL_KEY,
        max_chars=80,
        placeholder=profile.label or "for example: before the four-week plan",
        help="Left empty, the session is saved under the name in the sidebar, like a photo assessment.",
    )
    label = typed.strip() or profile.label
    record = jump_record_of(analysis, person=profile.person)
    last_save = st.session_state.get(JUMP_SAVED_KEY)
    # Saving the very same session again would only add a second, identical row to the history.
    already_saved = bool(last_save) and last_save[1] == fingerprint(record, label)
    if st.button("Save this session", type="primary", key="jump_save", icon=":material/save:", disabled=already_saved):
        try:
            saved_id = save_jump_session(HistoryStore(), analysis, source=clip, label=label, person=profile.person)
        except (HistoryError, ValueError) as error:
            LOG.warning("saving a jump-rope session failed: %s", error)
            st.error(
                f"**The session was not saved.** {present.plain(error)}. Your results stay on this page and "
                f"nothing was changed in the history file; {present.save_failure_advice(error)}."
            )
            return
        st.session_state[JUMP_SAVED_KEY] = (saved_id, fingerprint(record, label))
        st.session_state[SAVED_KEY] = (saved_id, None)  # the History page opens on the newest save
        st.rerun()  # drawn again with the button off and the notice on
    if already_saved and last_save:
        st.success(f"Saved as session #{last_save[0]}. Open the History page to compare it with earlier sessions.")
