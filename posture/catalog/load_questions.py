"""Reading the catalog's questionnaire: the progression stages and the questions with their options,
number bands and the imbalance weights their answers carry (all ids checked against the catalog)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from posture.catalog.model import QUESTION_CATEGORIES, QUESTION_KINDS, Band, Option, Question, Stage
from posture.catalog.table import CatalogError, Table, check_unique_ids, is_type


def _weights(table: Table, key: str, imbalance_ids: set[str], *, required: bool = True) -> Mapping[str, float]:
    """An imbalance id -> weight (0..1) table whose ids must exist in the catalog; empty when optional and absent."""
    raw: dict[str, object] | None = table.typed(key, dict) if required else table.optional(key, dict)
    if raw is None:
        return MappingProxyType({})
    weights = {}
    for imbalance_id, weight in raw.items():
        where = f"{key}.{imbalance_id}"
        if imbalance_id not in imbalance_ids:
            raise table.error(f"unknown imbalance '{imbalance_id}'", where)
        if not is_type(weight, float) or not 0 <= weight <= 1:
            raise table.error(f"weight must be a number from 0 to 1, got {weight!r}", where)
        weights[imbalance_id] = float(weight)
    return MappingProxyType(weights)


def parse_stages(tables: list[Table]) -> tuple[Stage, ...]:
    stages = []
    for table in tables:
        stages.append(
            Stage(
                id=table.text("id"),
                number=table.integer("number"),
                name=table.text("name"),
                description=table.text("description"),
                advice=table.text("advice"),
            )
        )
        table.finish()
    check_unique_ids(stages, "stages")
    numbers = [stage.number for stage in stages]
    if numbers != list(range(1, len(stages) + 1)):
        raise CatalogError(f"stages: numbers must run 1, 2, 3 ... in order, got {numbers}")
    return tuple(stages)


def parse_question(table: Table, imbalance_ids: set[str], stage_ids: set[str]) -> Question:
    category = table.one_of("category", QUESTION_CATEGORIES)
    kind = table.one_of("kind", QUESTION_KINDS)
    fields: dict[str, Any] = {
        "id": table.text("id"),
        "category": category,
        "kind": kind,
        "text": table.text("text"),
    }
    if kind == "choice":
        fields["options"] = _parse_options(table, imbalance_ids)
    elif kind == "number":
        fields.update(_parse_number_fields(table, imbalance_ids))
    else:
        fields["options"] = (
            Option("yes", "Yes", _weights(table, "if_yes", imbalance_ids, required=False)),
            Option("no", "No", _weights(table, "if_no", imbalance_ids, required=False)),
        )
    fields.update(_parse_category_fields(table, fields, stage_ids))
    table.finish()
    return Question(**fields)


def _parse_options(table: Table, imbalance_ids: set[str]) -> tuple[Option, ...]:
    options = []
    for option_table in table.tables("options"):
        options.append(
            Option(
                value=option_table.text("value"),
                label=option_table.text("label"),
                weights=_weights(option_table, "weights", imbalance_ids, required=False),
            )
        )
        option_table.finish()
    if len(options) < 2:
        raise table.error("a choice question needs at least two options", "options")
    values = [option.value for option in options]
    if len(set(values)) != len(values):
        raise table.error("option values must be unique", "options")
    return tuple(options)


def _parse_number_fields(table: Table, imbalance_ids: set[str]) -> dict[str, Any]:
    minimum, maximum = table.number("min"), table.number("max")
    if not minimum < maximum:
        raise table.error("must be above 'min'", "max")
    bands = []
    for band_table in table.tables("bands", required=False):
        bands.append(Band(band_table.number("at_least"), _weights(band_table, "weights", imbalance_ids)))
        band_table.finish()
    # Highest band first: the first band an answer reaches is the one that applies.
    bands.sort(key=lambda band: band.at_least, reverse=True)
    return {"minimum": minimum, "maximum": maximum, "unit": table.text("unit", ""), "bands": tuple(bands)}


def _parse_category_fields(table: Table, fields: Mapping[str, Any], stage_ids: set[str]) -> dict[str, Any]:
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
