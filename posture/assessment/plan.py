"""The corrective plan: the exercises of the likely, then possible, findings in one capped session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from posture.assessment.scoring import Finding
from posture.catalog import SLOTS, Catalog, Exercise, JumpRope, RopePhase, WatchPoint
from posture.vocabulary import Block, Likelihood
from posture.wording_jump import weaker_side_first


@dataclass(frozen=True)
class PlanItem:
    """One exercise of the plan and the findings (imbalance ids) it serves.

    Only the jump-rope item carries ``phases`` (the progression) and ``watch`` (what to look for).
    ``first_side`` (left/right) is set on a one-sided item when a jump-rope clip named a weaker side
    (by ``first_side_measures``): its sets start with that side.
    """

    id: str
    name: str
    block: Block
    slot: str
    how_to: str
    dose: str
    per_week: int
    minutes: int
    serves: tuple[str, ...]
    phases: tuple[RopePhase, ...] = ()
    watch: tuple[WatchPoint, ...] = ()
    first_side: str | None = None
    first_side_measures: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "name": self.name,
            "block": str(self.block),
            "slot": self.slot,
            "how_to": self.how_to,
            "dose": self.dose,
            "per_week": self.per_week,
            "minutes": self.minutes,
            "serves": list(self.serves),
        }
        if self.phases:
            data["phases"] = [{"name": p.name, "rope": p.rope, "dose": p.dose, "goal": p.goal} for p in self.phases]
        if self.watch:
            data["watch"] = [
                {"what": w.what, "suggests": w.suggests, "imbalances": list(w.imbalances)} for w in self.watch
            ]
        if self.first_side is not None:
            data["first_side"] = self.first_side
            data["first_side_note"] = weaker_side_first(self.first_side, self.first_side_measures)
        return data


@dataclass(frozen=True)
class PlanBlock:
    """The items of one block (strengthen, mobility or cross_train), most important first."""

    block: Block
    items: tuple[PlanItem, ...]


@dataclass(frozen=True)
class Plan:
    """The corrective session: blocks in order strengthen, mobility, cross-training, within the cap.

    ``deferred`` lists exercises that served a finding but did not fit the session cap.
    """

    blocks: tuple[PlanBlock, ...]
    deferred: tuple[PlanItem, ...]
    total_minutes: int
    rationale: str
    note: str = ""

    @property
    def items(self) -> tuple[PlanItem, ...]:
        """All items, block by block."""
        return tuple(item for block in self.blocks for item in block.items)

    def block(self, name: Block) -> tuple[PlanItem, ...]:
        """The items of one block."""
        return next((block.items for block in self.blocks if block.block == name), ())

    def session_order(self) -> tuple[PlanItem, ...]:
        """The order to do them in one session: start (strength, fresh) -> main (rope) -> end (stretches)."""
        return tuple(sorted(self.items, key=lambda item: SLOTS.index(item.slot)))

    def to_dict(self) -> dict[str, Any]:
        """design.md's ``plan`` (names per block) plus the detailed session under ``session``."""
        data: dict[str, Any] = {str(block): [item.name for item in self.block(block)] for block in Block}
        data.update(
            {
                "session": [item.to_dict() for item in self.session_order()],
                "total_minutes": self.total_minutes,
                "deferred": [item.name for item in self.deferred],
                "rationale": self.rationale,
                "note": self.note,
            }
        )
        return data


def build_plan(findings: Sequence[Finding], catalog: Catalog) -> Plan:
    """Merge the exercises of the likely, then possible, findings into one capped session.

    Within each block, candidates are taken round by round (every finding's first exercise before
    anyone's second), likely findings before possible ones and shared exercises before single-use
    ones, until the block, the exercise count or the minutes are used up. The jump-rope progression
    is always in and reserved first.
    """
    selected = [f for f in findings if f.likelihood in (Likelihood.LIKELY, Likelihood.POSSIBLE)]
    selected.sort(key=lambda f: (f.likelihood != Likelihood.LIKELY, -f.score))
    rules = catalog.plan
    rope = _plan_item(catalog.jump_rope, tuple(f.imbalance for f in selected))
    chosen: dict[Block, list[PlanItem]] = {block: [] for block in Block}
    chosen[Block.CROSS_TRAIN].append(rope)
    minutes, count = rope.minutes, 1
    deferred: list[PlanItem] = []
    for block in Block:
        room = True
        for exercise, serves in _ranked_candidates(block, selected, catalog):
            item = _plan_item(exercise, serves)
            # Once one does not fit, the block is closed: a short, low-priority exercise must not
            # slip in ahead of a more important one that was a little too long.
            room = room and (
                len(chosen[block]) < rules.per_block[block]
                and count < rules.max_exercises
                and minutes + exercise.minutes <= rules.max_minutes
            )
            if room:
                chosen[block].append(item)
                minutes, count = minutes + exercise.minutes, count + 1
            else:
                deferred.append(item)
    if selected:
        note = ""
    elif all(f.likelihood == Likelihood.NOT_ASSESSED for f in findings):
        note = (
            # Photos, a clip or both: a side-view clip alone reads no sign either, so the words name neither.
            "No measured value could be read as a sign of an imbalance, so no imbalance was judged; the "
            "jump-rope progression stays in as a simple check for left-right differences."
        )
    else:
        note = (
            "No imbalance stood out; the jump-rope progression stays in as a simple check for left-right differences."
        )
    return Plan(
        blocks=tuple(PlanBlock(block, tuple(chosen[block])) for block in Block),
        deferred=tuple(deferred),
        total_minutes=minutes,
        rationale=rules.why,
        note=note,
    )


def _ranked_candidates(
    block: Block, selected: Sequence[Finding], catalog: Catalog
) -> list[tuple[Exercise, tuple[str, ...]]]:
    """The block's exercises of the selected findings, deduplicated, in the order they should be tried."""
    best: dict[str, tuple[int, int, int]] = {}
    serves: dict[str, list[str]] = {}
    exercises: dict[str, Exercise] = {}
    for rank, finding in enumerate(selected):
        tier = 0 if finding.likelihood == Likelihood.LIKELY else 1
        for index, exercise in enumerate(catalog.imbalance(finding.imbalance).exercises(block)):
            exercises[exercise.id] = exercise
            best[exercise.id] = min(best.get(exercise.id, (index, tier, rank)), (index, tier, rank))
            serves.setdefault(exercise.id, []).append(finding.imbalance)

    def priority(exercise_id: str) -> tuple[int, int, int, int]:
        index, tier, rank = best[exercise_id]
        return index, tier, -len(serves[exercise_id]), rank

    return [(exercises[i], tuple(serves[i])) for i in sorted(exercises, key=priority)]


def _plan_item(entry: Exercise | JumpRope, serves: tuple[str, ...]) -> PlanItem:
    """The plan's item for a catalog exercise, or for the jump-rope progression: always cross-training,
    and the one item with phases and watch points."""
    if isinstance(entry, JumpRope):
        block, phases, watch = Block.CROSS_TRAIN, entry.phases, entry.watch
    else:
        block, phases, watch = entry.block, (), ()
    return PlanItem(
        id=entry.id,
        name=entry.name,
        block=block,
        slot=entry.slot,
        how_to=entry.how_to,
        dose=entry.dose,
        per_week=entry.per_week,
        minutes=entry.minutes,
        serves=serves,
        phases=phases,
        watch=watch,
    )
