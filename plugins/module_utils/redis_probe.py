# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PING a Redis endpoint with the standard library only, and name the cause when it fails."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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
    """PING host:port. Returns a dict with pong, latency_ms, tls_version, peer_subject, peer_not_after.

    Raises ProbeError(cause, hint) with cause in dns, tcp, timeout, tls, auth, protocol.
    """
    values = {"host": host, "port": port, "timeout": timeout}
    try:
        addresses = resolver(host, port, 0, socket.SOCK_STREAM)
    except socket.gaierror:
        _fail("dns", values)
    started = time.time()
    sock = None
    try:
        family, socktype, proto, _canonname, address = addresses[0]
        sock = socket.socket(family, socktype, proto)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
        except socket.timeout:
            _fail("timeout", values)
        except (ConnectionError, OSError):
            _fail("tcp", values)
        result = {"tls_version": None, "peer_subject": None, "peer_not_after": None}
        if tls:
            context = ssl.create_default_context(cafile=ca_file)
            try:
                sock = context.wrap_socket(sock, server_hostname=host)
            except ssl.SSLCertVerificationError as e:
                _fail("tls", values, "tls_verify", detail=e.verify_message or str(e))
            except socket.timeout:
                _fail("timeout", values)
            except (ssl.SSLError, ConnectionError, OSError):
                _fail("tls", values)
            cert = sock.getpeercert() or {}
            result["tls_version"] = sock.version()
            result["peer_subject"] = ", ".join("%s=%s" % pair for rdn in cert.get("subject", ()) for pair in rdn)
            result["peer_not_after"] = cert.get("notAfter")
        stream = sock.makefile("rb")
        try:
            if password is not None:
                sock.sendall(_command("AUTH", user, password) if user else _command("AUTH", password))
                answer = _read_line(stream)
                if not answer.startswith("+OK"):
                    _fail("auth", values, detail=answer.lstrip("-"))
            sock.sendall(_command("PING"))
            answer = _read_line(stream)
        except socket.timeout:
            _fail("timeout", values)
        except (EOFError, ConnectionError):
            if not tls:
                _fail("tls", values, "tls_required")
            _fail("protocol", values, detail="the connection was closed")
        if answer.startswith("-NOAUTH"):
            _fail("auth", values, "noauth", detail=answer.lstrip("-"))
        if answer.startswith(("-WRONGPASS", "-ERR invalid password")):
            _fail("auth", values, detail=answer.lstrip("-"))
        if answer != "+PONG":
            _fail("protocol", values, detail=answer[:200])
        result["pong"] = True
        result["latency_ms"] = round((time.time() - started) * 1000, 2)
        return result
    finally:
        if sock is not None:
            sock.close()
