"""The modules against the emulator: the amazon.aws-style target, bad inputs and redis_ping."""

from __future__ import annotations

import json
import os
import re
import socket
import sys
import time

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import ProbeError
from ansible_collections.funmagic.elasticache.plugins.module_utils.redis_probe import ping
from tests.emulator import hosts
from tests.integration import run_ansible
from tests.testbed.seed import seed

TARGETS = os.path.join(os.path.dirname(__file__), "targets")
TOKEN = "Sup3r-Secret-Token-123"


def _subnets(aws):
    return [s["SubnetId"] for s in aws.ec2.describe_subnets()["Subnets"]]


def _run_target(name, emulator, tmp_path, variables):
    """An integration target (targets/<name>/tasks/main.yml) run as a role on localhost: (rc, output)."""
    play = tmp_path / f"{name}.yml"
    play.write_text(json.dumps([{"name": f"Target {name}", "hosts": "localhost", "gather_facts": False,
                                 "roles": [name]}]))
    return run_ansible.playbook(str(play), emulator, "-i", "localhost,", "-c", "local",
                                "-e", f"ansible_python_interpreter={sys.executable}", "-e", json.dumps(variables),
                                check=False, extra_env={"ANSIBLE_ROLES_PATH": TARGETS})


def test_replication_group_target(aws, emulator, tmp_path):
    seed(emulator.endpoint)
    rc, output = _run_target("replication_group", emulator, tmp_path, {"subnets": _subnets(aws)[:2]})
    assert rc == 0, output[-6000:]
    assert run_ansible.recap(output)["localhost"]["failed"] == 0
    assert aws.elasticache.describe_cache_subnet_groups()["CacheSubnetGroups"] == []  # cleaned up in always


@pytest.mark.parametrize("args, option", [
    ({"auth_token": "too-short", "transit_encryption": True}, "auth_token"),
    ({"auth_token": "has@an-at-sign-123456", "transit_encryption": True}, "auth_token"),
    ({"automatic_failover": True, "replicas": 0}, "automatic_failover"),
    ({"replication_group_id": "bad--id"}, "replication_group_id"),
    ({"snapshot_retention_limit": 40}, "snapshot_retention_limit"),
    ({"snapshot_window": "03:00-04:00", "maintenance_window": "mon:03:30-mon:04:30"}, "snapshot_window"),
])
def test_bad_inputs_fail_before_any_change(aws, emulator, args, option):
    rc, output = run_ansible.module("replication_group", {"replication_group_id": "bad-input",
                                                          "node_type": "cache.t3.micro", **args}, emulator)
    assert rc != 0 and option in output
    assert "too-short" not in output and "has@an-at-sign" not in output
    assert emulator.requests(mutating_only=True) == []


def test_unknown_node_type_is_refused_by_aws_with_the_option_named(aws, emulator):
    rc, output = run_ansible.module("replication_group", {"replication_group_id": "bad-node",
                                                          "node_type": "cache.bogus.type"}, emulator)
    assert rc != 0 and "CacheNodeType" in output
    assert not aws.elasticache.describe_replication_groups()["ReplicationGroups"]


def test_subnets_in_one_zone_are_refused_before_any_change(aws, emulator):
    one_zone = [s["SubnetId"] for s in aws.ec2.describe_subnets()["Subnets"]][:1]
    rc, output = run_ansible.module("subnet_group", {"name": "one-zone", "subnets": one_zone}, emulator)
    assert rc != 0 and "at least 2 availability zones" in output
    assert emulator.requests(mutating_only=True) == []


def test_changing_at_rest_encryption_is_refused_before_any_change(aws, emulator):
    aws.elasticache.create_replication_group(ReplicationGroupId="enc", ReplicationGroupDescription="d",
                                             CacheNodeType="cache.t3.micro", AtRestEncryptionEnabled=True)
    emulator.call("requests", method="DELETE")
    rc, output = run_ansible.module("replication_group", {"replication_group_id": "enc", "at_rest_encryption": False},
                                    emulator)
    assert rc != 0 and "at_rest_encryption cannot be changed" in output
    assert emulator.requests(mutating_only=True) == []


