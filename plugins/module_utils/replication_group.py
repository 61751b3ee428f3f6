# -*- coding: utf-8 -*-
# Copyright: funmagic.elasticache contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a replication group is, what it should be, and the calls that get it there. No AWS calls here."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

# option -> ModifyReplicationGroup parameter
MODIFIABLE = (
    ("description", "ReplicationGroupDescription"),
    ("engine", "Engine"),
    ("engine_version", "EngineVersion"),
    ("node_type", "CacheNodeType"),
    ("automatic_failover", "AutomaticFailoverEnabled"),
    ("multi_az", "MultiAZEnabled"),
    ("security_group_ids", "SecurityGroupIds"),
    ("parameter_group", "CacheParameterGroupName"),
    ("snapshot_retention_limit", "SnapshotRetentionLimit"),
    ("snapshot_window", "SnapshotWindow"),
    ("maintenance_window", "PreferredMaintenanceWindow"),
    ("auto_minor_version_upgrade", "AutoMinorVersionUpgrade"),
    ("notification_topic_arn", "NotificationTopicArn"),
    ("transit_encryption", "TransitEncryptionEnabled"),
    ("transit_encryption_mode", "TransitEncryptionMode"),
)
# Fixed at creation: a different value means a new group.
IMMUTABLE = ("cluster_mode", "at_rest_encryption", "kms_key_id", "subnet_group", "port")
# Create-only options: how a new group starts (a snapshot, an existing cluster); ignored for an existing group.
CREATE_ONLY = (("snapshot_name", "SnapshotName"), ("snapshot_arns", "SnapshotArns"),
               ("primary_cluster_id", "PrimaryClusterId"))
# CreateReplicationGroup parameters that PrimaryClusterId takes from the cluster (AWS applies the cluster's
# parameter group, security groups, node type, engine version... to every node): not sent with it. The module
# changes what differs (plan) once the new group is available, in the same run.
FROM_PRIMARY_CLUSTER = ("Engine", "EngineVersion", "CacheNodeType", "CacheParameterGroupName", "CacheSubnetGroupName",
                        "SecurityGroupIds", "TransitEncryptionEnabled", "TransitEncryptionMode",
                        "AtRestEncryptionEnabled", "KmsKeyId", "Port", "AuthToken")
# log_delivery_configurations destination_type -> (DestinationDetails key, its name field, the option naming it)
LOG_DESTINATIONS = {
    "cloudwatch-logs": ("CloudWatchLogsDetails", "LogGroup", "log_group"),
    "kinesis-firehose": ("KinesisFirehoseDetails", "DeliveryStream", "delivery_stream"),
}


def log_delivery_options(configs):
    """log_delivery_configurations (options or AWS's described list) in one comparable form, sorted by log type.

    Configurations AWS is disabling no longer count.
    """
    result = []
    for config in configs or []:
        if "LogType" in config:
            if config.get("Status") == "disabling":
                continue
            details_key, name_key, option = LOG_DESTINATIONS.get(config.get("DestinationType"), (None, None, None))
            details = (config.get("DestinationDetails") or {}).get(details_key) or {}
            config = {"log_type": config["LogType"], "log_format": config.get("LogFormat"),
                      "destination_type": config.get("DestinationType"), option: details.get(name_key)}
        option = LOG_DESTINATIONS.get(config["destination_type"], (None, None, None))[2]
        result.append({"log_type": config["log_type"], "log_format": config["log_format"],
                       "destination_type": config["destination_type"], "destination": config.get(option)})
    return sorted(result, key=lambda c: c["log_type"])


def log_delivery_request(wanted, current=()):
    """LogDeliveryConfigurations that turn `current` into `wanted` (both as log_delivery_options returns them)."""
    request = []
    wanted_types = set(c["log_type"] for c in wanted)
    for config in wanted:
        if config in current:
            continue
        details_key, name_key = LOG_DESTINATIONS[config["destination_type"]][:2]
        request.append({"LogType": config["log_type"], "DestinationType": config["destination_type"],
                        "DestinationDetails": {details_key: {name_key: config["destination"]}},
                        "LogFormat": config["log_format"], "Enabled": True})
    for config in current:
        if config["log_type"] not in wanted_types:
            request.append({"LogType": config["log_type"], "Enabled": False})
    return request


