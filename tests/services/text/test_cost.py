"""Cost estimates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from desktop.services.text.cost import estimate_cost


def test_sms_cost_is_per_segment() -> None:
    price = Decimal("0.0079")
    assert estimate_cost(3, price, messages=1000) == Decimal("23.7000")
    assert estimate_cost(1, price) == price
    assert estimate_cost(0, price, messages=50) == 0


def test_mms_cost_is_per_message() -> None:
    sms, mms = Decimal("0.0079"), Decimal("0.0200")
    assert estimate_cost(4, sms, messages=10, media=True, mms_price=mms) == Decimal("0.2000")
    assert estimate_cost(4, sms, messages=10, media=True) == Decimal("0.0790")  # floor
    assert estimate_cost(4, sms, messages=10, media=False, mms_price=mms) == Decimal("0.3160")


def test_cost_rejects_negative_counts() -> None:
    with pytest.raises(ValueError):
        estimate_cost(-1, Decimal("0.01"))
    with pytest.raises(ValueError):
        estimate_cost(1, Decimal("0.01"), messages=-3)
