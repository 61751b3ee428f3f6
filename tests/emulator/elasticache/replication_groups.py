"""Replication groups: create (also from a cluster, PrimaryClusterId), describe, modify, replica counts,
online resharding, delete (RetainPrimaryCluster) and TestFailover.
"""

from __future__ import annotations

from .. import rules
from ..protocol import AWSError
from .common import error, page, request_tags, version_tuple
from .model import Group
from . import node_placement


# What a group made around a cache cluster (PrimaryClusterId) takes from the cluster, whatever the request says.
FROM_PRIMARY_CLUSTER = ("CacheNodeType", "Engine", "EngineVersion", "CacheParameterGroupName", "CacheSubnetGroupName",
                        "SecurityGroupIds", "TransitEncryptionEnabled", "TransitEncryptionMode",
                        "AtRestEncryptionEnabled", "Port")


class ReplicationGroups:
    """The op_* handlers of replication groups."""

    def _group(self, region, group_id) -> Group:
        group = region.groups.get((group_id or "").lower())
        if group is None:
            raise error("ReplicationGroupNotFoundFault", f"ReplicationGroup {group_id} not found.")
        return group

    def _require_available(self, group, action):
        if group.status != "available":
            raise error("InvalidReplicationGroupState",
                        f"Replication group {group.id} must be in available state to {action}; it is {group.status}.")

    def _cluster_settings(self, region, cluster_id):
        """CreateReplicationGroup's parameters that PrimaryClusterId takes from the cluster."""
        cluster = region.clusters.get((cluster_id or "").lower())
        if cluster is None:
            raise error("CacheClusterNotFound", f"CacheCluster {cluster_id} not found.")
        if cluster.status != "available":
            raise error("InvalidCacheClusterState",
                        f"Cache cluster {cluster.id} must be available to become a primary; it is {cluster.status}.")
        inherited = {"CacheNodeType": cluster.node_type, "Engine": cluster.engine,
                     "EngineVersion": cluster.engine_version, "CacheParameterGroupName": cluster.parameter_group,
                     "CacheSubnetGroupName": cluster.subnet_group, "SecurityGroupIds": cluster.security_group_ids,
                     "TransitEncryptionEnabled": cluster.transit, "AtRestEncryptionEnabled": cluster.at_rest,
                     "SnapshotRetentionLimit": cluster.retention, "SnapshotWindow": cluster.snapshot_window,
                     "PreferredMaintenanceWindow": cluster.maintenance_window, "Port": cluster.port}
        if cluster.transit:
            inherited["TransitEncryptionMode"] = cluster.transit_mode
        return cluster, inherited

    def op_CreateReplicationGroup(self, region, p):  # pylint: disable=invalid-name,too-many-locals,too-many-branches
        group_id = rules.identifier(p["ReplicationGroupId"], "ReplicationGroupId")
        if group_id in region.groups:
            raise error("ReplicationGroupAlreadyExistsFault", f"Replication group {group_id} already exists.")
        p, global_group = self.secondary_request(region, p)
        primary = None
        if "PrimaryClusterId" in p:
            primary, inherited = self._cluster_settings(region, p["PrimaryClusterId"])
            # "The settings of the cluster (parameter group, security group, node type, engine version, etc.) will be
            # applied to all nodes" (User Guide, creating a replication group from an existing cluster): they win over
            # the request; windows and retention may come from the request.
            p = {**inherited, **p, **{k: v for k, v in inherited.items() if k in FROM_PRIMARY_CLUSTER}}
        cluster_mode = p.get("ClusterMode") == "enabled" or p.get("NumNodeGroups", 1) > 1
        if p.get("ClusterMode") == "compatible":
            raise rules.invalid("ClusterMode compatible is only valid when modifying a replication group.")
        if primary is not None and cluster_mode:
            raise rules.combination("PrimaryClusterId cannot be used with ClusterMode enabled.")
        if "NumCacheClusters" in p and ("NumNodeGroups" in p or "ReplicasPerNodeGroup" in p):
            raise rules.combination("NumCacheClusters cannot be combined with NumNodeGroups or ReplicasPerNodeGroup.")
        if cluster_mode:
            num_node_groups, replicas = p.get("NumNodeGroups", 1), p.get("ReplicasPerNodeGroup", 1)
            if not 1 <= num_node_groups <= 500:
                raise rules.invalid("The parameter NumNodeGroups must be between 1 and 500.")
        else:
            num_node_groups = 1
            replicas = p["NumCacheClusters"] - 1 if "NumCacheClusters" in p else p.get("ReplicasPerNodeGroup", 0)
            if "NumCacheClusters" in p and not 1 <= p["NumCacheClusters"] <= 6:
                raise rules.invalid("The parameter NumCacheClusters must be between 1 and 6.")
        if not 0 <= replicas <= 5:
            raise rules.invalid("The parameter ReplicasPerNodeGroup must be between 0 and 5.")

        automatic_failover = p.get("AutomaticFailoverEnabled", cluster_mode)
        multi_az = p.get("MultiAZEnabled", False)
        if automatic_failover and replicas < 1:
            raise rules.combination("Automatic failover requires at least one replica (NumCacheClusters >= 2).")
        if cluster_mode and not automatic_failover:
            raise rules.combination("Automatic failover must be enabled when ClusterMode is enabled.")
        if multi_az and not automatic_failover:
            raise rules.combination("Multi-AZ requires automatic failover to be enabled.")

        settings = self._settings(region, p, cluster_mode)
        settings.update(node_placement.create_settings(p, settings, region.subnet_groups[settings["subnet_group"]],
                                                       cluster_mode, num_node_groups, replicas))
        if primary is not None:
            settings.update(tokens=list(primary.tokens), token_modified=primary.token_modified,
                            restore_from=self._dumps.save(primary.server_key, f"{region.name}-{primary.id}-primary"),
                            primary_cluster_id=primary.id, azs=primary.azs)
            # The cluster now is the group's primary member; its tags stay with its ARN.
            del region.clusters[primary.id]
        group = Group(
            id=group_id, description=p["ReplicationGroupDescription"], cluster_mode=cluster_mode,
            node_group_ids=[f"{n:04d}" for n in range(1, num_node_groups + 1)], replicas=replicas,
            automatic_failover=automatic_failover, multi_az=multi_az, arn=region.arn("replicationgroup", group_id),
            **settings,
        )
        if global_group is not None:
            self.join_secondary(region, group, global_group)
        self._start(region, group, request_tags(p), f"Replication group {group_id} created")
        self.attach_user_groups(region, group_id, [], group.user_group_ids)
        return {"ReplicationGroup": group.render()}

    def op_DescribeReplicationGroups(self, region, p):  # pylint: disable=invalid-name
        if "ReplicationGroupId" in p:
            groups = [self._group(region, p["ReplicationGroupId"])]
        else:
            groups = sorted(region.groups.values(), key=lambda g: g.id)
        return page([g.render() for g in groups], p, "ReplicationGroups")

    def op_ModifyReplicationGroup(self, region, p):  # pylint: disable=invalid-name,too-many-branches,too-many-statements
        group = self._group(region, p["ReplicationGroupId"])
        self._require_available(group, "modify it")
        unsupported = {"PrimaryClusterId", "NodeGroupId", "CacheSecurityGroupNames"} & set(p)
        if unsupported:
            raise AWSError("InvalidAction", f"{sorted(unsupported)[0]} is not implemented by the emulator.")
        p = self._default_parameter_group_of_new_family(region, group, p)
        changes, pending = self._engine_and_node_type(region, group, p)
        engine = changes.get("engine", group.engine)
        if {"engine", "engine_version", "node_type"} & set(changes):
            # New nodes replace the old ones, synced from the primary, then a failover per shard: the data stays,
            # every client connection drops once (User Guide, "Upgrading engine versions", "Scaling").
            changes["disconnects"] = group.disconnects + 1
        if "ReplicationGroupDescription" in p:
            changes["description"] = p["ReplicationGroupDescription"]

        failover = p.get("AutomaticFailoverEnabled", group.automatic_failover)
        multi_az = p.get("MultiAZEnabled", group.multi_az)
        if failover and group.replicas < 1:
            raise rules.combination("Automatic failover requires at least one replica.")
        if multi_az and not failover:
            raise rules.combination("Multi-AZ requires automatic failover to be enabled.")
        if group.cluster_mode and not failover:
            raise rules.combination("Automatic failover cannot be disabled when ClusterMode is enabled.")
        if failover != group.automatic_failover:
            changes["automatic_failover"] = failover
            group.pending["AutomaticFailoverStatus"] = "enabled" if failover else "disabled"
        if multi_az != group.multi_az:
            changes["multi_az"] = multi_az

        if "SecurityGroupIds" in p:
            vpc = region.subnet_groups[group.subnet_group]["VpcId"]
            ids = self._security_groups(region, p["SecurityGroupIds"], vpc)
            if sorted(ids) != sorted(group.security_group_ids):
                changes["security_group_ids"] = ids
        if "CacheParameterGroupName" in p and p["CacheParameterGroupName"] != group.parameter_group:
            family = self._engine(engine, changes.get("engine_version") or pending.get("EngineVersion")
                                  or group.engine_version)[2]
            changes["parameter_group"] = self._parameter_group_for(
                region, p["CacheParameterGroupName"], family, group.cluster_mode)
        if "SnapshotRetentionLimit" in p and p["SnapshotRetentionLimit"] != group.retention:
            changes["retention"] = rules.retention(p["SnapshotRetentionLimit"])
        snapshot_window = p.get("SnapshotWindow", group.snapshot_window)
        maintenance_window = p.get("PreferredMaintenanceWindow", group.maintenance_window)
        self._check_windows(snapshot_window, maintenance_window)
        if snapshot_window != group.snapshot_window:
            changes["snapshot_window"] = snapshot_window
        if maintenance_window != group.maintenance_window:
            changes["maintenance_window"] = maintenance_window
        if "AutoMinorVersionUpgrade" in p and p["AutoMinorVersionUpgrade"] != group.auto_minor:
            changes["auto_minor"] = p["AutoMinorVersionUpgrade"]
        if "NotificationTopicArn" in p and p["NotificationTopicArn"] != group.notification_arn:
            changes["notification_arn"] = p["NotificationTopicArn"]
        if "NotificationTopicStatus" in p:
            changes["notification_status"] = p["NotificationTopicStatus"]

        if "TransitEncryptionEnabled" in p or "TransitEncryptionMode" in p:
            changes.update(self._transit_change(group, p))
        if "IpDiscovery" in p and p["IpDiscovery"] != group.ip_discovery:
            node_placement.check_discovery(group.network_type, p["IpDiscovery"])
            changes["ip_discovery"] = p["IpDiscovery"]

        adding = [g.lower() for g in p.get("UserGroupIdsToAdd") or []]
        removing = [g.lower() for g in p.get("UserGroupIdsToRemove") or []]
        if p.get("RemoveUserGroups"):
            # "Removes the user group associated with this replication group" (the RBAC-to-AUTH move).
            if adding or removing:
                raise rules.combination("RemoveUserGroups cannot be given with UserGroupIdsToAdd or "
                                        "UserGroupIdsToRemove.")
            if not group.user_group_ids:
                raise rules.combination(f"Replication group {group.id} has no user group to remove.")
            removing = list(group.user_group_ids)
        if adding or removing:
            changes["user_group_ids"] = self._user_group_change(region, group, adding, removing, p)
        strategy = p.get("AuthTokenUpdateStrategy")
        if "AuthToken" in p or strategy:
            changes.update(self._token_change(group, p.get("AuthToken"), strategy or "ROTATE", to_rbac=bool(adding)))
        if "LogDeliveryConfigurations" in p:
            log_delivery = self._log_delivery_change(group, p)
            if log_delivery != group.log_delivery:
                changes["log_delivery"] = log_delivery

        if pending:
            group.node_pending.update(pending)
        if changes:
            self._modify(region, group, changes)
        return {"ReplicationGroup": group.render()}

    @staticmethod
    def _transit_change(group, p):
        """In-transit encryption on an existing group, in AWS's two steps each way: no TLS -> preferred (plain and TLS
        on the same endpoint and port) -> required, and back through preferred. Engine 7.0 or later."""
        transit = p.get("TransitEncryptionEnabled", group.transit)
        mode = p.get("TransitEncryptionMode")
        if transit == group.transit and mode in (None, group.transit_mode if group.transit else None):
            return {}
        if version_tuple(group.engine_version) < (7, 0):
            raise rules.combination("Changing in-transit encryption needs engine version 7.0 or later.")
        if group.cluster_mode:
            raise AWSError("InvalidAction", "Changing in-transit encryption in cluster mode is not implemented by the "
                                            "emulator.")
        if transit and not group.transit and mode != "preferred":
            raise rules.combination("TransitEncryptionMode must be preferred when TransitEncryptionEnabled is turned "
                                    "on for an existing replication group; set required once every client uses TLS.")
        if not transit and mode is not None:
            raise rules.combination("TransitEncryptionMode needs TransitEncryptionEnabled.")
        if transit and group.transit and mode == "required" and group.transit_mode != "preferred":
            raise rules.combination("TransitEncryptionMode can only become required from preferred.")
        if not transit:
            if group.transit_mode != "preferred":
                raise rules.combination("Set TransitEncryptionMode to preferred before disabling in-transit "
                                        "encryption.")
            if group.tokens:
                raise rules.combination("Delete the AUTH token before disabling in-transit encryption.")
            if group.user_group_ids:
                raise rules.combination("Remove the user groups before disabling in-transit encryption.")
        mode = mode or group.transit_mode
        group.pending["TransitEncryptionEnabled"] = transit
        if transit:
            group.pending["TransitEncryptionMode"] = mode
        # The endpoints keep their names and addresses: clients move to rediss:// on the endpoint they use.
        return {"transit": transit, "transit_mode": mode if transit else "required",
                "plain_names": group.plain_names or not group.transit}

    def _default_parameter_group_of_new_family(self, region, group, p):
        """A group on a default parameter group moves to the new family's default one when an engine or version
        change needs another family and the request names no parameter group ("How to upgrade from Redis OSS to
        Valkey": with a default group, Engine and EngineVersion are enough; a custom group must be passed)."""
        if "CacheParameterGroupName" in p or not ("Engine" in p or "EngineVersion" in p):
            return p
        current = region.parameter_groups.get(group.parameter_group) or {}
        if not current.get("default"):
            return p
        engine = (p.get("Engine") or group.engine).lower()
        version = p.get("EngineVersion") or (group.engine_version if engine == group.engine else None)
        family = self._engine(engine, version)[2]
        if family == current["family"]:
            return p
        return dict(p, CacheParameterGroupName=f"default.{family}{'.cluster.on' if group.cluster_mode else ''}")

    def _user_group_change(self, region, group, adding, removing, p):
        """The group's user groups after UserGroupIdsToAdd / UserGroupIdsToRemove, checked."""
        if set(adding) & set(removing):
            raise rules.combination("A user group cannot be both added and removed.")
        if not group.transit:
            raise rules.invalid("User groups are only supported when encryption-in-transit is enabled.")
        if adding and "AuthToken" in p:
            raise rules.combination("AuthToken cannot be given with UserGroupIdsToAdd: a group uses an AUTH token or "
                                    "user groups.")
        if adding and group.tokens and p.get("AuthTokenUpdateStrategy") != "DELETE":
            raise rules.combination("Delete the AUTH token (AuthTokenUpdateStrategy DELETE) in the request that adds "
                                    "the first user group.")
        unknown = [g for g in removing if g not in group.user_group_ids]
        if unknown:
            raise error("UserGroupNotFound", f"User group {unknown[0]} is not associated with {group.id}.")
        self.check_user_groups(region, adding, group.engine, group.engine_version)
        wanted = [g for g in group.user_group_ids if g not in removing] + [g for g in adding
                                                                           if g not in group.user_group_ids]
        if removing and not wanted and not p.get("AuthToken") and not group.tokens:
            raise rules.combination("Removing the last user group needs an AuthToken, or the group has no access "
                                    "control.")
        self.attach_user_groups(region, group.id, group.user_group_ids, wanted)
        group.pending["UserGroups"] = {"UserGroupIdsToAdd": list(adding), "UserGroupIdsToRemove": list(removing)}
        return wanted

    def _replica_count(self, region, p, increase):
        group = self._group(region, p["ReplicationGroupId"])
        self._require_available(group, "change its replica count")
        if not p.get("ApplyImmediately"):
            raise rules.invalid("ApplyImmediately must be true to change the replica count.")
        if group.cluster_mode:
            raise AWSError("InvalidAction", "Changing the replica count in cluster mode is not implemented by the "
                                            "emulator.")
        if "NewReplicaCount" not in p:
            raise AWSError("MissingParameter", "NewReplicaCount is required.")
        count = p["NewReplicaCount"]
        if not 0 <= count <= 5:
            raise rules.invalid("The parameter NewReplicaCount must be between 0 and 5.")
        if increase and count <= group.replicas:
            raise rules.invalid(f"NewReplicaCount {count} must be greater than the current {group.replicas}.")
        if not increase and count >= group.replicas:
            raise rules.invalid(f"NewReplicaCount {count} must be less than the current {group.replicas}.")
        if count == 0 and group.automatic_failover:
            raise rules.combination("Disable automatic failover before removing the last replica.")
        group.status = "modifying"

        def finish():
            group.replicas = count
            group.status = "available"

        group.transition = self._after(self.config.modify_seconds, finish)
        return {"ReplicationGroup": group.render()}

    def op_IncreaseReplicaCount(self, region, p):  # pylint: disable=invalid-name
        return self._replica_count(region, p, increase=True)

    def op_DecreaseReplicaCount(self, region, p):  # pylint: disable=invalid-name
        return self._replica_count(region, p, increase=False)

    def op_ModifyReplicationGroupShardConfiguration(self, region, p):  # pylint: disable=invalid-name
        """Online resharding: modifying while slots move with their keys, then the new NodeGroups.

        Scaling in removes the shards NodeGroupsToRemove names (or all but NodeGroupsToRetain); the
        emulator's Redis Cluster can only remove the last shards, so other choices are refused.
        """
        group = self._group(region, p["ReplicationGroupId"])
        if not group.cluster_mode:
            raise rules.combination(f"Replication group {group.id} is not cluster mode enabled; its shard "
                                    "configuration cannot be modified.")
        if not p["ApplyImmediately"]:
            raise rules.invalid("ApplyImmediately must be true to modify the shard configuration.")
        self._require_available(group, "modify its shard configuration")
        count, current = p["NodeGroupCount"], list(group.node_group_ids)
        if not 1 <= count <= 500:
            raise rules.invalid("The parameter NodeGroupCount must be between 1 and 500.")
        if "ReshardingConfiguration" in p and count <= len(current):
            raise rules.combination("ReshardingConfiguration can only be given when NodeGroupCount adds shards.")
        removed = self._shards_to_remove(group, p, count)
        if removed != current[len(current) - len(removed):]:
            raise AWSError("InvalidAction", "Removing shards other than the last ones is not implemented by the "
                                            f"emulator: remove {', '.join(current[count:])}.")
        kept = current[:len(current) - len(removed)]
        used = [int(g) for g in current + [m.rsplit("-", 2)[1] for m in group.retired_members]]
        added = [f"{n:04d}" for n in range(max(used) + 1, max(used) + 1 + count - len(kept))]
        group.pending["Resharding"] = {"SlotMigration": {"ProgressPercentage": 0.0}}
        retired = [m for m in group.member_ids() if m.rsplit("-", 2)[1] in removed]
        self._modify(region, group, {"node_group_ids": kept + added,
                                     "retired_members": group.retired_members + retired})
        return {"ReplicationGroup": group.render()}

    @staticmethod
    def _shards_to_remove(group, p, count):
        current = group.node_group_ids
        to_remove, to_retain = p.get("NodeGroupsToRemove"), p.get("NodeGroupsToRetain")
        if count >= len(current):
            if to_remove or to_retain:
                raise rules.combination("NodeGroupsToRemove and NodeGroupsToRetain are only valid when "
                                        "NodeGroupCount removes shards.")
            return []
        if (to_remove is None) == (to_retain is None):
            raise rules.combination("Give either NodeGroupsToRemove or NodeGroupsToRetain when NodeGroupCount is "
                                    "less than the current number of node groups.")
        unknown = sorted(set(to_remove or to_retain) - set(current))
        if unknown:
            raise error("NodeGroupNotFoundFault", f"Node group {unknown[0]} not found in {group.id}.")
        removed = [g for g in current if g in to_remove] if to_remove is not None else \
            [g for g in current if g not in to_retain]
        if len(current) - len(removed) != count:
            raise rules.combination(f"NodeGroupCount {count} does not match the {len(current)} node groups less the "
                                    f"{len(removed)} removed.")
        return removed

    def op_DeleteReplicationGroup(self, region, p):  # pylint: disable=invalid-name
        group = self._group(region, p["ReplicationGroupId"])
        if group.status not in ("available", "create-failed"):
            raise error("InvalidReplicationGroupState",
                        f"Replication group {group.id} must be available to delete it; it is {group.status}.")
        self.refuse_global_member(group, "delete it")
        self._final_snapshot(region, group, p.get("FinalSnapshotIdentifier"))
        retained = None
        if p.get("RetainPrimaryCluster"):
            if group.cluster_mode:
                raise rules.combination("RetainPrimaryCluster is not valid for a cluster mode enabled group.")
            retained = self._retained_primary(region, group)
        self._delete(region, group, region.groups, f"Replication group {group.id} deleted", retained)
        self.attach_user_groups(region, group.id, group.user_group_ids, [])
        return {"ReplicationGroup": group.render()}

    def _retained_primary(self, region, group):
        """The standalone cluster RetainPrimaryCluster leaves: the primary node, its settings and its data."""
        fields = {k: v for k, v in vars(group).items() if k not in ("pending", "node_pending", "transition")}
        primary = group.primary_id()
        fields.update(id=primary, standalone=True, description="", replicas=0, automatic_failover=False,
                      multi_az=False, primary_cluster_id=None, primary_index=0, disconnects=0, reboots=0,
                      arn=region.arn("cluster", primary), status="available",
                      restore_from=self._dumps.save(group.server_key, f"{region.name}-{primary}-retained"))
        return Group(**fields)

    def op_TestFailover(self, region, p):  # pylint: disable=invalid-name
        """Promote the next replica, as TestFailover does; the primary endpoint's name stays, clients reconnect."""
        group = self._group(region, p["ReplicationGroupId"])
        if group.cluster_mode:
            raise AWSError("InvalidAction", "TestFailover in cluster mode is not implemented by the emulator.")
        if p["NodeGroupId"] != "0001":
            raise error("NodeGroupNotFoundFault", f"Node group {p['NodeGroupId']} not found in {group.id}.")
        self._require_available(group, "test a failover")
        if not group.automatic_failover:
            raise rules.combination(f"Automatic failover is not enabled on replication group {group.id}.")
        old = group.primary_id()
        new_index = (group.primary_index + 1) % len(group.member_ids())
        new = group.member_ids()[new_index]
        region.event(group.id, "replication-group", "Test Failover API called for node group 0001")
        group.status = "modifying"

        def finish():
            # The messages TestFailover's API reference lists, in its order.
            group.primary_index = new_index
            group.disconnects += 1
            message = f"Failover from primary node {old} to replica node {new} completed"
            region.event(old, "cache-cluster", message)
            region.event(group.id, "replication-group", message)
            region.event(old, "cache-cluster", "Recovering cache nodes 0001")
            region.event(old, "cache-cluster", "Finished recovery for cache nodes 0001")
            group.status = "available"

        group.transition = self._after(self.config.modify_seconds, finish)
        return {"ReplicationGroup": group.render()}
