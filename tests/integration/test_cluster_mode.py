"""Cluster mode end to end on the emulator: boto3 creates and reshards, real clients read and write.

A replication group with ClusterMode enabled is a real Redis Cluster (TLS, AUTH token, host names
that resolve only through /etc/hosts). Every name is asserted mapped to loopback before a client
resolves it. The group lives for the whole module (creating and resharding it takes seconds): the
tests run in file order, and the AUTH test, which changes the token, comes last but one.
"""

from __future__ import annotations

import os
import subprocess
import time

import boto3
import pytest
from botocore.config import Config
from redis.cluster import RedisCluster

from tests.emulator import hosts, probes

TOKEN = "Cluster-Mode-Token-2718"
NEW_TOKEN = "Cluster-Mode-Token-3141"
GROUP = "fmc"
KEYS = {f"user:{i}": f"value-{i}".encode() for i in range(1000)}
TIMINGS: dict[str, float] = {}


class Bed:
    def __init__(self, emulator):
        self.emulator = emulator
        session = boto3.session.Session(region_name="us-east-1")
        config = Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=60)
        self.ec2 = session.client("ec2", config=config, endpoint_url=emulator.endpoint)
        self.elasticache = session.client("elasticache", config=config, endpoint_url=emulator.endpoint)
        self.ca_file = emulator.state()["ca_file"]

    def describe(self):
        return probes.describe(self, GROUP)

    def node(self, member):
        """The endpoint name of a member cluster (DescribeCacheClusters), asserted mapped to loopback."""
        name = probes.describe_cluster(self, member)["CacheNodes"][0]["Endpoint"]["Address"]
        hosts.assert_mapped(name)
        return name

    def primaries(self):
        return [self.node(g["NodeGroupMembers"][0]["CacheClusterId"]) for g in self.describe()["NodeGroups"]]

    def configuration(self):
        name = self.describe()["ConfigurationEndpoint"]["Address"]
        hosts.assert_mapped(name)
        return name

    def cli(self, host, *command, token=TOKEN):
        """redis-cli -c --tls's answer (stdout, stripped), as a client on the test host sees it."""
        hosts.assert_mapped(host)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **({"REDISCLI_AUTH": token} if token else {})}
        argv = ["redis-cli", "-c", "--tls", "--cacert", self.ca_file, "-h", host, "-p", "6379", *command]
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=10, check=False).stdout.strip()

    def client(self, token=TOKEN):
        return RedisCluster.from_url(f"rediss://default:{token}@{self.configuration()}:6379",
                                     ssl_ca_certs=self.ca_file, socket_timeout=5)

    def reshard(self, count, **params):
        started = time.monotonic()
        answer = self.elasticache.modify_replication_group_shard_configuration(
            ReplicationGroupId=GROUP, NodeGroupCount=count, ApplyImmediately=True, **params)["ReplicationGroup"]
        assert answer["Status"] == "modifying"
        assert probes.statuses_until(self, "available", GROUP, timeout=90) == ["modifying", "available"]
        return time.monotonic() - started


@pytest.fixture(scope="module")
def bed(emulator_session):
    emulator_session.reset()
    bed = Bed(emulator_session)
    probes.network(bed)
    started = time.monotonic()
    created = probes.create(bed, GROUP, ClusterMode="enabled", NumNodeGroups=2, ReplicasPerNodeGroup=1,
                            AutomaticFailoverEnabled=True, TransitEncryptionEnabled=True, AuthToken=TOKEN)
    assert created["Status"] == "creating"
    assert probes.statuses_until(bed, "available", GROUP, timeout=90) == ["creating", "available"]
    TIMINGS["create 2x(1+1), API call to available"] = time.monotonic() - started
    yield bed
    emulator_session.reset()
    print("\ncluster mode timings (s): " + ", ".join(f"{k} {v:.2f}" for k, v in TIMINGS.items()))


def test_describe_shows_the_configuration_endpoint_and_slots_as_aws_does(bed):
    group = bed.describe()
    assert group["ClusterEnabled"] is True and group["ConfigurationEndpoint"]["Port"] == 6379
    assert [(g["NodeGroupId"], g["Slots"]) for g in group["NodeGroups"]] == [
        ("0001", "0-8191"), ("0002", "8192-16383")]
    assert [[m["CacheClusterId"] for m in g["NodeGroupMembers"]] for g in group["NodeGroups"]] == [
        ["fmc-0001-001", "fmc-0001-002"], ["fmc-0002-001", "fmc-0002-002"]]
    assert all("PrimaryEndpoint" not in g for g in group["NodeGroups"])


