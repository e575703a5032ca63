"""The overlay: shapes per measure, layers that can be switched off, readable output images."""

from __future__ import annotations

import cv2
import numpy as np

from posture.annotate import LAYERS, STATUS_RGB, draw, encode_jpeg, overlay_shapes


def test_every_measure_gets_a_label_in_its_status_colour(analysed):
    for result in analysed.values():
        labels = [s for s in overlay_shapes(result) if s.layer == "labels"]
        assert len(labels) == len(result.measurements)
        assert {s.rgb for s in labels} <= set(STATUS_RGB.values())


def test_side_overlay_has_plumb_line_and_cva_lines(analysed):
    shapes = overlay_shapes(analysed["left"])
    assert any(s.layer == "plumb" for s in shapes)
    assert sum(s.layer == "measures" for s in shapes) >= 6


def test_layers_can_be_switched_off(analysed):
    result = analysed["front"]
    everything = draw(result)
    nothing = draw(result, layers=())
    only_skeleton = draw(result, layers=("skeleton",))
    assert np.array_equal(nothing, result.photo.rgb)
    assert not np.array_equal(everything, only_skeleton)
    assert np.abs(everything.astype(int) - nothing).sum() > np.abs(only_skeleton.astype(int) - nothing).sum()
    assert set(LAYERS) == {"skeleton", "plumb", "measures", "labels"}


def test_downscaled_drawing_and_jpeg(analysed):
    small = draw(analysed["left"], max_side_px=400)
    assert max(small.shape[:2]) == 400
    decoded = cv2.imdecode(np.frombuffer(encode_jpeg(small), np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape == small.shape


def test_failed_analysis_has_nothing_to_draw():
    from posture.analysis import analyze_photo

    assert overlay_shapes(analyze_photo(b"nope")) == []
