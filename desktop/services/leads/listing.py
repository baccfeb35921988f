"""Reading leads: one page of a list, filtered and sorted in the query (a lazily loaded
table pages through one stable order), counts, tags and custom field names."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, case, func, or_, select

from desktop.models import Lead, LeadTag
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound
from desktop.services.leads.custom_fields import Fields, as_pairs
from desktop.services.leads.tags import normalize_tag


@dataclass(frozen=True)
class LeadRow:
    """A detached lead for display and JSON."""

    id: int
    phone: str
    first_name: str
    last_name: str
    email: str
    tags: tuple[str, ...]
    timezone: str
    opted_out: bool
    deleted: bool
    custom_fields: Fields = ()
    # Set by the engine when a text failed because the number cannot take texts (30005...).
    dead_number_code: int | None = None
    dead_number_at: datetime | None = None
    # The number's zones never share the sending window: its texts wait for a time zone.
    timezone_needed: bool = False

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def dead_number(self) -> bool:
        return self.dead_number_code is not None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "phone": self.phone,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "tags": list(self.tags),
            "timezone": self.timezone,
            "opted_out": self.opted_out,
        }

    @staticmethod
    def of(lead: Lead) -> LeadRow:
        return LeadRow(
            id=lead.id,
            phone=lead.phone,
            first_name=lead.first_name,
            last_name=lead.last_name,
            email=lead.email,
            tags=tuple(lead.tag_names),
            timezone=lead.timezone,
            opted_out=lead.opted_out,
            deleted=lead.deleted_at is not None,
            custom_fields=as_pairs(lead.custom_fields),
            dead_number_code=lead.dead_number_code,
            dead_number_at=lead.dead_number_at,
            timezone_needed=lead.timezone_needed,
        )


class LeadShow(StrEnum):
    """Which leads a list shows, beside the search and the tag."""

    ALL = "all"
    DEAD_NUMBER = "dead_number"
    TIMEZONE_NEEDED = "timezone_needed"
    OPTED_OUT = "opted_out"


class LeadSort(StrEnum):
    """What a list is sorted by (the leads page's columns)."""

    ADDED = "added"  # the order leads came in (their id)
    NAME = "name"
    PHONE = "phone"
    EMAIL = "email"
    TAGS = "tags"
    TIMEZONE = "timezone"
    TEXTS = "texts"  # can receive texts, then time zone needed, dead number, opted out


SortKeys = tuple[list[Any], list[Any]]  # SQL expressions and columns


def _sort_keys(sort: LeadSort) -> SortKeys:
    """(keys that never turn around, keys that do). An empty name, email or time zone and a
    lead without a tag sort after the others in both directions: sorting by name, the owner
    wants to see names first."""
    if sort is LeadSort.NAME:
        return [Lead.first_name == ""], [func.lower(Lead.first_name), func.lower(Lead.last_name)]
    if sort is LeadSort.EMAIL:
        return [Lead.email == ""], [func.lower(Lead.email)]
    if sort is LeadSort.TIMEZONE:
        return [Lead.timezone == ""], [func.lower(Lead.timezone)]
    if sort is LeadSort.PHONE:
        return [], [Lead.phone]
    if sort is LeadSort.TAGS:
        # By the lead's first tag in alphabetical order.
        first_tag = (
            select(func.min(LeadTag.tag)).where(LeadTag.lead_id == Lead.id).scalar_subquery()
        )
        return [first_tag.is_(None)], [first_tag]
    if sort is LeadSort.TEXTS:
        rank = case(
            (Lead.opted_out.is_(True), 3),
            (Lead.dead_number_code.is_not(None), 2),
            (Lead.timezone_needed.is_(True), 1),
            else_=0,
        )
        return [], [rank]
    return [], []


def _ordered(query: Select[Any], sort: LeadSort, descending: bool) -> Select[Any]:
    """Sorted in the query, so a lazily loaded list pages through one stable order; the id
    (the order leads came in) breaks ties."""
    fixed, turning = _sort_keys(sort)
    if descending:
        return query.order_by(*fixed, *(key.desc() for key in turning), Lead.id.desc())
    return query.order_by(*fixed, *turning, Lead.id)


def _filtered(
    query: Select[Any],
    search: str | None,
    tag: str | None,
    include_deleted: bool,
    show: LeadShow = LeadShow.ALL,
) -> Select[Any]:
    if not include_deleted:
        query = query.where(Lead.deleted_at.is_(None))
    if show is LeadShow.DEAD_NUMBER:
        query = query.where(Lead.dead_number_code.is_not(None))
    elif show is LeadShow.TIMEZONE_NEEDED:
        query = query.where(Lead.timezone_needed.is_(True))
    elif show is LeadShow.OPTED_OUT:
        query = query.where(Lead.opted_out.is_(True))
    if tag:
        query = query.where(
            Lead.id.in_(select(LeadTag.lead_id).where(LeadTag.tag == normalize_tag(tag)))
        )
    if search and search.strip():
        like = f"%{search.strip()}%"
        query = query.where(
            or_(
                Lead.phone.ilike(like),
                Lead.first_name.ilike(like),
                Lead.last_name.ilike(like),
                Lead.email.ilike(like),
            )
        )
    return query


def list_leads(
    ctx: Context,
    *,
    search: str | None = None,
    tag: str | None = None,
    include_deleted: bool = False,
    show: LeadShow = LeadShow.ALL,
    sort: LeadSort = LeadSort.ADDED,
    descending: bool = False,
    offset: int = 0,
    limit: int | None = None,
    ids: Collection[int] | None = None,
) -> list[LeadRow]:
    """One page of leads; `ids`: only those of them (that pass the filters)."""
    with ctx.db.read() as session:
        query = _filtered(select(Lead), search, tag, include_deleted, show)
        if ids is not None:
            query = query.where(Lead.id.in_(ids))
        query = _ordered(query, sort, descending).offset(offset).limit(limit)
        return [LeadRow.of(lead) for lead in session.scalars(query)]


def count_leads(
    ctx: Context,
    *,
    search: str | None = None,
    tag: str | None = None,
    include_deleted: bool = False,
    show: LeadShow = LeadShow.ALL,
) -> int:
    with ctx.db.read() as session:
        query = _filtered(select(func.count(Lead.id)), search, tag, include_deleted, show)
        return int(session.scalar(query) or 0)


def get_lead(ctx: Context, lead_id: int) -> LeadRow:
    with ctx.db.read() as session:
        lead = session.get(Lead, lead_id)
        if lead is None:
            raise NotFound(f"no lead with id {lead_id}")
        return LeadRow.of(lead)


def flag_counts(ctx: Context) -> dict[LeadShow, int]:
    """How many live leads each flag holds, for the page's filter choices."""
    with ctx.db.read() as session:
        dead, zoneless, opted_out = session.execute(
            select(
                func.count(Lead.id).filter(Lead.dead_number_code.is_not(None)),
                func.count(Lead.id).filter(Lead.timezone_needed.is_(True)),
                func.count(Lead.id).filter(Lead.opted_out.is_(True)),
            ).where(Lead.deleted_at.is_(None))
        ).one()
    return {
        LeadShow.DEAD_NUMBER: int(dead or 0),
        LeadShow.TIMEZONE_NEEDED: int(zoneless or 0),
        LeadShow.OPTED_OUT: int(opted_out or 0),
    }


def all_tags(ctx: Context) -> list[tuple[str, int]]:
    """Every tag with how many live leads carry it."""
    with ctx.db.read() as session:
        rows = session.execute(
            select(LeadTag.tag, func.count())
            .join(Lead, Lead.id == LeadTag.lead_id)
            .where(Lead.deleted_at.is_(None))
            .group_by(LeadTag.tag)
            .order_by(LeadTag.tag)
        ).all()
    return [(tag, count) for tag, count in rows]


def custom_field_names(ctx: Context) -> list[str]:
    """Every custom field some live lead carries, for the lead editor and merge fields."""
    names: set[str] = set()
    with ctx.db.read() as session:
        query = select(Lead.custom_fields).where(
            Lead.custom_fields.is_not(None), Lead.deleted_at.is_(None)
        )
        for (fields,) in session.execute(query.execution_options(yield_per=5000)):
            names.update(name for name, _ in as_pairs(fields))
    return sorted(names)
