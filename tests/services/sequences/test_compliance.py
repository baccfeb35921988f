"""The pre-start content check: refusals, warnings, reminders, and robustness."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.services.sequences.compliance import (
    CATEGORY_LABELS,
    ComplianceResult,
    Finding,
    check_sequence,
    has_opt_out_wording,
    is_nanp,
    normalize,
    scan_body,
)

US = ["+14155550100"]
UK = ["+447700900123"]
OPT_OUT = " Reply STOP to opt out."


def categories(body: str) -> set[str]:
    return {match.category for match in scan_body(body)}


# --------------------------------------------------------------------------- categories


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ("Casino night this Friday!", "gambling"),
        ("Best sports betting odds in town", "gambling"),
        ("Claim 50 free spins", "gambling"),
        ("New sportsbook promo", "gambling"),
        ("Hot singles, sexy pics", "adult"),
        ("XXX videos", "adult"),
        ("Join the white power rally", "hate"),
        ("Half-price wine and beer tonight", "alcohol"),
        ("Happy hour 4-6pm", "alcohol"),
        ("Vodka tasting", "alcohol"),
        ("Gun show this weekend, ammo 20% off", "firearms"),
        ("AR-15 in stock", "firearms"),
        ("New vape flavours and e-liquids", "tobacco"),
        ("Cigars and cigarettes", "tobacco"),
        ("Premium CBD oil", "cannabis"),
        ("Our dispensary has new edibles", "cannabis"),
        ("Buy weed online", "cannabis"),
        ("Payday loans, guaranteed approval!", "high_risk_lending"),
        ("Need a cash advance?", "high_risk_lending"),
        ("Fix your score with credit repair", "high_risk_lending"),
        ("This is a debt collector. Your past due balance is $400", "debt_collection"),
        ("Your account was sent to collections", "debt_collection"),
    ],
)
def test_each_category_is_detected(body: str, category: str) -> None:
    assert category in categories(body)
    result = check_sequence([body + OPT_OUT], UK)
    assert category in {w.category for w in result.warnings}
    assert result.reminders == ()


def test_warning_wording() -> None:
    (warning,) = check_sequence(["Hi!" + OPT_OUT, "Premium CBD oil"], US).warnings
    assert warning.step_index == 1 and warning.matched == "cbd"
    assert warning.message.startswith("Step 2 may contain cannabis or CBD (“cbd”).")


def test_every_category_has_a_label() -> None:
    for match_category in (
        "gambling", "adult", "hate", "alcohol", "firearms", "tobacco", "cannabis",
        "high_risk_lending", "debt_collection", "opt_out",
    ):  # fmt: skip
        assert CATEGORY_LABELS[match_category]


# --------------------------------------------------------------------------- gambling split


def test_gambling_to_us_or_canada_is_refused() -> None:
    result = check_sequence(["Hi!" + OPT_OUT, "Try our online casino"], ["+447700900123", *US])
    assert not result.ok
    (refusal,) = result.refusals
    assert refusal.category == "gambling"
    assert refusal.step_index == 1
    assert refusal.matched == "casino"
    assert "Step 2" in refusal.message and "“casino”" in refusal.message
    assert "CTIA" in refusal.message and "+1" in refusal.message
    assert result.warnings == ()


def test_gambling_elsewhere_is_a_warning() -> None:
    result = check_sequence(["Poker tournament tonight" + OPT_OUT], [*UK, "+33612345678"])
    assert result.ok
    assert [w.category for w in result.warnings] == ["gambling"]
    assert result.refusals == ()


def test_canadian_number_counts_as_plus_one() -> None:
    assert not check_sequence(["Casino bonus" + OPT_OUT], ["+16045550123"]).ok


def test_each_gambling_step_gets_its_own_refusal() -> None:
    result = check_sequence(["Casino" + OPT_OUT, "Hello", "Roulette and blackjack"], US)
    assert [r.step_index for r in result.refusals] == [0, 2]


@pytest.mark.parametrize(
    "body",
    ["I'd wager you'll love it", "Parlay your skills", "Your best bet now is to book",
     "Hit the jackpot with our sale", "Don't gamble with your roof"],
)  # fmt: skip
def test_ambiguous_gambling_words_warn_but_never_refuse(body: str) -> None:
    result = check_sequence([body + OPT_OUT], US)
    assert result.ok
    assert [w.category for w in result.warnings] == ["gambling"]


def test_strong_and_weak_gambling_in_one_step_give_one_finding() -> None:
    result = check_sequence(["Jackpot at the casino, place your bets" + OPT_OUT], US)
    assert len(result.refusals) == 1 and result.warnings == ()


def test_phones_are_not_read_without_gambling_content() -> None:
    def exploding() -> Iterator[str]:
        raise AssertionError("phones were read")
        yield ""  # pragma: no cover

    result = check_sequence(["Table for two?" + OPT_OUT, "Happy hour!"], exploding())
    assert result.ok and [w.category for w in result.warnings] == ["alcohol"]


def test_phone_reading_stops_at_the_first_plus_one_number() -> None:
    seen: list[str] = []

    def phones() -> Iterator[str]:
        for number in ["+447700900001", "+14155550100"]:
            seen.append(number)
            yield number
        raise AssertionError("read past the first +1 number")

    assert not check_sequence(["Casino!", "More casino"], phones()).ok
    assert seen == ["+447700900001", "+14155550100"]  # read once, for both steps


def test_a_hundred_thousand_numbers_stream_through() -> None:
    def numbers() -> Iterator[str]:
        for i in range(100_000):
            yield f"+4477009{i:05d}"
        yield "+14155550100"

    assert not check_sequence(["Casino" + OPT_OUT], numbers()).ok


@pytest.mark.parametrize(
    ("phone", "expected"),
    [("+14155550100", True), (" +14155550100 ", True), ("+18765550100", True),
     ("+447700900123", False), ("14155550100", False), ("", False), (None, False)],
)  # fmt: skip
def test_is_nanp(phone: object, expected: bool) -> None:
    assert is_nanp(phone) is expected


# --------------------------------------------------------------------------- evasion


@pytest.mark.parametrize(
    "body",
    ["ＣＡＳＩＮＯ", "Casino", "CASINO", "cásino", "ca\u200bsino", "ca\u00adsino", "c4sino",
     "ca$ino", "c\u0430sino", "\u03bfnline c\u0430sino", "ca\u202esino", "CA\u0301SINO"],
)  # fmt: skip
def test_normalisation_defeats_simple_tricks(body: str) -> None:
    matches = scan_body(f"Visit our {body} now")
    assert [(m.category, m.refusable) for m in matches] == [("gambling", True)]


def test_normalize() -> None:
    assert normalize("ＣÁSINO\u200b") == "casino"
    assert normalize("Straße") == "strasse"
    assert normalize("a\x00b\tc") == "a b c"
    assert normalize("\ud800x") == "x"


def test_multiword_terms_accept_separators() -> None:
    for body in ("slot machines", "slot-machines", "slotmachines", "SLOT.MACHINE"):
        assert "gambling" in categories(body), body


# --------------------------------------------------------------------------- false positives


@pytest.mark.parametrize(
    "body",
    [
        "Greetings from Sussex, Essex and Middlesex",
        "Scatter the seeds, then begin watering",
        "Our gingerbread is back",
        "Spokane office opens Monday",
        "Bookkeeping services available",
        "Rumble in the jungle sale",
        "Hot glue gun and nail gun 30% off",
        "Planning a shotgun wedding?",
        "Shrimp cocktail and cocktail dresses",
        "Spring weed control and weed and feed",
        "Edible arrangements for Mother's Day",
        "Call us at xxx-xxx-xxxx",
        "Nude lipstick and nude heels in stock",
        "Keep a poker face at the sale",
        "The sextant is back in stock",
        "Root beer floats for the kids",
        "Surge suppressor installed",
    ],
)
def test_harmless_text_is_not_flagged(body: str) -> None:
    assert scan_body(body) == ()


def test_matches_respect_word_boundaries() -> None:
    assert "adult" in categories("sex")
    assert categories("Sussex") == set()
    assert "alcohol" in categories("gin & tonic") and categories("begin") == set()


# --------------------------------------------------------------------------- opt-out reminder


@pytest.mark.parametrize(
    "body",
    ["Reply STOP to opt out", "Text STOP to end", "reply stop to cancel", "Txt STOP", "STOP2END",
     "To unsubscribe, visit our site", "Opt-out anytime", "You can optout", "Msg&data rates "
     "may apply. STOP=stop", "Reply “STOP” to quit", "Reply END to cancel", "stop to opt out"],
)  # fmt: skip
def test_opt_out_wording_is_recognised(body: str) -> None:
    assert has_opt_out_wording(body)
    assert check_sequence([body], US).reminders == ()


@pytest.mark.parametrize(
    "body", ["Stop by our store today", "Don't stop believing", "NONSTOP deals", "Hi {first_name}"]
)
def test_missing_opt_out_gives_a_reminder(body: str) -> None:
    assert not has_opt_out_wording(body)
    result = check_sequence([body, "Reply STOP to opt out"], US)
    (reminder,) = result.reminders
    assert reminder.category == "opt_out" and reminder.step_index == 0
    assert "STOP" in reminder.message and reminder.matched is None
    assert result.ok  # a reminder never blocks


def test_no_steps_no_findings() -> None:
    assert check_sequence([], US) == ComplianceResult()
    assert ComplianceResult().ok


def test_clean_sequence() -> None:
    result = check_sequence(["Hi {first_name}, your table is ready." + OPT_OUT, "Thanks!"], US)
    assert result == ComplianceResult()


def test_finding_is_frozen() -> None:
    finding = Finding("alcohol", 0, "msg", "wine")
    with pytest.raises(AttributeError):
        finding.message = "other"  # type: ignore[misc]


# --------------------------------------------------------------------------- robustness

tricky = st.sampled_from(
    ["\ud800", "\udfff", "\x00", "\u200b", "\u202e", "\u200f", "\ufeff", "😀", "ﷺ", "ǅ", "ß",
     "İ", "casino", "$", "{", "\u0301", " "]
)  # fmt: skip
# Pieces rather than single characters, so whole keywords meet strange neighbours.
any_text = st.lists(st.one_of(st.text(st.characters(exclude_categories=())), tricky)).map("".join)


@given(st.lists(any_text, max_size=4), st.lists(st.one_of(any_text, st.just("+1")), max_size=5))
def test_no_input_crashes_the_check(bodies: list[str], phones: list[str]) -> None:
    result = check_sequence(bodies, phones)
    assert isinstance(result, ComplianceResult)
    for finding in (*result.refusals, *result.warnings, *result.reminders):
        assert finding.message


@given(any_text)
def test_helpers_are_total(body: str) -> None:
    assert isinstance(normalize(body), str)
    assert isinstance(scan_body(body), tuple)
    assert isinstance(has_opt_out_wording(body), bool)
    assert isinstance(is_nanp(body), bool)
