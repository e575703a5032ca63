"""Left-versus-right charts of a jump-rope session: one per measure, each jump's two values and the bands.

Pure data and Altair specifications, no Streamlit: the page decides where they go. The person's
left is orange and right blue everywhere (the annotated clip uses the same colours).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from posture.jump.charts import CHART_MEASURES
from posture.jump.records import SIDES, JumpRecord
from posture.jump.summary import Measurement

__all__ = ["CHART_MEASURES", "SIDE_COLOURS", "band_frame", "left_right_chart", "per_jump_frame"]
SIDE_COLOURS = {"left": "#f58228", "right": "#2896f5"}


def per_jump_frame(jumps: Sequence[JumpRecord], stem: str) -> pd.DataFrame:
    """One row per jump and side with a value: jump number (1-based), touchdown time (s), side, value (cm)."""
    rows = []
    for number, jump in enumerate(jumps, start=1):
        values: Mapping[str, float] = getattr(jump, stem)
        for side in SIDES:
            value = float(values[side])
            if np.isfinite(value):
                rows.append(
                    {"jump": number, "time_s": round(jump.touchdown_s, 2), "side": side, "value": round(value, 2)}
                )
    return pd.DataFrame(rows, columns=["jump", "time_s", "side", "value"])


def band_frame(measurements: Mapping[str, Measurement], stem: str) -> pd.DataFrame:
    """One row per side with a summary: side, median (cm) and its 95 % band (low, high cm)."""
    rows = []
    for side in SIDES:
        measurement = measurements.get(f"{stem}_{side}")
        if measurement is not None and measurement.value is not None and measurement.band is not None:
            rows.append(
                {
                    "side": side,
                    "median": round(measurement.value, 2),
                    "low": round(measurement.band[0], 2),
                    "high": round(measurement.band[1], 2),
                }
            )
    return pd.DataFrame(rows, columns=["side", "median", "low", "high"])


def left_right_chart(
    jumps: Sequence[JumpRecord], measurements: Mapping[str, Measurement], stem: str, title: str, axis: str
) -> alt.LayerChart | None:
    """Each jump's left and right value as lines with points, each side's median as a dashed rule and its
    95 % band as a shaded strip; None when no jump has a value for this measure."""
    points = per_jump_frame(jumps, stem)
    if points.empty:
        return None
    colour = alt.Color(
        "side:N", title="side", scale=alt.Scale(domain=list(SIDES), range=[SIDE_COLOURS[s] for s in SIDES])
    )
    lines = (
        alt.Chart(points)
        .mark_line(point=True)
        .encode(
            x=alt.X("jump:Q", title="jump", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title=axis, scale=alt.Scale(zero=False)),
            color=colour,
            tooltip=[
                alt.Tooltip("jump:Q"),
                alt.Tooltip("time_s:Q", title="touchdown (s)"),
                alt.Tooltip("side:N"),
                alt.Tooltip("value:Q", title=axis),
            ],
        )
    )
    layers: list[alt.Chart] = []
    bands = band_frame(measurements, stem)
    if not bands.empty:
        layers.append(alt.Chart(bands).mark_rect(opacity=0.15).encode(y="low:Q", y2="high:Q", color=colour))
        layers.append(
            alt.Chart(bands)
            .mark_rule(strokeDash=[6, 4])
            .encode(
                y="median:Q",
                color=colour,
                tooltip=[
                    alt.Tooltip("side:N"),
                    alt.Tooltip("median:Q", title="median"),
                    alt.Tooltip("low:Q", title="band low"),
                    alt.Tooltip("high:Q", title="band high"),
                ],
            )
        )
    return alt.LayerChart(layer=[*layers, lines], title=title, height=260)
