"""Standalone cache clusters, tags on every ARN kind, and a cluster that becomes a replication group."""

from __future__ import annotations

import pytest
import redis
from botocore.exceptions import ClientError

from tests.emulator import probes
from tests.emulator.probes import TOKEN
from tests.emulator.redis_fixture import RESTRICTED_COMMANDS


def _cluster(aws, cluster_id="solo", **overrides):
    params = {"CacheClusterId": cluster_id, "CacheNodeType": "cache.t3.micro", "Engine": "redis",
              "NumCacheNodes": 1, "CacheSubnetGroupName": "redis-subnets", **overrides}
    return aws.elasticache.create_cache_cluster(**params)["CacheCluster"]


def test_cache_cluster_lifecycle_with_node_endpoint(aws, emulator):
    probes.network(aws)
    created = _cluster(aws)
    assert created["CacheClusterStatus"] == "creating" and "ReplicationGroupId" not in created
    assert created["ClientDownloadLandingPage"].startswith("https://console.aws.amazon.com/elasticache/")
    assert probes.statuses_until(aws, "available", "solo", cluster=True) == ["creating", "available"]
    cluster = probes.describe_cluster(aws, "solo")
    endpoint = cluster["CacheNodes"][0]["Endpoint"]
    assert endpoint["Address"].startswith("solo.") and ".0001.use1.cache.amazonaws.com" in endpoint["Address"]
    assert probes.ping(emulator, endpoint["Address"], tls=False) == "PONG"
    assert "us-east-1-cluster-solo" in emulator.state()["redis_pids"]
    assert "CacheNodes" not in aws.elasticache.describe_cache_clusters(CacheClusterId="solo")["CacheClusters"][0]
    assert not aws.elasticache.describe_replication_groups()["ReplicationGroups"]

    aws.elasticache.delete_cache_cluster(CacheClusterId="solo", FinalSnapshotIdentifier="solo-final")
    assert probes.statuses_until(aws, "gone", "solo", cluster=True) == ["deleting", "gone"]
    snapshot = aws.elasticache.describe_snapshots(SnapshotName="solo-final")["Snapshots"][0]
    assert snapshot["CacheClusterId"] == "solo" and "ReplicationGroupId" not in snapshot
    assert "us-east-1-cluster-solo" not in emulator.state()["redis_pids"]
    assert endpoint["Address"] not in emulator.state()["hosts"]
    assert _cluster(aws)["CacheClusterStatus"] == "creating"  # the id can be used again


def test_cache_cluster_with_tls_and_auth_token(aws, emulator):
    probes.network(aws)
    _cluster(aws, TransitEncryptionEnabled=True, AuthToken=TOKEN)
    probes.statuses_until(aws, "available", "solo", cluster=True)
    cluster = probes.describe_cluster(aws, "solo")
    assert cluster["TransitEncryptionEnabled"] and cluster["AuthTokenEnabled"]
    host = cluster["CacheNodes"][0]["Endpoint"]["Address"]
    assert probes.ping(emulator, host, TOKEN) == "PONG"
    assert probes.ping(emulator, host) != "PONG"


@pytest.mark.parametrize("command", RESTRICTED_COMMANDS)
def test_no_client_may_run_a_restricted_command(aws, emulator, command):
    """ElastiCache answers its restricted commands as unknown ones ("ERR unknown command 'config', ...")."""
    probes.network(aws)
    _cluster(aws, TransitEncryptionEnabled=True, AuthToken=TOKEN)
    probes.statuses_until(aws, "available", "solo", cluster=True)
    client = probes.client(emulator, probes.describe_cluster(aws, "solo")["CacheNodes"][0]["Endpoint"]["Address"])
    with pytest.raises(redis.ResponseError, match=f"^unknown command '{command}'"):
        client.execute_command(command)
    assert client.ping()


