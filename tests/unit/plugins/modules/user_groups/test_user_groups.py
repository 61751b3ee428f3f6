"""user_groups: every group of a run in one execution, its default user checked by name before any change."""

from __future__ import annotations

from unittest import mock

import pytest

from ansible_collections.funmagic.elasticache.plugins.modules import user_groups
from tests.unit.plugins.modules.fake_aws import each_failure, fail_one
from tests.unit.plugins.modules.rbac_world import World, group, mutating, user

USERS = [user("app-queue-default", "default", "off -@all", passwords=0), user("app-queue-web", "web"),
         user("app-queue-admin", "admin")]
QUEUE = {"user_group_id": "app-queue", "engine": "redis", "user_ids": ["app-queue-web", "app-queue-default"],
         "instance": "queue"}
ARGS = {"user_groups": [QUEUE], "wait_delay": 3}


def with_group(*members, **kwargs):
    return World(USERS, [group("app-queue", members, **kwargs)])


def test_creates_a_group_with_its_users_and_tags_and_waits_until_active():
    fake = World(USERS).fake()
    failed, result = fake.run(user_groups.main, dict(ARGS, tags={"Environment": "test"}))
    assert not failed and result["changed"] is True, result
    assert fake.params("CreateUserGroup") == [{
        "UserGroupId": "app-queue", "Engine": "redis", "UserIds": ["app-queue-default", "app-queue-web"],
        "Tags": [{"Key": "Environment", "Value": "test"}]}]
    assert result["polls"] == ["app-queue=creating", "app-queue=active"] and fake.sleeps == [3]
    assert result["user_groups"][0]["user_group_id"] == "app-queue"
    assert result["user_groups"][0]["status"] == "active"
    assert result["diff"] == {"before": {"app-queue": {}},
                              "after": {"app-queue": {"engine": "redis",
                                                      "user_ids": ["app-queue-default", "app-queue-web"]}}}


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_rerun_changes_nothing_with_two_describes(check_mode):
    fake = with_group("app-queue-default", "app-queue-web").fake()
    failed, result = fake.run(user_groups.main, ARGS, check_mode=check_mode)
    assert not failed and result["changed"] is False and result["actions"] == {}
    assert fake.operations() == ["DescribeUserGroups", "DescribeUsers"]


def test_members_are_added_and_removed_in_one_modify():
    fake = with_group("app-queue-default", "app-queue-admin").fake()
    failed, result = fake.run(user_groups.main, ARGS)
    assert not failed and result["changed"] is True
    assert fake.params("ModifyUserGroup") == [{"UserGroupId": "app-queue", "UserIdsToAdd": ["app-queue-web"],
                                               "UserIdsToRemove": ["app-queue-admin"]}]
    assert result["actions"] == {"app-queue": ["add app-queue-web", "remove app-queue-admin"]}
    assert result["polls"] == ["app-queue=modifying", "app-queue=active"]


def test_pending_changes_count_as_done():
    world = with_group("app-queue-default", "app-queue-admin", status="modifying")
    world.groups["app-queue"]["PendingChanges"] = {"UserIdsToAdd": ["app-queue-web"],
                                                   "UserIdsToRemove": ["app-queue-admin"]}
    fake = world.fake()
    failed, result = fake.run(user_groups.main, ARGS)
    assert not failed and result["changed"] is False and mutating(fake) == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_check_mode_makes_no_mutating_call(check_mode):
    world = with_group("app-queue-default", "app-queue-admin")
    fake = world.fake()
    failed, result = fake.run(user_groups.main, dict(ARGS, tags={"Environment": "test"}), check_mode=check_mode)
    assert not failed and result["changed"] is True
    assert result["actions"] == {"app-queue": ["add app-queue-web", "remove app-queue-admin", "tags"]}
    assert (mutating(fake) == []) is check_mode


def test_a_group_without_a_user_named_default_is_refused_naming_it():
    fake = World(USERS).fake()
    failed, result = fake.run(user_groups.main, {"user_groups": [dict(QUEUE, user_ids=["app-queue-web"])]})
    assert failed and "user group app-queue: none of its users (app-queue-web) is named default" in result["msg"]
    assert mutating(fake) == []


def test_two_users_of_one_name_are_refused():
    world = World(USERS + [user("app-queue-web2", "web")])
    fake = world.fake()
    failed, result = fake.run(user_groups.main, {"user_groups": [dict(
        QUEUE, user_ids=["app-queue-default", "app-queue-web", "app-queue-web2"])]})
    assert failed and "several of its users are named web" in result["msg"] and mutating(fake) == []


