#!/usr/bin/env bash
# Build the Debian/Ubuntu package: dist/desktop-chat_<version>_<arch>.deb
#
#   packaging/linux/build_deb.sh                 # PyInstaller bundle + .deb
#   SKIP_BUNDLE=1 packaging/linux/build_deb.sh   # reuse build/pyinstaller/dist/desktop-chat
#   PYTHON=/path/to/python packaging/linux/build_deb.sh
#
# Needs the project's environment (pip install .[package]) and dpkg-deb. The package holds
#   /opt/desktop-chat/                      the PyInstaller one-folder bundle
#   /usr/bin/desktop-chat                   a symlink to it (the bootloader resolves its real folder)
#   /usr/share/applications/desktop-chat.desktop
#   /usr/share/icons/hicolor/*/apps/desktop-chat.{png,svg}
# No maintainer scripts: the icon cache and the desktop database are refreshed by the dpkg triggers
# that hicolor-icon-theme and desktop-file-utils already install.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi

started=$(date +%s)
# desktop_chat.__version__ is the one place the version lives. Debian orders "1.0~rc1" before "1.0".
VERSION=$("$PYTHON" -c 'import desktop_chat; print(desktop_chat.__version__)')
DEB_VERSION=$(sed -E 's/[.-]?(a|b|rc|dev)([0-9]*)$/~\1\2/' <<<"$VERSION")
ARCH=$(dpkg --print-architecture)

WORK=build/pyinstaller
BUNDLE=$WORK/dist/desktop-chat
STAGE=build/deb/root
OUT=dist/desktop-chat_${DEB_VERSION}_${ARCH}.deb

if [[ "${SKIP_BUNDLE:-0}" != 1 || ! -x "$BUNDLE/desktop-chat" ]]; then
    echo "== PyInstaller bundle ($VERSION)"
    # Compiled translations are not in git; the spec refuses to build without them.
    "$PYTHON" scripts/update_translations.py --release
    "$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
        --distpath "$WORK/dist" --workpath "$WORK/work" packaging/desktop-chat.spec
fi
bundle_done=$(date +%s)

echo "== staging $STAGE"
rm -rf "$STAGE"
install -d "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/usr/share/doc/desktop-chat"
cp -a "$BUNDLE" "$STAGE/opt/desktop-chat"
ln -s /opt/desktop-chat/desktop-chat "$STAGE/usr/bin/desktop-chat"
install -m 644 packaging/linux/desktop-chat.desktop "$STAGE/usr/share/applications/desktop-chat.desktop"
for size in 16 24 32 48 64 128 256 512; do
    install -D -m 644 "resources/icons/desktop-chat-$size.png" \
        "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/desktop-chat.png"
done
install -D -m 644 resources/icons/desktop-chat.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/desktop-chat.svg"
cat >"$STAGE/usr/share/doc/desktop-chat/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: desktop-chat
Comment: Desktop Chat is MIT-licensed. /opt/desktop-chat bundles Python, Qt for Python (PySide6,
 LGPLv3) and Python libraries under their own licenses; their license files are kept in the bundle.
EOF
# PyInstaller keeps the source files' modes; a package wants no group/world-writable bits.
chmod -R u+rwX,go+rX,go-w "$STAGE"

# DEBIAN/control from control.in. Its Depends lists what the bundle still takes from the system:
# glibc, the X11/Wayland client libraries and GL that PyInstaller deliberately never bundles (they must
# match the user's display server and GPU driver), D-Bus, fontconfig and a font; and the xcb helper
# libraries Qt's xcb platform plugin needs (Qt's error message blames only xcb-cursor0). The glibc
# version is the newest symbol version any bundled binary asks for (what dpkg-shlibdeps would find).
glibc=$(find "$STAGE/opt/desktop-chat" -type f \( -name '*.so*' -o -name desktop-chat \) -print0 |
    xargs -0 objdump -T 2>/dev/null | grep -oE 'GLIBC_[0-9]+\.[0-9]+' | sort -uV | tail -1 | cut -d_ -f2)
sed -e "s/@VERSION@/$DEB_VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@GLIBC@/${glibc:-2.28}/" \
    -e "s/@INSTALLED_SIZE@/$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)/" \
    packaging/linux/control.in >"$STAGE/DEBIAN/control"

echo "== dpkg-deb $OUT"
mkdir -p dist
# zstd -9: 49 MB in about 6 s here (level 3, the default: 54 MB in 2 s; level 15: 48 MB in 70 s;
# xz takes over half a minute). dpkg in Debian >= 12 / Ubuntu >= 21.10 reads zstd packages.
dpkg-deb --build --root-owner-group -Zzstd -z9 "$STAGE" "$OUT" >/dev/null

finished=$(date +%s)
echo "bundle: $(du -sh "$BUNDLE" | cut -f1)  package: $(du -h "$OUT" | cut -f1) ($(stat -c %s "$OUT") bytes)"
echo "time: bundle $((bundle_done - started)) s, package $((finished - bundle_done)) s"
echo "$OUT"
