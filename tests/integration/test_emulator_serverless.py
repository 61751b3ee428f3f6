"""The emulator's ElastiCache Serverless: the API as AWS documents it, and a real Redis Cluster with TLS and the user
group's ACLs behind the endpoint; a snapshot carries the keys into a new cache."""

from __future__ import annotations

import time

import botocore.exceptions
import pytest
import redis
from redis.cluster import RedisCluster

from tests.emulator import hosts, probes

PASSWORD = "Queue-Password-0000001"


def _wait(describe, ready, timeout=60):
    end = time.monotonic() + timeout
    answer = None
    while time.monotonic() < end:
        answer = describe()
        if ready(answer):
            return answer
        time.sleep(0.2)
    raise AssertionError(f"not ready: {answer}")


def _cache(client, name):
    return _wait(lambda: client.describe_serverless_caches(ServerlessCacheName=name)["ServerlessCaches"][0],
                 lambda c: c["Status"] == "available")


def _error(call, **params):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(**params)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _users(client, engine="valkey"):
    client.create_user(UserId="sls-queue", UserName="queue", Engine=engine, Passwords=[PASSWORD],
                       AccessString="on ~* &* +@all")
    client.create_user_group(UserGroupId="sls-group", Engine=engine, UserIds=["sls-queue"])
    _wait(lambda: client.describe_user_groups(UserGroupId="sls-group")["UserGroups"][0],
          lambda g: g["Status"] == "active")


def _cluster(emulator, cache, user="queue", password=PASSWORD):
    endpoint = cache["Endpoint"]
    hosts.assert_mapped(endpoint["Address"])
    return RedisCluster(host=endpoint["Address"], port=endpoint["Port"], ssl=True,
                        ssl_ca_certs=emulator.state()["ca_file"], username=user, password=password,
                        socket_timeout=10)


def test_limits_engines_and_names_are_checked_as_aws_checks_them(aws):
    client = aws.elasticache
    refused = [
        dict(CacheUsageLimits={"DataStorage": {"Maximum": 5001, "Unit": "GB"}}),
        dict(CacheUsageLimits={"DataStorage": {"Minimum": 0, "Unit": "GB"}}),
        dict(CacheUsageLimits={"DataStorage": {"Minimum": 10, "Maximum": 5, "Unit": "GB"}}),
        dict(CacheUsageLimits={"ECPUPerSecond": {"Maximum": 999}}),
        dict(CacheUsageLimits={"ECPUPerSecond": {"Minimum": 15000001}}),
        dict(CacheUsageLimits={"ECPUPerSecond": {"Minimum": 5000, "Maximum": 4000}}),
        dict(MajorEngineVersion="6"),
        dict(SnapshotRetentionLimit=36),
        dict(DailySnapshotTime="25:00"),
        dict(SecurityGroupIds=["sg-00000000000000000"]),
        dict(SubnetIds=["subnet-00000000"]),
        dict(KmsKeyId="alias/none"),
        dict(UserGroupId="nope"),
    ]
    for extra in refused:
        code = _error(client.create_serverless_cache, ServerlessCacheName="bad", Engine="valkey", **extra)[0]
        assert code in ("InvalidParameterValue", "UserGroupNotFound"), extra
    assert client.describe_serverless_caches()["ServerlessCaches"] == []
    assert _error(client.create_serverless_cache, ServerlessCacheName="1bad", Engine="redis")[0] == \
        "InvalidParameterValue"


