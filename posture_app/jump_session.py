"""The jump-rope check's memory in the browser session: each clip's analysis and annotated clip, cached.

A clip is known by the SHA-256 of its bytes; an analysis by that hash plus the settings that change
it (view, height in cm, landmarker variant), so a rerun of the page (any widget change) never
analyses the same clip again. Only the last few analyses are kept: each holds the whole pose track.

Every VIDEO-mode analysis loads the landmarker afresh (one per clip: the tracker's state belongs to
that clip's timeline, see :mod:`posture.video.tracking`); that costs ~0.1 s next to the tracking. It
runs in a child process (:mod:`posture.video.isolated`), so a decoder or landmarker crash on one
person's file refuses that clip instead of stopping the server every browser session shares.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from posture.errors import PostureError
from posture.jump import annotate_video, engine
from posture.jump.engine import JumpResult
from posture.video import isolated

ANALYSES_KEY = "jump_analyses"
CLIPS_KEY = "jump_annotated"
KEEP = 3
"""Analyses (and drawn clips) kept per browser session: the current clip and a couple to go back to."""

Progress = Callable[[int, int], None]
State = MutableMapping[Any, Any]
"""``st.session_state`` or any dict standing in for it."""


@dataclass(frozen=True)
class ClipInput:
    """An uploaded clip: its file name and bytes, known by the SHA-256 of the bytes."""

    name: str
    data: bytes
    sha256: str

    @classmethod
    def of(cls, name: str, data: bytes) -> ClipInput:
        return cls(name=name, data=data, sha256=hashlib.sha256(data).hexdigest())


AnalysisKey = tuple[str, str, float | None, str]


def analysis_key(clip: ClipInput, view: str, height_cm: float | None, model: str) -> AnalysisKey:
    """What an analysis depends on: the clip's hash, the view asked for, the height (cm) and the model."""
    return clip.sha256, view, None if height_cm is None else round(float(height_cm), 1), model


def _remember(state: State, store: str, key: AnalysisKey, value: object) -> None:
    kept: dict[AnalysisKey, object] = dict(state.get(store) or {})
    kept.pop(key, None)
    kept[key] = value
    state[store] = dict(list(kept.items())[-KEEP:])


def cached_analysis(state: State, key: AnalysisKey, name: str | None = None) -> JumpResult | None:
    """The cached analysis for ``key``, under the file name ``name`` when given.

    The key holds the bytes' hash, not the name: the same clip uploaded again under another name is not
    analysed again, but its report, JSON and save must carry the name it has now.
    """
    kept = state.get(ANALYSES_KEY) or {}
    found = kept.get(key)
    if not isinstance(found, (engine.JumpAnalysis, engine.JumpRefusal)):
        return None
    if name is not None and found.file != name:
        found = dataclasses.replace(found, file=name)
        # Stored renamed, so the next rerun finds this very object (its clip assessment already made).
        state[ANALYSES_KEY] = {**kept, key: found}
    return found


def analyse(
    state: State, clip: ClipInput, view: str, height_cm: float | None, model: str, progress: Progress | None = None
) -> JumpResult:
    """The clip's analysis: from the session when known, else measured now (``progress``: frames done, total)."""
    key = analysis_key(clip, view, height_cm, model)
    found = cached_analysis(state, key, clip.name)
    if found is not None:
        return found
    result: JumpResult
    try:
        result = isolated.run_in_child(
            engine.analyze_jump_video,
            clip.data,
            name=clip.name,
            view=view,
            height_cm=key[2],
            model=model,
            progress=progress,
        )
    except PostureError as crash:  # the child died; kept, so a rerun of the page does not crash it again
        result = engine.JumpRefusal(file=clip.name, error=crash)
    _remember(state, ANALYSES_KEY, key, result)
    return result


def annotated(state: State, clip: ClipInput, key: AnalysisKey, analysis: engine.JumpAnalysis) -> bytes:
    """The analysed clip drawn over (H.264 MP4 bytes), drawn once per analysis."""
    found = (state.get(CLIPS_KEY) or {}).get(key)
    if isinstance(found, bytes):
        return found
    drawn = annotate_video.annotated_clip(clip.data, analysis)
    _remember(state, CLIPS_KEY, key, drawn)
    return drawn
