"""The inputs action's describe step gives a serverless cache (kind serverless, as the resolved instance carries it)
its alarms beside the nodes' alarms of the groups that exist."""

from ansible_collections.funmagic.elasticache.plugins.action.inputs import ActionModule
from tests.unit.plugins.plugin_utils.models import check


def test_describe_adds_the_serverless_alarms_to_the_nodes_alarms():
    model = check(roles=["cache", "monitoring"], cache_instances=[{"name": "main"}],
                  cache_auth_tokens={"main": "Secret-Token-0123456789"})
    main = model["instances"][0]
    model["instances"].append({
        "name": "queue", "purpose": "queue", "kind": "serverless", "engine": "valkey", "engine_version": "8",
        "replication_group_id": "funmagic-queue", "auth": False, "access": "rbac",
        "usage_limits": {"data_storage": {"maximum": 10}, "ecpu_per_second": {"maximum": 5000}}})
    group = {"replication_group_id": main["replication_group_id"], "status": "available",
             "transit_encryption_enabled": True, "cluster_enabled": False, "cache_node_type": "cache.t3.micro",
             "member_clusters": [main["replication_group_id"] + "-001"],
             "primary_endpoint": {"address": "master.example", "port": 6379}}
    ActionModule._describe(model, ["monitoring"], [group])  # pylint: disable=protected-access
    names = sorted(a["name"] for a in model["alarms"])
    assert "funmagic-main-001-memory" in names
    assert [n for n in names if n.startswith("funmagic-queue-")] == [
        "funmagic-queue-connections", "funmagic-queue-data-storage", "funmagic-queue-ecpu",
        "funmagic-queue-throttled-commands"]
    assert all(a["dimensions"] == {"clusterId": "funmagic-queue"} for a in model["alarms"]
               if a["name"].startswith("funmagic-queue-"))
