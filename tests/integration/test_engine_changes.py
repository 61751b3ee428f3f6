"""Engine, major version and node size changes in place, from the inventory through playbooks/redis.yml, while a
client reconnects every 100 ms: one bed, one group (main, one replica), one step after another.

Redis OSS 6.2 (a stack whose parameter group has the name used before the family names) -> 7.1 -> Valkey 8.0, then
cache.t3.small -> cache.t3.micro -> cache.t3.small, then a scale down the data does not fit, refused before any
change. Each change: one ModifyReplicationGroup, never a Delete/CreateReplicationGroup, the keys written before
still there, no authentication failure, the client's longest gap printed.
"""

from __future__ import annotations

import os
import re
import time

import pytest
import redis

from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.integration.bed import Bed
from tests.integration.prober import EnvFileClient

pytestmark = pytest.mark.chroot
PLAYBOOK = os.path.join(ROOT, "playbooks", "redis.yml")
TOKEN = "Local-Test-Token-0123"
GROUP = "funmagic-main"


class PongTimes(dict):
    """The prober's counts, noting when each PONG came."""

    def __init__(self, counts):
        super().__init__(counts)
        self.times = []

    def __setitem__(self, key, value):
        if key == "pong":
            self.times.append(time.monotonic())
        super().__setitem__(key, value)

    def longest_gap(self):
        return max((b - a for a, b in zip(self.times, self.times[1:])), default=0.0)


def prober(bed):
    """tests/integration/prober.py's client (a new connection every 100 ms with the env file's URL), timed."""
    client = EnvFileClient(bed)
    client.counts = PongTimes(client.counts)
    return client


@pytest.fixture(scope="module")
def bed(emulator_session, tmp_path_factory):
    emulator_session.reset(create_seconds=1, modify_seconds=3)
    overrides = {"cache_instances": [{"name": "main", "purpose": "main", "replicas": 1}],
                 "cache_auth_tokens": {"main": TOKEN},
                 "cache_defaults": {"tags": {"Environment": "local"}, "engine": "redis", "engine_version": "6.2",
                                    "node_type": "cache.t3.small"}}
    testbed = Bed(emulator_session, tmp_path_factory.mktemp("engine"), overrides=overrides).up()
    yield emulator_session, testbed
    testbed.down()


@pytest.fixture(scope="module")
def aws(bed):
    import boto3  # pylint: disable=import-outside-toplevel

    return boto3.client("elasticache", region_name="us-east-1", endpoint_url=bed[0].endpoint)


def _defaults(bed, **changes):
    return dict(bed.group_vars["cache_defaults"], **changes)


def _client(bed):
    return redis.Redis.from_url(bed.env_file()["REDIS_URL"], ssl_ca_certs=bed.ca_file, socket_timeout=5)


def _group(aws):
    group = aws.describe_replication_groups(ReplicationGroupId=GROUP)["ReplicationGroups"][0]
    member = aws.describe_cache_clusters(CacheClusterId=group["MemberClusters"][0])["CacheClusters"][0]
    return group, member


def _parameter_groups(aws):
    return sorted(g["CacheParameterGroupName"] for g in aws.describe_cache_parameter_groups()["CacheParameterGroups"]
                  if g["CacheParameterGroupName"].startswith(GROUP))


def _change(bed, aws, label, **defaults):
    """Run redis.yml with new cache_defaults while the prober reconnects; the calls, output, gap and counts."""
    emulator, testbed = bed
    testbed.write_vars(cache_defaults=_defaults(testbed, **defaults))
    emulator.call("requests", method="DELETE")
    client = prober(testbed)
    client.start()
    started = time.monotonic()
    output = run_ansible.playbook(PLAYBOOK, emulator, *testbed.args())[1]
    seconds = time.monotonic() - started
    counts = client.finish()
    print("%s: redis.yml took %.1f s; the client reconnecting every 100 ms: %s, longest gap without PONG %.2f s%s"
          % (label, seconds, dict(counts), counts.longest_gap(),
             "; errors other than authentication: %s" % client.errors if client.errors else ""))
    calls = emulator.requests()
    return {"output": output, "calls": calls, "counts": dict(counts), "errors": client.errors,
            "modifies": [c["params"] for c in calls if c["operation"] == "ModifyReplicationGroup"]}


