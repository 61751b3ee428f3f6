"""replication_group_info: batched describes, optional tags and members, and the progress of a wait."""

from __future__ import annotations

from ansible_collections.funmagic.elasticache.plugins.modules import replication_group_info
from tests.unit.plugins.modules.fake_aws import FakeAWS, each_failure, fail_one, tags


def group(group_id, status="available"):
    return {"ReplicationGroupId": group_id, "Status": status, "ARN": "arn:rg:" + group_id, "Description": group_id,
            "MemberClusters": [group_id + "-001"], "ClusterEnabled": False, "CacheNodeType": "cache.t3.micro",
            "NodeGroups": [{"NodeGroupId": "0001", "NodeGroupMembers": [{"CacheClusterId": group_id + "-001"}],
                            "PrimaryEndpoint": {"Address": "master.%s.x" % group_id, "Port": 6379}}]}


def cluster(group_id):
    return {"CacheClusterId": group_id + "-001", "ReplicationGroupId": group_id, "EngineVersion": "7.1.0",
            "CacheParameterGroup": {"CacheParameterGroupName": group_id}}


GROUPS = [group("app-main"), group("app-queue", "creating"), group("other")]


def fake(**answers):
    base = FakeAWS({
        "DescribeReplicationGroups": lambda request: (
            {"ReplicationGroups": [g for g in GROUPS if g["ReplicationGroupId"] == request["ReplicationGroupId"]]}
            if "ReplicationGroupId" in request else {"ReplicationGroups": GROUPS}),
        "DescribeCacheClusters": lambda request: {"CacheClusters": [
            cluster(g["ReplicationGroupId"]) for g in GROUPS
            if request.get("CacheClusterId", g["MemberClusters"][0]) == g["MemberClusters"][0]]},
        "ListTagsForResource": tags(Purpose="main"),
    })
    base.answers.update(answers)
    return base


def test_several_ids_are_described_in_one_call_with_one_call_for_their_members():
    aws = fake()
    failed, result = aws.run(replication_group_info.main, {"replication_group_ids": ["app-queue", "app-main"]})
    assert not failed
    assert aws.operations() == ["DescribeReplicationGroups", "DescribeCacheClusters",
                                "ListTagsForResource", "ListTagsForResource"]
    assert [g["replication_group_id"] for g in result["replication_groups"]] == ["app-queue", "app-main"]
    assert result["replication_groups"][1]["parameter_group"] == "app-main"
    assert result["progress"] == {"ready": False, "failed": [], "summary": "app-queue=creating, app-main=available"}


def test_a_poll_without_tags_and_members_is_one_call():
    aws = fake()
    failed, result = aws.run(replication_group_info.main, {"replication_group_ids": ["app-main", "app-queue"],
                                                           "tags": False, "member_details": False})
    assert not failed and aws.operations() == ["DescribeReplicationGroups"]
    assert "tags" not in result["replication_groups"][0]
    assert result["replication_groups"][0]["engine_version"] is None


def test_one_id_is_described_by_id():
    aws = fake()
    failed, result = aws.run(replication_group_info.main, {"replication_group_id": "App-Main"})
    assert not failed and aws.params("DescribeReplicationGroups") == [{"ReplicationGroupId": "app-main"}]
    assert aws.params("DescribeCacheClusters") == [{"CacheClusterId": "app-main-001"}]
    assert result["progress"]["ready"] is True


def test_missing_and_create_failed_groups_stop_a_wait():
    GROUPS.append(group("broken", "create-failed"))
    try:
        aws = fake()
        failed, result = aws.run(replication_group_info.main, {"replication_group_ids": ["app-main", "gone", "broken"],
                                                               "tags": False})
    finally:
        GROUPS.pop()
    assert not failed and result["missing"] == ["gone"]
    assert result["progress"]["failed"] == ["gone", "broken"] and result["progress"]["ready"] is False
    assert result["progress"]["summary"] == "app-main=available, gone=missing, broken=create-failed"


def test_a_missing_single_id_is_reported_not_failed():
    aws = fake(DescribeReplicationGroups="ReplicationGroupNotFoundFault")
    failed, result = aws.run(replication_group_info.main, {"replication_group_id": "gone"})
    assert not failed and result["replication_groups"] == [] and result["missing"] == ["gone"]


def test_wait_seconds_sleeps_before_describing():
    aws = fake()
    failed, result = aws.run(replication_group_info.main, {"tags": False, "member_details": False, "wait_seconds": 7})
    assert not failed and aws.sleeps == [7] and result["progress"]["ready"] is False


