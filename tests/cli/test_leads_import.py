"""`textdesk leads import`: a known number keeps its stored name and email unless
`--overwrite`; the export opens in a spreadsheet with plain phone numbers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from desktop.cli import main


@pytest.fixture
def cli(db_url: str, capsys):  # type: ignore[no-untyped-def]
    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", db_url, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_keeps_a_customer_unless_overwrite(cli, tmp_path: Path) -> None:
    first = write(
        tmp_path, "a.csv", "phone,name,email,company\n+14155550142,Olivia Park,o@x.com,Acme\n"
    )
    again = write(tmp_path, "b.csv", "phone,name,email\n+14155550142,Olivia Duplicate,d@x.com\n")
    assert cli("leads", "import", first)[0] == 0
    code, out, _ = cli("leads", "import", again, "--json")
    assert code == 0
    row = json.loads(out)["rows"][0]
    assert row["status"] == "updated" and "kept the stored last name, email" in row["message"]
    (lead,) = json.loads(cli("leads", "list", "--json")[1])
    assert (lead["first_name"], lead["last_name"], lead["email"]) == ("Olivia", "Park", "o@x.com")

    code, out, _ = cli("leads", "import", again, "--overwrite")
    assert code == 0 and out.startswith("1 row: 1 updated")
    (lead,) = json.loads(cli("leads", "list", "--json")[1])
    assert (lead["last_name"], lead["email"]) == ("Duplicate", "d@x.com")


def test_export_of_a_sequence_reads_well_in_a_spreadsheet(cli, tmp_path: Path) -> None:
    cli(
        "leads",
        "import",
        write(tmp_path, "a.csv", "phone,first name,company\n+14155550100,Ann,Acme\n"),
    )
    body = "Hi {first_name} from {company}. Reply STOP to opt out"
    code, _out, err = cli("sequences", "create", "--name", "Promo", "--step", body, "--all")
    assert code == 0, err
    target = tmp_path / "promo.csv"
    assert cli("export", "1", "--out", str(target))[0] == 0
    (row,) = list(csv.DictReader(target.open(encoding="utf-8-sig")))
    assert row["Phone"] == "+14155550100"
    assert row["Message"] == "Hi Ann from Acme. Reply STOP to opt out"
    assert any(key.startswith("Sent at (") for key in row)
    assert any(key.startswith("Cost (") for key in row)
