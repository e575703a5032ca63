"""Do the quality gates refuse standing people when the camera is higher, lower or pitched?

Usage: ``python bench/camera_views.py [--eval-dir FOLDER] [--pitches -25 -15 0 10 20] [--every 1]
[--aside 0] [--markdown docs/accuracy.md]``

Every photo of an eval-public-style folder is re-projected as if the camera had been pitched to an
absolute pitch (degrees, + looking up, - looking down; the renders' own pitch is in
``camera.pitch_deg``) and run through the engine's gates. A rotation of the camera about its own
centre is exactly a homography of the picture, ``H = K R K^-1`` (``K`` from the render's focal
length and centre). A camera moved up or down without turning is not a homography (the parallax
between head, trunk and feet changes); it is approximated by the pitch that points the camera from
that height at the body (e.g. 2.2 m high, 3 m away, aimed at the hips: about 23 deg down) plus a crop
around the person, which is what such a photo mostly looks like. Every render shows a person
standing, so every refusal is a false one. The landmarks come from the disk cache
(``bench/landmark_cache.py``). With ``--markdown`` the table replaces the generated section ``gates``
of that file (``gates-aside-<deg>`` when the camera is also turned aside).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.accuracy import DEFAULT_FOLDER, write_section
from bench.calibration import ground_truths
from bench.landmark_cache import cached_people
from posture.analysis import analyze_people, find_people
from posture.imaging import decode_image

DEFAULT_PITCHES_DEG = (-25.0, -15.0, 0.0, 10.0, 20.0)
# The person (its box in the render's metadata) fills this share of the re-projected picture's height.
PERSON_SHARE_OF_HEIGHT = 0.75
JPEG_QUALITY = 90


def camera_matrix(meta: dict[str, Any]) -> np.ndarray:
    """Pinhole intrinsics K (px) of a render, from its ``camera`` record."""
    camera = meta["camera"]
    return np.array([[camera["fx_px"], 0.0, camera["cx_px"]], [0.0, camera["fy_px"], camera["cy_px"]], [0.0, 0.0, 1.0]])


def pitch_homography(intrinsics: np.ndarray, down_deg: float, aside_deg: float = 0.0) -> np.ndarray:
    """The homography taking a picture to the one the same camera takes after turning ``aside_deg``
    to the side (the person then stands off the picture's centre, where a pitch makes verticals
    lean) and pitching ``down_deg`` further down (negative: up), both about its own centre: ``K R K^-1``."""
    pitch, yaw = np.radians(down_deg), np.radians(aside_deg)
    pitched = np.array([[1.0, 0.0, 0.0], [0.0, np.cos(pitch), -np.sin(pitch)], [0.0, np.sin(pitch), np.cos(pitch)]])
    turned = np.array([[np.cos(yaw), 0.0, np.sin(yaw)], [0.0, 1.0, 0.0], [-np.sin(yaw), 0.0, np.cos(yaw)]])
    homography: np.ndarray = intrinsics @ pitched @ turned @ np.linalg.inv(intrinsics)
    return homography


def reprojected(bgr: np.ndarray, meta: dict[str, Any], pitch_deg: float, aside_deg: float = 0.0) -> np.ndarray:
    """The render as taken at absolute camera pitch ``pitch_deg`` (+ up), with the person ``aside_deg``
    off the camera's axis (see :func:`pitch_homography`), cropped around the person
    to a 9:16 portrait in which the person fills :data:`PERSON_SHARE_OF_HEIGHT` of the height.
    Pixels the original does not cover repeat its edge (plain walls and floor here)."""
    homography = pitch_homography(camera_matrix(meta), meta["camera"]["pitch_deg"] - pitch_deg, aside_deg)
    x0, y0, x1, y1 = meta["image_meta"]["person_bbox_px"]
    corners = np.array([[[x0, y0], [x1, y0], [x0, y1], [x1, y1]]], dtype=np.float64)
    warped = cv2.perspectiveTransform(corners, homography)[0]
    (left, top), (right, bottom) = warped.min(axis=0), warped.max(axis=0)
    height = (bottom - top) / PERSON_SHARE_OF_HEIGHT
    width = height * 9.0 / 16.0
    shift = np.array(
        [[1.0, 0.0, width / 2 - (left + right) / 2], [0.0, 1.0, height / 2 - (top + bottom) / 2], [0.0, 0.0, 1.0]]
    )
    return cv2.warpPerspective(
        bgr, shift @ homography, (round(width), round(height)), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE
    )


def gate_outcome(jpeg: bytes, name: str) -> str:
    """ "ok" or the engine's refusal code for one photo (landmarks from the disk cache; the tiles that
    look again for a person found nowhere in the whole picture are not cached)."""
    photo, people = find_people(jpeg, decode_image(jpeg), detect=cached_people)
    result = analyze_people(name, photo, people)
    return "ok" if result.ok or result.error is None else result.error.code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument(
        "--pitches",
        type=float,
        nargs="+",
        default=list(DEFAULT_PITCHES_DEG),
        help="absolute camera pitches (deg, + up); 'original' is always included",
    )
    parser.add_argument("--every", type=int, default=1, help="use every n-th photo only")
    parser.add_argument("--views", nargs="+", default=["front", "back", "left", "right"])
    parser.add_argument(
        "--aside",
        type=float,
        default=0.0,
        help="turn the camera this many degrees sideways too (person off the picture's centre)",
    )
    parser.add_argument("--markdown", type=Path, help="also write the table into this Markdown file")
    args = parser.parse_args()
    outcomes: dict[str, Counter[str]] = {}
    for index, (path, meta) in enumerate(ground_truths(args.eval_dir)):
        if index % args.every or meta["view"] not in args.views:
            continue
        bgr = cv2.imread(str(path))
        if bgr is None:
            raise SystemExit(f"cannot read {path}")
        cases = {"original": path.read_bytes()}
        for pitch in args.pitches:
            cases[f"pitch {pitch:+.0f}"] = cv2.imencode(
                ".jpg", reprojected(bgr, meta, pitch, args.aside), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]
            )[1].tobytes()
        for case, jpeg in cases.items():
            outcome = gate_outcome(jpeg, meta["image"])
            outcomes.setdefault(case, Counter())[outcome] += 1
            if outcome != "ok":
                print(f"  {meta['image']} {case}: {outcome}", file=sys.stderr, flush=True)
    aside = f", {args.aside:g} deg aside" if args.aside else ""
    lines = ["| camera | photos | refused | refusals by code |", "|---|---|---|---|"]
    for case, counts in outcomes.items():
        refused = sum(n for code, n in counts.items() if code != "ok")
        codes = ", ".join(f"{code} {n}" for code, n in sorted(counts.items()) if code != "ok") or "-"
        label = case if case == "original" else f"{case}{aside}"
        lines.append(f"| {label} | {sum(counts.values())} | {refused} | {codes} |")
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        write_section(args.markdown, f"gates-aside-{args.aside:g}" if args.aside else "gates", table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
