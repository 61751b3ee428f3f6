#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: serverless_cache
short_description: Manage ElastiCache Serverless caches for Valkey and Redis OSS
version_added: 0.3.0
description:
  - Create, update and delete Amazon ElastiCache Serverless caches (Valkey or Redis OSS), with their usage limits,
    network, encryption key, user group, snapshots and tags.
  - Idempotent by comparison with what AWS describes; only the settings that differ are sent in one
    C(ModifyServerlessCache).
  - A serverless cache always uses TLS. Its access control is a user group (RBAC); without one, the default user
    needs no password and the security groups alone decide who connects.
  - The subnets and the KMS key cannot change once the cache exists; asking for other ones fails with the reason,
    before any change. A valkey cache cannot go back to redis, nor a major version down.
  - Deleting needs I(final_snapshot_name), or I(skip_final_snapshot=true) to delete without a snapshot.
  - A new cache can start from snapshots (I(snapshot_arns_to_restore)); for an existing cache they are ignored.
  - While it waits, the module polls C(DescribeServerlessCaches) every I(wait_delay) seconds and returns each
    poll's status in I(polls). A cache whose creation failed (C(create-failed)) fails the task.
author:
  - Funmagic Platform Team (@funmagic)
options:
  state:
    description: Whether the serverless cache should exist.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - The cache's name, 1 to 40 letters, digits and hyphens, starting with a letter. ElastiCache stores it in
        lower case.
    type: str
    required: true
    aliases: [serverless_cache_name]
  description:
    description: The cache's description (at most 255 characters).
    type: str
  engine:
    description: The engine. Required to create a cache. A redis cache can be upgraded to valkey, not back.
    type: str
    choices: [redis, valkey]
  major_engine_version:
    description:
      - The engine's major version, C(7) for redis, C(7) or C(8) for valkey. AWS picks the latest when it is
        omitted at creation. It can only go up.
    type: str
  usage_limits:
    description:
      - The cache's scaling limits (C(CacheUsageLimits)). Only the parts and bounds given are managed.
    type: dict
    suboptions:
      data_storage:
        description: Stored data in GB, each bound 1 to 5000.
        type: dict
        suboptions:
          minimum:
            description: The least stored data the cache is billed for, in GB.
            type: int
          maximum:
            description: The most data the cache may store, in GB.
            type: int
      ecpu_per_second:
        description: ElastiCache Processing Units per second, each bound 1000 to 15000000.
        type: dict
        suboptions:
          minimum:
            description: The ECPUs per second the cache is ready to serve at any time.
            type: int
          maximum:
            description: The most ECPUs per second the cache may use.
            type: int
  security_group_ids:
    description:
      - VPC security group ids of the cache's endpoint. AWS uses the VPC's default security group when they are
        omitted at creation.
    type: list
    elements: str
  subnet_ids:
    description:
      - Subnet ids (one VPC) where the cache's endpoint is placed. AWS uses the default VPC's subnets when they are
        omitted at creation. They cannot change afterwards.
    type: list
    elements: str
  kms_key_id:
    description:
      - The customer managed KMS key (its ARN) that encrypts the data at rest; AWS uses its own key when omitted.
        It cannot change afterwards.
    type: str
  user_group_id:
    description:
      - The user group (RBAC) whose users may connect. An empty string removes the user group from the cache.
    type: str
  snapshot_retention_limit:
    description: Days automatic snapshots are kept, 0 to 35 (0 turns them off).
    type: int
  daily_snapshot_time:
    description: The time of day (UTC, C(HH:MM)) of the daily automatic snapshot.
    type: str
  snapshot_arns_to_restore:
    description: ARNs of the snapshots a new cache starts from (only used when the cache is created).
    type: list
    elements: str
  final_snapshot_name:
    description: Name of the snapshot taken before the cache is deleted.
    type: str
  skip_final_snapshot:
    description:
      - Delete without a final snapshot. Required to be true when no I(final_snapshot_name) is given, so that
        nothing is deleted without a snapshot by accident.
    type: bool
    default: false
  wait:
    description: Wait until the cache is available (or gone).
    type: bool
    default: true
extends_documentation_fragment:
  - funmagic.elasticache.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A Valkey serverless cache for the queues, reached by the workers' users only
  funmagic.elasticache.serverless_cache:
    name: app-queue
    description: BullMQ queues
    engine: valkey
    major_engine_version: "8"
    usage_limits:
      data_storage: {minimum: 1, maximum: 10}
      ecpu_per_second: {maximum: 5000}
    subnet_ids: [subnet-0a1b2c3d, subnet-4e5f6a7b]
    security_group_ids: [sg-0123456789abcdef0]
    user_group_id: app-queue
    snapshot_retention_limit: 7
    daily_snapshot_time: "03:00"
    tags:
      Environment: prod

