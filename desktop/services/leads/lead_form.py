"""Adding and editing one lead by hand: every field checked, each problem said in words for
the field it belongs to, nothing stored while any remains.

The phone number is the lead's identity (unique, also among deleted leads): adding a number
that belongs to a deleted lead brings that lead back, as an import of the number would.
Correcting a number moves the lead's waiting messages to the new number and clears what the
engine learned about the old one (a dead-number mark, a time zone needed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import phonenumbers
from sqlalchemy import update
from sqlalchemy.orm import Session

from desktop.models import Lead, LeadTag, Message
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound, UserError
from desktop.services.core.phones import normalize_phone
from desktop.services.leads import store
from desktop.services.leads.custom_fields import clean_fields
from desktop.services.leads.listing import LeadRow
from desktop.services.leads.tags import normalize_tag
from desktop.services.leads.time_zones import canonical_zone
from desktop.services.status.vocabulary import Bucket

NAME_MAX = 100
EMAIL_MAX = 254
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
FIELD_LABELS = {
    "phone": "Phone number",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "tags": "Tags",
    "timezone": "Time zone",
    "custom_fields": "Custom fields",
}


def invalid_phone(text: str, region: str) -> str:
    """Why a number is not valid, with the rule about a missing country code only for a
    number written without one (`+44 7700 900123` has one: its digits are the problem)."""
    shown = " ".join(text.split())[:40]
    international = shown.startswith(("+", "00"))
    if not international:
        return (
            f"“{shown}” is not a valid phone number (numbers without a + country code are "
            f"read as {region} numbers)"
        )
    code = 0
    try:
        parsed = phonenumbers.parse("+" + shown[2:] if shown.startswith("00") else shown, None)
        code = parsed.country_code or 0
    except phonenumbers.NumberParseException:
        pass
    if code and phonenumbers.region_code_for_country_code(code) != "ZZ":
        return f"“{shown}” is not a valid phone number: check the digits after +{code}"
    return f"“{shown}” is not a valid phone number: check the country code after the +"


@dataclass(frozen=True)
class LeadInput:
    """What the owner typed, as typed."""

    phone: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    tags: str = ""  # "vip, spring fair"
    timezone: str = ""  # "" follows the number's area
    custom_fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CheckedLead:
    phone: str  # +14155550100
    first_name: str
    last_name: str
    email: str
    tags: tuple[str, ...]
    timezone: str
    custom_fields: dict[str, str] = field(default_factory=dict)


class LeadFormError(UserError):
    """One or more fields are wrong; `problems` maps each field to a sentence."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        first = next(iter(self.problems.items()))
        super().__init__(f"{FIELD_LABELS.get(first[0], first[0])}: {first[1]}")


def _tags(text: str, problems: dict[str, str]) -> tuple[str, ...]:
    tags: list[str] = []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        try:
            tag = normalize_tag(part)
        except UserError as exc:
            problems.setdefault("tags", str(exc))
            continue
        if tag not in tags:
            tags.append(tag)
    return tuple(sorted(tags))


def check_lead(data: LeadInput, region: str) -> CheckedLead:
    """Every field checked; LeadFormError lists each problem under its field."""
    problems: dict[str, str] = {}
    phone = normalize_phone(data.phone, region) if data.phone.strip() else None
    if not data.phone.strip():
        problems["phone"] = "a lead needs a phone number"
    elif phone is None:
        problems["phone"] = invalid_phone(data.phone, region)
    first, last = " ".join(data.first_name.split()), " ".join(data.last_name.split())
    for key, value in (("first_name", first), ("last_name", last)):
        if len(value) > NAME_MAX:
            problems[key] = f"at most {NAME_MAX} characters ({len(value)} typed)"
    email = data.email.strip()
    if email and (len(email) > EMAIL_MAX or not EMAIL_PATTERN.fullmatch(email)):
        problems["email"] = f"“{email[:40]}” is not an email address (name@example.com)"
    timezone = canonical_zone(data.timezone) or "" if data.timezone.strip() else ""
    if data.timezone.strip() and not timezone:
        problems["timezone"] = (
            f"“{data.timezone.strip()[:40]}” is not a time zone; choose one such as "
            "America/New_York, or leave it empty to follow the number"
        )
    tags = _tags(data.tags, problems)
    custom: dict[str, str] = {}
    try:
        custom = clean_fields(data.custom_fields)
    except UserError as exc:
        problems["custom_fields"] = str(exc)
    if problems:
        raise LeadFormError(problems)
    assert phone is not None
    return CheckedLead(phone, first, last, email, tags, timezone, custom)


@dataclass(frozen=True)
class Saved:
    lead: LeadRow
    created: bool = False
    restored: bool = False  # the number belonged to a deleted lead, which is back
    released: int = 0  # messages held for a time zone that are now due


def _fill(session: Session, lead: Lead, checked: CheckedLead) -> None:
    lead.first_name, lead.last_name = checked.first_name, checked.last_name
    lead.email = checked.email
    lead.custom_fields = checked.custom_fields or None
    have = {t.tag for t in lead.tags}
    for gone in have - set(checked.tags):
        lead.tags.remove(next(t for t in lead.tags if t.tag == gone))
    for tag in sorted(set(checked.tags) - have):
        lead.tags.append(LeadTag(tag=tag))


def save_lead(ctx: Context, data: LeadInput, lead_id: int | None = None) -> Saved:
    """Add a lead (`lead_id` None) or replace an existing lead's fields with `data`."""
    checked = check_lead(data, str(ctx.settings.get("default_region")))
    now = ctx.now()
    with ctx.db.write() as session:
        owner = store.find_by_phone(session, checked.phone)
        if lead_id is None:
            lead = owner or Lead(phone=checked.phone, timezone="", opted_out=False)
            if owner is not None and owner.deleted_at is None:
                raise LeadFormError({"phone": f"{_who(owner)} already has this number"})
            restored = owner is not None
            if restored:
                store.restore_leads(session, [lead])
            else:
                session.add(lead)
        else:
            found = session.get(Lead, lead_id)
            if found is None or found.deleted_at is not None:
                raise NotFound(f"no lead with id {lead_id} (it may have been deleted)")
            if owner is not None and owner.id != lead_id:
                where = " (a deleted lead)" if owner.deleted_at is not None else ""
                raise LeadFormError({"phone": f"{_who(owner)}{where} already has this number"})
            lead, restored = found, False
        release = lead_id is not None and lead.phone != checked.phone
        if release:
            _renumber(session, lead, checked.phone)
        _fill(session, lead, checked)
        if checked.timezone and (lead.timezone != checked.timezone or lead.timezone_needed):
            # A zone given by the owner: the number's zones no longer matter.
            lead.timezone_needed = False
            release = lead_id is not None
        lead.timezone = checked.timezone
        lead.updated_at = now
        session.flush()
        released = store.release_held(session, [lead.id], now) if release else 0
        return Saved(LeadRow.of(lead), lead_id is None and not restored, restored, released)


def _who(lead: Lead) -> str:
    return f"the lead {lead.full_name}" if lead.full_name else "another lead"


def _renumber(session: Session, lead: Lead, phone: str) -> None:
    """A corrected number: waiting messages go to it, and what was learned about the old
    number (dead, spans time zones) no longer holds."""
    lead.phone = phone
    lead.dead_number_code = None
    lead.dead_number_at = None
    lead.timezone_needed = False
    session.execute(
        update(Message)
        .where(
            Message.lead_id == lead.id,
            Message.bucket == Bucket.IN_QUEUE.value,
            Message.claimed_at.is_(None),
        )
        .values(to_phone=phone)
    )
