"""Tests for posture.video.decode on real files: the public clips in tests/data/video and clips
encoded here with PyAV's own encoders (bench/video_clips.py), no mocks."""

from __future__ import annotations

import inspect
import random
import tracemalloc
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from bench.video_clips import read_rgb, write_audio, write_video
from posture.errors import VIDEO_ERROR_CODES, PostureError
from posture.video.decode import MAX_FRAME_PIXELS, iter_frames, probe, still_frame
from posture.video.track import VideoInfo

DATA = Path(__file__).resolve().parent / "data" / "video"
ROTATED = DATA / "jump04_front.mp4"  # landscape pixels + a -90 deg display matrix, as phones store portrait
STAND = DATA / "stand01_front.mp4"
FUZZ_SEED = 20261201


def mad(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape == b.shape, f"shape {a.shape} != {b.shape}"
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def decode_all(source, **kwargs) -> list[tuple[float, np.ndarray]]:
    return list(iter_frames(source, **kwargs))


def probe_and_decode(source, **kwargs) -> tuple[VideoInfo, list[tuple[float, np.ndarray]]]:
    return probe(source, **kwargs), decode_all(source, **kwargs)


def error_code(source, **kwargs) -> str:
    """The code of the PostureError that probing or decoding ``source`` raises."""
    with pytest.raises(PostureError) as info:
        probe_and_decode(source, **kwargs)
    assert info.value.code in VIDEO_ERROR_CODES
    assert info.value.message
    return info.value.code


@pytest.fixture(scope="module")
def stand_small() -> list[np.ndarray]:
    """The 3 s stand-still clip's 90 frames at quarter size (180 x 320): fast to encode."""
    return [frame[::4, ::4].copy() for frame in read_rgb(STAND)]


@pytest.fixture(scope="module")
def clips(tmp_path_factory, stand_small) -> dict[str, Path]:
    """The same 90 frames in every accepted container and codec, plus a rotated-container copy."""
    folder = tmp_path_factory.mktemp("clips")
    made = {}
    for name, kwargs in {
        "h264.mp4": {"codec": "libx264"},
        "h264_sound.mp4": {"codec": "libx264", "with_sound": True},
        "hevc.mp4": {"codec": "libx265", "options": {"x265-params": "log-level=none"}},
        "hevc.mov": {"codec": "libx265", "options": {"x265-params": "log-level=none"}},
        # iPhones film 10-bit HEVC (HDR) by default since the iPhone 12.
        "hevc10.mov": {"codec": "libx265", "options": {"x265-params": "log-level=none"}, "pixel_format": "yuv420p10le"},
        "vp9.webm": {"codec": "libvpx-vp9"},
        "mpeg4.avi": {"codec": "mpeg4"},
        "mjpeg.avi": {"codec": "mjpeg", "pixel_format": "yuvj420p"},
    }.items():
        write_video(folder / name, stand_small, **kwargs)
        made[name] = folder / name
    # Stored as landscape pixels (the portrait picture turned 90 deg counter-clockwise), flagged -90.
    landscape = [cv2.rotate(frame, cv2.ROTATE_90_COUNTERCLOCKWISE) for frame in stand_small]
    write_video(folder / "rotated.mp4", landscape, rotation_ccw_deg=-90)
    made["rotated.mp4"] = folder / "rotated.mp4"
    return made


# ---------------------------------------------------------------- formats, rotation, timestamps

CODECS = {
    "h264.mp4": "h264",
    "h264_sound.mp4": "h264",
    "hevc.mp4": "hevc",
    "hevc.mov": "hevc",
    "hevc10.mov": "hevc",
    "vp9.webm": "vp9",
    "mpeg4.avi": "mpeg4",
    "mjpeg.avi": "mjpeg",
}


@pytest.mark.parametrize("name", list(CODECS))
def test_each_container_and_codec_decodes(clips, stand_small, name):
    info = probe(clips[name])
    assert info == VideoInfo(
        fps=pytest.approx(30.0),
        frames=90,
        duration_s=pytest.approx(3.0),
        rotation_deg=0,
        width=180,
        height=320,
        codec=CODECS[name],
    )
    frames = decode_all(clips[name])
    assert len(frames) == 90
    assert [t for t, _ in frames] == pytest.approx([i / 30 for i in range(90)], abs=1e-3)
    for (_, rgb), original in zip(frames[::15], stand_small[::15], strict=False):
        assert rgb.dtype == np.uint8
        assert rgb.flags.c_contiguous
        assert mad(rgb, original) < 8.0  # lossy codecs; a wrong orientation or colour order is > 30


def test_public_rotated_clip_is_upright_720x1280():
    info = probe(ROTATED)
    assert (info.width, info.height, info.rotation_deg, info.frames) == (720, 1280, 90, 240)
    assert info.duration_s == pytest.approx(8.0)
    with av.open(str(ROTATED)) as container:  # the stored pixels really are landscape
        assert (container.streams.video[0].width, container.streams.video[0].height) == (1280, 720)
    frames = iter_frames(ROTATED)
    time_s, rgb = next(frames)
    frames.close()
    assert time_s == 0.0
    assert rgb.shape == (1280, 720, 3)


def test_rotated_container_gives_the_upright_pixels(clips, stand_small):
    upright = decode_all(clips["h264.mp4"])
    rotated = decode_all(clips["rotated.mp4"])
    assert probe(clips["rotated.mp4"]).rotation_deg == 90
    assert len(rotated) == len(upright) == 90
    for (_, a), (_, b), original in zip(rotated[::10], upright[::10], stand_small[::10], strict=True):
        assert a.shape == (320, 180, 3)
        assert mad(a, original) < 8.0
        assert mad(a, b) < 8.0
        assert mad(a, original[::-1, ::-1]) > 3 * mad(a, original)  # a turn the wrong way would not pass


@pytest.mark.parametrize("turn_ccw_deg", [0, 90, 180, 270])
def test_a_mirroring_display_matrix_gives_upright_unmirrored_pixels(tmp_path, turn_ccw_deg):
    """Display = the stored picture turned counter-clockwise, then flipped left-right. The turn is applied,
    the flip is not (PyAV reads a plain flip as a 180 deg turn: upside down)."""
    shown = np.full((96, 64, 3), 40, np.uint8)
    shown[4:30, 4:24] = (255, 0, 0)  # a red block at the top left of the displayed picture
    stored = np.ascontiguousarray(np.rot90(shown[:, ::-1], k=-turn_ccw_deg // 90))
    path = tmp_path / f"mirror_{turn_ccw_deg}.mp4"
    angle = np.radians(turn_ccw_deg)
    cos, sin = round(np.cos(angle)) << 16, round(np.sin(angle)) << 16
    # FFmpeg's layout: rows [a b u], [c d v], [x y w]; turn [[cos, -sin], [sin, cos]] times flip diag(-1, 1)
    matrix = [-cos, -sin, 0, -sin, cos, 0, 0, 0, 1 << 30]
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = stored.shape[1], stored.shape[0], "yuv420p"
        stream.set_display_matrix(matrix)
        for i in range(100):
            frame = av.VideoFrame.from_ndarray(stored, format="rgb24")
            frame.pts = i
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))

    _, rgb = next(iter(decode_all(path)))
    assert rgb.shape == shown.shape
    assert mad(rgb, shown[:, ::-1]) < 8.0  # upright, with the camera's own left and right
    assert probe(path).rotation_deg == (-turn_ccw_deg) % 360


def test_non_square_pixels_are_shown_square(tmp_path):
    # A camcorder's 1440 x 1080 stored for 1920 x 1080 (sample aspect ratio 4:3): distances across the
    # picture read 3/4 of their size against those up and down until the pixels were made square.
    stored = np.full((108, 144, 3), 60, np.uint8)
    stored[30:78, 48:96] = 255  # 48 x 48 stored pixels: 64 wide and 48 high on screen
    path = tmp_path / "anamorphic.mp4"
    write_video(path, [stored] * 100, fps=30.0, options={"x264-params": "sar=4/3"})
    info = probe(path)
    assert (info.width, info.height) == (192, 108)
    _, rgb = next(iter(decode_all(path)))
    assert rgb.shape == (108, 192, 3)
    rows, columns = np.nonzero(rgb[..., 0] > 200)
    assert np.ptp(columns) + 1 == pytest.approx(64, abs=2)
    assert np.ptp(rows) + 1 == pytest.approx(48, abs=2)
    assert still_frame(path, 1.0).shape == rgb.shape


def test_frames_are_scaled_down_to_max_side_never_up(clips):
    _, small = next(iter_frames(ROTATED, max_side_px=640))
    assert small.shape == (640, 360, 3)
    _, same = next(iter_frames(clips["h264.mp4"], max_side_px=1280))
    assert same.shape == (320, 180, 3)


def test_bytes_and_path_give_the_same_frames(clips):
    from_path = decode_all(clips["hevc.mp4"])
    from_bytes = decode_all(clips["hevc.mp4"].read_bytes())
    assert [t for t, _ in from_path] == [t for t, _ in from_bytes]
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(from_path, from_bytes, strict=True))
    assert probe(bytearray(clips["hevc.mp4"].read_bytes())) == probe(clips["hevc.mp4"])


