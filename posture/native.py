"""Where the ``posture`` command sends what native libraries write to file descriptor 2.

MediaPipe's LiteRT runtime logs INFO and WARNING lines when it builds and runs a graph, and libjpeg
inside OpenCV warns about damage it decodes past ("Corrupt JPEG data: ..."). They write straight to
descriptor 2, below Python, and no setting of mediapipe 1.2.3 turns them off (neither
``GLOG_minloglevel``, ``TF_CPP_MIN_LOG_LEVEL`` nor ``ABSL_MIN_LOG_LEVEL`` does). In a terminal they
would garble the progress bar and bury the command's own messages.

So the command's process, and only it, owns its descriptor 2: Python's ``sys.stderr`` keeps the
terminal through a duplicate of the descriptor, and descriptor 2 itself points at the null device, or
at the file named by :data:`NATIVE_LOG_ENV` for someone who wants to read those lines. The library
never touches descriptors: in the Streamlit server, native lines go to the server's console with
every other thread's output, untouched.
"""

from __future__ import annotations

import os
import sys

NATIVE_LOG_ENV = "POSTURE_NATIVE_LOG"
"""Environment variable naming a file that collects native libraries' log lines (appended to)."""

STDERR_FD = 2


def native_log_path() -> str:
    """The file descriptor 2 should point at: :data:`NATIVE_LOG_ENV` if set and not empty, else the null device."""
    return os.environ.get(NATIVE_LOG_ENV) or os.devnull


def keep_native_output_off_stderr(log_path: str) -> None:
    """Give ``sys.stderr`` a private duplicate of descriptor 2, then point descriptor 2 at ``log_path``.

    For a process's entry point only, before any native library runs: afterwards, everything Python
    writes to ``sys.stderr`` (messages, progress, tracebacks, warnings) still reaches the terminal, and
    what native code writes to descriptor 2 goes to ``log_path``. Raises ``OSError`` when
    ``log_path`` cannot be opened for appending; descriptor 2 is then left as it was.
    """
    target = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        old = sys.stderr
        old.flush()
        terminal = os.dup(STDERR_FD)
        os.dup2(target, STDERR_FD)
    finally:
        os.close(target)
    # Open for the rest of the process, as the stream it replaces was.
    sys.stderr = open(terminal, "w", buffering=1, encoding=old.encoding, errors=old.errors)  # noqa: SIM115
