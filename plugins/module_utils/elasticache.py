# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules' one way to AWS: retries, one error type naming the operation, tags, waiting, shared lookups.

Every call goes through Client, which retries throttling and the transitional states of TRANSITIONAL_STATES
(as amazon.aws module_utils/rds.py does with its retry codes) and turns any ClientError or BotoCoreError into
an ElastiCacheError naming the operation and the resource. Every module's main() ends in run(), which catches
ElastiCacheError once and calls fail_json_aws_error(), so no AWS error ends in a traceback.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

try:
    from botocore.exceptions import BotoCoreError, ClientError, WaiterError
except ImportError:
    BotoCoreError = ClientError = WaiterError = None  # AnsibleAWSModule reports the missing botocore

from ansible.module_utils.common.warnings import warn as common_warn

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import is_ansible_aws_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

# The options of the doc fragment funmagic.elasticache.wait, in a module's argument_spec: dict(..., **WAIT_OPTIONS).
WAIT_OPTIONS = dict(wait_timeout=dict(type="int", default=1800), wait_delay=dict(type="int", default=15))
_GROUP_BUSY = ("InvalidReplicationGroupState", "InvalidCacheClusterState")
# Error codes that mean "not now, the resource is changing": retried with backoff like throttling.
TRANSITIONAL_STATES = {
    "ModifyReplicationGroup": _GROUP_BUSY,
    "IncreaseReplicaCount": _GROUP_BUSY,
    "DecreaseReplicaCount": _GROUP_BUSY,
    "ModifyReplicationGroupShardConfiguration": _GROUP_BUSY,
    "DeleteReplicationGroup": _GROUP_BUSY,
    "AddTagsToResource": _GROUP_BUSY,
    "RemoveTagsFromResource": _GROUP_BUSY,
    # In use by a replication group that is still being deleted.
    "DeleteCacheParameterGroup": ("InvalidCacheParameterGroupState",),
    "DeleteCacheSubnetGroup": ("CacheSubnetGroupInUse",),
    # A user or user group that is creating or modifying takes no other change until it is active.
    "ModifyUser": ("InvalidUserState",),
    "DeleteUser": ("InvalidUserState",),
    "ModifyUserGroup": ("InvalidUserGroupState",),
    "DeleteUserGroup": ("InvalidUserGroupState",),
    "ModifyServerlessCache": ("InvalidServerlessCacheStateFault",),
    "DeleteServerlessCache": ("InvalidServerlessCacheStateFault",),
    # A global datastore takes one change at a time.
    "ModifyGlobalReplicationGroup": ("InvalidGlobalReplicationGroupState",),
    "FailoverGlobalReplicationGroup": ("InvalidGlobalReplicationGroupState",),
    "DisassociateGlobalReplicationGroup": ("InvalidGlobalReplicationGroupState",),
    "DeleteGlobalReplicationGroup": ("InvalidGlobalReplicationGroupState",),
}
# Parameters that name what a call is about, for the error message. Never a secret.
_IDENTIFIERS = ("GlobalReplicationGroupId", "GlobalReplicationGroupIdSuffix", "PrimaryReplicationGroupId",
                "ReplicationGroupId", "CacheClusterId", "ServerlessCacheName", "CacheParameterGroupName",
                "CacheSubnetGroupName", "UserId", "UserGroupId", "ResourceName", "SubnetIds", "GroupIds", "GroupId",
                "GroupName", "logGroupName", "resourceArn", "DashboardName")


class ElastiCacheError(AnsibleAWSError):
    """An AWS call failed; the message names the operation and the resource."""


def _retry(operation):
    return AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=20,
                                     catch_extra_error_codes=list(TRANSITIONAL_STATES.get(operation, ())))


def _failure(operation, params):
    named = ", ".join("%s=%s" % (k, params[k]) for k in _IDENTIFIERS if params.get(k))
    return "%s failed%s" % (operation, " for %s" % named if named else "")


