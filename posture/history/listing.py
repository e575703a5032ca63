"""One line of the history list per saved row: enough to choose an assessment or a session without loading it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from posture.history.compare import record_photos
from posture.history.jump_sessions import Asymmetry, headline_asymmetries, jump_count, session_view
from posture.history.schema import KIND_JUMP, KIND_PHOTOS, parse_time
from posture.vocabulary import Likelihood

MAX_HEADLINE_FINDINGS = 3


@dataclass(frozen=True)
class Summary:
    """One line of the history list.

    ``kind`` is "photos" (a photo assessment) or "jump" (a jump-rope session). A jump session has its
    one view in ``views``, no photos, its ``jump_count`` and its ``asymmetries`` (the clearest uneven
    left-right measures, see :func:`posture.history.jump_sessions.headline_asymmetries`).
    """

    id: int
    taken_at: datetime
    label: str
    views: tuple[str, ...]
    photo_count: int
    headline_findings: tuple[str, ...]
    engine_version: str = ""
    kind: str = KIND_PHOTOS
    jump_count: int | None = None
    asymmetries: tuple[Asymmetry, ...] = ()


def headline_findings(record: Mapping[str, Any]) -> tuple[str, ...]:
    findings = record.get("findings")
    if not isinstance(findings, list):
        # docs/design.md also shows findings on each photo object: accept them there too.
        findings = [f for p in record_photos(record) for f in (p.get("findings") or [])]
    names: list[str] = []
    for finding in findings:
        # A headline names what the photos point to, so "unlikely" and "not assessed" stay out.
        if isinstance(finding, Mapping) and finding.get("likelihood", Likelihood.LIKELY) not in (
            Likelihood.POSSIBLE,
            Likelihood.LIKELY,
        ):
            continue
        name = finding.get("imbalance") if isinstance(finding, Mapping) else finding
        if isinstance(name, str) and name not in names:
            names.append(name)
    return tuple(names[:MAX_HEADLINE_FINDINGS])


def summary_of(row_id: int, taken_at: str, label: str, engine_version: str, record_json: str, kind: str) -> Summary:
    record = json.loads(record_json)
    if kind == KIND_JUMP:
        view = session_view(record)
        return Summary(
            id=row_id,
            taken_at=parse_time(taken_at),
            label=label,
            views=(view,) if view else (),
            photo_count=0,
            headline_findings=headline_findings(record),
            engine_version=engine_version,
            kind=KIND_JUMP,
            jump_count=jump_count(record),
            asymmetries=headline_asymmetries(record),
        )
    photos = record_photos(record)
    return Summary(
        id=row_id,
        taken_at=parse_time(taken_at),
        label=label,
        views=tuple(p["view"] for p in photos if isinstance(p.get("view"), str)),
        photo_count=len(photos),
        headline_findings=headline_findings(record),
        engine_version=engine_version,
        kind=kind,
    )
