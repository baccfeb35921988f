"""Logging in one place: INFO reaches the file, the console gets one line, never a trace."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.logging_setup import FILE_ONLY, LIBRARY_LEVELS, configure_logging


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    file = tmp_path / "textdesk.log"
    monkeypatch.setenv("TEXTDESK_LOG_FILE", str(file))
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield file
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_info_reaches_the_file_but_not_the_console(
    log_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert configure_logging() == log_file
    logging.getLogger("textdesk.test").info("sequence 7 handed off")
    assert "sequence 7 handed off" in log_file.read_text(encoding="utf-8")
    assert capsys.readouterr().err == ""


def test_a_warning_is_one_line_on_the_console_and_the_traceback_stays_in_the_file(
    log_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging()
    try:
        raise ValueError("bad page")
    except ValueError:
        logging.getLogger("textdesk.test").warning("polling failed", exc_info=True)
    assert capsys.readouterr().err == "textdesk: warning: polling failed\n"
    text = log_file.read_text(encoding="utf-8")
    assert "Traceback" in text and "ValueError: bad page" in text


def test_file_only_records_skip_the_console(
    log_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging()
    logging.getLogger("textdesk").error("unexpected failure", extra=FILE_ONLY)
    assert capsys.readouterr().err == ""
    assert "unexpected failure" in log_file.read_text(encoding="utf-8")


def test_verbose_shows_info_on_the_console(
    log_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(verbose=True)
    logging.getLogger("textdesk.test").info("polling 3 senders")
    assert "polling 3 senders" in capsys.readouterr().err


def test_configuring_twice_does_not_double_the_handlers(log_file: Path) -> None:
    configure_logging()
    configure_logging()
    logging.getLogger("textdesk.test").warning("once")
    assert log_file.read_text(encoding="utf-8").count("once") == 1


def test_library_levels_are_set_by_the_setup(log_file: Path) -> None:
    for name in LIBRARY_LEVELS:
        logging.getLogger(name).setLevel(logging.NOTSET)
    configure_logging()
    assert {name: logging.getLogger(name).level for name in LIBRARY_LEVELS} == LIBRARY_LEVELS


def test_no_log_file_when_switched_off(monkeypatch: pytest.MonkeyPatch, log_file: Path) -> None:
    monkeypatch.setenv("TEXTDESK_LOG_FILE", "off")
    assert configure_logging() is None
