"""Centimetres per pixel of a skipping clip.

A skipper never stands straight (knees bend, heels lift), so the crown-to-floor height of the
photo engine does not work; the body's segment lengths do: shank, thigh and trunk are fixed
fractions of stature (Drillis & Contini 1966, Winter 2009 "Biomechanics and Motor Control of
Human Movement", table 4.1) and are seen at full length in the frames where they are straightest.
"""

from __future__ import annotations

import numpy as np

from posture.jump.signals import CleanTrack

# Fractions of stature (Drillis & Contini): knee-ankle 0.285-0.039, hip-knee 0.530-0.285,
# hip joint to shoulder joint 0.818-0.530.
SEGMENT_FRACTIONS = {("knee", "ankle"): 0.246, ("hip", "knee"): 0.245, ("hip", "shoulder"): 0.288}
# Segments foreshorten when they bend toward the camera; their long end shows full length.
STRAIGHTEST_PERCENTILE = 90.0


def _length_px(track: CleanTrack, a: str, b: str) -> np.ndarray:
    return np.asarray(
        (
            np.linalg.norm(track.point(f"left_{a}") - track.point(f"left_{b}"), axis=1)
            + np.linalg.norm(track.point(f"right_{a}") - track.point(f"right_{b}"), axis=1)
        )
        / 2.0
    )


def stature_px(track: CleanTrack) -> float:
    """The person's standing height in px from the lengths of shank, thigh and trunk."""
    estimates = []
    for (a, b), fraction in SEGMENT_FRACTIONS.items():
        length = _length_px(track, a, b)
        length = length[np.isfinite(length)]
        if length.size:
            estimates.append(float(np.percentile(length, STRAIGHTEST_PERCENTILE)) / fraction)
    return float(np.median(estimates)) if estimates else float("nan")


def cm_per_px(track: CleanTrack, height_cm: float, segment_correction: float) -> float:
    """Centimetres per pixel at the body's depth from the person's height (cm).

    ``segment_correction`` (thresholds.toml) is how much longer the tracked segments are than
    the textbook fractions say (landmarks sit off the joint centres), fitted once on the public
    clips' exact keypoints and checked on the held-out ones.
    """
    return height_cm / stature_px(track) * segment_correction
