"""Which column holds what: header synonyms, header or data, and a checked mapping."""

from __future__ import annotations

import pytest

from desktop.services.core.errors import UserError
from desktop.services.leads.columns import (
    FIELDS,
    check_mapping,
    guess_header,
    guess_mapping,
    looks_like_phone,
    normalize_header,
)


@pytest.mark.parametrize(
    ("text", "normalized"),
    [(" E-Mail Address ", "emailaddress"), ("Téléphone", "telephone"), ("First_Name", "firstname")],
)
def test_headers_are_compared_without_case_accents_or_punctuation(
    text: str, normalized: str
) -> None:
    assert normalize_header(text) == normalized


def test_a_mobile_column_beats_a_phone_column() -> None:
    assert guess_mapping(["Phone", "Name", "Mobile"])["phone"] == 2


def test_name_beside_last_name_is_the_first_name() -> None:
    assert guess_mapping(["Name", "Last name", "Cell"]) == {
        "first_name": 0,
        "last_name": 1,
        "phone": 2,
    }


def test_a_first_row_with_a_number_and_no_known_header_is_data() -> None:
    assert guess_header(["Ann", "(415) 555-0100"]) == (False, {"phone": 1})
    assert guess_header(["Vorname", "Telefon"]) == (True, {})


@pytest.mark.parametrize(
    ("cell", "phone"), [("+1 415 555 0100", True), ("12345", False), ("ann@x.com", False)]
)
def test_looks_like_phone(cell: str, phone: bool) -> None:
    assert looks_like_phone(cell) is phone


def test_check_mapping_names_the_first_problem() -> None:
    assert check_mapping({"phone": 0, "email": 2}, 3) == {"phone": 0, "email": 2}
    with pytest.raises(UserError, match="unknown field 'fax'"):
        check_mapping({"fax": 0}, 3)
    with pytest.raises(UserError, match="not one of the file's 3 columns"):
        check_mapping({"phone": 3}, 3)
    assert "phone" in FIELDS