def test_variable_frame_rate_keeps_each_frames_own_time(tmp_path, stand_small):
    steps = [0.045 if i % 2 else 0.025 for i in range(89)]  # 22 / 40 fps alternating, as phones do in low light
    times = np.concatenate([[0.0], np.cumsum(steps)])
    write_video(tmp_path / "vfr.mp4", stand_small, times_s=times)
    decoded = [t for t, _ in decode_all(tmp_path / "vfr.mp4")]
    assert decoded == pytest.approx(list(times), abs=1e-4)
    info = probe(tmp_path / "vfr.mp4")
    assert info.frames == 90
    assert info.fps == pytest.approx(90 / info.duration_s)
    assert info.duration_s == pytest.approx(times[-1] + np.median(steps), abs=1e-3)


def _numbered_frame(number: int) -> np.ndarray:
    """A 64 x 96 frame showing ``number`` as 8 black or white bands (bit 0 at the top)."""
    bits = (number >> np.arange(8)) & 1
    return np.repeat(np.repeat(255 * bits.astype(np.uint8), 12)[:, None, None], 64, axis=1).repeat(3, axis=2)


def _frame_number(rgb: np.ndarray) -> int:
    bands = rgb[:, :, 0].reshape(8, -1).mean(axis=1) > 128
    return int(np.sum(bands << np.arange(8)))


