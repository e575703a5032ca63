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
from posture.pose import Pose
from posture.video.track import PoseTrack, VideoInfo
from posture.video.tracking import VIDEO_DEFAULT_MODEL, track_video
from posture.views import ViewEstimate, estimate_view

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


def middle_pose(track: PoseTrack) -> Pose:
    """The person at :func:`middle_seen_frame`, as a :class:`Pose`.

    The view is judged on one typical frame rather than on every frame: the body's yaw barely moves
    while skipping, and :func:`posture.views.estimate_view` already reads it from the world landmarks.
    """
    i = middle_seen_frame(track)
    return Pose(
        xy_px=track.xy_px[i],
        visibility=track.visibility[i],
        world_m=track.world_m[i],
        mask=None,
        mask_scale=1.0,
        image_size=track.image_size,
        model=track.model,
    )


def view_of(track: PoseTrack, view: str) -> ViewEstimate:
    """The clip's view: detected from the body's yaw, or ``view`` when given and not contradicted."""
    if view != "auto" and view not in VIEWS:
        raise ValueError(f"unknown view {view!r}: choose one of auto, {', '.join(VIEWS)}")
    return estimate_view(middle_pose(track), None if view == "auto" else view)


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
        # The bench measured these errors on MediaPipe tracks: they widen the left/right bands.
        session = analyze_track(track, estimate.view, height_cm, typical_errors(track.model))
    except PostureError as error:
        return JumpRefusal(file=file, error=error, video=info, track=track)
    return JumpAnalysis(file=file, video=info, view=estimate, height_cm=height_cm, session=session, track=track)
