"""The modules' client: retries for throttling and transitional states, one error naming the operation."""

from __future__ import annotations

from unittest import mock

import pytest
from botocore import xform_name

from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import Client
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import ElastiCacheError
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import TRANSITIONAL_STATES
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import delete_if_present
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import ensure_tags
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import find
from tests.unit.plugins.modules.fake_aws import FakeAWS, tags, unreachable

GROUP = {"ReplicationGroupId": "main", "Status": "available"}


def client(fake):
    return Client(fake.client("elasticache"))


@pytest.fixture(autouse=True)
def no_sleep():
    with mock.patch("time.sleep") as sleep:
        yield sleep


# The least each operation accepts, so that botocore's validation passes.
MINIMAL = {
    "ModifyReplicationGroup": {"ReplicationGroupId": "main"},
    "IncreaseReplicaCount": {"ReplicationGroupId": "main", "ApplyImmediately": True},
    "DecreaseReplicaCount": {"ReplicationGroupId": "main", "ApplyImmediately": True},
    "ModifyReplicationGroupShardConfiguration": {"ReplicationGroupId": "main", "NodeGroupCount": 3,
                                                 "ApplyImmediately": True},
    "DeleteReplicationGroup": {"ReplicationGroupId": "main"},
    "AddTagsToResource": {"ResourceName": "arn:x", "Tags": []},
    "RemoveTagsFromResource": {"ResourceName": "arn:x", "TagKeys": []},
    "DeleteCacheParameterGroup": {"CacheParameterGroupName": "pg"},
    "DeleteCacheSubnetGroup": {"CacheSubnetGroupName": "sn"},
    "ModifyUser": {"UserId": "app-web", "AccessString": "on ~app:* +@read"},
    "DeleteUser": {"UserId": "app-web"},
    "ModifyUserGroup": {"UserGroupId": "app", "UserIdsToAdd": ["app-web"]},
    "DeleteUserGroup": {"UserGroupId": "app"},
    "ModifyServerlessCache": {"ServerlessCacheName": "queue"},
    "DeleteServerlessCache": {"ServerlessCacheName": "queue"},
    "ModifyGlobalReplicationGroup": {"GlobalReplicationGroupId": "ldgnf-orders", "ApplyImmediately": True},
    "FailoverGlobalReplicationGroup": {"GlobalReplicationGroupId": "ldgnf-orders", "PrimaryRegion": "us-west-2",
                                       "PrimaryReplicationGroupId": "orders"},
    "DisassociateGlobalReplicationGroup": {"GlobalReplicationGroupId": "ldgnf-orders", "ReplicationGroupId": "orders",
                                           "ReplicationGroupRegion": "us-west-2"},
    "DeleteGlobalReplicationGroup": {"GlobalReplicationGroupId": "ldgnf-orders", "RetainPrimaryReplicationGroup": True},
    "DescribeReplicationGroups": {},
}


@pytest.mark.parametrize("operation, code", [(op, code) for op, codes in sorted(TRANSITIONAL_STATES.items())
                                             for code in codes] + [("DescribeReplicationGroups", "Throttling")])
def test_transitional_states_and_throttling_are_retried(operation, code, no_sleep):
    fake = FakeAWS({operation: [code, code, {}]})
    getattr(client(fake), xform_name(operation))(**MINIMAL[operation])
    assert fake.operations().count(operation) == 3 and no_sleep.call_count == 2


def test_a_transitional_state_of_another_operation_is_not_retried():
    fake = FakeAWS({"CreateReplicationGroup": "InvalidReplicationGroupState"})
    with pytest.raises(ElastiCacheError):
        client(fake).create_replication_group(ReplicationGroupId="main", ReplicationGroupDescription="d")
    assert fake.operations() == ["CreateReplicationGroup"]


def test_the_error_names_operation_and_resource_but_never_the_token():
    fake = FakeAWS({"ModifyReplicationGroup": "InvalidParameterValue"})
    with pytest.raises(ElastiCacheError) as excinfo:
        client(fake).modify_replication_group(ReplicationGroupId="main", AuthToken="Sup3r-Secret-Token-123",
                                              AuthTokenUpdateStrategy="ROTATE", ApplyImmediately=True)
    assert excinfo.value.message == "ModifyReplicationGroup failed for ReplicationGroupId=main"
    assert "Sup3r" not in str(excinfo.value)


