"""Make the small truth fixtures of tests/data/video from the public jump-rope clips.

Keeps, per clip, what the tests and the accuracy bench read: view, fps, stature, camera, the
truth blocks (session, session_2d, jump_count, per-jump touchdowns) and per frame the time, the
2D keypoints and the 3D keypoints of shoulders, hips and wrists, as compact arrays.

    python -m bench.make_jump_fixtures [--clips /work/shared/eval-public-video] [--out tests/data/video]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bench.jump_truth import COMPACT_3D_NAMES, load_clip

DEFAULT_CLIPS = (
    "jump01_front",
    "jump03_front",
    "jump04_front",
    "jump05_front",
    "jump06_back",
    "jump07_left",
    "stand01_front",
)
JUMP_KEYS = ("touchdown_s", "touchdown_left_s", "touchdown_right_s", "takeoff_s", "landing_lead_ms")


def compact(clip: dict[str, Any]) -> dict[str, Any]:
    """The fixture of one clip (see the module docstring)."""
    names_2d = sorted(clip["frames"][0]["keypoints_px"])
    out: dict[str, Any] = {
        "kind": clip.get("kind", "jump"),
        "view": clip["view"],
        "fps": clip["fps"],
        "subject": {"stature_cm": clip["subject"]["stature_cm"]},
        "camera": {key: clip["camera"][key] for key in ("width", "height", "world_to_camera_4x4_opengl")},
        "names_px": names_2d,
        "names_3d": list(COMPACT_3D_NAMES),
        "time_s": [f["time_s"] for f in clip["frames"]],
        "px": [[round(v, 2) for name in names_2d for v in f["keypoints_px"][name]] for f in clip["frames"]],
        "m": [[round(v, 4) for name in COMPACT_3D_NAMES for v in f["keypoints_3d_m"][name]] for f in clip["frames"]],
    }
    for key in ("session", "session_2d", "session_2d_cm_per_px", "symmetric"):
        if key in clip:
            out[key] = clip[key]
    if "jumps" in clip:
        out["jumps"] = [{key: jump[key] for key in JUMP_KEYS} for jump in clip["jumps"]]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=Path, default=Path("/work/shared/eval-public-video"))
    parser.add_argument("--out", type=Path, default=Path("tests/data/video"))
    parser.add_argument("names", nargs="*", default=list(DEFAULT_CLIPS))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.names:
        target = args.out / f"{name}.json"
        target.write_text(json.dumps(compact(load_clip(args.clips / f"{name}.json")), separators=(",", ":")))
        print(f"{target}: {target.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
