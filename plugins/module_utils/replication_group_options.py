# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replication_group module's options, read: what the user asked for in the names plan() compares
(desired_options), and every problem with them, each naming its option (validate). Pure: no AWS call."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.funmagic.elasticache.plugins.module_utils import node_placement
from ansible_collections.funmagic.elasticache.plugins.module_utils import validation


def desired_options(params):
    """The options the user set, in the names plan() compares; replicas resolved from every spelling."""
    cluster_mode = params["cluster_mode"] or {}
    replicas = params["replicas"]
    if replicas is None and params["num_cache_clusters"] is not None:
        replicas = params["num_cache_clusters"] - 1
    if replicas is None and cluster_mode.get("replicas_per_node_group") is not None:
        replicas = cluster_mode["replicas_per_node_group"]
    desired = dict((k, params[k]) for k in (
        "description", "engine", "engine_version", "node_type", "port", "automatic_failover", "multi_az",
        "parameter_group", "subnet_group", "at_rest_encryption", "kms_key_id", "transit_encryption",
        "transit_encryption_mode", "snapshot_retention_limit", "snapshot_window", "maintenance_window",
        "auto_minor_version_upgrade", "notification_topic_arn", "snapshot_name", "snapshot_arns",
        "primary_cluster_id", "log_delivery_configurations", "user_group_ids") + node_placement.OPTIONS)
    desired["global_replication_group_id"] = params.get("global_replication_group_id")
    desired["replication_group_id"] = params["replication_group_id"].lower()
    desired["replicas"] = replicas
    if params["cluster_mode"] is not None:
        desired["cluster_mode"] = bool(cluster_mode.get("enabled"))
        desired["num_node_groups"] = cluster_mode.get("num_node_groups") if desired["cluster_mode"] else None
    if replicas is not None:
        for option in ("automatic_failover", "multi_az"):
            if desired[option] is None:
                desired[option] = replicas > 0 or bool(desired.get("cluster_mode"))
    return desired


def validate(params, desired):
    """Every problem with the options, as messages naming the option; [] when they are fine."""
    errors = []
    errors += validation.identifier(params["replication_group_id"], "replication_group_id")
    errors += validation.auth_token(params["auth_token"])
    errors += validation.replicas(desired["replicas"])
    errors += validation.retention(params["snapshot_retention_limit"])
    errors += validation.windows(params["snapshot_window"], params["maintenance_window"])
    if desired["replicas"] == 0 and not desired.get("cluster_mode"):
        for option in ("automatic_failover", "multi_az"):
            if params[option]:
                errors.append("%s needs at least one replica; set replicas to 1 or more." % option)
    if params["multi_az"] and params["automatic_failover"] is False:
        errors.append("multi_az needs automatic_failover.")
    if params["auth_token"] and params["transit_encryption"] is False:
        errors.append("auth_token needs transit_encryption: ElastiCache only accepts a token over TLS.")
    if params["user_group_ids"] and params["auth_token"]:
        errors.append("user_group_ids and auth_token are two kinds of access control: give one (RBAC with user "
                      "groups, or an AUTH token).")
    if params["user_group_ids"] and params["transit_encryption"] is False:
        errors.append("user_group_ids needs transit_encryption: ElastiCache accepts user groups over TLS only.")
    if params["auth_token_update_strategy"] in ("rotate", "set") and not params["auth_token"]:
        errors.append("auth_token_update_strategy %s needs auth_token." % params["auth_token_update_strategy"])
    log_types = [c["log_type"] for c in params["log_delivery_configurations"] or []]
    for log_type in sorted(set(t for t in log_types if log_types.count(t) > 1)):
        errors.append("log_delivery_configurations: %s is listed more than once; give one entry per log_type."
                      % log_type)
    if params["primary_cluster_id"] and desired.get("cluster_mode"):
        errors.append("primary_cluster_id cannot be used with cluster mode: the cluster becomes a single shard's "
                      "primary.")
    errors += node_placement.errors(dict(desired, nodes_per_shard=None if desired["replicas"] is None
                                         else desired["replicas"] + 1))
    if params["final_snapshot_identifier"]:
        errors += validation.identifier(params["final_snapshot_identifier"], "final_snapshot_identifier", 255)
        if params["skip_final_snapshot"]:
            errors.append("final_snapshot_identifier and skip_final_snapshot=true contradict each other; choose one.")
    return errors
