"""The serverless_cache module's pure logic: limits, the create request, the plan of a modify."""

from __future__ import annotations

import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils import serverless

CURRENT = {"ServerlessCacheName": "q", "Description": "", "Engine": "valkey", "MajorEngineVersion": "8",
           "CacheUsageLimits": {"DataStorage": {"Maximum": 10, "Unit": "GB"}}, "SecurityGroupIds": ["sg-1"],
           "SubnetIds": ["subnet-1", "subnet-2"], "SnapshotRetentionLimit": 0, "DailySnapshotTime": "03:00"}


def params(**options):
    base = dict((k, None) for k in ("description", "engine", "major_engine_version", "usage_limits",
                                    "security_group_ids", "subnet_ids", "kms_key_id", "user_group_id",
                                    "snapshot_retention_limit", "daily_snapshot_time", "snapshot_arns_to_restore",
                                    "final_snapshot_name"))
    return dict(base, **dict({"name": "q", "skip_final_snapshot": False}, **options))


def test_usage_limits_carry_only_the_bounds_given_with_the_unit_of_storage():
    assert serverless.usage_limits(None) is None
    assert serverless.usage_limits({"data_storage": {"minimum": None, "maximum": None}}) is None
    assert serverless.usage_limits({"data_storage": {"maximum": 10}, "ecpu_per_second": {"minimum": 1000}}) == {
        "DataStorage": {"Maximum": 10, "Unit": "GB"}, "ECPUPerSecond": {"Minimum": 1000}}


@pytest.mark.parametrize("limits", [
    {"data_storage": {"minimum": 1, "maximum": 5000}},
    {"ecpu_per_second": {"minimum": 1000, "maximum": 15000000}},
    {"data_storage": {"minimum": 7, "maximum": 7}},
])
def test_the_edges_of_the_ranges_are_accepted(limits):
    assert serverless.validate(params(usage_limits=limits)) == []


@pytest.mark.parametrize("limits, option", [
    ({"data_storage": {"maximum": 5001}}, "usage_limits.data_storage.maximum"),
    ({"ecpu_per_second": {"minimum": 999}}, "usage_limits.ecpu_per_second.minimum"),
    ({"ecpu_per_second": {"maximum": 15000001}}, "usage_limits.ecpu_per_second.maximum"),
    ({"data_storage": {"minimum": 3, "maximum": 2}}, "usage_limits.data_storage: minimum 3 is above maximum 2"),
])
def test_limits_out_of_range_are_named(limits, option):
    errors = serverless.validate(params(usage_limits=limits))
    assert len(errors) == 1 and errors[0].startswith(option)


def test_the_create_request_leaves_out_what_is_not_given():
    assert serverless.create_request(params(name="Q", engine="redis", user_group_id="")) == {
        "ServerlessCacheName": "q", "Engine": "redis"}


def test_a_cache_as_wanted_needs_no_change():
    wanted = params(engine="valkey", major_engine_version="8", usage_limits={"data_storage": {"maximum": 10}},
                    security_group_ids=["sg-1"], subnet_ids=["subnet-2", "subnet-1"], daily_snapshot_time="03:00")
    assert serverless.plan(wanted, CURRENT) == {"modify": {}, "before": {}, "after": {}, "errors": []}


def test_only_the_limits_that_differ_are_sent():
    plan = serverless.plan(params(usage_limits={"data_storage": {"maximum": 10},
                                                "ecpu_per_second": {"maximum": 5000}}), CURRENT)
    assert plan["modify"] == {"CacheUsageLimits": {"ECPUPerSecond": {"Maximum": 5000}}}
    assert plan["before"] == {"usage_limits": {"data_storage": {"maximum": 10, "unit": "GB"}}}


def test_a_major_version_goes_up_only_and_valkey_never_back_to_redis():
    redis = dict(CURRENT, Engine="redis", MajorEngineVersion="7")
    assert serverless.plan(params(engine="valkey"), redis)["modify"] == {"Engine": "valkey"}
    assert serverless.plan(params(major_engine_version="7"), CURRENT)["errors"][0].startswith(
        "major_engine_version: q runs 8")
    assert serverless.plan(params(engine="redis"), CURRENT)["errors"][0].startswith("engine: q runs valkey")


def test_a_user_group_is_set_replaced_or_removed():
    assert serverless.plan(params(user_group_id="G"), CURRENT)["modify"] == {"UserGroupId": "G"}
    assert serverless.plan(params(user_group_id="g"), dict(CURRENT, UserGroupId="g"))["modify"] == {}
    assert serverless.plan(params(user_group_id=""), dict(CURRENT, UserGroupId="g"))["modify"] == {
        "RemoveUserGroup": True}
    assert serverless.plan(params(user_group_id=""), CURRENT)["modify"] == {}


def test_a_kms_key_given_by_alias_is_not_compared_but_another_arn_is_refused():
    assert serverless.plan(params(kms_key_id="alias/cache"), CURRENT)["errors"] == []
    errors = serverless.plan(params(kms_key_id="arn:aws:kms:us-east-1:1:key/2"), CURRENT)["errors"]
    assert len(errors) == 1 and "the AWS owned key" in errors[0]


def test_an_instance_is_serverless_only_with_kind_serverless_and_node_when_unset():
    assert serverless.is_serverless({"kind": "serverless"})
    assert not any(serverless.is_serverless(spec) for spec in ({"kind": "node"}, {}, {"kind": None}))
