"""An inventory whose main instance is the primary of a global datastore (cache_instances[].global.regions:
[us-west-2]), through playbooks/redis.yml with no application host (hosts per Region are issue #22's deliverable 2).

One run makes the network in both Regions (the us-west-2 Redis security group admits the cache port from that
Region's application security group), the us-east-1 group, the global datastore around it and the us-west-2 secondary
group of the same name; a key written to the us-east-1 endpoint is read from the us-west-2 secondary's endpoint
that cache_results.global_members publishes. --check (before the first run and after it) makes no mutating call;
a rerun changes nothing.
"""

from __future__ import annotations

import json
import os
import re

import boto3
import pytest
import yaml

from tests.emulator import probes
from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.integration.bed import Bed
from tests.integration.test_emulator_global import _read_until
from tests.testbed.seed import seed

PLAYBOOK = os.path.join(ROOT, "playbooks", "redis.yml")
TOKEN = "Global-Main-Token-0123"


@pytest.fixture(scope="module")
def bed(emulator_session, tmp_path_factory):
    emulator_session.reset(create_seconds=1, modify_seconds=1)
    bed = Bed(emulator_session, tmp_path_factory.mktemp("global"), hosts=(), overrides={
        "cache_instances": [{"name": "main", "purpose": "main", "node_type": "cache.r6g.large", "replicas": 1,
                             "global": {"regions": ["us-west-2"]}}],
        "cache_auth_tokens": {"main": TOKEN}, "cache_log_delivery": {}}).up()
    seed(emulator_session.endpoint, "us-west-2")
    emulator_session.call("requests", method="DELETE")
    bed.check_rc, bed.check_output = run_ansible.playbook(PLAYBOOK, bed.emulator, *bed.args(), "--check", check=False)
    bed.check_mutating = emulator_session.requests(mutating_only=True)
    # redis.yml, then what a later play reads of cache_results: each secondary's result, written to a file.
    bed.members = os.path.join(bed.state, "global_members.json")
    wrapper = os.path.join(bed.state, "redis_then_read.yml")
    with open(wrapper, "w", encoding="utf-8") as handle:
        yaml.safe_dump([{"ansible.builtin.import_playbook": PLAYBOOK},
                        {"hosts": "localhost", "gather_facts": False, "tasks": [{"ansible.builtin.copy": {
                            "content": "{{ cache_results.global_members.results | to_json }}", "dest": bed.members}}]}],
                       handle)
    bed.rc, bed.first_output = run_ansible.playbook(wrapper, bed.emulator, *bed.args(), check=False)
    yield bed
    bed.down()


def _elasticache(bed, region):
    return boto3.session.Session(region_name=region).client("elasticache", endpoint_url=bed.emulator.endpoint)


def test_check_mode_before_the_first_run_shows_both_regions_and_makes_no_mutating_call(bed):
    assert bed.check_rc == 0, bed.check_output[-5000:]
    assert bed.check_mutating == []
    assert re.search(r"changed: \[localhost\] => \(item=us-west-2/funmagic-main\)", bed.check_output)
    assert re.search(r"subnet group in each secondary Region\] \**\nchanged: \[localhost\] => \(item=us-west-2\)",
                     bed.check_output)


