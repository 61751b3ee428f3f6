"""prerequisites_info: what exists, read-only, in as few calls as possible; every failure named."""

from __future__ import annotations

from ansible_collections.funmagic.elasticache.plugins.modules import prerequisites_info
from tests.unit.plugins.modules.fake_aws import FakeAWS, each_failure, fail_one

TOPIC = "arn:aws:sns:us-east-1:123456789012:ops"


def fake(**answers):
    return FakeAWS(dict({
        "DescribeVpcs": {"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "172.31.0.0/16"}]},
        "DescribeSubnets": {"Subnets": [{"SubnetId": "subnet-b", "AvailabilityZone": "us-east-1b"},
                                        {"SubnetId": "subnet-a", "AvailabilityZone": "us-east-1a"}]},
        "DescribeSecurityGroups": {"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "app-sg"}]},
        "GetTopicAttributes": "NotFound",
        "DescribeReplicationGroups": {"ReplicationGroups": [
            {"ReplicationGroupId": "app-queue", "Status": "available", "MemberClusters": ["app-queue-001"],
             "NodeGroups": [{"NodeGroupId": "0001", "PrimaryEndpoint": {"Address": "q.example", "Port": 6379}}]},
            {"ReplicationGroupId": "other", "Status": "available"}]},
        "DescribeSnapshots": "SnapshotNotFoundFault",
        "DescribeCacheClusters": {"CacheClusters": [{"CacheClusterId": "app-node", "CacheClusterStatus": "available"}]},
    }, **answers))


def test_finds_the_default_vpc_its_subnets_and_both_groups_in_one_call_each():
    aws = fake()
    failed, result = aws.run(prerequisites_info.main, {"app_security_group": "app-sg", "redis_security_group": "redis-sg",
                                                       "sns_topic_arns": [TOPIC]})
    assert not failed and not result["changed"]
    assert result["vpcs"] == [{"vpc_id": "vpc-1", "cidr_block": "172.31.0.0/16"}]
    assert [s["subnet_id"] for s in result["subnets"]] == ["subnet-a", "subnet-b"]
    assert result["app_security_groups"] == [{"group_id": "sg-1", "group_name": "app-sg"}]
    assert result["redis_security_groups"] == [] and result["sns_topics"] == {TOPIC: False}
    assert aws.operations() == ["DescribeVpcs", "DescribeSubnets", "DescribeSecurityGroups", "GetTopicAttributes"]
    assert aws.params("DescribeVpcs")[0]["Filters"] == [{"Name": "is-default", "Values": ["true"]}]


def test_no_vpc_means_no_further_lookup():
    aws = fake(DescribeVpcs={"Vpcs": []})
    failed, result = aws.run(prerequisites_info.main, {"vpc_id": "vpc-9", "app_security_group": "app-sg"})
    assert not failed and result["vpcs"] == [] and aws.operations() == ["DescribeVpcs"]


def test_the_replication_groups_come_in_the_same_execution_one_walk_for_several_ids():
    member = {"CacheClusterId": "app-queue-001", "EngineVersion": "7.1.0",
              "CacheParameterGroup": {"CacheParameterGroupName": "app-queue-redis7"}}
    aws = fake(DescribeVpcs={"Vpcs": []}, DescribeCacheClusters={"CacheClusters": [member]})
    failed, result = aws.run(prerequisites_info.main, {"replication_group_ids": ["App-Queue", "app-main"]})
    assert not failed and aws.operations() == ["DescribeVpcs", "DescribeReplicationGroups", "DescribeCacheClusters"]
    assert [g["replication_group_id"] for g in result["replication_groups"]] == ["app-queue"]
    assert result["replication_groups"][0]["primary_endpoint"] == {"address": "q.example", "port": 6379}
    # The first member's engine version and parameter group: what an engine or major version change needs.
    assert result["replication_groups"][0]["engine_version"] == "7.1.0"
    assert result["replication_groups"][0]["parameter_group"] == "app-queue-redis7"
    assert "tags" not in result["replication_groups"][0]
    aws = fake()
    failed, result = aws.run(prerequisites_info.main, {"app_security_group": "app-sg"})
    assert "DescribeReplicationGroups" not in aws.operations() and result["replication_groups"] == []


def test_the_snapshots_to_restore_and_the_clusters_to_adopt_are_looked_up():
    aws = fake(DescribeVpcs={"Vpcs": []})
    failed, result = aws.run(prerequisites_info.main, {"snapshot_names": ["nightly"], "cache_cluster_ids": ["app-node"]})
    assert not failed and result["snapshots"] == {"nightly": False}
    assert result["cache_clusters"] == {"app-node": {"status": "available", "replication_group_id": None}}
    assert aws.operations() == ["DescribeVpcs", "DescribeSnapshots", "DescribeCacheClusters"]
    assert aws.params("DescribeSnapshots") == [{"SnapshotName": "nightly"}]
    aws = fake(DescribeVpcs={"Vpcs": []}, DescribeSnapshots={"Snapshots": [{"SnapshotName": "nightly"}]},
               DescribeCacheClusters="CacheClusterNotFound")
    failed, result = aws.run(prerequisites_info.main, {"snapshot_names": ["nightly"], "cache_cluster_ids": ["gone"]})
    assert result["snapshots"] == {"nightly": True} and result["cache_clusters"] == {"gone": None}


SCENARIOS = dict((operation, (fake,
                              {"app_security_group": "app-sg", "sns_topic_arns": [TOPIC]}))
                 for operation in ("DescribeVpcs", "DescribeSubnets", "DescribeSecurityGroups"))
SCENARIOS["GetTopicAttributes"] = (fake, {"sns_topic_arns": [TOPIC]})
SCENARIOS["DescribeReplicationGroups"] = (fake, {"replication_group_ids": ["app-queue", "app-main"]})
SCENARIOS["DescribeSnapshots"] = (fake, {"snapshot_names": ["nightly"]})
SCENARIOS["DescribeCacheClusters"] = (fake, {"cache_cluster_ids": ["app-node"]})


@each_failure(SCENARIOS)
def test_every_aws_failure_is_named(operation, error):
    fail_one(prerequisites_info.main, SCENARIOS, operation, error)
