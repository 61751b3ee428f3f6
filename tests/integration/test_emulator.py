"""The emulated AWS closes moto's ElastiCache gaps the way AWS behaves (see ../shared/FACTS.md)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.parse

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.httpsession
import botocore.retries.standard
import pytest
from botocore.exceptions import ClientError

from tests.emulator import probes
from tests.emulator.__main__ import ROOT, environment

# --- lifecycle ---------------------------------------------------------------------------------------


def test_create_goes_through_creating_to_available(aws, emulator):
    probes.network(aws)
    assert probes.create(aws)["Status"] == "creating"
    assert probes.statuses_until(aws, "available") == ["creating", "available"]


def test_num_cache_clusters_and_reader_endpoint(aws, emulator):
    probes.network(aws)
    with_replicas = probes.create(aws, "withreplicas", NumCacheClusters=3)
    assert with_replicas["MemberClusters"] == ["withreplicas-001", "withreplicas-002", "withreplicas-003"]
    assert "ReaderEndpoint" in with_replicas["NodeGroups"][0]
    single = probes.create(aws, "single")
    assert single["MemberClusters"] == ["single-001"]
    assert "ReaderEndpoint" not in single["NodeGroups"][0]


def test_endpoint_names_follow_the_region(aws, emulator):
    ec = aws.client("elasticache", region="us-east-2")
    group = ec.create_replication_group(ReplicationGroupId="ohio", ReplicationGroupDescription="d",
                                        CacheNodeType="cache.t3.micro", TransitEncryptionEnabled=True)["ReplicationGroup"]
    address = group["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    assert address.startswith("master.ohio.") and address.endswith(".use2.cache.amazonaws.com")


def test_cluster_mode_has_a_configuration_endpoint(aws, emulator):
    probes.network(aws)
    group = probes.create(aws, "sharded", ClusterMode="enabled", NumNodeGroups=2, ReplicasPerNodeGroup=1,
                          AutomaticFailoverEnabled=True)
    assert group["ClusterEnabled"] is True
    assert group["ConfigurationEndpoint"]["Address"].startswith("clustercfg.sharded.")
    assert len(group["MemberClusters"]) == 4
    assert group["NodeGroups"][0]["Slots"] == "0-8191"


def test_delete_completes_and_the_id_can_be_reused(aws, emulator):
    probes.network(aws)
    probes.create(aws)
    probes.statuses_until(aws, "available")
    aws.elasticache.delete_replication_group(ReplicationGroupId="main", FinalSnapshotIdentifier="main-final")
    assert probes.statuses_until(aws, "gone") == ["deleting", "gone"]
    snapshot = aws.elasticache.describe_snapshots(SnapshotName="main-final")["Snapshots"][0]
    assert snapshot["ReplicationGroupId"] == "main"
    assert probes.create(aws)["Status"] == "creating"


def test_delete_while_creating_is_refused(aws, emulator):
    probes.network(aws)
    probes.create(aws)
    with pytest.raises(ClientError) as excinfo:
        aws.elasticache.delete_replication_group(ReplicationGroupId="main")
    assert probes.code(excinfo) == "InvalidReplicationGroupState"


def test_final_snapshot_name_must_be_new(aws, emulator):
    probes.network(aws)
    for group_id in ("one", "two"):
        probes.create(aws, group_id)
        probes.statuses_until(aws, "available", group_id)
    aws.elasticache.delete_replication_group(ReplicationGroupId="one", FinalSnapshotIdentifier="final")
    with pytest.raises(ClientError) as excinfo:
        aws.elasticache.delete_replication_group(ReplicationGroupId="two", FinalSnapshotIdentifier="final")
    assert probes.code(excinfo) == "SnapshotAlreadyExistsFault"


# --- modify ------------------------------------------------------------------------------------------


def test_modify_applies_every_field_after_modifying(aws, emulator):
    security_group = probes.network(aws)[0]
    other_group = aws.ec2.create_security_group(GroupName="other", Description="o",
                                                VpcId=aws.ec2.describe_vpcs()["Vpcs"][0]["VpcId"])["GroupId"]
    aws.elasticache.create_cache_parameter_group(CacheParameterGroupName="queue", CacheParameterGroupFamily="redis7",
                                                 Description="q")
    probes.create(aws, NumCacheClusters=2, SecurityGroupIds=[security_group])
    probes.statuses_until(aws, "available")
    answer = aws.elasticache.modify_replication_group(
        ReplicationGroupId="main", ApplyImmediately=True, SecurityGroupIds=[other_group],
        PreferredMaintenanceWindow="tue:03:00-tue:04:00", SnapshotWindow="05:00-06:00", SnapshotRetentionLimit=5,
        CacheParameterGroupName="queue", CacheNodeType="cache.t3.small", AutomaticFailoverEnabled=True,
    )["ReplicationGroup"]
    assert answer["Status"] == "modifying"
    assert answer["PendingModifiedValues"]["AutomaticFailoverStatus"] == "enabled"
    probes.statuses_until(aws, "available")
    group = probes.describe(aws)
    cluster = aws.elasticache.describe_cache_clusters(CacheClusterId="main-001")["CacheClusters"][0]
    assert (group["CacheNodeType"], group["SnapshotRetentionLimit"], group["SnapshotWindow"]) == \
        ("cache.t3.small", 5, "05:00-06:00")
    assert group["AutomaticFailover"] == "enabled" and group["PendingModifiedValues"] == {}
    assert cluster["PreferredMaintenanceWindow"] == "tue:03:00-tue:04:00"
    assert cluster["CacheParameterGroup"]["CacheParameterGroupName"] == "queue"
    assert [g["SecurityGroupId"] for g in cluster["SecurityGroups"]] == [other_group]


def test_node_type_without_apply_immediately_stays_pending(aws, emulator):
    probes.network(aws)
    probes.create(aws)
    probes.statuses_until(aws, "available")
    answer = aws.elasticache.modify_replication_group(ReplicationGroupId="main", CacheNodeType="cache.t3.small",
                                                      ApplyImmediately=False)["ReplicationGroup"]
    assert answer["Status"] == "available" and answer["CacheNodeType"] == "cache.t3.micro"
    cluster = aws.elasticache.describe_cache_clusters(CacheClusterId="main-001")["CacheClusters"][0]
    assert cluster["PendingModifiedValues"] == {"CacheNodeType": "cache.t3.small"}


def test_replica_count_changes_through_modifying(aws, emulator):
    probes.network(aws)
    probes.create(aws)
    probes.statuses_until(aws, "available")
    aws.elasticache.increase_replica_count(ReplicationGroupId="main", NewReplicaCount=2, ApplyImmediately=True)
    assert probes.statuses_until(aws, "available") == ["modifying", "available"]
    assert probes.describe(aws)["MemberClusters"] == ["main-001", "main-002", "main-003"]
    aws.elasticache.decrease_replica_count(ReplicationGroupId="main", NewReplicaCount=1, ApplyImmediately=True)
    probes.statuses_until(aws, "available")
    assert len(probes.describe(aws)["MemberClusters"]) == 2


def test_modify_while_modifying_is_refused(aws, emulator):
    probes.network(aws)
    probes.create(aws)
    probes.statuses_until(aws, "available")
    aws.elasticache.modify_replication_group(ReplicationGroupId="main", SnapshotRetentionLimit=3,
                                             ApplyImmediately=True)
    with pytest.raises(ClientError) as excinfo:
        aws.elasticache.modify_replication_group(ReplicationGroupId="main", SnapshotRetentionLimit=4)
    assert probes.code(excinfo) == "InvalidReplicationGroupState"


# --- validation --------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["short-token", "has@at-sign-in-it-1234", 'quote"in-the-token-1234', "x" * 129])
def test_bad_auth_tokens_are_refused(aws, emulator, token):
    probes.network(aws)
    with pytest.raises(ClientError) as excinfo:
        probes.create(aws, TransitEncryptionEnabled=True, AuthToken=token)
    assert probes.code(excinfo) == "InvalidParameterValue"
    assert "AuthToken" in excinfo.value.response["Error"]["Message"]


def test_auth_token_requires_transit_encryption(aws, emulator):
    probes.network(aws)
    with pytest.raises(ClientError) as excinfo:
        probes.create(aws, AuthToken=probes.TOKEN)
    assert probes.code(excinfo) == "InvalidParameterValue"
    assert "encryption-in-transit" in excinfo.value.response["Error"]["Message"]


@pytest.mark.parametrize("group_id", ["bad--id", "1starts-with-digit", "ends-with-hyphen-", "a" * 41, "under_score"])
def test_bad_replication_group_ids_are_refused(aws, emulator, group_id):
    probes.network(aws)
    with pytest.raises(ClientError) as excinfo:
        probes.create(aws, group_id)
    assert probes.code(excinfo) == "InvalidParameterValue"


@pytest.mark.parametrize("overrides, code", [
    ({"AutomaticFailoverEnabled": True}, "InvalidParameterCombination"),
    ({"NumCacheClusters": 2, "MultiAZEnabled": True}, "InvalidParameterCombination"),
    ({"CacheNodeType": "bogus.type"}, "InvalidParameterValue"),
    ({"SnapshotRetentionLimit": 40}, "InvalidParameterValue"),
    ({"SnapshotWindow": "5:00-6:00"}, "InvalidParameterValue"),
    ({"SnapshotWindow": "05:00-05:30"}, "InvalidParameterValue"),
    ({"PreferredMaintenanceWindow": "funday:01:00-funday:02:00"}, "InvalidParameterValue"),
    ({"SnapshotWindow": "03:00-04:00", "PreferredMaintenanceWindow": "mon:03:30-mon:04:30"},
     "InvalidParameterCombination"),
    ({"CacheSubnetGroupName": "missing"}, "CacheSubnetGroupNotFoundFault"),
    ({"SecurityGroupIds": ["sg-00000000000000000"]}, "InvalidParameterValue"),
    ({"CacheParameterGroupName": "missing"}, "CacheParameterGroupNotFound"),
    ({"EngineVersion": "5.0.6"}, "InvalidParameterValue"),
    ({"NumCacheClusters": 7}, "InvalidParameterValue"),
])
def test_invalid_creates_are_refused_with_aws_codes(aws, emulator, overrides, code):
    probes.network(aws)
    with pytest.raises(ClientError) as excinfo:
        probes.create(aws, **overrides)
    assert probes.code(excinfo) == code
    assert not aws.elasticache.describe_replication_groups()["ReplicationGroups"]


def test_duplicate_id_is_refused(aws, emulator):
    probes.network(aws)
    probes.create(aws)
    with pytest.raises(ClientError) as excinfo:
        probes.create(aws)
    assert probes.code(excinfo) == "ReplicationGroupAlreadyExistsFault"


def _signed_query(emulator, form: dict, service="elasticache"):
    """A request botocore's client would refuse to send: signed by hand, like any other caller could."""
    body = urllib.parse.urlencode(form)
    request = botocore.awsrequest.AWSRequest(method="POST", url=emulator.endpoint + "/", data=body,
                                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials("testing", "testing"), service,
                            "us-east-1").add_auth(request)
    prepared = request.prepare()
    return botocore.httpsession.URLLib3Session().send(prepared)


