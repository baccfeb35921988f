"""The pure status rules, case by case."""

from datetime import UTC, datetime, timedelta

import pytest
from twilio.rest.api.v2010.account.message import MessageInstance

from desktop.services.status.rules import (
    INBOUND_PROVIDER_STATUSES,
    PROVIDER_STATUS_BUCKET,
    InvalidTransition,
    SequenceAction,
    SequenceFacts,
    apply_action,
    bucket_after_status,
    bucket_for_provider_status,
    deleted_leads_count,
    is_delivery_unknown,
    is_done,
    sequence_status,
)
from desktop.services.status.vocabulary import Bucket, SequenceStatus

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
WINDOW = timedelta(hours=48)

TWILIO_STATUSES = {
    "accepted": Bucket.OUTBOX,
    "scheduled": Bucket.OUTBOX,
    "queued": Bucket.OUTBOX,
    "sending": Bucket.OUTBOX,
    "sent": Bucket.OUTBOX,
    "delivered": Bucket.SENT,
    "read": Bucket.SENT,
    "partially_delivered": Bucket.SENT,
    "undelivered": Bucket.ERROR,
    "failed": Bucket.ERROR,
    "canceled": Bucket.CANCELED,
}


@pytest.mark.parametrize(("status", "bucket"), TWILIO_STATUSES.items())
def test_every_twilio_status_has_its_bucket(status: str, bucket: Bucket) -> None:
    assert bucket_for_provider_status(status) == bucket
    assert bucket_for_provider_status(status.upper()) == bucket


def test_mapping_covers_the_twilio_sdks_status_enum_exactly() -> None:
    # The SDK's own enum, not a copy: a status Twilio adds shows up here first.
    sdk = {
        value
        for name, value in vars(MessageInstance.Status).items()
        if name.isupper() and isinstance(value, str)
    }
    assert set(PROVIDER_STATUS_BUCKET) | INBOUND_PROVIDER_STATUSES == sdk
    assert not set(PROVIDER_STATUS_BUCKET) & INBOUND_PROVIDER_STATUSES
    assert dict(PROVIDER_STATUS_BUCKET) == TWILIO_STATUSES


@pytest.mark.parametrize("status", ["received", "receiving", "exploded", "", None])
def test_inbound_or_unknown_status_has_no_bucket(status: str | None) -> None:
    assert bucket_for_provider_status(status) is None


@pytest.mark.parametrize("current", list(Bucket))
@pytest.mark.parametrize("status", [*TWILIO_STATUSES, "exploded", None])
def test_bucket_after_status_every_pair(current: Bucket, status: str | None) -> None:
    result = bucket_after_status(current, status)
    target = bucket_for_provider_status(status)
    if target is None or target == current:
        assert result is None
    elif target == Bucket.OUTBOX and current in (
        Bucket.SENT,
        Bucket.ERROR,
        Bucket.DELIVERY_UNKNOWN,
        Bucket.CANCELED,
    ):
        assert result is None  # a stale non-final status never undoes an outcome
    else:
        assert result == target


def test_final_answer_wins_over_delivery_unknown() -> None:
    assert bucket_after_status(Bucket.DELIVERY_UNKNOWN, "delivered") == Bucket.SENT
    assert bucket_after_status(Bucket.DELIVERY_UNKNOWN, "undelivered") == Bucket.ERROR
    assert bucket_after_status(Bucket.DELIVERY_UNKNOWN, "sent") is None


def test_delivery_unknown_timeout_boundaries() -> None:
    timeout = timedelta(hours=72)
    handed = NOW - timeout
    assert is_delivery_unknown(Bucket.OUTBOX, handed, NOW, timeout)
    assert not is_delivery_unknown(Bucket.OUTBOX, handed + timedelta(seconds=1), NOW, timeout)
    assert not is_delivery_unknown(Bucket.OUTBOX, None, NOW, timeout)
    for bucket in set(Bucket) - {Bucket.OUTBOX}:
        assert not is_delivery_unknown(bucket, handed, NOW, timeout)


