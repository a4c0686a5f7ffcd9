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

# The bundle carries its Python and most libraries. What it still takes from the system: glibc, the
# X11/Wayland client libraries and GL that PyInstaller deliberately never bundles (they must match the
# user's display server and GPU driver), D-Bus, fontconfig and a font. The xcb helper libraries are
# listed too, as Qt's xcb platform plugin needs them (Qt's error message blames only xcb-cursor0).
glibc=$(find "$STAGE/opt/desktop-chat" -type f \( -name '*.so*' -o -name desktop-chat \) -print0 |
    xargs -0 objdump -T 2>/dev/null | grep -oE 'GLIBC_[0-9]+\.[0-9]+' | sort -uV | tail -1 | cut -d_ -f2)
DEPENDS="libc6 (>= ${glibc:-2.28}), libgl1, libegl1, libfontconfig1, libfreetype6, libdbus-1-3,
 libxcb1, libx11-6, libx11-xcb1, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1,
 libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xfixes0, libxcb-xkb1, libxkbcommon0,
 libxkbcommon-x11-0, libwayland-client0, libwayland-cursor0,
 fonts-dejavu-core | fonts-noto-core | fonts-liberation2 | fonts-freefont-ttf"
DEPENDS=$(tr -d '\n' <<<"$DEPENDS")

cat >"$STAGE/DEBIAN/control" <<EOF
Package: desktop-chat
Version: $DEB_VERSION
Architecture: $ARCH
Maintainer: Desktop Chat developers <desktop-chat@users.noreply.github.com>
Installed-Size: $(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
Depends: $DEPENDS
Recommends: gnome-keyring | kwalletmanager
Section: net
Priority: optional
Description: desktop chat client for YandexGPT
 Desktop Chat talks to YandexGPT (Yandex AI Studio) and keeps every chat
 on your own disk, so old chats can be read without a network.
 The API key is kept in the system keyring (Secret Service).
EOF

echo "== dpkg-deb $OUT"
mkdir -p dist
# zstd: about 0.5 s; the default xz takes over half a minute for the same size class.
dpkg-deb --build --root-owner-group -Zzstd "$STAGE" "$OUT" >/dev/null

finished=$(date +%s)
echo "bundle: $(du -sh "$BUNDLE" | cut -f1)  package: $(du -h "$OUT" | cut -f1) ($(stat -c %s "$OUT") bytes)"
echo "time: bundle $((bundle_done - started)) s, package $((finished - bundle_done)) s"
echo "$OUT"
