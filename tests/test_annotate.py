"""The overlay: shapes per measure, layers that can be switched off, readable output images."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest

from posture.annotate import HIGHLIGHT_RGB, LAYERS, STATUS_RGB, draw, encode_jpeg, overlay_shapes
from tests.pose_fixtures import refused

pytestmark = pytest.mark.model_free


def test_every_measure_gets_a_label_in_its_status_colour(measured):
    for result in measured.values():
        labels = [s for s in overlay_shapes(result) if s.layer == "labels"]
        assert len(labels) == len(result.measurements)
        assert {s.rgb for s in labels} <= set(STATUS_RGB.values())


def test_side_overlay_has_plumb_line_and_cva_lines(measured):
    shapes = overlay_shapes(measured["left"])
    assert any(s.layer == "plumb" for s in shapes)
    assert sum(s.layer == "measures" for s in shapes) >= 6


def test_layers_can_be_switched_off(measured):
    result = measured["front"]
    everything = draw(result)
    nothing = draw(result, layers=())
    only_skeleton = draw(result, layers=("skeleton",))
    assert np.array_equal(nothing, result.photo.rgb)
    assert not np.array_equal(everything, only_skeleton)
    assert np.abs(everything.astype(int) - nothing).sum() > np.abs(only_skeleton.astype(int) - nothing).sum()
    assert set(LAYERS) == {"skeleton", "plumb", "measures", "labels"}


def test_downscaled_drawing_and_jpeg(measured):
    small = draw(measured["left"], max_side_px=400)
    assert max(small.shape[:2]) == 400
    decoded = cv2.imdecode(np.frombuffer(encode_jpeg(small), np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape == small.shape


def test_a_small_photo_is_enlarged_so_its_labels_can_be_read(measured):
    """A 512 px photo drawn at its own size had 6-10 px labels; it is drawn at 800 px (never above max_side_px)."""
    result = measured["left"]
    shrink = 512 / max(result.photo.rgb.shape[:2])
    small_rgb = cv2.resize(result.photo.rgb, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
    small = dataclasses.replace(
        result, photo=dataclasses.replace(result.photo, rgb=small_rgb, scale=result.photo.scale * shrink)
    )
    drawn = draw(small)
    assert max(drawn.shape[:2]) == 800
    assert max(draw(small, max_side_px=600).shape[:2]) == 600
    # the drawing lines up with the full-size one: the same overlay, only resampled
    full = cv2.resize(draw(result, max_side_px=800), (drawn.shape[1], drawn.shape[0]), interpolation=cv2.INTER_AREA)
    assert float(np.mean(np.abs(full.astype(int) - drawn.astype(int)))) < 12.0


def test_failed_analysis_has_nothing_to_draw():
    assert overlay_shapes(refused(b"nope", "photo")) == []


def test_highlight_rings_the_chosen_landmark_and_nothing_else(measured):
    result = measured["left"]
    plain = draw(result, max_side_px=900)
    ringed = draw(result, max_side_px=900, highlight="left_ear")
    changed_y, changed_x = np.nonzero(np.any(plain != ringed, axis=2))
    assert changed_x.size, "the ring is drawn"
    scale = plain.shape[1] / result.photo.original_size[0]
    ear_x, ear_y, _ = result.landmarks_px["left_ear"]
    reach = max(8, plain.shape[0] // 60) + 6  # the ring's radius, its 4 px dark outline and anti-aliasing
    distance = np.hypot(changed_x - ear_x * scale, changed_y - ear_y * scale)
    assert distance.max() <= reach, "only pixels around the ear change"
    ring = ringed[changed_y, changed_x].astype(int)
    assert np.any(np.all(np.abs(ring - HIGHLIGHT_RGB) <= 10, axis=1)), "part of the ring is yellow"


def test_highlight_of_a_landmark_not_found_draws_no_ring(measured):
    result = measured["front"]
    assert np.array_equal(draw(result, max_side_px=600, highlight="no_such_landmark"), draw(result, max_side_px=600))
