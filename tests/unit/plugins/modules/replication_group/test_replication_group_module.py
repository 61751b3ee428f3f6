"""replication_group: calls made, changes planned, and every AWS failure reported by fail_json_aws."""

from __future__ import annotations

import json

import pytest

from ansible_collections.funmagic.elasticache.plugins.modules import replication_group
from tests.unit.plugins.modules.fake_aws import FakeAWS, each_failure, fail_one, tags

TOKEN = "Sup3r-Secret-Token-123"
ARN = "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:main"
GROUP = {
    "ReplicationGroupId": "main", "Description": "main", "Status": "available", "ARN": ARN, "Engine": "redis",
    "MemberClusters": ["main-001", "main-002"], "CacheNodeType": "cache.t3.micro", "ClusterEnabled": False,
    "NodeGroups": [{"NodeGroupId": "0001", "Status": "available",
                    "PrimaryEndpoint": {"Address": "master.main.abc.use1.cache.amazonaws.com", "Port": 6379},
                    "ReaderEndpoint": {"Address": "replica.main.abc.use1.cache.amazonaws.com", "Port": 6379},
                    "NodeGroupMembers": [{"CacheClusterId": "main-001", "CurrentRole": "primary"},
                                         {"CacheClusterId": "main-002", "CurrentRole": "replica"}]}],
    "AutomaticFailover": "enabled", "MultiAZ": "enabled", "SnapshotRetentionLimit": 7,
    "SnapshotWindow": "03:00-04:00", "AuthTokenEnabled": True, "TransitEncryptionEnabled": True,
    "AtRestEncryptionEnabled": True, "AutoMinorVersionUpgrade": True,
}
CLUSTER = {
    "CacheClusterId": "main-001", "ReplicationGroupId": "main", "Engine": "redis", "EngineVersion": "7.1.0",
    "CacheClusterStatus": "available", "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
    "SecurityGroups": [{"SecurityGroupId": "sg-0123", "Status": "active"}],
    "CacheParameterGroup": {"CacheParameterGroupName": "main", "ParameterApplyStatus": "in-sync"},
    "CacheSubnetGroupName": "redis-subnets",
}
ARGS = {
    "replication_group_id": "main", "description": "main", "node_type": "cache.t3.micro", "engine_version": "7.1",
    "replicas": 1, "parameter_group": "main", "subnet_group": "redis-subnets", "security_group_ids": ["sg-0123"],
    "transit_encryption": True, "at_rest_encryption": True, "auth_token": TOKEN, "snapshot_retention_limit": 7,
    "snapshot_window": "03:00-04:00", "maintenance_window": "sun:05:00-sun:06:00", "tags": {"Environment": "test"},
    "wait_delay": 1,
}
SUBNET_GROUP = {"CacheSubnetGroupName": "redis-subnets", "VpcId": "vpc-1", "ARN": "arn:subnetgroup",
                "CacheSubnetGroupDescription": "d", "Subnets": []}


def existing(**answers):
    base = {
        "DescribeReplicationGroups": {"ReplicationGroups": [GROUP]},
        "DescribeCacheClusters": {"CacheClusters": [CLUSTER]},
        "ListTagsForResource": tags(Environment="test"),
        "ModifyReplicationGroup": {"ReplicationGroup": GROUP},
        "IncreaseReplicaCount": {"ReplicationGroup": GROUP},
        "DecreaseReplicaCount": {"ReplicationGroup": GROUP},
        "AddTagsToResource": tags(),
        "RemoveTagsFromResource": tags(),
        "DeleteReplicationGroup": {"ReplicationGroup": dict(GROUP, Status="deleting")},
        "DescribeCacheSubnetGroups": {"CacheSubnetGroups": [SUBNET_GROUP]},
        "DescribeSecurityGroups": {"SecurityGroups": [{"GroupName": "app-redis", "GroupId": "sg-0123"}]},
    }
    base.update(answers)
    return FakeAWS(base)