def current_state(group, cluster):
    """Flatten DescribeReplicationGroups + DescribeCacheClusters (one member) into option names."""
    cluster = cluster or {}
    pending = cluster.get("PendingModifiedValues") or {}
    node_groups = group.get("NodeGroups") or [{}]
    members = node_groups[0].get("NodeGroupMembers") or []
    notification = cluster.get("NotificationConfiguration") or {}
    return {
        "description": group.get("Description"),
        "engine": group.get("Engine") or cluster.get("Engine"),
        "engine_version": cluster.get("EngineVersion"),
        "pending_engine_version": pending.get("EngineVersion"),
        "node_type": group.get("CacheNodeType"),
        "pending_node_type": pending.get("CacheNodeType"),
        "cluster_mode": bool(group.get("ClusterEnabled")),
        "num_node_groups": len(group.get("NodeGroups") or []),
        "node_group_ids": sorted(g.get("NodeGroupId") for g in group.get("NodeGroups") or []),
        "replicas": max(len(members) - 1, 0) if members else len(group.get("MemberClusters") or []) - 1,
        "automatic_failover": group.get("AutomaticFailover") in ("enabled", "enabling"),
        "multi_az": group.get("MultiAZ") == "enabled",
        "security_group_ids": sorted(g["SecurityGroupId"] for g in cluster.get("SecurityGroups") or []),
        "parameter_group": (cluster.get("CacheParameterGroup") or {}).get("CacheParameterGroupName"),
        "subnet_group": cluster.get("CacheSubnetGroupName"),
        "snapshot_retention_limit": group.get("SnapshotRetentionLimit"),
        "snapshot_window": group.get("SnapshotWindow"),
        "maintenance_window": cluster.get("PreferredMaintenanceWindow"),
        "auto_minor_version_upgrade": group.get("AutoMinorVersionUpgrade"),
        "notification_topic_arn": notification.get("TopicArn"),
        "transit_encryption": bool(group.get("TransitEncryptionEnabled")),
        "transit_encryption_mode": group.get("TransitEncryptionMode"),
        "at_rest_encryption": bool(group.get("AtRestEncryptionEnabled")),
        "kms_key_id": group.get("KmsKeyId"),
        "auth_token_enabled": bool(group.get("AuthTokenEnabled")),
        "user_group_ids": user_group_ids(group),
        "port": (node_groups[0].get("PrimaryEndpoint") or group.get("ConfigurationEndpoint") or {}).get("Port"),
        "log_delivery_configurations": log_delivery_options(group.get("LogDeliveryConfigurations")),
    }


def user_group_ids(group):
    """The user groups of a group once its pending changes apply (PendingModifiedValues.UserGroups), sorted."""
    pending = (group.get("PendingModifiedValues") or {}).get("UserGroups") or {}
    ids = set(group.get("UserGroupIds") or []) | set(pending.get("UserGroupIdsToAdd") or [])
    return sorted(ids - set(pending.get("UserGroupIdsToRemove") or []))


def _same(option, wanted, current):
    if option == "node_type":
        return wanted in (current["node_type"], current["pending_node_type"])
    if option == "engine_version":
        versions = [v for v in (current["engine_version"], current["pending_engine_version"]) if v]
        return any(v == wanted or v.startswith(wanted + ".") for v in versions)
    if option == "maintenance_window":
        return (current[option] or "").lower() == wanted.lower()
    if option == "security_group_ids":
        return sorted(wanted) == current[option]
    if option == "kms_key_id":
        return current[option] is not None and (current[option] == wanted or current[option].endswith("/" + wanted))
    return current[option] == wanted


