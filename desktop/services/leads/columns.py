"""Which column holds what: header synonyms (Mobile, Téléphone, E-mail...), a header row
told from a first data row, and a user-chosen mapping checked against the file."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from desktop.services.core.errors import UserError
from desktop.services.leads.custom_fields import FIELDS_MAX, check_name

# The fields a column can be mapped to. `full_name` is split on its first space.
FIELDS = ("phone", "first_name", "last_name", "full_name", "email", "tags", "timezone")

# Normalised header text -> (field, preference). When several columns name the same field the
# lowest preference wins: a "Mobile" column is a better SMS target than a "Phone" column.
_SYNONYMS: dict[str, tuple[str, int]] = {
    **dict.fromkeys(
        ("mobile", "mobilephone", "mobilenumber", "mobileno", "cell", "cellphone", "cellnumber"),
        ("phone", 0),
    ),
    **dict.fromkeys(("whatsapp", "whatsappnumber", "sms", "smsnumber"), ("phone", 1)),
    **dict.fromkeys(("phone", "phonenumber", "phoneno", "msisdn"), ("phone", 2)),
    **dict.fromkeys(("number", "telephone", "tel", "telephonenumber"), ("phone", 3)),
    **dict.fromkeys(("firstname", "first", "givenname", "forename"), ("first_name", 0)),
    **dict.fromkeys(("lastname", "last", "surname", "familyname"), ("last_name", 0)),
    **dict.fromkeys(("fullname", "contactname"), ("full_name", 0)),
    "name": ("full_name", 1),
    **dict.fromkeys(("email", "emailaddress", "mail"), ("email", 0)),
    **dict.fromkeys(("tags", "tag", "labels", "label", "groups", "group"), ("tags", 0)),
    **dict.fromkeys(("timezone", "tz", "timezonename"), ("timezone", 0)),
}

_PHONE_LIKE = re.compile(r"\+?[\d\s().\-/]{7,}")


def normalize_header(text: str) -> str:
    """`" E-Mail Address "` -> `emailaddress`; `Téléphone` -> `telephone`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isascii() and c.isalnum())


def looks_like_phone(text: str) -> bool:
    cleaned = text.strip()
    return bool(_PHONE_LIKE.fullmatch(cleaned)) and sum(c.isdigit() for c in cleaned) >= 7


def guess_mapping(header: list[str]) -> dict[str, int]:
    """Field -> column for a header row; empty when no cell names a known field."""
    best: dict[str, tuple[int, int]] = {}  # field -> (preference, column)
    for column, text in enumerate(header):
        known = _SYNONYMS.get(normalize_header(text))
        if known is None:
            continue
        name, preference = known
        if name not in best or preference < best[name][0]:
            best[name] = (preference, column)
    mapping = {name: column for name, (_, column) in best.items()}
    if "full_name" in mapping and ("first_name" in mapping or "last_name" in mapping):
        # Beside a "Last name" column a plain "Name" column is the first name; beside both,
        # any full-name column is redundant.
        full = mapping.pop("full_name")
        if "first_name" not in mapping and normalize_header(header[full]) == "name":
            mapping["first_name"] = full
    return mapping


def phone_column(row: list[str]) -> int | None:
    """The first cell of a row that holds something like a phone number."""
    return next((column for column, cell in enumerate(row) if looks_like_phone(cell)), None)


def guess_header(first_row: list[str]) -> tuple[bool, dict[str, int]]:
    """Is the first row a header, and the mapping it implies.

    A first row naming no known field but holding a phone number means a file without
    a header; that number's column is the phone column.
    """
    mapping = guess_mapping(first_row)
    if mapping:
        return True, mapping
    column = phone_column(first_row)
    return (True, {}) if column is None else (False, {"phone": column})


def check_mapping(mapping: Mapping[str, int], column_count: int) -> dict[str, int]:
    """A user-chosen mapping, validated; UserError names the first problem."""
    checked: dict[str, int] = {}
    for name, column in mapping.items():
        if name not in FIELDS:
            raise UserError(f"unknown field {name!r} in the column mapping; known: {FIELDS}")
        if not isinstance(column, int) or not 0 <= column < column_count:
            raise UserError(
                f"the {name} column ({column!r}) is not one of the file's {column_count} columns"
            )
        checked[name] = column
    return checked


def custom_columns(header: list[str], mapping: Mapping[str, int]) -> dict[str, int]:
    """Custom field name -> column for the named columns that no field takes: a "Company"
    column becomes the custom field `company`, usable in texts as {company}. A column named
    like a field (a second "Phone") or with no usable name is left out; at most FIELDS_MAX."""
    used = set(mapping.values())
    found: dict[str, int] = {}
    for column, text in enumerate(header):
        if column in used or normalize_header(text) in _SYNONYMS:
            continue
        try:
            name = check_name(text)
        except UserError:
            continue
        found.setdefault(name, column)
        if len(found) >= FIELDS_MAX:
            break
    return found


def check_custom_columns(custom: Mapping[str, int], column_count: int) -> dict[str, int]:
    """A user-chosen custom field mapping, validated; UserError names the first problem."""
    checked: dict[str, int] = {}
    for text, column in custom.items():
        name = check_name(text)
        if not isinstance(column, int) or not 0 <= column < column_count:
            raise UserError(
                f"the {name} column ({column!r}) is not one of the file's {column_count} columns"
            )
        checked[name] = column
    if len(checked) > FIELDS_MAX:
        raise UserError(f"a lead can have at most {FIELDS_MAX} custom fields")
    return checked
