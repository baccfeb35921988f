"""Encoding, segments, merge fields, media links and cost estimates."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.services.text.gsm7 import GSM7_BASIC, GSM7_EXTENSION, is_gsm7, septet_cost, utf16_units
from desktop.services.text.segments import (
    KNOWN_FIELDS,
    MAX_BODY_CHARS,
    MAX_MEDIA_URLS,
    Template,
    analyze,
    estimate_cost,
    parse_template,
    render,
    split_segments,
    validate_media_urls,
)

EMOJI = "😀"  # outside the BMP: one Python character, two UTF-16 units
CYRILLIC = "ж"  # in the BMP, not GSM-7

# Any text at all, lone surrogates included.
any_text = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from(["€", "{", "}", "|", EMOJI, "\ud800", "\x00", "a", " "]),
    )
)


# --------------------------------------------------------------------------- GSM-7 tables


def test_gsm7_tables() -> None:
    assert len(GSM7_BASIC) == 127  # 128 positions minus the escape
    assert len(GSM7_EXTENSION) == 10
    assert not GSM7_BASIC & GSM7_EXTENSION
    for ch in "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà\n\r":
        assert septet_cost(ch) == 1, ch
    for ch in "^{}\\[~]|€\f":
        assert septet_cost(ch) == 2, ch
    # The Ohm and Angstrom signs look like Ω and Å but are other code points.
    for ch in "ç`’“”\u00a0\t\x1b\u2126\u212b" + EMOJI + CYRILLIC:
        assert septet_cost(ch) is None, repr(ch)
    assert is_gsm7("Hello {world} €5") and not is_gsm7("café ç")
    assert utf16_units(EMOJI) == 2 and utf16_units("a") == 1 and utf16_units("\ud800") == 1


# --------------------------------------------------------------------------- analyze


def test_plain_text_is_gsm7() -> None:
    stats = analyze("Hi Ann, your table is ready! Reply STOP to opt out.")
    assert stats.encoding == "GSM-7"
    assert stats.segments == 1
    assert stats.ucs2_chars == () and stats.ucs2_positions == ()


def test_smart_quotes_force_ucs2_and_are_located() -> None:
    body = "It’s “ready” ’"
    stats = analyze(body)
    assert stats.encoding == "UCS-2"
    assert stats.ucs2_chars == ("’", "“", "”")
    assert stats.ucs2_positions == (2, 5, 11, 13)
    assert all(body[i] in stats.ucs2_chars for i in stats.ucs2_positions)
    assert stats.units == len(body)


def test_empty_body() -> None:
    stats = analyze("")
    assert (stats.segments, stats.units, stats.chars) == (0, 0, 0)
    assert stats.summary() == "0/160 - 0 segments - GSM-7"


@pytest.mark.parametrize(
    ("length", "segments", "summary"),
    [
        (1, 1, "1/160 - 1 segment - GSM-7"),
        (132, 1, "132/160 - 1 segment - GSM-7"),
        (160, 1, "160/160 - 1 segment - GSM-7"),
        (161, 2, "161/306 - 2 segments - GSM-7"),
        (200, 2, "200/306 - 2 segments - GSM-7"),
        (306, 2, "306/306 - 2 segments - GSM-7"),
        (307, 3, "307/459 - 3 segments - GSM-7"),
        (459, 3, "459/459 - 3 segments - GSM-7"),
        (460, 4, "460/612 - 4 segments - GSM-7"),
        (1600, 11, "1600/1683 - 11 segments - GSM-7"),
    ],
)
def test_gsm7_boundaries(length: int, segments: int, summary: str) -> None:
    stats = analyze("a" * length)
    assert stats.segments == segments
    assert stats.per_segment_limit == (160 if segments == 1 else 153)
    assert stats.summary() == summary


def test_extension_characters_count_double() -> None:
    assert analyze("€" * 80).units == 160
    assert analyze("€" * 80).segments == 1
    assert analyze("€" * 81).segments == 2
    assert analyze("a" * 159 + "{").segments == 2  # 161 septets
    assert analyze("a" * 158 + "{").segments == 1
    assert analyze("€" * 81).chars == 81


def test_escape_pair_is_never_split_across_segments() -> None:
    body = "a" * 152 + "€" + "a" * 152  # 306 septets: ceil(306/153) would say 2
    stats = analyze(body)
    assert stats.units == 306
    assert stats.segments == 3
    pieces = split_segments(body)
    assert [len(p) for p in pieces] == [152, 152, 1]
    assert pieces[1].startswith("€")
    assert all(sum(septet_cost(c) or 0 for c in p) <= 153 for p in pieces)


@pytest.mark.parametrize(
    ("length", "segments"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)]
)
def test_ucs2_boundaries(length: int, segments: int) -> None:
    stats = analyze(CYRILLIC * length)
    assert stats.encoding == "UCS-2"
    assert stats.segments == segments
    assert stats.per_segment_limit == (70 if segments == 1 else 67)


def test_one_non_gsm_character_switches_the_whole_message() -> None:
    stats = analyze("a" * 69 + CYRILLIC)
    assert (stats.encoding, stats.units, stats.segments) == ("UCS-2", 70, 1)
    assert analyze("a" * 70 + CYRILLIC).segments == 2
    assert analyze("€" * 69 + CYRILLIC).units == 70  # € is one UTF-16 unit in UCS-2


def test_emoji_counts_two_units() -> None:
    stats = analyze(EMOJI)
    assert (stats.chars, stats.units, stats.encoding) == (1, 2, "UCS-2")
    assert analyze(EMOJI * 35).segments == 1  # 70 units
    assert analyze(EMOJI * 35 + "a").segments == 2
    assert analyze(EMOJI * 35).summary() == "70/70 - 1 segment - UCS-2"


def test_surrogate_pair_is_never_split_across_segments() -> None:
    body = CYRILLIC * 66 + EMOJI + CYRILLIC * 66  # 134 units: ceil(134/67) would say 2
    stats = analyze(body)
    assert stats.units == 134
    assert stats.segments == 3
    assert [sum(utf16_units(c) for c in p) for p in split_segments(body)] == [66, 67, 1]


def test_too_long() -> None:
    assert not analyze("a" * MAX_BODY_CHARS).too_long
    assert analyze("a" * (MAX_BODY_CHARS + 1)).too_long
    assert not analyze(EMOJI * MAX_BODY_CHARS).too_long  # counted in characters
    assert MAX_BODY_CHARS == 1600


def test_stats_are_immutable() -> None:
    with pytest.raises(AttributeError):
        analyze("x").segments = 5  # type: ignore[misc]


@given(any_text)
def test_analyze_never_raises_and_is_consistent(body: str) -> None:
    stats = analyze(body)
    assert stats.chars == len(body)
    assert stats.units >= stats.chars
    assert (stats.encoding == "GSM-7") == (stats.ucs2_chars == ())
    assert stats.segments == len(split_segments(body))
    assert "".join(split_segments(body)) == body
    assert stats.units <= stats.capacity
    assert stats.summary()
    assert (stats.segments == 0) == (body == "")


@given(any_text, st.characters(exclude_categories=()))
def test_segments_never_decrease_when_a_character_is_appended(body: str, ch: str) -> None:
    assert analyze(body + ch).segments >= analyze(body).segments


@settings(max_examples=50)
@given(st.text(alphabet=st.sampled_from(["a", "€", "{", CYRILLIC, EMOJI]), max_size=600))
def test_every_part_fits_its_limit(body: str) -> None:
    stats = analyze(body)
    for piece in split_segments(body):
        cost = (
            sum(septet_cost(c) or 0 for c in piece)
            if stats.encoding == "GSM-7"
            else sum(utf16_units(c) for c in piece)
        )
        assert cost <= stats.per_segment_limit


# --------------------------------------------------------------------------- templates


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
        ("Hi {first_name", "Hi {first_name", "Unclosed '{' at position 4"),
        ("{ {first_name}", "{ Ann", "Unclosed '{' at position 1"),
        ("Hi }", "Hi }", "Stray '}' at position 4"),
        ("a {} b", "a {} b", "Empty merge field {}"),
        ("a {|x} b", "a {|x} b", "Empty merge field {|x}"),
        ("{", "{", "Unclosed"),
    ],
)
def test_bad_braces_are_problems_not_exceptions(text: str, rendered: str, problem: str) -> None:
    template = parse_template(text)
    assert len(template.problems) == 1
    assert problem in template.problems[0]
    assert template.problems[0].endswith(".")
    assert template.render({"first_name": "Ann"}) == rendered


def test_parse_is_cached_and_render_accepts_a_template() -> None:
    assert parse_template("Hi {first_name}") is parse_template("Hi {first_name}")
    template = parse_template("Hi {first_name}")
    assert isinstance(template, Template)
    assert render(template, {"first_name": "Bo"}) == "Hi Bo"


def test_rendering_is_fast() -> None:
    template = parse_template("Hi {first_name|there}, your {last_name} order is ready. STOP=end")
    values = {"first_name": "Ann", "last_name": None}
    start = time.perf_counter()
    for _ in range(200_000):
        template.render(values)
    assert time.perf_counter() - start < 2.0


def test_rendering_with_misses_and_odd_keys_is_fast() -> None:
    # Missing fields make the renderer look for differently spelled keys.
    template = parse_template("Hi {first_name|there} {last_name}, ready. Reply STOP to opt out.")
    values = {"First Name": "Ann", "E-mail": "a@example.com", "Phone": "+1", "Tag": "vip"}
    start = time.perf_counter()
    for _ in range(200_000):
        template.render(values)
    assert time.perf_counter() - start < 2.0
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


# --------------------------------------------------------------------------- media


def test_good_media_urls() -> None:
    assert validate_media_urls([]) == []
    assert validate_media_urls(["https://example.com/a.png", "HTTP://EXAMPLE.COM/b.jpg?x=1"]) == []
    assert validate_media_urls(["https://cdn.example.com/i.png"] * MAX_MEDIA_URLS) == []


def test_too_many_media_urls() -> None:
    problems = validate_media_urls(["https://example.com/a.png"] * (MAX_MEDIA_URLS + 1))
    assert problems == ["A message can carry at most 10 media files; this one has 11."]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/a.png", "http:// or https://"),
        ("/images/a.png", "http:// or https://"),
        ("www.example.com/a.png", "http:// or https://"),
        ("file:///C:/a.png", "http:// or https://"),
        ("http://", "no website name"),
        ("https:///a.png", "no website name"),
        ("https://exa mple.com/a.png", "spaces"),
        (" https://example.com/a.png", "spaces"),
        ("", "empty"),
        ("http://[::1/a.png", "not a well-formed"),
        ("http://example.com:99999/a.png", "not a well-formed"),
    ],
)
def test_bad_media_urls(url: str, reason: str) -> None:
    problems = validate_media_urls(["https://example.com/ok.png", url])
    assert len(problems) == 1
    assert problems[0].startswith("Media link 2 ")
    assert reason in problems[0]


def test_media_problem_shortens_long_urls() -> None:
    (problem,) = validate_media_urls(["ftp://" + "x" * 500])
    assert len(problem) < 200


# --------------------------------------------------------------------------- cost


def test_sms_cost_is_per_segment() -> None:
    price = Decimal("0.0079")
    assert estimate_cost(3, price, messages=1000) == Decimal("23.7000")
    assert estimate_cost(1, price) == price
    assert estimate_cost(0, price, messages=50) == 0


def test_mms_cost_is_per_message() -> None:
    sms, mms = Decimal("0.0079"), Decimal("0.0200")
    assert estimate_cost(4, sms, messages=10, media=True, mms_price=mms) == Decimal("0.2000")
    assert estimate_cost(4, sms, messages=10, media=True) == Decimal("0.0790")  # floor
    assert estimate_cost(4, sms, messages=10, media=False, mms_price=mms) == Decimal("0.3160")


def test_cost_rejects_negative_counts() -> None:
    with pytest.raises(ValueError):
        estimate_cost(-1, Decimal("0.01"))
    with pytest.raises(ValueError):
        estimate_cost(1, Decimal("0.01"), messages=-3)
