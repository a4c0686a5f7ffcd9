"""Render the application icon from its SVG source into every format the installers need.

    python packaging/make_icons.py          # writes into resources/icons/

resources/icons/desktop-chat.svg is the one source. From it this script writes
  desktop-chat-<N>.png   N = 16 … 1024 (Linux hicolor theme, the window icon, the macOS iconset)
  desktop-chat.ico       Windows: 16…64 as 32-bit BMP (what old shell code and NSIS read best), 128/256 as PNG
  desktop-chat.icns      macOS: PNG payloads, which every macOS since 10.7 reads

Both containers are written by hand (their layout is a short header plus a table of entries), so the
build needs nothing beyond PySide6, which the app depends on anyway. Qt's SVG renderer is used so the
PNGs look exactly like the SVG the app itself would draw.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICON_DIR = ROOT / "resources" / "icons"
SVG_NAME = "desktop-chat.svg"

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_BMP_SIZES = (16, 24, 32, 48, 64)
ICO_PNG_SIZES = (128, 256)
# ICNS element types holding PNG data, by pixel size. "@2x" types share a pixel size with a 1x type.
ICNS_TYPES = (
    (b"icp4", 16), (b"icp5", 32), (b"ic11", 32), (b"icp6", 64), (b"ic12", 64),
    (b"ic07", 128), (b"ic08", 256), (b"ic13", 256), (b"ic09", 512), (b"ic14", 512), (b"ic10", 1024),
)


def render(svg_path: Path, size: int):
    """The SVG drawn into a transparent size×size ARGB32 image (non-premultiplied, for BMP export)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg_path))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {svg_path}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit("PNG encoding failed")
    buffer.close()
    return bytes(data.data())


def bmp_icon_bytes(image) -> bytes:
    """An ICO image entry in DIB form: BITMAPINFOHEADER, bottom-up BGRA rows, then the 1-bit AND mask.

    The header's height is twice the image height because it counts the mask too; the mask is all zeros
    since the alpha channel already says what is transparent.
    """
    size = image.width()
    # Format_ARGB32 is stored as B, G, R, A bytes on little-endian machines, which is exactly BMP order.
    rows = []
    for y in range(size - 1, -1, -1):
        line = image.constScanLine(y)
        rows.append(bytes(line)[: size * 4])
    pixels = b"".join(rows)
    mask_row = ((size + 31) // 32) * 4
    mask = bytes(mask_row * size)
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, len(pixels) + len(mask), 0, 0, 0, 0)
    return header + pixels + mask


def write_ico(path: Path, entries: list[tuple[int, bytes]]) -> None:
    """ICONDIR (6 bytes) + one 16-byte ICONDIRENTRY per image + the image data."""
    header = struct.pack("<HHH", 0, 1, len(entries))
    offset = len(header) + 16 * len(entries)
    directory, payload = b"", b""
    for size, data in entries:
        side = 0 if size >= 256 else size  # 0 means 256 in the one-byte width/height fields
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        payload += data
        offset += len(data)
    path.write_bytes(header + directory + payload)


def write_icns(path: Path, entries: list[tuple[bytes, bytes]]) -> None:
    """'icns' + total length, then (type, length incl. its 8-byte header, data) per element; big-endian."""
    body = b"".join(kind + struct.pack(">I", len(data) + 8) + data for kind, data in entries)
    path.write_bytes(b"icns" + struct.pack(">I", len(body) + 8) + body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ICON_DIR, help="output folder (default: resources/icons)")
    args = parser.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - keeps Qt's GUI state alive

    svg = ICON_DIR / SVG_NAME
    args.out.mkdir(parents=True, exist_ok=True)
    if args.out.resolve() != ICON_DIR.resolve():
        (args.out / SVG_NAME).write_bytes(svg.read_bytes())

    images = {size: render(svg, size) for size in sorted(set(PNG_SIZES))}
    pngs = {size: png_bytes(image) for size, image in images.items()}
    for size, data in pngs.items():
        (args.out / f"desktop-chat-{size}.png").write_bytes(data)

    ico_entries = [(s, bmp_icon_bytes(images[s])) for s in ICO_BMP_SIZES]
    ico_entries += [(s, pngs[s]) for s in ICO_PNG_SIZES]
    write_ico(args.out / "desktop-chat.ico", ico_entries)
    write_icns(args.out / "desktop-chat.icns", [(kind, pngs[size]) for kind, size in ICNS_TYPES])

    print(f"icons written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
