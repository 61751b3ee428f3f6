"""Standalone cache clusters (Valkey or Redis OSS, one node): create, describe, modify, reboot, delete.

A replication group's member clusters are described here too, and refused by modify and delete, as on AWS.
"""

from __future__ import annotations

from .. import rules
from ..protocol import AWSError
from .common import error, page, request_tags
from .model import Group


class CacheClusters:
    """The op_* handlers of cache clusters."""

    def _standalone_for(self, region, cluster_id, group_operation):
        """A standalone cluster; a replication group's member is refused as AWS refuses it."""
        found = region.member_clusters().get((cluster_id or "").lower())
        if found is None:
            raise error("CacheClusterNotFound", f"CacheCluster {cluster_id} not found.")
        if not found.standalone:
            raise rules.combination(f"Cache cluster {cluster_id} is a member of replication group {found.id}; "
                                    f"use {group_operation}.")
        return found

    def op_CreateCacheCluster(self, region, p):  # pylint: disable=invalid-name
        cluster_id = rules.identifier(p["CacheClusterId"], "CacheClusterId", max_length=50)
        if cluster_id in region.member_clusters():
            raise error("CacheClusterAlreadyExists", f"Cache cluster {cluster_id} already exists.")
        if "ReplicationGroupId" in p:
            raise AWSError("InvalidAction", "Adding a cluster to a replication group with CreateCacheCluster is not "
                                            "implemented by the emulator; use IncreaseReplicaCount.")
        if (p.get("Engine") or "redis").lower() == "memcached":
            raise AWSError("InvalidAction", "Memcached is not implemented by the emulator.")
        if p.get("NumCacheNodes", 1) != 1:
            raise rules.invalid("The parameter NumCacheNodes must be 1 for a Valkey or Redis OSS cluster.")
        settings = self._settings(region, p, cluster_mode=False)
        if "PreferredAvailabilityZone" in p:
            settings["azs"] = [p["PreferredAvailabilityZone"]]
        cluster = Group(
            id=cluster_id, standalone=True, description="", cluster_mode=False, replicas=0,
            automatic_failover=False, multi_az=False, arn=region.arn("cluster", cluster_id), **settings,
        )
        self._start(region, cluster, request_tags(p), "Cache cluster created")
        return {"CacheCluster": cluster.render_cluster(cluster_id, False)}

    def op_DescribeCacheClusters(self, region, p):  # pylint: disable=invalid-name
        show = p.get("ShowCacheNodeInfo", False)
        members = sorted(region.member_clusters().items())
        if p.get("ShowCacheClustersNotInReplicationGroups"):
            members = [(m, g) for m, g in members if g.standalone]
        if "CacheClusterId" in p:
            members = [(m, g) for m, g in members if m == p["CacheClusterId"].lower()]
            if not members:
                raise error("CacheClusterNotFound", f"CacheCluster {p['CacheClusterId']} not found.")
        return page([g.render_cluster(m, show) for m, g in members], p, "CacheClusters")

    def op_ModifyCacheCluster(self, region, p):  # pylint: disable=invalid-name,too-many-branches
        cluster = self._standalone_for(region, p["CacheClusterId"], "ModifyReplicationGroup")
        if cluster.status != "available":
            raise error("InvalidCacheClusterState",
                        f"Cache cluster {cluster.id} must be available to modify it; it is {cluster.status}.")
        # An empty list asks for nothing, and AWS takes it: community.aws's elasticache module always sends
        # CacheNodeIdsToRemove=[] and CacheSecurityGroupNames=[].
        unsupported = {k for k in ("NewAvailabilityZones", "CacheNodeIdsToRemove", "AZMode", "CacheSecurityGroupNames",
                                   "ScaleConfig") if k in p and p[k] != []}
        if unsupported:
            raise AWSError("InvalidAction", f"{sorted(unsupported)[0]} is not implemented by the emulator.")
        if p.get("NumCacheNodes", 1) != 1:
            raise rules.invalid("The parameter NumCacheNodes must be 1 for a Valkey or Redis OSS cluster.")
        changes, pending = self._engine_and_node_type(region, cluster, p)
        if "SecurityGroupIds" in p:
            vpc = region.subnet_groups[cluster.subnet_group]["VpcId"]
            changes["security_group_ids"] = self._security_groups(region, p["SecurityGroupIds"], vpc)
        if "CacheParameterGroupName" in p and p["CacheParameterGroupName"] != cluster.parameter_group:
            family = self._engine(changes.get("engine", cluster.engine), changes.get("engine_version")
                                  or pending.get("EngineVersion") or cluster.engine_version)[2]
            changes["parameter_group"] = self._parameter_group_for(region, p["CacheParameterGroupName"], family,
                                                                   False)
        if "SnapshotRetentionLimit" in p:
            changes["retention"] = rules.retention(p["SnapshotRetentionLimit"])
        snapshot_window = p.get("SnapshotWindow", cluster.snapshot_window)
        maintenance_window = p.get("PreferredMaintenanceWindow", cluster.maintenance_window)
        self._check_windows(snapshot_window, maintenance_window)
        changes.update(snapshot_window=snapshot_window, maintenance_window=maintenance_window)
        for param, field in (("AutoMinorVersionUpgrade", "auto_minor"), ("NotificationTopicArn", "notification_arn"),
                             ("NotificationTopicStatus", "notification_status")):
            if param in p:
                changes[field] = p[param]
        if "AuthToken" in p or "AuthTokenUpdateStrategy" in p:
            changes.update(self._token_change(cluster, p.get("AuthToken"), p.get("AuthTokenUpdateStrategy", "ROTATE")))
        if "LogDeliveryConfigurations" in p:
            changes["log_delivery"] = self._log_delivery_change(cluster, p)
        cluster.node_pending.update(pending)
        changes = {k: v for k, v in changes.items() if getattr(cluster, k) != v}
        if changes:
            self._modify(region, cluster, changes)
        return {"CacheCluster": cluster.render_cluster(cluster.id, False)}

    def op_RebootCacheCluster(self, region, p):  # pylint: disable=invalid-name
        group = region.member_clusters().get(p["CacheClusterId"].lower())
        if group is None:
            raise error("CacheClusterNotFound", f"CacheCluster {p['CacheClusterId']} not found.")
        if group.cluster_mode:
            raise AWSError("InvalidAction", "Rebooting a node in cluster mode is not implemented by the emulator.")
        if p["CacheNodeIdsToReboot"] != ["0001"]:
            raise rules.invalid(f"Cache cluster {p['CacheClusterId']} has one node, 0001.")
        if group.status != "available":
            raise error("InvalidCacheClusterState",
                        f"Cache cluster {p['CacheClusterId']} must be available to reboot; it is {group.status}.")
        group.status = "rebooting cache cluster nodes"
        if group.replicas > 0:
            group.disconnects += 1  # the rebooted node resyncs from the others: data stays, its clients drop
        else:
            group.reboots += 1  # a node without a replica comes back empty

        def finish():
            group.status = "available"
            region.event(p["CacheClusterId"].lower(), "cache-cluster", "Cache node 0001 restarted")

        group.transition = self._after(self.config.modify_seconds, finish)
        return {"CacheCluster": group.render_cluster(p["CacheClusterId"].lower(), False)}

    def op_DeleteCacheCluster(self, region, p):  # pylint: disable=invalid-name
        cluster = self._standalone_for(region, p["CacheClusterId"], "DeleteReplicationGroup")
        if cluster.status not in ("available", "create-failed"):
            raise error("InvalidCacheClusterState",
                        f"Cache cluster {cluster.id} must be available to delete it; it is {cluster.status}.")
        self._final_snapshot(region, cluster, p.get("FinalSnapshotIdentifier"))
        self._delete(region, cluster, region.clusters, "Cache cluster deleted")
        return {"CacheCluster": cluster.render_cluster(cluster.id, False)}