def test_modify_and_reboot_cache_cluster(aws, emulator):
    probes.network(aws)
    _cluster(aws)
    probes.statuses_until(aws, "available", "solo", cluster=True)
    answer = aws.elasticache.modify_cache_cluster(CacheClusterId="solo", SnapshotRetentionLimit=3,
                                                  SnapshotWindow="02:00-03:00", CacheNodeType="cache.t3.small",
                                                  ApplyImmediately=False)["CacheCluster"]
    assert answer["CacheClusterStatus"] == "modifying"
    assert answer["PendingModifiedValues"] == {"CacheNodeType": "cache.t3.small"}
    probes.statuses_until(aws, "available", "solo", cluster=True)
    cluster = probes.describe_cluster(aws, "solo")
    assert (cluster["SnapshotRetentionLimit"], cluster["SnapshotWindow"], cluster["CacheNodeType"]) == \
        (3, "02:00-03:00", "cache.t3.micro")

    host = cluster["CacheNodes"][0]["Endpoint"]["Address"]
    probes.redis(emulator, host, "SET", "k", "v", token=None, tls=False)
    answer = aws.elasticache.reboot_cache_cluster(CacheClusterId="solo", CacheNodeIdsToReboot=["0001"])
    assert answer["CacheCluster"]["CacheClusterStatus"] == "rebooting cache cluster nodes"
    probes.statuses_until(aws, "available", "solo", cluster=True)
    # A reboot without a replica loses the node's data, as on ElastiCache without persistence.
    assert probes.redis(emulator, host, "EXISTS", "k", token=None, tls=False) == ["0"]


def test_member_clusters_are_managed_through_their_group(aws, emulator):
    probes.network(aws)
    probes.create(aws, NumCacheClusters=2)
    probes.statuses_until(aws, "available")
    with pytest.raises(ClientError) as excinfo:
        aws.elasticache.delete_cache_cluster(CacheClusterId="main-002")
    assert probes.code(excinfo) == "InvalidParameterCombination"
    with pytest.raises(ClientError) as excinfo:
        _cluster(aws, "main-001")
    assert probes.code(excinfo) == "CacheClusterAlreadyExists"
    clusters = aws.elasticache.describe_cache_clusters(ShowCacheClustersNotInReplicationGroups=True)
    assert clusters["CacheClusters"] == []


@pytest.mark.parametrize("overrides, code", [
    ({"NumCacheNodes": 2}, "InvalidParameterValue"),
    ({"CacheClusterId": "bad--id"}, "InvalidParameterValue"),
    ({"AuthToken": TOKEN}, "InvalidParameterValue"),
    ({"SnapshotName": "missing"}, "SnapshotNotFoundFault"),
])
def test_invalid_cache_clusters_are_refused(aws, emulator, overrides, code):
    probes.network(aws)
    with pytest.raises(ClientError) as excinfo:
        _cluster(aws, **overrides)
    assert probes.code(excinfo) == code
    assert aws.elasticache.describe_cache_clusters()["CacheClusters"] == []


def test_snapshot_window_is_chosen_when_not_given(aws, emulator):
    probes.network(aws)
    group = probes.create(aws, PreferredMaintenanceWindow="mon:04:30-mon:06:30")
    assert group["SnapshotWindow"] == "07:00-08:00"  # one hour, clear of the maintenance window
    assert _cluster(aws)["SnapshotWindow"] == "05:00-06:00"


def test_tags_on_every_arn_kind(aws, emulator):
    ec = aws.elasticache
    probes.network(aws)
    ec.create_cache_parameter_group(CacheParameterGroupName="pg", CacheParameterGroupFamily="redis7",
                                    Description="d")
    probes.create(aws, NumCacheClusters=2, Tags=[{"Key": "app", "Value": "main"}])
    _cluster(aws, Tags=[{"Key": "app", "Value": "solo"}])
    probes.statuses_until(aws, "available")
    probes.statuses_until(aws, "available", "solo", cluster=True)
    ec.create_snapshot(ReplicationGroupId="main", SnapshotName="snap", Tags=[{"Key": "app", "Value": "snap"}])
    arns = {
        "replicationgroup": probes.describe(aws)["ARN"],
        "member cluster": probes.describe_cluster(aws, "main-002")["ARN"],
        "cluster": probes.describe_cluster(aws, "solo")["ARN"],
        "parametergroup": ec.describe_cache_parameter_groups(CacheParameterGroupName="pg")["CacheParameterGroups"][0]
        ["ARN"],
        "subnetgroup": ec.describe_cache_subnet_groups(CacheSubnetGroupName="redis-subnets")["CacheSubnetGroups"][0]
        ["ARN"],
        "snapshot": ec.describe_snapshots(SnapshotName="snap")["Snapshots"][0]["ARN"],
    }
    assert ec.list_tags_for_resource(ResourceName=arns["cluster"])["TagList"] == [{"Key": "app", "Value": "solo"}]
    assert ec.list_tags_for_resource(ResourceName=arns["snapshot"])["TagList"] == [{"Key": "app", "Value": "snap"}]
    for kind, arn in arns.items():
        ec.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "kind", "Value": kind}])
        assert {"Key": "kind", "Value": kind} in ec.list_tags_for_resource(ResourceName=arn)["TagList"], kind
        ec.remove_tags_from_resource(ResourceName=arn, TagKeys=["kind"])
        assert {"Key": "kind", "Value": kind} not in ec.list_tags_for_resource(ResourceName=arn)["TagList"], kind
    with pytest.raises(ClientError) as excinfo:
        ec.list_tags_for_resource(ResourceName=arns["cluster"].replace("solo", "nobody"))
    assert probes.code(excinfo) == "CacheClusterNotFound"


