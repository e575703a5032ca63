"""The ``posture`` command: analyse photos or folders of photos from the shell (and, with
``posture jump``, jump-rope videos: :mod:`posture.jump.cli`).

``posture analyze PHOTO_OR_FOLDER... [--view auto|front|back|left|right] [--height-cm CM]
[--model lite|full|heavy] [--json] [--annotate DIR] [--workers N] [--one-person [--jump CLIP]]
[--save [--label TEXT]]``

A video named among the photos (MP4, MOV, WebM, AVI...) is a stand-still clip: it is measured as one
photo whose landmarks are combined over its frames (:mod:`posture.video.stand`) and its JSON object
carries ``frames_used``. ``--jump CLIP`` adds one person's jump-rope clip to their photos: ONE
assessment from both; the one-person JSON object then gains ``"jump"``, the clip's object
(docs/jump-rope.md), whose ``findings`` are the same combined ones.

By default every photo is assessed on its own (a coach's folder holds many people); with
``--one-person`` the photos are one person's views and are assessed together (with ``--json``: one
object, the photos and the person's ``combined`` result, docs/design.md).

``--save`` keeps each assessment in the same local history the app uses (``POSTURE_DATA_DIR`` or the
user's data directory): one with ``--one-person``, else one per measured photo (a photo that could not
be measured has nothing to keep). The label is ``--label``, or else the photo's file name for a
per-photo assessment. The text output ends with the saved ids; ``--json`` prints the contract alone,
unchanged, so scripts reading it are not disturbed (the ids are then not printed anywhere: list the
history to find them).

Exit status: 0 when every photo was analysed, 1 when some were refused with a clean error
(the reason is in the output), 2 for usage errors (bad option, missing path, no photo found), 141 when
the reader of the output stopped early (``| head``).

The console script (and ``python -m posture.cli``) enters through :func:`run`, which keeps native
libraries' log lines off the terminal (see :mod:`posture.native`; ``POSTURE_NATIVE_LOG=FILE`` collects
them in FILE): on success stderr stays empty. :func:`main` does the work and touches no descriptor, so
tests and other programs can call it in-process.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from posture import __version__
from posture.analysis import MAX_HEIGHT_CM, MIN_HEIGHT_CM, analyze_photo
from posture.annotate import draw, draw_refusal, encode_jpeg
from posture.assessment import Assessment, assess
from posture.catalog import load_catalog, measure_unit
from posture.history import HistoryError, HistoryStore
from posture.history.record import Person, build_record, thumbnail_sized
from posture.imaging import FILE_SUFFIXES
from posture.jump.cli import add_jump_command, format_clip
from posture.jump.engine import JumpAnalysis, analyze_jump_video
from posture.jump.findings import assess_with_jump
from posture.measures import VIEWS
from posture.native import NATIVE_LOG_ENV, keep_native_output_off_stderr, native_log_path
from posture.photo_result import MeasuredPhoto, PhotoResult, RefusedPhoto
from posture.pose import DEFAULT_MODEL, MODEL_VARIANTS
from posture.report import contract_json, one_person_json, typical_error_text
from posture.video.decode import FILE_SUFFIXES as VIDEO_FILE_SUFFIXES
from posture.video.stand import analyze_stand_video
from posture.video.tracking import VIDEO_DEFAULT_MODEL
from posture.vocabulary import Likelihood
from posture.wording import (
    PLAN_ORDER,
    PLAN_ORDER_REASON,
    PROFILE_DIFFERENCE_PREFIX,
    block_title,
    format_range,
    format_value,
    likelihood_label,
    measure_name,
    plan_summary,
    status_label,
)
from posture.wording_jump import weaker_side_first

IMAGE_SUFFIXES = {f".{suffix}" for suffix in FILE_SUFFIXES}
VIDEO_SUFFIXES = {f".{suffix}" for suffix in VIDEO_FILE_SUFFIXES}
EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a command ended by SIGPIPE


class UsageError(Exception):
    """A mistake in the command line: reported on stderr with exit status 2."""


def collect_photos(paths: list[str]) -> list[Path]:
    """Photos in command-line order; a folder contributes its image files, sorted by name."""
    photos = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
            if not found:
                raise UsageError(f"no photos ({', '.join(sorted(IMAGE_SUFFIXES))}) in folder {path}")
            photos += found
        elif path.is_file():
            photos.append(path)
        else:
            raise UsageError(f"no such file or folder: {path}")
    return photos


def analyze_one(
    path: Path,
    view: str,
    height_cm: float | None,
    model: str | None,
    annotate_dir: Path | None,
    keep_thumbnail: bool = False,
) -> PhotoResult:
    """Analyse one photo and write its overlay if asked.

    Returns the analysis without its full-size image, which is large and only needed for drawing,
    done here, so a big batch does not hold every decoded photo in memory. With ``keep_thumbnail``
    (for ``--save``) a thumbnail-sized image and the pose stay, to draw the saved thumbnails from.
    A refused photo that was decoded gets an overlay too: the person found and why it was refused.
    """
    if path.suffix.lower() in VIDEO_SUFFIXES:
        result = analyze_stand_video(path, view=view, height_cm=height_cm, model=model or VIDEO_DEFAULT_MODEL)
    else:
        result = analyze_photo(path, view=view, height_cm=height_cm, model=model or DEFAULT_MODEL)
    if annotate_dir is not None and result.photo is not None:
        image = draw(result) if isinstance(result, MeasuredPhoto) else draw_refusal(result)
        (annotate_dir / f"{path.stem}_annotated.jpg").write_bytes(encode_jpeg(image))
    if keep_thumbnail:
        return thumbnail_sized(result)
    if isinstance(result, RefusedPhoto):
        return dataclasses.replace(result, photo=None, pose=None, people=())
    return dataclasses.replace(result, photo=None, pose=None)


class Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal (a log or a pipe gets no
    carriage-return noise, so a successful run leaves captured stderr empty)."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.done, self.enabled = total, 0, enabled
        self._lock = threading.Lock()

    def step(self, name: str) -> None:
        with self._lock:
            self.done += 1
            if not self.enabled:
                return
            filled = int(30 * self.done / self.total)
            print(
                f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} {name[:40]:<40}",
                end="" if self.done < self.total else "\n",
                file=sys.stderr,
                flush=True,
            )


def run_batch(
    photos: list[Path],
    view: str,
    height_cm: float | None,
    model: str | None,
    annotate_dir: Path | None,
    workers: int,
    progress: Progress,
    keep_thumbnails: bool = False,
) -> list[PhotoResult]:
    """Analyses in input order, ``workers`` at a time.

    Workers are threads, each borrowing its own landmarker: decoding and MediaPipe release the
    GIL, so threads scale like processes without their start-up cost (importing MediaPipe and
    building a graph per process) and without forking a process that runs MediaPipe threads.
    """

    def one(path: Path) -> PhotoResult:
        result = analyze_one(path, view, height_cm, model, annotate_dir, keep_thumbnails)
        progress.step(path.name)
        return result

    if workers <= 1 or len(photos) == 1:
        return [one(path) for path in photos]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, photos))


def assessments_of(results: list[PhotoResult], one_person: bool) -> list[Assessment]:
    """One assessment of all photos together (one person), or one per photo."""
    if one_person:
        return [assess(results)]
    return [assess([result]) for result in results]


def format_findings(assessment: Assessment) -> str:
    """The findings, profile differences and plan of an assessment, for the text output."""
    lines = [f"  ! {warning.message}" for warning in assessment.warnings]
    for key, difference in assessment.profile_differences.items():
        name = measure_name(PROFILE_DIFFERENCE_PREFIX + key)
        lines.append(f"  {name}: {format_value(difference, measure_unit(key), signed=True)}")
    shown = [
        finding for finding in assessment.findings if finding.likelihood in (Likelihood.POSSIBLE, Likelihood.LIKELY)
    ]
    for finding in shown:
        evidence = "; ".join(measure_name(item.measure) for item in finding.evidence)
        lines.append(
            f"  {likelihood_label(finding.likelihood).upper():<8} {finding.name} (score {finding.score}: {evidence})"
        )
        if finding.note:
            lines.append(f"           {finding.note}")
    if assessment.plan is not None and shown:
        lines.append("  plan, in session order:")
        for block in PLAN_ORDER:
            items = assessment.plan.block(block)
            if items:
                lines.append(f"    {block_title(block)}: {', '.join(item.name for item in items)}")
        rules = load_catalog().plan
        lines.append(f"    {plan_summary(assessment.plan, rules.max_exercises, rules.max_minutes)}")
        first = next((item for item in assessment.plan.items if item.first_side is not None), None)
        if first is not None and first.first_side is not None:
            names = ", ".join(item.name for item in assessment.plan.items if item.first_side is not None)
            lines.append(f"    {names}: {weaker_side_first(first.first_side, first.first_side_measures)}")
        lines.append(f"    {PLAN_ORDER_REASON}")
    if lines:
        return "\n".join(lines)
    if all(f.likelihood == Likelihood.NOT_ASSESSED for f in assessment.findings):
        return "  no imbalance could be judged: nothing on the photo was measurable"
    return "  no imbalance signs beyond the normal ranges"


def format_text(result: PhotoResult) -> str:
    """A person-readable summary of one analysis."""
    if isinstance(result, RefusedPhoto):
        return f"{result.image}: NOT ANALYSED ({result.error.code}) {result.error.message}"
    combined = "" if result.frames_used is None else f", landmarks combined over {result.frames_used} video frames"
    lines = [
        f"{result.image}: {result.view} view (confidence {result.view_confidence:.2f}), "
        f"height {result.height_cm:.0f} cm ({result.height_source}){combined}"
    ]
    for warning in result.warnings:
        lines.append(f"  ! {warning.message}")
    for key, m in result.measurements.items():
        typical = typical_error_text(key, m.unit) or ""
        lines.append(
            f"  {measure_name(key):<30} {format_value(m.value, m.unit):>9} {typical:<8} "
            f"normal {format_range(m.normal_range, m.unit):<16} {status_label(m.status):<14} "
            f"confidence {m.confidence:.2f}{'  (estimate)' if m.estimate else ''}"
        )
    reasons = set(result.not_assessed.values())
    if not result.measurements and len(result.not_assessed) > 1 and len(reasons) == 1:
        lines.append(f"  no measure assessed: {reasons.pop()}")
    else:
        for key, reason in result.not_assessed.items():
            lines.append(f"  {measure_name(key):<30} not assessed: {reason}")
    return "\n".join(lines)


def save_assessments(
    store: HistoryStore,
    assessments: list[Assessment],
    photos: list[Path],
    one_person: bool,
    label: str | None,
    height_cm: float | None,
    ids: list[int],
) -> None:
    """Save every assessment with a measured photo to ``store``, appending each new id to ``ids`` as it is
    saved (so that after a failed save ``ids`` still tells what was kept)."""
    names = [""] * len(assessments) if one_person else [path.name for path in photos]
    for assessment, name in zip(assessments, names, strict=True):
        if not any(photo.ok for photo in assessment.photos):
            continue
        record, thumbnails, annotated = build_record(assessment, person=Person(height_cm=height_cm))
        ids.append(
            store.save(record, thumbnails, label=name if label is None else label, annotated_thumbnails=annotated)
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="posture", description="Measure standing posture from photos.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    analyze = commands.add_parser("analyze", help="analyse photos or folders of photos")
    analyze.add_argument("paths", nargs="+", metavar="PHOTO_OR_FOLDER")
    analyze.add_argument("--view", default="auto", choices=["auto", *VIEWS])
    analyze.add_argument(
        "--height-cm", type=float, help=f"the person's height in centimetres ({MIN_HEIGHT_CM:.0f}-{MAX_HEIGHT_CM:.0f})"
    )
    analyze.add_argument(
        "--model",
        choices=list(MODEL_VARIANTS),
        help=f"landmarker (default {DEFAULT_MODEL} for photos, {VIDEO_DEFAULT_MODEL} for videos)",
    )
    analyze.add_argument(
        "--json",
        action="store_true",
        help="print one JSON array, one object per photo "
        "(with --one-person: one object with the photos and the combined result)",
    )
    analyze.add_argument(
        "--annotate",
        type=Path,
        metavar="DIR",
        help="write annotated photos to DIR (a refused photo shows the person found and why)",
    )
    analyze.add_argument("--workers", type=int, default=1, help="photos analysed in parallel (threads)")
    analyze.add_argument(
        "--one-person",
        action="store_true",
        help="all photos show one person: findings and plan from all of them together",
    )
    analyze.add_argument(
        "--jump",
        type=Path,
        metavar="CLIP",
        help="with --one-person: the same person's jump-rope clip joins the assessment",
    )
    analyze.add_argument(
        "--save",
        action="store_true",
        help="keep the assessment(s) in the local history the app shows (POSTURE_DATA_DIR)",
    )
    analyze.add_argument("--label", help="the history label of what --save keeps (default: the photo's name)")
    add_jump_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "jump":
        code: int = args.run(args)
        return code
    try:
        if args.height_cm is not None and not MIN_HEIGHT_CM <= args.height_cm <= MAX_HEIGHT_CM:
            raise UsageError(f"--height-cm {args.height_cm} is outside {MIN_HEIGHT_CM:.0f}-{MAX_HEIGHT_CM:.0f} cm")
        if args.workers < 1:
            raise UsageError("--workers must be at least 1")
        if args.label is not None and not args.save:
            raise UsageError("--label names what --save keeps: add --save")
        if args.jump is not None and not args.one_person:
            raise UsageError("--jump adds one person's clip to their photos: add --one-person")
        if args.jump is not None and not args.jump.is_file():
            raise UsageError(f"no such file: {args.jump}")
        photos = collect_photos(args.paths)
        if args.annotate is not None:
            args.annotate.mkdir(parents=True, exist_ok=True)
    except (UsageError, OSError) as error:
        print(f"posture: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    show_progress = sys.stderr.isatty() and any(Path(p).is_dir() for p in args.paths) and len(photos) > 1
    workers = min(args.workers, os.cpu_count() or 1, len(photos))
    results = run_batch(
        photos,
        args.view,
        args.height_cm,
        args.model,
        args.annotate,
        workers,
        Progress(len(photos), show_progress),
        keep_thumbnails=args.save,
    )
    jump = (
        None
        if args.jump is None
        else analyze_jump_video(args.jump, height_cm=args.height_cm, model=args.model or VIDEO_DEFAULT_MODEL)
    )
    if isinstance(jump, JumpAnalysis):
        assessments = [assess_with_jump(results, jump)]
    else:
        assessments = assessments_of(results, args.one_person)
    if args.json and args.one_person:
        print(json.dumps(one_person_json(assessments[0], jump), indent=1, ensure_ascii=False))
    elif args.json:
        objects = [obj for assessment in assessments for obj in contract_json(assessment)]
        print(json.dumps(objects, indent=1, ensure_ascii=False))
    elif args.one_person:
        print("\n\n".join(format_text(r) for r in results))
        if jump is not None:
            print("\n" + format_clip(jump, with_findings=False))
        together = "All photos and the jump-rope clip" if isinstance(jump, JumpAnalysis) else "All photos"
        print(f"\n{together} together (commonly associated imbalances, not a diagnosis):")
        print(format_findings(assessments[0]))
    else:
        print(
            "\n\n".join(
                f"{format_text(r)}\n{format_findings(a)}" if r.ok else format_text(r)
                for r, a in zip(results, assessments, strict=True)
            )
        )
    all_ok = all(r.ok for r in results) and (jump is None or jump.ok)
    if not args.save:
        return EXIT_OK if all_ok else EXIT_SOME_FAILED
    store = HistoryStore()
    saved: list[int] = []
    try:
        save_assessments(store, assessments, photos, args.one_person, args.label, args.height_cm, saved)
    except HistoryError as error:
        print(f"posture: error: saving to the history failed after {len(saved)} saved: {error}", file=sys.stderr)
        all_ok = False
    if saved and not args.json:
        print(f"\nSaved to the history ({store.path}) as " + ", ".join(f"#{i}" for i in saved))
    return EXIT_OK if all_ok else EXIT_SOME_FAILED


def run() -> None:
    """The console entry point: :func:`main` with native log lines kept off the terminal, then exit."""
    log_path = native_log_path()
    try:
        keep_native_output_off_stderr(log_path)
    except OSError as error:
        print(
            f"posture: error: cannot open {NATIVE_LOG_ENV}={log_path} for appending: {error.strerror}", file=sys.stderr
        )
        sys.exit(EXIT_USAGE)
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`posture analyze ... | head`): nothing to report. Python would
        # complain again while flushing stdout at exit, so stdout goes to the null device first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_BROKEN_PIPE
    sys.exit(code)


if __name__ == "__main__":
    run()
