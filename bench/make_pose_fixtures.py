"""Regenerate the pose fixtures in ``tests/data/poses``: the real landmarker's output on a few photos.

Usage: ``python bench/make_pose_fixtures.py [--model heavy]``

Run it after changing the model, the landmarker adapter or the photos listed in
``tests/pose_fixtures.FIXTURE_IMAGES``; ``tests/test_pose_fixtures.py`` fails until then. The
model-free tests (``pytest -m model_free``) measure these stored poses instead of running MediaPipe.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from posture.imaging import decode_image  # noqa: E402
from posture.landmarks import detect_people, detect_people_mirrored  # noqa: E402
from posture.pose import DEFAULT_MODEL, MODEL_VARIANTS  # noqa: E402
from tests.pose_fixtures import FIXTURE_IMAGES, POSES_DIR, save_people  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL, choices=list(MODEL_VARIANTS))
    args = parser.parse_args(argv)
    POSES_DIR.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, image in FIXTURE_IMAGES.items():
        photo = decode_image(image)
        first, mirrored = detect_people(photo, args.model), detect_people_mirrored(photo, args.model)
        if not first:
            raise SystemExit(f"{image}: the landmarker found nobody, so there is nothing to store")
        path = POSES_DIR / f"{name}.npz"
        save_people(path, first, mirrored)
        total += path.stat().st_size
        print(f"{path.relative_to(ROOT)}: {len(first)} + {len(mirrored)} people, {path.stat().st_size / 1024:.0f} kB")
    print(f"total {total / 1024:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
