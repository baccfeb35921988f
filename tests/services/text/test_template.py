"""Merge-field templates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.services.text.template import KNOWN_FIELDS, Template, parse_template, render

EMOJI = "😀"  # outside the BMP: one Python character, two UTF-16 units
CYRILLIC = "ж"  # in the BMP, not GSM-7

# Any text at all, lone surrogates included.
any_text = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from(["€", "{", "}", "|", EMOJI, "\ud800", "\x00", "a", " "]),
    )
)


def test_fallback_and_values() -> None:
    template = parse_template("Hi {first_name|there}, see you soon.")
    assert template.render({"first_name": "Ann"}) == "Hi Ann, see you soon."
    for empty in ({}, {"first_name": None}, {"first_name": ""}, {"first_name": "   "}):
        assert template.render(empty) == "Hi there, see you soon."
    assert render("Hi {first_name}!", {}) == "Hi !"
    assert render("Hi {first_name}!", {"first_name": "  Ann "}) == "Hi Ann!"


def test_names_are_case_insensitive_and_allow_spaces() -> None:
    values = {"first_name": "Ann"}
    for text in ("{FIRST_NAME}", "{ first_name | there }", "{First Name}", "{first-name}"):
        template = parse_template(text)
        assert template.fields == ("first_name",)
        assert template.problems == () and template.unknown_fields == ()
        assert template.render(values) == "Ann"
    assert render("{ first_name | dear friend }", {}) == "dear friend"
    assert render("{firstname} {LastName}", {"first_name": "A", "last_name": "B"}) == "A B"


def test_value_keys_may_use_any_spelling() -> None:
    assert render("{first_name}", {"First_Name": "Ann"}) == "Ann"
    # "E-mail" folds to "e_mail", not "email": no guessing beyond spacing and case.
    assert render("{email}", {"E-mail": "x@example.com"}) == ""


def test_all_known_fields_render() -> None:
    values = {
        "first_name": "Ann",
        "last_name": "Lee",
        "email": "ann@example.com",
        "phone": "+14155550100",
    }
    text = " ".join("{" + name + "}" for name in KNOWN_FIELDS)
    assert render(text, values) == "Ann Lee Ann Lee ann@example.com +14155550100"
    assert render("{full_name}", {"full_name": "Dr Ann Lee", "first_name": "x"}) == "Dr Ann Lee"
    assert render("{full_name|friend}", {"last_name": "Lee"}) == "Lee"
    assert render("{full_name|friend}", {}) == "friend"


def test_fields_are_listed_once_in_order() -> None:
    template = parse_template("{last_name} {first_name} {LAST_NAME} {nickname} {nickname}")
    assert template.fields == ("last_name", "first_name", "nickname")
    assert template.unknown_fields == ("nickname",)


def test_unknown_fields_are_reported_and_left_in_place() -> None:
    template = parse_template("Hi {nick_name|pal}, code {Promo Code}.")
    assert template.unknown_fields == ("nick_name", "promo_code")
    assert len(template.problems) == 2
    assert "{nick_name|pal}" in template.problems[0] and "first_name" in template.problems[0]
    # The field is quoted as typed: that says where it is, without "at position 4".
    assert template.problems[0].startswith("Unknown merge field {nick_name|pal}: it is sent")
    assert template.render({"nick_name": "Al"}) == "Hi {nick_name|pal}, code {Promo Code}."


def test_escaped_braces() -> None:
    template = parse_template("Use {{code}} or }} {{ {first_name}")
    assert template.problems == ()
    assert template.fields == ("first_name",)
    assert template.render({"first_name": "Ann"}) == "Use {code} or } { Ann"
    assert render("{{first_name}}", {"first_name": "Ann"}) == "{first_name}"


@pytest.mark.parametrize(
    ("text", "rendered", "problem"),
    [
        ("Hi {first_name", "Hi {first_name", "Unclosed merge field “{first_name” at character 4"),
        ("{ {first_name}", "{ Ann", "Unclosed merge field “{” at character 1"),
        ("Hi }", "Hi }", "Stray '}' at character 4"),
        ("a {} b", "a {} b", "Empty merge field {} at character 3"),
        ("a {|x} b", "a {|x} b", "Empty merge field {|x}"),
        ("{", "{", "Unclosed"),
    ],
)
def test_bad_braces_are_problems_not_exceptions(text: str, rendered: str, problem: str) -> None:
    template = parse_template(text)
    assert len(template.problems) == 1
    assert problem in template.problems[0]
    assert template.problems[0].endswith(".")
    assert "position" not in template.problems[0]  # the owner counts characters
    assert template.render({"first_name": "Ann"}) == rendered


def test_parse_is_cached_and_render_accepts_a_template() -> None:
    assert parse_template("Hi {first_name}") is parse_template("Hi {first_name}")
    template = parse_template("Hi {first_name}")
    assert isinstance(template, Template)
    assert render(template, {"first_name": "Bo"}) == "Hi Bo"


def test_rendering_a_missing_value_uses_the_fallback() -> None:
    template = parse_template("Hi {first_name|there}, your {last_name} order is ready. STOP=end")
    values = {"first_name": "Ann", "last_name": None}
    assert template.render(values) == "Hi Ann, your  order is ready. STOP=end"
    assert template.render({}) == "Hi there, your  order is ready. STOP=end"


def test_rendering_with_misses_and_odd_keys() -> None:
    # Missing fields make the renderer look for differently spelled keys.
    template = parse_template("Hi {first_name|there} {last_name}, ready. Reply STOP to opt out.")
    values = {"First Name": "Ann", "E-mail": "a@example.com", "Phone": "+1", "Tag": "vip"}
    assert template.render(values) == "Hi Ann , ready. Reply STOP to opt out."


def test_problem_messages_stay_short() -> None:
    (problem,) = parse_template("{" + "x" * 300 + "}").problems
    assert len(problem) < 200 and "…" in problem


@given(any_text, st.dictionaries(st.sampled_from([*KNOWN_FIELDS, "x", "First Name"]), any_text))
def test_render_never_raises(text: str, values: dict[str, str]) -> None:
    template = parse_template(text)
    assert isinstance(template.render(values), str)
    assert set(template.unknown_fields) <= set(template.fields)


@given(st.text(alphabet=st.characters(exclude_categories=())))
def test_escaped_text_renders_to_itself(text: str) -> None:
    escaped = text.replace("{", "{{").replace("}", "}}")
    template = parse_template(escaped)
    assert template.problems == () and template.fields == ()
    assert template.render({}) == text


def test_custom_fields_are_known_where_the_leads_carry_them() -> None:
    plain = parse_template("Hi {company|there}")
    assert plain.unknown_fields == ("company",)
    assert plain.render({"company": "Acme"}) == "Hi {company|there}"  # sent as typed
    custom = parse_template("Hi {Company|there}", frozenset({"company"}))
    assert custom.problems == () and custom.fields == ("company",)
    assert custom.render({"company": "Acme"}) == "Hi Acme"
    assert custom.render({}) == "Hi there"  # a lead without it gets the fallback
    unknown = parse_template("{store}", frozenset({"company"}))
    assert unknown.problems[0].endswith("phone, company.")
    assert render("{company}", {"company": "B"}, frozenset({"company"})) == "B"
