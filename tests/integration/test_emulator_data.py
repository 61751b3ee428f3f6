"""What happens to Redis data and connections: AUTH rotation, failover, snapshots; events and log delivery."""

from __future__ import annotations

import datetime
import time

import boto3
import pytest
import redis
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.emulator import hosts, probes
from tests.emulator.probes import TOKEN

NEW_TOKEN = "An0ther-Secret-Token-456"


def _connect(emulator, host, password):
    hosts.assert_mapped(host)
    return redis.Redis(host=host, port=6379, ssl=True, ssl_ca_certs=emulator.state()["ca_file"], password=password,
                       socket_timeout=5)


def _accepts(emulator, host, password):
    try:
        return _connect(emulator, host, password).ping() is True
    except redis.AuthenticationError:
        return False
    except redis.ResponseError as error:  # NOAUTH / WRONGPASS
        assert "AUTH" in str(error) or "WRONGPASS" in str(error)
        return False


def _primary(group):
    return group["NodeGroups"][0]["PrimaryEndpoint"]["Address"]


def _modify(aws, **params):
    aws.elasticache.modify_replication_group(ReplicationGroupId="main", ApplyImmediately=True, **params)
    probes.statuses_until(aws, "available")


def _events(aws, **filters):
    return [(e["SourceIdentifier"], e["Message"]) for e in aws.elasticache.describe_events(**filters)["Events"]]


# --- AUTH token rotation -----------------------------------------------------------------------------


def test_auth_rotate_accepts_both_tokens_then_set_and_delete(aws, emulator):
    probes.network(aws)
    host = _primary(probes.create(aws, TransitEncryptionEnabled=True, AuthToken=TOKEN))
    probes.statuses_until(aws, "available")
    kept = _connect(emulator, host, TOKEN)
    kept.set("before", "rotation")

    _modify(aws, AuthToken=NEW_TOKEN, AuthTokenUpdateStrategy="ROTATE")
    assert (_accepts(emulator, host, TOKEN), _accepts(emulator, host, NEW_TOKEN)) == (True, True)
    assert kept.get("before") == b"rotation"  # a connection made with the old token keeps working

    _modify(aws, AuthToken=NEW_TOKEN, AuthTokenUpdateStrategy="SET")
    assert (_accepts(emulator, host, TOKEN), _accepts(emulator, host, NEW_TOKEN)) == (False, True)

    with pytest.raises(ClientError) as excinfo:  # AWS removes AUTH only in TransitEncryptionMode preferred
        aws.elasticache.modify_replication_group(ReplicationGroupId="main", AuthTokenUpdateStrategy="DELETE",
                                                 ApplyImmediately=True)
    assert probes.code(excinfo) == "InvalidParameterCombination"
    _modify(aws, TransitEncryptionMode="preferred")
    _modify(aws, AuthTokenUpdateStrategy="DELETE")
    assert probes.describe(aws)["AuthTokenEnabled"] is False
    assert _accepts(emulator, host, None)
    assert _connect(emulator, host, None).get("before") == b"rotation"


def test_auth_token_is_never_logged(aws, emulator):
    probes.network(aws)
    probes.create(aws, TransitEncryptionEnabled=True, AuthToken=TOKEN)
    probes.statuses_until(aws, "available")
    _modify(aws, AuthToken=NEW_TOKEN, AuthTokenUpdateStrategy="ROTATE")
    text = str(emulator.requests()) + str(emulator.state())
    assert TOKEN not in text and NEW_TOKEN not in text


# --- TestFailover --------------------------------------------------------------------------------------


def test_failover_swaps_roles_keeps_the_endpoint_and_drops_connections(aws, emulator):
    probes.network(aws)
    before = probes.create(aws, NumCacheClusters=2, AutomaticFailoverEnabled=True, TransitEncryptionEnabled=True,
                           AuthToken=TOKEN)
    probes.statuses_until(aws, "available")
    client = _connect(emulator, _primary(before), TOKEN)
    client.set("survives", "failover")
    connection = client.connection_pool.get_connection()
    connection.send_command("PING")
    assert connection.read_response() in (b"PONG", "PONG", True)

    answer = aws.elasticache.test_failover(ReplicationGroupId="main", NodeGroupId="0001")["ReplicationGroup"]
    assert answer["Status"] == "modifying"
    assert probes.statuses_until(aws, "available") == ["modifying", "available"]
    after = probes.describe(aws)
    roles = [(m["CacheClusterId"], m["CurrentRole"]) for m in after["NodeGroups"][0]["NodeGroupMembers"]]
    assert roles == [("main-001", "replica"), ("main-002", "primary")]
    assert _primary(after) == _primary(before)
    with pytest.raises(redis.ConnectionError):  # the connection made before the failover was dropped
        connection.send_command("PING")
        connection.read_response()
    assert _connect(emulator, _primary(after), TOKEN).get("survives") == b"failover"
    assert _events(aws, SourceType="replication-group")[-2:] == [
        ("main", "Test Failover API called for node group 0001"),
        ("main", "Failover from primary node main-001 to replica node main-002 completed")]
    assert _events(aws, SourceIdentifier="main-001", SourceType="cache-cluster") == [
        ("main-001", "Failover from primary node main-001 to replica node main-002 completed"),
        ("main-001", "Recovering cache nodes 0001"), ("main-001", "Finished recovery for cache nodes 0001")]


