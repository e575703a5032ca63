"""Reaching the history file: a folder that cannot be made or written, and a read racing the very first save.

Real SQLite files in tmp_path, no mocks. Every failure to reach the file must come out as HistoryError, the one
exception the app's save buttons, its History page and the command line's ``--save`` catch and explain; anything
else surfaced as a traceback (the command line) or as the app's generic "something went wrong".
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

import posture.history.store as store_module
from posture.history import HistoryBusyError, HistoryError, HistoryStore

pytestmark = pytest.mark.model_free

RECORD = {"photos": [], "findings": []}
JPEG = b"\xff\xd8 not decoded \xff\xd9"


def test_saving_where_the_folder_cannot_be_made_is_a_history_error(tmp_path):
    # POSTURE_DATA_DIR naming a file (a typo, a mount point gone missing) leaves no folder to put the history in.
    in_the_way = tmp_path / "data"
    in_the_way.write_bytes(b"a file, not a folder")
    store = HistoryStore(in_the_way / "history.sqlite3")
    with pytest.raises(HistoryError, match="cannot be opened"):
        store.save(RECORD, [JPEG], label="kept?")
    assert in_the_way.read_bytes() == b"a file, not a folder"


@pytest.mark.parametrize("operation", ["save", "list", "get", "delete", "delete_all", "export_bytes"])
def test_a_history_path_that_cannot_be_opened_is_a_history_error(tmp_path, operation):
    # The path is a folder: SQLite cannot open it, for reading or writing.
    path = tmp_path / "history.sqlite3"
    path.mkdir()
    (path / "someone's file").write_bytes(b"untouched")
    store = HistoryStore(path)
    calls = {
        "save": lambda: store.save(RECORD, [JPEG]),
        "list": store.list,
        "get": lambda: store.get(1),
        "delete": lambda: store.delete(1),
        "delete_all": store.delete_all,
        "export_bytes": store.export_bytes,
    }
    with pytest.raises(HistoryError, match="cannot be opened"):
        calls[operation]()
    assert [p.name for p in path.iterdir()] == ["someone's file"]
    assert (path / "someone's file").read_bytes() == b"untouched"


def test_saving_on_a_read_only_file_system_is_a_history_error():
    # /proc cannot hold a new folder or file, whoever runs the test (root included).
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc on this system")
    for path in (Path("/proc/posture-history-test/history.sqlite3"), Path("/proc/history.sqlite3")):
        with pytest.raises(HistoryError, match="cannot be opened"):
            HistoryStore(path).save(RECORD, [JPEG])
        assert HistoryStore(path).list() == []


def test_reading_an_empty_file_writes_nothing_into_it(tmp_path):
    # What the first save's open leaves for a moment (and what an interrupted first save may leave): nothing
    # saved yet. A read says so without writing tables into it; the next save makes it a history.
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"")
    store = HistoryStore(path)
    assert store.list() == []
    assert store.first_thumbnails() == {}
    assert store.delete(1) is False
    assert path.read_bytes() == b""
    assert store.save(RECORD, [JPEG], label="first") == 1
    assert [s.label for s in store.list()] == ["first"]


def test_reading_while_the_first_save_creates_the_file(tmp_path):
    # The History page (or `HistoryStore().list()` in a script) open while the app or `posture ... --save` makes
    # the very first save. The file appears between SQLite's attempt to open it and the check that it is missing,
    # or SQLite opens it read-only while it is still empty; either way the read failed (a bare sqlite3 error, or
    # "attempt to write a readonly database" and the advice to move the history away) in about one round in ten.
    failures: list[str] = []
    for round_number in range(120):
        store = HistoryStore(tmp_path / f"round{round_number}" / "history.sqlite3")
        done = threading.Event()

        def first_save(store: HistoryStore = store, done: threading.Event = done) -> None:
            try:
                store.save(RECORD, [JPEG], label="first")
            finally:
                done.set()

        saver = threading.Thread(target=first_save)
        saver.start()
        while not done.is_set():
            try:
                listed = store.list()
            except Exception as error:  # every kind counts: the point is that none surfaces
                failures.append(f"{type(error).__name__}: {error}")
            else:
                assert [s.label for s in listed] in ([], ["first"])
        saver.join()
        assert [s.label for s in store.list()] == ["first"]
    assert failures == []


@pytest.mark.parametrize("lock", ["IMMEDIATE", "EXCLUSIVE"])
def test_a_history_held_by_another_program_is_busy_not_damaged(tmp_path, monkeypatch, lock):
    # Another program (a database browser, a backup, a long delete-all in another tab) holds the file's lock past
    # the wait. Under an exclusive lock every step said "<file> is not a usable history file: database is locked"
    # and the pages advised moving the file away: a new, empty history would then look like everything was lost.
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.2)  # the real wait is 10 s
    path = tmp_path / "history.sqlite3"
    store = HistoryStore(path)
    kept = store.save(RECORD, [JPEG], label="kept")
    before = path.read_bytes()
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute(f"BEGIN {lock}")
        calls = [lambda: store.save(RECORD, [JPEG]), lambda: store.delete(kept), store.delete_all]
        if lock == "EXCLUSIVE":  # an immediate lock still lets readers in
            calls += [store.list, lambda: store.get(kept), store.export_bytes]
        for call in calls:
            with pytest.raises(HistoryBusyError, match="in use by another program") as busy:
                call()
            assert "not a usable history file" not in str(busy.value)
            assert isinstance(busy.value, HistoryError), "every caller catches HistoryError"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert path.read_bytes() == before
    assert [s.label for s in store.list()] == ["kept"]