def test_unknown_parameter_names_are_refused_before_any_change(emulator):
    rc, output = run_ansible.module("parameter_group", {"name": "pg", "family": "redis7",
                                                        "parameters": {"maxmemory-polcy": "noeviction"}}, emulator)
    assert rc != 0 and "maxmemory-polcy" in output
    assert emulator.requests(mutating_only=True) == []


@pytest.fixture
def tls_group(aws, emulator):
    group = aws.elasticache.create_replication_group(
        ReplicationGroupId="ping", ReplicationGroupDescription="d", CacheNodeType="cache.t3.micro",
        TransitEncryptionEnabled=True, AuthToken=TOKEN)["ReplicationGroup"]
    host = group["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and aws.elasticache.describe_replication_groups(
            ReplicationGroupId="ping")["ReplicationGroups"][0]["Status"] != "available":
        time.sleep(0.05)  # available is reported only once the redis-server listens
    hosts.assert_mapped(host)  # before anything resolves it
    return host, emulator.state()["ca_file"]


def test_redis_ping_gets_pong_over_verified_tls(tls_group):
    host, ca_file = tls_group
    result = ping(host, tls=True, ca_file=ca_file, password=TOKEN)
    assert result["pong"] is True and result["tls_version"].startswith("TLS")
    assert host in result["peer_subject"]


def test_redis_ping_names_a_wrong_ca_tls(tls_group, tmp_path):
    host = tls_group[0]
    from tests.emulator.redis_fixture import CertificateAuthority  # pylint: disable=import-outside-toplevel

    other = CertificateAuthority(str(tmp_path / "other-ca"))
    with pytest.raises(ProbeError) as excinfo:
        ping(host, tls=True, ca_file=other.cert_path, password=TOKEN)
    assert excinfo.value.cause == "tls"


def test_redis_ping_names_a_wrong_token_auth(tls_group):
    host, ca_file = tls_group
    with pytest.raises(ProbeError) as excinfo:
        ping(host, tls=True, ca_file=ca_file, password="Wrong-Token-000000000")
    assert excinfo.value.cause == "auth"


def test_redis_ping_names_plain_tcp_to_a_tls_port(tls_group):
    with pytest.raises(ProbeError) as excinfo:
        ping(tls_group[0], tls=False, password=TOKEN, timeout=2)
    assert excinfo.value.cause == "tls" and "rediss://" in excinfo.value.hint


def test_redis_ping_names_a_closed_port_tcp(tls_group):
    host = tls_group[0]
    with socket.socket() as probe:
        probe.bind((hosts.assert_mapped(host), 0))
        closed = probe.getsockname()[1]
    with pytest.raises(ProbeError) as excinfo:
        ping(host, port=closed, tls=True, ca_file=tls_group[1], timeout=2)
    assert excinfo.value.cause == "tcp"


def _create_groups(aws, *ids):
    for group_id in ids:
        aws.elasticache.create_replication_group(ReplicationGroupId=group_id, ReplicationGroupDescription="d",
                                                 CacheNodeType="cache.t3.micro")


def _wait(emulator, tmp_path, ids, polls=40, delay=1):
    emulator.call("requests", method="DELETE")
    return _run_target("replication_group_info", emulator, tmp_path,
                       {"wait_ids": ids, "wait_polls": polls, "wait_delay": delay})


def test_the_wait_loop_prints_every_poll_and_stops_when_all_are_available(aws, emulator, tmp_path):
    emulator.call("config", {"create_seconds": 8})
    _create_groups(aws, "wait-a", "wait-b")
    rc, output = _wait(emulator, tmp_path, ["wait-a", "wait-b"])
    assert rc == 0, output[-3000:]
    polls = re.findall(r"\(item=poll (\d+): (.*)\)", output)
    assert polls[0] == ("1", "wait-a=creating, wait-b=creating")
    assert polls[-1][1] == "wait-a=available, wait-b=available" and 2 <= len(polls) < 40
    describes = [r for r in emulator.requests() if r["service"] == "elasticache"]
    assert [r["operation"] for r in describes] == ["DescribeReplicationGroups"] * len(polls)  # one call per poll


def test_the_wait_loop_stops_at_once_when_a_group_is_missing(aws, emulator, tmp_path):
    emulator.call("config", {"create_seconds": 30})
    _create_groups(aws, "wait-a")
    rc, output = _wait(emulator, tmp_path, ["wait-a", "wait-gone"])
    assert rc != 0
    assert re.findall(r"\(item=poll (\d+): (.*)\)", output) == [("1", "wait-a=creating, wait-gone=missing")]
    assert "Not available after 1 polls: wait-a=creating, wait-gone=missing" in output


