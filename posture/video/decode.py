"""Video bytes or a path in, upright RGB frames with their own timestamps out: the only place the
engine touches video files. PyAV (which bundles FFmpeg's libraries) does the work; OpenCV's
``VideoCapture`` is never used because it ignores the rotation flag and hides the timestamps.

Decisions (and why):

* **Accepted**: MP4/MOV, WebM/Matroska and AVI containers holding H.264, HEVC (H.265), VP8, VP9,
  AV1, MPEG-4 Part 2 or Motion-JPEG video: what phones, cameras and screen recorders write. The
  container must be one of those (checked on FFmpeg's detected format name), so a JPEG, a GIF, a WAV
  or a text file that FFmpeg would happily "open" as a one-frame or audio stream is ``not_a_video``.
  Any other video codec is ``unsupported_codec`` and never reaches a decoder we do not need.
* **Limits** (named constants below, each with its reason) are checked on the header before any
  frame is decoded, and again on what the decoder actually produces (a header can lie).
* **Rotation**: phones store portrait video as landscape pixels plus a display matrix. FFmpeg
  attaches that matrix to every decoded frame; PyAV 18 reads it as ``VideoFrame.rotation`` (degrees
  counter-clockwise, -180..180). The first frame's value is applied to the whole clip, so every
  frame has the same displayed size. A mirroring flag (front cameras rarely set one) is ignored: the
  analysis sees the camera's own left and right, upright.
* **Size**: non-square pixels (a sample aspect ratio other than 1) are made square, as a player
  shows them, and frames are scaled down (never up) so that the long side is at most ``max_side_px``,
  in the same swscale call that converts YUV to RGB (area averaging, no aliasing), so a full-size
  RGB copy of a 4K frame is never made. Landmarks are normalised by MediaPipe, so callers map them
  back to the displayed full resolution with :class:`~posture.video.track.VideoInfo`'s size.
* **Timestamps**: each frame's time is its own ``pts * time_base`` relative to the first frame
  (phones record variable frame rate); an AVI's, numbered in decoding order, are put in order first
  (:func:`~posture.video.frames.timed_frames`). A frame whose time is not later than the previous one's
  (duplicate or backwards pts in a damaged or odd file) is dropped; a frame without pts gets the
  previous time plus one nominal frame interval.
* **Streaming**: :func:`iter_frames` is a generator that holds one decoded frame at a time.
* **Errors**: every problem with the content is a :class:`~posture.errors.PostureError` with one
  of ``not_a_video``, ``corrupt_video``, ``unsupported_codec``, ``video_too_short``,
  ``video_too_long``, ``video_too_large``; FFmpeg's own exceptions are chained as ``__cause__``.
  Only a path that cannot be read raises ``OSError``. FFmpeg's log lines stay off the terminal
  (PyAV leaves FFmpeg's logging off unless ``av.logging`` is configured).
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import av
import numpy as np

from posture.errors import PostureError
from posture.video.frames import (
    decoded_frames,
    display_rotation_deg,
    first_frame,
    frame_at,
    no_picture_decoded,
    nominal_fps,
    packet_times_s,
    pixel_aspect,
    span_s,
    stream_duration_s,
    stream_info,
    timed_frames,
    upright_rgb,
)
from posture.video.track import VideoInfo

__all__ = [
    "ACCEPTED_CODECS",
    "ACCEPTED_CONTAINERS",
    "DEFAULT_MAX_SIDE_PX",
    "FILE_SUFFIXES",
    "MAX_DURATION_S",
    "MAX_FILE_BYTES",
    "MAX_FRAME_PIXELS",
    "MIN_DURATION_S",
    "VideoSource",
    "iter_frames",
    "probe",
    "still_frame",
]

VideoSource = bytes | bytearray | memoryview | str | os.PathLike[str]

MAX_FILE_BYTES = 500_000_000
"""Largest accepted file: a 3-minute 1080p phone clip is ~350 MB (H.264 at ~16 Mbit/s), a 1-minute
4K HEVC clip ~375 MB; anything bigger is uploaded uncut or at a needless bit rate."""

MAX_DURATION_S = 180.0
"""Longest accepted clip. A jump-rope session is measured on 5-60 s of skipping; 3 minutes leaves
room for an untrimmed recording (walking to the spot, picking up the rope) while bounding the
landmarker's work (~5400 frames at 30 fps, a few minutes on a 2-core laptop)."""

