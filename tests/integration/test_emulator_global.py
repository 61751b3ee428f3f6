"""Global datastores on the emulator: a primary group in us-east-1, a secondary in us-west-2 whose redis-server
replicates from the primary's, a failover that makes us-west-2 writable, disassociation and deletion; what AWS
refuses is refused with AWS's error codes."""

from __future__ import annotations

import time

import pytest
import redis
from botocore.exceptions import ClientError

from tests.emulator import probes
from tests.emulator.probes import TOKEN

EAST, WEST = "us-east-1", "us-west-2"


def _network(aws, region):
    ec2, elasticache = aws.client("ec2", region), aws.client("elasticache", region)
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]]
    elasticache.create_cache_subnet_group(CacheSubnetGroupName="redis-subnets", CacheSubnetGroupDescription="d",
                                          SubnetIds=subnets[:2])
    return elasticache


def _until(describe, wanted, timeout=30):
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = describe()
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == wanted:
            return seen
        time.sleep(0.1)
    raise AssertionError(f"never reached {wanted}: saw {seen}")


def _global(client, gid):
    return client.describe_global_replication_groups(GlobalReplicationGroupId=gid,
                                                     ShowMemberInfo=True)["GlobalReplicationGroups"][0]


def _group(client, group_id):
    return client.describe_replication_groups(ReplicationGroupId=group_id)["ReplicationGroups"][0]


def _primary_endpoint(group):
    return group["NodeGroups"][0]["PrimaryEndpoint"]["Address"]


