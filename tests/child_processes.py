"""Stopping the analysis' child process (posture.video.isolated) from outside, as the system would."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

CHILD_NAME = "posture-analysis"


def analysis_children() -> list[multiprocessing.process.BaseProcess]:
    return [child for child in multiprocessing.active_children() if child.name == CHILD_NAME]


@contextmanager
def killed_analysis(signal_number: int = signal.SIGKILL) -> Iterator[list[int]]:
    """Sends ``signal_number`` to the first analysis child as soon as it starts (SIGKILL: what the kernel's
    out-of-memory killer sends); yields the list of killed process ids, filled once it happened."""
    stop = threading.Event()
    killed: list[int] = []

    def watch() -> None:
        while not stop.is_set():
            for child in analysis_children():
                if child.pid is not None:
                    os.kill(child.pid, signal_number)
                    killed.append(child.pid)
                    return
            time.sleep(0.005)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield killed
    finally:
        stop.set()
        watcher.join()
