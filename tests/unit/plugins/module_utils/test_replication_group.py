import pytest

from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import create_parameters
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import MEMBER_FIELDS
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import current_state
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import group_result
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import plan
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import progress

GROUP = {
    "ReplicationGroupId": "main", "Description": "d", "Status": "available", "CacheNodeType": "cache.t3.micro",
    "MemberClusters": ["main-001", "main-002"], "AutomaticFailover": "enabled", "MultiAZ": "enabled",
    "SnapshotRetentionLimit": 7, "SnapshotWindow": "03:00-04:00", "ClusterEnabled": False, "Engine": "redis",
    "AuthTokenEnabled": True, "TransitEncryptionEnabled": True, "AtRestEncryptionEnabled": True,
    "AutoMinorVersionUpgrade": True,
    "NodeGroups": [{"NodeGroupMembers": [{}, {}], "PrimaryEndpoint": {"Address": "h", "Port": 6379}}],
}
CLUSTER = {"EngineVersion": "7.1.0", "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
           "SecurityGroups": [{"SecurityGroupId": "sg-2"}, {"SecurityGroupId": "sg-1"}],
           "CacheParameterGroup": {"CacheParameterGroupName": "pg"}, "CacheSubnetGroupName": "sn",
           "PendingModifiedValues": {}}
CURRENT = current_state(GROUP, CLUSTER)


def test_the_same_desired_state_plans_nothing():
    desired = {"description": "d", "node_type": "cache.t3.micro", "engine_version": "7.1", "replicas": 1,
               "automatic_failover": True, "multi_az": True, "security_group_ids": ["sg-1", "sg-2"],
               "parameter_group": "pg", "subnet_group": "sn", "snapshot_retention_limit": 7,
               "maintenance_window": "SUN:05:00-SUN:06:00", "at_rest_encryption": True, "transit_encryption": True,
               "port": 6379}
    result = plan(desired, CURRENT, auth_token="Sup3r-Secret-Token-123")
    assert (result["errors"], result["modify"], result["replicas"]) == ([], {}, None)


def test_only_differing_fields_are_modified():
    result = plan({"snapshot_retention_limit": 3, "node_type": "cache.t3.small", "description": "d"}, CURRENT)
    assert result["modify"] == {"SnapshotRetentionLimit": 3, "CacheNodeType": "cache.t3.small"}
    assert result["before"]["node_type"] == "cache.t3.micro" and result["after"]["node_type"] == "cache.t3.small"


def test_a_pending_node_type_counts_as_requested():
    cluster = dict(CLUSTER, PendingModifiedValues={"CacheNodeType": "cache.t3.small"})
    assert plan({"node_type": "cache.t3.small"}, current_state(GROUP, cluster))["modify"] == {}


def test_fields_fixed_at_creation_are_errors_not_ignored():
    result = plan({"at_rest_encryption": False, "subnet_group": "other"}, CURRENT)
    assert len(result["errors"]) == 2
    assert "at_rest_encryption cannot be changed" in result["errors"][0]
    assert "keep it as is (set at_rest_encryption to True, or leave it unset)" in result["errors"][0]
    assert "migrate through a snapshot" in result["errors"][0] and "snapshot_name" in result["errors"][0]


def test_removing_the_last_replica_modifies_failover_first():
    result = plan({"replicas": 0, "automatic_failover": False, "multi_az": False}, CURRENT)
    assert result["replicas"] == 0 and result["replicas_first"] is False
    assert result["modify"] == {"AutomaticFailoverEnabled": False, "MultiAZEnabled": False}


def test_adding_replicas_comes_before_enabling_failover():
    single = current_state(dict(GROUP, MemberClusters=["main-001"], AutomaticFailover="disabled", MultiAZ="disabled",
                                NodeGroups=[{"NodeGroupMembers": [{}]}]), CLUSTER)
    result = plan({"replicas": 2, "automatic_failover": True}, single)
    assert result["replicas"] == 2 and result["replicas_first"] is True


def test_auth_token_is_set_once_then_only_on_explicit_rotation():
    no_token = current_state(dict(GROUP, AuthTokenEnabled=False), CLUSTER)
    assert plan({}, no_token, auth_token="Sup3r-Secret-Token-123")["modify"] == {
        "AuthToken": "Sup3r-Secret-Token-123", "AuthTokenUpdateStrategy": "SET"}
    assert plan({}, CURRENT, auth_token="Sup3r-Secret-Token-123")["modify"] == {}
    rotate = plan({}, CURRENT, auth_token="An0ther-Secret-Token-4", auth_token_update_strategy="rotate")
    assert rotate["modify"]["AuthTokenUpdateStrategy"] == "ROTATE"
    assert "An0ther" not in str(rotate["before"]) + str(rotate["after"])


def test_create_parameters_for_cluster_mode_disabled():
    params = create_parameters({"replication_group_id": "main", "node_type": "cache.t3.micro", "replicas": 1,
                                "transit_encryption": True, "subnet_group": "sn", "at_rest_encryption": True},
                               "Sup3r-Secret-Token-123")
    assert params["NumCacheClusters"] == 2 and params["CacheSubnetGroupName"] == "sn"
    assert params["TransitEncryptionEnabled"] is True and params["AtRestEncryptionEnabled"] is True
    assert params["AuthToken"] == "Sup3r-Secret-Token-123" and "ClusterMode" not in params


