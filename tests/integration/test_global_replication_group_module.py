"""The global_replication_group module against the emulator: create around a us-east-1 group, fail over to the
us-west-2 secondary and back, change the description, refuse bad input before any change, and delete (each change
run four times: check mode, real, check-mode rerun, real rerun); a key written in one Region is read in the other."""

from __future__ import annotations

import json
import os
import sys
import time


from tests.emulator import probes
from tests.emulator.probes import TOKEN
from tests.integration import run_ansible
from tests.integration.test_emulator_global import EAST, WEST, _group, _network, _primary_endpoint, _read_until, \
    _until

BASE = {"suffix": "orders", "primary_replication_group_id": "orders", "description": "orders in two regions"}


def _run(emulator, args, check_mode=False):
    argv = [os.path.join(run_ansible.BIN, "ansible"), "localhost", "--diff",
            "-e", f"ansible_python_interpreter={sys.executable}", "-m", "funmagic.elasticache.global_replication_group",
            "-a", json.dumps({"region": EAST, "endpoint_url": emulator.endpoint, "wait_delay": 1, **args})]
    return run_ansible.run(argv + (["--check"] if check_mode else []), emulator, check=False)


def _four_times(emulator, args):
    return run_ansible.four_times(_run, emulator, args)


_result = run_ansible.module_result


def _roles(result):
    return {m["replication_group_region"]: (m["replication_group_id"], m["role"], m["status"])
            for m in result["global_replication_group"]["members"]}


def _write_until_accepted(client, key, value, timeout=30):
    """A writer right after a failover: the new primary takes writes once it stops replicating."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return client.set(key, value)
        except Exception:  # pylint: disable=broad-except  # READONLY or a dropped connection, as a client sees them
            time.sleep(0.2)
    raise AssertionError(f"{key} was never written")


def test_a_global_datastore_is_created_failed_over_and_back_and_deleted(aws, emulator):
    east, west = _network(aws, EAST), _network(aws, WEST)
    common = {"ReplicationGroupDescription": "orders", "NumCacheClusters": 2, "AutomaticFailoverEnabled": True,
              "CacheSubnetGroupName": "redis-subnets"}
    east.create_replication_group(ReplicationGroupId="orders", CacheNodeType="cache.r6g.large",
                                  TransitEncryptionEnabled=True, AuthToken=TOKEN, **common)
    _until(lambda: _group(east, "orders")["Status"], "available")

    assert _four_times(emulator, BASE) == ([True, True, False, False],
                                           [[], ["CreateGlobalReplicationGroup"], [], []])
    rc, output = _run(emulator, BASE)
    created = _result(output)["global_replication_group"]
    gid = created["global_replication_group_id"]
    assert (gid, created["status"]) == ("ldgnf-orders", "primary-only")

    secondary = {"region": WEST, "replication_group_id": "orders", "global_replication_group_id": gid,
                 "replicas": 1, "subnet_group": "redis-subnets", "description": "orders", "wait_delay": 1}
    emulator.call("requests", method="DELETE")
    rc, output = run_ansible.module("replication_group", dict(secondary, auth_token=TOKEN), emulator)
    assert rc != 0 and "auth_token cannot be given with global_replication_group_id" in output
    assert TOKEN not in output and emulator.requests(mutating_only=True) == []
    rc, output = run_ansible.module("replication_group", dict(secondary, node_type="cache.r6g.xlarge"), emulator)
    assert rc != 0 and "InvalidParameterCombination" in output
    for check_mode, changed in ((True, True), (False, True), (False, False)):
        rc, output = run_ansible.module("replication_group", secondary, emulator, check_mode=check_mode)
        assert rc == 0 and ("CHANGED" in output.split("=>")[0]) is changed, output[-3000:]
    assert _result(output)["replication_group"]["global_replication_group_info"] == {
        "global_replication_group_id": gid, "global_replication_group_member_role": "SECONDARY"}
    assert _group(west, "orders")["GlobalReplicationGroupInfo"]["GlobalReplicationGroupMemberRole"] == "SECONDARY"
    east_host = _primary_endpoint(_group(east, "orders"))
    west_host = _primary_endpoint(_group(west, "orders"))
    probes.client(emulator, east_host).set("order:1", "paid")
    assert _read_until(probes.client(emulator, west_host), "order:1", b"paid")

    to_west = dict(BASE, primary_region=WEST)
    assert _four_times(emulator, to_west) == ([True, True, False, False],
                                              [[], ["FailoverGlobalReplicationGroup"], [], []])
    rc, output = _run(emulator, to_west)
    assert _roles(_result(output)) == {EAST: ("orders", "SECONDARY", "associated"),
                                       WEST: ("orders", "PRIMARY", "associated")}
    _write_until_accepted(probes.client(emulator, west_host), "order:2", "written in the west")
    assert _read_until(probes.client(emulator, east_host), "order:2", b"written in the west")

    back = dict(BASE, primary_region=EAST, description="orders, primary in the east")
    assert _four_times(emulator, back) == ([True, True, False, False], [
        [], ["FailoverGlobalReplicationGroup", "ModifyGlobalReplicationGroup"], [], []])
    rc, output = _run(emulator, back)
    result = _result(output)
    assert _roles(result)[EAST][1] == "PRIMARY"
    assert result["global_replication_group"]["global_replication_group_description"] == "orders, primary in the east"
    _write_until_accepted(probes.client(emulator, east_host), "order:3", "back in the east")
    assert _read_until(probes.client(emulator, west_host), "order:3", b"back in the east")

    emulator.call("requests", method="DELETE")
    rc, output = _run(emulator, dict(BASE, primary_region="eu-west-1"))
    assert rc != 0 and "primary_region: global datastore ldgnf-orders has no member in eu-west-1" in output
    rc, output = _run(emulator, dict(BASE, primary_region="the moon"))
    assert rc != 0 and "primary_region: the moon is not an AWS Region name" in output
    rc, output = _run(emulator, dict(BASE, primary_replication_group_id="payments"))
    assert rc != 0 and "primary_replication_group_id: global datastore ldgnf-orders exists with members" in output
    assert emulator.requests(mutating_only=True) == []

    absent = {"suffix": "orders", "state": "absent"}
    assert _four_times(emulator, absent) == ([True, True, False, False], [
        [], ["DeleteGlobalReplicationGroup", "DisassociateGlobalReplicationGroup"], [], []])
    assert east.describe_global_replication_groups()["GlobalReplicationGroups"] == []
    assert "GlobalReplicationGroupInfo" not in _group(west, "orders")
    assert _group(east, "orders")["Status"] == "available"
    _write_until_accepted(probes.client(emulator, west_host), "order:4", "west alone")