def test_one_run_makes_the_secondary_and_a_key_written_in_the_east_is_read_in_the_west(bed):
    assert bed.rc == 0, bed.first_output[-5000:]
    assert TOKEN not in bed.first_output
    east = _elasticache(bed, "us-east-1").describe_replication_groups(ReplicationGroupId="funmagic-main")
    west = _elasticache(bed, "us-west-2").describe_replication_groups(ReplicationGroupId="funmagic-main")
    east, west = east["ReplicationGroups"][0], west["ReplicationGroups"][0]
    assert east["GlobalReplicationGroupInfo"]["GlobalReplicationGroupMemberRole"] == "PRIMARY"
    assert west["GlobalReplicationGroupInfo"] == dict(east["GlobalReplicationGroupInfo"],
                                                      GlobalReplicationGroupMemberRole="SECONDARY")
    with open(bed.members, encoding="utf-8") as handle:
        [member] = json.load(handle)
    assert (member["item"][0]["name"], member["item"][1]) == ("main", "us-west-2")
    assert member["replication_group"]["replication_group_id"] == "funmagic-main"
    west_host = member["replication_group"]["primary_endpoint"]["address"]
    assert west_host == west["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    probes.client(bed.emulator, east["NodeGroups"][0]["PrimaryEndpoint"]["Address"], TOKEN).set("order:1", "paid")
    assert _read_until(probes.client(bed.emulator, west_host, TOKEN), "order:1", b"paid")
    ec2 = boto3.session.Session(region_name="us-west-2").client("ec2", endpoint_url=bed.emulator.endpoint)
    group = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["funmagic-redis-sg"]}])
    app = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["funmagic-ec2-sg"]}])
    rules = group["SecurityGroups"][0]["IpPermissions"]
    assert [(r["FromPort"], [p["GroupId"] for p in r["UserIdGroupPairs"]]) for r in rules] == [
        (6379, [app["SecurityGroups"][0]["GroupId"]])]


def test_a_rerun_changes_nothing_and_check_mode_makes_no_mutating_call(bed):
    assert bed.rc == 0
    output = run_ansible.playbook(PLAYBOOK, bed.emulator, *bed.args())[1]
    assert re.search(r"localhost\s+: ok=\d+\s+changed=0 ", output), output[-3000:]
    bed.emulator.call("requests", method="DELETE")
    run_ansible.playbook(PLAYBOOK, bed.emulator, *bed.args(), "--check")
    assert bed.emulator.requests(mutating_only=True) == []


def test_an_inventory_that_no_longer_lists_global_is_refused_before_anything_changes(bed):
    assert bed.rc == 0
    bed.emulator.call("requests", method="DELETE")
    instances = [{"name": "main", "purpose": "main", "node_type": "cache.r6g.large", "replicas": 1}]
    rc, output = run_ansible.playbook(PLAYBOOK, bed.emulator, *bed.args(), "-e",
                                      json.dumps({"cache_instances": instances}), check=False)
    assert rc != 0
    assert ("cache_instances[0] (main).global: replication group funmagic-main is the primary member of global "
            "datastore ") in output, output[-3000:]
    assert bed.emulator.requests(mutating_only=True) == []


def test_destroy_takes_the_datastore_apart_and_leaves_a_final_snapshot_in_each_region(bed):
    """Last in the file: it deletes what the others read. AWS refuses to delete a member of a global datastore."""
    assert bed.rc == 0
    destroy = os.path.join(ROOT, "playbooks", "destroy.yml")
    output = run_ansible.playbook(destroy, bed.emulator, *bed.args(), "-e", "destroy_confirm=funmagic")[1]
    assert TOKEN not in output
    east, west = _elasticache(bed, "us-east-1"), _elasticache(bed, "us-west-2")
    assert east.describe_global_replication_groups()["GlobalReplicationGroups"] == []
    for region, client in (("us-east-1", east), ("us-west-2", west)):
        assert client.describe_replication_groups()["ReplicationGroups"] == [], region
        snapshots = client.describe_snapshots()["Snapshots"]
        assert [s["ReplicationGroupId"] for s in snapshots if s["SnapshotName"].startswith("funmagic-main-final-")] \
            == ["funmagic-main"], region
        assert client.describe_cache_subnet_groups()["CacheSubnetGroups"] == [], region
        ec2 = boto3.session.Session(region_name=region).client("ec2", endpoint_url=bed.emulator.endpoint)
        assert ec2.describe_security_groups(
            Filters=[{"Name": "group-name", "Values": ["funmagic-redis-sg"]}])["SecurityGroups"] == [], region
    rerun = run_ansible.playbook(destroy, bed.emulator, *bed.args(), "-e", "destroy_confirm=funmagic")[1]
    assert re.search(r"localhost\s+: ok=\d+\s+changed=0 ", rerun), rerun[-3000:]
