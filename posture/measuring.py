"""The engine after the landmarker: from a :class:`~posture.pose.Pose` to a measured photo.

Views, quality gates, clinical points and measures, with no MediaPipe: the landmarker's output
comes in as plain numpy poses, so this step runs (and is tested) without the model.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

import numpy as np

from posture.anatomy import BodyPoints, Corrections, body_points
from posture.appearance import read_appearance
from posture.clothing import hide_covered_measures, leg_outline
from posture.errors import PostureError
from posture.gates import (
    camera_level_warnings,
    check_framing,
    check_size,
    check_standing,
    choose_subject,
    framing_warnings,
)
from posture.geometry import (
    craniovertebral_angle_deg,
    frontal_tilt_deg,
    height_difference_cm,
    horizontal_offset_cm,
    knee_valgus_deg,
    lateral_shift_cm,
    lean_from_vertical_deg,
    offset_from_line_cm,
)
from posture.hand_moves import VALUE_ROUNDING, HandMoves, LandmarkMove
from posture.imaging import Photo
from posture.measures import SPECS, Measurement, make_measurement
from posture.pelvis import estimate_pelvic_tilt
from posture.photo_result import MeasuredPhoto, PhotoResult, RefusedPhoto
from posture.pose import INDEX, LANDMARK_NAMES, Pose
from posture.views import Warning_, body_yaw_deg, estimate_view, turned_estimate

# Views whose landmarks come from the mirrored photo (see pose_from_mirrored_pass).
MIRRORED_PASS_VIEWS = ("right",)
# A mirrored-pass pose is the same person when its landmarks sit, on average, within this
# fraction of the person's landmark-box height of the first pass's (measured on eval-public: 0.6-1.0 %).
SAME_PERSON_MAX_SHIFT = 0.05


def analyze_people(
    image_name: str,
    photo: Photo,
    people: tuple[Pose, ...],
    *,
    view: str = "auto",
    height_cm: float | None = None,
    corrections: Corrections | None = None,
    mirrored_people: Callable[[], tuple[Pose, ...]] | None = None,
) -> PhotoResult:
    """The engine after the landmarker, for callers that already ran it on ``photo``: ``analyze_photo``,
    the benchmarks (each photo with several sets of corrections) and the model-free tests (stored
    poses). ``mirrored_people`` gives the landmarker's
    people on the mirrored photo, asked for only when the view needs them (a right profile); without
    it the first pass is measured. Refusals come back as a :class:`RefusedPhoto` that keeps the photo
    and, once a subject was chosen, its pose."""
    try:
        subject, warnings = choose_subject(people)
    except PostureError as error:
        return RefusedPhoto(image=image_name, error=error, photo=photo, people=people)
    try:
        return measure_subject(image_name, photo, subject, warnings, view, height_cm, corrections, mirrored_people)
    except PostureError as error:
        return RefusedPhoto(image=image_name, error=error, photo=photo, pose=subject)


def measure_subject(
    image_name: str,
    photo: Photo,
    subject: Pose,
    warnings: list[Warning_],
    view: str,
    height_cm: float | None,
    corrections: Corrections | None = None,
    mirrored_people: Callable[[], tuple[Pose, ...]] | None = None,
) -> MeasuredPhoto:
    """Everything after the landmarker: view, quality gates, clinical points, measures.

    The gates judge the photo on the first pass; a right profile is then measured on the
    mirrored pass when ``mirrored_people`` is given (see ``pose_from_mirrored_pass``),
    which also gives the body's turn from the straight view. Measures resting on hips or knees that
    loose clothing hides are left out (:mod:`posture.clothing`); the photo keeps its appearance
    (:mod:`posture.appearance`) for telling whether several photos show one person.
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
    measurements, not_assessed = measure_body(
        body, view_estimate.turn_deg if view_estimate.oblique else None, pelvic, view_estimate.turn_confidence
    )
    measurements, not_assessed, clothing_warnings = hide_covered_measures(
        leg_outline(measured, view_estimate.view), measurements, not_assessed
    )
    warnings += clothing_warnings
    if body.height_source == "assumed":
        warnings.append(
            Warning_(
                "height_assumed",
                f"No height was given: centimetres assume a stature of {body.height_cm:.0f} cm, and so do "
                "the side view's pelvic tilt and trunk forward lean, estimated from the body's outline in "
                "centimetres (10 cm of height moves them by about 1-1.5° and 0.25°). Enter your height for "
                "exact values.",
            )
        )
    landmarks = {
        name: (float(x), float(y), float(v))
        for name, (x, y), v in zip(LANDMARK_NAMES, measured.xy_px, measured.visibility, strict=True)
    }
    return MeasuredPhoto(
        image=image_name,
        view=view_estimate.view,
        view_confidence=view_estimate.confidence,
        height_cm=body.height_cm,
        height_source=body.height_source,
        warnings=tuple(warnings),
        measurements=measurements,
        not_assessed=not_assessed,
        landmarks_px=landmarks,
        view_estimate=view_estimate,
        photo=photo,
        pose=measured,
        body=body,
        appearance=read_appearance(photo.rgb, measured, view_estimate.view),
    )