def _read_until(client, key, wanted, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get(key) == wanted:
            return True
        time.sleep(0.1)
    return False


def _code(call, **params):
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return excinfo.value.response["Error"]["Code"]


def _client(emulator, host):
    return probes.client(emulator, host, token=TOKEN)


def test_a_secondary_region_reads_the_primary_fails_over_and_leaves(aws, emulator):
    east, west = _network(aws, EAST), _network(aws, WEST)
    common = {"ReplicationGroupDescription": "orders", "NumCacheClusters": 2, "AutomaticFailoverEnabled": True,
              "CacheSubnetGroupName": "redis-subnets"}
    east.create_replication_group(ReplicationGroupId="small", CacheNodeType="cache.t3.micro", **common)
    east.create_replication_group(ReplicationGroupId="orders", CacheNodeType="cache.r6g.large",
                                  TransitEncryptionEnabled=True, AuthToken=TOKEN, Engine="redis",
                                  EngineVersion="7.1", **common)
    _until(lambda: _group(east, "orders")["Status"], "available")
    _until(lambda: _group(east, "small")["Status"], "available")
    assert _code(east.create_global_replication_group, GlobalReplicationGroupIdSuffix="small",
                 PrimaryReplicationGroupId="small") == "InvalidParameterValue"
    assert _code(east.create_global_replication_group, GlobalReplicationGroupIdSuffix="x",
                 PrimaryReplicationGroupId="nothing") == "ReplicationGroupNotFoundFault"

    created = east.create_global_replication_group(GlobalReplicationGroupIdSuffix="orders",
                                                   GlobalReplicationGroupDescription="orders in two regions",
                                                   PrimaryReplicationGroupId="orders")["GlobalReplicationGroup"]
    gid = created["GlobalReplicationGroupId"]
    assert (gid, created["Status"]) == ("ldgnf-orders", "creating")
    assert _code(east.create_global_replication_group, GlobalReplicationGroupIdSuffix="orders",
                 PrimaryReplicationGroupId="orders") == "GlobalReplicationGroupAlreadyExistsFault"
    assert _until(lambda: _global(west, gid)["Status"], "primary-only")[-1] == "primary-only"

    secondary = {"ReplicationGroupId": "orders-west", "GlobalReplicationGroupId": gid, **common}
    assert _code(west.create_replication_group, CacheNodeType="cache.r6g.xlarge", **secondary) == \
        "InvalidParameterCombination"
    assert _code(west.create_replication_group, AuthToken=TOKEN, **secondary) == "InvalidParameterCombination"
    assert _code(east.create_replication_group, **dict(secondary, ReplicationGroupId="orders-east-2")) == \
        "InvalidParameterValue"
    assert _code(west.create_replication_group, **dict(secondary, GlobalReplicationGroupId="ldgnf-none")) == \
        "GlobalReplicationGroupNotFoundFault"
    made = west.create_replication_group(**secondary)["ReplicationGroup"]
    assert made["CacheNodeType"] == "cache.r6g.large" and made["AuthTokenEnabled"] is True
    assert made["GlobalReplicationGroupInfo"] == {"GlobalReplicationGroupId": gid,
                                                  "GlobalReplicationGroupMemberRole": "SECONDARY"}
    assert _until(lambda: _global(east, gid)["Status"], "available")[0] == "modifying"
    members = {(m["ReplicationGroupRegion"], m["ReplicationGroupId"]): (m["Role"], m["Status"])
               for m in _global(east, gid)["Members"]}
    assert members == {(EAST, "orders"): ("PRIMARY", "associated"), (WEST, "orders-west"): ("SECONDARY", "associated")}
    assert "Members" not in east.describe_global_replication_groups()["GlobalReplicationGroups"][0]

    east_host, west_host = _primary_endpoint(_group(east, "orders")), _primary_endpoint(_group(west, "orders-west"))
    assert ".use1." in east_host and ".usw2." in west_host
    writer, reader = _client(emulator, east_host), _client(emulator, west_host)
    writer.set("order:1", "paid")
    assert _read_until(reader, "order:1", b"paid")
    with pytest.raises(redis.ReadOnlyError):
        reader.set("order:2", "from the west")
    assert _code(west.delete_replication_group, ReplicationGroupId="orders-west") == "InvalidReplicationGroupState"
    assert _code(east.delete_global_replication_group, GlobalReplicationGroupId=gid,
                 RetainPrimaryReplicationGroup=True) == "InvalidGlobalReplicationGroupState"
    assert _code(east.failover_global_replication_group, GlobalReplicationGroupId=gid, PrimaryRegion=EAST,
                 PrimaryReplicationGroupId="orders") == "InvalidParameterValue"

    west.failover_global_replication_group(GlobalReplicationGroupId=gid, PrimaryRegion=WEST,
                                           PrimaryReplicationGroupId="orders-west")
    assert _until(lambda: _global(west, gid)["Status"], "available")[0] == "modifying"
    roles = {m["ReplicationGroupRegion"]: m["Role"] for m in _global(west, gid)["Members"]}
    assert roles == {EAST: "SECONDARY", WEST: "PRIMARY"}
    writer, reader = _client(emulator, west_host), _client(emulator, east_host)
    assert _read_until(writer, "order:1", b"paid")
    deadline = time.monotonic() + 30
    while True:  # the new primary takes writes once it stops replicating; an application retries so
        try:
            writer.set("order:2", "from the west")
            break
        except (redis.ReadOnlyError, redis.ConnectionError):
            assert time.monotonic() < deadline
            time.sleep(0.1)
    assert _read_until(reader, "order:2", b"from the west")
    with pytest.raises(redis.ReadOnlyError):
        _client(emulator, east_host).set("order:3", "from the east")

    assert _code(west.disassociate_global_replication_group, GlobalReplicationGroupId=gid,
                 ReplicationGroupId="orders-west", ReplicationGroupRegion=WEST) == "InvalidParameterCombination"
    west.disassociate_global_replication_group(GlobalReplicationGroupId=gid, ReplicationGroupId="orders",
                                               ReplicationGroupRegion=EAST)
    assert _until(lambda: _global(west, gid)["Status"], "primary-only")[0] == "modifying"
    assert "GlobalReplicationGroupInfo" not in _group(east, "orders")
    standalone = _client(emulator, east_host)
    assert _read_until(standalone, "order:2", b"from the west")
    _until(lambda: _try_set(standalone, "order:3", "east alone"), True)

    west.delete_global_replication_group(GlobalReplicationGroupId=gid, RetainPrimaryReplicationGroup=True)
    _until(lambda: [g["GlobalReplicationGroupId"] for g in
                    east.describe_global_replication_groups()["GlobalReplicationGroups"]], [])
    assert "GlobalReplicationGroupInfo" not in _group(west, "orders-west")
    assert _client(emulator, west_host).get("order:2") == b"from the west"
    assert _code(east.describe_global_replication_groups, GlobalReplicationGroupId=gid) == \
        "GlobalReplicationGroupNotFoundFault"


def _try_set(client, key, value):
    try:
        return client.set(key, value) is True
    except (redis.ReadOnlyError, redis.ConnectionError):
        return False
