"""Shared fixtures: the project's sample photos and ground-truth renders, analysed once per session.

``analysed`` runs the real engine (MediaPipe); ``measured`` measures the same photos from their stored
poses (tests/pose_fixtures.py), for the tests marked ``model_free`` that must run without MediaPipe.
With ``POSTURE_WITHOUT_MEDIAPIPE=1`` the session refuses to start if MediaPipe is importable, so a
model-free run proves that it needs none.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import json
import math
import os
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import ExifTags, Image

from posture.photo_result import PhotoResult
from posture.views import body_yaw_deg
from tests.pose_fixtures import measured_from_fixture

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_images"
EVAL_IMAGES = Path(__file__).resolve().parent / "data" / "eval" / "images"
VIDEO_DATA = Path(__file__).resolve().parent / "data" / "video"
if str(ROOT) not in sys.path:  # app.py, posture_app/ and bench/ live at the top of the repository
    sys.path.insert(0, str(ROOT))


def turned(pose, yaw_deg: float):
    """The same pose with its world landmarks rotated about the vertical to face ``yaw_deg``."""
    current = np.radians(yaw_deg - body_yaw_deg(pose))
    cos, sin = np.cos(current), np.sin(current)
    rotation = np.array([[cos, 0, sin], [0, 1, 0], [-sin, 0, cos]])
    return dataclasses.replace(pose, world_m=pose.world_m @ rotation.T)


def apple_maker_note(gravity: tuple[float, float, float], byte_order: str = "MM", other_tags: int = 2) -> bytes:
    """An iPhone-style EXIF maker note holding ``gravity`` (g) as tag 0x0008, laid out as ExifTool's
    Apple table reads it: ``Apple iOS`` and a NUL, version, byte order, an IFD at offset 14 whose
    value offsets count from the note's start. ``other_tags`` harmless entries come first, as in
    real notes."""
    endian = ">" if byte_order == "MM" else "<"
    count = other_tags + 1
    data_offset = 14 + 2 + 12 * count + 4
    entries = [struct.pack(f"{endian}HHIi", 0x0001, 9, 1, 14) for _ in range(other_tags)]  # SLONG inline
    entries.append(struct.pack(f"{endian}HHII", 0x0008, 10, 3, data_offset))
    values = b"".join(struct.pack(f"{endian}ii", round(v * 1_000_000), 1_000_000) for v in gravity)
    return (
        b"Apple iOS\0\0\x01"
        + byte_order.encode()
        + struct.pack(f"{endian}H", count)
        + b"".join(entries)
        + b"\0\0\0\0"
        + values
    )


def rolled_gravity(roll_deg: float, pitch_deg: float = 0.0) -> tuple[float, float, float]:
    """Gravity in the phone's frame for a phone upright in portrait, rolled and pitched by these angles."""
    roll, pitch = math.radians(roll_deg), math.radians(pitch_deg)
    return (math.sin(roll) * math.cos(pitch), -math.cos(roll) * math.cos(pitch), math.sin(pitch))


def with_maker_note(image_bytes: bytes, note: bytes, fmt: str = "JPEG", orientation: int = 1) -> bytes:
    """The picture in ``image_bytes`` saved again with ``note`` as its EXIF maker note."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.MakerNote] = note
    buffer = io.BytesIO()
    Image.open(io.BytesIO(image_bytes)).convert("RGB").save(buffer, fmt, exif=exif.tobytes(), quality=95)
    return buffer.getvalue()


def png_with_header_size(width: int, height: int) -> bytes:
    """A real PNG claiming ``width`` x ``height`` pixels (its data is a tiny grey strip)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def truth(name: str) -> dict:
    """Ground truth JSON of an eval render, e.g. ``truth("s000_left")``."""
    return json.loads((EVAL_IMAGES / f"{name}.json").read_text())


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """The history's folder (POSTURE_DATA_DIR) for one test: inside tmp_path, not yet made."""
    folder = tmp_path / "history"
    monkeypatch.setenv("POSTURE_DATA_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def sample_bytes() -> dict[str, bytes]:
    """The sample photos by view: front, back, left, right."""
    return {path.stem.split("_")[0]: path.read_bytes() for path in sorted(SAMPLES.glob("*.jpg"))}


@pytest.fixture(scope="session")
def full_model_track():
    """The full model's track of a project clip (``tests/data/video/NAME.mp4``), tracked once per session."""
    from posture.video.tracking import track_video

    tracks = {}

    def track_of(name: str):
        if name not in tracks:
            _, tracks[name] = track_video(VIDEO_DATA / f"{name}.mp4", model="full")
        return tracks[name]

    return track_of


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("POSTURE_WITHOUT_MEDIAPIPE") == "1" and importlib.util.find_spec("mediapipe") is not None:
        raise pytest.UsageError(
            "POSTURE_WITHOUT_MEDIAPIPE=1 but mediapipe is importable: this run would not "
            "prove that the model-free tests need no MediaPipe"
        )


def sample_heights() -> dict[str, float]:
    """The true stature (cm) of each sample photo's subject, by view."""
    heights = {}
    for path in SAMPLES.glob("*.jpg"):
        view, subject = path.stem.split("_")
        heights[view] = truth(f"{subject}_front")["subject"]["stature_cm"]
    return heights


@pytest.fixture(scope="session")
def analysed(sample_bytes):
    """The sample photos analysed by the real engine, with the subjects' true heights."""
    from posture.analysis import analyze_photo

    heights = sample_heights()
    return {
        view: analyze_photo(data, name=f"{view}.jpg", height_cm=heights[view]) for view, data in sample_bytes.items()
    }


@pytest.fixture(scope="session")
def one_person_measured() -> dict[str, PhotoResult]:
    """One render subject's four views (s001, its true stature), by view, measured from stored poses:
    photos that combine as one person (the sample photos show four different people)."""
    height = truth("s001_front")["subject"]["stature_cm"]
    return {
        view: measured_from_fixture(f"s001_{view}", image=f"{view}.jpg", height_cm=height)
        for view in ("front", "back", "left", "right")
    }


@pytest.fixture(scope="session")
def measured() -> dict[str, PhotoResult]:
    """The sample photos as ``analysed`` has them (timings aside), measured from their stored poses
    without MediaPipe."""
    heights, photos = sample_heights(), {}
    for path in sorted(SAMPLES.glob("*.jpg")):
        view = path.stem.split("_")[0]
        photos[view] = measured_from_fixture(path.stem, image=f"{view}.jpg", height_cm=heights[view])
    return photos
