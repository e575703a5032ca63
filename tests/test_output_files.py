"""Tests for posture.output_files: where ``--annotate`` writes, checked before any work starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from posture.output_files import output_stems, writable_folder

pytestmark = pytest.mark.model_free


def test_every_input_gets_its_own_output_name_in_input_order() -> None:
    paths = [Path("a/x.jpg"), Path("b/x.jpg"), Path("y.png"), Path("c/X.JPG"), Path("a/x.jpg")]
    assert output_stems(paths) == ["x", "x-2", "y", "X-3", "x-4"]


def test_a_folder_is_created_and_a_folder_nothing_can_be_written_in_is_refused(tmp_path: Path) -> None:
    writable_folder(tmp_path / "new" / "deeper")
    assert (tmp_path / "new" / "deeper").is_dir()
    assert list((tmp_path / "new" / "deeper").iterdir()) == []  # the check leaves nothing behind
    # /proc takes no new files, even from root (the CI runs as root, so a chmod'ed folder would not do).
    with pytest.raises(OSError, match="cannot write into /proc"):
        writable_folder(Path("/proc"))