- name: A new cache from the final snapshot of the old one
  funmagic.elasticache.serverless_cache:
    name: app-queue-v2
    engine: valkey
    user_group_id: app-queue
    snapshot_arns_to_restore:
      - arn:aws:elasticache:us-east-1:123456789012:serverlesscachesnapshot:app-queue-final

- name: Delete, keeping a final snapshot
  funmagic.elasticache.serverless_cache:
    name: app-queue
    state: absent
    final_snapshot_name: app-queue-final
"""

RETURN = r"""
serverless_cache:
  description: The cache as AWS describes it after the change, in snake_case; null when it does not exist.
  returned: always
  type: dict
  contains:
    serverless_cache_name:
      description: The name.
      type: str
      sample: app-queue
    status:
      description: creating, available, modifying, deleting or create-failed.
      type: str
      sample: available
    engine:
      description: redis or valkey.
      type: str
      sample: valkey
    major_engine_version:
      description: The major version.
      type: str
      sample: "8"
    full_engine_version:
      description: The version the cache runs.
      type: str
      sample: "8.0"
    endpoint:
      description: Where clients read and write (TLS, cluster protocol).
      type: dict
      sample: {address: app-queue-abc123.serverless.use1.cache.amazonaws.com, port: 6379}
    reader_endpoint:
      description: Where clients read from replicas.
      type: dict
      sample: {address: app-queue-abc123.serverless.use1.cache.amazonaws.com, port: 6380}
    cache_usage_limits:
      description: The scaling limits, as set.
      type: dict
      sample: {data_storage: {minimum: 1, maximum: 10, unit: GB}, ecpu_per_second: {maximum: 5000}}
    user_group_id:
      description: The user group, when there is one.
      type: str
    security_group_ids:
      description: The VPC security groups.
      type: list
      elements: str
    subnet_ids:
      description: The subnets.
      type: list
      elements: str
    kms_key_id:
      description: The customer managed KMS key, when there is one.
      type: str
    arn:
      description: The cache's ARN.
      type: str
    tags:
      description: The cache's tags, when I(tags) is set (they are read only to be compared).
      type: dict
polls:
  description: The status of the cache at each poll while the module waited, oldest first.
  returned: always
  type: list
  elements: str
  sample: ["app-queue=creating", "app-queue=available"]
final_snapshot_name:
  description: The final snapshot taken when the cache was deleted.
  returned: when the cache was deleted with a final snapshot
  type: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.funmagic.elasticache.plugins.module_utils import serverless
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import ElastiCacheError
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import ensure_tags
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import find
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import get_tags
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import run
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import WAIT_OPTIONS
from ansible_collections.funmagic.elasticache.plugins.module_utils.users import wait_for


def describe(client, name):
    return find(client, "describe_serverless_caches", "ServerlessCaches", "ServerlessCacheNotFoundFault",
                ServerlessCacheName=name)


def wait(client, params, name, status, polls):
    """Poll until the cache has `status` ("available", or "gone"); its polls are added to `polls`. Returns the
    cache as last described (None when gone). A creation that failed fails at once."""
    def described():
        cache = describe(client, name)
        if cache is not None and cache["Status"] == "create-failed":
            raise ElastiCacheError(message="Serverless cache %s could not be created (create-failed); delete it "
                                           "(state=absent) and create it again." % name)
        return {name: cache} if cache else {}

    found, seen = wait_for(described, {name: status}, params["wait_timeout"], params["wait_delay"],
                           "serverless cache %s to be %s" % (name, status))
    polls.extend(seen)
    return found.get(name)


def ensure_absent(module, client, cache):
    params = module.params
    if cache is None or cache["Status"] == "deleting":
        return False, {"serverless_cache": None, "polls": []}
    if not params["final_snapshot_name"] and not params["skip_final_snapshot"]:
        module.fail_json(msg="Deleting serverless cache %s needs final_snapshot_name, or skip_final_snapshot=true to "
                             "delete without a snapshot." % cache["ServerlessCacheName"])
    diff = {"before": {"state": "present"}, "after": {"state": "absent"}}
    if module.check_mode:
        return True, {"serverless_cache": None, "polls": [], "diff": diff}
    name, polls = cache["ServerlessCacheName"], []
    if cache["Status"] not in ("available", "create-failed"):
        wait(client, params, name, "available", polls)
    request = {"ServerlessCacheName": name}
    if params["final_snapshot_name"]:
        request["FinalSnapshotName"] = params["final_snapshot_name"]
    client.delete_serverless_cache(**request)
    if params["wait"]:
        wait(client, params, name, "gone", polls)
    result = {"serverless_cache": None, "polls": polls, "diff": diff}
    if params["final_snapshot_name"]:
        result["final_snapshot_name"] = params["final_snapshot_name"]
    return True, result


