"""``posture jump VIDEO... [--view auto|front|back|left|right] [--height-cm CM] [--model M] [--json]
[--annotate DIR] [--workers N] [--save [--label TEXT]] [--report FILE.pdf|FILE.md]``: jump-rope clips
measured from the shell.

Text by default (count, cadence, style, every measure with value, unit, band and verdict, then the
sides in plain words and the findings of the clip alone); ``--json`` prints one array, one object
per video in input order, each the contract of docs/jump-rope.md. ``--annotate DIR`` writes
``<name>_annotated.mp4`` (skeleton, touchdowns, live left/right values) and ``<name>_series.png``
(the per-jump series). ``--report FILE`` (one video) writes the report of the clip's assessment, PDF
or Markdown by the file's suffix, with the jump-rope section and its charts; a refused clip writes none.
Exit status and stderr follow ``posture analyze``: 0 all measured, 1 some refused (the reason is in the
output), 2 usage errors; a progress line only when stderr is a terminal.

``--save`` keeps each measured clip as a jump-rope session in the local history the app shows (as
``posture analyze --save`` does for photos) with a still of the clip, under ``--label`` or else the clip's
file name; text mode ends with the saved ids, ``--json`` prints the contract alone. A refused clip is not
saved. A history that cannot be written is reported on stderr with how many were saved before it failed
(exit status 1).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from posture.analysis import MAX_HEIGHT_CM, MIN_HEIGHT_CM
from posture.findings_text import format_findings
from posture.history import HistoryError, HistoryStore
from posture.history.jump_record import save_jump_session
from posture.jump.engine import JumpAnalysis, JumpRefusal, JumpResult, analyze_jump_video
from posture.jump.findings import assess_with_jump
from posture.jump.session import VIEWS
from posture.jump.summary import Measurement
from posture.output_files import output_stems, writable_folder
from posture.pose import MODEL_VARIANTS
from posture.report import render_markdown, render_pdf
from posture.report.jump_blocks import jump_accuracy_label
from posture.video.decode import FILE_SUFFIXES as VIDEO_FILE_SUFFIXES
from posture.video.tracking import VIDEO_DEFAULT_MODEL
from posture.wording import format_value, jump_measure_name, view_name
from posture.wording_jump import jump_side_sentences, jump_status_label, threshold_text

VIDEO_SUFFIXES = {f".{suffix}" for suffix in VIDEO_FILE_SUFFIXES}
REPORT_SUFFIXES = (".pdf", ".md")
EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
Report = Callable[[str, int, int], None]


def add_jump_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``posture jump`` on the ``posture`` parser's subcommands."""
    jump = commands.add_parser("jump", help="measure left-right symmetry in jump-rope videos")
    jump.add_argument("paths", nargs="+", metavar="VIDEO")
    jump.add_argument("--view", default="auto", choices=["auto", *VIEWS])
    jump.add_argument(
        "--height-cm", type=float, help=f"the person's height in centimetres ({MIN_HEIGHT_CM:.0f}-{MAX_HEIGHT_CM:.0f})"
    )
    jump.add_argument("--model", default=VIDEO_DEFAULT_MODEL, choices=list(MODEL_VARIANTS))
    jump.add_argument("--json", action="store_true", help="print one JSON array, one object per video")
    jump.add_argument(
        "--annotate",
        type=Path,
        metavar="DIR",
        help="write an annotated MP4 and a PNG chart of the per-jump series per video to DIR",
    )
    jump.add_argument("--workers", type=int, default=1, help="videos analysed in parallel (threads)")
    jump.add_argument(
        "--save", action="store_true", help="keep each measured clip in the local history (the app's History page)"
    )
    jump.add_argument("--label", help="the history label of what --save keeps (default: the clip's file name)")
    jump.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="with one video: write its report (findings, plan, jump-rope section and charts) to FILE.pdf or FILE.md",
    )
    jump.set_defaults(run=run_jump_command)


def check_report(target: Path | None, videos: int) -> None:
    """A report goes to a .pdf or .md file, for one video; anything else is a usage error (ValueError)."""
    if target is None:
        return
    if target.suffix.lower() not in REPORT_SUFFIXES:
        raise ValueError(f"--report {target}: the file must end in .pdf or .md")
    if videos != 1:
        raise ValueError("--report writes the report of one video: give one VIDEO")


