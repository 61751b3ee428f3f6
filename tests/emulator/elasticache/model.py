"""What the emulated ElastiCache holds: groups (replication groups and standalone cache clusters) and regions."""

from __future__ import annotations

import hashlib

from ..catalog import FAMILIES
from ..redis_cluster_layout import aws_slot_ranges, format_ranges
from .common import ACCOUNT, now_precise, region_code

# What DescribeCacheClusters returns in CacheCluster.ClientDownloadLandingPage.
CLIENT_DOWNLOAD_LANDING_PAGE = "https://console.aws.amazon.com/elasticache/home#client-download:"


class Group:  # pylint: disable=too-many-instance-attributes
    """One replication group, or one standalone cache cluster (`standalone`): what AWS shows of it."""

    def __init__(self, **fields):
        self.standalone = False
        self.primary_cluster_id = None  # a cluster that became this group's primary (PrimaryClusterId)
        self.primary_index = 0  # which member is the primary; TestFailover moves it
        self.disconnects = 0  # each one drops every client connection (failover, reboot of one of several nodes)
        self.reboots = 0  # each one restarts redis-server empty
        self.restore_from = None  # a Redis dump to start from (snapshot, or the cluster it was made from)
        self.log_delivery = []
        self.node_group_ids = ["0001"]  # cluster mode: a removed shard's id is not used again
        self.retired_members = []  # members of removed shards: their names stay mapped while the group lives
        self.plain_names = False  # TLS turned on after creation: the endpoint keeps the name clients already use
        self.data_tiering = False
        self.network_type = self.ip_discovery = "ipv4"
        self.node_azs = None  # per node group, the zone of each node (PreferredCacheClusterAZs, NodeGroupConfiguration)
        self.__dict__.update(fields)
        self.pending = {}
        self.node_pending = {}
        self.transition = None

    @property
    def kind(self):
        return "cache-cluster" if self.standalone else "replication-group"

    @property
    def server_key(self):
        """Name of this group's redis-server in the fixture (a cluster and a group may share an id)."""
        return f"{self.region}-{'cluster-' if self.standalone else ''}{self.id}"

    @property
    def num_node_groups(self):
        return len(self.node_group_ids)

    def member_ids(self):
        if self.standalone:
            return [self.id]
        if self.cluster_mode:
            return [f"{self.id}-{g}-{n:03d}" for g in self.node_group_ids for n in range(1, self.replicas + 2)]
        members = [f"{self.id}-{n:03d}" for n in range(1, self.replicas + 2)]
        if self.primary_cluster_id:
            members[0] = self.primary_cluster_id
        return members

    def member_az(self, index):
        """The zone of the member at `index` (of member_ids()): as asked at creation, else spread over the subnets'."""
        group_index, node_index = divmod(index, self.replicas + 1) if not self.standalone else (0, index)
        asked = (self.node_azs or [])[group_index] if group_index < len(self.node_azs or []) else None
        if asked and node_index < len(asked):
            return asked[node_index]
        return self.azs[index % len(self.azs)]

    def primary_id(self):
        return self.member_ids()[self.primary_index]

    def endpoint_names(self):
        """(primary, reader, configuration) host names, as ElastiCache forms them."""
        suffix = f"{self.hash}.{region_code(self.region)}.cache.amazonaws.com"
        if self.standalone:
            return None, None, None
        if self.cluster_mode:
            return None, None, f"clustercfg.{self.id}.{suffix}"
        if self.transit and not self.plain_names:
            return f"master.{self.id}.{suffix}", f"replica.{self.id}.{suffix}", None
        return f"{self.id}.{self.hash}.ng.0001.{region_code(self.region)}.cache.amazonaws.com", \
            f"{self.id}-ro.{self.hash}.ng.0001.{region_code(self.region)}.cache.amazonaws.com", None

    def node_name(self, member_id):
        suffix = f"{self.hash}.{region_code(self.region)}.cache.amazonaws.com"
        if self.transit and not self.plain_names and not self.standalone and member_id != self.primary_cluster_id:
            return f"{member_id}.{self.id}.{suffix}"
        # A node keeps its name when its cluster joins a replication group.
        return f"{member_id}.{self.hash}.0001.{region_code(self.region)}.cache.amazonaws.com"

    def hostnames(self, serving_only=False):
        """Every name to map in the hosts files; `serving_only`: without the nodes of removed shards.

        A removed shard's names stay mapped, so a client holding an old slot map never asks DNS.
        """
        primary, reader, config = self.endpoint_names()
        names = [n for n in (primary, config) if n]
        if reader and self.replicas > 0:
            names.append(reader)
        retired = [] if serving_only else self.retired_members
        return names + [self.node_name(m) for m in self.member_ids() + retired]

    def render_log_delivery(self):
        return [dict(c) for c in self.log_delivery]

    def render(self):
        primary, reader, config = self.endpoint_names()
        members = self.member_ids()
        node_groups = []
        slots = aws_slot_ranges(self.num_node_groups)
        for index, node_group_id in enumerate(self.node_group_ids):
            group_members = members[index * (self.replicas + 1):(index + 1) * (self.replicas + 1)]
            node_group = {
                "NodeGroupId": node_group_id,
                "Status": self.status,
                "NodeGroupMembers": [
                    {
                        "CacheClusterId": m,
                        "CacheNodeId": "0001",
                        "PreferredAvailabilityZone": self.member_az(index * (self.replicas + 1) + i),
                        **({} if self.cluster_mode else {
                            "ReadEndpoint": {"Address": self.node_name(m), "Port": self.port},
                            "CurrentRole": "primary" if i == self.primary_index else "replica",
                        }),
                    }
                    for i, m in enumerate(group_members)
                ],
            }
            if self.cluster_mode:
                node_group["Slots"] = format_ranges([slots[index]])
            else:
                node_group["PrimaryEndpoint"] = {"Address": primary, "Port": self.port}
                if self.replicas > 0:
                    node_group["ReaderEndpoint"] = {"Address": reader, "Port": self.port}
            node_groups.append(node_group)
        result = {
            "ReplicationGroupId": self.id,
            "Description": self.description,
            "Status": self.status,
            "PendingModifiedValues": dict(self.pending),
            "MemberClusters": members,
            "NodeGroups": node_groups,
            "AutomaticFailover": "enabled" if self.automatic_failover else "disabled",
            "MultiAZ": "enabled" if self.multi_az else "disabled",
            "SnapshotRetentionLimit": self.retention,
            "SnapshotWindow": self.snapshot_window,
            "ClusterEnabled": self.cluster_mode,
            "ClusterMode": "enabled" if self.cluster_mode else "disabled",
            "CacheNodeType": self.node_type,
            "Engine": self.engine,
            "AuthTokenEnabled": bool(self.tokens),
            "TransitEncryptionEnabled": self.transit,
            "AtRestEncryptionEnabled": self.at_rest,
            "ARN": self.arn,
            "ReplicationGroupCreateTime": self.created,
            "AutoMinorVersionUpgrade": self.auto_minor,
            "DataTiering": "enabled" if self.data_tiering else "disabled",
            "NetworkType": self.network_type,
            "IpDiscovery": self.ip_discovery,
            "UserGroupIds": list(getattr(self, "user_group_ids", [])),
            "LogDeliveryConfigurations": self.render_log_delivery(),
        }
        if self.retention > 0:
            replicas = [m for i, m in enumerate(members) if i != self.primary_index]
            result["SnapshottingClusterId"] = replicas[-1] if replicas else members[0]
        if self.transit:
            result["TransitEncryptionMode"] = self.transit_mode
        if self.tokens:
            result["AuthTokenLastModifiedDate"] = self.token_modified
        if self.kms_key_id:
            result["KmsKeyId"] = self.kms_key_id
        if config:
            result["ConfigurationEndpoint"] = {"Address": config, "Port": self.port}
        if getattr(self, "global_info", None):
            result["GlobalReplicationGroupInfo"] = dict(self.global_info)
        return result

    def render_cluster(self, member_id, show_nodes):
        index = self.member_ids().index(member_id)
        status = self.status
        cluster = {
            "CacheClusterId": member_id,
            "ClientDownloadLandingPage": CLIENT_DOWNLOAD_LANDING_PAGE,
            "CacheNodeType": self.node_type,
            "Engine": self.engine,
            "EngineVersion": self.engine_version,
            "CacheClusterStatus": status,
            "NumCacheNodes": 1,
            "PreferredAvailabilityZone": self.member_az(index),
            "PreferredMaintenanceWindow": self.maintenance_window,
            "PendingModifiedValues": dict(self.node_pending),
            "CacheSecurityGroups": [],
            "CacheParameterGroup": {"CacheParameterGroupName": self.parameter_group,
                                    "ParameterApplyStatus": "in-sync", "CacheNodeIdsToReboot": []},
            "CacheSubnetGroupName": self.subnet_group,
            "AutoMinorVersionUpgrade": self.auto_minor,
            "SecurityGroups": [{"SecurityGroupId": g, "Status": "active"} for g in self.security_group_ids],
            "SnapshotRetentionLimit": self.retention,
            "SnapshotWindow": self.snapshot_window,
            "AuthTokenEnabled": bool(self.tokens),
            "TransitEncryptionEnabled": self.transit,
            "AtRestEncryptionEnabled": self.at_rest,
            "ARN": f"arn:aws:elasticache:{self.region}:{ACCOUNT}:cluster:{member_id}",
            "CacheClusterCreateTime": self.created,
            "NetworkType": self.network_type,
            "IpDiscovery": self.ip_discovery,
        }
        if self.standalone:
            cluster["LogDeliveryConfigurations"] = self.render_log_delivery()
            if self.tokens:
                cluster["AuthTokenLastModifiedDate"] = self.token_modified
            if self.transit:
                cluster["TransitEncryptionMode"] = self.transit_mode
        else:
            cluster["ReplicationGroupId"] = self.id
            cluster["ReplicationGroupLogDeliveryEnabled"] = bool(self.log_delivery)
        if self.notification_arn:
            cluster["NotificationConfiguration"] = {"TopicArn": self.notification_arn,
                                                    "TopicStatus": self.notification_status}
        if show_nodes:
            cluster["CacheNodes"] = [{
                "CacheNodeId": "0001",
                "CacheNodeStatus": status,
                "CacheNodeCreateTime": self.created,
                "Endpoint": {"Address": self.node_name(member_id), "Port": self.port},
                "ParameterGroupStatus": "in-sync",
                "CustomerAvailabilityZone": self.member_az(index),
            }]
        return cluster


