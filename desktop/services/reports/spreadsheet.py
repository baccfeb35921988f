"""How a CSV report's cells are written so a spreadsheet opens it as the owner expects:
formula-like text neutralised, times in the owner's own zone, costs as plain numbers.

Shared by the sequence and summary exports (exports.py) and the lead list export
(list_export.py).
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from desktop.services.core.errors import UserError

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# "+14155550100": a spreadsheet reads it as a number at worst, never as a formula, and an
# apostrophe in front of every phone number made the column useless to copy from.
_PLAIN_NUMBER = re.compile(r"\+\d+")
DEFAULT_CURRENCY = "USD"


def safe_cell(value: Any) -> str:
    """A cell as text, with a leading apostrophe when a spreadsheet would treat it as a
    formula (OWASP's advice for CSV injection). A phone number (`+` and digits only) is
    written as it is."""
    if value is None:
        return ""
    text = (
        value.isoformat(sep=" ", timespec="seconds") if isinstance(value, datetime) else str(value)
    )
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def zone_name(zone: tzinfo) -> str:
    """`America/New_York` for a zone that has a name, else its abbreviation (`CET`)."""
    key = getattr(zone, "key", None)  # zoneinfo.ZoneInfo
    if isinstance(key, str) and key:
        return key
    return datetime.now(zone).tzname() or "local time"


def local_time(moment: datetime | None, zone: tzinfo) -> datetime | None:
    """The wall-clock time in `zone`, without an offset: the zone is named in the header,
    and `2026-11-27 18:00:00` is what a spreadsheet reads as a date and time."""
    if moment is None:
        return None
    return moment.astimezone(zone).replace(tzinfo=None)


def cost(price: str | Decimal | None) -> Decimal | None:
    """What a message cost, as a positive amount. Twilio reports a price as a negative
    decimal string (`-0.00790`: money leaving the account)."""
    if price is None or price == "":
        return None
    try:
        return abs(Decimal(price))
    except (InvalidOperation, ValueError):
        return None


def money(amount: Decimal | None) -> str:
    """`0.0079`, `1.50`: at least two decimals, at most five (Twilio's precision), no sign."""
    if amount is None:
        return ""
    text = f"{amount.quantize(Decimal('0.00001')):f}".rstrip("0")
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write UTF-8 with a BOM (so Excel shows accented names), atomically (temp file then
    rename, so a failed export never leaves half a file in place of a good one). Returns
    the number of data rows."""
    target = Path(path)
    if target.is_dir():
        raise UserError(f"{target} is a folder; give a file name such as report.csv")
    tmp = target.with_name(target.name + ".part")
    count = 0
    try:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([safe_cell(h) for h in header])
            for row in rows:
                writer.writerow([safe_cell(v) for v in row])
                count += 1
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from None
    return count
