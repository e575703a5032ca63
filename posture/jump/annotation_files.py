"""The files ``posture jump --annotate DIR`` writes: the annotated clip (MP4) and a PNG chart of the
per-jump series, left vs right.

Presentation only: everything drawn comes from a :class:`~posture.jump.engine.JumpAnalysis`; the clip
itself is drawn by :func:`posture.jump.annotate_video.annotated_clip`, the same drawing the app shows.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from matplotlib.figure import Figure

from posture.jump.annotate_video import annotated_clip
from posture.jump.charts import CHART_MEASURES, draw_left_right
from posture.jump.engine import JumpAnalysis

# A file name in a script the chart's font lacks (CJK, say) draws as boxes in the title, and matplotlib warns
# about each glyph on stderr, which the command keeps for its progress bar alone. Set once, at import.
warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)

CLI_MAX_SIDE_PX = 1280
"""Long side of the annotated clip the command writes (px): sharper than the app's streamed copy."""


def write_annotations(
    analysis: JumpAnalysis, source: str | os.PathLike[str], out_dir: Path, stem: str | None = None
) -> tuple[Path, Path]:
    """``<stem>_annotated.mp4`` and ``<stem>_series.png`` in ``out_dir`` (``stem``: the clip's own file name's
    unless given); returns both paths."""
    stem = stem or Path(analysis.file).stem
    video_path, chart_path = out_dir / f"{stem}_annotated.mp4", out_dir / f"{stem}_series.png"
    video_path.write_bytes(annotated_clip(source, analysis, max_side_px=CLI_MAX_SIDE_PX))
    write_series_chart(analysis, chart_path)
    return video_path, chart_path


def write_series_chart(analysis: JumpAnalysis, target: Path) -> None:
    """Left vs right per jump (foot clearance, landing depth, hand circle), each side's median and 95 % band."""
    session = analysis.session
    # A Figure of its own, not pyplot: no global state, so clips drawn in parallel threads do not mix.
    figure = Figure(figsize=(8, 2.4 * len(CHART_MEASURES)))
    axes = figure.subplots(len(CHART_MEASURES), 1, sharex=True)
    for axis, (stem, _, label) in zip(axes, CHART_MEASURES, strict=True):
        draw_left_right(axis, session.jumps, session.measurements, stem, label)
    axes[0].legend(loc="upper right")
    axes[0].set_title(f"{analysis.file}: per jump, left vs right ({session.view} view)")
    axes[-1].set_xlabel("jump")
    figure.tight_layout()
    figure.savefig(target, dpi=100)
