"""One window per data folder: a second start hands its arguments to the first and exits.

The first instance listens on a QLocalServer whose name is derived from the data folder's path
(so two portable installs with different folders are independent). A second instance connects,
sends its command-line arguments as one JSON line, waits for "ok" and exits 0; the first emits
`activated(args)`, and the app raises its window. A name left over by a crashed instance (a stale
Unix socket) is removed when nobody answers on it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from desktop_chat import safe_json

log = logging.getLogger(__name__)

TIMEOUT_MS = 1500
MAX_MESSAGE = 64 * 1024


def server_name(data_dir: Path | str) -> str:
    """A short name for the data folder (per user: the path is the user's own folder)."""
    folder = os.path.normcase(str(Path(data_dir).expanduser().absolute()))
    digest = hashlib.sha256(folder.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    return f"desktop-chat-{user}-{digest}"


def hand_over(name: str, args: list[str], timeout_ms: int = TIMEOUT_MS) -> bool:
    """Sends `args` to a running instance; True when it took them (the caller then exits)."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(json.dumps(list(args)).encode("utf-8") + b"\n")
    socket.waitForBytesWritten(timeout_ms)
    answered = socket.waitForReadyRead(timeout_ms) and bytes(socket.readAll().data()).startswith(b"ok")
    socket.disconnectFromServer()
    return answered


class SingleInstance(QObject):
    """Listens for later instances; `activated` carries their arguments."""

    activated = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Starts listening; a stale name (nobody answers on it) is removed first."""
        if self.server.listen(self.name):
            return True
        if hand_over(self.name, [], timeout_ms=300):  # someone is really there
            return False
        QLocalServer.removeServer(self.name)
        ok = self.server.listen(self.name)
        if not ok:
            log.warning("cannot listen for a second instance: %s", self.server.errorString())
        return ok

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
        if b"\n" not in data:
            if len(data) > MAX_MESSAGE:
                socket.abort()
            else:
                self._buffers[socket] = data
            return
        self._buffers[socket] = b""
        line = data.split(b"\n", 1)[0]
        try:
            args = safe_json.loads(line)
        except ValueError:
            args = None
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            socket.abort()
            return
        socket.write(b"ok\n")
        socket.waitForBytesWritten(TIMEOUT_MS)  # three bytes into a local socket: no real wait
        socket.disconnectFromServer()
        self.activated.emit(args)
