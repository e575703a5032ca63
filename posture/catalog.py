"""The imbalance catalog: the five imbalances, their posture signs, exercises, stages and questionnaire.

All of it lives as data in ``catalog.toml`` next to this module. :func:`load_catalog` reads it once,
checks it against the schema written out below (no third-party schema library) and returns frozen
dataclasses. A broken catalog raises :class:`CatalogError` whose message names the entry at fault,
e.g. ``imbalances[2] (hip_flexors_over_glutes).signs[0]: unknown measure 'foo'``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from posture.measures import FRONTAL_VIEWS, SIDE_VIEWS, SPECS

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, published as tomli
    import tomli as tomllib

DEFAULT_CATALOG_PATH = Path(__file__).with_name("catalog.toml")

# The measurement keys, by the views that can produce them: the engine's specs, plus keys the design
# promises that the engine may not produce yet (a sign on them simply stays unread until it does).
SIDE_MEASURES = tuple(key for key, spec in SPECS.items() if set(spec.views) <= set(SIDE_VIEWS))
FRONTAL_MEASURES = tuple(key for key, spec in SPECS.items() if set(spec.views) <= set(FRONTAL_VIEWS))
# Derived in the assessment step, not by the engine: left minus right knee valgus (front/back) and
# left-profile minus right-profile values of any side measure (needs both profiles).
KNEE_VALGUS_DIFFERENCE = "knee_valgus_difference_deg"
PROFILE_DIFFERENCE_PREFIX = "profile_difference."

DIRECTIONS = ("above", "below", "abs_above")
BLOCKS = ("strengthen", "mobility", "cross_train")
SLOTS = ("start", "main", "end")
QUESTION_KINDS = ("choice", "number", "yesno")
QUESTION_CATEGORIES = ("habit", "symptom", "red_flag")


class CatalogError(ValueError):
    """The catalog file is missing, not TOML, or does not match the schema; the message names the entry."""


def measure_views(measure: str) -> tuple[str, ...] | None:
    """The views that can produce ``measure`` (a profile difference needs all of them); None if unknown."""
    if measure in SIDE_MEASURES:
        return SIDE_VIEWS
    if measure in FRONTAL_MEASURES or measure == KNEE_VALGUS_DIFFERENCE:
        return FRONTAL_VIEWS
    if measure.startswith(PROFILE_DIFFERENCE_PREFIX):
        base = measure[len(PROFILE_DIFFERENCE_PREFIX):]
        return SIDE_VIEWS if base in SIDE_MEASURES else None
    return None


def needs_both_profiles(measure: str) -> bool:
    """True for left-minus-right profile differences, which need a left and a right photo."""
    return measure.startswith(PROFILE_DIFFERENCE_PREFIX)


def measure_unit(measure: str) -> str:
    """The unit of a measure key, taken from its suffix (``_deg`` or ``_cm``)."""
    return "cm" if measure.endswith("_cm") else "deg"


# --------------------------------------------------------------------------------------------------
# The catalog as frozen dataclasses
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sign:
    """A posture measure commonly associated with an imbalance, with when and how strongly it counts."""

    measure: str
    direction: str
    threshold: float
    strong_threshold: float
    weight: float
    views: tuple[str, ...]
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
    block: str
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

    def exercises(self, block: str) -> tuple[Exercise, ...]:
        """The exercises of one block (strengthen, mobility or cross_train), most important first."""
        return getattr(self, block)


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
    per_block: Mapping[str, int]
    why: str


@dataclass(frozen=True)
class LikelihoodCutoffs:
    """Score cut-offs (0-100) for "possible" and "likely"; below ``possible`` is "unlikely"."""

    possible: float
    likely: float
    why: str

    def label(self, score: float) -> str:
        """The likelihood word for a score."""
        if score >= self.likely:
            return "likely"
        if score >= self.possible:
            return "possible"
        return "unlikely"


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


def _by_id(items, item_id: str, kind: str):
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(f"unknown {kind} {item_id!r}")


# --------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read and validate the catalog; the default file is read once per process and cached."""
    if path is None:
        return _load_default()
    return _load(Path(path))


@functools.lru_cache(maxsize=1)
def _load_default() -> Catalog:
    return _load(DEFAULT_CATALOG_PATH)


