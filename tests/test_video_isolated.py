"""Analyses in a child process (posture.video.isolated): the same answer as in the caller, and a real crash
there (a segmentation fault in native code, or the process killed as by the out-of-memory killer) refuses
the clip with ``corrupt_video`` while the caller carries on."""

from __future__ import annotations

import ctypes
import os
import pickle
import shutil
import signal
import subprocess
import sys
from types import MappingProxyType

import numpy as np
import pytest

from posture.errors import VIDEO_ERROR_CODES, PostureError
from posture.jump.engine import JumpAnalysis, JumpRefusal, analyze_jump_video
from posture.photo_result import MeasuredPhoto, RefusedPhoto
from posture.video.isolated import CRASH_MESSAGE, CRASHED, ChildFailed, run_in_child
from posture.video.stand import analyze_stand_video
from tests.child_processes import analysis_children, killed_analysis
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "video"
CLIP = DATA / "jump03_front.mp4"
STAND = DATA / "stand01_front.mp4"


def assert_crash_refusal(error: PostureError) -> None:
    assert (error.code, error.cause, error.message) == ("corrupt_video", CRASHED, CRASH_MESSAGE)


@pytest.mark.slow
def test_a_clip_measured_in_a_child_equals_the_same_clip_measured_here():
    data = CLIP.read_bytes()
    reports: list[tuple[int, int]] = []
    apart = run_in_child(
        analyze_jump_video, data, name=CLIP.name, progress=lambda done, total: reports.append((done, total))
    )
    here = analyze_jump_video(data, name=CLIP.name)
    assert isinstance(apart, JumpAnalysis)
    assert isinstance(here, JumpAnalysis)
    assert apart.to_dict() == here.to_dict()
    np.testing.assert_array_equal(apart.track.xy_px, here.track.xy_px)
    frames = [done for done, _ in reports]
    assert frames == sorted(frames)
    assert reports[-1] == (here.video.frames, here.video.frames)
    assert len(reports) <= 101, "at most one report per percent crosses the pipe"
    assert not analysis_children(), "the child is gone once it answered"


def test_a_refusal_made_in_the_child_arrives_with_its_code_and_message():
    result = run_in_child(analyze_jump_video, b"These are notes, not a video.\n" * 20, name="notes.mp4")
    assert isinstance(result, JumpRefusal)
    assert (result.file, result.error.code, result.error.message) == (
        "notes.mp4",
        "not_a_video",
        VIDEO_ERROR_CODES["not_a_video"],
    )


def test_a_refusal_pickles_whole_with_its_cause():
    error = pickle.loads(pickle.dumps(PostureError("corrupt_video", "custom words", cause=CRASHED)))
    assert (error.code, error.message, error.cause) == ("corrupt_video", "custom words", CRASHED)


def test_a_segmentation_fault_in_the_child_refuses_the_clip_and_the_caller_carries_on(caplog):
    with pytest.raises(PostureError) as info:
        run_in_child(ctypes.string_at, 0)  # reads address 0: a real segmentation fault in native code
    assert_crash_refusal(info.value)
    assert f"exit code -{int(signal.SIGSEGV)}" in caplog.text
    assert run_in_child(len, b"four") == 4, "the next child works"


def test_an_exception_in_the_child_comes_back_with_its_traceback():
    with pytest.raises(ChildFailed, match=r"ValueError: invalid literal for int\(\)"):
        run_in_child(int, "not a number")


@pytest.mark.slow
def test_a_jump_clip_whose_child_is_killed_is_refused():
    with killed_analysis() as killed, pytest.raises(PostureError) as info:
        run_in_child(analyze_jump_video, CLIP.read_bytes(), name=CLIP.name)
    assert killed, "the child was killed"
    assert_crash_refusal(info.value)


def test_leaving_mid_clip_stops_the_child():
    class PageLeft(Exception):
        pass

    def leave(done: int, total: int) -> None:
        raise PageLeft  # what Streamlit raises in the script thread when the person reruns or leaves

    with pytest.raises(PageLeft):
        run_in_child(analyze_jump_video, CLIP.read_bytes(), progress=leave)
    assert not analysis_children(), "the child does not go on measuring for nobody"


@pytest.mark.slow
def test_a_stand_clip_in_the_app_is_refused_when_its_child_is_killed():
    from posture_app import session
    from posture_app.session import PhotoInput

    photo = PhotoInput.of(STAND.name, STAND.read_bytes())
    state: dict = {}
    with killed_analysis() as killed:
        result = session.analyse(state, photo, "auto", None, "full")
    assert killed
    assert isinstance(result, RefusedPhoto)
    assert_crash_refusal(result.error)


@pytest.mark.slow
def test_a_stand_clip_in_the_app_is_measured_in_its_child_as_here():
    # Its result holds read-only mappings (MappingProxyType: the clothing colours), which plain pickle refuses.
    from posture_app import session
    from posture_app.session import PhotoInput

    photo = PhotoInput.of(STAND.name, STAND.read_bytes())
    apart = session.analyse({}, photo, "auto", None, "full")
    here = analyze_stand_video(photo.data, name=STAND.name)
    assert isinstance(apart, MeasuredPhoto), getattr(apart, "error", apart)
    assert isinstance(here, MeasuredPhoto)
    assert apart.to_dict() == here.to_dict()
    assert apart.appearance is not None
    assert isinstance(apart.appearance.colours_lab, MappingProxyType), "still read-only"
    assert apart.appearance == here.appearance


def test_a_result_that_cannot_cross_the_pipe_is_a_failure_in_the_child_not_a_crash():
    with pytest.raises(ChildFailed, match="cannot pickle"):
        run_in_child(open, __file__)  # an open file cannot be pickled


def test_the_children_run_the_callers_copy_of_the_package(tmp_path):
    # The app started from another folder than its own, with another copy of the package installed: the fork
    # server must import the caller's copy (Python 3.11-3.12 do not apply the caller's module path there).
    copy = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "posture", copy / "posture", ignore=shutil.ignore_patterns("__pycache__"))
    script = tmp_path / "caller.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(copy)!r})\n"
        "import posture\n"
        "from posture.video.isolated import run_in_child\n"
        "if __name__ == '__main__':\n"
        "    print(posture.__file__)\n"
        "    print(run_in_child(eval, \"__import__('posture').__file__\"))\n"
    )
    empty = tmp_path / "cwd"
    empty.mkdir()
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, str(script)], cwd=empty, env=environment, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    caller, child = done.stdout.split()
    assert caller == str(copy / "posture" / "__init__.py")
    assert child == caller
