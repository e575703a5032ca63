#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run the whole suite (slow and browser
# tests included). Extra arguments go to pytest, e.g. `bash scripts/test.sh -m "not slow"`.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -e ".[dev]"

# Debian packages: Chromium for the browser tests (Playwright's own browser download cannot work offline),
# and a CJK font for names in those scripts in the PDF report (posture/fonts.py).
packages="chromium chromium-driver fonts-droid-fallback"
if ! command -v chromium >/dev/null 2>&1 || [ ! -e /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
  fi
fi

python -m ruff check .
python -m ruff format --check .
python -m mypy
python -m pytest "$@"

# The package as users install it: a wheel in a fresh venv, and the model-free tests without MediaPipe.
bash scripts/check_package.sh