class Client:
    """A boto3 client whose calls are retried and whose failures are ElastiCacheError.

    client.describe_cache_clusters(CacheClusterId=...) calls the operation; paginate() and wait() cover
    paginators and waiters. Anything else of the boto3 client is deliberately out of reach.
    """

    def __init__(self, client):
        self._client = client
        self._operations = client.meta.method_to_api_mapping

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._operations:
            raise AttributeError(name)
        operation = self._operations[name]
        method = _retry(operation)(getattr(self._client, name))

        @functools.wraps(method)
        def call(**params):
            try:
                return method(**params)
            except (ClientError, BotoCoreError) as e:
                raise ElastiCacheError(message=_failure(operation, params), exception=e)

        return call

    def paginate(self, name, result_key, **params):
        """Every page of a describe call, joined; the retries cover each whole walk."""
        operation = self._operations[name]

        @_retry(operation)
        def walk():
            return self._client.get_paginator(name).paginate(**params).build_full_result()

        try:
            return walk().get(result_key, [])
        except (ClientError, BotoCoreError) as e:
            raise ElastiCacheError(message=_failure(operation, params), exception=e)

    def wait(self, waiter_name, timeout, delay, description, **params):
        """Wait with one of botocore's waiters; a timeout or a failure state is an ElastiCacheError."""
        delay = max(1, int(delay))
        try:
            self._client.get_waiter(waiter_name).wait(
                WaiterConfig={"Delay": delay, "MaxAttempts": max(1, int(timeout) // delay)}, **params)
        except WaiterError as e:
            raise ElastiCacheError(message="Timed out after %ss waiting for %s" % (timeout, description), exception=e)
        except (ClientError, BotoCoreError) as e:
            raise ElastiCacheError(message="Failed while waiting for %s" % description, exception=e)


def warn(message):
    """A warning returned with the module's result.

    Not module.warn(): AnsibleAWSModule (amazon.aws 10.1) also passes what it warned to exit_json(warnings=...),
    which ansible-core 2.19 reports with a deprecation warning (removed in 2.23).
    """
    common_warn(message)


def connect(module, service="elasticache"):
    return Client(module.client(service))


def run(module, ensure, service="elasticache"):
    """The modules' one exit and one error handler: ensure(module, client) -> (changed, result)."""
    try:
        changed, result = ensure(module, connect(module, service))
    except ElastiCacheError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, **result)


def find(client, name, result_key, missing_code, **params):
    """The one resource a describe call names, or None when AWS says there is none."""
    try:
        found = client.paginate(name, result_key, **params)
    except is_ansible_aws_error_code(missing_code):
        return None
    return found[0] if found else None


def describe_replication_group(client, group_id):
    return find(client, "describe_replication_groups", "ReplicationGroups", "ReplicationGroupNotFoundFault",
                ReplicationGroupId=group_id)


def describe_groups(client, ids):
    """The groups with these ids (in their order, the missing ones left out), or all groups when ids is None:
    one call for one id, one paginated walk of every group for several."""
    if ids is not None and len(ids) < 2:
        found = ids and describe_replication_group(client, ids[0])
        return [found] if found else []
    groups = client.paginate("describe_replication_groups", "ReplicationGroups")
    if ids is None:
        return groups
    by_id = dict((g["ReplicationGroupId"], g) for g in groups)
    return [by_id[i] for i in ids if i in by_id]


def describe_serverless_caches(client, names):
    """The serverless caches with these names (in their order, the missing ones left out): one call for one name,
    one paginated walk of every cache for several."""
    if not names:
        return []
    if len(names) == 1:
        found = find(client, "describe_serverless_caches", "ServerlessCaches", "ServerlessCacheNotFoundFault",
                     ServerlessCacheName=names[0])
        return [found] if found else []
    by_name = dict((c["ServerlessCacheName"], c) for c in client.paginate("describe_serverless_caches",
                                                                          "ServerlessCaches"))
    return [by_name[n] for n in names if n in by_name]


def describe_member_cluster(client, group):
    """The first member cluster: where engine version, maintenance window, security groups and parameter
    group live. None when the group has no member yet."""
    members = group.get("MemberClusters") or []
    if not members:
        return None
    return find(client, "describe_cache_clusters", "CacheClusters", "CacheClusterNotFound",
                CacheClusterId=members[0])


def get_tags(client, arn):
    return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(ResourceName=arn)["TagList"])


def ensure_tags(client, arn, desired, purge, check_mode, current=None, diff=None):
    """Make `arn` carry `desired`, reading its tags unless `current` holds them already.

    desired None leaves the tags unmanaged and unread. Returns (changed, the tags afterwards or None).
    diff: a module's {before, after}; when the tags change, they are added to it under `tags`.
    """
    if desired is None:
        return False, None
    if current is None:
        current = get_tags(client, arn)
    to_add, to_remove = compare_aws_tags(current, desired, purge)
    after = dict((k, v) for k, v in current.items() if k not in to_remove)
    after.update(to_add)
    if diff is not None and (to_add or to_remove):
        diff["before"]["tags"], diff["after"]["tags"] = current, after
    if not check_mode:
        if to_remove:
            client.remove_tags_from_resource(ResourceName=arn, TagKeys=to_remove)
        if to_add:
            client.add_tags_to_resource(ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(to_add))
    return bool(to_add or to_remove), after


def delete_if_present(client, check_mode, resource, name, operation, **identifier):
    """state=absent of a resource deleted by one call. Returns (changed, result)."""
    if resource is None:
        return False, {}
    if not check_mode:
        getattr(client, operation)(**identifier)
    return True, {"diff": {"before": {"name": name}, "after": {}}}
