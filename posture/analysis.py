"""One photo in, measured posture out: the engine chaining imaging, landmarks, views and measures.

``analyze_photo`` never raises for a bad photo: every refusal comes back as a
:class:`PhotoAnalysis` with ``ok=False`` and a typed error, so batch callers (CLI, app) handle
one shape. Programming errors (a bad argument) still raise.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from posture.anatomy import BodyPoints, Corrections, body_points
from posture.errors import PostureError
from posture.imaging import Photo, decode_image
from posture.landmarks import detect_people, detect_people_in_tiles, detect_people_mirrored, measured_pose
from posture.measures import Measurement, measure_body
from posture.pelvis import estimate_pelvic_tilt
from posture.pose import DEFAULT_MODEL, INDEX, LANDMARK_NAMES, Pose
from posture.views import (
    ViewEstimate,
    Warning_,
    body_yaw_deg,
    camera_level_warnings,
    check_framing,
    check_size,
    check_standing,
    choose_subject,
    estimate_view,
    framing_warnings,
    turned_estimate,
)

# Statures the engine accepts (cm): every adult and child old enough to stand for a posture photo.
MIN_HEIGHT_CM, MAX_HEIGHT_CM = 50.0, 250.0


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


def _source_name(source: bytes | str | os.PathLike, name: str | None) -> str:
    if name is not None:
        return name
    return "photo" if isinstance(source, (bytes, bytearray)) else Path(source).name


def analyze_photo(source: bytes | str | os.PathLike, *, name: str | None = None, view: str = "auto",
                  height_cm: float | None = None, model: str = DEFAULT_MODEL,
                  corrections: Corrections | None = None) -> PhotoAnalysis:
    """Measure the posture of the person standing in ``source`` (image bytes or a path).

    ``view``: auto, front, back, left or right (forcing a view the photo contradicts gives
    ``unsupported_view``). ``height_cm``: the person's stature in centimetres; without it an
    average adult stature is assumed and flagged. ``model``: lite, full or heavy.
    """
    if height_cm is not None and not MIN_HEIGHT_CM <= height_cm <= MAX_HEIGHT_CM:
        raise ValueError(f"height {height_cm} cm is outside {MIN_HEIGHT_CM:.0f}-{MAX_HEIGHT_CM:.0f} cm")
    image_name = _source_name(source, name)
    started = time.perf_counter()
    try:
        photo = decode_image(source)
        decoded = time.perf_counter()
        photo, people = find_people(source, photo, model)
    except PostureError as error:
        return PhotoAnalysis(image_name, ok=False, error=error)
    detected = time.perf_counter()
    mirrored_seconds = []

    def mirrored_people() -> tuple[Pose, ...]:
        started_mirrored = time.perf_counter()
        people = detect_people_mirrored(photo, model)
        mirrored_seconds.append(time.perf_counter() - started_mirrored)
        return people

    result = analyze_people(image_name, photo, people, view=view, height_cm=height_cm, corrections=corrections,
                            mirrored_people=mirrored_people)
    if not result.ok:
        return result
    finished = time.perf_counter()
    mirrored_pass = sum(mirrored_seconds)
    timings = {"decode": (decoded - started) * 1000, "pose": (detected - decoded + mirrored_pass) * 1000,
               "measure": (finished - detected - mirrored_pass) * 1000, "total": (finished - started) * 1000}
    return dataclasses.replace(result, timings_ms=timings)


def find_people(source: bytes | str | os.PathLike, photo: Photo, model: str = DEFAULT_MODEL,
                detect: Callable[[Photo, str], tuple[Pose, ...]] = detect_people) -> tuple[Photo, tuple[Pose, ...]]:
    """Everyone ``detect`` (the landmarker) finds on ``photo``, decoded from ``source``. When the whole
    picture shows nobody, a figure far away may still be found in overlapping tiles of it at full
    resolution (``landmarks.detect_people_in_tiles``), and is then told to come closer rather than
    that nobody is there; the photo returned is then the full-resolution one the poses refer to."""
    people = detect(photo, model)
    if people:
        return photo, people
    if photo.scale < 1.0:
        photo = decode_image(source, min_long_side_px=None)
    return photo, detect_people_in_tiles(photo, model)


def analyze_people(image_name: str, photo: Photo, people: tuple[Pose, ...], *, view: str = "auto",
                   height_cm: float | None = None, corrections: Corrections | None = None,
                   mirrored_people: Callable[[], tuple[Pose, ...]] | None = None) -> PhotoAnalysis:
    """The engine after the landmarker, for callers that already ran it on ``photo`` (the benchmarks
    analyse each photo with several sets of corrections). ``mirrored_people`` gives the landmarker's
    people on the mirrored photo, asked for only when the view needs them (a right profile); without
    it the first pass is measured. Refusals come back as a failed analysis."""
    try:
        subject, warnings = choose_subject(people)
        return measure_subject(image_name, photo, subject, warnings, view, height_cm, corrections, mirrored_people)
    except PostureError as error:
        return PhotoAnalysis(image_name, ok=False, error=error)


def measure_subject(image_name: str, photo: Photo, subject: Pose, warnings: list[Warning_], view: str,
                    height_cm: float | None, corrections: Corrections | None = None,
                    mirrored_people: Callable[[], tuple[Pose, ...]] | None = None) -> PhotoAnalysis:
    """Everything after the landmarker: view, quality gates, clinical points, measures.

    The gates judge the photo on the first pass; a right profile is then measured on the
    mirrored pass when ``mirrored_people`` is given (see ``landmarks.pose_from_mirrored_pass``),
    which also gives the body's turn from the straight view.
    Raises :class:`PostureError` when a gate refuses the photo.
    """
    view_estimate = estimate_view(subject, None if view == "auto" else view)
    check_framing(subject)
    check_standing(subject, view_estimate.view)
    check_size(subject)
    measured = measured_pose(subject, view_estimate.view, mirrored_people)
    if measured is not subject:
        # The mirrored pass also places the trunk better for the turn: on the 20 right-profile
        # renders (true turn <= 4 deg) the estimate stays under 7.4 deg instead of 14.5 deg.
        view_estimate = turned_estimate(view_estimate, body_yaw_deg(measured))
    warnings = [*warnings, *framing_warnings(subject, view_estimate), *camera_level_warnings(photo.camera_roll_deg)]
    body = body_points(measured, view_estimate.view, height_cm, corrections)
    measurable_profile = body.anterior_sign and not view_estimate.oblique  # an oblique photo keeps no measure
    pelvic = estimate_pelvic_tilt(measured, body, corrections) if measurable_profile else None
    measurements, not_assessed = measure_body(body, view_estimate.turn_deg if view_estimate.oblique else None,
                                              pelvic, view_estimate.turn_confidence)
    if body.height_source == "assumed":
        warnings.append(Warning_("height_assumed", f"No height was given: centimetres assume a stature of "
                                 f"{body.height_cm:.0f} cm. Enter your height for exact distances."))
    landmarks = {name: (float(x), float(y), float(v))
                 for name, (x, y), v in zip(LANDMARK_NAMES, measured.xy_px, measured.visibility, strict=True)}
    return PhotoAnalysis(
        image_name, True, None, view_estimate.view, view_estimate.confidence, body.height_cm,
        body.height_source, tuple(warnings), measurements, not_assessed, landmarks, {},
        view_estimate, photo, measured, body,
    )


def with_moved_landmarks(analysis: PhotoAnalysis, moves: Mapping[str, tuple[float, float]], *,
                         view: str = "auto", height_cm: float | None = None,
                         corrections: Corrections | None = None) -> PhotoAnalysis:
    """Re-measure a photo after the person moved misplaced landmarks.

    ``moves`` maps landmark names to new (x px, y px) positions in the full-resolution image.
    A moved landmark is treated as fully visible: the person has just looked at it. The photo
    is not decoded or run through the landmarker again. Returns a failed analysis if the moves
    make a quality gate refuse the photo.
    """
    if not analysis.ok or analysis.pose is None or analysis.photo is None:
        raise ValueError("only a successful analysis that kept its photo and pose can be corrected")
    xy, visibility = analysis.pose.xy_px.copy(), analysis.pose.visibility.copy()
    for landmark, (x, y) in moves.items():
        xy[INDEX[landmark]] = (x, y)
        visibility[INDEX[landmark]] = 1.0
    pose = dataclasses.replace(analysis.pose, xy_px=xy, visibility=visibility)
    kept = [w for w in analysis.warnings if w.code == "multiple_people"]
    try:
        return measure_subject(analysis.image, analysis.photo, pose, kept, view, height_cm, corrections)
    except PostureError as error:
        return PhotoAnalysis(analysis.image, ok=False, error=error)
