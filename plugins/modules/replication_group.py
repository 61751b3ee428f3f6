#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: replication_group
short_description: Manage ElastiCache for Redis OSS and Valkey replication groups
version_added: 0.1.0
description:
  - Create, update and delete Amazon ElastiCache replication groups, with cluster mode disabled
    (one primary and up to five replicas) or enabled (shards).
  - Idempotent by comparison, option by option, with what AWS describes; only differing fields are changed.
  - Options that AWS cannot change after creation (at-rest encryption, KMS key, subnet group, port,
    cluster mode; the shard count without cluster mode) are refused with an error that offers the
    choices (keep the value as it is, or migrate through a snapshot into a new group created with
    I(snapshot_name), then move the clients).
  - On a cluster-mode group, a new shard count is online resharding and a new replica count applies to
    every shard.
  - A new group can start from a snapshot (I(snapshot_name), I(snapshot_arns)) or from an existing
    single-node cache cluster that keeps its data (I(primary_cluster_id)). These options only matter
    when the group is created; for an existing group they are ignored.
  - A call that AWS refuses because the group is busy (C(InvalidReplicationGroupState), C(InvalidCacheClusterState))
    is retried with backoff, as throttling is. Any other AWS error fails the task with a message that names
    the operation and the group.
  - A rerun that changes nothing makes three calls (group, first member, tags), two when I(tags) is not set;
    security group names cost two more (subnet group, security groups), ids none.
author:
  - Funmagic Platform Team (@funmagic)
