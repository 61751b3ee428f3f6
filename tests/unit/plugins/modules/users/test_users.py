"""users: every user of a run in one execution; a change only where AWS differs, passwords never shown."""

from __future__ import annotations

import json
from unittest import mock

import pytest

from ansible_collections.funmagic.elasticache.plugins.modules import users
from tests.unit.plugins.modules.fake_aws import each_failure, fail_one
from tests.unit.plugins.modules.rbac_world import World, group, mutating, user

WEB_PASSWORD = "Web-Password-0000001"
NEXT_PASSWORD = "Web-Password-0000002"
WEB = {"user_id": "app-queue-web", "user_name": "web", "engine": "redis", "access_string": "on ~bull:* +@read"}
DEFAULT = {"user_id": "app-queue-default", "user_name": "default", "engine": "redis", "access_string": "off -@all",
           "no_password": True}
ARGS = {"users": [WEB, DEFAULT], "passwords": {"app-queue-web": [WEB_PASSWORD]}, "wait_delay": 2}


def existing_world(**changes):
    web = user("app-queue-web", "web", changes.get("access_string", "on ~bull:* +@read"),
               passwords=changes.get("passwords", 1))
    return World([web, user("app-queue-default", "default", "off -@all", passwords=0)])


def assert_no_password(result):
    text = json.dumps(result)
    assert WEB_PASSWORD not in text and NEXT_PASSWORD not in text


def test_creates_each_user_with_its_passwords_or_none_and_waits_until_active():
    world = World()
    fake = world.fake()
    failed, result = fake.run(users.main, dict(ARGS, tags={"Environment": "test"}))
    assert not failed and result["changed"] is True, result
    created = dict((p["UserId"], p) for p in fake.params("CreateUser"))
    assert created["app-queue-web"]["Passwords"] == [WEB_PASSWORD]
    assert "NoPasswordRequired" not in created["app-queue-web"]
    assert created["app-queue-default"]["NoPasswordRequired"] is True
    assert "Passwords" not in created["app-queue-default"]
    assert created["app-queue-web"]["Tags"] == [{"Key": "Environment", "Value": "test"}]
    assert result["actions"] == {"app-queue-web": ["create"], "app-queue-default": ["create"]}
    assert result["polls"] == ["app-queue-default=creating, app-queue-web=creating",
                               "app-queue-default=active, app-queue-web=active"]
    assert fake.sleeps == [2]
    assert [(u["user_id"], u["status"], u["authentication"]) for u in result["users"]] == [
        ("app-queue-web", "active", {"type": "password", "password_count": 1}),
        ("app-queue-default", "active", {"type": "no-password"})]
    assert_no_password(result)


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_rerun_changes_nothing_with_one_describe(check_mode):
    fake = existing_world().fake()
    failed, result = fake.run(users.main, ARGS, check_mode=check_mode)
    assert not failed and result["changed"] is False and result["actions"] == {}
    assert fake.operations() == ["DescribeUsers"]
    assert result["polls"] == [] and result["diff"] == {"before": {}, "after": {}}


def test_an_access_string_change_is_one_modify_without_passwords():
    fake = existing_world(access_string="on ~old:* +@read").fake()
    failed, result = fake.run(users.main, ARGS)
    assert not failed and result["changed"] is True
    assert fake.params("ModifyUser") == [{"UserId": "app-queue-web", "AccessString": "on ~bull:* +@read"}]
    assert result["actions"] == {"app-queue-web": ["access_string"]}
    assert result["diff"]["before"]["app-queue-web"]["access_string"] == "on ~old:* +@read"
    assert result["diff"]["after"]["app-queue-web"]["access_string"] == "on ~bull:* +@read"


def test_spaces_in_an_access_string_are_no_change():
    fake = existing_world(access_string="on  ~bull:*   +@read").fake()
    failed, result = fake.run(users.main, ARGS)
    assert not failed and result["changed"] is False


def test_on_create_cannot_see_a_new_password_of_the_same_count():
    fake = existing_world().fake()
    failed, result = fake.run(users.main, dict(ARGS, passwords={"app-queue-web": [NEXT_PASSWORD]}))
    assert not failed and result["changed"] is False and mutating(fake) == []


