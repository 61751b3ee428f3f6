"""The emulator's serverless caches and their snapshots alone: no moto, no redis-server.

States on the clock, usage limits at their edges, engines and major versions, the network defaults, user groups
(engine rules, a group in use cannot be deleted), modify and delete rules, snapshots, tags, and what the Redis fixture
is asked to serve (a cluster-mode parameter group, the endpoint and one node per shard).
"""

import time

import pytest

from tests.emulator.elasticache import ElastiCache, EmulatorConfig
from tests.emulator.protocol import AWSError
from tests.emulator.redis_cluster_layout import cluster_layout
from tests.unit.emulator.test_elasticache_backend import Call, FakeEC2
from tests.unit.emulator.test_users_backend import KEY_ARN, PASSWORD, FakeKMS


class EC2WithDefaultGroup(FakeEC2):
    def default_security_group(self, vpc_id):
        return f"sg-default-{vpc_id}"


@pytest.fixture
def service():
    return ElastiCache(EmulatorConfig(0, 0, 0), ec2_view=EC2WithDefaultGroup, kms_view=FakeKMS)


def call(service, operation, **params):
    answer = service.handle(Call(operation, params))
    time.sleep(0.001)
    service.tick()
    return answer


def refused(service, operation, **params):
    with pytest.raises(AWSError) as caught:
        call(service, operation, **params)
    return caught.value.code


def finish_now(service, name):
    """Bring a cache's transition due at once, and let the clock finish it."""
    cache = service.region("us-east-1").serverless_caches[name]
    cache.transition = (0, cache.transition[1])
    service.tick()


def describe(service, name):
    return call(service, "DescribeServerlessCaches", ServerlessCacheName=name)["ServerlessCaches"][0]


def test_a_cache_is_created_with_aws_defaults_and_becomes_available(service):
    created = call(service, "CreateServerlessCache", ServerlessCacheName="Queue", Engine="valkey")["ServerlessCache"]
    assert created["Status"] == "creating" and created["ServerlessCacheName"] == "queue"
    cache = describe(service, "queue")
    assert cache["Status"] == "available" and cache["MajorEngineVersion"] == "8"
    assert cache["SubnetIds"] == ["subnet-a", "subnet-b"] and cache["SecurityGroupIds"] == ["sg-default-vpc-1"]
    assert cache["Endpoint"]["Address"].startswith("queue-") and cache["Endpoint"]["Port"] == 6379
    assert cache["ReaderEndpoint"] == dict(cache["Endpoint"], Port=6380)
    assert "CacheUsageLimits" not in cache and "KmsKeyId" not in cache and "UserGroupId" not in cache
    (region, served), = service.running_groups()
    assert served.parameter_group == "default.valkey8.cluster.on" and served.transit is True
    configuration, shards = cluster_layout(served.hostnames(), [f"127.0.0.{i}" for i in range(4)])
    assert configuration[0] == cache["Endpoint"]["Address"] and [len(s) for s in shards] == [1, 1, 1]
    assert service.acl_users(region, served.user_group_ids) == []


@pytest.mark.parametrize("limits", [
    {"DataStorage": {"Minimum": 1, "Maximum": 5000, "Unit": "GB"}},
    {"ECPUPerSecond": {"Minimum": 1000, "Maximum": 15000000}},
])
def test_limits_at_their_edges_are_accepted(service, limits):
    call(service, "CreateServerlessCache", ServerlessCacheName="q", Engine="redis", CacheUsageLimits=limits)
    assert describe(service, "q")["CacheUsageLimits"] == limits