def test_primary_cluster_id_turns_a_cluster_into_a_group_with_its_data(aws, emulator):
    probes.network(aws)
    _cluster(aws, TransitEncryptionEnabled=True, AuthToken=TOKEN)
    probes.statuses_until(aws, "available", "solo", cluster=True)
    node = probes.describe_cluster(aws, "solo")["CacheNodes"][0]["Endpoint"]["Address"]
    probes.redis(emulator, node, "SET", "written-before", "kept")
    group = aws.elasticache.create_replication_group(  # the cluster's node type wins over the request's
        ReplicationGroupId="grown", ReplicationGroupDescription="from solo", PrimaryClusterId="solo",
        NumCacheClusters=2, CacheNodeType="cache.m6g.large")["ReplicationGroup"]
    assert group["MemberClusters"] == ["solo", "grown-002"]
    probes.statuses_until(aws, "available", "grown")
    group = probes.describe(aws, "grown")
    assert (group["CacheNodeType"], group["TransitEncryptionEnabled"], group["AuthTokenEnabled"]) == \
        ("cache.t3.micro", True, True)
    members = group["NodeGroups"][0]["NodeGroupMembers"]
    assert [(m["CacheClusterId"], m["CurrentRole"]) for m in members] == [("solo", "primary"), ("grown-002", "replica")]
    assert members[0]["ReadEndpoint"]["Address"] == node  # the node keeps its name
    assert probes.describe_cluster(aws, "solo")["ReplicationGroupId"] == "grown"
    primary = group["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    assert probes.redis(emulator, primary, "GET", "written-before") == ["kept"]


def test_primary_cluster_id_must_name_an_available_cluster(aws, emulator):
    probes.network(aws)
    with pytest.raises(ClientError) as excinfo:
        aws.elasticache.create_replication_group(ReplicationGroupId="g", ReplicationGroupDescription="d",
                                                 PrimaryClusterId="nobody")
    assert probes.code(excinfo) == "CacheClusterNotFound"
    _cluster(aws)
    with pytest.raises(ClientError) as excinfo:
        aws.elasticache.create_replication_group(ReplicationGroupId="g", ReplicationGroupDescription="d",
                                                 PrimaryClusterId="solo")
    assert probes.code(excinfo) == "InvalidCacheClusterState"


def test_rebooting_a_member_with_a_replica_keeps_the_data(aws, emulator):
    probes.network(aws)
    host = probes.create(aws, NumCacheClusters=2, TransitEncryptionEnabled=True, AuthToken=TOKEN)[
        "NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    probes.statuses_until(aws, "available")
    probes.redis(emulator, host, "SET", "k", "v")
    aws.elasticache.reboot_cache_cluster(CacheClusterId="main-001", CacheNodeIdsToReboot=["0001"])
    assert probes.statuses_until(aws, "available") == ["rebooting cache cluster nodes", "available"]
    assert probes.redis(emulator, host, "GET", "k") == ["v"]
    events = aws.elasticache.describe_events(SourceIdentifier="main-001")["Events"]
    assert [e["Message"] for e in events] == ["Cache node 0001 restarted"]
