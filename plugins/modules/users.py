#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: users
short_description: Manage every ElastiCache user (RBAC) of a run in one module execution
version_added: 0.3.0
description:
  - Creates, updates and deletes ElastiCache users for Redis OSS 6.0+ and Valkey (C(CreateUser), C(ModifyUser),
    C(DeleteUser)), reading every user with one paginated C(DescribeUsers).
  - Compares each user's name, engine, access string and authentication with what AWS describes and changes only
    what differs. A user's name cannot change; the module refuses and names the user.
  - AWS never returns a password, only how many a user has (C(PasswordCount)). See I(update_password) for when
    passwords are sent.
  - Every input is checked before the first call (ids, names, access strings, 1 or 2 passwords with the characters
    ElastiCache accepts); a password the run needs but was not given is refused before the first change.
  - Check mode and diff mode; passwords are never in the result, the diff or a message.
author:
  - Funmagic Platform Team (@funmagic)
options:
  state:
    description: Whether the users of I(users) should exist.
    type: str
    choices: [present, absent]
    default: present
  users:
    description:
      - The users. With I(state=absent) only C(user_id) is used.
      - The other fields of the C(inputs) action's C(model.users) (C(instance), C(worker), C(user_group_id),
        C(key_patterns), C(channels), C(default)) are accepted and ignored, so the model's users can be passed as
        they are.
    type: list
    elements: dict
    default: []
    suboptions:
      user_id:
        description: The user's id (1 to 40 letters, digits or hyphens, starting with a letter).
        type: str
        required: true
      user_name:
        description: The name clients authenticate with (Redis C(AUTH <user_name> <password>)). Fixed once created.
        type: str
      engine:
        description: The user's engine.
        type: str
        choices: [redis, valkey]
        default: redis
      access_string:
        description:
          - The user's permissions, in Redis ACL syntax, e.g. C(on ~app:* +@read) or C(off -@all).
          - Compared as written (runs of spaces aside); AWS may describe an alias such as C(allkeys) as C(~*), so
            use the canonical form to keep reruns unchanged.
        type: str
      no_password:
        description: The user needs no password (C(NoPasswordRequired)), as the disabled default user of a group.
        type: bool
        default: false
      instance:
        description: Ignored (a field of the inputs model).
        type: str
      worker:
        description: Ignored (a field of the inputs model).
        type: str
      user_group_id:
        description: Ignored (a field of the inputs model).
        type: str
      key_patterns:
        description: Ignored (a field of the inputs model).
        type: list
        elements: str
      channels:
        description: Ignored (a field of the inputs model).
        type: list
        elements: str
      default:
        description: Ignored (a field of the inputs model).
        type: bool
  passwords:
    description:
      - User id to the user's passwords, a list of 1 or 2 (two during a rotation, until every client uses the new
        one). Each is 16 to 128 printable ASCII characters without spaces and without C(,) C(") C(/) C(@).
      - A user that needs a password must have one here to be created or to change from no password to password;
        a user left out keeps the passwords it has.
    type: dict
    default: {}
  update_password:
    description:
      - C(on_create) sends a user's passwords when the user is created, when it changes from no password to
        password, and when the number of passwords differs from the C(PasswordCount) AWS describes (the two steps
        of a rotation, adding the new password and removing the old one). A different password with the same
        count goes unnoticed, as AWS cannot tell.
      - C(always) sends the passwords of every user listed in I(passwords) with C(ModifyUser) on every run and
        reports it changed, as it cannot know whether they differed.
    type: str
    choices: [on_create, always]
    default: on_create
  purge_pattern:
    description:
      - A regular expression searched in the id of every user AWS has (anchor it with C(^) and C($)). A user that
        matches and is not in I(users) is deleted (with I(state=absent), those in I(users) are deleted as well).
      - A user in a user group that a replication group or serverless cache uses is kept and reported under
        C(purge_kept), as deleting it would cut off its clients. AWS's own user C(default) is never deleted.
    type: str
  wait:
    description:
      - Wait until every user created or changed is C(active) and every user deleted is gone, polling
        C(DescribeUsers) every I(wait_delay) seconds; each poll's statuses are returned under C(polls).
    type: bool
    default: true
extends_documentation_fragment:
  - funmagic.elasticache.wait
  - amazon.aws.tags
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A worker's user and the group's disabled default user
  funmagic.elasticache.users:
    users:
      - user_id: app-queue-web
        user_name: web
        engine: redis
        access_string: "on ~bull:* &* -@all +@read +@write"
      - user_id: app-queue-default
        user_name: default
        engine: redis
        access_string: "off -@all"
        no_password: true
    passwords:
      app-queue-web: ["{{ vault_web_password }}"]
    tags:
      Environment: prod
  no_log: true

- name: Rotation, step 1 of 2 - both passwords valid until every host uses the new one
  funmagic.elasticache.users:
    users:
      - {user_id: app-queue-web, user_name: web, access_string: "on ~bull:* &* -@all +@read +@write"}
    passwords:
      app-queue-web: ["{{ vault_web_password }}", "{{ vault_web_password_next }}"]
  no_log: true

- name: Delete the users of workers that are gone (those still in a group in use are kept and reported)
  funmagic.elasticache.users:
    users: "{{ model.users }}"
    purge_pattern: "^app-(queue|main)-"
"""

RETURN = r"""
users:
  description:
    - The users of I(users) as AWS describes them after the change, in snake_case (in check mode, as they are now;
      a user still to be created is absent). With I(tags), each has its C(tags).
  returned: always
  type: list
  elements: dict
  contains:
    user_id:
      description: The id.
      type: str
    user_name:
      description: The name.
      type: str
    status:
      description: C(active), C(creating), C(modifying) or C(deleting).
      type: str
    engine:
      description: The engine.
      type: str
    access_string:
      description: The access string.
      type: str
    authentication:
      description: C(type) (C(password) or C(no-password)) and C(password_count); never a password.
      type: dict
    user_group_ids:
      description: The user groups the user is in.
      type: list
      elements: str
    arn:
      description: The ARN.
      type: str
actions:
  description:
    - User id to what was done (or would be, in check mode), for the users that changed, e.g. C(create),
      C(access_string), C(engine), C(authentication), C(passwords), C(tags), C(delete).
  returned: always
  type: dict
  sample: {app-queue-web: [access_string, passwords]}
purge_kept:
  description: The users that matched I(purge_pattern) but were kept, each with the user groups in use that hold it.
  returned: always
  type: list
  elements: dict
  sample: [{user_id: app-queue-old, user_group_ids: [app-queue], used_by: [app-queue]}]
polls:
  description: With I(wait), one line per poll with each waited-for user's status (C(gone) once deleted).
  returned: always
  type: list
  elements: str
  sample: ["app-queue-web=modifying", "app-queue-web=active"]
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.funmagic.elasticache.plugins.module_utils import validation
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import run
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import WAIT_OPTIONS
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import warn
from ansible_collections.funmagic.elasticache.plugins.module_utils.users import AWS_DEFAULT_USER_ID
from ansible_collections.funmagic.elasticache.plugins.module_utils.users import USERS
from ansible_collections.funmagic.elasticache.plugins.module_utils.users import converge
from ansible_collections.funmagic.elasticache.plugins.module_utils.users import describe_user_groups
from ansible_collections.funmagic.elasticache.plugins.module_utils.users import describe_users
from ansible_collections.funmagic.elasticache.plugins.module_utils.users import in_use_by
from ansible_collections.funmagic.elasticache.plugins.module_utils.users import record


def check_inputs(params):
    """Every problem of the inputs, before any call; no message holds a password."""
    errors, seen = [], set()
    present = params["state"] == "present"
    for index, user in enumerate(params["users"]):
        uid = user["user_id"]
        where = "users[%d] (%s)" % (index, uid)
        errors.extend(validation.identifier(uid, "%s.user_id" % where))
        if uid in seen:
            errors.append("%s: user_id is listed twice" % where)
        seen.add(uid)
        if not present:
            continue
        errors.extend(validation.user_name(user["user_name"], "%s.user_name" % where))
        errors.extend(validation.access_string(user["access_string"], "%s.access_string" % where))
        if user["no_password"] and uid in params["passwords"]:
            errors.append("passwords.%s: the user has no_password: true; remove its passwords or set no_password: "
                          "false" % uid)
    for uid in sorted(params["passwords"]):
        if uid not in seen:
            errors.append("passwords.%s: names no user of users" % uid)
        errors.extend(validation.user_passwords(params["passwords"][uid], "passwords.%s" % uid))
    if params["purge_pattern"] is not None:
        try:
            re.compile(params["purge_pattern"])
        except re.error as e:
            errors.append("purge_pattern: is not a regular expression (%s)" % e)
    return errors


def _auth_type(found):
    """password, no-password or iam; moto says no-password-required where AWS says no-password."""
    kind = (found.get("Authentication") or {}).get("Type") or "password"
    return "no-password" if kind.startswith("no-password") else kind


def view(found):
    """What the diff shows of a user as AWS describes it: never a password."""
    return {"user_name": found["UserName"], "engine": found["Engine"], "access_string": found["AccessString"],
            "authentication": {"type": _auth_type(found),
                               "password_count": (found.get("Authentication") or {}).get("PasswordCount") or 0}}


def _same_access(a, b):
    return " ".join((a or "").split()) == " ".join((b or "").split())


def plan_user(user, found, passwords, update_password, tags=None):
    """(request to send or None, actions, after view, problem or None) for one user that should exist; tags only
    for a user to create (those of an existing user are compared by ensure_tags)."""
    uid = user["user_id"]
    if found is None:
        request = {"UserId": uid, "UserName": user["user_name"], "Engine": user["engine"],
                   "AccessString": user["access_string"]}
        if user["no_password"]:
            request["NoPasswordRequired"] = True
        elif passwords is None:
            return None, [], None, "passwords.%s: is not set; the user must have 1 or 2 passwords to be created" % uid
        else:
            request["Passwords"] = passwords
        after = {"user_name": user["user_name"], "engine": user["engine"], "access_string": user["access_string"],
                 "authentication": {"type": "no-password" if user["no_password"] else "password",
                                    "password_count": 0 if user["no_password"] else len(passwords)}}
        if tags:
            after["tags"] = tags
        return request, ["create"], after, None
    if found["UserName"] != user["user_name"]:
        return None, [], None, ("users (%s): is named %s in AWS, not %s; a user's name cannot change: delete the user "
                                "or give it another user_id" % (uid, found["UserName"], user["user_name"]))
    if found.get("Status") == "deleting":
        return None, [], None, "users (%s): is being deleted; rerun once it is gone" % uid
    request, actions, after = {}, [], view(found)
    if found["Engine"].lower() != user["engine"]:
        request["Engine"], after["engine"] = user["engine"], user["engine"]
        actions.append("engine")
    if not _same_access(found["AccessString"], user["access_string"]):
        request["AccessString"] = after["access_string"] = user["access_string"]
        actions.append("access_string")
    current = after["authentication"]
    if user["no_password"]:
        if current["type"] != "no-password":
            request["NoPasswordRequired"] = True
            after["authentication"] = {"type": "no-password", "password_count": 0}
            actions.append("authentication")
    elif current["type"] != "password":
        if passwords is None:
            return None, [], None, ("passwords.%s: is not set; the user has %s authentication and needs 1 or 2 "
                                    "passwords to change to password" % (uid, current["type"]))
        request.update(Passwords=passwords, NoPasswordRequired=False)
        after["authentication"] = {"type": "password", "password_count": len(passwords)}
        actions.append("authentication")
    elif passwords is not None and (update_password == "always" or current["password_count"] != len(passwords)):
        request["Passwords"] = passwords
        after["authentication"] = {"type": "password", "password_count": len(passwords),
                                   "passwords": "sent (never shown)"}
        actions.append("passwords")
    return (dict(request, UserId=uid) if request else None), actions, after, None


def purge(pattern, listed, existing, groups):
    """(ids to delete, users kept because a user group in use holds them) among the users matching pattern."""
    to_delete, kept = [], []
    for uid in sorted(existing):
        found = existing[uid]
        if uid in listed or uid == AWS_DEFAULT_USER_ID or found.get("Status") == "deleting" or \
                not re.search(pattern, uid):
            continue
        holding = [g for g in sorted(found.get("UserGroupIds") or []) if in_use_by(groups.get(g))]
        if holding:
            kept.append({"user_id": uid, "user_group_ids": holding,
                         "used_by": sorted(set(r for g in holding for r in in_use_by(groups.get(g))))})
        else:
            to_delete.append(uid)
    return to_delete, kept


def plan(params, existing, groups):
    """Everything to do: {"create", "modify", "delete", "kept", "actions", "diff", "problems"}."""
    result = {"create": [], "modify": [], "delete": [], "kept": [], "actions": {}, "problems": [],
              "diff": {"before": {}, "after": {}}}
    listed = set(u["user_id"] for u in params["users"])
    for user in params["users"]:
        uid, found = user["user_id"], existing.get(user["user_id"])
        if params["state"] == "absent":
            if found is not None and found.get("Status") != "deleting":
                result["delete"].append(uid)
            continue
        request, actions, after, problem = plan_user(user, found, params["passwords"].get(uid),
                                                     params["update_password"], params["tags"])
        if problem:
            result["problems"].append(problem)
        elif request:
            result["create" if found is None else "modify"].append(request)
            record(result, uid, actions, view(found) if found else {}, after)
    if params["purge_pattern"]:
        keep = listed if params["state"] == "present" else set()
        to_delete, result["kept"] = purge(params["purge_pattern"], keep, existing, groups)
        result["delete"].extend(u for u in to_delete if u not in result["delete"])
    for uid in result["delete"]:
        record(result, uid, ["delete"], view(existing[uid]), {})
    return result


def _needs_groups(params, existing):
    """Whether the purge has to know which user groups are in use (a candidate is in a group)."""
    return bool(params["purge_pattern"]) and any(
        found.get("UserGroupIds") for uid, found in existing.items() if re.search(params["purge_pattern"], uid))


def ensure(module, client):
    params = module.params
    errors = check_inputs(params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    existing = describe_users(client)
    groups = describe_user_groups(client) if _needs_groups(params, existing) else {}
    todo = plan(params, existing, groups)
    if todo["problems"]:
        module.fail_json(msg="; ".join(todo["problems"]))
    for kept in todo["kept"]:
        warn("user %s matches purge_pattern but is kept: user group %s is in use by %s" % (
            kept["user_id"], ", ".join(kept["user_group_ids"]), ", ".join(kept["used_by"])))
    present = [u["user_id"] for u in params["users"]] if params["state"] == "present" else []
    changed, result = converge(module, client, USERS, todo, existing, present, view)
    return changed, dict(result, purge_kept=todo["kept"])


def main():
    user_options = dict(
        user_id=dict(type="str", required=True),
        user_name=dict(type="str"),
        engine=dict(type="str", default="redis", choices=["redis", "valkey"]),
        access_string=dict(type="str"),
        no_password=dict(type="bool", default=False),
        instance=dict(type="str"),
        worker=dict(type="str"),
        user_group_id=dict(type="str"),
        key_patterns=dict(type="list", elements="str", no_log=False),
        channels=dict(type="list", elements="str"),
        default=dict(type="bool"),
    )
    module = AnsibleAWSModule(
        argument_spec=dict(
            state=dict(type="str", default="present", choices=["present", "absent"]),
            users=dict(type="list", elements="dict", default=[], options=user_options),
            passwords=dict(type="dict", default={}, no_log=True),
            update_password=dict(type="str", default="on_create", choices=["on_create", "always"], no_log=False),
            purge_pattern=dict(type="str"),
            tags=dict(type="dict", aliases=["resource_tags"]),
            purge_tags=dict(type="bool", default=True),
            wait=dict(type="bool", default=True),
            **WAIT_OPTIONS
        ),
        supports_check_mode=True,
    )
    run(module, ensure)


if __name__ == "__main__":
    main()
