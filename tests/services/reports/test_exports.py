"""CSV exports: a row per message, the summary, formula injection, BOM, no token; phone
numbers, costs, message text and local times as a spreadsheet should read them."""

import csv
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from desktop.models import Lead, Message
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound, UserError
from desktop.services.leads.quiet_hours import local_zone
from desktop.services.reports import exports as reports
from desktop.services.reports.history import messages_in_bucket
from desktop.services.reports.list_export import export_bucket_rows
from desktop.services.reports.spreadsheet import money, zone_name
from desktop.services.sequences import builder
from desktop.services.status.transitions import move
from desktop.services.status.vocabulary import Bucket, EventKind
from tests.helpers import add_leads, report_status

TOKEN = "fedcba9876543210fedcba9876543210"
NEW_YORK = ZoneInfo("America/New_York")
HANDED_OFF = datetime(2026, 11, 27, 23, 5, 9, tzinfo=UTC)  # 18:05:09 in New York


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+15551234", "+15551234"),  # a phone number: + and digits only, never a formula
        ("+1555-1234", "'+1555-1234"),
        ("+1+1", "'+1+1"),
        ("+", "'+"),
        ("-2", "'-2"),
        ("-0.0079", "'-0.0079"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("José", "José"),
        (None, ""),
        (42, "42"),
    ],
)
def test_safe_cell(value, expected: str) -> None:
    assert reports.safe_cell(value) == expected


def _sequence_with_outcomes(ctx: Context) -> int:
    add_leads(ctx, 3)
    with ctx.db.write() as session:
        lead = session.get(Lead, 1)
        lead.first_name, lead.last_name = '=HYPERLINK("x")', "Müller"
    sid = builder.create_sequence(
        ctx,
        "Report",
        [builder.StepSpec("Hi {first_name}. Reply STOP to opt out")],
        builder.LeadSelection(all=True),
    ).sequence_id
    now = ctx.now()
    with ctx.db.write() as session:
        first, second, _third = session.scalars(select(Message).order_by(Message.id)).all()
        move(session, first, Bucket.OUTBOX, EventKind.HANDED_OFF, now, provider_status="queued")
        first.handed_off_at = HANDED_OFF
        first.price, first.price_unit = "-0.00790", "USD"  # as Twilio reports it
        move(session, second, Bucket.OUTBOX, EventKind.HANDED_OFF, now, provider_status="queued")
        second.price, second.price_unit = "-0.01580", "USD"
    report_status(ctx, first.id, "undelivered", error_code=30008, error_message="Unknown error")
    report_status(ctx, second.id, "delivered")
    return sid


def test_sequence_export(ctx: Context, tmp_path: Path) -> None:
    ctx.settings.set("twilio_auth_token", TOKEN)
    sid = _sequence_with_outcomes(ctx)
    out = tmp_path / "seq.csv"
    assert reports.export_sequence(ctx, sid, out, zone=NEW_YORK) == 3
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    assert TOKEN.encode() not in raw
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert [r["Status"] for r in rows] == ["Error", "Sent", "In-queue"]
    assert rows[0]["Lead"] == '\'=HYPERLINK("x") Müller'
    assert [r["Phone"] for r in rows] == ["+14155550000", "+14155550001", "+14155550002"]
    assert rows[0]["Message"] == 'Hi =HYPERLINK("x"). Reply STOP to opt out'
    assert rows[1]["Message"] == "Hi Lead1. Reply STOP to opt out"
    assert rows[0]["Error code"] == "30008"
    assert "carrier" in rows[0]["Explanation"].lower()
    assert rows[0]["Sent at (America/New_York)"] == "2026-11-27 18:05:09"
    assert "+00:00" not in raw.decode("utf-8-sig")
    assert rows[1]["Final status at (America/New_York)"]
    assert not rows[2]["Final status at (America/New_York)"]
    assert [r["Cost (USD)"] for r in rows] == ["0.0079", "0.0158", ""]
    assert float(rows[1]["Cost (USD)"]) > 0
    assert not (tmp_path / "seq.csv.part").exists()


def test_sequence_export_names_this_computers_zone_by_default(ctx: Context, tmp_path) -> None:
    sid = _sequence_with_outcomes(ctx)
    out = tmp_path / "seq.csv"
    reports.export_sequence(ctx, sid, out)
    header = next(csv.reader(out.open(encoding="utf-8-sig")))
    assert f"Sent at ({zone_name(local_zone())})" in header


def test_lead_list_export(ctx: Context, tmp_path: Path) -> None:
    sid = _sequence_with_outcomes(ctx)
    out = tmp_path / "list.csv"
    rows = messages_in_bucket(ctx, sid, Bucket.SENT)
    assert export_bucket_rows(rows, out, zone=NEW_YORK) == 1
    (row,) = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert row["Phone"] == "+14155550001"
    assert row["Message"] == "Hi Lead1. Reply STOP to opt out"
    assert row["Time (America/New_York)"]


def test_summary_export(ctx: Context, tmp_path: Path) -> None:
    _sequence_with_outcomes(ctx)
    out = tmp_path / "summary.csv"
    assert reports.export_summary(ctx, out, zone=NEW_YORK) == 1
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    row = rows[0]
    assert row["Cost (USD)"] == "0.0237"  # 0.0079 + 0.0158, as a positive number
    assert row["Created (America/New_York)"] and row["Start (America/New_York)"]
    assert "+00:00" not in out.read_text(encoding="utf-8-sig")
    assert (row["Name"], row["Total"], row["Error"], row["Sent"], row["In-queue"]) == (
        "Report",
        "3",
        "1",
        "1",
        "1",
    )
    assert row["Status"] == "In progress"


def test_export_errors(ctx: Context, tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        reports.export_sequence(ctx, 42, tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()
    with pytest.raises(UserError, match="folder"):
        reports.export_summary(ctx, tmp_path)
    with pytest.raises(UserError, match="cannot write"):
        reports.export_summary(ctx, tmp_path / "missing-dir" / "x.csv")


@pytest.mark.parametrize(
    ("amount", "text"),
    [("0.00790", "0.0079"), ("1", "1.00"), ("12.5", "12.50"), ("0", "0.00"), (None, "")],
)
def test_money(amount: str | None, text: str) -> None:
    from decimal import Decimal

    assert money(Decimal(amount) if amount is not None else None) == text
