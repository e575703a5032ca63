"""What a save stores for one jump-rope session, built in one place for the app and ``posture jump --save``.

The record is the clip's JSON contract (``JumpAnalysis.to_dict()``: view, video, every measurement with
value, unit, 95 % band and status, the per-jump series, findings and warnings) plus the ``person`` details,
so a saved session reads like the JSON download. No images: a clip's frames are not kept.

Kept out of ``posture.history``'s package exports: it reads the jump engine's types.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from posture.history.record import Person
from posture.history.schema import KIND_JUMP
from posture.history.store import HistoryStore
from posture.jump.engine import JumpAnalysis
from posture.report.contract import finite_json


def jump_record_of(analysis: JumpAnalysis, *, person: Person | None = None, note: str = "") -> dict[str, Any]:
    """The JSON record a save stores for ``analysis`` (cheap: a dict, no drawing)."""
    person = person or Person(height_cm=analysis.height_cm)
    record: dict[str, Any] = finite_json(analysis.to_dict())
    record["person"] = {"height_cm": person.height_cm, "sex": person.sex, "age": person.age, "note": note}
    return record


def save_jump_session(
    store: HistoryStore,
    analysis: JumpAnalysis,
    *,
    label: str = "",
    person: Person | None = None,
    note: str = "",
    taken_at: datetime | None = None,
) -> int:
    """Save ``analysis`` as a jump-rope session in ``store`` and return its id (HistoryError if the file fails).

    ``taken_at`` defaults to now (a clip filmed earlier can be given its own date).
    """
    record = jump_record_of(analysis, person=person, note=note)
    return store.save(record, label=label, taken_at=taken_at, kind=KIND_JUMP)
