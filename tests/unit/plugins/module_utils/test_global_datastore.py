"""global_datastore: which global datastore a suffix names, what a run changes, the diff, the checks of options."""

from __future__ import annotations

from ansible_collections.funmagic.elasticache.plugins.module_utils import global_datastore as gd


def _member(region, group_id, role):
    return {"ReplicationGroupId": group_id, "ReplicationGroupRegion": region, "Role": role, "Status": "associated",
            "AutomaticFailover": "enabled"}


GROUP = {"GlobalReplicationGroupId": "ldgnf-orders", "GlobalReplicationGroupDescription": "orders",
         "Status": "available",
         "Members": [_member("us-east-1", "orders", "PRIMARY"), _member("us-west-2", "orders-west", "SECONDARY")]}


def _params(**overrides):
    return {"suffix": "orders", "primary_replication_group_id": "orders", "description": None, "primary_region": None,
            **overrides}


def test_a_suffix_finds_its_datastore_whatever_the_region_prefix():
    others = [dict(GROUP, GlobalReplicationGroupId="sgaui-orders-eu"), dict(GROUP, GlobalReplicationGroupId="x-y")]
    assert gd.find_by_suffix(others + [GROUP], "Orders") is GROUP
    assert gd.find_by_suffix(others, "orders") is None


def test_nothing_to_do_when_the_primary_is_where_it_should_be():
    assert gd.plan(_params(primary_region="us-east-1", description="orders"), GROUP) == {
        "errors": [], "description": None, "failover": None}


def test_another_primary_region_fails_over_to_its_member_and_the_diff_says_so():
    changes = gd.plan(_params(primary_region="us-west-2", description="moved"), GROUP)
    assert changes == {"errors": [], "description": "moved",
                       "failover": {"region": "us-west-2", "id": "orders-west"}}
    assert gd.summary(GROUP) == {"state": "present", "description": "orders", "primary_region": "us-east-1",
                                 "members": {"us-east-1/orders": "PRIMARY", "us-west-2/orders-west": "SECONDARY"}}
    assert gd.planned(GROUP, changes) == {"state": "present", "description": "moved", "primary_region": "us-west-2",
                                          "members": {"us-east-1/orders": "SECONDARY",
                                                      "us-west-2/orders-west": "PRIMARY"}}


def test_a_region_without_a_member_and_a_foreign_primary_group_are_refused_naming_the_option():
    errors = gd.plan(_params(primary_region="eu-west-1", primary_replication_group_id="payments"), GROUP)["errors"]
    assert errors == [
        "primary_replication_group_id: global datastore ldgnf-orders exists with members orders, orders-west, "
        "not payments.",
        "primary_region: global datastore ldgnf-orders has no member in eu-west-1 (its members are in us-east-1, "
        "us-west-2)."]


def test_options_are_checked_each_naming_itself():
    errors = gd.validate(_params(suffix="Bad--name", primary_region="moon", description="d" * 256))
    assert [e.split(":")[0] for e in errors] == ["suffix", "primary_region", "description"]
    assert gd.validate(_params(primary_region="us-gov-west-1")) == []


def test_the_result_is_snake_case_with_members():
    result = gd.result(GROUP)
    assert result["members"][1] == {"replication_group_id": "orders-west", "replication_group_region": "us-west-2",
                                    "role": "SECONDARY", "status": "associated", "automatic_failover": "enabled"}
    assert gd.result(None) is None and gd.summary(None) == {"state": "absent"}


def test_a_datastore_that_aws_accepts_has_no_prerequisite_errors():
    assert gd.prerequisite_errors("cache_instances[0]", "cache.r6g.large", "redis", "7.1", "us-east-1",
                                  ["us-west-2", "eu-west-1"]) == []
    assert gd.prerequisite_errors("x", "cache.m7g.xlarge", "valkey", None, "us-east-1", ["us-west-2"]) == []


def test_what_aws_refuses_is_named_each_at_its_path():
    errors = gd.prerequisite_errors("cache_instances[0]", "cache.t3.micro", "redis", "5.0.5", "us-east-1",
                                    ["us-east-1", "us-west-2", "us-west-2", "eu-west-1", "moon"])
    assert errors == [
        "cache_instances[0].node_type: global datastores run on M5, M6g, M7g, R5, R6g, R6gd or R7g nodes, not "
        "cache.t3.micro.",
        "cache_instances[0].engine_version: global datastores need redis 5.0.6 or later, not 5.0.5.",
        "cache_instances[0].global.regions: moon is not an AWS Region name (such as us-west-2).",
        "cache_instances[0].global.regions: us-east-1 is the primary's own Region; list the other Regions only.",
        "cache_instances[0].global.regions: each Region may be listed once.",
        "cache_instances[0].global.regions: a global datastore has at most 2 secondary Regions, not 4."]
    assert gd.prerequisite_errors("x", "cache.r6g.large", "valkey", "7.1", "us-east-1", [])[0] == \
        "x.engine_version: global datastores need valkey 7.2 or later, not 7.1."
