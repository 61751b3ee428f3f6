"""The emulator's users and user groups (RBAC): the API as AWS documents it, and ACLs on the real redis-server.

A TLS group (at-rest encryption with a KMS key of moto's KMS) gets a user group with a worker user (its own key
pattern) and the default user off: the worker gets PONG and NOPERM on another pattern's keys, the default user and a
wrong password are refused by Redis itself; a ModifyUser password change takes effect on the node; a token group
moves to RBAC in one ModifyReplicationGroup (AuthTokenUpdateStrategy DELETE with UserGroupIdsToAdd) while the
default user holds the token; a cluster mode group has the same ACL users on every node of every shard.
"""

from __future__ import annotations

import time

import boto3
import botocore.exceptions
import pytest
import redis
from redis.backoff import NoBackoff
from redis.cluster import RedisCluster
from redis.retry import Retry

from tests.emulator import hosts
from tests.testbed.seed import seed

WEB_PASSWORD, NEW_PASSWORD, TOKEN = "Web-Password-000000001", "Web-Password-000000002", "Group-Token-0000000003"
# redis-py retries an AuthenticationError (a ConnectionError) with backoff: a refusal is one answer here.
ONCE = Retry(NoBackoff(), 0)


@pytest.fixture(scope="module")
def aws(emulator_session):
    emulator_session.reset(create_seconds=0.3, modify_seconds=0.3, delete_seconds=0.2)
    seed(emulator_session.endpoint)
    client = boto3.client("elasticache", region_name="us-east-1", endpoint_url=emulator_session.endpoint)
    return emulator_session, client


def _wait(describe, ready, timeout=30):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        answer = describe()
        if ready(answer):
            return answer
        time.sleep(0.2)
    raise AssertionError(f"not ready: {answer}")


def _group(client, group_id, **extra):
    client.create_replication_group(ReplicationGroupId=group_id, ReplicationGroupDescription="rbac",
                                    CacheNodeType="cache.t3.micro", Engine="redis", EngineVersion="7.1",
                                    TransitEncryptionEnabled=True, **extra)
    group = _wait(lambda: client.describe_replication_groups(ReplicationGroupId=group_id)["ReplicationGroups"][0],
                  lambda g: g["Status"] == "available")
    return group


