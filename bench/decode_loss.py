"""Does decoding large JPEGs at reduced size cost accuracy? Measured against ground truth.

Usage: ``python bench/decode_loss.py [FOLDER] [--factor 3]``

Every photo of an eval-public-style folder is enlarged ``--factor`` times (a phone-size JPEG of the
same scene), then analysed twice: decoded at reduced size (what the engine does) and at full size.
Prints the MAE of each measure against ``truth_2d`` for both, so a loss would show as a higher MAE.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.accuracy import DEFAULT_FOLDER, summarise, truth_of
from bench.calibration import ground_truths, sample_of
from posture.imaging import decode_image
from posture.measuring import analyze_people


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--factor", type=float, default=3.0)
    args = parser.parse_args()

    # (estimate, truth) per mode and measure. One photo at a time: the full-size decodes of a
    # whole folder would not fit comfortably in memory together.
    pairs: dict[str, dict[str, list[tuple[float, float]]]] = {"reduced": {}, "full": {}}
    sizes = set()
    for path, meta in ground_truths(args.folder):
        image = cv2.imread(str(path))
        large = cv2.resize(image, None, fx=args.factor, fy=args.factor, interpolation=cv2.INTER_CUBIC)
        data = cv2.imencode(".jpg", large, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes()
        for mode, min_side in (("reduced", 1280), ("full", None)):
            sample = sample_of(meta, decode_image(data, min_long_side_px=min_side))
            sizes.add((mode, sample.photo.rgb.shape[1], sample.photo.rgb.shape[0]))
            result = analyze_people(
                sample.name,
                sample.photo,
                sample.people,
                height_cm=meta["subject"]["stature_cm"],
                mirrored_people=lambda sample=sample: sample.mirrored_people,
            )
            for key, measurement in result.measurements.items():
                truth = truth_of(sample, key)
                if truth is not None:
                    pairs[mode].setdefault(key, []).append((measurement.value, truth))
    print("decoded sizes:", sorted(sizes))
    print("| measure | n | MAE reduced decode | MAE full decode |")
    print("|---|---|---|---|")
    for key in sorted(pairs["full"]):
        print(
            f"| {key} | {len(pairs['full'][key])} | {summarise(pairs['reduced'][key])['mae']:.2f} "
            f"| {summarise(pairs['full'][key])['mae']:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
