"""The History page's jump-rope chart: one left-right measure over the saved sessions, with each band.

Built as an Altair chart (no Streamlit here, so it can be checked without a page): x is the time each
session was saved as taken, y the left-minus-right value (or symmetry index) with the session's 95 % band
as an error bar; each view is its own colour; zero (even) is a rule and the measure's threshold dashed
rules either side of it, so a point whose bar stays beyond a dashed line was judged uneven.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from posture.history import JumpTrendPoint
from posture.wording import jump_measure_name
from posture.wording_jump import JUMP_UNIT_SYMBOLS, jump_band, jump_status_label, jump_value
from posture_app.trend import SERIES, TAKEN, TAKEN_AXIS, VALUE, dated_values

LOW = "low"
HIGH = "high"


def jump_trend_frame(points: Sequence[JumpTrendPoint]) -> pd.DataFrame:
    """One row per session: :func:`~posture_app.trend.dated_values`, band ends and words."""
    return pd.DataFrame(
        {
            **dated_values(points),
            # A session saved without a band keeps its point; its bar collapses onto the value.
            LOW: [p.value if p.low is None else p.low for p in points],
            HIGH: [p.value if p.high is None else p.high for p in points],
            "session": [f"#{p.session_id}" for p in points],
            "shown": [jump_value(p.value, p.unit, signed=True) for p in points],
            "band": [jump_band(None if p.low is None or p.high is None else (p.low, p.high), p.unit) for p in points],
            "verdict": [jump_status_label(p.status) for p in points],
        }
    )


def jump_trend_chart(points: Sequence[JumpTrendPoint], key: str, threshold: float | None) -> alt.LayerChart:
    """``key``'s value per saved session over time, with 95 % bands as error bars, zero and ±``threshold``."""
    unit = points[0].unit if points else ""
    symbol = JUMP_UNIT_SYMBOLS.get(unit, f" {unit}").strip()
    title = f"{jump_measure_name(key)} ({symbol})" if symbol else jump_measure_name(key)
    frame = jump_trend_frame(points)
    x = alt.X(f"{TAKEN}:T", title="session", axis=TAKEN_AXIS)
    colour = alt.Color(f"{SERIES}:N", title="view")
    base = alt.Chart(frame)
    bars = base.mark_errorbar(ticks=True).encode(
        x=x, y=alt.Y(f"{LOW}:Q", title=title, scale=alt.Scale(zero=True)), y2=f"{HIGH}:Q", color=colour
    )
    dots = base.mark_point(size=80, filled=True).encode(
        x=x,
        y=f"{VALUE}:Q",
        color=colour,
        tooltip=[
            alt.Tooltip("session:N", title="session"),
            alt.Tooltip(f"{TAKEN}:T", title="taken", format="%Y-%m-%d %H:%M"),
            alt.Tooltip(f"{SERIES}:N", title="view"),
            alt.Tooltip("shown:N", title="value"),
            alt.Tooltip("band:N", title="band"),
            alt.Tooltip("verdict:N", title="verdict"),
        ],
    )
    limits = [0.0] if threshold is None else [0.0, -threshold, threshold]
    rules = (
        alt.Chart(pd.DataFrame({"y": limits, "line": ["even" if v == 0 else "threshold" for v in limits]}))
        .mark_rule(color="gray")
        .encode(
            y="y:Q",
            strokeDash=alt.StrokeDash(
                "line:N", scale=alt.Scale(domain=["even", "threshold"], range=[[1, 0], [4, 4]]), title=""
            ),
        )
    )
    return alt.LayerChart(layer=[rules, bars, dots])