def test_the_cost_of_a_poll_does_not_grow_with_the_number_of_polls(aws, emulator, tmp_path):
    """Linear: the mean time per poll of 24 polls is within 1.5x that of 6 (the old self-include grew ~3x)."""
    emulator.call("config", {"create_seconds": 3600})
    _create_groups(aws, "wait-a")
    timings = {}
    for polls in (6, 24):
        started = time.monotonic()
        rc, output = _wait(emulator, tmp_path, ["wait-a"], polls=polls, delay=0)
        assert rc != 0 and f"Not available after {polls} polls" in output
        timings[polls] = (time.monotonic() - started) / polls
    print("seconds per poll:", timings)
    assert timings[24] < 1.5 * timings[6]


def _calls_of_one_run(emulator, module, args):
    """The AWS operations one run of a module makes, after checking that it changed nothing."""
    emulator.call("requests", method="DELETE")
    rc, output = run_ansible.module(module, args, emulator)
    assert rc == 0 and re.search(r'^\s+"?changed"?: false', output, re.MULTILINE), output[-3000:]
    return [r["operation"] for r in emulator.requests()]


def test_a_rerun_that_changes_nothing_makes_few_calls(aws, emulator):
    """What `playbooks/redis.yml` manages, rerun: at most 3 calls per resource, tags read once, nothing written."""
    seed(emulator.endpoint)
    subnets = _subnets(aws)[:2]
    security_group = aws.ec2.describe_security_groups(GroupNames=["funmagic-ec2-sg"])["SecurityGroups"][0]["GroupId"]
    tags = {"Environment": "test"}
    resources = [
        ("subnet_group", {"name": "calls-subnets", "subnets": subnets, "tags": tags}),
        ("parameter_group", {"name": "calls-main", "family": "redis7", "parameters": {}, "tags": tags}),
        ("parameter_group", {"name": "calls-queue", "family": "redis7", "tags": tags,
                             "parameters": {"maxmemory-policy": "noeviction"}}),
    ] + [("replication_group", {
        "replication_group_id": name, "node_type": "cache.t3.micro", "replicas": 1, "engine_version": "7.1",
        "parameter_group": name, "subnet_group": "calls-subnets", "security_group_ids": [security_group],
        "transit_encryption": True, "at_rest_encryption": True, "auth_token": TOKEN, "snapshot_retention_limit": 7,
        "snapshot_window": "03:00-04:00", "maintenance_window": "sun:05:00-sun:06:00", "tags": tags, "wait_delay": 1,
    }) for name in ("calls-main", "calls-queue")]
    for module, args in resources:
        rc, output = run_ansible.module(module, args, emulator)
        assert rc == 0, output[-3000:]

    measured = [(module, _calls_of_one_run(emulator, module, args)) for module, args in resources]
    ids = ["calls-main", "calls-queue"]
    measured.append(("replication_group_info", _calls_of_one_run(emulator, "replication_group_info",
                                                                 {"replication_group_ids": ids})))
    measured.append(("replication_group_info (poll)", _calls_of_one_run(
        emulator, "replication_group_info", {"replication_group_ids": ids, "tags": False, "member_details": False})))
    for module, calls in measured:
        print(f"{module}: {len(calls)} calls: {', '.join(calls)}")
    assert [len(calls) for module, calls in measured] == [2, 2, 3, 3, 3, 4, 1]
    assert not any(op.startswith(("Create", "Modify", "Add", "Remove", "Delete"))
                   for module, calls in measured for op in calls)


def _run_four_times(emulator, args):
    """Check mode, real run, check-mode rerun, real rerun: (changed of each run, mutating calls of each run)."""
    changed, mutating = [], []
    for check_mode in (True, False, True, False):
        emulator.call("requests", method="DELETE")
        rc, output = run_ansible.module("replication_group", args, emulator, check_mode=check_mode)
        assert rc == 0, output[-3000:]
        assert TOKEN not in output
        changed.append(re.search(r"^localhost \| (CHANGED|SUCCESS) =>", output, re.MULTILINE).group(1) == "CHANGED")
        mutating.append([r["operation"] for r in emulator.requests(mutating_only=True)])
    return changed, mutating


