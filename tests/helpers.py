"""Small helpers shared by tests."""

from desktop.services.context import Context


def add_leads(context: Context, count: int, *, tag: str | None = None, start: int = 0) -> list[int]:
    """Insert `count` valid US leads directly (the CSV importer has its own tests)."""
    from desktop.models import Lead, LeadTag

    ids = []
    with context.db.write() as session:
        for i in range(start, start + count):
            lead = Lead(
                phone=f"+1415555{i:04d}",
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
