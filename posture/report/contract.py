"""The CLI / download JSON of docs/design.md, built from one assessment."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from posture.assessment import FINDING_KEYS, Assessment, findings_json
from posture.catalog import BLOCKS
from posture.photo_result import MeasuredPhoto

if TYPE_CHECKING:
    from posture.jump.engine import JumpResult

# Design.md's per-photo "findings" entries: the first keys of Finding.to_dict().


def contract_json(assessment: Assessment) -> list[dict[str, Any]]:
    """The CLI / download JSON of docs/design.md: one object per photo, in input order.

    Each ok photo carries its own ``to_dict()`` plus the person-level ``findings``,
    ``stage`` and ``plan`` (``None`` when a red flag stops the plan), repeated on every ok photo
    because the contract puts them on the photo object; person-level warnings (``different_people``)
    join each ok photo's ``warnings``. A failed photo has only image, ok and error.
    """
    summary = assessment.to_dict()
    warnings = [{"code": warning.code, "message": warning.message} for warning in assessment.warnings]
    objects = []
    for photo in assessment.photos:
        data = photo.to_dict()
        if photo.ok:
            data = _with_person_level({**data, "warnings": [*data["warnings"], *warnings]}, summary)
        objects.append(data)
    return objects


def _with_person_level(photo: dict[str, Any], summary: dict[str, Any]) -> dict[str, Any]:
    """The photo object with findings, stage and plan inserted where design.md shows them (fresh copies)."""
    plan = summary["plan"]
    person_level = {
        "findings": [{key: finding[key] for key in FINDING_KEYS} for finding in summary["findings"]],
        "stage": dict(summary["stage"]) if summary["stage"] else None,
        "plan": {block: list(plan[block]) for block in BLOCKS} if plan else None,
    }
    ordered: dict[str, Any] = {}
    for key, value in photo.items():
        if key == "landmarks_px":
            ordered.update(person_level)
        ordered[key] = value
    ordered.update({key: value for key, value in person_level.items() if key not in ordered})
    return ordered


def one_person_json(assessment: Assessment, jump: JumpResult | None = None) -> dict[str, Any]:
    """``--one-person --json`` (docs/design.md): the per-photo objects of :func:`contract_json` and one
    ``combined`` object for the person, whose measurements combine every view that shows them; with
    ``jump`` (the clip the assessment includes, ``--jump``) also ``jump``: see :func:`clip_json`."""
    summary = assessment.to_dict()
    plan = summary["plan"]
    person: dict[str, Any] = {
        "photos": contract_json(assessment),
        "combined": {
            "measurements": {key: person.to_dict() for key, person in assessment.measurements.items()},
            "profile_differences": summary["profile_differences"],
            "findings": findings_json(assessment),
            "stage": summary["stage"],
            "plan": {block: list(plan[block]) for block in BLOCKS} if plan else None,
            "warnings": person_warnings(assessment),
        },
    }
    if jump is not None:
        person["jump"] = clip_json(assessment, jump)
    return person


def clip_json(assessment: Assessment, jump: JumpResult) -> dict[str, Any]:
    """The clip's object of docs/jump-rope.md, its ``findings`` those of ``assessment`` (the clip with the
    photos and answers it was assessed with); a refused clip's object as it is."""
    return jump.to_dict() | ({"findings": findings_json(assessment)} if jump.ok else {})


def person_warnings(assessment: Assessment) -> list[dict[str, str]]:
    """What weakens the person-level result: the person-level warnings (``different_people``), each
    photo's warnings (with the photo named), each photo that could not be measured (code
    ``photo_not_measured``) and what the assessment could not check (code ``not_checked``)."""
    warnings: list[dict[str, str]] = [{"code": w.code, "message": w.message} for w in assessment.warnings]
    for photo in assessment.photos:
        if isinstance(photo, MeasuredPhoto):
            warnings += [{"code": w.code, "image": photo.image, "message": w.message} for w in photo.warnings]
        else:
            warnings.append(
                {
                    "code": "photo_not_measured",
                    "image": photo.image,
                    "message": f"not measured ({photo.error.code}): {photo.error.message}",
                }
            )
    warnings += [{"code": "not_checked", "message": note} for note in assessment.notes]
    return warnings


def finite_json(value: Any) -> Any:
    """``value`` (JSON-like) with every NaN or infinity (a series point the clip did not show) as None:
    strict JSON has no such numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: finite_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_json(item) for item in value]
    return value
