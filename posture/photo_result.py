"""What one photo gave: a measured photo or a refusal, the types every step after the engine reads.

Kept apart from :mod:`posture.analysis` so that reading a result (assessment, report, annotation,
history) never imports MediaPipe. Callers that need measured fields narrow with
``isinstance(result, MeasuredPhoto)``; ``ok`` stays for code that only counts or filters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from posture.anatomy import BodyPoints
from posture.appearance import Appearance
from posture.errors import PostureError
from posture.hand_moves import HandMoves
from posture.imaging import Photo
from posture.measures import Measurement
from posture.pose import Pose
from posture.views import ViewEstimate, Warning_


@dataclass(frozen=True, kw_only=True)
class MeasuredPhoto:
    """Everything measured on one photo.

    ``view`` is the subject's side facing the camera: front, back, left or right profile, with
    ``view_confidence`` 0-1. ``height_cm`` is the stature the centimetres assume and
    ``height_source`` says whether it was "given" or "assumed". ``landmarks_px`` maps MediaPipe
    landmark names to (x px, y px, visibility 0-1) in the upright full-resolution image;
    ``timings_ms`` the engine's steps in milliseconds. ``photo``, ``pose`` and ``body`` keep the
    decoded image and the raw and clinical points for drawing; ``appearance`` the colours that
    tell whether several photos show one person. Like ``view_estimate`` they are not part of the JSON.
    ``hand_moves`` is set when the person moved landmarks by hand (which, and the measures that
    changed); it is in the JSON as ``hand_moved`` only then.
    ``frames_used`` is set when the "photo" is a stand-still video whose landmarks were combined over
    that many frames (:mod:`posture.video.stand`); the JSON then carries it.
    """

    image: str
    view: str
    view_confidence: float
    height_cm: float
    height_source: str
    warnings: tuple[Warning_, ...] = ()
    measurements: Mapping[str, Measurement] = field(default_factory=dict)
    not_assessed: Mapping[str, str] = field(default_factory=dict)
    landmarks_px: Mapping[str, tuple[float, float, float]] = field(default_factory=dict)
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    view_estimate: ViewEstimate | None = None
    photo: Photo | None = field(default=None, repr=False, compare=False)
    pose: Pose | None = field(default=None, repr=False, compare=False)
    body: BodyPoints | None = field(default=None, repr=False, compare=False)
    appearance: Appearance | None = field(default=None, repr=False, compare=False)
    hand_moves: HandMoves | None = None
    frames_used: int | None = None

    @property
    def ok(self) -> Literal[True]:
        return True

    def to_dict(self) -> dict[str, Any]:
        """The per-photo object of the JSON contract (docs/design.md), plus ``frames_used`` for a video."""
        data: dict[str, Any] = {
            "image": self.image,
            "ok": True,
            "error": None,
            "view": self.view,
            "view_confidence": round(self.view_confidence, 2),
            "person": {"height_cm": round(self.height_cm, 1), "height_source": self.height_source},
            "warnings": [{"code": w.code, "message": w.message} for w in self.warnings],
            "measurements": {key: m.to_dict() for key, m in self.measurements.items()},
            "not_assessed": dict(self.not_assessed),
            "landmarks_px": {
                name: [round(x, 1), round(y, 1), round(v, 3)] for name, (x, y, v) in self.landmarks_px.items()
            },
            "timings_ms": {key: round(ms, 1) for key, ms in self.timings_ms.items()},
        }
        if self.hand_moves is not None:
            data["hand_moved"] = self.hand_moves.to_dict()
        if self.frames_used is not None:
            data["frames_used"] = self.frames_used
        return data


@dataclass(frozen=True, kw_only=True)
class RefusedPhoto:
    """A photo the engine would not measure, and the typed error saying why.

    ``photo`` is kept once the image was decoded and ``pose`` once a subject was chosen on it (every
    gate after that refuses with the pose), so a refusal can still show what was seen; ``people``
    holds everyone found when no subject could be chosen (``multiple_people``). None is part of the JSON.
    """

    image: str
    error: PostureError
    photo: Photo | None = field(default=None, repr=False, compare=False)
    pose: Pose | None = field(default=None, repr=False, compare=False)
    people: tuple[Pose, ...] = field(default=(), repr=False, compare=False)

    @property
    def ok(self) -> Literal[False]:
        return False

    def to_dict(self) -> dict[str, Any]:
        """The per-photo object of the JSON contract for a photo that was not measured."""
        return {"image": self.image, "ok": False, "error": self.error.to_dict()}


PhotoResult: TypeAlias = MeasuredPhoto | RefusedPhoto
