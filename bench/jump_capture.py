"""How the jump-rope engine holds up on phone-like captures of the rendered clips.

The rendered clips are clean: sharp, well lit, evenly timed, encoded at a good quality. Phone clips
of a gym session are not. Each clip is re-encoded as a phone or a messaging app would leave it and
analysed from the file as the product does (view detected, H.264 decoded, tracked anew), then
judged against the clip's exact truth like bench/jump_accuracy.py:

* ``as_filmed``: the clip re-encoded upright at CRF 20 (the reference for the rows below);
* ``low_res``: long side 640 px, CRF 28 (a clip sent through a messaging app);
* ``far_camera``: the picture shrunk to 0.6 of its size in the middle of the frame, the scene's edges
  carried outward (the camera twice as far back with a wider view: the person fills about 40 % of the
  height instead of 65 %), CRF 23;
* ``heavy_compression``: CRF 40 (blocky feet and hands);
* ``low_light``: a dim gym (brightness x0.4, gamma 1.3) with sensor noise (sigma 8 of 255), CRF 26;
* ``variable_rate``: one frame in five dropped at random, each kept frame at its own true time
  (a phone's variable frame rate: 24 fps from a 30 fps clip, 48 from 60);
* ``motion_blur``: the 60 fps clips turned into 30 fps clips whose shutter stays open the whole
  frame (each frame the mean of two): the blur of a phone's automatic exposure indoors. The 30 fps
  clips have no finer time to blur from and are left out of this row.

    python -m bench.jump_capture --clips /work/shared/eval-public-video [--track-cache /tmp/capture]
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from bench.jump_accuracy import Tally, load_track, rows
from bench.jump_truth import load_clip
from bench.video_clips import write_video
from posture.errors import PostureError
from posture.jump.engine import view_of
from posture.jump.session import analyze_track
from posture.jump.summary import typical_errors
from posture.video.decode import iter_frames

Frames = Iterator[tuple[float, np.ndarray]]
MEASURES = (
    "cadence_jpm",
    "landing_lead_ms",
    "foot_clearance_si_pct",
    "hand_circle_si_pct",
    "hand_phase_lead_ms",
    "landing_depth_diff_cm",
    "trunk_lateral_lean_deg",
    "trunk_twist_deg",
)
SEED = 20261202


def low_res(frames: Frames) -> Frames:
    for time_s, rgb in frames:
        height, width = rgb.shape[:2]
        scale = 640 / max(height, width)
        size = (round(width * scale / 2) * 2, round(height * scale / 2) * 2)
        yield time_s, _resize(rgb, size)


def _resize(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def far_camera(frames: Frames) -> Frames:
    for time_s, rgb in frames:
        height, width = rgb.shape[:2]
        small = _resize(rgb, (round(width * 0.6), round(height * 0.6)))
        top, left = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
        yield time_s, _padded(small, top, height - small.shape[0] - top, left, width - small.shape[1] - left)


def _padded(rgb: np.ndarray, top: int, bottom: int, left: int, right: int) -> np.ndarray:
    # The scene's own edges carried outward: a wider view of the same room, no frame drawn around it.
    return cv2.copyMakeBorder(rgb, top, bottom, left, right, cv2.BORDER_REPLICATE)


def low_light(frames: Frames) -> Frames:
    noise = np.random.default_rng(SEED)
    for time_s, rgb in frames:
        dim = 255.0 * (0.4 * rgb / 255.0) ** 1.3
        yield time_s, np.clip(dim + noise.normal(0.0, 8.0, rgb.shape), 0, 255).astype(np.uint8)


def variable_rate(frames: Frames) -> Frames:
    drop = np.random.default_rng(SEED)
    for time_s, rgb in frames:
        if drop.random() >= 0.2:
            yield time_s, rgb


def motion_blur(frames: Frames) -> Frames:
    pending: tuple[float, np.ndarray] | None = None
    for time_s, rgb in frames:
        if pending is None:
            pending = (time_s, rgb)
            continue
        # The blurred frame shows the middle of its exposure.
        yield 0.5 * (pending[0] + time_s), ((pending[1].astype(np.uint16) + rgb) // 2).astype(np.uint8)
        pending = None


def unchanged(frames: Frames) -> Frames:
    return frames


# condition: (frame transform, H.264 CRF, frame rates it applies to)
CONDITIONS: dict[str, tuple[Callable[[Frames], Frames], int, tuple[int, ...]]] = {
    "as_filmed": (unchanged, 20, (30, 60)),
    "low_res": (low_res, 28, (30, 60)),
    "far_camera": (far_camera, 23, (30, 60)),
    "heavy_compression": (unchanged, 40, (30, 60)),
    "low_light": (low_light, 26, (30, 60)),
    "variable_rate": (variable_rate, 20, (30, 60)),
    "motion_blur": (motion_blur, 20, (60,)),
}


def captured_copy(source: Path, transform: Callable[[Frames], Frames], crf: int, target: Path) -> None:
    """``source`` upright, passed through ``transform``, written as H.264 with each frame's own time.

    Streamed: the encoder takes each frame and then its time, so the two views of one stream never hold
    more than a frame between them."""
    for_frames, for_times = itertools.tee(transform(iter_frames(source, max_side_px=4096)))
    write_video(target, (rgb for _, rgb in for_frames), times_s=(t for t, _ in for_times), options={"crf": str(crf)})


def judged(condition: str, clips: list[Path], cache: Path | None, folder: Path) -> tuple[Tally, list[str]]:
    """The condition's tally over the clips it applies to, and the views it read wrong."""
    transform, crf, rates = CONDITIONS[condition]
    tally, wrong_views = Tally(), []
    for path in clips:
        clip: dict[str, Any] = load_clip(path)
        if int(clip["fps"]) not in rates:
            continue
        copy = folder / f"{path.stem}_{condition}.json"
        cached = cache / f"{copy.stem}_full.npz" if cache is not None else None
        if cached is None or not cached.exists():
            captured_copy(path.with_suffix(".mp4"), transform, crf, copy.with_suffix(".mp4"))
        try:
            track = load_track("model", copy, clip, "full", cache)
            view = view_of(track, "auto").view
            session = analyze_track(track, view, float(clip["subject"]["stature_cm"]), typical_errors("full"))
        except PostureError as error:
            tally.clips += 1
            tally.failures.append(f"{path.stem}: {error.code}")
            continue
        if view != clip["view"]:
            wrong_views.append(f"{path.stem} as {view}")
        tally.add(path.stem, clip, session)
    return tally, wrong_views


