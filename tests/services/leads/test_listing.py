"""Lists of leads sorted and filtered in the query: every sort key both ways, stable pages,
the flag filters and their counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from desktop.models import Lead, LeadTag
from desktop.services.core.context import Context
from desktop.services.leads import store as leads
from desktop.services.leads.store import LeadShow, LeadSort

# (phone, first, last, email, timezone, tags, opted out, dead code, time zone needed)
PEOPLE = [
    ("+14155550105", "bea", "Zed", "", "", ("walk-in",), False, None, False),
    ("+14155550101", "Ana", "Lima", "ana@example.com", "America/Chicago", (), False, None, True),
    ("+14155550103", "", "", "zz@example.com", "", ("vip", "b"), True, None, False),
    ("+14155550102", "Cy", "Doe", "cy@example.com", "Europe/Paris", ("vip",), False, 30005, False),
    ("+14155550104", "Ana", "Berg", "", "", (), False, None, False),
]


@pytest.fixture
def people(ctx: Context) -> dict[str, int]:
    ids: dict[str, int] = {}
    with ctx.db.write() as session:
        for phone, first, last, email, zone, tags, out, dead, zoneless in PEOPLE:
            lead = Lead(
                phone=phone,
                first_name=first,
                last_name=last,
                email=email,
                timezone=zone,
                opted_out=out,
                dead_number_code=dead,
                dead_number_at=datetime(2026, 11, 20, tzinfo=UTC) if dead else None,
                timezone_needed=zoneless,
            )
            lead.tags = [LeadTag(tag=tag) for tag in tags]
            session.add(lead)
            session.flush()
            ids[phone] = lead.id
    return ids


def phones(ctx: Context, sort: LeadSort, descending: bool = False, **kw: object) -> list[str]:
    rows = leads.list_leads(ctx, sort=sort, descending=descending, **kw)  # type: ignore[arg-type]
    return [lead.phone[-3:] for lead in rows]


@pytest.mark.parametrize(
    ("sort", "ascending", "descending"),
    [
        (
            LeadSort.ADDED,
            ["105", "101", "103", "102", "104"],
            ["104", "102", "103", "101", "105"],
        ),
        # By first name then last name, case-insensitive; a lead without a name last.
        (
            LeadSort.NAME,
            ["104", "101", "105", "102", "103"],
            ["102", "105", "101", "104", "103"],
        ),
        (
            LeadSort.PHONE,
            ["101", "102", "103", "104", "105"],
            ["105", "104", "103", "102", "101"],
        ),
        # No email last in both directions; ties in the order leads came in (or reversed).
        (
            LeadSort.EMAIL,
            ["101", "102", "103", "105", "104"],
            ["103", "102", "101", "104", "105"],
        ),
        # By the first tag alphabetically; no tag last.
        (
            LeadSort.TAGS,
            ["103", "102", "105", "101", "104"],
            ["105", "102", "103", "104", "101"],
        ),
        (
            LeadSort.TIMEZONE,
            ["101", "102", "105", "103", "104"],
            ["102", "101", "104", "103", "105"],
        ),
        # Can receive texts, then time zone needed, dead number, opted out.
        (
            LeadSort.TEXTS,
            ["105", "104", "101", "102", "103"],
            ["103", "102", "101", "104", "105"],
        ),
    ],
)
def test_every_sort_both_ways(
    ctx: Context, people, sort: LeadSort, ascending: list[str], descending: list[str]
) -> None:
    assert phones(ctx, sort) == ascending
    assert phones(ctx, sort, descending=True) == descending


def test_pages_follow_one_order(ctx: Context) -> None:
    with ctx.db.write() as session:
        for i in range(45):
            session.add(Lead(phone=f"+1415555{i:04d}", first_name=f"n{i % 7}", last_name=""))
    every = phones(ctx, LeadSort.NAME)
    paged: list[str] = []
    for offset in range(0, 45, 10):
        rows = leads.list_leads(ctx, sort=LeadSort.NAME, offset=offset, limit=10)
        paged += [lead.phone[-3:] for lead in rows]
    assert paged == every and len(set(paged)) == 45


def test_flag_filters_and_counts(ctx: Context, people) -> None:
    assert phones(ctx, LeadSort.ADDED, show=LeadShow.DEAD_NUMBER) == ["102"]
    assert phones(ctx, LeadSort.ADDED, show=LeadShow.TIMEZONE_NEEDED) == ["101"]
    assert phones(ctx, LeadSort.ADDED, show=LeadShow.OPTED_OUT) == ["103"]
    assert leads.count_leads(ctx, show=LeadShow.DEAD_NUMBER) == 1
    assert leads.count_leads(ctx, show=LeadShow.DEAD_NUMBER, search="nobody") == 0
    assert leads.flag_counts(ctx) == {
        LeadShow.DEAD_NUMBER: 1,
        LeadShow.TIMEZONE_NEEDED: 1,
        LeadShow.OPTED_OUT: 1,
    }
    dead = leads.get_lead(ctx, people["+14155550102"])
    assert dead.dead_number and dead.dead_number_code == 30005
    assert dead.dead_number_at == datetime(2026, 11, 20, tzinfo=UTC)
    leads.delete_leads(ctx, [people["+14155550102"]])
    assert leads.flag_counts(ctx)[LeadShow.DEAD_NUMBER] == 0  # deleted leads are not shown
