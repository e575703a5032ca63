"""Quality gates: whether a photo can be measured at all, and what to say about one that can.

The gates raise :class:`PostureError` with a stable code when a photo cannot be measured (body cut
off, person too small, not standing, people of about the same size) and return warnings for photos
that can be measured with care (oblique view, tilted camera, small person, another person in the
frame, camera off level).
"""

from __future__ import annotations

import numpy as np

from posture.errors import TOO_FEW_PIXELS, PostureError
from posture.geometry import bend_deg, lean_from_vertical_deg
from posture.measures import SIDE_VIEWS
from posture.pose import INDEX, Pose
from posture.views import TURNED_FROM_DEG, ViewEstimate, Warning_, describe_view

VISIBLE = 0.5
# Feet count as in the picture from a lower visibility: MediaPipe's visibility of plainly visible
# feet in dark shoes on a dark floor is 0.4-0.55 on ground-truth renders (a photo at half size, or
# darker, falls under 0.5), while feet that are cut off are placed outside the frame with visibility
# 0.00 (real selfie and group photos), so the frame check, not this threshold, refuses those.
FOOT_IN_PICTURE_VISIBILITY = 0.25
# Feet in white socks on a white floor, or in shadow, can be read at a visibility near 0 although they
# are plainly in the picture. Such a foot still counts when ankle, heel and toe all lie inside the
# picture, at least this share of its height from the edges, and sit where a foot belongs: below
# the knee by a shank of 0.6-1.6 thigh lengths, heel and toe within 0.6 shank lengths of the ankle.
# A body cut off at the shins puts them outside the frame instead (MediaPipe extrapolates them),
# and its outline runs out through the bottom edge, which the segmentation mask shows.
FOOT_EDGE_MARGIN = 0.01
SHANK_OVER_THIGH = (0.6, 1.6)
MAX_FOOT_OVER_SHANK = 0.6
HEAD_POINTS = ("nose", "left_eye", "right_eye", "left_ear", "right_ear")
FOOT_POINTS = ("left_ankle", "right_ankle", "left_heel", "right_heel")
# The landmarker works on a 256 px crop of the person: below this standing height (pixels) the
# landmarks lose precision faster than any correction can recover.
MIN_PERSON_HEIGHT_PX = 200
MIN_PERSON_FRACTION = 0.25
SMALL_PERSON_FRACTION = 0.45
# Relaxed standing keeps the knees nearly straight (< 25 deg flexion) and the trunk near vertical.
MAX_KNEE_FLEXION_DEG = 35.0
# Knee flexion seen face-on hides in 2D; the metric world landmarks show it, but they are noisy
# (the straighter of two straight knees reads up to 35 deg on the ground-truth renders), so only a
# clear bend of both counts, and only when the picture shows some bend too (as for a crouch below):
# on the real photos and squat-video frames, every knee pair past this limit also bent more than
# MIN_CROUCH_KNEE_2D_DEG in the picture, while the renders' straight legs stay under 14 deg.
MAX_KNEE_FLEXION_3D_DEG = 45.0
# A squat or crouch bends hips and knees together, and face-on both hide in 2D. One by one the
# world landmarks' flexions are too noisy to call (see above), so the sum of the smaller knee and
# the smaller hip flexion decides, against a limit per model because their world landmarks differ
# in noise. Measured maxima on the 80 ground-truth renders: heavy 44, full 63, lite 58 deg; real
# standing photos 17-45 deg. Over a real squat video, standing frames read at most 28 deg with
# every model, and frames with visibly bent knees 60-109 deg with heavy but from 39 (full) and 50
# (lite) deg: only the heavy model (the default) separates a quarter squat from standing; for the
# other two the limit sits above their standing maxima and catches deeper bends only.
MAX_CROUCH_3D_DEG = {"heavy": 60.0, "full": 75.0, "lite": 70.0}
# The world landmarks alone can be fooled by a broad build: a sample render stretched to a 4:3 phone
# frame read 77 deg in 3D while its knees were straight in the picture (6 deg). So a crouch also
# needs a knee bend the picture shows: 19-33 deg in the squat video's bent frames, at most 14 deg
# (knee valgus included) on the standing renders.
MIN_CROUCH_KNEE_2D_DEG = 15.0
# Upright or not is judged in MediaPipe's metric world landmarks, whose axes follow the camera: the
# trunk's lean out of the camera's vertical plane (hip midpoint -> shoulder midpoint, against the
# plane spanned by the camera's up and viewing axes). A camera pitched up or down rotates the body
# about the camera's horizontal axis, which leaves that lean unchanged, whereas in the picture a
# pitched camera makes vertical lines converge, so a standing person off the picture's centre leans
# there. A person lying down or bending sideways or forward in a profile reads 60-80 deg; real
# standing photos 0-10 deg, a frisbee thrower 23 deg.
MAX_TRUNK_FROM_VERTICAL_DEG = 35.0
# Feet apart along the line of sight of a profile mean a stride or lunge; sideways, a wide stance
# only stops being relaxed standing near a full leg length. Fractions of the hip-ankle length.
MAX_STRIDE_OVER_LEG = 0.35
MAX_STANCE_OVER_LEG = 0.8
MAX_FOOT_RAISE_OVER_LEG = 0.12
# In a profile the far foot sits higher in the picture from perspective alone (up to ~0.2 leg
# lengths on the ground-truth renders, camera at hip height 2.5-3.7 m away).
MAX_FOOT_RAISE_OVER_LEG_PROFILE = 0.3
MAX_CAMERA_TILT_DEG = 6.0
# A phone its motion sensor recorded this far off level (posture.sensor) moves every tilt and lean by
# about as much: three quarters of the 2 deg at which a shoulder or hip tilt starts to count.
OFF_LEVEL_FROM_DEG = 1.5
SECOND_PERSON_ERROR_RATIO = 0.6
# MediaPipe now and then returns one person twice: two near-identical poses whose masks cover the same
# pixels (intersection over union 0.97 on a render seen from a low camera). Two real people never
# share most of their outline, so a "second person" overlapping this much is the first one again.
SAME_PERSON_MASK_IOU = 0.7
SAME_PERSON_LANDMARK_SHIFT = 0.05  # without masks: mean landmark distance over the landmark-box height
SECOND_PERSON_WARNING_RATIO = 0.1