def plan(desired, current, auth_token=None, auth_token_update_strategy=None):
    """Compare option by option. `desired` holds only the options the user set (None = unmanaged).

    Returns a dict: errors (immutable fields that differ), modify (ModifyReplicationGroup
    parameters, without ApplyImmediately), shards (ModifyReplicationGroupShardConfiguration parameters
    for online resharding of a cluster-mode group, or None), log_delivery (LogDeliveryConfigurations to send, which AWS
    only accepts with ApplyImmediately, [] when they match), replicas (new replica count or None),
    replicas_first (whether the replica change must come before the modify), before/after (for diff mode).
    """
    errors, modify, before, after = [], {}, {}, {}
    for option in IMMUTABLE:
        wanted = desired.get(option)
        if wanted is not None and not _same(option, wanted, current):
            errors.append("%s cannot be changed on an existing replication group (it is %r, the task asks for %r). "
                          "Choose one: keep it as is (set %s to %r, or leave it unset); or migrate through a "
                          "snapshot: take a snapshot of this group, create a new group with snapshot_name set to "
                          "it and %s=%r, move the clients to the new group, then delete this one."
                          % (option, current[option], wanted, option, current[option], option, wanted))
    if desired.get("engine") == "redis" and current["engine"] == "valkey":
        errors.append("engine cannot go from valkey back to redis on an existing replication group.")
    for option, parameter in MODIFIABLE:
        wanted = desired.get(option)
        if wanted is None or _same(option, wanted, current):
            continue
        modify[parameter] = wanted
        before[option], after[option] = current[option], wanted
    if modify.get("TransitEncryptionEnabled") is True and not current["transit_encryption"]:
        # AWS turns TLS on for an existing group through `preferred` only (plain and TLS clients on the same
        # endpoint); `required` is a later call, once every client uses TLS.
        modify["TransitEncryptionMode"] = "preferred"
        before["transit_encryption_mode"], after["transit_encryption_mode"] = current["transit_encryption_mode"], \
            "preferred"

    if auth_token_update_strategy == "delete":
        if current["auth_token_enabled"]:
            modify["AuthTokenUpdateStrategy"] = "DELETE"
            before["auth_token_enabled"], after["auth_token_enabled"] = True, False
    elif auth_token is not None and (auth_token_update_strategy or not current["auth_token_enabled"]):
        modify["AuthToken"] = auth_token
        modify["AuthTokenUpdateStrategy"] = (auth_token_update_strategy or "set").upper()
        before["auth_token"], after["auth_token"] = "(unchanged)" if current["auth_token_enabled"] else None, \
            "(new token, %s)" % modify["AuthTokenUpdateStrategy"].lower()

    _user_groups(desired.get("user_group_ids"), current, auth_token, modify, before, after)

    log_delivery = []
    if desired.get("log_delivery_configurations") is not None:
        wanted = log_delivery_options(desired["log_delivery_configurations"])
        log_delivery = log_delivery_request(wanted, current["log_delivery_configurations"])
        if log_delivery:
            before["log_delivery_configurations"] = current["log_delivery_configurations"]
            after["log_delivery_configurations"] = wanted

    shards = None
    wanted_shards = desired.get("num_node_groups")
    if wanted_shards is not None and wanted_shards != current["num_node_groups"]:
        if current["cluster_mode"]:
            shards = shard_change(current["node_group_ids"], wanted_shards)
            before["num_node_groups"], after["num_node_groups"] = current["num_node_groups"], wanted_shards
        else:
            errors.append("num_node_groups cannot be changed on a group without cluster mode (it has one node "
                          "group): keep it at 1; or migrate through a snapshot into a new cluster-mode group.")

    replicas = desired.get("replicas")
    replica_change = None
    if replicas is not None and replicas != current["replicas"]:
        replica_change = replicas
        before["replicas"], after["replicas"] = current["replicas"], replicas
    return {
        "errors": errors,
        "modify": modify,
        "log_delivery": log_delivery,
        "shards": shards,
        "replicas": replica_change,
        # Adding replicas first lets failover be enabled; removing them last lets it be disabled first.
        "replicas_first": replica_change is not None and replica_change > current["replicas"],
        "before": before,
        "after": after,
    }


