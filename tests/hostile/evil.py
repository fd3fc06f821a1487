"""Evil servers on loopback, byte by byte: each connection is played by a script the test writes.

Every connection gets its own thread, so a server that drips to one client still answers the
next. ``close()`` ends every drip at once: a test never waits for a 30-second drip to run out.
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator

# Far beyond any deadline under test: a send that waits for the drip to end has no limit at all.
DRIP_SECONDS = 30.0
# Each byte comes well inside the read timeout under test, so the read timeout never trips.
DRIP_EVERY = 0.5


class Peer:
    """One accepted connection, as the server's script sees it."""

    def __init__(self, sock: socket.socket, server: EvilServer, number: int) -> None:
        self.sock = sock
        self.number = number  # 1 for the first connection the server accepted
        self._server = server

    def read_request(self) -> bytes:
        """The next request on this connection (head and body); b"" once the client has closed it."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(65536)
            if not chunk:
                return b""
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            body += chunk
        request = head + b"\r\n\r\n" + body
        self._server.requests.append(request)
        return request

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def drip(
        self, pieces: bytes | Iterable[bytes], every: float = DRIP_EVERY, seconds: float = DRIP_SECONDS
    ) -> None:
        """Send the pieces (a bytes value: one byte each) ``every`` seconds apart, for ``seconds`` at most."""
        if isinstance(pieces, bytes):
            pieces = bytewise(pieces)
        ends = time.monotonic() + seconds
        for piece in pieces:
            if self._server.stopping.wait(every) or time.monotonic() > ends:
                return
            self.sock.sendall(piece)

    def hold(self, seconds: float = DRIP_SECONDS) -> None:
        """Keep the connection open and say nothing."""
        self._server.stopping.wait(seconds)


def bytewise(data: bytes) -> Iterator[bytes]:
    """The bytes one at a time, each as a bytes value."""
    return (data[i : i + 1] for i in range(len(data)))


def forever(piece: bytes) -> Iterator[bytes]:
    """The same piece, again and again."""
    return itertools.repeat(piece)


def answer(status: str, headers: dict[str, str], body: bytes, *, keep_alive: bool = False) -> bytes:
    """A whole HTTP/1.1 answer with a Content-Length."""
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}"]
    lines.append("Connection: keep-alive" if keep_alive else "Connection: close")
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class EvilServer:
    """A TCP server on loopback whose every connection is played by ``script(peer)``."""

    def __init__(
        self,
        script: Callable[[Peer], None],
        host: str = "127.0.0.1",
        scheme: str = "http",
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """``scheme`` is only what the URL says; ``tls`` makes the server speak TLS for real."""
        self._script = script
        self._tls = tls
        self._listener = socket.create_server((host, 0), backlog=64)
        self._listener.settimeout(0.1)  # so the accept loop notices close()
        self.url = f"{scheme}://{host}:{self._listener.getsockname()[1]}"
        self.requests: list[bytes] = []
        self.connections = 0
        self.stopping = threading.Event()
        self._peers: list[Peer] = []
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(None)
            self.connections += 1
            peer = Peer(sock, self, self.connections)
            self._peers.append(peer)
            thread = threading.Thread(target=self._play, args=(peer,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _play(self, peer: Peer) -> None:
        # A client that hung up (the point of most tests) ends the script quietly.
        with contextlib.suppress(OSError):
            try:
                if self._tls is not None:
                    # Handshake after the swap, so a failed one still closes the TLS socket below.
                    tls = self._tls.wrap_socket(peer.sock, server_side=True, do_handshake_on_connect=False)
                    peer.sock = tls
                    tls.do_handshake()
                self._script(peer)
            finally:
                peer.sock.close()

    def close(self) -> None:
        self.stopping.set()
        for peer in self._peers:
            with contextlib.suppress(OSError):
                peer.sock.shutdown(socket.SHUT_RDWR)  # wakes a script waiting for a request
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()
