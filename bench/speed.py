"""Speed and memory of the engine, as ratios against baselines measured in the same run.

Usage: ``python bench/speed.py [--repeats 15] [--markdown docs/performance.md]``

On a generated 12 MP phone-size JPEG (4032 x 3024 portrait, a sample render upscaled with
noise, so the person fills the frame as in a phone photo):

* (a) floor: reduced JPEG decode + the landmarker alone;
* (b) the engine end to end (``analyze_photo``: decode, landmarks, view, gates, measures);
* (c) naive pipeline: full-size decode, the landmarker, the same measures.

It prints b/a (target <= 1.3), b/c (target <= 0.6), the engine's peak RSS in a fresh process
(target <= 600 MB), and folder throughput on 20 photos with 1 and 2 worker threads (target:
2 workers >= 1.7 x 1 worker). Medians of ``--repeats`` runs, after a warm-up; the folder runs
alternate 1 and 2 workers ``--rounds`` times and report the median ratio of each pair, so that a
slow spell of the machine hits both sides. The same (a) and (b) are also printed for a right
profile, which the engine measures on a second, mirrored landmarker pass.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.accuracy import write_section  # noqa: E402
from posture.analysis import analyze_photo  # noqa: E402
from posture.anatomy import body_points  # noqa: E402
from posture.gates import choose_subject  # noqa: E402
from posture.imaging import decode_image  # noqa: E402
from posture.landmarks import LandmarkerPool, detect_people, landmarker_pool  # noqa: E402
from posture.measuring import measure_body  # noqa: E402
from posture.photo_batch import Progress, run_batch  # noqa: E402
from posture.pose import Pose  # noqa: E402
from posture.views import estimate_view  # noqa: E402

SOURCE = ROOT / "sample_images" / "front_s000.jpg"
RIGHT_PROFILE_SOURCE = ROOT / "sample_images" / "right_s012.jpg"
PHONE_SIZE = (3024, 4032)  # width, height: a 12 MP portrait photo


def make_phone_jpeg(path: Path, seed: int = 0, source: Path = SOURCE) -> Path:
    """A 12 MP JPEG made from a sample render: upscaled, with sensor-like noise."""
    image = cv2.imread(str(source))
    image = cv2.resize(image, PHONE_SIZE, interpolation=cv2.INTER_CUBIC)
    noise = np.random.default_rng(seed).integers(-4, 5, image.shape, dtype=np.int16)
    image = np.clip(image + noise, 0, 255).astype(np.uint8)
    cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    return path


def median_ms(function, repeats: int) -> float:
    function()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def floor(path: Path) -> None:
    detect_people(decode_image(path))


def engine(path: Path) -> None:
    result = analyze_photo(path)
    assert result.ok, result


def naive(path: Path) -> None:
    """Full-size decode, landmarker, the same measures: what a straightforward script would do."""
    subject = subject_of(decode_image(path, min_long_side_px=None))
    view = estimate_view(subject)
    measure_body(body_points(subject, view.view, None))


def subject_of(photo) -> Pose:
    return choose_subject(detect_people(photo))[0]


def landmark_difference(first: Pose, second: Pose) -> tuple[float, float, float]:
    """(mean, max) landmark shift in full-size pixels and the largest change of any measure."""
    poses = (first, second)
    visible = (poses[0].visibility > 0.5) & (poses[1].visibility > 0.5)
    shift = np.linalg.norm(poses[0].xy_px - poses[1].xy_px, axis=1)[visible]
    measured = [measure_body(body_points(pose, "front", 170.0))[0] for pose in poses]
    change = max(abs(measured[0][key].value - measured[1][key].value) for key in measured[0])
    return float(shift.mean()), float(shift.max()), change


def reduced_decode_loss(path: Path) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """What decoding at reduced size costs the landmarker, next to its noise floor.

    Reduced against full decode; and, as the floor, full decode against a full decode of the same
    photo re-saved as a JPEG of quality 95: a change no one would call a loss of information.
    """
    full = decode_image(path, min_long_side_px=None)
    resaved = cv2.imencode(".jpg", cv2.cvtColor(full.rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 95])[1]
    floor_photo = decode_image(resaved.tobytes(), min_long_side_px=None)
    full_pose = subject_of(full)  # the reference of both comparisons: found once
    return (
        landmark_difference(subject_of(decode_image(path)), full_pose),
        landmark_difference(subject_of(floor_photo), full_pose),
    )


# VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the parent across exec.
PEAK_RSS_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from posture.analysis import analyze_photo
for _ in range(5):
    analyze_photo({path!r})
status = open("/proc/self/status").read()
print(int(status.split("VmHWM:")[1].split()[0]) / 1024)
"""