# --- one body: every measure of its view ---------------------------------------------------

# In a photo turned 30-60 deg no measure keeps its meaning. Horizontal distances shrink with the
# cosine of the turn, and sagittal and frontal angles mix. Height differences were once kept, but
# perspective spoils them too: the nearer shoulder or hip is closer to the lens, so it is pushed
# away from the camera's eye level. Projecting eval-public's 3D bodies from 3 m, the shoulder height
# difference gained 2.3 / 3.5 / 4.7 cm on average (mean absolute) at a 25 / 40 / 60 deg turn with
# the camera at hip height, and the hip difference gained 1.3-2.6 cm with the camera at chest height
# (1.3 m). Both are more than these measures' thresholds (1.5 and 1 cm).
OBLIQUE_REASON = (
    "the body is turned about {turn:.0f}°: distances shrink, angles mix and perspective makes "
    "the nearer side look higher or lower; this measure needs a straight view"
)
MIN_VISIBILITY = 0.5
ASSUMED_HEIGHT_CONFIDENCE = 0.8
VALUE_OF = {
    "craniovertebral_angle_deg": lambda b: craniovertebral_angle_deg(b.points["c7"], b.points["ear"], b.anterior_sign),
    "ear_ahead_of_shoulder_cm": lambda b: horizontal_offset_cm(
        b.points["ear"], b.points["shoulder"], b.anterior_sign, b.cm_per_px
    ),
    "shoulder_ahead_of_plumb_cm": lambda b: offset_from_line_cm(
        b.points["shoulder"], b.points["ankle"], b.points["hip"], b.anterior_sign, b.cm_per_px
    ),
    "trunk_lean_deg": lambda b: lean_from_vertical_deg(b.points["hip"], b.points["shoulder"], b.anterior_sign),
    "knee_ahead_of_ankle_cm": lambda b: horizontal_offset_cm(
        b.points["knee"], b.points["ankle"], b.anterior_sign, b.cm_per_px
    ),
    "shoulder_tilt_deg": lambda b: frontal_tilt_deg(b.points["left_shoulder"], b.points["right_shoulder"], b.left_sign),
    "shoulder_height_diff_cm": lambda b: height_difference_cm(
        b.points["left_shoulder"], b.points["right_shoulder"], b.cm_per_px
    ),
    "pelvic_obliquity_deg": lambda b: frontal_tilt_deg(b.points["left_hip"], b.points["right_hip"], b.left_sign),
    "hip_height_diff_cm": lambda b: height_difference_cm(b.points["left_hip"], b.points["right_hip"], b.cm_per_px),
    "head_tilt_deg": lambda b: frontal_tilt_deg(b.points["left_ear"], b.points["right_ear"], b.left_sign),
    "trunk_lateral_lean_deg": lambda b: lean_from_vertical_deg(b.midpoint("hip"), b.midpoint("shoulder"), b.left_sign),
    "trunk_lateral_shift_cm": lambda b: lateral_shift_cm(
        b.midpoint("hip"), b.midpoint("shoulder"), b.left_sign, b.cm_per_px
    ),
    # The body's midline is toward the subject's right from the left leg, and vice versa.
    "knee_valgus_left_deg": lambda b: knee_valgus_deg(
        b.points["left_hip"], b.points["left_knee"], b.points["left_ankle"], -b.left_sign
    ),
    "knee_valgus_right_deg": lambda b: knee_valgus_deg(
        b.points["right_hip"], b.points["right_knee"], b.points["right_ankle"], b.left_sign
    ),
}


