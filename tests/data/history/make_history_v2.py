"""How history_v2.sqlite3 was made: the history code of commit a41ecdd (history format 2) saving three real
photo assessments (render s001's stored poses, tests/pose_fixtures.py), then deleting the second.

Run it with that commit's code first on the path, never the current tree's::

    git archive a41ecdd | tar -x -C /tmp/old
    cd /tmp/old && PYTHONPATH=/tmp/old python /path/to/make_history_v2.py /tmp/history_v2.sqlite3
    python -c "import sqlite3; sqlite3.connect('/tmp/history_v2.sqlite3').execute('VACUUM')"
"""

import sys
from datetime import UTC, datetime
from pathlib import Path

from posture.assessment import assess
from posture.history import LATEST_VERSION, HistoryStore
from posture.history.record import Person, build_record
from tests.conftest import truth
from tests.pose_fixtures import measured_from_fixture

if LATEST_VERSION != 2:
    sys.exit(f"this is history format {LATEST_VERSION}: run it with the code of commit a41ecdd (format 2)")
out = Path(sys.argv[1])
out.unlink(missing_ok=True)
store = HistoryStore(out)
height = truth("s001_front")["subject"]["stature_cm"]
ids = []
for n, views in enumerate([("front",), ("left",), ("front", "left")]):
    photos = [measured_from_fixture(f"s001_{v}", image=f"{v}.jpg", height_cm=height) for v in views]
    record, thumbs, annotated = build_record(
        assess(photos), person=Person(height_cm=height, sex="female", age=34), note=f"note {n} — ünïcode"
    )
    ids.append(
        store.save(
            record,
            thumbs,
            label=["Anna, week 0", "Ben ✓", "Anna, week 4"][n],
            taken_at=datetime(2026, 3, 1 + 7 * n, 9, 30, tzinfo=UTC),
            annotated_thumbnails=annotated,
        )
    )
store.delete(ids[1])  # an id gap: ids are never reused after a delete
print(LATEST_VERSION, ids, out.stat().st_size)
