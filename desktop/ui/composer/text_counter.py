"""The composer's live text tools: the segment counter line and the UCS-2 highlighter.

Both run on every keystroke, so they only call segments.analyze (pure and fast).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from desktop.services.text.gsm7 import utf16_units
from desktop.services.text.segments import TextStats, analyze

UCS2_BACKGROUND = QColor("#ffd8a8")
UCS2_FOREGROUND = QColor("#8a3b00")


def counter_line(stats: TextStats) -> str:
    """`132/160 - 1 segment - GSM-7`, the line shown under each step."""
    return stats.summary()


def ucs2_hint(stats: TextStats) -> str:
    """A sentence naming the characters that force UCS-2, "" when the text is GSM-7."""
    if not stats.ucs2_chars:
        return ""
    shown = " ".join(stats.ucs2_chars[:8]) + (" …" if len(stats.ucs2_chars) > 8 else "")
    return (
        f"Highlighted characters ({shown}) switch the whole message to UCS-2, where a "
        "segment holds 70 characters instead of 160. Replace them to send fewer segments."
    )


def utf16_offsets(text: str, positions: tuple[int, ...]) -> list[int]:
    """Python string indices -> QString (UTF-16) indices: an emoji takes two there."""
    offsets: list[int] = []
    wanted = iter(positions)
    target = next(wanted, None)
    unit = 0
    for index, ch in enumerate(text):
        if target is None:
            break
        if index == target:
            offsets.append(unit)
            target = next(wanted, None)
        unit += utf16_units(ch)
    return offsets


class Ucs2Highlighter(QSyntaxHighlighter):
    """Marks every character that forces UCS-2, block by block, as Qt re-highlights."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._format = QTextCharFormat()
        self._format.setBackground(UCS2_BACKGROUND)
        self._format.setForeground(UCS2_FOREGROUND)
        self._format.setToolTip("This character needs UCS-2 (70 characters per segment)")

    def highlightBlock(self, text: str) -> None:
        stats = analyze(text)
        if not stats.ucs2_positions:
            return
        for index, offset in zip(
            stats.ucs2_positions, utf16_offsets(text, stats.ucs2_positions), strict=True
        ):
            self.setFormat(offset, utf16_units(text[index]), self._format)


def highlighted_ranges(document: QTextDocument) -> list[tuple[int, int]]:
    """(document position, length) of every highlighted character; for tests and checks."""
    found: list[tuple[int, int]] = []
    block = document.begin()
    while block.isValid():
        layout = block.layout()
        for fmt in layout.formats() if layout is not None else []:
            if fmt.format.background().color() == UCS2_BACKGROUND:
                found.append((block.position() + fmt.start, fmt.length))
        block = block.next()
    return found
