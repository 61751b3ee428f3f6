#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: user_groups
short_description: Manage every ElastiCache user group (RBAC) of a run in one module execution
version_added: 0.3.0
description:
  - Creates, updates and deletes ElastiCache user groups (C(CreateUserGroup), C(ModifyUserGroup) with
    C(UserIdsToAdd) and C(UserIdsToRemove), C(DeleteUserGroup)), reading every group with one paginated
    C(DescribeUserGroups) and, for I(state=present), every user with one paginated C(DescribeUsers).
  - ElastiCache requires a user named C(default) in every redis group (a valkey group needs none, its default user
    is off). The module reads the names of the listed users and refuses, naming the group, a redis group without
    one, a group with two users of the same name, and a group that lists a user that does not exist (in check mode
    such a user may be one that the C(users) module would create, so it is reported as a warning).
  - A group used by a replication group or serverless cache is not deleted; the module refuses and names them.
  - Check mode and diff mode.
author:
  - Funmagic Platform Team (@funmagic)
options:
  state:
    description: Whether the groups of I(user_groups) should exist.
    type: str
    choices: [present, absent]
    default: present
  user_groups:
    description:
      - The user groups. With I(state=absent) only C(user_group_id) is used.
      - The C(inputs) action's C(model.user_groups) can be passed as they are (their C(instance) is ignored).
    type: list
    elements: dict
    required: true
    suboptions:
      user_group_id:
        description: The group's id (1 to 40 letters, digits or hyphens, starting with a letter).
        type: str
        required: true
      engine:
        description: The group's engine.
        type: str
        choices: [redis, valkey]
        default: redis
      user_ids:
        description: The ids of the group's users, exactly (users not listed are removed from the group).
        type: list
        elements: str
        default: []
      instance:
        description: Ignored (a field of the inputs model).
        type: str
  wait:
    description:
      - Wait until every group created or changed is C(active) and every group deleted is gone, polling
        C(DescribeUserGroups) every I(wait_delay) seconds; each poll's statuses are returned under C(polls).
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
- name: One group per instance, with its disabled default user
  funmagic.elasticache.user_groups:
    user_groups:
      - user_group_id: app-queue
        engine: redis
        user_ids: [app-queue-default, app-queue-web, app-queue-admin]
    tags:
      Environment: prod

- name: Delete it (once no replication group uses it)
  funmagic.elasticache.user_groups:
    user_groups: [{user_group_id: app-queue}]
    state: absent
"""

RETURN = r"""
user_groups:
  description:
    - The groups of I(user_groups) as AWS describes them after the change, in snake_case (in check mode, as they
      are now; a group still to be created is absent). With I(tags), each has its C(tags).
  returned: always
  type: list
  elements: dict
  contains:
    user_group_id:
      description: The id.
      type: str
    status:
      description: C(creating), C(active), C(modifying) or C(deleting).
      type: str
    engine:
      description: The engine.
      type: str
    user_ids:
      description: The users in the group.
      type: list
      elements: str
    pending_changes:
      description: C(user_ids_to_add) and C(user_ids_to_remove) while the group is C(modifying).
      type: dict
    replication_groups:
      description: The replication groups that use the group.
      type: list
      elements: str
    arn:
      description: The ARN.
      type: str
actions:
  description: User group id to what was done (or would be, in check mode), for the groups that changed.
  returned: always
  type: dict
  sample: {app-queue: ["add app-queue-admin", "remove app-queue-old"]}
polls:
  description: With I(wait), one line per poll with each waited-for group's status (C(gone) once deleted).
  returned: always
  type: list
  elements: str
  sample: ["app-queue=modifying", "app-queue=active"]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.funmagic.elasticache.plugins.module_utils import validation
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import run
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import WAIT_OPTIONS
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import warn
from ansible_collections.funmagic.elasticache.plugins.module_utils.users import USER_GROUPS
from ansible_collections.funmagic.elasticache.plugins.module_utils.users import converge
from ansible_collections.funmagic.elasticache.plugins.module_utils.users import describe_user_groups
from ansible_collections.funmagic.elasticache.plugins.module_utils.users import describe_users
from ansible_collections.funmagic.elasticache.plugins.module_utils.users import in_use_by
from ansible_collections.funmagic.elasticache.plugins.module_utils.users import record


def check_inputs(groups):
    """Every problem of the inputs, before any call."""
    errors, seen = [], set()
    for index, group in enumerate(groups):
        gid = group["user_group_id"]
        where = "user_groups[%d] (%s)" % (index, gid)
        errors.extend(validation.identifier(gid, "%s.user_group_id" % where))
        if gid in seen:
            errors.append("%s: user_group_id is listed twice" % where)
        seen.add(gid)
        for uid in group["user_ids"]:
            errors.extend(validation.identifier(uid, "%s.user_ids" % where))
        twice = sorted(set(u for u in group["user_ids"] if group["user_ids"].count(u) > 1))
        if twice:
            errors.append("%s.user_ids: %s listed twice" % (where, ", ".join(twice)))
    return errors