@pytest.mark.parametrize("extra, code", [
    ({"NotAParameter": "x"}, "InvalidParameterValue"),
    ({"ClusterMode": "sideways"}, "InvalidParameterValue"),
    ({"NumCacheClusters": "two"}, "InvalidParameterValue"),
    ({}, "MissingParameter"),
])
def test_requests_are_checked_against_the_botocore_model(emulator, extra, code):
    form = {"Action": "CreateReplicationGroup", "Version": "2015-02-02", "ReplicationGroupId": "raw", **extra}
    if extra:
        form["ReplicationGroupDescription"] = "d"
    answer = _signed_query(emulator, form)
    assert answer.status_code == 400
    assert f"<Code>{code}</Code>" in answer.text


# --- subnet and parameter groups ---------------------------------------------------------------------


def test_subnet_groups_modify_and_delete(aws, emulator):
    subnets = probes.network(aws)[1]
    answer = aws.elasticache.modify_cache_subnet_group(CacheSubnetGroupName="redis-subnets", SubnetIds=subnets[:3],
                                                       CacheSubnetGroupDescription="three")["CacheSubnetGroup"]
    assert len(answer["Subnets"]) == 3 and answer["CacheSubnetGroupDescription"] == "three"
    probes.create(aws)
    with pytest.raises(ClientError) as excinfo:
        aws.elasticache.delete_cache_subnet_group(CacheSubnetGroupName="redis-subnets")
    assert probes.code(excinfo) == "CacheSubnetGroupInUse"
    probes.statuses_until(aws, "available")
    aws.elasticache.delete_replication_group(ReplicationGroupId="main")
    probes.statuses_until(aws, "gone")
    aws.elasticache.delete_cache_subnet_group(CacheSubnetGroupName="redis-subnets")
    with pytest.raises(ClientError) as excinfo:
        aws.elasticache.describe_cache_subnet_groups(CacheSubnetGroupName="redis-subnets")
    assert probes.code(excinfo) == "CacheSubnetGroupNotFoundFault"


