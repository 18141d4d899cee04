"""One window per user: a second launch hands its file to the running app and exits.

Why: double-clicking an archive while the app is open should show it in the window the user
already has (with its findings, layout and loaded engine), not start a second Chromium.
The first instance listens on a local socket (a Unix socket, or a named pipe on Windows);
a later launch connects, sends the files (and the ``replay-investigator://`` links to a
moment it was given, :mod:`app.export.moment_link`) as one JSON line, waits for ``ok`` and
exits. An older instance ignores the links it does not know and just comes to the front.

The socket name is per user *and* per data folder, so instances with separate data (tests,
a second profile via ``$REPLAY_INVESTIGATOR_DATA``) never answer for each other.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app.store.findings import data_dir

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 500
REPLY_TIMEOUT_MS = 3000
MAX_MESSAGE = 1 << 20


def server_name() -> str:
    """The local-socket name of this user's running instance."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        user = "unknown"
    digest = hashlib.sha1(f"{user}\0{data_dir().resolve()}".encode()).hexdigest()[:16]
    return f"replay-investigator-{digest}"


def forward_to_running(
    files: Sequence[Path], name: str | None = None, links: Sequence[str] = ()
) -> bool:
    """Hand ``files`` and ``links`` (none: just "come to the front") to a running instance.

    Returns True when an instance took them, False when there is none (or it did not answer,
    in which case this launch carries on with its own window rather than lose the file).
    """
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    message = {"files": [str(Path(f).absolute()) for f in files], "links": list(links)}
    line = json.dumps(message) + "\n"
    socket.write(QByteArray(line.encode("utf-8")))
    socket.flush()
    reply = b""
    while b"\n" not in reply and socket.waitForReadyRead(REPLY_TIMEOUT_MS):
        reply += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    if reply.strip() != b"ok":
        log.warning("the running instance did not answer; opening a new window")
        return False
    return True


class InstanceServer(QObject):
    """Listens for later launches and reports what they asked for."""

    files_received = Signal(list)  # list[str]; empty: bring the window to the front
    links_received = Signal(list)  # list[str]: links to a moment, after files_received

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Start listening; a socket left by a crashed instance is removed first."""
        if self.server.listen(self.name):
            return True
        if self.server.serverError() == QLocalSocket.LocalSocketError.AddressInUseError:
            QLocalServer.removeServer(self.name)  # nobody answered on it (we tried first)
            if self.server.listen(self.name):
                return True
        log.warning("single-instance socket unavailable: %s", self.server.errorString())
        return False

    def close(self) -> None:
        self.server.close()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"") + bytes(socket.readAll().data())
        if len(data) > MAX_MESSAGE:  # not one of ours
            socket.abort()
            return
        self._buffers[socket] = data
        if b"\n" not in data:
            return
        line = data.split(b"\n", 1)[0]
        try:
            message = json.loads(line.decode("utf-8"))
            files = [str(f) for f in message.get("files", []) if isinstance(f, str)]
            links = [str(u) for u in message.get("links", []) if isinstance(u, str)]
        except (ValueError, AttributeError, TypeError):
            socket.abort()
            return
        socket.write(QByteArray(b"ok\n"))
        socket.flush()
        self.files_received.emit(files)
        if links:
            self.links_received.emit(links)
