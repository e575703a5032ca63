"""Run a producer (decoding a clip) in a thread ahead of its consumer (the landmarker).

FFmpeg's decoders and MediaPipe's graph both release the GIL while they work, so a decoding
thread that stays a few frames ahead makes the time per frame max(decode, landmarks) instead of
their sum. The queue is bounded (:data:`DEFAULT_DEPTH` frames), so memory does not grow with the
clip's length, and an error in the producer (a ``PostureError`` from a damaged clip) reaches the
consumer as the same exception, after the items that came before it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["DEFAULT_DEPTH", "prefetched"]

T = TypeVar("T")

DEFAULT_DEPTH = 4
"""Items produced ahead of the consumer: enough to ride out an uneven frame (a key frame, a
detector pass), small enough to hold (4 RGB frames at 1280 x 720: 11 MB)."""

# How often (s) a producer blocked on a full queue checks whether the consumer has gone away.
_STOP_POLL_S = 0.05


def prefetched(items: Iterable[T], depth: int = DEFAULT_DEPTH) -> Iterator[T]:
    """Yield ``items`` in order while a background thread produces up to ``depth`` of them ahead.

    The producer runs ``iter(items)`` (and closes it, if it is a generator) in its own thread.
    An exception raised by the producer is re-raised here once the items before it were yielded.
    Closing this generator early (``break``, an exception in the consumer) stops the producer
    at its next item and waits for it to finish.
    """
    if depth < 1:
        raise ValueError(f"depth must be >= 1, got {depth!r}")
    slots: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    end = object()

    def offer(entry: tuple[bool, Any]) -> bool:
        while not stop.is_set():
            try:
                slots.put(entry, timeout=_STOP_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        iterator = iter(items)
        try:
            for item in iterator:
                if not offer((True, item)):
                    return
            offer((True, end))
        except BaseException as exc:  # handed to the consumer, which raises it in its own thread
            offer((False, exc))
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="posture-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            ok, value = slots.get()
            if not ok:
                raise value
            if value is end:
                return
            yield value
    finally:
        stop.set()
        thread.join()