def _visible_inside(pose: Pose, name: str, min_visibility: float = VISIBLE, margin_px: float = 2.0) -> bool:
    x, y = pose.point(name)
    width, height = pose.image_size
    inside = margin_px <= x <= width - margin_px and margin_px <= y <= height - margin_px
    return inside and pose.vis(name) >= min_visibility


def head_touches_top(pose: Pose) -> bool:
    """True when the person's outline reaches the picture's top edge (crown possibly cut off)."""
    return pose.mask is not None and bool(pose.mask[:2].any())


def crown_y_px(pose: Pose) -> float:
    """Top of the head in full-resolution pixels: the segmentation mask's top, or from the eyes."""
    if pose.mask is not None and not head_touches_top(pose):
        rows = np.nonzero(pose.mask.any(axis=1))[0]
        if rows.size:
            return float(rows[0] / pose.mask_scale)
    eyes_y = min(pose.point("left_eye")[1], pose.point("right_eye")[1])
    ankles_y = max(pose.point("left_ankle")[1], pose.point("right_ankle")[1])
    # Eyes sit about 6.5 % of stature below the crown in adults.
    return float(eyes_y - 0.07 * (ankles_y - eyes_y))


def floor_y_px(pose: Pose) -> float:
    """Lowest visible foot point (heel or toe) in pixels: the floor under the person."""
    names = ("left_heel", "right_heel", "left_foot_index", "right_foot_index")
    return float(max(pose.point(name)[1] for name in names))


def person_height_px(pose: Pose) -> float:
    return floor_y_px(pose) - crown_y_px(pose)


def _bend_deg(pose: Pose, side: str, names: tuple[str, str, str], world: bool) -> float:
    """How far (deg) the joint at ``names[1]`` is bent: 0 when the three points are in line."""
    points = pose.world_m if world else pose.xy_px
    return bend_deg(*(points[INDEX[f"{side}_{name}"]] for name in names))


def _knee_flexion_deg(pose: Pose, side: str, world: bool = False) -> float:
    """Angle (deg) between thigh and shank, 0 = straight; in the picture, or in 3D with ``world``."""
    return _bend_deg(pose, side, ("hip", "knee", "ankle"), world)


def _hip_flexion_deg(pose: Pose, side: str) -> float:
    """Angle (deg) in 3D between the trunk's line (shoulder to hip) and the thigh, 0 = upright."""
    return _bend_deg(pose, side, ("shoulder", "hip", "knee"), world=True)