def test_subnet_group_refuses_unknown_subnets(aws, emulator):
    with pytest.raises(ClientError) as excinfo:
        aws.elasticache.create_cache_subnet_group(CacheSubnetGroupName="x", CacheSubnetGroupDescription="d",
                                                  SubnetIds=["subnet-0000000000"])
    assert probes.code(excinfo) == "InvalidSubnet"


@pytest.mark.parametrize("family", ["redis6.x", "redis7", "valkey7", "valkey8"])
def test_parameter_group_lifecycle(aws, emulator, family):
    ec = aws.elasticache
    ec.create_cache_parameter_group(CacheParameterGroupName="pg", CacheParameterGroupFamily=family, Description="d")
    paginator = ec.get_paginator("describe_cache_parameters")
    pages = list(paginator.paginate(CacheParameterGroupName="pg", PaginationConfig={"PageSize": 20}))
    assert len(pages) > 1  # the collection has to paginate
    values = {p["ParameterName"]: p["ParameterValue"] for page in pages for p in page["Parameters"]}
    assert values["maxmemory-policy"] == "volatile-lru"
    ec.modify_cache_parameter_group(CacheParameterGroupName="pg", ParameterNameValues=[
        {"ParameterName": "maxmemory-policy", "ParameterValue": "noeviction"}])
    user = ec.describe_cache_parameters(CacheParameterGroupName="pg", Source="user")["Parameters"]
    assert [(p["ParameterName"], p["ParameterValue"]) for p in user] == [("maxmemory-policy", "noeviction")]
    ec.reset_cache_parameter_group(CacheParameterGroupName="pg", ResetAllParameters=True)
    assert ec.describe_cache_parameters(CacheParameterGroupName="pg", Source="user")["Parameters"] == []
    ec.delete_cache_parameter_group(CacheParameterGroupName="pg")
    with pytest.raises(ClientError) as excinfo:
        ec.describe_cache_parameter_groups(CacheParameterGroupName="pg")
    assert probes.code(excinfo) == "CacheParameterGroupNotFound"


