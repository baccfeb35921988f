"""Media links."""

from __future__ import annotations

import pytest

from desktop.services.text.media import MAX_MEDIA_URLS, validate_media_urls


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
