"""Plain-language explanations of Twilio error codes, for a small-business owner, and the
facts about each code that the sending code acts on.

The catalog is data: ``errors.toml`` beside this module (its header describes every field).
It is read once, on first use, so a command that never meets an error code never pays for
it. The lead history's tooltip and the CSV exports show the words; the gateway
(``retryable``), the dispatcher (``dead_number``, ``opt_out``, ``account_problem``) and the
Resend action (``resend_helps``) read the attributes, so a code is classified in one place.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from desktop.paths import package_data_path

#: Where the catalog lives: in the package (source tree, wheel) and at the same place in the
#: PyInstaller bundle (packaging/textdesk.spec lists it in `datas`).
CATALOG_PATH_PARTS: Final = ("services", "twilio", "errors.toml")

_TEXT_FIELDS: Final = ("title", "explanation")
_LIST_FIELDS: Final = ("causes", "what_to_do")
#: The attributes the code acts on; every entry states each one, true or false.
FLAG_FIELDS: Final = ("resend_helps", "retryable", "dead_number", "opt_out", "account_problem")
FIELDS: Final = (*_TEXT_FIELDS, *_LIST_FIELDS, *FLAG_FIELDS)


class CatalogError(ValueError):
    """errors.toml is missing, is not TOML, or an entry does not follow the schema."""


@dataclass(frozen=True, slots=True)
class ErrorExplanation:
    code: int | None
    title: str
    explanation: str
    causes: tuple[str, ...]
    what_to_do: tuple[str, ...]
    #: A later resend of the same text to the same number, nothing changed, can succeed.
    resend_helps: bool = False
    #: The gateway may retry the request by itself: Twilio certainly accepted nothing.
    retryable: bool = False
    #: The number cannot take our texts: later steps to this lead are pointless.
    dead_number: bool = False
    #: The lead unsubscribed.
    opt_out: bool = False
    #: Credentials, the account or the sender: stop sending, keep the messages queued.
    account_problem: bool = False

    @property
    def heading(self) -> str:
        """First line, e.g. "Error 30008 — Unknown error"; the code is not shown twice."""
        if self.code is None or self.title.startswith(f"Error {self.code}"):
            return self.title
        return f"Error {self.code} — {self.title}"

    @property
    def resend_advice(self) -> str:
        """The one sentence about resending, last in every explanation."""
        if self.opt_out:
            # Not "until the cause is fixed": only the lead can undo an opt-out.
            return "Do not resend: this person asked to get no more texts from you."
        if self.resend_helps:
            return "Resending later may work."
        return "Resending as it is will not help until the cause is fixed."

    def as_text(self) -> str:
        """Multi-line plain text for tooltips and CSV cells."""
        lines = [self.heading, self.explanation]
        if self.causes:
            lines.append("Likely causes:")
            lines.extend(f"• {cause}" for cause in self.causes)
        if self.what_to_do:
            lines.append("What to do:")
            lines.extend(f"• {step}" for step in self.what_to_do)
        lines.append(self.resend_advice)
        return "\n".join(lines)


def _folded(text: str) -> str:
    """One line with single spaces: the TOML wraps long texts over several lines."""
    return " ".join(text.split())


def _entry(key: str, table: Any) -> ErrorExplanation:
    where = f"errors.toml [{key}]"
    if not key.isdigit() or key.startswith("0"):
        raise CatalogError(f"{where}: a table name is a Twilio error code such as 30008")
    if not isinstance(table, dict):
        raise CatalogError(f"{where}: expected a table of fields")
    if missing := [name for name in FIELDS if name not in table]:
        raise CatalogError(f"{where}: missing {', '.join(missing)}")
    if unknown := sorted(set(table) - set(FIELDS)):
        raise CatalogError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for name in _TEXT_FIELDS:
        if not isinstance(table[name], str) or not table[name].strip():
            raise CatalogError(f"{where}: {name} must be a non-empty string")
    for name in _LIST_FIELDS:
        items = table[name]
        if not isinstance(items, list) or not items:
            raise CatalogError(f"{where}: {name} must be a non-empty list of strings")
        if not all(isinstance(item, str) and item.strip() for item in items):
            raise CatalogError(f"{where}: {name} must be a non-empty list of strings")
    for name in FLAG_FIELDS:
        if not isinstance(table[name], bool):
            raise CatalogError(f"{where}: {name} must be true or false")
    return ErrorExplanation(
        code=int(key),
        title=_folded(table["title"]),
        explanation=_folded(table["explanation"]),
        causes=tuple(_folded(item) for item in table["causes"]),
        what_to_do=tuple(_folded(item) for item in table["what_to_do"]),
        resend_helps=table["resend_helps"],
        retryable=table["retryable"],
        dead_number=table["dead_number"],
        opt_out=table["opt_out"],
        account_problem=table["account_problem"],
    )


def parse_catalog(text: str) -> dict[int, ErrorExplanation]:
    """The entries of an errors.toml text; CatalogError says what is wrong and where."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"errors.toml is not valid TOML: {exc}") from None
    entries = (_entry(key, table) for key, table in data.items())
    return {entry.code: entry for entry in entries if entry.code is not None}


