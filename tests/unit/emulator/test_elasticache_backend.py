"""The ElastiCache backend alone: no moto, no redis-server, a clock of zero seconds."""

import time

import pytest

from tests.emulator.elasticache import ElastiCache, EmulatorConfig
from tests.emulator.protocol import AWSError


class FakeEC2:
    def __init__(self, account, region):
        pass

    def subnet(self, subnet_id):
        return ("vpc-1", "us-east-1a") if subnet_id.startswith("subnet-") else None

    def security_group_vpc(self, group_id):
        return "vpc-1" if group_id.startswith("sg-") else None

    def default_subnets(self):
        return ["subnet-a", "subnet-b"]


class Call:
    def __init__(self, operation, params):
        self.operation, self.params, self.region = operation, params, "us-east-1"


@pytest.fixture
def backend():
    service = ElastiCache(EmulatorConfig(0, 0, 0), ec2_view=FakeEC2)

    def call(operation, **params):
        answer = service.handle(Call(operation, params))
        time.sleep(0.001)
        service.tick()
        return answer

    return call


def _group(backend, group_id="main", **params):
    return backend("CreateReplicationGroup", ReplicationGroupId=group_id, ReplicationGroupDescription="d",
                   CacheNodeType="cache.t3.micro", **params)["ReplicationGroup"]


@pytest.mark.parametrize("maintenance, snapshot", [
    ("sun:23:00-mon:01:30", "05:00-06:00"), ("tue:04:30-tue:06:00", "06:00-07:00"),
    ("wed:05:00-wed:08:00", "08:00-09:00"),
])
def test_snapshot_window_is_chosen_clear_of_maintenance(backend, maintenance, snapshot):
    assert _group(backend, PreferredMaintenanceWindow=maintenance)["SnapshotWindow"] == snapshot


def test_given_snapshot_window_is_kept(backend):
    assert _group(backend, SnapshotWindow="10:00-11:00")["SnapshotWindow"] == "10:00-11:00"


def test_log_delivery_keeps_one_configuration_per_log_type(backend):
    slow = {"LogType": "slow-log", "DestinationType": "kinesis-firehose", "LogFormat": "text",
            "DestinationDetails": {"KinesisFirehoseDetails": {"DeliveryStream": "s"}}}
    with pytest.raises(AWSError) as excinfo:
        _group(backend, LogDeliveryConfigurations=[slow, slow])
    assert excinfo.value.code == "InvalidParameterCombination"
    with pytest.raises(AWSError) as excinfo:
        _group(backend, LogDeliveryConfigurations=[{**slow, "LogFormat": "xml"}])
    assert excinfo.value.code == "InvalidParameterValue"
    configs = _group(backend, LogDeliveryConfigurations=[slow])["LogDeliveryConfigurations"]
    assert configs[0]["DestinationDetails"] == {"KinesisFirehoseDetails": {"DeliveryStream": "s"}}


def test_failover_moves_the_primary_role_and_back(backend):
    _group(backend, NumCacheClusters=3, AutomaticFailoverEnabled=True)
    for expected in ("main-002", "main-003", "main-001"):
        backend("TestFailover", ReplicationGroupId="main", NodeGroupId="0001")
        members = backend("DescribeReplicationGroups", ReplicationGroupId="main")["ReplicationGroups"][0][
            "NodeGroups"][0]["NodeGroupMembers"]
        assert [m["CacheClusterId"] for m in members if m["CurrentRole"] == "primary"] == [expected]


def test_unknown_and_foreign_arns_are_refused(backend):
    with pytest.raises(AWSError) as excinfo:
        backend("ListTagsForResource", ResourceName="arn:aws:s3:::bucket")
    assert excinfo.value.code == "InvalidARN"
    with pytest.raises(AWSError) as excinfo:
        backend("ListTagsForResource", ResourceName="arn:aws:elasticache:us-east-1:123456789012:snapshot:none")
    assert excinfo.value.code == "SnapshotNotFoundFault"


@pytest.mark.parametrize("filters, expected", [
    ({"Engine": "redis", "DefaultOnly": True}, [("redis", "7.1", "redis7")]),
    ({"CacheParameterGroupFamily": "valkey8"}, [("valkey", "8.0", "valkey8"), ("valkey", "8.1", "valkey8")]),
    ({"Engine": "redis", "EngineVersion": "5.0"}, []),
])
def test_engine_versions_are_described_from_the_catalog(backend, filters, expected):
    versions = backend("DescribeCacheEngineVersions", **filters)["CacheEngineVersions"]
    assert [(v["Engine"], v["EngineVersion"], v["CacheParameterGroupFamily"]) for v in versions] == expected
