"""Scoring each imbalance from the readings its signs can use: the finding, its evidence and notes."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from posture.assessment.evidence import VIEW_ORDER, Reading, usable_view
from posture.catalog import (
    FACING_VIEWS,
    PROFILE_VIEWS,
    Catalog,
    Imbalance,
    Sign,
    SignInput,
    measure_input,
    measure_unit,
    needs_both_profiles,
)
from posture.photo_result import MeasuredPhoto
from posture.vocabulary import Likelihood, View
from posture.wording import join_words


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
    views: tuple[View, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "label": self.label,
            "value": round(self.value, 2),
            "unit": self.unit,
            "confidence": round(self.confidence, 2),
            "direction": self.direction,
            "threshold": self.threshold,
            "strong_threshold": self.strong_threshold,
            "strength": round(self.strength, 2),
            "contribution": round(self.contribution, 3),
            "views": [str(view) for view in self.views],
        }


@dataclass(frozen=True)
class Finding:
    """How strongly the photos (and habits) point to one imbalance, and why.

    ``evidence`` holds the signs that fired, strongest first; ``checked`` the measures that were read
    and found inside their thresholds; ``not_assessed`` the measures that could not be read, with the
    reason; ``missing_views`` the views that would sharpen the finding and ``missing_views_note`` the
    same as a sentence. ``coverage`` is the share of the signs' weight that could be read.
    ``photo_score`` is the score of the measured signs alone, before habits; a jump-rope video's signs,
    when the catalog has some, count in it too (the name is kept for the JSON contract).
    """

    imbalance: str
    name: str
    likelihood: Likelihood
    score: int
    photo_score: int
    habit_weight: float
    coverage: float
    evidence: tuple[SignEvidence, ...]
    checked: tuple[str, ...]
    not_assessed: Mapping[str, str]
    missing_views: tuple[View, ...]
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
            "imbalance": self.imbalance,
            "likelihood": str(self.likelihood),
            "score": self.score,
            "evidence": list(self.evidence_keys),
            "name": self.name,
            "photo_score": self.photo_score,
            "habit_weight": round(self.habit_weight, 2),
            "coverage": round(self.coverage, 2),
            "evidence_detail": [item.to_dict() for item in self.evidence],
            "checked": list(self.checked),
            "not_assessed": dict(self.not_assessed),
            "missing_views": [str(view) for view in self.missing_views],
            "missing_views_note": self.missing_views_note,
            "explanation": self.explanation,
            "caveat": self.caveat,
            "note": self.note,
            "muscles": {"tight": list(self.muscles_tight), "weak": list(self.muscles_weak)},
        }


# The views given, per input: the photos' views and the jump-rope video's (none without one).
Present = Mapping[SignInput, Set[View]]


# Photos whose signs err together while the score treats them as independent can raise a finding
# to "possible", not "likely". Keyed by the warning that marks such a photo:
# * turned_view: a photo turned 15-25 deg from a straight view (views.TURNED_FROM_DEG) shifts several
#   points at once by perspective; on real turned photos (a squat video turned 22-24 deg, a man
#   turned 20 deg) two to six left-right signs fired together;
# * camera_off_level: a phone its sensor recorded off level shifts every tilt and lean by its roll,
#   all in one direction.
HELD_PHOTO_NOTES = MappingProxyType(
    {
        "turned_view": "Read only from photos turned away from a straight view, where perspective moves several "
        "points together, so this stays 'possible' whatever the score: retake the photo facing the "
        "camera squarely (or exactly side-on) to confirm it.",
        "camera_off_level": "Read only from photos the phone recorded as held off level, which shifts every tilt and "
        "lean together, so this stays 'possible' whatever the score: retake the photo with the "
        "phone level to confirm it.",
    }
)


def held_views(photos: Sequence[MeasuredPhoto]) -> dict[View, str]:
    """The views whose every usable photo carries a warning of :data:`HELD_PHOTO_NOTES`, with the note to show."""
    by_view: dict[View, list[str]] = {}  # per photo its first such warning code, "" for none
    for photo in photos:
        view = usable_view(photo)
        if view is not None:
            codes = [warning.code for warning in photo.warnings if warning.code in HELD_PHOTO_NOTES]
            by_view.setdefault(view, []).append(codes[0] if codes else "")
    return {view: HELD_PHOTO_NOTES[codes[0]] for view, codes in by_view.items() if all(codes)}


def score_imbalance(
    imbalance: Imbalance,
    readings: Mapping[str, Reading],
    reasons: Mapping[str, str],
    present: Present,
    habit: float,
    catalog: Catalog,
    held: Mapping[View, str],
) -> Finding:
    """Score one imbalance from the readings its signs can use, plus its habit weight.

    ``present`` holds the views given per input (photos, jump-rope video). A sign without a reading
    is not read: no evidence either way. A finding whose evidence was read on ``held`` photo views only
    (see :func:`held_views`; a jump-rope clip's signs are never held) stays "possible".
    """
    rules = catalog.scoring
    group_best: dict[str, float] = {}
    evidence: list[SignEvidence] = []
    checked: list[str] = []
    unread: list[Sign] = []
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
    missing, missing_note = missing_views(unread, present)
    likelihood = catalog.likelihood.label(score) if group_best else Likelihood.NOT_ASSESSED
    note = ""
    if likelihood == Likelihood.LIKELY and evidence and all(_held_photo_evidence(item, held) for item in evidence):
        notes = dict.fromkeys(held[view] for item in evidence for view in item.views)
        likelihood, note = Likelihood.POSSIBLE, " ".join(notes)
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
        not_assessed=MappingProxyType(_unread_reasons(unread, reasons, present)),
        missing_views=missing,
        missing_views_note=missing_note,
        explanation=imbalance.summary,
        caveat=imbalance.evidence.note,
        note=note,
        muscles_tight=imbalance.muscles.tight,
        muscles_weak=imbalance.muscles.weak,
    )


def _held_photo_evidence(item: SignEvidence, held: Mapping[View, str]) -> bool:
    """Whether ``item`` was read only from held photos: a photo sign whose views are all held. A jump-rope
    clip's sign shares the view names of photos (front, back) but not their perspective or roll, so it is
    never held: it is independent evidence, like a straight photo of that view."""
    return measure_input(item.measure) == SignInput.PHOTO and set(item.views) <= held.keys()


def _unread_reasons(unread: Sequence[Sign], reasons: Mapping[str, str], present: Present) -> dict[str, str]:
    """Why each unread sign's measure is missing, when the recordings it needs were there.

    A missing photo view is asked for in ``Finding.missing_views`` instead. A jump-rope video filmed
    from the wrong view is said here; with no video at all the jump-rope signs are left out, since
    listing each one under every pattern of a photo check buried the photo reasons (the assessment's
    notes say once what a clip would add).
    """
    explained: dict[str, str] = {}
    for sign in unread:
        reads_from = measure_input(sign.measure)
        if reads_from == SignInput.JUMP and not present.get(SignInput.JUMP):
            continue
        missing = _views_missing_for(sign, present)
        if sign.measure in reasons:
            explained[sign.measure] = reasons[sign.measure]
        elif not missing:
            explained[sign.measure] = _NOT_MEASURED[reads_from]
        elif reads_from == SignInput.JUMP:
            explained[sign.measure] = f"no jump-rope video filmed from the {' or '.join(missing)} was given"
    return explained


# What a present recording that still gave no value for a sign is called, by input.
_NOT_MEASURED = MappingProxyType(
    {
        SignInput.PHOTO: "not measured on the photos given",
        SignInput.JUMP: "not measured in the jump-rope video given",
    }
)


def _views_missing_for(sign: Sign, present: Present) -> tuple[View, ...]:
    """The views a sign still needs: any one of its views, or both profiles for a profile difference."""
    present_views = present.get(measure_input(sign.measure), frozenset())
    if needs_both_profiles(sign.measure):
        return tuple(view for view in PROFILE_VIEWS if view not in present_views)
    return () if set(sign.views) & present_views else sign.views


def _sign_evidence(sign: Sign, reading: Reading, strength: float, contribution: float) -> SignEvidence:
    return SignEvidence(
        measure=sign.measure,
        label=sign.label,
        value=reading.value,
        unit=measure_unit(sign.measure),
        confidence=reading.confidence,
        direction=sign.direction,
        threshold=sign.threshold,
        strong_threshold=sign.strong_threshold,
        strength=strength,
        contribution=contribution,
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


def missing_views(unread: Sequence[Sign], present: Present) -> tuple[tuple[View, ...], str]:
    """The photo views whose absence left signs unread, and a sentence asking for them.

    A sign whose view was present but whose measure was still not assessed (hidden landmarks) is
    not a missing view: its reason is in ``Finding.not_assessed``, as is a missing jump-rope video.
    """
    requests: dict[tuple[tuple[View, ...], bool], list[str]] = {}
    for sign in unread:
        if measure_input(sign.measure) != SignInput.PHOTO:
            continue
        missing = _views_missing_for(sign, present)
        if missing:
            labels = requests.setdefault((missing, needs_both_profiles(sign.measure)), [])
            if sign.label not in labels:
                labels.append(sign.label)
    views = {view for (missing, _), _labels in requests.items() for view in missing}
    sentences = [
        f"Add {_photo_phrase(missing, both)} to assess {join_words(labels)}."
        for (missing, both), labels in requests.items()
    ]
    return tuple(view for view in VIEW_ORDER if view in views), " ".join(sentences)


def _photo_phrase(missing: tuple[View, ...], both: bool) -> str:
    if both and len(missing) == 2:
        return "a left and a right profile photo"
    if both:
        return f"a {missing[0]}-profile photo"
    if set(missing) == set(PROFILE_VIEWS):
        return "a side photo (left or right profile)"
    if set(missing) == set(FACING_VIEWS):
        return "a front or back photo"
    return " or ".join(f"a {view} photo" for view in missing)


def add_lookalike_notes(
    findings: list[Finding], habits: Mapping[str, float], habits_answered: bool, catalog: Catalog
) -> list[Finding]:
    """Note, on findings photos cannot tell apart, that the habits questionnaire would.

    Only when the answers do not already separate them (no habit answers, or equal habit weights).
    """
    noted = []
    for finding in findings:
        lookalikes = catalog.lookalikes_of(finding.imbalance)
        separated = habits_answered and len({habits[i] for i in (finding.imbalance, *lookalikes)}) > 1
        if lookalikes and not separated and finding.likelihood in (Likelihood.POSSIBLE, Likelihood.LIKELY):
            names = " or ".join(f"'{catalog.imbalance(other).name}'" for other in lookalikes)
            signs = catalog.imbalance(finding.imbalance).signs
            labels = ", ".join(dict.fromkeys(sign.label for sign in signs))
            lookalike_note = (
                f"Photos alone cannot tell this pattern apart from {names}: they are read from the "
                f"same photo signs ({labels}). The training-habits questions would rank them."
            )
            finding = replace(finding, note=f"{finding.note} {lookalike_note}".strip())
        noted.append(finding)
    return noted