@functools.cache
def catalog() -> Mapping[int, ErrorExplanation]:
    """Every code TextDesk explains, keyed by Twilio error code; read once, read-only.

    A missing or malformed file raises CatalogError: a build without its catalog must fail
    loudly (the packaging test runs one) rather than explain every error generically.
    """
    path = package_data_path(*CATALOG_PATH_PARTS)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(f"cannot read the error catalog {path}: {exc}") from None
    return MappingProxyType(parse_catalog(text))


class _LazyCatalog(Mapping[int, ErrorExplanation]):
    """``CATALOG``: the catalog as a read-only mapping, loaded on first access."""

    def __getitem__(self, code: int) -> ErrorExplanation:
        return catalog()[code]

    def __iter__(self) -> Iterator[int]:
        return iter(catalog())

    def __len__(self) -> int:
        return len(catalog())

    def __repr__(self) -> str:
        return f"<Twilio error catalog: {len(self)} codes>"


#: Every code TextDesk explains, keyed by Twilio error code. Read-only.
CATALOG: Final[Mapping[int, ErrorExplanation]] = _LazyCatalog()

_NUMBER = re.compile(r"\d{1,9}(?:\.0+)?")


def _no_code() -> ErrorExplanation:
    return ErrorExplanation(
        code=None,
        title="No error code",
        explanation="The message did not go through, but no error code was reported with it.",
        causes=("The carrier or Twilio did not say why.",),
        what_to_do=(
            "Look the message up in the Twilio Console's messaging logs for details.",
            "If other messages to the same lead arrive, this one can be resent.",
        ),
        # We cannot know; "no" keeps a bulk resend from spending blindly.
        resend_helps=False,
    )


def _unknown(code: int) -> ErrorExplanation:
    shown = str(code)
    return ErrorExplanation(
        code=code,
        title=f"Error {shown}",
        explanation=f"Twilio reported error {shown}, which TextDesk has no explanation for yet.",
        causes=("See Twilio's description of this code for the exact reason.",),
        what_to_do=(
            f"Search for “Twilio error {shown}” or open twilio.com/docs/api/errors.",
            "Contact Twilio Support if you cannot tell what to change.",
        ),
        resend_helps=False,
    )


def explain(code: int | str | None) -> ErrorExplanation:
    """The explanation for a Twilio error code, whatever was given.

    Accepts ints and numeric strings (surrounding spaces and a spreadsheet's
    ".0" are tolerated). ``None`` or a blank string gives a "No error code"
    entry; an unlisted code or junk gives a generic entry that still shows what
    was given, so the user can look it up or report it. Only a broken installation
    (errors.toml missing or malformed) raises, with CatalogError.
    """
    if code is None:
        return _no_code()
    if isinstance(code, int) and not isinstance(code, bool):  # True is not error 1
        return catalog().get(code) or _unknown(code)
    text = str(code).strip()
    if not text:
        return _no_code()
    if _NUMBER.fullmatch(text):
        number = int(text.split(".")[0])
        return catalog().get(number) or _unknown(number)
    shown = " ".join(text.split())  # one line, however the junk was spread
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    return ErrorExplanation(
        code=None,
        title=f"Unrecognised error code “{shown}”",
        explanation=f"“{shown}” was given where a Twilio error number was expected.",
        causes=("The error was recorded or imported in an unexpected form.",),
        what_to_do=("Look the message up in the Twilio Console's messaging logs.",),
        resend_helps=False,
    )