def absent(**answers):
    fake = existing(DescribeReplicationGroups=["ReplicationGroupNotFoundFault", {"ReplicationGroups": [GROUP]}],
                    CreateReplicationGroup={"ReplicationGroup": dict(GROUP, Status="creating")})
    fake.answers.update(answers)
    return fake


MUTATING = ("Create", "Modify", "Increase", "Decrease", "Delete", "Add", "Remove")


def mutations(fake):
    return [op for op in fake.operations() if op.startswith(MUTATING)]


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_rerun_that_changes_nothing_makes_three_calls(check_mode):
    fake = existing()
    failed, result = fake.run(replication_group.main, ARGS, check_mode)
    assert not failed and result["changed"] is False
    assert fake.operations() == ["DescribeReplicationGroups", "DescribeCacheClusters", "ListTagsForResource"]
    assert result["replication_group"]["tags"] == {"Environment": "test"}
    assert result["replication_group"]["engine_version"] == "7.1.0"


def test_security_group_names_are_looked_up_in_the_subnet_groups_vpc():
    fake = existing()
    failed, result = fake.run(replication_group.main, dict(ARGS, security_group_ids=["app-redis"]))
    assert not failed and result["changed"] is False
    assert fake.params("DescribeSecurityGroups") == [{"Filters": [
        {"Name": "group-name", "Values": ["app-redis"]}, {"Name": "vpc-id", "Values": ["vpc-1"]}]}]


def test_a_change_is_made_once_and_the_group_described_after_it():
    fake = existing()
    failed, result = fake.run(replication_group.main, dict(ARGS, snapshot_retention_limit=3))
    assert not failed and result["changed"] is True
    assert fake.params("ModifyReplicationGroup") == [
        {"ReplicationGroupId": "main", "ApplyImmediately": False, "SnapshotRetentionLimit": 3}]
    assert result["diff"] == {"before": {"snapshot_retention_limit": 7}, "after": {"snapshot_retention_limit": 3}}
    assert fake.operations().count("DescribeCacheClusters") == 2  # before, and after the change


def test_check_mode_reports_the_change_and_makes_none():
    fake = existing()
    failed, result = fake.run(replication_group.main, dict(ARGS, snapshot_retention_limit=3,
                                                           tags={"Environment": "test", "Team": "web"}), True)
    assert not failed and result["changed"] is True and mutations(fake) == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_tag_change_shows_in_the_diff(check_mode):
    fake = existing()
    failed, result = fake.run(replication_group.main, dict(ARGS, tags={"Environment": "prod"}), check_mode)
    assert not failed and result["changed"] is True
    assert result["diff"] == {"before": {"tags": {"Environment": "test"}}, "after": {"tags": {"Environment": "prod"}}}


def test_tags_are_read_once_and_returned_as_they_are_after_the_change():
    fake = existing()
    failed, result = fake.run(replication_group.main, dict(ARGS, tags={"Team": "web"}))
    assert not failed and result["changed"] is True
    assert fake.operations().count("ListTagsForResource") == 1
    assert fake.params("RemoveTagsFromResource") == [{"ResourceName": ARN, "TagKeys": ["Environment"]}]
    assert result["replication_group"]["tags"] == {"Team": "web"}


def test_create_sends_the_token_and_tags_and_never_returns_the_token():
    fake = absent()
    failed, result = fake.run(replication_group.main, ARGS)
    assert not failed and result["changed"] is True
    request = fake.params("CreateReplicationGroup")[0]
    assert request["AuthToken"] == TOKEN and request["NumCacheClusters"] == 2
    assert request["Tags"] == [{"Key": "Environment", "Value": "test"}]
    assert "ListTagsForResource" not in fake.operations()
    assert TOKEN not in json.dumps(result)


def test_check_mode_create_calls_nothing_that_changes():
    fake = absent()
    failed, result = fake.run(replication_group.main, ARGS, True)
    assert not failed and result["changed"] is True and mutations(fake) == []


