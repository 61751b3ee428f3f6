# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PING a Redis endpoint with the standard library only, and name the cause when it fails."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
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
    "tls_silent": "TCP connected but the TLS handshake got no answer within {timeout}s: the endpoint probably has "
                  "transit encryption off. Use redis:// for a plain endpoint.",
    "tls_required": "the server closed the connection without answering: it probably requires TLS. Use rediss://.",
    "auth": "the server refused authentication: {detail}. Check the AUTH token (and user).",
    "auth_user": "the server refused user {user} with this password: {detail}. The user does not exist in the "
                 "replication group's user group, is off, or the password is not one of its passwords.",
    "noauth": "the server requires authentication: {detail}. Pass the AUTH token.",
    "noauth_user": "the server requires authentication: {detail}. Pass user {user}'s password.",
    "noperm": "user {user} has no permission to run PING: {detail}. Check the user's access string in the "
              "replication group's user group.",
    "protocol": "unexpected answer from {host}:{port}: {detail}.",
    "cluster": "the cluster behind {host}:{port} is not healthy: {detail}. Check the shards in the console "
               "(a failover or resharding may be under way).",
    "readonly": "{host}:{port} refused a write: {detail}. It is a replica or a global datastore's secondary; "
                "writers need the primary's endpoint.",
    "write": "{host}:{port} refused a write: {detail}.",
}
CLUSTER_SLOTS = 16384


# The error codes of Redis's refusals, which ProbeError.error names: a user or password refused (WRONGPASS), no
# credentials sent where they are needed (NOAUTH), a user that may not run the command or reach the key (NOPERM).
REFUSALS = ("WRONGPASS", "NOAUTH", "NOPERM")


class ProbeError(Exception):
    def __init__(self, cause, hint, error=None):
        super(ProbeError, self).__init__(hint)
        self.cause = cause
        self.hint = hint
        self.error = error


def _refusal(answer):
    """WRONGPASS, NOAUTH or NOPERM when an error reply starts with it, else None."""
    code = answer.lstrip("-").split(" ", 1)[0]
    return code if code in REFUSALS else None


def _fail(cause, values, key=None, detail=""):
    raise ProbeError(cause, HINTS[key or cause].format(detail=detail, **values), _refusal(detail))


