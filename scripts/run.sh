#!/usr/bin/env bash
# Installs Desktop Chat into .venv (once) and starts it. Extra arguments go to the app.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q -e .
.venv/bin/python scripts/update_translations.py --release  # .ts -> .qm
exec .venv/bin/python -m desktop_chat "$@"