def _load(path: Path) -> Catalog:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read the catalog: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: not valid TOML: {exc}") from exc
    return parse_catalog(data)


def parse_catalog(data: Mapping[str, Any]) -> Catalog:
    """Validate an already-parsed TOML document and build the :class:`Catalog`."""
    root = _Table(data, "")
    exercises = tuple(_parse_exercise(table) for table in root.tables("exercises"))
    _check_unique(exercises, "exercises")
    exercises_by_id = {exercise.id: exercise for exercise in exercises}
    imbalances = tuple(_parse_imbalance(table, exercises_by_id) for table in root.tables("imbalances"))
    _check_unique(imbalances, "imbalances")
    imbalance_ids = {imbalance.id for imbalance in imbalances}
    stages = _parse_stages(root.tables("stages"))
    stage_ids = {stage.id for stage in stages}
    questions = tuple(_parse_question(table, imbalance_ids, stage_ids) for table in root.tables("questions"))
    _check_unique(questions, "questions")
    catalog = Catalog(
        version=root.integer("version"),
        disclaimer=root.text("disclaimer"),
        red_flag_advice=root.text("red_flag_advice"),
        scoring=_parse_scoring(root.table("scoring"), imbalance_ids),
        likelihood=_parse_likelihood(root.table("likelihood")),
        plan=_parse_plan_rules(root.table("plan")),
        imbalances=imbalances,
        exercises=exercises,
        jump_rope=_parse_jump_rope(root.table("jump_rope"), imbalance_ids),
        stages=stages,
        questions=questions,
    )
    root.finish()
    return catalog


# --------------------------------------------------------------------------------------------------
# The validator: a table reader that knows where it is, so every error names its entry
# --------------------------------------------------------------------------------------------------

_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", list: "a list", dict: "a table"}


