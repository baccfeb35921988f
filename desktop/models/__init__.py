"""TextDesk data model: SQLAlchemy 2 typed ORM, engine setup and Alembic migrations."""

from desktop.models.base import Base, UTCDateTime, utcnow
from desktop.models.leads import Lead, LeadTag
from desktop.models.messages import InboundMessage, Message, MessageEvent
from desktop.models.sequences import Sequence, SequenceCounter, Step
from desktop.models.settings import Setting

__all__ = [
    "Base",
    "InboundMessage",
    "Lead",
    "LeadTag",
    "Message",
    "MessageEvent",
    "Sequence",
    "SequenceCounter",
    "Setting",
    "Step",
    "UTCDateTime",
    "utcnow",
]
