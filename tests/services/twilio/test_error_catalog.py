"""The error catalog: every code the product promises, in plain words, and a safe fallback."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.services.twilio.error_catalog import CATALOG, ErrorExplanation, explain

REQUIRED_CODES = (
    30001, 30002, 30003, 30004, 30005, 30006, 30007, 30008, 30017, 30022, 30023, 30027,
    30032, 30034, 30036, 30410, 30450, 30610, 21211, 21408, 21610, 21611, 21614, 21617,
    21620, 21623, 20003, 20429, 14107,
    # The account, the sender and refusals the sending code acts on.
    10001, 20005, 21212, 21265, 21266, 21606, 21608, 21612, 21635, 21659, 21660, 21661,
    21701, 21703, 21704, 21705,
)  # fmt: skip

# Whether a later resend, with nothing changed, can succeed.
RESEND_HELPS = {30001, 30003, 30008, 30017, 30022, 30023, 30027, 30036, 30410, 30450, 30610}
RESEND_HELPS |= {21611, 20429, 14107}


@pytest.mark.parametrize("code", REQUIRED_CODES)
def test_every_required_code_has_a_complete_entry(code: int) -> None:
    entry = CATALOG[code]
    assert entry.code == code
    assert entry.title.strip() and entry.explanation.strip()
    assert entry.causes and entry.what_to_do
    for text in (entry.title, entry.explanation, *entry.causes, *entry.what_to_do):
        assert text == text.strip() and "  " not in text and "\n" not in text
    for sentence in (entry.explanation, *entry.causes, *entry.what_to_do):
        assert sentence.endswith("."), sentence


@pytest.mark.parametrize("code", REQUIRED_CODES)
def test_resend_helps_flag(code: int) -> None:
    assert CATALOG[code].resend_helps is (code in RESEND_HELPS)


@pytest.mark.parametrize("code", REQUIRED_CODES)
def test_explain_returns_the_catalog_entry(code: int) -> None:
    assert explain(code) is CATALOG[code]
    assert explain(str(code)) is CATALOG[code]


def test_catalog_has_exactly_the_required_codes() -> None:
    assert set(CATALOG) == set(REQUIRED_CODES)


def test_30008_says_the_carrier_gave_no_detail_and_lists_the_causes() -> None:
    entry = explain(30008)
    assert entry.title == "Unknown error"
    assert "carrier gave no detail" in entry.explanation
    causes = " ".join(entry.causes).lower()
    assert "off or cannot receive messages" in causes
    assert "roaming" in causes and "off-network" in causes
    assert "device" in causes
    assert "another phone on the same carrier" in causes
    assert entry.resend_helps


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (21610, ("STOP", "unsubscribed")),
        (20429, ("Too many requests",)),
        (30003, ("could not be reached",)),
        (30005, ("not in service", "deactivated")),
        (30006, ("landline",)),
        (30007, ("spam",)),
        (30034, ("A2P 10DLC", "registered")),
        (30032, ("toll-free", "verification")),
        (21211, ("not a valid phone number",)),
        (21617, ("1,600",)),
        (21623, ("10",)),
        (20003, ("Auth Token",)),
    ],
)
def test_key_facts_are_in_the_wording(code: int, words: tuple[str, ...]) -> None:
    text = CATALOG[code].as_text()
    for word in words:
        assert word.lower() in text.lower(), (code, word)


def test_opt_out_is_final_and_too_many_requests_is_retryable() -> None:
    assert not explain(21610).resend_helps
    assert explain(20429).resend_helps and explain(20429).retryable


def test_opt_out_gives_one_clear_instruction_about_resending() -> None:
    # It used to say both "Do not resend" and "Resending ... will not help until the cause is
    # fixed": only the lead can undo an opt-out, there is no cause for the owner to fix.
    text = explain(21610).as_text()
    last = text.splitlines()[-1]
    assert last == "Do not resend: this person asked to get no more texts from you."
    assert text.lower().count("resend") == 1
    assert "until the cause is fixed" not in text
    assert "START" in text  # how the lead can opt in again


@pytest.mark.parametrize("given_code", [12345, "12345", " 12345 ", "12345.0"])
def test_unknown_code_still_shows_the_code(given_code: int | str) -> None:
    entry = explain(given_code)
    assert entry.code == 12345
    assert "12345" in entry.title and "12345" in entry.explanation
    assert entry.as_text().startswith("Error 12345\n")  # no "Error 12345 — Error 12345"
    assert entry.what_to_do and not entry.resend_helps
    assert not (entry.retryable or entry.dead_number or entry.opt_out or entry.account_problem)


@pytest.mark.parametrize("given_code", ["30008", " 30008 ", "\t30008\n", "30008.0", "30008.00"])
def test_numeric_strings_are_accepted(given_code: str) -> None:
    assert explain(given_code) is CATALOG[30008]


@pytest.mark.parametrize("given_code", [None, "", "   "])
def test_no_code(given_code: str | None) -> None:
    entry = explain(given_code)
    assert entry.code is None
    assert entry.title == "No error code"
    assert entry.explanation and entry.what_to_do
    assert entry.as_text().startswith("No error code\n")


@pytest.mark.parametrize("junk", ["abc", "30008x", "-5", "3.14", "error 30008", "x" * 500])
def test_junk_is_shown_not_crashed_on(junk: str) -> None:
    entry = explain(junk)
    assert entry.code is None
    assert junk[:20] in entry.title
    assert len(entry.title) < 80  # a 500-character paste is shortened
    assert not (entry.resend_helps or entry.retryable or entry.dead_number)


def test_bool_is_not_mistaken_for_a_code() -> None:
    assert explain(True).code is None  # type: ignore[arg-type]


def test_as_text_layout() -> None:
    entry = explain(30008)
    text = entry.as_text()
    lines = text.splitlines()
    assert lines[0] == "Error 30008 — Unknown error"
    assert lines[1] == entry.explanation
    assert lines[2] == "Likely causes:"
    assert "What to do:" in lines
    for cause in entry.causes:
        assert f"• {cause}" in lines
    for step in entry.what_to_do:
        assert f"• {step}" in lines
    assert lines.index("Likely causes:") < lines.index("What to do:")
    assert lines[-1] == "Resending later may work."
    assert explain(21211).as_text().splitlines()[-1] == (
        "Resending as it is will not help until the cause is fixed."
    )


@pytest.mark.parametrize("code", REQUIRED_CODES)
def test_as_text_contains_code_title_and_causes(code: int) -> None:
    entry = CATALOG[code]
    text = entry.as_text()
    assert str(code) in text and entry.title in text
    assert all(cause in text for cause in entry.causes)


def test_catalog_and_entries_are_read_only() -> None:
    with pytest.raises(TypeError):
        CATALOG[1] = explain(30008)  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        explain(30008).title = "changed"  # type: ignore[misc]


@given(st.text(alphabet=st.characters(exclude_categories=())))
def test_explain_never_raises_on_any_text(text: str) -> None:
    entry = explain(text)
    assert isinstance(entry, ErrorExplanation)
    assert entry.as_text()


@given(st.integers())
def test_explain_never_raises_on_any_int(code: int) -> None:
    entry = explain(code)
    assert entry.code == code
    assert str(code) in entry.as_text()
