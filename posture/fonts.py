"""The fonts the PDF report and the photo labels draw text with."""

from __future__ import annotations

from pathlib import Path


def font_paths() -> tuple[Path, Path]:
    """DejaVu Sans regular and bold, shipped with matplotlib (a mediapipe dependency).

    DejaVu has the symbols the wording uses (°, ±, ≥, →), which OpenCV's own Hershey fonts lack.
    """
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


# Fonts with the Chinese, Japanese and Korean characters DejaVu lacks, as found on the machine (first match
# wins): a person's name in those scripts printed as "???" in the PDF report. Debian's fonts-droid-fallback
# (which scripts/test.sh installs) comes first, then the Noto CJK collection most Linux desktops carry, then
# macOS and Windows fonts. None is shipped: a CJK font is 4-20 MB, and every system that shows those scripts
# has one.
FALLBACK_FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
)
"""(path, font number in a collection) of each candidate."""


def fallback_font() -> tuple[Path, int] | None:
    """The first CJK font of :data:`FALLBACK_FONT_CANDIDATES` on this machine, or None."""
    for path, number in FALLBACK_FONT_CANDIDATES:
        if Path(path).is_file():
            return Path(path), number
    return None
