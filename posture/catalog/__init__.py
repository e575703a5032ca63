"""The imbalance catalog: the five imbalances, their posture signs, exercises, stages and questionnaire.

All of it lives as data in ``catalog.toml`` in this package. :func:`load_catalog` reads it once,
checks it against the schema written out in :mod:`posture.catalog.load` (the questionnaire part in
:mod:`posture.catalog.load_questions`; no third-party schema library) and returns the frozen
dataclasses of :mod:`posture.catalog.model`. A broken catalog raises
:class:`CatalogError` whose message names the entry at fault, e.g.
``imbalances[2] (hip_flexors_over_glutes).signs[0]: unknown measure 'foo'``.
"""

from __future__ import annotations

from posture.catalog.load import DEFAULT_CATALOG_PATH, load_catalog, parse_catalog
from posture.catalog.measure_keys import (
    FACING_VIEWS,
    JUMP_PREFIX,
    KNEE_VALGUS_DIFFERENCE,
    PROFILE_DIFFERENCE_PREFIX,
    PROFILE_VIEWS,
    SIDE_MEASURES,
    SignInput,
    measure_input,
    measure_unit,
    measure_views,
    needs_both_profiles,
)
from posture.catalog.model import (
    BLOCKS,
    SLOTS,
    Catalog,
    Exercise,
    Imbalance,
    JumpRope,
    Question,
    RopePhase,
    Sign,
    Stage,
    WatchPoint,
)
from posture.catalog.table import CatalogError

__all__ = [
    "BLOCKS",
    "DEFAULT_CATALOG_PATH",
    "FACING_VIEWS",
    "JUMP_PREFIX",
    "KNEE_VALGUS_DIFFERENCE",
    "PROFILE_DIFFERENCE_PREFIX",
    "PROFILE_VIEWS",
    "SIDE_MEASURES",
    "SLOTS",
    "Catalog",
    "CatalogError",
    "Exercise",
    "Imbalance",
    "JumpRope",
    "Question",
    "RopePhase",
    "Sign",
    "SignInput",
    "Stage",
    "WatchPoint",
    "load_catalog",
    "measure_input",
    "measure_unit",
    "measure_views",
    "needs_both_profiles",
    "parse_catalog",
]
