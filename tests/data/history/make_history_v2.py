"""Write tests/data/history_v2.sqlite3 with the history code of commit a41ecdd (schema version 2)."""
import sys
from datetime import datetime, UTC
from pathlib import Path
import posture
assert posture.__file__.startswith("/tmp/jh_old"), posture.__file__
from posture.assessment import assess
from posture.history import HistoryStore, LATEST_VERSION
from posture.history.record import Person, build_record
from tests.pose_fixtures import measured_from_fixture
from tests.conftest import truth

out = Path(sys.argv[1])
out.unlink(missing_ok=True)
store = HistoryStore(out)
height = truth("s001_front")["subject"]["stature_cm"]
ids = []
for n, views in enumerate([("front",), ("left",), ("front", "left")]):
    photos = [measured_from_fixture(f"s001_{v}", image=f"{v}.jpg", height_cm=height) for v in views]
    assessment = assess(photos)
    record, thumbs, annotated = build_record(assessment, person=Person(height_cm=height, sex="female", age=34), note=f"note {n} — ünïcode")
    ids.append(store.save(record, thumbs, label=["Anna, week 0", "Ben ✓", "Anna, week 4"][n],
               taken_at=datetime(2026, 3, 1 + 7 * n, 9, 30, tzinfo=UTC), annotated_thumbnails=annotated))
store.delete(ids[1])  # an id gap: ids are never reused after a delete
print(LATEST_VERSION, ids, out.stat().st_size)
