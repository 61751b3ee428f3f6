"""A TCP relay on loopback: every connection to one address and port is joined, byte for byte, to another.

A serverless cache's reader endpoint is its endpoint's name on port 6380; a redis-server listens on one TLS port, so
the emulator relays <endpoint address>:6380 to the node behind the endpoint (TLS passes through: the node's
certificate names the endpoint). The relay's threads are daemons; close() stops new connections, and the open ones
end when either side closes.
"""

from __future__ import annotations

import socket
import threading


class Relay:
    def __init__(self, listen: tuple[str, int], target: tuple[str, int]):
        self._target = target
        self._server = socket.create_server(listen)
        threading.Thread(target=self._accept, name=f"relay {listen[0]}:{listen[1]}", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self._server.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._join, args=(client,), daemon=True).start()

    def _join(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self._target, timeout=10)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        threading.Thread(target=_pipe, args=(client, upstream), daemon=True).start()
        _pipe(upstream, client)

    def close(self) -> None:
        try:
            self._server.shutdown(socket.SHUT_RDWR)  # wakes the accept() that waits
        except OSError:
            pass
        self._server.close()


def _pipe(source: socket.socket, destination: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            destination.sendall(data)
        destination.shutdown(socket.SHUT_WR)
    except OSError:
        source.close()
        destination.close()
