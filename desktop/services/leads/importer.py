"""Leads import from CSV, with a row-by-row report.

The file is read as a stream and written in batches, each in its own write transaction
(import_writer): new leads are added; known ones only get their empty fields filled in and
new tags, unless the caller asks to overwrite. Named columns that no field takes become
custom fields ("Company" -> {company}) unless the caller chooses otherwise. A bad row is
reported and skipped; only a file that cannot be read at all raises `UserError`. Reading the
file (encoding, delimiter, header) is in csv_reader; the report in import_report.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from desktop.services.core.context import Context
from desktop.services.core.errors import UserError
from desktop.services.core.phones import normalize_phone, undo_spreadsheet_float
from desktop.services.leads.columns import check_custom_columns, check_mapping, custom_columns
from desktop.services.leads.csv_reader import (
    CsvPreview,
    LineIssue,
    column_problem,
    is_blank,
    open_records,
    preview_csv,
)
from desktop.services.leads.custom_fields import VALUE_MAX
from desktop.services.leads.import_report import ImportReport, ReportRow, RowStatus
from desktop.services.leads.import_writer import Candidate, clip, write_batch
from desktop.services.leads.lead_form import EMAIL_MAX, EMAIL_PATTERN, NAME_MAX, invalid_phone
from desktop.services.leads.store import normalize_tag
from desktop.services.leads.time_zones import canonical_zone

DEFAULT_BATCH_SIZE = 2000

ProgressCallback = Callable[[int, int], None]
CancelCallback = Callable[[], bool]

_DIGITS_ONLY = re.compile(r"[\d\s().\-]+")
_SCIENTIFIC = re.compile(r"\d(?:[.,]\d+)?[eE]\+?\d+")
_FRACTION = re.compile(r"\d+[.,]\d+")  # one decimal mark: a float, not a dotted number


def _split_cell_tags(text: str) -> tuple[list[str], list[str]]:
    """Tags of one cell (`vip; spring, walk-in`) and the ones that had to be left out."""
    tags: list[str] = []
    rejected: list[str] = []
    for part in text.replace(";", ",").replace("|", ",").split(","):
        if part.strip():
            try:
                tag = normalize_tag(part)
            except UserError:
                rejected.append(clip(part.strip()))
                continue
            if tag not in tags:
                tags.append(tag)
    return tags, rejected


class _Importer:
    def __init__(
        self,
        ctx: Context,
        preview: CsvPreview,
        columns: dict[str, int],
        custom: dict[str, int],
        extra_tag: str | None,
        overwrite: bool,
    ) -> None:
        self.ctx = ctx
        self.region = str(ctx.settings.get("default_region"))
        self.columns = columns
        self.custom = custom
        self.overwrite = overwrite
        self.phone_column = columns["phone"]
        self.expected_columns = preview.column_count
        self.extra_tag = extra_tag
        self.first_seen: dict[str, int] = {}  # E.164 -> line that had it first
        self.recovered_lines = 0
        self.report = ImportReport(
            path=preview.path,
            encoding=preview.encoding,
            delimiter=preview.delimiter,
            has_header=preview.has_header,
            mapping=dict(columns),
        )

    # -- reading one row ---------------------------------------------------------------------

    def _cell(self, cells: list[str], name: str) -> str:
        column = self.columns.get(name)
        return cells[column].strip() if column is not None else ""

    def classify(
        self, line: int, cells: list[str] | None, problem: str, issue: LineIssue
    ) -> ReportRow | Candidate:
        def rejected(status: RowStatus, message: str, e164: str | None = None) -> ReportRow:
            return ReportRow(line, status, clip(phone), e164, None, message)

        phone = ""
        if cells is not None and self.phone_column < len(cells):
            phone = cells[self.phone_column].strip()
        if cells is None or problem:
            return rejected(RowStatus.BAD_ROW, f"Skipped: {problem}.")
        if issue is LineIssue.LOSSY:
            return rejected(
                RowStatus.BAD_ROW,
                "Skipped: this row holds bytes that are not text in any "
                f"encoding tried ({self.report.encoding}, cp1252).",
            )
        misfit = column_problem(cells, self.expected_columns)
        if misfit:
            return rejected(RowStatus.BAD_ROW, f"Skipped: {misfit}.")
        if any("\x00" in cell for cell in cells):
            return rejected(RowStatus.BAD_ROW, "Skipped: this row holds binary data (NUL).")
        if not phone:
            return rejected(RowStatus.MISSING_PHONE, "Skipped: this row has no phone number.")
        warnings: list[str] = []
        e164 = self._phone(phone, warnings)
        if e164 is None:
            return rejected(RowStatus.INVALID_PHONE, self._invalid_phone_message(phone))

        first, last = self._cell(cells, "first_name"), self._cell(cells, "last_name")
        full = self._cell(cells, "full_name")
        if full:
            given, _, family = full.partition(" ")
            first, last = first or given, last or family.strip()
        for label, value in (("first name", first), ("last name", last)):
            if len(value) > NAME_MAX:
                return rejected(
                    RowStatus.BAD_ROW,
                    f"Skipped: the {label} has {len(value)} characters; at most {NAME_MAX} fit.",
                    e164,
                )
        seen = self.first_seen.get(e164)
        if seen is not None:
            return rejected(
                RowStatus.DUPLICATE_IN_FILE,
                f"Skipped: line {seen} already has this number ({e164}).",
                e164,
            )
        self.first_seen[e164] = line

        email = self._cell(cells, "email")
        if email and (len(email) > EMAIL_MAX or not EMAIL_PATTERN.fullmatch(email)):
            warnings.append(f"The email {clip(email)!r} is not valid and was left out.")
            email = ""
        timezone = self._cell(cells, "timezone")
        if timezone:
            known = canonical_zone(timezone)
            if known is None:
                warnings.append(
                    f"The time zone {clip(timezone)!r} is unknown and was ignored "
                    "(use a name such as America/New_York)."
                )
            timezone = known or ""
        tags, bad_tags = _split_cell_tags(self._cell(cells, "tags"))
        if bad_tags:
            warnings.append(f"Tags longer than 64 characters were left out: {bad_tags[0]!r}.")
        if self.extra_tag and self.extra_tag not in tags:
            tags.append(self.extra_tag)
        if issue is LineIssue.RECOVERED:
            self.recovered_lines += 1
            warnings.append(
                f"This row was not valid {self.report.encoding} and was read as Windows-1252; "
                "check its accented letters."
            )
        custom = self._custom(cells, warnings)
        return Candidate(line, phone, e164, first, last, email, timezone, tags, warnings, custom)

    def _custom(self, cells: list[str], warnings: list[str]) -> dict[str, str]:
        values: dict[str, str] = {}
        for name, column in self.custom.items():
            value = " ".join(cells[column].split()) if column < len(cells) else ""
            if len(value) > VALUE_MAX:
                warnings.append(
                    f"The {name} cell has {len(value)} characters (at most {VALUE_MAX}) "
                    "and was left out."
                )
            elif value:
                values[name] = value
        return values

    def _phone(self, phone: str, warnings: list[str]) -> str | None:
        # The float form goes before the digit count below: "41555501650.0" has 11 digits
        # without its ".0", twelve with it.
        text = undo_spreadsheet_float(phone)
        if text is None:
            return None  # a float that lost digits: reported as shortened, never guessed
        e164 = normalize_phone(text, self.region)
        if e164 is not None or not _DIGITS_ONLY.fullmatch(text) or _FRACTION.fullmatch(text):
            return e164  # "4155550165.5" is a float with a fraction, not a number missing its +
        digits = "".join(c for c in text if c.isdigit())
        if 11 <= len(digits) <= 15 and not digits.startswith("0"):
            # Spreadsheets store numbers as numbers and drop the "+": 447911123456 is only a
            # number with its country code in front.
            e164 = normalize_phone("+" + digits, self.region)
            if e164 is not None:
                warnings.append(f"The number had no + and was read as {e164}.")
        return e164

    def _invalid_phone_message(self, phone: str) -> str:
        shown = clip(phone)
        if _SCIENTIFIC.fullmatch(phone):
            return (
                f"Skipped: {shown!r} is a number the spreadsheet shortened; format the phone "
                "column as text and export the file again."
            )
        return f"Skipped: {invalid_phone(phone, self.region)}."

    # -- writing one batch -------------------------------------------------------------------

    def write(self, entries: list[ReportRow | Candidate]) -> None:
        """Store a batch in one transaction, then add its report rows in file order."""
        candidates = [entry for entry in entries if isinstance(entry, Candidate)]
        outcome: dict[int, ReportRow] = {}
        if candidates:
            with self.ctx.db.write() as session:
                outcome = write_batch(session, candidates, self.ctx.now(), self.overwrite)
        for entry in entries:
            self.report.add(outcome[entry.line] if isinstance(entry, Candidate) else entry)


def _columns(preview: CsvPreview, mapping: Mapping[str, int] | None) -> dict[str, int]:
    columns = (
        check_mapping(mapping, preview.column_count) if mapping is not None else preview.mapping
    )
    if "phone" not in columns:
        if mapping is not None:
            raise UserError("the column mapping has no phone column; choose one")
        seen = ", ".join(repr(clip(h)) for h in preview.header[:12]) or "none"
        raise UserError(
            f"no phone column found in {preview.path.name} (columns: {seen}); name one "
            "'phone' or 'mobile', or choose it in the import window"
        )
    return columns


def import_leads(
    ctx: Context,
    path: str | Path,
    *,
    mapping: Mapping[str, int] | None = None,
    tag: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    encoding: str | None = None,
    delimiter: str | None = None,
    has_header: bool | None = None,
    custom: Mapping[str, int] | None = None,
    overwrite: bool = False,
) -> ImportReport:
    """Import the leads of a CSV file; see the module docstring.

    `mapping` (field -> 0-based column, fields as in columns.FIELDS) and `encoding`,
    `delimiter`, `has_header` override what `preview_csv` detected. `custom` (custom field
    name -> column) overrides the guess from the header (columns.custom_columns); `{}` keeps
    no other column. `overwrite` lets a filled cell replace a stored value of an existing
    lead (by default only empty fields are filled in). `progress(done, total)` is called
    after every batch with the rows read so far and an estimate of all rows; when `cancel()`
    returns True the import stops after the batch just written, which stays stored.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    extra_tag = normalize_tag(tag) if tag is not None else None
    started = time.perf_counter()
    preview = preview_csv(
        path, max_rows=0, encoding=encoding, delimiter=delimiter, has_header=has_header
    )
    assert preview.format is not None
    columns = _columns(preview, mapping)
    chosen = (
        check_custom_columns(custom, preview.column_count)
        if custom is not None
        else custom_columns(preview.header, columns)
    )
    importer = _Importer(ctx, preview, columns, chosen, extra_tag, overwrite)
    report = importer.report
    estimate = preview.total_rows_estimate
    entries: list[ReportRow | Candidate] = []
    done = line = reported = 0
    header_pending = preview.has_header
    records = open_records(preview.path, preview.format)
    try:
        for cells, problem, issue in records:
            line += 1
            if is_blank(cells):
                if not header_pending:
                    report.blank_lines += 1
                    done += 1
                continue
            if header_pending and cells is not None:
                header_pending = False  # the row preview_csv took as the header
                continue
            done += 1
            entries.append(importer.classify(line, cells, problem, issue))
            if len(entries) >= batch_size:
                importer.write(entries)
                entries = []
                if progress is not None:
                    progress(done, max(estimate, done))
                    reported = done
                if cancel is not None and cancel():
                    report.canceled = True
                    break
    finally:
        records.close()
    if not report.canceled:
        if not entries and not report.rows:
            raise UserError(f"{preview.path.name} has no rows to import")
        importer.write(entries)
        if progress is not None and (done > reported or estimate != done):
            progress(done, done)
    if importer.recovered_lines:
        report.notes.append(
            f"{importer.recovered_lines} row(s) were not valid {report.encoding} and were read "
            "as Windows-1252; their accented letters may need a check."
        )
    report.seconds = time.perf_counter() - started
    return report
