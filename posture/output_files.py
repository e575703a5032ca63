"""Where the commands' ``--annotate`` files go: a folder checked writable before any work starts, and one
output name per input, so no input's drawing replaces another's."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path


def writable_folder(folder: Path) -> None:
    """Create ``folder`` if needed and prove a file can be written in it (OSError with a plain message if not):
    a read-only folder failed only after every input had been analysed, and the results were lost."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".posture-write-check-"):
            pass
    except OSError as error:
        raise OSError(f"cannot write into {folder}: {error.strerror or error}") from error


def output_stems(paths: Sequence[Path]) -> list[str]:
    """One distinct file-name stem per input, in order: the input's own stem, or ``stem-2``, ``stem-3``... for
    later inputs with a stem already taken (``x.jpg`` from two folders, or one file named twice)."""
    taken: set[str] = set()
    stems = []
    for path in paths:
        stem, number = path.stem, 1
        while stem.casefold() in taken:  # case-insensitive file systems would merge "A" and "a"
            number += 1
            stem = f"{path.stem}-{number}"
        taken.add(stem.casefold())
        stems.append(stem)
    return stems
