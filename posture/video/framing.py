"""Clip-level refusals: is this clip's person trackable and its camera still enough to measure?

A single bad frame is normal in a video (a hand over the face, a blurred jump); what matters is
how much of the clip is affected. Each check below therefore counts frames and refuses the clip
only when a stated share of it is unusable, with a message saying what to change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posture.errors import PostureError
from posture.gates import FOOT_IN_PICTURE_VISIBILITY, FOOT_POINTS, HEAD_POINTS, MIN_PERSON_FRACTION, VISIBLE
from posture.pose import INDEX
from posture.video.track import PoseTrack

MIN_PERSON_SHARE = 0.5
"""A person must be found in at least half of the frames; below that nothing over time can be
measured (the jump analysis needs every landing)."""

SECOND_PERSON_RATIO = 0.6
"""A second person whose landmark box is at least this fraction of the subject's is "equally
prominent" (the photo rule, posture.gates.SECOND_PERSON_ERROR_RATIO, on box areas)."""

MAX_SECOND_PERSON_SHARE = 0.25
"""... and refuses the clip when that holds in over a quarter of the checked frames with a person:
the landmarker may then jump between the two."""

MAX_CUT_OFF_SHARE = 0.2
"""The head or both feet may be outside the picture (or hidden) in at most a fifth of the frames
with a person: the jump measures need the feet at every landing and the head for the body's
scale; 20 % lost frames (~1 s of a 5 s clip) still leave most jumps whole."""

EDGE_MARGIN = 0.005
"""A landmark within this fraction of the frame's size from the edge counts as outside."""

CAMERA_MAX_SHIFT = 0.02
"""Largest background displacement from the first frame (fraction of the frame's height) a still
camera may show in 90 % of the samples. 2 % of a portrait frame is ~4 cm at the person (a 2 m
field of view): as large as a foot's clearance, so any more would be read as the person's motion.
Measured (docs/video.md): the still public renders < 0.002 %, a test clip panning 100 px over 3 s
while bobbing +-40 px 7.7 %, one wobbling +-30/40 px 4.1 %. Not yet measured on real hand-held or
propped-up phones."""

MAX_LOST_BACKGROUND_SHARE = 0.2
"""Background corners lost in over a fifth of the samples means the view itself changed (a pan)."""


@dataclass(frozen=True)
class ClipEvidence:
    """Per-frame facts the landmark track does not hold.

    ``second_person_ratio``: (n,) the second person's landmark-box area over the larger person's (0
    when alone), NaN on the frames that were not checked for a second person (the check samples
    the clip, see :data:`posture.video.tracking.CROWD_CHECK_INTERVAL_S`). ``camera_shift``: (m,)
    the background's displacement from the first frame at m sampled times, fraction of the frame's
    height (NaN where it could not be followed; empty when the background had too little texture
    to tell).
    """

    second_person_ratio: np.ndarray
    camera_shift: np.ndarray


def check_clip(track: PoseTrack, evidence: ClipEvidence) -> None:
    """Refuse the clip with :class:`PostureError` when the person or the camera makes it unmeasurable.

    Order: ``no_person``, ``multiple_people`` (over the frames checked for a second person),
    ``body_cut_off``, ``person_too_small``, ``camera_moving`` (thresholds: the module constants).
    """
    seen = track.seen
    frames = len(track)
    if frames == 0 or np.count_nonzero(seen) < MIN_PERSON_SHARE * frames:
        share = np.count_nonzero(seen) / max(frames, 1)
        raise PostureError(
            "no_person",
            f"A person was found in only {share:.0%} of the clip. Film the whole "
            "body, in good light, facing or side-on to the camera.",
        )
    checked = seen & np.isfinite(evidence.second_person_ratio)
    crowded = np.count_nonzero(evidence.second_person_ratio[checked] >= SECOND_PERSON_RATIO) / max(
        int(np.count_nonzero(checked)), 1
    )
    if crowded > MAX_SECOND_PERSON_SHARE:
        raise PostureError(
            "multiple_people",
            f"Another person about the same size is in {crowded:.0%} of the "
            "clip. Film with only the person to measure in the picture.",
        )
    head_out, feet_out = _cut_off_shares(track)
    if max(head_out, feet_out) > MAX_CUT_OFF_SHARE:
        part, hint = (
            ("head is", "step back or tilt the camera up")
            if head_out >= feet_out
            else ("feet are", "step back or point the camera lower")
        )
        raise PostureError(
            "body_cut_off",
            f"The {part} outside the picture in {max(head_out, feet_out):.0%} "
            f"of the clip. Head to feet must stay in the picture while moving: {hint}.",
        )
    tall = median_person_fraction(track)
    if tall < MIN_PERSON_FRACTION:
        raise PostureError(
            "person_too_small",
            f"The person fills only {tall:.0%} of the picture's height. "
            "Move the camera closer so the body fills most of the height.",
        )
    if camera_moved(evidence.camera_shift):
        raise PostureError("camera_moving")


def median_person_fraction(track: PoseTrack) -> float:
    """Median over frames of the person's landmark height (eyes to toes, px) over the frame's height.

    About 0.93 of the person's stature in pixels; 0 when nobody was found.
    """
    heights = np.ptp(track.xy_px[track.seen, :, 1], axis=1)
    return float(np.median(heights)) / track.image_size[1] if heights.size else 0.0


def camera_moved(shifts: np.ndarray) -> bool:
    """True when the background moved: its 90th-percentile shift exceeds :data:`CAMERA_MAX_SHIFT` or it
    was lost in over :data:`MAX_LOST_BACKGROUND_SHARE` of the samples. False when nothing was sampled."""
    if shifts.size == 0:
        return False
    finite = shifts[np.isfinite(shifts)]
    if 1.0 - finite.size / shifts.size > MAX_LOST_BACKGROUND_SHARE:
        return True
    return bool(finite.size) and float(np.percentile(finite, 90)) > CAMERA_MAX_SHIFT


def _cut_off_shares(track: PoseTrack) -> tuple[float, float]:
    """Shares of the frames with a person whose head / both feet are not visibly inside the picture."""
    seen = track.seen
    head = _any_inside(track, HEAD_POINTS, VISIBLE)[seen]
    feet = _any_inside(track, FOOT_POINTS, FOOT_IN_PICTURE_VISIBILITY)[seen]
    return float(np.mean(~head)), float(np.mean(~feet))


def _any_inside(track: PoseTrack, names: tuple[str, ...], min_visibility: float) -> np.ndarray:
    """(n,) True where at least one of ``names`` lies inside the frame with at least ``min_visibility``."""
    index = [INDEX[name] for name in names]
    size = np.array(track.image_size, dtype=np.float64)
    xy = track.xy_px[:, index, :]
    with np.errstate(invalid="ignore"):
        inside = ((xy >= EDGE_MARGIN * size) & (xy <= (1.0 - EDGE_MARGIN) * size)).all(axis=2)
    return np.asarray((inside & (track.visibility[:, index] >= min_visibility)).any(axis=1))
