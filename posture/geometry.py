"""Angles (deg) and distances (cm) between landmark points: one small pure function per measure of docs/measures.md.

Sign rules (the same everywhere): frontal tilts are + when the subject's LEFT side is higher;
lateral leans and shifts are + toward the subject's LEFT; sagittal offsets are + when the first
point is ANTERIOR of the second; pelvic tilt + = anterior; knee valgus + = knee medial of the
hip-ankle line. Pixel coordinates are x right, y down.
"""

from __future__ import annotations

import numpy as np

# --- side view --------------------------------------------------------------------------------


def craniovertebral_angle_deg(c7: np.ndarray, tragus: np.ndarray, anterior_sign: int) -> float:
    """Craniovertebral angle in degrees: the line C7 -> tragus above horizontal.

    Smaller = head further forward. Normal >= 50 deg (Lau 2009: 50.6 +- 2.1 without neck pain,
    43.9 +- 3.6 with); < 45.5 deg moderate-severe forward head (Mostafaee 2024); MDC ~5 deg.
    Points are pixels (x right, y down); ``anterior_sign`` +1 when the subject faces image-right.
    """
    forward = (tragus[0] - c7[0]) * anterior_sign
    return float(np.degrees(np.arctan2(c7[1] - tragus[1], forward)))


def horizontal_offset_cm(first: np.ndarray, second: np.ndarray, anterior_sign: int, cm_per_px: float) -> float:
    """How far (cm) ``first`` sits ahead of ``second`` horizontally; negative = behind.

    Used for ear ahead of shoulder (> 5 cm forward head, engineering default) and knee ahead of
    ankle (negative = hyperextended knee).
    """
    return float((first[0] - second[0]) * anterior_sign * cm_per_px)


def offset_from_line_cm(
    point: np.ndarray, line_low: np.ndarray, line_high: np.ndarray, anterior_sign: int, cm_per_px: float
) -> float:
    """Horizontal distance (cm) of ``point`` ahead of the line through ``line_low`` and ``line_high``.

    With ankle and hip joint, extended up to the shoulder's height: the plumb line of a lateral
    posture photo; a shoulder ahead of it means rounded shoulders or a swayed trunk.
    """
    return float((point[0] - line_x_at(line_low, line_high, point[1])) * anterior_sign * cm_per_px)


def line_x_at(first: np.ndarray, second: np.ndarray, y_px: float) -> float:
    """x (px) of the straight line through ``first`` and ``second``, extended to height ``y_px``."""
    return float(first[0] + (second[0] - first[0]) * (y_px - first[1]) / (second[1] - first[1]))


def bend_deg(first: np.ndarray, joint: np.ndarray, last: np.ndarray) -> float:
    """How far (deg) the chain ``first`` -> ``joint`` -> ``last`` bends at ``joint``: 0 when in line.

    Works for pixel (2D) and metric world (3D) points alike.
    """
    into, out = joint - first, last - joint
    lengths = np.linalg.norm(into) * np.linalg.norm(out)
    if lengths == 0:
        return 0.0  # two points on top of each other: no bend to speak of
    return float(np.degrees(np.arccos(np.clip(np.dot(into, out) / lengths, -1.0, 1.0))))


def lean_from_vertical_deg(lower: np.ndarray, upper: np.ndarray, toward_sign: int) -> float:
    """Angle (deg) of the line ``lower`` -> ``upper`` from vertical, + toward ``toward_sign`` (image x).

    Trunk lean: hip -> shoulder, + forward (normal within +-5 deg, engineering default). Trunk
    lateral lean: hip midpoint -> shoulder midpoint, + toward the subject's left (+-2 deg).
    """
    return float(np.degrees(np.arctan2((upper[0] - lower[0]) * toward_sign, lower[1] - upper[1])))


# --- front or back view -----------------------------------------------------------------------


def frontal_tilt_deg(left: np.ndarray, right: np.ndarray, left_sign: int) -> float:
    """Tilt (deg) of the right -> left line against horizontal, + when the subject's left is higher.

    Shoulders: >= 2 deg notable (engineering default; >= 68 % of young adults show some tilt,
    Ferreira 2011). Hips: pelvic obliquity. Ears: head tilt (>= 3 deg notable). ``left_sign`` is
    +1 when the subject's left is on image right (front view), -1 (back view).
    """
    across = (left[0] - right[0]) * left_sign
    return float(np.degrees(np.arctan2(right[1] - left[1], across)))


def height_difference_cm(left: np.ndarray, right: np.ndarray, cm_per_px: float) -> float:
    """Height (cm) of the left point minus the right one (shoulders >= 1.5 cm, hips > 1 cm notable)."""
    return float((right[1] - left[1]) * cm_per_px)


def lateral_shift_cm(lower: np.ndarray, upper: np.ndarray, left_sign: int, cm_per_px: float) -> float:
    """Sideways offset (cm) of ``upper`` from ``lower``, + toward the subject's left (> 2 cm notable)."""
    return float((upper[0] - lower[0]) * left_sign * cm_per_px)


def knee_valgus_deg(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, medial_sign: int) -> float:
    """Frontal plane projection angle (deg) between thigh and shank, + valgus (knee medial).

    0 = straight hip-knee-ankle line. Standing values sit near 0; the 2D method's SEM is ~3 deg
    and a real change needs > 7.5-9 deg (Munro 2012). ``medial_sign`` is the image-x direction
    of the body's midline from this leg.
    """
    angle = bend_deg(hip, knee, ankle)
    return angle if (knee[0] - line_x_at(hip, ankle, knee[1])) * medial_sign >= 0 else -angle