def test_a_transitional_state_is_retried_until_the_group_accepts_the_change():
    fake = existing(ModifyReplicationGroup=["InvalidReplicationGroupState", {"ReplicationGroup": GROUP}])
    failed, result = fake.run(replication_group.main, dict(ARGS, snapshot_retention_limit=3))
    assert not failed and result["changed"] is True
    assert fake.operations().count("ModifyReplicationGroup") == 2 and len(fake.sleeps) >= 1


def test_other_errors_are_not_retried():
    fake = existing(ModifyReplicationGroup="InvalidParameterCombination")
    failed, result = fake.run(replication_group.main, dict(ARGS, snapshot_retention_limit=3))
    assert failed and fake.operations().count("ModifyReplicationGroup") == 1


def test_the_wait_that_never_ends_is_a_timeout_naming_the_group():
    fake = absent(DescribeReplicationGroups=["ReplicationGroupNotFoundFault",
                                             {"ReplicationGroups": [dict(GROUP, Status="creating")]}])
    failed, result = fake.run(replication_group.main, dict(ARGS, wait_timeout=3))
    assert failed and "Timed out after 3s waiting for replication group main to be available" in result["msg"]


SHARDED = dict(GROUP, ClusterEnabled=True, NodeGroups=[
    dict(GROUP["NodeGroups"][0], NodeGroupId=node_group_id) for node_group_id in ("0001", "0002")])
CLUSTER_ARGS = dict(ARGS, replicas=None, cluster_mode={"enabled": True, "num_node_groups": 2,
                                                       "replicas_per_node_group": 1})


@pytest.mark.parametrize("check_mode", [False, True])
def test_more_shards_and_replicas_on_a_cluster_mode_group_reshard_online(check_mode):
    fake = existing(DescribeReplicationGroups={"ReplicationGroups": [SHARDED]},
                    ModifyReplicationGroupShardConfiguration={"ReplicationGroup": SHARDED})
    args = dict(CLUSTER_ARGS, cluster_mode={"enabled": True, "num_node_groups": 4, "replicas_per_node_group": 2})
    failed, result = fake.run(replication_group.main, args, check_mode)
    assert not failed and result["changed"] is True
    assert result["diff"] == {"before": {"num_node_groups": 2, "replicas": 1},
                              "after": {"num_node_groups": 4, "replicas": 2}}
    if check_mode:
        assert mutations(fake) == []
    else:
        assert fake.params("IncreaseReplicaCount") == [
            {"ReplicationGroupId": "main", "NewReplicaCount": 2, "ApplyImmediately": True}]
        assert fake.params("ModifyReplicationGroupShardConfiguration") == [
            {"ReplicationGroupId": "main", "NodeGroupCount": 4, "ApplyImmediately": True}]


def test_fewer_shards_remove_the_highest_node_groups():
    fake = existing(DescribeReplicationGroups={"ReplicationGroups": [SHARDED]},
                    ModifyReplicationGroupShardConfiguration={"ReplicationGroup": SHARDED})
    args = dict(CLUSTER_ARGS, cluster_mode={"enabled": True, "num_node_groups": 1, "replicas_per_node_group": 1})
    failed, _result = fake.run(replication_group.main, args)
    assert not failed
    assert fake.params("ModifyReplicationGroupShardConfiguration") == [{
        "ReplicationGroupId": "main", "NodeGroupCount": 1, "ApplyImmediately": True, "NodeGroupsToRemove": ["0002"]}]


def test_the_same_shards_and_replicas_change_nothing():
    fake = existing(DescribeReplicationGroups={"ReplicationGroups": [SHARDED]})
    failed, result = fake.run(replication_group.main, CLUSTER_ARGS)
    assert not failed and result["changed"] is False and mutations(fake) == []


