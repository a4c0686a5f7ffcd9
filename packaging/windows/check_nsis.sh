#!/usr/bin/env bash
# Compile installer.nsi against a stand-in payload, to check its syntax on any machine with makensis
# (Debian: apt-get install nsis). The real payload needs Windows: PyInstaller cannot cross-compile.
#
#   packaging/windows/check_nsis.sh [OUTPUT.exe]     # default: build/nsis-check/DesktopChat-check-setup.exe
#
# Warnings fail the check (-WX), so the script stays clean for the real build too.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
WORK=build/nsis-check
OUT=${1:-$WORK/DesktopChat-check-setup.exe}

# The version from desktop_chat/__init__.py, read as text (no Python needed for a syntax check).
VERSION=$(sed -nE 's/^__version__ = "([^"]+)"/\1/p' desktop_chat/__init__.py)

rm -rf "$WORK/payload"
mkdir -p "$WORK/payload/_internal" "$(dirname "$OUT")"
printf 'MZ stand-in for the PyInstaller executable\n' >"$WORK/payload/DesktopChat.exe"
printf 'stand-in for the bundle contents\n' >"$WORK/payload/_internal/base_library.zip"

# Absolute paths here: makensis resolves relative ones against the .nsi file's folder.
makensis -V2 -WX \
    "-DVERSION=$VERSION" "-DVERSION_NUMERIC=$(packaging/windows/numeric_version.sh "$VERSION")" \
    "-DBUNDLE_DIR=$ROOT/$WORK/payload" "-DOUTFILE=$(realpath -m "$OUT")" \
    packaging/windows/installer.nsi
test -s "$OUT"
echo "$OUT"
