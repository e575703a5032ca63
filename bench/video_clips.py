"""Video files made with PyAV's own encoders, for the tests and the video benchmarks.

Everything here writes real files through FFmpeg's muxers and encoders (the ones bundled in the
PyAV wheel: libx264, libx265, libvpx/VP9, mpeg4, mjpeg, mpeg2video, aac, libopus), so the decoder
under test reads exactly what a phone or an editor would write.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def read_rgb(path: str | Path) -> Iterator[np.ndarray]:
    """The stored frames of a clip as RGB arrays, with no rotation applied (plain PyAV)."""
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            yield frame.to_ndarray(format="rgb24")


SOUND_RATE = 48_000
"""Sample rate (Hz) of the sound written with a clip or alone."""


def write_video(
    target: str | Path | io.BytesIO,
    frames: Iterable[np.ndarray],
    *,
    fps: float = 30.0,
    codec: str = "libx264",
    container_format: str | None = None,
    times_s: Iterable[float] | None = None,
    rotation_ccw_deg: int = 0,
    options: dict[str, str] | None = None,
    container_options: dict[str, str] | None = None,
    pixel_format: str = "yuv420p",
    with_sound: bool = False,
) -> None:
    """Encode RGB ``frames`` (all one size) into ``target``.

    ``times_s``: each frame's presentation time (variable frame rate); default ``i / fps``.
    ``rotation_ccw_deg``: display matrix written into the container (as phones do; -90 = "turn
    90 deg clockwise to display"). ``container_format`` is needed for a BytesIO target (e.g. "mp4").
    ``with_sound``: a silent AAC track interleaved with the picture, as every phone clip has.
    """
    rate = Fraction(fps).limit_denominator(1001)
    # A fine clock for uneven frame times; one tick per frame otherwise (MPEG-2/MPEG-4 Part 2 accept
    # only small time bases).
    time_base = Fraction(1, 90_000) if times_s is not None else 1 / rate
    with av.open(
        target if isinstance(target, io.BytesIO) else str(target),
        mode="w",
        format=container_format,
        options=container_options or {},
    ) as container:
        stream = container.add_stream(codec, rate=rate)
        assert isinstance(stream, av.VideoStream)
        stream.pix_fmt = pixel_format
        stream.codec_context.time_base = time_base
        if options:
            stream.codec_context.options = options
        if rotation_ccw_deg:
            stream.set_display_rotation(rotation_ccw_deg)
        sound = container.add_stream("aac", rate=SOUND_RATE) if with_sound else None
        samples = 0
        times = iter(times_s) if times_s is not None else None
        for i, rgb in enumerate(frames):
            if i == 0:
                stream.width, stream.height = rgb.shape[1], rgb.shape[0]
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            frame.pts = round(next(times) / time_base) if times is not None else i
            frame.time_base = time_base
            container.mux(stream.encode(frame))
            while isinstance(sound, av.AudioStream) and samples < float(frame.pts * time_base) * SOUND_RATE:
                silence = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
                silence.sample_rate, silence.pts = SOUND_RATE, samples
                container.mux(sound.encode(silence))
                samples += 1024
        container.mux(stream.encode(None))
        if isinstance(sound, av.AudioStream):
            container.mux(sound.encode(None))


def write_audio(target: str | Path, seconds: float = 4.0, *, codec: str = "aac", rate: int = SOUND_RATE) -> None:
    """An audio-only file: a 440 Hz tone (the container follows the suffix: .mp4, .webm, .wav)."""
    with av.open(str(target), mode="w") as container:
        stream = container.add_stream(codec, rate=rate)
        assert isinstance(stream, av.AudioStream)
        stream.layout = "mono"
        samples_per_frame = 960
        t = np.arange(int(seconds * rate)) / rate
        tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        fmt = "s16" if codec.startswith("pcm") else "fltp"
        for start in range(0, tone.size, samples_per_frame):
            chunk = tone[start : start + samples_per_frame][None, :]
            data = (chunk * 32767).astype(np.int16) if fmt == "s16" else chunk
            frame = av.AudioFrame.from_ndarray(data, format=fmt, layout="mono")
            frame.sample_rate = rate
            frame.pts = start
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
