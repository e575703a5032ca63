"""Reading the catalog file: TOML parsing, schema checks and cross-references, :func:`load_catalog`."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from posture.catalog.load_questions import parse_question, parse_stages
from posture.catalog.measure_keys import PROFILE_VIEWS, SignInput, measure_input, measure_views, needs_both_profiles
from posture.catalog.model import (
    DIRECTIONS,
    SLOTS,
    Catalog,
    EvidenceNote,
    Exercise,
    Imbalance,
    JumpRope,
    LikelihoodCutoffs,
    Muscles,
    PlanRules,
    RopePhase,
    ScoringRules,
    Sign,
    WatchPoint,
)
from posture.catalog.table import CatalogError, Table, check_unique_ids
from posture.vocabulary import Block, View

DEFAULT_CATALOG_PATH = Path(__file__).with_name("catalog.toml")
_VIEW_NAMES = frozenset(View)


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
    root = Table(data, "")
    exercises = tuple(_parse_exercise(table) for table in root.tables("exercises"))
    check_unique_ids(exercises, "exercises")
    exercises_by_id = {exercise.id: exercise for exercise in exercises}
    imbalances = tuple(_parse_imbalance(table, exercises_by_id) for table in root.tables("imbalances"))
    check_unique_ids(imbalances, "imbalances")
    imbalance_ids = {imbalance.id for imbalance in imbalances}
    stages = parse_stages(root.tables("stages"))
    stage_ids = {stage.id for stage in stages}
    questions = tuple(parse_question(table, imbalance_ids, stage_ids) for table in root.tables("questions"))
    check_unique_ids(questions, "questions")
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


def _parse_exercise(table: Table) -> Exercise:
    exercise = Exercise(
        id=table.text("id"),
        name=table.text("name"),
        block=table.one_of("block", tuple(Block)),
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


def _parse_sign(table: Table) -> Sign:
    measure = table.text("measure")
    possible_views = measure_views(measure)
    if possible_views is None and measure_input(measure) == SignInput.JUMP:
        raise table.error(f"jump-rope measure '{measure}' must end in its unit: _cm, _deg, _ms or _pct", "measure")
    if possible_views is None:
        raise table.error(f"unknown measure '{measure}'")
    direction = table.one_of("direction", DIRECTIONS)
    threshold, strong_threshold = table.number("threshold"), table.number("strong_threshold")
    weight = table.number("weight")
    views = table.strings("views")
    sign = Sign(
        measure=measure,
        direction=direction,
        threshold=threshold,
        strong_threshold=strong_threshold,
        weight=weight,
        # Only the known names here; _check_sign rejects the sign if there were others.
        views=tuple(View(view) for view in views if view in _VIEW_NAMES),
        label=table.text("label"),
        group=table.text("group", measure),
        source=table.text("source"),
        why=table.text("why"),
    )
    _check_sign(table, sign, views, possible_views)
    table.finish()
    return sign


def _check_sign(table: Table, sign: Sign, views: tuple[str, ...], possible_views: tuple[View, ...]) -> None:
    """Thresholds in the right order, weight in range, views the measure can actually come from."""
    if not 0 < sign.weight <= 1:
        raise table.error(f"must be above 0 and at most 1, got {sign.weight}", "weight")
    if sign.direction == "below" and not sign.strong_threshold < sign.threshold:
        raise table.error("must be below 'threshold' for direction 'below'", "strong_threshold")
    if sign.direction != "below" and not sign.strong_threshold > sign.threshold:
        raise table.error(f"must be above 'threshold' for direction '{sign.direction}'", "strong_threshold")
    if sign.direction == "abs_above" and sign.threshold < 0:
        raise table.error("must not be negative for direction 'abs_above'", "threshold")
    if not views or set(views) - set(possible_views):
        raise table.error(f"'{sign.measure}' can only be read in views {[str(v) for v in possible_views]}", "views")
    if needs_both_profiles(sign.measure) and set(sign.views) != set(PROFILE_VIEWS):
        raise table.error("a profile difference needs both views ['left', 'right']", "views")


def _parse_imbalance(table: Table, exercises_by_id: Mapping[str, Exercise]) -> Imbalance:
    signs = tuple(_parse_sign(sign) for sign in table.tables("signs"))
    if not signs:
        raise table.error("needs at least one sign", "signs")
    muscles_table = table.table("muscles")
    muscles = Muscles(tight=muscles_table.strings("tight"), weak=muscles_table.strings("weak"))
    muscles_table.finish()
    exercises_table = table.table("exercises")
    refs = {block: _exercise_refs(exercises_table, block, exercises_by_id) for block in Block}
    exercises_table.finish()
    evidence_table = table.table("evidence")
    evidence = EvidenceNote(note=evidence_table.text("note"), source=evidence_table.text("source"))
    evidence_table.finish()
    imbalance = Imbalance(
        id=table.text("id"),
        name=table.text("name"),
        summary=table.text("summary"),
        signs=signs,
        muscles=muscles,
        evidence=evidence,
        strengthen=refs[Block.STRENGTHEN],
        mobility=refs[Block.MOBILITY],
        cross_train=refs[Block.CROSS_TRAIN],
    )
    table.finish()
    return imbalance


def _exercise_refs(table: Table, block: Block, exercises_by_id: Mapping[str, Exercise]) -> tuple[Exercise, ...]:
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


def _parse_jump_rope(table: Table, imbalance_ids: set[str]) -> JumpRope:
    phases = []
    for phase_table in table.tables("phases"):
        phases.append(
            RopePhase(
                name=phase_table.text("name"),
                rope=phase_table.text("rope"),
                dose=phase_table.text("dose"),
                goal=phase_table.text("goal"),
            )
        )
        phase_table.finish()
    watch = []
    for watch_table in table.tables("watch"):
        refs = watch_table.strings("imbalances")
        for index, imbalance_id in enumerate(refs):
            if imbalance_id not in imbalance_ids:
                raise watch_table.error(f"unknown imbalance '{imbalance_id}'", f"imbalances[{index}]")
        watch.append(
            WatchPoint(
                what=watch_table.text("what"),
                suggests=watch_table.text("suggests"),
                imbalances=refs,
            )
        )
        watch_table.finish()
    rope = JumpRope(
        id=table.text("id"),
        name=table.text("name"),
        how_to=table.text("how_to"),
        dose=table.text("dose"),
        per_week=table.integer("per_week"),
        slot=table.one_of("slot", SLOTS),
        minutes=table.integer("minutes"),
        phases=tuple(phases),
        watch=tuple(watch),
    )
    if not phases or not watch:
        raise table.error("needs at least one phase and one watch point")
    table.finish()
    return rope


def _parse_plan_rules(table: Table) -> PlanRules:
    per_block_table = table.table("per_block")
    per_block = {block: per_block_table.integer(block) for block in Block}
    per_block_table.finish()
    rules = PlanRules(
        max_exercises=table.integer("max_exercises"),
        max_minutes=table.integer("max_minutes"),
        per_block=MappingProxyType(per_block),
        why=table.text("why"),
    )
    if per_block[Block.CROSS_TRAIN] < 1:
        raise per_block_table.error(
            "must be at least 1: the jump-rope progression is always in the plan", "cross_train"
        )
    if rules.max_exercises < 1 or rules.max_minutes < 1:
        raise table.error("max_exercises and max_minutes must be positive")
    table.finish()
    return rules


def _parse_likelihood(table: Table) -> LikelihoodCutoffs:
    cutoffs = LikelihoodCutoffs(possible=table.number("possible"), likely=table.number("likely"), why=table.text("why"))
    if not 0 < cutoffs.possible < cutoffs.likely <= 100:
        raise table.error("need 0 < possible < likely <= 100")
    table.finish()
    return cutoffs


def _parse_scoring(table: Table, imbalance_ids: set[str]) -> ScoringRules:
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
        partial_strength=table.number("partial_strength"),
        habit_max=table.number("habit_max"),
        photo_lookalikes=tuple(lookalikes),
        why=table.text("why"),
    )
    if not 0 < rules.partial_strength < 1:
        raise table.error("must be above 0 and below 1", "partial_strength")
    if not 0 <= rules.habit_max < 1:
        raise table.error("must be from 0 to below 1", "habit_max")
    table.finish()
    return rules
