"""What a jump-rope clip keeps when the person is turned away from a straight view.

The same rule as for photos (:mod:`posture.views`: turned past ``TURNED_FROM_DEG``, oblique past
``OBLIQUE_FROM_DEG``), applied to what a clip measures. A turn about the vertical axis leaves the
timing of vertical movements alone (count, cadence, flight and contact, which foot lands first, which
hand leads), but shortens every sideways distance by cos(turn) and brings one side nearer the camera,
where perspective makes it look bigger: 30 cm between the feet turned by 40 deg put one foot ~19 cm
nearer; from 3 m away that side's lifts look ~6 % larger, most of a 10 % symmetry threshold.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from posture.jump.records import JumpRecord
from posture.jump.session import JumpSession
from posture.jump.summary import Measurement, not_assessed
from posture.views import ViewEstimate, describe_view

# Left/right comparisons of sizes and positions in the picture, and sideways distances: what a turn
# distorts. Per-side sizes stay (their scale shifts by a few %), with the lowered confidence.
TURN_DISTORTED_KEYS = (
    "foot_clearance_si_pct",
    "hand_circle_si_pct",
    "landing_depth_diff_cm",
    "hand_height_diff_cm",
    "hand_spread_diff_cm",
    "lateral_shift_cm",
    "lateral_sway_cm",
    "trunk_lateral_lean_deg",
    "trunk_twist_deg",
)
OBLIQUE_REASON = (
    "the body is turned about {turn:.0f}° from the camera: sideways distances shrink and the nearer "
    "side looks bigger; this comparison needs a straight view"
)


def for_turned_body(session: JumpSession, view: ViewEstimate) -> JumpSession:
    """``session`` as far as a body turned ``view.turn_deg`` from the straight view can show it.

    Turned (``TURNED_FROM_DEG`` to ``OBLIQUE_FROM_DEG``): every measure stays, its confidence times
    ``view.turn_confidence``, with a ``turned_view`` warning. Oblique: the distorted comparisons
    (:data:`TURN_DISTORTED_KEYS`) are not assessed, the rest keep half their confidence, with an
    ``oblique_view`` warning, and each jump's values of those measures are blanked as well (the JSON and
    the charts showed a per-jump twist under a summary saying it was not assessed). A straighter view is
    returned as it is.
    """
    factor = view.turn_confidence
    if factor >= 1.0:
        return session
    straight = describe_view(view.view)
    if view.oblique:
        warning = (
            f"oblique_view: the body is turned about {view.turn_deg:.0f}° from a straight {straight}; "
            "the jumps are counted and timed, but left-right comparisons of size and position are not "
            "assessed. Film square to the body, from the front, the back or exactly side-on"
        )
    else:
        warning = (
            f"turned_view: the body is turned about {view.turn_deg:.0f}° from a straight {straight}; "
            "the turn and perspective make one side look nearer, so every measure is less certain "
            "(its confidence is lowered). Film square to the body, from the front, the back or exactly side-on"
        )
    measurements = {key: _turned(key, measurement, view, factor) for key, measurement in session.measurements.items()}
    jumps = [_distorted_blanked(jump) for jump in session.jumps] if view.oblique else session.jumps
    return replace(session, measurements=measurements, jumps=jumps, warnings=[*session.warnings, warning])


def _distorted_blanked(jump: JumpRecord) -> JumpRecord:
    """``jump`` without its values of the measures in :data:`TURN_DISTORTED_KEYS` (its only per-jump ones)."""
    return replace(jump, trunk_twist_deg=np.nan, lateral_sway_cm=np.nan)


def _turned(key: str, measurement: Measurement, view: ViewEstimate, factor: float) -> Measurement:
    if measurement.status == "not_assessed":
        return measurement
    if view.oblique and key in TURN_DISTORTED_KEYS:
        return not_assessed(measurement.unit, OBLIQUE_REASON.format(turn=view.turn_deg))
    return replace(measurement, confidence=measurement.confidence * factor)
