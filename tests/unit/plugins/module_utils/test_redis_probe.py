import socket

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import ProbeError
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import ping
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import _command


def test_an_unresolvable_name_is_cause_dns_without_any_lookup():
    def resolver(*args):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(ProbeError) as excinfo:
        ping("nowhere.invalid", resolver=resolver)
    assert excinfo.value.cause == "dns" and "nowhere.invalid" in excinfo.value.hint


def test_commands_are_sent_in_the_redis_protocol():
    assert _command("AUTH", "default", "tok") == b"*3\r\n$4\r\nAUTH\r\n$7\r\ndefault\r\n$3\r\ntok\r\n"


class FakeClock:
    """Time that moves only when the prober sleeps or a PING takes time."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def _series(answers, duration, interval=0.25, stop_after=None, ping_seconds=0.0):
    """probe_series on a fake clock (binary fractions keep the sums exact): (result, times of the PINGs)."""
    from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import probe_series

    clock, calls = FakeClock(), []

    def ping_once():
        calls.append(clock() - 100.0)
        clock.now += ping_seconds
        answer = answers[min(len(calls), len(answers)) - 1]
        if answer != "PONG":
            raise ProbeError(answer, "hint")

    def exists(_path):
        return stop_after is not None and len(calls) >= stop_after

    return probe_series(ping_once, duration, interval, "stop" if stop_after else None, clock, clock.sleep,
                        exists), calls


def test_an_outage_lasts_from_the_last_pong_to_the_first_pong_after_it():
    result, calls = _series(["PONG", "PONG", "protocol", "tcp", "tcp", "PONG"], duration=2.0)
    assert result["pings"] == len(calls) == 8 and result["pings_failed"] == 3 and result["pong_at_end"] is True
    assert result["outages"] == [{"started": 0.25, "seconds": 1.0, "failed_pings": 3, "causes": ["protocol", "tcp"],
                                  "ended": True}]
    assert result["longest_outage_seconds"] == 1.0


def test_an_outage_still_going_at_the_end_is_reported_as_not_ended():
    result, _calls = _series(["PONG", "timeout"], duration=1.0)
    assert result["pong_at_end"] is False
    assert result["outages"] == [{"started": 0.0, "seconds": 1.0, "failed_pings": 3, "causes": ["timeout"],
                                  "ended": False}]


def test_no_failure_means_no_outage_and_a_stop_file_ends_the_probing_early():
    result, calls = _series(["PONG"], duration=60, stop_after=5)
    assert len(calls) == 5 and result["outages"] == [] and result["longest_outage_seconds"] == 0.0
    assert result["seconds"] == 1.25


def test_a_slow_ping_shortens_the_sleep_so_pings_stay_on_the_interval():
    _result, calls = _series(["PONG"], duration=2.0, ping_seconds=0.0625)
    assert calls == [0.25 * i for i in range(8)]


class FakeRedis:
    """A plain-TCP server on 127.0.0.1 answering each command from `answers` (command words -> RESP bytes)."""

    def __init__(self, answers):
        import socketserver
        import threading

        self.answers, self.commands, self.connections = answers, [], []
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                fake.connections.append(self.request)
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    words = []
                    for _index in range(int(line[1:])):
                        length = int(self.rfile.readline()[1:])
                        words.append(self.rfile.read(length + 2)[:-2].decode())
                    fake.commands.append(tuple(words))
                    self.wfile.write(fake.answers.get(tuple(words), b"-ERR unknown command\r\n"))

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def drop(self):
        """Drop every client connection, as a failover does."""
        import socket as sockets

        for connection in self.connections:
            connection.shutdown(sockets.SHUT_RDWR)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _bulk(text):
    return b"$%d\r\n%s\r\n" % (len(text), text.encode())


def _array(*items):
    return b"*%d\r\n" % len(items) + b"".join(items)


def _shard(first, last, port, role="master"):
    node = _array(_bulk("id"), _bulk("abc"), _bulk("port"), b":%d\r\n" % port, _bulk("ip"), _bulk("127.0.0.1"),
                  _bulk("endpoint"), _bulk("127.0.0.1"), _bulk("hostname"), _bulk(""), _bulk("role"), _bulk(role),
                  _bulk("health"), _bulk("online"))
    return _array(_bulk("slots"), _array(b":%d\r\n" % first, b":%d\r\n" % last), _bulk("nodes"), _array(node))


def _cluster(info, shards):
    fake = FakeRedis({})
    fake.answers.update({("PING",): b"+PONG\r\n", ("CLUSTER", "INFO"): _bulk(info),
                         ("CLUSTER", "SHARDS"): _array(*[shard(fake.port) for shard in shards])})
    return fake


HEALTHY = "cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_slots_ok:16384\r\ncluster_known_nodes:2\r\n"


def test_a_healthy_cluster_pings_every_shards_primary():
    from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import cluster_ping

    fake = _cluster(HEALTHY, [lambda port: _shard(0, 8191, port), lambda port: _shard(8192, 16383, port)])
    try:
        result = cluster_ping("127.0.0.1", fake.port, tls=False, timeout=2)
    finally:
        fake.close()
    assert result["cluster_state"] == "ok" and result["slots_ok"] == 16384
    assert [(s["slots"], s["primary"]) for s in result["shards"]] == [
        ("0-8191", "127.0.0.1:%d" % fake.port), ("8192-16383", "127.0.0.1:%d" % fake.port)]
    assert fake.commands.count(("PING",)) == 2


@pytest.mark.parametrize("info, shards, detail", [
    ("cluster_state:fail\r\ncluster_slots_assigned:16384\r\ncluster_slots_ok:16000\r\n", [],
     "cluster_state fail, 16384 of 16384 slots assigned, 16000 ok"),
    ("cluster_state:ok\r\ncluster_slots_assigned:8192\r\ncluster_slots_ok:8192\r\n", [],
     "cluster_state ok, 8192 of 16384 slots assigned, 8192 ok"),
    (HEALTHY, [lambda port: _shard(0, 16383, port, role="replica")], "the shard with slots 0-16383 has no primary"),
])
def test_an_unhealthy_cluster_is_cause_cluster(info, shards, detail):
    from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import cluster_ping

    fake = _cluster(info, shards)
    try:
        with pytest.raises(ProbeError) as excinfo:
            cluster_ping("127.0.0.1", fake.port, tls=False, timeout=2)
    finally:
        fake.close()
    assert excinfo.value.cause == "cluster" and detail in excinfo.value.hint


def test_a_connection_is_kept_across_pings_and_made_again_after_a_drop():
    from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import Connection

    fake = FakeRedis({("PING",): b"+PONG\r\n", ("AUTH", "default", "tok-en"): b"+OK\r\n"})
    try:
        connection = Connection("127.0.0.1", fake.port, tls=False, password="tok-en", timeout=2)
        connection.ping()
        connection.ping()
        fake.drop()
        with pytest.raises(ProbeError):
            connection.ping()
        connection.ping()
        connection.close()
    finally:
        fake.close()
    auth = ("AUTH", "default", "tok-en")
    assert fake.commands == [auth, ("PING",), ("PING",), auth, ("PING",)]


def test_tls_to_a_plain_endpoint_that_stays_silent_is_a_tls_cause():
    """A plain-text Redis waits for a command while the client waits for a TLS answer: cause tls, not timeout."""
    import socket as _socket  # pylint: disable=import-outside-toplevel
    import threading  # pylint: disable=import-outside-toplevel

    from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import ProbeError, ping

    server = _socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    try:
        ping("127.0.0.1", server.getsockname()[1], tls=True, timeout=0.5)
        raise AssertionError("no error")
    except ProbeError as e:
        assert e.cause == "tls" and "transit encryption off" in str(e)
    finally:
        for connection, _address in accepted:
            connection.close()
        server.close()


def test_writes_after_each_pong_have_their_own_outages_and_a_failed_ping_is_a_failed_write():
    """A secondary promoted mid-series: READONLY until the promotion, then OK; a PING lost on the way counts too."""
    from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import probe_series

    clock, pings, writes = FakeClock(), [], []
    ping_answers = ["PONG", "PONG", "PONG", "tcp", "PONG", "PONG", "PONG", "PONG"]
    write_answers = ["readonly", "readonly", "readonly", "OK", "OK", "OK", "OK"]

    def ping_once():
        pings.append(clock() - 100.0)
        if ping_answers[len(pings) - 1] != "PONG":
            raise ProbeError(ping_answers[len(pings) - 1], "hint")

    def write_once():
        writes.append(clock() - 100.0)
        if write_answers[len(writes) - 1] != "OK":
            raise ProbeError("readonly", "hint")

    result = probe_series(ping_once, 2.0, 0.25, None, clock, clock.sleep, lambda _path: False, write_once=write_once)
    assert result["pings"] == result["writes"] == 8 and len(writes) == 7  # no write is sent without a PONG
    assert result["pings_failed"] == 1 and result["writes_failed"] == 4 and result["write_at_end"] is True
    assert result["write_outages"] == [{"started": 0.0, "seconds": 1.0, "failed_writes": 4,
                                        "causes": ["readonly", "tcp"], "ended": True}]
    assert result["longest_write_outage_seconds"] == 1.0 and result["longest_outage_seconds"] == 0.5


def test_without_a_write_the_series_reports_no_write_figures():
    result, _calls = _series(["PONG"], duration=0.5)
    assert "writes" not in result and "write_outages" not in result