MIN_DURATION_S = 3.0
"""Shortest accepted clip: a stand-still clip needs ~3 s to average out postural sway and
breathing (0.1-0.5 Hz); the jump analysis asks for more jumps on its own."""

MAX_FRAME_PIXELS = 4096 * 2304
"""Largest accepted frame (width x height): 4K UHD (3840 x 2160) and DCI 4K phones pass; 8K
(33 MP per frame) is refused: decoding it costs ~4x the time for no gain in landmark accuracy."""

DEFAULT_MAX_SIDE_PX = 1280
"""Long side of the frames handed to the landmarker. MediaPipe finds the person on a 224 px
picture and places the landmarks on a 256 px crop of them, so it needs the person at a few hundred
px; 1280 px keeps a person filling a third of the height at >400 px (the photo path's lossless
level too, docs/performance.md) and spares converting full 1080p/4K frames to RGB."""

ACCEPTED_CONTAINERS = {"mov,mp4,m4a,3gp,3g2,mj2": "MP4/MOV", "matroska,webm": "WebM/MKV", "avi": "AVI"}
"""FFmpeg demuxer names of the accepted containers, with the names people know them by."""

ACCEPTED_CODECS = {
    "h264": "H.264",
    "hevc": "HEVC (H.265)",
    "vp8": "VP8",
    "vp9": "VP9",
    "av1": "AV1",
    "mpeg4": "MPEG-4",
    "mjpeg": "Motion-JPEG",
}
"""FFmpeg decoder names of the accepted video codecs."""

FILE_SUFFIXES = ("mp4", "mov", "m4v", "webm", "mkv", "avi")
"""File name endings (lower case, no dot) of the accepted containers, for file pickers."""

# Frame times are rational numbers summed in floating point: 90 frames at 30 fps may span 2.9999 s.
_DURATION_TOLERANCE_S = 0.001
# A decoded clip spanning less than this fraction of the duration its header promises was cut
# short (truncated upload): H.264 decoders stop silently at the end of the data.
_MIN_DECODED_FRACTION = 0.8


@dataclass(frozen=True)
class _Limits:
    """The limits one call enforces (the module constants unless the caller tightens them)."""

    max_file_bytes: int
    min_duration_s: float
    max_duration_s: float


def probe(
    source: VideoSource,
    *,
    max_file_bytes: int = MAX_FILE_BYTES,
    min_duration_s: float = MIN_DURATION_S,
    max_duration_s: float = MAX_DURATION_S,
) -> VideoInfo:
    """Describe a video without decoding more than its first frame.

    Frame count and duration come from demuxing every packet's timestamp (no decoding: fast even for
    a long clip); rotation and displayed size from the first decoded frame. Raises
    :class:`PostureError` as described in the module docstring.
    """
    limits = _Limits(max_file_bytes, min_duration_s, max_duration_s)
    with _opened(source, limits) as container:
        stream = container.streams.video[0]
        first = first_frame(container, stream)
        rotation = display_rotation_deg(first)
        times = packet_times_s(container, stream)
        duration = span_s(times, 1.0 / nominal_fps(stream))
        # Read from the stream while the container is open: its codec context is freed on closing
        # (reading it afterwards crashed the process on a trimmed MP4 with an edit list).
        info = stream_info(stream, rotation, len(times), duration)
        promised_s = stream_duration_s(stream)
    _check_complete(duration, promised_s)
    _check_duration(duration, limits)
    return info


