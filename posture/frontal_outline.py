"""Left-right cues of a front or back photo beyond the measured points: what the whole outline shows.

MediaPipe places its ears, shoulders and hips as if the body were nearly symmetric: on 120 rendered
people a 2 deg pelvic obliquity reads near 0 and the head tilt is read at about 0.45 of its true
size. The person's segmentation mask is not pulled that way: the head's silhouette turns with the
head, the top of the shoulders follows the shoulder girdle, and the hanging arm carries the elbow
down with its shoulder, and from behind the folds under the buttocks lie level only on a level pelvis
(gluteal fold asymmetry is the clinical sign of a leg-length difference). These cues are read on each
front and back photo and, with both views, feed
the joint estimate of :mod:`posture.assessment.joint_views` (fitted and checked held out by
``bench/accuracy.py``).

Every cue is a tilt in degrees with the sign of :func:`posture.measures.frontal_tilt_deg`: + when
the subject's left side is higher. A cue the photo cannot show is left out (never guessed).
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d

from posture.anatomy import left_sign_of
from posture.geometry import frontal_tilt_deg
from posture.imaging import Photo
from posture.pose import Pose

HEAD_OUTLINE = "head_outline_tilt_deg"
SHOULDER_OUTLINE = "shoulder_outline_tilt_deg"
ELBOW_LINE = "elbow_tilt_deg"
KNEE_LINE = "knee_tilt_deg"
GLUTEAL_FOLDS = "gluteal_fold_tilt_deg"
CUES = (HEAD_OUTLINE, SHOULDER_OUTLINE, ELBOW_LINE, KNEE_LINE, GLUTEAL_FOLDS)
# The views that show each cue: the folds under the buttocks face the back.
CUE_VIEWS: dict[str, tuple[str, ...]] = {name: ("front", "back") for name in CUES} | {GLUTEAL_FOLDS: ("back",)}

# The head's silhouette is read above this fraction of the way from the ears down to the shoulders
# (below it the neck and the trapezius widen the shape).
NECK_FRACTION = 0.45
# Columns where the top of the shoulders is read: fractions of the way from the shoulders' midpoint out
# to each shoulder point and a little past it, over the joint and the deltoid. Inside 0.7 the neck and
# trapezius make the outline (its tilt there correlates negatively with the shoulders'). Held out on
# 120 subjects (mask edge only) the joint shoulder tilt was 0.51 deg with 0.9-1.2, 0.53 with 0.8-1.2,
# 0.62 with 0.6-1.0.
SHOULDER_COLUMNS = np.linspace(0.9, 1.2, 7)
# The outline is not trusted when it disagrees with MediaPipe's shoulder line by more than this (deg):
# something other than the shoulders makes it (hair on a shoulder, a strap, a raised collar). On the 240
# front and back renders the two differ by 4.1 deg at most; on a real front photo with long hair, by 13.
SHOULDER_OUTLINE_MAX_DISAGREEMENT_DEG = 6.0
# MediaPipe computes its mask at a low resolution and scales it up, so the mask's top edge wanders by a
# pixel or two from the picture's; over a shoulders' width of 180 px one pixel is 0.3 deg. Each column's
# edge is therefore refined on the picture: the row where the colour crosses halfway from the background
# just above the mask's edge to the body just below it, searched within EDGE_REACH of the mask's edge.
# Windows are shares of the shoulders' width (px), so they scale with the person's size in the picture.
# Held out on 120 subjects the joint shoulder tilt went from 0.51 to 0.48 deg (0.51 to 0.49 over 20
# grouped 5-fold splits, lower on every one); halved or doubled windows also give 0.48.
EDGE_REACH = 0.045
EDGE_BACKGROUND = (0.07, 0.03)
EDGE_BODY = (0.025, 0.06)
# Below this colour distance (RGB, 0-255 each) between background and body (white shirt, white wall) the
# picture shows no edge and the mask's edge is kept (half or twice this: 0.49 deg held out).
MIN_EDGE_CONTRAST = 25.0
# An arm counts as hanging when its upper arm is within this angle (deg) of vertical; a hand on the
# hip or a raised arm moves the elbow for reasons other than the shoulder's height.
HANGING_ARM_MAX_DEG = 25.0
MIN_HEAD_PIXELS = 50
# Where the fold under each buttock is looked for in a back photo: from the hip point's height down this
# share of the way to the knee, in a band this share of half the hips' width either side of the hip
# point. The held-out joint pelvic obliquity was 0.69-0.73 deg for windows ending at 0.35-0.45 and bands
# of 0.2-0.4 (0.88 for a window ending at 0.3, which can miss a low fold).
FOLD_WINDOW = (0.0, 0.4)
FOLD_BAND = 0.3
# A fold is a dark line between brighter skin or cloth above and below: its brightness must dip by this
# many grey levels (0-255) under the brighter of its two sides, else the cue is left out (loose clothing
# hides the folds). On the 120 back renders the dip is 23 grey levels or more.
MIN_FOLD_DIP = 8.0
FOLD_SMOOTHING_PX = 2.0
# The folds are not trusted when their line disagrees with MediaPipe's hip line by more than this (deg):
# the dark lines found are then something else (a wrinkle, a pocket's edge). On the 108 back renders
# with folds the two differ by 7.0 deg at most.
FOLD_MAX_DISAGREEMENT_DEG = 10.0
# The silhouette is not trusted when it disagrees with the ear line by more than this (deg): the mask
# then lost part of the head (white hair against a white wall read 34 deg on a head tilted 9 deg). On the
# 240 front and back renders the two disagree by more than this on 1 % of photos.
HEAD_OUTLINE_MAX_DISAGREEMENT_DEG = 12.0


def head_outline_tilt_deg(pose: Pose, left_sign: int) -> float | None:
    """Roll (deg) of the head's silhouette: the long axis of the mask above the neck against vertical.

    + when the subject's left side of the head is higher (the head leans toward the right
    shoulder), as ``head_tilt_deg``. Read from the second moments of the mask pixels inside the
    shoulders' width and above :data:`NECK_FRACTION` of the ear-to-shoulder height. Normal: within
    +-3 deg like the ear line (the tilt a clinician notes; Ferreira 2011 for frontal alignment).
    None without a mask or a head on it, or when it disagrees with the ear line by more than
    :data:`HEAD_OUTLINE_MAX_DISAGREEMENT_DEG`. ``left_sign``: +1 front view, -1 back view.
    """
    if pose.mask is None:
        return None
    scale = pose.mask_scale
    shoulders, ear_y = pose.midpoint("shoulder"), float(pose.midpoint("ear")[1])
    half_width = abs(float(pose.point("left_shoulder")[0] - pose.point("right_shoulder")[0])) / 2.0
    neck_y = ear_y + NECK_FRACTION * (float(shoulders[1]) - ear_y)
    x0 = max(int((shoulders[0] - half_width) * scale), 0)
    x1 = min(int((shoulders[0] + half_width) * scale), pose.mask.shape[1])
    y1 = min(int(neck_y * scale), pose.mask.shape[0])
    if y1 <= 0 or x1 <= x0:
        return None
    ys, xs = np.nonzero(pose.mask[:y1, x0:x1])
    if len(xs) < MIN_HEAD_PIXELS:
        return None
    dx, dy = xs - xs.mean(), ys - ys.mean()
    # Angle of the major axis from vertical; + when the top of the head lies toward image-left.
    toward_image_left_deg = 0.5 * np.degrees(np.arctan2(2.0 * (dx * dy).mean(), (dy * dy).mean() - (dx * dx).mean()))
    tilt = float(toward_image_left_deg * left_sign)
    ear_line = frontal_tilt_deg(pose.point("left_ear"), pose.point("right_ear"), left_sign)
    return tilt if abs(tilt - ear_line) <= HEAD_OUTLINE_MAX_DISAGREEMENT_DEG else None


def shoulder_outline_tilt_deg(pose: Pose, left_sign: int, rgb: np.ndarray | None = None) -> float | None:
    """Tilt (deg) of the top of the shoulders' outline: + when the subject's left is higher.

    At each of :data:`SHOULDER_COLUMNS` the top of the shoulder is found on both sides: the highest
    mask pixel below the ears, refined on the picture ``rgb`` (the decoded image the mask was found
    on) by :func:`picture_top_edge_row`; the tilt is the median over the columns of the left-right height
    difference over the distance between the two columns. Shoulders >= 2 deg notable, as
    ``shoulder_tilt_deg``. None without a mask, unless both arms hang (a raised arm lifts the deltoid's
    outline), when no column crosses the shoulders, or when it disagrees with the shoulder points' line
    by more than :data:`SHOULDER_OUTLINE_MAX_DISAGREEMENT_DEG`. ``left_sign``: +1 front view, -1 back view.
    """
    if pose.mask is None or not (_arm_hangs(pose, "left") and _arm_hangs(pose, "right")):
        return None
    scale, mask = pose.mask_scale, pose.mask
    picture = rgb if rgb is not None and rgb.ndim == 3 and rgb.shape[:2] == mask.shape else None
    middle = pose.midpoint("shoulder")
    left, right = pose.point("left_shoulder"), pose.point("right_shoulder")
    across_px = abs(float(left[0] - right[0]))
    top = int(max(float(pose.midpoint("ear")[1]), 0.0) * scale)
    bottom = int(min((max(float(left[1]), float(right[1])) + across_px / 2.0) * scale, mask.shape[0]))
    tilts = []
    for fraction in SHOULDER_COLUMNS:
        heights = []
        for point in (left, right):
            column = round(float(middle[0] + (point[0] - middle[0]) * fraction) * scale)
            if not 0 <= column < mask.shape[1]:
                break
            filled = np.flatnonzero(mask[top:bottom, column])
            if not len(filled):
                break
            row = float(top + filled[0])
            if picture is not None:
                row = picture_top_edge_row(picture[:, column], top + int(filled[0]), across_px * scale)
            heights.append(row / scale)
        if len(heights) == 2:
            tilts.append(np.degrees(np.arctan2(heights[1] - heights[0], across_px * fraction)))
    if not tilts or across_px <= 0:
        return None
    tilt = float(np.median(tilts))
    shoulder_line = frontal_tilt_deg(left, right, left_sign)
    return tilt if abs(tilt - shoulder_line) <= SHOULDER_OUTLINE_MAX_DISAGREEMENT_DEG else None


def picture_top_edge_row(column: np.ndarray, mask_row: int, across_px: float) -> float:
    """The row (decoded px, fractional) of the body's top edge in one picture ``column`` (rows x RGB).

    Background and body colours are the medians of :data:`EDGE_BACKGROUND` above and :data:`EDGE_BODY`
    below the mask's top row ``mask_row`` (shares of the shoulders' width ``across_px``, decoded px); the
    edge is where the colour, projected on the line from one to the other, first crosses halfway,
    searched within :data:`EDGE_REACH` of the mask's row. ``mask_row`` itself when the picture shows no
    such edge there (too little contrast, the windows leave the picture, no crossing).
    """
    far_above, near_above = (max(round(share * across_px), 1) for share in EDGE_BACKGROUND)
    near_below, far_below = (max(round(share * across_px), 1) for share in EDGE_BODY)
    reach = max(round(EDGE_REACH * across_px), 1)
    first, last = mask_row - max(far_above, reach), mask_row + max(far_below, reach)
    if first < 0 or last >= len(column):
        return float(mask_row)
    colours = column.astype(float)
    background = np.median(colours[mask_row - far_above : mask_row - near_above + 1], axis=0)
    body = np.median(colours[mask_row + near_below : mask_row + far_below + 1], axis=0)
    contrast = body - background
    if float(np.linalg.norm(contrast)) < MIN_EDGE_CONTRAST:
        return float(mask_row)
    rows = np.arange(mask_row - reach, mask_row + reach + 1)
    # 0 at the background's colour, 1 at the body's.
    share = (colours[rows] - background) @ contrast / float(contrast @ contrast)
    crossings = np.flatnonzero((share[:-1] < 0.5) & (share[1:] >= 0.5))
    if not len(crossings):
        return float(mask_row)
    i = int(crossings[0])
    return float(rows[i] + (0.5 - share[i]) / (share[i + 1] - share[i]))


def _arm_hangs(pose: Pose, side: str) -> bool:
    shoulder, elbow = pose.point(f"{side}_shoulder"), pose.point(f"{side}_elbow")
    down = float(elbow[1] - shoulder[1])
    return down > 0 and np.degrees(np.arctan2(abs(float(elbow[0] - shoulder[0])), down)) <= HANGING_ARM_MAX_DEG


def elbow_tilt_deg(pose: Pose, left_sign: int) -> float | None:
    """Tilt (deg) of the right -> left elbow line, + when the left elbow is higher.

    With both arms hanging, each elbow hangs one upper arm below its shoulder, so the elbow line
    repeats the shoulder tilt (shoulders >= 2 deg notable). None unless both arms hang within
    :data:`HANGING_ARM_MAX_DEG` of vertical.
    """
    if not (_arm_hangs(pose, "left") and _arm_hangs(pose, "right")):
        return None
    return frontal_tilt_deg(pose.point("left_elbow"), pose.point("right_elbow"), left_sign)


def knee_tilt_deg(pose: Pose, left_sign: int) -> float | None:
    """Tilt (deg) of the right -> left knee line, + when the left knee is higher.

    A leg-length difference, the usual cause of a pelvic obliquity while standing, lifts the
    longer leg's knee too (on the renders' true points the knee height difference is 0.6 of the
    hips', correlation 0.87). Pelvic obliquity > 1 deg notable (engineering default).
    """
    return frontal_tilt_deg(pose.point("left_knee"), pose.point("right_knee"), left_sign)


def _fold_height_px(rgb: np.ndarray, scale: float, pose: Pose, side: str) -> float | None:
    """Height (px, full resolution) of the deepest dark line under the ``side`` buttock, if it dips enough."""
    hip, knee = pose.point(f"{side}_hip"), pose.point(f"{side}_knee")
    half_hips = abs(float(pose.point("left_hip")[0] - pose.point("right_hip")[0])) / 2.0
    top, bottom = (float(hip[1] + share * (knee[1] - hip[1])) for share in FOLD_WINDOW)
    rows = slice(max(int(top * scale), 0), min(int(bottom * scale), rgb.shape[0]))
    columns = slice(
        max(int((hip[0] - FOLD_BAND * half_hips) * scale), 0),
        min(int((hip[0] + FOLD_BAND * half_hips) * scale) + 1, rgb.shape[1]),
    )
    window = rgb[rows, columns].astype(float).mean(axis=2)
    if window.shape[0] < 3 or window.shape[1] < 1:
        return None
    profile = gaussian_filter1d(window.mean(axis=1), max(FOLD_SMOOTHING_PX * scale, 0.5))
    # Each row's dip under the brighter of the two sides (the brightest row above it, the brightest below);
    # the fold is the deepest dip, not merely the darkest row, which can be a darker band at either end.
    dips = np.minimum(np.maximum.accumulate(profile), np.maximum.accumulate(profile[::-1])[::-1]) - profile
    fold = int(np.argmax(dips))
    if dips[fold] < MIN_FOLD_DIP:
        return None
    return (rows.start + fold) / scale


def gluteal_fold_tilt_deg(photo: Photo, pose: Pose) -> float | None:
    """Tilt (deg) of the line through the folds under the buttocks in a back photo, + when the left is higher.

    Each fold is the row of the deepest dip (at least :data:`MIN_FOLD_DIP` grey levels) in the
    :data:`FOLD_WINDOW` below that side's hip point; uneven folds are the clinical sign of a pelvic
    obliquity from a leg-length difference (Magee, Orthopedic Physical Assessment), > 1 deg notable as
    ``pelvic_obliquity_deg``. None when either fold is not seen, or when the folds' line disagrees with
    the hip points' line by more than :data:`FOLD_MAX_DISAGREEMENT_DEG`.
    """
    left_y, right_y = (_fold_height_px(photo.rgb, photo.scale, pose, side) for side in ("left", "right"))
    if left_y is None or right_y is None:
        return None
    left, right = np.array([pose.point("left_hip")[0], left_y]), np.array([pose.point("right_hip")[0], right_y])
    tilt = frontal_tilt_deg(left, right, left_sign_of("back"))
    hip_line = frontal_tilt_deg(pose.point("left_hip"), pose.point("right_hip"), left_sign_of("back"))
    return tilt if abs(tilt - hip_line) <= FOLD_MAX_DISAGREEMENT_DEG else None


def frontal_cues(pose: Pose, view: str, photo: Photo | None = None) -> dict[str, float]:
    """Every cue of :data:`CUES` that a front or back photo shows (deg); empty for a profile.

    ``photo`` (the picture the pose was found on) refines the top of the shoulders and gives the gluteal
    folds of a back view."""
    if view not in ("front", "back"):
        return {}
    left_sign = left_sign_of(view)
    cues = {
        HEAD_OUTLINE: head_outline_tilt_deg(pose, left_sign),
        SHOULDER_OUTLINE: shoulder_outline_tilt_deg(pose, left_sign, None if photo is None else photo.rgb),
        ELBOW_LINE: elbow_tilt_deg(pose, left_sign),
        KNEE_LINE: knee_tilt_deg(pose, left_sign),
    }
    if view == "back" and photo is not None:
        cues[GLUTEAL_FOLDS] = gluteal_fold_tilt_deg(photo, pose)
    return {name: value for name, value in cues.items() if value is not None and np.isfinite(value)}