def table(results: dict[str, tuple[Tally, list[str]]]) -> str:
    """One row per condition: counts, views, verdict checks and the MAE of the main measures."""
    short = [key.replace("_pct", "").replace("_deg", "").replace("_ms", "").replace("_cm", "") for key in MEASURES]
    header = ["condition", "counts exact", "views right", "even called asymmetric", "asymmetries found", *short]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for condition, (tally, wrong_views) in results.items():
        mae = {key: value for key, _, _, value, _, _ in rows(tally)}
        cells = [
            condition,
            f"{tally.counts_exact}/{tally.clips}",
            f"{tally.clips - len(wrong_views) - len(tally.failures)}/{tally.clips}",
            str(len(tally.even_called_asymmetric)),
            f"{tally.asymmetries_found}/{tally.asymmetries_total}",
            *(f"{mae[key]:.2f}" if key in mae else "-" for key in MEASURES),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    notes = []
    for condition, (tally, wrong_views) in results.items():
        problems = [*tally.failures, *(f"view {view}" for view in wrong_views), *tally.even_called_asymmetric]
        if problems:
            notes.append(f"{condition}: " + "; ".join(problems))
    return "\n".join([*lines, "", *notes]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=Path, required=True)
    parser.add_argument("--track-cache", type=Path, default=None, help="folder for the re-encoded clips' model tracks")
    parser.add_argument("--only", nargs="*", default=None, help="conditions to run (default: all)")
    args = parser.parse_args()
    clips = sorted(args.clips.glob("jump*.json"))
    names = args.only or list(CONDITIONS)
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            results[name] = judged(name, clips, args.track_cache, Path(folder))
            print(f"{name}: done", flush=True)
    print(f"Clips: {args.clips} (model full, view detected)\n")
    print(table(results))


if __name__ == "__main__":
    main()
