#!/usr/bin/env bash
# Build the Windows installer: dist/DesktopChat-<version>-setup.exe
#
# Runs on Windows in Git Bash (as GitHub's windows runners provide), from the project's environment
# (pip install .[package]) with NSIS installed (choco install nsis):
#   bash packaging/windows/build_installer.sh
#   SKIP_BUNDLE=1 bash packaging/windows/build_installer.sh   # reuse build/pyinstaller/dist/desktop-chat
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
PYTHON=${PYTHON:-python}

# desktop_chat.__version__ is the one place the version lives.
VERSION=$("$PYTHON" -c 'import desktop_chat; print(desktop_chat.__version__)')
BUNDLE=build/pyinstaller/dist/desktop-chat
OUT=dist/DesktopChat-$VERSION-setup.exe

if [[ "${SKIP_BUNDLE:-0}" != 1 || ! -f "$BUNDLE/DesktopChat.exe" ]]; then
    # Compiled translations are not in git; the spec refuses to build without them.
    "$PYTHON" scripts/update_translations.py --release
    "$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
        --distpath build/pyinstaller/dist --workpath build/pyinstaller/work packaging/desktop-chat.spec
fi

# choco's NSIS package does not always put makensis on PATH.
MAKENSIS=$(command -v makensis || true)
if [[ -z "$MAKENSIS" ]]; then
    for candidate in "/c/Program Files (x86)/NSIS/makensis.exe" "/c/Program Files/NSIS/makensis.exe"; do
        [[ -x "$candidate" ]] && MAKENSIS=$candidate && break
    done
fi
[[ -n "$MAKENSIS" ]] || { echo "makensis not found: install NSIS (choco install nsis)" >&2; exit 1; }

# makensis is a native Windows program: give it Windows paths (and "-D", which Git Bash leaves alone,
# where "/D" would be mistaken for a path and rewritten).
winpath() { if command -v cygpath >/dev/null; then cygpath -w "$1"; else echo "$1"; fi; }
mkdir -p dist
"$MAKENSIS" -V2 -WX \
    "-DVERSION=$VERSION" "-DVERSION_NUMERIC=$(bash packaging/windows/numeric_version.sh "$VERSION")" \
    "-DBUNDLE_DIR=$(winpath "$ROOT/$BUNDLE")" "-DOUTFILE=$(winpath "$ROOT/$OUT")" \
    packaging/windows/installer.nsi
echo "installer: $(du -h "$OUT" | cut -f1)"
echo "$OUT"
