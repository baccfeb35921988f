"""What every command shares: exit codes, the bad-input error, JSON output."""

from __future__ import annotations

import json
from typing import Any

EXIT_OK, EXIT_BUG, EXIT_BAD_INPUT = 0, 1, 2
#: Output cut short by its reader (`| head`): 128 + SIGPIPE, as a shell reports for `cat`.
EXIT_BROKEN_PIPE = 141


class CliError(Exception):
    """Bad command-line input: printed as one line, exit code 2."""


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
