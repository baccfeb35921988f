"""Phone numbers: typed forms, the float forms spreadsheets write, and the zones of a number."""

from __future__ import annotations

import pytest

from desktop.services.core.phones import normalize_phone, timezones_of, undo_spreadsheet_float


@pytest.mark.parametrize(
    "cell",
    [
        "4155550165.0",
        "4155550165.00",
        "4.155550165E9",
        "4.155550165e+09",
        "4.155550165E+09",
        "4.1555501650E9",  # more digits than the exponent, all zeros: still exact
        "+14155550165.0",
        "+1.4155550165E10",
        "4155550165,0",  # a decimal comma (a spreadsheet in a French or German locale)
        "4,155550165E+09",
        " 4155550165.0 ",
    ],
)
def test_spreadsheet_floats_read_as_their_digits(cell: str) -> None:
    assert normalize_phone(cell) == "+14155550165"


@pytest.mark.parametrize(
    "typed",
    [
        "415.555.0165",  # dots between the groups: a US number, not a float
        "415 555 0165",
        "(415) 555-0165",
        "415-555-0165",
        "+1 415 555 0165",
        "+1.415.555.0165",
        "1 415 555 0165",
        "4155550165",
    ],
)
def test_typed_us_forms(typed: str) -> None:
    assert normalize_phone(typed) == "+14155550165"


@pytest.mark.parametrize(
    "cell",
    [
        "4.1555E9",  # the display rounded it: five of ten digits shown
        "4.1555e+09",
        "1.41555E+10",
        "4.155550165E10",  # a tenth digit implied: unknown, not a zero
        "4155550165.5",  # not a whole number
        "4.1555501655E9",
    ],
)
def test_floats_that_lost_digits_are_invalid_not_guessed(cell: str) -> None:
    assert normalize_phone(cell) is None


def test_the_issue_example_is_not_switzerland() -> None:
    assert normalize_phone("4155550165.0") == "+14155550165"
    assert normalize_phone("+41555501650") is not None  # a Swiss number exists there


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4155550165.0", "4155550165"),
        ("+14155550165.00", "+14155550165"),
        ("4.155550165e+09", "4155550165"),
        ("4.1555E9", None),
        ("415.555.0165", "415.555.0165"),  # not a float: unchanged
        ("(415) 555-0165", "(415) 555-0165"),
        ("1-800-FLOWERS", "1-800-FLOWERS"),
        ("", ""),
    ],
)
def test_undo_spreadsheet_float(text: str, expected: str | None) -> None:
    assert undo_spreadsheet_float(text) == expected


def test_international_forms_still_work() -> None:
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"
    assert normalize_phone("0044 20 7946 0958") == "+442079460958"
    assert normalize_phone("07911 123456", "GB") == "+447911123456"
    assert normalize_phone("12345") is None


def test_zones_of_a_number() -> None:
    assert timezones_of("+14155550165") == ("America/Los_Angeles",)
    russian = timezones_of("+79141234567")
    assert "Asia/Vladivostok" in russian and len(russian) > 10
    assert "America/Adak" in timezones_of("+18005550100")
    assert timezones_of("+80012345678") == ()  # phonenumbers says Etc/Unknown
    assert timezones_of("not a number") == ()
