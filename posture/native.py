"""Native libraries' stderr chatter, kept out of the person's terminal.

MediaPipe (absl/TFLite logs) and libjpeg inside OpenCV ("Corrupt JPEG data: ..." for a photo it
still decodes) write straight to file descriptor 2, which no setting turns off and which would
garble the CLI's progress line and output.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

_silence_lock = threading.Lock()
_silence_depth = 0
_saved_stderr_fd: int | None = None


@contextlib.contextmanager
def native_stderr_silenced():
    """Point file descriptor 2 at /dev/null for the duration.

    Several threads may call native code at once, so the redirection is reference-counted: the
    first one in redirects, the last one out restores. Python's own ``sys.stderr`` is flushed
    first so nothing already written is lost.
    """
    global _silence_depth, _saved_stderr_fd
    with _silence_lock:
        if _silence_depth == 0:
            sys.stderr.flush()
            _saved_stderr_fd = os.dup(2)
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 2)
        _silence_depth += 1
    try:
        yield
    finally:
        with _silence_lock:
            _silence_depth -= 1
            if _silence_depth == 0:
                os.dup2(_saved_stderr_fd, 2)
                os.close(_saved_stderr_fd)
