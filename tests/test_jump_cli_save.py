"""``posture jump VIDEO --save [--label TEXT]`` through the real command: the real clip tracked by the real
model, saved in a real SQLite history under POSTURE_DATA_DIR."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from posture.history import KIND_JUMP, HistoryStore

CLIP = Path(__file__).resolve().parent / "data" / "video" / "jump04_front.mp4"


def posture(*args: object, data_dir: Path, timeout: float = 400) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "posture.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "POSTURE_DATA_DIR": str(data_dir)},
    )


@pytest.mark.slow
def test_save_keeps_the_session_under_its_label_and_says_where(tmp_path):
    result = posture("jump", CLIP, "--save", "--label", "Zoë, week 2", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    path = tmp_path / "history.sqlite3"
    assert result.stdout.rstrip().endswith(f"Saved to the history ({path}) as #1")
    store = HistoryStore(path)
    (summary,) = store.list()
    assert (summary.kind, summary.label, summary.views) == (KIND_JUMP, "Zoë, week 2", ("front",))
    saved = store.get(1)
    assert len(saved.thumbnails) == len(saved.annotated_thumbnails) == 1, "the clip's still, plain and drawn"
    record = saved.record
    assert record["file"] == "jump04_front.mp4"
    assert summary.jump_count == record["measurements"]["jump_count"]["value"] == len(record["jumps"])
    json.dumps(record, allow_nan=False)


def test_label_without_save_is_a_usage_error_and_nothing_is_written(tmp_path):
    result = posture("jump", CLIP, "--label", "Zoë", data_dir=tmp_path)
    assert result.returncode == 2
    assert "--label names what --save keeps: add --save" in result.stderr
    assert list(tmp_path.iterdir()) == []
