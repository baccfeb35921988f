"""Keyword auto-replies: a reply that is exactly a keyword (any case, spaces around it)
gets the keyword's answer, once, through the engine like any answer.

HELP and INFO answer by default with the business name and how to opt out, unless the
owner changes or switches them off. STOP, START and Twilio's other opt-out keywords keep
their meaning and are never answered by TextDesk: Twilio answers those itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import AutoReply, InboundMessage, Lead
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound, UserError
from desktop.services.inbox.answers import Answer, queue_one_off, render_for
from desktop.services.inbox.conversations import note_outbound
from desktop.services.inbox.keywords import OPT_IN_WORDS, OPT_OUT_WORDS
from desktop.services.text.segments import MAX_BODY_CHARS

DEFAULT_KEYWORDS = ("HELP", "INFO")
_KEYWORD = re.compile(r"[A-Z0-9][A-Z0-9 ]{0,38}[A-Z0-9]|[A-Z0-9]")


@dataclass(frozen=True)
class Rule:
    keyword: str
    answer: str
    enabled: bool
    default: bool  # HELP/INFO as TextDesk answers them until the owner changes them

    def as_json(self) -> dict[str, object]:
        return {
            "keyword": self.keyword,
            "answer": self.answer,
            "enabled": self.enabled,
            "default": self.default,
        }


def normalize_keyword(text: str) -> str:
    """The keyword as matched: upper case, single spaces; UserError for what cannot be one."""
    keyword = " ".join((text or "").split()).upper()
    if not keyword:
        raise UserError("a keyword cannot be empty")
    if not _KEYWORD.fullmatch(keyword):
        raise UserError(
            f"a keyword is letters, digits and spaces, up to 40 characters, not {text!r}"
        )
    if keyword.replace(" ", "") in OPT_OUT_WORDS | OPT_IN_WORDS:
        raise UserError(
            f"{keyword} is an opt-out or opt-in keyword: Twilio answers it, and it keeps "
            "its meaning (it cannot have an auto-reply)"
        )
    return keyword


def default_answer(business_name: str) -> str:
    who = business_name.strip() or "This number"
    return f"{who}: reply here to reach us. Msg&data rates may apply. Reply STOP to opt out."


def _business(ctx_or_name: Context | str) -> str:
    if isinstance(ctx_or_name, str):
        return ctx_or_name
    return str(ctx_or_name.settings.raw("business_name"))


def list_rules(ctx: Context) -> list[Rule]:
    with ctx.db.read() as session:
        stored = {row.keyword: row for row in session.scalars(select(AutoReply))}
    rules = [Rule(r.keyword, r.answer, r.enabled, False) for r in stored.values()]
    rules += [
        Rule(keyword, default_answer(_business(ctx)), True, True)
        for keyword in DEFAULT_KEYWORDS
        if keyword not in stored
    ]
    return sorted(rules, key=lambda r: r.keyword)


def set_rule(ctx: Context, keyword: str, text: str) -> Rule:
    key = normalize_keyword(keyword)
    answer = " ".join((text or "").split(" ")).strip()
    if not answer:
        raise UserError("an auto-reply needs an answer text")
    if len(answer) > MAX_BODY_CHARS:
        raise UserError(f"an answer can have at most {MAX_BODY_CHARS} characters")
    with ctx.db.write() as session:
        row = session.get(AutoReply, key)
        if row is None:
            session.add(AutoReply(keyword=key, answer=answer, enabled=True))
        else:
            row.answer, row.enabled = answer, True
    return Rule(key, answer, True, False)


def delete_rule(ctx: Context, keyword: str) -> None:
    """Remove a rule; HELP and INFO stay, switched off (their default would come back)."""
    key = normalize_keyword(keyword)
    with ctx.db.write() as session:
        row = session.get(AutoReply, key)
        if key in DEFAULT_KEYWORDS:
            if row is None:
                session.add(AutoReply(keyword=key, answer="", enabled=False))
            else:
                row.enabled = False
            return
        if row is None:
            raise NotFound(f"no auto-reply for {key}")
        session.delete(row)


def answer_for(session: Session, body: str, business_name: str) -> str | None:
    """The auto-reply for a reply `body` (the whole message), None when there is none."""
    key = " ".join((body or "").split()).upper()
    if not key or len(key) > 40:
        return None
    row = session.get(AutoReply, key)
    if row is not None:
        return row.answer if row.enabled and row.answer else None
    return default_answer(business_name) if key in DEFAULT_KEYWORDS else None


def auto_reply(
    session: Session,
    inbound: InboundMessage,
    lead: Lead,
    now: datetime,
    *,
    business_name: str,
    fallback_sender: str,
) -> Answer | None:
    """Queue the answer to `inbound` if its text is a keyword: once per inbound message,
    never to an opted-out or deleted lead. The lead just wrote: quiet hours do not apply."""
    text = answer_for(session, inbound.body, business_name)
    if text is None or lead.opted_out or lead.deleted_at is not None:
        return None
    body = render_for(lead, text)
    sender = inbound.to_phone if inbound.to_phone.startswith("+") else fallback_sender
    queued = queue_one_off(
        session,
        lead,
        body,
        now,
        sender=sender,
        skip_quiet_hours=True,
        answers_inbound_id=inbound.id,
    )
    note_outbound(session, lead.id, body, now)
    return queued