def test_deleting_waits_until_the_group_is_gone():
    fake = existing(DescribeReplicationGroups=[{"ReplicationGroups": [GROUP]}, "ReplicationGroupNotFoundFault"])
    failed, result = fake.run(replication_group.main, {"replication_group_id": "main", "state": "absent",
                                                       "skip_final_snapshot": True, "wait_delay": 1})
    assert not failed and result["changed"] is True
    assert fake.operations() == ["DescribeReplicationGroups", "DeleteReplicationGroup", "DescribeReplicationGroups"]


# operation that fails -> (how to reach it, args)
FAILURES = {
    "DescribeReplicationGroups": (existing, ARGS),
    "DescribeCacheClusters": (existing, ARGS),
    "ListTagsForResource": (existing, ARGS),
    "DescribeCacheSubnetGroups": (existing, dict(ARGS, security_group_ids=["app-redis"])),
    "DescribeSecurityGroups": (existing, dict(ARGS, security_group_ids=["app-redis"])),
    "CreateReplicationGroup": (absent, ARGS),
    "ModifyReplicationGroup": (existing, dict(ARGS, snapshot_retention_limit=3)),
    "IncreaseReplicaCount": (existing, dict(ARGS, replicas=2)),
    "DecreaseReplicaCount": (existing, dict(ARGS, replicas=0, automatic_failover=False, multi_az=False)),
    "ModifyReplicationGroupShardConfiguration": (
        lambda **answers: existing(**dict({"DescribeReplicationGroups": {"ReplicationGroups": [SHARDED]}}, **answers)),
        dict(CLUSTER_ARGS, cluster_mode={"enabled": True, "num_node_groups": 3, "replicas_per_node_group": 1})),
    "AddTagsToResource": (existing, dict(ARGS, tags={"Environment": "test", "Team": "web"})),
    "RemoveTagsFromResource": (existing, dict(ARGS, tags={})),
    "DeleteReplicationGroup": (existing, {"replication_group_id": "main", "state": "absent",
                                          "skip_final_snapshot": True}),
}


@each_failure(FAILURES)
def test_every_aws_failure_is_reported_naming_the_operation(operation, error):
    _fake, result = fail_one(replication_group.main, FAILURES, operation, error)
    assert TOKEN not in json.dumps(result)


def test_bad_options_are_refused_before_any_call():
    fake = existing()
    failed, result = fake.run(replication_group.main, dict(ARGS, snapshot_retention_limit=40, replicas=0,
                                                           automatic_failover=True))
    assert failed and "snapshot_retention_limit" in result["msg"] and "automatic_failover" in result["msg"]
    assert fake.calls == []


PARAMS = dict(dict.fromkeys((
    "description", "engine", "engine_version", "node_type", "port", "replicas", "num_cache_clusters", "cluster_mode",
    "automatic_failover", "multi_az", "parameter_group", "subnet_group", "at_rest_encryption", "kms_key_id",
    "transit_encryption", "transit_encryption_mode", "auth_token", "auth_token_update_strategy",
    "snapshot_retention_limit", "snapshot_window", "maintenance_window", "auto_minor_version_upgrade",
    "notification_topic_arn", "final_snapshot_identifier", "snapshot_name", "snapshot_arns", "primary_cluster_id",
    "log_delivery_configurations", "user_group_ids", "data_tiering", "network_type", "ip_discovery", "preferred_azs")),
    replication_group_id="Main", skip_final_snapshot=False)


def test_desired_options_resolve_replicas_from_every_spelling_and_default_failover():
    assert replication_group.desired_options(dict(PARAMS, num_cache_clusters=3))["replicas"] == 2
    cluster = replication_group.desired_options(dict(PARAMS, cluster_mode={
        "enabled": True, "num_node_groups": 2, "replicas_per_node_group": 1}))
    assert (cluster["replicas"], cluster["num_node_groups"], cluster["cluster_mode"]) == (1, 2, True)
    single = replication_group.desired_options(dict(PARAMS, replicas=0))
    assert single["automatic_failover"] is False and single["multi_az"] is False
    assert single["replication_group_id"] == "main"
    assert replication_group.desired_options(PARAMS)["automatic_failover"] is None  # unmanaged