@pytest.mark.parametrize("params, code", [
    ({"CacheUsageLimits": {"DataStorage": {"Maximum": 5001, "Unit": "GB"}}}, "InvalidParameterValue"),
    ({"CacheUsageLimits": {"DataStorage": {"Maximum": 10, "Unit": "MB"}}}, "InvalidParameterValue"),
    ({"CacheUsageLimits": {"ECPUPerSecond": {"Minimum": 999}}}, "InvalidParameterValue"),
    ({"CacheUsageLimits": {"ECPUPerSecond": {"Minimum": 2000, "Maximum": 1000}}}, "InvalidParameterValue"),
    ({"MajorEngineVersion": "8", "Engine": "redis"}, "InvalidParameterValue"),
    ({"Engine": "memcached"}, "InvalidAction"),
    ({"KmsKeyId": "missing"}, "InvalidParameterValue"),
    ({"SubnetIds": ["nope"]}, "InvalidParameterValue"),
    ({"SecurityGroupIds": ["nope"]}, "InvalidParameterValue"),
    ({"UserGroupId": "nope"}, "UserGroupNotFound"),
    ({"SnapshotArnsToRestore": ["arn:aws:s3:::bucket/dump.rdb"]}, "InvalidAction"),
])
def test_what_aws_refuses_is_refused(service, params, code):
    assert refused(service, "CreateServerlessCache", **{"ServerlessCacheName": "q", "Engine": "valkey",
                                                        **params}) == code
    assert call(service, "DescribeServerlessCaches")["ServerlessCaches"] == []


def test_user_groups_follow_the_engines_rules_and_one_in_use_stays(service):
    call(service, "CreateUser", UserId="q-web", UserName="web", Engine="valkey", Passwords=[PASSWORD],
         AccessString="on ~* +@all")
    call(service, "CreateUserGroup", UserGroupId="q", Engine="valkey", UserIds=["q-web"])
    assert refused(service, "CreateServerlessCache", ServerlessCacheName="r", Engine="redis",
                   UserGroupId="q") == "InvalidParameterCombination"
    call(service, "CreateServerlessCache", ServerlessCacheName="v", Engine="valkey", UserGroupId="q",
         KmsKeyId="alias/cache")
    assert describe(service, "v")["KmsKeyId"] == KEY_ARN
    assert call(service, "DescribeUserGroups", UserGroupId="q")["UserGroups"][0]["ServerlessCaches"] == ["v"]
    assert refused(service, "DeleteUserGroup", UserGroupId="q") == "InvalidUserGroupState"
    region = service.region("us-east-1")
    assert [u[0] for u in service.acl_users(region, service.running_groups()[0][1].user_group_ids)] == ["web"]
    call(service, "ModifyServerlessCache", ServerlessCacheName="v", RemoveUserGroup=True)
    assert "UserGroupId" not in describe(service, "v")
    assert call(service, "DescribeUserGroups", UserGroupId="q")["UserGroups"][0]["ServerlessCaches"] == []


def test_modify_changes_what_differs_and_refuses_going_back(service):
    service.config.modify_seconds = 60
    call(service, "CreateServerlessCache", ServerlessCacheName="q", Engine="redis",
         CacheUsageLimits={"DataStorage": {"Maximum": 10, "Unit": "GB"}})
    answer = call(service, "ModifyServerlessCache", ServerlessCacheName="q", Engine="valkey",
                  CacheUsageLimits={"ECPUPerSecond": {"Maximum": 5000}})["ServerlessCache"]
    assert answer["Status"] == "modifying" and answer["Engine"] == "redis"
    assert refused(service, "ModifyServerlessCache", ServerlessCacheName="q",
                   Description="x") == "InvalidServerlessCacheStateFault"
    assert refused(service, "DeleteServerlessCache", ServerlessCacheName="q") == "InvalidServerlessCacheStateFault"
    finish_now(service, "q")
    cache = describe(service, "q")
    assert (cache["Engine"], cache["MajorEngineVersion"]) == ("valkey", "8")
    assert cache["CacheUsageLimits"] == {"DataStorage": {"Maximum": 10, "Unit": "GB"},
                                         "ECPUPerSecond": {"Maximum": 5000}}
    assert refused(service, "ModifyServerlessCache", ServerlessCacheName="q",
                   Engine="redis") == "InvalidParameterCombination"
    assert refused(service, "ModifyServerlessCache", ServerlessCacheName="q",
                   MajorEngineVersion="7") == "InvalidParameterCombination"