def _redis(emulator, group, user=None, password=None):
    host = group["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    hosts.assert_mapped(host)
    return redis.Redis(host=host, port=6379, ssl=True, ssl_ca_certs=emulator.state()["ca_file"], username=user,
                       password=password, socket_timeout=5, retry=ONCE)


def _users(client, prefix, default_access="off -@all", default_password=None):
    client.create_user(UserId=f"{prefix}-web", UserName="web", Engine="redis", Passwords=[WEB_PASSWORD],
                       AccessString="on ~web:* -@all +@read +@write +ping")
    default = {"Passwords": [default_password]} if default_password else {"NoPasswordRequired": True}
    client.create_user(UserId=f"{prefix}-default", UserName="default", Engine="redis", AccessString=default_access,
                       **default)
    client.create_user_group(UserGroupId=prefix, Engine="redis", UserIds=[f"{prefix}-web", f"{prefix}-default"])
    _wait(lambda: client.describe_user_groups(UserGroupId=prefix)["UserGroups"][0], lambda g: g["Status"] == "active")


def test_a_user_group_needs_a_default_user_and_unique_names(aws):
    _emulator, client = aws
    client.create_user(UserId="solo-web", UserName="web", Engine="redis", Passwords=[WEB_PASSWORD],
                       AccessString="on ~web:* +@all")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.create_user_group(UserGroupId="solo", Engine="redis", UserIds=["solo-web"])
    assert caught.value.response["Error"]["Code"] == "DefaultUserRequired"
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.create_user(UserId="bad-access", UserName="bad", Engine="redis", Passwords=[WEB_PASSWORD],
                           AccessString="on >secret-in-string ~* +@all")
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_each_user_gets_what_its_access_string_says_on_the_real_server(aws):
    emulator, client = aws
    kms = boto3.client("kms", region_name="us-east-1", endpoint_url=emulator.endpoint)
    key = kms.create_key(Description="cache")["KeyMetadata"]
    kms.create_alias(AliasName="alias/acl-cache", TargetKeyId=key["KeyId"])
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        _group(client, "acl-nokey", AtRestEncryptionEnabled=True, KmsKeyId="alias/no-such-key")
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
    _users(client, "acl")
    group = _group(client, "acl-main", UserGroupIds=["acl"], AtRestEncryptionEnabled=True, KmsKeyId="alias/acl-cache")
    assert group["UserGroupIds"] == ["acl"] and group["AuthTokenEnabled"] is False
    assert group["KmsKeyId"] == key["Arn"]
    web = _redis(emulator, group, "web", WEB_PASSWORD)
    assert web.ping() is True
    web.set("web:one", "1")
    with pytest.raises(redis.exceptions.NoPermissionError):
        web.get("admin:one")
    with pytest.raises(redis.AuthenticationError):
        _redis(emulator, group).ping()
    with pytest.raises(redis.AuthenticationError):
        _redis(emulator, group, "web", "Wrong-Password-00000009").ping()
    assert client.describe_user_groups(UserGroupId="acl")["UserGroups"][0]["ReplicationGroups"] == ["acl-main"]
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.delete_user_group(UserGroupId="acl")
    assert caught.value.response["Error"]["Code"] == "InvalidUserGroupState"


def test_a_password_change_reaches_the_server(aws):
    emulator, client = aws
    client.modify_user(UserId="acl-web", Passwords=[WEB_PASSWORD, NEW_PASSWORD])
    group = client.describe_replication_groups(ReplicationGroupId="acl-main")["ReplicationGroups"][0]
    _wait(lambda: client.describe_users(UserId="acl-web")["Users"][0], lambda u: u["Status"] == "active")
    _wait(lambda: _try(lambda: _redis(emulator, group, "web", NEW_PASSWORD).ping()), bool, 10)
    assert _redis(emulator, group, "web", WEB_PASSWORD).ping() is True
    client.modify_user(UserId="acl-web", Passwords=[NEW_PASSWORD])
    _wait(lambda: _try(lambda: _redis(emulator, group, "web", WEB_PASSWORD).ping()), lambda ok: ok is False, 10)


def _try(call):
    try:
        return call()
    except redis.AuthenticationError:
        return False


def test_a_token_group_moves_to_rbac_and_the_token_keeps_working_as_the_default_users_password(aws):
    emulator, client = aws
    group = _group(client, "move-main", AuthToken=TOKEN)
    assert _redis(emulator, group, password=TOKEN).ping() is True
    _users(client, "move", default_access="on ~* &* +@all", default_password=TOKEN)
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.modify_replication_group(ReplicationGroupId="move-main", UserGroupIdsToAdd=["move"],
                                        ApplyImmediately=True)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterCombination"
    client.modify_replication_group(ReplicationGroupId="move-main", UserGroupIdsToAdd=["move"],
                                    AuthTokenUpdateStrategy="DELETE", ApplyImmediately=True)
    group = _wait(lambda: client.describe_replication_groups(ReplicationGroupId="move-main")["ReplicationGroups"][0],
                  lambda g: g["Status"] == "available")
    assert (group["AuthTokenEnabled"], group["UserGroupIds"]) == (False, ["move"])
    _wait(lambda: _try(lambda: _redis(emulator, group, "web", WEB_PASSWORD).ping()), bool, 10)
    assert _redis(emulator, group, password=TOKEN).ping() is True


def test_a_cluster_mode_group_has_the_users_on_every_node_of_every_shard(aws):
    emulator, client = aws
    client.create_user(UserId="shard-web", UserName="web", Engine="redis", Passwords=[WEB_PASSWORD],
                       AccessString="on ~web:* -@all +@read +@write +ping +command +cluster|slots +cluster|shards "
                                    "+cluster|info +readonly +asking")
    client.create_user_group(UserGroupId="shard", Engine="redis", UserIds=["shard-web", "acl-default"])
    _wait(lambda: client.describe_user_groups(UserGroupId="shard")["UserGroups"][0],
          lambda g: g["Status"] == "active")
    group = _group(client, "shard-main", UserGroupIds=["shard"], ClusterMode="enabled", NumNodeGroups=2,
                   ReplicasPerNodeGroup=1)
    configuration = group["ConfigurationEndpoint"]["Address"]
    hosts.assert_mapped(configuration)
    ca_file = emulator.state()["ca_file"]
    cluster = RedisCluster(host=configuration, port=6379, ssl=True, ssl_ca_certs=ca_file, username="web",
                           password=WEB_PASSWORD, socket_timeout=5)
    try:
        assert cluster.set("web:{a}", "1") and cluster.get("web:{a}") == b"1"
        with pytest.raises(redis.exceptions.NoPermissionError):
            cluster.get("admin:{a}")
    finally:
        cluster.close()
    nodes = [c["CacheNodes"][0]["Endpoint"]["Address"] for m in group["MemberClusters"]
             for c in client.describe_cache_clusters(CacheClusterId=m, ShowCacheNodeInfo=True)["CacheClusters"]]
    assert len(nodes) == 4  # two shards, a primary and a replica each
    for node in nodes:
        hosts.assert_mapped(node)
        options = {"host": node, "port": 6379, "ssl": True, "ssl_ca_certs": ca_file, "socket_timeout": 5,
                   "retry": ONCE}
        assert redis.Redis(username="web", password=WEB_PASSWORD, **options).ping() is True
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(**options).ping()
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(username="web", password=NEW_PASSWORD, **options).ping()
