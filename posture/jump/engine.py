"""One jump-rope video in, a measured session or a refusal out: decode -> track -> view -> jumps.

:func:`analyze_jump_video` never raises for a bad video: every refusal comes back as a
:class:`JumpRefusal` with a typed error (stable code), so the CLI and the app handle one shape.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from posture.assessment import Assessment, findings_json
from posture.errors import PostureError
from posture.jump.findings import clip_assessment
from posture.jump.session import VIEWS, JumpSession, analyze_track
from posture.jump.summary import typical_errors
from posture.jump.turn import for_turned_body
from posture.video.track import PoseTrack, VideoInfo
from posture.video.tracking import VIDEO_DEFAULT_MODEL, track_video
from posture.views import ViewEstimate, view_from_yaw, world_yaw_deg

VideoSource = bytes | str | os.PathLike[str]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class JumpAnalysis:
    """A measured jump-rope clip: the clip as displayed, the person's track and the session."""

    file: str
    video: VideoInfo
    view: ViewEstimate
    height_cm: float | None
    session: JumpSession
    track: PoseTrack = field(repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return True

    @cached_property
    def clip_assessment(self) -> Assessment:
        """The assessment of the clip alone, made once: the catalog run behind ``to_dict``'s ``findings``.

        Cached on the instance (a frozen dataclass keeps no field for it; the session it reads never changes),
        because the app, the report and a save each ask for the dict."""
        return clip_assessment(self.session)

    def to_dict(self) -> dict[str, Any]:
        """The object of the JSON contract (docs/jump-rope.md, docs/design.md); a fresh dict on every call."""
        session = self.session.to_dict()
        return {
            "file": self.file,
            "ok": True,
            "view": self.view.view,
            "view_confidence": self.view.confidence,
            "video": self.video.to_dict(),
            **{key: value for key, value in session.items() if key != "view"},
            "findings": findings_json(self.clip_assessment),
            "error": None,
        }


@dataclass(frozen=True)
class JumpRefusal:
    """A clip that could not be measured, with the reason (stable code) and what is known of it."""

    file: str
    error: PostureError
    video: VideoInfo | None = None
    track: PoseTrack | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return False

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "ok": False, "error": self.error.to_dict()}


JumpResult = JumpAnalysis | JumpRefusal


def middle_seen_frame(track: PoseTrack) -> int:
    """The index of the middle one of the frames that show the person: the clip's typical frame."""
    seen = np.flatnonzero(track.seen)
    if seen.size == 0:
        raise PostureError("no_person")
    return int(seen[seen.size // 2])


def clip_yaw_deg(track: PoseTrack) -> float:
    """The body's yaw over the clip (deg, as :func:`posture.views.body_yaw_deg`): the median of every
    seen frame's yaw, taken around their circular mean so a back view's +-180 deg does not split.

    One frame's yaw from MediaPipe's world landmarks wobbles by a few degrees (on the public clips'
    model tracks the 5-95 % spread within a clip is 2-7 deg); the view and the body's turn from it
    are read on the whole clip rather than on any one frame.
    """
    yaws = np.radians(world_yaw_deg(track.world_m[track.seen]))
    yaws = yaws[np.isfinite(yaws)]
    if yaws.size == 0:
        raise PostureError("no_person")
    centre = np.arctan2(np.sin(yaws).mean(), np.cos(yaws).mean())
    offset = np.median(np.angle(np.exp(1j * (yaws - centre))))
    return float(np.degrees(np.angle(np.exp(1j * (centre + offset)))))


def view_of(track: PoseTrack, view: str) -> ViewEstimate:
    """The clip's view: detected from the body's yaw over the clip, or ``view`` when given and not contradicted."""
    if view != "auto" and view not in VIEWS:
        raise ValueError(f"unknown view {view!r}: choose one of auto, {', '.join(VIEWS)}")
    return view_from_yaw(clip_yaw_deg(track), None if view == "auto" else view, medium="clip")


def measured_session(track: PoseTrack, view: ViewEstimate, height_cm: float | None) -> JumpSession:
    """The session of a MediaPipe ``track`` seen from ``view``, as far as the body's turn lets it show
    (:func:`posture.jump.turn.for_turned_body`). The bench measured the tracker's typical errors on
    MediaPipe tracks: they widen the left/right bands."""
    return for_turned_body(analyze_track(track, view.view, height_cm, typical_errors(track.model)), view)


def analyze_jump_video(
    source: VideoSource,
    *,
    name: str | None = None,
    view: str = "auto",
    height_cm: float | None = None,
    model: str = VIDEO_DEFAULT_MODEL,
    progress: Progress | None = None,
) -> JumpResult:
    """Measure the jump-rope session in ``source`` (path or bytes); refusals come back, never raise."""
    file = name if name is not None else ("video" if isinstance(source, bytes) else Path(source).name)
    info: VideoInfo | None = None
    track: PoseTrack | None = None
    try:
        info, track = track_video(source, model=model, progress=progress)
        estimate = view_of(track, view)
        session = measured_session(track, estimate, height_cm)
    except PostureError as error:
        return JumpRefusal(file=file, error=error, video=info, track=track)
    return JumpAnalysis(file=file, video=info, view=estimate, height_cm=height_cm, session=session, track=track)
