"""CSV exports: a row per message, the summary, formula injection, BOM, no token."""

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.models import Lead, Message
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound, UserError
from desktop.services.reports import exports as reports
from desktop.services.sequences import builder
from desktop.services.status.transitions import move
from desktop.services.status.vocabulary import Bucket, EventKind
from tests.helpers import add_leads, report_status

TOKEN = "fedcba9876543210fedcba9876543210"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+15551234", "'+15551234"),
        ("-2", "'-2"),
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
        first.handed_off_at = now
        move(session, second, Bucket.OUTBOX, EventKind.HANDED_OFF, now, provider_status="queued")
    report_status(ctx, first.id, "undelivered", error_code=30008, error_message="Unknown error")
    report_status(ctx, second.id, "delivered")
    return sid


def test_sequence_export(ctx: Context, tmp_path: Path) -> None:
    ctx.settings.set("twilio_auth_token", TOKEN)
    sid = _sequence_with_outcomes(ctx)
    out = tmp_path / "seq.csv"
    assert reports.export_sequence(ctx, sid, out) == 3
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    assert TOKEN.encode() not in raw
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert [r["Status"] for r in rows] == ["Error", "Sent", "In-queue"]
    assert rows[0]["Lead"] == '\'=HYPERLINK("x") Müller'
    assert rows[0]["Phone"] == "'+14155550000"
    assert rows[0]["Error code"] == "30008"
    assert "carrier" in rows[0]["Explanation"].lower()
    assert rows[0]["Handed off (UTC)"]
    assert rows[1]["Final (UTC)"] and not rows[2]["Final (UTC)"]
    assert not (tmp_path / "seq.csv.part").exists()


def test_summary_export(ctx: Context, tmp_path: Path) -> None:
    _sequence_with_outcomes(ctx)
    out = tmp_path / "summary.csv"
    assert reports.export_summary(ctx, out) == 1
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    row = rows[0]
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