def write_report(analysis: JumpAnalysis, target: Path) -> None:
    """The report of the clip's assessment (the clip alone) as PDF or Markdown, by ``target``'s suffix."""
    assessment = assess_with_jump([], analysis)
    if target.suffix.lower() == ".pdf":
        target.write_bytes(render_pdf(assessment, jump=analysis))
    else:
        target.write_text(render_markdown(assessment, jump=analysis), encoding="utf-8")


def check_height(height_cm: float | None) -> None:
    if height_cm is not None and not MIN_HEIGHT_CM <= height_cm <= MAX_HEIGHT_CM:
        raise ValueError(f"--height-cm {height_cm} is outside {MIN_HEIGHT_CM:.0f}-{MAX_HEIGHT_CM:.0f} cm")


def existing_files(paths: Sequence[str]) -> list[Path]:
    """The videos named, in order; a missing one is a usage error (ValueError)."""
    for raw in paths:
        if Path(raw).is_dir():
            raise ValueError(f"{raw} is a folder: name the video files in it (e.g. {Path(raw) / '*.mp4'})")
        if not Path(raw).is_file():
            raise ValueError(f"no such file: {raw}")
    return [Path(raw) for raw in paths]


class FrameProgress:
    """One progress line on stderr (frames of the current video), only when ``enabled``."""

    def __init__(self, total_videos: int, enabled: bool) -> None:
        self.total_videos, self.enabled = total_videos, enabled
        self._lock = threading.Lock()
        self._finished = 0

    def report(self, name: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        with self._lock:
            filled = int(30 * done / max(total, 1))
            print(
                f"\r[{'#' * filled}{'.' * (30 - filled)}] video {self._finished + 1}/{self.total_videos} "
                f"{name[:30]:<30} frame {done}/{total}",
                end="",
                file=sys.stderr,
                flush=True,
            )

    def video_done(self) -> None:
        with self._lock:
            self._finished += 1
            if self.enabled and self._finished == self.total_videos:
                print(file=sys.stderr, flush=True)


def analyze_clips(
    paths: Sequence[Path],
    view: str,
    height_cm: float | None,
    model: str,
    workers: int,
    progress: FrameProgress,
    annotate_dir: Path | None,
) -> list[JumpResult]:
    """Each clip measured (and drawn when ``annotate_dir`` is given), in input order, ``workers`` at a time."""

    stems = output_stems(paths)

    def one(path: Path, stem: str) -> JumpResult:
        result = analyze_jump_video(
            path,
            view=view,
            height_cm=height_cm,
            model=model,
            progress=lambda done, total: progress.report(path.name, done, total),
        )
        if annotate_dir is not None and isinstance(result, JumpAnalysis):
            from posture.jump.annotation_files import write_annotations  # matplotlib and the encoder only when asked

            write_annotations(result, path, annotate_dir, stem)
        progress.video_done()
        return result

    if workers <= 1 or len(paths) == 1:
        return [one(path, stem) for path, stem in zip(paths, stems, strict=True)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, paths, stems))


def _band_text(measurement: Measurement) -> str:
    if measurement.band is None:
        return ""
    low, high = measurement.band
    return f"95 % {format_value(low, '')} to {format_value(high, measurement.unit)}"


def measurement_line(key: str, measurement: Measurement, model: str) -> str:
    """One measure: name, value, 95 % band, verdict, confidence, and how far landmarker ``model`` was off for it
    on the bench's rendered clips, with its note on a second line (as on the app's card: a rough value, a band
    that carries the frame interval); the reason instead when it could not be measured."""
    name = jump_measure_name(key)
    if measurement.value is None:
        return f"  {name:<42} not assessed: {measurement.reason}"
    value = (
        f"{measurement.value:.0f}" if measurement.unit == "count" else format_value(measurement.value, measurement.unit)
    )
    band = _band_text(measurement)
    verdict = jump_status_label(measurement.status, key)
    threshold = (
        f"(threshold {threshold_text(key, measurement.threshold, measurement.unit)})"
        if measurement.threshold is not None
        else ""
    )
    accuracy = jump_accuracy_label(key, measurement.unit, model, measurement.typical_error) or ""
    confidence = f"confidence {measurement.confidence:.2f}"
    line = f"  {name:<42} {value:>12}  {band:<27} {verdict:<14} {threshold:<22} {confidence}  {accuracy}".rstrip()
    return f"{line}\n    note: {measurement.reason}" if measurement.reason else line


