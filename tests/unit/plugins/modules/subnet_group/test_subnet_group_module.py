"""subnet_group: zones from the group itself when it can, and every AWS failure named."""

from __future__ import annotations

import pytest

from ansible_collections.funmagic.elasticache.plugins.modules import subnet_group
from tests.unit.plugins.modules.fake_aws import FakeAWS, each_failure, fail_one, tags

ARN = "arn:aws:elasticache:us-east-1:123456789012:subnetgroup:redis-subnets"


def subnet(subnet_id, zone):
    return {"SubnetIdentifier": subnet_id, "SubnetAvailabilityZone": {"Name": zone}}


GROUP = {"CacheSubnetGroupName": "redis-subnets", "CacheSubnetGroupDescription": "redis-subnets", "VpcId": "vpc-1",
         "ARN": ARN, "Subnets": [subnet("subnet-a", "us-east-1a"), subnet("subnet-b", "us-east-1b")]}
EC2_SUBNETS = {"Subnets": [{"SubnetId": "subnet-a", "AvailabilityZone": "us-east-1a"},
                           {"SubnetId": "subnet-c", "AvailabilityZone": "us-east-1a"}]}


def existing(**answers):
    fake = FakeAWS({
        "DescribeCacheSubnetGroups": {"CacheSubnetGroups": [GROUP]},
        "ListTagsForResource": tags(Environment="test"),
        "AddTagsToResource": tags(),
        "DescribeSubnets": EC2_SUBNETS,
        "ModifyCacheSubnetGroup": {"CacheSubnetGroup": GROUP},
        "CreateCacheSubnetGroup": {"CacheSubnetGroup": GROUP},
        "DeleteCacheSubnetGroup": {},
    })
    fake.answers.update(answers)
    return fake


def absent(**answers):
    return existing(DescribeCacheSubnetGroups="CacheSubnetGroupNotFoundFault", **answers)


ARGS = {"name": "Redis-Subnets", "subnets": ["subnet-b", "subnet-a"], "tags": {"Environment": "test"}}


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_rerun_makes_two_calls_and_takes_the_zones_from_the_group(check_mode):
    fake = existing()
    failed, result = fake.run(subnet_group.main, ARGS, check_mode)
    assert not failed and result["changed"] is False
    assert fake.operations() == ["DescribeCacheSubnetGroups", "ListTagsForResource"]
    assert result["subnet_group"]["availability_zones"] == ["us-east-1a", "us-east-1b"]


def test_a_tag_change_shows_in_the_check_mode_diff():
    fake = existing()
    failed, result = fake.run(subnet_group.main, dict(ARGS, tags={"Environment": "prod"}), True)
    assert not failed and result["changed"] is True and "AddTagsToResource" not in fake.operations()
    assert result["diff"]["before"]["tags"] == {"Environment": "test"}
    assert result["diff"]["after"]["tags"] == {"Environment": "prod"}


def test_subnets_in_one_zone_are_refused_before_any_change():
    fake = absent()
    failed, result = fake.run(subnet_group.main, dict(ARGS, subnets=["subnet-a", "subnet-c"]))
    assert failed and "at least 2 availability zones" in result["msg"]
    assert fake.operations() == ["DescribeCacheSubnetGroups", "DescribeSubnets"]


def test_a_missing_subnet_is_named():
    fake = absent(DescribeSubnets="InvalidSubnetID.NotFound")
    failed, result = fake.run(subnet_group.main, ARGS)
    assert failed and result["msg"].startswith("subnets: one of subnet-b, subnet-a does not exist")


def test_a_new_group_is_created_with_its_tags_without_reading_them_back():
    fake = absent(DescribeSubnets={"Subnets": [{"SubnetId": "subnet-a", "AvailabilityZone": "us-east-1a"},
                                               {"SubnetId": "subnet-b", "AvailabilityZone": "us-east-1b"}]})
    failed, result = fake.run(subnet_group.main, ARGS)
    assert not failed and result["changed"] is True
    assert fake.params("CreateCacheSubnetGroup")[0]["CacheSubnetGroupName"] == "redis-subnets"
    assert result["subnet_group"]["tags"] == {"Environment": "test"} and "ListTagsForResource" not in fake.operations()


def test_deleting_a_group_in_use_by_a_deleting_replication_group_is_retried():
    fake = existing(DeleteCacheSubnetGroup=["CacheSubnetGroupInUse", {}])
    failed, result = fake.run(subnet_group.main, {"name": "redis-subnets", "state": "absent"})
    assert not failed and result["changed"] is True and fake.operations().count("DeleteCacheSubnetGroup") == 2


FAILURES = {
    "DescribeCacheSubnetGroups": (existing, ARGS),
    "DescribeSubnets": (existing, dict(ARGS, subnets=["subnet-a", "subnet-c"])),
    "ListTagsForResource": (existing, ARGS),
    "AddTagsToResource": (existing, dict(ARGS, tags={"Environment": "test", "Team": "web"})),
    "CreateCacheSubnetGroup": (absent, dict(ARGS, allow_single_az=True)),
    "ModifyCacheSubnetGroup": (existing, dict(ARGS, description="new")),
    "DeleteCacheSubnetGroup": (existing, {"name": "redis-subnets", "state": "absent"}),
}


@each_failure(FAILURES)
def test_every_aws_failure_is_reported_naming_the_operation(operation, error):
    fail_one(subnet_group.main, FAILURES, operation, error)
