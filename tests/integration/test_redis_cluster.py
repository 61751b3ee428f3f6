"""A real Redis Cluster on loopback (tests/emulator/redis_cluster.py): TLS, AUTH, host names, online resharding.

Every name is mapped in /etc/hosts (asserted) before a client resolves it; addresses come from
127.0.<FUNMAGIC_ADDRESS_BLOCK>.200-219, beside the emulator's own .10 upwards.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time

import pytest
import redis
from redis.crc import key_slot
from redis.cluster import RedisCluster as ClusterClient

from tests.emulator import hosts, probes
from tests.emulator.redis_cluster import ClusterError, RedisCluster
from tests.emulator.redis_cluster_layout import aws_slot_ranges, format_ranges
from tests.emulator.redis_fixture import RESTRICTED_COMMANDS, CertificateAuthority

TOKEN = "Cluster-Secret-Token-4711"
NEW_TOKEN = "Rotated-Secret-Token-0815"
BLOCK = int(os.environ.get("FUNMAGIC_ADDRESS_BLOCK", "2"))
KEYS = 1000
TIMINGS: dict[str, float] = {}


class Names:
    """ElastiCache's names for a cluster-mode group with in-transit encryption, under a random hash."""

    def __init__(self, group: str, first_address: int):
        self.group = group
        self.suffix = f"{group}.{secrets.token_hex(3)}.use1.cache.amazonaws.com"
        self.configuration = f"clustercfg.{self.suffix}"
        self._next = first_address

    def shard(self, number: int, replicas: int) -> dict[str, str]:
        nodes = {}
        for member in range(1, replicas + 2):
            nodes[f"{self.group}-{number:04d}-{member:03d}.{self.suffix}"] = f"127.0.{BLOCK}.{self._next}"
            self._next += 1
        return nodes


def _cli(ca, host, *command, token=TOKEN):
    hosts.assert_mapped(host)  # never let a made-up name reach DNS
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    if token:
        env["REDISCLI_AUTH"] = token
    argv = ["redis-cli", "-c", "--tls", "--cacert", ca.cert_path, "-h", host, "-p", "6379", *command]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=10, check=False).stdout.strip()


def _client(ca, names, token=TOKEN):
    hosts.assert_mapped(names.configuration)
    return ClusterClient(host=names.configuration, port=6379, password=token, ssl=True, ssl_ca_certs=ca.cert_path,
                         socket_timeout=5)


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    return CertificateAuthority(str(tmp_path_factory.mktemp("cluster-ca")))


@pytest.fixture(scope="module")
def bed(ca, tmp_path_factory):
    names = Names("fmc", 200)
    nodes = {**names.shard(1, 1), **names.shard(2, 1)}
    cluster = RedisCluster(str(tmp_path_factory.mktemp("cluster")), ca, nodes, shards=2, replicas=1,
                           passwords=[TOKEN], configuration_hostname=names.configuration, name="test-fmc")
    started = time.monotonic()
    cluster.start()
    TIMINGS["start 2x(1+1)"] = time.monotonic() - started
    yield cluster, names
    cluster.stop()
    print("\ncluster timings (s): " + ", ".join(f"{k} {v:.2f}" for k, v in TIMINGS.items()))


def test_slots_are_assigned_as_elasticache_assigns_them(bed):
    cluster = bed[0]
    assert [s["slots"] for s in cluster.slots()] == ["0-8191", "8192-16383"]


def test_every_primary_answers_ping_over_tls_with_auth_only(bed, ca):
    cluster = bed[0]
    for shard in cluster.slots():
        assert _cli(ca, shard["primary"], "PING") == "PONG"
        assert "NOAUTH" in _cli(ca, shard["primary"], "PING", token=None)


@pytest.mark.parametrize("command", RESTRICTED_COMMANDS)
def test_no_client_may_run_a_restricted_command_on_any_node(bed, ca, command):
    """ElastiCache answers its restricted commands as unknown ones, on replicas as on primaries."""
    cluster, _names = bed
    for host in cluster.pids():
        hosts.assert_mapped(host)
        node = redis.Redis(host=host, port=6379, password=TOKEN, ssl=True, ssl_ca_certs=ca.cert_path, socket_timeout=5)
        with pytest.raises(redis.ResponseError, match=f"^unknown command '{command}'"):
            node.execute_command(command)
        assert node.ping()
        node.close()


