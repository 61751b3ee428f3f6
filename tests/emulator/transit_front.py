"""TransitEncryptionMode `preferred`: plain and TLS clients on the endpoint's one port.

ElastiCache in `preferred` mode accepts unencrypted and TLS connections on the same endpoint and port; a
redis-server cannot (its `port` and `tls-port` must differ). The emulator puts a front on the endpoint's addresses,
port 6379: it peeks at the first byte a client sends (0x16 opens a TLS handshake record; a RESP command never starts
with it) and forwards the connection, bytes untouched, to the redis-server's TLS port or its plain port behind it.
TLS still ends at the redis-server, with the certificate the endpoint names.

The move from no TLS to `preferred` happens without a refused connection: the front takes a copy of the
redis-server's listening sockets (pidfd_getfd) before the server moves its plain listener away, so the endpoint's
socket never closes and connections waiting in its backlog are served. From `preferred` to `required` the front
stays and closes the plain connections (new and open ones), as ElastiCache drops them.
"""

from __future__ import annotations

import ctypes
import os
import select
import socket
import threading
import time

PLAIN_PORT, TLS_PORT = 6380, 6381  # the redis-server's own listeners behind the front, on the endpoint's addresses
TLS_HANDSHAKE = 0x16
_SYS_PIDFD_GETFD = 438  # x86_64 and aarch64


def mode(spec: dict) -> str:
    """none, preferred or required: what the endpoint of a server spec accepts."""
    if not spec.get("tls"):
        return "none"
    return spec.get("transit_mode") or "required"


def moves_live(old: dict, new: dict) -> bool:
    """Whether a running server goes from `old` to `new` without a restart: only the transit mode changes, from no
    TLS to preferred or from preferred to required."""
    same = all(old.get(k) == new.get(k) for k in ("names", "addresses", "reboots"))
    return same and (mode(old), mode(new)) in (("none", "preferred"), ("preferred", "required"))


def _steal_listeners(pid: int, port: int) -> list[socket.socket]:
    """Copies of the listening sockets on `port` of process `pid`, or [] when the kernel does not allow it."""
    try:
        pidfd = os.pidfd_open(pid)
    except OSError:
        return []
    syscall = ctypes.CDLL(None, use_errno=True).syscall
    found = []
    try:
        for name in os.listdir(f"/proc/{pid}/fd"):
            try:
                if not os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:"):
                    continue
            except OSError:
                continue
            fd = syscall(_SYS_PIDFD_GETFD, pidfd, int(name), 0)
            if fd < 0:
                continue
            sock = socket.socket(fileno=fd)
            if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) and sock.getsockname()[1] == port:
                found.append(sock)
            else:
                sock.detach()
                os.close(fd)
    finally:
        os.close(pidfd)
    return found


class TransitFront:
    """The endpoint's listener in `preferred` mode (and in `required` after a move): one thread per listener, one per
    client connection."""

    def __init__(self, addresses: list[str], port: int = 6379):
        self.addresses, self.port = list(addresses), port
        self.tls_only = False
        self._listeners: list[socket.socket] = []
        self._pairs: dict[tuple, bool] = {}  # (client, upstream) -> TLS
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def take_over(self, pid: int) -> bool:
        """Hold a copy of the server's listening sockets on the endpoint port; they stay open when the server closes
        its own. False when the kernel refuses (bind() after the server let go, with a short gap)."""
        self._listeners = _steal_listeners(pid, self.port)
        if len(self._listeners) != len(self.addresses):
            for sock in self._listeners:
                sock.close()
            self._listeners = []
        return bool(self._listeners)

    def bind(self, timeout: float = 5.0) -> None:
        for address in self.addresses:
            deadline = time.monotonic() + timeout
            while True:
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    sock.bind((address, self.port))
                    break
                except OSError:
                    sock.close()
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.001)
            sock.listen(511)
            self._listeners.append(sock)

    def start(self) -> None:
        for sock in self._listeners:
            sock.settimeout(0.2)  # keeps O_NONBLOCK, which a socket shared with the server must keep
            threading.Thread(target=self._accept, args=(sock,), daemon=True, name="transit-front").start()

    def require_tls(self) -> None:
        """`required`: plain connections are closed, open ones too."""
        self.tls_only = True
        with self._lock:
            plain = [pair for pair, tls in self._pairs.items() if not tls]
        for pair in plain:
            _close(*pair)

    def stop(self) -> None:
        self._stopped.set()
        for sock in self._listeners:
            sock.close()
        with self._lock:
            pairs = list(self._pairs)
        for pair in pairs:
            _close(*pair)

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopped.is_set():
            try:
                client = listener.accept()[0]
            except socket.timeout:
                continue
            except OSError:
                if self._stopped.is_set():
                    return
                time.sleep(0.01)
                continue
            threading.Thread(target=self._serve, args=(client, listener.getsockname()[0]), daemon=True).start()

    def _serve(self, client: socket.socket, address: str) -> None:
        try:
            client.settimeout(30)
            first = client.recv(1, socket.MSG_PEEK)
            tls = bool(first) and first[0] == TLS_HANDSHAKE
            if not first or (self.tls_only and not tls):
                client.close()
                return
            upstream = socket.create_connection((address, TLS_PORT if tls else PLAIN_PORT), timeout=5)
        except OSError:
            client.close()
            return
        with self._lock:
            self._pairs[(client, upstream)] = tls
        try:
            _pump(client, upstream)
        finally:
            with self._lock:
                self._pairs.pop((client, upstream), None)
            _close(client, upstream)


def _pump(client: socket.socket, upstream: socket.socket) -> None:
    client.settimeout(None)
    upstream.settimeout(None)
    other = {client: upstream, upstream: client}
    try:
        while True:
            readable = select.select([client, upstream], [], [], 1.0)[0]
            for sock in readable:
                data = sock.recv(65536)
                if not data:
                    return
                other[sock].sendall(data)
    except (OSError, ValueError):  # closed by require_tls or stop
        return


def _close(*socks: socket.socket) -> None:
    for sock in socks:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
