# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PING a Redis endpoint with the standard library only, and name the cause when it fails."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import socket
import ssl
import time

HINTS = {
    "dns": "could not resolve {host}: check the endpoint name, and that the VPC resolves ElastiCache names "
           "(enableDnsSupport).",
    "tcp": "could not connect to {host}:{port}: check that the Redis security group admits TCP {port} "
           "from this host's security group.",
    "timeout": "no answer from {host}:{port} within {timeout}s: a security group or network ACL probably drops "
               "the traffic, or the node is still being created.",
    "tls": "TLS handshake failed: is transit encryption enabled? Use rediss:// for a TLS endpoint and "
           "redis:// for a plain one.",
    "tls_verify": "the server certificate was not accepted: {detail}. Trust the CA that signed it (ca_file, or "
                  "the system trust store).",
    "tls_required": "the server closed the connection without answering: it probably requires TLS. Use rediss://.",
    "auth": "the server refused authentication: {detail}. Check the AUTH token (and user).",
    "noauth": "the server requires authentication: {detail}. Pass the AUTH token.",
    "protocol": "unexpected answer from {host}:{port}: {detail}.",
}


class ProbeError(Exception):
    def __init__(self, cause, hint):
        super(ProbeError, self).__init__(hint)
        self.cause = cause
        self.hint = hint


def _fail(cause, values, key=None, detail=""):
    raise ProbeError(cause, HINTS[key or cause].format(detail=detail, **values))


def _command(*args):
    """A command in the Redis protocol (RESP): *N, then $len and the bytes of each argument."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg.encode("utf-8")
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def _read_line(stream):
    line = stream.readline()
    if not line:
        raise EOFError()
    return line.decode("utf-8", "replace").rstrip("\r\n")


def ping(host, port=6379, tls=True, ca_file=None, user=None, password=None, timeout=5.0,
         resolver=socket.getaddrinfo):
    """PING host:port on a new connection. Returns a dict with pong, latency_ms, tls_version, peer_subject,
    peer_not_after.

    Raises ProbeError(cause, hint) with cause in dns, tcp, timeout, tls, auth, protocol.
    """
    started = time.time()
    connection = Connection(host, port, tls, ca_file, user, password, timeout, resolver)
    try:
        connection.ping()
    finally:
        connection.close()
    result = dict(connection.peer, pong=True)
    result["latency_ms"] = round((time.time() - started) * 1000, 2)
    return result


class Connection:
    """One connection to a Redis endpoint, authenticated if asked: connect() once, ping() as often as wanted.

    Every failure is a ProbeError naming its cause; the connection is then closed, and the next ping()
    connects again (resolving the name again), as a client does after a failover.
    """

    def __init__(self, host, port=6379, tls=True, ca_file=None, user=None, password=None, timeout=5.0,
                 resolver=socket.getaddrinfo):
        self.host, self.port, self.tls, self.ca_file = host, port, tls, ca_file
        self.user, self.password, self.timeout, self.resolver = user, password, timeout, resolver
        self.values = {"host": host, "port": port, "timeout": timeout}
        self.sock = self.stream = None
        self.answered = False  # whether this connection has answered: a later drop is no sign of a TLS port
        self.peer = {"tls_version": None, "peer_subject": None, "peer_not_after": None}

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = self.stream = None
        self.answered = False

    def ping(self):
        """PING, connecting first if needed. Raises ProbeError, after which the connection is closed."""
        try:
            if self.sock is None:
                self._connect()
            self._send_and_check(_command("PING"), "+PONG")
        except ProbeError:
            self.close()
            raise

    def _connect(self):
        values = self.values
        try:
            addresses = self.resolver(self.host, self.port, 0, socket.SOCK_STREAM)
        except socket.gaierror:
            _fail("dns", values)
        family, socktype, proto, _canonname, address = addresses[0]
        self.sock = socket.socket(family, socktype, proto)
        self.sock.settimeout(self.timeout)
        try:
            self.sock.connect(address)
        except socket.timeout:
            _fail("timeout", values)
        except (ConnectionError, OSError):
            _fail("tcp", values)
        if self.tls:
            context = ssl.create_default_context(cafile=self.ca_file)
            try:
                self.sock = context.wrap_socket(self.sock, server_hostname=self.host)
            except ssl.SSLCertVerificationError as e:
                _fail("tls", values, "tls_verify", detail=e.verify_message or str(e))
            except socket.timeout:
                _fail("timeout", values)
            except (ssl.SSLError, ConnectionError, OSError):
                _fail("tls", values)
            cert = self.sock.getpeercert() or {}
            self.peer = {"tls_version": self.sock.version(),
                         "peer_subject": ", ".join("%s=%s" % pair for rdn in cert.get("subject", ()) for pair in rdn),
                         "peer_not_after": cert.get("notAfter")}
        self.stream = self.sock.makefile("rb")
        if self.password is not None:
            # The two-argument form, as clients send it with the env files' URLs (rediss://default:TOKEN@...).
            auth = _command("AUTH", self.user or "default", self.password)
            self._send_and_check(auth, "+OK")

    def _send_and_check(self, command, expected):
        values = self.values
        try:
            self.sock.sendall(command)
            answer = _read_line(self.stream)
        except socket.timeout:
            _fail("timeout", values)
        except (EOFError, ConnectionError, OSError):
            if not self.tls and not self.answered:
                _fail("tls", values, "tls_required")
            _fail("protocol", values, detail="the connection was closed")
        if answer.startswith("-NOAUTH"):
            _fail("auth", values, "noauth", detail=answer.lstrip("-"))
        if answer.startswith(("-WRONGPASS", "-ERR invalid password")) or (expected == "+OK" and answer != "+OK"):
            _fail("auth", values, detail=answer.lstrip("-"))
        if answer != expected:
            _fail("protocol", values, detail=answer[:200])
        self.answered = True


def probe_series(ping_once, duration, interval, stop_file=None, clock=time.monotonic, sleep=time.sleep,
                 exists=os.path.exists):
    """PING every `interval` seconds for `duration` seconds, or until `stop_file` exists; what clients saw.

    ping_once() raises ProbeError on failure. An outage lasts from the last PONG before it (or the first
    attempt) to the first PONG after it (or the end, when none came): the time without a successful PING.
    Returns pings, pings_failed, seconds, longest_outage_seconds, outages [{started, seconds, failed_pings,
    causes, ended}] (times in seconds from the start) and pong_at_end.
    """
    start = clock()
    attempts, failed, outages, outage, last_pong, pong, since = 0, 0, [], None, None, False, None
    while True:
        attempt = clock()
        if attempt - start >= duration or (stop_file and exists(stop_file)):
            break
        attempts += 1
        try:
            ping_once()
            pong = True
        except ProbeError as e:
            pong = False
            failed += 1
            if outage is None:
                since = attempt if last_pong is None else last_pong
                outage = {"started": round(since - start, 3), "failed_pings": 0, "causes": []}
            outage["failed_pings"] += 1
            if e.cause not in outage["causes"]:
                outage["causes"].append(e.cause)
        now = clock()
        if pong:
            if outage is not None:
                outages.append(dict(outage, seconds=round(now - since, 3), ended=True))
                outage = None
            last_pong = now
        sleep(max(0.0, interval - (now - attempt)))
    end = clock()
    if outage is not None:
        outages.append(dict(outage, seconds=round(end - since, 3), ended=False))
    return {"pings": attempts, "pings_failed": failed, "seconds": round(end - start, 3), "outages": outages,
            "longest_outage_seconds": max([o["seconds"] for o in outages] or [0.0]), "pong_at_end": pong}
