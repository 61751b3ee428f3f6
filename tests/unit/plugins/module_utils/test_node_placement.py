"""node_placement: data tiering, network type, IP discovery and node zones, as AWS allows them."""

from __future__ import annotations

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils import node_placement

BASE = {"node_type": "cache.r6g.large", "engine": "redis", "engine_version": "7.1", "nodes_per_shard": 2}


@pytest.mark.parametrize("options, message", [
    ({"data_tiering": True}, "data_tiering: needs an r6gd node type"),
    ({"node_type": "cache.r6gd.xlarge", "data_tiering": False}, "data_tiering: r6gd node types"),
    ({"node_type": "cache.r6gd.xlarge", "data_tiering": True, "engine_version": "6.0"},
     "data_tiering: needs Redis OSS 6.2"),
    ({"network_type": "dual_stack", "engine_version": "6.0"}, "network_type: dual_stack needs Redis OSS 6.2"),
    ({"ip_discovery": "ipv6"}, "ip_discovery: ipv6 needs network_type ipv6 or dual_stack"),
    ({"network_type": "ipv6", "ip_discovery": "ipv4"}, "ip_discovery: ipv4 cannot be discovered"),
    ({"preferred_azs": ["us-east-1a"]}, "preferred_azs: lists 1 zone(s) for 2 node(s)"),
])
def test_what_aws_refuses_is_refused_naming_the_field(options, message):
    found = node_placement.errors(dict(BASE, **options), "cache_instances[0] (q).")
    assert len(found) == 1 and found[0].startswith("cache_instances[0] (q)." + message.split(":")[0]), found
    assert message in found[0]


@pytest.mark.parametrize("options", [
    {"node_type": "cache.r6gd.xlarge", "data_tiering": True},
    {"node_type": "cache.r6gd.xlarge"},  # sent as true
    {"network_type": "dual_stack", "ip_discovery": "ipv4"},
    {"network_type": "ipv6", "engine": "valkey", "engine_version": "7.2"},
    {"preferred_azs": ["us-east-1a", "us-east-1a"]},
    {"network_type": "ipv6", "engine_version": None},
])
def test_what_aws_accepts_is_accepted(options):
    assert node_placement.errors(dict(BASE, **options)) == []


def test_create_parameters_for_one_shard_and_for_cluster_mode():
    desired = node_placement.resolved({"node_type": "cache.r6gd.xlarge", "network_type": "dual_stack",
                                       "preferred_azs": ["a", "b"]})
    assert node_placement.create_parameters(desired) == {
        "DataTieringEnabled": True, "NetworkType": "dual_stack", "IpDiscovery": "ipv6",
        "PreferredCacheClusterAZs": ["a", "b"]}
    sharded = node_placement.create_parameters({"cluster_mode": True, "num_node_groups": 2,
                                                "preferred_azs": ["a", "b"]})
    assert sharded == {"NodeGroupConfiguration": [
        {"NodeGroupId": "0001", "ReplicaCount": 1, "PrimaryAvailabilityZone": "a", "ReplicaAvailabilityZones": ["b"]},
        {"NodeGroupId": "0002", "ReplicaCount": 1, "PrimaryAvailabilityZone": "a", "ReplicaAvailabilityZones": ["b"]}]}
    assert node_placement.create_parameters({}) == {}


def _group(**fields):
    members = [{"CacheClusterId": "g-001", "PreferredAvailabilityZone": "b"},
               {"CacheClusterId": "g-002", "PreferredAvailabilityZone": "a"}]
    return dict({"NodeGroups": [{"NodeGroupId": "0001", "NodeGroupMembers": members}]}, **fields)


def test_a_matching_group_plans_nothing_whatever_node_is_the_primary():
    group = _group(DataTiering="enabled", NetworkType="dual_stack", IpDiscovery="ipv6")
    plan = node_placement.plan({"node_type": "cache.r6gd.xlarge", "network_type": "dual_stack",
                                "preferred_azs": ["a", "b"]}, group)
    assert plan == {"errors": [], "modify": {}, "placement": {}, "before": {}, "after": {}}


def test_ip_discovery_changes_in_place_and_fixed_options_are_refused_with_the_choices():
    plan = node_placement.plan({"ip_discovery": "ipv6", "network_type": "dual_stack", "data_tiering": True},
                               _group(NetworkType="dual_stack", IpDiscovery="ipv4", DataTiering="disabled"))
    assert plan["modify"] == {"IpDiscovery": "ipv6"}
    assert (plan["before"], plan["after"]) == ({"ip_discovery": "ipv4"}, {"ip_discovery": "ipv6"})
    assert len(plan["errors"]) == 1 and plan["errors"][0].startswith("data_tiering cannot be changed")
    assert "snapshot" in plan["errors"][0]


def test_nodes_in_other_zones_are_reported_not_moved():
    plan = node_placement.plan({"preferred_azs": ["a", "c"]}, _group())
    assert plan["modify"] == {} and plan["placement"] == {"0001": ["a", "b"]}
    assert (plan["before"], plan["after"]) == ({"preferred_azs": {"0001": ["a", "b"]}},
                                               {"preferred_azs": {"0001": ["a", "c"]}})
    warning = node_placement.placement_warning("g", plan["placement"], ["a", "c"])
    assert "cannot move" in warning and "IncreaseReplicaCount" in warning


def test_a_group_described_without_the_new_fields_is_ipv4_without_tiering():
    assert node_placement.current({}) == {"data_tiering": False, "network_type": "ipv4", "ip_discovery": "ipv4",
                                          "preferred_azs": []}