@pytest.mark.parametrize("create, node_group, code", [
    ({}, "0001", "InvalidParameterCombination"),
    ({"NumCacheClusters": 2, "AutomaticFailoverEnabled": True}, "0002", "NodeGroupNotFoundFault"),
])
def test_failover_needs_automatic_failover_and_a_real_node_group(aws, emulator, create, node_group, code):
    probes.network(aws)
    probes.create(aws, **create)
    probes.statuses_until(aws, "available")
    with pytest.raises(ClientError) as excinfo:
        aws.elasticache.test_failover(ReplicationGroupId="main", NodeGroupId=node_group)
    assert probes.code(excinfo) == code


# --- events ------------------------------------------------------------------------------------------


def test_events_for_create_modify_snapshot_and_delete(aws, emulator):
    probes.network(aws)
    probes.create(aws)
    probes.statuses_until(aws, "available")
    _modify(aws, SnapshotRetentionLimit=2)
    aws.elasticache.create_snapshot(ReplicationGroupId="main", SnapshotName="manual-1")
    _wait_snapshot(aws, "manual-1")
    aws.elasticache.delete_replication_group(ReplicationGroupId="main")
    probes.statuses_until(aws, "gone")
    assert _events(aws, SourceIdentifier="main") == [
        ("main", "Replication group main created"), ("main", "Replication group main modified"),
        ("main", "Snapshot succeeded for snapshot with ID 'manual-1' of replication group with ID 'main'"),
        ("main", "Replication group main deleted")]
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    assert aws.elasticache.describe_events(StartTime=future)["Events"] == []


# --- snapshots carry the data --------------------------------------------------------------------------


def _wait_snapshot(aws, name, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        snapshot = aws.elasticache.describe_snapshots(SnapshotName=name)["Snapshots"][0]
        if snapshot["SnapshotStatus"] == "available":
            return snapshot
        time.sleep(0.05)
    raise AssertionError(f"snapshot {name} never became available")


def test_final_snapshot_restores_the_data(aws, emulator):
    probes.network(aws)
    host = _primary(probes.create(aws, TransitEncryptionEnabled=True, AuthToken=TOKEN))
    probes.statuses_until(aws, "available")
    probes.redis(emulator, host, "SET", "order:1", "paid")
    aws.elasticache.delete_replication_group(ReplicationGroupId="main", FinalSnapshotIdentifier="main-final")
    probes.statuses_until(aws, "gone")
    _wait_snapshot(aws, "main-final")
    restored = probes.create(aws, TransitEncryptionEnabled=True, AuthToken=TOKEN, SnapshotName="main-final")
    probes.statuses_until(aws, "available")
    assert probes.redis(emulator, _primary(restored), "GET", "order:1") == ["paid"]


def test_manual_and_automatic_snapshots_hold_the_data_of_their_time(aws, emulator):
    probes.network(aws)
    host = _primary(probes.create(aws, TransitEncryptionEnabled=True, AuthToken=TOKEN, SnapshotRetentionLimit=1))
    probes.statuses_until(aws, "available")
    probes.redis(emulator, host, "SET", "stage", "one")
    aws.elasticache.create_snapshot(ReplicationGroupId="main", SnapshotName="stage-one")
    probes.redis(emulator, host, "SET", "stage", "two")
    automatic = emulator.call("automatic-snapshots", {})["taken"]
    assert len(automatic) == 1 and automatic[0].startswith("automatic.main-")
    assert _wait_snapshot(aws, automatic[0])["SnapshotSource"] == "automated"
    _wait_snapshot(aws, "stage-one")
    for group_id, snapshot, stage in (("one", "stage-one", "one"), ("two", automatic[0], "two")):
        restored = probes.create(aws, group_id, TransitEncryptionEnabled=True, AuthToken=TOKEN, SnapshotName=snapshot)
        probes.statuses_until(aws, "available", group_id)
        assert probes.redis(emulator, _primary(restored), "GET", "stage") == [stage]


def test_restore_from_an_rdb_file_in_s3(aws, emulator):
    probes.network(aws)
    host = _primary(probes.create(aws, "seed", TransitEncryptionEnabled=True, AuthToken=TOKEN))
    probes.statuses_until(aws, "available", "seed")
    probes.redis(emulator, host, "SET", "seeded", "from-s3")
    aws.elasticache.create_snapshot(ReplicationGroupId="seed", SnapshotName="seed-snap")
    _wait_snapshot(aws, "seed-snap")
    aws.elasticache.delete_replication_group(ReplicationGroupId="seed")
    # The .rdb file a user would upload: here the dump of a group the emulator ran.
    with open(f"{emulator.state_dir}/dumps/us-east-1-snapshot-seed-snap.rdb", "rb") as handle:
        rdb = handle.read()
    assert rdb.startswith(b"REDIS")
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=emulator.endpoint,
                      config=Config(s3={"addressing_style": "path"}))
    s3.create_bucket(Bucket="backups")
    s3.put_object(Bucket="backups", Key="seed.rdb", Body=rdb)
    restored = probes.create(aws, TransitEncryptionEnabled=True, AuthToken=TOKEN,
                             SnapshotArns=["arn:aws:s3:::backups/seed.rdb"])
    probes.statuses_until(aws, "available")
    assert probes.redis(emulator, _primary(restored), "GET", "seeded") == ["from-s3"]


