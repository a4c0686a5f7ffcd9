#!/usr/bin/env bash
# Installs everything the test suite needs and runs all of it: lint, types, unit, UI, end-to-end and
# packaging tests. The same command runs in CI (.ci/run). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: a real Secret Service for the keyring tests, an X server for the end-to-end tests,
# NSIS to compile the Windows installer script, desktop-file-utils to validate the .desktop file.
packages=(gnome-keyring dbus binutils xdotool xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0
          nsis desktop-file-utils fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The packaging tests check the .deb's dependencies against the apt lists, so they must not be empty.
if [ "$(id -u)" = 0 ] && ! apt-cache show libc6 >/dev/null 2>&1; then
    apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    else
        echo "Please install: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test,package]'
.venv/bin/python scripts/update_translations.py --release  # .ts -> .qm

.venv/bin/ruff check .
.venv/bin/mypy
# pytest exits 5 when it collects no tests; set -e makes that a failure too.
.venv/bin/python -m pytest "$@"
