"""Encoding and segments: GSM-7 tables, UCS-2, segment boundaries."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.services.text.gsm7 import GSM7_BASIC, GSM7_EXTENSION, is_gsm7, septet_cost, utf16_units
from desktop.services.text.segments import MAX_BODY_CHARS, analyze, split_segments

EMOJI = "😀"  # outside the BMP: one Python character, two UTF-16 units
CYRILLIC = "ж"  # in the BMP, not GSM-7

# Any text at all, lone surrogates included.
any_text = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from(["€", "{", "}", "|", EMOJI, "\ud800", "\x00", "a", " "]),
    )
)


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
