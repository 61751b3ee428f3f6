"""The users and user_groups modules against the emulator: each change run for real and then rerun (no change, no
mutating call), check mode on the first change and on the rotation, and no password in any output (--diff, -vvv).

The same lifecycle with each change run four times (check mode, real, check-mode rerun, real rerun), as amazon.aws's
integration targets do, is tests/unit/plugins/modules/users/test_rbac_lifecycle.py (a stateful fake, no processes)."""

from __future__ import annotations

import json
import os
import re
import sys

from tests.integration import run_ansible

PASSWORD = "Web-Password-0000001"
NEXT_PASSWORD = "Web-Password-0000002"
WEB = {"user_id": "it-queue-web", "user_name": "web", "engine": "redis", "access_string": "on ~bull:* &* -@all +@read"}
DEFAULT = {"user_id": "it-queue-default", "user_name": "default", "engine": "redis", "access_string": "off -@all",
           "no_password": True}
GROUP = {"user_group_id": "it-queue", "engine": "redis", "user_ids": ["it-queue-default", "it-queue-web"]}
SECRETS = (PASSWORD, NEXT_PASSWORD)


def _run(emulator, module, args, check_mode=False):
    """One run of a module on localhost, with --diff and -vvv (every secret must stay out even there)."""
    argv = [os.path.join(run_ansible.BIN, "ansible"), "localhost", "-vvv", "--diff",
            "-e", f"ansible_python_interpreter={sys.executable}", "-m", f"funmagic.elasticache.{module}",
            "-a", json.dumps({"region": "us-east-1", "endpoint_url": emulator.endpoint, "wait_delay": 1, **args})]
    rc, output = run_ansible.run(argv + (["--check"] if check_mode else []), emulator, check=False)
    assert not any(secret in output for secret in SECRETS), "a password was printed"
    return rc, output


def _runs(emulator, module, args, modes=(False, False)):
    """(changed of each run, mutating operations of each run); modes: check mode or not, per run (real, rerun)."""
    changed, mutating = [], []
    for check_mode in modes:
        emulator.call("requests", method="DELETE")
        rc, output = _run(emulator, module, args, check_mode)
        assert rc == 0, output[-4000:]
        changed.append(re.search(r"^localhost \| (CHANGED|SUCCESS) =>", output, re.MULTILINE).group(1) == "CHANGED")
        mutating.append(sorted(r["operation"] for r in emulator.requests(mutating_only=True)))
    return changed, mutating


def _users(aws):
    return dict((u["UserId"], u) for u in aws.elasticache.describe_users()["Users"])


def test_users_and_their_group_are_created_changed_rotated_and_removed(aws, emulator):
    users = {"users": [WEB, DEFAULT], "passwords": {"it-queue-web": [PASSWORD]}, "tags": {"Environment": "it"}}
    assert _runs(emulator, "users", users, modes=(True, False, False)) == (
        [True, True, False], [[], ["CreateUser", "CreateUser"], []])
    described = _users(aws)
    assert described["it-queue-web"]["Authentication"] == {"Type": "password", "PasswordCount": 1}
    assert described["it-queue-default"]["Authentication"]["Type"] == "no-password"

    assert _runs(emulator, "user_groups", {"user_groups": [GROUP]}) == ([True, False], [["CreateUserGroup"], []])
    assert aws.elasticache.describe_user_groups(UserGroupId="it-queue")["UserGroups"][0]["UserIds"] == sorted(
        GROUP["user_ids"])

    # A narrower access string and the first step of a rotation (both passwords valid): one ModifyUser.
    changed = dict(users, users=[dict(WEB, access_string="on ~bull:web:* &* -@all +@read"), DEFAULT],
                   passwords={"it-queue-web": [PASSWORD, NEXT_PASSWORD]})
    assert _runs(emulator, "users", changed, modes=(True, False, False)) == (
        [True, True, False], [[], ["ModifyUser"], []])
    described = _users(aws)["it-queue-web"]
    assert described["AccessString"] == "on ~bull:web:* &* -@all +@read"
    assert described["Authentication"]["PasswordCount"] == 2

    # update_password: always sends the passwords every time and says so.
    rc, output = _run(emulator, "users", dict(changed, update_password="always"))
    assert rc == 0 and "localhost | CHANGED" in output and "passwords: sent (never shown)" in output

    # A group without a user named default is refused, naming it, before any change.
    emulator.call("requests", method="DELETE")
    rc, output = _run(emulator, "user_groups", {"user_groups": [dict(GROUP, user_ids=["it-queue-web"])]})
    assert rc != 0 and "user group it-queue: none of its users (it-queue-web) is named default" in output
    assert emulator.requests(mutating_only=True) == []

    assert _runs(emulator, "user_groups", {"user_groups": [GROUP], "state": "absent"}) == (
        [True, False], [["DeleteUserGroup"], []])
    assert _runs(emulator, "users", {"users": [], "purge_pattern": "^it-queue-"}) == (
        [True, False], [["DeleteUser", "DeleteUser"], []])
    assert sorted(_users(aws)) == ["default"]


def test_a_bad_password_is_refused_before_any_call_and_never_printed(aws, emulator):
    emulator.call("requests", method="DELETE")
    rc, output = _run(emulator, "users", {"users": [WEB], "passwords": {"it-queue-web": ["Bad@Password-000001"]}})
    assert rc != 0 and "passwords.it-queue-web[0]: is not valid" in output
    assert "Bad@Password" not in output
    assert emulator.requests() == []