def measure_body(
    body: BodyPoints,
    oblique_turn_deg: float | None = None,
    pelvic_tilt: tuple[float, float] | None = None,
    turn_confidence: float = 1.0,
) -> tuple[dict[str, Measurement], dict[str, str]]:
    """Every measure valid for ``body.view`` (a :class:`posture.anatomy.BodyPoints`).

    Returns (measurements, not_assessed reasons). A measure whose points are not visible enough,
    or any measure of an oblique photo (``oblique_turn_deg`` given), is not assessed, with the reason;
    never guessed.
    ``pelvic_tilt`` is the (value deg, confidence) estimate from :mod:`posture.pelvis`, if any.
    ``turn_confidence`` (0-1) multiplies every confidence: a body turned away from the straight
    view (``views.ViewEstimate.turn_confidence``).
    """
    measured: dict[str, Measurement] = {}
    skipped: dict[str, str] = {}
    scale_confidence = 1.0 if body.height_source == "given" else ASSUMED_HEIGHT_CONFIDENCE
    for key, spec in SPECS.items():
        if body.view not in spec.views:
            continue
        if oblique_turn_deg is not None:
            skipped[key] = OBLIQUE_REASON.format(turn=oblique_turn_deg)
            continue
        weakest = min(spec.points, key=lambda name: body.visibility[name])
        if body.visibility[weakest] < MIN_VISIBILITY:
            skipped[key] = (
                f"the {weakest.replace('_', ' ')} is not visible enough (visibility {body.visibility[weakest]:.2f})"
            )
            continue
        confidence = body.visibility[weakest] * (scale_confidence if spec.unit == "cm" else 1.0) * turn_confidence
        if key == "pelvic_tilt_deg":
            if pelvic_tilt is None:
                skipped[key] = "the body outline around the pelvis could not be read"
                continue
            value, estimate_confidence = pelvic_tilt
            measured[key] = make_measurement(spec, value, confidence * estimate_confidence, estimate=True)
            continue
        if "c7" in spec.points and body.notes.get("c7") != "mask":
            confidence *= 0.6
        measured[key] = make_measurement(
            spec, VALUE_OF[key](body), confidence, estimate=spec.unit == "cm" and body.height_source != "given"
        )
    return measured, skipped


def with_moved_landmarks(
    analysis: PhotoResult,
    moves: Mapping[str, tuple[float, float]],
    *,
    view: str = "auto",
    height_cm: float | None = None,
    corrections: Corrections | None = None,
) -> PhotoResult:
    """Re-measure a photo after the person moved misplaced landmarks.

    ``moves`` maps landmark names to new (x px, y px) positions in the full-resolution image.
    A moved landmark is treated as fully visible: the person has just looked at it. The photo
    is not decoded or run through the landmarker again. ``analysis`` is a measured photo or a
    refusal that kept its subject's pose (a gate may have judged a misplaced point). Returns a
    :class:`RefusedPhoto` if, after the moves, a quality gate refuses the photo.
    """
    if analysis.pose is None or analysis.photo is None:
        raise ValueError("only a photo that kept its photo and its subject's pose can be corrected")
    xy, visibility = analysis.pose.xy_px.copy(), analysis.pose.visibility.copy()
    for landmark, (x, y) in moves.items():
        xy[INDEX[landmark]] = (x, y)
        visibility[INDEX[landmark]] = 1.0
    pose = dataclasses.replace(analysis.pose, xy_px=xy, visibility=visibility)
    warnings = analysis.warnings if isinstance(analysis, MeasuredPhoto) else ()
    kept = [w for w in warnings if w.code == "multiple_people"]
    try:
        return measure_subject(analysis.image, analysis.photo, pose, kept, view, height_cm, corrections)
    except PostureError as error:
        return RefusedPhoto(image=analysis.image, error=error, photo=analysis.photo, pose=pose)


