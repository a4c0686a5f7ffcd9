#!/usr/bin/env bash
# Build "build/pyinstaller/dist/Desktop Chat.app" on macOS, from the project's environment
# (pip install .[package]):
#   packaging/macos/build_app.sh
#   CODESIGN_IDENTITY="Developer ID Application: …" packaging/macos/build_app.sh   # sign for real
#
# Without an identity the app is signed ad hoc ("-"): it runs on the machine that built it and, once
# downloaded, opens with right-click > Open (Gatekeeper asks once). Notarization is not done here.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
PYTHON=${PYTHON:-python3}
APP="build/pyinstaller/dist/Desktop Chat.app"

[[ "$(uname)" == Darwin ]] || { echo "build_app.sh runs on macOS only" >&2; exit 1; }

# The spec makes the BUNDLE on darwin; it reads the version from desktop_chat.__version__ and fills
# packaging/macos/Info.plist with it.
# Compiled translations are not in git; the spec refuses to build without them.
"$PYTHON" scripts/update_translations.py --release
"$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
    --distpath build/pyinstaller/dist --workpath build/pyinstaller/work packaging/desktop-chat.spec

# Sign the bundle as a whole after PyInstaller signed its parts (ad hoc unless an identity is given).
# No hardened runtime: with ad-hoc signatures it would refuse to load the bundled libraries (library
# validation); notarizing needs a real identity plus --options runtime and an entitlements file.
codesign --force --deep --sign "${CODESIGN_IDENTITY:--}" "$APP"
codesign --verify --deep --strict "$APP"
echo "$APP"
