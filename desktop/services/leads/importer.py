"""Leads import from CSV, with a row-by-row report.

The file is read as a stream and written in batches, each in its own write transaction: one
query finds the batch's numbers that are already stored, new leads go in with one bulk insert,
known ones are updated (non-empty cells win, empty cells keep what is stored, tags are added).
A bad row is reported and skipped; only a file that cannot be read at all raises `UserError`.
Reading the file (encoding, delimiter, header) is in csv_reader; the report in
import_report.
"""

from __future__ import annotations

import re
import time
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from desktop.models import Lead, LeadTag
from desktop.services.core.context import Context
from desktop.services.core.errors import UserError
from desktop.services.core.phones import normalize_phone, undo_spreadsheet_float
from desktop.services.leads.columns import check_mapping
from desktop.services.leads.csv_reader import (
    CsvPreview,
    LineIssue,
    column_problem,
    is_blank,
    open_records,
    preview_csv,
)
from desktop.services.leads.import_report import ImportReport, ReportRow, RowStatus
from desktop.services.leads.store import normalize_tag, restore_leads

DEFAULT_BATCH_SIZE = 2000
LEADS = cast(Table, Lead.__table__)
LEAD_TAGS = cast(Table, LeadTag.__table__)
# The stored fields a row can fill in or overwrite.
_MERGED = ("first_name", "last_name", "email", "timezone")
# Column sizes of the leads table: a longer name is a bad row, not a silent cut.
NAME_MAX = 100
EMAIL_MAX = 254
TZ_MAX = 64
SHOWN_MAX = 40  # how much of a cell a report row or a message repeats

ProgressCallback = Callable[[int, int], None]
CancelCallback = Callable[[], bool]


@dataclass(slots=True)
class _Candidate:
    """A row with a valid, first-seen number, waiting for its batch to be written."""

    line: int
    phone: str
    e164: str
    first_name: str
    last_name: str
    email: str
    timezone: str
    tags: list[str]
    warnings: list[str]


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DIGITS_ONLY = re.compile(r"[\d\s().\-]+")
_SCIENTIFIC = re.compile(r"\d(?:[.,]\d+)?[eE]\+?\d+")
_FRACTION = re.compile(r"\d+[.,]\d+")  # one decimal mark: a float, not a dotted number


@lru_cache(maxsize=1)
def _known_zones() -> dict[str, str]:
    """casefolded IANA name -> its spelling; empty where the system has no zone database
    (Windows without the tzdata package), and then time zones are taken as written."""
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def _clip(text: str) -> str:
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"


def _split_cell_tags(text: str) -> tuple[list[str], list[str]]:
    """Tags of one cell (`vip; spring, walk-in`) and the ones that had to be left out."""
    tags: list[str] = []
    rejected: list[str] = []
    for part in text.replace(";", ",").replace("|", ",").split(","):
        if part.strip():
            try:
                tag = normalize_tag(part)
            except UserError:
                rejected.append(_clip(part.strip()))
                continue
            if tag not in tags:
                tags.append(tag)
    return tags, rejected