@pytest.mark.parametrize("params, message", [
    ({"auth_token": TOKEN, "transit_encryption": False}, "auth_token needs transit_encryption"),
    ({"multi_az": True, "automatic_failover": False}, "multi_az needs automatic_failover"),
    ({"auth_token_update_strategy": "rotate"}, "auth_token_update_strategy rotate needs auth_token"),
    ({"final_snapshot_identifier": "final", "skip_final_snapshot": True}, "contradict"),
    ({"replicas": 0, "multi_az": True}, "multi_az needs at least one replica"),
])
def test_validate_names_the_option(params, message):
    params = dict(PARAMS, **params)
    errors = replication_group.validate(params, replication_group.desired_options(params))
    assert any(message in e for e in errors), errors
    assert not any(TOKEN in e for e in errors)


def test_validate_accepts_a_correct_group():
    params = dict(PARAMS, replicas=1, auth_token=TOKEN, transit_encryption=True, snapshot_retention_limit=7)
    assert replication_group.validate(params, replication_group.desired_options(params)) == []


def test_unmanaged_tags_cost_no_call():
    fake = existing()
    failed, result = fake.run(replication_group.main, dict(ARGS, tags=None))
    assert not failed and result["changed"] is False
    assert fake.operations() == ["DescribeReplicationGroups", "DescribeCacheClusters"]
    assert "tags" not in result["replication_group"]


SLOW_LOG = {"log_type": "slow-log", "log_group": "/elasticache/main"}
DESCRIBED_SLOW_LOG = {"LogType": "slow-log", "DestinationType": "cloudwatch-logs", "LogFormat": "json",
                      "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": "/elasticache/main"}},
                      "Status": "active"}


def with_logs(*configs):
    return {"ReplicationGroups": [dict(GROUP, LogDeliveryConfigurations=list(configs))]}


@pytest.mark.parametrize("check_mode", [False, True])
def test_log_delivery_is_added_applied_immediately_in_a_call_of_its_own(check_mode):
    fake = existing()
    failed, result = fake.run(replication_group.main, dict(ARGS, log_delivery_configurations=[SLOW_LOG]), check_mode)
    assert not failed and result["changed"] is True
    assert result["diff"]["after"]["log_delivery_configurations"] == [
        {"log_type": "slow-log", "log_format": "json", "destination_type": "cloudwatch-logs",
         "destination": "/elasticache/main"}]
    assert result["diff"]["before"]["log_delivery_configurations"] == []
    expected = [] if check_mode else [{"ReplicationGroupId": "main", "ApplyImmediately": True,
                                       "LogDeliveryConfigurations": [{
                                           "LogType": "slow-log", "DestinationType": "cloudwatch-logs",
                                           "DestinationDetails": {"CloudWatchLogsDetails": {
                                               "LogGroup": "/elasticache/main"}},
                                           "LogFormat": "json", "Enabled": True}]}]
    assert fake.params("ModifyReplicationGroup") == expected


def test_described_log_delivery_that_matches_changes_nothing():
    fake = existing(DescribeReplicationGroups=with_logs(DESCRIBED_SLOW_LOG))
    failed, result = fake.run(replication_group.main, dict(ARGS, log_delivery_configurations=[SLOW_LOG]))
    assert not failed and result["changed"] is False and mutations(fake) == []