def iter_frames(
    source: VideoSource,
    *,
    max_side_px: int = DEFAULT_MAX_SIDE_PX,
    max_file_bytes: int = MAX_FILE_BYTES,
    min_duration_s: float = MIN_DURATION_S,
    max_duration_s: float = MAX_DURATION_S,
) -> Iterator[tuple[float, np.ndarray]]:
    """Yield ``(time_s, rgb)`` for every frame, one at a time, in presentation order.

    ``time_s``: the frame's own timestamp minus the first frame's, strictly increasing.
    ``rgb``: contiguous ``uint8`` H x W x 3, upright (rotation flag applied), long side at most
    ``max_side_px``. A clip longer than ``max_duration_s`` stops with ``video_too_long`` as soon as
    a frame passes the limit; one shorter than ``min_duration_s`` or cut short raises after its
    last frame.
    """
    _check_max_side(max_side_px)
    limits = _Limits(max_file_bytes, min_duration_s, max_duration_s)
    with _opened(source, limits) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"  # frame + slice threads: decoding keeps pace with the landmarker
        promised_s = stream_duration_s(stream)
        fallback_step = 1.0 / nominal_fps(stream)
        aspect = pixel_aspect(stream)
        first_time: float | None = None
        last = -math.inf
        rotation = 0
        count = 0
        for raw_time, frame in timed_frames(container, decoded_frames(container, stream)):
            _check_frame_size(frame.width, frame.height)
            if first_time is None:
                rotation = display_rotation_deg(frame)
                first_time = raw_time if raw_time is not None else 0.0
            time_s = raw_time - first_time if raw_time is not None else last + fallback_step
            if not math.isfinite(time_s) or time_s <= last:
                continue  # duplicate or backwards timestamp
            if time_s > limits.max_duration_s:
                raise _too_long(time_s, limits)
            last = time_s
            count += 1
            yield time_s, upright_rgb(frame, rotation, max_side_px, aspect)
    if count == 0:
        raise no_picture_decoded()
    duration = last + fallback_step
    _check_complete(duration, promised_s)
    _check_duration(duration, limits)


def still_frame(source: VideoSource, time_s: float, *, max_side_px: int = DEFAULT_MAX_SIDE_PX) -> np.ndarray:
    """The upright RGB frame (long side at most ``max_side_px``) on screen ``time_s`` seconds after the first
    frame, as :func:`iter_frames` yields it at that time; the last frame past the end. Raises as
    :func:`probe` does for a file that is not a usable video."""
    _check_max_side(max_side_px)
    with _opened(source, _Limits(MAX_FILE_BYTES, MIN_DURATION_S, MAX_DURATION_S)) as container:
        stream = container.streams.video[0]
        first = first_frame(container, stream)
        shown = frame_at(container, stream, first, time_s)
        return upright_rgb(shown, display_rotation_deg(first), max_side_px, pixel_aspect(stream))


def _check_max_side(max_side_px: int) -> None:
    """A frame size limit must be a whole number of pixels (not a bool), at least 16."""
    if isinstance(max_side_px, bool) or not isinstance(max_side_px, int) or max_side_px < 16:
        raise ValueError(f"max_side_px must be an int >= 16, got {max_side_px!r}")


def decoded_info(first: VideoInfo, times_s: np.ndarray) -> VideoInfo:
    """``first`` (from :func:`probe`) with frame count, duration and fps of the frames actually decoded."""
    duration = span_s([float(t) for t in times_s])
    fps = len(times_s) / duration if duration > 0 else first.fps
    return VideoInfo(
        fps=fps,
        frames=len(times_s),
        duration_s=duration,
        rotation_deg=first.rotation_deg,
        width=first.width,
        height=first.height,
        codec=first.codec,
    )


# ---------------------------------------------------------------- opening and checks


@contextmanager
def _opened(source: VideoSource, limits: _Limits) -> Iterator[Any]:
    """The open container, its format, video stream and codec checked; errors mapped to codes."""
    file: Any = _file_for(source, limits)
    try:
        container = av.open(file, mode="r")
    except Exception as exc:  # FFmpeg's format probing fails in many ways on foreign or damaged bytes
        raise _unreadable(_sniff_container(_head(source))) from exc
    try:
        _check_container(container)
        yield container
    except PostureError:
        raise
    except MemoryError as exc:
        raise PostureError("video_too_large") from exc
    except Exception as exc:  # demuxers and decoders raise anything from ValueError to FFmpegError on damage
        raise PostureError("corrupt_video") from exc
    finally:
        container.close()