def outline_reaches_bottom(pose: Pose) -> bool:
    """True when the person's segmentation mask touches the picture's bottom edge (feet possibly cut off)."""
    return pose.mask is not None and bool(pose.mask[-2:].any())


def _foot_where_it_belongs(pose: Pose, side: str) -> bool:
    """Ankle, heel and toe of ``side`` inside the picture and placed like a foot under its leg
    (see :data:`FOOT_EDGE_MARGIN`), whatever their visibility."""
    margin = FOOT_EDGE_MARGIN * pose.image_size[1]
    if not all(_visible_inside(pose, f"{side}_{name}", 0.0, margin) for name in ("ankle", "heel", "foot_index")):
        return False
    hip, knee, ankle = (pose.point(f"{side}_{name}") for name in ("hip", "knee", "ankle"))
    thigh, shank = np.linalg.norm(knee - hip), np.linalg.norm(ankle - knee)
    shortest, longest = SHANK_OVER_THIGH
    foot_reach = max(np.linalg.norm(pose.point(f"{side}_{name}") - ankle) for name in ("heel", "foot_index"))
    return bool(
        hip[1] < knee[1] < ankle[1]
        and shortest * thigh <= shank <= longest * thigh
        and foot_reach <= MAX_FOOT_OVER_SHANK * shank
    )


def feet_in_picture(pose: Pose) -> bool:
    """True when at least one foot is in the picture: seen (visibility >= FOOT_IN_PICTURE_VISIBILITY)
    inside the frame, or placed like a foot inside it while the body's outline ends above the bottom
    edge (low-contrast feet: white socks on a white floor)."""
    if any(_visible_inside(pose, name, FOOT_IN_PICTURE_VISIBILITY) for name in FOOT_POINTS):
        return True
    return not outline_reaches_bottom(pose) and any(_foot_where_it_belongs(pose, side) for side in ("left", "right"))


def check_framing(pose: Pose) -> None:
    """Refuse a photo whose subject is cut off."""
    if not any(_visible_inside(pose, name) for name in HEAD_POINTS):
        raise PostureError(
            "body_cut_off",
            "The head is not visible. Head to feet must be in the picture: step back or tilt the camera up.",
        )
    if not feet_in_picture(pose):
        raise PostureError(
            "body_cut_off",
            "The feet are not visible. Head to feet must be in the picture: step back or point the camera lower.",
        )
    side = _side_cut_off(pose)
    if side is not None:
        raise PostureError(
            "body_cut_off",
            f"Part of the body is outside the {side} edge of the picture. The whole body must be in it: step "
            "into the middle of the frame or move the camera back.",
        )


def _side_cut_off(pose: Pose) -> str | None:
    """The picture's edge ("left" or "right") beyond which a shoulder, hip, knee or ankle lies, or None.

    MediaPipe still places the points of a body the frame cuts at the side, outside the picture; a half body
    was refused as "a foot is lifted" instead. The arms may reach out of the frame.
    """
    parts = ("shoulder", "hip", "knee", "ankle")
    xs = np.array([pose.point(f"{side}_{part}")[0] for side in ("left", "right") for part in parts])
    return "left" if (xs < 0).any() else "right" if (xs > pose.image_size[0]).any() else None


def check_size(pose: Pose) -> None:
    """Refuse a photo whose subject is too small to measure."""
    height = pose.image_size[1]
    tall = person_height_px(pose)
    if tall < MIN_PERSON_FRACTION * height:
        raise PostureError(
            "person_too_small",
            f"The person is only {tall:.0f} px tall ({tall / height:.0%} of "
            "the picture). Move the camera closer so the body fills most of the height.",
        )
    if tall < MIN_PERSON_HEIGHT_PX:
        # The person fills the picture; the picture itself has too few pixels (a thumbnail, a shrunk copy).
        raise PostureError(
            "person_too_small",
            f"The person is only {tall:.0f} px tall although they fill {tall / height:.0%} of the picture: "
            f"the photo has too few pixels ({pose.image_size[0]} x {height}). Upload the original photo "
            f"(the body at least {MIN_PERSON_HEIGHT_PX} px tall), not a thumbnail or a shrunk copy.",
            cause=TOO_FEW_PIXELS,
        )


