"""A video analysis in a child process, so a crash inside native code ends that child, not the caller.

The app's server is one long-running process shared by every browser session. A video goes through
FFmpeg (PyAV) and the landmarker, both native code: a fault there on one odd file (a use-after-free
in the decoder was found on a trimmed MP4 in the fourteenth session), or the system stopping the
process when memory runs out, would otherwise take the server and every person's unsaved work with
it. Run in a child, the same fault comes back as a :class:`~posture.errors.PostureError` with the
stable code ``corrupt_video`` and :data:`CRASHED` as its cause, and the server carries on.

Children come from a fork server that has already imported the engine (a spawned child would import
MediaPipe again, about 4 s per clip); where there is no fork server (Windows) they are spawned. The
command line keeps analysing in its own process: a crash there ends only that command.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import pickle
import sys
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from types import MappingProxyType
from typing import Any, TypeVar, cast

from posture.errors import PostureError

CRASHED = "analysis_crashed"
""":attr:`PostureError.cause` of an analysis whose child process died before it answered."""

CRASH_MESSAGE = (
    "The analysis of this clip stopped before it finished: the video reader or the pose model failed on this "
    "file, or the computer ran short of memory."
)

PRELOADED = ("posture.jump.engine", "posture.video.stand")
"""Modules the fork server imports once, so each child starts without importing MediaPipe again."""

POLL_S = 0.2
"""How often (s) the parent looks whether a silent child is still alive."""

LOG = logging.getLogger(__name__)
T = TypeVar("T")
Progress = Callable[[int, int], None]

_context: BaseContext | None = None
_starting = threading.Lock()


class ChildFailed(RuntimeError):
    """An unexpected exception inside the child; the message holds the child's traceback text."""


def child_context() -> BaseContext:
    """The multiprocessing context for analyses: a fork server preloaded with the engine where there is one.

    The first call starts the fork server, which then imports the engine in the background (a few seconds):
    a page that will analyse a clip calls this when it opens, so the first clip does not wait for it.
    """
    global _context
    with _starting:
        if _context is None:
            if "forkserver" in multiprocessing.get_all_start_methods():
                context = multiprocessing.get_context("forkserver")
                # Only takes effect if the fork server has not started yet; otherwise children import lazily.
                # "__main__" is Python's own default: with it preloaded, a child does not run the main script again.
                context.set_forkserver_preload(["__main__", *PRELOADED])
                _start_fork_server()
                _context = context
            else:
                _context = multiprocessing.get_context("spawn")
        return _context


def _start_fork_server() -> None:
    """Start the fork server on this process's module path.

    Python 3.11 and 3.12 hand the server the caller's ``sys.path`` but do not apply it, so a server started
    from another folder than the app's would import another copy of ``posture`` (an older installed one, or
    none) and every clip would fail in it. The new interpreter reads ``PYTHONPATH``, set only while it starts.
    """
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(path for path in sys.path if path)
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved


def run_in_child(function: Callable[..., T], *args: Any, progress: Progress | None = None, **kwargs: Any) -> T:
    """``function(*args, **kwargs)`` computed in a child process and its return value handed back.

    ``function`` and its arguments and result must pickle (``function`` a module-level function; read-only
    mappings, ``MappingProxyType``, which the library's results hold, are carried too). When
    ``progress`` is given, ``function`` is passed a ``progress`` keyword too, and each of its calls
    (frames done, total; at most one per percent) reaches ``progress`` here, in the caller's thread.
    An exception raised by ``progress`` (e.g. the app's page being left) stops the child.

    Raises :class:`PostureError` (``corrupt_video``, cause :data:`CRASHED`) when the child dies without
    an answer, and :class:`ChildFailed` when ``function`` raised or its result does not pickle.
    """
    context = child_context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(  # type: ignore[attr-defined]  # BaseContext lists Process on its subclasses
        target=_child_main,
        args=(sender, function, args, kwargs, progress is not None),
        name="posture-analysis",
        daemon=True,
    )
    child.start()
    sender.close()  # the child's copy is the only writer left, so its death reads as end of file
    try:
        return cast(T, _answer(receiver, child, progress))  # the pipe carries what `function` returned
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()


def _answer(receiver: Connection, child: Any, progress: Progress | None) -> object:
    while True:
        if receiver.poll(POLL_S):
            try:
                kind, payload = pickle.loads(receiver.recv_bytes())
            except EOFError:
                break
            if kind == "progress":
                if progress is not None:
                    progress(*payload)
            elif kind == "done":
                return payload
            else:
                raise ChildFailed(payload)
        elif not child.is_alive() and not receiver.poll(0):
            break
    child.join()
    # The exit code says what happened (a negative one is the signal, e.g. -11 a segmentation fault, -9 killed).
    LOG.warning("analysis child process ended without an answer, exit code %s", child.exitcode)
    raise PostureError("corrupt_video", CRASH_MESSAGE, cause=CRASHED)


def _child_main(
    sender: Connection, function: Callable[..., object], args: tuple[Any, ...], kwargs: dict[str, Any], relay: bool
) -> None:
    shown = [-1]

    def report(done: int, total: int) -> None:
        percent = int(100 * done / total) if total > 0 else 0
        if percent != shown[0]:
            shown[0] = percent
            sender.send_bytes(_dumps(("progress", (done, total))))

    try:
        result = function(*args, progress=report, **kwargs) if relay else function(*args, **kwargs)
        answer = _dumps(("done", result))  # pickled here, so a result that cannot be is a failure, not a crash
    except BaseException:  # every failure goes back to the parent, as text
        answer = _dumps(("failed", traceback.format_exc()))
    try:
        sender.send_bytes(answer)
    finally:
        sender.close()


class _Pickler(pickle.Pickler):
    """pickle's own, plus the read-only mappings (``MappingProxyType``) the library's results are built of."""

    def reducer_override(self, obj: object) -> Any:
        if type(obj) is MappingProxyType:
            return _read_only, (dict(obj),)
        return NotImplemented


def _read_only(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


def _dumps(message: tuple[str, object]) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, pickle.HIGHEST_PROTOCOL).dump(message)
    return buffer.getvalue()