def test_a_log_type_no_longer_listed_is_turned_off_and_a_changed_format_sent_again():
    engine_log = dict(DESCRIBED_SLOW_LOG, LogType="engine-log")
    fake = existing(DescribeReplicationGroups=with_logs(DESCRIBED_SLOW_LOG, engine_log))
    failed, result = fake.run(replication_group.main, dict(ARGS, log_delivery_configurations=[
        dict(SLOW_LOG, log_format="text")]))
    assert not failed and result["changed"] is True
    sent = fake.params("ModifyReplicationGroup")[0]["LogDeliveryConfigurations"]
    assert [(c["LogType"], c.get("LogFormat"), c["Enabled"]) for c in sent] == [
        ("slow-log", "text", True), ("engine-log", None, False)]


def test_log_delivery_joins_a_modify_that_applies_immediately_and_not_one_that_waits():
    args = dict(ARGS, log_delivery_configurations=[SLOW_LOG], snapshot_retention_limit=3)
    fake = existing()
    assert fake.run(replication_group.main, dict(args, apply_immediately=True))[0] is False
    assert [sorted(p) for p in fake.params("ModifyReplicationGroup")] == [
        ["ApplyImmediately", "LogDeliveryConfigurations", "ReplicationGroupId", "SnapshotRetentionLimit"]]
    fake = existing()
    assert fake.run(replication_group.main, args)[0] is False
    assert [(p["ApplyImmediately"], sorted(p)[1]) for p in fake.params("ModifyReplicationGroup")] == [
        (False, "ReplicationGroupId"), (True, "LogDeliveryConfigurations")]


def test_create_sends_log_delivery_and_restores_from_a_snapshot_without_a_node_type():
    fake = absent()
    args = dict(ARGS, node_type=None, snapshot_name="main-before", log_delivery_configurations=[SLOW_LOG])
    failed, result = fake.run(replication_group.main, args)
    assert not failed and result["changed"] is True
    request = fake.params("CreateReplicationGroup")[0]
    assert request["SnapshotName"] == "main-before" and "CacheNodeType" not in request
    assert request["LogDeliveryConfigurations"] == [{
        "LogType": "slow-log", "DestinationType": "cloudwatch-logs",
        "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": "/elasticache/main"}}, "LogFormat": "json"}]


def test_create_from_a_primary_cluster_sends_only_what_the_cluster_does_not_decide():
    fake = absent()
    failed, _result = fake.run(replication_group.main, dict(ARGS, primary_cluster_id="old-node"))
    assert not failed
    request = fake.params("CreateReplicationGroup")[0]
    assert request["PrimaryClusterId"] == "old-node" and request["NumCacheClusters"] == 2
    for taken_from_the_cluster in ("CacheNodeType", "Engine", "EngineVersion", "AuthToken", "AtRestEncryptionEnabled",
                                   "TransitEncryptionEnabled", "CacheSubnetGroupName", "SecurityGroupIds"):
        assert taken_from_the_cluster not in request
    assert mutations(fake) == ["CreateReplicationGroup"]  # the group took nothing that differs from the options


# Made around old-node: the group took the cluster's parameter group, security group and (no) token.
ADOPTED = dict(GROUP, AuthTokenEnabled=False, MemberClusters=["old-node", "main-002"])
ADOPTED_CLUSTER = dict(CLUSTER, CacheClusterId="old-node",
                       SecurityGroups=[{"SecurityGroupId": "sg-byhand", "Status": "active"}],
                       CacheParameterGroup={"CacheParameterGroupName": "default.redis7",
                                            "ParameterApplyStatus": "in-sync"})


def adopting(group=None, cluster=None):
    group = group or ADOPTED
    return absent(DescribeReplicationGroups=["ReplicationGroupNotFoundFault",
                                             {"ReplicationGroups": [dict(group, Status="creating")]},
                                             {"ReplicationGroups": [group]}],
                  DescribeCacheClusters={"CacheClusters": [cluster or ADOPTED_CLUSTER]},
                  CreateReplicationGroup={"ReplicationGroup": dict(group, Status="creating")})


