"""Twilio-shaped errors: the JSON body Twilio answers with, and the texts of the codes used.

The body is the legacy shape ``{"code", "message", "more_info", "status"}`` on purpose: the
SDK turns it into a ``TwilioRestException`` with ``.code`` and ``.status``. (A body that also
carried ``type`` and ``title`` would be read as RFC 9457 and raise a different exception.)
"""

from __future__ import annotations

from typing import Any

#: The generic code for each HTTP status the sandbox itself produces.
GENERIC_CODE_OF_STATUS: dict[int, int] = {
    400: 20001,
    401: 20003,
    404: 20404,
    405: 20004,
    411: 20001,
    413: 20001,
    414: 20001,
    429: 20429,
    431: 20001,
    500: 20500,
    501: 20004,
}

#: ``error_message`` texts of the delivery error codes the carrier simulation can produce.
DELIVERY_ERROR_TEXT: dict[int, str] = {
    30001: "Queue overflow",
    30002: "Account suspended",
    30003: "Unreachable destination handset",
    30004: "Message blocked",
    30005: "Unknown destination handset",
    30006: "Landline or unreachable carrier",
    30007: "Carrier violation",
    30008: "Unknown error",
    30036: "Validity Period Expired",
}


def delivery_error_text(code: int) -> str:
    return DELIVERY_ERROR_TEXT.get(code, "Message delivery failed")


def error_body(status: int, code: int, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


class ApiError(Exception):
    """A refusal the sandbox answers with a Twilio error body (never a server fault)."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, Any]:
        return error_body(self.status, self.code, self.message)


def bad_request(code: int, message: str) -> ApiError:
    return ApiError(400, code, message)


def not_found(path: str) -> ApiError:
    return ApiError(404, 20404, f"The requested resource {path} was not found")