def test_h264_with_b_frames_in_avi_keeps_every_frame_at_its_time(tmp_path):
    """AVI stores no presentation times: FFmpeg numbers its frames in decoding order (1, 3, 2, 5, ...)."""
    path = tmp_path / "b_frames.avi"
    write_video(path, [_numbered_frame(i) for i in range(120)], fps=30.0, codec="libx264")
    with av.open(str(path)) as container:
        numbers = [frame.pts for frame in container.decode(video=0)]
    assert numbers != sorted(numbers)  # the case at hand: B-frames numbered out of order

    decoded = decode_all(path)
    assert [_frame_number(rgb) for _, rgb in decoded] == list(range(120))
    assert [t for t, _ in decoded] == pytest.approx([i / 30 for i in range(120)], abs=1e-6)


def test_a_trimmed_mp4_with_an_edit_list_starts_at_the_cut(tmp_path):
    """A phone's "trim" keeps the key frame before the cut and an edit list that hides the frames
    up to it: remuxed here with the 15 pre-roll frames at negative times. Probing it once read the
    stream after the file was closed and crashed the process."""
    source, trimmed = tmp_path / "whole.mp4", tmp_path / "trimmed.mp4"
    write_video(source, [_numbered_frame(i) for i in range(150)], fps=30.0, options={"g": "30", "bf": "0"})
    with av.open(str(source)) as whole, av.open(str(trimmed), "w") as cut:
        stream = whole.streams.video[0]
        out = cut.add_stream_from_template(stream)
        frame_ticks = round(1 / (30 * stream.time_base))
        for packet in whole.demux(stream):
            if packet.size and packet.pts >= 30 * frame_ticks:  # from the key frame at frame 30
                packet.pts -= 45 * frame_ticks  # the cut: frame 45 shows at time 0
                packet.dts -= 45 * frame_ticks
                packet.stream = out
                cut.mux(packet)

    info = probe(trimmed)
    decoded = decode_all(trimmed)
    assert [_frame_number(rgb) for _, rgb in decoded] == list(range(45, 150))
    assert [t for t, _ in decoded] == pytest.approx([i / 30 for i in range(105)], abs=1e-6)
    assert (info.width, info.height, info.codec, info.frames) == (64, 96, "h264", 105)
    assert info.duration_s == pytest.approx(3.5, abs=1e-6)


