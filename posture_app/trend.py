"""The History page's trend chart: one measure's saved values over the dates they were taken.

Built as an Altair chart (no Streamlit here, so it can be checked without a page): the x axis is
time (``taken_at``), so values a month apart sit a month apart; each view is its own series, so a
left profile and a right profile never make one zig-zag line; values resting on a landmark moved by
hand are drawn as hollow points and named so in the tooltip; the normal range is a shaded band.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from posture.history import JumpTrendPoint, TrendPoint
from posture.measures import MeasureSpec
from posture.wording import MOVED_BY_HAND, format_value, measure_name, unit_symbol, view_name

TAKEN = "taken"
# Saved checks are minutes to months apart: whole dates and times, tilted so they do not crowd, never the
# fractions of a second Vega-Lite picks for sessions saved a few seconds apart (".001").
TAKEN_AXIS = alt.Axis(format="%d %b %H:%M", labelAngle=-30, labelOverlap="greedy", tickMinStep=60_000)
VALUE = "value"
SERIES = "view"
POINT = "point"
MEASURED = "as measured"


def dated_values(points: Sequence[TrendPoint | JumpTrendPoint]) -> dict[str, list[Any]]:
    """The columns every history chart has: local time taken (naive, as the person reads it), value, view name."""
    return {
        TAKEN: [p.taken_at.astimezone().replace(tzinfo=None) for p in points],
        VALUE: [p.value for p in points],
        SERIES: [view_name(p.view) if p.view else "unknown view" for p in points],
    }


def trend_frame(points: Sequence[TrendPoint]) -> pd.DataFrame:
    """One row per saved value: :func:`dated_values` and how each point was placed."""
    return pd.DataFrame(
        {
            **dated_values(points),
            POINT: [MOVED_BY_HAND if p.hand_moved else MEASURED for p in points],
            "shown": [format_value(p.value, p.unit) for p in points],
        }
    )


def trend_chart(points: Sequence[TrendPoint], spec: MeasureSpec) -> alt.LayerChart:
    """Values of ``spec``'s measure over time, one coloured line per view, over the normal range band."""
    title = f"{measure_name(spec.key)} ({unit_symbol(spec.unit).strip()})"
    frame = trend_frame(points)
    x = alt.X(f"{TAKEN}:T", title="taken", axis=TAKEN_AXIS)
    y = alt.Y(f"{VALUE}:Q", title=title, scale=alt.Scale(zero=False))
    colour = alt.Color(f"{SERIES}:N", title="view")
    base = alt.Chart(frame)
    lines = base.mark_line().encode(x=x, y=y, color=colour)
    dots = base.mark_point(size=70).encode(
        x=x,
        y=y,
        color=colour,
        fill=alt.condition(alt.datum[POINT] == MOVED_BY_HAND, alt.value("white"), colour),
        shape=alt.Shape(f"{POINT}:N", title="point placed"),
        tooltip=[
            alt.Tooltip(f"{TAKEN}:T", title="taken", format="%Y-%m-%d %H:%M"),
            alt.Tooltip(f"{SERIES}:N", title="view"),
            alt.Tooltip("shown:N", title="value"),
            alt.Tooltip(f"{POINT}:N", title="point placed"),
        ],
    )
    return alt.LayerChart(layer=[*_normal_band(frame, spec), lines, dots])


def _normal_band(frame: pd.DataFrame, spec: MeasureSpec) -> list[alt.Chart]:
    """The normal range as a shaded band across the chart's dates (an open end stops at the data's edge)."""
    low, high = spec.normal
    if low is None and high is None:
        return []
    values = frame[VALUE]
    # An open end reaches past the data and the limit both, so the band shows even when every value lies on
    # the other side of the limit (a craniovertebral angle of 37° under "normal >= 50°").
    spread = max(float(values.max() - values.min()), 1.0)
    band = pd.DataFrame(
        {
            "low": [low if low is not None else min(values.min(), high) - 0.2 * spread],
            "high": [high if high is not None else max(values.max(), low) + 0.2 * spread],
        }
    )
    return [alt.Chart(band).mark_rect(opacity=0.12, color="green").encode(y="low:Q", y2="high:Q")]
