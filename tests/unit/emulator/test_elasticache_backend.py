"""The ElastiCache backend alone: no moto, no redis-server, a clock of zero seconds."""

import re
import time

import pytest

from tests.emulator.catalog import FAMILIES, PARAMETER_GROUP_FAMILIES
from tests.emulator.elasticache import ElastiCache, EmulatorConfig
from tests.emulator.protocol import AWSError, service_model


class FakeEC2:
    def __init__(self, account, region):
        pass

    def subnet(self, subnet_id):
        return ("vpc-1", "us-east-1a") if subnet_id.startswith("subnet-") else None

    def subnet_network_types(self, subnet_id):
        return ["ipv4", "dual_stack"] if subnet_id.startswith("subnet-v6") else ["ipv4"]

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
    return backend("CreateReplicationGroup", **{"ReplicationGroupId": group_id, "ReplicationGroupDescription": "d",
                                                "CacheNodeType": "cache.t3.micro", **params})["ReplicationGroup"]


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


def _sharded(backend, shards=2):
    return _group(backend, "fmc", ClusterMode="enabled", NumNodeGroups=shards, ReplicasPerNodeGroup=1,
                  TransitEncryptionEnabled=True)


def _reshard(backend, count, **params):
    return backend("ModifyReplicationGroupShardConfiguration", **{
        "ReplicationGroupId": "fmc", "NodeGroupCount": count, "ApplyImmediately": True, **params})["ReplicationGroup"]


def _describe(backend, group_id="fmc"):
    return backend("DescribeReplicationGroups", ReplicationGroupId=group_id)["ReplicationGroups"][0]


def test_cluster_mode_slots_and_node_groups_are_laid_out_as_aws_lays_them_out(backend):
    _sharded(backend, 3)
    group = _describe(backend)
    assert [(g["NodeGroupId"], g["Slots"]) for g in group["NodeGroups"]] == [
        ("0001", "0-5461"), ("0002", "5462-10922"), ("0003", "10923-16383")]
    assert [m["CacheClusterId"] for m in group["NodeGroups"][1]["NodeGroupMembers"]] == [
        "fmc-0002-001", "fmc-0002-002"]
    assert group["ConfigurationEndpoint"]["Address"].startswith("clustercfg.fmc.")


def test_resharding_adds_new_ids_and_removed_shards_stay_mapped(backend):
    _sharded(backend)
    answer = _reshard(backend, 3, ReshardingConfiguration=[{"PreferredAvailabilityZones": ["us-east-1a"]}])
    assert answer["Status"] == "modifying"
    assert answer["PendingModifiedValues"]["Resharding"] == {"SlotMigration": {"ProgressPercentage": 0.0}}
    group = _describe(backend)
    assert (group["Status"], group["PendingModifiedValues"]) == ("available", {})
    assert [(g["NodeGroupId"], g["Slots"]) for g in group["NodeGroups"]] == [
        ("0001", "0-5461"), ("0002", "5462-10922"), ("0003", "10923-16383")]
    _reshard(backend, 2, NodeGroupsToRetain=["0001", "0002"])
    _reshard(backend, 3)
    group = _describe(backend)
    assert [g["NodeGroupId"] for g in group["NodeGroups"]] == ["0001", "0002", "0004"]  # 0003 is not reused
    assert "fmc-0003-001" not in group["MemberClusters"] and len(group["MemberClusters"]) == 6


@pytest.mark.parametrize("count, params, code", [
    (1, {}, "InvalidParameterCombination"),  # scaling in names the shards to remove or retain
    (1, {"NodeGroupsToRemove": ["0002"], "NodeGroupsToRetain": ["0001"]}, "InvalidParameterCombination"),
    (1, {"NodeGroupsToRemove": ["0009"]}, "NodeGroupNotFoundFault"),
    (1, {"NodeGroupsToRemove": ["0001", "0002"]}, "InvalidParameterCombination"),
    (1, {"NodeGroupsToRemove": ["0001"]}, "InvalidAction"),  # only the last shards (the emulator's limit)
    (3, {"NodeGroupsToRemove": ["0002"]}, "InvalidParameterCombination"),
    (2, {"ReshardingConfiguration": [{"PreferredAvailabilityZones": ["us-east-1a"]}]},
     "InvalidParameterCombination"),
    (0, {}, "InvalidParameterValue"),
])
def test_shard_configuration_changes_are_checked_as_aws_checks_them(backend, count, params, code):
    _sharded(backend)
    with pytest.raises(AWSError) as error:
        _reshard(backend, count, **params)
    assert error.value.code == code
    assert _describe(backend)["Status"] == "available"


