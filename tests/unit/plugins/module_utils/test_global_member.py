"""global_member: the replication_group module's options for a secondary of a global datastore."""

from __future__ import annotations

from ansible_collections.funmagic.elasticache.plugins.module_utils import global_member


def test_options_that_come_from_the_primary_are_refused_each_named():
    params = {"global_replication_group_id": "ldgnf-orders", "auth_token": "x" * 16, "user_group_ids": ["a"],
              "primary_cluster_id": None, "snapshot_name": "s", "snapshot_arns": None}
    assert [e.split(" ")[0] for e in global_member.validate(params)] == ["auth_token", "user_group_ids",
                                                                         "snapshot_name"]
    assert global_member.validate(dict(params, global_replication_group_id=None)) == []


def test_a_secondary_request_names_the_datastore_and_leaves_the_engine_to_the_primary():
    request = {"ReplicationGroupId": "orders", "Engine": "redis", "NumCacheClusters": 2}
    desired = {"global_replication_group_id": "ldgnf-orders", "engine": None}
    assert global_member.secondary_request(request, desired) == {
        "ReplicationGroupId": "orders", "NumCacheClusters": 2, "GlobalReplicationGroupId": "ldgnf-orders"}
    assert global_member.secondary_request(request, dict(desired, engine="redis"))["Engine"] == "redis"
    assert global_member.secondary_request(request, {"global_replication_group_id": None}) is request


def test_an_existing_group_must_already_be_a_member():
    member = {"GlobalReplicationGroupInfo": {"GlobalReplicationGroupId": "ldgnf-orders",
                                             "GlobalReplicationGroupMemberRole": "SECONDARY"}}
    assert global_member.membership_errors(member, "ldgnf-orders") == []
    assert global_member.membership_errors({}, None) == []
    refused = global_member.membership_errors({}, "ldgnf-orders")
    assert "belongs to no global datastore, not to ldgnf-orders" in refused[0]
    assert "belongs to ldgnf-orders, not to sgaui-x" in global_member.membership_errors(member, "sgaui-x")[0]
