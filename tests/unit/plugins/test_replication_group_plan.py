from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import create_parameters
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import current_state
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import plan

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
    assert "create a new group" in result["errors"][0]


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