def create(module, client):
    params = module.params
    if not params["engine"]:
        module.fail_json(msg="engine is required to create serverless cache %s (redis or valkey)." % params["name"])
    request = serverless.create_request(params)
    diff = serverless.create_diff(request)
    if module.check_mode:
        return True, {"serverless_cache": None, "polls": [], "diff": diff}
    if params["tags"]:
        request["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
    cache = client.create_serverless_cache(**request)["ServerlessCache"]
    polls = []
    if params["wait"]:
        cache = wait(client, params, cache["ServerlessCacheName"], "available", polls)
    tags = None if params["tags"] is None else dict(params["tags"])
    return True, {"serverless_cache": serverless.cache_result(cache, tags), "polls": polls, "diff": diff}


def update(module, client, cache):
    params = module.params
    name = cache["ServerlessCacheName"]
    changes = serverless.plan(params, cache)
    if changes["errors"]:
        module.fail_json(msg="Serverless cache %s: %s" % (name, " ".join(changes["errors"])))
    diff = {"before": changes["before"], "after": changes["after"]}
    tags = None if params["tags"] is None else get_tags(client, cache["ARN"])
    polls = []
    if module.check_mode:
        tags_changed = ensure_tags(client, cache["ARN"], params["tags"], params["purge_tags"], True, tags, diff)[0]
        return bool(changes["modify"]) or tags_changed, {
            "serverless_cache": serverless.cache_result(cache, tags), "polls": polls, "diff": diff}
    if changes["modify"]:
        if cache["Status"] != "available":
            wait(client, params, name, "available", polls)
        cache = client.modify_serverless_cache(ServerlessCacheName=name, **changes["modify"])["ServerlessCache"]
        if params["wait"]:
            cache = wait(client, params, name, "available", polls)
    tags_changed, tags = ensure_tags(client, cache["ARN"], params["tags"], params["purge_tags"], False, tags, diff)
    return bool(changes["modify"]) or tags_changed, {
        "serverless_cache": serverless.cache_result(cache, tags), "polls": polls, "diff": diff}


def ensure(module, client):
    cache = describe(client, module.params["name"].lower())
    if module.params["state"] == "absent":
        return ensure_absent(module, client, cache)
    polls = []
    if cache is not None and cache["Status"] == "deleting":
        if module.check_mode:
            return create(module, client)
        wait(client, module.params, cache["ServerlessCacheName"], "gone", polls)
        cache = None
    if cache is not None and cache["Status"] == "create-failed":
        module.fail_json(msg="Serverless cache %s could not be created (create-failed); delete it (state=absent) and "
                             "create it again." % cache["ServerlessCacheName"])
    changed, result = create(module, client) if cache is None else update(module, client, cache)
    result["polls"] = polls + result["polls"]
    return changed, result


def main():
    def limit():
        return dict(type="dict", options=dict(minimum=dict(type="int"), maximum=dict(type="int")))

    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        name=dict(type="str", required=True, aliases=["serverless_cache_name"]),
        description=dict(type="str"),
        engine=dict(type="str", choices=["redis", "valkey"]),
        major_engine_version=dict(type="str"),
        usage_limits=dict(type="dict", options=dict(data_storage=limit(), ecpu_per_second=limit())),
        security_group_ids=dict(type="list", elements="str"),
        subnet_ids=dict(type="list", elements="str"),
        kms_key_id=dict(type="str", no_log=False),
        user_group_id=dict(type="str"),
        snapshot_retention_limit=dict(type="int"),
        daily_snapshot_time=dict(type="str"),
        snapshot_arns_to_restore=dict(type="list", elements="str"),
        final_snapshot_name=dict(type="str"),
        skip_final_snapshot=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        **WAIT_OPTIONS
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = serverless.validate(module.params)
    if errors:
        module.fail_json(msg="Invalid options: " + " ".join(errors))
    run(module, ensure)


if __name__ == "__main__":
    main()
