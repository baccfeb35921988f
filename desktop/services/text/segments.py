"""Message text rules: encoding and segments, merge-field templates, media links, cost.

Everything here is pure and fast enough to run on every keystroke in the composer.

Segments
    A body that fits one SMS (160 septets in GSM-7, 70 UTF-16 units in UCS-2) is
    one segment. A longer body is split into parts of 153 septets / 67 units,
    because each part carries a header. A GSM-7 extension character (escape +
    character) and a UCS-2 surrogate pair (an emoji) are never cut between two
    parts, so parts are packed greedily and a pair that does not fit moves to the
    next part; this can need one more segment than ``ceil(units / 153)``.
    An empty body is 0 segments (nothing would be sent or billed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Final, Literal
from urllib.parse import urlsplit

from desktop.services.text.gsm7 import septet_cost, utf16_units

Encoding = Literal["GSM-7", "UCS-2"]

#: Twilio refuses a body longer than this many characters (error 21617).
MAX_BODY_CHARS: Final = 1600
#: Twilio accepts at most this many media URLs on one message (error 21623).
MAX_MEDIA_URLS: Final = 10

GSM7_SINGLE: Final = 160
GSM7_PART: Final = 153
UCS2_SINGLE: Final = 70
UCS2_PART: Final = 67

#: Merge fields a template may use. Values are looked up under these names.
KNOWN_FIELDS: Final[tuple[str, ...]] = ("first_name", "last_name", "full_name", "email", "phone")
# Spellings people type naturally; folded onto the canonical names.
_FIELD_ALIASES: Final[dict[str, str]] = {
    "firstname": "first_name",
    "lastname": "last_name",
    "fullname": "full_name",
}


# --------------------------------------------------------------------------- segments


@dataclass(frozen=True, slots=True)
class TextStats:
    """What a body costs to send. Built by :func:`analyze`."""

    encoding: Encoding
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    chars: int  # len(body): Python code points
    per_segment_limit: int  # 160/153 or 70/67, matching ``segments``
    ucs2_chars: tuple[str, ...]  # distinct characters forcing UCS-2, first-seen order
    ucs2_positions: tuple[int, ...]  # every index in ``body`` holding such a character
    too_long: bool  # over MAX_BODY_CHARS: Twilio would refuse it

    @property
    def capacity(self) -> int:
        """Units the current number of segments can hold (the "/N" of the counter)."""
        return self.per_segment_limit * max(self.segments, 1)

    def summary(self) -> str:
        """One line for the composer, e.g. ``"200/306 - 2 segments - GSM-7"``."""
        noun = "segment" if self.segments == 1 else "segments"
        return f"{self.units}/{self.capacity} - {self.segments} {noun} - {self.encoding}"


def _costs(body: str) -> tuple[Encoding, list[int], tuple[str, ...], tuple[int, ...]]:
    """Per-character unit costs in the encoding the body needs."""
    septets: list[int] = []
    positions: list[int] = []
    for index, ch in enumerate(body):
        cost = septet_cost(ch)
        if cost is None:
            positions.append(index)
        else:
            septets.append(cost)
    if not positions:
        return "GSM-7", septets, (), ()
    # dict.fromkeys keeps first-seen order while removing repeats.
    distinct = tuple(dict.fromkeys(body[i] for i in positions))
    return "UCS-2", [utf16_units(ch) for ch in body], distinct, tuple(positions)


def _limits(encoding: Encoding) -> tuple[int, int]:
    return (GSM7_SINGLE, GSM7_PART) if encoding == "GSM-7" else (UCS2_SINGLE, UCS2_PART)


def _part_ends(costs: Sequence[int], single: int, part: int) -> list[int]:
    """Indices (exclusive) where each segment ends; greedy packing, pairs never split."""
    if not costs:
        return []
    if sum(costs) <= single:
        return [len(costs)]
    ends: list[int] = []
    used = 0
    for index, cost in enumerate(costs):
        if used + cost > part:
            ends.append(index)
            used = 0
        used += cost
    ends.append(len(costs))
    return ends


def analyze(body: str) -> TextStats:
    """Encoding, size and segment count of a final (already rendered) body."""
    encoding, costs, ucs2_chars, ucs2_positions = _costs(body)
    single, part = _limits(encoding)
    segments = len(_part_ends(costs, single, part))
    return TextStats(
        encoding=encoding,
        units=sum(costs),
        segments=segments,
        chars=len(body),
        per_segment_limit=single if segments <= 1 else part,
        ucs2_chars=ucs2_chars,
        ucs2_positions=ucs2_positions,
        too_long=len(body) > MAX_BODY_CHARS,
    )


def split_segments(body: str) -> tuple[str, ...]:
    """The body cut where the phone network would cut it (for previews and tests)."""
    encoding, costs, _, _ = _costs(body)
    single, part = _limits(encoding)
    # ``costs`` has one entry per character in both encodings, so indices line up.
    pieces: list[str] = []
    start = 0
    for end in _part_ends(costs, single, part):
        pieces.append(body[start:end])
        start = end
    return tuple(pieces)


# --------------------------------------------------------------------------- templates


def _show(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters for a message to the user."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A template is compiled once into literal strings and fields, so rendering
# thousands of leads is a join, not a re-parse.


@dataclass(frozen=True, slots=True)
class _Field:
    name: str  # canonical (lower-case, underscores)
    fallback: str
    raw: str  # exactly as written, braces included: put back for unknown fields
    known: bool


@lru_cache(maxsize=1024)  # value keys repeat across thousands of renders
def _canonical_name(text: str) -> str:
    # "First Name", "first-name" and "FIRST_NAME" all mean first_name.
    name = re.sub(r"[\s\-]+", "_", text.strip()).casefold()
    return _FIELD_ALIASES.get(name, name)


def _clean(value: object) -> str:
    return "" if value is None else str(value).strip()


class Template:
    """A parsed merge-field template. Build with :func:`parse_template`.

    Syntax: ``{field}`` or ``{field|fallback}``; names are case-insensitive and
    may have spaces around them; ``{{`` and ``}}`` are literal braces. Anything
    that does not parse (an unclosed ``{``, a stray ``}``, an empty ``{}``) stays
    in the text as typed and is described in :attr:`problems`; parsing never raises.
    """

    __slots__ = ("_parts", "fields", "problems", "source", "unknown_fields")

    def __init__(
        self, source: str, parts: tuple[str | _Field, ...], problems: tuple[str, ...]
    ) -> None:
        self.source = source
        self._parts = parts
        found = [p for p in parts if isinstance(p, _Field)]
        #: Every field name used, canonical spelling, first-seen order, no repeats.
        self.fields: tuple[str, ...] = tuple(dict.fromkeys(f.name for f in found))
        #: The subset of :attr:`fields` TextDesk has no value for; left as typed.
        self.unknown_fields: tuple[str, ...] = tuple(
            dict.fromkeys(f.name for f in found if not f.known)
        )
        #: Plain sentences about syntax mistakes and unknown fields, for the composer.
        self.problems = problems

    def __repr__(self) -> str:
        return f"Template({self.source!r})"

    def render(self, values: Mapping[str, str | None]) -> str:
        """Fill the fields from ``values`` (keyed by canonical field name).

        Empty, blank or missing values use the field's fallback, or "" without one.
        ``full_name``, when not given, is built from first_name and last_name.
        """
        out: list[str] = []
        for part in self._parts:
            if isinstance(part, str):
                out.append(part)
            elif not part.known:
                out.append(part.raw)
            else:
                out.append(_lookup(values, part.name) or part.fallback)
        return "".join(out)


def _lookup(values: Mapping[str, str | None], name: str) -> str:
    value = _clean(values.get(name))
    if not value and name not in values:
        # Callers may pass "First_Name" style keys (e.g. from a CSV header); only
        # pay for the scan when the direct lookup missed.
        for key, candidate in values.items():
            if isinstance(key, str) and _canonical_name(key) == name:
                value = _clean(candidate)
                break
    if not value and name == "full_name":
        parts = (_lookup(values, "first_name"), _lookup(values, "last_name"))
        value = " ".join(p for p in parts if p)
    return value


def _parse_field(raw: str, position: int, problems: list[str]) -> str | _Field:
    inner = raw[1:-1]
    name_text, _, fallback = inner.partition("|")
    name = _canonical_name(name_text)
    shown = _show(" ".join(raw.split()), 40)  # one line, bounded, for the message
    if not name:
        problems.append(f"Empty merge field {shown} at position {position + 1}: sent as typed.")
        return raw
    known = name in KNOWN_FIELDS
    if not known:
        problems.append(
            f"Unknown merge field {shown} at position {position + 1}: it is sent as typed. "
            f"Known fields: {', '.join(KNOWN_FIELDS)}."
        )
    return _Field(name=name, fallback=fallback.strip(), raw=raw, known=known)


_SPECIAL = re.compile(r"[{}]")


@lru_cache(maxsize=512)
def parse_template(template: str) -> Template:
    """Compile ``template`` once; cached, since the same step renders for every lead."""
    parts: list[str | _Field] = []
    problems: list[str] = []
    literal: list[str] = []
    i, n = 0, len(template)
    while i < n:
        match = _SPECIAL.search(template, i)
        if match is None:
            literal.append(template[i:])
            break
        j = match.start()
        literal.append(template[i:j])
        ch = template[j]
        doubled = template.startswith(ch * 2, j)
        if doubled:
            literal.append(ch)
            i = j + 2
        elif ch == "}":
            problems.append(f"Stray '}}' at position {j + 1}: write '}}}}' for a literal brace.")
            literal.append(ch)
            i = j + 1
        else:
            close = template.find("}", j + 1)
            reopen = template.find("{", j + 1)
            if close == -1 or (reopen != -1 and reopen < close):
                problems.append(
                    f"Unclosed '{{' at position {j + 1}: close the field with '}}' "
                    f"or write '{{{{' for a literal brace."
                )
                literal.append(ch)
                i = j + 1
                continue
            field = _parse_field(template[j : close + 1], j, problems)
            if isinstance(field, str):
                literal.append(field)
            else:
                parts.append("".join(literal))
                literal = []
                parts.append(field)
            i = close + 1
    parts.append("".join(literal))
    return Template(template, tuple(p for p in parts if p != ""), tuple(problems))


def render(template: str | Template, values: Mapping[str, str | None]) -> str:
    """Convenience: parse (cached) and render in one call."""
    compiled = template if isinstance(template, Template) else parse_template(template)
    return compiled.render(values)


# --------------------------------------------------------------------------- media


def _url_problem(url: object) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return "is empty"
    if url != url.strip() or any(ch.isspace() for ch in url):
        return "contains spaces; paste the link without spaces"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises ValueError on a malformed port such as ':abc'
    except ValueError:
        return "is not a well-formed web address"
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if not host:
        return "has no website name after http(s)://"
    return None


def validate_media_urls(urls: Iterable[str]) -> list[str]:
    """Problems with a message's media links; an empty list means they are fine.

    Twilio must download each file itself, so each link has to be a complete,
    public http(s) address; at most :data:`MAX_MEDIA_URLS` per message.
    """
    items = list(urls)
    problems: list[str] = []
    if len(items) > MAX_MEDIA_URLS:
        problems.append(
            f"A message can carry at most {MAX_MEDIA_URLS} media files; this one has {len(items)}."
        )
    for number, url in enumerate(items, start=1):
        reason = _url_problem(url)
        if reason is not None:
            shown = _show(url) if isinstance(url, str) else repr(url)
            problems.append(f"Media link {number} (“{shown}”) {reason}.")
    return problems


# --------------------------------------------------------------------------- cost


def estimate_cost(
    segments: int,
    price_per_segment: Decimal,
    messages: int = 1,
    media: bool = False,
    mms_price: Decimal | None = None,
) -> Decimal:
    """Estimated price of sending ``messages`` copies of one step.

    SMS is billed per segment: ``segments * messages * price_per_segment``.
    MMS (``media=True``) is billed per message, whatever the text length:
    ``messages * mms_price``. Without an ``mms_price`` an MMS counts as one
    billing unit at ``price_per_segment`` — a floor, since MMS usually costs
    more; pass the real MMS price when it is known. Exact Decimal, not rounded:
    formatting is the caller's business.
    """
    if segments < 0 or messages < 0:
        raise ValueError("segments and messages cannot be negative")
    price = Decimal(price_per_segment)
    if media:
        unit = Decimal(mms_price) if mms_price is not None else price
        return unit * messages
    return price * segments * messages
