"""Which landmarker for videos? Keypoint accuracy and speed of lite/full/heavy on the public jump clips.

Usage: ``python bench/video_models.py MODEL [--clips jump01_front ...] [--out results.json]``
(one model per run keeps each run short on a shared machine), then
``python bench/video_models.py --table a.json b.json ...`` prints the markdown table of docs/video.md
and ``python bench/video_models.py --speed`` each landmarker's time per frame, the models taking turns.

Error: for each frame and each of the six keypoints the jump measures read (ankles, wrists, hips),
the pixel distance between the landmark and the generator's exact projected joint
(``frames[i].keypoints_px``), divided by the person's height in the picture (median over frames
of lowest toe/heel y minus nose y, px). MediaPipe's hip landmark is not the hip joint centre, so
hips carry a systematic offset common to all three models. Speed: frames per second of decoding
plus tracking (``track_frames`` over ``iter_frames``), landmarker already built.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import mediapipe as mp
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from posture.pose import MODEL_VARIANTS as MODELS  # noqa: E402
from posture.video.decode import iter_frames, probe  # noqa: E402
from posture.video.tracking import UNSMOOTHED_FRAME_STEP_MS, track_frames, video_landmarker  # noqa: E402

CLIPS_DIR = Path("/work/shared/eval-public-video")
DEFAULT_CLIPS = ("jump01_front", "jump03_front", "jump04_front", "jump06_back", "jump07_left")
# Truth name -> MediaPipe landmark name for the keypoints the jump measures read.
KEYPOINTS = {
    "ankle_l": "left_ankle",
    "ankle_r": "right_ankle",
    "wrist_l": "left_wrist",
    "wrist_r": "right_wrist",
    "hip_l": "left_hip",
    "hip_r": "right_hip",
}


def clip_errors(name: str, model: str) -> dict[str, float | list[float]]:
    """Per-keypoint errors (fraction of body height) of one clip and the tracking speed (frames/s)."""
    path = CLIPS_DIR / f"{name}.mp4"
    truth = json.loads((CLIPS_DIR / f"{name}.json").read_text())["frames"]
    header = probe(path)
    start = time.perf_counter()
    track, _ = track_frames(iter_frames(path), (header.width, header.height), model=model)
    fps = len(track) / (time.perf_counter() - start)
    body = np.median(
        [
            max(f["keypoints_px"][k][1] for k in ("toe_l", "toe_r", "heel_l", "heel_r")) - f["keypoints_px"]["nose"][1]
            for f in truth
        ]
    )
    errors = [
        float(np.linalg.norm(track.point(ours)[i] - np.array(frame["keypoints_px"][theirs])) / body)
        for i, frame in enumerate(truth[: len(track)])
        for theirs, ours in KEYPOINTS.items()
    ]
    return {"fps": fps, "errors": errors, "frames": len(track)}


def landmarker_ms(name: str = "jump01_front", frames: int = 60, rounds: int = 3) -> dict[str, float]:
    """Median ms per frame of each model's VIDEO-mode landmarker alone, on the same decoded frames.

    The models take turns within each round, so a busy spell of the machine hits all of them.
    """
    decoded = [rgb for _, (_, rgb) in zip(range(frames), iter_frames(CLIPS_DIR / f"{name}.mp4"), strict=False)]
    times: dict[str, list[float]] = {model: [] for model in MODELS}
    for _ in range(rounds):
        for model in MODELS:
            with video_landmarker(model) as landmarker:
                start = time.perf_counter()
                for i, rgb in enumerate(decoded):
                    landmarker.detect_for_video(
                        mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), i * UNSMOOTHED_FRAME_STEP_MS
                    )
                times[model].append(1000 * (time.perf_counter() - start) / len(decoded))
    return {model: float(np.median(values)) for model, values in times.items()}


def table(results: list[dict[str, Any]]) -> str:
    """Markdown table: one row per model, errors pooled over clips (NaN = keypoint not found)."""
    lines = [
        "| model | clips | frames | median error (% of body height) | p90 error | missed | frames/s |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        errors = np.array([e for clip in result["clips"].values() for e in clip["errors"]])
        found = errors[np.isfinite(errors)]
        frames = sum(clip["frames"] for clip in result["clips"].values())
        fps = np.median([clip["fps"] for clip in result["clips"].values()])
        lines.append(
            f"| {result['model']} | {len(result['clips'])} | {frames} | {100 * np.median(found):.2f} | "
            f"{100 * np.percentile(found, 90):.2f} | {1 - found.size / errors.size:.1%} | {fps:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", choices=("lite", "full", "heavy"))
    parser.add_argument("--clips", nargs="+", default=list(DEFAULT_CLIPS))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--table", nargs="+", type=Path, help="result files to tabulate")
    parser.add_argument("--speed", action="store_true", help="landmarker ms per frame of each model, alternating")
    args = parser.parse_args()
    if args.speed:
        speeds = landmarker_ms()
        print(
            " | ".join(f"{model}: {ms:.1f} ms/frame ({ms / speeds['lite']:.2f} x lite)" for model, ms in speeds.items())
        )
        return
    if args.table:
        print(table([json.loads(path.read_text()) for path in args.table]))
        return
    if args.model is None:
        parser.error("give a model or --table")
    result = {"model": args.model, "clips": {name: clip_errors(name, args.model) for name in args.clips}}
    if args.out:
        args.out.write_text(json.dumps(result))
    print(table([result]))


if __name__ == "__main__":
    main()
