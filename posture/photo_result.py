"""What one photo gave: the type every step after the engine reads (assessment, report, annotation, history).

Kept apart from :mod:`posture.analysis` so that reading a result never imports MediaPipe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from posture.anatomy import BodyPoints
from posture.errors import PostureError
from posture.imaging import Photo
from posture.measures import Measurement
from posture.pose import Pose
from posture.views import ViewEstimate, Warning_


@dataclass(frozen=True)
class PhotoAnalysis:
    """Everything measured on one photo (or the error that stopped it).

    ``view`` is the subject's side facing the camera: front, back, left or right profile.
    ``landmarks_px`` maps MediaPipe landmark names to (x px, y px, visibility 0-1) in the
    upright full-resolution image. ``height_source`` is "given" or "assumed". ``photo``,
    ``pose`` and ``body`` keep the decoded image and the raw and clinical points for drawing;
    they are not part of the JSON.
    """

    image: str
    ok: bool
    error: PostureError | None = None
    view: str | None = None
    view_confidence: float = 0.0
    height_cm: float | None = None
    height_source: str | None = None
    warnings: tuple[Warning_, ...] = ()
    measurements: Mapping[str, Measurement] = field(default_factory=dict)
    not_assessed: Mapping[str, str] = field(default_factory=dict)
    landmarks_px: Mapping[str, tuple[float, float, float]] = field(default_factory=dict)
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    view_estimate: ViewEstimate | None = None
    photo: Photo | None = field(default=None, repr=False, compare=False)
    pose: Pose | None = field(default=None, repr=False, compare=False)
    body: BodyPoints | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        """The per-photo object of the JSON contract (docs/design.md)."""
        if not self.ok:
            return {"image": self.image, "ok": False, "error": self.error.to_dict() if self.error else None}
        return {
            "image": self.image, "ok": True, "error": None,
            "view": self.view, "view_confidence": round(self.view_confidence, 2),
            "person": {"height_cm": round(self.height_cm, 1), "height_source": self.height_source},
            "warnings": [{"code": w.code, "message": w.message} for w in self.warnings],
            "measurements": {key: m.to_dict() for key, m in self.measurements.items()},
            "not_assessed": dict(self.not_assessed),
            "landmarks_px": {name: [round(x, 1), round(y, 1), round(v, 3)]
                             for name, (x, y, v) in self.landmarks_px.items()},
            "timings_ms": {key: round(ms, 1) for key, ms in self.timings_ms.items()},
        }
