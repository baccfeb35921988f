"""Where the Twilio auth token is kept: the OS keyring when there is one, else a file only
the user can read. Never the database, never a log."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

KEYRING_SERVICE = "TextDesk"
KEYRING_ENV = "TEXTDESK_KEYRING"  # "off" forces the file (tests, portable installs)


def _usable_keyring() -> object | None:
    if os.environ.get(KEYRING_ENV, "").lower() in ("off", "0", "no", "false"):
        return None
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception:  # any import or discovery failure means: no keyring here
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) < 1:
        return None
    if getattr(backend, "backends", None) == []:  # a chainer with nothing behind it
        return None
    return backend


class SecretStore:
    """Secrets for one database (so demo and real data never share a token)."""

    def __init__(self, file: Path, scope: str, *, shared: bool = False) -> None:
        """Secrets of the database named `scope`, in the keyring or in `file`; `shared`: the
        file holds the secrets of several databases (servers), so every key is scoped."""
        self.file = file
        self.shared = shared
        self.scope = hashlib.sha256(scope.encode()).hexdigest()[:12]
        self._probed = False
        self._backend: object | None = None

    # Probing the keyring imports it and asks the desktop for a backend (tens of ms): done
    # the first time a secret is needed, not by every command that opens the database.
    @property
    def _keyring(self) -> object | None:
        if not self._probed:
            self._backend = _usable_keyring()
            self._probed = True
        return self._backend

    @_keyring.setter
    def _keyring(self, value: object | None) -> None:
        self._backend = value
        self._probed = True

    @property
    def uses_keyring(self) -> bool:
        return self._keyring is not None

    def describe(self) -> str:
        if self._keyring is not None:
            return f"the system keyring ({type(self._keyring).__name__})"
        return f"the file {self.file}, readable only by you (no system keyring was found)"

    def _user(self, name: str) -> str:
        return f"{name}@{self.scope}"

    def get(self, name: str) -> str | None:
        if self._keyring is not None:
            try:
                import keyring

                value = keyring.get_password(KEYRING_SERVICE, self._user(name))
                if value is not None:
                    return value
            except Exception as exc:
                log.warning("keyring read failed (%s); trying the secrets file", type(exc).__name__)
        data = self._read_file()
        return data.get(self._user(name), data.get(name) if not self.shared else None)

    def set(self, name: str, value: str) -> None:
        if self._keyring is not None:
            try:
                import keyring

                keyring.set_password(KEYRING_SERVICE, self._user(name), value)
                self._remove_from_file(name)
                return
            except Exception as exc:
                log.warning("keyring write failed (%s); using the secrets file", type(exc).__name__)
                self._keyring = None
        data = self._read_file()
        data.pop(name, None)  # a value from before keys were scoped
        data[self._user(name)] = value
        self._write_file(data)

    def delete(self, name: str) -> None:
        if self._keyring is not None:
            try:
                import keyring

                keyring.delete_password(KEYRING_SERVICE, self._user(name))
            except Exception:
                pass  # nothing stored there is fine
        self._remove_from_file(name)

    def _remove_from_file(self, name: str) -> None:
        data = self._read_file()
        keys = [self._user(name)] + ([] if self.shared else [name])
        if any(key in data for key in keys):
            for key in keys:
                data.pop(key, None)
            self._write_file(data)

    def _read_file(self) -> dict[str, str]:
        try:
            loaded = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}

    def _write_file(self, data: dict[str, str]) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_name(self.file.name + ".tmp")
        # Created 0600 from the start: the token is never readable by others, not even briefly.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, self.file)
        os.chmod(self.file, 0o600)


def mask_secret(value: str | None) -> str:
    if not value:
        return "(not set)"
    return "•" * 8 + value[-4:] if len(value) > 8 else "•" * 8
