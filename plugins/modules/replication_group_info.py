#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: replication_group_info
short_description: Describe ElastiCache replication groups, and how far a wait for them has come
version_added: 0.1.0
description:
  - Returns one replication group by id, a list of them, or all of them, with endpoints, member settings and tags.
  - Returns I(progress), so that a task in a loop can wait for groups to become available, one task per poll
    (see the examples).
author:
  - Funmagic Platform Team (@funmagic)
options:
  replication_group_id:
    description: The group to describe. All groups when neither this nor I(replication_group_ids) is given.
    type: str
    aliases: [id, name]
  replication_group_ids:
    description:
      - The groups to describe, in this order. Ids that do not exist are listed in I(missing).
      - Two or more ids are described together, page by page (100 groups per call), not one call each.
    type: list
    elements: str
    version_added: 0.2.0
  tags:
    description:
      - Read each group's tags (one ListTagsForResource call per group).
      - C(false) saves those calls; I(tags) is then left out of each group.
    type: bool
    default: true
    version_added: 0.2.0
  member_details:
    description:
      - Read the groups' member clusters too, for I(engine_version), I(parameter_group), I(subnet_group),
        I(security_group_ids), I(maintenance_window), I(notification_topic_arn) and pending changes
        (one DescribeCacheClusters call for one group, or one per 100 nodes for several).
      - C(false) leaves those fields C(null) and describes the groups only, which is all a status poll needs.
    type: bool
    default: true
    version_added: 0.2.0
  all_members:
    description:
      - Also read every member cluster of each group (not only the first) and return them as I(members), with the
        settings AWS keeps per cache cluster, which the compliance controls on cache clusters score (automatic minor
        version upgrades, the subnet group).
      - One paginated DescribeCacheClusters walk (100 cache clusters per call), shared with I(member_details).
      - C(false) leaves I(members) out of each group.
    type: bool
    default: false
    version_added: 0.3.0
  wait_seconds:
    description:
      - Seconds to sleep before describing, so that each iteration of a C(loop) is one poll (see the examples).
    type: int
    default: 0
    version_added: 0.2.0
  serverless_cache_names:
    description:
      - Serverless caches to describe too (one C(DescribeServerlessCaches) call for one, one walk for several).
    type: list
    elements: str
    default: []
    version_added: 0.3.0
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Endpoints of the queue instance
  funmagic.elasticache.replication_group_info:
    replication_group_id: app-queue
  register: queue

# One AWS call per poll, one line per poll ("poll 3: app-main=available, app-queue=creating"),
# and the loop stops at once when every group is available, or one failed or disappeared.
- name: Wait until the replication groups are available
  funmagic.elasticache.replication_group_info:
    replication_group_ids: [app-main, app-queue]
    tags: false
    member_details: false
    wait_seconds: "{{ 0 if poll == 1 else 15 }}"
  register: groups_poll
  loop: "{{ range(1, 1800 // 15 + 2) | list }}"
  loop_control:
    loop_var: poll
    label: "poll {{ poll }}: {{ groups_poll.progress.summary | default(groups_poll.msg | default('')) }}"
    break_when:
      - groups_poll.progress is not defined or groups_poll.progress.ready or groups_poll.progress.failed

- name: Stop unless every group became available
  ansible.builtin.assert:
    that: groups_poll.results[-1].progress.ready | default(false)
    fail_msg: >-
      Not available: {{ groups_poll.results[-1].progress.summary | default(groups_poll.results[-1].msg) }}
    quiet: true
"""

RETURN = r"""
replication_groups:
  description:
    - The groups that exist, as the replication_group module returns one. Empty when none of the ids exists.
  returned: always
  type: list
  elements: dict
  contains:
    members:
      description:
        - Every member cluster of the group, in the order of I(member_clusters), with the settings AWS keeps per
          cache cluster. A member that DescribeCacheClusters does not list (being created or deleted) is left out.
      returned: with I(all_members)
      type: list
      elements: dict
      version_added: 0.3.0
      contains:
        cache_cluster_id:
          description: The member cluster's id.
          type: str
          sample: app-main-001
        cache_cluster_status:
          description: Its status.
          type: str
          sample: available
        engine_version:
          description: Its engine version.
          type: str
          sample: 7.1.0
        auto_minor_version_upgrade:
          description: Whether AWS applies minor engine upgrades to it automatically.
          type: bool
        cache_subnet_group_name:
          description: Its cache subnet group; C(default) is the one AWS makes in the default VPC.
          type: str
          sample: app-redis-subnet
        snapshot_retention_limit:
          description: Days of automatic backups kept, as DescribeCacheClusters reports it for this member.
          type: int
        preferred_availability_zone:
          description: Its availability zone.
          type: str
          sample: us-east-1a
