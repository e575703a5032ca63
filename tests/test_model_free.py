"""The steps after the landmarker import without MediaPipe, so they can be used and tested without it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.model_free

MODEL_FREE_MODULES = (
    "posture.photo_result",
    "posture.measuring",
    "posture.assessment",
    "posture.catalog",
    "posture.report",
    "posture.annotate",
    "posture.history",
    "posture.history.record",
    "tests.pose_fixtures",
)


def imports_with_mediapipe_blocked(modules: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    """Import ``modules`` in a fresh interpreter where any ``import mediapipe`` raises ImportError."""
    code = textwrap.dedent(f"""
        import importlib, sys
        sys.modules["mediapipe"] = None  # the import system's marker for "cannot be imported"
        for name in {list(modules)!r}:
            importlib.import_module(name)
        assert "mediapipe" not in {{name.split(".")[0] for name, module in sys.modules.items() if module}}
    """)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT, check=False
    )


def test_the_steps_after_the_landmarker_import_without_mediapipe() -> None:
    result = imports_with_mediapipe_blocked(MODEL_FREE_MODULES)
    assert result.returncode == 0, result.stderr


def test_the_blocker_stops_the_module_that_runs_the_landmarker() -> None:
    result = imports_with_mediapipe_blocked(("posture.analysis",))
    assert result.returncode != 0
    assert "mediapipe" in result.stderr