def _user_groups(wanted, current, auth_token, modify, before, after):
    """UserGroupIdsToAdd / UserGroupIdsToRemove. A group that has an AUTH token and gets its first user group moves
    from AUTH to RBAC in the same call, as AWS documents the migration (AuthTokenUpdateStrategy DELETE): clients that
    send the token keep working as the user group's default user, if that user has the token as its password."""
    if wanted is None or sorted(wanted) == current["user_group_ids"]:
        return
    add = sorted(set(wanted) - set(current["user_group_ids"]))
    remove = sorted(set(current["user_group_ids"]) - set(wanted))
    if add:
        modify["UserGroupIdsToAdd"] = add
    if remove:
        modify["UserGroupIdsToRemove"] = remove
    before["user_group_ids"], after["user_group_ids"] = current["user_group_ids"], sorted(wanted)
    if add and not current["user_group_ids"] and current["auth_token_enabled"] and auth_token is None:
        modify["AuthTokenUpdateStrategy"] = "DELETE"
        before["auth_token_enabled"], after["auth_token_enabled"] = True, False


def shard_change(node_group_ids, count):
    """ModifyReplicationGroupShardConfiguration parameters (without the group id) for `count` shards.

    Scaling in removes the node groups with the highest ids; their slots move to the others.
    """
    change = {"NodeGroupCount": count, "ApplyImmediately": True}
    if count < len(node_group_ids):
        change["NodeGroupsToRemove"] = sorted(node_group_ids)[count:]
    return change


def create_parameters(desired, auth_token=None):
    """CreateReplicationGroup parameters from the desired options.

    From a snapshot, the node type and engine default to the snapshot's. From a primary cluster
    (primary_cluster_id), everything in FROM_PRIMARY_CLUSTER comes from the cluster and is not sent.
    """
    params = {
        "ReplicationGroupId": desired["replication_group_id"],
        "ReplicationGroupDescription": desired.get("description") or desired["replication_group_id"],
        "Engine": desired.get("engine") or "redis",
    }
    if desired.get("node_type"):
        params["CacheNodeType"] = desired["node_type"]
    if desired.get("cluster_mode"):
        params.update(ClusterMode="enabled", NumNodeGroups=desired.get("num_node_groups") or 1,
                      ReplicasPerNodeGroup=desired.get("replicas") or 0)
    else:
        params["NumCacheClusters"] = (desired.get("replicas") or 0) + 1
    optional = dict(MODIFIABLE)
    optional.update({"subnet_group": "CacheSubnetGroupName", "port": "Port", "at_rest_encryption":
                     "AtRestEncryptionEnabled", "kms_key_id": "KmsKeyId"})
    for option, parameter in optional.items():
        if option in ("description", "engine", "node_type"):
            continue
        if desired.get(option) is not None:
            params[parameter] = desired[option]
    if auth_token:
        params["AuthToken"] = auth_token
    if desired.get("user_group_ids"):
        params["UserGroupIds"] = list(desired["user_group_ids"])
    for option, parameter in CREATE_ONLY:
        if desired.get(option):
            params[parameter] = desired[option]
    if desired.get("log_delivery_configurations"):
        params["LogDeliveryConfigurations"] = [
            dict((k, v) for k, v in config.items() if k != "Enabled")
            for config in log_delivery_request(log_delivery_options(desired["log_delivery_configurations"]))]
    if desired.get("primary_cluster_id"):
        for parameter in FROM_PRIMARY_CLUSTER:
            params.pop(parameter, None)
    return params


def endpoints(group):
    """primary_endpoint, reader_endpoint and configuration_endpoint as {address, port} or None."""
    node_group = (group.get("NodeGroups") or [{}])[0]

    def flat(endpoint):
        return {"address": endpoint["Address"], "port": endpoint["Port"]} if endpoint else None

    return {
        "primary_endpoint": flat(node_group.get("PrimaryEndpoint")),
        "reader_endpoint": flat(node_group.get("ReaderEndpoint")),
        "configuration_endpoint": flat(group.get("ConfigurationEndpoint")),
    }