def test_always_sends_the_passwords_every_run_and_says_changed_without_showing_them():
    for check_mode in (True, False):
        fake = existing_world().fake()
        failed, result = fake.run(users.main, dict(ARGS, passwords={"app-queue-web": [NEXT_PASSWORD]},
                                                   update_password="always"), check_mode=check_mode)
        assert not failed and result["changed"] is True and result["actions"] == {"app-queue-web": ["passwords"]}
        assert result["diff"]["after"]["app-queue-web"]["authentication"]["passwords"] == "sent (never shown)"
        assert_no_password(result)
    assert fake.params("ModifyUser") == [{"UserId": "app-queue-web", "Passwords": [NEXT_PASSWORD]}]


def test_a_rotation_window_is_seen_from_the_password_count():
    fake = existing_world().fake()
    two = {"app-queue-web": [WEB_PASSWORD, NEXT_PASSWORD]}
    failed, result = fake.run(users.main, dict(ARGS, passwords=two))
    assert not failed and result["changed"] is True
    assert fake.params("ModifyUser") == [{"UserId": "app-queue-web", "Passwords": [WEB_PASSWORD, NEXT_PASSWORD]}]
    assert result["diff"]["before"]["app-queue-web"]["authentication"] == {"type": "password", "password_count": 1}
    assert result["diff"]["after"]["app-queue-web"]["authentication"]["password_count"] == 2
    fake = existing_world(passwords=2).fake()
    failed, result = fake.run(users.main, dict(ARGS, passwords={"app-queue-web": [NEXT_PASSWORD]}))
    assert not failed and fake.params("ModifyUser") == [{"UserId": "app-queue-web", "Passwords": [NEXT_PASSWORD]}]
    assert_no_password(result)


def test_a_user_left_out_of_passwords_keeps_its_own():
    fake = existing_world().fake()
    failed, result = fake.run(users.main, dict(ARGS, passwords={}, update_password="always"))
    assert not failed and result["changed"] is False and mutating(fake) == []


def test_from_password_to_none_and_back():
    fake = existing_world().fake()
    failed, result = fake.run(users.main, dict(ARGS, users=[dict(WEB, no_password=True), DEFAULT], passwords={}))
    assert not failed and fake.params("ModifyUser") == [{"UserId": "app-queue-web", "NoPasswordRequired": True}]
    world = World([user("app-queue-web", "web", "on ~bull:* +@read", passwords=0)])
    fake = world.fake()
    failed, result = fake.run(users.main, dict(ARGS, users=[WEB]))
    assert not failed and fake.params("ModifyUser") == [{"UserId": "app-queue-web", "Passwords": [WEB_PASSWORD],
                                                         "NoPasswordRequired": False}]
    assert result["actions"] == {"app-queue-web": ["authentication"]}


@pytest.mark.parametrize("check_mode", [False, True])
def test_check_mode_reports_every_change_and_makes_no_mutating_call(check_mode):
    world = World([user("app-queue-web", "web", "on ~old:* +@read"), user("app-queue-gone", "gone")])
    world.tags[world.users["app-queue-web"]["ARN"]] = [{"Key": "Environment", "Value": "old"}]
    fake = world.fake()
    failed, result = fake.run(users.main, dict(ARGS, tags={"Environment": "test"}, purge_pattern="^app-queue-"),
                              check_mode=check_mode)
    assert not failed and result["changed"] is True
    assert result["actions"] == {"app-queue-web": ["access_string", "tags"], "app-queue-default": ["create"],
                                 "app-queue-gone": ["delete"]}
    assert result["diff"]["after"]["app-queue-web"]["tags"] == {"Environment": "test"}
    if check_mode:
        assert mutating(fake) == [] and result["polls"] == []
    else:
        assert sorted(set(mutating(fake))) == ["AddTagsToResource", "CreateUser", "DeleteUser", "ModifyUser"]
        assert "app-queue-gone=gone" in result["polls"][-1]


