"""What a step costs to send: SMS per segment, MMS per message."""

from __future__ import annotations

from decimal import Decimal


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
