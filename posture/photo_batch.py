"""Many photos through the analysis for the command line: one after another or in threads, overlays
written as they come, each result slimmed to what the output needs, assessed one by one or as one
person, and the assessments saved to the local history.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from posture.analysis import analyze_photo
from posture.annotate import draw, draw_refusal, encode_jpeg
from posture.assessment import Assessment, assess
from posture.history import HistoryStore
from posture.history.record import Person, build_record, thumbnail_sized
from posture.output_files import output_stems
from posture.photo_result import MeasuredPhoto, PhotoResult, RefusedPhoto
from posture.pose import DEFAULT_MODEL
from posture.video.decode import FILE_SUFFIXES as VIDEO_FILE_SUFFIXES
from posture.video.stand import analyze_stand_video
from posture.video.tracking import VIDEO_DEFAULT_MODEL

VIDEO_SUFFIXES = {f".{suffix}" for suffix in VIDEO_FILE_SUFFIXES}


def analyze_one(
    path: Path,
    view: str,
    height_cm: float | None,
    model: str | None,
    annotate_to: Path | None,
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
    if annotate_to is not None and result.photo is not None:
        image = draw(result) if isinstance(result, MeasuredPhoto) else draw_refusal(result)
        annotate_to.write_bytes(encode_jpeg(image))
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

    targets: list[Path | None] = (
        [annotate_dir / f"{stem}_annotated.jpg" for stem in output_stems(photos)]
        if annotate_dir is not None
        else [None] * len(photos)
    )

    def one(path: Path, target: Path | None) -> PhotoResult:
        result = analyze_one(path, view, height_cm, model, target, keep_thumbnails)
        progress.step(path.name)
        return result

    if workers <= 1 or len(photos) == 1:
        return [one(path, target) for path, target in zip(photos, targets, strict=True)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, photos, targets))


def assessments_of(results: list[PhotoResult], one_person: bool) -> list[Assessment]:
    """One assessment of all photos together (one person), or one per photo."""
    if one_person:
        return [assess(results)]
    return [assess([result]) for result in results]


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