def _unchanged(bed):
    emulator, testbed = bed
    emulator.call("requests", method="DELETE")
    output = run_ansible.playbook(PLAYBOOK, emulator, *testbed.args())[1]
    return ({host: counts["changed"] for host, counts in run_ansible.recap(output).items()},
            emulator.requests(mutating_only=True))


def _words(output):
    """The output with every run of whitespace as one space (the callback folds long lines)."""
    return " ".join(output.split())


def _assert_in_place(change):
    operations = [c["operation"] for c in change["calls"]]
    assert "CreateReplicationGroup" not in operations and "DeleteReplicationGroup" not in operations
    assert len(change["modifies"]) == 1, change["modifies"]
    assert change["counts"]["auth"] == 0, change["errors"]
    assert change["counts"]["pong"] > 0


@pytest.fixture(scope="module")
def steps(bed, aws):
    """Every step in order; what each test asserts is recorded here."""
    emulator, testbed = bed
    found = {}
    run_ansible.playbook(PLAYBOOK, emulator, *testbed.args())
    _client(testbed).set("before:engine", "kept")
    # A stack made before parameter groups were named by family: its group is funmagic-main.
    old = _group(aws)[1]["CacheParameterGroup"]["CacheParameterGroupName"]
    found["first_parameter_group"] = old
    values = [{"ParameterName": p["ParameterName"], "ParameterValue": p["ParameterValue"]} for p in
              aws.describe_cache_parameters(CacheParameterGroupName=old, Source="user")["Parameters"]]
    arn = aws.describe_cache_parameter_groups(CacheParameterGroupName=old)["CacheParameterGroups"][0]["ARN"]
    tags = aws.list_tags_for_resource(ResourceName=arn)["TagList"]
    aws.create_cache_parameter_group(CacheParameterGroupName=GROUP, CacheParameterGroupFamily="redis6.x",
                                     Description="made the old way", Tags=tags)
    values.append({"ParameterName": "notify-keyspace-events", "ParameterValue": "Ex"})  # set by hand, kept
    aws.modify_cache_parameter_group(CacheParameterGroupName=GROUP, ParameterNameValues=values)
    aws.modify_replication_group(ReplicationGroupId=GROUP, CacheParameterGroupName=GROUP, ApplyImmediately=True)
    aws.get_waiter("replication_group_available").wait(ReplicationGroupId=GROUP, WaiterConfig={"Delay": 1})
    aws.delete_cache_parameter_group(CacheParameterGroupName=old)
    found["old_names"] = _unchanged(bed)

    found["major"] = _change(bed, aws, "redis 6.2 -> 7.1", engine_version="7.1")
    found["major_state"] = _group(aws), _parameter_groups(aws)
    testbed.write_vars(cache_defaults=_defaults(testbed, engine="valkey", engine_version="8.0"))
    emulator.call("requests", method="DELETE")
    found["engine_check"] = run_ansible.playbook(PLAYBOOK, emulator, *testbed.args(), "--check", "--diff")[1]
    found["engine_check_mutations"] = emulator.requests(mutating_only=True)
    found["engine"] = _change(bed, aws, "redis 7.1 -> valkey 8.0", engine="valkey", engine_version="8.0")
    found["engine_state"] = _group(aws), _parameter_groups(aws)
    found["engine_data"] = _client(testbed).get("before:engine")
    found["engine_rerun"] = _unchanged(bed)

    emulator.call("metrics", {})
    found["down"] = _change(bed, aws, "cache.t3.small -> cache.t3.micro", node_type="cache.t3.micro")
    found["down_state"] = _group(aws)
    found["up"] = _change(bed, aws, "cache.t3.micro -> cache.t3.small", node_type="cache.t3.small")
    found["up_state"] = _group(aws)
    found["size_data"] = _client(testbed).get("before:engine")

    filler = _client(testbed)
    filler.mset(dict(("filler:%d" % n, "x" * 100000) for n in range(250)))  # 25 MB of the 64 MiB server
    emulator.call("metrics", {})
    testbed.write_vars(cache_defaults=_defaults(testbed, node_type="cache.t3.micro"))
    emulator.call("requests", method="DELETE")
    found["refused"] = run_ansible.playbook(PLAYBOOK, emulator, *testbed.args(), check=False)
    found["refused_mutations"] = emulator.requests(mutating_only=True)
    found["refused_state"] = _group(aws)
    return found


