"""Left-versus-right charts of a jump-rope session drawn with matplotlib, for files and reports (no Streamlit).

Each chart shows one per-jump measure: every jump's left and right value, each side's median over the
jumps as a dashed line and its 95 % band as a shaded strip, in the colours of the annotated clip (the
person's left orange, right blue). The app draws the same charts with Altair (posture_app.jump_charts).

matplotlib is imported inside the drawing functions: the JSON and Markdown-only paths never need it.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from posture.jump.records import SIDES, JumpRecord
from posture.jump.summary import Measurement

if TYPE_CHECKING:
    from matplotlib.axes import Axes

CHART_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("foot_clearance_cm", "Feet: clearance", "foot clearance (cm)"),
    ("landing_depth_cm", "Landing: depth", "landing depth (cm)"),
    ("hand_circle_cm", "Hands: circle", "hand circle (cm)"),
)
"""(per-jump attribute and measurement key stem, chart title, y axis label) of every left-right chart."""
CHART_SIZE_IN = (7.0, 2.6)
CHART_DPI = 130
"""7 x 2.6 in at 130 dpi: 910 x 338 px, sharp at the PDF's text width (174 mm) without bloating it."""


def side_values(jumps: Sequence[JumpRecord], stem: str, side: str) -> tuple[list[int], list[float]]:
    """Jump numbers (1-based) and the side's value (cm) for the jumps where that side was measured."""
    numbers, values = [], []
    for number, jump in enumerate(jumps, start=1):
        value = float(getattr(jump, stem)[side])
        if value == value:  # NaN: the side was not seen in this jump
            numbers.append(number)
            values.append(value)
    return numbers, values


def draw_left_right(
    axis: Axes, jumps: Sequence[JumpRecord], measurements: Mapping[str, Measurement], stem: str, label: str
) -> bool:
    """One measure's left and right values per jump on ``axis``, with each side's median and 95 % band
    when the session has them; False (nothing drawn) when no jump has a value."""
    from posture.jump.annotate_video import LEFT_RGB, RIGHT_RGB

    colours = {"left": LEFT_RGB, "right": RIGHT_RGB}
    drawn = False
    for side in SIDES:
        colour = tuple(channel / 255 for channel in colours[side])
        numbers, values = side_values(jumps, stem, side)
        if not numbers:
            continue
        drawn = True
        axis.plot(numbers, values, "o-", color=colour, label=side, markersize=3, linewidth=1.2)
        summary = measurements.get(f"{stem}_{side}")
        if summary is not None and summary.value is not None and summary.band is not None:
            axis.axhspan(summary.band[0], summary.band[1], color=colour, alpha=0.15, linewidth=0)
            axis.axhline(summary.value, color=colour, linestyle=(0, (6, 4)), linewidth=1)
    axis.set_ylabel(label)
    axis.grid(alpha=0.3)
    return drawn


def left_right_png(
    jumps: Sequence[JumpRecord], measurements: Mapping[str, Measurement], stem: str, title: str, label: str
) -> bytes | None:
    """One left-vs-right chart over the jumps as PNG bytes (:data:`CHART_SIZE_IN` at :data:`CHART_DPI`);
    None when no jump has a value for this measure."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    # A Figure of its own, not pyplot: no global state, so charts drawn in parallel threads do not mix.
    figure = Figure(figsize=CHART_SIZE_IN)
    axis = figure.subplots()
    if not draw_left_right(axis, jumps, measurements, stem, label):
        return None
    axis.set_title(title, loc="left")
    axis.set_xlabel("jump")
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axis.legend(loc="upper right", fontsize="small")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=CHART_DPI)
    return buffer.getvalue()
