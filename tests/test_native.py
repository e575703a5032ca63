"""Native libraries' log lines: off the command's stderr, untouched in the library.

The ``posture`` command owns its descriptor 2 (``posture.cli.run``); the library never touches it.
These tests run the command as a separate process, because only a real process shows what reaches
its descriptor 2.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from posture.imaging import decode_image
from posture.native import NATIVE_LOG_ENV
from tests.conftest import SAMPLES

LIBJPEG_WARNING = "Corrupt JPEG data"


def posture_command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m posture.cli ARGS`` in a fresh process, stdout and stderr captured."""
    return subprocess.run(
        [sys.executable, "-m", "posture.cli", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def damaged_photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sample photo with 200 bytes of its scan scrambled: libjpeg warns about it on descriptor 2 and
    still decodes a usable picture."""
    data = bytearray((SAMPLES / "front_s000.jpg").read_bytes())
    start = len(data) * 2 // 3
    data[start : start + 200] = np.random.default_rng(3).bytes(200)
    path = tmp_path_factory.mktemp("damaged") / "damaged_front.jpg"
    path.write_bytes(bytes(data))
    return path


def test_the_library_leaves_native_warnings_on_descriptor_2(damaged_photo: Path, capfd: pytest.CaptureFixture[str]):
    # In-process (the app server's case) nothing redirects descriptor 2: libjpeg's line reaches it,
    # which is also what makes the command-line tests below able to fail.
    decode_image(damaged_photo)
    assert LIBJPEG_WARNING in capfd.readouterr().err


def test_a_damaged_and_a_refused_photo_leave_stderr_empty(damaged_photo: Path, tmp_path: Path):
    notes = tmp_path / "notes.jpg"
    notes.write_text("not a photo")
    result = posture_command("analyze", str(damaged_photo), str(notes), "--json")
    assert result.stderr == ""
    assert result.returncode == 1  # one photo refused, with its reason in the output
    damaged, refused = json.loads(result.stdout)
    assert damaged["ok"] is True
    assert refused["error"]["code"] == "not_an_image"


def test_the_native_log_file_collects_what_was_kept_off_stderr(damaged_photo: Path, tmp_path: Path):
    log = tmp_path / "native.log"
    result = posture_command("analyze", str(damaged_photo), env={NATIVE_LOG_ENV: str(log)})
    assert result.returncode == 0
    assert result.stderr == ""
    assert "front view" in result.stdout
    assert LIBJPEG_WARNING in log.read_text()


def test_an_unopenable_native_log_is_a_usage_error(tmp_path: Path):
    missing_folder_log = tmp_path / "no such folder" / "native.log"
    result = posture_command("analyze", str(SAMPLES / "front_s000.jpg"), env={NATIVE_LOG_ENV: str(missing_folder_log)})
    assert result.returncode == 2
    assert result.stderr.startswith(f"posture: error: cannot open {NATIVE_LOG_ENV}=")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "missing.jpg"], "posture: error: no such file or folder: missing.jpg\n"),
        (["analyze", "x.jpg", "--model", "huge"], "argument --model: invalid choice: 'huge'"),
    ],
)
def test_usage_errors_still_reach_stderr(args: list[str], message: str):
    result = posture_command(*args)
    assert result.returncode == 2
    assert message in result.stderr


def test_python_output_keeps_the_terminal_and_native_writes_do_not(tmp_path: Path):
    # What the entry point does, with a native-style write, a message, a warning and a crash.
    script = textwrap.dedent("""
        import os, sys, warnings
        from posture.native import keep_native_output_off_stderr
        keep_native_output_off_stderr(os.devnull)
        os.write(2, b"native line\\n")
        print("python line", file=sys.stderr)
        warnings.warn("a python warning")
        raise RuntimeError("boom")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "native line" not in result.stderr
    assert "python line" in result.stderr
    assert "UserWarning: a python warning" in result.stderr
    assert "Traceback" in result.stderr
    assert "RuntimeError: boom" in result.stderr


def test_a_reader_that_stops_early_ends_the_command_quietly():
    command = subprocess.Popen(
        [sys.executable, "-m", "posture.cli", "analyze", str(SAMPLES / "front_s000.jpg"), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    command.stdout.close()  # like `| head` having exited
    stderr = command.stderr.read()
    assert command.wait(timeout=180) == 141
    assert stderr == ""
