"""replication_group: data_tiering, network_type, ip_discovery and preferred_azs, from the module's side."""

from __future__ import annotations

import pytest

from ansible_collections.funmagic.elasticache.plugins.modules import replication_group
from tests.unit.plugins.modules.replication_group.test_replication_group_module import ARGS, GROUP, absent, existing
from tests.unit.plugins.modules.replication_group.test_replication_group_module import mutations

MEMBERS = [{"CacheClusterId": "main-001", "CurrentRole": "primary", "PreferredAvailabilityZone": "us-east-1b"},
           {"CacheClusterId": "main-002", "CurrentRole": "replica", "PreferredAvailabilityZone": "us-east-1a"}]
DUAL = dict(GROUP, NetworkType="dual_stack", IpDiscovery="ipv6", DataTiering="disabled",
            NodeGroups=[dict(GROUP["NodeGroups"][0], NodeGroupMembers=MEMBERS)])
NODE_ARGS = dict(ARGS, network_type="dual_stack", preferred_azs=["us-east-1a", "us-east-1b"])


def test_create_sends_the_node_options():
    fake = absent()
    failed, result = fake.run(replication_group.main, dict(NODE_ARGS, node_type="cache.r6gd.xlarge"))
    assert not failed, result
    request = fake.params("CreateReplicationGroup")[0]
    assert (request["DataTieringEnabled"], request["NetworkType"], request["IpDiscovery"]) == \
        (True, "dual_stack", "ipv6")
    assert request["PreferredCacheClusterAZs"] == ["us-east-1a", "us-east-1b"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_matching_group_changes_nothing(check_mode):
    fake = existing(DescribeReplicationGroups={"ReplicationGroups": [DUAL]})
    failed, result = fake.run(replication_group.main, NODE_ARGS, check_mode)
    assert not failed and result["changed"] is False, result
    assert result["replication_group"]["network_type"] == "dual_stack"


@pytest.mark.parametrize("check_mode", [False, True])
def test_ip_discovery_changed_by_hand_is_changed_back_and_shown_in_the_diff(check_mode):
    fake = existing(DescribeReplicationGroups={"ReplicationGroups": [dict(DUAL, IpDiscovery="ipv4")]})
    failed, result = fake.run(replication_group.main, NODE_ARGS, check_mode)
    assert not failed and result["changed"] is True
    assert result["diff"] == {"before": {"ip_discovery": "ipv4"}, "after": {"ip_discovery": "ipv6"}}
    if check_mode:
        assert mutations(fake) == []
    else:
        assert fake.params("ModifyReplicationGroup") == [
            {"ReplicationGroupId": "main", "ApplyImmediately": False, "IpDiscovery": "ipv6"}]


def test_nodes_moved_by_hand_show_in_the_diff_and_a_warning_and_nothing_is_changed():
    fake = existing(DescribeReplicationGroups={"ReplicationGroups": [DUAL]})
    failed, result = fake.run(replication_group.main, dict(NODE_ARGS, preferred_azs=["us-east-1a", "us-east-1c"]))
    assert not failed and result["changed"] is False and mutations(fake) == []
    assert result["diff"]["after"] == {"preferred_azs": {"0001": ["us-east-1a", "us-east-1c"]}}
    assert any("cannot move a node" in w for w in result.get("warnings", [])), result


def test_a_fixed_option_that_differs_fails_naming_it_before_any_change():
    fake = existing(DescribeReplicationGroups={"ReplicationGroups": [DUAL]})
    failed, result = fake.run(replication_group.main, dict(NODE_ARGS, network_type="ipv4"))
    assert failed and "network_type cannot be changed" in result["msg"] and mutations(fake) == []


@pytest.mark.parametrize("args, message", [
    ({"data_tiering": True}, "data_tiering: needs an r6gd node type"),
    ({"node_type": "cache.r6gd.xlarge", "data_tiering": False}, "data_tiering: r6gd node types"),
    ({"ip_discovery": "ipv6", "network_type": "ipv4"}, "ip_discovery: ipv6 needs network_type"),
    ({"preferred_azs": ["us-east-1a"]}, "preferred_azs: lists 1 zone(s) for 2 node(s)"),
])
def test_bad_node_options_are_refused_before_any_call(args, message):
    fake = absent()
    failed, result = fake.run(replication_group.main, dict(ARGS, **args))
    assert failed and message in result["msg"] and fake.operations() == []
