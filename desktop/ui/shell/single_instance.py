"""One window per database: a second `textdesk` on the same database raises the first.

The first window listens on a local socket (a Unix socket or a Windows named pipe) whose name
is derived from the user and the database URL; a later start connects, asks it to come
forward, and exits 0 instead of opening a second window on the same data. A socket left
behind by a window that crashed is noticed (nobody answers) and taken over.
"""

from __future__ import annotations

import hashlib
import logging
import os

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

RAISE = b"raise\n"
CONNECT_MS = 500
WRITE_MS = 1000


def _user() -> str:
    """This user: the uid where there is one, else the Windows user name."""
    getuid = getattr(os, "getuid", None)
    return str(getuid()) if getuid is not None else os.environ.get("USERNAME", "user")


def server_name(db_url: str) -> str:
    """Per user and per database; short, since Unix socket paths are limited to ~100 bytes."""
    digest = hashlib.sha256(f"{_user()}\n{db_url}".encode()).hexdigest()[:20]
    return f"textdesk-{digest}"


def ask_running_window(db_url: str) -> bool:
    """If a window is open on `db_url`, ask it to come forward: True when one answered."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(db_url))
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(RAISE)
    sent = socket.waitForBytesWritten(WRITE_MS)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(WRITE_MS)
    return sent


class WindowServer(QObject):
    """The first window's side: listens, and emits `raiseRequested` for each later start."""

    raiseRequested = Signal()

    def __init__(self, db_url: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(db_url)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_connection)
        self.requests = 0

    def listen(self) -> bool:
        if self.server.listen(self.name):
            return True
        # A socket file left by a window that crashed: nobody answered ask_running_window,
        # so it is stale.
        QLocalServer.removeServer(self.name)
        listening = self.server.listen(self.name)
        if not listening:
            log.warning("one-window check unavailable: %s", self.server.errorString())
        return listening

    def _on_connection(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        data = bytes(socket.readAll().data())
        if RAISE.strip() in data:
            self.requests += 1
            self.raiseRequested.emit()

    def close(self) -> None:
        self.server.close()