class _Table:
    """One TOML table plus its path in the document; reads typed fields and rejects unknown ones."""

    def __init__(self, data: Any, path: str):
        if not isinstance(data, dict):
            raise CatalogError(f"{path or 'catalog'}: expected a table, got {type(data).__name__}")
        self.data = data
        self.path = path
        self.used: set[str] = set()

    def where(self, key: str | None = None) -> str:
        """The path of this table, or of one of its fields."""
        if key is None:
            return self.path or "catalog"
        return f"{self.path}.{key}" if self.path else key

    def error(self, message: str, key: str | None = None) -> CatalogError:
        return CatalogError(f"{self.where(key)}: {message}")

    def raw(self, key: str, default: Any = ...) -> Any:
        self.used.add(key)
        if key not in self.data:
            if default is ...:
                raise self.error(f"missing field '{key}'")
            return default
        return self.data[key]

    def typed(self, key: str, kind: type, default: Any = ...) -> Any:
        value = self.raw(key, default)
        if value is default and default is not ...:
            return value
        if not _is_type(value, kind):
            raise self.error(f"expected {_TYPE_NAMES[kind]}, got {type(value).__name__}", key)
        return value

    def text(self, key: str, default: Any = ...) -> str:
        value = self.typed(key, str, default)
        if isinstance(value, str) and not value.strip():
            raise self.error("must not be empty", key)
        return value

    def integer(self, key: str, default: Any = ...) -> int:
        return self.typed(key, int, default)

    def number(self, key: str, default: Any = ...) -> float:
        value = self.typed(key, float, default)
        return float(value) if value is not None else None

    def strings(self, key: str, default: Any = ...) -> tuple[str, ...]:
        values = self.typed(key, list, default)
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise self.error(f"expected a string, got {type(value).__name__}", f"{key}[{index}]")
        return tuple(values)

    def table(self, key: str) -> _Table:
        return _Table(self.typed(key, dict), self.where(key))

    def tables(self, key: str, default: Any = ...) -> list[_Table]:
        """An array of tables; each item's path carries its index and, when it has one, its id."""
        items = self.typed(key, list, default)
        tables = []
        for index, item in enumerate(items):
            label = f"{self.where(key)}[{index}]"
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                label += f" ({item['id']})"
            tables.append(_Table(item, label))
        return tables

    def one_of(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.text(key)
        if value not in allowed:
            raise self.error(f"{value!r} is not one of {', '.join(allowed)}", key)
        return value

    def finish(self) -> None:
        """Reject fields the schema does not know: a typo must not be silently ignored."""
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise self.error(f"unknown field '{unknown[0]}'")


def _is_type(value: Any, kind: type) -> bool:
    if isinstance(value, bool):  # TOML booleans are never numbers
        return False
    if kind is float:
        return isinstance(value, (int, float))
    return isinstance(value, kind)


def _check_unique(items, what: str) -> None:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.id in seen:
            first = f"{what}[{seen[item.id]}]"
            raise CatalogError(f"{what}[{index}] ({item.id}): duplicate id, already used by {first}")
        seen[item.id] = index


def _weights(table: _Table, key: str, imbalance_ids: set[str], default: Any = ...) -> Mapping[str, float]:
    """An imbalance id -> weight (0..1) table whose ids must exist in the catalog."""
    raw = table.typed(key, dict, default)
    if raw is None:
        return MappingProxyType({})
    weights = {}
    for imbalance_id, weight in raw.items():
        where = f"{key}.{imbalance_id}"
        if imbalance_id not in imbalance_ids:
            raise table.error(f"unknown imbalance '{imbalance_id}'", where)
        if not _is_type(weight, float) or not 0 <= weight <= 1:
            raise table.error(f"weight must be a number from 0 to 1, got {weight!r}", where)
        weights[imbalance_id] = float(weight)
    return MappingProxyType(weights)


def _parse_exercise(table: _Table) -> Exercise:
    exercise = Exercise(
        id=table.text("id"),
        name=table.text("name"),
        block=table.one_of("block", BLOCKS),
        how_to=table.text("how_to"),
        dose=table.text("dose"),
        per_week=table.integer("per_week"),
        slot=table.one_of("slot", SLOTS),
        minutes=table.integer("minutes"),
    )
    if not 1 <= exercise.per_week <= 7:
        raise table.error(f"must be 1 to 7, got {exercise.per_week}", "per_week")
    if exercise.minutes <= 0:
        raise table.error(f"must be positive, got {exercise.minutes}", "minutes")
    table.finish()
    return exercise


def _parse_sign(table: _Table) -> Sign:
    measure = table.text("measure")
    possible_views = measure_views(measure)
    if possible_views is None:
        raise table.error(f"unknown measure '{measure}'")
    sign = Sign(
        measure=measure,
        direction=table.one_of("direction", DIRECTIONS),
        threshold=table.number("threshold"),
        strong_threshold=table.number("strong_threshold"),
        weight=table.number("weight"),
        views=table.strings("views"),
        label=table.text("label"),
        group=table.text("group", measure),
        source=table.text("source"),
        why=table.text("why"),
    )
    _check_sign(table, sign, possible_views)
    table.finish()
    return sign


def _check_sign(table: _Table, sign: Sign, possible_views: tuple[str, ...]) -> None:
    """Thresholds in the right order, weight in range, views the measure can actually come from."""
    if not 0 < sign.weight <= 1:
        raise table.error(f"must be above 0 and at most 1, got {sign.weight}", "weight")
    if sign.direction == "below" and not sign.strong_threshold < sign.threshold:
        raise table.error("must be below 'threshold' for direction 'below'", "strong_threshold")
    if sign.direction != "below" and not sign.strong_threshold > sign.threshold:
        raise table.error(f"must be above 'threshold' for direction '{sign.direction}'", "strong_threshold")
    if sign.direction == "abs_above" and sign.threshold < 0:
        raise table.error("must not be negative for direction 'abs_above'", "threshold")
    if not sign.views or set(sign.views) - set(possible_views):
        raise table.error(f"'{sign.measure}' can only be read in views {list(possible_views)}", "views")
    if needs_both_profiles(sign.measure) and set(sign.views) != set(SIDE_VIEWS):
        raise table.error("a profile difference needs both views ['left', 'right']", "views")


def _parse_imbalance(table: _Table, exercises_by_id: Mapping[str, Exercise]) -> Imbalance:
    signs = tuple(_parse_sign(sign) for sign in table.tables("signs"))
    if not signs:
        raise table.error("needs at least one sign", "signs")
    muscles_table = table.table("muscles")
    muscles = Muscles(tight=muscles_table.strings("tight"), weak=muscles_table.strings("weak"))
    muscles_table.finish()
    exercises_table = table.table("exercises")
    blocks = {block: _exercise_refs(exercises_table, block, exercises_by_id) for block in BLOCKS}
    exercises_table.finish()
    evidence_table = table.table("evidence")
    evidence = EvidenceNote(note=evidence_table.text("note"), source=evidence_table.text("source"))
    evidence_table.finish()
    imbalance = Imbalance(
        id=table.text("id"), name=table.text("name"), summary=table.text("summary"), signs=signs,
        muscles=muscles, evidence=evidence, **blocks,
    )
    table.finish()
    return imbalance


def _exercise_refs(
    table: _Table, block: str, exercises_by_id: Mapping[str, Exercise]
) -> tuple[Exercise, ...]:
    """Resolve exercise ids listed under a block; each must exist and belong to that block."""
    resolved = []
    for index, exercise_id in enumerate(table.strings(block)):
        where = f"{block}[{index}]"
        exercise = exercises_by_id.get(exercise_id)
        if exercise is None:
            raise table.error(f"unknown exercise '{exercise_id}'", where)
        if exercise.block != block:
            raise table.error(f"exercise '{exercise_id}' is a {exercise.block} exercise", where)
        resolved.append(exercise)
    if len(set(resolved)) != len(resolved):
        raise table.error("lists an exercise twice", block)
    return tuple(resolved)


def _parse_stages(tables: list[_Table]) -> tuple[Stage, ...]:
    stages = []
    for table in tables:
        stages.append(Stage(
            id=table.text("id"), number=table.integer("number"), name=table.text("name"),
            description=table.text("description"), advice=table.text("advice"),
        ))
        table.finish()
    _check_unique(stages, "stages")
    numbers = [stage.number for stage in stages]
    if numbers != list(range(1, len(stages) + 1)):
        raise CatalogError(f"stages: numbers must run 1, 2, 3 ... in order, got {numbers}")
    return tuple(stages)


def _parse_question(table: _Table, imbalance_ids: set[str], stage_ids: set[str]) -> Question:
    category = table.one_of("category", QUESTION_CATEGORIES)
    kind = table.one_of("kind", QUESTION_KINDS)
    fields: dict[str, Any] = {
        "id": table.text("id"), "category": category, "kind": kind, "text": table.text("text"),
    }
    if kind == "choice":
        fields["options"] = _parse_options(table, imbalance_ids)
    elif kind == "number":
        fields.update(_parse_number_fields(table, imbalance_ids))
    else:
        fields["options"] = (
            Option("yes", "Yes", _weights(table, "if_yes", imbalance_ids, None)),
            Option("no", "No", _weights(table, "if_no", imbalance_ids, None)),
        )
    fields.update(_parse_category_fields(table, fields, stage_ids))
    table.finish()
    return Question(**fields)


def _parse_options(table: _Table, imbalance_ids: set[str]) -> tuple[Option, ...]:
    options = []
    for option_table in table.tables("options"):
        options.append(Option(
            value=option_table.text("value"),
            label=option_table.text("label"),
            weights=_weights(option_table, "weights", imbalance_ids, None),
        ))
        option_table.finish()
    if len(options) < 2:
        raise table.error("a choice question needs at least two options", "options")
    values = [option.value for option in options]
    if len(set(values)) != len(values):
        raise table.error("option values must be unique", "options")
    return tuple(options)


def _parse_number_fields(table: _Table, imbalance_ids: set[str]) -> dict[str, Any]:
    minimum, maximum = table.number("min"), table.number("max")
    if not minimum < maximum:
        raise table.error("must be above 'min'", "max")
    bands = []
    for band_table in table.tables("bands", []):
        bands.append(Band(band_table.number("at_least"), _weights(band_table, "weights", imbalance_ids)))
        band_table.finish()
    # Highest band first: the first band an answer reaches is the one that applies.
    bands.sort(key=lambda band: band.at_least, reverse=True)
    return {"minimum": minimum, "maximum": maximum, "unit": table.text("unit", ""), "bands": tuple(bands)}


def _parse_category_fields(table: _Table, fields: Mapping[str, Any], stage_ids: set[str]) -> dict[str, Any]:
    """Symptom questions point "yes" at a stage, red-flag ones carry a message; neither weighs imbalances."""
    category = fields["category"]
    if category == "habit":
        return {}
    if fields["kind"] != "yesno":
        raise table.error(f"a {category} question must be of kind 'yesno'", "kind")
    if any(option.weights for option in fields["options"]):
        raise table.error(f"a {category} question must not weigh imbalances")
    if category == "symptom":
        stage = table.text("stage")
        if stage not in stage_ids:
            raise table.error(f"unknown stage '{stage}'", "stage")
        return {"stage": stage}
    return {"flag": table.text("flag")}


def _parse_jump_rope(table: _Table, imbalance_ids: set[str]) -> JumpRope:
    phases = []
    for phase_table in table.tables("phases"):
        phases.append(RopePhase(
            name=phase_table.text("name"), rope=phase_table.text("rope"),
            dose=phase_table.text("dose"), goal=phase_table.text("goal"),
        ))
        phase_table.finish()
    watch = []
    for watch_table in table.tables("watch"):
        refs = watch_table.strings("imbalances")
        for index, imbalance_id in enumerate(refs):
            if imbalance_id not in imbalance_ids:
                raise watch_table.error(f"unknown imbalance '{imbalance_id}'", f"imbalances[{index}]")
        watch.append(WatchPoint(
            what=watch_table.text("what"), suggests=watch_table.text("suggests"), imbalances=refs,
        ))
        watch_table.finish()
    rope = JumpRope(
        id=table.text("id"), name=table.text("name"), how_to=table.text("how_to"),
        dose=table.text("dose"), per_week=table.integer("per_week"), slot=table.one_of("slot", SLOTS),
        minutes=table.integer("minutes"),
        phases=tuple(phases), watch=tuple(watch),
    )
    if not phases or not watch:
        raise table.error("needs at least one phase and one watch point")
    table.finish()
    return rope


def _parse_plan_rules(table: _Table) -> PlanRules:
    per_block_table = table.table("per_block")
    per_block = {block: per_block_table.integer(block) for block in BLOCKS}
    per_block_table.finish()
    rules = PlanRules(
        max_exercises=table.integer("max_exercises"), max_minutes=table.integer("max_minutes"),
        per_block=MappingProxyType(per_block), why=table.text("why"),
    )
    if per_block["cross_train"] < 1:
        raise per_block_table.error(
            "must be at least 1: the jump-rope progression is always in the plan", "cross_train"
        )
    if rules.max_exercises < 1 or rules.max_minutes < 1:
        raise table.error("max_exercises and max_minutes must be positive")
    table.finish()
    return rules


def _parse_likelihood(table: _Table) -> LikelihoodCutoffs:
    cutoffs = LikelihoodCutoffs(
        possible=table.number("possible"), likely=table.number("likely"), why=table.text("why")
    )
    if not 0 < cutoffs.possible < cutoffs.likely <= 100:
        raise table.error("need 0 < possible < likely <= 100")
    table.finish()
    return cutoffs


def _parse_scoring(table: _Table, imbalance_ids: set[str]) -> ScoringRules:
    groups = table.typed("photo_lookalikes", list)
    lookalikes = []
    for index, group in enumerate(groups):
        where = f"photo_lookalikes[{index}]"
        if not isinstance(group, list) or len(group) < 2:
            raise table.error("expected a list of at least two imbalance ids", where)
        for member in group:
            if member not in imbalance_ids:
                raise table.error(f"unknown imbalance '{member}'", where)
        lookalikes.append(tuple(group))
    rules = ScoringRules(
        partial_strength=table.number("partial_strength"), habit_max=table.number("habit_max"),
        photo_lookalikes=tuple(lookalikes), why=table.text("why"),
    )
    if not 0 < rules.partial_strength < 1:
        raise table.error("must be above 0 and below 1", "partial_strength")
    if not 0 <= rules.habit_max < 1:
        raise table.error("must be from 0 to below 1", "habit_max")
    table.finish()
    return rules