def test_duplicate_timestamps_are_dropped(tmp_path, stand_small):
    """A Matroska file (whose muxer allows equal timestamps) where frame 11 repeats frame 10's time."""
    path = tmp_path / "duplicate.mkv"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mjpeg", rate=30)
        stream.pix_fmt, stream.width, stream.height = "yuvj420p", 180, 320
        for i, rgb in enumerate(stand_small):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = i
            for packet in stream.encode(frame):
                if packet.pts == 11:
                    packet.pts = packet.dts = 10
                container.mux(packet)
    times = [t for t, _ in decode_all(path)]
    assert len(times) == 89
    assert np.all(np.diff(times) > 0)
    assert min(abs(t - 11 / 30) for t in times) > 0.01  # the repeated frame's slot stays empty


def test_frames_are_streamed_not_collected():
    frames = iter_frames(ROTATED)
    assert inspect.isgenerator(frames)
    tracemalloc.start()
    try:
        count = sum(1 for _ in frames)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 240
    one_frame = 720 * 1280 * 3
    assert peak < 8 * one_frame  # all 240 frames would be 240 x 2.8 MB


# ---------------------------------------------------------------- one test per error code


def test_not_a_video(tmp_path):
    jpeg = tmp_path / "photo.mp4"
    jpeg.write_bytes((Path(__file__).resolve().parent.parent / "sample_images" / "front_s000.jpg").read_bytes())
    assert error_code(jpeg) == "not_a_video"
    write_audio(tmp_path / "sound.mp4")
    write_audio(tmp_path / "sound.webm", codec="libopus")
    write_audio(tmp_path / "sound.wav", codec="pcm_s16le")
    for name in ("sound.mp4", "sound.webm", "sound.wav"):
        assert error_code(tmp_path / name) == "not_a_video", name
    (tmp_path / "empty.mp4").write_bytes(b"")
    assert error_code(tmp_path / "empty.mp4") == "not_a_video"
    assert error_code(b"These are the notes of the session, not a video.\n" * 40) == "not_a_video"
    with pytest.raises(PostureError, match="only sound"):
        probe(tmp_path / "sound.mp4")


