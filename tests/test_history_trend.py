"""The History page's trend chart (posture_app.trend) over a real SQLite history: time on the x axis,
one series per view, hand-moved values marked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from posture.history import HistoryStore
from posture.measures import SPECS
from posture.wording import MOVED_BY_HAND
from posture_app.trend import trend_chart, trend_frame

pytestmark = pytest.mark.model_free

T0 = datetime(2025, 2, 3, 9, 0, tzinfo=UTC)
CVA = "craniovertebral_angle_deg"


def side_record(view: str, cva: float, moved: bool = False) -> dict:
    photo = {
        "image": f"{view}.jpg",
        "ok": True,
        "view": view,
        "measurements": {CVA: {"value": cva, "unit": "deg", "normal_range": [50, None], "status": "deviation"}},
    }
    if moved:
        photo["hand_moved"] = {
            "landmarks": [
                {"landmark": f"{view}_ear", "from_px": [1, 1], "to_px": [5, 4], "distance_px": 5.0, "distance_cm": 1.0}
            ],
            "measures": [CVA],
        }
    return {"photos": [photo]}


@pytest.fixture
def store(tmp_path) -> HistoryStore:
    store = HistoryStore(tmp_path / "history.sqlite3")
    # Saved out of date order and a month, then a day, apart: the chart must place them by date.
    store.save(side_record("right", 47.0), taken_at=T0 + timedelta(days=31))
    store.save(side_record("left", 44.0), taken_at=T0)
    store.save(side_record("left", 45.0, moved=True), taken_at=T0 + timedelta(days=32))
    store.save(side_record("right", 48.5), taken_at=T0 + timedelta(days=1))
    return store


def test_the_chart_puts_time_on_x_and_one_series_per_view(store):
    points = store.trend(CVA)
    frame = trend_frame(points)
    assert list(frame["view"]) == ["left profile", "right profile", "right profile", "left profile"]
    assert list(frame["taken"]) == sorted(frame["taken"])
    assert (frame["taken"].iloc[-1] - frame["taken"].iloc[0]) == timedelta(days=32)
    assert list(frame["point"]) == ["as measured", "as measured", "as measured", MOVED_BY_HAND]
    spec = trend_chart(points, SPECS[CVA]).to_dict()
    band, line, dots = spec["layer"]
    for layer in (line, dots):
        x = dict(layer["encoding"]["x"])
        assert x.pop("axis")["format"] == "%d %b %H:%M"  # dates and times, never fractions of a second
        assert x == {"field": "taken", "title": "taken", "type": "temporal"}
        assert layer["encoding"]["color"]["field"] == "view"
    assert line["mark"]["type"] == "line"
    assert dots["encoding"]["shape"]["field"] == "point"
    assert band["mark"]["type"] == "rect"
    # "normal >= 50°" is open above: its band reaches past the data and the limit, so it shows whatever the values.
    shaded = trend_chart(points, SPECS[CVA]).layer[0].data
    assert shaded["low"].iloc[0] == 50.0
    assert shaded["high"].iloc[0] > max(50.0, frame["value"].max())


def test_one_view_gives_one_series(store):
    frame = trend_frame(store.trend(CVA, view="right"))
    assert set(frame["view"]) == {"right profile"}
    assert list(frame["value"]) == [48.5, 47.0]