# --- log delivery ----------------------------------------------------------------------------------


def _log(log_type, group, enabled=True):
    return {"LogType": log_type, "DestinationType": "cloudwatch-logs", "LogFormat": "json", "Enabled": enabled,
            "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": group}}}


def test_log_delivery_configurations_are_recorded_and_described(aws, emulator):
    probes.network(aws)
    group = probes.create(aws, LogDeliveryConfigurations=[_log("slow-log", "/funmagic/slow")])
    assert [(c["LogType"], c["Status"]) for c in group["LogDeliveryConfigurations"]] == [("slow-log", "active")]
    probes.statuses_until(aws, "available")
    _modify(aws, LogDeliveryConfigurations=[_log("engine-log", "/funmagic/engine"),
                                            _log("slow-log", "/funmagic/slow", enabled=False)])
    configs = probes.describe(aws)["LogDeliveryConfigurations"]
    assert configs == [{"LogType": "engine-log", "DestinationType": "cloudwatch-logs", "LogFormat": "json",
                        "Status": "active",
                        "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": "/funmagic/engine"}}}]
    assert probes.describe_cluster(aws, "main-001")["ReplicationGroupLogDeliveryEnabled"] is True


@pytest.mark.parametrize("create, code", [
    ({"LogDeliveryConfigurations": [{**_log("slow-log", "x"), "DestinationDetails": {}}]}, "InvalidParameterValue"),
    ({"LogDeliveryConfigurations": [_log("engine-log", "x")], "EngineVersion": "6.0"},
     "InvalidParameterCombination"),
])
def test_log_delivery_is_checked_as_documented(aws, emulator, create, code):
    probes.network(aws)
    with pytest.raises(ClientError) as excinfo:
        probes.create(aws, **create)
    assert probes.code(excinfo) == code


def test_log_delivery_changes_need_apply_immediately(aws, emulator):
    probes.network(aws)
    probes.create(aws)
    probes.statuses_until(aws, "available")
    with pytest.raises(ClientError) as excinfo:
        aws.elasticache.modify_replication_group(ReplicationGroupId="main",
                                                 LogDeliveryConfigurations=[_log("slow-log", "x")])
    assert probes.code(excinfo) == "InvalidParameterCombination"


def test_retain_primary_cluster_keeps_the_primary_with_its_data(aws, emulator):
    probes.network(aws)
    host = _primary(probes.create(aws, NumCacheClusters=2, Tags=[{"Key": "app", "Value": "main"}]))
    probes.statuses_until(aws, "available")
    probes.redis(emulator, host, "SET", "kept", "yes", token=None, tls=False)
    aws.elasticache.add_tags_to_resource(ResourceName=probes.describe_cluster(aws, "main-001")["ARN"],
                                         Tags=[{"Key": "node", "Value": "primary"}])
    aws.elasticache.delete_replication_group(ReplicationGroupId="main", RetainPrimaryCluster=True)
    probes.statuses_until(aws, "gone")
    cluster = probes.describe_cluster(aws, "main-001")
    assert cluster["CacheClusterStatus"] == "available" and "ReplicationGroupId" not in cluster
    assert [c["CacheClusterId"] for c in aws.elasticache.describe_cache_clusters()["CacheClusters"]] == ["main-001"]
    assert aws.elasticache.list_tags_for_resource(ResourceName=cluster["ARN"])["TagList"] == [
        {"Key": "node", "Value": "primary"}]
    node = cluster["CacheNodes"][0]["Endpoint"]["Address"]
    assert probes.redis(emulator, node, "GET", "kept", token=None, tls=False) == ["yes"]


def test_automatic_snapshots_are_kept_for_the_retention_limit(aws, emulator):
    probes.network(aws)
    probes.create(aws, SnapshotRetentionLimit=1)
    probes.statuses_until(aws, "available")
    first = emulator.call("automatic-snapshots", {})["taken"]
    time.sleep(1.1)  # automatic snapshot names carry the time to the second
    second = emulator.call("automatic-snapshots", {})["taken"]
    names = [s["SnapshotName"] for s in aws.elasticache.describe_snapshots(SnapshotSource="automated")["Snapshots"]]
    assert first != second and names == second