def trunk_lean_out_of_camera_plane_deg(pose: Pose) -> float:
    """Angle (deg, unsigned) of the world trunk (hip midpoint -> shoulder midpoint) out of the camera's
    vertical plane: 0 for a trunk along the camera's up axis or tipped only toward or away from the
    camera, which is all a camera pitch does to a standing body (see :data:`MAX_TRUNK_FROM_VERTICAL_DEG`)."""
    world = pose.world_m
    trunk = (
        world[INDEX["left_shoulder"]]
        + world[INDEX["right_shoulder"]]
        - world[INDEX["left_hip"]]
        - world[INDEX["right_hip"]]
    ) / 2.0
    length = float(np.linalg.norm(trunk))
    return float(np.degrees(np.arcsin(min(abs(float(trunk[0])) / length, 1.0)))) if length > 0 else 90.0


_FOOT_LIFTED = "One foot is lifted or a step is being taken. Stand still with both feet flat on the floor."


def _on_one_straight_leg(pose: Pose) -> bool:
    """The lower foot's leg is straight in the picture while the other knee is bent past the limit."""
    lower = "left" if pose.point("left_ankle")[1] > pose.point("right_ankle")[1] else "right"
    lifted = "right" if lower == "left" else "left"
    return _knee_flexion_deg(pose, lower) <= MAX_KNEE_FLEXION_DEG < _knee_flexion_deg(pose, lifted)


def check_standing(pose: Pose, view: str) -> None:
    """Refuse a photo whose subject is sitting, lying, crouching, mid-stride or on one foot."""
    hips, shoulders, ankles = pose.midpoint("hip"), pose.midpoint("shoulder"), pose.midpoint("ankle")
    leaning = trunk_lean_out_of_camera_plane_deg(pose) > MAX_TRUNK_FROM_VERTICAL_DEG
    if leaning or not (shoulders[1] < hips[1] < ankles[1]):
        raise PostureError(
            "not_standing",
            "The body is not upright (sitting, lying or bending). Stand tall on both feet, arms relaxed by the sides.",
        )
    leg_px = np.linalg.norm(hips - ankles)
    apart_x, apart_y = np.abs(pose.point("left_ankle") - pose.point("right_ankle"))
    raise_limit = MAX_FOOT_RAISE_OVER_LEG_PROFILE if view in SIDE_VIEWS else MAX_FOOT_RAISE_OVER_LEG
    foot_lifted = apart_y > raise_limit * leg_px
    if foot_lifted and _on_one_straight_leg(pose):
        # A balance or yoga pose (the tree pose): the bent knee belongs to the lifted leg, so
        # "knees bent (crouching, sitting)" would tell the person the wrong thing.
        raise PostureError("not_standing", _FOOT_LIFTED)
    knees_2d = max(_knee_flexion_deg(pose, side) for side in ("left", "right"))
    knees_3d = min(_knee_flexion_deg(pose, side, world=True) for side in ("left", "right"))
    crouch_3d = knees_3d + min(_hip_flexion_deg(pose, side) for side in ("left", "right"))
    bent_in_picture = knees_2d > MIN_CROUCH_KNEE_2D_DEG
    bent_in_3d = knees_3d > MAX_KNEE_FLEXION_3D_DEG or crouch_3d > MAX_CROUCH_3D_DEG[pose.model]
    if knees_2d > MAX_KNEE_FLEXION_DEG or (bent_in_picture and bent_in_3d):
        raise PostureError(
            "not_standing",
            "The knees are bent (crouching, sitting or walking). "
            "Stand relaxed with straight knees, feet hip-width apart.",
        )
    if foot_lifted:
        raise PostureError("not_standing", _FOOT_LIFTED)
    if view in SIDE_VIEWS:
        # Feet hip-width apart lie as far apart in the picture as the hips do, however the body is
        # turned: only the rest is a stride. A back view read as a profile (a camera near the floor
        # looking up: world landmarks 57 deg off) kept 0.36 leg lengths between the feet, all of it stance.
        apart_x -= abs(float(pose.point("left_hip")[0] - pose.point("right_hip")[0]))
    if apart_x > (MAX_STRIDE_OVER_LEG if view in SIDE_VIEWS else MAX_STANCE_OVER_LEG) * leg_px:
        raise PostureError(
            "not_standing",
            "The feet are far apart, as in a stride or lunge. Stand still with the feet hip-width apart.",
        )


