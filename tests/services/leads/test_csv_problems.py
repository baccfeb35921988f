"""A record csv cannot read is reported by what is wrong with its lines, not by the wording of
csv's message (which has no code and changes between Python versions)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from desktop.services.leads.csv_reader import open_records, sniff_format


def _problems(path: Path, data: bytes) -> list[tuple[list[str] | None, str]]:
    path.write_bytes(data)
    fmt, _ = sniff_format(path)
    return [(cells, problem) for cells, problem, _ in open_records(path, fmt)]


@pytest.mark.parametrize("line_end", [b"\n", b"\r\n"])
def test_a_bare_line_break_outside_quotes(tmp_path: Path, line_end: bytes) -> None:
    rows = [b"Name,Phone", b"Ann,+14155550100", b"Bo\rb,+14155550101", b"Cy,+14155550102"]
    records = _problems(tmp_path / "leads.csv", line_end.join(rows) + line_end)
    assert records[2] == (None, "a line break inside a cell that is not in quotes")
    assert records[3] == (["Cy", "+14155550102"], "")  # the next line is read as usual


@pytest.mark.parametrize("quoted", [False, True])
def test_a_cell_longer_than_the_limit(tmp_path: Path, quoted: bool) -> None:
    limit = csv.field_size_limit()
    cell = b"x" * (limit + 10)
    cell = b'"' + cell + b'"' if quoted else cell
    data = b"Name,Phone,Note\nAnn,+14155550100," + cell + b"\nCy,+14155550102,ok\n"
    records = _problems(tmp_path / "leads.csv", data)
    assert records[1] == (None, f"a cell is longer than {limit} characters")
    assert records[-1] == (["Cy", "+14155550102", "ok"], "")


def test_a_long_line_of_short_cells_is_fine(tmp_path: Path) -> None:
    limit = csv.field_size_limit()
    note = ",".join(["y" * 1000] * (limit // 1000 + 5)).encode()
    records = _problems(tmp_path / "leads.csv", b"Name,Phone\nAnn,+14155550100," + note + b"\n")
    assert records[1][1] == ""
