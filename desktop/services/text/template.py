"""Merge-field templates: ``{first_name|there}`` compiled once, rendered for every lead."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from desktop.services.core.wording import shorten

#: Merge fields every lead has. Values are looked up under these names. A lead's custom
#: fields ({company}) are known too where the caller names them: see `parse_template`.
KNOWN_FIELDS: Final[tuple[str, ...]] = ("first_name", "last_name", "full_name", "email", "phone")
NO_CUSTOM_FIELDS: Final[frozenset[str]] = frozenset()
# Spellings people type naturally; folded onto the canonical names.
_FIELD_ALIASES: Final[dict[str, str]] = {
    "firstname": "first_name",
    "lastname": "last_name",
    "fullname": "full_name",
}


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


def known_fields(custom: frozenset[str] = NO_CUSTOM_FIELDS) -> tuple[str, ...]:
    """The standard merge fields, then the custom ones the leads carry, by name."""
    return KNOWN_FIELDS + tuple(sorted(custom - set(KNOWN_FIELDS)))


def _parse_field(
    raw: str, position: int, problems: list[str], custom: frozenset[str]
) -> str | _Field:
    inner = raw[1:-1]
    name_text, _, fallback = inner.partition("|")
    name = _canonical_name(name_text)
    shown = shorten(" ".join(raw.split()), 40)  # one line, bounded, for the message
    if not name:
        problems.append(f"Empty merge field {shown} at character {position + 1}: sent as typed.")
        return raw
    known = name in KNOWN_FIELDS or name in custom
    if not known:
        problems.append(
            f"Unknown merge field {shown}: it is sent as typed. "
            f"Known fields: {', '.join(known_fields(custom))}."
        )
    return _Field(name=name, fallback=fallback.strip(), raw=raw, known=known)


_SPECIAL = re.compile(r"[{}]")


@lru_cache(maxsize=512)
def parse_template(template: str, custom: frozenset[str] = NO_CUSTOM_FIELDS) -> Template:
    """Compile ``template`` once; cached, since the same step renders for every lead.

    ``custom`` names the custom fields the leads carry (canonical names such as
    ``company``): they are known fields too; a lead without one gets the fallback or "".
    """
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
            problems.append(f"Stray '}}' at character {j + 1}: write '}}}}' for a literal brace.")
            literal.append(ch)
            i = j + 1
        else:
            close = template.find("}", j + 1)
            reopen = template.find("{", j + 1)
            if close == -1 or (reopen != -1 and reopen < close):
                typed = template[j : reopen if reopen != -1 else n]
                shown = shorten(" ".join(typed.split()), 30)  # the field as typed, cut
                problems.append(
                    f"Unclosed merge field “{shown}” at character {j + 1}: close it with '}}' "
                    f"or write '{{{{' for a literal brace."
                )
                literal.append(ch)
                i = j + 1
                continue
            field = _parse_field(template[j : close + 1], j, problems, custom)
            if isinstance(field, str):
                literal.append(field)
            else:
                parts.append("".join(literal))
                literal = []
                parts.append(field)
            i = close + 1
    parts.append("".join(literal))
    return Template(template, tuple(p for p in parts if p != ""), tuple(problems))


def render(
    template: str | Template,
    values: Mapping[str, str | None],
    custom: frozenset[str] = NO_CUSTOM_FIELDS,
) -> str:
    """Convenience: parse (cached) and render in one call."""
    compiled = template if isinstance(template, Template) else parse_template(template, custom)
    return compiled.render(values)
