"""A lead's own fields beyond name, phone, email, tags and time zone ("company", "store"),
stored as a small JSON object on the lead and usable in texts as merge fields: {company}.

A field's name is its merge-field name: lower case, words joined by "_" (a CSV column
"Company Name" becomes `company_name`, typed in a text as {company_name} or {Company Name}).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from desktop.services.core.errors import UserError

NAME_MAX = 40
VALUE_MAX = 500
FIELDS_MAX = 30
# Names that already mean something: the lead's own columns and their merge-field spellings.
RESERVED = frozenset(
    {
        "phone",
        "first_name",
        "last_name",
        "full_name",
        "email",
        "tags",
        "tag",
        "timezone",
        "time_zone",
        "firstname",
        "lastname",
        "fullname",
        "name",
        "id",
    }
)
_NAME = re.compile(r"[a-z][a-z0-9_]*")

Fields = tuple[tuple[str, str], ...]  # (name, value) sorted by name: hashable, for LeadRow


def field_name(text: str) -> str:
    """`"Company Name"` -> `company_name`, `"Société"` -> `societe`; "" when nothing is left."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_text = "".join(c for c in decomposed if c.isascii())
    return re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")


def check_name(text: str) -> str:
    """The field name for `text`, or UserError saying why it cannot be one."""
    name = field_name(text)
    shown = text.strip() or text
    if not name:
        raise UserError(f"a custom field needs a name made of letters or digits, not {shown!r}")
    if not _NAME.fullmatch(name):
        raise UserError(f"a custom field name must start with a letter: {shown!r}")
    if len(name) > NAME_MAX:
        raise UserError(f"a custom field name can have at most {NAME_MAX} characters")
    if name in RESERVED:
        raise UserError(
            f"{shown!r} is already a field of every lead; choose another name for a custom field"
        )
    return name


def clean_fields(fields: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """Names checked and values trimmed; empty values dropped (an empty field is no field).
    UserError names the first problem."""
    pairs = fields.items() if isinstance(fields, Mapping) else fields
    cleaned: dict[str, str] = {}
    for raw_name, raw_value in pairs:
        value = " ".join(str(raw_value or "").split())
        name = check_name(raw_name)
        if name in cleaned:
            raise UserError(f"the custom field {name!r} is given twice")
        if len(value) > VALUE_MAX:
            raise UserError(f"the value of {name!r} is too long: at most {VALUE_MAX} characters")
        if value:
            cleaned[name] = value
    if len(cleaned) > FIELDS_MAX:
        raise UserError(f"a lead can have at most {FIELDS_MAX} custom fields")
    return dict(sorted(cleaned.items()))


def as_pairs(stored: Mapping[str, object] | None) -> Fields:
    """The stored JSON as sorted pairs; anything that is not text is skipped (a hand-edited
    database must not stop the leads page from opening)."""
    if not isinstance(stored, Mapping):
        return ()
    return tuple(sorted((str(k), v) for k, v in stored.items() if isinstance(v, str) and v))