SHARDED = dict(GROUP, ClusterEnabled=True, NodeGroups=[
    {"NodeGroupId": node_group_id, "NodeGroupMembers": [{}, {}]} for node_group_id in ("0001", "0002", "0003")])


def test_replicas_of_a_cluster_mode_group_change_for_every_shard():
    result = plan({"replicas": 2}, current_state(SHARDED, CLUSTER))
    assert result["errors"] == [] and result["replicas"] == 2 and result["replicas_first"] is True


@pytest.mark.parametrize("count, change", [
    (5, {"NodeGroupCount": 5, "ApplyImmediately": True}),
    (1, {"NodeGroupCount": 1, "ApplyImmediately": True, "NodeGroupsToRemove": ["0002", "0003"]}),
    (3, None),
])
def test_a_shard_count_change_of_a_cluster_mode_group_is_online_resharding(count, change):
    result = plan({"cluster_mode": True, "num_node_groups": count}, current_state(SHARDED, CLUSTER))
    assert result["errors"] == [] and result["shards"] == change
    if change:
        assert (result["before"]["num_node_groups"], result["after"]["num_node_groups"]) == (3, count)


def test_a_shard_count_without_cluster_mode_is_refused_with_the_choices():
    result = plan({"num_node_groups": 2}, CURRENT)
    assert result["shards"] is None
    assert "keep it at 1; or migrate through a snapshot" in result["errors"][0]


def test_group_result_flattens_the_group_and_its_first_member():
    result = group_result(GROUP, CLUSTER, {"Team": "web"})
    assert result["replication_group_id"] == "main" and result["primary_endpoint"] == {"address": "h", "port": 6379}
    assert result["engine_version"] == "7.1.0" and result["security_group_ids"] == ["sg-1", "sg-2"]
    assert result["replicas"] == 1 and result["tags"] == {"Team": "web"}


def test_group_result_without_member_or_tags_leaves_them_out():
    result = group_result(GROUP, None)
    assert "tags" not in result
    assert [result[k] for k in MEMBER_FIELDS] == [None] * len(MEMBER_FIELDS)


def test_progress_is_ready_only_when_every_group_is_available():
    groups = [{"replication_group_id": "a", "status": "available"}, {"replication_group_id": "b", "status": "modifying"}]
    assert progress(groups, ["a", "b"]) == {"ready": False, "failed": [], "summary": "a=available, b=modifying"}
    assert progress(groups, ["a"])["ready"] is True
    assert progress(groups)["summary"] == "a=available, b=modifying"


def test_progress_names_groups_that_will_never_be_available():
    groups = [{"replication_group_id": "a", "status": "create-failed"}, {"replication_group_id": "b", "status": "deleting"}]
    result = progress(groups, ["a", "b", "c"])
    assert result["failed"] == ["a", "b", "c"] and result["summary"].endswith("c=missing")


def test_user_groups_are_added_and_removed_in_place():
    rbac = current_state(dict(GROUP, AuthTokenEnabled=False, UserGroupIds=["main-old"]), CLUSTER)
    result = plan({"user_group_ids": ["main"]}, rbac)
    assert result["modify"] == {"UserGroupIdsToAdd": ["main"], "UserGroupIdsToRemove": ["main-old"]}
    assert plan({"user_group_ids": ["main-old"]}, rbac)["modify"] == {}
    assert plan({}, rbac)["modify"] == {}


def test_a_pending_user_group_change_counts_as_requested():
    pending = {"UserGroups": {"UserGroupIdsToAdd": ["main"], "UserGroupIdsToRemove": []}}
    group = dict(GROUP, AuthTokenEnabled=False, UserGroupIds=[], PendingModifiedValues=pending)
    assert plan({"user_group_ids": ["main"]}, current_state(group, CLUSTER))["modify"] == {}


def test_the_first_user_group_of_a_token_group_migrates_it_from_auth_to_rbac_in_one_call():
    result = plan({"user_group_ids": ["main"]}, CURRENT)
    assert result["modify"] == {"UserGroupIdsToAdd": ["main"], "AuthTokenUpdateStrategy": "DELETE"}
    assert result["after"]["auth_token_enabled"] is False


def test_create_parameters_with_user_groups():
    params = create_parameters({"replication_group_id": "main", "node_type": "cache.t3.micro",
                                "transit_encryption": True, "user_group_ids": ["main"]})
    assert params["UserGroupIds"] == ["main"] and "AuthToken" not in params


def test_tls_turned_on_for_an_existing_group_goes_through_preferred():
    plain = current_state(dict(GROUP, TransitEncryptionEnabled=False, AuthTokenEnabled=False), CLUSTER)
    for mode in (None, "required"):
        result = plan({"transit_encryption": True, "transit_encryption_mode": mode}, plain)
        assert result["modify"] == {"TransitEncryptionEnabled": True, "TransitEncryptionMode": "preferred"}
        assert result["after"]["transit_encryption_mode"] == "preferred"
    preferred = current_state(dict(GROUP, TransitEncryptionMode="preferred"), CLUSTER)
    assert plan({"transit_encryption": True}, preferred)["modify"] == {}
    assert plan({"transit_encryption": True, "transit_encryption_mode": "required"}, preferred)["modify"] == {
        "TransitEncryptionMode": "required"}
