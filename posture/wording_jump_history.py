"""Every word a person reads about saved jump-rope sessions over time, beside :mod:`posture.wording_jump`:
uneven sides in a few words, how an asymmetry changed between two sessions, and which asymmetries persist.

Free of numpy and Streamlit, like the other wording modules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from posture.wording import join_words, jump_measure_name

__all__ = [
    "JUMP_CHANGE_EXPLANATION",
    "JUMP_CHANGE_LABELS",
    "NO_SESSION_STILL",
    "PERSISTENT_RULE",
    "SESSION_STILL_CAPTION",
    "asymmetry_phrase",
    "jump_change_label",
    "persistent_sentence",
]

# What the person's side means for each left-right measure ("{side}" is left or right; + = left).
_SIDE_PHRASES: Mapping[str, str] = {
    "landing_depth_diff_cm": "{side} lands heavier",
    "foot_clearance_si_pct": "{side} foot lifts higher",
    "landing_lead_ms": "{side} foot lands first",
    "hand_circle_si_pct": "{side} hand turns wider",
    "hand_phase_lead_ms": "{side} hand turns ahead",
    "hand_height_diff_cm": "{side} hand held higher",
    "hand_spread_diff_cm": "{side} elbow flares out",
    "lateral_shift_cm": "hips sit toward the {side}",
    "trunk_lateral_lean_deg": "trunk leans to the {side}",
    "trunk_twist_deg": "trunk twists with each jump",
}
JUMP_CHANGE_LABELS: Mapping[str, str] = {
    "shrank": "↘ asymmetry shrank",
    "grew": "↗ asymmetry grew",
    "switched side": "⇄ switched side",
    "no clear change": "= no clear change",
    "different view": "different view (not compared)",
    "n/a": "—",
}
JUMP_CHANGE_EXPLANATION = (
    "An asymmetry shrank or grew only when the two sessions' 95 % bands do not overlap; where they overlap the "
    "two values cannot be told apart, so it reads 'no clear change'. Sessions filmed from different views are "
    "shown side by side but not compared, as for photos: each view sees the body with different errors."
)
PERSISTENT_RULE = (
    "An asymmetry is called persistent only when it is judged uneven on the same side in two or more saved "
    "sessions; one uneven session may be a bad day."
)
SESSION_STILL_CAPTION = "Mid-clip, with the skeleton the analysis followed"
NO_SESSION_STILL = "No still of the clip was kept with this session (sessions saved before stills were kept have none)."


def asymmetry_phrase(key: str, side: str) -> str:
    """An uneven left-right measure in a few words: "right hand turns ahead"."""
    phrase = _SIDE_PHRASES.get(key)
    if phrase is None:
        return f"{jump_measure_name(key)} ({side})" if side else jump_measure_name(key)
    return phrase.format(side=side)


def jump_change_label(direction: str) -> str:
    return JUMP_CHANGE_LABELS.get(direction, direction)


def persistent_sentence(key: str, side: str, session_ids: Sequence[int]) -> str:
    """One persistent asymmetry: what it is and in which saved sessions it showed."""
    where = join_words([f"#{session_id}" for session_id in session_ids])
    phrase = asymmetry_phrase(key, side)
    return f"{phrase[0].upper()}{phrase[1:]}: uneven in {len(session_ids)} saved sessions ({where})."
