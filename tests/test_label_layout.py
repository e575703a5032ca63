"""Label geometry on the four sample photos at thumbnail, display and full size: boxes inside the image,
never overlapping, leader lines that reach their box's edge and cross no box, text sized to the drawn image."""

from __future__ import annotations

import numpy as np
import pytest

from posture.annotate import draw, label_boxes
from posture.label_layout import LABEL_TEXT_FRACTION, MIN_LABEL_TEXT_PX, PlacedLabel, label_text_px
from posture.photo_result import MeasuredPhoto
from tests.pose_fixtures import measured_from_fixture

pytestmark = pytest.mark.model_free

SAMPLES = ("front_s000", "back_s003", "left_s006", "right_s012")
SIZES = (236, 512, None)  # None: the photo's full size
Box = tuple[float, float, float, float]


@pytest.fixture(scope="module")
def samples() -> dict[str, MeasuredPhoto]:
    results = {name: measured_from_fixture(name) for name in SAMPLES}
    assert all(isinstance(result, MeasuredPhoto) for result in results.values())
    return results  # type: ignore[return-value]


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _crosses(start: tuple[float, float], end: tuple[float, float], box: Box, inset: float = 0.5) -> bool:
    """True when any of 400 points along the segment lies inside the box shrunk by ``inset`` px (touching
    its edge is not crossing)."""
    x0, y0, x1, y1 = box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset
    xs, ys = np.linspace(start[0], end[0], 400), np.linspace(start[1], end[1], 400)
    return bool(np.any((x0 < xs) & (xs < x1) & (y0 < ys) & (ys < y1)))


def _layouts(samples: dict[str, MeasuredPhoto]) -> list[tuple[str, int | None, list[PlacedLabel], tuple[int, int]]]:
    layouts = []
    for name, result in samples.items():
        for size in SIZES:
            height, width = draw(result, layers=(), max_side_px=size).shape[:2]
            layouts.append((name, size, label_boxes(result, size), (width, height)))
    return layouts


def test_every_measure_has_a_box_inside_the_image(samples):
    for name, size, placed, (width, height) in _layouts(samples):
        assert len(placed) == len(samples[name].measurements), (name, size)
        for item in placed:
            x0, y0, x1, y1 = item.box
            assert 0 <= x0 < x1 <= width, (name, size, item.label.text, item.box)
            assert 0 <= y0 < y1 <= height, (name, size, item.label.text, item.box)


def test_label_boxes_never_overlap(samples):
    for name, size, placed, _ in _layouts(samples):
        for i, a in enumerate(placed):
            for b in placed[i + 1 :]:
                assert not _overlap(a.box, b.box), (name, size, a.label.text, b.label.text)


def test_leader_lines_end_on_their_box_edge_and_cross_no_box(samples):
    lines = {size: 0 for size in SIZES}
    for name, size, placed, _ in _layouts(samples):
        for item in placed:
            if item.leader_end is None:
                continue
            lines[size] += 1
            x0, y0, x1, y1 = item.box
            ex, ey = item.leader_end
            assert x0 <= ex <= x1, "ends on the box"
            assert y0 <= ey <= y1, "ends on the box"
            assert ex in (x0, x1) or ey in (y0, y1), "ends on the box's edge"
            for other in placed:
                assert not _crosses(item.label.anchor, item.leader_end, other.box), (
                    name,
                    size,
                    item.label.text,
                    other.label.text,
                )
    labels = sum(len(result.measurements) for result in samples.values())
    # Beside the body (display and full size) every label is tied to its point. On a 236 px thumbnail
    # (133 px wide) the labels must reach over the body and cover each other's points, so their lines are
    # left out rather than crossing text.
    assert lines[512] == lines[None] == labels, lines


def test_text_size_follows_the_drawn_size():
    assert label_text_px(236) == MIN_LABEL_TEXT_PX
    assert label_text_px(512) >= MIN_LABEL_TEXT_PX
    assert label_text_px(900) == round(LABEL_TEXT_FRACTION * 900)
    assert label_text_px(1280) > label_text_px(900) > label_text_px(512)


def test_labels_are_readable_at_every_size(samples):
    """The boxes' text lines keep the legible minimum (no shrinking was needed on the samples)."""
    for name, size, placed, (width, height) in _layouts(samples):
        line_px = min((item.box[3] - item.box[1]) / len(item.lines) for item in placed)
        assert line_px >= MIN_LABEL_TEXT_PX, (name, size, line_px)
        if size is None:
            assert line_px >= LABEL_TEXT_FRACTION * max(width, height), (name, line_px)


def test_labels_are_drawn_in_their_boxes(samples):
    result = samples["left_s006"]
    with_labels = draw(result, max_side_px=512).astype(int)
    without = draw(result, max_side_px=512, layers=("skeleton", "plumb", "measures")).astype(int)
    changed = np.any(with_labels != without, axis=2)
    inside = np.zeros_like(changed)
    for item in label_boxes(result, 512):
        x0, y0, x1, y1 = (round(v) for v in item.box)
        inside[max(0, y0 - 1) : y1 + 2, max(0, x0 - 1) : x1 + 2] = True
    assert changed[inside].mean() > 0.5, "the boxes are filled"
