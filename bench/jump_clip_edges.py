"""How the jump count holds up where a clip starts or ends: the rendered clips begun or ended at other moments.

A jump counts when its landing and the middle of its flight (the rope's pass under the feet) are in
the clip (``posture.jump.events.Flight.counts``). The rendered clips all start in a contact; a
phone clip starts and stops anywhere. Two checks against the truth's flights (take-off and
touchdown times of ``jumps``):

* ``--cut``: each clip's model track (``--track-cache``, as bench/jump_accuracy.py writes it) cut to
  start at every frame of its first second, and to end at every frame of its last second;
* ``--trim``: each clip re-encoded (H.264, CRF 20) from 100, 233, 367 and 500 ms in and tracked
  anew, so the tracker starts on that frame as it would on a phone clip (re-encoded upright: jump04's
  rotation flag is applied to its pixels).

    python -m bench.jump_clip_edges --clips /work/shared/eval-public-video --track-cache /tmp/tracks --cut
    python -m bench.jump_clip_edges --clips /work/shared/eval-public-video --trim
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from bench.jump_accuracy import load_track
from bench.jump_truth import load_clip
from bench.video_clips import write_video
from posture.errors import PostureError
from posture.jump.engine import JumpAnalysis, analyze_jump_video
from posture.jump.session import analyze_track
from posture.video.decode import iter_frames
from posture.video.track import PoseTrack

TRIM_MS = (100, 233, 367, 500)


def truth_count(clip: dict[str, Any], start_s: float, end_s: float) -> int:
    """Flights whose middle is at or after ``start_s`` and whose touchdown is before ``end_s``."""
    takeoffs = np.array([j["takeoff_s"] for j in clip["jumps"]])
    touchdowns = np.array([j["touchdown_s"] for j in clip["jumps"]])
    return int(np.count_nonzero((0.5 * (takeoffs + touchdowns) >= start_s) & (touchdowns < end_s)))


def frames_of(track: PoseTrack, keep: slice) -> PoseTrack:
    return dataclasses.replace(
        track,
        times_s=track.times_s[keep],
        xy_px=track.xy_px[keep],
        visibility=track.visibility[keep],
        world_m=track.world_m[keep],
        interpolated=track.interpolated[keep],
    )


def counted(track: PoseTrack, clip: dict[str, Any]) -> int:
    try:
        return len(analyze_track(track, clip["view"], float(clip["subject"]["stature_cm"])).jumps)
    except PostureError:
        return -1


def cut_checks(
    clips: list[Path], cache: Path | None, source: str = "model"
) -> Iterator[tuple[str, str, int, int, int]]:
    """(clip, "start"/"end", frame, counted, truth) for every cut of every clip's ``source`` track
    (``"model"``: the full model's, from ``cache`` when there; ``"truth"``: the exact keypoints)."""
    for path in clips:
        clip = load_clip(path)
        track = load_track(source, path, clip, "full", cache)
        fps, frame_s = float(clip["fps"]), 1.0 / float(clip["fps"])
        for k in range(int(fps)):
            start = frames_of(track, slice(k, None))
            yield path.stem, "start", k, counted(start, clip), truth_count(clip, float(track.times_s[k]), np.inf)
            end = frames_of(track, slice(None, len(track.times_s) - k))
            end_s = float(end.times_s[-1]) + frame_s
            yield path.stem, "end", k, counted(end, clip), truth_count(clip, -np.inf, end_s)


def trimmed_copy(source: Path, skip_frames: int, fps: float, target: Path) -> None:
    """``source`` re-encoded without its first ``skip_frames`` frames (H.264, CRF 20), upright as
    displayed (a rotation flag is applied to the pixels, as the product's decoder does)."""
    frames = (rgb for index, (_, rgb) in enumerate(iter_frames(source, max_side_px=4096)) if index >= skip_frames)
    write_video(target, frames, fps=fps, options={"crf": "20"})


def trim_checks(clips: list[Path]) -> Iterator[tuple[str, str, int, int | str, int]]:
    """(clip, "trim", frames left out, counted or refusal code, truth) per clip and trim."""
    with tempfile.TemporaryDirectory() as folder:
        for path in clips:
            clip = load_clip(path)
            fps = float(clip["fps"])
            for ms in TRIM_MS:
                skip = round(ms / 1000.0 * fps)
                copy = Path(folder) / f"{path.stem}_{skip}.mp4"
                trimmed_copy(path.with_suffix(".mp4"), skip, fps, copy)
                result = analyze_jump_video(copy, view=clip["view"], height_cm=float(clip["subject"]["stature_cm"]))
                got = len(result.session.jumps) if isinstance(result, JumpAnalysis) else result.error.code
                yield path.stem, "trim", skip, got, truth_count(clip, skip / fps, np.inf)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=Path, required=True)
    parser.add_argument("--track-cache", type=Path, default=None)
    parser.add_argument("--cut", action="store_true")
    parser.add_argument("--trim", action="store_true")
    args = parser.parse_args()
    clips = sorted(args.clips.glob("jump*.json"))
    checks: list[Iterator[tuple[str, str, int, Any, int]]] = []
    if args.cut:
        checks.append(cut_checks(clips, args.track_cache))
    if args.trim:
        checks.append(trim_checks(clips))
    tally: dict[str, list[int]] = {}
    for check in checks:
        for name, kind, frames, got, want in check:
            tally.setdefault(kind, [0, 0])
            tally[kind][0] += int(got == want)
            tally[kind][1] += 1
            if got != want:
                print(f"{name} {kind} {frames} frames: counted {got}, truth {want}", flush=True)
    for kind, (right, total) in tally.items():
        print(f"{kind}: count right for {right} of {total}")


if __name__ == "__main__":
    main()