def test_every_shard_primary_answers_ping_over_tls_with_the_token_only(bed):
    primaries = bed.primaries()
    assert len(primaries) == 2
    for primary in primaries:
        assert bed.cli(primary, "PING") == "PONG"
        assert "NOAUTH" in bed.cli(primary, "PING", token=None)
        assert bed.cli(primary, "INFO", "replication").count("connected_slaves:1") == 1
    assert bed.cli(bed.configuration(), "CLUSTER", "INFO").startswith("cluster_state:ok")


def test_keys_stay_readable_while_resharding_2_to_3_to_2(bed):
    client = bed.client()
    client.mset_nonatomic(KEYS)
    reader = probes.KeyReader(bed.client(), KEYS)
    reader.start()
    try:
        reader.wait_for_passes(1)
        TIMINGS["reshard 2->3, API call to available"] = bed.reshard(3)
        passes = reader.wait_for_passes(reader.passes + 2)
        group = bed.describe()
        assert [(g["NodeGroupId"], g["Slots"]) for g in group["NodeGroups"]] == [
            ("0001", "0-5461"), ("0002", "5462-10922"), ("0003", "10923-16383")]
        per_shard = [int(bed.cli(p, "DBSIZE")) for p in bed.primaries()]
        assert sum(per_shard) == len(KEYS) and all(per_shard), per_shard  # keys moved with their slots

        removed = bed.node("fmc-0003-001")
        TIMINGS["reshard 3->2, API call to available"] = bed.reshard(2, NodeGroupsToRemove=["0003"])
        reader.wait_for_passes(passes + 2)
    finally:
        reader.stop()
    reader.check(TIMINGS)
    group = bed.describe()
    assert [(g["NodeGroupId"], g["Slots"]) for g in group["NodeGroups"]] == [
        ("0001", "0-8191"), ("0002", "8192-16383")]
    assert "fmc-0003-001" not in group["MemberClusters"]
    # A client holding an old slot map may still name the removed node: it stays mapped, nothing answers.
    hosts.assert_mapped(removed)
    assert bed.cli(removed, "PING") == ""
    assert sum(int(bed.cli(p, "DBSIZE")) for p in bed.primaries()) == len(KEYS)
    assert client.mget_nonatomic(list(KEYS)) == list(KEYS.values())
    client.close()


def test_bullmq_style_keys_of_one_queue_land_in_one_slot(bed):
    """BullMQ in cluster mode needs a hash-tagged prefix ({prefix}): its Lua scripts touch all of a queue's keys."""
    client = bed.client()
    queue_keys = [f"{{funmagic}}:jobs:{suffix}" for suffix in ("wait", "active", "completed", "failed", "id", "1")]
    assert len({client.keyslot(k) for k in queue_keys}) == 1
    configuration = bed.configuration()
    assert bed.cli(configuration, "MSET", *[v for k in queue_keys for v in (k, "x")]) == "OK"
    script = "return redis.call('INCR', KEYS[1]) + redis.call('LPUSH', KEYS[2], 'job')"
    assert bed.cli(configuration, "EVAL", script, "2", "{funmagic}:jobs:counter", "{funmagic}:jobs:list") == "2"
    assert "CROSSSLOT" in bed.cli(configuration, "MSET", "funmagic:jobs:wait", "x", "funmagic:jobs:active", "x")
    client.close()


def test_parameter_group_settings_reach_every_node(bed):
    nodes = [bed.node(m) for m in bed.describe()["MemberClusters"]]
    bed.elasticache.create_cache_parameter_group(CacheParameterGroupName="fmc-queue", Description="BullMQ",
                                                 CacheParameterGroupFamily="redis7")
    bed.elasticache.modify_cache_parameter_group(CacheParameterGroupName="fmc-queue", ParameterNameValues=[
        {"ParameterName": "cluster-enabled", "ParameterValue": "yes"},
        {"ParameterName": "maxmemory-policy", "ParameterValue": "noeviction"}])
    bed.elasticache.modify_replication_group(ReplicationGroupId=GROUP, CacheParameterGroupName="fmc-queue",
                                             ApplyImmediately=True)
    assert probes.statuses_until(bed, "available", GROUP, timeout=30) == ["modifying", "available"]
    # INFO, not CONFIG GET: ElastiCache refuses CONFIG to clients, and so do the emulated nodes.
    assert {[line for line in bed.cli(n, "INFO", "memory").split() if line.startswith("maxmemory_policy:")][0]
            for n in nodes} == {"maxmemory_policy:noeviction"}


