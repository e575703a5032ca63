#!/usr/bin/env bash
# The project as a real package, checked the way a user installs it:
#  1. build the wheel, install it NON-editable in a fresh virtual environment and analyse a photo
#     from another directory (models and data must come from inside the installed package);
#  2. in a second fresh environment WITHOUT MediaPipe, run the tests of the model-free steps
#     (scoring, report, annotation, catalog), which must not need it.
# Called by scripts/test.sh; needs network access to the package registry (PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PIP=(--quiet --disable-pip-version-check)

python -m pip wheel "${PIP[@]}" --no-deps --wheel-dir "$WORK/dist" .
WHEEL="$(ls "$WORK"/dist/posture-*.whl)"
echo "built $(basename "$WHEEL") ($(du -h "$WHEEL" | cut -f1))"

python -m venv "$WORK/installed"
"$WORK/installed/bin/python" -m pip install "${PIP[@]}" "$WHEEL"
mkdir "$WORK/elsewhere"
cp sample_images/front_s000.jpg "$WORK/elsewhere/photo.jpg"
# run_installed OUT ERR ARGS...: the installed CLI with ARGS, stdout to OUT and stderr to ERR; stops the
# check with both shown when it fails.
run_installed() {
  local out="$1" err="$2" status=0
  shift 2
  "$WORK/installed/bin/posture" "$@" > "$out" 2> "$err" || status=$?
  if [ "$status" != 0 ]; then
    echo "the installed CLI failed (posture $*, exit $status):" >&2
    cat "$err" "$out" >&2
    exit 1
  fi
}
(
  cd "$WORK/elsewhere"
  run_installed result.json stderr.txt analyze photo.jpg --json --model lite
  "$WORK/installed/bin/python" - <<'PY'
import json, pathlib
result = json.loads(pathlib.Path("result.json").read_text())
assert result[0]["ok"] and result[0]["view"] == "front", result
stderr = pathlib.Path("stderr.txt").read_text()
assert stderr == "", f"the installed CLI wrote to stderr: {stderr!r}"
print("installed wheel analysed a photo from another directory:", result[0]["view"],
      len(result[0]["measurements"]), "measures, empty stderr")
PY
  # The jump engine reads its settings and typical errors from the package too.
  cp "$ROOT/tests/data/video/jump04_front.mp4" clip.mp4
  run_installed jump.json jump_stderr.txt jump clip.mp4 --json --model lite
  "$WORK/installed/bin/python" - <<'PY'
import json, pathlib
result = json.loads(pathlib.Path("jump.json").read_text())[0]
assert result["ok"] and result["measurements"]["jump_count"]["value"] >= 4, result
assert result["measurements"]["hand_circle_si_pct"].get("typical_error") is not None, "no typical errors shipped"
print("installed wheel analysed a jump-rope clip:", result["measurements"]["jump_count"]["value"], "jumps")
PY
)

python -m venv "$WORK/no-mediapipe"
NO_MP="$WORK/no-mediapipe/bin/python"
# Every runtime dependency but MediaPipe, plus the test tools; the project itself without its deps.
"$NO_MP" - "$ROOT/pyproject.toml" > "$WORK/requirements.txt" <<'PY'
import sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
deps = [d for d in project["dependencies"] if not d.lower().startswith("mediapipe")]
deps += [d for d in project["optional-dependencies"]["dev"] if d.split(">")[0].split("<")[0] in ("pytest", "pypdf", "pypdfium2")]
print("\n".join(deps))
PY
"$NO_MP" -m pip install "${PIP[@]}" -r "$WORK/requirements.txt"
"$NO_MP" -m pip install "${PIP[@]}" --no-deps "$WHEEL"
if "$NO_MP" -c "import mediapipe" 2>/dev/null; then echo "mediapipe is importable in the model-free venv" >&2; exit 1; fi
# The tests with what they read (sample photos, tests/data, docs) and the pytest settings (markers), in a
# directory without the source tree: `posture` can only come from the installed wheel.
mkdir "$WORK/model-free"
cp -r "$ROOT/tests" "$ROOT/sample_images" "$ROOT/docs" "$ROOT/pyproject.toml" "$WORK/model-free/"
(
  cd "$WORK/model-free"
  "$NO_MP" -c 'import posture, sys; sys.exit(0 if "site-packages" in posture.__file__ else f"posture comes from {posture.__file__}, not the wheel")'
  # Only the modules marked model_free: collecting the others would import MediaPipe.
  mapfile -t MODEL_FREE_TESTS < <(grep -l "^pytestmark = pytest.mark.model_free" tests/test_*.py)
  POSTURE_WITHOUT_MEDIAPIPE=1 "$NO_MP" -m pytest -q -p no:cacheprovider -m model_free "${MODEL_FREE_TESTS[@]}"
)
