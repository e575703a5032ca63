"""Fit ``posture/corrections.json`` and ``posture/joint_views.json`` on a folder in the eval-public format.

Usage: ``python bench/fit_corrections.py [--eval-dir FOLDER] [--model heavy]`` (default folder:
the shared ground-truth set ``/work/shared/eval-public``, 120 subjects, when it exists, else the
copy the project keeps in ``tests/data/eval``). Landmarks come from the disk cache of
``bench/landmark_cache.py``. The corrections are general (means and small linear
models over all subjects), never per-image constants; the joint front + back models
(``bench/joint_fit.py``) are fitted on the photos measured with those corrections.
``bench/accuracy.py`` checks both on subjects they were not fitted on.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.accuracy import DEFAULT_FOLDER, run_engine, truth_of
from bench.calibration import fit_corrections, load_samples
from bench.joint_fit import fit_joint_models, person_rows, write_joint_models
from posture.anatomy import CORRECTIONS_PATH
from posture.assessment.joint_views import JOINT_VIEWS_PATH


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--model", default="heavy")
    parser.add_argument("--out", type=Path, default=CORRECTIONS_PATH)
    parser.add_argument("--joint-out", type=Path, default=JOINT_VIEWS_PATH)
    args = parser.parse_args()
    samples = load_samples(args.eval_dir, args.model)
    corrections = fit_corrections(samples)
    args.out.write_text(json.dumps(corrections.to_dict(), indent=1) + "\n")
    print(f"wrote {args.out}")
    by_subject = run_engine(samples, lambda sample: corrections)["by_subject"]
    write_joint_models(
        args.joint_out, fit_joint_models(person_rows(by_subject, samples, truth_of), by_subject), len(by_subject)
    )
    print(f"wrote {args.joint_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
