"""Small helpers shared by tests."""

from desktop.services.core.context import Context


def phone(i: int) -> str:
    """The phone number add_leads gives its `i`-th lead."""
    return f"+1415555{i:04d}"


def add_leads(context: Context, count: int, *, tag: str | None = None, start: int = 0) -> list[int]:
    """Insert `count` valid US leads directly (the CSV importer has its own tests)."""
    from desktop.models import Lead, LeadTag

    ids = []
    with context.db.write() as session:
        for i in range(start, start + count):
            lead = Lead(
                phone=phone(i),
                first_name=f"Lead{i}",
                last_name="Test",
                email=f"lead{i}@example.com",
                timezone="",
                opted_out=False,
            )
            if tag:
                lead.tags = [LeadTag(tag=tag)]
            session.add(lead)
            session.flush()
            ids.append(lead.id)
    return ids


def report_status(
    context: Context,
    message_id: int,
    status: str,
    *,
    error_code: int | None = None,
    error_message: str | None = None,
) -> set[int]:
    """Apply a Twilio status to one message through the poller's own code path."""
    from sqlalchemy import select

    from desktop.models import Message
    from desktop.services.status.apply import apply_statuses
    from desktop.services.twilio.gateway import TwilioMessage

    sid = f"SM{message_id:032x}"
    record = TwilioMessage(
        sid=sid,
        status=status,
        direction="outbound-api",
        to="",
        from_="",
        body="",
        num_segments=1,
        price=None,
        price_unit=None,
        error_code=error_code,
        error_message=error_message,
        date_created=None,
        date_sent=None,
        date_updated=None,
    )
    with context.db.write_connection() as connection:
        rows = {
            row.id: row
            for row in connection.execute(
                select(
                    Message.id, Message.sequence_id, Message.bucket, Message.provider_status
                ).where(Message.id == message_id)
            )
        }
        return apply_statuses(connection, [record], {sid: message_id}, rows, context.now())