def test_all_members_returns_every_member_cluster_from_one_walk_shared_with_member_details():
    two = group("app-main")
    two["MemberClusters"] = ["app-main-001", "app-main-002", "app-main-003"]
    walked = [dict(cluster("app-main"), AutoMinorVersionUpgrade=True, CacheSubnetGroupName="app-redis-subnet",
                   SnapshotRetentionLimit=7, CacheClusterStatus="available", PreferredAvailabilityZone="us-east-1a"),
              dict(cluster("app-main"), CacheClusterId="app-main-002", AutoMinorVersionUpgrade=False,
                   CacheSubnetGroupName="default", SnapshotRetentionLimit=0, CacheClusterStatus="available"),
              dict(cluster("other"), CacheSubnetGroupName="default")]
    aws = fake(DescribeReplicationGroups={"ReplicationGroups": [two]},
               DescribeCacheClusters={"CacheClusters": walked})
    failed, result = aws.run(replication_group_info.main, {"replication_group_id": "app-main", "tags": False,
                                                           "all_members": True})
    assert not failed
    assert aws.params("DescribeCacheClusters") == [{}]  # the walk, not one call per member
    found = result["replication_groups"][0]
    assert found["members"] == [
        {"cache_cluster_id": "app-main-001", "cache_cluster_status": "available", "engine_version": "7.1.0",
         "auto_minor_version_upgrade": True, "cache_subnet_group_name": "app-redis-subnet",
         "snapshot_retention_limit": 7, "preferred_availability_zone": "us-east-1a"},
        {"cache_cluster_id": "app-main-002", "cache_cluster_status": "available", "engine_version": "7.1.0",
         "auto_minor_version_upgrade": False, "cache_subnet_group_name": "default", "snapshot_retention_limit": 0},
    ]  # app-main-003 is not listed (being created): left out
    assert found["engine_version"] == "7.1.0" and found["subnet_group"] == "app-redis-subnet"


def test_members_are_left_out_without_all_members():
    aws = fake()
    failed, result = aws.run(replication_group_info.main, {"replication_group_id": "app-main", "tags": False})
    assert not failed and "members" not in result["replication_groups"][0]


FAILURES = dict((operation, (fake, {})) for operation in (
    "DescribeReplicationGroups", "DescribeCacheClusters", "ListTagsForResource"))


@each_failure(FAILURES)
def test_every_aws_failure_is_reported_naming_the_operation(operation, error):
    fail_one(replication_group_info.main, FAILURES, operation, error)


def serverless(name, status="available"):
    return {"ServerlessCacheName": name, "Status": status, "Engine": "valkey", "MajorEngineVersion": "8",
            "ARN": "arn:sc:" + name, "Endpoint": {"Address": name + ".serverless.x", "Port": 6379},
            "ReaderEndpoint": {"Address": name + ".serverless.x", "Port": 6380}}


def test_serverless_caches_are_described_and_waited_for_with_the_groups():
    caches = [serverless("app-jobs", "creating"), serverless("other")]
    aws = fake(DescribeServerlessCaches=lambda request: {"ServerlessCaches": caches})
    failed, result = aws.run(replication_group_info.main, {
        "replication_group_ids": ["app-main"], "serverless_cache_names": ["App-Jobs", "app-gone"], "tags": False,
        "member_details": False})
    assert not failed and aws.operations() == ["DescribeReplicationGroups", "DescribeServerlessCaches"]
    assert [c["serverless_cache_name"] for c in result["serverless_caches"]] == ["app-jobs"]
    assert result["serverless_caches"][0]["reader_endpoint"] == {"address": "app-jobs.serverless.x", "port": 6380}
    assert result["missing"] == ["app-gone"]
    assert result["progress"] == {"ready": False, "failed": ["app-gone"],
                                  "summary": "app-main=available, app-jobs=creating, app-gone=missing"}


def test_one_serverless_cache_is_described_by_name_and_without_names_none_is():
    aws = fake(DescribeServerlessCaches=lambda request: {"ServerlessCaches": [serverless(
        request["ServerlessCacheName"])]})
    failed, result = aws.run(replication_group_info.main, {"replication_group_ids": [],
                                                           "serverless_cache_names": ["app-jobs"]})
    assert not failed and aws.operations() == ["DescribeServerlessCaches"]
    assert result["progress"] == {"ready": True, "failed": [], "summary": "app-jobs=available"}
    aws = fake()
    failed, result = aws.run(replication_group_info.main, {"replication_group_ids": ["app-main"], "tags": False,
                                                           "member_details": False})
    assert not failed and result["serverless_caches"] == [] and "DescribeServerlessCaches" not in aws.operations()
