#!/usr/bin/env bash
# Wrap "Desktop Chat.app" in a disk image with an /Applications link (drag to install):
#   packaging/macos/build_dmg.sh            # after build_app.sh
# Output: dist/DesktopChat-<version>-macos-<arch>.dmg
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
PYTHON=${PYTHON:-python3}
APP="build/pyinstaller/dist/Desktop Chat.app"
STAGE=build/dmg

[[ -d "$APP" ]] || { echo "$APP is missing: run packaging/macos/build_app.sh first" >&2; exit 1; }
VERSION=$("$PYTHON" -c 'import desktop_chat; print(desktop_chat.__version__)')
OUT="dist/DesktopChat-$VERSION-macos-$(uname -m).dmg"

rm -rf "$STAGE"
mkdir -p "$STAGE" dist
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"

# hdiutil sometimes fails with "Resource busy" right after files were written (a known flake on CI
# machines, where Spotlight indexes the new folder): try a few times before giving up.
for attempt in 1 2 3; do
    if hdiutil create -volname "Desktop Chat" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$OUT"; then
        break
    fi
    [[ $attempt == 3 ]] && exit 1
    sleep 5
done
hdiutil verify "$OUT"
echo "$OUT"
