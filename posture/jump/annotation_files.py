"""The files ``posture jump --annotate DIR`` writes: the annotated clip (MP4) and a PNG chart of the
per-jump series, left vs right.

Presentation only: everything drawn comes from a :class:`~posture.jump.engine.JumpAnalysis`; the clip
itself is drawn by :func:`posture.jump.annotate_video.annotated_clip`, the same drawing the app shows.
"""

from __future__ import annotations

import os
from pathlib import Path

from matplotlib.figure import Figure

from posture.jump.annotate_video import LEFT_RGB, RIGHT_RGB, annotated_clip
from posture.jump.engine import JumpAnalysis
from posture.jump.records import SIDES

SIDE_RGB = {"left": LEFT_RGB, "right": RIGHT_RGB}
SERIES = (
    ("foot_clearance_cm", "Foot clearance (cm)"),
    ("landing_depth_cm", "Landing depth (cm)"),
    ("hand_circle_cm", "Hand circle (cm)"),
)
CLI_MAX_SIDE_PX = 1280
"""Long side of the annotated clip the command writes (px): sharper than the app's streamed copy."""


def write_annotations(analysis: JumpAnalysis, source: str | os.PathLike[str], out_dir: Path) -> tuple[Path, Path]:
    """``<stem>_annotated.mp4`` and ``<stem>_series.png`` in ``out_dir``; returns both paths."""
    stem = Path(analysis.file).stem
    video_path, chart_path = out_dir / f"{stem}_annotated.mp4", out_dir / f"{stem}_series.png"
    video_path.write_bytes(annotated_clip(source, analysis, max_side_px=CLI_MAX_SIDE_PX))
    write_series_chart(analysis, chart_path)
    return video_path, chart_path


def write_series_chart(analysis: JumpAnalysis, target: Path) -> None:
    """Left vs right per jump (foot clearance, landing depth, hand circle) against touchdown time."""
    records = analysis.session.jumps
    times = [record.touchdown_s for record in records]
    # A Figure of its own, not pyplot: no global state, so clips drawn in parallel threads do not mix.
    figure = Figure(figsize=(8, 2.4 * len(SERIES)))
    axes = figure.subplots(len(SERIES), 1, sharex=True)
    for axis, (attribute, label) in zip(axes, SERIES, strict=True):
        for side in SIDES:
            values = [float(getattr(record, attribute)[side]) for record in records]
            colour = tuple(channel / 255 for channel in SIDE_RGB[side])
            axis.plot(times, values, "o-", color=colour, label=side, markersize=3)
        axis.set_ylabel(label)
        axis.grid(alpha=0.3)
    axes[0].legend(loc="upper right")
    axes[0].set_title(f"{analysis.file}: per jump, left vs right ({analysis.session.view} view)")
    axes[-1].set_xlabel("touchdown time (s)")
    figure.tight_layout()
    figure.savefig(target, dpi=100)
