"""The catalog as frozen dataclasses: imbalances and their signs, exercises, stages, questions, rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

from posture.vocabulary import Block, Likelihood, View

DIRECTIONS = ("above", "below", "abs_above")
# The plan's blocks in the order a plan lists them; kept under this name for the modules that loop over it.
BLOCKS: tuple[Block, ...] = tuple(Block)
SLOTS = ("start", "main", "end")
QUESTION_KINDS = ("choice", "number", "yesno")
QUESTION_CATEGORIES = ("habit", "symptom", "red_flag")


@dataclass(frozen=True)
class Sign:
    """A posture measure commonly associated with an imbalance, with when and how strongly it counts."""

    measure: str
    direction: str
    threshold: float
    strong_threshold: float
    weight: float
    views: tuple[View, ...]
    label: str
    group: str
    source: str
    why: str

    def strength(self, value: float, partial_strength: float) -> float:
        """0 up to the threshold, ``partial_strength`` past it, 1 at or past the strong threshold.

        A step rather than a ramp: between the two thresholds a sign only ever counts as "possible"
        evidence, so one sign alone cannot make a finding likely before it clearly passes the strong one.
        """
        if self.direction == "below":  # flip so that "further out" is always "larger"
            value, threshold, strong = -value, -self.threshold, -self.strong_threshold
        else:
            value = abs(value) if self.direction == "abs_above" else value
            threshold, strong = self.threshold, self.strong_threshold
        if value >= strong:
            return 1.0
        return partial_strength if value > threshold else 0.0


@dataclass(frozen=True)
class Exercise:
    """One corrective exercise; ``block`` is strengthen/mobility/cross_train, ``slot`` start/main/end."""

    id: str
    name: str
    block: Block
    how_to: str
    dose: str
    per_week: int
    slot: str
    minutes: int


@dataclass(frozen=True)
class Muscles:
    """Muscles commonly described as tight (overactive) and weak (underactive) in the pattern."""

    tight: tuple[str, ...]
    weak: tuple[str, ...]


@dataclass(frozen=True)
class EvidenceNote:
    """How strong the evidence for the pattern is, in plain words, with its sources."""

    note: str
    source: str


@dataclass(frozen=True)
class Imbalance:
    """One of the five imbalances: its photo signs, muscles, exercises by block and evidence note."""

    id: str
    name: str
    summary: str
    signs: tuple[Sign, ...]
    muscles: Muscles
    strengthen: tuple[Exercise, ...]
    mobility: tuple[Exercise, ...]
    cross_train: tuple[Exercise, ...]
    evidence: EvidenceNote

    def exercises(self, block: Block) -> tuple[Exercise, ...]:
        """The exercises of one block (strengthen, mobility or cross_train), most important first."""
        by_block = {
            Block.STRENGTHEN: self.strengthen,
            Block.MOBILITY: self.mobility,
            Block.CROSS_TRAIN: self.cross_train,
        }
        return by_block[block]


@dataclass(frozen=True)
class Stage:
    """One of the four progression stages, numbered 1-4."""

    id: str
    number: int
    name: str
    description: str
    advice: str


@dataclass(frozen=True)
class Option:
    """A possible answer to a question and how it weighs each imbalance (imbalance id -> 0..1)."""

    value: str
    label: str
    weights: Mapping[str, float]


@dataclass(frozen=True)
class Band:
    """For number questions: answers of at least ``at_least`` carry these weights."""

    at_least: float
    weights: Mapping[str, float]


@dataclass(frozen=True)
class Question:
    """A questionnaire item. yesno questions carry the options "yes" and "no"; number ones carry bands.

    ``stage`` (symptom questions) is the stage a "yes" points to; ``flag`` (red-flag questions) is the
    message shown when the answer is "yes".
    """

    id: str
    category: str
    kind: str
    text: str
    options: tuple[Option, ...] = ()
    bands: tuple[Band, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    stage: str | None = None
    flag: str | None = None

    def option(self, value: str) -> Option | None:
        """The option with this value, or None."""
        return next((option for option in self.options if option.value == value), None)


@dataclass(frozen=True)
class RopePhase:
    """One step of the jump-rope progression."""

    name: str
    rope: str
    dose: str
    goal: str


@dataclass(frozen=True)
class WatchPoint:
    """Something to watch for while skipping, and the imbalances it is commonly associated with."""

    what: str
    suggests: str
    imbalances: tuple[str, ...]


@dataclass(frozen=True)
class JumpRope:
    """The jump-rope progression (light rope for rhythm, then heavy beaded rope) and what to watch."""

    id: str
    name: str
    how_to: str
    dose: str
    per_week: int
    slot: str
    minutes: int
    phases: tuple[RopePhase, ...]
    watch: tuple[WatchPoint, ...]


@dataclass(frozen=True)
class PlanRules:
    """The session cap: total exercises, total minutes and exercises per block."""

    max_exercises: int
    max_minutes: int
    per_block: Mapping[Block, int]
    why: str


@dataclass(frozen=True)
class LikelihoodCutoffs:
    """Score cut-offs (0-100) for "possible" and "likely"; below ``possible`` is "unlikely"."""

    possible: float
    likely: float
    why: str

    def label(self, score: float) -> Likelihood:
        """The likelihood word for a score."""
        if score >= self.likely:
            return Likelihood.LIKELY
        if score >= self.possible:
            return Likelihood.POSSIBLE
        return Likelihood.UNLIKELY


@dataclass(frozen=True)
class ScoringRules:
    """How signs and habits turn into scores; ``photo_lookalikes`` are groups photos cannot tell apart."""

    partial_strength: float
    habit_max: float
    photo_lookalikes: tuple[tuple[str, ...], ...]
    why: str


@dataclass(frozen=True)
class Catalog:
    """The whole catalog, validated."""

    version: int
    disclaimer: str
    red_flag_advice: str
    scoring: ScoringRules
    likelihood: LikelihoodCutoffs
    plan: PlanRules
    imbalances: tuple[Imbalance, ...]
    exercises: tuple[Exercise, ...]
    jump_rope: JumpRope
    stages: tuple[Stage, ...]
    questions: tuple[Question, ...]

    @property
    def imbalance_ids(self) -> tuple[str, ...]:
        return tuple(imbalance.id for imbalance in self.imbalances)

    @property
    def imbalance_names(self) -> dict[str, str]:
        """Each imbalance's name by its id."""
        return {imbalance.id: imbalance.name for imbalance in self.imbalances}

    def imbalance(self, imbalance_id: str) -> Imbalance:
        """The imbalance with this id (KeyError if none)."""
        return _by_id(self.imbalances, imbalance_id, "imbalance")

    def question(self, question_id: str) -> Question:
        """The question with this id (KeyError if none)."""
        return _by_id(self.questions, question_id, "question")

    def stage(self, stage_id: str) -> Stage:
        """The stage with this id (KeyError if none)."""
        return _by_id(self.stages, stage_id, "stage")

    def questions_in(self, category: str) -> tuple[Question, ...]:
        """The questions of one category (habit, symptom or red_flag), in catalog order."""
        return tuple(question for question in self.questions if question.category == category)

    def lookalikes_of(self, imbalance_id: str) -> tuple[str, ...]:
        """The other imbalances whose photo signs are the same as this one's."""
        for group in self.scoring.photo_lookalikes:
            if imbalance_id in group:
                return tuple(other for other in group if other != imbalance_id)
        return ()


class HasId(Protocol):
    """Any catalog entry with an id (imbalance, exercise, stage, question)."""

    @property
    def id(self) -> str: ...


Identified = TypeVar("Identified", bound=HasId)


def _by_id(items: Iterable[Identified], item_id: str, kind: str) -> Identified:
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(f"unknown {kind} {item_id!r}")