# Fields of the first member cluster that the modules return flattened, under the option names.
MEMBER_FIELDS = ("engine_version", "parameter_group", "subnet_group", "security_group_ids", "maintenance_window",
                 "notification_topic_arn")


def group_result(group, cluster, tags=None):
    """The group as the modules return it: AWS's fields in snake_case, the endpoints and option-named facts.

    cluster: the first member cluster, or None (its fields are then None). tags: None leaves `tags` out.
    """
    result = camel_dict_to_snake_dict(group, ignore_list=["PendingModifiedValues"])
    result.update(endpoints(group))
    state = current_state(group, cluster)
    for key in MEMBER_FIELDS + ("replicas",):
        result[key] = state[key] if cluster or key not in MEMBER_FIELDS else None
    result["pending_modified_values"] = camel_dict_to_snake_dict(group.get("PendingModifiedValues") or {})
    if cluster and cluster.get("PendingModifiedValues"):
        result["pending_modified_values"].update(camel_dict_to_snake_dict(cluster["PendingModifiedValues"]))
    if tags is not None:
        result["tags"] = tags
    return result


FAILED_STATES = ("create-failed", "missing", "deleting")


def progress(groups, ids=None):
    """{ready, failed, summary} of a wait: every id available, the ids that will never be, 'id=status, ...'.

    groups: described groups (snake_case, as group_result returns them); ids: the ones waited for, in order
    (all described groups when None). An id that was not described is 'missing'.
    """
    status = dict((g["replication_group_id"], g.get("status") or "?") for g in groups)
    if ids is None:
        ids = sorted(status)
    states = [(i, status.get(i, "missing")) for i in ids]
    return {
        "ready": all(state == "available" for group_id, state in states),
        "failed": [group_id for group_id, state in states if state in FAILED_STATES],
        "summary": ", ".join("%s=%s" % pair for pair in states),
    }


def node_group(group, node_group_id):
    """The node group (shard) of that id, or None."""
    return next((g for g in group.get("NodeGroups") or [] if g.get("NodeGroupId") == node_group_id), None)


def primary_member(group, node_group_id):
    """The member cluster id of the node group's primary, or None."""
    members = (node_group(group, node_group_id) or {}).get("NodeGroupMembers") or []
    return next((m["CacheClusterId"] for m in members if m.get("CurrentRole") == "primary"), None)


def failover_refusal(group, node_group_id):
    """Why a test failover of this node group cannot run (a message naming what to change), or None."""
    group_id = group["ReplicationGroupId"]
    shard = node_group(group, node_group_id)
    if shard is None:
        return "Replication group %s has no node group %s (it has %s)." % (
            group_id, node_group_id, ", ".join(g.get("NodeGroupId", "?") for g in group.get("NodeGroups") or []))
    if len(shard.get("NodeGroupMembers") or []) < 2:
        return ("Replication group %s has no replica in node group %s: a failover needs one to promote. "
                "Add one (replicas: 1 for this instance) and run the drill again." % (group_id, node_group_id))
    if group.get("AutomaticFailover") != "enabled":
        return ("Replication group %s has automatic failover %s: a failover test needs it enabled "
                "(automatic_failover: true)." % (group_id, group.get("AutomaticFailover") or "disabled"))
    if group.get("Status") != "available":
        return "Replication group %s is %s; a failover can only be tested while it is available." % (
            group_id, group.get("Status"))
    return None


def events_of(events, group):
    """The events about the group or its member clusters, oldest first, in snake_case."""
    sources = set([group["ReplicationGroupId"]] + list(group.get("MemberClusters") or []))
    chosen = [e for e in events if e.get("SourceIdentifier") in sources]
    return [{"date": e["Date"].isoformat() if hasattr(e.get("Date"), "isoformat") else e.get("Date"),
             "source_identifier": e["SourceIdentifier"], "source_type": e.get("SourceType"),
             "message": e.get("Message")} for e in sorted(chosen, key=lambda e: e.get("Date"))]