def _value_changed(base: MeasuredPhoto, moved: MeasuredPhoto, key: str) -> bool:
    before, after = base.measurements.get(key), moved.measurements.get(key)
    if before is None or after is None:
        return (before is None) != (after is None)
    return abs(after.value - before.value) >= VALUE_ROUNDING


def hand_moves_between(
    base: MeasuredPhoto | RefusedPhoto, moved: MeasuredPhoto, moves: Mapping[str, tuple[float, float]]
) -> HandMoves:
    """What moving ``moves`` (landmark -> new (x px, y px)) did to ``base``, the landmarker's own result,
    given ``moved``, the same photo measured after the moves. A refusal rescued by the moves had no
    values before, so every value of ``moved`` rests on them."""
    if base.pose is None:
        raise ValueError("moved landmarks need the landmarker's pose of the photo")
    cm_per_px = moved.body.cm_per_px if moved.body is not None else None
    landmarks = tuple(
        LandmarkMove(
            name, (float(base.pose.point(name)[0]), float(base.pose.point(name)[1])), (float(x), float(y)), cm_per_px
        )
        for name, (x, y) in sorted(moves.items())
    )
    if isinstance(base, RefusedPhoto):
        return HandMoves(landmarks, tuple(moved.measurements))
    keys = [*base.measurements, *(key for key in moved.measurements if key not in base.measurements)]
    return HandMoves(landmarks, tuple(key for key in keys if _value_changed(base, moved, key)))


def pose_from_mirrored_pass(subject: Pose, mirrored_people: tuple[Pose, ...]) -> Pose:
    """The subject's landmarks as found on the mirrored photo, for a right profile.

    Why: MediaPipe's pose model is not mirror-symmetric. On eval-public, a right profile (the
    person facing image-right) run through the mirrored photo, where it looks like a left profile,
    measured the shoulder's distance from the plumb line with a held-out error of 1.0 cm instead of
    1.7 cm and the trunk lean with 0.8 deg instead of 1.3 deg; left profiles are already placed that
    well, and front and back views gain nothing (their errors moved both ways by ~0.1 deg).

    Positions, world points and mask come from the mirrored pass; each visibility is the larger of
    the two passes', because the mirrored pass is less sure of the feet it places in the same spot
    and the photo was already judged (gates) on the first pass. With no matching person on the
    mirrored photo, the subject is returned unchanged.
    """
    height = np.ptp(subject.xy_px[:, 1])
    shifts = [float(np.mean(np.linalg.norm(pose.xy_px - subject.xy_px, axis=1))) for pose in mirrored_people]
    if not shifts or min(shifts) > SAME_PERSON_MAX_SHIFT * height:
        return subject
    match = mirrored_people[int(np.argmin(shifts))]
    return dataclasses.replace(match, visibility=np.maximum(match.visibility, subject.visibility))


def measured_pose(subject: Pose, view: str, mirrored_people: Callable[[], tuple[Pose, ...]] | None) -> Pose:
    """The pose the engine measures for ``view``: for :data:`MIRRORED_PASS_VIEWS`, the subject as found
    on the mirrored photo (``mirrored_people`` runs that pass, only when needed); otherwise ``subject``."""
    if mirrored_people is not None and view in MIRRORED_PASS_VIEWS:
        return pose_from_mirrored_pass(subject, mirrored_people())
    return subject