def peak_rss_mb(path: Path) -> float:
    """Peak resident memory (MB) of a fresh process analysing the photo five times."""
    output = subprocess.run(
        [sys.executable, "-c", PEAK_RSS_SCRIPT.format(root=str(ROOT), path=str(path))],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(output.strip().splitlines()[-1])


def throughput(folder: Path, workers: int, cold: bool) -> float:
    """Photos per second for the CLI's batch runner on every photo of ``folder``.

    ``cold``: starting from no landmarker at all, as one run of the command does, so building them
    (once per worker) is paid inside the 20 photos. Otherwise the workers' landmarkers exist
    already, as in the app or a long batch: the steady rate.
    """
    photos = sorted(folder.glob("*.jpg"))
    landmarker_pool("heavy").close()  # the previous run's landmarkers: free them, then start anew
    landmarker_pool.cache_clear()
    if not cold:
        landmarker_pool("heavy").warm(workers)
    started = time.perf_counter()
    results = run_batch(photos, "auto", None, "heavy", None, workers, Progress(len(photos), False))
    elapsed = time.perf_counter() - started
    assert all(r.ok for r in results)
    return len(photos) / elapsed


def build_landmarker() -> None:
    pool = LandmarkerPool("heavy")
    pool.warm()
    pool.close()


def worker_scaling(folder: Path, rounds: int, cold: bool) -> tuple[float, float, list[float]]:
    """Median photos/s with 1 and 2 workers, and the sorted ratios of ``rounds`` alternating pairs."""
    pairs = [(throughput(folder, 1, cold), throughput(folder, 2, cold)) for _ in range(rounds)]
    one, two = (statistics.median(column) for column in zip(*pairs, strict=True))
    return one, two, sorted(b / a for a, b in pairs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=5, help="alternating 1- and 2-worker folder runs")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "folder"
        folder.mkdir()
        photo = make_phone_jpeg(folder / "phone_00.jpg")
        a = median_ms(lambda: floor(photo), args.repeats)
        b = median_ms(lambda: engine(photo), args.repeats)
        c = median_ms(lambda: naive(photo), args.repeats)
        right = make_phone_jpeg(Path(tmp) / "right.jpg", source=RIGHT_PROFILE_SOURCE)
        a_right = median_ms(lambda: floor(right), args.repeats)
        b_right = median_ms(lambda: engine(right), args.repeats)
        rss = peak_rss_mb(photo)
        (mean_shift, max_shift, measure_change), noise = reduced_decode_loss(photo)
        reduction = 1 / decode_image(photo).scale
        for index in range(1, 20):
            make_phone_jpeg(folder / f"phone_{index:02d}.jpg", seed=index)
        one, two, ratios = worker_scaling(folder, args.rounds, cold=False)
        cold_one, cold_two, cold_ratios = worker_scaling(folder, args.rounds, cold=True)
        build_ms = median_ms(build_landmarker, 5)
    ratio, cold_ratio = statistics.median(ratios), statistics.median(cold_ratios)
    results = {
        "floor_ms": a,
        "engine_ms": b,
        "naive_ms": c,
        "b_over_a": b / a,
        "b_over_c": b / c,
        "right_profile_floor_ms": a_right,
        "right_profile_engine_ms": b_right,
        "right_profile_b_over_a": b_right / a_right,
        "peak_rss_mb": rss,
        "photos_per_s_1_worker": one,
        "photos_per_s_2_workers": two,
        "two_over_one_worker": ratio,
        "photos_per_s_1_worker_cold": cold_one,
        "photos_per_s_2_workers_cold": cold_two,
        "two_over_one_worker_cold": cold_ratio,
        "landmarker_build_ms": build_ms,
        "landmark_shift_mean_px": mean_shift,
        "landmark_shift_max_px": max_shift,
        "largest_measure_change": measure_change,
    }
    lines = [
        "| quantity | value | target |",
        "|---|---|---|",
        f"| (a) floor: reduced decode + landmarker | {a:.0f} ms | |",
        f"| (b) engine end to end | {b:.0f} ms | |",
        f"| (c) naive: full decode + landmarker + measures | {c:.0f} ms | |",
        f"| b / a | {b / a:.2f} | <= 1.3 |",
        f"| b / c | {b / c:.2f} | <= 0.6 |",
        f"| peak RSS, engine in a fresh process | {rss:.0f} MB | <= 600 MB |",
        f"| right profile: (a) floor / (b) engine with its mirrored pass | {a_right:.0f} ms / {b_right:.0f} ms "
        f"(b / a {b_right / a_right:.2f}) | |",
        f"| folder of 20 photos, 1 / 2 workers, landmarkers built (steady rate) | {one:.2f} / {two:.2f} photos/s | |",
        f"| 2 workers / 1 worker, steady rate: median of {args.rounds} alternating pairs | {ratio:.2f} "
        f"(pairs {ratios[0]:.2f}-{ratios[-1]:.2f}) | >= 1.7 |",
        f"| building one landmarker (paid once per worker per run) | {build_ms:.0f} ms | |",
        f"| folder of 20 photos, 1 / 2 workers, cold (one command run) | {cold_one:.2f} / {cold_two:.2f} photos/s | |",
        f"| 2 workers / 1 worker, cold: median of {args.rounds} alternating pairs | {cold_ratio:.2f} "
        f"(pairs {cold_ratios[0]:.2f}-{cold_ratios[-1]:.2f}) | |",
        f"| landmark shift, reduced ({reduction:.0f}x smaller) vs full decode "
        f"| mean {mean_shift:.1f} px, max {max_shift:.1f} px of {PHONE_SIZE[1]} | |",
        f"| largest measure change, reduced vs full decode | {measure_change:.2f} (deg or cm) | |",
        f"| noise floor: the same photo re-saved at JPEG quality 95, full decode | mean {noise[0]:.1f} px, "
        f"max {noise[1]:.1f} px; largest measure change {noise[2]:.2f} | |",
    ]
    text = "\n".join(lines)
    print(text)
    print(json.dumps({k: round(v, 3) for k, v in results.items()}))
    if args.markdown:
        write_section(args.markdown, "speed", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
