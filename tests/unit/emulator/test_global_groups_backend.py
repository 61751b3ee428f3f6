"""Global datastores in the ElastiCache backend alone (no moto, no redis-server): what AWS refuses, members and
their roles, and the datastore seen from every region."""

import time

import pytest

from tests.emulator.elasticache import ElastiCache, EmulatorConfig
from tests.emulator.protocol import AWSError
from tests.unit.emulator.test_elasticache_backend import FakeEC2


class Call:
    def __init__(self, operation, params, region):
        self.operation, self.params, self.region = operation, params, region


def _backend(config):
    service = ElastiCache(config, ec2_view=FakeEC2)

    def call(operation, region="us-east-1", **params):
        answer = service.handle(Call(operation, params, region))
        time.sleep(0.001)
        service.tick()
        return answer

    return call


@pytest.fixture
def backend():
    return _backend(EmulatorConfig(0, 0, 0))


def _code(call, *args, **params):
    with pytest.raises(AWSError) as excinfo:
        call(*args, **params)
    return excinfo.value.code


def _datastore(backend, node_type="cache.r6g.large", **params):
    backend("CreateReplicationGroup", ReplicationGroupId="orders", ReplicationGroupDescription="d",
            CacheNodeType=node_type, Engine="redis", EngineVersion="7.1", **params)
    return backend("CreateGlobalReplicationGroup", GlobalReplicationGroupIdSuffix="orders",
                   PrimaryReplicationGroupId="orders")["GlobalReplicationGroup"]["GlobalReplicationGroupId"]


def _secondary(backend, region, gid, **params):
    params = {"ReplicationGroupId": "orders", **params}
    return backend("CreateReplicationGroup", region=region, ReplicationGroupDescription="d",
                   GlobalReplicationGroupId=gid, **params)["ReplicationGroup"]


def test_the_datastore_is_seen_from_every_region_with_members_only_when_asked(backend):
    gid = _datastore(backend)
    _secondary(backend, "us-west-2", gid)
    for region in ("us-east-1", "us-west-2", "eu-west-1"):
        found = backend("DescribeGlobalReplicationGroups", region=region)["GlobalReplicationGroups"]
        assert [(g["GlobalReplicationGroupId"], g["Status"], "Members" in g) for g in found] == \
            [("ldgnf-orders", "available", False)]
    members = backend("DescribeGlobalReplicationGroups", GlobalReplicationGroupId=gid,
                      ShowMemberInfo=True)["GlobalReplicationGroups"][0]["Members"]
    assert [(m["ReplicationGroupRegion"], m["Role"]) for m in members] == [("us-east-1", "PRIMARY"),
                                                                           ("us-west-2", "SECONDARY")]


def test_one_member_per_region_and_two_secondaries_at_most(backend):
    gid = _datastore(backend)
    assert _code(_secondary, backend, "us-east-1", gid) == "ReplicationGroupAlreadyExistsFault"
    _secondary(backend, "us-west-2", gid)
    assert _code(_secondary, backend, "us-west-2", gid, ReplicationGroupId="other") == "InvalidParameterValue"
    _secondary(backend, "eu-west-1", gid)
    assert _code(_secondary, backend, "ap-south-1", gid) == "InvalidParameterValue"


def test_a_secondary_takes_the_primarys_settings_and_refuses_others(backend):
    gid = _datastore(backend, TransitEncryptionEnabled=True, AtRestEncryptionEnabled=True)
    assert _code(_secondary, backend, "us-west-2", gid, EngineVersion="7.0") == "InvalidParameterCombination"
    assert _code(_secondary, backend, "us-west-2", gid, TransitEncryptionEnabled=False) == \
        "InvalidParameterCombination"
    made = _secondary(backend, "us-west-2", gid, CacheNodeType="cache.r6g.large", Engine="redis")
    assert (made["CacheNodeType"], made["TransitEncryptionEnabled"], made["AtRestEncryptionEnabled"]) == \
        ("cache.r6g.large", True, True)


def test_burstable_nodes_and_unknown_prefixes_are_refused(backend):
    assert _code(_datastore, backend, node_type="cache.t3.micro") == "InvalidParameterValue"
    backend("CreateReplicationGroup", region="me-south-1", ReplicationGroupId="x", ReplicationGroupDescription="d",
            CacheNodeType="cache.r6g.large")
    assert _code(backend, "CreateGlobalReplicationGroup", region="me-south-1", GlobalReplicationGroupIdSuffix="x",
                 PrimaryReplicationGroupId="x") == "InvalidAction"


def test_no_failover_while_a_secondary_is_still_being_created():
    config = EmulatorConfig(0, 0, 0)
    backend = _backend(config)
    gid = _datastore(backend)
    config.create_seconds = 60
    _secondary(backend, "us-west-2", gid)
    group = backend("DescribeGlobalReplicationGroups", GlobalReplicationGroupId=gid,
                    ShowMemberInfo=True)["GlobalReplicationGroups"][0]
    assert group["Status"] == "modifying" and group["Members"][1]["Status"] == "associating"
    assert _code(backend, "FailoverGlobalReplicationGroup", GlobalReplicationGroupId=gid, PrimaryRegion="us-west-2",
                 PrimaryReplicationGroupId="orders") == "InvalidGlobalReplicationGroupState"
