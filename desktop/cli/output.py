"""What every command shares: exit codes, the bad-input error, JSON output."""

from __future__ import annotations

import json
from typing import Any

EXIT_OK, EXIT_BUG, EXIT_BAD_INPUT = 0, 1, 2


class CliError(Exception):
    """Bad command-line input: printed as one line, exit code 2."""


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