def check_members(group, users, check_mode):
    """(problems, warnings) of a group's users as AWS names them: one named default (redis groups), no name twice,
    none missing."""
    gid, problems, warnings = group["user_group_id"], [], []
    missing = [u for u in group["user_ids"] if u not in users]
    if missing and not check_mode:
        problems.append("user group %s: users %s do not exist; create them first (funmagic.elasticache.users)"
                        % (gid, ", ".join(missing)))
    elif missing:
        warnings.append("user group %s: users %s do not exist yet; in check mode they are taken as users that the "
                        "users module would create, and their names are not checked" % (gid, ", ".join(missing)))
    names = [users[u]["UserName"] for u in group["user_ids"] if u in users]
    if "default" not in names and not missing and group.get("engine", "redis") == "redis":
        problems.append("user group %s: none of its users (%s) is named default; ElastiCache requires one (a user "
                        "with user_name default, e.g. access string 'off -@all' and no_password: true)"
                        % (gid, ", ".join(group["user_ids"]) or "none"))
    twice = sorted(set(n for n in names if names.count(n) > 1))
    if twice:
        problems.append("user group %s: several of its users are named %s; ElastiCache allows one user of a name per "
                        "group" % (gid, ", ".join(twice)))
    return problems, warnings


def _members(found):
    """The users a group will have once its pending changes are done."""
    pending = found.get("PendingChanges") or {}
    members = set(found.get("UserIds") or []) | set(pending.get("UserIdsToAdd") or [])
    return members - set(pending.get("UserIdsToRemove") or [])


def view(found):
    return {"engine": found["Engine"], "user_ids": sorted(_members(found))}


def plan_group(group, found):
    """(request, actions, after, problem) for one group that should exist."""
    gid = group["user_group_id"]
    wanted = sorted(set(group["user_ids"]))
    if found is None:
        request = {"UserGroupId": gid, "Engine": group["engine"], "UserIds": wanted}
        return request, ["create"], {"engine": group["engine"], "user_ids": wanted}, None
    if found.get("Status") == "deleting":
        return None, [], None, "user group %s: is being deleted; rerun once it is gone" % gid
    current = _members(found)
    request, actions = {}, []
    if found["Engine"].lower() != group["engine"]:
        request["Engine"] = group["engine"]
        actions.append("engine")
    to_add, to_remove = sorted(set(wanted) - current), sorted(current - set(wanted))
    if to_add:
        request["UserIdsToAdd"] = to_add
        actions.extend("add %s" % u for u in to_add)
    if to_remove:
        request["UserIdsToRemove"] = to_remove
        actions.extend("remove %s" % u for u in to_remove)
    after = {"engine": group["engine"], "user_ids": wanted}
    return (dict(request, UserGroupId=gid) if request else None), actions, after, None


def plan(params, existing, users, check_mode):
    result = {"create": [], "modify": [], "delete": [], "actions": {}, "problems": [], "warnings": [],
              "diff": {"before": {}, "after": {}}}
    for group in params["user_groups"]:
        gid, found = group["user_group_id"], existing.get(group["user_group_id"])
        if params["state"] == "absent":
            if found is None or found.get("Status") == "deleting":
                continue
            if in_use_by(found):
                result["problems"].append("user group %s: is used by %s; remove it from them first (replication_group "
                                          "user_group_ids)" % (gid, ", ".join(in_use_by(found))))
                continue
            result["delete"].append(gid)
            record(result, gid, ["delete"], view(found), {})
            continue
        problems, warnings = check_members(group, users, check_mode)
        request, actions, after, problem = plan_group(group, found)
        result["problems"].extend(problems + ([problem] if problem else []))
        result["warnings"].extend(warnings)
        if request and not problems and not problem:
            result["create" if found is None else "modify"].append(request)
            record(result, gid, actions, view(found) if found else {}, after)
    return result


def ensure(module, client):
    params = module.params
    errors = check_inputs(params["user_groups"])
    if errors:
        module.fail_json(msg="; ".join(errors))
    existing = describe_user_groups(client)
    users = describe_users(client) if params["state"] == "present" else {}
    todo = plan(params, existing, users, module.check_mode)
    if todo["problems"]:
        module.fail_json(msg="; ".join(todo["problems"]))
    for message in todo["warnings"]:
        warn(message)
    present = [g["user_group_id"] for g in params["user_groups"]] if params["state"] == "present" else []
    return converge(module, client, USER_GROUPS, todo, existing, present, view)


def main():
    group_options = dict(
        user_group_id=dict(type="str", required=True),
        engine=dict(type="str", default="redis", choices=["redis", "valkey"]),
        user_ids=dict(type="list", elements="str", default=[]),
        instance=dict(type="str"),
    )
    module = AnsibleAWSModule(
        argument_spec=dict(
            state=dict(type="str", default="present", choices=["present", "absent"]),
            user_groups=dict(type="list", elements="dict", required=True, options=group_options),
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
