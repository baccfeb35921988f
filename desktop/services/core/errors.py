"""Exceptions that carry a sentence meant for the user.

The CLI prints a `UserError` as one line and exits 2; the UI shows it in a message box.
Anything else that escapes is a bug and is logged with its traceback.
"""


class UserError(Exception):
    """Bad input or a request that cannot be honoured; the message is shown as is."""


class NotFound(UserError):
    """An id that names nothing."""