@pytest.mark.parametrize("name, value", [("maxmemory-policy", "sometimes"), ("no-such-parameter", "1"),
                                         ("maxclients", "10"), ("maxmemory-samples", "zero")])
def test_parameter_values_are_validated(aws, emulator, name, value):
    aws.elasticache.create_cache_parameter_group(CacheParameterGroupName="pg", CacheParameterGroupFamily="redis7",
                                                 Description="d")
    with pytest.raises(ClientError) as excinfo:
        aws.elasticache.modify_cache_parameter_group(CacheParameterGroupName="pg", ParameterNameValues=[
            {"ParameterName": name, "ParameterValue": value}])
    assert probes.code(excinfo) == "InvalidParameterValue"


def test_default_parameter_groups_are_read_only(aws, emulator):
    with pytest.raises(ClientError) as excinfo:
        aws.elasticache.modify_cache_parameter_group(CacheParameterGroupName="default.redis7", ParameterNameValues=[
            {"ParameterName": "maxmemory-policy", "ParameterValue": "noeviction"}])
    assert probes.code(excinfo) == "InvalidCacheParameterGroupState"


def test_engine_versions_are_described(aws, emulator):
    pages = aws.elasticache.get_paginator("describe_cache_engine_versions").paginate(Engine="valkey")
    versions = [v["EngineVersion"] for page in pages for v in page["CacheEngineVersions"]]
    assert versions == ["7.2", "8.0", "8.1"]


# --- the Redis endpoints -----------------------------------------------------------------------------


