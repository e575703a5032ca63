"""Did the camera move? The background's displacement over a clip, measured outside the person.

Every measure of the jump-rope and stand-still analyses reads positions in the picture, so a
camera that pans, bobs or shakes adds its own motion to the person's. The background (everything
outside the person's box) of a still camera does not move; its displacement from the first frame
is tracked with sparse optical flow: corners are picked once on a reference frame (outside the
person), followed into later frames with pyramidal Lucas-Kanade, and the median of their
displacements is the camera's shift. Measuring against one reference (not frame to frame) keeps
sub-pixel errors from adding up over a long clip; the median ignores the rope, the person's shadow
and anything else that moves in front of the background.
"""

from __future__ import annotations

import cv2
import numpy as np

# The background is analysed on a small greyscale copy: enough corners, ~1 ms per sample.
ANALYSIS_WIDTH_PX = 256
# Motion is sampled 10 times a second: a pan or shake lasts longer than 0.1 s.
SAMPLE_INTERVAL_S = 0.1
# The person's box is widened by this fraction of its height on every side: rope, hair, shadow.
PERSON_MARGIN = 0.15
# Fewer reference corners than this: a bare wall, the motion cannot be told (no verdict).
MIN_CORNERS = 12
_MAX_CORNERS = 200
_FLOW_WINDOW_PX = (21, 21)
_FLOW_PYRAMID_LEVELS = 4
_FLOW_STOP = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 30, 0.01)
# A followed corner whose forward-backward round trip misses by more than this (px) is dropped.
_MAX_ROUND_TRIP_PX = 0.5


def person_box(xy_norm: np.ndarray | None) -> tuple[float, float, float, float] | None:
    """(x0, y0, x1, y1) of normalised landmarks widened by :data:`PERSON_MARGIN`, or None."""
    if xy_norm is None or not np.isfinite(xy_norm).all():
        return None
    x0, y0 = xy_norm.min(axis=0)
    x1, y1 = xy_norm.max(axis=0)
    margin = PERSON_MARGIN * (y1 - y0)
    return float(x0 - margin), float(y0 - margin), float(x1 + margin), float(y1 + margin)


class BackgroundMotion:
    """Feed frames in order with :meth:`add`; :attr:`shifts` holds the sampled background shifts.

    ``shifts``: list of (time_s, shift) where shift is the background's displacement from the
    first sampled frame with the person found, as a fraction of the frame's height (NaN when the corners were lost,
    which a large pan causes). Empty when the reference frame had too few corners to tell.
    """

    def __init__(self) -> None:
        self.shifts: list[tuple[float, float]] = []
        self._reference: np.ndarray | None = None
        self._corners: np.ndarray | None = None
        self._last_flow = np.zeros(2, np.float32)
        self._next_time = 0.0
        self._untrackable = False

    def add(self, time_s: float, rgb: np.ndarray, box: tuple[float, float, float, float] | None) -> None:
        """Consider one frame; ``box`` is the person's :func:`person_box` (normalised), None if nobody."""
        if self._untrackable or time_s < self._next_time:
            return
        self._next_time = time_s + SAMPLE_INTERVAL_S
        if self._reference is None:
            # The reference waits for a frame where the person is found: corners picked with
            # nobody masked out may sit on the person, whose jumping would read as a camera move.
            if box is not None:
                self._start(_small_gray(rgb), box)
            return
        gray = _small_gray(rgb)
        self.shifts.append((time_s, self._shift(gray)))

    def _start(self, gray: np.ndarray, box: tuple[float, float, float, float] | None) -> None:
        mask = np.full(gray.shape, 255, np.uint8)
        if box is not None:
            height, width = gray.shape
            x0, y0, x1, y1 = box
            mask[
                max(0, int(y0 * height)) : max(0, int(np.ceil(y1 * height))),
                max(0, int(x0 * width)) : max(0, int(np.ceil(x1 * width))),
            ] = 0
        corners = cv2.goodFeaturesToTrack(gray, _MAX_CORNERS, 0.01, 5, mask=mask, blockSize=5)
        if corners is None or len(corners) < MIN_CORNERS:
            self._untrackable = True
            return
        self._reference, self._corners = gray, corners.astype(np.float32)

    def _shift(self, gray: np.ndarray) -> float:
        reference, corners = self._reference, self._corners
        assert reference is not None
        assert corners is not None
        guess = corners + self._last_flow  # follow a slow pan from where it was last seen
        moved, found, _ = _follow(reference, gray, corners, guess)
        back, found_back, _ = _follow(gray, reference, moved, corners.copy())
        round_trip = np.linalg.norm((back - corners).reshape(-1, 2), axis=1)
        good = (found.ravel() == 1) & (found_back.ravel() == 1) & (round_trip < _MAX_ROUND_TRIP_PX)
        if np.count_nonzero(good) < MIN_CORNERS // 2:
            return float("nan")
        flow = np.median((moved - corners).reshape(-1, 2)[good], axis=0)
        self._last_flow = flow.astype(np.float32)
        return float(np.linalg.norm(flow)) / float(gray.shape[0])


def _follow(
    image: np.ndarray, other: np.ndarray, points: np.ndarray, guess: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pyramidal Lucas-Kanade from ``image`` to ``other``, starting at ``guess``: (points, found, error)."""
    moved, found, error = cv2.calcOpticalFlowPyrLK(
        image,
        other,
        points,
        guess.copy(),
        winSize=_FLOW_WINDOW_PX,
        maxLevel=_FLOW_PYRAMID_LEVELS,
        criteria=_FLOW_STOP,
        flags=cv2.OPTFLOW_USE_INITIAL_FLOW,
    )
    return np.asarray(moved), np.asarray(found), np.asarray(error)


def _small_gray(rgb: np.ndarray) -> np.ndarray:
    height, width = rgb.shape[:2]
    size = (ANALYSIS_WIDTH_PX, max(1, round(height * ANALYSIS_WIDTH_PX / width)))
    return cv2.resize(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), size, interpolation=cv2.INTER_AREA)