def test_auth_rotate_and_set_reach_every_node(bed):
    nodes = [bed.node(m) for m in bed.describe()["MemberClusters"]]
    assert len(nodes) == 4
    bed.elasticache.modify_replication_group(ReplicationGroupId=GROUP, AuthToken=NEW_TOKEN,
                                             AuthTokenUpdateStrategy="ROTATE", ApplyImmediately=True)
    assert probes.statuses_until(bed, "available", GROUP, timeout=30) == ["modifying", "available"]
    assert {bed.cli(n, "PING", token=t) for n in nodes for t in (TOKEN, NEW_TOKEN)} == {"PONG"}
    bed.elasticache.modify_replication_group(ReplicationGroupId=GROUP, AuthToken=NEW_TOKEN,
                                             AuthTokenUpdateStrategy="SET", ApplyImmediately=True)
    assert probes.statuses_until(bed, "available", GROUP, timeout=30) == ["modifying", "available"]
    assert {bed.cli(n, "PING") for n in nodes} == {"NOAUTH Authentication required."}
    assert {bed.cli(n, "PING", token=NEW_TOKEN) for n in nodes} == {"PONG"}
    client = bed.client(NEW_TOKEN)
    assert client.get("user:7") == KEYS["user:7"]
    client.close()


def test_changes_the_emulated_cluster_cannot_make_are_refused_not_ignored(bed):
    for call, params in (
        (bed.elasticache.increase_replica_count, {"NewReplicaCount": 2, "ApplyImmediately": True}),
        (bed.elasticache.modify_replication_group_shard_configuration,
         {"NodeGroupCount": 1, "NodeGroupsToRemove": ["0001"], "ApplyImmediately": True}),
    ):
        with pytest.raises(bed.elasticache.exceptions.ClientError) as error:
            call(ReplicationGroupId=GROUP, **params)
        assert probes.code(error) == "InvalidAction"
    assert bed.describe()["Status"] == "available"


def test_without_transit_encryption_the_cluster_speaks_plain_text(bed):
    created = probes.create(bed, "fmp", ClusterMode="enabled", NumNodeGroups=1, ReplicasPerNodeGroup=1)
    assert probes.statuses_until(bed, "available", "fmp", timeout=60) == ["creating", "available"]
    configuration = created["ConfigurationEndpoint"]["Address"]
    hosts.assert_mapped(configuration)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    answer = subprocess.run(["redis-cli", "-c", "-h", configuration, "CLUSTER", "SHARDS"], env=env,
                            capture_output=True, text=True, timeout=10, check=False).stdout
    assert "fmp-0001-001." in answer and "fmp-0001-002." in answer and "16383" in answer
    client = RedisCluster.from_url(f"redis://{configuration}:6379", socket_timeout=5)
    assert client.set("plain", "text") and client.get("plain") == b"text"
    client.close()


def test_a_group_deleted_and_created_again_starts_as_a_new_empty_cluster(bed):
    bed.elasticache.delete_replication_group(ReplicationGroupId="fmp")
    assert probes.statuses_until(bed, "gone", "fmp", timeout=30) == ["deleting", "gone"]
    created = probes.create(bed, "fmp", ClusterMode="enabled", NumNodeGroups=1, ReplicasPerNodeGroup=1)
    assert probes.statuses_until(bed, "available", "fmp", timeout=60) == ["creating", "available"]
    configuration = created["ConfigurationEndpoint"]["Address"]
    hosts.assert_mapped(configuration)
    client = RedisCluster.from_url(f"redis://{configuration}:6379", socket_timeout=5)
    assert client.get("plain") is None and client.set("again", "1")
    assert [n["slots"] for n in client.cluster_shards(target_nodes=RedisCluster.RANDOM)] == [[0, 16383]]
    client.close()
