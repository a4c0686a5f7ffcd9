"""The app icon: every file the installers use exists, the containers are well-formed, and the
committed PNG/ICO/ICNS files are what packaging/make_icons.py renders from the SVG today."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

from tests.packaging.helpers import PACKAGING, ROOT

ICONS = ROOT / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC
    return struct.unpack(">II", data[16:24])


def test_png_sizes() -> None:
    for size in PNG_SIZES:
        assert _png_size((ICONS / f"desktop-chat-{size}.png").read_bytes()) == (size, size)
    assert b"<svg" in (ICONS / "desktop-chat.svg").read_bytes()


def test_ico_holds_16_to_256() -> None:
    data = (ICONS / "desktop-chat.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for i in range(count):
        width, height, _, _, planes, bits, length, offset = struct.unpack("<BBBBHHII", data[6 + 16 * i: 22 + 16 * i])
        side = width or 256
        assert (width, planes, bits) == (height, 1, 32)
        image = data[offset: offset + length]
        assert len(image) == length
        if image[:8] == PNG_MAGIC:
            assert _png_size(image) == (side, side)
        else:  # BITMAPINFOHEADER: height counts the AND mask too
            assert struct.unpack("<Iii", image[:12]) == (40, side, 2 * side)
        sizes.add(side)
    assert {16, 32, 48, 256} <= sizes


def test_icns_elements() -> None:
    data = (ICONS / "desktop-chat.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    pos, kinds = 8, {}
    while pos < len(data):
        kind, length = data[pos: pos + 4], struct.unpack(">I", data[pos + 4: pos + 8])[0]
        kinds[kind] = _png_size(data[pos + 8: pos + length])[0]
        pos += length
    assert pos == len(data)
    assert kinds[b"ic10"] == 1024 and kinds[b"ic08"] == 256 and kinds[b"icp4"] == 16


def test_committed_icons_match_the_svg(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(PACKAGING / "make_icons.py"), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    # Pixels, not bytes: Qt patch releases round antialiased edges differently by one step.
    stale = [p.name for p in sorted(tmp_path.glob("*.png")) if not _same_picture(p, ICONS / p.name)]
    assert not stale, f"run `python packaging/make_icons.py`: {stale} differ from the SVG's rendering"
    made = {p.name for p in tmp_path.iterdir()}
    assert made <= {p.name for p in ICONS.iterdir()}, "an icon the script makes is not committed"


def _same_picture(made: Path, committed: Path, tolerance: int = 2) -> bool:
    from PySide6.QtGui import QImage

    a = QImage(str(made)).convertToFormat(QImage.Format.Format_RGBA8888)
    b = QImage(str(committed)).convertToFormat(QImage.Format.Format_RGBA8888)
    if a.isNull() or b.isNull() or a.size() != b.size():
        return False
    return all(abs(x - y) <= tolerance for x, y in zip(bytes(a.constBits()), bytes(b.constBits()), strict=True))
