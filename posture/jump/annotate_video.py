"""Pictures of a measured jump-rope clip: an annotated H.264 MP4 and a PNG chart of the per-jump series.

Presentation only: everything drawn comes from a :class:`~posture.jump.engine.JumpAnalysis` (its
track and per-jump records); nothing is measured here. The video keeps every decoded frame at its
own timestamp, so it plays in step with the original.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
from matplotlib.figure import Figure

from posture.annotate import SKELETON, SKELETON_RGB
from posture.jump.engine import JumpAnalysis
from posture.jump.records import SIDES, JumpRecord
from posture.pose import INDEX
from posture.video.decode import iter_frames

SIDE_RGB = {"left": (255, 140, 30), "right": (40, 200, 255)}
TOUCHDOWN_MARK_S = 0.15  # how long the touchdown ring stays on the landing foot
SERIES = (("foot_clearance_cm", "Foot clearance (cm)"), ("landing_depth_cm", "Landing depth (cm)"),
          ("hand_circle_cm", "Hand circle (cm)"))
_TIME_BASE = Fraction(1, 90_000)


def write_annotations(analysis: JumpAnalysis, source: str | os.PathLike[str], out_dir: Path) -> tuple[Path, Path]:
    """``<stem>_annotated.mp4`` and ``<stem>_series.png`` in ``out_dir``; returns both paths."""
    stem = Path(analysis.file).stem
    video_path, chart_path = out_dir / f"{stem}_annotated.mp4", out_dir / f"{stem}_series.png"
    write_annotated_video(analysis, source, video_path)
    write_series_chart(analysis, chart_path)
    return video_path, chart_path


def _current_jump(records: list[JumpRecord], time_s: float) -> JumpRecord | None:
    """The last jump that landed at or before ``time_s``."""
    landed = [record for record in records if record.touchdown_s <= time_s]
    return landed[-1] if landed else None


def _value(record: JumpRecord | None, attribute: str, side: str) -> str:
    if record is None:
        return "-"
    value = float(getattr(record, attribute)[side])
    return f"{value:.1f}" if np.isfinite(value) else "-"


def annotated_frames(analysis: JumpAnalysis, source: str | os.PathLike[str]) -> Iterator[np.ndarray]:
    """Each decoded frame with the skeleton, touchdown rings and the current jump's left/right values."""
    track, records = analysis.track, analysis.session.jumps
    display_width = analysis.video.width
    for index, (time_s, rgb) in enumerate(iter_frames(source)):
        canvas = np.ascontiguousarray(rgb)
        scale = canvas.shape[1] / display_width
        thickness = max(2, round(canvas.shape[0] / 400))
        if index < len(track):
            points = track.xy_px[index] * scale
            if np.isfinite(points[:, 0]).any():
                _draw_skeleton(canvas, points, thickness)
                _draw_touchdowns(canvas, points, records, time_s, thickness)
        _draw_values(canvas, _current_jump(records, time_s), thickness)
        yield canvas


def _pixel(point: np.ndarray) -> tuple[int, int]:
    return round(float(point[0])), round(float(point[1]))


def _draw_skeleton(canvas: np.ndarray, points: np.ndarray, thickness: int) -> None:
    for a, b in SKELETON:
        pa, pb = points[INDEX[a]], points[INDEX[b]]
        if np.isfinite(pa).all() and np.isfinite(pb).all():
            cv2.line(canvas, _pixel(pa), _pixel(pb), SKELETON_RGB, thickness, cv2.LINE_AA)


def _draw_touchdowns(canvas: np.ndarray, points: np.ndarray, records: list[JumpRecord], time_s: float,
                     thickness: int) -> None:
    """A ring on each foot for a moment after it touches down."""
    for record in records:
        for side in SIDES:
            touchdown = record.touchdown_left_s if side == "left" else record.touchdown_right_s
            foot = points[INDEX[f"{side}_foot_index"]]
            if np.isfinite(touchdown) and 0.0 <= time_s - touchdown < TOUCHDOWN_MARK_S and np.isfinite(foot).all():
                cv2.circle(canvas, _pixel(foot), 6 * thickness, SIDE_RGB[side], thickness, cv2.LINE_AA)


def _draw_values(canvas: np.ndarray, record: JumpRecord | None, thickness: int) -> None:
    """The last landed jump's left and right values in the top-left corner (cm)."""
    font_scale = canvas.shape[0] / 1400
    line_px = round(34 * font_scale) + 6
    rows = [("cm", "L", "R")] + [(label.split(" (")[0], _value(record, attribute, "left"),
                                  _value(record, attribute, "right")) for attribute, label in SERIES]
    cv2.rectangle(canvas, (0, 0), (round(520 * font_scale), line_px * len(rows) + 10), (0, 0, 0), -1)
    for row, (name, left, right) in enumerate(rows):
        y = line_px * (row + 1)
        cv2.putText(canvas, name, (8, y), cv2.FONT_HERSHEY_SIMPLEX, font_scale, (255, 255, 255), 1, cv2.LINE_AA)
        for column, (text, side) in enumerate(((left, "left"), (right, "right"))):
            x = round((300 + 110 * column) * font_scale)
            cv2.putText(canvas, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, font_scale, SIDE_RGB[side],
                        max(1, thickness // 2), cv2.LINE_AA)


def write_annotated_video(analysis: JumpAnalysis, source: str | os.PathLike[str], target: Path) -> None:
    """Encode :func:`annotated_frames` as H.264 (yuv420p, even size) at the frames' own times."""
    times = iter(analysis.track.times_s)
    with av.open(str(target), mode="w") as container:
        stream = container.add_stream("libx264", rate=max(1, round(analysis.video.fps)))
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = _TIME_BASE
        stream.codec_context.options = {"preset": "veryfast", "crf": "23"}
        last_pts = -1
        for index, canvas in enumerate(annotated_frames(analysis, source)):
            even = canvas[: canvas.shape[0] // 2 * 2, : canvas.shape[1] // 2 * 2]
            if index == 0:
                stream.width, stream.height = even.shape[1], even.shape[0]
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(even), format="rgb24")
            time_s = float(next(times, (last_pts + 1) * _TIME_BASE))
            last_pts = frame.pts = max(round(time_s / _TIME_BASE), last_pts + 1)
            frame.time_base = _TIME_BASE
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


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
