"""Importing over leads the owner already has: empty fields are filled in, stored ones kept
unless the import overwrites; other named columns become custom fields; the rule about a
missing + is said only where it applies; a time zone from the file releases held texts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from desktop.models import Lead, Message
from desktop.services.core.context import Context
from desktop.services.core.errors import UserError
from desktop.services.leads.import_report import RowStatus
from desktop.services.leads.importer import import_leads
from desktop.services.leads.store import LeadRow, list_leads
from desktop.services.sequences import builder
from desktop.services.sequences.builder import LeadSelection, StepSpec

OLIVIA = "phone,first name,last name,email\n+14155550142,Olivia,Park,olivia@example.com\n"
DUPLICATE = "phone,first name,last name,email\n+1 415 555 0142,Olivia,Duplicate,dup@example.com\n"


def write(folder: Path, text: str, name: str = "leads.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def only_lead(ctx: Context) -> LeadRow:
    (lead,) = list_leads(ctx)
    return lead


def test_a_row_with_a_known_number_does_not_rename_the_customer(ctx: Context, tmp_path) -> None:
    import_leads(ctx, write(tmp_path, OLIVIA))
    report = import_leads(ctx, write(tmp_path, DUPLICATE, "again.csv"))
    (row,) = report.rows
    assert row.status is RowStatus.UPDATED
    assert "kept the stored last name, email" in row.message and "overwrite" in row.message
    lead = only_lead(ctx)
    assert (lead.first_name, lead.last_name, lead.email) == ("Olivia", "Park", "olivia@example.com")

    report = import_leads(ctx, write(tmp_path, DUPLICATE, "again.csv"), overwrite=True)
    assert report.rows[0].message == "Already present; updated last name, email."
    lead = only_lead(ctx)
    assert (lead.last_name, lead.email) == ("Duplicate", "dup@example.com")


def test_other_columns_become_custom_fields(ctx: Context, tmp_path) -> None:
    text = "Name,Mobile,Company,Store #,Phone\nAna Lima,+14155550101,Acme,12,+14155559999\n"
    report = import_leads(ctx, write(tmp_path, text))
    assert report.counts[RowStatus.CREATED] == 1
    lead = only_lead(ctx)
    # The second phone column is a phone column, not a custom field.
    assert lead.custom_fields == (("company", "Acme"), ("store", "12"))
    # Keep by default, replace with overwrite; an empty cell never erases.
    again = "Mobile,Company,Store #,Region\n+14155550101,Other,,North\n"
    import_leads(ctx, write(tmp_path, again, "b.csv"))
    assert only_lead(ctx).custom_fields == (
        ("company", "Acme"),
        ("region", "North"),
        ("store", "12"),
    )
    import_leads(ctx, write(tmp_path, again, "b.csv"), overwrite=True)
    assert dict(only_lead(ctx).custom_fields)["company"] == "Other"


def test_custom_columns_can_be_chosen_or_refused(ctx: Context, tmp_path) -> None:
    text = "Mobile,Company,Notes\n+14155550101,Acme,call after 5\n"
    import_leads(ctx, write(tmp_path, text), custom={})
    assert only_lead(ctx).custom_fields == ()
    import_leads(ctx, write(tmp_path, text), custom={"Firm": 1})
    assert only_lead(ctx).custom_fields == (("firm", "Acme"),)
    with pytest.raises(UserError, match="not one of the file's 3 columns"):
        import_leads(ctx, write(tmp_path, text), custom={"x": 7})
    with pytest.raises(UserError, match="already a field"):
        import_leads(ctx, write(tmp_path, text), custom={"email": 2})


def test_a_custom_cell_too_long_is_left_out_with_a_warning(ctx: Context, tmp_path) -> None:
    text = f"Mobile,Notes\n+14155550101,{'x' * 600}\n"
    report = import_leads(ctx, write(tmp_path, text))
    assert report.rows[0].warning and "notes cell has 600 characters" in report.rows[0].message
    assert only_lead(ctx).custom_fields == ()


@pytest.mark.parametrize(
    ("phone", "plus_rule"),
    [("+44 7700 900123", False), ("0044 7700 900123", False), ("12", True), ("415 555", True)],
)
def test_the_plus_rule_only_where_it_applies(ctx: Context, tmp_path, phone, plus_rule) -> None:
    report = import_leads(ctx, write(tmp_path, f"phone\n{phone}\n"))
    (row,) = report.rows
    assert row.status is RowStatus.INVALID_PHONE
    assert ("numbers without a + country code are read as US numbers" in row.message) is plus_rule


def test_a_time_zone_from_the_file_releases_held_texts(ctx: Context, tmp_path) -> None:
    import_leads(ctx, write(tmp_path, "phone\n+79141234567\n"))
    builder.create_sequence(
        ctx, "S", [StepSpec("Hi. Reply STOP to opt out")], LeadSelection(all=True)
    )
    held_until = ctx.now() + timedelta(days=1)
    with ctx.db.write() as session:
        session.execute(update(Lead).values(timezone_needed=True))
        session.execute(update(Message).values(scheduled_for=held_until))
    import_leads(ctx, write(tmp_path, "phone,timezone\n+79141234567,Asia/Vladivostok\n", "z.csv"))
    lead = only_lead(ctx)
    assert lead.timezone == "Asia/Vladivostok" and not lead.timezone_needed
    with ctx.db.read() as session:
        due = session.scalars(select(Message.scheduled_for)).one()
    assert due is not None and due < held_until


def test_the_sample_csv_imports_cleanly(ctx: Context, tmp_path) -> None:
    from desktop.services.leads.sample_csv import ROWS, write_sample_csv

    path = write_sample_csv(tmp_path / "sample.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = import_leads(ctx, path)
    assert report.counts[RowStatus.CREATED] == len(ROWS) == report.total
    assert report.warnings == 0
    olivia = next(lead for lead in list_leads(ctx) if lead.first_name == "Olivia")
    assert olivia.tags == ("spring fair", "vip") and olivia.timezone == "America/Los_Angeles"
    assert olivia.custom_fields == (("company", "Acme Bikes"),)
    with pytest.raises(UserError, match="folder"):
        write_sample_csv(tmp_path)


def test_rows_that_touch_existing_leads_are_noteworthy(ctx: Context, tmp_path) -> None:
    import_leads(ctx, write(tmp_path, OLIVIA))
    newcomer = "+14155550143,New,Person,\n"
    report = import_leads(ctx, write(tmp_path, DUPLICATE + newcomer, "c.csv"))
    assert [row.line for row in report.noteworthy_rows()] == [2]  # kept values: worth a look
    again = import_leads(ctx, write(tmp_path, OLIVIA + newcomer, "d.csv"))
    assert again.noteworthy_rows() == []  # nothing new anywhere
