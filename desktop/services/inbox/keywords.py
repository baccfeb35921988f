"""What a reply says by itself: Twilio's opt-out and opt-in keywords, else a plain reply."""

from __future__ import annotations

import re
from enum import StrEnum

# Twilio's default opt-out and opt-in keywords (Advanced Opt-Out defaults).
OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "CANCEL", "REVOKE", "OPTOUT"}
)
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP"})


class ReplyAction(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    REPLY = "reply"


def classify(body: str) -> ReplyAction:
    """A reply that is only a keyword (any case, surrounding spaces or punctuation) acts."""
    word = re.sub(r"[^A-Za-z]", "", (body or "").strip()).upper()
    if word in OPT_OUT_WORDS:
        return ReplyAction.OPT_OUT
    if word in OPT_IN_WORDS:
        return ReplyAction.OPT_IN
    return ReplyAction.REPLY