def test_a_missing_user_is_refused_but_only_warned_in_check_mode():
    fake = World(USERS[1:]).fake()
    failed, result = fake.run(user_groups.main, ARGS)
    assert failed and "users app-queue-default do not exist; create them first" in result["msg"]
    assert mutating(fake) == []
    fake, warned = World(USERS[1:]).fake(), []
    with mock.patch.object(user_groups, "warn", warned.append):
        failed, result = fake.run(user_groups.main, ARGS, check_mode=True)
    assert not failed and result["changed"] is True and mutating(fake) == []
    assert warned and "app-queue-default do not exist yet" in warned[0]


@pytest.mark.parametrize("args, fragment", [
    ({"user_groups": [dict(QUEUE, user_group_id="bad--id")]}, "user_groups[0] (bad--id).user_group_id"),
    ({"user_groups": [QUEUE, QUEUE]}, "user_group_id is listed twice"),
    ({"user_groups": [dict(QUEUE, user_ids=["app-queue-web", "app-queue-web"])]}, "app-queue-web listed twice"),
])
def test_bad_input_is_refused_before_any_call(args, fragment):
    fake = World(USERS).fake()
    failed, result = fake.run(user_groups.main, args)
    assert failed and fragment in result["msg"] and fake.operations() == []


def test_absent_deletes_and_waits_until_gone_without_reading_users():
    fake = with_group("app-queue-default").fake()
    failed, result = fake.run(user_groups.main, {"user_groups": [{"user_group_id": "app-queue"}], "state": "absent",
                                                 "wait_delay": 1})
    assert not failed and result["changed"] is True
    assert fake.params("DeleteUserGroup") == [{"UserGroupId": "app-queue"}]
    assert result["polls"] == ["app-queue=deleting", "app-queue=gone"]
    assert "DescribeUsers" not in fake.operations()


def test_a_group_in_use_is_not_deleted():
    fake = with_group("app-queue-default", replication_groups=["app-queue"]).fake()
    failed, result = fake.run(user_groups.main, {"user_groups": [{"user_group_id": "app-queue"}], "state": "absent"})
    assert failed and "user group app-queue: is used by app-queue" in result["msg"] and mutating(fake) == []


def test_a_busy_group_is_retried():
    world = with_group("app-queue-default")
    fake = world.fake(ModifyUserGroup=["InvalidUserGroupState", world.modify_user_group])
    failed, result = fake.run(user_groups.main, dict(ARGS, wait=False))
    assert not failed and fake.operations().count("ModifyUserGroup") == 2


def test_a_busy_group_is_retried_before_its_deletion():
    world = with_group("app-queue-default")
    fake = world.fake(DeleteUserGroup=["InvalidUserGroupState", world.delete_user_group])
    failed, result = fake.run(user_groups.main, {"user_groups": [{"user_group_id": "app-queue"}], "state": "absent",
                                                 "wait": False})
    assert not failed and fake.operations().count("DeleteUserGroup") == 2


def test_tags_of_an_unchanged_group_change_alone_and_are_shown_in_the_diff():
    world = with_group("app-queue-default", "app-queue-web")
    world.tags[world.groups["app-queue"]["ARN"]] = [{"Key": "Environment", "Value": "old"}]
    fake = world.fake()
    failed, result = fake.run(user_groups.main, dict(ARGS, tags={"Environment": "test"}))
    assert not failed and result["changed"] is True and result["actions"] == {"app-queue": ["tags"]}
    assert mutating(fake) == ["AddTagsToResource"] and result["polls"] == []
    members = ["app-queue-default", "app-queue-web"]
    assert result["diff"] == {"before": {"app-queue": {"engine": "redis", "user_ids": members,
                                                       "tags": {"Environment": "old"}}},
                              "after": {"app-queue": {"engine": "redis", "user_ids": members,
                                                      "tags": {"Environment": "test"}}}}
    assert result["user_groups"][0]["tags"] == {"Environment": "test"}


def _existing(**answers):
    return with_group("app-queue-default", "app-queue-admin").fake(**answers)


FAILURES = {
    "DescribeUserGroups": (_existing, ARGS),
    "DescribeUsers": (_existing, ARGS),
    "ListTagsForResource": (_existing, dict(ARGS, tags={"Environment": "test"})),
    "AddTagsToResource": (_existing, dict(ARGS, tags={"Environment": "test"})),
    "CreateUserGroup": (lambda **answers: World(USERS).fake(**answers), ARGS),
    "ModifyUserGroup": (_existing, ARGS),
    "DeleteUserGroup": (_existing, {"user_groups": [{"user_group_id": "app-queue"}], "state": "absent"}),
}


@each_failure(FAILURES)
def test_every_aws_failure_is_reported_naming_the_operation(operation, error):
    fake, result = fail_one(user_groups.main, FAILURES, operation, error)
    if operation in ("CreateUserGroup", "ModifyUserGroup", "DeleteUserGroup"):
        assert "UserGroupId=app-queue" in result["msg"]
