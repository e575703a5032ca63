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