def test_absent_deletes_the_listed_users_and_waits_until_they_are_gone():
    fake = existing_world().fake()
    failed, result = fake.run(users.main, {"users": [{"user_id": "app-queue-web"}, {"user_id": "nobody"}],
                                           "state": "absent", "wait_delay": 1})
    assert not failed and result["changed"] is True
    assert fake.params("DeleteUser") == [{"UserId": "app-queue-web"}]
    assert result["polls"] == ["app-queue-web=deleting", "app-queue-web=gone"]
    assert result["users"] == []
    fake = World().fake()
    failed, result = fake.run(users.main, {"users": [{"user_id": "app-queue-web"}], "state": "absent"})
    assert not failed and result["changed"] is False and mutating(fake) == []


def test_purge_keeps_users_of_a_group_in_use_and_never_touches_aws_default_user():
    world = World([user("default"), user("app-queue-old", "old", groups=["app-queue"]),
                   user("app-queue-stale", "stale", groups=["app-spare"]), user("app-queue-web", "web"),
                   user("other-web", "web")],
                  [group("app-queue", ["app-queue-old"], replication_groups=["app-queue"]),
                   group("app-spare", ["app-queue-stale"])])
    fake, warned = world.fake(), []
    with mock.patch.object(users, "warn", warned.append):
        failed, result = fake.run(users.main, {"users": [], "purge_pattern": "^(app-queue|default)", "wait": False})
    assert not failed and result["changed"] is True
    assert sorted(p["UserId"] for p in fake.params("DeleteUser")) == ["app-queue-stale", "app-queue-web"]
    assert result["purge_kept"] == [{"user_id": "app-queue-old", "user_group_ids": ["app-queue"],
                                     "used_by": ["app-queue"]}]
    assert warned == ["user app-queue-old matches purge_pattern but is kept: user group app-queue is in use by "
                      "app-queue"]


def test_no_group_is_read_when_no_purge_candidate_is_in_a_group():
    fake = World([user("app-queue-stale", "stale")]).fake()
    failed, result = fake.run(users.main, {"users": [], "purge_pattern": "^app-queue-", "wait": False})
    assert not failed and "DescribeUserGroups" not in fake.operations()


@pytest.mark.parametrize("args, fragment", [
    ({"users": [dict(WEB, user_id="bad--id")]}, "users[0] (bad--id).user_id"),
    ({"users": [WEB, WEB]}, "user_id is listed twice"),
    ({"users": [dict(WEB, user_name="has space")]}, "users[0] (app-queue-web).user_name"),
    ({"users": [dict(WEB, user_name=None)]}, "user_name: is required"),
    ({"users": [dict(WEB, access_string=" ")]}, "access_string: is empty"),
    ({"passwords": {"app-queue-web": ["short-1"]}}, "passwords.app-queue-web[0]: is not valid"),
    ({"passwords": {"app-queue-web": ["Has-An-At-Sign@0000"]}}, "passwords.app-queue-web[0]: is not valid"),
    ({"passwords": {"app-queue-web": [WEB_PASSWORD] * 3}}, "must be a list of 1 or 2 passwords"),
    ({"passwords": {"app-queue-web": WEB_PASSWORD}}, "must be a list of 1 or 2 passwords"),
    ({"passwords": {"app-queue-web": [WEB_PASSWORD], "app-queue-typo": [WEB_PASSWORD]}},
     "passwords.app-queue-typo: names no user"),
    ({"passwords": {"app-queue-web": [WEB_PASSWORD], "app-queue-default": [WEB_PASSWORD]}},
     "passwords.app-queue-default: the user has no_password: true"),
    ({"purge_pattern": "^(app"}, "purge_pattern: is not a regular expression"),
])
def test_bad_input_is_refused_before_any_call_and_never_echoes_a_password(args, fragment):
    fake = World().fake()
    failed, result = fake.run(users.main, dict(ARGS, **args))
    assert failed and fragment in result["msg"], result["msg"]
    assert fake.operations() == []
    assert WEB_PASSWORD not in result["msg"] and "Has-An-At-Sign" not in result["msg"] and "short-1" not in \
        result["msg"]


def test_a_missing_password_is_refused_before_any_change():
    fake = World().fake()
    failed, result = fake.run(users.main, dict(ARGS, passwords={}))
    assert failed and "passwords.app-queue-web: is not set" in result["msg"]
    assert mutating(fake) == []


def test_a_name_change_is_refused_naming_the_user():
    fake = existing_world().fake()
    failed, result = fake.run(users.main, dict(ARGS, users=[dict(WEB, user_name="admin"), DEFAULT]))
    assert failed and "users (app-queue-web): is named web in AWS, not admin" in result["msg"]
    assert mutating(fake) == []


