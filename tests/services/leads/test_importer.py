"""Leads import from CSV: real files in tmp_path, a real migrated SQLite database."""

import codecs
import csv
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from desktop.models import Message, Sequence, SequenceCounter, Step
from desktop.services.core.context import Context
from desktop.services.core.errors import UserError
from desktop.services.leads.csv_reader import SAMPLE_BYTES, preview_csv
from desktop.services.leads.import_report import ImportReport, ReportRow, RowStatus
from desktop.services.leads.importer import import_leads
from desktop.services.leads.store import LeadRow, delete_leads, list_leads, set_opted_out
from desktop.services.status.vocabulary import Bucket, SequenceStatus

HEADER = "phone,first_name,last_name,email,tags,timezone\n"


def write(folder: Path, text: str, *, name: str = "leads.csv", encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def leads_by_phone(ctx: Context) -> dict[str, LeadRow]:
    return {lead.phone: lead for lead in list_leads(ctx, include_deleted=True)}


def by_line(report: ImportReport) -> dict[int, ReportRow]:
    return {row.line: row for row in report.rows}


def test_every_status_is_reported_row_by_row(ctx: Context, tmp_path: Path) -> None:
    import_leads(ctx, write(tmp_path, HEADER + "+14155550101,Old,One,,,\n+14155550102,Gone,,,,\n"))
    delete_leads(ctx, [leads_by_phone(ctx)["+14155550102"].id])
    path = write(
        tmp_path,
        HEADER
        + "+1 415 555 0100,Ann,Lee,ann@example.com,vip,America/Chicago\n"  # 2 created
        + "(415) 555-0101,,,,,\n"  # 3 updated (existing)
        + "415.555.0102,,,,,\n"  # 4 restored (soft-deleted)
        + "12345,Bad,Number,,,\n"  # 5 invalid number
        + "+1 (415) 555-0100,Ann,Again,,,\n"  # 6 duplicate of line 2
        + ",No,Phone,,,\n"  # 7 missing phone
        + "+14155550103,Too,Many,x,y,z,extra\n",  # 8 wrong number of columns
        name="all.csv",
    )
    report = import_leads(ctx, path)
    rows = by_line(report)
    assert [rows[line].status for line in range(2, 9)] == [
        RowStatus.CREATED,
        RowStatus.UPDATED,
        RowStatus.RESTORED,
        RowStatus.INVALID_PHONE,
        RowStatus.DUPLICATE_IN_FILE,
        RowStatus.MISSING_PHONE,
        RowStatus.BAD_ROW,
    ]
    assert rows[2].e164 == "+14155550100" and rows[2].phone == "+1 415 555 0100"
    assert rows[2].lead_id == leads_by_phone(ctx)["+14155550100"].id
    assert rows[6].lead_id is None and "line 2" in rows[6].message
    assert rows[5].e164 is None and "12345" in rows[5].message
    assert "7 columns" in rows[8].message
    assert all(row.message.endswith(".") for row in report.rows)
    assert report.counts[RowStatus.CREATED] == 1 and report.stored == 3
    assert not report.canceled and report.encoding == "utf-8" and report.delimiter == ","
    assert report.summary() == (
        "7 rows: 1 created, 1 updated, 1 restored, 1 invalid number, 1 duplicate in file, "
        "1 without a number, 1 bad row"
    )
    assert not leads_by_phone(ctx)["+14155550102"].deleted


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter(ctx: Context, tmp_path: Path, delimiter: str) -> None:
    # Cells that hold the other candidates must not confuse detection.
    rows = [
        ["Phone", "Name", "Tags"],
        ["+14155550100", "Lee, Ann", "vip; spring"],
        ["+14155550101", "Bo", "a|b"],
        ["+14155550102", "Cy", "walk-in"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    path = write(tmp_path, buffer.getvalue())
    assert preview_csv(path).delimiter == delimiter
    report = import_leads(ctx, path)
    assert report.delimiter == delimiter
    assert report.counts[RowStatus.CREATED] == 3
    assert leads_by_phone(ctx)["+14155550100"].tags == ("spring", "vip")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_with_and_without_bom(ctx: Context, tmp_path: Path, encoding: str) -> None:
    path = write(
        tmp_path, "Phone,First name,Last name\n+14155550100,José,Müller\n", encoding=encoding
    )
    preview = preview_csv(path)
    assert preview.encoding == encoding
    assert preview.header[0] == "Phone"  # no BOM glued to the first header
    report = import_leads(ctx, path)
    assert report.counts[RowStatus.CREATED] == 1
    lead = leads_by_phone(ctx)["+14155550100"]
    assert (lead.first_name, lead.last_name) == ("José", "Müller")


def test_cp1252_file_with_accents(ctx: Context, tmp_path: Path) -> None:
    path = write(tmp_path, "Phone;Name\r\n+14155550100;José Müller\r\n", encoding="cp1252")
    report = import_leads(ctx, path)
    assert report.encoding == "cp1252" and report.delimiter == ";"
    assert report.warnings == 0
    lead = leads_by_phone(ctx)["+14155550100"]
    assert (lead.first_name, lead.last_name) == ("José", "Müller")


def test_utf8_file_with_a_cp1252_line_after_the_sample(ctx: Context, tmp_path: Path) -> None:
    filler = "".join(f"+1415555{i:04d},Plain,Name\n" for i in range(SAMPLE_BYTES // 24 + 10))
    assert len(filler) > SAMPLE_BYTES
    body = ("Phone,First,Last\n" + filler).encode() + "+14155559999,José,Müller\n".encode("cp1252")
    path = tmp_path / "mixed.csv"
    path.write_bytes(body)
    report = import_leads(ctx, path)
    assert report.encoding == "utf-8"
    last = report.rows[-1]
    assert last.status is RowStatus.CREATED and last.warning and "Windows-1252" in last.message
    assert report.notes and "Windows-1252" in report.notes[0]
    assert leads_by_phone(ctx)["+14155559999"].first_name == "José"


def test_utf16_excel_unicode_text(ctx: Context, tmp_path: Path) -> None:
    path = write(tmp_path, "Mobile\tName\r\n+14155550100\tZoë Ünal\r\n", encoding="utf-16")
    report = import_leads(ctx, path)
    assert (report.encoding, report.delimiter) == ("utf-16", "\t")
    assert leads_by_phone(ctx)["+14155550100"].first_name == "Zoë"


def test_old_mac_line_ends(ctx: Context, tmp_path: Path) -> None:
    report = import_leads(ctx, write(tmp_path, "phone,name\r+14155550100,A\r+14155550101,B\r"))
    assert report.counts[RowStatus.CREATED] == 2


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "Mobile Phone,Given Name,Surname,E-mail Address,Labels,Time Zone",
            {
                "phone": 0,
                "first_name": 1,
                "last_name": 2,
                "email": 3,
                "tags": 4,
                "timezone": 5,
            },
        ),
        ("  PHONE NUMBER ,first_name,last_name,EMAIL,tag,TZ", None),
        ("Cell;FirstName;LastName;email;Groups;timezone", None),
        ("Tel,Full Name", {"phone": 0, "full_name": 1}),
        ("Name,Last name,Telephone", {"first_name": 0, "last_name": 1, "phone": 2}),
        ("Phone,Mobile,First", {"phone": 1, "first_name": 2}),  # a mobile column wins
        ("WhatsApp,Family name,Forename", {"phone": 0, "last_name": 1, "first_name": 2}),
        ("Téléphone,Nom", {"phone": 0}),
    ],
)
def test_header_synonyms(tmp_path: Path, header: str, expected: dict[str, int] | None) -> None:
    delimiter = ";" if ";" in header else ","
    cells = header.split(delimiter)
    path = write(tmp_path, header + "\n" + delimiter.join(["+14155550100"] * len(cells)) + "\n")
    preview = preview_csv(path)
    assert preview.has_header and preview.header == [c.strip() for c in cells]
    default = {"phone": 0, "first_name": 1, "last_name": 2, "email": 3, "tags": 4, "timezone": 5}
    assert preview.mapping == (default if expected is None else expected)


def test_full_name_is_split_on_the_first_space(ctx: Context, tmp_path: Path) -> None:
    import_leads(
        ctx, write(tmp_path, "Name,Phone\nMary Ann Smith,+14155550100\nCher,+14155550101\n")
    )
    leads = leads_by_phone(ctx)
    assert (leads["+14155550100"].first_name, leads["+14155550100"].last_name) == (
        "Mary",
        "Ann Smith",
    )
    assert (leads["+14155550101"].first_name, leads["+14155550101"].last_name) == ("Cher", "")


def test_headerless_file(ctx: Context, tmp_path: Path) -> None:
    path = write(tmp_path, "+14155550100,Ann\n(415) 555-0101,Bo\nnot a number,Cy\n")
    preview = preview_csv(path)
    assert not preview.has_header and preview.header == [] and preview.mapping == {"phone": 0}
    assert preview.rows[0] == ["+14155550100", "Ann"]
    report = import_leads(ctx, path)
    assert [(row.line, row.status) for row in report.rows] == [
        (1, RowStatus.CREATED),
        (2, RowStatus.CREATED),
        (3, RowStatus.INVALID_PHONE),
    ]


def test_national_numbers_use_the_default_region(ctx: Context, tmp_path: Path) -> None:
    path = write(tmp_path, "phone\n(415) 555-2671\n07911 123456\n+44 7911 123457\n")
    report = import_leads(ctx, path)
    assert [row.e164 for row in report.rows] == ["+14155552671", None, "+447911123457"]
    assert "US numbers" in report.rows[1].message

    ctx.settings.set("default_region", "GB")
    report = import_leads(ctx, path)
    assert [row.e164 for row in report.rows] == [None, "+447911123456", "+447911123457"]
    assert [row.status for row in report.rows] == [
        RowStatus.INVALID_PHONE,
        RowStatus.CREATED,
        RowStatus.UPDATED,
    ]


def test_numbers_that_lost_their_plus(ctx: Context, tmp_path: Path) -> None:
    report = import_leads(ctx, write(tmp_path, "phone\n447911123456\n1.41555E+10\n"))
    first, second = report.rows
    assert first.status is RowStatus.CREATED and first.e164 == "+447911123456" and first.warning
    assert second.status is RowStatus.INVALID_PHONE and "format the phone column as text" in (
        second.message
    )


def test_spreadsheet_floats_are_read_as_their_digits(ctx: Context, tmp_path: Path) -> None:
    cells = [
        "4155550165.0",
        "4155550166.00",
        "4.155550167E9",
        "4.155550168e+09",
        "+14155550169.0",
        '"4155550170,0"',  # a decimal comma, quoted as the delimiter is a comma
        "415.555.0171",  # typed with dots: a US number, not a float
        "415 555 0172",
        "447911123456.0",  # a float that also lost its +
        "4.1555E9",  # rounded by the spreadsheet: not a guess
        "4155550165.5",  # a fraction: not a Swiss number missing its +
    ]
    path = write(tmp_path, "phone,first_name\n" + "".join(f"{cell},Ann\n" for cell in cells))
    report = import_leads(ctx, path)
    assert [row.e164 for row in report.rows] == [
        "+14155550165",
        "+14155550166",
        "+14155550167",
        "+14155550168",
        "+14155550169",
        "+14155550170",
        "+14155550171",
        "+14155550172",
        "+447911123456",
        None,
        None,
    ]
    assert report.rows[8].warning and "+447911123456" in report.rows[8].message
    assert "format the phone column as text" in report.rows[9].message
    assert report.rows[10].status is RowStatus.INVALID_PHONE
    stored = leads_by_phone(ctx)
    assert "+14155550165" in stored and not any(p.startswith("+41") for p in stored)


def test_duplicates_point_to_the_first_line(ctx: Context, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "phone,name\n+14155550100,A\n+14155550101,B\n(415) 555-0100,C\n1-415-555-0100,D\n",
    )
    report = import_leads(ctx, path, batch_size=2)  # the first sighting is in an earlier batch
    assert [row.status for row in report.rows] == [
        RowStatus.CREATED,
        RowStatus.CREATED,
        RowStatus.DUPLICATE_IN_FILE,
        RowStatus.DUPLICATE_IN_FILE,
    ]
    assert all("line 2" in row.message for row in report.rows[2:])
    assert leads_by_phone(ctx)["+14155550100"].first_name == "A"  # the later rows change nothing


def test_existing_lead_gets_empty_fields_filled_and_keeps_the_others(
    ctx: Context, tmp_path: Path
) -> None:
    import_leads(ctx, write(tmp_path, HEADER + "+14155550100,Ann,Lee,,vip,America/Chicago\n"))
    report = import_leads(
        ctx,
        write(tmp_path, HEADER + "+14155550100,,Smith,ann@example.com,new,\n", name="2.csv"),
    )
    row = report.rows[0]
    assert row.status is RowStatus.UPDATED
    assert row.message == (
        "Already present; updated email; added tag new; kept the stored last name (the file "
        "has another; import with “overwrite” to replace it)."
    )
    lead = leads_by_phone(ctx)["+14155550100"]
    assert (lead.first_name, lead.last_name, lead.email, lead.timezone) == (
        "Ann",
        "Lee",
        "ann@example.com",
        "America/Chicago",
    )
    assert lead.tags == ("new", "vip")

    again = import_leads(ctx, write(tmp_path, HEADER + "+14155550100,Ann,,,,\n", name="3.csv"))
    assert again.rows[0].message == "Already present; nothing new in this row."


def test_overwrite_replaces_filled_fields_and_empty_cells_keep_values(
    ctx: Context, tmp_path: Path
) -> None:
    import_leads(
        ctx,
        write(tmp_path, HEADER + "+14155550100,Ann,Lee,ann@example.com,vip,America/Chicago\n"),
    )
    report = import_leads(
        ctx,
        write(tmp_path, HEADER + "+14155550100,,Smith,,new,\n", name="second.csv"),
        overwrite=True,
    )
    row = report.rows[0]
    assert row.status is RowStatus.UPDATED
    assert row.message == "Already present; updated last name; added tag new."
    lead = leads_by_phone(ctx)["+14155550100"]
    assert (lead.first_name, lead.last_name, lead.email, lead.timezone) == (
        "Ann",
        "Smith",
        "ann@example.com",
        "America/Chicago",
    )


def test_soft_deleted_lead_is_restored_and_counters_follow(ctx: Context, tmp_path: Path) -> None:
    import_leads(ctx, write(tmp_path, "phone\n+14155550100\n"))
    lead_id = leads_by_phone(ctx)["+14155550100"].id
    now = ctx.now()
    with ctx.db.write() as session:
        sequence = Sequence(name="s", status=SequenceStatus.DONE.value, start_at=now)
        session.add(sequence)
        session.flush()
        step = Step(sequence_id=sequence.id, position=0, body="hi")
        session.add_all([step, SequenceCounter(sequence_id=sequence.id, total=1, sent=1)])
        session.flush()
        session.add(
            Message(
                sequence_id=sequence.id,
                step_id=step.id,
                lead_id=lead_id,
                step_position=0,
                to_phone="+14155550100",
                body="hi",
                bucket=Bucket.SENT.value,
            )
        )
        sequence_id = sequence.id
    delete_leads(ctx, [lead_id])

    def deleted_leads() -> int:
        with ctx.db.read() as session:
            counter = session.scalar(
                select(SequenceCounter).where(SequenceCounter.sequence_id == sequence_id)
            )
            assert counter is not None
            return counter.deleted_leads

    assert deleted_leads() == 1
    report = import_leads(ctx, write(tmp_path, "phone,first name\n+14155550100,Back\n"))
    row = report.rows[0]
    assert row.status is RowStatus.RESTORED and row.lead_id == lead_id
    assert row.message.startswith("Was deleted; restored; updated first name")
    lead = leads_by_phone(ctx)["+14155550100"]
    assert not lead.deleted and lead.first_name == "Back"
    assert deleted_leads() == 0


def test_opted_out_lead_stays_opted_out(ctx: Context, tmp_path: Path) -> None:
    import_leads(ctx, write(tmp_path, "phone\n+14155550100\n"))
    set_opted_out(ctx, [leads_by_phone(ctx)["+14155550100"].id], True)
    report = import_leads(ctx, write(tmp_path, "phone,first name\n+14155550100,Ann\n"))
    assert report.rows[0].status is RowStatus.UPDATED
    assert "stays opted out" in report.rows[0].message
    assert leads_by_phone(ctx)["+14155550100"].opted_out


def test_tags_from_column_and_tag_argument(ctx: Context, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'phone,tags\n+14155550100,"VIP; spring, Walk-In"\n+14155550101,\n+14155550102,'
        + "x" * 70
        + "\n",
    )
    report = import_leads(ctx, path, tag="  Import  June ")
    leads = leads_by_phone(ctx)
    assert leads["+14155550100"].tags == ("import june", "spring", "vip", "walk-in")
    assert leads["+14155550101"].tags == ("import june",)
    assert leads["+14155550102"].tags == ("import june",)
    assert report.rows[2].warning and "64 characters" in report.rows[2].message


def test_invalid_email_and_unknown_timezone_are_warnings(ctx: Context, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + "+14155550100,Ann,,ann@,,Mars/Olympus\n+14155550101,Bo,,,,europe/london\n",
    )
    report = import_leads(ctx, path)
    first, second = report.rows
    assert first.status is RowStatus.CREATED and first.warning
    assert "email 'ann@'" in first.message and "time zone 'Mars/Olympus'" in first.message
    assert not second.warning and report.warnings == 1
    assert "(1 with a warning)" in report.summary()
    leads = leads_by_phone(ctx)
    assert (leads["+14155550100"].email, leads["+14155550100"].timezone) == ("", "")
    assert leads["+14155550101"].timezone == "Europe/London"


def test_progress_is_called_per_batch_with_increasing_numbers(ctx: Context, tmp_path: Path) -> None:
    rows = "".join(f"+1415555{i:04d},Lead {i}\n" for i in range(5000))
    path = write(tmp_path, "phone,name\n" + rows)
    calls: list[tuple[int, int]] = []
    report = import_leads(ctx, path, batch_size=1000, progress=lambda d, t: calls.append((d, t)))
    assert report.counts[RowStatus.CREATED] == 5000 and report.total == 5000
    assert [done for done, _ in calls] == [1000, 2000, 3000, 4000, 5000]
    assert all(total == 5000 for _, total in calls)
    assert len(list_leads(ctx)) == 5000


def test_cancel_keeps_the_batches_already_written(ctx: Context, tmp_path: Path) -> None:
    path = write(tmp_path, "phone\n" + "".join(f"+1415555{i:04d}\n" for i in range(100)))
    calls: list[int] = []
    report = import_leads(
        ctx,
        path,
        batch_size=20,
        progress=lambda done, _total: calls.append(done),
        cancel=lambda: len(calls) >= 2,
    )
    assert report.canceled and report.total == 40
    assert report.summary() == "40 rows: 40 created; canceled before the end of the file"
    assert len(list_leads(ctx)) == 40


def test_bad_rows_never_stop_the_import(ctx: Context, tmp_path: Path) -> None:
    good = "".join(f"+1415555{i:04d},Lead\n" for i in range(10))
    later = "".join(f"+1415666{i:04d},Later\n" for i in range(3))
    body = (
        ("phone,name\n" + good).encode()
        + b'"unclosed quote,starts here\n'
        + b"\xff\xfe\x00\x81\x8d garbage \x00\n"
        + b"+14155559999,too,many,cells\n"
        + ("+14155558888," + "x" * 200 + "\n").encode()
        + later.encode()
    )
    path = tmp_path / "garbage.csv"
    path.write_bytes(body)
    report = import_leads(ctx, path)
    rows = by_line(report)
    assert [rows[line].status for line in range(12, 16)] == [RowStatus.BAD_ROW] * 4
    assert "never closed" in rows[12].message
    assert "not text" in rows[13].message
    assert "4 columns" in rows[14].message
    assert "first name has 200 characters" in rows[15].message
    assert [rows[line].status for line in range(16, 19)] == [RowStatus.CREATED] * 3
    assert report.counts[RowStatus.CREATED] == 13


def test_multiline_quoted_cell_is_one_row(ctx: Context, tmp_path: Path) -> None:
    path = write(
        tmp_path, 'phone,name,notes\n+14155550100,Ann,"line one\nline two"\n+14155550101,Bo,\n'
    )
    report = import_leads(ctx, path)
    assert [(row.line, row.status) for row in report.rows] == [
        (2, RowStatus.CREATED),
        (3, RowStatus.CREATED),
    ]


def test_user_mapping_and_overrides(ctx: Context, tmp_path: Path) -> None:
    path = write(tmp_path, "col a;col b;col c\nAnn;x;+14155550100\n")
    with pytest.raises(UserError, match=r"no phone column found in leads.csv \(columns: 'col a'"):
        import_leads(ctx, path)
    report = import_leads(ctx, path, mapping={"phone": 2, "first_name": 0})
    assert report.counts[RowStatus.CREATED] == 1
    assert leads_by_phone(ctx)["+14155550100"].first_name == "Ann"
    # The wizard may say the first row is data after all.
    report = import_leads(ctx, path, mapping={"phone": 2}, has_header=False)
    assert [row.status for row in report.rows] == [RowStatus.INVALID_PHONE, RowStatus.UPDATED]
    with pytest.raises(UserError, match="not one of the file's 3 columns"):
        import_leads(ctx, path, mapping={"phone": 3})
    with pytest.raises(UserError, match="unknown field"):
        import_leads(ctx, path, mapping={"phone": 2, "nickname": 0})
    with pytest.raises(UserError, match="no phone column"):
        import_leads(ctx, path, mapping={"first_name": 0})
    with pytest.raises(UserError, match="unknown text encoding"):
        import_leads(ctx, path, encoding="klingon")
    with pytest.raises(UserError, match="one character"):
        import_leads(ctx, path, delimiter=";;")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\n\r\n  \n", "is empty"),
        (codecs.BOM_UTF8, "is empty"),
        (b"phone\x00name\n\x00\x01\x02", "NUL bytes"),
        (b"PK\x03\x04\x14\x00\x06\x00", "save it as CSV first"),
        (
            b"first name,email\nAnn,ann@example.com\n",
            r"no phone column found .*'first name', 'email'",
        ),
        (b"phone,name\n\n\n", "has no rows to import"),
    ],
)
def test_files_that_cannot_be_imported(
    ctx: Context, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        import_leads(ctx, path)
    assert list_leads(ctx, include_deleted=True) == []


def test_missing_folder_and_unreadable_paths(ctx: Context, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        import_leads(ctx, tmp_path / "nope.csv")
    with pytest.raises(UserError, match="is a folder"):
        preview_csv(tmp_path)
    with pytest.raises(UserError, match="a tag cannot be empty"):
        import_leads(ctx, write(tmp_path, "phone\n+14155550100\n"), tag=" ")
    assert list_leads(ctx) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(ctx: Context, tmp_path: Path) -> None:
    path = write(tmp_path, "phone\n+14155550100\n")
    path.chmod(0)
    with pytest.raises(UserError, match="cannot read"):
        import_leads(ctx, path)


def test_report_as_json(ctx: Context, tmp_path: Path) -> None:
    report = import_leads(ctx, write(tmp_path, "phone\n+14155550100\nabc\n"))
    data = json.loads(json.dumps(report.as_json()))
    assert data["counts"]["created"] == 1 and data["counts"]["invalid_phone"] == 1
    assert data["rows"][1]["status"] == "invalid_phone" and data["rows"][1]["line"] == 3
    assert data["summary"] == report.summary()


CELL = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30)
PHONE = st.one_of(CELL, st.sampled_from(["+14155550100", "(415) 555-0101", "+447911123456"]))


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=st.lists(st.tuples(PHONE, CELL, CELL, CELL, CELL, CELL), min_size=1, max_size=8))
def test_arbitrary_cells_never_crash(
    ctx: Context, tmp_path: Path, rows: list[tuple[str, ...]]
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER.strip().split(","))
    writer.writerows(rows)
    path = write(tmp_path, buffer.getvalue(), name="fuzz.csv")
    non_blank = [row for row in rows if any(cell.strip() for cell in row)]
    try:
        report = import_leads(ctx, path)
    except UserError as exc:
        assert not non_blank and "no rows" in str(exc)
        return
    assert report.total == len(non_blank)
    assert sum(report.counts.values()) == report.total
    for row in report.rows:
        assert isinstance(row.status, RowStatus) and row.message
        assert (row.lead_id is not None) == (
            row.status in (RowStatus.CREATED, RowStatus.UPDATED, RowStatus.RESTORED)
        )


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(body=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)))
def test_arbitrary_bytes_after_a_header_never_crash(
    ctx: Context, tmp_path: Path, body: bytes
) -> None:
    path = tmp_path / "raw.csv"
    path.write_bytes(b"phone,name\n+14155550100,First\n" + body)
    try:
        report = import_leads(ctx, path)
    except UserError as exc:
        assert "NUL bytes" in str(exc)  # the only refusal a file with a data row can get
        return
    assert report.rows[0].line == 2 and report.rows[0].lead_id is not None
    assert sum(report.counts.values()) == report.total
    assert [row.line for row in report.rows] == sorted({row.line for row in report.rows})


def test_a_cp1252_line_among_utf8_lines_is_read_right(ctx: Context, tmp_path: Path) -> None:
    body = (
        "phone,first,last\n+14155550100,Zoë,Ünal\n".encode()
        + "+14155550101,José,Müller\n".encode("cp1252")
        + "+14155550102,Łukasz,Ćwik\n".encode()
    )
    path = tmp_path / "mixed.csv"
    path.write_bytes(body)
    report = import_leads(ctx, path)
    assert report.encoding == "utf-8"
    assert [row.warning for row in report.rows] == [False, True, False]
    names = {lead.phone: lead.first_name for lead in list_leads(ctx)}
    assert names == {"+14155550100": "Zoë", "+14155550101": "José", "+14155550102": "Łukasz"}


def test_problem_rows_are_the_skipped_and_the_warned(ctx: Context, tmp_path: Path) -> None:
    report = import_leads(
        ctx, write(tmp_path, HEADER + "+14155550100,,,,,\nx,,,,,\n+14155550101,,,bad,,\n")
    )
    assert [row.line for row in report.problem_rows()] == [3, 4]
