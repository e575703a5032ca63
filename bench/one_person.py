"""Check the same-person and loose-clothing limits on a folder of renders (eval-public's format).

Usage: ``python bench/one_person.py [FOLDER] [--model heavy]`` (FOLDER defaults to the bundled
``tests/data/eval``; ``/work/shared/eval-public`` is the full public set, 120 people x 4 views).

Every photo is analysed; then, over every pair of photos in different views, it counts how often the
same subject's pair was taken for different people (should be 0) and how often two subjects' pair was
caught, prints the largest same-subject colour distance per region (the limits in
``posture.assessment.same_person`` must stay above them) and counts ``loose_clothing`` warnings
(should be 0: the renders wear fitted clothing).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from posture.analysis import analyze_photo  # noqa: E402
from posture.assessment.same_person import COLOUR_LIMITS, colour_distance, photo_mismatch  # noqa: E402
from posture.photo_result import MeasuredPhoto  # noqa: E402
from posture.pose import DEFAULT_MODEL, MODEL_VARIANTS  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "tests" / "data" / "eval")
    parser.add_argument("--model", default=DEFAULT_MODEL, choices=list(MODEL_VARIANTS))
    args = parser.parse_args(argv)
    photos: dict[str, MeasuredPhoto] = {}
    for path in sorted((args.folder / "images").glob("*.jpg")):
        result = analyze_photo(path, model=args.model)
        if isinstance(result, MeasuredPhoto):
            photos[path.stem] = result
        else:
            print(f"{path.name}: refused ({result.error.code})")
    loose = [name for name, photo in photos.items() if any(w.code == "loose_clothing" for w in photo.warnings)]
    print(f"{len(photos)} photos measured; loose_clothing on {len(loose)}: {', '.join(loose) or 'none'}")
    same_flagged, same_total, different_caught, different_total = 0, 0, 0, 0
    largest = dict.fromkeys(COLOUR_LIMITS, 0.0)
    for first, second in itertools.combinations(sorted(photos), 2):
        a, b = photos[first], photos[second]
        if a.view == b.view:
            continue
        flagged = photo_mismatch(a, b) is not None
        if first.split("_")[0] == second.split("_")[0]:
            same_total += 1
            same_flagged += flagged
            for region in COLOUR_LIMITS:
                if (
                    a.appearance
                    and b.appearance
                    and region in a.appearance.colours_lab
                    and region in b.appearance.colours_lab
                ):
                    distance = colour_distance(a.appearance.colours_lab[region], b.appearance.colours_lab[region])
                    largest[region] = max(largest[region], distance)
        else:
            different_total += 1
            different_caught += flagged
    print(f"same subject, different views: {same_flagged}/{same_total} taken for different people")
    print(
        f"different subjects, different views: {different_caught}/{different_total} caught "
        f"({100 * different_caught / max(different_total, 1):.1f} %)"
    )
    for region, limit in COLOUR_LIMITS.items():
        print(f"  {region}: largest same-subject distance {largest[region]:.1f} (limit {limit:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