class Serving:  # pylint: disable=too-few-public-methods
    """A group as the Redis fixture mirrors it: the same fields, but only the names of nodes that run."""

    def __init__(self, group: Group):
        self._group = group

    def __getattr__(self, name):
        return getattr(self._group, name)

    def hostnames(self):
        return self._group.hostnames(serving_only=True)


class Region:
    def __init__(self, name, hash_salt=""):
        self.name = name
        self.groups: dict[str, Group] = {}
        self.clusters: dict[str, Group] = {}  # standalone cache clusters
        self.events: list[dict] = []
        self.subnet_groups: dict[str, dict] = {}
        self.parameter_groups: dict[str, dict] = {}
        self.snapshots: dict[str, dict] = {}
        self.tags: dict[str, list] = {}
        for family in FAMILIES:
            for suffix, cluster in (("", "no"), (".cluster.on", "yes")):
                name_ = f"default.{family}{suffix}"
                self.parameter_groups[name_] = {
                    "name": name_, "family": family, "description": f"Default parameter group for {family}",
                    "values": {"cluster-enabled": cluster} if cluster == "yes" else {}, "default": True,
                }
        # Two emulators on one machine (demo and tests) hand out different names.
        self.hash = hashlib.sha1(f"{ACCOUNT}:{name}:{hash_salt}".encode()).hexdigest()[:6]

    def arn(self, kind, name):
        return f"arn:aws:elasticache:{self.name}:{ACCOUNT}:{kind}:{name}"

    def all_groups(self):
        """Replication groups and standalone clusters: everything that has redis endpoints."""
        return list(self.groups.values()) + list(self.clusters.values())

    def member_clusters(self):
        """cluster id -> the group (or standalone cluster) it belongs to."""
        return {m: g for g in self.all_groups() for m in g.member_ids()}

    def event(self, source_id, source_type, message):
        self.events.append({"SourceIdentifier": source_id, "SourceType": source_type, "Message": message,
                            "Date": now_precise()})