def same_person(first: Pose, second: Pose) -> bool:
    """True when two poses are one person found twice (see :data:`SAME_PERSON_MASK_IOU`)."""
    if first.mask is not None and second.mask is not None and first.mask.shape == second.mask.shape:
        union = np.count_nonzero(first.mask | second.mask)
        return bool(union > 0 and np.count_nonzero(first.mask & second.mask) / union > SAME_PERSON_MASK_IOU)
    height = max(first.bbox_px[3] - first.bbox_px[1], 1.0)
    return float(np.mean(np.linalg.norm(first.xy_px - second.xy_px, axis=1))) < SAME_PERSON_LANDMARK_SHIFT * height


def choose_subject(poses: tuple[Pose, ...]) -> tuple[Pose, list[Warning_]]:
    """The person to assess: the most prominent one, unless nobody clearly stands out. A person the
    landmarker returned twice counts once."""
    if not poses:
        raise PostureError("no_person")
    distinct: list[Pose] = []
    for pose in poses:
        if not any(same_person(pose, kept) for kept in distinct):
            distinct.append(pose)
    poses = tuple(distinct)
    subject, warnings = poses[0], []
    if len(poses) > 1:
        ratio = poses[1].prominence / max(subject.prominence, 1.0)
        if ratio >= SECOND_PERSON_ERROR_RATIO:
            raise PostureError(
                "multiple_people",
                f"{len(poses)} people are about the same size in the picture. "
                "Take the photo with only the person to assess in frame.",
            )
        if ratio >= SECOND_PERSON_WARNING_RATIO:
            warnings.append(
                Warning_(
                    "multiple_people",
                    f"{len(poses)} people were found; the most prominent "
                    "one was analysed. Check the overlay shows the right person.",
                )
            )
    return subject, warnings


def framing_warnings(pose: Pose, view: ViewEstimate) -> list[Warning_]:
    """Remarks on a measurable photo: oblique view, turned body, tilted camera, small person."""
    warnings = []
    if view.oblique:
        warnings.append(
            Warning_(
                "oblique_view",
                f"The body is turned about {view.turn_deg:.0f}° from a straight "
                f"{describe_view(view.view)}, too far for any measure to be trusted: "
                "distances shrink and the nearer side looks higher or lower. "
                "Face the camera squarely or stand exactly side-on.",
            )
        )
    elif view.turn_deg > TURNED_FROM_DEG:
        warnings.append(
            Warning_(
                "turned_view",
                f"The body is turned about {view.turn_deg:.0f}° from a straight "
                f"{describe_view(view.view)}: the turn and perspective shift the points by a few "
                "centimetres, so every measure is less certain (its confidence is lowered). "
                "Face the camera squarely or stand exactly side-on.",
            )
        )
    axis_tilt = abs(lean_from_vertical_deg(pose.midpoint("ankle"), pose.midpoint("ear"), 1))
    if view.view not in SIDE_VIEWS and axis_tilt > MAX_CAMERA_TILT_DEG:
        warnings.append(
            Warning_(
                "camera_tilted",
                f"The body axis is {axis_tilt:.0f}° off the picture's "
                "vertical: the camera is tilted or the body leans. Hold the camera level.",
            )
        )
    if head_touches_top(pose):
        warnings.append(
            Warning_(
                "head_at_edge",
                "The top of the head touches the picture's edge, so the "
                "scale comes from the eyes and is less exact. Leave some room above the head.",
            )
        )
    height = pose.image_size[1]
    if person_height_px(pose) < SMALL_PERSON_FRACTION * height:
        warnings.append(
            Warning_(
                "small_person",
                "The person fills less than half of the picture height; "
                "measures are less precise. Move the camera closer.",
            )
        )
    return warnings


def camera_level_warnings(camera_roll_deg: float | None) -> list[Warning_]:
    """A warning when the phone's motion sensor says the camera was held off level (None: no record)."""
    if camera_roll_deg is None or camera_roll_deg < OFF_LEVEL_FROM_DEG:
        return []
    return [
        Warning_(
            "camera_off_level",
            f"The phone's motion sensor recorded the camera held {camera_roll_deg:.1f}° "
            "off level, which shifts every tilt and lean in this photo by about as much. Retake it "
            "with the phone level (most camera apps can show a level or a grid); if the photo was "
            "straightened afterwards, this no longer applies.",
        )
    ]
