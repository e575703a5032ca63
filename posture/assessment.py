"""From measured photos (and optional answers) to findings, a progression stage and a corrective plan.

Several photos of one person combine here and nowhere earlier. The scoring rules:

* every catalog sign reads one measure; past its threshold it contributes
  ``weight x confidence x strength`` (strength ``partial_strength`` past the threshold, 1 at or past
  the strong threshold);
* signs of one group (one posture feature measured two ways) count once, by their strongest member;
* groups combine like independent evidence: ``photo = 1 - prod(1 - contribution)``;
* habit answers add at most ``habit_max``: ``score = 100 x (1 - (1 - photo) x (1 - habit_max x habit))``;
* a measure that was not assessed contributes nothing and is never counted as normal: a finding with
  no readable sign at all is ``not_assessed``, never ``unlikely``.

Findings are associations ("commonly associated with"), never diagnoses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from posture.analysis import PhotoAnalysis
from posture.catalog import (
    BLOCKS,
    KNEE_VALGUS_DIFFERENCE,
    PROFILE_DIFFERENCE_PREFIX,
    SIDE_MEASURES,
    SLOTS,
    Catalog,
    Exercise,
    Imbalance,
    JumpRope,
    RopePhase,
    Sign,
    Stage,
    WatchPoint,
    load_catalog,
    measure_unit,
    measure_views,
    needs_both_profiles,
)
from posture.measures import FRONTAL_VIEWS, SIDE_VIEWS, SPECS, VIEWS, Measurement, status_of
from posture.questionnaire import (
    Answers,
    AnswersLike,
    answered_habits,
    as_answers,
    habit_weights,
    red_flags,
    stage_from_answers,
)

# --------------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignEvidence:
    """One sign that fired: the measure, its value and how much it contributed (0-1)."""

    measure: str
    label: str
    value: float
    unit: str
    confidence: float
    direction: str
    threshold: float
    strong_threshold: float
    strength: float
    contribution: float
    views: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure, "label": self.label, "value": round(self.value, 2), "unit": self.unit,
            "confidence": round(self.confidence, 2), "direction": self.direction, "threshold": self.threshold,
            "strong_threshold": self.strong_threshold, "strength": round(self.strength, 2),
            "contribution": round(self.contribution, 3), "views": list(self.views),
        }


@dataclass(frozen=True)
class Finding:
    """How strongly the photos (and habits) point to one imbalance, and why.

    ``evidence`` holds the signs that fired, strongest first; ``checked`` the measures that were read
    and found inside their thresholds; ``not_assessed`` the measures that could not be read, with the
    reason; ``missing_views`` the views that would sharpen the finding and ``missing_views_note`` the
    same as a sentence. ``coverage`` is the share of the signs' weight that could be read.
    """

    imbalance: str
    name: str
    likelihood: str
    score: int
    photo_score: int
    habit_weight: float
    coverage: float
    evidence: tuple[SignEvidence, ...]
    checked: tuple[str, ...]
    not_assessed: Mapping[str, str]
    missing_views: tuple[str, ...]
    missing_views_note: str
    explanation: str
    caveat: str
    note: str
    muscles_tight: tuple[str, ...]
    muscles_weak: tuple[str, ...]

    @property
    def evidence_keys(self) -> tuple[str, ...]:
        return tuple(item.measure for item in self.evidence)

    def to_dict(self) -> dict[str, Any]:
        """The design.md ``findings`` entry (imbalance, likelihood, score, evidence keys) plus detail."""
        return {
            "imbalance": self.imbalance, "likelihood": self.likelihood, "score": self.score,
            "evidence": list(self.evidence_keys),
            "name": self.name, "photo_score": self.photo_score, "habit_weight": round(self.habit_weight, 2),
            "coverage": round(self.coverage, 2),
            "evidence_detail": [item.to_dict() for item in self.evidence],
            "checked": list(self.checked), "not_assessed": dict(self.not_assessed),
            "missing_views": list(self.missing_views), "missing_views_note": self.missing_views_note,
            "explanation": self.explanation, "caveat": self.caveat, "note": self.note,
            "muscles": {"tight": list(self.muscles_tight), "weak": list(self.muscles_weak)},
        }


@dataclass(frozen=True)
class PlanItem:
    """One exercise of the plan and the findings (imbalance ids) it serves.

    Only the jump-rope item carries ``phases`` (the progression) and ``watch`` (what to look for).
    """

    id: str
    name: str
    block: str
    slot: str
    how_to: str
    dose: str
    per_week: int
    minutes: int
    serves: tuple[str, ...]
    phases: tuple[RopePhase, ...] = ()
    watch: tuple[WatchPoint, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = {
            "id": self.id, "name": self.name, "block": self.block, "slot": self.slot,
            "how_to": self.how_to, "dose": self.dose, "per_week": self.per_week, "minutes": self.minutes,
            "serves": list(self.serves),
        }
        if self.phases:
            data["phases"] = [
                {"name": p.name, "rope": p.rope, "dose": p.dose, "goal": p.goal} for p in self.phases
            ]
        if self.watch:
            data["watch"] = [
                {"what": w.what, "suggests": w.suggests, "imbalances": list(w.imbalances)} for w in self.watch
            ]
        return data


@dataclass(frozen=True)
class PlanBlock:
    """The items of one block (strengthen, mobility or cross_train), most important first."""

    block: str
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

    def block(self, name: str) -> tuple[PlanItem, ...]:
        """The items of one block."""
        return next((block.items for block in self.blocks if block.block == name), ())

    def session_order(self) -> tuple[PlanItem, ...]:
        """The order to do them in one session: start (strength, fresh) -> main (rope) -> end (stretches)."""
        return tuple(sorted(self.items, key=lambda item: SLOTS.index(item.slot)))

    def to_dict(self) -> dict[str, Any]:
        """design.md's ``plan`` (names per block) plus the detailed session under ``session``."""
        data: dict[str, Any] = {block: [item.name for item in self.block(block)] for block in BLOCKS}
        data.update({
            "session": [item.to_dict() for item in self.session_order()],
            "total_minutes": self.total_minutes,
            "deferred": [item.name for item in self.deferred],
            "rationale": self.rationale,
            "note": self.note,
        })
        return data


