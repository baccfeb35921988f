"""Reading a CSV file that a person exported from "some spreadsheet": which encoding, which
delimiter, is the first row a header and which column holds what.

Lines are read as bytes and decoded one by one, so a file that is UTF-8 except for a few lines
typed in a Windows tool still imports: those lines are read as Windows-1252 and flagged. The
importer (leads_import) and the import wizard's preview both read files through `open_records`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import BinaryIO

from desktop.services.core.errors import UserError
from desktop.services.leads.columns import guess_header, guess_mapping, phone_column

SAMPLE_BYTES = 64 * 1024
# csv.Sniffer is quadratic-ish on big samples (0.4 s on 64 KB); a few dozen lines are enough.
SNIFF_LINES = 50
CHUNK_BYTES = 1 << 20
MAX_LINE_BYTES = 8 << 20
DELIMITERS = ",;\t|"


class LineIssue(IntEnum):
    """How well a physical line decoded; a record takes the worst of its lines."""

    CLEAN = 0
    RECOVERED = 1  # not valid in the file's encoding, read as Windows-1252 instead
    LOSSY = 2  # bytes that are text in neither: the row cannot be trusted


@dataclass(frozen=True)
class CsvFormat:
    encoding: str  # a Python codec name: utf-8, utf-8-sig, cp1252 or utf-16
    delimiter: str
    line_end: bytes  # b"\n" (also covers \r\n) or b"\r" (old Mac exports)


@dataclass
class CsvPreview:
    """What the import wizard shows before anything is stored."""

    path: Path
    encoding: str
    delimiter: str
    has_header: bool
    header: list[str]  # empty when the file has no header row
    column_count: int
    mapping: dict[str, int]  # field -> 0-based column index; no "phone" when none was found
    rows: list[list[str]] = field(default_factory=list)  # the first data rows
    total_rows_estimate: int = 0
    format: CsvFormat | None = field(default=None, repr=False)  # how the importer reads it


def column_problem(cells: list[str], expected: int) -> str:
    """Why a row does not fit the header ("" when it does). Extra cells that are all empty
    are fine: spreadsheets pad rows that way."""
    if len(cells) == expected or (
        len(cells) > expected and not any(c.strip() for c in cells[expected:])
    ):
        return ""
    return f"this row has {len(cells)} columns where the first row has {expected}"


def check_file(path: Path) -> int:
    """The file's size; UserError when it cannot be a CSV file to read."""
    try:
        if path.is_dir():
            raise UserError(f"{path} is a folder, not a CSV file")
        size = path.stat().st_size
    except FileNotFoundError:
        raise UserError(f"{path} does not exist") from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    return size