class _Importer:
    def __init__(
        self, ctx: Context, preview: CsvPreview, columns: dict[str, int], extra_tag: str | None
    ) -> None:
        self.ctx = ctx
        self.region = str(ctx.settings.get("default_region"))
        self.columns = columns
        self.phone_column = columns["phone"]
        self.expected_columns = preview.column_count
        self.extra_tag = extra_tag
        self.zones = _known_zones()
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
    ) -> ReportRow | _Candidate:
        def rejected(status: RowStatus, message: str, e164: str | None = None) -> ReportRow:
            return ReportRow(line, status, _clip(phone), e164, None, message)

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
        if email and (len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email)):
            warnings.append(f"The email {_clip(email)!r} is not valid and was left out.")
            email = ""
        timezone = self._cell(cells, "timezone")
        if timezone:
            # Without a zone database (Windows lacking tzdata) take the name as written.
            known = self.zones.get(timezone.casefold()) if self.zones else timezone[:TZ_MAX]
            if known is None:
                warnings.append(
                    f"The time zone {_clip(timezone)!r} is unknown and was ignored "
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
        return _Candidate(line, phone, e164, first, last, email, timezone, tags, warnings)

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
        shown = _clip(phone)
        if _SCIENTIFIC.fullmatch(phone):
            return (
                f"Skipped: {shown!r} is a number the spreadsheet shortened; format the phone "
                "column as text and export the file again."
            )
        return (
            f"Skipped: {shown!r} is not a valid phone number (numbers without a + country "
            f"code are read as {self.region} numbers)."
        )

    # -- writing one batch -------------------------------------------------------------------

    def write(self, entries: list[ReportRow | _Candidate]) -> None:
        """Store a batch in one transaction, then add its report rows in file order."""
        candidates = [entry for entry in entries if isinstance(entry, _Candidate)]
        outcome: dict[int, ReportRow] = {}
        if candidates:
            with self.ctx.db.write() as session:
                outcome = self._store(session, candidates)
        for entry in entries:
            self.report.add(outcome[entry.line] if isinstance(entry, _Candidate) else entry)

    def _store(self, session: Session, candidates: list[_Candidate]) -> dict[int, ReportRow]:
        now = self.ctx.now()
        c = LEADS.c
        query = select(c.id, c.phone, *(c[name] for name in _MERGED), c.opted_out, c.deleted_at)
        phones = [cand.e164 for cand in candidates]
        found = {row.phone: row for row in session.execute(query.where(c.phone.in_(phones)))}
        new = [cand for cand in candidates if cand.e164 not in found]
        known = [(cand, found[cand.e164]) for cand in candidates if cand.e164 in found]
        ids: dict[str, int] = {}
        if new:
            # Multi-row INSERT ... RETURNING, a few hundred rows a statement; no ORM objects.
            result = session.execute(
                insert(LEADS).returning(c.phone, c.id),
                [
                    {
                        **{name: getattr(cand, name) for name in _MERGED},
                        "phone": cand.e164,
                        "opted_out": False,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for cand in new
                ],
            )
            ids = {phone: lead_id for phone, lead_id in result}
        deleted = [row.id for _, row in known if row.deleted_at is not None]
        if deleted:
            # Rare, so the ORM path: restore_leads keeps the sequences' counters right.
            restore_leads(session, list(session.scalars(select(Lead).where(Lead.id.in_(deleted)))))
            session.flush()
        have_tags: set[tuple[int, str]] = set()
        tagged = [row.id for cand, row in known if cand.tags]
        if tagged:
            tags = LEAD_TAGS.c
            pairs = session.execute(select(tags.lead_id, tags.tag).where(tags.lead_id.in_(tagged)))
            have_tags = {(pair.lead_id, pair.tag) for pair in pairs}
        outcome: dict[int, ReportRow] = {}
        tag_rows: list[dict[str, Any]] = []
        for cand in new:
            tag_rows.extend({"lead_id": ids[cand.e164], "tag": tag} for tag in cand.tags)
            outcome[cand.line] = _stored_row(cand, RowStatus.CREATED, ids[cand.e164], "Created.")
        updates: list[dict[str, Any]] = []
        for cand, row in known:
            # A filled cell that differs wins; an empty cell keeps what is stored.
            stored = row._mapping
            changed = [n for n in _MERGED if getattr(cand, n) not in ("", stored[n])]
            added = [tag for tag in cand.tags if (row.id, tag) not in have_tags]
            tag_rows.extend({"lead_id": row.id, "tag": tag} for tag in added)
            if changed or added or row.deleted_at is not None:
                values = {n: getattr(cand, n) if n in changed else stored[n] for n in _MERGED}
                updates.append({"b_id": row.id, **{f"b_{n}": v for n, v in values.items()}})
            status = RowStatus.UPDATED if row.deleted_at is None else RowStatus.RESTORED
            message = _update_message(status, changed, added, row.opted_out)
            outcome[cand.line] = _stored_row(cand, status, row.id, message)
        if updates:
            binds: dict[str, Any] = {name: bindparam(f"b_{name}") for name in _MERGED}
            statement = update(LEADS).where(c.id == bindparam("b_id"))
            session.execute(statement.values(**binds, updated_at=now), updates)
        if tag_rows:
            session.execute(insert(LEAD_TAGS), tag_rows)
        return outcome


def _stored_row(cand: _Candidate, status: RowStatus, lead_id: int, message: str) -> ReportRow:
    if cand.warnings:
        message = " ".join([message, *cand.warnings])
    return ReportRow(
        cand.line, status, _clip(cand.phone), cand.e164, lead_id, message, bool(cand.warnings)
    )


def _update_message(
    status: RowStatus, changed: list[str], added: list[str], opted_out: bool
) -> str:
    head = "Already present" if status is RowStatus.UPDATED else "Was deleted; restored"
    details = [f"updated {', '.join(n.replace('_', ' ') for n in changed)}"] if changed else []
    if added:
        details.append(f"added tag{'s' if len(added) > 1 else ''} {', '.join(added)}")
    text = f"{head}; {'; '.join(details) or 'nothing new in this row'}."
    return text + (" It stays opted out." if opted_out else "")


def _columns(preview: CsvPreview, mapping: Mapping[str, int] | None) -> dict[str, int]:
    columns = (
        check_mapping(mapping, preview.column_count) if mapping is not None else preview.mapping
    )
    if "phone" not in columns:
        if mapping is not None:
            raise UserError("the column mapping has no phone column; choose one")
        seen = ", ".join(repr(_clip(h)) for h in preview.header[:12]) or "none"
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
) -> ImportReport:
    """Import the leads of a CSV file; see the module docstring.

    `mapping` (field -> 0-based column, fields as in csv_sniff.FIELDS) and `encoding`,
    `delimiter`, `has_header` override what `preview_csv` detected. `progress(done, total)` is
    called after every batch with the rows read so far and an estimate of all rows; when
    `cancel()` returns True the import stops after the batch just written, which stays stored.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    extra_tag = normalize_tag(tag) if tag is not None else None
    started = time.perf_counter()
    preview = preview_csv(
        path, max_rows=0, encoding=encoding, delimiter=delimiter, has_header=has_header
    )
    assert preview.format is not None
    importer = _Importer(ctx, preview, _columns(preview, mapping), extra_tag)
    report = importer.report
    estimate = preview.total_rows_estimate
    entries: list[ReportRow | _Candidate] = []
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
