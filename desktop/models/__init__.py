"""TextDesk data model: SQLAlchemy 2 typed ORM, engine setup and Alembic migrations.

The model modules are imported on first use of a name from here, so a command that reads
one table does not pay for mapping all of them. `Base` (and its metadata, which Alembic
compares with the database) always comes with every model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from desktop.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from desktop.models.conversations import AutoReply, Conversation, Template
    from desktop.models.engine import EngineLease
    from desktop.models.leads import Lead, LeadTag
    from desktop.models.messages import InboundMessage, Message, MessageEvent
    from desktop.models.sequences import Sequence, SequenceCounter, Step
    from desktop.models.settings import Setting

_HOME = {
    "AutoReply": "conversations",
    "Conversation": "conversations",
    "Template": "conversations",
    "EngineLease": "engine",
    "Lead": "leads",
    "LeadTag": "leads",
    "InboundMessage": "messages",
    "Message": "messages",
    "MessageEvent": "messages",
    "Sequence": "sequences",
    "SequenceCounter": "sequences",
    "Step": "sequences",
    "Setting": "settings",
}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'desktop.models' has no attribute {name!r}")
    return getattr(importlib.import_module(f"desktop.models.{module}"), name)


def import_all() -> None:
    """Every model class, so the metadata is whole and relationships can be configured."""
    for module in sorted(set(_HOME.values())):
        importlib.import_module(f"desktop.models.{module}")


__all__ = [
    "AutoReply",
    "Base",
    "Conversation",
    "EngineLease",
    "InboundMessage",
    "Lead",
    "LeadTag",
    "Message",
    "MessageEvent",
    "Sequence",
    "SequenceCounter",
    "Setting",
    "Step",
    "Template",
    "UTCDateTime",
    "utcnow",
]