def _file_for(source: VideoSource, limits: _Limits) -> Any:
    """A path string or a BytesIO for PyAV, after the empty-file and file-size checks."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        size = memoryview(source).nbytes
        file: Any = io.BytesIO(bytes(source))
    elif isinstance(source, (str, os.PathLike)):
        size = os.stat(source).st_size
        with open(source, "rb"):
            pass  # unreadable paths raise OSError here, not a misleading video error
        file = os.fspath(source)
    else:
        raise TypeError(f"expected bytes or a path, got {type(source).__name__}")
    if size == 0:
        raise PostureError("not_a_video", "The file is empty. Upload an MP4, MOV, WebM or AVI clip.")
    if size > limits.max_file_bytes:
        raise PostureError(
            "video_too_large",
            f"The file is {size / 1e6:.0f} MB; the limit is "
            f"{limits.max_file_bytes / 1e6:.0f} MB. Trim the clip or export it at 1080p and retry.",
        )
    return file


def _check_container(container: Any) -> None:
    if container.format.name not in ACCEPTED_CONTAINERS:
        # FFmpeg reads a still picture as a one-frame "video" of an image format (jpeg_pipe, png_pipe, image2).
        still = container.format.name.endswith("_pipe") or container.format.name == "image2"
        raise PostureError(
            "not_a_video",
            f"This file is {'a still picture' if still else 'not a video'}. Upload an MP4, MOV, WebM or AVI clip.",
        )
    if not container.streams.video:
        if not container.streams.audio:  # a video container without any track: its index is damaged
            raise _unreadable(ACCEPTED_CONTAINERS[container.format.name])
        raise PostureError(
            "not_a_video", "This file has only sound, no video track. Upload a clip filmed with a camera."
        )
    stream = container.streams.video[0]
    name = stream.codec_context.name if stream.codec_context is not None else ""
    if name not in ACCEPTED_CODECS:
        label = _codec_label(stream)
        raise PostureError(
            "unsupported_codec",
            f"The video is compressed with {label}, which cannot be read "
            "here. Export it as H.264 (or HEVC) MP4 and retry.",
        )
    _check_frame_size(stream.codec_context.width, stream.codec_context.height)


def _codec_label(stream: Any) -> str:
    try:
        return str(stream.codec_context.codec.long_name)
    except Exception:  # no decoder at all for this stream
        return "an unknown codec"


def _check_frame_size(width: int, height: int) -> None:
    if width * height > MAX_FRAME_PIXELS:
        raise PostureError(
            "video_too_large",
            f"The frames are {width} x {height} px; the limit is 4K "
            f"({MAX_FRAME_PIXELS / 1e6:.1f} megapixels). Export the clip at 1080p or 4K and retry.",
        )


def _check_complete(duration_s: float, promised_s: float | None) -> None:
    """Refuse a clip whose frames cover much less than its header's duration (a cut-off upload)."""
    if promised_s is not None and duration_s < _MIN_DECODED_FRACTION * promised_s:
        raise PostureError(
            "corrupt_video",
            f"Only {duration_s:.1f} s of the {promised_s:.1f} s video could be "
            "read: the file is incomplete or damaged. Export or copy it again and retry.",
        )


def _check_duration(duration_s: float, limits: _Limits) -> None:
    if duration_s < limits.min_duration_s - _DURATION_TOLERANCE_S:
        raise PostureError(
            "video_too_short",
            f"The clip is {duration_s:.1f} s long; at least "
            f"{limits.min_duration_s:g} s are needed. Film a longer clip and retry.",
        )
    if duration_s > limits.max_duration_s:
        raise _too_long(duration_s, limits)


def _too_long(duration_s: float, limits: _Limits) -> PostureError:
    return PostureError(
        "video_too_long",
        f"The clip is {duration_s:.0f} s long (or more); the limit is "
        f"{limits.max_duration_s:g} s. Trim it to the part to measure and retry.",
    )


def _unreadable(container_name: str) -> PostureError:
    if container_name:
        return PostureError(
            "corrupt_video", f"The {container_name} video is damaged or incomplete. Export or copy it again and retry."
        )
    return PostureError("not_a_video")


def _head(source: VideoSource) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(memoryview(source)[:16])
    with open(source, "rb") as fh:
        return fh.read(16)


def _sniff_container(head: bytes) -> str:
    """Accepted container whose signature the file starts with, or "" (only picks the error code)."""
    if head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "MP4/MOV"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "WebM/MKV"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "AVI"
    return ""
