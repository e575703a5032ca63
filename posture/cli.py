"""The ``posture`` command: analyse photos or folders of photos from the shell (and, with
``posture jump``, jump-rope videos: :mod:`posture.jump_command`).

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
import json
import os
import sys
from pathlib import Path

from posture import __version__
from posture.analysis import MAX_HEIGHT_CM, MIN_HEIGHT_CM
from posture.findings_text import format_findings
from posture.history import HistoryError, HistoryStore
from posture.imaging import FILE_SUFFIXES
from posture.jump.engine import JumpAnalysis, analyze_jump_video
from posture.jump.findings import assess_with_jump
from posture.jump_command import add_jump_command, format_clip
from posture.measures import VIEWS
from posture.native import NATIVE_LOG_ENV, keep_native_output_off_stderr, native_log_path
from posture.output_files import writable_folder
from posture.photo_batch import VIDEO_SUFFIXES, Progress, assessments_of, run_batch, save_assessments
from posture.photo_result import PhotoResult, RefusedPhoto
from posture.pose import DEFAULT_MODEL, MODEL_VARIANTS
from posture.report import contract_json, one_person_json, typical_error_text
from posture.video.tracking import VIDEO_DEFAULT_MODEL
from posture.wording import (
    format_range,
    format_value,
    measure_name,
    status_label,
)

IMAGE_SUFFIXES = {f".{suffix}" for suffix in FILE_SUFFIXES}
EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a command ended by SIGPIPE


class UsageError(Exception):
    """A mistake in the command line: reported on stderr with exit status 2."""


def collect_photos(paths: list[str]) -> list[Path]:
    """Photos in command-line order; a folder contributes its image files, sorted by name.

    A folder's videos are left out: a folder of clips is more likely jump-rope sessions (``posture jump``)
    than stand-still clips, and tracking each clip only to refuse it would take minutes. A stand-still clip
    is analysed when named itself.
    """
    photos = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = [p for p in path.iterdir() if p.is_file()]
            found = sorted(p for p in files if p.suffix.lower() in IMAGE_SUFFIXES)
            if not found:
                videos = sum(p.suffix.lower() in VIDEO_SUFFIXES for p in files)
                clips = (
                    f"; its {videos} video{'s' if videos > 1 else ''} are not read from a folder: name a stand-still "
                    "clip itself (posture analyze CLIP.mp4), or give jump-rope clips to posture jump"
                    if videos
                    else ""
                )
                raise UsageError(f"no photos ({', '.join(sorted(IMAGE_SUFFIXES))}) in folder {path}{clips}")
            photos += found
        elif path.is_file():
            photos.append(path)
        else:
            raise UsageError(f"no such file or folder: {path}")
    return photos


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
        typical = typical_error_text(key, m.unit, result.view) or ""
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="posture", description="Measure standing posture from photos.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    analyze = commands.add_parser("analyze", help="analyse photos, folders of photos, or stand-still clips")
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
            writable_folder(args.annotate)
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
