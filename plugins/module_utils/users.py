# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the users and user_groups modules share: the paginated describes, what a plan records, carrying a plan out
(tags, calls, waiting by polling, the result), and the user that a purge must never touch.

elasticache.Client retries a user or user group that is busy (InvalidUserState, InvalidUserGroupState)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import ElastiCacheError
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import ensure_tags

# AWS's own user: every account has it, no purge may delete it.
AWS_DEFAULT_USER_ID = "default"


def describe_users(client):
    """user id -> the user as DescribeUsers answers, every page."""
    return dict((u["UserId"], u) for u in client.paginate("describe_users", "Users"))


def describe_user_groups(client):
    """user group id -> the group as DescribeUserGroups answers, every page."""
    return dict((g["UserGroupId"], g) for g in client.paginate("describe_user_groups", "UserGroups"))


def in_use_by(group):
    """The replication groups and serverless caches that use a user group (empty when none does)."""
    return sorted((group or {}).get("ReplicationGroups") or []) + sorted((group or {}).get("ServerlessCaches") or [])


def wait_for(describe, targets, timeout, delay, what):
    """Poll describe() (-> id: resource with a Status) until each id of targets (id -> "active" or "gone", or a tuple
    of the statuses that will do) is there.

    Returns (the last answer of describe(), one "id=status, ..." line per poll: the progress, for the result).
    Raises ElastiCacheError naming each resource not there yet when timeout seconds have passed.
    """
    deadline = time.monotonic() + timeout
    polls = []
    while True:
        found = describe()
        statuses = dict((i, found[i].get("Status", "unknown") if i in found else "gone") for i in sorted(targets))
        polls.append(", ".join("%s=%s" % item for item in statuses.items()))
        if all(statuses[i] in _statuses(targets[i]) for i in targets):
            return found, polls
        if time.monotonic() >= deadline:
            raise ElastiCacheError(message="Timed out after %ss waiting for %s: %s (wanted %s)" % (
                timeout, what, polls[-1], ", ".join("%s=%s" % (i, " or ".join(_statuses(wanted)))
                                                    for i, wanted in sorted(targets.items()))))
        time.sleep(max(1, int(delay)))


def _statuses(wanted):
    return wanted if isinstance(wanted, tuple) else (wanted,)


def record(todo, rid, actions, before, after):
    """Note what is done to rid (or would be, in check mode): its actions, and its diff (replacing one noted)."""
    todo["actions"].setdefault(rid, []).extend(actions)
    todo["diff"]["before"][rid], todo["diff"]["after"][rid] = before, after


def _settle(params, todo, describe, id_key, what):
    """After the changes: with wait, poll until the created and modified are active and the deleted gone; without,
    describe once. Returns (id -> resource, the polls)."""
    if not params["wait"]:
        return describe(), []
    targets = dict((request[id_key], "active") for request in todo["create"] + todo["modify"])
    targets.update((rid, "gone") for rid in todo["delete"])
    return wait_for(describe, targets, params["wait_timeout"], params["wait_delay"], what)


def _described(ids, existing, tags):
    """The resources of ids that exist, in snake_case, each with its tags when they were managed."""
    result = []
    for rid in ids:
        if rid in existing:
            entry = camel_dict_to_snake_dict(existing[rid])
            if rid in tags:
                entry["tags"] = tags[rid]
            result.append(entry)
    return result


USERS = {"result": "users", "id": "UserId", "describe": describe_users, "what": "users",
         "create": "create_user", "modify": "modify_user", "delete": "delete_user"}
USER_GROUPS = {"result": "user_groups", "id": "UserGroupId", "describe": describe_user_groups, "what": "user groups",
               "create": "create_user_group", "modify": "modify_user_group", "delete": "delete_user_group"}


def converge(module, client, kind, todo, existing, present, view):
    """Carry out a plan of USERS or USER_GROUPS (kind): ensure_tags on each resource of present that exists (a change
    noted in todo; a new one gets its tags when created), then, outside check mode, the creates, modifies and
    deletes, and the wait. Returns (changed, {kind's result: the resources of present, actions, polls, diff})."""
    params = module.params
    tags = {}
    for rid in [r for r in present if r in existing and params["tags"] is not None]:
        shown = {"before": view(existing[rid]), "after": todo["diff"]["after"].get(rid) or view(existing[rid])}
        changed, tags[rid] = ensure_tags(client, existing[rid]["ARN"], params["tags"], params["purge_tags"],
                                         module.check_mode, diff=shown)
        if changed:
            record(todo, rid, ["tags"], shown["before"], shown["after"])
    polls = []
    if not module.check_mode and (todo["create"] or todo["modify"] or todo["delete"]):
        new_tags = {"Tags": ansible_dict_to_boto3_tag_list(params["tags"])} if params["tags"] else {}
        for request in todo["create"]:
            getattr(client, kind["create"])(**dict(request, **new_tags))
        for request in todo["modify"]:
            getattr(client, kind["modify"])(**request)
        for rid in todo["delete"]:
            getattr(client, kind["delete"])(**{kind["id"]: rid})
        existing, polls = _settle(params, todo, lambda: kind["describe"](client), kind["id"], kind["what"])
    return bool(todo["actions"]), {kind["result"]: _described(present, existing, tags), "actions": todo["actions"],
                                   "polls": polls, "diff": todo["diff"]}
