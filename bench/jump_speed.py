"""Speed and memory of the video path on a phone-size clip, as ratios against a floor.

Usage: ``python bench/jump_speed.py [--seconds 30] [--rss-seconds 60] [--model full] [--memory-only]``

The clip: a public jump-rope render (jump01_front, 720 x 1280) upscaled to 1080 x 1920 at 30 fps,
played forward and backward until it lasts ``--seconds``, encoded with libx264 (CRF 20, the
public clips' quality) into a cache folder once.

* floor: decoding (``iter_frames``) + the VIDEO-mode landmarker alone, nothing else;
* pipeline: everything the jump-rope check runs: :func:`track_video` (decode, landmarks, camera
  motion, clip checks) and then the jump analysis when ``posture.jump.analyze_track`` exists
  (see :func:`jump_analysis`);
* pipeline / floor, and the pipeline's time against the clip's own duration;
* the pipeline's peak RSS on a ``--rss-seconds`` clip, in a fresh process (VmHWM from
  /proc/self/status: ``getrusage`` in a child reports the parent's peak too, which Linux keeps
  across ``exec``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import mediapipe as mp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.video_clips import read_rgb, write_video  # noqa: E402
from posture.video.decode import DEFAULT_MAX_SIDE_PX, iter_frames  # noqa: E402
from posture.video.tracking import VIDEO_DEFAULT_MODEL, track_video, video_landmarker  # noqa: E402

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


def floor_fps(path: Path, model: str) -> tuple[int, float]:
    """(frames, seconds) for decoding + the landmarker alone."""
    start = time.perf_counter()
    frames, last_ms = 0, -1
    with video_landmarker(model) as landmarker:
        for time_s, rgb in iter_frames(path, max_side_px=DEFAULT_MAX_SIDE_PX):
            last_ms = max(round(time_s * 1000), last_ms + 1)
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
            landmarker.detect_for_video(image, last_ms)
            frames += 1
    return frames, time.perf_counter() - start


def jump_analysis() -> Callable[..., Any] | None:
    """The jump-rope analysis over a PoseTrack, when it exists: ``analyze_track(track, view, height_cm)``."""
    try:
        from posture.jump import analyze_track  # type: ignore[attr-defined]
    except ImportError:
        return None
    return analyze_track  # type: ignore[no-any-return]


def pipeline_seconds(path: Path, model: str) -> tuple[float, bool]:
    """(seconds, jump analysis included) for everything the jump-rope check runs on ``path``."""
    analyze = jump_analysis()
    start = time.perf_counter()
    _, track = track_video(path, model=model)
    if analyze is not None:
        analyze(track, "front", 170.0)
    return time.perf_counter() - start, analyze is not None


def peak_rss_mb(path: Path, model: str) -> float:
    """Peak resident memory (MB) of a fresh process running the pipeline on ``path``."""
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); from pathlib import Path; "
            f"from bench.jump_speed import pipeline_seconds; pipeline_seconds(Path({str(path)!r}), {model!r}); "
            "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])")
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
        print(f"peak RSS, pipeline on a {args.rss_seconds} s 1080p clip in a fresh process: "
              f"{peak_rss_mb(phone_clip(args.rss_seconds), args.model):.0f} MB")
        return
    clip = phone_clip(args.seconds)
    frames, floor_s = floor_fps(clip, args.model)
    pipeline_s, with_jump = pipeline_seconds(clip, args.model)
    print(f"clip: {PHONE_SIZE[0]} x {PHONE_SIZE[1]}, {FPS} fps, {args.seconds} s, {frames} frames; model {args.model}")
    print(f"floor (decode + landmarker): {frames / floor_s:.1f} frames/s ({floor_s:.1f} s)")
    label = "track_video + jump analysis" if with_jump else "track_video (posture.jump.analyze_track not found)"
    print(f"pipeline ({label}): {frames / pipeline_s:.1f} frames/s ({pipeline_s:.1f} s)")
    print(f"pipeline / floor time: {pipeline_s / floor_s:.2f}")
    print(f"{args.seconds} s clip processed in {pipeline_s:.1f} s = {pipeline_s / args.seconds:.2f} x its duration")
    if args.rss_seconds:
        print(f"peak RSS, pipeline on a {args.rss_seconds} s 1080p clip in a fresh process: "
              f"{peak_rss_mb(phone_clip(args.rss_seconds), args.model):.0f} MB")
    print(f"(decoded at long side {DEFAULT_MAX_SIDE_PX} px; 2-core machine shared with other jobs: compare ratios)")


if __name__ == "__main__":
    main()