def format_clip(result: JumpResult, with_findings: bool = True) -> str:
    """A person-readable summary of one clip, ending (``with_findings``) with the findings of the clip alone."""

    if isinstance(result, JumpRefusal):
        return f"{result.file}: NOT ANALYSED ({result.error.code}) {result.error.message}"
    session, video = result.session, result.video
    lines = [
        f"{result.file}: {view_name(session.view)} view (confidence {result.view.confidence:.2f}), "
        f"{video.duration_s:.1f} s at {video.fps:.0f} fps, person seen in {session.frames_with_person} of "
        f"{video.frames} frames, {session.style.replace('_', '-')} style"
    ]
    lines += [f"  ! {warning}" for warning in session.warnings]
    lines += [measurement_line(key, m, result.track.model) for key, m in session.measurements.items()]
    lines.append("  In plain words:")
    lines += [f"    {sentence}" for sentence in jump_side_sentences(session.measurements)]
    if not with_findings:
        return "\n".join(lines)
    lines.append("  From this clip alone (commonly associated imbalances, not a diagnosis):")
    lines.append(format_findings(assess_with_jump([], result)))
    return "\n".join(lines)


def run_jump_command(args: argparse.Namespace) -> int:
    """``posture jump``: see the module docstring."""
    try:
        check_height(args.height_cm)
        if args.workers < 1:
            raise ValueError("--workers must be at least 1")
        if args.label is not None and not args.save:
            raise ValueError("--label names what --save keeps: add --save")
        paths = existing_files(args.paths)
        check_report(args.report, len(paths))
        if args.annotate is not None:
            writable_folder(args.annotate)
    except (ValueError, OSError) as error:
        print(f"posture: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    workers = min(args.workers, os.cpu_count() or 1, len(paths))
    progress = FrameProgress(len(paths), sys.stderr.isatty())
    results = analyze_clips(paths, args.view, args.height_cm, args.model, workers, progress, args.annotate)
    if args.json:
        print(json.dumps([result.to_dict() for result in results], indent=1, ensure_ascii=False))
    else:
        print("\n\n".join(format_clip(result) for result in results))
    all_ok = all(result.ok for result in results)
    if args.save and not save_sessions(results, args.label, quiet=args.json, clips=paths):
        all_ok = False
    if args.report is not None:
        if isinstance(results[0], JumpAnalysis):
            try:
                write_report(results[0], args.report)
            except OSError as error:
                print(f"posture: error: the report could not be written: {error}", file=sys.stderr)
                return EXIT_SOME_FAILED
        else:
            print(f"posture: no report written to {args.report}: the clip was not measured", file=sys.stderr)
    return EXIT_OK if all_ok else EXIT_SOME_FAILED


def save_sessions(
    results: Sequence[JumpResult], label: str | None, *, quiet: bool, clips: Sequence[Path] | None = None
) -> bool:
    """Save every measured clip to the history, each with its still when ``clips`` gives the files ``results``
    were measured from (same order); False (after saying so on stderr) when the history failed."""
    store = HistoryStore()
    saved: list[int] = []
    sources = list(clips) if clips is not None else [None] * len(results)
    try:
        for source, result in zip(sources, results, strict=True):
            if isinstance(result, JumpAnalysis):
                name = result.file if label is None else label
                saved.append(save_jump_session(store, result, source=source, label=name))
    except HistoryError as error:
        print(f"posture: error: saving to the history failed after {len(saved)} saved: {error}", file=sys.stderr)
        return False
    if saved and not quiet:
        print(f"\nSaved to the history ({store.path}) as " + ", ".join(f"#{i}" for i in saved))
    return True
