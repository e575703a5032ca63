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
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.accuracy import DEFAULT_FOLDER, truth_of  # noqa: E402
from bench.calibration import Sample  # noqa: E402
from posture.analysis import analyze_people  # noqa: E402
from posture.imaging import decode_image  # noqa: E402
from posture.landmarks import detect_people, detect_people_mirrored  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--factor", type=float, default=3.0)
    args = parser.parse_args()
    import json

    errors: dict[str, dict[str, list[float]]] = {"reduced": {}, "full": {}}
    sizes = set()
    for meta_path in sorted((args.folder / "images").glob("*.json")):
        meta = json.loads(meta_path.read_text())
        sample = Sample(meta["image"], meta["subject_id"], meta["view"], meta, None, ())
        image = cv2.imread(str(meta_path.with_name(meta["image"])))
        large = cv2.resize(image, None, fx=args.factor, fy=args.factor, interpolation=cv2.INTER_CUBIC)
        data = cv2.imencode(".jpg", large, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes()
        for mode, min_side in (("reduced", 1280), ("full", None)):
            photo = decode_image(data, min_long_side_px=min_side)
            sizes.add((mode, photo.rgb.shape[1], photo.rgb.shape[0]))
            result = analyze_people(meta["image"], photo, detect_people(photo),
                                    height_cm=meta["subject"]["stature_cm"],
                                    mirrored_people=lambda photo=photo: detect_people_mirrored(photo))
            for key, measurement in result.measurements.items():
                truth = truth_of(sample, key)
                if truth is not None:
                    errors[mode].setdefault(key, []).append(abs(measurement.value - truth))
    print("decoded sizes:", sorted(sizes))
    print("| measure | n | MAE reduced decode | MAE full decode |")
    print("|---|---|---|---|")
    for key in sorted(errors["full"]):
        print(f"| {key} | {len(errors['full'][key])} | {np.mean(errors['reduced'][key]):.2f} "
              f"| {np.mean(errors['full'][key]):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