def test_redirections_name_hosts_that_resolve_only_through_the_hosts_file(bed, ca):
    cluster, names = bed
    mapped = hosts.read_mapping()
    every_node = {n for s in cluster.slots() for n in [s["primary"], *s["replicas"]]}
    assert every_node | {names.configuration} <= set(mapped)
    key = next(k for k in (f"k{i}" for i in range(100000)) if key_slot(k.encode()) == 0)
    shard1, shard2 = (s["primary"] for s in cluster.slots())
    assert _cli(ca, shard2, "CLUSTER", "KEYSLOT", key) == "0"
    env = {"PATH": os.environ.get("PATH", ""), "REDISCLI_AUTH": TOKEN}
    moved = subprocess.run(["redis-cli", "--tls", "--cacert", ca.cert_path, "-h", shard2, "SET", key, "v"], env=env,
                           capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    assert moved.endswith(f"MOVED 0 {shard1}:6379"), moved
    assert _cli(ca, shard2, "SET", key, "v") == "OK"  # -c follows the redirection by name


def test_keys_stay_readable_while_resharding_2_to_3_and_back(bed, ca):
    cluster, names = bed
    client = _client(ca, names)
    client.mset_nonatomic({f"user:{i}": f"value-{i}" for i in range(KEYS)})
    assert sum(_keys_per_primary(cluster, ca).values()) >= KEYS

    reader = probes.KeyReader(_client(ca, names), {f"user:{i}": f"value-{i}".encode() for i in range(KEYS)})
    reader.start()
    try:
        reader.wait_for_passes(1)
        started = time.monotonic()
        cluster.add_shard(names.shard(3, 1))
        TIMINGS["reshard 2->3"] = time.monotonic() - started
        passes_after_add = reader.wait_for_passes(reader.passes + 2)

        assert [s["slots"] for s in cluster.slots()] == [format_ranges([r]) for r in aws_slot_ranges(3)]
        per_shard = _keys_per_primary(cluster, ca)
        assert all(count > 0 for count in per_shard.values()), per_shard  # keys moved with their slots

        started = time.monotonic()
        cluster.remove_shard()
        TIMINGS["reshard 3->2"] = time.monotonic() - started
        reader.wait_for_passes(passes_after_add + 2)
    finally:
        reader.stop()
    reader.check(TIMINGS)
    assert [s["slots"] for s in cluster.slots()] == ["0-8191", "8192-16383"]
    assert sum(_keys_per_primary(cluster, ca).values()) >= KEYS
    assert all(client.get(f"user:{i}") == f"value-{i}".encode() for i in range(KEYS))


def test_bullmq_keys_of_one_queue_share_one_slot(bed, ca):
    names = bed[1]
    queue_keys = [f"{{funmagic}}:queue:{suffix}" for suffix in ("wait", "active", "completed", "failed", "id", "1")]
    slots = {_cli(ca, names.configuration, "CLUSTER", "KEYSLOT", key) for key in queue_keys}
    assert len(slots) == 1 and slots.pop().isdigit()
    # What BullMQ relies on: one multi-key command (its Lua scripts) over a queue's keys.
    assert _cli(ca, names.configuration, "MSET", *[v for k in queue_keys for v in (k, "x")]) == "OK"
    untagged = _cli(ca, names.configuration, "MSET", "funmagic:queue:wait", "x", "funmagic:queue:active", "x")
    assert "CROSSSLOT" in untagged


def test_token_rotation_reaches_every_node_and_replication(bed, ca):
    cluster = bed[0]
    every_node = [n for s in cluster.slots() for n in [s["primary"], *s["replicas"]]]
    cluster.set_passwords([TOKEN, NEW_TOKEN])  # ROTATE: both work
    assert {_cli(ca, n, "PING", token=t) for n in every_node for t in (TOKEN, NEW_TOKEN)} == {"PONG"}
    cluster.set_passwords([NEW_TOKEN])  # SET: only the new one
    # redis-cli reports the refused AUTH on stderr and the refused PING on stdout.
    assert {_cli(ca, n, "PING") for n in every_node} == {"NOAUTH Authentication required."}
    assert {_cli(ca, n, "PING", token=NEW_TOKEN) for n in every_node} == {"PONG"}
    # Replicas must reconnect to their primaries with the new token.
    for shard in cluster.slots():
        assert _cli(ca, shard["primary"], "CLIENT", "KILL", "TYPE", "replica", token=NEW_TOKEN) == "1"
    deadline = time.monotonic() + 15
    for replica in (r for s in cluster.slots() for r in s["replicas"]):
        while "master_link_status:up" not in _cli(ca, replica, "INFO", "replication", token=NEW_TOKEN):
            assert time.monotonic() < deadline, f"{replica} did not resync with the new token"
            time.sleep(0.1)
    cluster.set_passwords([TOKEN])


def test_stop_ends_every_process_and_removes_every_name(ca, tmp_path):
    names = Names("fmd", 220)
    cluster = RedisCluster(str(tmp_path), ca, names.shard(1, 1), shards=1, replicas=1, passwords=[TOKEN],
                           configuration_hostname=names.configuration, name="test-fmd")
    cluster.start()
    cluster.add_shard(names.shard(2, 1))
    pids = cluster.pids()
    cluster.remove_shard()
    all_names = set(pids) | {names.configuration}
    assert all_names <= set(hosts.read_mapping())  # removed nodes stay mapped until stop
    cluster.stop()
    assert len(pids) == 4 and not [pid for pid in pids.values() if _alive(pid)]
    assert not all_names & set(hosts.read_mapping())
    with open("/etc/hosts", encoding="utf-8") as handle:
        assert "redis-cluster test-fmd" not in handle.read()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _keys_per_primary(cluster, ca) -> dict[str, int]:
    return {s["primary"]: int(_cli(ca, s["primary"], "DBSIZE")) for s in cluster.slots()}


def test_a_taken_address_stops_the_start_before_any_node_runs(ca, tmp_path):
    names = Names("fme", 230)
    nodes = names.shard(1, 1)
    taken = list(nodes.values())[1]
    with socket.create_server((taken, 6379)):
        cluster = RedisCluster(str(tmp_path), ca, nodes, shards=1, replicas=1, passwords=[TOKEN],
                               configuration_hostname=names.configuration, name="test-fme")
        with pytest.raises(ClusterError, match=f"{taken}:6379 is already in use") as error:
            cluster.start()
    assert TOKEN not in str(error.value)
    assert cluster.pids() == {}
    assert not (set(nodes) | {names.configuration}) & set(hosts.read_mapping())
