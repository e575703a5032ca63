"""How the jump count holds up at other cadences: the rendered clips' tracks played faster or slower.

The rendered clips skip at 112-157 turns/min; real skippers go from 100 to 300, and a fast one
gives a 30 fps camera only 6 frames a turn. Each clip's track (the full model's from
``--track-cache``, as bench/jump_accuracy.py writes it, or the exact keypoints with ``--source
truth``) is re-timed by a speed factor:

* every frame kept: the same motion at ``factor`` times the cadence and the frame rate
  (2x of a 60 fps clip is a 120 fps slow-motion recording);
* for a whole factor, every ``factor``-th frame kept as well: the frame rate as filmed at
  ``factor`` times the cadence (2x of a 30 fps clip: ~300 turns/min at 30 fps, 6 frames a turn).

A sped-up clip keeps each flight's height while its time shrinks, so a 2x clip's flights (80 ms
at 30 fps, under three frames) are shorter than a real fast skipper's (about 100-120 ms): the
2x rows at the filmed frame rate are a harder test than real skipping.

    python -m bench.jump_cadence_range --clips /work/shared/eval-public-video --track-cache /tmp/tracks
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.jump_accuracy import load_track
from bench.jump_clip_edges import counted, frames_of, truth_count
from bench.jump_truth import load_clip
from posture.video.track import PoseTrack

SPEED_FACTORS = (0.67, 0.8, 1.25, 1.5, 2.0)


def retimings() -> list[tuple[float, int]]:
    """(speed factor, frame step): every frame at each factor, and every ``factor``-th frame for a whole one."""
    every_frame = [(factor, 1) for factor in SPEED_FACTORS]
    filmed_rate = [(factor, int(factor)) for factor in SPEED_FACTORS if factor > 1 and factor.is_integer()]
    return every_frame + filmed_rate


def retimed(track: PoseTrack, factor: float, step: int) -> PoseTrack:
    """``track`` played ``factor`` times faster, keeping every ``step``-th frame."""
    kept = frames_of(track, slice(None, None, step))
    return dataclasses.replace(kept, times_s=kept.times_s / factor)


def retimed_counts(track: PoseTrack, clip: dict[str, Any]) -> Iterator[tuple[str, int, int]]:
    """("FACTORx at FPS fps", counted or -1 for a refusal, truth) per retiming of one clip's track."""
    frame_s = 1.0 / float(clip["fps"])
    for factor, step in retimings():
        last_s = float(track.times_s[::step][-1]) + step * frame_s
        want = truth_count(clip, float(track.times_s[0]), last_s)
        yield f"{factor:g}x at {factor / (step * frame_s):.0f} fps", counted(retimed(track, factor, step), clip), want


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=Path, required=True)
    parser.add_argument("--track-cache", type=Path, default=None)
    parser.add_argument("--source", choices=("model", "truth"), default="model")
    args = parser.parse_args()
    right = total = 0
    for path in sorted(args.clips.glob("jump*.json")):
        clip = load_clip(path)
        for case, got, want in retimed_counts(load_track(args.source, path, clip, "full", args.track_cache), clip):
            right += int(got == want)
            total += 1
            if got != want:
                print(f"{path.stem} {case}: counted {got if got >= 0 else 'refused'}, truth {want}", flush=True)
    print(f"count right for {right} of {total} re-timed clips")


if __name__ == "__main__":
    main()