def test_a_cache_cluster_becomes_a_group_that_keeps_its_data(aws, emulator):
    from tests.emulator import probes  # pylint: disable=import-outside-toplevel

    probes.network(aws)
    aws.elasticache.create_cache_cluster(CacheClusterId="solo", CacheNodeType="cache.t3.micro", Engine="redis",
                                         CacheSubnetGroupName="redis-subnets", TransitEncryptionEnabled=True,
                                         AuthToken=TOKEN)
    probes.statuses_until(aws, "available", "solo", cluster=True)
    node = probes.describe_cluster(aws, "solo")["CacheNodes"][0]["Endpoint"]["Address"]
    probes.redis(emulator, node, "SET", "written-before", "kept")
    changed, mutating = _run_four_times(emulator, {"replication_group_id": "grown", "primary_cluster_id": "solo",
                                                   "replicas": 1, "wait_delay": 1})
    assert changed == [True, True, False, False]
    assert mutating == [[], ["CreateReplicationGroup"], [], []]
    group = probes.describe(aws, "grown")
    assert group["MemberClusters"] == ["solo", "grown-002"] and group["AutomaticFailover"] == "enabled"
    assert probes.redis(emulator, group["NodeGroups"][0]["PrimaryEndpoint"]["Address"], "GET", "written-before") \
        == ["kept"]


def test_log_delivery_is_added_compared_and_removed(aws, emulator):
    from tests.emulator import probes  # pylint: disable=import-outside-toplevel

    probes.network(aws)
    probes.create(aws, EngineVersion="7.1")
    probes.statuses_until(aws, "available")
    logs = [{"log_type": "slow-log", "log_group": "/funmagic/slow"},
            {"log_type": "engine-log", "log_format": "text", "log_group": "/funmagic/engine"}]
    changed, mutating = _run_four_times(emulator, {"replication_group_id": "main", "wait_delay": 1,
                                                   "log_delivery_configurations": logs})
    assert changed == [True, True, False, False]
    assert mutating == [[], ["ModifyReplicationGroup"], [], []]
    described = probes.describe(aws)["LogDeliveryConfigurations"]
    assert [(c["LogType"], c["LogFormat"], c["DestinationDetails"]["CloudWatchLogsDetails"]["LogGroup"])
            for c in described] == [("engine-log", "text", "/funmagic/engine"), ("slow-log", "json", "/funmagic/slow")]
    changed, mutating = _run_four_times(emulator, {"replication_group_id": "main", "wait_delay": 1,
                                                   "log_delivery_configurations": logs[:1]})
    assert changed == [True, True, False, False]
    assert [c["LogType"] for c in probes.describe(aws)["LogDeliveryConfigurations"]] == ["slow-log"]


