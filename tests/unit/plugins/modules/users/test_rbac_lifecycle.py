"""users and user_groups through a whole lifecycle in one stateful World: each change run four times (check mode,
real, check-mode rerun, real rerun), as amazon.aws's integration targets do. tests/integration/test_users_modules.py
runs the same lifecycle on the emulator once per step (real, then a rerun), with check mode on the first step."""

from __future__ import annotations

import json

from ansible_collections.funmagic.elasticache.plugins.modules import user_groups, users
from tests.unit.plugins.modules.rbac_world import World, mutating

PASSWORD = "Web-Password-0000001"
NEXT_PASSWORD = "Web-Password-0000002"
WEB = {"user_id": "it-queue-web", "user_name": "web", "engine": "redis", "access_string": "on ~bull:* &* -@all +@read"}
DEFAULT = {"user_id": "it-queue-default", "user_name": "default", "engine": "redis", "access_string": "off -@all",
           "no_password": True}
GROUP = {"user_group_id": "it-queue", "engine": "redis", "user_ids": ["it-queue-default", "it-queue-web"]}


def four_times(world, main, args):
    """(changed of each run, sorted mutating operations of each run) of check, real, check rerun, real rerun."""
    changed, calls = [], []
    for check_mode in (True, False, True, False):
        fake = world.fake()
        failed, result = fake.run(main, dict(args, wait_delay=1), check_mode=check_mode)
        assert not failed, result
        text = json.dumps(result)
        assert PASSWORD not in text and NEXT_PASSWORD not in text
        changed.append(result["changed"])
        calls.append(sorted(mutating(fake)))
    return changed, calls


def test_every_step_of_the_lifecycle_changes_once_and_check_mode_never_calls():
    world = World()
    created = {"users": [WEB, DEFAULT], "passwords": {"it-queue-web": [PASSWORD]}, "tags": {"Environment": "it"}}
    assert four_times(world, users.main, created) == (
        [True, True, False, False], [[], ["CreateUser", "CreateUser"], [], []])
    assert world.users["it-queue-web"]["Authentication"] == {"Type": "password", "PasswordCount": 1}
    assert world.users["it-queue-default"]["Authentication"] == {"Type": "no-password"}

    assert four_times(world, user_groups.main, {"user_groups": [GROUP]}) == (
        [True, True, False, False], [[], ["CreateUserGroup"], [], []])
    assert sorted(world.groups["it-queue"]["UserIds"]) == GROUP["user_ids"]

    # A narrower access string and the first step of a rotation (both passwords valid): one ModifyUser.
    changed = dict(created, users=[dict(WEB, access_string="on ~bull:web:* &* -@all +@read"), DEFAULT],
                   passwords={"it-queue-web": [PASSWORD, NEXT_PASSWORD]})
    assert four_times(world, users.main, changed) == ([True, True, False, False], [[], ["ModifyUser"], [], []])
    assert world.users["it-queue-web"]["AccessString"] == "on ~bull:web:* &* -@all +@read"
    assert world.users["it-queue-web"]["Authentication"]["PasswordCount"] == 2

    assert four_times(world, user_groups.main, {"user_groups": [GROUP], "state": "absent"}) == (
        [True, True, False, False], [[], ["DeleteUserGroup"], [], []])
    assert four_times(world, users.main, {"users": [], "purge_pattern": "^it-queue-"}) == (
        [True, True, False, False], [[], ["DeleteUser", "DeleteUser"], [], []])
    assert world.users == {} and world.groups == {}