def _read_sample(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None


def _looks_binary(sample: bytes) -> bool:
    """NUL bytes in the header line or in many lines: a binary file. A few corrupt lines in
    a text file are bad rows, reported one by one."""
    lines = sample.split(b"\n")
    with_nul = sum(1 for line in lines if b"\x00" in line)
    return b"\x00" in lines[0] or with_nul * 4 > len(lines)


def detect_encoding(sample: bytes, whole_file: bool, name: str) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text" export
    if sample.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise UserError(f"{name} is a spreadsheet workbook, not CSV; save it as CSV first")
    if _looks_binary(sample):
        raise UserError(f"{name} is not a text file (it contains NUL bytes); choose a CSV file")
    # Line by line: one line that is valid UTF-8 beyond ASCII makes the file UTF-8 (its other
    # lines fall back to cp1252 one by one, flagged); only a file whose non-ASCII lines all
    # fail is cp1252. Reading UTF-8 as cp1252 would garble names silently.
    lines = sample.split(b"\n")
    if not whole_file and len(lines) > 1:
        lines.pop()  # may end in the middle of a character
    utf8 = failed = 0
    for line in lines:
        if not line.isascii():
            try:
                line.decode("utf-8")
                utf8 += 1
            except UnicodeDecodeError:
                failed += 1
    return "cp1252" if failed and not utf8 else "utf-8"


def _sample_lines(sample: bytes, encoding: str, whole_file: bool) -> list[str]:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(sample, final=whole_file).lstrip("\ufeff")
    # newline="" style split: keep \r\n together, split on any line end, drop a cut-off tail.
    lines = io.StringIO(text, newline="").readlines()
    if not whole_file and len(lines) > 1:
        lines.pop()
    return lines


def detect_delimiter(lines: list[str]) -> str:
    """csv.Sniffer on the first lines, checked against the header line; else the candidate
    found most often in the header line (outside quotes); a single column gets a comma."""
    header = next((line for line in lines if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    try:
        sniffed = csv.Sniffer().sniff("".join(lines[:SNIFF_LINES]), delimiters=DELIMITERS)
        if counts.get(sniffed.delimiter, 0) > 0:
            return sniffed.delimiter
    except csv.Error:
        pass
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties keep the earlier candidate
    return best if counts[best] else ","


def sniff_format(
    path: Path, *, encoding: str | None = None, delimiter: str | None = None
) -> tuple[CsvFormat, int]:
    """The file's format (overrides win) and its size; UserError for files that cannot be
    a CSV at all (missing, folder, empty, binary)."""
    size = check_file(path)
    sample = _read_sample(path)
    whole = len(sample) == size
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise UserError(f"unknown text encoding {encoding!r}") from None
    if encoding is None:
        encoding = detect_encoding(sample, whole, path.name)
    elif not encoding.startswith("utf-16"):
        detect_encoding(sample, whole, path.name)  # a chosen encoding still refuses a workbook
    lines = _sample_lines(sample, encoding, whole)
    if not any(line.strip() for line in lines):
        raise UserError(f"{path.name} is empty")
    if delimiter is not None:
        if len(delimiter) != 1 or delimiter in '\r\n"':
            raise UserError(f"a delimiter is one character such as , or ;, not {delimiter!r}")
    else:
        delimiter = detect_delimiter(lines)
    has_lf = any(line.endswith("\n") for line in lines)
    line_end = b"\r" if not has_lf and any(line.endswith("\r") for line in lines) else b"\n"
    return CsvFormat(encoding, delimiter, line_end), size


def _byte_lines(fh: BinaryIO, line_end: bytes) -> Iterator[bytes]:
    tail = b""
    while chunk := fh.read(CHUNK_BYTES):
        parts = (tail + chunk).split(line_end)
        tail = parts.pop()
        for part in parts:
            yield part + line_end  # csv needs the line end to keep newlines inside quotes
        if len(tail) > MAX_LINE_BYTES:
            # No line end for megabytes: hand it over (csv reports it as too long) rather
            # than copying an ever-growing tail.
            yield tail
            tail = b""
    if tail:
        yield tail


def _decoded_lines(fh: BinaryIO, fmt: CsvFormat) -> Iterator[tuple[str, LineIssue]]:
    if fmt.encoding.startswith("utf-16"):
        # Line ends are two bytes here; let the text layer split, and flag what it replaced.
        stream = io.TextIOWrapper(fh, encoding=fmt.encoding, errors="replace", newline="")
        for line in stream:
            yield line, (LineIssue.LOSSY if "\ufffd" in line else LineIssue.CLEAN)
        return
    codec = "utf-8" if fmt.encoding == "utf-8-sig" else fmt.encoding
    if fmt.encoding == "utf-8-sig":
        fh.read(len(codecs.BOM_UTF8))
    for raw in _byte_lines(fh, fmt.line_end):
        try:
            yield raw.decode(codec), LineIssue.CLEAN
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
            yield text, (LineIssue.LOSSY if "\ufffd" in text else LineIssue.RECOVERED)


class _LineSource:
    """The physical lines fed to csv.reader, remembering those of the current record so a
    record that swallowed many lines (a stray opening quote) can be read again line by line.

    csv.reader pulls exactly the lines a record needs, never ahead, which makes this exact.
    """

    def __init__(self, lines: Iterator[tuple[str, LineIssue]]) -> None:
        self._lines = lines
        self._pushed: list[tuple[str, LineIssue]] = []  # a stack: next line last
        self.current: list[tuple[str, LineIssue]] = []

    def __iter__(self) -> _LineSource:
        return self

    def __next__(self) -> str:
        item = self._pushed.pop() if self._pushed else next(self._lines)
        self.current.append(item)
        return item[0]

    def push_back(self, items: list[tuple[str, LineIssue]]) -> None:
        self._pushed.extend(reversed(items))


# One record: its cells (None when unreadable), the reason it is unreadable ("" when fine),
# and how well its lines decoded.
Record = tuple[list[str] | None, str, LineIssue]


def _records(fh: BinaryIO, fmt: CsvFormat) -> Iterator[Record]:
    source = _LineSource(_decoded_lines(fh, fmt))
    reader = csv.reader(source, delimiter=fmt.delimiter, skipinitialspace=True)
    expected: int | None = None  # the first row's width, once read
    while True:
        source.current = []
        cells: list[str] | None
        try:
            cells = next(reader)
            problem = ""
        except StopIteration:
            return
        except csv.Error as exc:
            cells, problem = None, _csv_problem(exc, source.current)
        lines = source.current
        misfit = cells is None or (expected is not None and column_problem(cells, expected))
        if len(lines) > 1 and misfit:
            # A quote that opens and never closes eats the following lines: report the line
            # it started on and read the others again.
            source.push_back(lines[1:])
            yield None, 'a quote (") opens a cell on this line and is never closed', lines[0][1]
            continue
        issue = max(issue for _, issue in lines) if lines else LineIssue.CLEAN
        if expected is None and cells:
            expected = len(cells)
        yield cells, problem, issue


def _csv_problem(exc: csv.Error, lines: list[tuple[str, LineIssue]]) -> str:
    """Why csv.reader gave up on a record. csv.Error carries no code, so the record's own
    lines tell which rule they broke, not the wording of the message."""
    texts = [text for text, _ in lines]
    # A line is split at its line end only, so a line break before that end is a bare one
    # (\r in a \n file, or the reverse) outside quotes: csv refuses it.
    if any("\r" in text.rstrip("\r\n") or "\n" in text.rstrip("\r\n") for text in texts):
        return "a line break inside a cell that is not in quotes"
    limit = csv.field_size_limit()
    if sum(len(text) for text in texts) > limit:
        return f"a cell is longer than {limit} characters"
    return f"the line cannot be read as CSV ({exc})"


def open_records(path: Path, fmt: CsvFormat) -> Generator[Record, None, None]:
    """Every record of the file, header included, blank lines as empty lists.

    The file stays open until the iterator is exhausted or closed.
    """
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    with fh:
        yield from _records(fh, fmt)


def estimate_rows(path: Path, fmt: CsvFormat, size: int) -> int:
    """Physical lines in the file: a cheap pre-pass that gives progress bars a true end."""
    if fmt.encoding.startswith("utf-16"):
        return max(1, size // 64)  # rare; a guess is fine
    count = 0
    last = b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            count += chunk.count(fmt.line_end)
            last = chunk
    return count + (1 if last and not last.endswith(fmt.line_end) else 0)


def is_blank(cells: list[str] | None) -> bool:
    """An empty line or a row of empty cells (spreadsheets export those): skipped silently."""
    return cells is not None and not any(cell.strip() for cell in cells)


def preview_csv(
    path: str | Path,
    max_rows: int = 20,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    has_header: bool | None = None,
) -> CsvPreview:
    """Encoding, delimiter, header and a guessed column mapping, plus the first rows.

    The optional arguments override what detection found (the wizard lets the user fix it).
    """
    file = Path(path)
    fmt, size = sniff_format(file, encoding=encoding, delimiter=delimiter)
    records = open_records(file, fmt)
    try:
        first: list[str] = []
        for cells, _, _ in records:
            if cells is not None and not is_blank(cells):
                first = [cell.strip() for cell in cells]
                break
        header_row, mapping = guess_header(first)
        if has_header is not None and has_header != header_row:
            header_row = has_header
            column = phone_column(first)
            mapping = (
                guess_mapping(first) if has_header else {} if column is None else {"phone": column}
            )
        rows: list[list[str]] = [] if header_row else [first]
        for cells, _, _ in records:
            if len(rows) >= max_rows:
                break
            if cells is not None and not is_blank(cells):
                rows.append(cells)
    finally:
        records.close()
    lines = estimate_rows(file, fmt, size)
    return CsvPreview(
        path=file,
        encoding=fmt.encoding,
        delimiter=fmt.delimiter,
        has_header=header_row,
        header=first if header_row else [],
        column_count=len(first),
        mapping=mapping,
        rows=rows[:max_rows],
        total_rows_estimate=max(0, lines - (1 if header_row else 0)),
        format=fmt,
    )
