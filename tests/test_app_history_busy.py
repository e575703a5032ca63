"""The app's pages when the history file is held by another program past the busy timeout: the History page and
both Save buttons say to try again in a moment, never to move a good history away (it would look empty).

Real SQLite files in tmp_path held open by a second connection, the real app (AppTest). Not model-free: the
photo page measures a photo, so these live apart from tests/test_history_reach.py.
"""

from __future__ import annotations

import sqlite3

import pytest

import posture.history.store as store_module
from posture.history import HistoryStore
from tests.app_harness import open_app, texts

RECORD = {"photos": [], "findings": []}
JPEG = b"\xff\xd8 not decoded \xff\xd9"


def test_the_history_page_says_a_held_file_is_busy_and_not_to_move_it_away(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "history.sqlite3"
    HistoryStore(path).save(RECORD, [JPEG], label="kept")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        page = texts(open_app("posture_app/pages/history.py"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "The history is busy" in page
    assert "Reload this page in a moment" in page
    assert "Move the file away" not in page
    assert [s.label for s in HistoryStore(path).list()] == ["kept"]


def _jump_page():
    from tests.public_jumps import public_analysis
    from tests.test_app_jump_history import jump_page_with

    return jump_page_with(public_analysis("jump04_front"))


def _photo_page():
    from tests.test_app import sample, upload

    return upload(open_app(), ("front.jpg", sample("front")))


@pytest.mark.parametrize(
    ("open_page", "button", "not_saved", "notice"),
    [
        (_jump_page, "jump_save", "The session was not saved", "Saved as session #"),
        (_photo_page, "save", "The assessment was not saved", "Saved as assessment #"),
    ],
    ids=["jump session", "photo assessment"],
)
def test_a_save_while_the_file_is_held_is_asked_again_not_moved_away(
    tmp_path, monkeypatch, open_page, button, not_saved, notice
):
    monkeypatch.setenv("POSTURE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "history.sqlite3"
    HistoryStore(path).save(RECORD, [JPEG], label="kept")
    at = open_page()
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        at.button(key=button).click().run()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert not_saved in errors[0]
    assert "press Save again in a moment" in errors[0]
    assert "move that file away" not in errors[0]
    assert not any(notice in s.value for s in at.success)
    at.button(key=button).click().run()  # the lock is gone: the same button saves it
    assert any(notice in s.value for s in at.success)
    assert [s.label for s in HistoryStore(path).list()][1:] == ["kept"]