def test_a_busy_user_is_retried_until_aws_takes_the_change():
    world = existing_world(access_string="on ~old:* +@read")
    fake = world.fake(ModifyUser=["InvalidUserState", "InvalidUserState", world.modify_user])
    failed, result = fake.run(users.main, dict(ARGS, wait=False))
    assert not failed and result["changed"] is True and fake.operations().count("ModifyUser") == 3


def test_a_busy_user_is_retried_before_its_deletion():
    world = existing_world()
    fake = world.fake(DeleteUser=["InvalidUserState", world.delete_user])
    failed, result = fake.run(users.main, {"users": [{"user_id": "app-queue-web"}], "state": "absent", "wait": False})
    assert not failed and result["changed"] is True and fake.operations().count("DeleteUser") == 2


@pytest.mark.parametrize("purge_tags, removed", [(True, [{"ResourceName": user("app-queue-web")["ARN"],
                                                          "TagKeys": ["Team"]}]), (False, [])])
def test_tags_of_an_existing_user_change_alone_and_are_shown_in_the_diff(purge_tags, removed):
    world = existing_world()
    world.tags[world.users["app-queue-web"]["ARN"]] = [{"Key": "Environment", "Value": "old"},
                                                       {"Key": "Team", "Value": "x"}]
    world.tags[world.users["app-queue-default"]["ARN"]] = [{"Key": "Environment", "Value": "test"}]
    fake = world.fake()
    failed, result = fake.run(users.main, dict(ARGS, tags={"Environment": "test"}, purge_tags=purge_tags))
    assert not failed and result["changed"] is True and result["actions"] == {"app-queue-web": ["tags"]}
    assert fake.params("RemoveTagsFromResource") == removed
    assert fake.params("AddTagsToResource") == [{"ResourceName": world.users["app-queue-web"]["ARN"],
                                                 "Tags": [{"Key": "Environment", "Value": "test"}]}]
    after = {"Environment": "test"} if purge_tags else {"Environment": "test", "Team": "x"}
    assert result["diff"]["before"]["app-queue-web"]["tags"] == {"Environment": "old", "Team": "x"}
    assert result["diff"]["after"]["app-queue-web"] == dict(users.view(world.users["app-queue-web"]), tags=after)
    assert [u.get("tags") for u in result["users"]] == [after, {"Environment": "test"}]
    assert mutating(fake) == ["RemoveTagsFromResource", "AddTagsToResource"][0 if purge_tags else 1:]


def test_waiting_too_long_fails_naming_each_user_and_its_status():
    world = existing_world(access_string="on ~old:* +@read")
    world.busy = 100
    failed, result = world.fake().run(users.main, dict(ARGS, wait_timeout=0))
    assert failed and "Timed out after 0s waiting for users: app-queue-web=modifying" in result["msg"]


def test_a_failure_names_the_user():
    fake = existing_world(access_string="on ~old:* +@read").fake(ModifyUser="InvalidParameterValue")
    failed, result = fake.run(users.main, ARGS)
    assert failed and result["msg"].startswith("ModifyUser failed for UserId=app-queue-web: ")


def _existing(**answers):
    world = existing_world(access_string="on ~old:* +@read")
    world.users["app-queue-stale"] = user("app-queue-stale", "stale", groups=["app-spare"])
    return world.fake(**answers)


FAILURES = {
    "DescribeUsers": (_existing, ARGS),
    "DescribeUserGroups": (_existing, dict(ARGS, purge_pattern="^app-queue-")),
    "ListTagsForResource": (_existing, dict(ARGS, tags={"Environment": "test"})),
    "AddTagsToResource": (_existing, dict(ARGS, tags={"Environment": "test"})),
    "CreateUser": (lambda **answers: World().fake(**answers), ARGS),
    "ModifyUser": (_existing, ARGS),
    "DeleteUser": (_existing, dict(ARGS, purge_pattern="^app-queue-")),
}


@each_failure(FAILURES)
def test_every_aws_failure_is_reported_naming_the_operation(operation, error):
    fake, result = fail_one(users.main, FAILURES, operation, error)
    assert_no_password(result)
