"""`textdesk inbox`, `autoreply` and `templates`: round trips, and one line with exit 2
for every bad input."""

from __future__ import annotations

import json

import pytest

from desktop.cli import main
from desktop.services.core.context import Context
from desktop.services.inbox.conversations import note_inbound
from desktop.services.leads.store import set_opted_out
from tests.helpers import add_leads


@pytest.fixture
def cli(db_url: str, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", db_url, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def wrote(ctx: Context) -> list[int]:
    """Two leads, the first of whom wrote."""
    ids = add_leads(ctx, 2)
    with ctx.db.write() as session:
        note_inbound(session, ids[0], "Do you deliver?", ctx.now())
    return ids


def test_inbox_list_reply_show_read(cli, wrote: list[int]) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("inbox", "list", "--json")
    assert (code, err) == (0, "")
    (row,) = json.loads(out)
    assert set(row) == {"lead_id", "phone", "name", "unread", "last_at", "last_body"}
    assert (row["lead_id"], row["unread"], row["last_body"]) == (wrote[0], 1, "Do you deliver?")
    code, out, err = cli("inbox", "reply", str(wrote[0]), "Yes, {first_name}, every day.")
    assert code == 0 and "Queued the answer" in out and "quiet hours" in out, err
    code, out, _ = cli("inbox", "show", str(wrote[0]), "--json")
    shown = json.loads(out)
    assert shown["messages"][-1]["body"] == "Yes, Lead0, every day."
    assert shown["messages"][-1]["origin"] == "answer"
    assert cli("inbox", "read", str(wrote[0]))[0] == 0
    assert json.loads(cli("inbox", "list", "--json")[1])[0]["unread"] == 0


def test_autoreply_and_templates(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("autoreply", "set", "hours", "Open 8-6")[0] == 0
    rules = {r["keyword"]: r for r in json.loads(cli("autoreply", "list", "--json")[1])}
    assert rules["HOURS"]["answer"] == "Open 8-6" and rules["HELP"]["default"] is True
    assert cli("autoreply", "delete", "HOURS")[0] == 0
    assert cli("templates", "add", "Thanks", "Thanks {first_name}!")[0] == 0
    saved = json.loads(cli("templates", "list", "--json")[1])
    assert [t["name"] for t in saved] == ["Thanks"]
    assert cli("templates", "delete", "Thanks")[0] == 0


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("inbox", "reply", "999", "Hi"), "no lead with id 999"),
        (("inbox", "reply", "1", ""), "no text"),
        (("inbox", "reply", "1", "x" * 1601), "at most 1600"),
        (("inbox", "reply", "2", "Hi"), "opted out"),
        (("inbox", "show", "0"), "a lead ID must be"),
        (("autoreply", "set", "STOP", "Bye"), "opt-out or opt-in keyword"),
        (("autoreply", "set", "hours", ""), "needs an answer"),
        (("autoreply", "delete", "nothing"), "no auto-reply for NOTHING"),
        (("templates", "add", "", "Hi"), "needs a name"),
        (("templates", "delete", "missing"), "no template named 'missing'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    cli,
    ctx: Context,
    wrote: list[int],
    args: tuple[str, ...],
    words: str,  # type: ignore[no-untyped-def]
) -> None:
    set_opted_out(ctx, [wrote[1]], True)
    code, out, err = cli(*args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and words in err and "Traceback" not in err


def test_show_says_why_a_text_was_canceled(cli, ctx: Context, wrote: list[int]) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.core.actor import current_actor
    from desktop.services.sequences import builder

    step = [builder.StepSpec("Hi {first_name}. Reply STOP to opt out")]
    made = builder.create_sequence(ctx, "Spring", step, builder.LeadSelection(ids=[wrote[0]]))
    assert cli("sequences", "cancel", str(made.sequence_id))[0] == 0
    code, out, _ = cli("inbox", "show", str(wrote[0]), "--json")
    (step_message,) = [m for m in json.loads(out)["messages"] if m["origin"] == "step"]
    assert step_message["status"] == "Canceled"
    assert step_message["cancel_reason"] == f"sequence canceled by {current_actor()}"
    code, out, _ = cli("inbox", "show", str(wrote[0]))
    assert code == 0 and f"Canceled (sequence canceled by {current_actor()})" in out