def test_a_stack_with_the_old_parameter_group_name_converges_unchanged(steps):
    assert steps["first_parameter_group"] == "funmagic-main-redis6"
    assert steps["old_names"] == ({"localhost": 0, "app1": 0}, [])


def test_redis_62_to_71_in_place(steps):
    change = steps["major"]
    _assert_in_place(change)
    assert change["modifies"][0]["EngineVersion"] == "7.1"
    assert change["modifies"][0]["CacheParameterGroupName"] == "funmagic-main-redis7"
    (group, member), names = steps["major_state"]
    assert member["EngineVersion"].startswith("7.1")
    assert names == ["funmagic-main-redis7"]  # the old group (funmagic-main) is gone
    assert "funmagic-main: redis 6.2 -> redis 7.1, parameter group funmagic-main -> funmagic-main-redis7" \
        in _words(change["output"])


def test_redis_71_to_valkey_80_in_one_modify_and_the_old_group_gone(steps, aws):
    change = steps["engine"]
    _assert_in_place(change)
    modify = change["modifies"][0]
    assert (modify["Engine"], modify["EngineVersion"], modify["CacheParameterGroupName"], modify["ApplyImmediately"]) \
        == ("valkey", "8.0", "funmagic-main-valkey8", True)
    (group, member), names = steps["engine_state"]
    assert group["Engine"] == "valkey" and member["EngineVersion"].startswith("8.")
    assert member["CacheParameterGroup"]["CacheParameterGroupName"] == "funmagic-main-valkey8"
    assert names == ["funmagic-main-valkey8"]
    assert steps["engine_data"] == b"kept"
    assert "fails over once per shard (1 shard)" in _words(change["output"])
    # The value set by hand on the old group came over to the new family's group.
    carried = aws.describe_cache_parameters(CacheParameterGroupName="funmagic-main-valkey8", Source="user")
    assert {"notify-keyspace-events": "Ex"}.items() <= \
        dict((p["ParameterName"], p["ParameterValue"]) for p in carried["Parameters"]).items()


def test_check_diff_shows_the_engine_change_and_what_aws_does_without_changing_anything(steps):
    output = _words(steps["engine_check"])
    assert steps["engine_check_mutations"] == []
    assert "funmagic-main: redis 7.1 -> valkey 8.0, parameter group funmagic-main-redis7 -> funmagic-main-valkey8; " \
        "online" in output
    # The replication group's diff (YAML or JSON, as the callback renders it): engine redis -> valkey.
    assert re.search(r'-\s*"?engine"?: "?redis', output) and re.search(r'\+\s*"?engine"?: "?valkey', output)


def test_a_rerun_after_the_engine_change_changes_nothing(steps):
    assert steps["engine_rerun"] == ({"localhost": 0, "app1": 0}, [])


def test_node_size_down_then_up_in_place(steps):
    for name, node_type in (("down", "cache.t3.micro"), ("up", "cache.t3.small")):
        change = steps[name]
        _assert_in_place(change)
        assert change["modifies"][0]["CacheNodeType"] == node_type
        assert steps[name + "_state"][0]["CacheNodeType"] == node_type
    assert "GiB used, 0.38 GiB kept for data" in _words(steps["down"]["output"])
    assert steps["size_data"] == b"kept"


def test_a_scale_down_the_data_does_not_fit_is_refused_before_any_change(steps):
    rc, output = steps["refused"]
    output = _words(output)
    assert rc != 0
    assert "cache_instances[0] (main).node_type: replication group funmagic-main holds" in output
    assert "AWS would refuse the scale down (insufficient memory)" in output
    assert steps["refused_mutations"] == []
    assert steps["refused_state"][0]["CacheNodeType"] == "cache.t3.small"
