"""Speed and memory of the video path on a phone-size clip, as ratios against a floor.

Usage: ``python bench/jump_speed.py [--seconds 30] [--rss-seconds 60] [--model full] [--memory-only]``

The clip: a public jump-rope render (jump01_front, 720 x 1280) upscaled to 1080 x 1920 at 30 fps,
played forward and backward until it lasts ``--seconds``, encoded with libx264 (CRF 20, the
public clips' quality) into a cache folder once.

* floor: decoding + the tracking landmarker alone, with the pipeline's own settings: ``iter_frames``
  at ``DEFAULT_MAX_SIDE_PX`` in a thread ahead of the landmarker (``prefetched``, as
  ``track_frames`` does), the default model in VIDEO mode with one pose and the same timestamps
  (``UNSMOOTHED_FRAME_STEP_MS``); no crowd check, no camera
  motion, no clip checks, no analysis;
* pipeline: everything the jump-rope check runs: :func:`track_video` (probe, decode, landmarks,
  second-person check, camera motion, clip checks) and then the jump analysis
  (``posture.jump.analyze_track``);
* pipeline / floor, and the pipeline's wall time and CPU time (all threads) against the clip's own
  duration: on a machine shared with other jobs the wall time depends on the load, the CPU time
  much less; on an idle 2-core machine the wall time cannot go below CPU time / 2;
* the pipeline's peak RSS on a ``--rss-seconds`` clip, in a fresh process (VmHWM from
  /proc/self/status: ``getrusage`` in a child reports the parent's peak too, which Linux keeps
  across ``exec``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import cv2
import mediapipe as mp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.video_clips import read_rgb, write_video  # noqa: E402
from posture.jump import analyze_track  # noqa: E402
from posture.video.decode import DEFAULT_MAX_SIDE_PX, iter_frames  # noqa: E402
from posture.video.prefetch import prefetched  # noqa: E402
from posture.video.tracking import (  # noqa: E402
    UNSMOOTHED_FRAME_STEP_MS,
    VIDEO_DEFAULT_MODEL,
    track_video,
    video_landmarker,
)

SOURCE = Path("/work/shared/eval-public-video/jump01_front.mp4")
CACHE = Path("/tmp/posture-bench-video")
PHONE_SIZE = (1080, 1920)  # width, height: a 1080p portrait phone clip
FPS = 30


def phone_clip(seconds: int) -> Path:
    """The cached 1080 x 1920, 30 fps H.264 clip of ``seconds`` s (made on first use)."""
    path = CACHE / f"jump_1080p_{seconds}s.mp4"
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    source = [cv2.resize(rgb, PHONE_SIZE, interpolation=cv2.INTER_CUBIC) for rgb in read_rgb(SOURCE)]
    ping_pong = source + source[-2:0:-1]
    frames = (ping_pong[i % len(ping_pong)] for i in range(seconds * FPS))
    partial = path.with_suffix(".part.mp4")
    write_video(partial, frames, fps=FPS, options={"crf": "20", "preset": "veryfast"})
    partial.rename(path)
    return path


@dataclass(frozen=True)
class Timing:
    """Wall-clock and CPU seconds (the process, all threads) of one run."""

    wall_s: float
    cpu_s: float


@contextmanager
def timed(into: list[Timing]) -> Iterator[None]:
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    into.append(Timing(time.perf_counter() - wall, time.process_time() - cpu))


def floor_run(path: Path, model: str) -> tuple[int, Timing]:
    """(frames, timing) for decoding + the tracking landmarker alone (module docstring)."""
    timing: list[Timing] = []
    frames = 0
    with timed(timing), video_landmarker(model) as landmarker:
        for _, rgb in prefetched(iter_frames(path, max_side_px=DEFAULT_MAX_SIDE_PX)):
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
            landmarker.detect_for_video(image, frames * UNSMOOTHED_FRAME_STEP_MS)
            frames += 1
    return frames, timing[0]


def pipeline_run(path: Path, model: str) -> Timing:
    """The timing of everything the jump-rope check runs on ``path``."""
    timing: list[Timing] = []
    with timed(timing):
        _, track = track_video(path, model=model)
        analyze_track(track, "front", 170.0)
    return timing[0]


def peak_rss_mb(path: Path, model: str) -> float:
    """Peak resident memory (MB) of a fresh process running the pipeline on ``path``."""
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); from pathlib import Path; "
        f"from bench.jump_speed import pipeline_run; pipeline_run(Path({str(path)!r}), {model!r}); "
        "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rss-seconds", type=int, default=60, help="0 skips the memory run")
    parser.add_argument("--model", default=VIDEO_DEFAULT_MODEL)
    parser.add_argument("--memory-only", action="store_true", help="only the peak RSS run (each run < 10 min)")
    args = parser.parse_args()
    if args.memory_only:
        print(
            f"peak RSS, pipeline on a {args.rss_seconds} s 1080p clip in a fresh process: "
            f"{peak_rss_mb(phone_clip(args.rss_seconds), args.model):.0f} MB"
        )
        return
    clip = phone_clip(args.seconds)
    frames, floor = floor_run(clip, args.model)
    pipeline = pipeline_run(clip, args.model)
    print(
        f"clip: {PHONE_SIZE[0]} x {PHONE_SIZE[1]}, {FPS} fps, {args.seconds} s, {frames} frames; model {args.model}; "
        f"decoded at long side {DEFAULT_MAX_SIDE_PX} px"
    )
    print(
        f"floor (decode in a thread + VIDEO-mode landmarker, one pose): {frames / floor.wall_s:.1f} frames/s "
        f"({floor.wall_s:.1f} s wall, {floor.cpu_s:.1f} s CPU)"
    )
    print(
        f"pipeline (track_video + jump analysis): {frames / pipeline.wall_s:.1f} frames/s "
        f"({pipeline.wall_s:.1f} s wall, {pipeline.cpu_s:.1f} s CPU)"
    )
    print(
        f"pipeline / floor: {pipeline.wall_s / floor.wall_s:.2f} wall time, {pipeline.cpu_s / floor.cpu_s:.2f} CPU time"
    )
    print(
        f"{args.seconds} s clip: wall {pipeline.wall_s:.1f} s = {pipeline.wall_s / args.seconds:.2f} x its duration; "
        f"CPU {pipeline.cpu_s:.1f} s = {pipeline.cpu_s / args.seconds:.2f} x (an idle 2-core machine needs >= "
        f"{pipeline.cpu_s / 2 / args.seconds:.2f} x)"
    )
    if args.rss_seconds:
        print(
            f"peak RSS, pipeline on a {args.rss_seconds} s 1080p clip in a fresh process: "
            f"{peak_rss_mb(phone_clip(args.rss_seconds), args.model):.0f} MB"
        )
    print(f"(load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