@pytest.mark.parametrize("operation, named", [("ModifyUser", "UserId=app-web"), ("DeleteUserGroup", "UserGroupId=app")])
def test_the_error_names_the_user_or_user_group_but_never_a_password(operation, named):
    fake = FakeAWS({operation: "InvalidParameterValue"})
    params = dict(MINIMAL[operation], Passwords=["User-Password-0000001"]) if operation == "ModifyUser" else \
        MINIMAL[operation]
    with pytest.raises(ElastiCacheError) as excinfo:
        getattr(client(fake), xform_name(operation))(**params)
    assert excinfo.value.message == "%s failed for %s" % (operation, named)
    assert "User-Password" not in str(excinfo.value)


def test_a_botocore_error_of_a_paginated_call_names_the_operation():
    fake = FakeAWS({"DescribeCacheClusters": unreachable()})
    with pytest.raises(ElastiCacheError) as excinfo:
        client(fake).paginate("describe_cache_clusters", "CacheClusters")
    assert excinfo.value.message == "DescribeCacheClusters failed"


def test_find_returns_none_only_for_the_not_found_code():
    fake = FakeAWS({"DescribeReplicationGroups": "ReplicationGroupNotFoundFault"})
    assert find(client(fake), "describe_replication_groups", "ReplicationGroups", "ReplicationGroupNotFoundFault",
                ReplicationGroupId="main") is None
    fake = FakeAWS({"DescribeReplicationGroups": "AccessDenied"})
    with pytest.raises(ElastiCacheError):
        find(client(fake), "describe_replication_groups", "ReplicationGroups", "ReplicationGroupNotFoundFault")


def test_a_wait_that_times_out_says_what_it_waited_for():
    fake = FakeAWS({"DescribeReplicationGroups": {"ReplicationGroups": [dict(GROUP, Status="creating")]}})
    with pytest.raises(ElastiCacheError) as excinfo:
        client(fake).wait("replication_group_available", 2, 1, "replication group main to be available",
                          ReplicationGroupId="main")
    assert excinfo.value.message == "Timed out after 2s waiting for replication group main to be available"


def test_only_operations_are_reachable():
    with pytest.raises(AttributeError):
        client(FakeAWS()).get_waiter  # pylint: disable=expression-not-assigned


@pytest.mark.parametrize("check_mode", [True, False])
def test_ensure_tags_returns_the_tags_afterwards_and_changes_only_outside_check_mode(check_mode):
    fake = FakeAWS({"AddTagsToResource": tags(), "RemoveTagsFromResource": tags()})
    changed, after = ensure_tags(client(fake), "arn:x", {"Keep": "2", "New": "3"}, True, check_mode,
                                 {"Old": "1", "Keep": "2"})
    assert changed is True and after == {"Keep": "2", "New": "3"}
    assert fake.operations() == ([] if check_mode else ["RemoveTagsFromResource", "AddTagsToResource"])


def test_unmanaged_tags_are_not_even_read_and_managed_ones_read_once():
    fake = FakeAWS({"ListTagsForResource": tags(Keep="2")})
    assert ensure_tags(client(fake), "arn:x", None, True, False) == (False, None)
    assert ensure_tags(client(fake), "arn:x", {"Keep": "2"}, False, False) == (False, {"Keep": "2"})
    assert fake.operations() == ["ListTagsForResource"]


def test_delete_if_present_deletes_once_and_reports_the_diff():
    fake = FakeAWS({"DeleteCacheSubnetGroup": {}})
    assert delete_if_present(client(fake), False, None, "sn", "delete_cache_subnet_group",
                             CacheSubnetGroupName="sn") == (False, {})
    changed, result = delete_if_present(client(fake), True, {"x": 1}, "sn", "delete_cache_subnet_group",
                                        CacheSubnetGroupName="sn")
    assert changed and fake.operations() == [] and result["diff"]["before"] == {"name": "sn"}
    delete_if_present(client(fake), False, {"x": 1}, "sn", "delete_cache_subnet_group", CacheSubnetGroupName="sn")
    assert fake.params("DeleteCacheSubnetGroup") == [{"CacheSubnetGroupName": "sn"}]