def test_corrupt_video(tmp_path, stand_small):
    write_video(tmp_path / "moov_at_end.mp4", stand_small)  # the index is written last: cut, it is gone
    data = (tmp_path / "moov_at_end.mp4").read_bytes()
    assert error_code(data[: len(data) // 2]) == "corrupt_video"
    public = ROTATED.read_bytes()  # index first ("faststart"): half the frames are simply missing
    assert error_code(public[: len(public) // 2]) == "corrupt_video"
    assert error_code(public[:64] + bytes(random.Random(1).getrandbits(8) for _ in range(5000))) == "corrupt_video"


def test_unsupported_codec(tmp_path, stand_small):
    write_video(tmp_path / "mpeg2.mp4", stand_small, codec="mpeg2video")
    with pytest.raises(PostureError, match="MPEG-2") as info:
        probe(tmp_path / "mpeg2.mp4")
    assert info.value.code == "unsupported_codec"


def test_video_too_short(tmp_path, stand_small):
    write_video(tmp_path / "short.mp4", stand_small[:60])
    assert error_code(tmp_path / "short.mp4") == "video_too_short"
    with pytest.raises(PostureError) as info:
        decode_all(tmp_path / "short.mp4")  # decoding alone refuses it too, after the last frame
    assert info.value.code == "video_too_short"
    write_video(tmp_path / "one_frame.mp4", stand_small[:1])  # a single frame is short, not damaged
    with pytest.raises(PostureError) as info:
        probe(tmp_path / "one_frame.mp4")
    assert info.value.code == "video_too_short"


def test_video_too_long(tmp_path, stand_small):
    still = [stand_small[0][:64, :64]] * 200
    write_video(tmp_path / "long.mp4", still, fps=1.0)  # 200 s at one frame a second
    assert error_code(tmp_path / "long.mp4") == "video_too_long"
    with pytest.raises(PostureError) as info:
        decode_all(tmp_path / "long.mp4")
    assert info.value.code == "video_too_long"


def test_video_too_large(tmp_path, stand_small):
    huge = np.zeros((2400, 4200, 3), np.uint8)  # 10.1 MP per frame: above 4K
    assert MAX_FRAME_PIXELS < 4200 * 2400
    write_video(tmp_path / "huge.mp4", [huge] * 4, codec="libx264", options={"preset": "ultrafast"})
    assert error_code(tmp_path / "huge.mp4") == "video_too_large"
    write_video(tmp_path / "ok.mp4", stand_small)
    size = (tmp_path / "ok.mp4").stat().st_size
    assert error_code(tmp_path / "ok.mp4", max_file_bytes=size - 1) == "video_too_large"
    assert probe(tmp_path / "ok.mp4", max_file_bytes=size).frames == 90


def test_unreadable_path_is_the_callers_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        probe(tmp_path / "missing.mp4")


# ---------------------------------------------------------------- fuzz


@pytest.fixture(scope="module")
def tiny_clip(tmp_path_factory, stand_small) -> bytes:
    """A 3.4 s, 10 fps, 44 x 80 px H.264 MP4 with its index first: quick to decode many times."""
    path = tmp_path_factory.mktemp("fuzz") / "tiny.mp4"
    frames = [frame[::4, :176:4] for frame in stand_small[::3]]
    write_video(path, frames + frames[-1:] * 4, fps=10.0, container_options={"movflags": "faststart"})
    return path.read_bytes()


def test_no_byte_string_crashes(tiny_clip):
    """Random bytes, every cut of a real MP4 and random bit flips: a valid clip or a known error code."""
    rng = random.Random(FUZZ_SEED)
    cases = [bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 4000))) for _ in range(60)]
    cases += [tiny_clip[:cut] for cut in range(0, len(tiny_clip), max(1, len(tiny_clip) // 80))]
    for _ in range(160):
        damaged = bytearray(tiny_clip)
        for _ in range(rng.randint(1, 24)):
            position = rng.randrange(len(damaged))
            damaged[position] ^= 1 << rng.randrange(8)
        cases.append(bytes(damaged))
    outcomes: dict[str, int] = {}
    for data in cases:
        try:
            info, frames = probe_and_decode(data)
        except PostureError as error:
            outcomes[error.code] = outcomes.get(error.code, 0) + 1
            continue
        assert info.width > 0
        assert info.height > 0
        assert frames
        times = [t for t, _ in frames]
        assert times[0] == 0.0
        assert np.all(np.diff(times) > 0)
        assert all(rgb.dtype == np.uint8 and rgb.ndim == 3 and rgb.shape[2] == 3 for _, rgb in frames)
        outcomes["ok"] = outcomes.get("ok", 0) + 1
    assert set(outcomes) <= {*VIDEO_ERROR_CODES, "ok"}
    # The generator really exercised both sides.
    assert outcomes.get("ok", 0) > 20
    assert outcomes.get("not_a_video", 0) >= 60
    assert outcomes.get("corrupt_video", 0) > 20


# ---------------------------------------------------------------- one still


def test_a_still_is_the_frame_the_clip_shows_at_that_time():
    """The public rotated clip (one group of pictures): upright, and the very pixels iter_frames gives."""
    frames = decode_all(ROTATED, max_side_px=480)
    for index in (0, 1, 119, 120, 239):
        time_s, rgb = frames[index]
        still = still_frame(ROTATED, time_s, max_side_px=480)
        assert still.shape == (480, 270, 3)
        assert np.array_equal(still, rgb), index
    assert np.array_equal(still_frame(ROTATED, 60.0, max_side_px=480), frames[-1][1]), "past the end: the last"


def test_a_still_seeks_to_its_key_frame_in_a_variable_rate_clip(tmp_path, stand_small):
    """A key frame every 10 frames and uneven frame times: the seek lands before the frame and decodes to it."""
    times = np.cumsum([0.0] + [0.02 + 0.03 * (i % 3) for i in range(89)])
    target = tmp_path / "vfr_keys.mp4"
    write_video(target, stand_small, times_s=times, options={"g": "10", "keyint_min": "10"})
    frames = decode_all(target.read_bytes())
    assert len(frames) == 90
    for index in (5, 37, 44, 89):
        time_s, rgb = frames[index]
        assert time_s == pytest.approx(times[index], abs=1e-4)
        assert np.array_equal(still_frame(target.read_bytes(), time_s), rgb), index
    # Between two frames: the one on screen then, the earlier.
    between = (frames[44][0] + frames[45][0]) / 2
    assert np.array_equal(still_frame(target, between), frames[44][1])


def test_a_still_of_something_not_a_video_is_refused(tmp_path):
    notes = tmp_path / "notes.mp4"
    notes.write_bytes(b"not a video at all\n" * 200)
    with pytest.raises(PostureError) as info:
        still_frame(notes, 1.0)
    assert info.value.code == "not_a_video"