def test_a_valkey_cache_serves_tls_with_the_user_groups_acls_and_a_snapshot_restores_its_keys(aws, emulator):
    client = aws.elasticache
    _users(client)
    key_arn = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    created = client.create_serverless_cache(
        ServerlessCacheName="queue", Engine="valkey", UserGroupId="sls-group", KmsKeyId=key_arn,
        CacheUsageLimits={"DataStorage": {"Minimum": 1, "Maximum": 10, "Unit": "GB"},
                          "ECPUPerSecond": {"Maximum": 5000}},
        SnapshotRetentionLimit=1, DailySnapshotTime="04:00", Tags=[{"Key": "Environment", "Value": "it"}],
    )["ServerlessCache"]
    assert created["Status"] == "creating"
    cache = _cache(client, "queue")
    assert cache["MajorEngineVersion"] == "8" and cache["FullEngineVersion"] == "8.0"
    assert cache["Endpoint"]["Address"].startswith("queue-") and \
        cache["Endpoint"]["Address"].endswith(".serverless.use1.cache.amazonaws.com")
    assert cache["Endpoint"]["Port"] == 6379 and cache["ReaderEndpoint"] == dict(cache["Endpoint"], Port=6380)
    assert cache["KmsKeyId"] == key_arn and cache["UserGroupId"] == "sls-group"
    assert len(cache["SubnetIds"]) >= 2 and len(cache["SecurityGroupIds"]) == 1
    assert client.list_tags_for_resource(ResourceName=cache["ARN"])["TagList"] == [
        {"Key": "Environment", "Value": "it"}]
    assert client.describe_user_groups(UserGroupId="sls-group")["UserGroups"][0]["ServerlessCaches"] == ["queue"]
    assert _error(client.delete_user_group, UserGroupId="sls-group")[0] == "InvalidUserGroupState"

    writer = _cluster(emulator, cache)
    assert writer.ping() is True
    for index in range(50):
        writer.set(f"job:{index}", index)
    writer.set("ttl-key", "x", ex=600)
    reader = _cluster(emulator, {"Endpoint": cache["ReaderEndpoint"]})
    assert reader.get("job:7") == b"7"
    reader.close()
    # The default user is off (a valkey user group needs none): refused by Redis itself.
    with pytest.raises((redis.exceptions.RedisError, redis.exceptions.RedisClusterException)):
        _cluster(emulator, cache, user=None, password=None).ping()

    client.modify_serverless_cache(ServerlessCacheName="queue",
                                   CacheUsageLimits={"ECPUPerSecond": {"Minimum": 1000, "Maximum": 20000}})
    assert client.describe_serverless_caches(ServerlessCacheName="queue")["ServerlessCaches"][0]["Status"] == \
        "modifying"
    modified = _cache(client, "queue")
    assert modified["CacheUsageLimits"] == {"DataStorage": {"Minimum": 1, "Maximum": 10, "Unit": "GB"},
                                            "ECPUPerSecond": {"Minimum": 1000, "Maximum": 20000}}
    assert _error(client.modify_serverless_cache, ServerlessCacheName="queue", Engine="redis")[0] == \
        "InvalidParameterCombination"

    automatic = emulator.call("automatic-snapshots", {})["taken"]
    assert len(automatic) == 1 and automatic[0].startswith("automatic.queue-")
    daily = _wait(lambda: client.describe_serverless_cache_snapshots(
        ServerlessCacheName="queue", SnapshotType="automated")["ServerlessCacheSnapshots"][0],
        lambda s: s["Status"] == "available")
    assert daily["ExpiryTime"] > daily["CreateTime"]

    client.delete_serverless_cache(ServerlessCacheName="queue", FinalSnapshotName="queue-final")
    assert _error(client.create_serverless_cache_snapshot, ServerlessCacheName="queue",
                  ServerlessCacheSnapshotName="late")[0] == "InvalidServerlessCacheStateFault"
    snapshot = _wait(lambda: client.describe_serverless_cache_snapshots(
        ServerlessCacheSnapshotName="queue-final")["ServerlessCacheSnapshots"][0], lambda s: s["Status"] == "available")
    assert snapshot["ServerlessCacheConfiguration"] == {"ServerlessCacheName": "queue", "Engine": "valkey",
                                                        "MajorEngineVersion": "8"}
    assert snapshot["SnapshotType"] == "manual" and snapshot["KmsKeyId"] == key_arn
    _wait(client.describe_serverless_caches, lambda a: a["ServerlessCaches"] == [])

    client.create_serverless_cache(ServerlessCacheName="restored", Engine="valkey", UserGroupId="sls-group",
                                   SnapshotArnsToRestore=[snapshot["ARN"]])
    restored = _cluster(emulator, _cache(client, "restored"))
    assert [restored.get(f"job:{i}") for i in range(50)] == [str(i).encode() for i in range(50)]
    assert 0 < restored.ttl("ttl-key") <= 600
    client.delete_serverless_cache(ServerlessCacheName="restored")
    _wait(client.describe_serverless_caches, lambda a: a["ServerlessCaches"] == [])
    client.delete_serverless_cache_snapshot(ServerlessCacheSnapshotName="queue-final")
    assert client.describe_serverless_cache_snapshots()["ServerlessCacheSnapshots"] == []


def test_a_redis_cache_without_a_user_group_lets_the_default_user_in_and_takes_redis_groups_only(aws, emulator):
    client = aws.elasticache
    _users(client, engine="valkey")
    assert _error(client.create_serverless_cache, ServerlessCacheName="plain", Engine="redis",
                  UserGroupId="sls-group")[0] == "InvalidParameterCombination"
    client.create_serverless_cache(ServerlessCacheName="plain", Engine="redis")
    cache = _cache(client, "plain")
    assert cache["MajorEngineVersion"] == "7" and "UserGroupId" not in cache
    assert _cluster(emulator, cache, user=None, password=None).ping() is True


def test_a_node_based_groups_snapshot_carries_its_keys_into_a_serverless_cache(aws, emulator):
    """AWS restores a node-based group's backup into a serverless cache (SnapshotArnsToRestore, the snapshot's ARN)."""
    client = aws.elasticache
    probes.network(aws)
    group = probes.create(aws, TransitEncryptionEnabled=True, AuthToken=probes.TOKEN)
    probes.statuses_until(aws, "available")
    host = group["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    for i in range(20):
        probes.redis(emulator, host, "SET", f"job:{i}", str(i))
    probes.redis(emulator, host, "SET", "ttl-key", "x", "EX", "600")
    client.create_snapshot(ReplicationGroupId="main", SnapshotName="main-to-serverless")
    snapshot = _wait(lambda: client.describe_snapshots(SnapshotName="main-to-serverless")["Snapshots"][0],
                     lambda s: s["SnapshotStatus"] == "available")
    assert "_keys" not in snapshot
    client.create_serverless_cache(ServerlessCacheName="main2", Engine="redis",
                                   SnapshotArnsToRestore=[snapshot["ARN"]])
    moved = _cluster(emulator, _cache(client, "main2"), user=None, password=None)
    assert [moved.get(f"job:{i}") for i in range(20)] == [str(i).encode() for i in range(20)]
    assert 0 < moved.ttl("ttl-key") <= 600
    moved.close()
