# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ElastiCache calls shared by the modules: describe under retries, tags, waiting."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    import botocore
    from botocore.exceptions import BotoCoreError, ClientError

    AWS_ERRORS = (BotoCoreError, ClientError)
except ImportError:
    AWS_ERRORS = ()  # AnsibleAWSModule reports the missing botocore

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import current_state
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import endpoints


def retrying_client(module, service):
    return module.client(service, retry_decorator=AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=20))


@AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=20)
def paginate(client, operation, result_key, **params):
    return client.get_paginator(operation).paginate(**params).build_full_result().get(result_key, [])


def describe_replication_group(client, group_id):
    """The group as AWS describes it, or None if there is none."""
    try:
        found = paginate(client, "describe_replication_groups", "ReplicationGroups", ReplicationGroupId=group_id)
    except is_boto3_error_code("ReplicationGroupNotFoundFault"):
        return None
    return found[0] if found else None


def describe_member_cluster(client, group):
    """The first member cluster: where maintenance window, security groups and parameter group live."""
    members = group.get("MemberClusters") or []
    if not members:
        return None
    try:
        found = paginate(client, "describe_cache_clusters", "CacheClusters", CacheClusterId=members[0])
    except is_boto3_error_code("CacheClusterNotFound"):
        return None
    return found[0] if found else None


def get_tags(client, arn):
    return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(ResourceName=arn, aws_retry=True)["TagList"])


def ensure_tags(module, client, arn, current, desired, purge):
    """Add and remove tags so that `arn` carries `desired`; returns whether anything changed."""
    if desired is None:
        return False
    to_add, to_remove = compare_aws_tags(current, desired, purge)
    if module.check_mode or not (to_add or to_remove):
        return bool(to_add or to_remove)
    try:
        if to_remove:
            client.remove_tags_from_resource(ResourceName=arn, TagKeys=to_remove, aws_retry=True)
        if to_add:
            client.add_tags_to_resource(ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(to_add),
                                        aws_retry=True)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to update the tags of %s" % arn)
    return True


def wait_for_group(module, client, group_id, state, timeout, delay):
    """Wait with botocore's waiters until the group is available or deleted."""
    name = "replication_group_available" if state == "available" else "replication_group_deleted"
    delay = max(1, int(delay))
    try:
        client.get_waiter(name).wait(ReplicationGroupId=group_id,
                                     WaiterConfig={"Delay": delay, "MaxAttempts": max(1, int(timeout) // delay)})
    except botocore.exceptions.WaiterError as e:
        module.fail_json_aws(e, msg="Timed out after %ss waiting for replication group %s to be %s"
                                    % (timeout, group_id, state))


def group_result(client, group, with_tags=True):
    """The group as the modules return it: AWS's fields in snake_case plus the flattened facts."""
    cluster = describe_member_cluster(client, group)
    result = camel_dict_to_snake_dict(group, ignore_list=["PendingModifiedValues"])
    result.update(endpoints(group))
    state = current_state(group, cluster)
    for key in ("engine_version", "parameter_group", "subnet_group", "security_group_ids", "maintenance_window",
                "notification_topic_arn", "replicas"):
        result[key] = state[key]
    result["pending_modified_values"] = camel_dict_to_snake_dict(group.get("PendingModifiedValues") or {})
    if cluster and cluster.get("PendingModifiedValues"):
        result["pending_modified_values"].update(camel_dict_to_snake_dict(cluster["PendingModifiedValues"]))
    if with_tags:
        result["tags"] = get_tags(client, group["ARN"])
    return result, state
