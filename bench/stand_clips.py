"""Stand-still clips: landmarks combined over frames vs a single frame, per measure, against the truth.

    python -m bench.stand_clips [FOLDER] [--markdown docs/accuracy.md]

Each public stand clip (``stand*.mp4`` with its JSON: ``truth_2d_mean``, the clip's mean true
measures) is tracked once (VIDEO mode, the video default model, height given); then the photo's
measuring step runs on (a) the median landmarks over the well-seen frames, (b) the middle
well-seen frame alone and (c) every well-seen frame alone (its mean error: a typical single frame).
A measure keeps the combined landmarks in :data:`posture.video.stand.COMBINED_MEASURES` only where
(a) beat (b) on these clips.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from bench.accuracy import FRONT_TRUTH, SIDE_TRUTH, write_section
from posture.measuring import analyze_people
from posture.photo_result import MeasuredPhoto
from posture.video.stand import combine_landmarks, frame_photo, frame_pose, measure_stand_track, well_seen
from posture.video.tracking import track_video

DEFAULT_FOLDER = Path("/work/shared/eval-public-video")
SECTION = "stand-clips"


def truth_of(meta: dict[str, Any], view: str, key: str) -> float | None:
    """The clip's mean true value of a photo measure in its view, None where the truth has none."""
    truth = meta["truth_2d_mean"]
    if view in ("left", "right") and key in SIDE_TRUTH:
        value = truth.get(f"{SIDE_TRUTH[key]}_{view[0]}")
    elif view in ("front", "back") and key in FRONT_TRUTH:
        value = truth.get(FRONT_TRUTH[key])
    else:
        value = None
    return None if value is None else float(value)


def clip_errors(video: Path) -> dict[str, dict[str, float]]:
    """Per measure: absolute error of the combined, middle-frame and mean single-frame values."""
    meta = json.loads(video.with_suffix(".json").read_text())
    height = float(meta["subject"]["stature_cm"])
    info, track = track_video(video)
    combined = combine_landmarks(track)
    photo = frame_photo(video, combined.representative, info)
    everything = frozenset(FRONT_TRUTH) | frozenset(SIDE_TRUTH)
    merged = measure_stand_track(
        video.name, photo, track, combined, view=meta["view"], height_cm=height, combined_measures=everything
    )
    middle = measure_stand_track(
        video.name, photo, track, combined, view=meta["view"], height_cm=height, combined_measures=frozenset()
    )
    singles: dict[str, list[float]] = {}
    for index in np.flatnonzero(well_seen(track)):
        one = analyze_people(video.name, photo, (frame_pose(track, int(index)),), view=meta["view"], height_cm=height)
        if isinstance(one, MeasuredPhoto):
            for key, m in one.measurements.items():
                singles.setdefault(key, []).append(m.value)
    errors: dict[str, dict[str, float]] = {}
    if not (isinstance(merged, MeasuredPhoto) and isinstance(middle, MeasuredPhoto)):
        return errors
    for key, m in merged.measurements.items():
        truth = truth_of(meta, meta["view"], key)
        if truth is None or key not in middle.measurements:
            continue
        errors[key] = {
            "combined": abs(m.value - truth),
            "middle": abs(middle.measurements[key].value - truth),
            "single_mean": float(np.mean(np.abs(np.array(singles.get(key, [np.nan])) - truth))),
            "frames": float(merged.frames_used or 0),
        }
    return errors


def report(per_clip: dict[str, dict[str, dict[str, float]]]) -> tuple[str, list[str]]:
    """The Markdown table (mean absolute error per measure over the clips) and the measures to combine."""
    keys = sorted({key for errors in per_clip.values() for key in errors})
    lines = [
        "| measure | clips | combined MAE | middle frame MAE | typical single frame MAE | keep combined |",
        "|---|---|---|---|---|---|",
    ]
    keep = []
    for key in keys:
        rows = [errors[key] for errors in per_clip.values() if key in errors]
        mae = {kind: float(np.mean([row[kind] for row in rows])) for kind in ("combined", "middle", "single_mean")}
        better = mae["combined"] < mae["middle"]
        if better:
            keep.append(key)
        lines.append(
            f"| {key} | {len(rows)} | {mae['combined']:.2f} | {mae['middle']:.2f} | "
            f"{mae['single_mean']:.2f} | {'yes' if better else 'no'} |"
        )
    frames = ", ".join(f"{name} {int(next(iter(e.values()))['frames'])}" for name, e in per_clip.items() if e)
    text = (
        f"Public stand clips ({len(per_clip)}; frames combined: {frames}); video default model, height "
        "given; errors in the measure's unit against `truth_2d_mean`.\n\n" + "\n".join(lines)
    )
    return text, keep


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--markdown", type=Path, help="also write the table into this Markdown file")
    args = parser.parse_args()
    per_clip = {video.name: clip_errors(video) for video in sorted(args.folder.glob("stand*.mp4"))}
    text, keep = report(per_clip)
    print(text)
    print(f"\nCOMBINED_MEASURES = {sorted(keep)}")
    if args.markdown:
        write_section(args.markdown, SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
