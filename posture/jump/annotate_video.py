"""The analysed jump-rope clip drawn over: skeleton, touchdown marks and the latest jump's left/right values.

:func:`annotated_clip` decodes the clip again (upright, like the tracker saw it), draws each frame
from the :class:`~posture.video.track.PoseTrack` and the session's per-jump records, and encodes an
H.264 MP4 (yuv420p, index first) that browsers play inline. Frame times are kept (variable frame
rate stays variable), so the marks fall on the frames where the engine found the touchdowns.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

import av
import cv2
import numpy as np

from posture.annotate import SKELETON
from posture.jump.records import SIDES, JumpRecord
from posture.pose import INDEX
from posture.video.decode import VideoSource, iter_frames
from posture.video.track import PoseTrack

__all__ = ["LEFT_RGB", "MAX_SIDE_PX", "RIGHT_RGB", "annotated_clip", "draw_frame"]

MAX_SIDE_PX = 640
"""Long side of the drawn clip (px): enough to see the skeleton on a phone, small enough to stream."""
LEFT_RGB = (245, 130, 40)
RIGHT_RGB = (40, 150, 245)
SKELETON_RGB = (235, 235, 235)
TOUCHDOWN_MARK_S = 0.2
"""How long a touchdown mark stays on screen (s): a few frames at any frame rate."""
_SIDE_RGB = {"left": LEFT_RGB, "right": RIGHT_RGB}
_TIME_BASE = Fraction(1, 90_000)
_X264_OPTIONS = {"preset": "veryfast", "crf": "26"}


class AnalysedClip(Protocol):
    """What the drawing reads from :class:`posture.jump.engine.JumpAnalysis`."""

    @property
    def track(self) -> PoseTrack: ...

    @property
    def session(self) -> Any: ...


def _even(value: float) -> int:
    return max(2, round(value / 2.0) * 2)


def _latest_jump(jumps: Sequence[JumpRecord], time_s: float) -> tuple[int, JumpRecord] | None:
    """The last jump (1-based number, record) that has touched down by ``time_s``."""
    landed = [(number, jump) for number, jump in enumerate(jumps, start=1) if jump.touchdown_s <= time_s]
    return landed[-1] if landed else None


def _pair_text(name: str, values: dict[str, float], unit: str) -> str:
    def one(value: float) -> str:
        return f"{value:.1f}" if np.isfinite(value) else "-"

    return f"{name}  L {one(values['left'])}  R {one(values['right'])} {unit}"


def _panel(canvas: np.ndarray, lines: list[tuple[str, tuple[int, int, int]]], scale: float) -> None:
    """Lines of text on a dark translucent box in the top-left corner."""
    font, size, thickness = cv2.FONT_HERSHEY_SIMPLEX, 0.42 * scale, max(1, round(scale))
    line_px = int(18 * scale)
    width = max(cv2.getTextSize(text, font, size, thickness)[0][0] for text, _ in lines) + int(14 * scale)
    height = line_px * len(lines) + int(8 * scale)
    box = canvas[4 : 4 + height, 4 : 4 + width]
    box[:] = (box * 0.35).astype(np.uint8)
    for row, (text, rgb) in enumerate(lines, start=1):
        cv2.putText(canvas, text, (4 + int(7 * scale), 4 + row * line_px), font, size, rgb, thickness, cv2.LINE_AA)


def draw_frame(rgb: np.ndarray, xy_px: np.ndarray, time_s: float, jumps: Sequence[JumpRecord]) -> np.ndarray:
    """One frame drawn over (a copy): ``xy_px`` (33, 2) landmarks in this frame's pixels, NaN where unseen.

    Skeleton in light grey with the person's left side orange and right side blue; a ring at each
    ankle for :data:`TOUCHDOWN_MARK_S` after its touchdown; the latest landed jump's clearance,
    landing depth and hand circle for each side (cm) in the corner.
    """
    canvas = rgb.copy()
    scale = max(canvas.shape[:2]) / 640.0
    thickness = max(2, round(2 * scale))
    for a, b in SKELETON:
        p, q = xy_px[INDEX[a]], xy_px[INDEX[b]]
        if np.isfinite(p).all() and np.isfinite(q).all():
            colour = next((_SIDE_RGB[s] for s in SIDES if a.startswith(s) and b.startswith(s)), SKELETON_RGB)
            cv2.line(canvas, (int(p[0]), int(p[1])), (int(q[0]), int(q[1])), colour, thickness, cv2.LINE_AA)
    for jump in jumps:
        for side, touchdown in (("left", jump.touchdown_left_s), ("right", jump.touchdown_right_s)):
            ankle = xy_px[INDEX[f"{side}_ankle"]]
            if np.isfinite(touchdown) and 0.0 <= time_s - touchdown < TOUCHDOWN_MARK_S and np.isfinite(ankle).all():
                centre = (int(ankle[0]), int(ankle[1]))
                cv2.circle(canvas, centre, int(14 * scale), _SIDE_RGB[side], thickness + 1, cv2.LINE_AA)
                cv2.circle(canvas, centre, int(4 * scale), _SIDE_RGB[side], -1, cv2.LINE_AA)
    latest = _latest_jump(jumps, time_s)
    lines = [(f"jump {latest[0]} of {len(jumps)}" if latest else f"{len(jumps)} jumps", SKELETON_RGB)]
    if latest is not None:
        jump = latest[1]
        lines += [
            (_pair_text("feet clearance", jump.foot_clearance_cm, "cm"), SKELETON_RGB),
            (_pair_text("landing depth", jump.landing_depth_cm, "cm"), SKELETON_RGB),
            (_pair_text("hand circle", jump.hand_circle_cm, "cm"), SKELETON_RGB),
        ]
    lines.append(("L = person's left", LEFT_RGB))
    _panel(canvas, lines, scale)
    return canvas


def annotated_clip(source: VideoSource, analysis: AnalysedClip, max_side_px: int = MAX_SIDE_PX) -> bytes:
    """The analysed clip drawn over, as H.264 MP4 bytes (long side ``max_side_px``, original frame times).

    ``source`` must be the clip ``analysis`` was measured from; frames are matched to the track by
    their timestamps (s).
    """
    track = analysis.track
    jumps: Sequence[JumpRecord] = analysis.session.jumps
    display_w, display_h = track.image_size
    ratio = min(1.0, max_side_px / max(display_w, display_h))
    size = (_even(display_w * ratio), _even(display_h * ratio))
    # The index goes first ("faststart") so that playback starts before the whole clip arrives; the
    # muxer rewrites the file to move it, which needs a real file rather than a memory buffer.
    with tempfile.TemporaryDirectory(prefix="jump-annotated-") as folder:
        target = Path(folder) / "annotated.mp4"
        _encode(source, track, jumps, size, max_side_px, target)
        return target.read_bytes()


def _encode(
    source: VideoSource,
    track: PoseTrack,
    jumps: Sequence[JumpRecord],
    size: tuple[int, int],
    max_side_px: int,
    target: Path,
) -> None:
    display_w, display_h = track.image_size
    scale_xy = np.array([size[0] / display_w, size[1] / display_h])
    with av.open(str(target), mode="w", format="mp4", options={"movflags": "faststart"}) as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = _TIME_BASE
        stream.codec_context.options = _X264_OPTIONS
        last_pts = -1
        for time_s, rgb in iter_frames(source, max_side_px=max_side_px):
            i = min(int(np.searchsorted(track.times_s, time_s - 1e-6)), len(track) - 1)
            frame_rgb = rgb if rgb.shape[1::-1] == size else cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
            drawn = draw_frame(frame_rgb, track.xy_px[i] * scale_xy, time_s, jumps)
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(drawn), format="rgb24")
            pts = max(last_pts + 1, round(time_s / _TIME_BASE))
            frame.pts, frame.time_base, last_pts = pts, _TIME_BASE, pts
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
