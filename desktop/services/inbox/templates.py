"""Saved messages with a name, usable in composer steps and answers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from desktop.models import Template
from desktop.services.core.context import Context
from desktop.services.core.errors import NotFound, UserError
from desktop.services.text.segments import MAX_BODY_CHARS
from desktop.services.text.template import parse_template

MAX_NAME = 100


@dataclass(frozen=True)
class SavedMessage:
    id: int
    name: str
    body: str

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "body": self.body}


def list_templates(ctx: Context) -> list[SavedMessage]:
    with ctx.db.read() as session:
        rows = session.scalars(select(Template).order_by(Template.name)).all()
        return [SavedMessage(t.id, t.name, t.body) for t in rows]


def add_template(ctx: Context, name: str, body: str, *, replace: bool = False) -> SavedMessage:
    """Save `body` under `name`; a name in use is refused unless `replace`."""
    clean = " ".join((name or "").split())
    if not clean:
        raise UserError("a template needs a name")
    if len(clean) > MAX_NAME:
        raise UserError(f"a template name can have at most {MAX_NAME} characters")
    text = (body or "").strip()
    if not text:
        raise UserError("a template needs a text")
    if len(text) > MAX_BODY_CHARS:
        raise UserError(f"a template can have at most {MAX_BODY_CHARS} characters")
    problems = parse_template(text).problems
    if problems:
        raise UserError(problems[0].rstrip("."))
    with ctx.db.write() as session:
        row = session.scalar(select(Template).where(Template.name == clean))
        if row is not None and not replace:
            raise UserError(f"a template named {clean!r} exists already")
        if row is None:
            row = Template(name=clean, body=text)
            session.add(row)
        else:
            row.body = text
        session.flush()
        return SavedMessage(row.id, row.name, row.body)


def delete_template(ctx: Context, name: str) -> None:
    clean = " ".join((name or "").split())
    with ctx.db.write() as session:
        row = session.scalar(select(Template).where(Template.name == clean))
        if row is None:
            raise NotFound(f"no template named {clean!r}")
        session.delete(row)
