"""Frames out of an opened PyAV video stream: decoding packet by packet, the stream's timestamps,
the display rotation, upright RGB pixels at a bounded size, and the stream's :class:`VideoInfo`.

The decisions behind each (rotation, size, timestamps) are written in :mod:`posture.video.decode`,
which opens and checks the file and calls these.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

import av
import cv2
import numpy as np

from posture.errors import PostureError
from posture.video.track import VideoInfo

_CV2_ROTATIONS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
# Frame rate assumed for a frame without any timestamp when the stream declares none either.
_FALLBACK_FPS = 30.0


def decoded_frames(container: Any, stream: Any) -> Iterator[Any]:
    """Decoded frames of ``stream``; a damaged packet is skipped when the decoder can go on."""
    for packet in container.demux(stream):
        try:
            frames = packet.decode()
        except av.error.InvalidDataError:
            continue  # one broken packet (bit error); a truly broken file ends up too short
        yield from frames


AVI_REORDER_FRAMES = 16
"""Frames held back in an AVI to put its timestamps in order: H.264 shows a frame at most 16 frames
after it was decoded (its largest reorder depth)."""


def timed_frames(container: Any, frames: Iterable[Any]) -> Iterator[tuple[float | None, Any]]:
    """``(time_s, frame)`` for decoded ``frames``: each frame's presentation time (s), None when it has none.

    AVI stores no presentation times: FFmpeg hands out an AVI's frames in display order but numbers
    them in decoding order (H.264 with B-frames: 1, 2, 4, 5, 3, 6, ...), which would read as frames
    going backwards and be dropped. The numbers are right, only given to the wrong frames, so an
    AVI's frames get them sorted, each one once :data:`AVI_REORDER_FRAMES` later frames have shown
    no smaller number.
    """
    if "avi" not in container.format.name.split(","):
        for frame in frames:
            yield _pts_s(frame), frame
        return
    times: list[float] = []
    held: deque[Any] = deque()
    for frame in frames:
        time_s = _pts_s(frame)
        if time_s is not None:
            heapq.heappush(times, time_s)
        held.append(frame)
        if len(held) > AVI_REORDER_FRAMES:
            yield (heapq.heappop(times) if times else None), held.popleft()
    while held:
        yield (heapq.heappop(times) if times else None), held.popleft()


def _pts_s(frame: Any) -> float | None:
    return float(frame.pts * frame.time_base) if frame.pts is not None and frame.time_base else None


def no_picture_decoded() -> PostureError:
    """``corrupt_video`` for a clip in which not a single frame could be decoded."""
    return PostureError(
        "corrupt_video", "No picture could be decoded from the video. Export or copy it again and retry."
    )


def first_frame(container: Any, stream: Any) -> Any:
    for frame in decoded_frames(container, stream):
        return frame
    raise no_picture_decoded()


def frame_at(container: Any, stream: Any, first: Any, time_s: float) -> Any:
    """The frame of ``stream`` on screen ``time_s`` seconds after ``first`` (its first decoded frame).

    Seeks to the key frame at or before that time and decodes forward, so a still from the middle of a
    long clip costs one group of pictures, not the whole clip. Past the end: the last frame.
    """
    if first.pts is None or not stream.time_base:
        return first  # no timestamps to seek by: the opening frame stands for the clip
    target = first.pts + round(time_s / float(stream.time_base))
    container.seek(target, stream=stream, backward=True)
    shown = None
    for frame in decoded_frames(container, stream):
        if frame.pts is None:
            continue
        if shown is None or frame.pts <= target:
            shown = frame
        if frame.pts >= target:
            break
    return first if shown is None else shown


def packet_times_s(container: Any, stream: Any) -> list[float]:
    """Sorted, de-duplicated presentation times (s, from the first) of every packet of ``stream`` that is
    shown: the pre-roll an edit list hides (a trimmed clip's frames before the cut) is not."""
    container.seek(0)
    times = sorted(
        {
            float(packet.pts * packet.time_base)
            for packet in container.demux(stream)
            if packet.pts is not None and packet.time_base and packet.size and not packet.is_discard
        }
    )
    return [t - times[0] for t in times] if times else []


def span_s(times: list[float], lone_frame_s: float = 0.0) -> float:
    """Duration (s) covered by frames at ``times``: last minus first plus one median frame interval; a single
    frame shows for ``lone_frame_s`` (the stream's nominal frame interval where it is known)."""
    if len(times) < 2:
        return lone_frame_s if times else 0.0
    step = float(np.median(np.diff(times)))
    return float(times[-1] - times[0]) + step


def display_rotation_deg(frame: Any) -> int:
    """Clockwise turn (0, 90, 180, 270 deg) that displays the frame upright.

    A display matrix that also mirrors (negative determinant: a front camera's or an editor's flip)
    is read as a turn followed by a left-right flip of the displayed picture; only the turn is
    applied (PyAV reads a plain flip as a 180 deg turn, which showed the person upside down), so the
    analysis sees the camera's own left and right.
    """
    try:
        counter_clockwise = frame.rotation
        matrix = _display_matrix(frame)
    except Exception:  # a malformed display matrix must not reject decodable pixels
        return 0
    if matrix is not None:
        a, b, c, d = matrix
        if a * d - b * c < 0:  # turn R, then flip: M = R diag(-1, 1), so R = M diag(-1, 1)
            counter_clockwise = -math.degrees(math.atan2(b, -a))
    if not isinstance(counter_clockwise, (int, float)) or not math.isfinite(counter_clockwise):
        return 0
    return round(-counter_clockwise / 90.0) * 90 % 360


def _display_matrix(frame: Any) -> tuple[float, float, float, float] | None:
    """The 2 x 2 part (a, b, c, d) of FFmpeg's display matrix on ``frame`` (rows [a b u], [c d v], [x y w]
    map a stored point (p, q, 1) to the displayed one), None when the frame has none."""
    for side_data in frame.side_data:
        if side_data.type.name == "DISPLAYMATRIX":
            values = np.frombuffer(bytes(side_data), dtype=np.int32)
            if values.size == 9:
                return float(values[0]), float(values[1]), float(values[3]), float(values[4])
    return None


def pixel_aspect(stream: Any) -> float:
    """Width over height of one stored pixel (the sample aspect ratio: 4/3 for a 1440 x 1080 camcorder clip
    shown at 1920 x 1080); 1 where the stream does not say or says something absurd."""
    ratio = stream.codec_context.sample_aspect_ratio or stream.sample_aspect_ratio
    value = float(ratio) if ratio else 1.0
    return value if 0.25 <= value <= 4.0 else 1.0


def upright_rgb(frame: Any, rotation_deg: int, max_side_px: int, aspect: float = 1.0) -> np.ndarray:
    """The frame as upright RGB with its long side at most ``max_side_px`` (area-averaged), its pixels made
    square (``aspect``: :func:`pixel_aspect`), as a player shows it."""
    width, height = frame.width * aspect, frame.height
    scale = min(1.0, max_side_px / max(width, height))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    rgb = frame.to_ndarray(format="rgb24", width=size[0], height=size[1], interpolation="AREA")
    if rotation_deg:
        rgb = cv2.rotate(rgb, _CV2_ROTATIONS[rotation_deg])  # ~5x faster than a copy of np.rot90's view
    return np.ascontiguousarray(rgb)


def stream_duration_s(stream: Any) -> float | None:
    if stream.duration is None or not stream.time_base:
        return None
    duration = float(stream.duration * stream.time_base)
    return duration if duration > 0 and math.isfinite(duration) else None


def nominal_fps(stream: Any) -> float:
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    fps = float(rate) if rate else 0.0
    return fps if 1.0 <= fps <= 1000.0 else _FALLBACK_FPS


def stream_info(stream: Any, rotation_deg: int, frames: int, duration_s: float) -> VideoInfo:
    width, height = round(stream.codec_context.width * pixel_aspect(stream)), stream.codec_context.height
    if rotation_deg in (90, 270):
        width, height = height, width
    fps = frames / duration_s if duration_s > 0 else nominal_fps(stream)
    return VideoInfo(
        fps=fps,
        frames=frames,
        duration_s=duration_s,
        rotation_deg=rotation_deg,
        width=width,
        height=height,
        codec=stream.codec_context.name,
    )
