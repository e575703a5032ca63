"""From measured photos (and optional answers) to findings, a progression stage and a corrective plan.

Several photos of one person combine here (in :mod:`.evidence`, the views weighted by their measured
reliability in :mod:`.view_weights`) and nowhere earlier. The scoring
rules (:mod:`.scoring`):

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

from posture.assessment.evidence import JumpSession, combine_measurements, measurements_by_view
from posture.assessment.plan import Plan, PlanBlock, PlanItem, build_plan
from posture.assessment.result import FINDING_KEYS, Assessment, assess, findings_json
from posture.assessment.scoring import Finding, SignEvidence
from posture.assessment.view_weights import CombinedMeasurement, ViewErrors

__all__ = [
    "FINDING_KEYS",
    "Assessment",
    "CombinedMeasurement",
    "Finding",
    "JumpSession",
    "Plan",
    "PlanBlock",
    "PlanItem",
    "SignEvidence",
    "ViewErrors",
    "assess",
    "build_plan",
    "combine_measurements",
    "findings_json",
    "measurements_by_view",
]