serverless_caches:
  description:
    - The caches of I(serverless_cache_names) that exist, as M(funmagic.elasticache.serverless_cache) returns one
      (without tags), with C(serverless_cache_name), C(status), C(endpoint) and C(reader_endpoint) (C(address),
      C(port)). Empty when I(serverless_cache_names) is not given.
  returned: always
  type: list
  elements: dict
  version_added: 0.3.0
missing:
  description: The requested ids (and serverless cache names) that do not exist.
  returned: always
  type: list
  elements: str
  sample: [app-queue]
  version_added: 0.2.0
progress:
  description: How far a wait for the requested groups (all described groups when no id was given) has come.
  returned: always
  type: dict
  version_added: 0.2.0
  contains:
    ready:
      description: Whether every group (and serverless cache) is C(available).
      type: bool
    failed:
      description: Groups that will not become available by waiting (C(create-failed), C(deleting), missing).
      type: list
      elements: str
    summary:
      description: C(id=status) of each group, in the order asked.
      type: str
      sample: app-main=available, app-queue=creating
"""

import time

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import describe_member_cluster
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import describe_groups
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import describe_serverless_caches
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import get_tags
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import run
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import group_result
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import progress
from ansible_collections.funmagic.elasticache.plugins.module_utils.serverless import cache_result


# The settings AWS keeps per member cluster that `members` returns (all_members).
MEMBER_KEYS = ("CacheClusterId", "CacheClusterStatus", "EngineVersion", "AutoMinorVersionUpgrade",
               "CacheSubnetGroupName", "SnapshotRetentionLimit", "PreferredAvailabilityZone")


def all_clusters(client):
    """cache cluster id -> cluster: one paginated walk (100 clusters per call)."""
    return dict((c["CacheClusterId"], c) for c in client.paginate("describe_cache_clusters", "CacheClusters"))


def first_members(client, groups, clusters=None):
    """group id -> its first member cluster: one call for one group, one paginated walk for several (none when
    `clusters`, the walk's answer, is given)."""
    if clusters is None and len(groups) == 1:
        return {groups[0]["ReplicationGroupId"]: describe_member_cluster(client, groups[0])}
    if clusters is None:
        clusters = all_clusters(client)
    return dict((g["ReplicationGroupId"], clusters.get((g.get("MemberClusters") or [None])[0])) for g in groups)


def members_of(group, clusters):
    """Every member cluster of the group that `clusters` lists, in MemberClusters order, as `members` returns it."""
    return [camel_dict_to_snake_dict(dict((k, clusters[m][k]) for k in MEMBER_KEYS if k in clusters[m]))
            for m in group.get("MemberClusters") or [] if m in clusters]


def describe(module, client):
    """(False, result): nothing changes, whatever it finds."""
    params = module.params
    if params["wait_seconds"] > 0:
        time.sleep(params["wait_seconds"])
    ids = params["replication_group_ids"]
    if params["replication_group_id"]:
        ids = [params["replication_group_id"]]
    ids = [i.lower() for i in ids] if ids is not None else None
    groups = describe_groups(client, ids)
    clusters = all_clusters(client) if params["all_members"] and groups else None
    members = first_members(client, groups, clusters) if params["member_details"] and groups else {}
    results = [group_result(g, members.get(g["ReplicationGroupId"]),
                            get_tags(client, g["ARN"]) if params["tags"] else None) for g in groups]
    if clusters is not None:
        for group, result in zip(groups, results):
            result["members"] = members_of(group, clusters)
    names = [n.lower() for n in params["serverless_cache_names"]]
    caches = [cache_result(c) for c in describe_serverless_caches(client, names)]
    found = set(g["replication_group_id"] for g in results) | set(c["serverless_cache_name"] for c in caches)
    waited = results + [{"replication_group_id": c["serverless_cache_name"], "status": c.get("status")}
                        for c in caches]
    return False, {
        "replication_groups": results,
        "serverless_caches": caches,
        "missing": [i for i in (ids or []) + names if i not in found],
        "progress": progress(waited, None if ids is None else ids + names),
    }


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            replication_group_id=dict(type="str", aliases=["id", "name"]),
            replication_group_ids=dict(type="list", elements="str"),
            tags=dict(type="bool", default=True),
            member_details=dict(type="bool", default=True),
            all_members=dict(type="bool", default=False),
            wait_seconds=dict(type="int", default=0),
            serverless_cache_names=dict(type="list", elements="str", default=[]),
        ),
        mutually_exclusive=[["replication_group_id", "replication_group_ids"]],
        supports_check_mode=True,
    )
    run(module, describe)


if __name__ == "__main__":
    main()