def test_adopting_a_cluster_waits_for_the_group_then_changes_what_it_took_from_the_cluster():
    fake = adopting()
    args = dict(ARGS, primary_cluster_id="old-node", wait=False)  # as the cache role creates every group
    failed, result = fake.run(replication_group.main, args)
    assert not failed and result["changed"] is True
    operations = fake.operations()
    created, modified = operations.index("CreateReplicationGroup"), operations.index("ModifyReplicationGroup")
    assert operations[created + 1:modified].count("DescribeReplicationGroups") == 3  # creating, available, read
    assert len(fake.sleeps) >= 1
    assert fake.params("ModifyReplicationGroup") == [{
        "ReplicationGroupId": "main", "ApplyImmediately": False, "SecurityGroupIds": ["sg-0123"],
        "CacheParameterGroupName": "main", "AuthToken": TOKEN, "AuthTokenUpdateStrategy": "ROTATE"}]
    assert operations[modified + 1:].count("DescribeReplicationGroups") == 1  # described after, not waited for
    assert result["diff"]["before"] == {"state": "absent"}
    assert result["diff"]["after"]["parameter_group"] == "main"
    assert result["replication_group"]["replication_group_id"] == "main"
    assert TOKEN not in json.dumps(result)


@pytest.mark.parametrize("token_enabled, strategy, sent", [
    (True, None, None),  # the cluster's token: AWS never shows it, so it is kept
    (False, "set", "SET"),  # the task's own strategy wins
])
def test_an_adopted_groups_token_is_changed_only_as_for_an_existing_group(token_enabled, strategy, sent):
    fake = adopting(dict(ADOPTED, AuthTokenEnabled=token_enabled))
    args = dict(ARGS, primary_cluster_id="old-node", **({"auth_token_update_strategy": strategy} if strategy else {}))
    failed, _result = fake.run(replication_group.main, args)
    assert not failed
    assert fake.params("ModifyReplicationGroup")[0].get("AuthTokenUpdateStrategy") == sent


def test_check_mode_adoption_shows_the_groups_settings_and_neither_changes_nor_waits():
    fake = adopting()
    failed, result = fake.run(replication_group.main, dict(ARGS, primary_cluster_id="old-node"), True)
    assert not failed and result["changed"] is True and mutations(fake) == [] and fake.sleeps == []
    assert result["diff"]["after"]["parameter_group"] == "main"
    assert result["diff"]["after"]["primary_cluster_id"] == "old-node"


def test_an_adopted_cluster_in_another_subnet_group_fails_naming_the_choices():
    fake = adopting(cluster=dict(ADOPTED_CLUSTER, CacheSubnetGroupName="by-hand"))
    failed, result = fake.run(replication_group.main, dict(ARGS, primary_cluster_id="old-node", wait=False))
    assert failed and "subnet_group cannot be changed on an existing replication group" in result["msg"]
    assert "ModifyReplicationGroup" not in fake.operations()


def test_create_only_options_are_ignored_for_an_existing_group():
    fake = existing()
    failed, result = fake.run(replication_group.main, dict(ARGS, snapshot_name="other"))
    assert not failed and result["changed"] is False and mutations(fake) == []


@pytest.mark.parametrize("args, message", [
    ({"snapshot_name": "a", "primary_cluster_id": "b"}, "mutually exclusive"),
    ({"log_delivery_configurations": [SLOW_LOG, SLOW_LOG]}, "slow-log is listed more than once"),
    ({"log_delivery_configurations": [{"log_type": "slow-log"}]}, "log_group"),
    ({"log_delivery_configurations": [{"log_type": "engine-log", "destination_type": "kinesis-firehose"}]},
     "delivery_stream"),
    ({"primary_cluster_id": "b", "cluster_mode": {"enabled": True}}, "primary_cluster_id cannot be used"),
])
def test_bad_create_and_log_options_are_refused_before_any_call(args, message):
    fake = existing()
    failed, result = fake.run(replication_group.main, dict(ARGS, **args))
    assert failed and message in result["msg"] and fake.calls == []