def test_a_group_restored_from_a_snapshot_holds_its_data(aws, emulator):
    from tests.emulator import probes  # pylint: disable=import-outside-toplevel

    probes.network(aws)
    host = probes.create(aws, TransitEncryptionEnabled=True, AuthToken=TOKEN)["NodeGroups"][0]["PrimaryEndpoint"][
        "Address"]
    probes.statuses_until(aws, "available")
    probes.redis(emulator, host, "SET", "in-the-snapshot", "yes")
    aws.elasticache.create_snapshot(ReplicationGroupId="main", SnapshotName="main-before")
    deadline = time.monotonic() + 10
    while aws.elasticache.describe_snapshots(SnapshotName="main-before")["Snapshots"][0]["SnapshotStatus"] != \
            "available":
        assert time.monotonic() < deadline, "the snapshot never became available"
        time.sleep(0.05)
    changed, mutating = _run_four_times(emulator, {
        "replication_group_id": "restored", "snapshot_name": "main-before", "subnet_group": "redis-subnets",
        "transit_encryption": True, "auth_token": TOKEN, "wait_delay": 1})
    assert changed == [True, True, False, False]
    assert mutating == [[], ["CreateReplicationGroup"], [], []]
    restored = probes.describe(aws, "restored")["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    assert probes.redis(emulator, restored, "GET", "in-the-snapshot") == ["yes"]


def test_redis_ping_cluster_checks_the_slots_and_pings_every_primary_of_a_real_tls_cluster(emulator, tmp_path):
    """A real Redis Cluster (tests/emulator/redis_cluster.py: TLS, AUTH, host names), not yet behind the emulator."""
    import secrets  # pylint: disable=import-outside-toplevel

    from tests.emulator.redis_cluster import RedisCluster  # pylint: disable=import-outside-toplevel

    block = int(os.environ.get("FUNMAGIC_ADDRESS_BLOCK", "2"))
    suffix = f"pingc.{secrets.token_hex(3)}.use1.cache.amazonaws.com"
    nodes = {f"pingc-{shard:04d}-001.{suffix}": f"127.0.{block}.{220 + shard}" for shard in (1, 2)}
    ca_file = emulator.state()["ca_file"]
    from tests.emulator.redis_fixture import CertificateAuthority  # pylint: disable=import-outside-toplevel

    ca = CertificateAuthority(os.path.dirname(ca_file))
    cluster = RedisCluster(str(tmp_path), ca, nodes, shards=2, replicas=0, passwords=[TOKEN],
                           configuration_hostname=f"clustercfg.{suffix}", name="pingc")
    cluster.start()
    try:
        hosts.assert_mapped(f"clustercfg.{suffix}")
        rc, output = run_ansible.run([os.path.join(run_ansible.BIN, "ansible"), "localhost", "-e",
                                      f"ansible_python_interpreter={sys.executable}", "-m", "funmagic.elasticache.redis_ping",
                                      "-a", json.dumps({"host": f"clustercfg.{suffix}", "cluster": True,
                                                        "ca_file": ca_file, "password": TOKEN})], emulator, check=False)
        assert rc == 0, output[-3000:]
        flat = " ".join(output.split())
        assert "cluster_state: ok" in flat and "slots_ok: 16384" in flat
        for shard, slots in ((1, "0-8191"), (2, "8192-16383")):
            assert f"primary: pingc-{shard:04d}-001.{suffix}:6379" in flat and f"slots: {slots}" in flat
        assert TOKEN not in output
    finally:
        cluster.stop()


def test_a_cluster_mode_group_reshards_online_and_every_shard_answers(aws, emulator):
    """replication_group creates a cluster-mode group, reshards 2 -> 3 -> 2; redis_ping cluster sees each layout."""
    from tests.emulator import probes  # pylint: disable=import-outside-toplevel

    probes.network(aws)
    ca_file = emulator.state()["ca_file"]

    def group(shards):
        return {"replication_group_id": "shards", "node_type": "cache.t3.micro", "subnet_group": "redis-subnets",
                "transit_encryption": True, "auth_token": TOKEN, "wait_delay": 1, "wait_timeout": 120,
                "cluster_mode": {"enabled": True, "num_node_groups": shards, "replicas_per_node_group": 1}}

    def cluster_ping():
        configuration = probes.describe(aws, "shards")["ConfigurationEndpoint"]["Address"]
        hosts.assert_mapped(configuration)
        rc, output = run_ansible.run([os.path.join(run_ansible.BIN, "ansible"), "localhost", "-e",
                                      f"ansible_python_interpreter={sys.executable}", "-m", "funmagic.elasticache.redis_ping",
                                      "-a", json.dumps({"host": configuration, "cluster": True, "ca_file": ca_file,
                                                        "password": TOKEN})], emulator, check=False)
        assert rc == 0 and TOKEN not in output, output[-3000:]
        return re.findall(r"slots: ([\d,-]+)", " ".join(output.split()))

    changed, mutating = _run_four_times(emulator, group(2))
    assert changed == [True, True, False, False] and mutating[1] == ["CreateReplicationGroup"]
    assert sorted(cluster_ping()) == ["0-8191", "8192-16383"]  # CLUSTER SHARDS lists shards in no fixed order
    for shards, slots in ((3, ["0-5461", "5462-10922", "10923-16383"]), (2, ["0-8191", "8192-16383"])):
        started = time.monotonic()
        changed, mutating = _run_four_times(emulator, group(shards))
        print(f"reshard to {shards}: {time.monotonic() - started:.1f} s for four runs")
        assert changed == [True, True, False, False]
        assert mutating == [[], ["ModifyReplicationGroupShardConfiguration"], [], []]
        assert len(probes.describe(aws, "shards")["NodeGroups"]) == shards
        assert sorted(cluster_ping()) == sorted(slots)