def _command(*args):
    """A command in the Redis protocol (RESP): *N, then $len and the bytes of each argument."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg.encode("utf-8")
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def _read_reply(stream):
    """One reply in the Redis protocol (RESP2): str, int, None, a list of those, or RedisError for -ERR."""
    line = _read_line(stream)
    kind, rest = line[:1], line[1:]
    if kind == "+":
        return rest
    if kind == "-":
        return RedisError(rest)
    if kind == ":":
        return int(rest)
    if kind == "$":
        if int(rest) < 0:
            return None
        data = stream.read(int(rest) + 2)
        if len(data) < int(rest) + 2:
            raise EOFError()
        return data[:-2].decode("utf-8", "replace")
    if kind == "*":
        return None if int(rest) < 0 else [_read_reply(stream) for _index in range(int(rest))]
    raise ValueError("not a RESP reply: %r" % line[:50])


class RedisError(str):
    """An error reply (-ERR ...), returned rather than raised so the caller names the cause."""


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
        self.values = {"host": host, "port": port, "timeout": timeout, "user": user or "default"}
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

    def write(self, key, value):
        """SET key value; a refusal (READONLY on a replica) is a ProbeError with cause readonly or write."""
        answer = self.reply("SET", key, value)
        if isinstance(answer, RedisError):
            _fail("readonly" if answer.startswith("READONLY") else "write", self.values, detail=answer[:200])

    def command(self, *args):
        """Send a command (connecting first if needed) and return its reply; an error reply is a ProbeError."""
        answer = self.reply(*args)
        if isinstance(answer, RedisError):
            self.close()
            _fail("protocol", self.values, detail="%s answered %s" % (" ".join(args[:2]), answer[:200]))
        return answer

    def reply(self, *args):
        """Send a command (connecting first if needed) and return its reply, an error reply as a RedisError."""
        try:
            if self.sock is None:
                self._connect()
            try:
                self.sock.sendall(_command(*args))
                return _read_reply(self.stream)
            except socket.timeout:
                _fail("timeout", self.values)
            except (EOFError, ConnectionError, OSError, ValueError):
                _fail("protocol", self.values, detail="no complete answer to %s" % " ".join(args[:2]))
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
                # TCP connected, but no TLS answer came: a plain-text Redis waits for a command that never comes.
                _fail("tls", values, "tls_silent")
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
        # NOAUTH stays cause auth (no credentials is an authentication failure); ProbeError.error tells it apart.
        named = self.user and self.user != "default"
        if answer.startswith("-NOAUTH"):
            _fail("auth", values, "noauth_user" if named else "noauth", detail=answer.lstrip("-"))
        if answer.startswith(("-WRONGPASS", "-ERR invalid password")) or (expected == "+OK" and answer != "+OK"):
            _fail("auth", values, "auth_user" if named else "auth", detail=answer.lstrip("-"))
        if answer.startswith("-NOPERM"):
            _fail("noperm", values, detail=answer.lstrip("-"))
        if answer != expected:
            _fail("protocol", values, detail=answer[:200])
        self.answered = True


class _Gaps:
    """The outages of one kind of request in a probe series: each lasts from the last success before it (or the
    first attempt) to the first success after it (or the end, when none came)."""

    def __init__(self, start, count_key):
        self.start, self.count_key = start, count_key
        self.outages, self.outage, self.last_ok, self.since, self.ok = [], None, None, None, False

    def failed(self, attempt, cause):
        self.ok = False
        if self.outage is None:
            self.since = attempt if self.last_ok is None else self.last_ok
            self.outage = {"started": round(self.since - self.start, 3), self.count_key: 0, "causes": []}
        self.outage[self.count_key] += 1
        if cause not in self.outage["causes"]:
            self.outage["causes"].append(cause)

    def succeeded(self, now):
        self.ok = True
        if self.outage is not None:
            self.outages.append(dict(self.outage, seconds=round(now - self.since, 3), ended=True))
            self.outage = None
        self.last_ok = now

    def finish(self, end):
        if self.outage is not None:
            self.outages.append(dict(self.outage, seconds=round(end - self.since, 3), ended=False))
        return self.outages, max([o["seconds"] for o in self.outages] or [0.0])


def probe_series(ping_once, duration, interval, stop_file=None, clock=time.monotonic, sleep=time.sleep,
                 exists=os.path.exists, write_once=None):
    """PING every `interval` seconds for `duration` seconds, or until `stop_file` exists; what clients saw.

    ping_once() raises ProbeError on failure. An outage lasts from the last PONG before it (or the first
    attempt) to the first PONG after it (or the end, when none came): the time without a successful PING.
    Returns pings, pings_failed, seconds, longest_outage_seconds, outages [{started, seconds, failed_pings,
    causes, ended}] (times in seconds from the start) and pong_at_end.

    With write_once (raises ProbeError when the write is refused, READONLY on a replica for example), each PONG is
    followed by a write, and a failed PING counts as a failed write too: writes, writes_failed, write_outages
    [{started, seconds, failed_writes, causes, ended}], longest_write_outage_seconds and write_at_end, the same way.
    """
    start = clock()
    pings, writes = _Gaps(start, "failed_pings"), _Gaps(start, "failed_writes")
    attempts = failed = written = write_failures = 0
    while True:
        attempt = clock()
        if attempt - start >= duration or (stop_file and exists(stop_file)):
            break
        attempts += 1
        cause = None
        try:
            ping_once()
        except ProbeError as e:
            failed += 1
            cause = e.cause
            pings.failed(attempt, cause)
        if write_once is not None:
            written += 1
            try:
                if cause is not None:
                    raise ProbeError(cause, "no PONG")
                write_once()
            except ProbeError as e:
                write_failures += 1
                writes.failed(attempt, e.cause)
            else:
                writes.succeeded(clock())
        now = clock()
        if cause is None:
            pings.succeeded(now)
        sleep(max(0.0, interval - (now - attempt)))
    end = clock()
    outages, longest = pings.finish(end)
    result = {"pings": attempts, "pings_failed": failed, "seconds": round(end - start, 3), "outages": outages,
              "longest_outage_seconds": longest, "pong_at_end": pings.ok}
    if write_once is not None:
        write_outages, longest_write = writes.finish(end)
        result.update(writes=written, writes_failed=write_failures, write_outages=write_outages,
                      longest_write_outage_seconds=longest_write, write_at_end=writes.ok)
    return result


def refused(host, key, port=6379, tls=True, ca_file=None, user=None, password=None, timeout=5.0,
            resolver=socket.getaddrinfo):
    """Whether Redis refuses this user the key: sends `EXISTS key` (a read that returns no value, whatever the key
    holds) and returns (True, the NOPERM answer) when Redis answers NOPERM, else (False, what it answered).

    Authentication and connection failures raise ProbeError, as for ping(). In cluster mode, Redis checks the ACL
    before it redirects, so a MOVED or ASK answer means the key is allowed.
    """
    connection = Connection(host, port, tls, ca_file, user, password, timeout, resolver)
    try:
        answer = connection.reply("EXISTS", key)
    finally:
        connection.close()
    if isinstance(answer, RedisError):
        if answer.startswith("NOPERM"):
            return True, str(answer)
        return False, "an error that is not NOPERM: %s" % answer[:200]
    return False, "EXISTS answered %s" % answer


def _pairs(flat):
    """A RESP2 map (key, value, key, value, ...) as a dict."""
    return dict(zip(flat[0::2], flat[1::2]))


def cluster_ping(host, port=6379, tls=True, ca_file=None, user=None, password=None, timeout=5.0,
                 resolver=socket.getaddrinfo):
    """Check a cluster-mode group through its configuration endpoint, then PING every shard's primary.

    CLUSTER INFO must say cluster_state:ok with all 16384 slots assigned and ok; CLUSTER SHARDS (Redis 7+)
    names each shard's slots and primary, reached by its host name (TLS verified against it).
    Returns ping()'s fields for the configuration endpoint plus cluster_state, slots_ok and shards
    [{slots, primary, latency_ms}]. Raises ProbeError (cause cluster, or the failing primary's cause).
    """
    started = time.time()
    connection = Connection(host, port, tls, ca_file, user, password, timeout, resolver)
    try:
        info = dict(line.split(":", 1) for line in connection.command("CLUSTER", "INFO").splitlines() if ":" in line)
        slots_ok = int(info.get("cluster_slots_ok", 0))
        if info.get("cluster_state") != "ok" or slots_ok != CLUSTER_SLOTS \
                or int(info.get("cluster_slots_assigned", 0)) != CLUSTER_SLOTS:
            _fail("cluster", connection.values, detail="cluster_state %s, %s of %d slots assigned, %d ok" % (
                info.get("cluster_state", "?"), info.get("cluster_slots_assigned", "?"), CLUSTER_SLOTS, slots_ok))
        shards = connection.command("CLUSTER", "SHARDS")
        result = dict(connection.peer, pong=True, cluster_state="ok", slots_ok=slots_ok, shards=[])
    finally:
        connection.close()
    # CLUSTER SHARDS lists the shards in no fixed order: report them by their first slot.
    for shard in sorted((_pairs(shard) for shard in shards), key=lambda shard: (shard.get("slots") or [-1])[0]):
        slots = shard.get("slots") or []
        ranges = ",".join("%s-%s" % (first, last) if first != last else str(first)
                          for first, last in zip(slots[0::2], slots[1::2]))
        nodes = [_pairs(node) for node in shard.get("nodes") or []]
        primary = next((n for n in nodes if n.get("role") == "master"), None)
        if primary is None:
            _fail("cluster", {"host": host, "port": port, "timeout": timeout},
                  detail="the shard with slots %s has no primary" % (ranges or "(none)"))
        address = primary.get("hostname") or primary.get("endpoint") or primary.get("ip")
        node_port = int(primary.get("tls-port") or primary.get("port")) if tls else int(primary.get("port"))
        answer = ping(address, node_port, tls, ca_file, user, password, timeout, resolver)
        result["shards"].append({"slots": ranges, "primary": "%s:%d" % (address, node_port),
                                 "latency_ms": answer["latency_ms"]})
    result["latency_ms"] = round((time.time() - started) * 1000, 2)
    return result


# What redis-cli's answer to PING means. redis-cli exits 0 whatever the answer; it prints the reply to PING on stdout
# (NOAUTH, NOPERM) and a refused AUTH (REDISCLI_AUTH) on stderr (WRONGPASS).
CLI_HINTS = {
    "auth": "a token was sent and the server refused it ({detail}). Check the AUTH token (and user): {where} "
            "must be a token the replication group accepts.",
    "noauth": "no token was sent and the server requires one ({detail}). Pass the AUTH token: set {where}.",
    "noperm": "the user has no permission to run PING ({detail}). Check the user's access string in the replication "
              "group's user group.",
    "protocol": "unexpected answer: {detail}",
    "dns": "the endpoint's name does not resolve on this host ({detail}). Map it in /etc/hosts or check the VPC's DNS.",
    "tcp": "the connection was refused ({detail}): nothing listens there. Check the endpoint and the port.",
    "timeout": "no answer within {timeout} s ({detail}). Check that the Redis security group admits this host, and "
               "that REDIS_TLS matches the group's in-transit encryption (a TLS client on a plain port waits).",
    "tls": "the TLS handshake failed ({detail}). Check the CA bundle (certificate verify failed) and that the group "
           "has in-transit encryption (REDIS_TLS).",
}
# redis-cli's own words on stderr when it could not talk to Redis at all: the cause each one means.
CLI_CONNECT_ERRORS = (
    ("dns", re.compile(r"Name or service not known|Temporary failure in name resolution|nodename nor servname")),
    ("tcp", re.compile(r"Connection refused")),
    ("timeout", re.compile(r"Connection timed out|No route to host|Network is unreachable")),
    ("tls", re.compile(r"SSL_connect|TLS|certificate verify failed|Connection reset by peer")),
)
# The same for an ACL user (access: rbac), whose password is in {where} (cache_user_passwords.INSTANCE.WORKER).
CLI_USER_HINTS = dict(CLI_HINTS, **{
    "auth": "user {user}'s password was sent and the server refused it ({detail}): the user is not in the replication "
            "group's user group, is off, or {where} is not one of its passwords.",
    "noauth": "no password was sent for user {user} and the server requires one ({detail}). Set {where}.",
    "noperm": "user {user} has no permission to run PING ({detail}). Check its access string (the worker's "
              "access_strings) in the replication group's user group.",
})


def cli_answer(name, stdout, stderr, variable="cache_auth_tokens", user=None, where=None, timed_out=None):
    """(pong, cause, message) of redis-cli's answer to PING for instance `name`.

    variable: the map that holds the instance's token; where: the full name of the variable that holds the secret
    (by default variable.name). user: the ACL user redis-cli authenticated as (--user), None for the token.
    timed_out: the seconds after which redis-cli was stopped without an answer, None when it ended by itself.
    """
    stdout, stderr = (stdout or "").strip(), (stderr or "").strip()
    label = "%s as %s" % (name, user) if user else name
    if stdout == "PONG":
        return True, None, "%s: PONG (redis-cli)" % label
    refused_auth = re.search(r"(WRONGPASS|ERR invalid password).*", stderr)  # after "AUTH failed: "
    if refused_auth:
        cause, detail = "auth", refused_auth.group(0)
    elif stdout.startswith("NOAUTH"):
        cause, detail = "noauth", stdout
    elif stdout.startswith("NOPERM"):
        cause, detail = "noperm", stdout
    else:
        detail = " ".join((stdout + " " + stderr).split()) or "nothing"
        cause = next((cause for cause, words in CLI_CONNECT_ERRORS if words.search(stderr)), "protocol")
        if timed_out is not None and cause == "protocol":
            cause, detail = "timeout", "redis-cli was stopped after %s s" % timed_out
    hint = (CLI_USER_HINTS if user else CLI_HINTS)[cause].format(detail=detail, where=where or "%s.%s" % (
        variable, name), user=user, timeout=timed_out)
    return False, cause, "%s: redis-cli got no PONG (%s): %s" % (label, cause, hint)


def cli_refusal(name, user, key, stdout, stderr):
    """(refused, message) of redis-cli's answer to `EXISTS key` as `user` on instance `name`: refused only when Redis
    answered NOPERM (the user may not reach that key, another worker's)."""
    stdout, stderr = (stdout or "").strip(), (stderr or "").strip()
    label = "%s as %s" % (name, user)
    if stdout.startswith("NOPERM"):
        return True, "%s: refused on %s, another worker's key (%s)" % (label, key, stdout)
    if re.match(r"^-?\d+$", stdout):
        return False, ("%s: can reach %s, another worker's key (EXISTS answered %s instead of NOPERM): the user's "
                       "access string lets it reach another worker's keys. Check the worker's key_patterns and "
                       "access_strings." % (label, key, stdout))
    answer = " ".join((stdout + " " + stderr).split()) or "nothing"
    return False, "%s: could not prove a refusal on %s, another worker's key: EXISTS answered %s, not NOPERM" % (
        label, key, answer)
