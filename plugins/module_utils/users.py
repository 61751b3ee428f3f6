# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the users and user_groups modules share: a client that waits out busy users and user groups, the
paginated describes, tags, waiting by polling, the result, and the user that a purge must never touch."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import time

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import ElastiCacheError
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import ensure_tags

# AWS's own user: every account has it, no purge may delete it.
AWS_DEFAULT_USER_ID = "default"
# "Not now, it is changing" for a user or a user group: retried with backoff, as elasticache.Client retries
# InvalidReplicationGroupState.
BUSY = {
    "modify_user": ("InvalidUserState",),
    "delete_user": ("InvalidUserState",),
    "modify_user_group": ("InvalidUserGroupState",),
    "delete_user_group": ("InvalidUserGroupState",),
}
# What names a user or user group in a failure (elasticache.Client names the other resources).
_IDENTIFIERS = ("UserId", "UserGroupId")


class _BusyRetry(AWSRetry):
    """Retries an ElastiCacheError only when its code is one of the busy codes (Client retried throttling already)."""

    base_class = ElastiCacheError

    @staticmethod
    def status_code_from_exception(error):
        response = getattr(error.exception, "response", None) or {}
        return response.get("Error", {}).get("Code")

    @staticmethod
    def found(response_code, catch_extra_error_codes=None):
        return response_code in (catch_extra_error_codes or ())


class Patient:
    """An elasticache.Client whose user and user group changes are retried while AWS answers that the resource is
    busy, and whose failures name the user or user group."""

    def __init__(self, client):
        self._client = client

    def __getattr__(self, name):
        call = getattr(self._client, name)
        if name in BUSY:
            call = _BusyRetry.jittered_backoff(retries=10, delay=1, max_delay=20,
                                               catch_extra_error_codes=list(BUSY[name]))(call)
        if not callable(call) or name in ("paginate", "wait"):
            return call

        @functools.wraps(call)
        def named(**params):
            try:
                return call(**params)
            except ElastiCacheError as e:
                missing = ", ".join("%s=%s" % (k, params[k]) for k in _IDENTIFIERS
                                    if params.get(k) and "%s=" % k not in (e.message or ""))
                if not missing:
                    raise
                raise ElastiCacheError(message="%s for %s" % (e.message, missing), exception=e.exception)

        return named


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
    """Poll describe() (-> id: resource with a Status) until each id of targets (id -> "active" or "gone") is there.

    Returns (the last answer of describe(), one "id=status, ..." line per poll: the progress, for the result).
    Raises ElastiCacheError naming each resource not there yet when timeout seconds have passed.
    """
    deadline = time.monotonic() + timeout
    polls = []
    while True:
        found = describe()
        statuses = dict((i, found[i].get("Status", "unknown") if i in found else "gone") for i in sorted(targets))
        polls.append(", ".join("%s=%s" % item for item in statuses.items()))
        if all(statuses[i] == targets[i] for i in targets):
            return found, polls
        if time.monotonic() >= deadline:
            raise ElastiCacheError(message="Timed out after %ss waiting for %s: %s (wanted %s)" % (
                timeout, what, polls[-1], ", ".join("%s=%s" % item for item in sorted(targets.items()))))
        time.sleep(max(1, int(delay)))


def tag_each(module, client, ids, existing, todo, view):
    """ensure_tags on each resource of ids that exists already (a new one gets its tags when created); a change goes
    to todo's actions and diff. Returns id -> the tags afterwards."""
    tags = {}
    for rid in ids:
        found = existing.get(rid)
        if found is None or module.params["tags"] is None:
            continue
        shown = {"before": {}, "after": {}}
        changed, tags[rid] = ensure_tags(client, found["ARN"], module.params["tags"], module.params["purge_tags"],
                                         module.check_mode, diff=shown)
        if changed:
            todo["actions"].setdefault(rid, []).append("tags")
            for side in ("before", "after"):
                todo["diff"][side].setdefault(rid, view(found))["tags"] = shown[side]["tags"]
    return tags


def settle(params, todo, describe, id_key, what):
    """After the changes: with wait, poll until the created and modified are active and the deleted gone; without,
    describe once. Returns (id -> resource, the polls)."""
    if not params["wait"]:
        return describe(), []
    targets = dict((request[id_key], "active") for request in todo["create"] + todo["modify"])
    targets.update((rid, "gone") for rid in todo["delete"])
    return wait_for(describe, targets, params["wait_timeout"], params["wait_delay"], what)


def described(ids, existing, tags):
    """The resources of ids that exist, in snake_case, each with its tags when they were managed."""
    result = []
    for rid in ids:
        if rid in existing:
            entry = camel_dict_to_snake_dict(existing[rid])
            if rid in tags:
                entry["tags"] = tags[rid]
            result.append(entry)
    return result