options:
  state:
    description: Whether the replication group should exist.
    type: str
    choices: [present, absent]
    default: present
  replication_group_id:
    description:
      - The group's identifier, 1 to 40 letters, digits and hyphens, starting with a letter.
      - ElastiCache stores it in lower case.
    type: str
    required: true
    aliases: [id, name]
  description:
    description: The group's description. Defaults to the id when creating.
    type: str
  engine:
    description: The engine. A redis group can be upgraded to valkey, not back.
    type: str
    choices: [redis, valkey]
  engine_version:
    description: Engine version such as C(7.1) or C(8.0). AWS picks the latest when omitted at creation.
    type: str
  node_type:
    description: Node type such as C(cache.t3.small). Required to create a group.
    type: str
  port:
    description: The port the nodes listen on. Fixed at creation.
    type: int
  replicas:
    description:
      - Replicas per shard, 0 to 5. With cluster mode disabled this is the number of read replicas.
      - Changed with IncreaseReplicaCount or DecreaseReplicaCount, which always apply immediately; on a
        cluster-mode group the new count applies to every shard.
    type: int
  num_cache_clusters:
    description: With cluster mode disabled, the total number of nodes (primary plus replicas), 1 to 6.
    type: int
  cluster_mode:
    description: Cluster mode (sharding). Fixed at creation.
    type: dict
    suboptions:
      enabled:
        description: Whether cluster mode is enabled.
        type: bool
        default: false
      num_node_groups:
        description:
          - Number of shards.
          - On an existing cluster-mode group, a different count is online resharding
            (ModifyReplicationGroupShardConfiguration, applied immediately); scaling in removes the shards
            with the highest node group ids, whose slots and keys move to the others.
        type: int
        default: 1
      replicas_per_node_group:
        description: Replicas per shard; the same as I(replicas).
        type: int
  automatic_failover:
    description: Automatic failover. Defaults to true when the group has a replica, false otherwise.
    type: bool
  multi_az:
    description: Multi-AZ. Defaults to true when the group has a replica, false otherwise.
    type: bool
  parameter_group:
    description: Name of the cache parameter group. Its family must match the engine version.
    type: str
  subnet_group:
    description: Name of the cache subnet group. Fixed at creation.
    type: str
  security_group_ids:
    description:
      - VPC security groups, as ids (C(sg-...)) or names. Names are looked up in the subnet group's VPC.
    type: list
    elements: str
    aliases: [security_groups]
  at_rest_encryption:
    description: Encryption at rest. Fixed at creation.
    type: bool
  kms_key_id:
    description: KMS key for encryption at rest. Fixed at creation.
    type: str
  transit_encryption:
    description: Encryption in transit (TLS). Needed for an AUTH token.
    type: bool
  transit_encryption_mode:
    description: C(required) accepts TLS only; C(preferred) accepts both while clients migrate.
    type: str
    choices: [preferred, required]
  auth_token:
    description:
      - "The Redis AUTH token, 16 to 128 characters: letters, digits and of the special characters only ! & # $ ^ < > -."
      - AWS never returns a token, so an existing token is not compared. It is set when the group is
        created or has no token; to change it, set I(auth_token_update_strategy).
    type: str
  auth_token_update_strategy:
    description:
      - C(rotate) adds I(auth_token) and keeps the old token valid; C(set) makes I(auth_token) the only one;
        C(delete) removes the token (the group must use I(transit_encryption_mode=preferred)).
      - A rotation is an action, not a state. The task reports a change every time it runs with C(rotate) or C(set).
    type: str
    choices: [rotate, set, delete]
  user_group_ids:
    description:
      - The ElastiCache user groups (RBAC) whose users may connect. Needs I(transit_encryption); not with I(auth_token).
      - Compared with the group's user groups and changed in place (C(UserGroupIdsToAdd), C(UserGroupIdsToRemove)).
        An empty list removes every user group. Not set, the user groups are not managed.
      - A group with an AUTH token that gets its first user group moves from AUTH to RBAC in the same call
        (C(AuthTokenUpdateStrategy=DELETE)), as AWS documents the migration; clients that send the token keep working
        if the user group's C(default) user has the token as its password.
    type: list
    elements: str
    version_added: 0.3.0
  snapshot_retention_limit:
    description: Days automatic backups are kept, 0 to 35. 0 turns backups off.
    type: int
  snapshot_window:
    description: Daily backup window, C(hh24:mi-hh24:mi) in UTC, at least 60 minutes.
    type: str
  maintenance_window:
    description: Weekly maintenance window, C(ddd:hh24:mi-ddd:hh24:mi) in UTC. Must not overlap I(snapshot_window).
    type: str
  auto_minor_version_upgrade:
    description: Apply minor engine upgrades in the maintenance window.
    type: bool
  apply_immediately:
    description:
      - Apply node type and engine version changes now rather than in the next maintenance window.
      - Pending changes count as requested, so a rerun does not request them again.
    type: bool
    default: false
  notification_topic_arn:
    description: SNS topic for ElastiCache events.
    type: str
  snapshot_name:
    description:
      - Create the group from this ElastiCache snapshot (a restore). The node type and engine default
        to the snapshot's.
      - Only used when the group is created; ignored for an existing group.
    type: str
    version_added: 0.2.0
  snapshot_arns:
    description:
      - Create the group seeded from Redis C(.rdb) files in S3, given as S3 ARNs.
      - Only used when the group is created; ignored for an existing group.
    type: list
    elements: str
    version_added: 0.2.0
  primary_cluster_id:
    description:
      - Create the group around this existing single-node cache cluster, which becomes its primary and
        keeps its data (CreateReplicationGroup C(PrimaryClusterId)). The cluster must be available.
      - Engine, version, node type, parameter group, subnet group, security groups, encryption, port and
        AUTH token come from the cluster and are not sent; I(replicas) adds replicas to it.
      - The task then waits until the group is available (even with I(wait=false)) and changes at once what
        differs from the other options, as for an existing group (parameter group, security groups, windows,
        tags and so on), so that a rerun changes nothing. I(auth_token) is added with C(rotate) to a group
        without a token unless I(auth_token_update_strategy) is set, so the cluster's clients keep working
        without it until a C(set).
      - Subnet group, port and encryption at rest cannot be changed. When they differ from the cluster's, the
        task fails once the group exists, naming the choices.
      - Only used when the group is created; ignored for an existing group. Not with cluster mode.
    type: str
    version_added: 0.2.0
  global_replication_group_id:
    description:
      - Create the group as a secondary of this global datastore (its full id, such as C(ldgnf-orders)), in the
        module's I(region), which must differ from the primary's. The secondary is read-only and replicates from the
        primary.
      - Node type, engine, engine version, encryption, port and AUTH token come from the primary; given, they must
        match it. I(auth_token), I(user_group_ids), I(primary_cluster_id), I(snapshot_name) and I(snapshot_arns)
        cannot be given.
      - An existing group that is not a member of this global datastore is refused (ElastiCache cannot add one).
        M(funmagic.elasticache.global_replication_group) creates the global datastore and fails it over.
    type: str
  log_delivery_configurations:
    description:
      - Where the slow log and the engine log go. Compared with what AWS describes and changed in place
        (ModifyReplicationGroup, always applied immediately, as AWS requires).
      - A log type that is not listed is turned off; an empty list turns every log delivery off.
        Not set, log delivery is not managed.
      - The engine log needs Redis OSS 6.2 or later, the slow log 6.0 or later.
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      log_type:
        description: Which log.
        type: str
        required: true
        choices: [slow-log, engine-log]
      log_format:
        description: The format of the log entries.
        type: str
        choices: [text, json]
        default: json
      destination_type:
        description: Where the log goes.
        type: str
        choices: [cloudwatch-logs, kinesis-firehose]
        default: cloudwatch-logs
      log_group:
        description: The CloudWatch Logs log group. Required with I(destination_type=cloudwatch-logs).
        type: str
      delivery_stream:
        description: The Kinesis Data Firehose delivery stream. Required with I(destination_type=kinesis-firehose).
        type: str
  data_tiering:
    description:
      - Data tiering (values move between memory and the nodes' local SSDs). Only with r6gd node types, which AWS
        runs only with it; set, or left unset, with an r6gd node type it is sent as true. Needs Redis OSS 6.2 or later.
      - Fixed at creation.
    type: bool
    version_added: 0.3.0
  network_type:
    description:
      - C(ipv4), C(ipv6) or C(dual_stack). IPv6 and dual stack need Redis OSS 6.2 or later (or Valkey) and a subnet
        group whose subnets have IPv6 CIDRs. Fixed at creation.
    type: str
    choices: [ipv4, ipv6, dual_stack]
    version_added: 0.3.0
  ip_discovery:
    description:
      - Which addresses the discovery commands (C(CLUSTER SLOTS), C(CLUSTER SHARDS), C(CLUSTER NODES)) return, C(ipv4)
        or C(ipv6). C(ipv6) needs I(network_type) ipv6 or dual_stack, where AWS defaults to it. Changed in place.
    type: str
    choices: [ipv4, ipv6]
    version_added: 0.3.0
  preferred_azs:
    description:
      - The availability zone of each node of a shard, the primary first, one per node (I(replicas) + 1); in cluster
        mode every shard gets the same list. Zones may repeat.
      - Used when the group is created. On an existing group, nodes in other zones are reported (diff and a
        warning), not moved, since AWS cannot move a node in place.
    type: list
    elements: str
    version_added: 0.3.0
  final_snapshot_identifier:
    description: Name of the snapshot taken before the group is deleted.
    type: str
  skip_final_snapshot:
    description:
      - Delete without a final snapshot. Required to be true when no I(final_snapshot_identifier) is given,
        so that nothing is deleted without a snapshot by accident.
    type: bool
    default: false
  wait:
    description: Wait until the group is available (or deleted).
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
- name: A queue Redis with one replica, TLS, AUTH and backups
  funmagic.elasticache.replication_group:
    replication_group_id: app-queue
    description: BullMQ queues
    engine: redis
    engine_version: "7.1"
    node_type: cache.t3.small
    replicas: 1
    parameter_group: app-queue
    subnet_group: funmagic-redis-subnet
    security_group_ids: [funmagic-redis-sg]
    at_rest_encryption: true
    transit_encryption: true
    auth_token: "{{ vault_redis_token }}"
    snapshot_retention_limit: 7
    snapshot_window: "03:00-04:00"
    maintenance_window: "sun:05:00-sun:06:00"
    apply_immediately: true
    tags:
      Environment: prod

- name: Restore a group from a snapshot, with its slow log in CloudWatch Logs
  funmagic.elasticache.replication_group:
    replication_group_id: app-queue-v2
    snapshot_name: app-queue-before-migration
    replicas: 1
    subnet_group: funmagic-redis-subnet
    security_group_ids: [funmagic-redis-sg]
    at_rest_encryption: true
    transit_encryption: true
    auth_token: "{{ vault_redis_token }}"
    log_delivery_configurations:
      - log_type: slow-log
        log_group: /elasticache/app-queue

- name: Turn a single-node cache cluster into a replication group, keeping its data
  funmagic.elasticache.replication_group:
    replication_group_id: app-cache
    primary_cluster_id: app-cache-node
    replicas: 1

- name: Rotate the AUTH token (both tokens work until the next set)
  funmagic.elasticache.replication_group:
    replication_group_id: app-queue
    auth_token: "{{ vault_redis_token_next }}"
    auth_token_update_strategy: rotate

- name: Delete, keeping a final snapshot
  funmagic.elasticache.replication_group:
    replication_group_id: app-queue
    state: absent
    final_snapshot_identifier: app-queue-final-2026-11-25
"""

RETURN = r"""
replication_group:
  description: The group as AWS describes it after the change, in snake_case, with flattened endpoints.
  returned: when the group exists
  type: dict
  contains:
    replication_group_id:
      description: The id.
      type: str
      sample: app-queue
    status:
      description: creating, available, modifying, deleting, ...
      type: str
      sample: available
    member_clusters:
      description: Ids of the member clusters (nodes).
      type: list
      elements: str
      sample: [app-queue-001, app-queue-002]
    primary_endpoint:
      description: Where clients write (cluster mode disabled).
      type: dict
      sample: {address: master.app-queue.abc123.use1.cache.amazonaws.com, port: 6379}
    reader_endpoint:
      description: Where clients read, when there are replicas.
      type: dict
    configuration_endpoint:
      description: Where cluster-aware clients connect (cluster mode enabled).
      type: dict
    transit_encryption_enabled:
      description: Whether TLS is on.
      type: bool
    auth_token_enabled:
      description: Whether an AUTH token is set. The token itself is never returned.
      type: bool
    user_group_ids:
      description: The user groups (RBAC) of the group, as AWS describes them.
      type: list
      elements: str
      sample: [app-queue]
    data_tiering:
      description: C(enabled) or C(disabled), as AWS describes it.
      type: str
      sample: enabled
    network_type:
      description: C(ipv4), C(ipv6) or C(dual_stack).
      type: str
      sample: dual_stack
    ip_discovery:
      description: Which addresses the discovery commands return, C(ipv4) or C(ipv6).
      type: str
      sample: ipv6
    global_replication_group_info:
      description: The global datastore the group belongs to and its role there (PRIMARY or SECONDARY).
      returned: when the group is a member of a global datastore
      type: dict
      sample: {global_replication_group_id: ldgnf-orders, global_replication_group_member_role: SECONDARY}
    tags:
      description: The group's tags, when I(tags) is set (they are read only to be compared).
      type: dict
"""

import functools

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.funmagic.elasticache.plugins.module_utils import global_member
from ansible_collections.funmagic.elasticache.plugins.module_utils import node_placement
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import connect
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import describe_member_cluster
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import describe_replication_group
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import ensure_tags
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import find
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import get_tags
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import run
from ansible_collections.funmagic.elasticache.plugins.module_utils.elasticache import WAIT_OPTIONS
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import create_parameters
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import current_state
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import group_result
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group import plan
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group_options import desired_options
from ansible_collections.funmagic.elasticache.plugins.module_utils.replication_group_options import validate


def resolve_security_groups(module, client, names, subnet_group):
    """Security group names become ids, looked up in the subnet group's VPC. Ids alone cost no call."""
    if not names:
        return names
    wanted_names = [n for n in names if not n.startswith("sg-")]
    if not wanted_names:
        return sorted(names)
    vpc_id = subnet_group_vpc(module, client, subnet_group)
    filters = [{"Name": "group-name", "Values": wanted_names}]
    if vpc_id:
        filters.append({"Name": "vpc-id", "Values": [vpc_id]})
    found = connect(module, "ec2").paginate("describe_security_groups", "SecurityGroups", Filters=filters)
    by_name = dict((g["GroupName"], g["GroupId"]) for g in found)
    missing = [n for n in wanted_names if n not in by_name]
    if missing and module.check_mode:
        return sorted(names)  # created earlier in the same check run: nothing exists yet to look up
    if missing:
        module.fail_json(msg="security_group_ids: no security group named %s in VPC %s; create it or give its id."
                             % (", ".join(missing), vpc_id or "(any)"))
    return sorted([n for n in names if n.startswith("sg-")] + [by_name[n] for n in wanted_names])


def subnet_group_vpc(module, client, name):
    if not name:
        return None
    group = find(client, "describe_cache_subnet_groups", "CacheSubnetGroups", "CacheSubnetGroupNotFoundFault",
                 CacheSubnetGroupName=name)
    if group is None and not module.check_mode:  # in check mode it may be created earlier in the same run
        module.fail_json(msg="subnet_group: cache subnet group %s does not exist; create it first "
                             "(funmagic.elasticache.subnet_group or the network role)" % name)
    return group and group["VpcId"]


def wait_for(client, params, group_id, state):
    waiter = "replication_group_available" if state == "available" else "replication_group_deleted"
    client.wait(waiter, params["wait_timeout"], params["wait_delay"],
                "replication group %s to be %s" % (group_id, state), ReplicationGroupId=group_id)


def ensure_absent(module, client, group):
    params = module.params
    if group is None:
        return False, {"replication_group": None}
    if not params["final_snapshot_identifier"] and not params["skip_final_snapshot"]:
        module.fail_json(msg="Deleting %s needs final_snapshot_identifier, or skip_final_snapshot=true to delete "
                             "without a snapshot." % group["ReplicationGroupId"])
    if group["Status"] == "deleting":
        return False, {"replication_group": None}
    diff = {"before": {"state": "present"}, "after": {"state": "absent"}}
    if module.check_mode:
        return True, {"diff": diff}
    group_id = group["ReplicationGroupId"]
    request = {"ReplicationGroupId": group_id}
    if params["final_snapshot_identifier"]:
        request["FinalSnapshotIdentifier"] = params["final_snapshot_identifier"]
    if group["Status"] != "available":
        wait_for(client, params, group_id, "available")
    client.delete_replication_group(**request)
    if params["wait"]:
        wait_for(client, params, group_id, "deleted")
    return True, {"replication_group": None, "final_snapshot_identifier": params["final_snapshot_identifier"],
                  "diff": diff}


def ensure_present(module, client, group, desired):
    params = module.params
    if group is not None and group["Status"] == "deleting":
        wait_for(client, params, group["ReplicationGroupId"], "deleted")
        group = None
    cluster = describe_member_cluster(client, group) if group else None
    subnet_group = params["subnet_group"] or (cluster or {}).get("CacheSubnetGroupName")
    desired["security_group_ids"] = resolve_security_groups(module, client, params["security_group_ids"],
                                                            subnet_group)
    if group is None:
        return create(module, client, desired)
    return update(module, client, group, cluster, desired)


def create(module, client, desired):
    params = module.params
    group_id = desired["replication_group_id"]
    if not (desired.get("node_type") or desired.get("snapshot_name") or desired.get("primary_cluster_id")
            or desired.get("global_replication_group_id")):
        module.fail_json(msg="node_type is required to create replication group %s (unless it comes from "
                             "snapshot_name, primary_cluster_id or global_replication_group_id)." % group_id)
    diff = {"before": {"state": "absent"}, "after": dict((k, v) for k, v in desired.items() if v is not None)}
    if module.check_mode:
        return True, {"diff": diff}
    request = global_member.secondary_request(create_parameters(desired, params["auth_token"]), desired)
    request.update(node_placement.create_parameters(node_placement.resolved(desired)))
    if params["tags"]:
        request["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
    group = client.create_replication_group(**request)["ReplicationGroup"]
    if desired.get("primary_cluster_id"):
        return adopt(module, client, group_id, desired, diff)
    if params["wait"]:
        wait_for(client, params, group_id, "available")
        group = describe_replication_group(client, group_id)
    # The tags are those just set: no need to read them back.
    tags = None if params["tags"] is None else dict(params["tags"])
    result = group_result(group, describe_member_cluster(client, group), tags)
    return True, {"replication_group": result, "diff": diff}


def adopt(module, client, group_id, desired, diff):
    """The group just made around primary_cluster_id took the cluster's settings (FROM_PRIMARY_CLUSTER): wait until
    it is available (even with wait=false: AWS changes only an available group), then change what differs from
    the options, as a rerun would, so that one run is enough. A token is added with ROTATE to a group that has
    none unless auth_token_update_strategy says otherwise: the cluster's clients connect without one."""
    params = module.params
    wait_for(client, params, group_id, "available")
    group = describe_replication_group(client, group_id)
    strategy = params["auth_token_update_strategy"] or (None if group.get("AuthTokenEnabled") else "rotate")
    result = update(module, client, group, describe_member_cluster(client, group), desired, strategy)[1]
    return True, dict(result, diff=diff)


def update(module, client, group, cluster, desired, auth_token_update_strategy=None):
    """Change what differs from the options. auth_token_update_strategy: instead of the option's."""
    params = module.params
    group_id = group["ReplicationGroupId"]
    state = current_state(group, cluster)
    changes = plan(desired, state, params["auth_token"],
                   auth_token_update_strategy or params["auth_token_update_strategy"])
    nodes = node_placement.plan(desired, group)
    changes["errors"] += nodes["errors"]
    changes["modify"].update(nodes["modify"])
    changes["before"].update(nodes["before"])
    changes["after"].update(nodes["after"])
    if nodes["placement"]:
        module.warn(node_placement.placement_warning(group_id, nodes["placement"], desired["preferred_azs"]))
    changes["errors"] += global_member.membership_errors(group, desired.get("global_replication_group_id"))
    if changes["errors"]:
        module.fail_json(msg="Replication group %s: %s" % (group_id, " ".join(changes["errors"])))
    needs_change = bool(changes["modify"] or changes["log_delivery"] or changes["shards"]
                        or changes["replicas"] is not None)
    diff = {"before": changes["before"], "after": changes["after"]}
    tags = None if params["tags"] is None else get_tags(client, group["ARN"])
    if module.check_mode:
        tags_changed = ensure_tags(client, group["ARN"], params["tags"], params["purge_tags"], True, tags, diff)[0]
        return needs_change or tags_changed, {"diff": diff, "replication_group": group_result(group, cluster, tags)}
    if needs_change and group["Status"] != "available":
        wait_for(client, params, group_id, "available")

    def change_replicas():
        call = client.increase_replica_count if changes["replicas"] > state["replicas"] \
            else client.decrease_replica_count
        call(ReplicationGroupId=group_id, NewReplicaCount=changes["replicas"], ApplyImmediately=True)

    # AWS takes LogDeliveryConfigurations only with ApplyImmediately: they join the modify when it applies
    # immediately anyway, else they go in a call of their own.
    requests = []
    if changes["modify"]:
        requests.append((params["apply_immediately"], dict(changes["modify"])))
    if changes["log_delivery"] and requests and params["apply_immediately"]:
        requests[0][1]["LogDeliveryConfigurations"] = changes["log_delivery"]
    elif changes["log_delivery"]:
        requests.append((True, {"LogDeliveryConfigurations": changes["log_delivery"]}))

    def modify(apply_immediately, request):
        return lambda: client.modify_replication_group(ReplicationGroupId=group_id,
                                                       ApplyImmediately=apply_immediately, **request)

    steps = [modify(*request) for request in requests]
    if changes["replicas"] is not None:
        steps.insert(0 if changes["replicas_first"] else len(steps), change_replicas)
    if changes["shards"]:
        steps.append(lambda: client.modify_replication_group_shard_configuration(ReplicationGroupId=group_id,
                                                                                 **changes["shards"]))
    for index, step in enumerate(steps):
        step()
        if params["wait"] or index < len(steps) - 1:
            wait_for(client, params, group_id, "available")
    tags_changed, tags = ensure_tags(client, group["ARN"], params["tags"], params["purge_tags"], False, tags, diff)
    if needs_change:
        group = describe_replication_group(client, group_id)
        cluster = describe_member_cluster(client, group)
    return needs_change or tags_changed, {"diff": diff, "replication_group": group_result(group, cluster, tags)}


def ensure(module, client, desired):
    group = describe_replication_group(client, desired["replication_group_id"])
    if module.params["state"] == "absent":
        return ensure_absent(module, client, group)
    return ensure_present(module, client, group, desired)


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        replication_group_id=dict(type="str", required=True, aliases=["id", "name"]),
        description=dict(type="str"),
        engine=dict(type="str", choices=["redis", "valkey"]),
        engine_version=dict(type="str"),
        node_type=dict(type="str"),
        port=dict(type="int"),
        replicas=dict(type="int"),
        num_cache_clusters=dict(type="int"),
        cluster_mode=dict(type="dict", options=dict(
            enabled=dict(type="bool", default=False),
            num_node_groups=dict(type="int", default=1),
            replicas_per_node_group=dict(type="int"),
        )),
        automatic_failover=dict(type="bool"),
        multi_az=dict(type="bool"),
        parameter_group=dict(type="str"),
        subnet_group=dict(type="str"),
        security_group_ids=dict(type="list", elements="str", aliases=["security_groups"]),
        at_rest_encryption=dict(type="bool"),
        kms_key_id=dict(type="str"),
        transit_encryption=dict(type="bool"),
        transit_encryption_mode=dict(type="str", choices=["preferred", "required"]),
        auth_token=dict(type="str", no_log=True),
        auth_token_update_strategy=dict(type="str", choices=["rotate", "set", "delete"], no_log=False),
        user_group_ids=dict(type="list", elements="str"),
        snapshot_retention_limit=dict(type="int"),
        snapshot_window=dict(type="str"),
        maintenance_window=dict(type="str"),
        auto_minor_version_upgrade=dict(type="bool"),
        apply_immediately=dict(type="bool", default=False),
        notification_topic_arn=dict(type="str"),
        snapshot_name=dict(type="str"),
        snapshot_arns=dict(type="list", elements="str"),
        primary_cluster_id=dict(type="str"),
        global_replication_group_id=dict(type="str"),
        log_delivery_configurations=dict(type="list", elements="dict", options=dict(
            log_type=dict(type="str", required=True, choices=["slow-log", "engine-log"]),
            log_format=dict(type="str", default="json", choices=["text", "json"]),
            destination_type=dict(type="str", default="cloudwatch-logs", choices=["cloudwatch-logs",
                                                                                  "kinesis-firehose"]),
            log_group=dict(type="str"),
            delivery_stream=dict(type="str"),
        ), required_if=[["destination_type", "cloudwatch-logs", ["log_group"]],
                        ["destination_type", "kinesis-firehose", ["delivery_stream"]]]),
        data_tiering=dict(type="bool"),
        network_type=dict(type="str", choices=list(node_placement.NETWORK_TYPES)),
        ip_discovery=dict(type="str", choices=list(node_placement.IP_DISCOVERY)),
        preferred_azs=dict(type="list", elements="str"),
        final_snapshot_identifier=dict(type="str"),
        skip_final_snapshot=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        **WAIT_OPTIONS
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[["replicas", "num_cache_clusters"],
                            ["snapshot_name", "snapshot_arns", "primary_cluster_id"]],
    )
    desired = desired_options(module.params)
    errors = validate(module.params, desired) + global_member.validate(module.params)
    if errors:
        module.fail_json(msg="Invalid options: " + " ".join(errors))

    run(module, functools.partial(ensure, desired=desired))


if __name__ == "__main__":
    main()
