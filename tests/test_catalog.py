"""The imbalance catalog: the shipped file is complete and sensible, and broken variants fail loudly."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from posture.catalog import (
    BLOCKS,
    DEFAULT_CATALOG_PATH,
    SLOTS,
    CatalogError,
    Sign,
    load_catalog,
    measure_views,
    parse_catalog,
)

pytestmark = pytest.mark.model_free

SEED_ARTICLE = Path("/work/shared/seed/muscle-imbalance-back-pain.txt")
IMBALANCE_IDS = (
    "upper_crossed",
    "quads_over_hamstrings",
    "hip_flexors_over_glutes",
    "erectors_over_core",
    "unilateral",
)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def sign_of(catalog, imbalance_id: str, measure: str) -> Sign:
    return next(s for s in catalog.imbalance(imbalance_id).signs if s.measure == measure)


# --- the shipped catalog -------------------------------------------------------------------------


def test_default_catalog_is_cached(catalog):
    assert load_catalog() is catalog


def test_five_imbalances_in_article_order(catalog):
    assert catalog.imbalance_ids == IMBALANCE_IDS


def test_every_imbalance_is_complete(catalog):
    for imbalance in catalog.imbalances:
        assert imbalance.signs
        assert imbalance.summary
        assert imbalance.evidence.note
        assert imbalance.evidence.source
        assert imbalance.muscles.tight
        assert imbalance.muscles.weak
        assert imbalance.strengthen, imbalance.id
        assert imbalance.mobility, imbalance.id
        for block in BLOCKS:
            assert all(exercise.block == block for exercise in imbalance.exercises(block))


def test_exercises_have_doses_and_slots(catalog):
    for exercise in catalog.exercises:
        assert exercise.slot in SLOTS
        assert exercise.dose
        assert exercise.how_to
        assert 1 <= exercise.per_week <= 7
        assert exercise.minutes > 0
    # Strength first while fresh, stretching after.
    assert {e.slot for e in catalog.exercises if e.block == "strengthen"} == {"start"}
    assert {e.slot for e in catalog.exercises if e.block == "mobility"} == {"end"}


def test_four_stages_in_order(catalog):
    assert [stage.id for stage in catalog.stages] == [
        "compensation",
        "tightness_and_fatigue",
        "movement_dysfunction",
        "pain",
    ]
    assert [stage.number for stage in catalog.stages] == [1, 2, 3, 4]


def test_questionnaire_shape(catalog):
    assert len(catalog.questions_in("habit")) <= 8
    assert len(catalog.questions_in("symptom")) >= 3
    red_flag_text = " ".join(q.text.lower() for q in catalog.questions_in("red_flag"))
    for topic in ("leg", "night", "bladder", "fall", "weight"):
        assert topic in red_flag_text


def test_jump_rope_goes_light_then_heavy_and_says_what_to_watch(catalog):
    rope = catalog.jump_rope
    assert "light" in rope.phases[0].rope
    assert "heavy" in rope.phases[1].rope
    watched = " ".join(point.what.lower() for point in rope.watch)
    assert "hand" in watched
    assert "foot" in watched
    assert "torso" in watched


def test_session_cap_is_explained(catalog):
    assert catalog.plan.max_exercises == 6
    assert catalog.plan.max_minutes == 30
    assert catalog.plan.why


def test_lookalikes_are_the_three_anterior_tilt_patterns(catalog):
    lookalikes = set(catalog.lookalikes_of("hip_flexors_over_glutes"))
    assert lookalikes == {"quads_over_hamstrings", "erectors_over_core"}
    assert catalog.lookalikes_of("upper_crossed") == ()
    # Alike in photos; a jump-rope clip tells the deep core's weakness apart (the torso twisting with each jump).
    signs = [
        {(s.measure, s.threshold, s.weight) for s in catalog.imbalance(i).signs if not s.measure.startswith("jump.")}
        for i in ("quads_over_hamstrings", "hip_flexors_over_glutes", "erectors_over_core")
    ]
    assert signs[0] == signs[1] == signs[2]


@pytest.mark.parametrize(
    ("imbalance_id", "measure", "threshold", "strong"),
    [
        ("upper_crossed", "craniovertebral_angle_deg", 50.0, 45.5),
        ("unilateral", "shoulder_tilt_deg", 2.0, 3.5),
        ("unilateral", "trunk_lateral_shift_cm", 2.0, 3.5),
        ("unilateral", "profile_difference.craniovertebral_angle_deg", 5.0, 8.0),
        ("unilateral", "profile_difference.shoulder_ahead_of_plumb_cm", 2.5, 4.0),
        ("hip_flexors_over_glutes", "pelvic_tilt_deg", 20.0, 22.0),
    ],
)
def test_thresholds_sit_beyond_normal_variation(catalog, imbalance_id, measure, threshold, strong):
    sign = sign_of(catalog, imbalance_id, measure)
    assert (sign.threshold, sign.strong_threshold) == (threshold, strong)
    assert sign.why
    assert sign.source


def test_every_sign_says_why(catalog):
    for imbalance in catalog.imbalances:
        for sign in imbalance.signs:
            assert sign.why.strip()
            assert sign.source.strip()
            assert sign.label.strip()
            assert set(sign.views) <= set(measure_views(sign.measure))


def test_sign_strength_steps_at_the_two_thresholds(catalog):
    cva = sign_of(catalog, "upper_crossed", "craniovertebral_angle_deg")
    assert cva.strength(52.0, 0.5) == 0.0
    assert cva.strength(50.0, 0.5) == 0.0  # exactly at the normal limit: not past it
    assert cva.strength(49.9, 0.5) == 0.5
    assert cva.strength(45.6, 0.5) == 0.5  # not yet clearly moderate-severe
    assert cva.strength(45.5, 0.5) == 1.0
    assert cva.strength(30.0, 0.5) == 1.0
    tilt = sign_of(catalog, "unilateral", "shoulder_tilt_deg")
    assert tilt.strength(-3.5, 0.5) == pytest.approx(1.0)  # abs_above: either side counts
    assert tilt.strength(1.0, 0.5) == 0.0


def test_likelihood_cutoffs(catalog):
    cutoffs = catalog.likelihood
    assert cutoffs.label(0) == "unlikely"
    assert cutoffs.label(cutoffs.possible) == "possible"
    assert cutoffs.label(cutoffs.likely) == "likely"


def test_texts_speak_of_association_not_diagnosis(catalog):
    for imbalance in catalog.imbalances:
        assert "commonly associated" in imbalance.summary
        assert "you have" not in (imbalance.summary + imbalance.evidence.note).lower()
    assert "not a diagnosis" in catalog.disclaimer


def test_evidence_notes_are_honest_about_weak_links(catalog):
    notes = " ".join(i.evidence.note + i.evidence.source for i in catalog.imbalances)
    assert "Heino" in notes
    assert "Youdas" in notes
    assert "Janda" in notes


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _shingle_hash(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode()).hexdigest()[:16]


ARTICLE_SHINGLES = Path(__file__).resolve().parent / "data" / "seed_article_shingles.json"


def test_catalog_text_is_not_copied_from_the_article():
    """Facts carried over, sentences not: no run of 8 words is shared with the source article.

    The article itself is not in the repository; its 8-word runs are kept as hashes.
    """
    article = set(json.loads(ARTICLE_SHINGLES.read_text())["hashes"])
    ours = _words(DEFAULT_CATALOG_PATH.read_text(encoding="utf-8"))
    copied = [" ".join(ours[i : i + 8]) for i in range(len(ours) - 7) if _shingle_hash(ours[i : i + 8]) in article]
    assert not copied


def test_the_stored_article_fingerprint_is_complete():
    stored = set(json.loads(ARTICLE_SHINGLES.read_text())["hashes"])
    assert len(stored) > 1000  # the article has ~1,400 words
    if SEED_ARTICLE.exists():  # where the article is at hand, the stored hashes must match it exactly
        words = _words(SEED_ARTICLE.read_text(encoding="utf-8"))
        assert {_shingle_hash(words[i : i + 8]) for i in range(len(words) - 7)} == stored


# --- broken catalogs -----------------------------------------------------------------------------


def write_variant(tmp_path: Path, old: str, new: str, after: str = "") -> Path:
    """A copy of the shipped catalog with the first ``old`` after ``after`` replaced by ``new``."""
    text = DEFAULT_CATALOG_PATH.read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    position = text.index(old, start)
    path = tmp_path / "catalog.toml"
    path.write_text(text[:position] + new + text[position + len(old) :], encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("after", "old", "new", "message"),
    [
        (
            'id = "hip_flexors_over_glutes"',
            'measure = "pelvic_tilt_deg"',
            'measure = "foo"',
            "imbalances[2] (hip_flexors_over_glutes).signs[0]: unknown measure 'foo'",
        ),
        (
            'id = "quads_over_hamstrings"',
            "weight = 0.8\n",
            "",
            "imbalances[1] (quads_over_hamstrings).signs[0]: missing field 'weight'",
        ),
        (
            'id = "face_pull"',
            'slot = "start"',
            'slot = "first"',
            "exercises[0] (face_pull).slot: 'first' is not one of start, main, end",
        ),
        (
            'id = "back_without_core"',
            "if_yes = { erectors_over_core = 0.8 }",
            "if_yes = { erectors = 0.8 }",
            "questions[2] (back_without_core).if_yes.erectors: unknown imbalance 'erectors'",
        ),
        (
            'id = "band_pull_apart"',
            "",
            'id = "face_pull"\n#',
            "exercises[1] (face_pull): duplicate id, already used by exercises[0]",
        ),
        (
            'id = "face_pull"',
            "per_week = 3",
            'per_week = "3"',
            "exercises[0] (face_pull).per_week: expected an integer, got str",
        ),
        (
            'id = "upper_crossed"',
            'strengthen = ["face_pull"',
            'strengthen = ["face_pul"',
            "imbalances[0] (upper_crossed).exercises.strengthen[0]: unknown exercise 'face_pul'",
        ),
        (
            'id = "upper_crossed"',
            'strengthen = ["face_pull"',
            'strengthen = ["doorway_chest_stretch"',
            "imbalances[0] (upper_crossed).exercises.strengthen[0]: exercise 'doorway_chest_stretch' is a mobility",
        ),
        (
            'id = "unilateral"',
            'name = "Left-right imbalance"',
            'name = "Left-right imbalance"\nsumary = "typo"',
            "imbalances[4] (unilateral): unknown field 'sumary'",
        ),
        (
            'id = "upper_crossed"',
            "strong_threshold = 45.5",
            "strong_threshold = 55.0",
            "imbalances[0] (upper_crossed).signs[0].strong_threshold: must be below 'threshold'",
        ),
        (
            'id = "unilateral"',
            'views = ["front", "back"]',
            'views = ["left"]',
            "imbalances[4] (unilateral).signs[0].views: 'shoulder_tilt_deg' can only be read in views",
        ),
        (
            'id = "back_pain"',
            'stage = "pain"',
            'stage = "agony"',
            "questions[10] (back_pain).stage: unknown stage 'agony'",
        ),
        (
            "[jump_rope.watch]",
            'imbalances = ["unilateral", "upper_crossed"]',
            'imbalances = ["lefty"]',
            "jump_rope.watch[0].imbalances[0]: unknown imbalance 'lefty'",
        ),
        (
            "[scoring]",
            '"erectors_over_core"]]',
            '"erector"]]',
            "scoring.photo_lookalikes[0]: unknown imbalance 'erector'",
        ),
    ],
)
def test_broken_catalog_names_the_entry(tmp_path, after, old, new, message):
    path = write_variant(tmp_path, old, new, after)
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    assert message in str(raised.value)


def test_invalid_toml_is_a_catalog_error(tmp_path):
    path = tmp_path / "catalog.toml"
    path.write_text("imbalances = [", encoding="utf-8")
    with pytest.raises(CatalogError, match="not valid TOML"):
        load_catalog(path)


def test_missing_file_is_a_catalog_error(tmp_path):
    with pytest.raises(CatalogError, match="cannot read"):
        load_catalog(tmp_path / "nope.toml")


def test_missing_top_level_section():
    data = tomllib.loads(DEFAULT_CATALOG_PATH.read_text(encoding="utf-8"))
    del data["jump_rope"]
    with pytest.raises(CatalogError, match=r"^jump_rope: missing field|missing field 'jump_rope'"):
        parse_catalog(data)


def test_boolean_is_not_a_number():
    data = tomllib.loads(DEFAULT_CATALOG_PATH.read_text(encoding="utf-8"))
    data["imbalances"][0]["signs"][0]["weight"] = True
    expected = r"imbalances\[0\] \(upper_crossed\)\.signs\[0\]\.weight: expected a number"
    with pytest.raises(CatalogError, match=expected):
        parse_catalog(data)


def test_a_loaded_variant_is_not_cached(tmp_path, catalog):
    path = write_variant(tmp_path, "max_exercises = 6", "max_exercises = 4")
    variant = load_catalog(path)
    assert variant.plan.max_exercises == 4
    assert load_catalog().plan.max_exercises == 6
    assert replace(variant, plan=catalog.plan) == catalog
