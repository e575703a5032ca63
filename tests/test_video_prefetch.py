"""Tests for posture.video.prefetch: order, errors and early stops across the producer thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from posture.errors import PostureError
from posture.video.prefetch import prefetched


class Producer:
    """A generator-backed producer that records which thread ran it, how far it got and whether it was closed."""

    def __init__(self, count: int, fail_at: int | None = None, delay_s: float = 0.0) -> None:
        self.count, self.fail_at, self.delay_s = count, fail_at, delay_s
        self.threads: set[str] = set()
        self.produced = 0
        self.closed = False

    def __iter__(self) -> Iterator[int]:
        try:
            for i in range(self.count):
                self.threads.add(threading.current_thread().name)
                if i == self.fail_at:
                    raise PostureError("corrupt_video")
                time.sleep(self.delay_s)
                self.produced += 1
                yield i
        finally:
            self.closed = True


def test_items_arrive_in_order_from_another_thread():
    producer = Producer(50)
    assert list(prefetched(producer, depth=3)) == list(range(50))
    assert producer.threads == {"posture-prefetch"}
    assert producer.closed


def test_producer_error_arrives_after_the_items_before_it():
    received: list[int] = []
    with pytest.raises(PostureError) as info:
        received.extend(prefetched(Producer(10, fail_at=6)))
    assert info.value.code == "corrupt_video"
    assert received == [0, 1, 2, 3, 4, 5]


def test_an_early_stop_ends_the_producer_within_the_queue_depth():
    producer = Producer(10_000)
    items = prefetched(producer, depth=4)
    assert [next(items) for _ in range(3)] == [0, 1, 2]
    items.close()  # what a consumer's break or exception does
    assert producer.closed
    assert not any(t.name == "posture-prefetch" for t in threading.enumerate())
    assert producer.produced <= 3 + 4 + 1  # taken + queued + the one being offered


def test_producer_and_consumer_overlap():
    """10 items costing 40 ms to produce and 40 ms to consume take ~0.44 s overlapped, 0.8 s in turn."""
    start = time.perf_counter()
    for _ in prefetched(Producer(10, delay_s=0.04)):
        time.sleep(0.04)
    assert time.perf_counter() - start < 0.7


def test_depth_must_be_positive():
    with pytest.raises(ValueError, match="depth"):
        next(prefetched([1], depth=0))
