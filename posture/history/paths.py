"""Where the history file lives: the user's data directory, or ``POSTURE_DATA_DIR``."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

APP_DIRNAME = "posture-checker"
DB_FILENAME = "history.sqlite3"


def default_database_path(
    environ: Mapping[str, str] | None = None, platform: str | None = None, home: Path | None = None
) -> Path:
    """Path of the history file in the user's data directory (nothing is created).

    ``POSTURE_DATA_DIR`` wins when set; otherwise ``$XDG_DATA_HOME/posture-checker`` (or
    ``~/.local/share/posture-checker``) on Linux and other Unixes, ``~/Library/Application
    Support/posture-checker`` on macOS, ``%APPDATA%\\posture-checker`` on Windows. The
    arguments exist for tests; callers pass none.
    """
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    home = Path.home() if home is None else home
    if env.get("POSTURE_DATA_DIR"):
        return Path(env["POSTURE_DATA_DIR"]).expanduser() / DB_FILENAME
    if platform.startswith("win"):
        base = Path(env["APPDATA"]) if env.get("APPDATA") else home / "AppData" / "Roaming"
    elif platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = env.get("XDG_DATA_HOME", "")
        # The XDG spec says relative values are invalid and must be ignored.
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return base / APP_DIRNAME / DB_FILENAME
