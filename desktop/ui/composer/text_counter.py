"""The composer's live text tools: the counter line under each step and the highlighter of
special characters.

Words for owners first ("text parts", "special characters"); the technical names (segments,
GSM-7, UCS-2) stay in the tooltips for whoever compares with Twilio's console. Both run on
every keystroke, so they only call segments.analyze (pure and fast).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from desktop.services.text.gsm7 import utf16_units
from desktop.services.text.segments import TextStats, analyze
from desktop.ui.kit.tooltips import wrapped_tooltip

UCS2_BACKGROUND = QColor("#ffd8a8")
UCS2_FOREGROUND = QColor("#8a3b00")


SPECIAL_CHARACTERS = (
    "special characters (emoji, some accents) make each text part shorter: 70 characters "
    "instead of 160"
)


def parts(count: int) -> str:
    return f"{count} text part{'' if count == 1 else 's'}"


def counter_line(stats: TextStats) -> str:
    """`132/160 characters · 1 text part`, the line shown under each step."""
    line = f"{stats.units}/{stats.capacity} characters · {parts(stats.segments)}"
    return line + (" · special characters" if stats.ucs2_chars else "")


def counter_tooltip(stats: TextStats) -> str:
    """The counter in technical terms: Twilio's segments and the encoding (a wrapped
    tooltip: the sentence is ~200 characters)."""
    if stats.encoding == "UCS-2":
        text = (
            f"{stats.segments} segment(s), UCS-2 encoding: {SPECIAL_CHARACTERS.capitalize()} "
            "(67 each once a text is cut into parts). Twilio bills each part."
        )
    else:
        text = (
            f"{stats.segments} segment(s), GSM-7 encoding: 160 characters fit in one text part; "
            "a longer text is cut into parts of 153. A few characters ({ } [ ] ~ ^ | \\ €) "
            "count as two. Twilio bills each part."
        )
    return wrapped_tooltip(text) or ""


def ucs2_hint(stats: TextStats) -> str:
    """A sentence naming the special characters, "" when there are none."""
    if not stats.ucs2_chars:
        return ""
    shown = " ".join(stats.ucs2_chars[:8]) + (" …" if len(stats.ucs2_chars) > 8 else "")
    return (
        f"{SPECIAL_CHARACTERS.capitalize()}. The highlighted ones ({shown}) are such "
        "characters: replace them to send fewer text parts."
    )


UCS2_HINT_TOOLTIP = "Technically: they switch the whole text from GSM-7 to UCS-2 encoding."


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
        self._format.setToolTip(
            wrapped_tooltip(
                "A special character: text parts hold 70 characters instead of 160 (UCS-2)"
            )
            or ""
        )

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