def test_shard_configuration_needs_cluster_mode_and_apply_immediately(backend):
    _group(backend, "plain")
    with pytest.raises(AWSError) as error:
        backend("ModifyReplicationGroupShardConfiguration", ReplicationGroupId="plain", NodeGroupCount=2,
                ApplyImmediately=True)
    assert error.value.code == "InvalidParameterCombination"
    _sharded(backend)
    with pytest.raises(AWSError) as error:
        _reshard(backend, 3, ApplyImmediately=False)
    assert error.value.code == "InvalidParameterValue"


def test_a_removed_shard_stays_mapped_but_the_redis_fixture_no_longer_runs_it():
    service = ElastiCache(EmulatorConfig(0, 0, 0), ec2_view=FakeEC2)
    for operation, params in (
        ("CreateReplicationGroup", {"ReplicationGroupId": "fmc", "ReplicationGroupDescription": "d",
                                    "CacheNodeType": "cache.t3.micro", "ClusterMode": "enabled",
                                    "NumNodeGroups": 3, "ReplicasPerNodeGroup": 1}),
        ("ModifyReplicationGroupShardConfiguration", {"ReplicationGroupId": "fmc", "NodeGroupCount": 2,
                                                      "NodeGroupsToRemove": ["0003"], "ApplyImmediately": True}),
    ):
        service.handle(Call(operation, params))
        time.sleep(0.001)
        service.tick()
    group = service.region("us-east-1").groups["fmc"]
    removed = {n for n in group.hostnames() if n.startswith("fmc-0003-")}
    assert len(removed) == 2
    [(_region, served)] = service.running_groups()
    assert not removed & set(served.hostnames())
    assert len(served.hostnames()) == 5 and served.server_key == group.server_key


def test_modify_cache_cluster_takes_the_empty_lists_community_aws_always_sends(backend):
    backend("CreateCacheCluster", CacheClusterId="solo", CacheNodeType="cache.t3.micro", Engine="redis")
    answer = backend("ModifyCacheCluster", CacheClusterId="solo", NumCacheNodes=1, CacheNodeIdsToRemove=[],
                     CacheSecurityGroupNames=[], SecurityGroupIds=["sg-1"], ApplyImmediately=True)
    assert answer["CacheCluster"]["CacheClusterStatus"] == "modifying"
    backend("DescribeCacheClusters")  # one more tick: modifying ends
    for name, value in (("CacheNodeIdsToRemove", ["0001"]), ("CacheSecurityGroupNames", ["default"])):
        with pytest.raises(AWSError) as error:
            backend("ModifyCacheCluster", CacheClusterId="solo", **{name: value})
        assert error.value.code == "InvalidAction" and name in error.value.message


def test_parameter_group_families_are_those_botocore_documents():
    member = service_model("elasticache").shape_for("CreateCacheParameterGroupMessage").members
    documented = re.findall(r"<code>([^<]+)</code>", member["CacheParameterGroupFamily"].documentation)
    assert sorted(PARAMETER_GROUP_FAMILIES) == sorted(documented)


@pytest.mark.parametrize("family", PARAMETER_GROUP_FAMILIES)
def test_every_documented_parameter_group_family_can_be_created(backend, family):
    created = backend("CreateCacheParameterGroup", CacheParameterGroupName="pg", CacheParameterGroupFamily=family,
                      Description="d")["CacheParameterGroup"]
    assert created["CacheParameterGroupFamily"] == family
    described = backend("DescribeCacheParameterGroups", CacheParameterGroupName="pg")["CacheParameterGroups"]
    assert [g["CacheParameterGroupFamily"] for g in described] == [family]
    if family in FAMILIES:
        assert backend("DescribeCacheParameters", CacheParameterGroupName="pg")["Parameters"]
    else:
        # The emulator knows no parameters of the families no engine version of its catalog runs: it says so.
        with pytest.raises(AWSError) as error:
            backend("DescribeCacheParameters", CacheParameterGroupName="pg")
        assert error.value.code == "InvalidAction" and family in error.value.message
    backend("DeleteCacheParameterGroup", CacheParameterGroupName="pg")


