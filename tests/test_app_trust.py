"""Photo results people can trust, in the app (AppTest, real engine, real sample photos, real SQLite history
in tmp_path): a click fills the landmark editor's typed fields, hand-moved landmarks are saved and flagged
in the History page, History opens on what was just saved, different views are not compared, and a
borderline card names the limit it passed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Widget

from posture.history import HistoryStore
from posture.pose import INDEX
from posture_app import session
from posture_app.session import PhotoInput
from tests.app_harness import HISTORY_PAGE, PHOTO_PAGE, assert_clean, open_app, texts
from tests.test_app import metric, open_page, sample, save, sid, upload

EAR_SHIFT_PX = 40


@pytest.fixture
def app(data_dir) -> AppTest:
    """The app at its start page, with its history in an empty folder of tmp_path (POSTURE_DATA_DIR)."""
    return open_app()


class ClickedImage(Widget):
    """The clickable photo (a custom component, which AppTest cannot click) holding the value a browser click
    sends: x, y and the shown size in display pixels."""

    def __init__(self, proto, root, click: dict) -> None:
        super().__init__(proto, root)
        self.type = "component_instance"
        self.click = click

    @property
    def _widget_state(self) -> WidgetState:
        state = WidgetState()
        state.id = self.id
        state.json_value = json.dumps(self.click)
        return state

    @property
    def value(self) -> dict:
        return self.click


def click_image(at: AppTest, key: str, x: float, y: float, shown_width: int, shown_height: int) -> AppTest:
    """Click the image component ``key`` at (x, y) of a ``shown_width`` x ``shown_height`` display, then rerun."""

    def replace(block: Block) -> bool:
        for index, child in list(block.children.items()):
            if isinstance(child, Block):
                if replace(child):
                    return True
            elif getattr(child, "type", None) == "component_instance" and getattr(child, "key", None) == key:
                block.children[index] = ClickedImage(
                    child.proto,
                    child.root,
                    {"x": x, "y": y, "width": shown_width, "height": shown_height, "unix_time": 1},
                )
                return True
        return False

    assert replace(at._tree), f"no image component {key!r} on the page"
    at.run()
    assert_clean(at)
    return at


def typed_position(at: AppTest, photo: str, landmark: str) -> tuple[float, float]:
    return (
        at.number_input(key=f"move_x_{photo}_{landmark}").value,
        at.number_input(key=f"move_y_{photo}_{landmark}").value,
    )


def start_correcting(at: AppTest, photo: str, landmark: str) -> None:
    at.toggle(key=f"correct_{photo}").set_value(True).run()
    at.selectbox(key=f"landmark_{photo}").set_value(landmark).run()
    assert_clean(at)


def move_ear_by_typing(at: AppTest, photo: str) -> None:
    start_correcting(at, photo, "left_ear")
    x = at.number_input(key=f"move_x_{photo}_left_ear")
    x.set_value(x.value - EAR_SHIFT_PX)
    at.button(key=f"move_{photo}").click().run()
    assert_clean(at)


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(t.value for t in at.dataframe if column in t.value.columns)


def measures_table(at: AppTest) -> pd.DataFrame:
    return next(t.value for t in at.dataframe if "Confidence" in t.value.columns)


# --- the landmark editor ---------------------------------------------------------------------------------


def test_a_click_on_the_photo_moves_the_landmark_and_the_typed_fields_follow(app):
    data = sample("left")
    photo = sid(data)
    upload(app, ("side.jpg", data))
    before = metric(app, "Craniovertebral angle")
    start_correcting(app, photo, "left_ear")
    found = typed_position(app, photo, "left_ear")
    # Shown at half of the sample's 720 x 1280 px: a click at (100, 50) is (200, 100) in the photo.
    click_image(app, f"click_{photo}", 100, 50, 360, 640)
    assert typed_position(app, photo, "left_ear") == (200.0, 100.0)
    assert metric(app, "Craniovertebral angle") != before
    assert "You moved 1 landmark: left ear" in texts(app)
    # Moving on from the click by typing starts from the clicked point.
    app.number_input(key=f"move_x_{photo}_left_ear").set_value(210.0)
    app.button(key=f"move_{photo}").click().run()
    assert typed_position(app, photo, "left_ear") == (210.0, 100.0)
    app.button(key=f"reset_{photo}").click().run()
    assert_clean(app)
    assert typed_position(app, photo, "left_ear") == found, "reset puts the fields back with the point"
    assert metric(app, "Craniovertebral angle") == before


def test_many_moves_keep_only_the_latest_re_measurements():
    state: dict = {}
    photo = PhotoInput.of("side.jpg", sample("left"))
    key = session.analysis_key(photo, "auto", None, "heavy")
    base = session.analyse(state, photo, "auto", None, "heavy")
    ear = base.pose.xy_px[INDEX["left_ear"]]
    moves = [{"left_ear": (float(ear[0]) + step, float(ear[1]))} for step in range(1, 13)]  # twelve clicks
    results = [session.corrected(state, key, base, move) for move in moves]
    kept = [memo for memo in state[session.CORRECTED_KEY] if memo[0] == key]
    assert len(kept) == session.SPARE_CORRECTIONS
    assert session.corrected(state, key, base, moves[-1]) is results[-1], "the latest spot is still known"
    assert session.corrected(state, key, base, moves[0]) is not results[0], "the first was let go and re-measured"
    assert session.corrected(state, key, base, moves[0]).to_dict() == results[0].to_dict()


def test_a_borderline_card_names_the_limit_it_passed(app):
    upload(app, ("side.jpg", sample("left")))
    cva = float(metric(app, "Craniovertebral angle").rstrip("°"))
    assert 45.5 <= cva < 50, "this sample's angle is borderline: under 50°, not under 45.5°"
    assert any(c.value.startswith("borderline: past 50° by at most 4.5° · normal ≥ 50°") for c in app.caption)


# --- hand-moved landmarks in the history ------------------------------------------------------------------


def test_a_hand_moved_landmark_is_saved_and_flagged_and_history_opens_on_the_save(app):
    # A later-dated assessment (another device's clock, an import) is first in the list: History must
    # still open on the one just saved, not on the first row.
    later = HistoryStore().save(
        {"photos": [{"image": "x.jpg", "view": "front", "measurements": {}}]},
        taken_at=datetime.now(UTC) + timedelta(days=2),
    )
    data = sample("left")
    photo = sid(data)
    upload(app, ("side.jpg", data))
    save(app)
    unmoved = app.session_state["_saved_id"][0]
    move_ear_by_typing(app, photo)
    cards = [c.value for c in app.caption if "moved by hand" in c.value]
    assert len(cards) == 2, "the angle and the ear's distance rest on the moved ear"
    save(app)
    moved = app.session_state["_saved_id"][0]
    assert len({later, unmoved, moved}) == 3

    open_page(app, HISTORY_PAGE)
    assert app.selectbox(key="history_open").value == moved
    assert not any("Session State" in w.value for w in app.warning), "no default-versus-state warning"
    table = measures_table(app)
    flagged = set(table.loc[table["Point placed"] == "moved by hand", "Measure"])
    assert flagged == {"Craniovertebral angle", "Ear ahead of shoulder"}
    notes = [w.value for w in app.warning if "Moved by hand" in w.value]
    assert len(notes) == 1
    assert notes[0].startswith(f"left profile: Moved by hand: left ear moved {EAR_SHIFT_PX} px (")

    app.selectbox(key="compare_before").set_value(unmoved).run()
    app.selectbox(key="compare_after").set_value(moved).run()
    assert_clean(app)
    compare = table_with(app, "Direction").set_index("Measure")
    assert compare.loc["Craniovertebral angle", "Point placed"] == "moved by hand (after)"
    assert compare.loc["Trunk forward lean", "Point placed"] == ""
    assert compare.loc["Trunk forward lean", "Direction"] == "→ unchanged"

    # Back on the photo page and again to History: it stays on the person's own choice now.
    app.selectbox(key="history_open").set_value(unmoved).run()
    assert app.selectbox(key="history_open").value == unmoved
    open_page(app, PHOTO_PAGE)
    save(app, note="third")
    newest = app.session_state["_saved_id"][0]
    open_page(app, HISTORY_PAGE)
    assert app.selectbox(key="history_open").value == newest


def test_left_then_right_profile_is_not_called_a_change_and_the_trend_splits_the_sides(app):
    upload(app, ("left.jpg", sample("left")))
    save(app)
    upload(app, ("right.jpg", sample("right")))
    save(app)
    open_page(app, HISTORY_PAGE)
    compare = table_with(app, "Direction")
    assert set(compare["View"]) == {"left profile → right profile"}
    assert set(compare["Direction"]) == {"≠ different view, not compared"}
    assert set(compare["Change"]) == {"–"}
    [chart] = app.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["layer"][1]["encoding"]["x"]["type"] == "temporal"
    assert spec["layer"][1]["encoding"]["color"]["field"] == "view"
    assert "Each view is its own line" in texts(app)