def facts(status=SequenceStatus.IN_PROGRESS, prepared=True, start=NOW, last=None, **counts):
    return SequenceFacts(
        status=status,
        prepared=prepared,
        start_at=start,
        counts={Bucket(k): v for k, v in counts.items()},
        last_handoff_at=last,
    )


def test_not_prepared_is_being_processed() -> None:
    assert (
        sequence_status(facts(SequenceStatus.BEING_PROCESSED, prepared=False), NOW, WINDOW)
        == SequenceStatus.BEING_PROCESSED
    )


def test_future_start_is_scheduled() -> None:
    f = facts(start=NOW + timedelta(hours=1), in_queue=5)
    assert sequence_status(f, NOW, WINDOW) == SequenceStatus.SCHEDULED


def test_start_passed_is_in_progress() -> None:
    assert sequence_status(facts(in_queue=5), NOW, WINDOW) == SequenceStatus.IN_PROGRESS
    f = facts(in_queue=1, outbox=3, last=NOW - timedelta(minutes=1))
    assert sequence_status(f, NOW, WINDOW) == SequenceStatus.IN_PROGRESS


def test_done_when_nothing_queued_and_outbox_empty() -> None:
    f = facts(sent=3, error=1, last=NOW - timedelta(minutes=1))
    assert sequence_status(f, NOW, WINDOW) == SequenceStatus.DONE


def test_outbox_waits_for_the_carrier_window() -> None:
    inside = facts(outbox=2, sent=3, last=NOW - WINDOW + timedelta(seconds=1))
    assert sequence_status(inside, NOW, WINDOW) == SequenceStatus.IN_PROGRESS
    passed = facts(outbox=2, sent=3, last=NOW - WINDOW)
    assert sequence_status(passed, NOW, WINDOW) == SequenceStatus.DONE


def test_in_queue_is_never_done() -> None:
    f = facts(in_queue=1, last=NOW - 10 * WINDOW)
    assert not is_done(f.counts, f.last_handoff_at, NOW, WINDOW)


def test_paused_stays_paused_until_done() -> None:
    assert (
        sequence_status(facts(SequenceStatus.PAUSED, in_queue=4), NOW, WINDOW)
        == SequenceStatus.PAUSED
    )
    assert sequence_status(facts(SequenceStatus.PAUSED, sent=4), NOW, WINDOW) == SequenceStatus.DONE


@pytest.mark.parametrize(
    "final", [SequenceStatus.DONE, SequenceStatus.CANCELED, SequenceStatus.PREPARATION_FAILED]
)
def test_done_and_canceled_are_final(final: SequenceStatus) -> None:
    assert sequence_status(facts(final, in_queue=3), NOW, WINDOW) == final


ALLOWED = {
    SequenceAction.PAUSE: {SequenceStatus.SCHEDULED, SequenceStatus.IN_PROGRESS},
    SequenceAction.RESUME: {SequenceStatus.PAUSED},
    SequenceAction.CANCEL: {
        SequenceStatus.SCHEDULED,
        SequenceStatus.IN_PROGRESS,
        SequenceStatus.PAUSED,
    },
}
RESULT = {
    SequenceAction.PAUSE: SequenceStatus.PAUSED,
    SequenceAction.RESUME: SequenceStatus.IN_PROGRESS,
    SequenceAction.CANCEL: SequenceStatus.CANCELED,
}


@pytest.mark.parametrize("action", list(SequenceAction))
@pytest.mark.parametrize("status", list(SequenceStatus))
def test_every_action_from_every_status(action: SequenceAction, status: SequenceStatus) -> None:
    if status in ALLOWED[action]:
        assert apply_action(status, action) == RESULT[action]
    else:
        with pytest.raises(InvalidTransition, match=action.value):
            apply_action(status, action)


def test_deleted_leads_count() -> None:
    assert deleted_leads_count({1: True, 2: False, 3: True}) == 2
    assert deleted_leads_count({}) == 0
