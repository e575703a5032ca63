"""The bundled pose models: checksums, loading, and a rebuild from the registries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from posture.landmarks import LandmarkerPool, model_path
from posture.pose import MODEL_VARIANTS

MODELS = Path(__file__).resolve().parent.parent / "models"


def test_bundled_models_match_their_checksums():
    result = subprocess.run(
        [sys.executable, str(MODELS / "build_models.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == 3


def test_a_damaged_model_fails_the_check(tmp_path):
    for variant in MODEL_VARIANTS:
        (tmp_path / f"pose_landmarker_{variant}.task").write_bytes(model_path(variant).read_bytes())
    damaged = tmp_path / "pose_landmarker_lite.task"
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    result = subprocess.run(
        [sys.executable, str(MODELS / "build_models.py"), "--check", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "pose_landmarker_lite.task: MISMATCH" in result.stdout


def test_every_variant_loads_offline():
    for variant in MODEL_VARIANTS:
        LandmarkerPool(variant).warm()
    with pytest.raises(ValueError, match="unknown model 'huge'"):
        model_path("huge")


def test_notice_states_the_apache_origin():
    notice = (MODELS / "NOTICE").read_text()
    assert "Apache License" in notice
    assert "@mediapipe/pose@0.5.1675469404" in notice
    assert "0.10.14" in notice


@pytest.mark.slow
def test_rebuild_from_the_registries_reproduces_the_bundled_bytes(tmp_path):
    """npm + PyPI -> the same .task files, byte for byte (needs the package registries)."""
    result = subprocess.run(
        [sys.executable, str(MODELS / "build_models.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    for variant in MODEL_VARIANTS:
        assert (tmp_path / f"pose_landmarker_{variant}.task").read_bytes() == model_path(variant).read_bytes()
