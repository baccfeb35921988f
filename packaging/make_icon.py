"""Render the app icon from resources/icons/textdesk.svg with Qt itself.

Writes, next to the SVG: textdesk-<N>.png for the sizes below, textdesk.png (256 px, used by
the window, the .desktop file and the Linux tarball), textdesk.ico (Windows) and
textdesk.icns (macOS). The outputs are committed, so building never needs this script; run
it again only after editing the SVG:

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icon.py

The .ico and .icns containers are written here by hand (both are a small header plus PNG
images) because Qt's own ICO writer stores one size only and Qt has no ICNS writer; this way
no Pillow is needed at build time either.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SOURCE = ICONS / "textdesk.svg"

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)  # committed as separate files
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # what Windows Explorer and the taskbar ask for
# ICNS element types holding PNG data, with their pixel size (Apple's icns type table).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"ic11", 32),  # 16 pt @2x
    (b"icp6", 64),
    (b"ic12", 64),  # 32 pt @2x
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic13", 256),  # 128 pt @2x
    (b"ic09", 512),
    (b"ic14", 512),  # 256 pt @2x
    (b"ic10", 1024),  # 512 pt @2x
)


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    """The SVG drawn at `size` x `size` pixels, as PNG bytes."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError(f"Qt could not encode a {size} px PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """An ICO file whose entries are PNG images (accepted since Windows Vista)."""
    sizes = sorted(images)
    header = struct.pack("<HHH", 0, 1, len(sizes))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(sizes)
    entries, blobs = [], []
    for size in sizes:
        blob = images[size]
        side = 0 if size >= 256 else size  # 0 means 256 in the one-byte width/height fields
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return header + b"".join(entries) + b"".join(blobs)


def icns_bytes(images: dict[int, bytes]) -> bytes:
    """An ICNS file: big-endian 'icns' + length, then (type, length, PNG) elements."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(images[size])) + images[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"make_icon: cannot read {SOURCE}", file=sys.stderr)
        return 1
    wanted = sorted({*PNG_SIZES, *ICO_SIZES, *(size for _, size in ICNS_TYPES)})
    images = {size: render_png(renderer, size) for size in wanted}
    for size in PNG_SIZES:
        (ICONS / f"textdesk-{size}.png").write_bytes(images[size])
    (ICONS / "textdesk.png").write_bytes(images[256])
    (ICONS / "textdesk.ico").write_bytes(ico_bytes({s: images[s] for s in ICO_SIZES}))
    (ICONS / "textdesk.icns").write_bytes(icns_bytes(images))
    del app
    print(f"make_icon: wrote {len(PNG_SIZES) + 3} files to {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
