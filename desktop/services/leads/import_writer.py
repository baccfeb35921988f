"""Writing one batch of an import: one query finds the batch's numbers already stored, new
leads go in with one bulk insert, known ones are updated with one executemany.

An existing lead is the owner's customer: by default a row only fills the fields that are
empty (a name, an email, a time zone, a custom field), tags are added, and what is stored
stays. With `overwrite` a filled cell replaces what is stored. An empty cell never erases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from desktop.models import Lead, LeadTag
from desktop.services.leads.import_report import ReportRow, RowStatus
from desktop.services.leads.store import release_held, restore_leads

LEADS = cast(Table, Lead.__table__)
LEAD_TAGS = cast(Table, LeadTag.__table__)
# The stored fields a row can fill in or overwrite.
MERGED = ("first_name", "last_name", "email", "timezone")
SHOWN_MAX = 40  # how much of a cell a report row or a message repeats


def clip(text: str) -> str:
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"


@dataclass(slots=True)
class Candidate:
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
    custom: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Merge:
    """What a row does to a stored lead."""

    values: dict[str, Any]  # the lead's fields after the row
    changed: list[str]  # field names written
    kept: list[str]  # filled in the file, but the stored value stays (not overwriting)


def _merge(cand: Candidate, stored: Any, overwrite: bool) -> _Merge:
    values = {name: stored[name] for name in MERGED}
    changed: list[str] = []
    kept: list[str] = []
    for name in MERGED:
        new, old = getattr(cand, name), stored[name]
        if new in ("", old):
            continue
        if old and not overwrite:
            kept.append(name.replace("_", " "))
            continue
        values[name] = new
        changed.append(name.replace("_", " "))
    custom = dict(stored["custom_fields"] or {})
    for name, new in cand.custom.items():
        old = custom.get(name, "")
        if new == old:
            continue
        if old and not overwrite:
            kept.append(name)
            continue
        custom[name] = new
        changed.append(name)
    values["custom_fields"] = custom or None
    return _Merge(values, changed, kept)


def write_batch(
    session: Session, candidates: list[Candidate], now: datetime, overwrite: bool
) -> dict[int, ReportRow]:
    """Store the candidates; returns the report row of each, by line."""
    c = LEADS.c
    query = select(
        c.id,
        c.phone,
        *(c[name] for name in MERGED),
        c.custom_fields,
        c.opted_out,
        c.deleted_at,
        c.timezone_needed,
    )
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
                    **{name: getattr(cand, name) for name in MERGED},
                    "phone": cand.e164,
                    "custom_fields": cand.custom or None,
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
    zoned: list[int] = []  # leads waiting for a time zone that now have one
    for cand, row in known:
        stored = row._mapping
        merge = _merge(cand, stored, overwrite)
        added = [tag for tag in cand.tags if (row.id, tag) not in have_tags]
        tag_rows.extend({"lead_id": row.id, "tag": tag} for tag in added)
        if merge.changed or added or row.deleted_at is not None:
            updates.append({"b_id": row.id, **{f"b_{n}": v for n, v in merge.values.items()}})
        if row.timezone_needed and "timezone" in merge.changed:
            zoned.append(row.id)
        status = RowStatus.UPDATED if row.deleted_at is None else RowStatus.RESTORED
        message = _update_message(status, merge, added, row.opted_out)
        outcome[cand.line] = _stored_row(cand, status, row.id, message)
        touched = merge.changed or merge.kept or added or status is RowStatus.RESTORED
        outcome[cand.line].existing = bool(touched)
    if updates:
        names = (*MERGED, "custom_fields")
        binds: dict[str, Any] = {name: bindparam(f"b_{name}") for name in names}
        statement = update(LEADS).where(c.id == bindparam("b_id"))
        session.execute(statement.values(**binds, updated_at=now), updates)
    if zoned:
        # Given a time zone, as in the lead editor: the flag goes, held texts are due now.
        session.execute(update(LEADS).where(c.id.in_(zoned)).values(timezone_needed=False))
        release_held(session, zoned, now)
    if tag_rows:
        session.execute(insert(LEAD_TAGS), tag_rows)
    return outcome


def _stored_row(cand: Candidate, status: RowStatus, lead_id: int, message: str) -> ReportRow:
    if cand.warnings:
        message = " ".join([message, *cand.warnings])
    return ReportRow(
        cand.line, status, clip(cand.phone), cand.e164, lead_id, message, bool(cand.warnings)
    )


def _update_message(status: RowStatus, merge: _Merge, added: list[str], opted_out: bool) -> str:
    head = "Already present" if status is RowStatus.UPDATED else "Was deleted; restored"
    details = [f"updated {', '.join(merge.changed)}"] if merge.changed else []
    if added:
        details.append(f"added tag{'s' if len(added) > 1 else ''} {', '.join(added)}")
    if merge.kept:
        details.append(
            f"kept the stored {', '.join(merge.kept)} (the file has another; import with "
            "“overwrite” to replace it)"
        )
    text = f"{head}; {'; '.join(details) or 'nothing new in this row'}."
    return text + (" It stays opted out." if opted_out else "")