@dataclass(frozen=True)
class Assessment:
    """Everything concluded from one person's photos and answers.

    ``plan`` is None when a red flag was raised: ``advice`` then asks for a clinician first.
    ``profile_differences`` is left minus right profile for side measures present in both.
    """

    photos: tuple[PhotoAnalysis, ...]
    measurements_by_view: Mapping[str, Mapping[str, Measurement]]
    profile_differences: Mapping[str, float]
    findings: tuple[Finding, ...]
    stage: Stage | None
    red_flags: tuple[str, ...]
    plan: Plan | None
    advice: str
    disclaimer: str
    notes: tuple[str, ...] = ()

    def finding(self, imbalance_id: str) -> Finding:
        """The finding for one imbalance id (KeyError if none)."""
        for finding in self.findings:
            if finding.imbalance == imbalance_id:
                return finding
        raise KeyError(imbalance_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: design.md's ``findings``, ``stage`` and ``plan`` plus the rest."""
        stage = None
        if self.stage is not None:
            stage = {"id": self.stage.id, "number": self.stage.number, "name": self.stage.name,
                     "description": self.stage.description}
        return {
            "findings": [finding.to_dict() for finding in self.findings],
            "stage": stage,
            "red_flags": list(self.red_flags),
            "plan": self.plan.to_dict() if self.plan else None,
            "advice": self.advice,
            "disclaimer": self.disclaimer,
            "notes": list(self.notes),
            "profile_differences": {key: round(value, 2) for key, value in self.profile_differences.items()},
            "measurements_by_view": {
                view: {key: m.to_dict() for key, m in measurements.items()}
                for view, measurements in self.measurements_by_view.items()
            },
            "photos": [{"image": p.image, "ok": p.ok, "view": p.view} for p in self.photos],
        }


# --------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------


def assess(
    photos: Sequence[PhotoAnalysis], answers: AnswersLike = None, catalog: Catalog | None = None
) -> Assessment:
    """Combine the photos of one person (and optional questionnaire answers) into an :class:`Assessment`."""
    catalog = catalog or load_catalog()
    given_answers = as_answers(answers, catalog)
    usable = [photo for photo in photos if photo.ok and photo.view in VIEWS]
    by_view = measurements_by_view(usable)
    readings = _readings(by_view)
    reasons = _not_assessed_reasons(usable, by_view)
    habits = habit_weights(given_answers, catalog)
    present_views = {photo.view for photo in usable}
    held = held_views(usable)
    findings = [
        _score_imbalance(imbalance, readings, reasons, present_views, habits[imbalance.id], catalog, held)
        for imbalance in catalog.imbalances
    ]
    findings = _add_lookalike_notes(findings, habits, answered_habits(given_answers, catalog), catalog)
    findings.sort(key=lambda finding: -finding.score)  # stable: ties keep catalog order
    flags = tuple(red_flags(given_answers, catalog))
    stage = stage_from_answers(given_answers, catalog)
    plan = None if flags else build_plan(findings, catalog)
    return Assessment(
        photos=tuple(photos),
        measurements_by_view=MappingProxyType({view: MappingProxyType(ms) for view, ms in by_view.items()}),
        profile_differences=MappingProxyType(profile_differences(by_view)),
        findings=tuple(findings),
        stage=stage,
        red_flags=flags,
        plan=plan,
        advice=catalog.red_flag_advice if flags else (stage.advice if stage else ""),
        disclaimer=catalog.disclaimer,
        notes=_notes(usable, given_answers, catalog),
    )


def _notes(usable: Sequence[PhotoAnalysis], answers: Answers, catalog: Catalog) -> tuple[str, ...]:
    """What the assessment could not check, in plain words."""
    notes = []
    if not usable:
        notes.append("No photo could be measured, so no posture sign was assessed.")
    if not len(answers):
        notes.append("The questionnaire was not answered: warning signs and the progression stage were not "
                     "checked, and imbalances that look alike in photos could not be ranked.")
    elif not any(question.id in answers for question in catalog.questions_in("red_flag")):
        notes.append("The warning-sign questions were not answered: the plan assumes none of them applies.")
    return tuple(notes)


# --------------------------------------------------------------------------------------------------
# Combining photos
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    """A value ready for scoring: pooled over photos, or derived (knee difference, profile difference)."""

    value: float
    confidence: float
    views: tuple[str, ...]


def combine_measurements(measurements: Sequence[Measurement]) -> Measurement:
    """One measure read on several photos: confidence-weighted mean value, the best confidence.

    The best confidence (not a sum) because repeated photos share the same systematic errors.
    """
    if len(measurements) == 1:
        return measurements[0]
    best = max(measurements, key=lambda m: m.confidence)
    total = sum(m.confidence for m in measurements)
    if total > 0:
        value = sum(m.value * m.confidence for m in measurements) / total
    else:
        value = sum(m.value for m in measurements) / len(measurements)
    return replace(best, value=value, status=_status(best.key, value, measurements))


def _status(key: str, value: float, measurements: Sequence[Measurement]) -> str:
    """The status of a combined value: judged by the engine's spec when there is one."""
    if key in SPECS:
        return status_of(value, SPECS[key])
    statuses = {m.status for m in measurements}
    return statuses.pop() if len(statuses) == 1 else "borderline"


def measurements_by_view(photos: Sequence[PhotoAnalysis]) -> dict[str, dict[str, Measurement]]:
    """Per view (front, back, left, right), each measure combined over the photos of that view."""
    collected: dict[str, dict[str, list[Measurement]]] = {}
    for photo in photos:
        if not photo.ok or photo.view not in VIEWS:
            continue
        for key, measurement in photo.measurements.items():
            collected.setdefault(photo.view, {}).setdefault(key, []).append(measurement)
    return {
        view: {key: combine_measurements(ms) for key, ms in collected[view].items()}
        for view in VIEWS if view in collected
    }


def profile_differences(by_view: Mapping[str, Mapping[str, Measurement]]) -> dict[str, float]:
    """Left-profile minus right-profile value of every side measure present in both profiles."""
    left, right = by_view.get("left", {}), by_view.get("right", {})
    return {key: left[key].value - right[key].value for key in SIDE_MEASURES if key in left and key in right}


def _readings(by_view: Mapping[str, Mapping[str, Measurement]]) -> dict[str, _Reading]:
    """Every value a sign can read: measures pooled over views, knee-valgus and profile differences."""
    pooled: dict[str, list[tuple[str, Measurement]]] = {}
    for view, measurements in by_view.items():
        for key, measurement in measurements.items():
            allowed = measure_views(key)
            if allowed is None or view in allowed:
                pooled.setdefault(key, []).append((view, measurement))
    readings = {}
    for key, entries in pooled.items():
        combined = combine_measurements([m for _, m in entries])
        readings[key] = _Reading(combined.value, combined.confidence, tuple(view for view, _ in entries))
    left_knee, right_knee = readings.get("knee_valgus_left_deg"), readings.get("knee_valgus_right_deg")
    if left_knee and right_knee:
        readings[KNEE_VALGUS_DIFFERENCE] = _Reading(
            left_knee.value - right_knee.value, min(left_knee.confidence, right_knee.confidence),
            tuple(sorted(set(left_knee.views) & set(right_knee.views), key=VIEWS.index)),
        )
    for key, difference in profile_differences(by_view).items():
        confidence = min(by_view["left"][key].confidence, by_view["right"][key].confidence)
        readings[PROFILE_DIFFERENCE_PREFIX + key] = _Reading(difference, confidence, SIDE_VIEWS)
    return readings


def _not_assessed_reasons(photos: Sequence[PhotoAnalysis], by_view) -> dict[str, str]:
    """Why a measure is missing, from the photos that should have given it (first reason per key)."""
    reasons: dict[str, str] = {}
    for photo in photos:
        for key, reason in photo.not_assessed.items():
            reasons.setdefault(key, f"{reason} ({photo.view} photo)")
    for side in ("left", "right"):
        key = f"knee_valgus_{side}_deg"
        if key in reasons:
            reasons.setdefault(KNEE_VALGUS_DIFFERENCE, f"{side} knee not assessed: {reasons[key]}")
    if "left" in by_view and "right" in by_view:
        for key in SIDE_MEASURES:
            if key in reasons and not (key in by_view["left"] and key in by_view["right"]):
                reason = f"not assessed in both profiles: {reasons[key]}"
                reasons.setdefault(PROFILE_DIFFERENCE_PREFIX + key, reason)
    return reasons


# --------------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------------


# Photos whose signs err together while the score treats them as independent can raise a finding
# to "possible", not "likely". Keyed by the warning that marks such a photo:
# * turned_view: a photo turned 15-25 deg from a straight view (views.TURNED_FROM_DEG) shifts several
#   points at once by perspective; on real turned photos (a squat video turned 22-24 deg, a man
#   turned 20 deg) two to six left-right signs fired together;
# * camera_off_level: a phone its sensor recorded off level shifts every tilt and lean by its roll,
#   all in one direction.
HELD_PHOTO_NOTES = MappingProxyType({
    "turned_view": "Read only from photos turned away from a straight view, where perspective moves several "
                   "points together, so this stays 'possible' whatever the score: retake the photo facing the "
                   "camera squarely (or exactly side-on) to confirm it.",
    "camera_off_level": "Read only from photos the phone recorded as held off level, which shifts every tilt and "
                        "lean together, so this stays 'possible' whatever the score: retake the photo with the "
                        "phone level to confirm it.",
})


def held_views(photos: Sequence[PhotoAnalysis]) -> dict[str, str]:
    """The views whose every photo carries a warning of :data:`HELD_PHOTO_NOTES`, with the note to show."""
    by_view: dict[str, list[str | None]] = {}
    for photo in photos:
        codes = [warning.code for warning in photo.warnings if warning.code in HELD_PHOTO_NOTES]
        by_view.setdefault(photo.view, []).append(codes[0] if codes else None)
    return {view: HELD_PHOTO_NOTES[codes[0]] for view, codes in by_view.items() if all(codes)}


def _score_imbalance(
    imbalance: Imbalance, readings: Mapping[str, _Reading], reasons: Mapping[str, str],
    present_views: set[str], habit: float, catalog: Catalog, held: Mapping[str, str],
) -> Finding:
    """Score one imbalance from the readings its signs can use, plus its habit weight.

    A finding whose evidence was read on ``held`` views only (see :func:`held_views`) stays "possible".
    """
    rules = catalog.scoring
    group_best: dict[str, float] = {}
    evidence, checked, unread = [], [], []
    for sign in imbalance.signs:
        reading = readings.get(sign.measure)
        if reading is None or not set(reading.views) & set(sign.views):
            unread.append(sign)
            continue
        strength = sign.strength(reading.value, rules.partial_strength)
        contribution = sign.weight * reading.confidence * strength
        group_best[sign.group] = max(group_best.get(sign.group, 0.0), contribution)
        if strength > 0:
            evidence.append(_sign_evidence(sign, reading, strength, contribution))
        elif sign.measure not in checked:
            checked.append(sign.measure)
    photo = 1.0 - math.prod(1.0 - contribution for contribution in group_best.values())
    total = 1.0 - (1.0 - photo) * (1.0 - rules.habit_max * habit)
    score = round(100 * total)
    missing, missing_note = missing_views(unread, present_views)
    likelihood = catalog.likelihood.label(score) if group_best else "not_assessed"
    note = ""
    if likelihood == "likely" and evidence and all(set(item.views) <= held.keys() for item in evidence):
        notes = dict.fromkeys(held[view] for item in evidence for view in item.views)
        likelihood, note = "possible", " ".join(notes)
    return Finding(
        imbalance=imbalance.id,
        name=imbalance.name,
        likelihood=likelihood,
        score=score,
        photo_score=round(100 * photo),
        habit_weight=habit,
        coverage=_coverage(imbalance.signs, unread),
        evidence=tuple(sorted(evidence, key=lambda item: -item.contribution)),
        checked=tuple(checked),
        not_assessed=MappingProxyType(_unread_reasons(unread, reasons, present_views)),
        missing_views=missing,
        missing_views_note=missing_note,
        explanation=imbalance.summary,
        caveat=imbalance.evidence.note,
        note=note,
        muscles_tight=imbalance.muscles.tight,
        muscles_weak=imbalance.muscles.weak,
    )


def _unread_reasons(
    unread: Sequence[Sign], reasons: Mapping[str, str], present_views: set[str]
) -> dict[str, str]:
    """Why each unread sign's measure is missing, when the photos it needs were there."""
    explained = {}
    for sign in unread:
        if sign.measure in reasons:
            explained[sign.measure] = reasons[sign.measure]
        elif not _views_missing_for(sign, present_views):
            explained[sign.measure] = "not measured on the photos given"
    return explained


def _views_missing_for(sign: Sign, present_views: set[str]) -> tuple[str, ...]:
    """The views a sign still needs: any one of its views, or both profiles for a profile difference."""
    if needs_both_profiles(sign.measure):
        return tuple(view for view in SIDE_VIEWS if view not in present_views)
    return () if set(sign.views) & present_views else sign.views


def _sign_evidence(sign: Sign, reading: _Reading, strength: float, contribution: float) -> SignEvidence:
    return SignEvidence(
        measure=sign.measure, label=sign.label, value=reading.value, unit=measure_unit(sign.measure),
        confidence=reading.confidence, direction=sign.direction, threshold=sign.threshold,
        strong_threshold=sign.strong_threshold, strength=strength, contribution=contribution,
        views=tuple(view for view in reading.views if view in sign.views),
    )


def _coverage(signs: Sequence[Sign], unread: Sequence[Sign]) -> float:
    """Share of the signs' weight (each group counted once, by its heaviest sign) that could be read."""
    def group_weights(chosen: Sequence[Sign]) -> dict[str, float]:
        weights: dict[str, float] = {}
        for sign in chosen:
            weights[sign.group] = max(weights.get(sign.group, 0.0), sign.weight)
        return weights
    possible = group_weights(signs)
    read = group_weights([sign for sign in signs if sign not in unread])
    return sum(read.values()) / sum(possible.values()) if possible else 0.0


def missing_views(unread: Sequence[Sign], present_views: set[str]) -> tuple[tuple[str, ...], str]:
    """The views whose absence left signs unread, and a sentence asking for them.

    A sign whose view was present but whose measure was still not assessed (hidden landmarks) is
    not a missing view: its reason is in ``Finding.not_assessed``.
    """
    requests: dict[tuple[tuple[str, ...], bool], list[str]] = {}
    for sign in unread:
        missing = _views_missing_for(sign, present_views)
        if missing:
            labels = requests.setdefault((missing, needs_both_profiles(sign.measure)), [])
            if sign.label not in labels:
                labels.append(sign.label)
    views = {view for (missing, _), _labels in requests.items() for view in missing}
    sentences = [f"Add {_photo_phrase(missing, both)} to assess {join_words(labels)}."
                 for (missing, both), labels in requests.items()]
    return tuple(view for view in VIEWS if view in views), " ".join(sentences)


def _photo_phrase(missing: tuple[str, ...], both: bool) -> str:
    if both and len(missing) == 2:
        return "a left and a right profile photo"
    if both:
        return f"a {missing[0]}-profile photo"
    if set(missing) == set(SIDE_VIEWS):
        return "a side photo (left or right profile)"
    if set(missing) == set(FRONTAL_VIEWS):
        return "a front or back photo"
    return " or ".join(f"a {view} photo" for view in missing)


def join_words(words: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"; "" for no words."""
    words = list(words)
    if not words:
        return ""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _add_lookalike_notes(
    findings: list[Finding], habits: Mapping[str, float], habits_answered: bool, catalog: Catalog
) -> list[Finding]:
    """Note, on findings photos cannot tell apart, that the habits questionnaire would.

    Only when the answers do not already separate them (no habit answers, or equal habit weights).
    """
    noted = []
    for finding in findings:
        lookalikes = catalog.lookalikes_of(finding.imbalance)
        separated = habits_answered and len({habits[i] for i in (finding.imbalance, *lookalikes)}) > 1
        if lookalikes and not separated and finding.likelihood in ("possible", "likely"):
            names = " or ".join(f"'{catalog.imbalance(other).name}'" for other in lookalikes)
            signs = catalog.imbalance(finding.imbalance).signs
            labels = ", ".join(dict.fromkeys(sign.label for sign in signs))
            lookalike_note = (f"Photos alone cannot tell this pattern apart from {names}: they are read from the "
                              f"same photo signs ({labels}). The training-habits questions would rank them.")
            finding = replace(finding, note=f"{finding.note} {lookalike_note}".strip())
        noted.append(finding)
    return noted


# --------------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------------


def build_plan(findings: Sequence[Finding], catalog: Catalog) -> Plan:
    """Merge the exercises of the likely, then possible, findings into one capped session.

    Within each block, candidates are taken round by round (every finding's first exercise before
    anyone's second), likely findings before possible ones and shared exercises before single-use
    ones, until the block, the exercise count or the minutes are used up. The jump-rope progression
    is always in and reserved first.
    """
    selected = [f for f in findings if f.likelihood in ("likely", "possible")]
    selected.sort(key=lambda f: (f.likelihood != "likely", -f.score))
    rules = catalog.plan
    rope = _rope_item(catalog.jump_rope, tuple(f.imbalance for f in selected))
    chosen: dict[str, list[PlanItem]] = {block: [] for block in BLOCKS}
    chosen["cross_train"].append(rope)
    minutes, count, deferred = rope.minutes, 1, []
    for block in BLOCKS:
        room = True
        for exercise, serves in _ranked_candidates(block, selected, catalog):
            item = _plan_item(exercise, serves)
            # Once one does not fit, the block is closed: a short, low-priority exercise must not
            # slip in ahead of a more important one that was a little too long.
            room = room and (len(chosen[block]) < rules.per_block[block] and count < rules.max_exercises
                             and minutes + exercise.minutes <= rules.max_minutes)
            if room:
                chosen[block].append(item)
                minutes, count = minutes + exercise.minutes, count + 1
            else:
                deferred.append(item)
    if selected:
        note = ""
    elif all(f.likelihood == "not_assessed" for f in findings):
        note = ("Nothing in the photos could be measured, so no imbalance was judged; the jump-rope "
                "progression stays in as a simple check for left-right differences.")
    else:
        note = ("No imbalance stood out in the photos; the jump-rope progression stays in as a simple check "
                "for left-right differences.")
    return Plan(
        blocks=tuple(PlanBlock(block, tuple(chosen[block])) for block in BLOCKS),
        deferred=tuple(deferred), total_minutes=minutes, rationale=rules.why, note=note,
    )


def _ranked_candidates(
    block: str, selected: Sequence[Finding], catalog: Catalog
) -> list[tuple[Exercise, tuple[str, ...]]]:
    """The block's exercises of the selected findings, deduplicated, in the order they should be tried."""
    best: dict[str, tuple[int, int, int]] = {}
    serves: dict[str, list[str]] = {}
    exercises: dict[str, Exercise] = {}
    for rank, finding in enumerate(selected):
        tier = 0 if finding.likelihood == "likely" else 1
        for index, exercise in enumerate(catalog.imbalance(finding.imbalance).exercises(block)):
            exercises[exercise.id] = exercise
            best[exercise.id] = min(best.get(exercise.id, (index, tier, rank)), (index, tier, rank))
            serves.setdefault(exercise.id, []).append(finding.imbalance)
    def priority(exercise_id: str) -> tuple[int, int, int, int]:
        index, tier, rank = best[exercise_id]
        return index, tier, -len(serves[exercise_id]), rank
    return [(exercises[i], tuple(serves[i])) for i in sorted(exercises, key=priority)]


def _plan_item(exercise: Exercise, serves: tuple[str, ...]) -> PlanItem:
    return PlanItem(
        id=exercise.id, name=exercise.name, block=exercise.block, slot=exercise.slot, how_to=exercise.how_to,
        dose=exercise.dose, per_week=exercise.per_week, minutes=exercise.minutes, serves=serves,
    )


def _rope_item(rope: JumpRope, serves: tuple[str, ...]) -> PlanItem:
    return PlanItem(
        id=rope.id, name=rope.name, block="cross_train", slot=rope.slot, how_to=rope.how_to, dose=rope.dose,
        per_week=rope.per_week, minutes=rope.minutes, serves=serves, phases=rope.phases, watch=rope.watch,
    )
