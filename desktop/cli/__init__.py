"""The `textdesk` command: the window by default, plus headless subcommands."""

from desktop.cli.parser import main

__all__ = ["main"]