def test_endpoint_answers_pong_over_verified_tls_with_auth(aws, emulator):
    probes.network(aws)
    group = probes.create(aws, NumCacheClusters=2, TransitEncryptionEnabled=True, AuthToken=probes.TOKEN)
    probes.statuses_until(aws, "available")
    primary = group["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    reader = group["NodeGroups"][0]["ReaderEndpoint"]["Address"]
    assert probes.ping(emulator, primary, probes.TOKEN) == "PONG"
    assert probes.ping(emulator, reader, probes.TOKEN) == "PONG"
    assert "NOAUTH" in probes.ping(emulator, primary) or probes.ping(emulator, primary) == ""
    assert probes.ping(emulator, primary, probes.TOKEN, tls=False) != "PONG"


def test_endpoint_without_transit_encryption_is_plain_tcp(aws, emulator):
    probes.network(aws)
    group = probes.create(aws)
    probes.statuses_until(aws, "available")
    assert probes.ping(emulator, group["NodeGroups"][0]["PrimaryEndpoint"]["Address"], tls=False) == "PONG"


def test_parameter_group_settings_reach_redis(aws, emulator):
    probes.network(aws)
    ec = aws.elasticache
    ec.create_cache_parameter_group(CacheParameterGroupName="queue", CacheParameterGroupFamily="redis7",
                                    Description="q")
    group = probes.create(aws, TransitEncryptionEnabled=True, AuthToken=probes.TOKEN, CacheParameterGroupName="queue")
    host = group["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    probes.statuses_until(aws, "available")
    # CONFIG is a restricted command on ElastiCache: a client reads the policy from INFO, as BullMQ does.
    client = probes.client(emulator, host)
    assert client.info("memory")["maxmemory_policy"] == "volatile-lru"
    ec.modify_cache_parameter_group(CacheParameterGroupName="queue", ParameterNameValues=[
        {"ParameterName": "maxmemory-policy", "ParameterValue": "noeviction"}])
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if client.info("memory")["maxmemory_policy"] == "noeviction":
            break
        time.sleep(0.1)
    assert client.info("memory")["maxmemory_policy"] == "noeviction"


# --- request log and faults --------------------------------------------------------------------------


def test_request_log_counts_calls_and_masks_secrets(aws, emulator):
    probes.network(aws)
    probes.create(aws, TransitEncryptionEnabled=True, AuthToken=probes.TOKEN)
    entries = emulator.requests()
    create = [e for e in entries if e["operation"] == "CreateReplicationGroup"][0]
    assert create["mutating"] is True and create["params"]["AuthToken"] == "***"
    assert probes.TOKEN not in str(entries)
    assert {e["operation"] for e in emulator.requests(mutating_only=True)} == {
        "CreateSecurityGroup", "CreateCacheSubnetGroup", "CreateReplicationGroup"}


def test_request_log_covers_every_service(aws, emulator):
    """One read and one change per service: each is logged with its service and the right mutating flag."""
    topic = aws.client("sns").create_topic(Name="alarms")["TopicArn"]
    aws.client("sns").list_topics()
    aws.client("sts").get_caller_identity()
    aws.ec2.describe_vpcs()
    aws.ec2.create_security_group(GroupName="logged", Description="d")
    aws.elasticache.describe_replication_groups()
    aws.elasticache.create_cache_parameter_group(CacheParameterGroupName="logged", CacheParameterGroupFamily="redis7",
                                                 Description="d")
    aws.cloudwatch.put_metric_alarm(AlarmName="cpu", MetricName="CPUUtilization", Namespace="AWS/ElastiCache",
                                    Statistic="Average", Period=60, EvaluationPeriods=1, Threshold=90.0,
                                    ComparisonOperator="GreaterThanThreshold", AlarmActions=[topic])
    aws.cloudwatch.describe_alarms()
    aws.cloudwatch.delete_alarms(AlarmNames=["cpu"])
    aws.client("logs").create_log_group(logGroupName="/funmagic/slow-log")
    aws.client("logs").describe_log_groups()
    with pytest.raises(ClientError):
        aws.ec2.describe_security_groups(GroupIds=["sg-00000000000000000"])
    logged = [(e["service"], e["operation"], e["mutating"]) for e in emulator.requests()]
    assert logged == [
        ("sns", "CreateTopic", True), ("sns", "ListTopics", False), ("sts", "GetCallerIdentity", False),
        ("ec2", "DescribeVpcs", False), ("ec2", "CreateSecurityGroup", True),
        ("elasticache", "DescribeReplicationGroups", False), ("elasticache", "CreateCacheParameterGroup", True),
        ("cloudwatch", "PutMetricAlarm", True), ("cloudwatch", "DescribeAlarms", False),
        ("cloudwatch", "DeleteAlarms", True), ("logs", "CreateLogGroup", True), ("logs", "DescribeLogGroups", False),
        ("ec2", "DescribeSecurityGroups", False),
    ]
    assert emulator.requests()[-1]["error"] == "InvalidGroup.NotFound"  # moto's refusals are logged too
    alarm = [e for e in emulator.requests() if e["operation"] == "PutMetricAlarm"][0]
    assert alarm["params"]["AlarmActions"] == [topic]


def test_cloudwatch_errors_come_back_in_its_json_protocol(aws, emulator):
    emulator.call("faults", {"rate": 1.0, "kinds": ["Throttling"], "services": ["cloudwatch"]})
    with pytest.raises(ClientError) as excinfo:
        aws.cloudwatch.describe_alarms()
    assert probes.code(excinfo) == "Throttling"
    assert emulator.requests()[-1]["error"] == "Throttling"


def test_every_nth_call_of_each_service_fails(aws, emulator):
    """Each service counts its own calls: the 3rd and 6th requests of each fail (botocore retries them)."""
    emulator.call("faults", {"every": 3, "kinds": ["Throttling"], "services": ["elasticache", "cloudwatch"]})
    emulator.call("requests", method="DELETE")
    for _call in range(6):
        aws.elasticache.describe_cache_subnet_groups()
    for _call in range(6):
        aws.cloudwatch.describe_alarms()
    emulator.call("faults", {"every": 0})
    log = emulator.requests()
    assert [(e["service"], e["error"]) for e in log if e["error"]] == \
        [("elasticache", "Throttling")] * 2 + [("cloudwatch", "Throttling")] * 2
    assert [i for i, e in enumerate(e for e in log if e["service"] == "elasticache") if e["error"]] == [2, 5]


def test_fault_switch_throttles_and_retries_recover(aws, emulator, monkeypatch):
    # What is tested is that retries get through, not botocore's backoff: its sleeps (up to 20 s) are cut short.
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0.01)
    emulator.call("faults", {"rate": 1.0, "kinds": ["Throttling"], "services": ["elasticache"], "seed": 7})
    with pytest.raises(ClientError) as excinfo:
        aws.elasticache.describe_replication_groups()
    assert probes.code(excinfo) == "Throttling"
    emulator.call("faults", {"rate": 0.5, "kinds": ["Throttling", "ServiceUnavailable"], "seed": 7})
    import boto3  # pylint: disable=import-outside-toplevel
    from botocore.config import Config  # pylint: disable=import-outside-toplevel

    retrying = boto3.client("elasticache", region_name="us-east-1", endpoint_url=emulator.endpoint,
                            config=Config(retries={"max_attempts": 10, "mode": "standard"}))
    answers = [retrying.describe_replication_groups()["ReplicationGroups"] for attempt in range(5)]
    assert answers == [[]] * 5  # every call got through despite the faults
    errors = [e["error"] for e in emulator.requests() if e["error"]]
    assert "Throttling" in errors and "ServiceUnavailable" in errors


# --- nothing left behind -----------------------------------------------------------------------------


def test_stop_leaves_no_process_and_no_hosts_entries(tmp_path, monkeypatch):
    port = 5700 + os.getpid() % 50
    # Without the session fixture's environment boto3 would look for credentials at 169.254.169.254.
    for key, value in environment(f"http://127.0.0.1:{port}").items():
        monkeypatch.setenv(key, value)
    # Its own block: the session's + 100, which no session emulator (nor xdist worker's, tests/conftest.py) uses.
    block = int(os.environ.get("FUNMAGIC_ADDRESS_BLOCK", "2")) + 100
    args = [sys.executable, "-m", "tests.emulator", "--state-dir", str(tmp_path), "--port", str(port),
            "--address-block", str(block), "--create-seconds", "0.1"]
    subprocess.run(args[:3] + ["start"] + args[3:], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    try:
        import boto3  # pylint: disable=import-outside-toplevel

        ec = boto3.client("elasticache", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{port}")
        ec.create_replication_group(ReplicationGroupId="leftover", ReplicationGroupDescription="d",
                                    CacheNodeType="cache.t3.micro", TransitEncryptionEnabled=True)
        deadline = time.monotonic() + 10
        pids = {}
        while time.monotonic() < deadline and not pids:
            import json  # pylint: disable=import-outside-toplevel
            import urllib.request  # pylint: disable=import-outside-toplevel

            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_emulator/state") as answer:
                pids = json.load(answer)["redis_pids"]
            time.sleep(0.1)
        assert pids, "the emulator never started the group's redis-server"
    finally:
        subprocess.run(args[:3] + ["stop"] + args[3:], cwd=ROOT, check=True)
    for pid in pids.values():
        assert not os.path.exists(f"/proc/{pid}"), f"redis-server {pid} outlived the emulator"
    with open("/etc/hosts", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    # The session's emulator (and other sessions') keep blocks of their own there: only this one's must be gone.
    assert not [line for line in lines if re.search(rf"emulator {port}\b", line) or ".leftover." in line]
