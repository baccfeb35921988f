"""What the sequences table says about a sequence in words: when it starts or last moved,
how far it got, and what its status means. Plain functions of a SequenceSummary, so the
table, its tooltips and the tests read the same sentences."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from desktop.services.sequences.lifecycle import SequenceSummary
from desktop.services.status.vocabulary import Bucket, SequenceStatus
from desktop.ui.kit.formatting import local, plural

PROGRESS_MEANING = (
    "Messages with an outcome (delivered, failed, or never confirmed by the carrier) out of "
    "the messages that will go out. Canceled messages are not counted."
)
ACTIVITY_MEANING = (
    "For a Scheduled sequence, when it starts (your time). Otherwise, when the last text "
    "was handed to Twilio, or when the sequence was done or canceled."
)


def day_and_time(moment: datetime, *, now: datetime) -> str:
    """ "Sat 28 Nov 09:00" in the user's time; the year only when it is not this one."""
    when, today = local(moment), local(now)
    year = f" {when.year}" if when.year != today.year else ""
    return f"{when:%a} {when.day} {when:%b}{year} {when:%H:%M}"


def start_sentence(summary: SequenceSummary, *, now: datetime) -> str:
    """ "Starts Sat 28 Nov 09:00 (your time)", or "Started ..." once that moment passed."""
    verb = "Starts" if summary.start_at > now else "Started"
    return f"{verb} {day_and_time(summary.start_at, now=now)} (your time)"


class Moment(StrEnum):
    """What the Starts / Last activity column shows for a sequence."""

    STARTS = "starts"
    HANDED_OFF = "handed_off"
    DONE = "done"
    CANCELED = "canceled"


def activity(summary: SequenceSummary) -> tuple[datetime, Moment]:
    """The moment shown in the Starts / Last activity column, and which moment it is.

    A Scheduled sequence shows its start; so does one where nothing happened yet (being
    prepared, or waiting for quiet hours to end)."""
    last = summary.last_activity_at
    if summary.status == SequenceStatus.SCHEDULED or last is None:
        return summary.start_at, Moment.STARTS
    if last == summary.canceled_at:
        return last, Moment.CANCELED
    if last == summary.done_at:
        return last, Moment.DONE
    return last, Moment.HANDED_OFF


def activity_tooltip(summary: SequenceSummary, *, now: datetime) -> str:
    moment, kind = activity(summary)
    if kind == Moment.STARTS:
        text = start_sentence(summary, now=now)
        if summary.start_at <= now and summary.status != SequenceStatus.SCHEDULED:
            text += "; nothing handed to Twilio yet"
        return text + "."
    said = day_and_time(moment, now=now)
    if kind == Moment.CANCELED:
        return f"Canceled {said} (your time)."
    if kind == Moment.DONE:
        return f"Done {said} (your time)."
    return f"Last text handed to Twilio {said} (your time)."


def status_tooltip(summary: SequenceSummary, *, now: datetime) -> str:
    text = f"{summary.status.label}: {summary.status.meaning}"
    if summary.status == SequenceStatus.SCHEDULED:
        return f"{start_sentence(summary, now=now)}.\n{text}"
    return text


def progress_label(summary: SequenceSummary) -> str:
    """ "12 of 40 done": messages with an outcome of those that will go out."""
    if not summary.going_out:
        return "All canceled" if summary.total else "Nothing to send"
    return f"{summary.with_outcome:,} of {summary.going_out:,} done"


def progress_tooltip(summary: SequenceSummary) -> str:
    counts = summary.counts
    lines = [
        f"{summary.with_outcome:,} of {plural(summary.going_out, 'message')} done "
        f"({summary.progress:.0%}): delivered, failed, or never confirmed by the carrier."
    ]
    on_their_way = [
        f"{counts[bucket]:,} {bucket.label}" for bucket in (Bucket.IN_QUEUE, Bucket.OUTBOX)
    ]
    if counts[Bucket.IN_QUEUE] or counts[Bucket.OUTBOX]:
        lines.append(f"Still on their way: {' and '.join(on_their_way)}.")
    if counts[Bucket.CANCELED]:
        lines.append(
            f"{plural(counts[Bucket.CANCELED], 'canceled message')} will never go out and "
            "are not counted."
        )
    return "\n".join(lines)
