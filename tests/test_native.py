"""Silencing native libraries' writes to file descriptor 2."""

from __future__ import annotations

import os
import threading

from posture.native import native_stderr_silenced


def test_native_writes_are_silenced_and_stderr_comes_back(capfd):
    os.write(2, b"before\n")
    with native_stderr_silenced():
        os.write(2, b"native chatter\n")
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "before\nafter\n"


def test_nested_and_concurrent_users_restore_stderr_only_when_the_last_leaves(capfd):
    inside, release = threading.Event(), threading.Event()

    def other_thread():
        with native_stderr_silenced():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=other_thread)
    with native_stderr_silenced():
        worker.start()
        assert inside.wait(5)
    os.write(2, b"still silenced: the other thread is inside\n")
    release.set()
    worker.join(5)
    os.write(2, b"restored\n")
    assert capfd.readouterr().err == "restored\n"