def test_snapshots_final_and_manual_with_tags_and_restore(service):
    call(service, "CreateServerlessCache", ServerlessCacheName="q", Engine="valkey")
    taken = call(service, "CreateServerlessCacheSnapshot", ServerlessCacheName="q", ServerlessCacheSnapshotName="m",
                 Tags=[{"Key": "k", "Value": "v"}])["ServerlessCacheSnapshot"]
    assert call(service, "ListTagsForResource", ResourceName=taken["ARN"])["TagList"] == [{"Key": "k", "Value": "v"}]
    assert refused(service, "CreateServerlessCacheSnapshot", ServerlessCacheName="q",
                   ServerlessCacheSnapshotName="m") == "ServerlessCacheSnapshotAlreadyExistsFault"
    call(service, "DeleteServerlessCache", ServerlessCacheName="q", FinalSnapshotName="final")
    assert call(service, "DescribeServerlessCaches")["ServerlessCaches"] == []
    snapshots = call(service, "DescribeServerlessCacheSnapshots", ServerlessCacheName="q")["ServerlessCacheSnapshots"]
    assert [(s["ServerlessCacheSnapshotName"], s["Status"], s["SnapshotType"]) for s in snapshots] == [
        ("final", "available", "manual"), ("m", "available", "manual")]
    restored = call(service, "CreateServerlessCache", ServerlessCacheName="r", Engine="valkey",
                    SnapshotArnsToRestore=[snapshots[0]["ARN"]])["ServerlessCache"]
    assert restored["ServerlessCacheName"] == "r"
    assert refused(service, "CreateServerlessCache", ServerlessCacheName="s", Engine="redis",
                   SnapshotArnsToRestore=[snapshots[0]["ARN"]]) == "InvalidParameterCombination"
    assert call(service, "DeleteServerlessCacheSnapshot",
                ServerlessCacheSnapshotName="m")["ServerlessCacheSnapshot"]["Status"] == "deleting"
    assert refused(service, "DeleteServerlessCacheSnapshot",
                   ServerlessCacheSnapshotName="m") == "ServerlessCacheSnapshotNotFoundFault"


def test_a_cache_named_in_fail_create_ends_create_failed_and_can_be_deleted(service):
    service.config.fail_create = ["q"]
    call(service, "CreateServerlessCache", ServerlessCacheName="q", Engine="valkey")
    assert describe(service, "q")["Status"] == "create-failed" and service.running_groups() == []
    call(service, "DeleteServerlessCache", ServerlessCacheName="q")
    assert refused(service, "DescribeServerlessCaches", ServerlessCacheName="q") == "ServerlessCacheNotFoundFault"


def test_automated_snapshots_only_where_retention_is_set_and_they_go_with_their_cache(service):
    call(service, "CreateServerlessCache", ServerlessCacheName="kept", Engine="valkey", SnapshotRetentionLimit=2)
    call(service, "CreateServerlessCache", ServerlessCacheName="none", Engine="valkey")
    taken = service.take_automatic_serverless_snapshots()
    assert len(taken) == 1 and taken[0].startswith("automatic.kept-")
    automated = call(service, "DescribeServerlessCacheSnapshots",
                     SnapshotType="automated")["ServerlessCacheSnapshots"]
    assert [s["ServerlessCacheSnapshotName"] for s in automated] == taken
    assert (automated[0]["ExpiryTime"] - automated[0]["CreateTime"]).days == 2
    call(service, "DeleteServerlessCache", ServerlessCacheName="kept")
    assert call(service, "DescribeServerlessCacheSnapshots")["ServerlessCacheSnapshots"] == []


def test_a_node_based_groups_snapshot_restores_into_a_serverless_cache(service):
    call(service, "CreateReplicationGroup", ReplicationGroupId="main", ReplicationGroupDescription="d",
         CacheNodeType="cache.t3.micro", Engine="valkey")
    taken = call(service, "CreateSnapshot", ReplicationGroupId="main", SnapshotName="main-move")["Snapshot"]
    call(service, "DescribeSnapshots", SnapshotName="main-move")
    assert taken["ARN"].split(":")[5] == "snapshot"
    restored = call(service, "CreateServerlessCache", ServerlessCacheName="main2", Engine="valkey",
                    SnapshotArnsToRestore=[taken["ARN"]])["ServerlessCache"]
    assert restored["Status"] == "creating"
    missing = taken["ARN"].replace("main-move", "gone")
    assert refused(service, "CreateServerlessCache", ServerlessCacheName="x", Engine="valkey",
                   SnapshotArnsToRestore=[missing]) == "SnapshotNotFoundFault"
    assert refused(service, "CreateServerlessCache", ServerlessCacheName="y", Engine="redis",
                   SnapshotArnsToRestore=[taken["ARN"]]) == "InvalidParameterCombination"