def test_an_undocumented_parameter_group_family_is_refused(backend):
    with pytest.raises(AWSError) as error:
        backend("CreateCacheParameterGroup", CacheParameterGroupName="pg", CacheParameterGroupFamily="redis9",
                Description="d")
    assert error.value.code == "InvalidParameterValue"


def _refused(backend, code, **params):
    with pytest.raises(AWSError) as excinfo:
        _group(backend, "refused", **params)
    assert excinfo.value.code == code, excinfo.value
    return str(excinfo.value)


def test_data_tiering_is_described_and_refused_where_aws_refuses_it(backend):
    group = _group(backend, CacheNodeType="cache.r6gd.xlarge", DataTieringEnabled=True, EngineVersion="7.1")
    assert group["DataTiering"] == "enabled"
    assert _group(backend, "plain")["DataTiering"] == "disabled"
    assert "r6gd" in _refused(backend, "InvalidParameterCombination", DataTieringEnabled=True)
    assert "DataTieringEnabled" in _refused(backend, "InvalidParameterCombination", CacheNodeType="cache.r6gd.xlarge")


def test_network_type_needs_subnets_with_ipv6_and_ip_discovery_changes_in_place(backend):
    assert "does not support network type dual_stack" in _refused(backend, "InvalidParameterValue",
                                                                  NetworkType="dual_stack")
    backend("CreateCacheSubnetGroup", CacheSubnetGroupName="v6", CacheSubnetGroupDescription="d",
            SubnetIds=["subnet-v6a", "subnet-v6b"])
    group = _group(backend, CacheSubnetGroupName="v6", NetworkType="dual_stack", EngineVersion="7.1")
    assert (group["NetworkType"], group["IpDiscovery"]) == ("dual_stack", "ipv6")
    backend("ModifyReplicationGroup", ReplicationGroupId="main", IpDiscovery="ipv4", ApplyImmediately=True)
    assert _describe(backend, "main")["IpDiscovery"] == "ipv4"
    # The network type is fixed at creation: ModifyReplicationGroup has no such parameter.
    modify = service_model("elasticache").operation_model("ModifyReplicationGroup")
    assert "NetworkType" not in modify.input_shape.members
    _group(backend, "plain")
    with pytest.raises(AWSError) as excinfo:
        backend("ModifyReplicationGroup", ReplicationGroupId="plain", IpDiscovery="ipv6", ApplyImmediately=True)
    assert excinfo.value.code == "InvalidParameterCombination"


def test_each_node_is_in_the_zone_asked_for(backend):
    group = _group(backend, NumCacheClusters=2, PreferredCacheClusterAZs=["us-east-1a", "us-east-1a"])
    assert [m["PreferredAvailabilityZone"] for m in group["NodeGroups"][0]["NodeGroupMembers"]] == \
        ["us-east-1a", "us-east-1a"]
    clusters = backend("DescribeCacheClusters", CacheClusterId="main-002")["CacheClusters"]
    assert clusters[0]["PreferredAvailabilityZone"] == "us-east-1a"
    assert "must match NumCacheClusters" in _refused(backend, "InvalidParameterValue", NumCacheClusters=2,
                                                     PreferredCacheClusterAZs=["us-east-1a"])
    assert "us-east-1z" in _refused(backend, "InvalidParameterValue", PreferredCacheClusterAZs=["us-east-1z"])
    shard = {"PrimaryAvailabilityZone": "us-east-1a", "ReplicaAvailabilityZones": ["us-east-1a"]}
    sharded = _group(backend, "fmc", ClusterMode="enabled", NumNodeGroups=2, ReplicasPerNodeGroup=1,
                     NodeGroupConfiguration=[dict(shard, NodeGroupId="0001"), dict(shard, NodeGroupId="0002")])
    assert set(m["PreferredAvailabilityZone"] for g in sharded["NodeGroups"] for m in g["NodeGroupMembers"]) == \
        {"us-east-1a"}
